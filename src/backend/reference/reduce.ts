// Reference reductions: sum/prod/max/min/any/all over dims, max/min with indices, variance,
// softmax, log_softmax and logsumexp (ATen/native/ReduceOps.cpp, SoftMax.cpp).
import type { TypedArray } from '../../tensor/dtype.js';
import type { ReduceOp, StoreKind, View } from '../backend.js';
import { RowIter, numel } from './iter.js';
import { storeFn } from './elementwise.js';

/** Strides of the contiguous output laid over x's shape: 0 on reduced dims. */
export function outStrides(shape: readonly number[], dims: readonly number[]): number[] {
  const strides = new Array<number>(shape.length).fill(0);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (dims.includes(d)) continue;
    strides[d] = s;
    s *= shape[d];
  }
  return strides;
}

/** Visits every element of x in memory order with the index of its output slot. */
function accumulate(
  x: View, dims: readonly number[], acc: Float64Array,
  step: (acc: Float64Array, io: number, v: number) => void,
): void {
  const it = new RowIter(x.shape, [x.strides, outStrides(x.shape, dims)], [x.offset, 0]);
  const [sx, so] = it.innerStrides;
  const xd = x.data;
  for (let r = 0; r < it.rows; r++) {
    let ix = it.off[0];
    let io = it.off[1];
    for (let i = 0; i < it.inner; i++, ix += sx, io += so) step(acc, io, xd[ix]);
    it.next();
  }
}

const INIT: Record<ReduceOp, number> = {
  sum: 0, prod: 1, max: -Infinity, min: Infinity, amax: -Infinity, amin: Infinity, any: 0, all: 1,
};

const STEP: Record<ReduceOp, (acc: Float64Array, io: number, v: number) => void> = {
  sum: (a, i, v) => (a[i] += v),
  prod: (a, i, v) => (a[i] *= v),
  max: (a, i, v) => (a[i] = v > a[i] || v !== v ? v : a[i]),
  amax: (a, i, v) => (a[i] = v > a[i] || v !== v ? v : a[i]),
  min: (a, i, v) => (a[i] = v < a[i] || v !== v ? v : a[i]),
  amin: (a, i, v) => (a[i] = v < a[i] || v !== v ? v : a[i]),
  any: (a, i, v) => (a[i] = v !== 0 || a[i] !== 0 ? 1 : 0),
  all: (a, i, v) => (a[i] = v !== 0 && a[i] !== 0 ? 1 : 0),
};

export function reduce(op: ReduceOp, x: View, dims: readonly number[], out: TypedArray, store: StoreKind): void {
  const n = out.length;
  const acc = new Float64Array(n).fill(INIT[op]);
  const xd = x.data;
  if (op === 'sum' && dims.length === x.shape.length && isDenseView(x)) {
    let s = 0;
    const end = x.offset + numel(x.shape);
    for (let i = x.offset; i < end; i++) s += xd[i];
    acc[0] = s;
  } else {
    accumulate(x, dims, acc, STEP[op]);
  }
  const cv = storeFn(store);
  for (let i = 0; i < n; i++) out[i] = cv ? cv(acc[i]) : acc[i];
}

function isDenseView(x: View): boolean {
  let expected = 1;
  for (let i = x.shape.length - 1; i >= 0; i--) {
    if (x.shape[i] !== 1 && x.strides[i] !== expected) return false;
    expected *= x.shape[i];
  }
  return true;
}

/** Offsets of every slice along `dim`: iterates x with dim collapsed, out dense over x's shape. */
function alongDim(x: View, dim: number, outShapeStrides: number[]): RowIter {
  const shape = x.shape.slice();
  shape[dim] = 1;
  return new RowIter(shape, [x.strides, outShapeStrides], [x.offset, 0]);
}

export function reduceArg(
  op: 'max' | 'min', x: View, dim: number, values: TypedArray | null, indices: Float64Array,
): void {
  const size = x.shape[dim];
  const st = x.strides[dim];
  const xd = x.data;
  const it = alongDim(x, dim, outStrides(x.shape, [dim]));
  const isMax = op === 'max';
  for (let r = 0; r < it.rows; r++) {
    for (let i = 0; i < it.inner; i++) {
      const base = it.off[0] + i * it.innerStrides[0];
      const io = it.off[1] + i * it.innerStrides[1];
      let best = xd[base];
      let bi = 0;
      for (let k = 1; k < size && best === best; k++) {
        const v = xd[base + k * st];
        if (v !== v || (isMax ? v > best : v < best)) {
          best = v;
          bi = k;
        }
      }
      if (values) values[io] = best;
      indices[io] = bi;
    }
    it.next();
  }
}

export function varReduce(
  x: View, dims: readonly number[], correction: number, out: TypedArray, takeSqrt: boolean,
): void {
  const n = out.length;
  let count = 1;
  for (const d of dims) count *= x.shape[d];
  const mean = new Float64Array(n);
  accumulate(x, dims, mean, STEP.sum);
  for (let i = 0; i < n; i++) mean[i] /= count;
  const ss = new Float64Array(n);
  accumulate(x, dims, ss, (a, io, v) => {
    const d = v - mean[io];
    a[io] += d * d;
  });
  const denom = Math.max(count - correction, 0);
  for (let i = 0; i < n; i++) {
    const v = ss[i] / denom;
    out[i] = takeSqrt ? Math.sqrt(v) : v;
  }
}

export function softmax(x: View, dim: number, out: TypedArray, log: boolean): void {
  const size = x.shape[dim];
  const st = x.strides[dim];
  const dense = outStrides(x.shape, []);
  const ost = dense[dim];
  const xd = x.data;
  const it = alongDim(x, dim, dense);
  for (let r = 0; r < it.rows; r++) {
    for (let i = 0; i < it.inner; i++) {
      const base = it.off[0] + i * it.innerStrides[0];
      const ob = it.off[1] + i * it.innerStrides[1];
      let m = -Infinity;
      for (let k = 0; k < size; k++) {
        const v = xd[base + k * st];
        if (v > m || v !== v) m = v;
      }
      let s = 0;
      for (let k = 0; k < size; k++) s += Math.exp(xd[base + k * st] - m);
      if (log) {
        const ls = Math.log(s);
        for (let k = 0; k < size; k++) out[ob + k * ost] = xd[base + k * st] - m - ls;
      } else {
        for (let k = 0; k < size; k++) out[ob + k * ost] = Math.exp(xd[base + k * st] - m) / s;
      }
    }
    it.next();
  }
}

export function logsumexp(x: View, dims: readonly number[], out: TypedArray): void {
  const n = out.length;
  const m = new Float64Array(n).fill(-Infinity);
  accumulate(x, dims, m, STEP.amax);
  // An all -inf (or +inf) slice must give -inf (+inf), not NaN from inf - inf.
  const shift = m.map((v) => (Number.isFinite(v) ? v : 0));
  const s = new Float64Array(n);
  accumulate(x, dims, s, (a, io, v) => (a[io] += Math.exp(v - shift[io])));
  for (let i = 0; i < n; i++) out[i] = Math.log(s[i]) + shift[i];
}
