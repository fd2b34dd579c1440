// The body of the elementwise kernels, included once per instruction set by elementwise.cc inside
// its own namespace and `#pragma GCC target` region (no include guard, no system headers here).
// Every value is computed in double and rounded on store, exactly as the reference kernels do;
// typed fast paths cover the hot same-type cases, a load-compute-store chunk loop the rest.

template <typename T>
inline void loadT(const T* p, int64_t s, int64_t n, double* buf) {
  if (s == 1) {
    for (int64_t i = 0; i < n; i++) buf[i] = static_cast<double>(p[i]);
  } else {
    for (int64_t i = 0; i < n; i++) buf[i] = static_cast<double>(p[i * s]);
  }
}

inline void load(const Arr& a, int64_t off, int64_t s, int64_t n, double* buf) {
  withType(a, [&](auto* p) { loadT(p + off, s, n, buf); });
}

template <typename T>
inline void storeT(T* p, int64_t s, int64_t n, const double* buf) {
  if (s == 1) {
    for (int64_t i = 0; i < n; i++) p[i] = fromDouble<T>(buf[i]);
  } else {
    for (int64_t i = 0; i < n; i++) p[i * s] = fromDouble<T>(buf[i]);
  }
}

inline void store(const Arr& o, int64_t off, int64_t s, int64_t n, double* buf, Store st) {
  if (st == Store::i64) {
    for (int64_t i = 0; i < n; i++) buf[i] = std::trunc(buf[i]);
  } else if (st == Store::boolean) {
    for (int64_t i = 0; i < n; i++) buf[i] = buf[i] != 0 ? 1.0 : 0.0;
  }
  withType(o, [&](auto* p) { storeT(p + off, s, n, buf); });
}

// ---- unary ----

template <int OP, typename T>
inline void unaryTyped(T* o, const T* x, int64_t xs, int64_t n) {
  if (xs == 1) {
    for (int64_t i = 0; i < n; i++) o[i] = static_cast<T>(unaryFn<OP>(static_cast<double>(x[i])));
  } else {
    for (int64_t i = 0; i < n; i++) o[i] = static_cast<T>(unaryFn<OP>(static_cast<double>(x[i * xs])));
  }
}

template <int OP>
void unaryRows(const Geom& g, Arr out, Arr x, Store st, int64_t begin, int64_t end) {
  const int64_t os = g.innerStride(0), xs = g.innerStride(1);
  const bool typed = st == Store::flt && x.t == out.t && os == 1 && (x.t == DType::f32 || x.t == DType::f64);
  forRange(g, begin, end, [&](const int64_t* off, int64_t n) {
    if (typed && x.t == DType::f32) {
      unaryTyped<OP>(static_cast<float*>(out.p) + off[0], static_cast<const float*>(x.p) + off[1], xs, n);
      return;
    }
    if (typed) {
      unaryTyped<OP>(static_cast<double*>(out.p) + off[0], static_cast<const double*>(x.p) + off[1], xs, n);
      return;
    }
    double buf[kChunk];
    for (int64_t i = 0; i < n; i += kChunk) {
      const int64_t m = std::min(kChunk, n - i);
      load(x, off[1] + i * xs, xs, m, buf);
      for (int64_t j = 0; j < m; j++) buf[j] = unaryFn<OP>(buf[j]);
      store(out, off[0] + i * os, os, m, buf, st);
    }
  });
}

void unaryRange(int op, const Geom& g, Arr out, Arr x, Store st, int64_t begin, int64_t end) {
  dispatchOp<0, U_count>(op, [&](auto c) { unaryRows<decltype(c)::value>(g, out, x, st, begin, end); });
}

// ---- binary ----

/** Whether the typed binary path handles this op (the arithmetic and comparisons). */
constexpr bool typedBinaryOp(int op) { return op <= B_ge && op != B_pow; }

template <int OP, typename TO, typename TA, typename TB>
inline void binaryTyped(TO* o, const TA* a, int64_t as, const TB* b, int64_t bs, int64_t n) {
  auto f = [](double x, double y) { return fromDouble<TO>(binaryFn<OP>(x, y)); };
  if (as == 1 && bs == 1) {
    for (int64_t i = 0; i < n; i++) o[i] = f(a[i], b[i]);
  } else if (as == 1 && bs == 0) {
    const double bv = b[0];
    for (int64_t i = 0; i < n; i++) o[i] = f(a[i], bv);
  } else if (as == 0 && bs == 1) {
    const double av = a[0];
    for (int64_t i = 0; i < n; i++) o[i] = f(av, b[i]);
  } else {
    for (int64_t i = 0; i < n; i++) o[i] = f(a[i * as], b[i * bs]);
  }
}

