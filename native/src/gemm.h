// Batched general matrix multiply over strided operands: C[b] (+)= A[b] @ B[b].
// Plain C++ over pointers and strides (no N-API), so the kernels can also build for WebAssembly.
#pragma once
#include <cstdint>

namespace tstorch {

/** One strided matrix operand: element (i, j) of batch b at data[b*bs + i*rs + j*cs]. */
template <typename T>
struct MatArg {
  const T* data;
  int64_t bs, rs, cs;
};

/** C [batch, M, N] contiguous; C = A @ B, or C += A @ B when accumulate. */
void gemm(int64_t batch, int64_t M, int64_t N, int64_t K, MatArg<float> a, MatArg<float> b, float* c,
          bool accumulate);
void gemm(int64_t batch, int64_t M, int64_t N, int64_t K, MatArg<double> a, MatArg<double> b, double* c,
          bool accumulate);

/** As gemm, with C's batch stride cbs and row stride ldc (column stride 1). */
void gemmEx(int64_t batch, int64_t M, int64_t N, int64_t K, MatArg<float> a, MatArg<float> b, float* c,
            int64_t cbs, int64_t ldc, bool accumulate);
void gemmEx(int64_t batch, int64_t M, int64_t N, int64_t K, MatArg<double> a, MatArg<double> b, double* c,
            int64_t cbs, int64_t ldc, bool accumulate);

}  // namespace tstorch
