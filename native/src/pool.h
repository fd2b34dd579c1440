// 2-D pooling kernels of the native backend over contiguous [P, H, W] planes: max (with argmax
// indices), average and adaptive average, and their backward kernels (mirrors
// src/backend/reference/pool.ts; ATen/native/cpu/MaxPoolKernel.cpp, AvgPoolKernel.cpp).
#pragma once
#include <cstdint>

namespace tstorch {

/** Pool2dGeom of src/backend/backend.ts. */
struct PoolGeom {
  int64_t P, H, W, kH, kW, sH, sW, pH, pW, dH, dW, oH, oW;
};

template <typename T>
void maxPool2d(const PoolGeom& g, const T* x, T* out, double* indices);
template <typename T>
void maxPool2dBackward(const PoolGeom& g, const T* gOut, const double* indices, T* gIn);
template <typename T>
void maxPool2dGather(const PoolGeom& g, const T* src, const double* indices, T* out);
template <typename T>
void avgPool2d(const PoolGeom& g, const T* x, T* out, bool countIncludePad, double divisor);
template <typename T>
void avgPool2dBackward(const PoolGeom& g, const T* gOut, T* gIn, bool countIncludePad, double divisor);
template <typename T>
void adaptiveAvgPool2d(const PoolGeom& g, const T* x, T* out);
template <typename T>
void adaptiveAvgPool2dBackward(const PoolGeom& g, const T* gOut, T* gIn);

}  // namespace tstorch