/** The typed path for float operands (f32/f64, any mix) into f32/f64 ('float') or u8 ('bool'). */
template <int OP, typename TO>
inline bool binaryTypedOut(TO* o, Arr a, int64_t ao, int64_t as, Arr b, int64_t bo, int64_t bs, int64_t n) {
  const bool af = a.t == DType::f32, bf = b.t == DType::f32;
  if (af && bf) {
    binaryTyped<OP>(o, static_cast<const float*>(a.p) + ao, as, static_cast<const float*>(b.p) + bo, bs, n);
  } else if (af) {
    binaryTyped<OP>(o, static_cast<const float*>(a.p) + ao, as, static_cast<const double*>(b.p) + bo, bs, n);
  } else if (bf) {
    binaryTyped<OP>(o, static_cast<const double*>(a.p) + ao, as, static_cast<const float*>(b.p) + bo, bs, n);
  } else {
    binaryTyped<OP>(o, static_cast<const double*>(a.p) + ao, as, static_cast<const double*>(b.p) + bo, bs, n);
  }
  return true;
}

inline bool isFloat(DType t) { return t == DType::f32 || t == DType::f64; }

template <int OP>
void binaryRows(const Geom& g, Arr out, Arr a, Arr b, Store st, int64_t begin, int64_t end) {
  const int64_t os = g.innerStride(0), as = g.innerStride(1), bs = g.innerStride(2);
  int typed = 0;  // 1: float out, 2: bool out
  if constexpr (typedBinaryOp(OP)) {
    if (os == 1 && isFloat(a.t) && isFloat(b.t)) {
      if (st == Store::flt && isFloat(out.t)) typed = 1;
      if (st == Store::boolean && out.t == DType::u8 && OP >= B_eq) typed = 2;
    }
  }
  forRange(g, begin, end, [&](const int64_t* off, int64_t n) {
    if constexpr (typedBinaryOp(OP)) {
      if (typed == 2) {
        // A comparison gives exactly 0 or 1, so storing it as bool is the same conversion.
        uint8_t* o = static_cast<uint8_t*>(out.p) + off[0];
        binaryTypedOut<OP>(o, a, off[1], as, b, off[2], bs, n);
        return;
      }
      if (typed == 1 && out.t == DType::f32) {
        binaryTypedOut<OP>(static_cast<float*>(out.p) + off[0], a, off[1], as, b, off[2], bs, n);
        return;
      }
      if (typed == 1) {
        binaryTypedOut<OP>(static_cast<double*>(out.p) + off[0], a, off[1], as, b, off[2], bs, n);
        return;
      }
    }
    double ba[kChunk], bb[kChunk];
    for (int64_t i = 0; i < n; i += kChunk) {
      const int64_t m = std::min(kChunk, n - i);
      load(a, off[1] + i * as, as, m, ba);
      load(b, off[2] + i * bs, bs, m, bb);
      for (int64_t j = 0; j < m; j++) ba[j] = binaryFn<OP>(ba[j], bb[j]);
      store(out, off[0] + i * os, os, m, ba, st);
    }
  });
}

void binaryRange(int op, const Geom& g, Arr out, Arr a, Arr b, Store st, int64_t begin, int64_t end) {
  dispatchOp<0, B_count>(op, [&](auto c) { binaryRows<decltype(c)::value>(g, out, a, b, st, begin, end); });
}

// ---- where ----

template <typename T>
inline void whereTyped(T* o, const uint8_t* c, int64_t cs, const T* a, int64_t as, const T* b, int64_t bs,
                       int64_t n) {
  // Both values are loaded unconditionally so the select compiles to a blend, not a branch.
  if (cs == 1 && as == 1 && bs == 1) {
    for (int64_t i = 0; i < n; i++) {
      const T av = a[i], bv = b[i];
      o[i] = c[i] ? av : bv;
    }
  } else if (cs == 1 && as == 1 && bs == 0) {
    const T bv = b[0];
    for (int64_t i = 0; i < n; i++) {
      const T av = a[i];
      o[i] = c[i] ? av : bv;
    }
  } else if (cs == 1 && as == 0 && bs == 1) {
    const T av = a[0];
    for (int64_t i = 0; i < n; i++) {
      const T bv = b[i];
      o[i] = c[i] ? av : bv;
    }
  } else if (cs == 1 && as == 0 && bs == 0) {
    const T av = a[0], bv = b[0];
    for (int64_t i = 0; i < n; i++) o[i] = c[i] ? av : bv;
  } else {
    for (int64_t i = 0; i < n; i++) {
      const T av = a[i * as], bv = b[i * bs];
      o[i] = c[i * cs] ? av : bv;
    }
  }
}

