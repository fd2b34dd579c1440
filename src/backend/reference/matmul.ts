// Reference matrix multiply: batched strided GEMM in pure TypeScript, packed and cache-blocked
// in the manner of GotoBLAS/BLIS (the role of ATen/native/cpu/BlasKernel.cpp's gemm fallback).

export type FloatArray = Float32Array | Float64Array;

// Register block: the micro-kernel computes MR x NR of C in local variables (it and the
// packers are written out for 4 and 8). V8 has no SIMD and spills about half of the 32
// accumulators, yet 4x8 measured as fast as 4x4, 6x8 and 8x8 (within noise, about 6 GFLOP/s)
// while wasting less work than 8x8 on ragged edges.
const MR = 4;
const NR = 8;
// Cache blocks (GotoBLAS's kc, mc, nc). The kernel is bound by instruction throughput, not
// memory, so these move speed by a few percent at most: a KC x NR sliver of B (16 KiB) stays
// in L1 while the packed MC x KC block of A (256 KiB) and KC x NC panel of B (1 MiB) sit in L2.
const KC = 256;
const MC = 128;
const NC = 512;
// Plain dot products beat packing for tiny products (packing has a fixed cost near 100 ns).
const TINY_WORK = 128;
// Matrix-vector loops (about 2.3 GFLOP/s) beat the blocked path (about 6) once padding to
// whole MR x NR tiles multiplies its work by more than this: M or N of 1 or 2, mostly.
const MAX_PADDING = 2.5;

/** tile = sum over kc steps of (MR values of packed A) x (NR values of packed B), at offsets. */
type Micro = (kc: number, pa: number, pb: number) => void;
/** Packs a block of a strided matrix (rows x cols at off, strides rs, cs) into its panel. */
type Pack = (rows: number, cols: number, src: FloatArray, off: number, rs: number, cs: number) => void;
/** C[mr x nr at co, row stride ldc] += the top-left mr x nr corner of the tile. */
type AddTile = (c: FloatArray, co: number, ldc: number, mr: number, nr: number) => void;

/**
 * The kernels of the blocked path, each closed over its scratch buffer: packed panels of A
 * and B (always float64, so that the micro-kernel sees one array type) and one C tile.
 */
interface Blocked {
  micro: Micro;
  packA: Pack;
  packB: Pack;
  addTile: AddTile;
}

let blocked: Blocked | null = null;
let gemvAcc = new Float64Array(0);

/**
 * The blocked-path kernels, made once on first use. Each factory runs exactly once, and V8
 * then treats the captured buffers as constants in optimized code, folding away the map
 * checks, length loads and data-pointer arithmetic it emits per access to an array parameter
 * (+10-15% measured on the micro-kernel). The buffers have fixed sizes and never grow.
 */
function getBlocked(): Blocked {
  if (blocked === null) {
    const a = new Float64Array(MC * KC);
    const b = new Float64Array(KC * NC);
    const tile = new Float64Array(MR * NR);
    const micro = makeMicro(a, b, tile);
    blocked = { micro, packA: makePackA(a), packB: makePackB(b), addTile: makeAddTile(tile) };
  }
  return blocked;
}

