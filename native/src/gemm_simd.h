// SIMD vector traits for the kernel templates (gemm_kernels.inc): one struct per instruction set
// and element type, each operation a forced-inline function carrying its ISA's target attribute,
// so one compile unit holds every path and the CPU is asked at run time (cpu.h) which one to run.
#pragma once
#include <cstdint>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define TS_X86 1
#define TS_AVX512_TARGET "avx512f,avx512bw,avx512dq,avx512vl,avx2,fma"
#define TS_AVX2_TARGET "avx2,fma"
#define TS_AVX512 __attribute__((target(TS_AVX512_TARGET)))
#define TS_AVX2 __attribute__((target(TS_AVX2_TARGET)))
#endif

#define TS_INLINE inline __attribute__((always_inline))

namespace tstorch {
namespace simd {

/** Portable vectors (GCC vector extensions, 16 bytes): SSE2 on x86-64, SIMD128 on WebAssembly. */
template <typename T>
struct Portable {
  using E = T;
  typedef T V __attribute__((vector_size(16)));
  static constexpr int L = 16 / sizeof(T);
  static constexpr bool kTranspose16 = false;
  static TS_INLINE V zero() { return V{}; }
  static TS_INLINE V load(const T* p) {
    V v;
    std::memcpy(&v, p, sizeof(V));
    return v;
  }
  static TS_INLINE void store(T* p, V v) { std::memcpy(p, &v, sizeof(V)); }
  static TS_INLINE V bcast(const T* p) { return V{} + *p; }
  static TS_INLINE V fma(V a, V b, V c) { return a * b + c; }
  static TS_INLINE V add(V a, V b) { return a + b; }
  static TS_INLINE T hsum(V v) {
    T s = 0;
    for (int i = 0; i < L; i++) s += v[i];
    return s;
  }
};

#ifdef TS_X86
struct Avx2F32 {
  using E = float;
  using V = __m256;
  static constexpr int L = 8;
  static constexpr bool kTranspose16 = false;
  static TS_INLINE TS_AVX2 V zero() { return _mm256_setzero_ps(); }
  static TS_INLINE TS_AVX2 V load(const float* p) { return _mm256_loadu_ps(p); }
  static TS_INLINE TS_AVX2 void store(float* p, V v) { _mm256_storeu_ps(p, v); }
  static TS_INLINE TS_AVX2 V bcast(const float* p) { return _mm256_broadcast_ss(p); }
  static TS_INLINE TS_AVX2 V fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
  static TS_INLINE TS_AVX2 V add(V a, V b) { return _mm256_add_ps(a, b); }
  static TS_INLINE TS_AVX2 float hsum(V v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
  }
};

struct Avx2F64 {
  using E = double;
  using V = __m256d;
  static constexpr int L = 4;
  static constexpr bool kTranspose16 = false;
  static TS_INLINE TS_AVX2 V zero() { return _mm256_setzero_pd(); }
  static TS_INLINE TS_AVX2 V load(const double* p) { return _mm256_loadu_pd(p); }
  static TS_INLINE TS_AVX2 void store(double* p, V v) { _mm256_storeu_pd(p, v); }
  static TS_INLINE TS_AVX2 V bcast(const double* p) { return _mm256_broadcast_sd(p); }
  static TS_INLINE TS_AVX2 V fma(V a, V b, V c) { return _mm256_fmadd_pd(a, b, c); }
  static TS_INLINE TS_AVX2 V add(V a, V b) { return _mm256_add_pd(a, b); }
  static TS_INLINE TS_AVX2 double hsum(V v) {
    __m128d s = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
    return _mm_cvtsd_f64(_mm_add_sd(s, _mm_unpackhi_pd(s, s)));
  }
};

struct Avx512F32 {
  using E = float;
  using V = __m512;
  static constexpr int L = 16;
  static TS_INLINE TS_AVX512 V zero() { return _mm512_setzero_ps(); }
  static TS_INLINE TS_AVX512 V load(const float* p) { return _mm512_loadu_ps(p); }
  static TS_INLINE TS_AVX512 void store(float* p, V v) { _mm512_storeu_ps(p, v); }
  static TS_INLINE TS_AVX512 V bcast(const float* p) { return _mm512_set1_ps(*p); }
  static TS_INLINE TS_AVX512 V fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
  static TS_INLINE TS_AVX512 V add(V a, V b) { return _mm512_add_ps(a, b); }
  static TS_INLINE TS_AVX512 float hsum(V v) { return _mm512_reduce_add_ps(v); }
  /** Stores the first n lanes of v. */
  static TS_INLINE TS_AVX512 void storeN(float* p, V v, int n) {
    _mm512_mask_storeu_ps(p, static_cast<__mmask16>((1u << n) - 1), v);
  }
  static constexpr bool kTranspose16 = true;
  /** r[i][j] -> r[j][i] for a 16 x 16 block (packing row-major operands into column slivers). */
  static TS_INLINE TS_AVX512 void transpose16(V* r) {
    V t[16];
    for (int i = 0; i < 8; i++) {
      t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
      t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
    for (int i = 0; i < 4; i++) {
      r[4 * i] = _mm512_shuffle_ps(t[4 * i], t[4 * i + 2], _MM_SHUFFLE(1, 0, 1, 0));
      r[4 * i + 1] = _mm512_shuffle_ps(t[4 * i], t[4 * i + 2], _MM_SHUFFLE(3, 2, 3, 2));
      r[4 * i + 2] = _mm512_shuffle_ps(t[4 * i + 1], t[4 * i + 3], _MM_SHUFFLE(1, 0, 1, 0));
      r[4 * i + 3] = _mm512_shuffle_ps(t[4 * i + 1], t[4 * i + 3], _MM_SHUFFLE(3, 2, 3, 2));
    }
    for (int c = 0; c < 4; c++) {
      t[c] = _mm512_shuffle_f32x4(r[c], r[4 + c], 0x88);
      t[4 + c] = _mm512_shuffle_f32x4(r[c], r[4 + c], 0xdd);
      t[8 + c] = _mm512_shuffle_f32x4(r[8 + c], r[12 + c], 0x88);
      t[12 + c] = _mm512_shuffle_f32x4(r[8 + c], r[12 + c], 0xdd);
    }
    for (int c = 0; c < 4; c++) {
      r[c] = _mm512_shuffle_f32x4(t[c], t[8 + c], 0x88);
      r[8 + c] = _mm512_shuffle_f32x4(t[c], t[8 + c], 0xdd);
      r[4 + c] = _mm512_shuffle_f32x4(t[4 + c], t[12 + c], 0x88);
      r[12 + c] = _mm512_shuffle_f32x4(t[4 + c], t[12 + c], 0xdd);
    }
  }
};

struct Avx512F64 {
  using E = double;
  using V = __m512d;
  static constexpr int L = 8;
  static constexpr bool kTranspose16 = false;
  static TS_INLINE TS_AVX512 V zero() { return _mm512_setzero_pd(); }
  static TS_INLINE TS_AVX512 V load(const double* p) { return _mm512_loadu_pd(p); }
  static TS_INLINE TS_AVX512 void store(double* p, V v) { _mm512_storeu_pd(p, v); }
  static TS_INLINE TS_AVX512 V bcast(const double* p) { return _mm512_set1_pd(*p); }
  static TS_INLINE TS_AVX512 V fma(V a, V b, V c) { return _mm512_fmadd_pd(a, b, c); }
  static TS_INLINE TS_AVX512 V add(V a, V b) { return _mm512_add_pd(a, b); }
  static TS_INLINE TS_AVX512 double hsum(V v) { return _mm512_reduce_add_pd(v); }
};
#endif

}  // namespace simd
}  // namespace tstorch
