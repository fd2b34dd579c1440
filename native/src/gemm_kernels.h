// The table of vectorised inner kernels for one instruction set and element type: what the GEMM
// and convolution drivers (gemm.cc, conv.cc) call; filled per ISA in gemm_kernels.cc.
#pragma once
#include <cstdint>
#include <cstdlib>

namespace tstorch {

/** Shape of the dot-product tile (conv weight gradient): DOT_M rows of A by DOT_N rows of B. */
constexpr int DOT_M = 4;
constexpr int DOT_N = 6;

template <typename T>
struct Kernels {
  /** Register tile of the packed GEMM micro-kernel (MR rows of A by NR columns of B). */
  int mr, nr;
  /** Cache blocks (GotoBLAS's kc, mc, nc): a kc x nr sliver of B stays in L1, mc x kc of A in L2. */
  int64_t kc, mc, nc;
  /**
   * C[mr x nr, row stride ldc] (+= when acc) = packed A sliver (kc steps of MR values) times
   * packed B sliver (kc steps of NR values); a full MR x NR tile is computed, mr x nr stored.
   */
  void (*micro)(int64_t kc, const T* pa, const T* pb, T* c, int64_t ldc, int mr, int nr, bool acc);
  /** Packs mc x kc of a strided A into MR-row slivers (zeros past mc). */
  void (*packA)(int64_t mc, int64_t kc, const T* a, int64_t rs, int64_t cs, T* dst);
  /** Packs kc x nc of a strided B into NR-column slivers (zeros past nc). */
  void (*packB)(int64_t kc, int64_t nc, const T* b, int64_t rs, int64_t cs, T* dst);
  /** Register tile of the direct-convolution kernel: cmr output channels by cnr positions. */
  int cmr, cnr;
  /**
   * tile[cmr][cnr] = sum over k < K of pa[k*cmr + i] * x[offs[k] + j]: the implicit GEMM whose
   * B rows are shifted windows of a zero-padded image (no im2col).
   */
  void (*convMicro)(int64_t K, const T* pa, const T* x, const int64_t* offs, T* tile);
  /** out[i*DOT_N + j] += dot(a[i][0..n), b[j][0..n)) for the DOT_M x DOT_N pairs. */
  void (*dotTile)(int64_t n, const T* const* a, const T* const* b, T* out);
  /** dot(a[0..n), b[0..n)). */
  T (*dot)(int64_t n, const T* a, const T* b);
  /** y[0..n) += alpha * x[0..n). */
  void (*axpy)(int64_t n, T alpha, const T* x, T* y);
  /** acc[0..n) = sum over k < K of w[k] * x[offs[k] + j] (one depthwise channel). */
  void (*dwRow)(int64_t n, int64_t K, const T* w, const T* x, const int64_t* offs, T* acc);
  /**
   * The dot products of dotTile kept as vector lanes: acc[(i*DOT_N + j)*DOT_LANES + l] += the lane-l
   * partial sum of a[i] . b[j]; n must be a multiple of DOT_LANES (no tail, no horizontal sums).
   */
  void (*dotTileAcc)(int64_t n, const T* const* a, const T* const* b, T* acc);
  /** dotTileAcc with the tile transposed: DOT_N rows of a by DOT_M rows of b. */
  void (*dotTileAccT)(int64_t n, const T* const* a, const T* const* b, T* acc);
};

/** Lanes per pair in dotTileAcc's accumulator (a multiple of every instruction set's width). */
constexpr int DOT_LANES = 16;

/** A growable 64-byte-aligned scratch array (one per thread and use, kept between calls). */
template <typename T>
class Buffer {
 public:
  Buffer() = default;
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  ~Buffer() { std::free(p_); }
  /** At least n elements; the contents are undefined after a call that grows it. */
  T* get(int64_t n) {
    if (n > cap_) {
      std::free(p_);
      size_t bytes = (static_cast<size_t>(n) * sizeof(T) + 63) / 64 * 64;
      p_ = static_cast<T*>(std::aligned_alloc(64, bytes));
      cap_ = n;
    }
    return p_;
  }

 private:
  T* p_ = nullptr;
  int64_t cap_ = 0;
};

/** The kernels for the instruction set activeIsa() allows now. */
const Kernels<float>& kernelsFor(float);
const Kernels<double>& kernelsFor(double);

}  // namespace tstorch
