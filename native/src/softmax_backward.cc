// log_softmax backward: per row the sum of g (accumulated in double, rounded to T like the
// reference), then g - exp(y) * sum; rows are split across the pool only for large inputs.
#include "softmax_backward.h"

#include <algorithm>
#include <cmath>

#include "threadpool.h"

namespace tstorch {

namespace {

template <typename T>
void rows(const T* g, const T* y, int64_t size, int64_t inner, T* out, int64_t lo, int64_t hi) {
  for (int64_t r = lo; r < hi; r++) {
    const int64_t o = r / inner;
    const int64_t base = o * size * inner + (r % inner);
    double s = 0;
    for (int64_t k = 0; k < size; k++) s += g[base + k * inner];
    const T st = static_cast<T>(s);
    for (int64_t k = 0; k < size; k++) {
      const int64_t j = base + k * inner;
      const T e = std::exp(y[j]);
      const T p = e * st;
      out[j] = g[j] - p;
    }
  }
}

}  // namespace

template <typename T>
void logSoftmaxBackward(const T* g, const T* y, int64_t outer, int64_t size, int64_t inner, T* out) {
  const int64_t nrows = outer * inner;
  // Below ~2^18 elements the pass is shorter than waking the pool costs.
  if (nrows * size < (int64_t(1) << 18) || getNumThreads() == 1 || nrows < 2) {
    rows(g, y, size, inner, out, 0, nrows);
    return;
  }
  const int64_t grain = std::max<int64_t>(1, (int64_t(1) << 16) / std::max<int64_t>(size, 1));
  parallelFor(nrows, grain, [&](int64_t lo, int64_t hi) { rows(g, y, size, inner, out, lo, hi); });
}

template void logSoftmaxBackward<float>(const float*, const float*, int64_t, int64_t, int64_t, float*);
template void logSoftmaxBackward<double>(const double*, const double*, int64_t, int64_t, int64_t, double*);

}  // namespace tstorch
