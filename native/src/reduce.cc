// Reduction kernels: the body (reduce_impl.h) is compiled once per instruction set and the copy
// matching activeIsa() runs. Large reductions split the elements across threads, each with its own
// accumulators, folded in order afterwards.
#include "reduce.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "cpu.h"
#include "elementwise_ops.h"
#include "threadpool.h"

#pragma GCC optimize("fp-contract=off")

namespace tstorch {

constexpr double rInit(int m) {
  return m == R_prod || m == R_all ? 1.0 : m == R_max ? -INFINITY : m == R_min ? INFINITY : 0.0;
}

namespace rd_portable {
#include "reduce_impl.h"
}  // namespace rd_portable

#if defined(__x86_64__)
#pragma GCC push_options
#pragma GCC target("avx2,fma")
namespace rd_avx2 {
#include "reduce_impl.h"
}  // namespace rd_avx2
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512vl,avx512dq,avx2,fma")
namespace rd_avx512 {
#include "reduce_impl.h"
}  // namespace rd_avx512
#pragma GCC pop_options
#define TS_ISA_CALL(fn, ...)                                  \
  switch (activeIsa()) {                                      \
    case Isa::avx512: rd_avx512::fn(__VA_ARGS__); break;      \
    case Isa::avx2: rd_avx2::fn(__VA_ARGS__); break;          \
    default: rd_portable::fn(__VA_ARGS__); break;             \
  }
#else
#define TS_ISA_CALL(fn, ...) rd_portable::fn(__VA_ARGS__)
#endif

namespace {

/** acc[nOut] (already holding the identity) = the reduction of x; aux per output slot or null. */
void reduceInto(int mode, const Geom& g, Arr x, double* acc, int64_t nOut, const double* aux) {
  const int64_t n = g.numel();
  if (n == 0) return;
  const int T = getNumThreads();
  if (n < 2 * kGrain || T == 1 || nOut > n / 16) {
    TS_ISA_CALL(reduceRange, mode, g, x, acc, aux, 0, n);
    return;
  }
  std::vector<double> parts(static_cast<size_t>(nOut) * (T - 1), rInit(mode));
  parallelFor(T, 1, [&](int64_t b, int64_t e) {
    for (int64_t t = b; t < e; t++) {
      double* target = t == 0 ? acc : parts.data() + (t - 1) * nOut;
      TS_ISA_CALL(reduceRange, mode, g, x, target, aux, n * t / T, n * (t + 1) / T);
    }
  });
  for (int t = 1; t < T; t++) TS_ISA_CALL(combineRange, mode, acc, parts.data() + (t - 1) * nOut, nOut);
}

void storeAcc(const double* acc, Arr out, int64_t n, Store st) {
  withType(out, [&](auto* p) {
    using T = std::remove_pointer_t<decltype(p)>;
    for (int64_t i = 0; i < n; i++) p[i] = fromDouble<T>(storeValue(acc[i], st));
  });
}

/** Runs body(begin, end) over n items, in parallel when there is enough work. */
template <class F>
void runParallel(int64_t n, int64_t work, F&& body) {
  if (n == 0) return;
  if (work < 2 * kGrain || n < 2 || getNumThreads() == 1) {
    body(int64_t{0}, n);
    return;
  }
  const int64_t grain = std::max<int64_t>(1, n * kGrain / work);
  parallelFor(n, grain, [&](int64_t b, int64_t e) { body(b, e); });
}

}  // namespace

void reduce(int mode, Geom& g, Arr x, Arr out, int64_t nOut, Store st) {
  g.coalesce();
  std::vector<double> acc(nOut, rInit(mode));
  reduceInto(mode, g, x, acc.data(), nOut, nullptr);
  storeAcc(acc.data(), out, nOut, st);
}

void varReduce(Geom& g, Arr x, Arr out, int64_t nOut, int64_t count, double correction, bool takeSqrt) {
  g.coalesce();
  std::vector<double> mean(nOut, 0.0), ss(nOut, 0.0);
  reduceInto(R_sum, g, x, mean.data(), nOut, nullptr);
  for (auto& m : mean) m /= static_cast<double>(count);
  reduceInto(R_sqdev, g, x, ss.data(), nOut, mean.data());
  const double denom = std::max(static_cast<double>(count) - correction, 0.0);
  for (int64_t i = 0; i < nOut; i++) {
    const double v = ss[i] / denom;
    ss[i] = takeSqrt ? std::sqrt(v) : v;
  }
  storeAcc(ss.data(), out, nOut, Store::flt);
}

void logsumexp(Geom& g, Arr x, Arr out, int64_t nOut) {
  g.coalesce();
  std::vector<double> m(nOut, -INFINITY), s(nOut, 0.0);
  reduceInto(R_max, g, x, m.data(), nOut, nullptr);
  for (auto& v : m) v = std::isfinite(v) ? v : 0.0;
  reduceInto(R_expsum, g, x, s.data(), nOut, m.data());
  for (int64_t i = 0; i < nOut; i++) s[i] = std::log(s[i]) + m[i];
  storeAcc(s.data(), out, nOut, Store::flt);
}

void softmax(Geom& g, Arr x, Arr out, int64_t st, int64_t ost, int64_t size, bool log) {
  g.coalesce();
  const int64_t n = g.numel();
  runParallel(n, n * size * 8, [&](int64_t b, int64_t e) {
    TS_ISA_CALL(softmaxRange, g, x, out, st, ost, size, log, b, e);
  });
}

void reduceArg(Geom& g, Arr x, Arr values, double* indices, int64_t st, int64_t size, bool isMax) {
  g.coalesce();
  const int64_t n = g.numel();
  runParallel(n, n * size, [&](int64_t b, int64_t e) {
    TS_ISA_CALL(argRange, g, x, values, indices, st, size, isMax, b, e);
  });
}

}  // namespace tstorch
