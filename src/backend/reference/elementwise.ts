// Reference elementwise kernels: unary, binary, where, copy/cast and fill over strided views.
// The pointwise math here is the executable spec the native backend must agree with.
import type { TypedArray } from '../../tensor/dtype.js';
import type { BinaryOp, StoreKind, UnaryOp, View } from '../backend.js';
import { RowIter, denseStrides, isDense, numel } from './iter.js';

type F1 = (x: number) => number;
type F2 = (a: number, b: number) => number;

export const unaryFns: Partial<Record<UnaryOp, F1>> = {
  neg: (x) => -x,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  abs: Math.abs,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  tanh: Math.tanh,
  relu: (x) => (x > 0 ? x : x !== x ? x : 0),
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  asin: Math.asin,
  acos: Math.acos,
  atan: Math.atan,
  sinh: Math.sinh,
  cosh: Math.cosh,
  asinh: Math.asinh,
  acosh: Math.acosh,
  atanh: Math.atanh,
  log2: Math.log2,
  log10: Math.log10,
  log1p: Math.log1p,
  expm1: Math.expm1,
  exp2: (x) => Math.pow(2, x),
  floor: Math.floor,
  ceil: Math.ceil,
  // PyTorch rounds half to even (std::nearbyint).
  round: (x) => {
    const r = Math.round(x);
    return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
  },
  trunc: Math.trunc,
  frac: (x) => x - Math.trunc(x),
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : x),
  reciprocal: (x) => 1 / x,
  square: (x) => x * x,
  logical_not: (x) => (x === 0 ? 1 : 0),
  isnan: (x) => (x !== x ? 1 : 0),
  isinf: (x) => (x === Infinity || x === -Infinity ? 1 : 0),
  isfinite: (x) => (Number.isFinite(x) ? 1 : 0),
  softplus: (x) => (x > 20 ? x : Math.log1p(Math.exp(x))),
  silu: (x) => x / (1 + Math.exp(-x)),
  relu6: (x) => (x !== x ? x : Math.min(Math.max(x, 0), 6)),
  hardsigmoid: (x) => Math.min(Math.max(x / 6 + 0.5, 0), 1),
  hardswish: (x) => (x * Math.min(Math.max(x + 3, 0), 6)) / 6,
  mish: (x) => x * Math.tanh(x > 20 ? x : Math.log1p(Math.exp(x))),
  gelu_tanh: (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))),
};

function pyRemainder(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && (r < 0) !== (b < 0) ? r + b : r;
}

