// log_softmax's backward in one pass (ATen/native/SoftMax.cpp log_softmax_backward_cpu):
// gx = g - exp(y) * sum(g over dim). The reference kernel, used by both backends (the rows are short).
import type { TypedArray } from '../../tensor/dtype.js';

/**
 * out = g - exp(y) * sum_dim(g) for contiguous g, y and out of shape [outer, size, inner] (dim is
 * the middle one), all one floating dtype. The row sum is accumulated in float64 and, like every
 * intermediate, rounded to the data's precision for float32 data.
 */
export function logSoftmaxBackward(g: TypedArray, gOff: number, y: TypedArray, yOff: number, outer: number,
  size: number, inner: number, out: TypedArray): void {
  const r = out instanceof Float32Array ? Math.fround : (v: number) => v;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      let s = 0;
      for (let k = 0; k < size; k++) s += g[gOff + base + k * inner];
      const sr = r(s);
      for (let k = 0; k < size; k++) {
        const j = base + k * inner;
        out[j] = g[gOff + j] - r(r(Math.exp(y[yOff + j])) * sr);
      }
    }
  }
}
