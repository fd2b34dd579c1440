// The kernel interface every backend implements, and the switch between backends.
// Kernels are pure functions over strided views; outputs are allocated by the caller.
import type { TypedArray } from '../tensor/dtype.js';
import { reference } from './reference/index.js';

/** A strided view of a typed array: element (i, j, ...) lives at offset + i*strides[0] + ... */
export interface View {
  data: TypedArray;
  shape: readonly number[];
  strides: readonly number[];
  offset: number;
}

export type UnaryOp =
  | 'neg' | 'exp' | 'log' | 'sqrt' | 'rsqrt' | 'abs' | 'sigmoid' | 'tanh' | 'relu' | 'sin' | 'cos'
  | 'tan' | 'asin' | 'acos' | 'atan' | 'sinh' | 'cosh' | 'asinh' | 'acosh' | 'atanh' | 'log2' | 'log10'
  | 'log1p' | 'expm1' | 'floor' | 'ceil' | 'round' | 'trunc' | 'frac' | 'sign' | 'reciprocal'
  | 'square' | 'erf' | 'erfc' | 'logical_not' | 'isnan' | 'isinf' | 'isfinite' | 'exp2' | 'softplus'
  | 'gelu' | 'gelu_tanh' | 'silu' | 'mish' | 'relu6' | 'hardsigmoid' | 'hardswish' | 'selu' | 'elu1';

export type BinaryOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum' | 'eq' | 'ne' | 'lt' | 'le' | 'gt'
  | 'ge' | 'atan2' | 'fmod' | 'remainder' | 'floor_divide' | 'logical_and' | 'logical_or'
  | 'logical_xor' | 'bitwise_and' | 'bitwise_or' | 'bitwise_xor' | 'div_trunc' | 'div_floor'
  | 'hypot' | 'copysign' | 'xlogy' | 'fmax' | 'fmin';

export type ReduceOp = 'sum' | 'prod' | 'max' | 'min' | 'any' | 'all' | 'amax' | 'amin';

/** How a value is stored into an output of a given dtype (truncation for ints, != 0 for bool). */
export type StoreKind = 'float' | 'int32' | 'int64' | 'bool';

export interface Backend {
  readonly name: string;
  /** dst (contiguous, `out`) = op(x) elementwise; x broadcast to shape already. */
  unary(op: UnaryOp, x: View, out: TypedArray, store: StoreKind): void;
  /** out = op(a, b) elementwise over `shape`; a and b are broadcast views of that shape. */
  binary(op: BinaryOp, a: View, b: View, out: TypedArray, store: StoreKind): void;
  /** out = op(a, scalar) elementwise (scalar on the right, or on the left if `reversed`). */
  binaryScalar(op: BinaryOp, a: View, s: number, out: TypedArray, store: StoreKind, reversed: boolean): void;
  /** out = cond ? a : b, all three broadcast views of out's shape. */
  where(cond: View, a: View, b: View, out: TypedArray, store: StoreKind): void;
  /** Strided copy with dtype conversion into a strided destination of the same shape. */
  copy(src: View, dst: View, store: StoreKind): void;
  /** Fills a strided view with one value (already converted to the destination's dtype). */
  fill(dst: View, value: number): void;
  /** Reduces x over `dims` into contiguous out (shape of x with those dims removed). */
  reduce(op: ReduceOp, x: View, dims: readonly number[], out: TypedArray, store: StoreKind): void;
  /** max/min with indices over one dim: values and int64 indices, contiguous outputs. */
  reduceArg(op: 'max' | 'min', x: View, dim: number, values: TypedArray | null, indices: Float64Array): void;
  /** Sum of squared deviations from the mean over dims, per output element (for var/std). */
  varReduce(x: View, dims: readonly number[], correction: number, out: TypedArray, takeSqrt: boolean): void;
  /** softmax / log_softmax / logsumexp over one dim, into contiguous out. */
  softmax(x: View, dim: number, out: TypedArray, log: boolean): void;
  logsumexp(x: View, dims: readonly number[], out: TypedArray): void;
  /** Batched C = A @ B over strided matrices; C contiguous [batch, M, N]. */
  gemm(
    batch: number, M: number, N: number, K: number,
    a: TypedArray, aOff: number, aBatchStride: number, aRowStride: number, aColStride: number,
    b: TypedArray, bOff: number, bBatchStride: number, bRowStride: number, bColStride: number,
    c: TypedArray, cOff: number, accumulate: boolean,
  ): void;
}

let current: Backend = reference;

/** The active backend's kernels. */
export function K(): Backend {
  return current;
}

/** Chooses the backend (torch.backends.set_backend). */
export function setBackend(b: Backend): void {
  current = b;
}