void whereRange(const Geom& g, Arr out, Arr c, Arr a, Arr b, Store st, int64_t begin, int64_t end) {
  const int64_t os = g.innerStride(0), cs = g.innerStride(1), as = g.innerStride(2), bs = g.innerStride(3);
  const bool typed = st == Store::flt && os == 1 && c.t == DType::u8 && a.t == out.t && b.t == out.t &&
                     isFloat(out.t);
  forRange(g, begin, end, [&](const int64_t* off, int64_t n) {
    const uint8_t* cp = static_cast<const uint8_t*>(c.p) + off[1];
    if (typed && out.t == DType::f32) {
      whereTyped(static_cast<float*>(out.p) + off[0], cp, cs, static_cast<const float*>(a.p) + off[2], as,
                 static_cast<const float*>(b.p) + off[3], bs, n);
      return;
    }
    if (typed) {
      whereTyped(static_cast<double*>(out.p) + off[0], cp, cs, static_cast<const double*>(a.p) + off[2], as,
                 static_cast<const double*>(b.p) + off[3], bs, n);
      return;
    }
    double bc[kChunk], ba[kChunk], bb[kChunk];
    for (int64_t i = 0; i < n; i += kChunk) {
      const int64_t m = std::min(kChunk, n - i);
      load(c, off[1] + i * cs, cs, m, bc);
      load(a, off[2] + i * as, as, m, ba);
      load(b, off[3] + i * bs, bs, m, bb);
      for (int64_t j = 0; j < m; j++) ba[j] = bc[j] != 0 ? ba[j] : bb[j];
      store(out, off[0] + i * os, os, m, ba, st);
    }
  });
}

// ---- copy and fill ----

template <typename TD, typename TS>
inline void copyTyped(TD* d, int64_t ds, const TS* s, int64_t ss, int64_t n) {
  if (ds == 1 && ss == 1) {
    for (int64_t i = 0; i < n; i++) d[i] = static_cast<TD>(s[i]);
  } else {
    for (int64_t i = 0; i < n; i++) d[i * ds] = static_cast<TD>(s[i * ss]);
  }
}

/** dst (operand 0) = src (operand 1) converted; same-type and f32 <-> f64 copies are typed. */
void copyRange(const Geom& g, Arr dst, Arr src, Store st, int64_t begin, int64_t end) {
  const int64_t ds = g.innerStride(0), ss = g.innerStride(1);
  const bool same = st == Store::flt && dst.t == src.t;
  const bool fcast = st == Store::flt && isFloat(dst.t) && isFloat(src.t);
  forRange(g, begin, end, [&](const int64_t* off, int64_t n) {
    if (same) {
      withType(dst, [&](auto* d) {
        using T = std::remove_pointer_t<decltype(d)>;
        copyTyped(d + off[0], ds, static_cast<const T*>(src.p) + off[1], ss, n);
      });
      return;
    }
    if (fcast && dst.t == DType::f32) {
      copyTyped(static_cast<float*>(dst.p) + off[0], ds, static_cast<const double*>(src.p) + off[1], ss, n);
      return;
    }
    if (fcast) {
      copyTyped(static_cast<double*>(dst.p) + off[0], ds, static_cast<const float*>(src.p) + off[1], ss, n);
      return;
    }
    double buf[kChunk];
    for (int64_t i = 0; i < n; i += kChunk) {
      const int64_t m = std::min(kChunk, n - i);
      load(src, off[1] + i * ss, ss, m, buf);
      store(dst, off[0] + i * ds, ds, m, buf, st);
    }
  });
}

void fillRange(const Geom& g, Arr dst, double value, int64_t begin, int64_t end) {
  const int64_t ds = g.innerStride(0);
  withType(dst, [&](auto* d) {
    using T = std::remove_pointer_t<decltype(d)>;
    const T v = fromDouble<T>(value);
    forRange(g, begin, end, [&](const int64_t* off, int64_t n) {
      T* p = d + off[0];
      if (ds == 1) {
        for (int64_t i = 0; i < n; i++) p[i] = v;
      } else {
        for (int64_t i = 0; i < n; i++) p[i * ds] = v;
      }
    });
  });
}
