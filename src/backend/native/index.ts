// The native backend: the addon's C++ kernels where it has them, the reference kernels elsewhere.
import type { Backend } from '../backend.js';
import { reference } from '../reference/index.js';
import { addon } from './binding.js';
import { elementwiseKernels } from './elementwise.js';
import { reduceKernels } from './reduce.js';
import { poolKernels } from './pool.js';
import { normKernels } from './norm.js';
import { tuning } from './elementwise.js';
import type { TypedArray } from '../../tensor/dtype.js';

/** The C++ gemm and conv kernels take float32 or float64 arrays (all operands of one type). */
function isFloat(x: TypedArray): boolean {
  return x instanceof Float32Array || x instanceof Float64Array;
}

function build(): Backend | null {
  if (addon === null) return null;
  const a = addon;
  return {
    ...reference,
    name: 'native',
    // ---- gemm and convolution (native/src/gemm*.cc, conv.cc): float32 / float64 only ----
    gemm: (batch, M, N, K, x, xOff, xbs, xrs, xcs, y, yOff, ybs, yrs, ycs, c, cOff, accumulate) =>
      isFloat(c)
        ? a.gemm(batch, M, N, K, x, xOff, xbs, xrs, xcs, y, yOff, ybs, yrs, ycs, c, cOff, accumulate)
        : reference.gemm(batch, M, N, K, x, xOff, xbs, xrs, xcs, y, yOff, ybs, yrs, ycs, c, cOff, accumulate),
    conv2d: (g, x, xOff, w, wOff, bias, bOff, out) =>
      isFloat(out) ? a.conv2d(g, x, xOff, w, wOff, bias, bOff, out)
        : reference.conv2d(g, x, xOff, w, wOff, bias, bOff, out),
    conv2dBackwardInput: (g, gOut, gOff, w, wOff, gIn) =>
      isFloat(gIn) ? a.conv2dBackwardInput(g, gOut, gOff, w, wOff, gIn)
        : reference.conv2dBackwardInput(g, gOut, gOff, w, wOff, gIn),
    conv2dBackwardWeight: (g, x, xOff, gOut, gOff, gW) =>
      isFloat(gW) ? a.conv2dBackwardWeight(g, x, xOff, gOut, gOff, gW)
        : reference.conv2dBackwardWeight(g, x, xOff, gOut, gOff, gW),
    // ---- end of gemm and convolution ----
    // ---- elementwise, reductions, pooling, normalisation (./elementwise.ts) ----
    ...elementwiseKernels(a),
    ...reduceKernels(a),
    ...poolKernels(a),
    ...normKernels(a),
    thresholdBackward: (g, gOff, gStride, x, xOff, n, threshold, out) =>
      n >= tuning.small && isFloat(out) && g.constructor === out.constructor &&
        x.constructor === out.constructor
        ? a.thresholdBackward(g, gOff, gStride, x, xOff, n, threshold, out)
        : reference.thresholdBackward(g, gOff, gStride, x, xOff, n, threshold, out),
    // ---- end of elementwise, reductions, pooling, normalisation ----
    // ---- fused add with alpha (native/src/axpy.cc) ----
    addScaled: (x, xOff, y, yOff, n, alpha, out, outOff) =>
      n >= tuning.small && isFloat(out) && x.constructor === out.constructor &&
        y.constructor === out.constructor && typeof a.addScaled === 'function'
        ? a.addScaled(x, xOff, y, yOff, n, alpha, out, outOff)
        : reference.addScaled(x, xOff, y, yOff, n, alpha, out, outOff),
    // ---- end of fused add with alpha ----
    // ---- log_softmax backward (native/src/softmax_backward.cc) ----
    logSoftmaxBackward: (g, gOff, y, yOff, outer, size, inner, out) =>
      isFloat(out) && g.constructor === out.constructor && y.constructor === out.constructor &&
        typeof a.logSoftmaxBackward === 'function'
        ? a.logSoftmaxBackward(g, gOff, y, yOff, outer, size, inner, out)
        : reference.logSoftmaxBackward(g, gOff, y, yOff, outer, size, inner, out),
    // ---- end of log_softmax backward ----
  };
}

/** The native backend, or null when the addon is unavailable. */
export const native: Backend | null = build();
