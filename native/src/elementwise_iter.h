// Strided iteration shared by the elementwise, reduction and normalisation kernels (the role of
// ATen's TensorIterator, and of src/backend/reference/iter.ts): dims are coalesced, then a kernel
// runs a tight loop per row segment with per-operand strides. Also the dtype <-> double conversions
// that mirror how JavaScript typed arrays store a number.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>

namespace tstorch {

/** The element type of a JavaScript typed array (int64 tensors live in Float64Array). */
enum class DType { f32 = 0, f64 = 1, i32 = 2, u8 = 3 };
/** How a computed double is stored (src/backend/backend.ts StoreKind). */
enum class Store { flt = 0, i32 = 1, i64 = 2, boolean = 3 };

/** A typed array's element pointer and type. */
struct Arr {
  void* p;
  DType t;
};

constexpr int kMaxDims = 32;
constexpr int kMaxOps = 4;

/** Shape and per-operand offsets and strides (in elements) of an n-operand iteration. */
struct Geom {
  int nd = 0;
  int nops = 0;
  int64_t shape[kMaxDims];
  int64_t off[kMaxOps];
  int64_t str[kMaxOps][kMaxDims];

  int64_t numel() const {
    int64_t n = 1;
    for (int d = 0; d < nd; d++) n *= shape[d];
    return n;
  }
  int64_t inner() const { return nd > 0 ? shape[nd - 1] : 1; }
  int64_t innerStride(int k) const { return nd > 0 ? str[k][nd - 1] : 0; }

  /** Sets operand k's strides to the row-major dense strides of the shape. */
  void setDense(int k) {
    int64_t s = 1;
    for (int d = nd - 1; d >= 0; d--) {
      str[k][d] = s;
      s *= shape[d];
    }
  }

  /** Drops size-1 dims and merges dims that are contiguous in every operand (iter.ts coalesce). */
  void coalesce() {
    if (numel() == 0) return;
    int out = 0;
    for (int d = 0; d < nd; d++) {
      if (shape[d] == 1) continue;
      bool merge = out > 0;
      for (int k = 0; k < nops && merge; k++) merge = str[k][out - 1] == str[k][d] * shape[d];
      if (merge) {
        shape[out - 1] *= shape[d];
        for (int k = 0; k < nops; k++) str[k][out - 1] = str[k][d];
      } else {
        shape[out] = shape[d];
        for (int k = 0; k < nops; k++) str[k][out] = str[k][d];
        out++;
      }
    }
    nd = out;
  }
};

/**
 * Calls f(offsets, len) for each row segment of the linear element range [begin, end): offsets are
 * the operands' element offsets at the segment's start; the segment advances by innerStride(k).
 */
template <class F>
inline void forRange(const Geom& g, int64_t begin, int64_t end, F&& f) {
  const int nops = g.nops;
  int64_t o[kMaxOps];
  for (int k = 0; k < nops; k++) o[k] = g.off[k];
  if (g.nd == 0) {
    if (begin < end) f(o, int64_t{1});
    return;
  }
  const int nd = g.nd;
  const int64_t inner = g.shape[nd - 1];
  int64_t idx[kMaxDims];
  int64_t row = begin / inner;
  int64_t col = begin % inner;
  for (int d = nd - 2; d >= 0; d--) {
    idx[d] = row % g.shape[d];
    row /= g.shape[d];
    for (int k = 0; k < nops; k++) o[k] += idx[d] * g.str[k][d];
  }
  int64_t pos = begin;
  int64_t so[kMaxOps];
  while (pos < end) {
    const int64_t len = std::min(inner - col, end - pos);
    for (int k = 0; k < nops; k++) so[k] = o[k] + col * g.str[k][nd - 1];
    f(so, len);
    pos += len;
    col = 0;
    for (int d = nd - 2; d >= 0; d--) {
      for (int k = 0; k < nops; k++) o[k] += g.str[k][d];
      if (++idx[d] < g.shape[d]) break;
      for (int k = 0; k < nops; k++) o[k] -= g.str[k][d] * g.shape[d];
      idx[d] = 0;
    }
  }
}

/** JavaScript's ToInt32 (what an Int32Array stores): NaN and infinities give 0, others wrap. */
inline int32_t jsToInt32(double v) {
  if (v >= -2147483648.0 && v <= 2147483647.0) return static_cast<int32_t>(v);
  if (!std::isfinite(v)) return 0;
  double m = std::fmod(std::trunc(v), 4294967296.0);
  if (m < 0) m += 4294967296.0;
  return static_cast<int32_t>(static_cast<uint32_t>(m));
}

/** JavaScript's ToUint8 (what a Uint8Array stores). */
inline uint8_t jsToUint8(double v) {
  if (v >= 0 && v < 256) return static_cast<uint8_t>(v);
  if (!std::isfinite(v)) return 0;
  double m = std::fmod(std::trunc(v), 256.0);
  if (m < 0) m += 256.0;
  return static_cast<uint8_t>(m);
}

/** The value a store kind makes of a computed double, before the typed array converts it. */
inline double storeValue(double v, Store st) {
  switch (st) {
    case Store::i64: return std::trunc(v);
    case Store::boolean: return v != 0 ? 1.0 : 0.0;
    default: return v;
  }
}

template <typename T>
inline T fromDouble(double v);
template <>
inline float fromDouble<float>(double v) { return static_cast<float>(v); }
template <>
inline double fromDouble<double>(double v) { return v; }
template <>
inline int32_t fromDouble<int32_t>(double v) { return jsToInt32(v); }
template <>
inline uint8_t fromDouble<uint8_t>(double v) { return jsToUint8(v); }

/** Calls f(T* typed pointer) with the array's element type. */
template <class F>
inline void withType(const Arr& a, F&& f) {
  switch (a.t) {
    case DType::f32: f(static_cast<float*>(a.p)); break;
    case DType::f64: f(static_cast<double*>(a.p)); break;
    case DType::i32: f(static_cast<int32_t*>(a.p)); break;
    default: f(static_cast<uint8_t*>(a.p)); break;
  }
}

/** Chunk size (elements) of the load-compute-store loops: fits in L1 beside its operands. */
constexpr int64_t kChunk = 256;
/** Below this many elements kernels run on the calling thread only. */
constexpr int64_t kGrain = 32768;

}  // namespace tstorch
