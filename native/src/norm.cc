// Fused normalisation kernels: the body (norm_impl.h) is compiled once per instruction set and the
// copy matching activeIsa() runs; channels (batch norm) or rows (layer norm) split across threads.
#include "norm.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "cpu.h"
#include "threadpool.h"

#pragma GCC optimize("fp-contract=off")

namespace tstorch {
namespace nm_portable {
#include "norm_impl.h"
}  // namespace nm_portable

#if defined(__x86_64__)
#pragma GCC push_options
#pragma GCC target("avx2,fma")
namespace nm_avx2 {
#include "norm_impl.h"
}  // namespace nm_avx2
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512vl,avx512dq,avx2,fma")
namespace nm_avx512 {
#include "norm_impl.h"
}  // namespace nm_avx512
#pragma GCC pop_options
#define TS_ISA_CALL(fn, ...)                                  \
  switch (activeIsa()) {                                      \
    case Isa::avx512: nm_avx512::fn(__VA_ARGS__); break;      \
    case Isa::avx2: nm_avx2::fn(__VA_ARGS__); break;          \
    default: nm_portable::fn(__VA_ARGS__); break;             \
  }
#else
#define TS_ISA_CALL(fn, ...) nm_portable::fn(__VA_ARGS__)
#endif

namespace {

/** Runs body(begin, end) over n items of `per` elements each, in parallel when large. */
template <class F>
void split(int64_t n, int64_t per, F&& body) {
  if (n == 0) return;
  if (n < 2 || n * per < 65536 || getNumThreads() == 1) {
    body(int64_t{0}, n);
    return;
  }
  const int64_t grain = std::max<int64_t>(1, 32768 / std::max<int64_t>(per, 1));
  parallelFor(n, grain, [&](int64_t b, int64_t e) { body(b, e); });
}

}  // namespace

template <typename T>
void batchNormStats(const T* x, int64_t N, int64_t C, int64_t L, double* mean, double* variance) {
  split(C, N * L, [&](int64_t c0, int64_t c1) {
    TS_ISA_CALL(bnStatsRange, x, N, C, L, mean, variance, c0, c1);
  });
}

template <typename T>
void batchNormApply(const T* x, int64_t N, int64_t C, int64_t L, const double* scale, const double* shift,
                    T* out) {
  split(N * C, L, [&](int64_t p0, int64_t p1) {
    TS_ISA_CALL(bnApplyRange, x, C, L, scale, shift, out, p0, p1);
  });
}

template <typename T>
void batchNormBackward(const T* g, const T* x, int64_t N, int64_t C, int64_t L, const double* mean,
                       const double* invstd, const double* scale, bool training, double* gsum, double* gdot,
                       T* gx) {
  split(C, N * L, [&](int64_t c0, int64_t c1) {
    TS_ISA_CALL(bnBackwardRange, g, x, N, C, L, mean, invstd, scale, training, gsum, gdot, gx, c0, c1);
  });
}

template <typename T>
void layerNorm(const T* x, int64_t M, int64_t D, const T* w, const T* b, double eps, T* out, double* mean,
               double* rstd) {
  split(M, D, [&](int64_t r0, int64_t r1) {
    TS_ISA_CALL(lnRange, x, D, w, b, eps, out, mean, rstd, r0, r1);
  });
}

template <typename T>
void layerNormBackward(const T* g, const T* x, int64_t M, int64_t D, const double* mean, const double* rstd,
                       const T* w, T* gx, double* gw, double* gb) {
  const int T0 = getNumThreads();
  if (M < 2 || M * D < 65536 || T0 == 1) {
    TS_ISA_CALL(lnBackwardRange, g, x, D, mean, rstd, w, gx, gw, gb, 0, M);
    return;
  }
  // Each thread sums its rows' weight and bias gradients privately; the partials are added in order.
  std::vector<double> part(static_cast<size_t>(2 * D * T0), 0.0);
  parallelFor(T0, 1, [&](int64_t b, int64_t e) {
    for (int64_t t = b; t < e; t++) {
      double* pw = gw == nullptr ? nullptr : part.data() + 2 * D * t;
      double* pb = gb == nullptr ? nullptr : part.data() + 2 * D * t + D;
      TS_ISA_CALL(lnBackwardRange, g, x, D, mean, rstd, w, gx, pw, pb, M * t / T0, M * (t + 1) / T0);
    }
  });
  for (int t = 0; t < T0; t++) {
    for (int64_t i = 0; i < D; i++) {
      if (gw != nullptr) gw[i] += part[2 * D * t + i];
      if (gb != nullptr) gb[i] += part[2 * D * t + D + i];
    }
  }
}

#define TS_NORM_API(T)                                                                                       \
  template void batchNormStats<T>(const T*, int64_t, int64_t, int64_t, double*, double*);                   \
  template void batchNormApply<T>(const T*, int64_t, int64_t, int64_t, const double*, const double*, T*);   \
  template void batchNormBackward<T>(const T*, const T*, int64_t, int64_t, int64_t, const double*,          \
                                     const double*, const double*, bool, double*, double*, T*);             \
  template void layerNorm<T>(const T*, int64_t, int64_t, const T*, const T*, double, T*, double*, double*); \
  template void layerNormBackward<T>(const T*, const T*, int64_t, int64_t, const double*, const double*,    \
                                     const T*, T*, double*, double*);
TS_NORM_API(float)
TS_NORM_API(double)

}  // namespace tstorch
