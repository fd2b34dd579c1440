// out = a + alpha * b over contiguous data: the in-place add_(other, alpha=...) of SGD's step
// (ATen/native/cpu/BinaryOpsKernel.cpp add_kernel with alpha). Mirrors src/backend/reference/axpy.ts.
#pragma once
#include <cstdint>

namespace tstorch {

/** out may be a itself (the in-place case); alpha is first rounded to T, as ATen's scalar_t alpha. */
template <typename T>
void addScaled(const T* a, const T* b, int64_t n, double alpha, T* out);

}  // namespace tstorch
