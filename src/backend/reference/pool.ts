// Reference kernels for 2-D pooling over contiguous planes: max (with argmax indices), average
// and adaptive average, with their backward kernels (ATen/native/cpu/MaxPoolKernel.cpp,
// AvgPoolKernel.cpp, AdaptiveAvgPoolKernel.cpp).
import type { TypedArray } from '../../tensor/dtype.js';
import type { Pool2dGeom } from '../backend.js';

/** First input row (or column) of window `o` at or after 0, stepping by the dilation. */
function firstInside(start: number, d: number): number {
  return start >= 0 ? start : start + Math.ceil(-start / d) * d;
}

/**
 * Max over each window; NaN wins (the last NaN), ties keep the first position, as PyTorch's CPU kernel.
 * Indices are flat positions ih * W + iw within the plane.
 */
export function maxPool2d(g: Pool2dGeom, x: TypedArray, xOff: number, out: TypedArray,
  indices: Float64Array): void {
  const { P, H, W, kH, kW, sH, sW, pH, pW, dH, dW, oH, oW } = g;
  let o = 0;
  for (let p = 0; p < P; p++) {
    const plane = xOff + p * H * W;
    for (let oh = 0; oh < oH; oh++) {
      const hs = oh * sH - pH;
      const he = Math.min(hs + (kH - 1) * dH + 1, H);
      const h0 = firstInside(hs, dH);
      for (let ow = 0; ow < oW; ow++, o++) {
        const ws = ow * sW - pW;
        const we = Math.min(ws + (kW - 1) * dW + 1, W);
        const w0 = firstInside(ws, dW);
        let best = -Infinity;
        let arg = h0 * W + w0;
        for (let ih = h0; ih < he; ih += dH) {
          const row = ih * W;
          for (let iw = w0; iw < we; iw += dW) {
            const v = x[plane + row + iw];
            if (v > best || v !== v) {
              best = v;
              arg = row + iw;
            }
          }
        }
        out[o] = best;
        indices[o] = arg;
      }
    }
  }
}

/** gIn[p, idx] += gOut[p, o] for each output position o. */
export function maxPool2dBackward(g: Pool2dGeom, gOut: TypedArray, gOff: number, indices: Float64Array,
  gIn: TypedArray): void {
  const L = g.oH * g.oW;
  const HW = g.H * g.W;
  let o = 0;
  for (let p = 0; p < g.P; p++) {
    const plane = p * HW;
    for (let l = 0; l < L; l++, o++) gIn[plane + indices[o]] += gOut[gOff + o];
  }
}

/** out[p, o] = src[p, idx[p, o]]: the adjoint of maxPool2dBackward. */
export function maxPool2dGather(g: Pool2dGeom, src: TypedArray, srcOff: number, indices: Float64Array,
  out: TypedArray): void {
  const L = g.oH * g.oW;
  const HW = g.H * g.W;
  let o = 0;
  for (let p = 0; p < g.P; p++) {
    const plane = srcOff + p * HW;
    for (let l = 0; l < L; l++, o++) out[o] = src[plane + indices[o]];
  }
}

/** The clipped window [hs, he) x [ws, we) of an output position and its divisor. */
interface AvgWindow {
  hs: number; he: number; ws: number; we: number; div: number;
}

function avgWindow(g: Pool2dGeom, oh: number, ow: number, countIncludePad: boolean, divisor: number,
  win: AvgWindow): void {
  let hs = oh * g.sH - g.pH;
  let ws = ow * g.sW - g.pW;
  let he = Math.min(hs + g.kH, g.H + g.pH);
  let we = Math.min(ws + g.kW, g.W + g.pW);
  const poolSize = (he - hs) * (we - ws);
  hs = Math.max(hs, 0);
  ws = Math.max(ws, 0);
  he = Math.min(he, g.H);
  we = Math.min(we, g.W);
  win.hs = hs;
  win.he = he;
  win.ws = ws;
  win.we = we;
  if (divisor !== 0) win.div = divisor;
  else win.div = countIncludePad ? poolSize : (he - hs) * (we - ws);
}

/** Mean over each window (divisor from count_include_pad or divisor_override). */
export function avgPool2d(g: Pool2dGeom, x: TypedArray, xOff: number, out: TypedArray,
  countIncludePad: boolean, divisor: number): void {
  const { P, H, W, oH, oW } = g;
  const win: AvgWindow = { hs: 0, he: 0, ws: 0, we: 0, div: 1 };
  let o = 0;
  for (let p = 0; p < P; p++) {
    const plane = xOff + p * H * W;
    for (let oh = 0; oh < oH; oh++) {
      for (let ow = 0; ow < oW; ow++, o++) {
        avgWindow(g, oh, ow, countIncludePad, divisor, win);
        let s = 0;
        for (let ih = win.hs; ih < win.he; ih++) {
          const row = plane + ih * W;
          for (let iw = win.ws; iw < win.we; iw++) s += x[row + iw];
        }
        out[o] = s / win.div;
      }
    }
  }
}