/** The micro-kernel over the packed panels ap and bp, writing the tile t. */
function makeMicro(ap: Float64Array, bp: Float64Array, t: Float64Array): Micro {
  return (kc: number, pa0: number, pb0: number): void => {
    let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c04 = 0, c05 = 0, c06 = 0, c07 = 0;
    let c10 = 0, c11 = 0, c12 = 0, c13 = 0, c14 = 0, c15 = 0, c16 = 0, c17 = 0;
    let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c24 = 0, c25 = 0, c26 = 0, c27 = 0;
    let c30 = 0, c31 = 0, c32 = 0, c33 = 0, c34 = 0, c35 = 0, c36 = 0, c37 = 0;
    // The masks change no value (kc <= KC, offsets < 2^20) but bound the index ranges, so V8
    // proves that pa + k*MR + 3 cannot overflow int32 and drops its overflow checks.
    const n = kc & 0xffff;
    const pa = pa0 & 0x3fffffff;
    const pb = pb0 & 0x3fffffff;
    for (let k = 0; k < n; k++) {
      const ia = pa + k * MR;
      const ib = pb + k * NR;
      const a0 = ap[ia], a1 = ap[ia + 1], a2 = ap[ia + 2], a3 = ap[ia + 3];
      let b = bp[ib];
      c00 += a0 * b; c10 += a1 * b; c20 += a2 * b; c30 += a3 * b;
      b = bp[ib + 1];
      c01 += a0 * b; c11 += a1 * b; c21 += a2 * b; c31 += a3 * b;
      b = bp[ib + 2];
      c02 += a0 * b; c12 += a1 * b; c22 += a2 * b; c32 += a3 * b;
      b = bp[ib + 3];
      c03 += a0 * b; c13 += a1 * b; c23 += a2 * b; c33 += a3 * b;
      b = bp[ib + 4];
      c04 += a0 * b; c14 += a1 * b; c24 += a2 * b; c34 += a3 * b;
      b = bp[ib + 5];
      c05 += a0 * b; c15 += a1 * b; c25 += a2 * b; c35 += a3 * b;
      b = bp[ib + 6];
      c06 += a0 * b; c16 += a1 * b; c26 += a2 * b; c36 += a3 * b;
      b = bp[ib + 7];
      c07 += a0 * b; c17 += a1 * b; c27 += a2 * b; c37 += a3 * b;
    }
    t[0] = c00; t[1] = c01; t[2] = c02; t[3] = c03; t[4] = c04; t[5] = c05; t[6] = c06; t[7] = c07;
    t[8] = c10; t[9] = c11; t[10] = c12; t[11] = c13; t[12] = c14; t[13] = c15; t[14] = c16; t[15] = c17;
    t[16] = c20; t[17] = c21; t[18] = c22; t[19] = c23; t[20] = c24; t[21] = c25; t[22] = c26; t[23] = c27;
    t[24] = c30; t[25] = c31; t[26] = c32; t[27] = c33; t[28] = c34; t[29] = c35; t[30] = c36; t[31] = c37;
  };
}

/** Adds the tile t into C. */
function makeAddTile(t: Float64Array): AddTile {
  return (c: FloatArray, co: number, ldc: number, mr: number, nr: number): void => {
    for (let i = 0; i < mr; i++) {
      const ti = i * NR;
      const ci = co + i * ldc;
      for (let j = 0; j < nr; j++) c[ci + j] += t[ti + j];
    }
  };
}

/**
 * Packs an mc x kc block of A into dst as slivers of MR rows: sliver s holds, step by step in
 * k, the MR values A[s*MR .. s*MR+MR-1, k]. Rows past mc are zeros.
 */
function makePackA(dst: Float64Array): Pack {
  return (mc: number, kc: number, a: FloatArray, off: number, rs: number, cs: number): void => {
    for (let i0 = 0, p = 0; i0 < mc; i0 += MR, p += MR * kc) {
      if (mc - i0 >= MR) {
        for (let k = 0, d = p, s = off + i0 * rs; k < kc; k++, d += MR, s += cs) {
          dst[d] = a[s];
          dst[d + 1] = a[s + rs];
          dst[d + 2] = a[s + 2 * rs];
          dst[d + 3] = a[s + 3 * rs];
        }
        continue;
      }
      for (let i = 0; i < MR; i++) {
        const inside = i0 + i < mc;
        for (let k = 0, d = p + i, s = off + (i0 + i) * rs; k < kc; k++, d += MR, s += cs) {
          dst[d] = inside ? a[s] : 0;
        }
      }
    }
  };
}

/**
 * Packs a kc x nc block of B into dst as slivers of NR columns: sliver s holds, step by step
 * in k, the NR values B[k, s*NR .. s*NR+NR-1]. Columns past nc are zeros.
 */
function makePackB(dst: Float64Array): Pack {
  return (kc: number, nc: number, b: FloatArray, off: number, rs: number, cs: number): void => {
    for (let j0 = 0, p = 0; j0 < nc; j0 += NR, p += NR * kc) {
      if (nc - j0 >= NR) {
        for (let k = 0, d = p, s = off + j0 * cs; k < kc; k++, d += NR, s += rs) {
          dst[d] = b[s];
          dst[d + 1] = b[s + cs];
          dst[d + 2] = b[s + 2 * cs];
          dst[d + 3] = b[s + 3 * cs];
          dst[d + 4] = b[s + 4 * cs];
          dst[d + 5] = b[s + 5 * cs];
          dst[d + 6] = b[s + 6 * cs];
          dst[d + 7] = b[s + 7 * cs];
        }
        continue;
      }
      const nr = nc - j0;
      for (let k = 0, d = p, s = off + j0 * cs; k < kc; k++, d += NR, s += rs) {
        for (let j = 0; j < NR; j++) dst[d + j] = j < nr ? b[s + j * cs] : 0;
      }
    }
  };
}

