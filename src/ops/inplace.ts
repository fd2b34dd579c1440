// In-place ops: the out-of-place op's result written back into `self`, with PyTorch's rules
// for leaves, version counters and casting (the in-place half of VariableType).
import { K, type UnaryOp } from '../backend/backend.js';
import { is_grad_enabled, no_grad } from '../autograd/grad_mode.js';
import type { DType } from '../tensor/dtype.js';
import { Tensor, type TensorOrScalar } from '../tensor/tensor.js';
import { fmtShape } from '../tensor/view.js';
import { check } from '../utils/check.js';
import { castScalar, isExpandableTo, kv, kvAs, sameShape, storeKind } from './util.js';
import { clone } from './shape.js';
import { defineOp, gradientEdge } from './define.js';
import { CopySlices, asStridedView } from './copy_slices.js';
import type { Edge } from '../autograd/node.js';
import { relu } from './unary.js';
import { add, mul, sub } from './binary.js';
import { threshold_backward } from './threshold.js';

const LEAF_INPLACE = 'a leaf Variable that requires grad is being used in an in-place operation.';

function typeName(d: DType): string {
  return { float32: 'Float', float64: 'Double', int32: 'Int', int64: 'Long', bool: 'Bool' }[d.name];
}

/** PyTorch's canCast: no float -> integral and no non-bool -> bool in in-place ops. */
function canCast(from: DType, to: DType): boolean {
  if (from.is_floating_point && !to.is_floating_point) return false;
  if (from.name !== 'bool' && to.name === 'bool') return false;
  return true;
}

const VIEW_OF_LEAF_INPLACE =
  'a view of a leaf Variable that requires grad is being used in an in-place operation.';

/** Checks PyTorch's rules before `self` is modified in place while autograd records. */
export function checkInplace(self: Tensor): void {
  if (!is_grad_enabled()) return;
  check(!(self.is_leaf && self.requires_grad && self._base === null), () => LEAF_INPLACE);
  const base = self._base;
  check(base === null || !(base.is_leaf && base.requires_grad), () => VIEW_OF_LEAF_INPLACE);
}

/** Writes `result` into `self` (same shape after broadcasting, castable dtype). */
function writeInto(self: Tensor, result: Tensor): void {
  check(canCast(result.dtype, self.dtype), () =>
    `result type ${typeName(result.dtype)} can't be cast to the desired output type ${typeName(self.dtype)}`);
  check(isExpandableTo(result._shape, self._shape), () =>
    `output with shape ${fmtShape(self._shape)} doesn't match the broadcast shape ${fmtShape(result._shape)}`);
  K().copy(kvAs(result, self._shape), kv(self), storeKind(self.dtype));
}

/** Elementwise ops whose kernel may write over its own input: run in place without a temporary. */
const DIRECT_UNARY = new Map<unknown, UnaryOp>([[relu, 'relu']]);

/** Whether fn has a kernel that may run straight over self's memory (contiguous floating self). */
function directOp(self: Tensor, fn: unknown, nargs: number): UnaryOp | undefined {
  const op = nargs === 0 ? DIRECT_UNARY.get(fn) : undefined;
  return op !== undefined && self.dtype.is_floating_point && self.is_contiguous() ? op : undefined;
}

/** Runs op's kernel over self's own memory. */
function runInPlace(self: Tensor, op: UnaryOp): void {
  const out = self._storage.data.subarray(self._offset, self._offset + self.numel());
  K().unary(op, kv(self), out, storeKind(self.dtype));
}

/** Binary ops whose kernel may write into its first operand's memory (same element, same index). */
const DIRECT_BINARY = new Map<unknown, 'add' | 'sub' | 'mul'>([[add, 'add'], [sub, 'sub'], [mul, 'mul']]);

/**
 * self.add_(other, { alpha }) and kin without a recorded graph, computed straight into self (as
 * ATen's in-place kernels do) when self is contiguous floating point, other is a tensor of the
 * same dtype broadcastable to self and not sharing self's memory: no temporary, no copy back.
 */