export const binaryFns: Partial<Record<BinaryOp, F2>> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: Math.pow,
  // maximum/minimum propagate NaN, unlike Math.max on -0/+0 subtleties which match C++ here.
  maximum: (a, b) => (a !== a || b !== b ? NaN : a > b ? a : b),
  minimum: (a, b) => (a !== a || b !== b ? NaN : a < b ? a : b),
  fmax: (a, b) => (a !== a ? b : b !== b ? a : a > b ? a : b),
  fmin: (a, b) => (a !== a ? b : b !== b ? a : a < b ? a : b),
  eq: (a, b) => (a === b ? 1 : 0),
  ne: (a, b) => (a !== b ? 1 : 0),
  lt: (a, b) => (a < b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
  gt: (a, b) => (a > b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
  atan2: Math.atan2,
  hypot: Math.hypot,
  fmod: (a, b) => a % b,
  remainder: pyRemainder,
  floor_divide: (a, b) => Math.floor(a / b),
  div_trunc: (a, b) => Math.trunc(a / b),
  div_floor: (a, b) => Math.floor(a / b),
  logical_and: (a, b) => (a !== 0 && b !== 0 ? 1 : 0),
  logical_or: (a, b) => (a !== 0 || b !== 0 ? 1 : 0),
  logical_xor: (a, b) => ((a !== 0) !== (b !== 0) ? 1 : 0),
  bitwise_and: (a, b) => Number(BigInt(a) & BigInt(b)),
  bitwise_or: (a, b) => Number(BigInt(a) | BigInt(b)),
  bitwise_xor: (a, b) => Number(BigInt(a) ^ BigInt(b)),
  copysign: (a, b) => (b < 0 || Object.is(b, -0) ? -Math.abs(a) : Math.abs(a)),
  xlogy: (a, b) => (b !== b ? NaN : a === 0 ? 0 : a * Math.log(b)),
};

/** Converts a computed double into what an output of this kind stores. */
export function storeFn(kind: StoreKind): F1 | null {
  switch (kind) {
    case 'int64':
      return Math.trunc;
    case 'bool':
      return (v) => (v !== 0 ? 1 : 0);
    default:
      return null; // Float32Array, Float64Array and Int32Array convert on store
  }
}

function lookup<T>(table: Partial<Record<string, T>>, op: string): T {
  const f = table[op];
  if (f === undefined) throw new Error(`operation '${op}' is not implemented by the reference backend`);
  return f;
}

export function unary(op: UnaryOp, x: View, out: TypedArray, store: StoreKind): void {
  const f = lookup(unaryFns, op);
  const cv = storeFn(store);
  const g: F1 = cv ? (v) => cv(f(v)) : f;
  const xd = x.data;
  if (isDense(x.shape, x.strides)) {
    const n = numel(x.shape);
    const o = x.offset;
    for (let i = 0; i < n; i++) out[i] = g(xd[o + i]);
    return;
  }
  const it = new RowIter(x.shape, [x.strides, denseStrides(x.shape)], [x.offset, 0]);
  const inner = it.inner;
  const sx = it.innerStrides[0];
  for (let r = 0; r < it.rows; r++) {
    let ix = it.off[0];
    const io = it.off[1];
    for (let i = 0; i < inner; i++, ix += sx) out[io + i] = g(xd[ix]);
    it.next();
  }
}

/** Contiguous fast paths for the hottest binary ops, where V8 inlines the arithmetic. */
function denseBinary(op: BinaryOp, a: TypedArray, ao: number, b: TypedArray, bo: number, out: TypedArray, n: number) {
  switch (op) {
    case 'add':
      for (let i = 0; i < n; i++) out[i] = a[ao + i] + b[bo + i];
      return true;
    case 'sub':
      for (let i = 0; i < n; i++) out[i] = a[ao + i] - b[bo + i];
      return true;
    case 'mul':
      for (let i = 0; i < n; i++) out[i] = a[ao + i] * b[bo + i];
      return true;
    case 'div':
      for (let i = 0; i < n; i++) out[i] = a[ao + i] / b[bo + i];
      return true;
    default:
      return false;
  }
}

export function binary(op: BinaryOp, a: View, b: View, out: TypedArray, store: StoreKind): void {
  const cv = storeFn(store);
  const shape = a.shape;
  const ad = a.data;
  const bd = b.data;
  if (!cv && isDense(shape, a.strides) && isDense(shape, b.strides)) {
    if (denseBinary(op, ad, a.offset, bd, b.offset, out, numel(shape))) return;
  }
  const f0 = lookup(binaryFns, op);
  const f: F2 = cv ? (x, y) => cv(f0(x, y)) : f0;
  const it = new RowIter(shape, [a.strides, b.strides, denseStrides(shape)], [a.offset, b.offset, 0]);
  const inner = it.inner;
  const [sa, sb] = it.innerStrides;
  for (let r = 0; r < it.rows; r++) {
    let ia = it.off[0];
    let ib = it.off[1];
    const io = it.off[2];
    for (let i = 0; i < inner; i++, ia += sa, ib += sb) out[io + i] = f(ad[ia], bd[ib]);
    it.next();
  }
}

export function binaryScalar(
  op: BinaryOp, a: View, s: number, out: TypedArray, store: StoreKind, reversed: boolean,
): void {
  const cv = storeFn(store);
  const ad = a.data;
  if (!cv && !reversed && isDense(a.shape, a.strides)) {
    const n = numel(a.shape);
    const o = a.offset;
    if (op === 'mul') {
      for (let i = 0; i < n; i++) out[i] = ad[o + i] * s;
      return;
    }
    if (op === 'add') {
      for (let i = 0; i < n; i++) out[i] = ad[o + i] + s;
      return;
    }
  }
  const f0 = lookup(binaryFns, op);
  const f1: F1 = reversed ? (x) => f0(s, x) : (x) => f0(x, s);
  const f: F1 = cv ? (x) => cv(f1(x)) : f1;
  const it = new RowIter(a.shape, [a.strides, denseStrides(a.shape)], [a.offset, 0]);
  const inner = it.inner;
  const sa = it.innerStrides[0];
  for (let r = 0; r < it.rows; r++) {
    let ia = it.off[0];
    const io = it.off[1];
    for (let i = 0; i < inner; i++, ia += sa) out[io + i] = f(ad[ia]);
    it.next();
  }
}

export function where(cond: View, a: View, b: View, out: TypedArray, store: StoreKind): void {
  const cv = storeFn(store) ?? ((v: number) => v);
  const shape = cond.shape;
  const it = new RowIter(
    shape,
    [cond.strides, a.strides, b.strides, denseStrides(shape)],
    [cond.offset, a.offset, b.offset, 0],
  );
  const [sc, sa, sb] = it.innerStrides;
  const cd = cond.data;
  const ad = a.data;
  const bd = b.data;
  for (let r = 0; r < it.rows; r++) {
    let ic = it.off[0];
    let ia = it.off[1];
    let ib = it.off[2];
    const io = it.off[3];
    for (let i = 0; i < it.inner; i++, ic += sc, ia += sa, ib += sb) {
      out[io + i] = cv(cd[ic] !== 0 ? ad[ia] : bd[ib]);
    }
    it.next();
  }
}

export function copy(src: View, dst: View, store: StoreKind): void {
  const cv = storeFn(store);
  const sd = src.data;
  const dd = dst.data;
  const shape = dst.shape;
  if (!cv && isDense(shape, src.strides) && isDense(shape, dst.strides)) {
    const n = numel(shape);
    if (sd.constructor === dd.constructor) {
      (dd as Float64Array).set((sd as Float64Array).subarray(src.offset, src.offset + n), dst.offset);
    } else {
      for (let i = 0; i < n; i++) dd[dst.offset + i] = sd[src.offset + i];
    }
    return;
  }
  const it = new RowIter(shape, [src.strides, dst.strides], [src.offset, dst.offset]);
  const [ss, ds] = it.innerStrides;
  for (let r = 0; r < it.rows; r++) {
    let is = it.off[0];
    let id = it.off[1];
    if (cv) for (let i = 0; i < it.inner; i++, is += ss, id += ds) dd[id] = cv(sd[is]);
    else for (let i = 0; i < it.inner; i++, is += ss, id += ds) dd[id] = sd[is];
    it.next();
  }
}

export function fill(dst: View, value: number): void {
  const dd = dst.data;
  if (isDense(dst.shape, dst.strides)) {
    dd.fill(value, dst.offset, dst.offset + numel(dst.shape));
    return;
  }
  const it = new RowIter(dst.shape, [dst.strides], [dst.offset]);
  const s = it.innerStrides[0];
  for (let r = 0; r < it.rows; r++) {
    let id = it.off[0];
    for (let i = 0; i < it.inner; i++, id += s) dd[id] = value;
    it.next();
  }
}
