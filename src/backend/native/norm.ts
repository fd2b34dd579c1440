// The native backend's fused normalisation kernels (native/src/norm.cc) for float32 / float64
// data (every tensor operand of one dtype); anything else stays on the reference kernels.
import type { TypedArray } from '../../tensor/dtype.js';
import type { Backend } from '../backend.js';
import { reference } from '../reference/index.js';
import type { NativeAddon } from './binding.js';
import { tuning } from './elementwise.js';

/** Whether every non-null array is the same float type as `a`. */
function oneFloat(a: TypedArray, ...rest: (TypedArray | null)[]): boolean {
  if (!(a instanceof Float32Array || a instanceof Float64Array)) return false;
  return rest.every((r) => r === null || r.constructor === a.constructor);
}

type NormKernels = Pick<Backend, 'batchNormStats' | 'batchNormApply' | 'batchNormBackward' | 'layerNorm' |
  'layerNormBackward'>;

export function normKernels(a: NativeAddon): NormKernels {
  const small = (n: number) => n < tuning.small;
  return {
    batchNormStats(x, xOff, N, C, L, mean, variance) {
      if (small(N * C * L) || !oneFloat(x)) return reference.batchNormStats(x, xOff, N, C, L, mean, variance);
      a.batchNormStats(x, xOff, N, C, L, mean, variance);
    },
    batchNormApply(x, xOff, N, C, L, scale, shift, out) {
      if (small(N * C * L) || !oneFloat(x, out)) {
        return reference.batchNormApply(x, xOff, N, C, L, scale, shift, out);
      }
      a.batchNormApply(x, xOff, N, C, L, scale, shift, out);
    },
    batchNormBackward(g, gOff, x, xOff, N, C, L, mean, invstd, scale, training, gsum, gdot, gx) {
      if (small(N * C * L) || !oneFloat(g, x, gx)) {
        return reference.batchNormBackward(g, gOff, x, xOff, N, C, L, mean, invstd, scale, training, gsum,
          gdot, gx);
      }
      a.batchNormBackward(g, gOff, x, xOff, N, C, L, mean, invstd, scale, training, gsum, gdot, gx);
    },
    layerNorm(x, xOff, M, D, w, wOff, b, bOff, eps, out, mean, rstd) {
      if (small(M * D) || !oneFloat(x, w, b, out)) {
        return reference.layerNorm(x, xOff, M, D, w, wOff, b, bOff, eps, out, mean, rstd);
      }
      a.layerNorm(x, xOff, M, D, w, wOff, b, bOff, eps, out, mean, rstd);
    },
    layerNormBackward(g, gOff, x, xOff, M, D, mean, rstd, w, wOff, gx, gw, gb) {
      if (small(M * D) || !oneFloat(g, x, w, gx)) {
        return reference.layerNormBackward(g, gOff, x, xOff, M, D, mean, rstd, w, wOff, gx, gw, gb);
      }
      a.layerNormBackward(g, gOff, x, xOff, M, D, mean, rstd, w, wOff, gx, gw, gb);
    },
  };
}
