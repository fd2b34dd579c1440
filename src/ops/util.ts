// Shared helpers for ops: views of tensors for kernels, scalar wrapping, dtype routing.
import type { StoreKind, View } from '../backend/backend.js';
import { type DType, type DTypeLike, toDType } from '../tensor/dtype.js';
import { Tensor, type TensorOrScalar } from '../tensor/tensor.js';
import { check } from '../utils/check.js';
import { broadcastStrides } from '../tensor/view.js';

export { wrapDim } from '../utils/check.js';

/** A tensor as a kernel view. */
export function kv(t: Tensor): View {
  return { data: t._storage.data, shape: t._shape, strides: t._strides, offset: t._offset };
}

/** A tensor as a kernel view broadcast to `shape`. */
export function kvAs(t: Tensor, shape: readonly number[]): View {
  if (sameShape(t._shape, shape)) return kv(t);
  return { data: t._storage.data, shape, strides: broadcastStrides(t._shape, t._strides, shape), offset: t._offset };
}

/** How kernels store into a tensor of this dtype. */
export function storeKind(d: DType): StoreKind {
  switch (d.name) {
    case 'int64':
      return 'int64';
    case 'int32':
      return 'int32';
    case 'bool':
      return 'bool';
    default:
      return 'float';
  }
}

/** Converts a JS value to what a tensor of dtype `d` stores (rounding to float32 etc.). */
export function castScalar(v: number | boolean, d: DType): number {
  const x = typeof v === 'boolean' ? (v ? 1 : 0) : v;
  switch (d.name) {
    case 'float32':
      return Math.fround(x);
    case 'float64':
      return x;
    case 'bool':
      return x !== 0 ? 1 : 0;
    case 'int32':
      return x | 0;
    default:
      return Math.trunc(x);
  }
}

/** True if two shapes are equal. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function isTensor(x: unknown): x is Tensor {
  return x instanceof Tensor;
}

/** True if a tensor of shape `from` broadcasts to `to` (expand rules). */
export function isExpandableTo(from: readonly number[], to: readonly number[]): boolean {
  if (from.length > to.length) return false;
  const lead = to.length - from.length;
  return from.every((d, i) => d === to[lead + i] || d === 1);
}

/** Splits trailing `{...}` options from positional arguments. */
export function splitOpts<O extends object>(args: unknown[]): [unknown[], Partial<O>] {
  const last = args[args.length - 1];
  if (last !== null && typeof last === 'object' && !Array.isArray(last) && !(last instanceof Tensor)) {
    return [args.slice(0, -1), last as Partial<O>];
  }
  return [args, {}];
}

/** Flattens `f(2, 3)`, `f([2, 3])` and `f({ size: [2, 3] })` into a size list. */
export function sizeArgs(args: readonly unknown[], key = 'size'): number[] {
  if (args.length === 1 && Array.isArray(args[0])) return (args[0] as number[]).slice();
  if (args.length === 1 && args[0] !== null && typeof args[0] === 'object' && !(args[0] instanceof Tensor)) {
    const v = (args[0] as Record<string, unknown>)[key];
    if (v !== undefined) return sizeArgs([v], key);
  }
  const out: number[] = [];
  for (const a of args) {
    check(typeof a === 'number' && Number.isInteger(a),
      () => `size must be a sequence of ints, but got ${String(a)}`, TypeError);
    out.push(a);
  }
  return out;
}

/** Reads an option that may be given positionally or in a trailing options object. */
export function opt<T>(positional: T | undefined, opts: Record<string, unknown> | undefined, key: string, dflt: T): T {
  if (positional !== undefined && (positional === null || typeof positional !== 'object' || Array.isArray(positional))) {
    return positional;
  }
  const v = opts?.[key];
  return v === undefined ? dflt : (v as T);
}

export function dtypeOpt(d: DTypeLike | null | undefined): DType | null {
  return d === undefined || d === null ? null : toDType(d);
}

export type { TensorOrScalar };
