// log_softmax's backward in one pass over contiguous data (ATen/native/SoftMax.cpp
// log_softmax_backward_cpu): out = g - exp(y) * sum(g over dim). Mirrors
// src/backend/reference/softmax_backward.ts.
#pragma once
#include <cstdint>

namespace tstorch {

/** g, y and out are contiguous [outer, size, inner]; the reduced dim is the middle one. */
template <typename T>
void logSoftmaxBackward(const T* g, const T* y, int64_t outer, int64_t size, int64_t inner, T* out);

}  // namespace tstorch
