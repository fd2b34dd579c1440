// The reference backend: pure TypeScript kernels, the executable specification.
import type { Backend } from '../backend.js';
import { binary, binaryScalar, copy, fill, unary, where } from './elementwise.js';
import { logsumexp, reduce, reduceArg, softmax, varReduce } from './reduce.js';
import { gemm } from './matmul.js';

export const reference: Backend = {
  name: 'reference',
  unary, binary, binaryScalar, where, copy, fill,
  reduce, reduceArg, varReduce, softmax, logsumexp,
  gemm: (batch, M, N, K, a, aOff, abs, ars, acs, b, bOff, bbs, brs, bcs, c, cOff, accumulate) =>
    gemm(batch, M, N, K, a as Float32Array, aOff, abs, ars, acs, b as Float32Array, bOff, bbs, brs, bcs,
      c as Float32Array, cOff, accumulate),
};
