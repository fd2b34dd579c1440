// threshold_backward, ReLU's backward (ATen/native/cpu/Activation.cpp, threshold_kernel with value 0):
// the reference for native/src/threshold.cc.
import type { TypedArray } from '../../tensor/dtype.js';

/**
 * out[i] = x[i] <= threshold ? 0 : g[i * gStride] over n contiguous elements (NaN in x passes g;
 * gStride 0 broadcasts one value); the threshold is first rounded to the data's dtype, as PyTorch
 * converts the scalar to scalar_t.
 */
export function thresholdBackward(g: TypedArray, gOff: number, gStride: number, x: TypedArray, xOff: number,
  n: number, threshold: number, out: TypedArray): void {
  const t = out instanceof Float32Array ? Math.fround(threshold) : threshold;
  for (let i = 0; i < n; i++) out[i] = x[xOff + i] <= t ? 0 : g[gOff + i * gStride];
}
