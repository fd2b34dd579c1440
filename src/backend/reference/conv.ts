// Reference kernels for 2-D convolution: forward, input gradient and weight gradient by
// im2col / col2im and gemm (ATen/native/ConvolutionMM2d.cpp, Unfold2d.cpp).
import type { TypedArray } from '../../tensor/dtype.js';
import type { Conv2dGeom } from '../backend.js';
import { gemm as gemmImpl } from './matmul.js';

type Gemm = (
  batch: number, M: number, N: number, K: number,
  a: TypedArray, aOff: number, aBatchStride: number, aRowStride: number, aColStride: number,
  b: TypedArray, bOff: number, bBatchStride: number, bRowStride: number, bColStride: number,
  c: TypedArray, cOff: number, accumulate: boolean,
) => void;

const gemm = gemmImpl as unknown as Gemm;

/** Upper bound on the elements of one im2col buffer; images are processed in chunks below it. */
const COL_BUDGET = 1 << 22;

const buffers = new Map<Function, TypedArray>();

/** A scratch array of at least n elements of the same type as `like`, reused across calls. */
function scratch(like: TypedArray, n: number): TypedArray {
  const ctor = like.constructor as new (n: number) => TypedArray;
  let buf = buffers.get(ctor);
  if (!buf || buf.length < n) {
    buf = new ctor(Math.max(n, 1024));
    buffers.set(ctor, buf);
  }
  return buf;
}

/** True when the patch matrix of an image is the image itself (1x1 kernel, no stride or padding). */
function isPointwise(g: Conv2dGeom): boolean {
  return g.kH === 1 && g.kW === 1 && g.sH === 1 && g.sW === 1 && g.pH === 0 && g.pW === 0 &&
    g.oH === g.H && g.oW === g.W;
}

/** The output columns [lo, hi) whose input column ow*sW + iw0 lies inside [0, W). */
function validRange(iw0: number, sW: number, W: number, oW: number): [number, number] {
  const lo = iw0 >= 0 ? 0 : Math.min(oW, Math.ceil(-iw0 / sW));
  const hi = iw0 > W - 1 ? 0 : Math.min(oW, Math.floor((W - 1 - iw0) / sW) + 1);
  return [lo, Math.max(lo, hi)];
}

/** Unfolds one image [C, H, W] into col [C*kH*kW, oH*oW] at colOff (zeros where padded). */
function im2col(g: Conv2dGeom, x: TypedArray, xOff: number, col: TypedArray, colOff: number): void {
  const { C, H, W, kH, kW, sH, sW, pH, pW, dH, dW, oH, oW } = g;
  const L = oH * oW;
  let row = colOff;
  for (let c = 0; c < C; c++) {
    const plane = xOff + c * H * W;
    for (let kh = 0; kh < kH; kh++) {
      for (let kw = 0; kw < kW; kw++, row += L) {
        const iw0 = kw * dW - pW;
        const [lo, hi] = validRange(iw0, sW, W, oW);
        for (let oh = 0; oh < oH; oh++) {
          const dst = row + oh * oW;
          const ih = oh * sH - pH + kh * dH;
          if (ih < 0 || ih >= H) {
            col.fill(0, dst, dst + oW);
            continue;
          }
          if (lo > 0) col.fill(0, dst, dst + lo);
          let s = plane + ih * W + iw0 + lo * sW;
          for (let ow = lo; ow < hi; ow++, s += sW) col[dst + ow] = x[s];
          if (hi < oW) col.fill(0, dst + hi, dst + oW);
        }
      }
    }
  }
}

/** Folds col [C*kH*kW, oH*oW] back onto one image gradient [C, H, W] by summation. */
function col2im(g: Conv2dGeom, col: TypedArray, colOff: number, gx: TypedArray, gxOff: number): void {
  const { C, H, W, kH, kW, sH, sW, pH, pW, dH, dW, oH, oW } = g;
  const L = oH * oW;
  let row = colOff;
  for (let c = 0; c < C; c++) {
    const plane = gxOff + c * H * W;
    for (let kh = 0; kh < kH; kh++) {
      for (let kw = 0; kw < kW; kw++, row += L) {
        const iw0 = kw * dW - pW;
        const [lo, hi] = validRange(iw0, sW, W, oW);
        for (let oh = 0; oh < oH; oh++) {
          const ih = oh * sH - pH + kh * dH;
          if (ih < 0 || ih >= H) continue;
          const src = row + oh * oW;
          let d = plane + ih * W + iw0 + lo * sW;
          for (let ow = lo; ow < hi; ow++, d += sW) gx[d] += col[src + ow];
        }
      }
    }
  }
}

/** Images per chunk so that the chunk's patch matrices fit the scratch budget. */
function chunkSize(g: Conv2dGeom): number {
  const perImage = g.C * g.kH * g.kW * g.oH * g.oW;
  return Math.max(1, Math.min(g.N, Math.floor(COL_BUDGET / Math.max(perImage, 1))));
}