function directBinary(self: Tensor, fn: unknown, args: unknown[]): boolean {
  const op = DIRECT_BINARY.get(fn);
  const other = args[0];
  if (op === undefined || !self.dtype.is_floating_point || !self.is_contiguous()) return false;
  if (typeof other === 'number') return directScalar(self, op, other, args[1]);
  if (!(other instanceof Tensor) || other.dtype !== self.dtype) return false;
  if (other._storage === self._storage) return false;
  if (!isExpandableTo(other._shape, self._shape)) return false;
  const alpha = op === 'mul' ? 1 : ((args[1] as { alpha?: number } | undefined)?.alpha ?? 1);
  const store = storeKind(self.dtype);
  if (op !== 'mul' && other.is_contiguous() && sameShape(other._shape, self._shape)) {
    const d = self._storage.data;
    K().addScaled(d, self._offset, other._storage.data, other._offset, self.numel(),
      op === 'sub' ? -alpha : alpha, d, self._offset);
    return true;
  }
  let b = other;
  if (alpha !== 1) {
    b = Tensor._uninit(other._shape, other.dtype);
    K().binaryScalar('mul', kv(other), castScalar(alpha, other.dtype), b._storage.data, store, false);
  }
  const out = self._storage.data.subarray(self._offset, self._offset + self.numel());
  K().binary(op, kv(self), kvAs(b, self._shape), out, store);
  return true;
}

/** self.mul_(s) / add_(s, { alpha }) / sub_(s, { alpha }) with a number, straight into self. */
function directScalar(self: Tensor, op: 'add' | 'sub' | 'mul', s: number, opts: unknown): boolean {
  // The out-of-place ops scale the scalar by alpha in double before the kernel converts it.
  const v = op === 'mul' ? s : s * ((opts as { alpha?: number } | undefined)?.alpha ?? 1);
  const out = self._storage.data.subarray(self._offset, self._offset + self.numel());
  K().binaryScalar(op, kv(self), castScalar(v, self.dtype), out, storeKind(self.dtype), false);
  return true;
}

/**
 * relu_ while autograd records, as PyTorch runs it: the kernel overwrites self and the node saves
 * the result (all ReLU's gradient needs), so no copy of the old values is made. The result is an
 * alias of self whose version already counts the write.
 */
const reluInplaceOp = defineOp({
  name: 'ReluBackward0',
  forward(ctx, x: Tensor) {
    runInPlace(x, 'relu');
    x._version.value++;
    const y = x._view(x._shape, x._strides, x._offset);
    ctx.save_for_backward(y);
    return y;
  },
  backward(ctx, g) {
    const [y] = ctx.saved_tensors;
    return [threshold_backward(g, y, 0)];
  },
});

/**
 * Applies `fn(self, ...args)` in place: self's values become the result, its version counter
 * ticks, and when autograd records, self takes the result's grad_fn.
 */
export function inplace<T extends Tensor, A extends unknown[]>(
  self: T, fn: (x: Tensor, ...args: A) => Tensor, ...args: A
): T {
  const recording = is_grad_enabled() &&
    (self.requires_grad || args.some((a) => a instanceof Tensor && a.requires_grad));
  const direct = directOp(self, fn, args.length);
  if (!recording) {
    if (direct !== undefined) runInPlace(self, direct);
    else if (directBinary(self, fn, args)) { /* computed straight into self */ }
    else writeInto(self, fn(self, ...args));
    self._version.value++;
    return self;
  }
  checkInplace(self);
  if (direct === 'relu' && self._base === null) {
    const y = reluInplaceOp(self);
    if (y.grad_fn) self._setHistory(y.grad_fn, 0);
    return self;
  }
  // The op sees a copy of self's values that carries self's history, so tensors it saves for
  // backward stay valid after the write and its node links straight to self's old grad_fn.
  const before = Tensor._uninit(self._shape, self.dtype);
  K().copy(kv(self), kv(before), storeKind(self.dtype));
  if (self.grad_fn) before._setHistory(self.grad_fn, self._output_nr);
  const baseEdge = self._base ? gradientEdge(self._base) : null;
  const r = fn(before, ...args);
  writeInto(self, r);
  self._version.value++;
  if (self._base) rebaseView(self, self._base, baseEdge as Edge, r);
  else if (r.grad_fn) self._setHistory(r.grad_fn, r._output_nr);
  return self;
}