/** C (contiguous M x N at cOff) += A @ B through packed panels and the micro-kernel. */
function gemmBlocked(M: number, N: number, K: number,
  a: FloatArray, aOff: number, ars: number, acs: number,
  b: FloatArray, bOff: number, brs: number, bcs: number,
  c: FloatArray, cOff: number): void {
  const { micro, packA, packB, addTile } = getBlocked();
  for (let jc = 0; jc < N; jc += NC) {
    const nc = Math.min(NC, N - jc);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = Math.min(KC, K - pc);
      packB(kc, nc, b, bOff + pc * brs + jc * bcs, brs, bcs);
      for (let ic = 0; ic < M; ic += MC) {
        const mc = Math.min(MC, M - ic);
        packA(mc, kc, a, aOff + ic * ars + pc * acs, ars, acs);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = Math.min(NR, nc - jr);
          for (let ir = 0; ir < mc; ir += MR) {
            micro(kc, ir * kc, jr * kc);
            addTile(c, cOff + (ic + ir) * N + jc + jr, N, Math.min(MR, mc - ir), nr);
          }
        }
      }
    }
  }
}

/** C (contiguous M x N at cOff) += A @ B by dot products straight off the strided views. */
function gemmSmall(M: number, N: number, K: number,
  a: FloatArray, aOff: number, ars: number, acs: number,
  b: FloatArray, bOff: number, brs: number, bcs: number,
  c: FloatArray, cOff: number): void {
  for (let i = 0; i < M; i++) {
    const ai = aOff + i * ars;
    const ci = cOff + i * N;
    for (let j = 0; j < N; j++) {
      let s = 0;
      let pa = ai;
      let pb = bOff + j * bcs;
      for (let k = 0; k < K; k++, pa += acs, pb += brs) s += a[pa] * b[pb];
      c[ci + j] += s;
    }
  }
}

/**
 * C (contiguous M x N at cOff) += A @ B as matrix-vector products over the smaller of M and
 * N: column j of C is A @ (column j of B), row i of C is B^T @ (row i of A).
 */
function gemmByVectors(M: number, N: number, K: number,
  a: FloatArray, aOff: number, ars: number, acs: number,
  b: FloatArray, bOff: number, brs: number, bcs: number,
  c: FloatArray, cOff: number): void {
  if (N <= M) {
    for (let j = 0; j < N; j++) gemv(M, K, a, aOff, ars, acs, b, bOff + j * bcs, brs, c, cOff + j, N);
  } else {
    for (let i = 0; i < M; i++) gemv(N, K, b, bOff, bcs, brs, a, aOff + i * ars, acs, c, cOff + i * N, 1);
  }
}

/**
 * y[i*ys] += sum_k m[i, k] * x[k] for i < R, with m[i, k] at mOff + i*rs + k*cs, x[k] at
 * xOff + k*xs and y[0] at yOff. Walks m along its contiguous direction.
 */
function gemv(R: number, K: number, m: FloatArray, mOff: number, rs: number, cs: number,
  x: FloatArray, xOff: number, xs: number, y: FloatArray, yOff: number, ys: number): void {
  if (Math.abs(rs) < Math.abs(cs)) gemvColumns(R, K, m, mOff, rs, cs, x, xOff, xs, y, yOff, ys);
  else gemvRows(R, K, m, mOff, rs, cs, x, xOff, xs, y, yOff, ys);
}

