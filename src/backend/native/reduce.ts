// The native backend's reductions (native/src/reduce.cc): sum/prod/max/min/any/all, variance,
// logsumexp, softmax and max/min with indices; tiny inputs stay on the reference kernels.
import type { TypedArray } from '../../tensor/dtype.js';
import type { Backend, ReduceOp, StoreKind, View } from '../backend.js';
import { reference } from '../reference/index.js';
import { outStrides } from '../reference/reduce.js';
import type { NativeAddon } from './binding.js';
import { meta, numel, packShape, packView, storeCode, tuning } from './elementwise.js';

/** ReduceMode codes of native/src/reduce.h. */
const MODE: Record<ReduceOp, number> = { sum: 0, prod: 1, max: 2, min: 3, amax: 2, amin: 3, any: 4, all: 5 };

/** Packs [shape, output strides over it, x]; false if x has too many dims. */
function packReduce(x: View, dims: readonly number[]): boolean {
  const p = packShape(x.shape);
  if (p < 0) return false;
  packView(packView(p, 0, outStrides(x.shape, dims)), x.offset, x.strides);
  return true;
}

/** Packs x's shape without `dim`, the dense output strides and x's strides without it. */
function packAlong(x: View, dim: number, outFull: readonly number[]): boolean {
  const drop = <T>(a: readonly T[]) => a.filter((_, i) => i !== dim);
  const p = packShape(drop(x.shape));
  if (p < 0) return false;
  packView(packView(p, 0, drop(outFull)), x.offset, drop(x.strides));
  return true;
}

const isFloat = (a: TypedArray) => a instanceof Float32Array || a instanceof Float64Array;

type ReduceKernels = Pick<Backend, 'reduce' | 'reduceArg' | 'varReduce' | 'softmax' | 'logsumexp'>;

export function reduceKernels(a: NativeAddon): ReduceKernels {
  return {
    reduce(op: ReduceOp, x: View, dims: readonly number[], out: TypedArray, store: StoreKind): void {
      if (numel(x.shape) < tuning.smallReduce || !packReduce(x, dims)) {
        return reference.reduce(op, x, dims, out, store);
      }
      a.reduce(MODE[op], x.data, out, storeCode[store], meta);
    },
    varReduce(x: View, dims: readonly number[], correction: number, out: TypedArray,
      takeSqrt: boolean): void {
      if (numel(x.shape) < tuning.smallReduce || !packReduce(x, dims)) {
        return reference.varReduce(x, dims, correction, out, takeSqrt);
      }
      let count = 1;
      for (const d of dims) count *= x.shape[d];
      a.varReduce(x.data, out, count, correction, takeSqrt, meta);
    },
    logsumexp(x: View, dims: readonly number[], out: TypedArray): void {
      if (numel(x.shape) < tuning.smallReduce || !packReduce(x, dims)) {
        return reference.logsumexp(x, dims, out);
      }
      a.logsumexp(x.data, out, meta);
    },
    softmax(x: View, dim: number, out: TypedArray, log: boolean): void {
      const dense = outStrides(x.shape, []);
      if (numel(x.shape) < tuning.smallReduce || !isFloat(x.data) || out.constructor !== x.data.constructor ||
        !packAlong(x, dim, dense)) {
        return reference.softmax(x, dim, out, log);
      }
      a.softmax(x.data, out, x.strides[dim], dense[dim], x.shape[dim], log, meta);
    },
    reduceArg(op: 'max' | 'min', x: View, dim: number, values: TypedArray | null,
      indices: Float64Array): void {
      const tiny = numel(x.shape) < tuning.smallReduce || x.shape[dim] === 0;
      if (tiny || !packAlong(x, dim, outStrides(x.shape, [dim]))) {
        return reference.reduceArg(op, x, dim, values, indices);
      }
      a.reduceArg(x.data, values, indices, x.strides[dim], x.shape[dim], op === 'max', meta);
    },
  };
}
