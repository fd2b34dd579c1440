// out = a + alpha * b over contiguous data (ATen/native/cpu/BinaryOpsKernel.cpp add_kernel with
// alpha): the reference for native/src/axpy.cc, behind SGD's in-place param.add_(d_p, alpha).
import type { TypedArray } from '../../tensor/dtype.js';

/**
 * out[outOff + i] = a[aOff + i] + alpha * b[bOff + i] for i < n, all one floating dtype; out may
 * be a itself. alpha is rounded to float32 for float32 data, as ATen converts it to scalar_t.
 */
export function addScaled(a: TypedArray, aOff: number, b: TypedArray, bOff: number, n: number, alpha: number,
  out: TypedArray, outOff: number): void {
  const al = out instanceof Float32Array ? Math.fround(alpha) : alpha;
  for (let i = 0; i < n; i++) out[outOff + i] = a[aOff + i] + al * b[bOff + i];
}
