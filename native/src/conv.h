// 2-D convolution over contiguous NCHW data: forward, input gradient and weight gradient
// (the roles of ATen/native/ConvolutionMM2d.cpp and oneDNN's direct convolutions), float32 and
// float64. Plain C++ over pointers (no N-API).
#pragma once
#include <cstdint>

namespace tstorch {

/** Mirrors Conv2dGeom of src/backend/backend.ts; weight is [O, C/groups, kH, kW]. */
struct ConvGeom {
  int64_t N, C, H, W, O, kH, kW, sH, sW, pH, pW, dH, dW, groups, oH, oW;
};

/** out [N, O, oH, oW] = conv2d(x, w) (+ bias[O] when bias is not null). */
void conv2dForward(const ConvGeom& g, const float* x, const float* w, const float* bias, float* out);
void conv2dForward(const ConvGeom& g, const double* x, const double* w, const double* bias, double* out);
/** gIn [N, C, H, W] += the input gradient of conv2d for gOut. */
void conv2dBackwardInput(const ConvGeom& g, const float* gOut, const float* w, float* gIn);
void conv2dBackwardInput(const ConvGeom& g, const double* gOut, const double* w, double* gIn);
/** gW [O, C/groups, kH, kW] += the weight gradient of conv2d for x and gOut. */
void conv2dBackwardWeight(const ConvGeom& g, const float* x, const float* gOut, float* gW);
void conv2dBackwardWeight(const ConvGeom& g, const double* x, const double* gOut, double* gW);

}  // namespace tstorch