/** gemv as dot products along rows of m, four rows at a time so each x[k] is loaded once. */
function gemvRows(R: number, K: number, m: FloatArray, mOff: number, rs: number, cs: number,
  x: FloatArray, xOff: number, xs: number, y: FloatArray, yOff: number, ys: number): void {
  let i = 0;
  for (; i + 4 <= R; i += 4) {
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    let p0 = mOff + i * rs;
    let p1 = p0 + rs;
    let p2 = p1 + rs;
    let p3 = p2 + rs;
    for (let k = 0, px = xOff; k < K; k++, px += xs, p0 += cs, p1 += cs, p2 += cs, p3 += cs) {
      const v = x[px];
      s0 += m[p0] * v;
      s1 += m[p1] * v;
      s2 += m[p2] * v;
      s3 += m[p3] * v;
    }
    const q = yOff + i * ys;
    y[q] += s0;
    y[q + ys] += s1;
    y[q + 2 * ys] += s2;
    y[q + 3 * ys] += s3;
  }
  for (; i < R; i++) {
    let s = 0;
    for (let k = 0, p = mOff + i * rs, px = xOff; k < K; k++, px += xs, p += cs) s += m[p] * x[px];
    y[yOff + i * ys] += s;
  }
}

/**
 * gemv as scaled column sums (axpy), four columns at a time, into a float64 accumulator so
 * that float32 results are rounded once, as in the other paths.
 */
function gemvColumns(R: number, K: number, m: FloatArray, mOff: number, rs: number, cs: number,
  x: FloatArray, xOff: number, xs: number, y: FloatArray, yOff: number, ys: number): void {
  if (gemvAcc.length < R) gemvAcc = new Float64Array(R);
  const acc = gemvAcc;
  acc.fill(0, 0, R);
  let k = 0;
  for (; k + 4 <= K; k += 4) {
    const x0 = x[xOff + k * xs];
    const x1 = x[xOff + (k + 1) * xs];
    const x2 = x[xOff + (k + 2) * xs];
    const x3 = x[xOff + (k + 3) * xs];
    for (let i = 0, p = mOff + k * cs; i < R; i++, p += rs) {
      acc[i] += m[p] * x0 + m[p + cs] * x1 + m[p + 2 * cs] * x2 + m[p + 3 * cs] * x3;
    }
  }
  for (; k < K; k++) {
    const v = x[xOff + k * xs];
    for (let i = 0, p = mOff + k * cs; i < R; i++, p += rs) acc[i] += m[p] * v;
  }
  for (let i = 0, q = yOff; i < R; i++, q += ys) y[q] += acc[i];
}

/**
 * Batched strided matrix product: C[i] = A[i] @ B[i] for i < batch, or C[i] += A[i] @ B[i]
 * when `accumulate`. Element (r, k) of A[i] is a[aOff + i*aBatchStride + r*aRowStride +
 * k*aColStride], and likewise for B[i] (K x N): any strides work, including 0 (broadcast) and
 * transposed layouts. C is contiguous: M x N row-major per batch, batch stride M*N, at cOff.
 * A, B and C share one float type; sums are carried in float64 within each K block of 256.
 *
 * @example
 * // [[1, 2], [3, 4]] @ [[5], [6]] = [[17], [39]]
 * const c = new Float32Array(2);
 * gemm(1, 2, 1, 2, Float32Array.of(1, 2, 3, 4), 0, 0, 2, 1, Float32Array.of(5, 6), 0, 0, 1, 1, c, 0);
 */
export function gemm(
  batch: number, M: number, N: number, K: number,
  a: FloatArray, aOff: number, aBatchStride: number, aRowStride: number, aColStride: number,
  b: FloatArray, bOff: number, bBatchStride: number, bRowStride: number, bColStride: number,
  c: FloatArray, cOff: number,
  accumulate = false,
): void {
  if (batch <= 0 || M <= 0 || N <= 0) return;
  if (!accumulate) c.fill(0, cOff, cOff + batch * M * N);
  if (K <= 0) return;
  // With B shared and A's batches stacked row after row, the batch is one taller product:
  // C is contiguous, so its batches stack the same way. Packing B once is the gain.
  if (batch > 1 && bBatchStride === 0 && (M === 1 || aBatchStride === M * aRowStride)) {
    if (M === 1) aRowStride = aBatchStride;
    M *= batch;
    batch = 1;
  }
  const work = M * N * K;
  const padded = Math.ceil(M / MR) * MR * Math.ceil(N / NR) * NR * K;
  let kernel = gemmBlocked;
  if (work <= TINY_WORK) kernel = gemmSmall;
  else if (padded > MAX_PADDING * work) kernel = gemmByVectors;
  for (let i = 0; i < batch; i++) {
    kernel(M, N, K, a, aOff + i * aBatchStride, aRowStride, aColStride,
      b, bOff + i * bBatchStride, bRowStride, bColStride, c, cOff + i * M * N);
  }
}
