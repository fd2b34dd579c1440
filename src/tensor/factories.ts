// Tensor factories: tensor, zeros, ones, full, empty, arange, linspace, eye, *_like, from
// (torch/_refs/__init__.py, ATen/native/TensorFactories.cpp).
import { check } from '../utils/check.js';
import {
  type DType, type DTypeLike, type TypedArray, bool, float32, float64, get_default_dtype, int32, int64, toDType,
} from './dtype.js';
import { Tensor } from './tensor.js';
import { numelOf } from './view.js';
import { castScalar, sizeArgs, splitOpts } from '../ops/util.js';

export interface FactoryOpts {
  dtype?: DTypeLike | null;
  requires_grad?: boolean;
  device?: string;
}

type NestedData = number | boolean | bigint | NestedData[] | Tensor;

function finish(t: Tensor, opts: FactoryOpts): Tensor {
  if (opts.device !== undefined) check(opts.device === 'cpu', () => `tstorch only supports device 'cpu', got '${opts.device}'`);
  if (opts.requires_grad) {
    check(t.dtype.is_floating_point, () =>
      'Only Tensors of floating point and complex dtype can require gradients');
    t.requires_grad_(true);
  }
  return t;
}

/** Walks nested arrays to find their shape, checking they are rectangular. */
function inferShape(data: NestedData): number[] {
  const shape: number[] = [];
  let cur: NestedData = data;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    if (cur.length === 0) break;
    cur = cur[0];
  }
  return shape;
}

function flattenInto(data: NestedData, shape: number[], dim: number, out: (number | boolean | bigint)[]): void {
  if (dim === shape.length) {
    check(!Array.isArray(data), () => `too many dimensions at dim ${dim}`, TypeError);
    if (data instanceof Tensor) {
      check(data.numel() === 1, () => 'only one element tensors can be converted to Python scalars');
      out.push(data.item());
    } else out.push(data as number | boolean | bigint);
    return;
  }
  check(Array.isArray(data) && data.length === shape[dim], () =>
    `expected sequence of length ${shape[dim]} at dim ${dim} (got ${Array.isArray(data) ? data.length : 'a scalar'})`);
  for (const d of data as NestedData[]) flattenInto(d, shape, dim + 1, out);
}

/** The dtype Python would infer from these values (API.md's rule for JS numbers). */
function inferDtype(values: (number | boolean | bigint)[], requiresGrad: boolean): DType {
  if (values.length === 0) return get_default_dtype();
  let allBool = true;
  let allInt = true;
  for (const v of values) {
    if (typeof v !== 'boolean') allBool = false;
    if (typeof v === 'number' && !Number.isInteger(v)) allInt = false;
  }
  if (allBool) return bool;
  if (allInt && !requiresGrad) return int64;
  return get_default_dtype();
}

function typedArrayDtype(a: ArrayBufferView): DType | null {
  if (a instanceof Float32Array) return float32;
  if (a instanceof Float64Array) return float64;
  if (a instanceof Int32Array) return int32;
  if (a instanceof BigInt64Array) return int64;
  if (a instanceof Uint8Array) return int32;
  return null;
}

/**
 * torch.tensor(data, { dtype, requires_grad }): a new tensor copying nested arrays.
 * Whole numbers give int64, any fraction float32, booleans bool (JS has no 1.0 vs 1).
 * @example torch.tensor([[1, 2], [3, 4]]) // tensor([[1, 2], [3, 4]])
 */
export function tensor(data: NestedData | ArrayBufferView, opts: FactoryOpts = {}): Tensor {
  if (data instanceof Tensor) return finish(data.detach().clone().to(opts.dtype ?? data.dtype), opts);
  if (ArrayBuffer.isView(data)) {
    const src = data as unknown as ArrayLike<number | bigint>;
    const vals = Array.from(src, (v) => Number(v));
    const d = opts.dtype ? toDType(opts.dtype) : typedArrayDtype(data) ?? get_default_dtype();
    return finish(fromValues(vals, [vals.length], d), opts);
  }
  const shape = inferShape(data);
  const values: (number | boolean | bigint)[] = [];
  flattenInto(data, shape, 0, values);
  const d = opts.dtype ? toDType(opts.dtype) : inferDtype(values, opts.requires_grad ?? false);
  return finish(fromValues(values.map((v) => (typeof v === 'bigint' ? Number(v) : v)), shape, d), opts);
}

function fromValues(values: (number | boolean)[], shape: number[], d: DType): Tensor {
  const t = Tensor._empty(shape, d);
  const arr = t._storage.data;
  for (let i = 0; i < values.length; i++) arr[i] = castScalar(values[i], d);
  return t;
}

/**
 * torch.from(typedArray, shape): a tensor over an existing typed array, sharing its memory
 * (int64 data as BigInt64Array is copied, since tstorch keeps int64 in a Float64Array).
 */
export function from(data: TypedArray | BigInt64Array, shape?: readonly number[], opts: { dtype?: DTypeLike } = {}): Tensor {
  const size = shape ? shape.slice() : [data.length];
  check(numelOf(size) === data.length, () =>
    `shape '[${size.join(', ')}]' is invalid for input of size ${data.length}`);
  if (data instanceof BigInt64Array) return Tensor._fromData(Float64Array.from(data, (v) => Number(v)), size, int64);
  let d = typedArrayDtype(data) as DType;
  if (data instanceof Uint8Array) d = bool;
  if (opts.dtype) {
    const want = toDType(opts.dtype);
    check(want === d || (want === int64 && data instanceof Float64Array), () =>
      `torch.from: dtype ${want} does not match the typed array (${d})`);
    d = want;
  }
  return Tensor._fromData(data, size, d);
}

