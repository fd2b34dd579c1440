// The reference backend: pure TypeScript kernels, the executable specification.
import type { Backend } from '../backend.js';
import { binary, binaryScalar, copy, fill, unary, where } from './elementwise.js';
import { logsumexp, reduce, reduceArg, softmax, varReduce } from './reduce.js';
import { gemm } from './matmul.js';
import { conv2d, conv2dBackwardInput, conv2dBackwardWeight } from './conv.js';
import {
  adaptiveAvgPool2d, adaptiveAvgPool2dBackward, avgPool2d, avgPool2dBackward, maxPool2d, maxPool2dBackward,
  maxPool2dGather, adaptiveMaxPool2d,
} from './pool.js';
import { batchNormApply, batchNormBackward, batchNormStats, layerNorm, layerNormBackward } from './norm.js';
import { thresholdBackward } from './threshold.js';
import { addScaled } from './axpy.js';
import { logSoftmaxBackward } from './softmax_backward.js';

export const reference: Backend = {
  name: 'reference',
  unary, binary, binaryScalar, where, copy, fill,
  reduce, reduceArg, varReduce, softmax, logsumexp,
  gemm: (batch, M, N, K, a, aOff, abs, ars, acs, b, bOff, bbs, brs, bcs, c, cOff, accumulate) =>
    gemm(batch, M, N, K, a as Float32Array, aOff, abs, ars, acs, b as Float32Array, bOff, bbs, brs, bcs,
      c as Float32Array, cOff, accumulate),
  conv2d, conv2dBackwardInput, conv2dBackwardWeight,
  maxPool2d, maxPool2dBackward, maxPool2dGather, avgPool2d, avgPool2dBackward,
  adaptiveAvgPool2d, adaptiveAvgPool2dBackward,
  adaptiveMaxPool2d,
  batchNormStats, batchNormApply, batchNormBackward, layerNorm, layerNormBackward,
  thresholdBackward,
  addScaled,
  logSoftmaxBackward,
};
