// The native backend's 2-D pooling kernels (native/src/pool.cc) for float32 / float64 planes;
// other dtypes and tiny inputs stay on the reference kernels.
import type { TypedArray } from '../../tensor/dtype.js';
import type { Backend, Pool2dGeom } from '../backend.js';
import { reference } from '../reference/index.js';
import type { NativeAddon } from './binding.js';
import { tuning } from './elementwise.js';

const geomBuf = new Float64Array(13);

/** Packs the geometry; null when the arrays are not one float dtype or the work is tiny. */
function pack(g: Pool2dGeom, a: TypedArray, b: TypedArray): Float64Array | null {
  const f32 = a instanceof Float32Array;
  if (!(f32 || a instanceof Float64Array) || b.constructor !== a.constructor) return null;
  if (g.P * Math.max(g.oH * g.oW, g.H * g.W) < tuning.small) return null;
  const m = geomBuf;
  m[0] = g.P; m[1] = g.H; m[2] = g.W; m[3] = g.kH; m[4] = g.kW; m[5] = g.sH; m[6] = g.sW;
  m[7] = g.pH; m[8] = g.pW; m[9] = g.dH; m[10] = g.dW; m[11] = g.oH; m[12] = g.oW;
  return m;
}

type PoolKernels = Pick<Backend, 'maxPool2d' | 'maxPool2dBackward' | 'maxPool2dGather' | 'avgPool2d' |
  'avgPool2dBackward' | 'adaptiveAvgPool2d' | 'adaptiveAvgPool2dBackward'>;

export function poolKernels(a: NativeAddon): PoolKernels {
  return {
    maxPool2d(g, x, xOff, out, indices) {
      const m = pack(g, x, out);
      if (m === null) return reference.maxPool2d(g, x, xOff, out, indices);
      a.maxPool2d(m, x, xOff, out, indices);
    },
    maxPool2dBackward(g, gOut, gOff, indices, gIn) {
      const m = pack(g, gOut, gIn);
      if (m === null) return reference.maxPool2dBackward(g, gOut, gOff, indices, gIn);
      a.maxPool2dBackward(m, gOut, gOff, indices, gIn);
    },
    maxPool2dGather(g, src, srcOff, indices, out) {
      const m = pack(g, src, out);
      if (m === null) return reference.maxPool2dGather(g, src, srcOff, indices, out);
      a.maxPool2dGather(m, src, srcOff, indices, out);
    },
    avgPool2d(g, x, xOff, out, countIncludePad, divisor) {
      const m = pack(g, x, out);
      if (m === null) return reference.avgPool2d(g, x, xOff, out, countIncludePad, divisor);
      a.avgPool2d(m, x, xOff, out, countIncludePad, divisor);
    },
    avgPool2dBackward(g, gOut, gOff, gIn, countIncludePad, divisor) {
      const m = pack(g, gOut, gIn);
      if (m === null) return reference.avgPool2dBackward(g, gOut, gOff, gIn, countIncludePad, divisor);
      a.avgPool2dBackward(m, gOut, gOff, gIn, countIncludePad, divisor);
    },
    adaptiveAvgPool2d(g, x, xOff, out) {
      const m = pack(g, x, out);
      if (m === null) return reference.adaptiveAvgPool2d(g, x, xOff, out);
      a.adaptiveAvgPool2d(m, x, xOff, out);
    },
    adaptiveAvgPool2dBackward(g, gOut, gOff, gIn) {
      const m = pack(g, gOut, gIn);
      if (m === null) return reference.adaptiveAvgPool2dBackward(g, gOut, gOff, gIn);
      a.adaptiveAvgPool2dBackward(m, gOut, gOff, gIn);
    },
  };
}
