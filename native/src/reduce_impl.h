// The body of the reduction kernels, included once per instruction set by reduce.cc inside its own
// namespace and `#pragma GCC target` region (no include guard, no system headers here).
// Accumulation is in double, as the reference's Float64Array accumulators; contiguous segments are
// summed with independent lanes so the compiler can vectorize them.

template <int M>
inline double rGen(double v, double aux) {
  if constexpr (M == R_sqdev) {
    const double d = v - aux;
    return d * d;
  } else if constexpr (M == R_expsum) {
    return std::exp(v - aux);
  } else {
    return v;
  }
}

constexpr bool sumLike(int m) { return m == R_sum || m == R_sqdev || m == R_expsum; }

template <int M>
inline double rStep(double a, double v, double aux) {
  if constexpr (sumLike(M)) return a + rGen<M>(v, aux);
  if constexpr (M == R_prod) return a * v;
  if constexpr (M == R_max) return (v > a || v != v) ? v : a;
  if constexpr (M == R_min) return (v < a || v != v) ? v : a;
  if constexpr (M == R_any) return (v != 0 || a != 0) ? 1.0 : 0.0;
  if constexpr (M == R_all) return (v != 0 && a != 0) ? 1.0 : 0.0;
  return a;
}

/** Folds a segment's partial result into an accumulator. */
template <int M>
inline double rCombine(double a, double part) {
  if constexpr (sumLike(M)) return a + part;
  return rStep<M>(a, part, 0);
}

/** The reduction of n elements p[i * s] from the identity. */
template <int M, typename T>
inline double segReduce(const T* p, int64_t s, int64_t n, double aux) {
  constexpr int L = 16;
  if constexpr (sumLike(M) || M == R_max || M == R_min) {
    if (s == 1 && n >= L) {
      double lane[L];
      for (int j = 0; j < L; j++) lane[j] = rInit(M);
      int64_t i = 0;
      for (; i + L <= n; i += L) {
        for (int j = 0; j < L; j++) lane[j] = rStep<M>(lane[j], static_cast<double>(p[i + j]), aux);
      }
      double r = lane[0];
      for (int j = 1; j < L; j++) r = rCombine<M>(r, lane[j]);
      for (; i < n; i++) r = rStep<M>(r, static_cast<double>(p[i]), aux);
      return r;
    }
  }
  double r = rInit(M);
  for (int64_t i = 0; i < n; i++) r = rStep<M>(r, static_cast<double>(p[i * s]), aux);
  return r;
}

template <int M>
void reduceRows(const Geom& g, Arr x, double* acc, const double* aux, int64_t begin, int64_t end) {
  const int64_t so = g.innerStride(0), sx = g.innerStride(1);
  withType(x, [&](auto* xp) {
    forRange(g, begin, end, [&](const int64_t* off, int64_t n) {
      const auto* p = xp + off[1];
      double* a = acc + off[0];
      if (so == 0) {
        *a = rCombine<M>(*a, segReduce<M>(p, sx, n, aux ? aux[off[0]] : 0.0));
        return;
      }
      const double* ax = aux ? aux + off[0] : nullptr;
      if (so == 1 && sx == 1) {
        for (int64_t i = 0; i < n; i++) a[i] = rStep<M>(a[i], static_cast<double>(p[i]), ax ? ax[i] : 0.0);
        return;
      }
      for (int64_t i = 0; i < n; i++) {
        a[i * so] = rStep<M>(a[i * so], static_cast<double>(p[i * sx]), ax ? ax[i * so] : 0.0);
      }
    });
  });
}

void reduceRange(int mode, const Geom& g, Arr x, double* acc, const double* aux, int64_t begin, int64_t end) {
  dispatchOp<0, R_count>(mode, [&](auto c) { reduceRows<decltype(c)::value>(g, x, acc, aux, begin, end); });
}

/** Partials of several threads folded into acc. */
void combineRange(int mode, double* acc, const double* part, int64_t n) {
  dispatchOp<0, R_count>(mode, [&](auto c) {
    for (int64_t i = 0; i < n; i++) acc[i] = rCombine<decltype(c)::value>(acc[i], part[i]);
  });
}

// ---- softmax / log_softmax over one dim ----

template <typename T>
inline void softmaxSlice(const T* x, int64_t st, T* o, int64_t ost, int64_t size, bool log) {
  double m = -INFINITY;
  for (int64_t k = 0; k < size; k++) {
    const double v = x[k * st];
    if (v > m || v != v) m = v;
  }
  double s = 0;
  for (int64_t k = 0; k < size; k++) s += std::exp(static_cast<double>(x[k * st]) - m);
  if (log) {
    const double ls = std::log(s);
    for (int64_t k = 0; k < size; k++) o[k * ost] = static_cast<T>(static_cast<double>(x[k * st]) - m - ls);
  } else {
    for (int64_t k = 0; k < size; k++) {
      o[k * ost] = static_cast<T>(std::exp(static_cast<double>(x[k * st]) - m) / s);
    }
  }
}

/** Slices [begin, end) of g (operand 0: out, 1: x; the softmax dim removed from g). */
void softmaxRange(const Geom& g, Arr x, Arr out, int64_t st, int64_t ost, int64_t size, bool log,
                  int64_t begin, int64_t end) {
  const int64_t so = g.innerStride(0), sx = g.innerStride(1);
  withType(x, [&](auto* xp) {
    using T = std::remove_pointer_t<decltype(xp)>;
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
      T* op = static_cast<T*>(out.p);
      forRange(g, begin, end, [&](const int64_t* off, int64_t n) {
        for (int64_t i = 0; i < n; i++) {
          softmaxSlice(xp + off[1] + i * sx, st, op + off[0] + i * so, ost, size, log);
        }
      });
    }
  });
}

// ---- max / min with indices over one dim ----

template <typename T>
inline int64_t argSlice(const T* x, int64_t st, int64_t size, bool isMax, double* best) {
  double b = static_cast<double>(x[0]);
  int64_t bi = 0;
  for (int64_t k = 1; k < size && b == b; k++) {
    const double v = static_cast<double>(x[k * st]);
    if (v != v || (isMax ? v > b : v < b)) {
      b = v;
      bi = k;
    }
  }
  *best = b;
  return bi;
}

void argRange(const Geom& g, Arr x, Arr values, double* indices, int64_t st, int64_t size, bool isMax,
              int64_t begin, int64_t end) {
  const int64_t so = g.innerStride(0), sx = g.innerStride(1);
  withType(x, [&](auto* xp) {
    forRange(g, begin, end, [&](const int64_t* off, int64_t n) {
      for (int64_t i = 0; i < n; i++) {
        double best;
        const int64_t io = off[0] + i * so;
        indices[io] = static_cast<double>(argSlice(xp + off[1] + i * sx, st, size, isMax, &best));
        if (values.p != nullptr) {
          withType(values, [&](auto* vp) {
            vp[io] = fromDouble<std::remove_pointer_t<decltype(vp)>>(best);
          });
        }
      }
    });
  });
}
