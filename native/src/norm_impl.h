// The body of the fused normalisation kernels, included once per instruction set by norm.cc inside
// its own namespace and `#pragma GCC target` region (no include guard, no system headers here).

// Eight doubles as one GCC vector: the lane sums below compile to full-width SIMD under each
// instruction set (GCC left the earlier array-of-lanes form scalar).
typedef double VD8 __attribute__((vector_size(64)));
typedef float VF8 __attribute__((vector_size(32)));

inline VD8 load8(const float* p) {
  VF8 v;
  __builtin_memcpy(&v, p, sizeof v);
  return __builtin_convertvector(v, VD8);
}
inline VD8 load8(const double* p) {
  VD8 v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}
inline double hsum(VD8 a, VD8 b) {
  double s = 0;
  for (int j = 0; j < 8; j++) s += a[j];
  for (int j = 0; j < 8; j++) s += b[j];
  return s;
}

/** Sum of f(p[i]) over n contiguous elements, in double with 16 independent lanes. */
template <typename T, class F>
inline double laneSum(const T* p, int64_t n, F f) {
  VD8 a = {}, b = {};
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    a += f(load8(p + i));
    b += f(load8(p + i + 8));
  }
  double s = hsum(a, b);
  for (; i < n; i++) s += f(static_cast<double>(p[i]));
  return s;
}

template <typename T>
void bnStatsRange(const T* x, int64_t N, int64_t C, int64_t L, double* mean, double* var, int64_t c0,
                  int64_t c1) {
  const double count = static_cast<double>(N * L);
  for (int64_t c = c0; c < c1; c++) {
    double s = 0;
    for (int64_t n = 0; n < N; n++) s += laneSum(x + (n * C + c) * L, L, [](auto v) { return v; });
    const double m = s / count;
    double ss = 0;
    for (int64_t n = 0; n < N; n++) {
      ss += laneSum(x + (n * C + c) * L, L, [m](auto v) { return (v - m) * (v - m); });
    }
    mean[c] = m;
    var[c] = ss / count;
  }
}

template <typename T>
void bnApplyRange(const T* x, int64_t C, int64_t L, const double* scale, const double* shift, T* out,
                  int64_t p0, int64_t p1) {
  for (int64_t p = p0; p < p1; p++) {
    const double a = scale[p % C], b = shift[p % C];
    const T* xp = x + p * L;
    T* op = out + p * L;
    for (int64_t i = 0; i < L; i++) op[i] = static_cast<T>(static_cast<double>(xp[i]) * a + b);
  }
}

template <typename T>
void bnBackwardRange(const T* g, const T* x, int64_t N, int64_t C, int64_t L, const double* mean,
                     const double* invstd, const double* scale, bool training, double* gsum, double* gdot,
                     T* gx, int64_t c0, int64_t c1) {
  const double count = static_cast<double>(N * L);
  for (int64_t c = c0; c < c1; c++) {
    const double m = mean[c], is = invstd[c];
    // d sums g * (x - m); the product with invstd is taken once per channel.
    double s = 0, d = 0;
    for (int64_t n = 0; n < N; n++) {
      const T* gp = g + (n * C + c) * L;
      const T* xp = x + (n * C + c) * L;
      VD8 s0 = {}, s1 = {}, d0 = {}, d1 = {};
      int64_t i = 0;
      for (; i + 16 <= L; i += 16) {
        const VD8 g0 = load8(gp + i), g1 = load8(gp + i + 8);
        s0 += g0;
        s1 += g1;
        d0 += g0 * (load8(xp + i) - m);
        d1 += g1 * (load8(xp + i + 8) - m);
      }
      s += hsum(s0, s1);
      d += hsum(d0, d1);
      for (; i < L; i++) {
        const double gv = gp[i];
        s += gv;
        d += gv * (static_cast<double>(xp[i]) - m);
      }
    }
    d *= is;
    gsum[c] = s;
    gdot[c] = d;
    if (gx == nullptr) continue;
    const double k = scale[c], gm = s / count, dm = d / count;
    for (int64_t n = 0; n < N; n++) {
      const int64_t base = (n * C + c) * L;
      const T* gp = g + base;
      const T* xp = x + base;
      T* op = gx + base;
      if (training) {
        // (g - gm - (x - m) * is * dm) * k folded into g * k + x * a + b, still in double.
        const double a = -is * dm * k, b = (m * is * dm - gm) * k;
        for (int64_t i = 0; i < L; i++) {
          op[i] = static_cast<T>(static_cast<double>(gp[i]) * k + static_cast<double>(xp[i]) * a + b);
        }
      } else {
        for (int64_t i = 0; i < L; i++) op[i] = static_cast<T>(static_cast<double>(gp[i]) * k);
      }
    }
  }
}

