// threshold_backward over contiguous data (ReLU's backward; ATen/native/cpu/Activation.cpp's
// threshold_kernel with value 0): out = x <= T(threshold) ? 0 : g.
// Mirrors src/backend/reference/threshold.ts.
#pragma once
#include <cstdint>

namespace tstorch {

/** gScalar: g is one value broadcast to all n elements (else n contiguous values). */
template <typename T>
void thresholdBackward(const T* g, bool gScalar, const T* x, int64_t n, double threshold, T* out);

}  // namespace tstorch
