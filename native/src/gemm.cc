// The GEMM driver in the manner of GotoBLAS/BLIS: A and B are packed from any strides into
// contiguous slivers (so transposed or strided operands cost only the packing), cache-blocked
// (kc, mc, nc) and fed to a register-blocked micro-kernel picked at run time (gemm_kernels.cc).
// Threads take runs of C's columns or rows each, or share the row blocks of one product (threadRuns);
// matrix-vector and tiny products take simpler loops.
#include "gemm.h"

#include <algorithm>
#include <atomic>

#include "gemm_kernels.h"
#include "threadpool.h"

namespace tstorch {
namespace {

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/** A strided operand's element (i, j): a matrix view without the batch. */
template <typename T>
struct Mat {
  const T* p;
  int64_t rs, cs;
  const T* at(int64_t i, int64_t j) const { return p + i * rs + j * cs; }
};

/** Bumped per packed block of B, so a thread knows whether its packed block of A is current. */
std::atomic<uint64_t> packEpoch{1};

/** The smallest split of the N slivers that gives every thread the same number of tasks. */
int64_t splitParts(int64_t mb, int64_t nsl, int threads) {
  if (threads <= 1) return 1;
  int64_t parts = 1;
  while (parts < nsl && ((mb * parts) % threads != 0 || mb * parts < threads)) parts++;
  return parts;
}

/**
 * The M blocks as runs of MR-row tiles: a multiple of `threads` blocks of near-equal tile counts
 * (block ib holds tiles [mt*ib/mb, mt*(ib+1)/mb)), so that threads taking contiguous runs of blocks
 * get the same number of tiles within one (1024 rows in 182-row blocks would split 546 / 478).
 */
struct MBlocks {
  int64_t mt, mb, MR;
  int64_t tile(int64_t ib) const { return mt * ib / mb; }
  int64_t row(int64_t ib) const { return tile(ib) * MR; }
};

MBlocks mBlocks(int64_t M, int MR, int64_t MC, int threads) {
  const int64_t mt = ceilDiv(M, MR);
  int64_t mb = ceilDiv(mt, std::max<int64_t>(1, MC / MR));
  if (threads > 1 && mt >= threads) mb = ceilDiv(mb, threads) * threads;
  return MBlocks{mt, std::min(mb, mt), MR};
}

/**
 * A split of C into one run per thread, each multiplied on its own thread with its own packing:
 * runs of whole NR-column slivers (the thread packs its columns of B and all of A) or of MR-row
 * tiles (its rows of A and all of B). Own runs need no barrier between K blocks and keep each
 * thread's packed operands in its own core's caches; sharing one product's packed B across cores
 * ran up to twice as slow on LeNet's and the MLP's layers. The split is by columns when that is
 * about as even as by rows; runs = 1 when neither has two units a thread within 25% of even.
 */
struct Runs {
  int runs;
  bool byColumns;
};

Runs threadRuns(int64_t M, int64_t N, int MR, int NR, int threads) {
  if (threads <= 1) return {1, true};
  // The largest run's share of the work, times threads (1 is even).
  auto spread = [&](int64_t units) {
    return units < 2 * threads ? 1e9 : static_cast<double>(ceilDiv(units, threads) * threads) / units;
  };
  const double cols = spread(ceilDiv(N, NR)), rows = spread(ceilDiv(M, MR));
  if (std::min(cols, rows) > 1.25) return {1, true};
  return {threads, cols <= rows * 1.05};
}

template <typename T>
void gemmBlocked(const Kernels<T>& kr, int64_t M, int64_t N, int64_t K, Mat<T> a, Mat<T> b, T* c,
                 int64_t ldc, bool acc) {
  const int MR = kr.mr, NR = kr.nr;
  const int64_t KC = kr.kc, NC = kr.nc;
  const int threads = getNumThreads();
  const MBlocks blk = mBlocks(M, MR, kr.mc, threads);
  const int64_t MC = ceilDiv(blk.mt, blk.mb) * MR;  // the tallest block
  static thread_local Buffer<T> bbuf;
  T* pb = bbuf.get(std::min(KC, K) * ceilDiv(std::min(NC, N), NR) * NR);
  for (int64_t jc = 0; jc < N; jc += NC) {
    const int64_t nc = std::min(NC, N - jc);
    const int64_t nsl = ceilDiv(nc, NR);
    for (int64_t pc = 0; pc < K; pc += KC) {
      const int64_t kc = std::min(KC, K - pc);
      const bool add = acc || pc > 0;
      parallelFor(nsl, std::max<int64_t>(1, 8192 / (kc * NR)), [&](int64_t s0, int64_t s1) {
        kr.packB(kc, std::min(s1 * NR, nc) - s0 * NR, b.at(pc, jc + s0 * NR), b.rs, b.cs, pb + s0 * NR * kc);
      });
      const int64_t mb = blk.mb;
      const int64_t parts = splitParts(mb, nsl, threads);
      const uint64_t epoch = packEpoch.fetch_add(1);
      parallelFor(mb * parts, 1, [&](int64_t t0, int64_t t1) {
        static thread_local Buffer<T> abuf;
        static thread_local uint64_t aEpoch = 0;
        static thread_local int64_t aBlock = -1;
        T* pa = abuf.get(MC * KC);
        if (aEpoch != epoch) aBlock = -1;
        for (int64_t t = t0; t < t1; t++) {
          const int64_t ib = t / parts, part = t % parts;
          const int64_t ic = blk.row(ib), mc = std::min(blk.row(ib + 1), M) - ic;
          if (aBlock != ib) {
            kr.packA(mc, kc, a.at(ic, pc), a.rs, a.cs, pa);
            aEpoch = epoch;
            aBlock = ib;
          }
          for (int64_t s = nsl * part / parts; s < nsl * (part + 1) / parts; s++) {
            const int64_t jr = s * NR;
            const int nr = static_cast<int>(std::min<int64_t>(NR, nc - jr));
            for (int64_t ir = 0; ir < mc; ir += MR) {
              const int mr = static_cast<int>(std::min<int64_t>(MR, mc - ir));
              kr.micro(kc, pa + ir * kc, pb + jr * kc, c + (ic + ir) * ldc + jc + jr, ldc, mr, nr, add);
            }
          }
        }
      });
    }
  }
}

/** Tiny products: plain dot products straight off the strided views. */
template <typename T>
void gemmNaive(int64_t M, int64_t N, int64_t K, Mat<T> a, Mat<T> b, T* c, int64_t ldc, bool acc) {
  for (int64_t i = 0; i < M; i++) {
    for (int64_t j = 0; j < N; j++) {
      T s = 0;
      for (int64_t k = 0; k < K; k++) s += *a.at(i, k) * *b.at(k, j);
      c[i * ldc + j] = acc ? c[i * ldc + j] + s : s;
    }
  }
}

/** One row of C (M == 1): c[j] (+)= sum_k a[k] B[k, j]; axpy over B's rows when they are contiguous. */
template <typename T>
void gemvRow(const Kernels<T>& kr, int64_t N, int64_t K, Mat<T> a, Mat<T> b, T* c, bool acc) {
  parallelFor(N, std::max<int64_t>(64, 32768 / K), [&](int64_t j0, int64_t j1) {
    if (b.cs == 1) {
      if (!acc) std::fill(c + j0, c + j1, T(0));
      for (int64_t k = 0; k < K; k++) kr.axpy(j1 - j0, *a.at(0, k), b.at(k, j0), c + j0);
      return;
    }
    for (int64_t j = j0; j < j1; j++) {
      T s = 0;
      if (b.rs == 1 && a.cs == 1) {
        s = kr.dot(K, a.p, b.at(0, j));
      } else {
        for (int64_t k = 0; k < K; k++) s += *a.at(0, k) * *b.at(k, j);
      }
      c[j] = acc ? c[j] + s : s;
    }
  });
}

/** One column of C (N == 1): c[i] (+)= sum_k A[i, k] b[k]. */
template <typename T>
void gemvCol(const Kernels<T>& kr, int64_t M, int64_t K, Mat<T> a, Mat<T> b, T* c, int64_t ldc, bool acc) {
  parallelFor(M, std::max<int64_t>(64, 32768 / K), [&](int64_t i0, int64_t i1) {
    if (a.rs == 1 && ldc == 1) {
      if (!acc) std::fill(c + i0, c + i1, T(0));
      for (int64_t k = 0; k < K; k++) kr.axpy(i1 - i0, *b.at(k, 0), a.at(i0, k), c + i0);
      return;
    }
    for (int64_t i = i0; i < i1; i++) {
      T s = 0;
      if (a.cs == 1 && b.rs == 1) {
        s = kr.dot(K, a.at(i, 0), b.p);
      } else {
        for (int64_t k = 0; k < K; k++) s += *a.at(i, k) * *b.at(k, 0);
      }
      c[i * ldc] = acc ? c[i * ldc] + s : s;
    }
  });
}

template <typename T>
void gemmOne(const Kernels<T>& kr, int64_t M, int64_t N, int64_t K, Mat<T> a, Mat<T> b, T* c, int64_t ldc,
             bool acc) {
  if (K <= 0) {
    if (!acc) {
      for (int64_t i = 0; i < M; i++) std::fill(c + i * ldc, c + i * ldc + N, T(0));
    }
    return;
  }
  if (M * N * K <= 2048) {
    gemmNaive(M, N, K, a, b, c, ldc, acc);
  } else if (M <= 2) {
    for (int64_t i = 0; i < M; i++) gemvRow(kr, N, K, Mat<T>{a.at(i, 0), a.rs, a.cs}, b, c + i * ldc, acc);
  } else if (N <= 2) {
    for (int64_t j = 0; j < N; j++) gemvCol(kr, M, K, a, Mat<T>{b.at(0, j), b.rs, b.cs}, c + j, ldc, acc);
  } else if (const Runs split = threadRuns(M, N, kr.mr, kr.nr, getNumThreads()); split.runs > 1) {
    const int runs = split.runs;
    const int64_t units = split.byColumns ? ceilDiv(N, kr.nr) : ceilDiv(M, kr.mr);
    parallelFor(runs, 1, [&](int64_t r0, int64_t r1) {
      for (int64_t r = r0; r < r1; r++) {
        const int64_t u0 = units * r / runs, u1 = units * (r + 1) / runs;
        if (split.byColumns) {
          const int64_t j0 = u0 * kr.nr, j1 = std::min(N, u1 * kr.nr);
          gemmBlocked(kr, M, j1 - j0, K, a, Mat<T>{b.at(0, j0), b.rs, b.cs}, c + j0, ldc, acc);
        } else {
          const int64_t i0 = u0 * kr.mr, i1 = std::min(M, u1 * kr.mr);
          gemmBlocked(kr, i1 - i0, N, K, Mat<T>{a.at(i0, 0), a.rs, a.cs}, b, c + i0 * ldc, ldc, acc);
        }
      }
    });
  } else {
    gemmBlocked(kr, M, N, K, a, b, c, ldc, acc);
  }
}

template <typename T>
void gemmBatched(int64_t batch, int64_t M, int64_t N, int64_t K, MatArg<T> a, MatArg<T> b, T* c, int64_t cbs,
                 int64_t ldc, bool acc) {
  if (batch <= 0 || M <= 0 || N <= 0) return;
  // With B shared and A's batches stacked like C's, the batch is one taller product (B packed once).
  if (batch > 1 && b.bs == 0 && cbs == M * ldc && (M == 1 || a.bs == M * a.rs)) {
    if (M == 1) a.rs = a.bs;
    M *= batch;
    batch = 1;
  }
  const Kernels<T>& kr = kernelsFor(T());
  auto one = [&](int64_t i) {
    gemmOne(kr, M, N, K, Mat<T>{a.data + i * a.bs, a.rs, a.cs}, Mat<T>{b.data + i * b.bs, b.rs, b.cs},
            c + i * cbs, ldc, acc);
  };
  // Small matrices: one thread per matrix (the gemm inside a chunk then runs serially).
  if (batch > 1 && M * N * K <= (int64_t(1) << 18)) {
    parallelFor(batch, 1, [&](int64_t b0, int64_t b1) {
      for (int64_t i = b0; i < b1; i++) one(i);
    });
    return;
  }
  for (int64_t i = 0; i < batch; i++) one(i);
}

}  // namespace

void gemm(int64_t batch, int64_t M, int64_t N, int64_t K, MatArg<float> a, MatArg<float> b, float* c,
          bool accumulate) {
  gemmBatched(batch, M, N, K, a, b, c, M * N, N, accumulate);
}

void gemm(int64_t batch, int64_t M, int64_t N, int64_t K, MatArg<double> a, MatArg<double> b, double* c,
          bool accumulate) {
  gemmBatched(batch, M, N, K, a, b, c, M * N, N, accumulate);
}

void gemmEx(int64_t batch, int64_t M, int64_t N, int64_t K, MatArg<float> a, MatArg<float> b, float* c,
            int64_t cbs, int64_t ldc, bool accumulate) {
  gemmBatched(batch, M, N, K, a, b, c, cbs, ldc, accumulate);
}

void gemmEx(int64_t batch, int64_t M, int64_t N, int64_t K, MatArg<double> a, MatArg<double> b, double* c,
            int64_t cbs, int64_t ldc, bool accumulate) {
  gemmBatched(batch, M, N, K, a, b, c, cbs, ldc, accumulate);
}

}  // namespace tstorch
