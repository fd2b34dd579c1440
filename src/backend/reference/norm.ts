// Reference fused normalisation kernels: batch norm statistics, affine apply and backward over
// contiguous [N, C, L] data, and layer norm forward/backward over contiguous [M, D] rows
// (ATen/native/Normalization.cpp, cpu/batch_norm_kernel.cpp, cpu/layer_norm_kernel.cpp).
// Everything is computed in float64 and rounded once on store.
import type { TypedArray } from '../../tensor/dtype.js';

/** Per-channel mean and biased variance of x [N, C, L] (two passes, as varReduce). */
export function batchNormStats(x: TypedArray, xOff: number, N: number, C: number, L: number,
  mean: Float64Array, variance: Float64Array): void {
  const count = N * L;
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let n = 0; n < N; n++) {
      const base = xOff + (n * C + c) * L;
      for (let i = 0; i < L; i++) s += x[base + i];
    }
    const m = s / count;
    let ss = 0;
    for (let n = 0; n < N; n++) {
      const base = xOff + (n * C + c) * L;
      for (let i = 0; i < L; i++) {
        const d = x[base + i] - m;
        ss += d * d;
      }
    }
    mean[c] = m;
    variance[c] = ss / count;
  }
}

/** out [N, C, L] = x * scale[c] + shift[c]. */
export function batchNormApply(x: TypedArray, xOff: number, N: number, C: number, L: number,
  scale: Float64Array, shift: Float64Array, out: TypedArray): void {
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const a = scale[c];
      const b = shift[c];
      const base = (n * C + c) * L;
      for (let i = 0; i < L; i++) out[base + i] = x[xOff + base + i] * a + b;
    }
  }
}

/**
 * Batch norm backward over g, x [N, C, L]: per channel gsum = sum(g), gdot = sum(g * xhat) with
 * xhat = (x - mean) * invstd; and, if gx is given, gx = (g - gsum/n - xhat * gdot/n) * scale in
 * training or g * scale in evaluation, where scale = invstd * weight.
 */
export function batchNormBackward(g: TypedArray, gOff: number, x: TypedArray, xOff: number,
  N: number, C: number, L: number, mean: Float64Array, invstd: Float64Array, scale: Float64Array,
  training: boolean, gsum: Float64Array, gdot: Float64Array, gx: TypedArray | null): void {
  const count = N * L;
  for (let c = 0; c < C; c++) {
    let s = 0;
    let d = 0;
    const m = mean[c];
    const is = invstd[c];
    for (let n = 0; n < N; n++) {
      const base = (n * C + c) * L;
      for (let i = 0; i < L; i++) {
        const gv = g[gOff + base + i];
        s += gv;
        d += gv * ((x[xOff + base + i] - m) * is);
      }
    }
    gsum[c] = s;
    gdot[c] = d;
    if (gx === null) continue;
    const k = scale[c];
    const gm = s / count;
    const dm = d / count;
    for (let n = 0; n < N; n++) {
      const base = (n * C + c) * L;
      for (let i = 0; i < L; i++) {
        const gv = g[gOff + base + i];
        gx[base + i] = training ? (gv - gm - ((x[xOff + base + i] - m) * is) * dm) * k : gv * k;
      }
    }
  }
}

/** Layer norm of each row of x [M, D]: out = (x - mean) * rstd * w + b; mean and rstd per row. */
export function layerNorm(x: TypedArray, xOff: number, M: number, D: number, w: TypedArray | null,
  wOff: number, b: TypedArray | null, bOff: number, eps: number, out: TypedArray, mean: Float64Array,
  rstd: Float64Array): void {
  for (let r = 0; r < M; r++) {
    const base = xOff + r * D;
    let s = 0;
    for (let i = 0; i < D; i++) s += x[base + i];
    const m = s / D;
    let ss = 0;
    for (let i = 0; i < D; i++) {
      const d = x[base + i] - m;
      ss += d * d;
    }
    const rs = 1 / Math.sqrt(ss / D + eps);
    mean[r] = m;
    rstd[r] = rs;
    for (let i = 0; i < D; i++) {
      let y = (x[base + i] - m) * rs;
      if (w !== null) y *= w[wOff + i];
      if (b !== null) y += b[bOff + i];
      out[r * D + i] = y;
    }
  }
}

/**
 * Layer norm backward: gx = (gxhat - mean(gxhat) - xhat * mean(gxhat * xhat)) * rstd per row with
 * gxhat = g * w; gw += sum over rows of g * xhat; gb += sum over rows of g (float64 accumulators).
 */
export function layerNormBackward(g: TypedArray, gOff: number, x: TypedArray, xOff: number, M: number,
  D: number, mean: Float64Array, rstd: Float64Array, w: TypedArray | null, wOff: number,
  gx: TypedArray | null, gw: Float64Array | null, gb: Float64Array | null): void {
  for (let r = 0; r < M; r++) {
    const xb = xOff + r * D;
    const gb0 = gOff + r * D;
    const m = mean[r];
    const rs = rstd[r];
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < D; i++) {
      const xhat = (x[xb + i] - m) * rs;
      const gv = g[gb0 + i];
      const gxhat = w === null ? gv : gv * w[wOff + i];
      s1 += gxhat;
      s2 += gxhat * xhat;
      if (gw !== null) gw[i] += gv * xhat;
      if (gb !== null) gb[i] += gv;
    }
    if (gx === null) continue;
    const m1 = s1 / D;
    const m2 = s2 / D;
    for (let i = 0; i < D; i++) {
      const xhat = (x[xb + i] - m) * rs;
      const gv = g[gb0 + i];
      const gxhat = w === null ? gv : gv * w[wOff + i];
      gx[r * D + i] = (gxhat - m1 - xhat * m2) * rs;
    }
  }
}
