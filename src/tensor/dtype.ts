// dtypes and PyTorch's type promotion (c10/core/ScalarType.h, torch.result_type).
// int64 values live in a Float64Array holding exact integers (exact up to 2**53).
import { check } from '../utils/check.js';

export type DTypeName = 'float32' | 'float64' | 'int32' | 'int64' | 'bool';
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** A tensor element type; prints as `torch.float32` like PyTorch's dtype objects. */
export class DType {
  constructor(
    readonly name: DTypeName,
    readonly itemsize: number,
    readonly is_floating_point: boolean,
    /** promotion rank within PyTorch's lattice: bool < int32 < int64 < float32 < float64 */
    readonly rank: number,
  ) {}

  get is_signed(): boolean {
    return this.name !== 'bool';
  }

  toString(): string {
    return `torch.${this.name}`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  /** A new zero-filled backing array of n elements. */
  alloc(n: number): TypedArray {
    const bytes = n * this.itemsize;
    if (bytes > SLAB_MIN && bytes <= SLAB_MAX) return this.view(slabAlloc(bytes), n);
    const reused = bytes >= POOL_MIN ? fromPool(this, n) : undefined;
    if (reused !== undefined) return reused.fill(0);
    switch (this.name) {
      case 'float32':
        return new Float32Array(n);
      case 'int32':
        return new Int32Array(n);
      case 'bool':
        return new Uint8Array(n);
      default:
        return new Float64Array(n);
    }
  }

  /**
   * Like alloc, but an array past the slab sizes may hold leftover bytes instead of zeros:
   * for outputs that a kernel overwrites entirely, where zero-filling a large array (and
   * faulting in its pages) is wasted work.
   */
  allocUninit(n: number): TypedArray {
    const bytes = n * this.itemsize;
    if (bytes <= SLAB_MAX || allocUnsafe === undefined) return this.alloc(n);
    const reused = bytes >= POOL_MIN ? fromPool(this, n) : undefined;
    if (reused !== undefined) return reused;
    return this.view({ buffer: allocUnsafe(bytes).buffer as ArrayBuffer, offset: 0 }, n);
  }

  private view(at: { buffer: ArrayBuffer; offset: number }, n: number): TypedArray {
    switch (this.name) {
      case 'float32':
        return new Float32Array(at.buffer, at.offset, n);
      case 'int32':
        return new Int32Array(at.buffer, at.offset, n);
      case 'bool':
        return new Uint8Array(at.buffer, at.offset, n);
      default:
        return new Float64Array(at.buffer, at.offset, n);
    }
  }
}

// Small arrays come from shared slabs, like Node's Buffer pool: a typed array with its own
// ArrayBuffer outside V8's heap costs ~0.3 us to make plus GC bookkeeping, which dominated
// small workloads (half the time of a tiny MLP training step). Up to 64 bytes V8 keeps arrays
// on its heap, which is cheap already. The cost is retention: one live array keeps its whole
// slab (8 KiB) alive, so at worst 8 KiB per live 65-byte tensor; slabs are never reused, so
// their memory is zero-filled like any new ArrayBuffer.
// Node's Buffer.allocUnsafeSlow: n bytes of un-zeroed memory in an ArrayBuffer of its own.
const allocUnsafe = (globalThis as { Buffer?: { allocUnsafeSlow(n: number): { buffer: ArrayBufferLike } } })
  .Buffer?.allocUnsafeSlow;

const SLAB_MIN = 64;
const SLAB_MAX = 1024;
const SLAB_SIZE = 8192;
const slabAt = { buffer: new ArrayBuffer(SLAB_SIZE), offset: 0 };
let slabNext = 0;

/** Where `bytes` (<= SLAB_MAX) fresh zeroed bytes start, 16-byte aligned. */
function slabAlloc(bytes: number): { buffer: ArrayBuffer; offset: number } {
  if (slabNext + bytes > SLAB_SIZE) {
    slabAt.buffer = new ArrayBuffer(SLAB_SIZE);
    slabNext = 0;
  }
  slabAt.offset = slabNext;
  slabNext += (bytes + 15) & ~15;
  return slabAt;
}

// Arrays that no tensor uses any more, kept for the next allocation of the same dtype and length.
// The backward engine hands back the gradients it made and consumed (engine.ts): the next
// gradient of that size then lands in memory that is still in cache, and no new ArrayBuffer grows
// the external memory whose growth makes V8 run full collections (every 64 MiB allocated).
// PyTorch gets the same from reference counting and the allocator reusing what was just freed.
const POOL_MIN = 65536;
const POOL_PER_SIZE = 4;
const POOL_MAX_BYTES = 256 * 1024 * 1024;
const pool = new Map<string, TypedArray[]>();
let pooledBytes = 0;

function fromPool(dtype: DType, n: number): TypedArray | undefined {
  const a = pool.get(`${dtype.name}:${n}`)?.pop();
  if (a !== undefined) pooledBytes -= a.byteLength;
  return a;
}

/**
 * Takes back the backing array of a storage that nothing references any more; its contents are
 * undefined from now on. Only the backward engine calls this, for gradients it made and consumed.
 */
export function recycleArray(dtype: DType, data: TypedArray): void {
  if (data.byteLength < POOL_MIN || pooledBytes + data.byteLength > POOL_MAX_BYTES) return;
  const key = `${dtype.name}:${data.length}`;
  let list = pool.get(key);
  if (list === undefined) pool.set(key, (list = []));
  if (list.length >= POOL_PER_SIZE) return;
  list.push(data);
  pooledBytes += data.byteLength;
}

export const float32 = new DType('float32', 4, true, 3);
export const float64 = new DType('float64', 8, true, 4);
export const int32 = new DType('int32', 4, false, 1);
export const int64 = new DType('int64', 8, false, 2);
export const bool = new DType('bool', 1, false, 0);
export const float = float32;
export const double = float64;
export const int = int32;
export const long = int64;

const byName: Record<string, DType> = {
  float32, float64, int32, int64, bool,
  float: float32, double: float64, int: int32, long: int64,
};

export type DTypeLike = DType | DTypeName | 'float' | 'double' | 'int' | 'long';

/** Resolves a dtype object or name ('float32', 'long', ...). */
export function toDType(d: DTypeLike): DType {
  if (d instanceof DType) return d;
  const r = byName[d as string];
  check(r !== undefined, () => `unsupported dtype: ${String(d)}`, TypeError);
  return r;
}

let defaultDtype: DType = float32;

/** torch.get_default_dtype() */
export function get_default_dtype(): DType {
  return defaultDtype;
}

/** torch.set_default_dtype(d): only floating dtypes are allowed, as in PyTorch. */
export function set_default_dtype(d: DTypeLike): void {
  const dt = toDType(d);
  check(dt.is_floating_point, () => 'only floating-point types are supported as the default type', TypeError);
  defaultDtype = dt;
}

/** The higher of two dtypes in the promotion lattice (torch.promote_types). */
export function promote_types(a: DTypeLike, b: DTypeLike): DType {
  const x = toDType(a);
  const y = toDType(b);
  return x.rank >= y.rank ? x : y;
}

/** The dtype a JS number takes as a Python scalar would: whole numbers are int, others float. */
export function scalarKind(v: number | boolean): 'bool' | 'int' | 'float' {
  if (typeof v === 'boolean') return 'bool';
  return Number.isInteger(v) ? 'int' : 'float';
}

function category(d: DType): number {
  return d.is_floating_point ? 2 : d.name === 'bool' ? 0 : 1;
}

/** An operand for result_type: a tensor's (dtype, ndim) or a JS scalar. */
export type PromotionOperand = { dtype: DType; ndim: number } | number | boolean;

/**
 * torch.result_type over several operands: dimensioned tensors win over zero-dim tensors,
 * which win over scalars, unless a lower-priority group has a higher category
 * (bool < integer < floating), as in PyTorch's ResultTypeState.
 */
export function resultType(ops: readonly PromotionOperand[]): DType {
  let dim: DType | null = null;
  let zero: DType | null = null;
  let scalarCat = -1;
  for (const o of ops) {
    if (typeof o === 'number' || typeof o === 'boolean') {
      const k = scalarKind(o);
      scalarCat = Math.max(scalarCat, k === 'bool' ? 0 : k === 'int' ? 1 : 2);
    } else if (o.ndim > 0) {
      dim = dim ? promote_types(dim, o.dtype) : o.dtype;
    } else {
      zero = zero ? promote_types(zero, o.dtype) : o.dtype;
    }
  }
  let result: DType | null = dim;
  if (zero) {
    if (!result) result = zero;
    else if (category(zero) > category(result)) result = promote_types(result, zero);
  }
  if (scalarCat >= 0) {
    const s = scalarCat === 0 ? bool : scalarCat === 1 ? int64 : defaultDtype;
    if (!result) result = s;
    else if (scalarCat > category(result)) result = scalarCat === 2 ? defaultDtype : int64;
  }
  return result ?? defaultDtype;
}
