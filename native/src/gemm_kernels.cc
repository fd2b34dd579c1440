// Instantiates the inner kernels (gemm_kernels.inc) once per instruction set, each with its own
// target attribute, and picks a table at run time from activeIsa() (cpu.h).
#include "gemm_kernels.h"

#include "cpu.h"
#include "gemm_simd.h"

namespace tstorch {

namespace portable {
#define TS_TGT
#include "gemm_kernels.inc"
#undef TS_TGT
}  // namespace portable

#ifdef TS_X86
namespace avx2 {
#define TS_TGT TS_AVX2
#include "gemm_kernels.inc"
#undef TS_TGT
}  // namespace avx2

namespace avx512 {
#define TS_TGT TS_AVX512
#include "gemm_kernels.inc"
#undef TS_TGT
}  // namespace avx512
#endif

namespace {

// Tiles: MR x NV vectors of accumulators (AVX-512 has 32 registers, AVX2 and SSE 16). Blocks for
// 48 KiB of L1 and 2 MiB of L2 per core. AVX2 and SSE: a kc x nr sliver of packed B (16 KiB at
// 256 x 16 floats) stays in L1 across the slivers of the mc x kc block of A held in L2. AVX-512
// float: 6 rows by 4 vectors with kc = 512, so C is read and written half as often; the B sliver
// (128 KiB) and the A block (384 KiB) both stream from L2, which keeps up with 6 broadcasts and 4
// loads per 24 FMAs (measured 4-8% faster than 14 x 2 with kc = 256 on 512 and 1024 products).
template <typename T>
struct Tables {
  Kernels<T> port, avx2, avx512;
};

template <typename T>
const Kernels<T>& pick(const Tables<T>& t) {
  switch (activeIsa()) {
    case Isa::avx512: return t.avx512;
    case Isa::avx2: return t.avx2;
    default: return t.port;
  }
}

Tables<float> makeF32() {
  Tables<float> t;
  t.port = portable::makeKernels<simd::Portable<float>, 6, 2, 4, 3>(256, 96, 2048);
  t.avx2 = t.avx512 = t.port;
#ifdef TS_X86
  t.avx2 = avx2::makeKernels<simd::Avx2F32, 6, 2, 4, 3>(256, 96, 2048);
  t.avx512 = avx512::makeKernels<simd::Avx512F32, 6, 4, 8, 3>(512, 192, 1024);
#endif
  return t;
}

Tables<double> makeF64() {
  Tables<double> t;
  t.port = portable::makeKernels<simd::Portable<double>, 6, 2, 4, 3>(256, 96, 1024);
  t.avx2 = t.avx512 = t.port;
#ifdef TS_X86
  t.avx2 = avx2::makeKernels<simd::Avx2F64, 6, 2, 4, 3>(256, 96, 1024);
  t.avx512 = avx512::makeKernels<simd::Avx512F64, 12, 2, 8, 3>(256, 96, 1024);
#endif
  return t;
}

}  // namespace

const Kernels<float>& kernelsFor(float) {
  static const Tables<float> t = makeF32();
  return pick(t);
}

const Kernels<double>& kernelsFor(double) {
  static const Tables<double> t = makeF64();
  return pick(t);
}

}  // namespace tstorch
