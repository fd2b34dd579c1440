// addScaled: one pass a + alpha * b into out, compiled once per instruction set (the copy matching
// activeIsa() runs) and split across the thread pool only when the pass is long enough to pay for it.
#include "axpy.h"

#include "cpu.h"
#include "threadpool.h"

// Where the target has FMA the compiler may fuse the multiply-add, as ATen's vec::fmadd does.
#define TS_AXPY_RANGE                                                               \
  template <typename T>                                                             \
  void range(const T* a, const T* b, T alpha, T* out, int64_t lo, int64_t hi) {     \
    for (int64_t i = lo; i < hi; i++) out[i] = a[i] + alpha * b[i];                 \
  }

namespace tstorch {
namespace axpy_portable {
TS_AXPY_RANGE
}  // namespace axpy_portable

#if defined(__x86_64__)
#pragma GCC push_options
#pragma GCC target("avx2,fma")
namespace axpy_avx2 {
TS_AXPY_RANGE
}  // namespace axpy_avx2
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512vl,avx512dq,avx2,fma")
namespace axpy_avx512 {
TS_AXPY_RANGE
}  // namespace axpy_avx512
#pragma GCC pop_options
#endif

namespace {

template <typename T>
void rangeIsa(const T* a, const T* b, T alpha, T* out, int64_t lo, int64_t hi) {
#if defined(__x86_64__)
  switch (activeIsa()) {
    case Isa::avx512: return axpy_avx512::range(a, b, alpha, out, lo, hi);
    case Isa::avx2: return axpy_avx2::range(a, b, alpha, out, lo, hi);
    default: break;
  }
#endif
  axpy_portable::range(a, b, alpha, out, lo, hi);
}

}  // namespace

template <typename T>
void addScaled(const T* a, const T* b, int64_t n, double alpha, T* out) {
  const T al = static_cast<T>(alpha);
  // A pass under ~2^18 elements takes less than a thread wake-up costs to pay back.
  constexpr int64_t kGrain = 1 << 17;
  if (n < 2 * kGrain || getNumThreads() == 1) {
    rangeIsa(a, b, al, out, 0, n);
    return;
  }
  parallelFor(n, kGrain, [&](int64_t lo, int64_t hi) { rangeIsa(a, b, al, out, lo, hi); });
}

template void addScaled<float>(const float*, const float*, int64_t, double, float*);
template void addScaled<double>(const double*, const double*, int64_t, double, double*);

}  // namespace tstorch
