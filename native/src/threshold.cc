// threshold_backward: one branch-free pass over g and x into out, compiled once per instruction set
// (the copy matching activeIsa() runs) and split across the thread pool when large.
#include "threshold.h"

#include "cpu.h"
#include "threadpool.h"

// Both operands are loaded unconditionally so that the select vectorises (no branch per element).
#define TS_THRESHOLD_RANGE                                                               \
  template <typename T>                                                                  \
  void range(const T* g, bool gScalar, const T* x, T th, T* out, int64_t b, int64_t e) { \
    if (gScalar) {                                                                       \
      const T gv = g[0];                                                                 \
      for (int64_t i = b; i < e; i++) out[i] = x[i] <= th ? T(0) : gv;                   \
      return;                                                                            \
    }                                                                                    \
    for (int64_t i = b; i < e; i++) {                                                    \
      const T gv = g[i];                                                                 \
      out[i] = x[i] <= th ? T(0) : gv;                                                   \
    }                                                                                    \
  }

namespace tstorch {
namespace th_portable {
TS_THRESHOLD_RANGE
}  // namespace th_portable

#if defined(__x86_64__)
#pragma GCC push_options
#pragma GCC target("avx2,fma")
namespace th_avx2 {
TS_THRESHOLD_RANGE
}  // namespace th_avx2
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512vl,avx512dq,avx2,fma")
namespace th_avx512 {
TS_THRESHOLD_RANGE
}  // namespace th_avx512
#pragma GCC pop_options
#endif

namespace {

template <typename T>
void rangeIsa(const T* g, bool gs, const T* x, T th, T* out, int64_t b, int64_t e) {
#if defined(__x86_64__)
  switch (activeIsa()) {
    case Isa::avx512: return th_avx512::range(g, gs, x, th, out, b, e);
    case Isa::avx2: return th_avx2::range(g, gs, x, th, out, b, e);
    default: break;
  }
#endif
  th_portable::range(g, gs, x, th, out, b, e);
}

}  // namespace

template <typename T>
void thresholdBackward(const T* g, bool gScalar, const T* x, int64_t n, double threshold, T* out) {
  // PyTorch converts the threshold to scalar_t before comparing (round to nearest).
  const T th = static_cast<T>(threshold);
  constexpr int64_t kGrain = 1 << 16;
  if (n < 2 * kGrain || getNumThreads() == 1) {
    rangeIsa(g, gScalar, x, th, out, 0, n);
    return;
  }
  parallelFor(n, kGrain, [&](int64_t b, int64_t e) { rangeIsa(g, gScalar, x, th, out, b, e); });
}

template void thresholdBackward<float>(const float*, bool, const float*, int64_t, double, float*);
template void thresholdBackward<double>(const double*, bool, const double*, int64_t, double, double*);

}  // namespace tstorch
