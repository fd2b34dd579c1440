// Elementwise kernels: the body (elementwise_impl.h) is compiled once per instruction set and the
// copy matching activeIsa() runs, split across the thread pool above kGrain elements.
#include "elementwise.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "cpu.h"
#include "elementwise_ops.h"
#include "threadpool.h"

// Results must equal the reference's double arithmetic exactly: no fused multiply-adds.
#pragma GCC optimize("fp-contract=off")

namespace tstorch {
namespace ew_portable {
#include "elementwise_impl.h"
}  // namespace ew_portable

#if defined(__x86_64__)
#pragma GCC push_options
#pragma GCC target("avx2,fma")
namespace ew_avx2 {
#include "elementwise_impl.h"
}  // namespace ew_avx2
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512vl,avx512dq,avx2,fma")
namespace ew_avx512 {
#include "elementwise_impl.h"
}  // namespace ew_avx512
#pragma GCC pop_options
#define TS_ISA_CALL(fn, ...)                                          \
  switch (activeIsa()) {                                              \
    case Isa::avx512: ew_avx512::fn(__VA_ARGS__); break;              \
    case Isa::avx2: ew_avx2::fn(__VA_ARGS__); break;                  \
    default: ew_portable::fn(__VA_ARGS__); break;                     \
  }
#else
#define TS_ISA_CALL(fn, ...) ew_portable::fn(__VA_ARGS__)
#endif

namespace {

/** Coalesces g and runs body(begin, end) over its elements, in parallel when large. */
template <class F>
void run(Geom& g, F&& body) {
  g.coalesce();
  const int64_t n = g.numel();
  if (n == 0) return;
  if (n < 2 * kGrain || getNumThreads() == 1) {
    body(int64_t{0}, n);
    return;
  }
  parallelFor(n, kGrain, [&](int64_t b, int64_t e) { body(b, e); });
}

}  // namespace

void unary(int op, Geom& g, Arr out, Arr x, Store st) {
  run(g, [&](int64_t b, int64_t e) { TS_ISA_CALL(unaryRange, op, g, out, x, st, b, e); });
}

void binary(int op, Geom& g, Arr out, Arr a, Arr b, Store st) {
  run(g, [&](int64_t lo, int64_t hi) { TS_ISA_CALL(binaryRange, op, g, out, a, b, st, lo, hi); });
}

void where(Geom& g, Arr out, Arr c, Arr a, Arr b, Store st) {
  run(g, [&](int64_t lo, int64_t hi) { TS_ISA_CALL(whereRange, g, out, c, a, b, st, lo, hi); });
}

void copy(Geom& g, Arr dst, Arr src, Store st) {
  run(g, [&](int64_t lo, int64_t hi) { TS_ISA_CALL(copyRange, g, dst, src, st, lo, hi); });
}

void fill(Geom& g, Arr dst, double value) {
  run(g, [&](int64_t lo, int64_t hi) { TS_ISA_CALL(fillRange, g, dst, value, lo, hi); });
}

}  // namespace tstorch