function resolve(args: unknown[]): [number[], FactoryOpts] {
  const [pos, opts] = splitOpts<FactoryOpts & { size?: number[] }>(args);
  const size = pos.length === 0 && opts.size ? opts.size.slice() : sizeArgs(pos);
  for (const s of size) check(s >= 0, () => `Trying to create tensor with negative dimension ${s}: [${size.join(', ')}]`);
  return [size, opts];
}

function dtypeOf(opts: FactoryOpts, fallback?: DType): DType {
  return opts.dtype ? toDType(opts.dtype) : fallback ?? get_default_dtype();
}

/** torch.zeros(*size, { dtype, requires_grad }) */
export function zeros(...args: unknown[]): Tensor {
  const [size, opts] = resolve(args);
  return finish(Tensor._empty(size, dtypeOf(opts)), opts);
}

/** torch.empty(*size, { dtype, requires_grad }): zero-filled in tstorch. */
export function empty(...args: unknown[]): Tensor {
  return zeros(...args);
}

/** torch.ones(*size, { dtype, requires_grad }) */
export function ones(...args: unknown[]): Tensor {
  const [size, opts] = resolve(args);
  return finish(filled(size, 1, dtypeOf(opts)), opts);
}

function filled(size: number[], v: number | boolean, d: DType): Tensor {
  const t = Tensor._empty(size, d);
  t._storage.data.fill(castScalar(v, d));
  return t;
}

/** torch.full(size, fill_value, { dtype }): dtype inferred from the value if not given. */
export function full(size: readonly number[], fill_value: number | boolean, opts: FactoryOpts = {}): Tensor {
  const inferred = typeof fill_value === 'boolean' ? bool : Number.isInteger(fill_value) ? int64 : get_default_dtype();
  return finish(filled(size.slice(), fill_value, dtypeOf(opts, inferred)), opts);
}

/** torch.scalar_tensor(v, { dtype }) */
export function scalar_tensor(v: number | boolean, opts: FactoryOpts = {}): Tensor {
  return finish(filled([], v, dtypeOf(opts)), opts);
}

/**
 * torch.arange(end) / arange(start, end, step=1, { dtype }): int64 when all arguments are
 * whole numbers, else the default float dtype.
 */
export function arange(...args: unknown[]): Tensor {
  const [pos, opts] = splitOpts<FactoryOpts & { start?: number; end?: number; step?: number }>(args);
  let [start, end, step] = [0, 0, 1];
  if (pos.length === 1) end = pos[0] as number;
  else if (pos.length >= 2) [start, end, step = 1] = pos as number[];
  else {
    start = opts.start ?? 0;
    end = opts.end as number;
    step = opts.step ?? 1;
  }
  check(step !== 0, () => 'step must be nonzero');
  check((step > 0 && end >= start) || (step < 0 && end <= start), () =>
    'upper bound and larger bound inconsistent with step sign');
  const allInt = [start, end, step].every(Number.isInteger);
  const d = dtypeOf(opts, allInt ? int64 : get_default_dtype());
  const n = Math.ceil((end - start) / step);
  const t = Tensor._empty([n], d);
  const arr = t._storage.data;
  for (let i = 0; i < n; i++) arr[i] = castScalar(start + i * step, d);
  return finish(t, opts);
}

/** torch.linspace(start, end, steps, { dtype }) */
export function linspace(start: number, end: number, steps: number, opts: FactoryOpts = {}): Tensor {
  check(steps >= 0, () => 'number of steps must be non-negative');
  const d = dtypeOf(opts);
  const t = Tensor._empty([steps], d);
  const arr = t._storage.data;
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  // ATen fills the first half from start and the second half from end, for symmetry.
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) {
    arr[i] = castScalar(i < half ? start + step * i : end - step * (steps - i - 1), d);
  }
  return finish(t, opts);
}

/** torch.eye(n, m?, { dtype }) */
export function eye(n: number, m?: number | FactoryOpts, opts: FactoryOpts = {}): Tensor {
  if (typeof m === 'object') {
    opts = m;
    m = undefined;
  }
  const cols = m ?? n;
  const t = Tensor._empty([n, cols], dtypeOf(opts));
  for (let i = 0; i < Math.min(n, cols); i++) t._storage.data[i * cols + i] = 1;
  return finish(t, opts);
}

function likeOpts(x: Tensor, opts: FactoryOpts = {}): FactoryOpts {
  return { ...opts, dtype: opts.dtype ?? x.dtype };
}

export function zeros_like(x: Tensor, opts?: FactoryOpts): Tensor {
  return zeros(x._shape, likeOpts(x, opts));
}

export function ones_like(x: Tensor, opts?: FactoryOpts): Tensor {
  return ones(x._shape, likeOpts(x, opts));
}

export function empty_like(x: Tensor, opts?: FactoryOpts): Tensor {
  return zeros(x._shape, likeOpts(x, opts));
}

export function full_like(x: Tensor, fill_value: number | boolean, opts?: FactoryOpts): Tensor {
  return full(x._shape, fill_value, likeOpts(x, opts));
}