/**
 * out [N, O, oH, oW] = conv2d(x, w) + bias: per group, W_g [O/g, C/g*kH*kW] @ col.
 * With one group a chunk of images is one batched gemm over their stacked patch matrices.
 */
export function conv2d(g: Conv2dGeom, x: TypedArray, xOff: number, w: TypedArray, wOff: number,
  bias: TypedArray | null, bOff: number, out: TypedArray): void {
  const { N, C, H, W, O, groups } = g;
  const L = g.oH * g.oW;
  const ckk = (C / groups) * g.kH * g.kW;
  const og = O / groups;
  const imgIn = C * H * W;
  const colImg = C * g.kH * g.kW * L;
  if (N > 0 && L > 0 && O > 0) {
    const pointwise = isPointwise(g);
    const chunk = pointwise ? N : chunkSize(g);
    const col = pointwise ? x : scratch(x, chunk * colImg);
    for (let n0 = 0; n0 < N; n0 += chunk) {
      const nb = Math.min(chunk, N - n0);
      let colOff = 0;
      if (pointwise) colOff = xOff + n0 * imgIn;
      else for (let j = 0; j < nb; j++) im2col(g, x, xOff + (n0 + j) * imgIn, col, j * colImg);
      if (groups === 1) {
        gemm(nb, O, L, ckk, w, wOff, 0, ckk, 1, col, colOff, colImg, L, 1, out, n0 * O * L, false);
        continue;
      }
      for (let j = 0; j < nb; j++) {
        gemm(groups, og, L, ckk, w, wOff, og * ckk, ckk, 1, col, colOff + j * colImg, ckk * L, L, 1,
          out, (n0 + j) * O * L, false);
      }
    }
  }
  if (bias !== null) addBias(out, bias, bOff, N, O, L);
}

function addBias(out: TypedArray, bias: TypedArray, bOff: number, N: number, O: number, L: number): void {
  let p = 0;
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < O; o++) {
      const b = bias[bOff + o];
      const end = p + L;
      for (; p < end; p++) out[p] += b;
    }
  }
}

/** gIn += conv2d input gradient: col = W_g^T @ gOut_g, then col2im (or directly for 1x1). */
export function conv2dBackwardInput(g: Conv2dGeom, gOut: TypedArray, gOff: number, w: TypedArray,
  wOff: number, gIn: TypedArray): void {
  const { N, C, H, W, O, groups } = g;
  const L = g.oH * g.oW;
  if (N === 0 || L === 0 || O === 0) return;
  const ckk = (C / groups) * g.kH * g.kW;
  const og = O / groups;
  const imgIn = C * H * W;
  const colImg = C * g.kH * g.kW * L;
  const pointwise = isPointwise(g);
  const chunk = chunkSize(g);
  const col = scratch(gIn, chunk * colImg);
  for (let n0 = 0; n0 < N; n0 += chunk) {
    const nb = Math.min(chunk, N - n0);
    if (groups === 1) {
      gemm(nb, ckk, L, O, w, wOff, 0, 1, ckk, gOut, gOff + n0 * O * L, O * L, L, 1, col, 0, false);
    } else {
      for (let j = 0; j < nb; j++) {
        gemm(groups, ckk, L, og, w, wOff, og * ckk, 1, ckk, gOut, gOff + (n0 + j) * O * L, og * L, L, 1,
          col, j * colImg, false);
      }
    }
    for (let j = 0; j < nb; j++) {
      const dst = (n0 + j) * imgIn;
      if (pointwise) {
        const src = j * colImg;
        for (let i = 0; i < imgIn; i++) gIn[dst + i] += col[src + i];
      } else col2im(g, col, j * colImg, gIn, dst);
    }
  }
}

/** gW += sum over images of gOut_g [O/g, L] @ col_g^T [L, C/g*kH*kW]. */
export function conv2dBackwardWeight(g: Conv2dGeom, x: TypedArray, xOff: number, gOut: TypedArray,
  gOff: number, gW: TypedArray): void {
  const { N, C, H, W, O, groups } = g;
  const L = g.oH * g.oW;
  if (N === 0 || L === 0 || O === 0) return;
  const ckk = (C / groups) * g.kH * g.kW;
  const og = O / groups;
  const imgIn = C * H * W;
  const colImg = C * g.kH * g.kW * L;
  const pointwise = isPointwise(g);
  const chunk = pointwise ? N : chunkSize(g);
  const col = pointwise ? x : scratch(x, chunk * colImg);
  for (let n0 = 0; n0 < N; n0 += chunk) {
    const nb = Math.min(chunk, N - n0);
    let colOff = 0;
    if (pointwise) colOff = xOff + n0 * imgIn;
    else for (let j = 0; j < nb; j++) im2col(g, x, xOff + (n0 + j) * imgIn, col, j * colImg);
    for (let j = 0; j < nb; j++) {
      gemm(groups, og, ckk, L, gOut, gOff + (n0 + j) * O * L, og * L, L, 1,
        col, colOff + j * colImg, ckk * L, 1, L, gW, 0, true);
    }
  }
}