/** Spreads each gOut / divisor evenly over its window. */
export function avgPool2dBackward(g: Pool2dGeom, gOut: TypedArray, gOff: number, gIn: TypedArray,
  countIncludePad: boolean, divisor: number): void {
  const { P, H, W, oH, oW } = g;
  const win: AvgWindow = { hs: 0, he: 0, ws: 0, we: 0, div: 1 };
  let o = 0;
  for (let p = 0; p < P; p++) {
    const plane = p * H * W;
    for (let oh = 0; oh < oH; oh++) {
      for (let ow = 0; ow < oW; ow++, o++) {
        avgWindow(g, oh, ow, countIncludePad, divisor, win);
        const v = gOut[gOff + o] / win.div;
        for (let ih = win.hs; ih < win.he; ih++) {
          const row = plane + ih * W;
          for (let iw = win.ws; iw < win.we; iw++) gIn[row + iw] += v;
        }
      }
    }
  }
}

/** PyTorch's adaptive window bounds: [floor(o*I/O), ceil((o+1)*I/O)). */
function adaptiveBounds(I: number, O: number): Int32Array {
  const b = new Int32Array(2 * O);
  for (let o = 0; o < O; o++) {
    b[2 * o] = Math.floor((o * I) / O);
    b[2 * o + 1] = Math.ceil(((o + 1) * I) / O);
  }
  return b;
}

/** Mean over adaptive windows. */
export function adaptiveAvgPool2d(g: Pool2dGeom, x: TypedArray, xOff: number, out: TypedArray): void {
  const { P, H, W, oH, oW } = g;
  const hb = adaptiveBounds(H, oH);
  const wb = adaptiveBounds(W, oW);
  let o = 0;
  for (let p = 0; p < P; p++) {
    const plane = xOff + p * H * W;
    for (let oh = 0; oh < oH; oh++) {
      const hs = hb[2 * oh];
      const he = hb[2 * oh + 1];
      for (let ow = 0; ow < oW; ow++, o++) {
        const ws = wb[2 * ow];
        const we = wb[2 * ow + 1];
        let s = 0;
        for (let ih = hs; ih < he; ih++) {
          const row = plane + ih * W;
          for (let iw = ws; iw < we; iw++) s += x[row + iw];
        }
        out[o] = s / ((he - hs) * (we - ws));
      }
    }
  }
}

/** Spreads each gOut evenly over its adaptive window. */
export function adaptiveAvgPool2dBackward(g: Pool2dGeom, gOut: TypedArray, gOff: number,
  gIn: TypedArray): void {
  const { P, H, W, oH, oW } = g;
  const hb = adaptiveBounds(H, oH);
  const wb = adaptiveBounds(W, oW);
  let o = 0;
  for (let p = 0; p < P; p++) {
    const plane = p * H * W;
    for (let oh = 0; oh < oH; oh++) {
      const hs = hb[2 * oh];
      const he = hb[2 * oh + 1];
      for (let ow = 0; ow < oW; ow++, o++) {
        const ws = wb[2 * ow];
        const we = wb[2 * ow + 1];
        const v = gOut[gOff + o] / ((he - hs) * (we - ws));
        for (let ih = hs; ih < he; ih++) {
          const row = plane + ih * W;
          for (let iw = ws; iw < we; iw++) gIn[row + iw] += v;
        }
      }
    }
  }
}

/**
 * Max over adaptive windows with flat argmax indices (AdaptiveMaxPoolKernel.cpp): NaN wins and
 * ties keep the first position, as in maxPool2d. Only P, H, W, oH, oW of the geometry are read.
 */
export function adaptiveMaxPool2d(g: Pool2dGeom, x: TypedArray, xOff: number, out: TypedArray,
  indices: Float64Array): void {
  const { P, H, W, oH, oW } = g;
  const hb = adaptiveBounds(H, oH);
  const wb = adaptiveBounds(W, oW);
  let o = 0;
  for (let p = 0; p < P; p++) {
    const plane = xOff + p * H * W;
    for (let oh = 0; oh < oH; oh++) {
      for (let ow = 0; ow < oW; ow++, o++) {
        let best = -Infinity;
        let arg = hb[2 * oh] * W + wb[2 * ow];
        for (let ih = hb[2 * oh]; ih < hb[2 * oh + 1]; ih++) {
          for (let iw = wb[2 * ow]; iw < wb[2 * ow + 1]; iw++) {
            const v = x[plane + ih * W + iw];
            if (v > best || v !== v) {
              best = v;
              arg = ih * W + iw;
            }
          }
        }
        out[o] = best;
        indices[o] = arg;
      }
    }
  }
}