template <typename T>
void lnRange(const T* x, int64_t D, const T* w, const T* b, double eps, T* out, double* mean, double* rstd,
             int64_t r0, int64_t r1) {
  for (int64_t r = r0; r < r1; r++) {
    const T* xp = x + r * D;
    T* op = out + r * D;
    const double m = laneSum(xp, D, [](auto v) { return v; }) / static_cast<double>(D);
    const double ss = laneSum(xp, D, [m](auto v) { return (v - m) * (v - m); });
    const double rs = 1 / std::sqrt(ss / static_cast<double>(D) + eps);
    mean[r] = m;
    rstd[r] = rs;
    if (w != nullptr && b != nullptr) {
      for (int64_t i = 0; i < D; i++) {
        op[i] = static_cast<T>(((static_cast<double>(xp[i]) - m) * rs) * static_cast<double>(w[i]) +
                               static_cast<double>(b[i]));
      }
    } else {
      for (int64_t i = 0; i < D; i++) {
        double y = (static_cast<double>(xp[i]) - m) * rs;
        if (w != nullptr) y *= static_cast<double>(w[i]);
        if (b != nullptr) y += static_cast<double>(b[i]);
        op[i] = static_cast<T>(y);
      }
    }
  }
}

/** Rows [r0, r1): gx per row, and gw / gb partial sums accumulated into the given arrays. */
template <typename T>
void lnBackwardRange(const T* g, const T* x, int64_t D, const double* mean, const double* rstd, const T* w,
                     T* gx, double* gw, double* gb, int64_t r0, int64_t r1) {
  for (int64_t r = r0; r < r1; r++) {
    const T* xp = x + r * D;
    const T* gp = g + r * D;
    const double m = mean[r], rs = rstd[r];
    double s1 = 0, s2 = 0;
    for (int64_t i = 0; i < D; i++) {
      const double xhat = (static_cast<double>(xp[i]) - m) * rs;
      const double gv = gp[i];
      const double gxhat = w == nullptr ? gv : gv * static_cast<double>(w[i]);
      s1 += gxhat;
      s2 += gxhat * xhat;
      if (gw != nullptr) gw[i] += gv * xhat;
      if (gb != nullptr) gb[i] += gv;
    }
    if (gx == nullptr) continue;
    const double m1 = s1 / static_cast<double>(D), m2 = s2 / static_cast<double>(D);
    T* op = gx + r * D;
    for (int64_t i = 0; i < D; i++) {
      const double xhat = (static_cast<double>(xp[i]) - m) * rs;
      const double gv = gp[i];
      const double gxhat = w == nullptr ? gv : gv * static_cast<double>(w[i]);
      op[i] = static_cast<T>((gxhat - m1 - xhat * m2) * rs);
    }
  }
}

#define TS_NORM_INSTANTIATE(T)                                                                              \
  template void bnStatsRange<T>(const T*, int64_t, int64_t, int64_t, double*, double*, int64_t, int64_t);   \
  template void bnApplyRange<T>(const T*, int64_t, int64_t, const double*, const double*, T*, int64_t,      \
                                int64_t);                                                                   \
  template void bnBackwardRange<T>(const T*, const T*, int64_t, int64_t, int64_t, const double*,            \
                                   const double*, const double*, bool, double*, double*, T*, int64_t,       \
                                   int64_t);                                                                \
  template void lnRange<T>(const T*, int64_t, const T*, const T*, double, T*, double*, double*, int64_t,    \
                           int64_t);                                                                        \
  template void lnBackwardRange<T>(const T*, const T*, int64_t, const double*, const double*, const T*, T*, \
                                   double*, double*, int64_t, int64_t);
TS_NORM_INSTANTIATE(float)
TS_NORM_INSTANTIATE(double)
#undef TS_NORM_INSTANTIATE
