// The kernel interface every backend implements, and the switch between backends.
// Kernels are pure functions over strided views; outputs are allocated by the caller.
import type { TypedArray } from '../tensor/dtype.js';
import { reference } from './reference/index.js';
import { native } from './native/index.js';
import { loadError } from './native/binding.js';

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

/** Geometry of a 2-D convolution over contiguous NCHW data (weight [O, C/groups, kH, kW]). */
export interface Conv2dGeom {
  N: number; C: number; H: number; W: number;
  O: number; kH: number; kW: number;
  sH: number; sW: number;
  /** Top and left zero padding (the bottom and right padding follow from oH and oW). */
  pH: number; pW: number;
  dH: number; dW: number;
  groups: number;
  oH: number; oW: number;
}

/** Geometry of a 2-D pooling over P contiguous [H, W] planes into [oH, oW] planes. */
export interface Pool2dGeom {
  P: number; H: number; W: number;
  kH: number; kW: number;
  sH: number; sW: number;
  pH: number; pW: number;
  dH: number; dW: number;
  oH: number; oW: number;
}

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
  /** out [N, O, oH, oW] = conv2d(x [N, C, H, W], w) (+ bias[O] if given); x, w contiguous. */
  conv2d(g: Conv2dGeom, x: TypedArray, xOff: number, w: TypedArray, wOff: number,
    bias: TypedArray | null, bOff: number, out: TypedArray): void;
  /** gIn [N, C, H, W] (zeroed by the caller) += the input gradient of conv2d for gOut. */
  conv2dBackwardInput(g: Conv2dGeom, gOut: TypedArray, gOff: number, w: TypedArray, wOff: number,
    gIn: TypedArray): void;
  /** gW [O, C/groups, kH, kW] (zeroed by the caller) += the weight gradient of conv2d. */
  conv2dBackwardWeight(g: Conv2dGeom, x: TypedArray, xOff: number, gOut: TypedArray, gOff: number,
    gW: TypedArray): void;
  /** Max pooling of contiguous planes; indices (int64 as float64) are flat within a plane. */
  maxPool2d(g: Pool2dGeom, x: TypedArray, xOff: number, out: TypedArray, indices: Float64Array): void;
  /** gIn [P, H, W] (zeroed by the caller) += gOut scattered to the argmax positions. */
  maxPool2dBackward(g: Pool2dGeom, gOut: TypedArray, gOff: number, indices: Float64Array,
    gIn: TypedArray): void;
  /** out [P, oH, oW] = src [P, H, W] gathered at the argmax positions (double backward). */
  maxPool2dGather(g: Pool2dGeom, src: TypedArray, srcOff: number, indices: Float64Array,
    out: TypedArray): void;
  /** Average pooling; `divisor` 0 means the window size (with or without padding). */
  avgPool2d(g: Pool2dGeom, x: TypedArray, xOff: number, out: TypedArray, countIncludePad: boolean,
    divisor: number): void;
  /** gIn [P, H, W] (zeroed by the caller) += the input gradient of avg_pool2d. */
  avgPool2dBackward(g: Pool2dGeom, gOut: TypedArray, gOff: number, gIn: TypedArray, countIncludePad: boolean,
    divisor: number): void;
  /** Adaptive average pooling (only P, H, W, oH, oW of the geometry are read). */
  adaptiveAvgPool2d(g: Pool2dGeom, x: TypedArray, xOff: number, out: TypedArray): void;
  /** gIn [P, H, W] (zeroed by the caller) += the input gradient of adaptive_avg_pool2d. */
  adaptiveAvgPool2dBackward(g: Pool2dGeom, gOut: TypedArray, gOff: number, gIn: TypedArray): void;
  /** Adaptive max pooling with flat argmax indices; the backward is maxPool2dBackward's. */
  adaptiveMaxPool2d(g: Pool2dGeom, x: TypedArray, xOff: number, out: TypedArray, indices: Float64Array): void;
  // ---- fused normalisation (src/backend/reference/norm.ts): contiguous float32/float64 data ----
  /** Per-channel mean and biased variance (float64) of x [N, C, L]. */
  batchNormStats(x: TypedArray, xOff: number, N: number, C: number, L: number, mean: Float64Array,
    variance: Float64Array): void;
  /** out [N, C, L] = x * scale[c] + shift[c], computed in float64. */
  batchNormApply(x: TypedArray, xOff: number, N: number, C: number, L: number, scale: Float64Array,
    shift: Float64Array, out: TypedArray): void;
  /** Per-channel gsum, gdot = sums of g and g * xhat; gx (if given) the input gradient. */
  batchNormBackward(g: TypedArray, gOff: number, x: TypedArray, xOff: number, N: number, C: number, L: number,
    mean: Float64Array, invstd: Float64Array, scale: Float64Array, training: boolean, gsum: Float64Array,
    gdot: Float64Array, gx: TypedArray | null): void;
  /** Layer norm of the rows of x [M, D] with optional affine; per-row mean and rstd (float64). */
  layerNorm(x: TypedArray, xOff: number, M: number, D: number, w: TypedArray | null, wOff: number,
    b: TypedArray | null, bOff: number, eps: number, out: TypedArray, mean: Float64Array, rstd: Float64Array): void;
  /** Layer norm backward: gx (if given), and gw, gb accumulated (+=) in float64 (if given). */
  layerNormBackward(g: TypedArray, gOff: number, x: TypedArray, xOff: number, M: number, D: number,
    mean: Float64Array, rstd: Float64Array, w: TypedArray | null, wOff: number, gx: TypedArray | null,
    gw: Float64Array | null, gb: Float64Array | null): void;
  // ---- end of fused normalisation ----
  /**
   * threshold_backward: out = x <= threshold ? 0 : g over n contiguous elements (ReLU's backward);
   * g, x and out share one floating dtype; gStride 0 reads one broadcast g value (else 1).
   */
  thresholdBackward(g: TypedArray, gOff: number, gStride: number, x: TypedArray, xOff: number, n: number,
    threshold: number, out: TypedArray): void;
  /**
   * out[outOff + i] = a[aOff + i] + alpha * b[bOff + i] over n contiguous elements of one floating
   * dtype (add_ with alpha); out may alias a exactly (the in-place case).
   */
  addScaled(a: TypedArray, aOff: number, b: TypedArray, bOff: number, n: number, alpha: number,
    out: TypedArray, outOff: number): void;
  /**
   * log_softmax backward: out = g - exp(y) * sum(g over the middle dim) for contiguous g and y of
   * shape [outer, size, inner] (out contiguous, same shape), one floating dtype.
   */
  logSoftmaxBackward(g: TypedArray, gOff: number, y: TypedArray, yOff: number, outer: number, size: number,
    inner: number, out: TypedArray): void;
}

/** The backend chosen at import: TSTORCH_BACKEND=reference|native, else native when it loads. */
function initialBackend(): Backend {
  if (typeof process === 'undefined') return reference;
  const env = process.env.TSTORCH_BACKEND;
  if (env === 'reference') return reference;
  if (native !== null) return native;
  if (env === 'native' || env === undefined) {
    console.warn(`tstorch: native backend unavailable (${loadError}); using the reference backend`);
  }
  return reference;
}

let current: Backend = initialBackend();

/** The active backend's kernels. */
export function K(): Backend {
  return current;
}

/** Chooses the backend (torch.backends.set_backend). */
export function setBackend(b: Backend): void {
  current = b;
}
