// The native backend's elementwise kernels (native/src/elementwise.cc): packs view geometry for the
// addon, and keeps tiny tensors on the reference kernels, where one N-API call costs more than the work.
import type { TypedArray } from '../../tensor/dtype.js';
import type { Backend, BinaryOp, StoreKind, UnaryOp, View } from '../backend.js';
import { reference } from '../reference/index.js';
import { unaryFns } from '../reference/elementwise.js';
import type { NativeAddon } from './binding.js';
import { numelOf as numel } from '../../tensor/view.js';

// Other native kernel files count elements with the same helper.
export { numel };

/** Op codes: the order of UnaryCode / BinaryCode in native/src/elementwise_ops.h. */
const UNARY: readonly UnaryOp[] = [
  'neg', 'exp', 'log', 'sqrt', 'rsqrt', 'abs', 'sigmoid', 'tanh', 'relu', 'sin', 'cos', 'tan', 'asin',
  'acos', 'atan', 'sinh', 'cosh', 'asinh', 'acosh', 'atanh', 'log2', 'log10', 'log1p', 'expm1', 'floor',
  'ceil', 'round', 'trunc', 'frac', 'sign', 'reciprocal', 'square', 'erf', 'erfc', 'logical_not', 'isnan',
  'isinf', 'isfinite', 'exp2', 'softplus', 'gelu', 'gelu_tanh', 'silu', 'mish', 'relu6', 'hardsigmoid',
  'hardswish', 'selu', 'elu1',
];
const BINARY: readonly BinaryOp[] = [
  'add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'atan2',
  'fmod', 'remainder', 'floor_divide', 'logical_and', 'logical_or', 'logical_xor', 'bitwise_and',
  'bitwise_or', 'bitwise_xor', 'div_trunc', 'div_floor', 'hypot', 'copysign', 'xlogy', 'fmax', 'fmin',
];
export const unaryCode = new Map<string, number>(UNARY.map((op, i) => [op, i]));
export const binaryCode = new Map<string, number>(BINARY.map((op, i) => [op, i]));
export const storeCode: Record<StoreKind, number> = { float: 0, int32: 1, int64: 2, bool: 3 };

/**
 * Below `small` elements (`smallReduce` for reductions) the reference kernels run instead: measured
 * on the bench machine, an addon call costs ~0.7-1 us, as much as ~64 elements of JIT-compiled
 * elementwise work, and the reference's dense sum is fast up to ~512 elements. Tests set both to 0
 * to run every size natively.
 */
export const tuning = { small: 64, smallReduce: 512 };
const MAX_DIMS = 32;

/** Reusable geometry buffer: [nd, shape..., (offset, strides...) per operand]. */
export const meta = new Float64Array(1 + MAX_DIMS + 4 * (1 + MAX_DIMS));

/** Writes nd and shape into meta; returns the next free slot (or -1 if there are too many dims). */
export function packShape(shape: readonly number[]): number {
  const nd = shape.length;
  if (nd > MAX_DIMS) return -1;
  meta[0] = nd;
  for (let d = 0; d < nd; d++) meta[1 + d] = shape[d];
  return 1 + nd;
}

/** Writes an operand's offset and strides at slot p; returns the next free slot. */
export function packView(p: number, offset: number, strides: readonly number[]): number {
  meta[p++] = offset;
  for (let d = 0; d < strides.length; d++) meta[p++] = strides[d];
  return p;
}

/** Whether two arrays share memory: such copies keep the reference's memmove semantics. */
function overlaps(a: TypedArray, b: TypedArray): boolean {
  if (a.buffer !== b.buffer) return false;
  return a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}

type ElementwiseKernels = Pick<Backend, 'unary' | 'binary' | 'binaryScalar' | 'where' | 'copy' | 'fill'>;

/** The addon's elementwise kernels behind the Backend signatures. */
export function elementwiseKernels(a: NativeAddon): ElementwiseKernels {
  return {
    unary(op: UnaryOp, x: View, out: TypedArray, store: StoreKind): void {
      // Ops the reference lacks stay unimplemented here too, so both backends agree.
      const code = unaryFns[op] === undefined ? undefined : unaryCode.get(op);
      const p = code === undefined || out.length < tuning.small ? -1 : packShape(x.shape);
      if (p < 0) return reference.unary(op, x, out, store);
      packView(p, x.offset, x.strides);
      a.unary(code!, x.data, out, storeCode[store], meta);
    },
    binary(op: BinaryOp, x: View, y: View, out: TypedArray, store: StoreKind): void {
      const code = binaryCode.get(op);
      const p = code === undefined || out.length < tuning.small ? -1 : packShape(x.shape);
      if (p < 0) return reference.binary(op, x, y, out, store);
      packView(packView(p, x.offset, x.strides), y.offset, y.strides);
      a.binary(code!, x.data, y.data, out, storeCode[store], meta);
    },
    binaryScalar(op: BinaryOp, x: View, s: number, out: TypedArray, store: StoreKind,
      reversed: boolean): void {
      const code = binaryCode.get(op);
      const p = code === undefined || out.length < tuning.small ? -1 : packShape(x.shape);
      if (p < 0) return reference.binaryScalar(op, x, s, out, store, reversed);
      packView(p, x.offset, x.strides);
      a.binaryScalar(code!, x.data, s, out, storeCode[store], reversed, meta);
    },
    where(cond: View, x: View, y: View, out: TypedArray, store: StoreKind): void {
      const p = out.length < tuning.small ? -1 : packShape(cond.shape);
      if (p < 0) return reference.where(cond, x, y, out, store);
      packView(packView(packView(p, cond.offset, cond.strides), x.offset, x.strides), y.offset, y.strides);
      a.where(cond.data, x.data, y.data, out, storeCode[store], meta);
    },
    copy(src: View, dst: View, store: StoreKind): void {
      const p = numel(dst.shape) < tuning.small || overlaps(src.data, dst.data) ? -1 : packShape(dst.shape);
      if (p < 0) return reference.copy(src, dst, store);
      packView(packView(p, dst.offset, dst.strides), src.offset, src.strides);
      a.copy(src.data, dst.data, storeCode[store], meta);
    },
    fill(dst: View, value: number): void {
      const p = numel(dst.shape) < tuning.small ? -1 : packShape(dst.shape);
      if (p < 0) return reference.fill(dst, value);
      packView(p, dst.offset, dst.strides);
      a.fill(dst.data, value, meta);
    },
  };
}