/**
 * After an in-place op on a view, the base takes a CopySlices node (its old history plus the
 * op's, for the viewed region) and the view becomes a fresh view of the base's new history.
 */
function rebaseView(self: Tensor, base: Tensor, baseEdge: Edge, r: Tensor): void {
  check(base.is_contiguous(), () =>
    'in-place operations on a view of a non-contiguous tensor that requires grad are not supported ' +
    'by tstorch yet; make the base contiguous first');
  const geom = { shape: self._shape.slice(), strides: self._strides.slice(), offset: self._offset - base._offset };
  const cs = new CopySlices(r.grad_fn, geom, base._shape.slice(), base.dtype);
  cs.next_functions = [baseEdge, ...(r.grad_fn ? r.grad_fn.next_functions.slice(1) : [])];
  base._setHistory(cs, 0);
  const v = asStridedView(base, geom);
  if (v.grad_fn) self._setHistory(v.grad_fn, 0);
}

const fillOp = (name: string) => defineOp({
  name,
  forward(_ctx, x: Tensor, v: number) {
    const out = Tensor._empty(x._shape, x.dtype);
    K().fill(kv(out), castScalar(v, x.dtype));
    return out;
  },
  backward: (_ctx, g) => [g.mul(0)],
});
const fillImpl = fillOp('FillBackward2');
const zeroImpl = fillOp('ZeroBackward0');

/** t.fill_(value) */
export function fill_<T extends Tensor>(self: T, value: TensorOrScalar): T {
  if (value instanceof Tensor) {
    check(value.dim() === 0, () =>
      `fill_ only supports 0-dimension value tensor but got tensor with ${value.dim()} dimensions.`);
  }
  const v = value instanceof Tensor ? value.item() : value;
  if (is_grad_enabled() && self.requires_grad) return inplace(self, fillImpl, v as number);
  checkInplace(self);
  K().fill(kv(self), castScalar(v, self.dtype));
  self._version.value++;
  return self;
}

/** t.zero_() */
export function zero_<T extends Tensor>(self: T): T {
  if (is_grad_enabled() && self.requires_grad) return inplace(self, zeroImpl, 0);
  return fill_(self, 0);
}

const copyFrom = defineOp({
  name: 'CopyBackwards',
  forward(_ctx, x: Tensor, src: Tensor) {
    const out = Tensor._empty(x._shape, x.dtype);
    K().copy(kvAs(src, x._shape), kv(out), storeKind(x.dtype));
    return out;
  },
  backward: (_ctx, g) => [g.mul(0), g],
});

/** t.copy_(src): src broadcast into self, cast to self's dtype (any cast is allowed here). */
export function copy_<T extends Tensor>(self: T, src: Tensor): T {
  check(isExpandableTo(src._shape, self._shape), () =>
    `The size of tensor a (${self._shape[self._shape.length - 1]}) must match the size of tensor b ` +
    `(${src._shape[src._shape.length - 1]}) at non-singleton dimension ${self._shape.length - 1}`);
  if (is_grad_enabled() && (src.requires_grad || self.requires_grad)) {
    return inplace(self, copyFrom, src);
  }
  checkInplace(self);
  const source = src._storage === self._storage ? no_grad(() => clone(src)) : src;
  K().copy(kvAs(source, self._shape), kv(self), storeKind(self.dtype));
  self._version.value++;
  return self;
}
