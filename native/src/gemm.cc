// Matrix multiply kernels: a portable blocked loop nest (the vectorised kernels dispatch from here).
#include "gemm.h"

#include <algorithm>

#include "threadpool.h"

namespace tstorch {
namespace {

template <typename T>
void gemmPortable(int64_t batch, int64_t M, int64_t N, int64_t K, MatArg<T> a, MatArg<T> b, T* c,
                  bool accumulate) {
  parallelFor(batch * M, 16, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; r++) {
      int64_t bi = r / M;
      int64_t i = r % M;
      T* crow = c + r * N;
      if (!accumulate) std::fill(crow, crow + N, T(0));
      const T* arow = a.data + bi * a.bs + i * a.rs;
      const T* bmat = b.data + bi * b.bs;
      for (int64_t k = 0; k < K; k++) {
        T av = arow[k * a.cs];
        const T* brow = bmat + k * b.rs;
        if (b.cs == 1) {
          for (int64_t j = 0; j < N; j++) crow[j] += av * brow[j];
        } else {
          for (int64_t j = 0; j < N; j++) crow[j] += av * brow[j * b.cs];
        }
      }
    }
  });
}

}  // namespace

void gemm(int64_t batch, int64_t M, int64_t N, int64_t K, MatArg<float> a, MatArg<float> b, float* c,
          bool accumulate) {
  gemmPortable(batch, M, N, K, a, b, c, accumulate);
}

void gemm(int64_t batch, int64_t M, int64_t N, int64_t K, MatArg<double> a, MatArg<double> b, double* c,
          bool accumulate) {
  gemmPortable(batch, M, N, K, a, b, c, accumulate);
}

}  // namespace tstorch
