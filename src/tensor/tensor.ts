// The Tensor class: storage + view metadata + autograd fields (torch/_tensor.py,
// c10/core/TensorImpl.h). Math methods are one-liners that call ops/.
import { AccumulateGrad, type GradHook, type Node, removeItem } from '../autograd/node.js';
import { check } from '../utils/check.js';
import { type DType, type DTypeLike, type TypedArray, float32 } from './dtype.js';
import { Storage, VersionCounter } from './storage.js';
import { contiguousStrides, isContiguous, numelOf } from './view.js';
import { formatTensor, type PrintableTensor } from './print.js';
import * as ops from '../ops/index.js';
import type { IndexItem } from './indexing.js';

export type Scalar = number | boolean;
export type TensorOrScalar = Tensor | Scalar;
export type Shape = readonly number[];
export type Dims = number | readonly number[];

/** torch.Size: an array of dims that prints as `torch.Size([2, 3])`. */
export class Size extends Array<number> {
  /** A Size holding these dims. */
  static make(dims: readonly number[]): Size {
    const s = new Size();
    s.push(...dims);
    return s;
  }

  /** Number of elements a tensor of this size holds. */
  numel(): number {
    return numelOf(this);
  }

  override toString(): string {
    return `torch.Size([${this.join(', ')}])`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

const LEGACY_NAMES: Record<string, string> = {
  float32: 'torch.FloatTensor', float64: 'torch.DoubleTensor', int32: 'torch.IntTensor',
  int64: 'torch.LongTensor', bool: 'torch.BoolTensor',
};

/** A multi-dimensional array with autograd, as torch.Tensor. */
export class Tensor {
  _storage: Storage;
  _shape: number[];
  _strides: number[];
  _offset: number;
  _version: VersionCounter;
  /** The tensor this one is a view of (null if it owns its layout). */
  _base: Tensor | null = null;
  grad_fn: Node | null = null;
  _output_nr = 0;
  _requires_grad = false;
  _grad: Tensor | null = null;
  _retains_grad = false;
  _accumulator: AccumulateGrad | null = null;
  /** Hooks of a leaf tensor, run before its gradient is accumulated. */
  _leafHooks: GradHook[] | null = null;

  constructor(storage: Storage, shape: readonly number[], strides?: readonly number[], offset = 0) {
    this._storage = storage;
    this._shape = shape.slice();
    this._strides = strides ? strides.slice() : contiguousStrides(shape);
    this._offset = offset;
    this._version = new VersionCounter();
  }

  /** A new contiguous tensor over fresh zeroed memory (internal; users call torch.zeros). */
  static _empty(shape: readonly number[], dtype: DType = float32): Tensor {
    return new Tensor(new Storage(dtype.alloc(numelOf(shape)), dtype), shape);
  }

  /** A new contiguous tensor for a kernel to overwrite entirely: its memory may not be zeroed. */
  static _uninit(shape: readonly number[], dtype: DType = float32): Tensor {
    return new Tensor(new Storage(dtype.allocUninit(numelOf(shape)), dtype), shape);
  }

  static _zeros(shape: readonly number[], dtype: DType = float32): Tensor {
    return Tensor._empty(shape, dtype);
  }

  /** A contiguous tensor owning `data`. */
  static _fromData(data: TypedArray, shape: readonly number[], dtype: DType): Tensor {
    return new Tensor(new Storage(data, dtype), shape);
  }

  /** A view sharing storage and version counter with this tensor (ops/shape uses it). */
  _view(shape: readonly number[], strides: readonly number[], offset: number): Tensor {
    const t = new Tensor(this._storage, shape, strides, offset);
    t._version = this._version;
    t._base = this._base ?? this;
    return t;
  }

  // ---- metadata ----
  get dtype(): DType {
    return this._storage.dtype;
  }

  get shape(): Size {
    return Size.make(this._shape);
  }

  /** t.size() is the Size; t.size(dim) one dim (negative counts from the end). */
  size(): Size;
  size(dim: number): number;
  size(dim?: number): Size | number {
    if (dim === undefined) return this.shape;
    return this._shape[ops.wrapDim(dim, this._shape.length)];
  }

  stride(): number[];
  stride(dim: number): number;
  stride(dim?: number): number[] | number {
    if (dim === undefined) return this._strides.slice();
    return this._strides[ops.wrapDim(dim, this._shape.length)];
  }

  storage_offset(): number {
    return this._offset;
  }

  dim(): number {
    return this._shape.length;
  }

  get ndim(): number {
    return this._shape.length;
  }

  numel(): number {
    return numelOf(this._shape);
  }

  nelement(): number {
    return this.numel();
  }

  element_size(): number {
    return this.dtype.itemsize;
  }

  is_contiguous(): boolean {
    return isContiguous(this._shape, this._strides);
  }

  is_floating_point(): boolean {
    return this.dtype.is_floating_point;
  }

  get is_leaf(): boolean {
    return this.grad_fn === null;
  }

  get device(): string {
    return 'cpu';
  }

  get _version_value(): number {
    return this._version.value;
  }

  /** The legacy type name PyTorch uses in messages, e.g. 'torch.FloatTensor'. */
  type(): string;
  type(dtype: DTypeLike): Tensor;
  type(dtype?: DTypeLike): string | Tensor {
    if (dtype === undefined) return LEGACY_NAMES[this.dtype.name];
    return this.to(dtype);
  }

  // ---- autograd ----
  get requires_grad(): boolean {
    return this._requires_grad || this.grad_fn !== null;
  }

  // PyTorch words the dtype error differently for the setter and for requires_grad_().
  set requires_grad(flag: boolean) {
    this._setRequiresGrad(flag, 'only Tensors of floating point and complex dtype can require gradients');
  }

  requires_grad_(requires_grad = true): this {
    this._setRequiresGrad(requires_grad, 'only Tensors of floating point dtype can require gradients');
    return this;
  }

  private _setRequiresGrad(flag: boolean, dtypeMessage: string): void {
    check(
      this.is_leaf || flag,
      () =>
        'you can only change requires_grad flags of leaf variables. If you want to use a computed ' +
        'variable in a subgraph that doesn\'t require differentiation use var_no_grad = var.detach().',
    );
    check(!flag || this.dtype.is_floating_point, () => dtypeMessage);
    if (this.is_leaf) this._requires_grad = flag;
  }

  get grad(): Tensor | null {
    return this._grad;
  }

  set grad(g: Tensor | null) {
    if (g !== null) {
      check(g instanceof Tensor, () => 'assigned grad expected to be a Tensor or None', TypeError);
      check(
        g._shape.length === this._shape.length && g._shape.every((d, i) => d === this._shape[i]),
        () => 'assigned grad has data of a different size',
      );
      check(g.dtype === this.dtype, () => 'assigned grad has data of a different type');
    }
    this._grad = g;
  }

  /** Sets this tensor's autograd history (used by defineOp). */
  _setHistory(node: Node, outputNr: number): void {
    this.grad_fn = node;
    this._output_nr = outputNr;
  }

  /**
   * The AccumulateGrad node of a leaf. PyTorch holds it weakly and makes a new one once no
   * graph uses it; holding it strongly behaves as if the GC had not collected it yet, and
   * avoids a WeakRef per leaf per step (slow to make, and kept alive until the current job
   * ends, so a synchronous training loop piled them up).
   */
  _gradAccumulator(): AccumulateGrad {
    return (this._accumulator ??= new AccumulateGrad(this));
  }

  /** Shapes a backward gradient to an input's shape and dtype (engine's validate_outputs). */
  static _fitGrad(g: Tensor, shape: readonly number[], dtype: DType, node: string, i: number): Tensor {
    let out = g;
    if (!sameShape(out._shape, shape)) {
      check(
        ops.isExpandableTo(shape, out._shape),
        () =>
          `Function ${node} returned an invalid gradient at index ${i} - got [${out._shape.join(', ')}] ` +
          `but expected shape compatible with [${shape.join(', ')}]`,
      );
      out = ops.sum_to_size(out, shape);
    }
    if (out.dtype !== dtype) out = out.to(dtype);
    return out;
  }

  /** Computes gradients of this tensor w.r.t. graph leaves (Tensor.backward). */
  backward(
    gradient?: Tensor | null | { retain_graph?: boolean; create_graph?: boolean; inputs?: Tensor[] },
    opts: { retain_graph?: boolean; create_graph?: boolean; inputs?: Tensor[] } = {},
  ): void {
    let g: Tensor | null = null;
    if (gradient instanceof Tensor) g = gradient;
    else if (gradient && typeof gradient === 'object') opts = gradient;
    ops.runBackward([this], [g], opts);
  }

  /** Registers a hook called with this tensor's gradient; returning a tensor replaces it. */
  register_hook(hook: GradHook): { remove(): void } {
    check(
      this.requires_grad,
      () => "cannot register a hook on a tensor that doesn't require gradient",
    );
    if (this.grad_fn) {
      const hooks = (this.grad_fn._tensorPreHooks ??= new Map());
      const list = hooks.get(this._output_nr) ?? [];
      hooks.set(this._output_nr, list);
      list.push(hook);
      return { remove: () => removeItem(list, hook) };
    }
    const leafHooks = (this._leafHooks ??= []);
    leafHooks.push(hook);
    return { remove: () => removeItem(leafHooks, hook) };
  }

  /** Keeps .grad for this non-leaf tensor after backward. */
  retain_grad(): void {
    check(this.requires_grad, () => "can't retain_grad on Tensor that has requires_grad=False");
    if (this.is_leaf || this._retains_grad) return;
    this._retains_grad = true;
    (this.grad_fn!._retained ??= new Map()).set(this._output_nr, new WeakRef(this));
  }

  get retains_grad(): boolean {
    return this._retains_grad;
  }

  /** A new tensor sharing storage and version counter, detached from the graph. */
  detach(): Tensor {
    const t = new Tensor(this._storage, this._shape, this._strides, this._offset);
    t._version = this._version;
    return t;
  }

  detach_(): this {
    check(this._base === null || !this._base.requires_grad,
      () => "Can't detach views in-place. Use detach() instead.");
    this.grad_fn = null;
    this._requires_grad = false;
    return this;
  }

  /** The data behind this tensor as a plain tensor with its own version counter. */
  get data(): Tensor {
    return new Tensor(this._storage, this._shape, this._strides, this._offset);
  }

  set data(t: Tensor) {
    this._storage = t._storage;
    this._shape = t._shape.slice();
    this._strides = t._strides.slice();
    this._offset = t._offset;
  }

  // ---- conversion ----
  /** Python's nested-list form of the values (tolist). */
  tolist(): unknown {
    const c = this.contiguous();
    const data = c._storage.data;
    const isBool = this.dtype.name === 'bool';
    const off = c._offset;
    const build = (dim: number, base: number): unknown => {
      if (dim === c._shape.length) return isBool ? data[base] !== 0 : data[base];
      const out: unknown[] = [];
      const step = c._strides[dim];
      for (let i = 0; i < c._shape[dim]; i++) out.push(build(dim + 1, base + i * step));
      return out;
    };
    return build(0, off);
  }

  /** The value of a one-element tensor. */
  item(): number {
    check(
      this.numel() === 1,
      () => `a Tensor with ${this.numel()} elements cannot be converted to Scalar`,
    );
    return this._storage.data[this._offset];
  }

  /** A copy of the values as a typed array (int64 as BigInt64Array). */
  toTypedArray(): TypedArray | BigInt64Array {
    const c = this.contiguous();
    const n = c.numel();
    const src = c._storage.data.subarray(c._offset, c._offset + n);
    if (this.dtype.name === 'int64') return BigInt64Array.from(src as Float64Array, (v) => BigInt(v));
    return src.slice();
  }

  /** Element at a flat row-major index (for printing). */
  _getFlat(flat: number): number {
    let off = this._offset;
    for (let d = this._shape.length - 1; d >= 0; d--) {
      const n = this._shape[d];
      off += (flat % n) * this._strides[d];
      flat = Math.floor(flat / n);
    }
    return this._storage.data[off];
  }

  _printable(): PrintableTensor {
    return {
      shape: this._shape,
      dtype: this.dtype.name,
      get: (i) => this._getFlat(i),
      requires_grad: this.requires_grad,
      grad_fn: this.grad_fn ? this.grad_fn.name() : null,
      is_leaf: this.is_leaf,
    };
  }

  toString(): string {
    return formatTensor(this._printable());
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  [Symbol.toPrimitive](hint: string): string | number {
    if (hint === 'number') return this.item();
    return this.toString();
  }

  *[Symbol.iterator](): IterableIterator<Tensor> {
    check(this.dim() > 0, () => 'iteration over a 0-d tensor', TypeError);
    for (let i = 0; i < this._shape[0]; i++) yield this.select(0, i);
  }

  // ---- views (ops/shape.ts) ----
  view(...shape: (number | readonly number[] | DTypeLike)[]): Tensor { return ops.view(this, ...shape); }
  view_as(other: Tensor): Tensor { return ops.view(this, other._shape); }
  reshape(...shape: (number | readonly number[])[]): Tensor { return ops.reshape(this, ...shape); }
  reshape_as(other: Tensor): Tensor { return ops.reshape(this, other._shape); }
  transpose(dim0: number, dim1: number): Tensor { return ops.transpose(this, dim0, dim1); }
  swapaxes(dim0: number, dim1: number): Tensor { return ops.transpose(this, dim0, dim1); }
  permute(...dims: (number | readonly number[])[]): Tensor { return ops.permute(this, ...dims); }
  t(): Tensor { return ops.t(this); }
  get T(): Tensor { return ops.permute(this, [...this._shape.keys()].reverse()); }
  get mT(): Tensor { return ops.transpose(this, -2, -1); }
  expand(...sizes: (number | readonly number[])[]): Tensor { return ops.expand(this, ...sizes); }
  expand_as(other: Tensor): Tensor { return ops.expand(this, other._shape); }
  broadcast_to(shape: readonly number[]): Tensor { return ops.expand(this, shape); }
  squeeze(dim?: Dims): Tensor { return ops.squeeze(this, dim); }
  unsqueeze(dim: number): Tensor { return ops.unsqueeze(this, dim); }
  flatten(start_dim: number | { start_dim?: number; end_dim?: number } = 0, end_dim = -1): Tensor {
    return ops.flatten(this, start_dim, end_dim);
  }
  unflatten(dim: number, sizes: readonly number[]): Tensor { return ops.unflatten(this, dim, sizes); }
  narrow(dim: number, start: number, length: number): Tensor { return ops.narrow(this, dim, start, length); }
  select(dim: number, index: number): Tensor { return ops.select(this, dim, index); }
  unbind(dim = 0): Tensor[] { return ops.unbind(this, dim); }
  index(...items: IndexItem[]): Tensor { return ops.index(this, ...items); }
  index_put_(indices: IndexItem | IndexItem[], value: TensorOrScalar): this {
    ops.index_put_(this, indices, value);
    return this;
  }
  set(indices: IndexItem | IndexItem[], value: TensorOrScalar): this { return this.index_put_(indices, value); }
  contiguous(): Tensor { return this.is_contiguous() ? this : ops.clone(this); }
  clone(): Tensor { return ops.clone(this); }
  split(split_size: number | readonly number[], dim: number | { dim?: number } = 0): Tensor[] {
    return ops.split(this, split_size, dim);
  }
  chunk(chunks: number, dim: number | { dim?: number } = 0): Tensor[] { return ops.chunk(this, chunks, dim); }
  to(dtype: DTypeLike | { dtype?: DTypeLike; copy?: boolean }, opts?: { copy?: boolean }): Tensor {
    return ops.to(this, dtype, opts);
  }
  float(): Tensor { return ops.to(this, 'float32'); }
  double(): Tensor { return ops.to(this, 'float64'); }
  long(): Tensor { return ops.to(this, 'int64'); }
  int(): Tensor { return ops.to(this, 'int32'); }
  bool(): Tensor { return ops.to(this, 'bool'); }
  cpu(): Tensor { return this; }

  // ---- pointwise (ops/binary.ts, ops/unary.ts) ----
  add(other: TensorOrScalar, opts?: { alpha?: number }): Tensor { return ops.add(this, other, opts); }
  sub(other: TensorOrScalar, opts?: { alpha?: number }): Tensor { return ops.sub(this, other, opts); }
  rsub(other: TensorOrScalar, opts?: { alpha?: number }): Tensor { return ops.rsub(this, other, opts); }
  mul(other: TensorOrScalar): Tensor { return ops.mul(this, other); }
  div(other: TensorOrScalar, opts?: { rounding_mode?: 'trunc' | 'floor' | null }): Tensor {
    return ops.div(this, other, opts);
  }
  true_divide(other: TensorOrScalar): Tensor { return ops.div(this, other); }
  floor_divide(other: TensorOrScalar): Tensor { return ops.floor_divide(this, other); }
  remainder(other: TensorOrScalar): Tensor { return ops.remainder(this, other); }
  fmod(other: TensorOrScalar): Tensor { return ops.fmod(this, other); }
  pow(exponent: TensorOrScalar): Tensor { return ops.pow(this, exponent); }
  maximum(other: Tensor): Tensor { return ops.maximum(this, other); }
  minimum(other: Tensor): Tensor { return ops.minimum(this, other); }
  atan2(other: Tensor): Tensor { return ops.atan2(this, other); }
  eq(other: TensorOrScalar): Tensor { return ops.eq(this, other); }
  ne(other: TensorOrScalar): Tensor { return ops.ne(this, other); }
  lt(other: TensorOrScalar): Tensor { return ops.lt(this, other); }
  le(other: TensorOrScalar): Tensor { return ops.le(this, other); }
  gt(other: TensorOrScalar): Tensor { return ops.gt(this, other); }
  ge(other: TensorOrScalar): Tensor { return ops.ge(this, other); }
  logical_and(other: TensorOrScalar): Tensor { return ops.logical_and(this, other); }
  logical_or(other: TensorOrScalar): Tensor { return ops.logical_or(this, other); }
  logical_not(): Tensor { return ops.logical_not(this); }
  equal(other: Tensor): boolean { return ops.equal(this, other); }
  allclose(other: Tensor, opts?: { rtol?: number; atol?: number; equal_nan?: boolean }): boolean {
    return ops.allclose(this, other, opts);
  }
  isclose(other: Tensor, opts?: { rtol?: number; atol?: number; equal_nan?: boolean }): Tensor {
    return ops.isclose(this, other, opts);
  }
  where(condition: Tensor, other: TensorOrScalar): Tensor { return ops.where(condition, this, other); }
  neg(): Tensor { return ops.neg(this); }
  negative(): Tensor { return ops.neg(this); }
  exp(): Tensor { return ops.exp(this); }
  log(): Tensor { return ops.log(this); }
  log2(): Tensor { return ops.log2(this); }
  log10(): Tensor { return ops.log10(this); }
  log1p(): Tensor { return ops.log1p(this); }
  expm1(): Tensor { return ops.expm1(this); }
  sqrt(): Tensor { return ops.sqrt(this); }
  rsqrt(): Tensor { return ops.rsqrt(this); }
  square(): Tensor { return ops.square(this); }
  abs(): Tensor { return ops.abs(this); }
  sign(): Tensor { return ops.sign(this); }
  sin(): Tensor { return ops.sin(this); }
  cos(): Tensor { return ops.cos(this); }
  tan(): Tensor { return ops.tan(this); }
  floor(): Tensor { return ops.floor(this); }
  ceil(): Tensor { return ops.ceil(this); }
  round(): Tensor { return ops.round(this); }
  trunc(): Tensor { return ops.trunc(this); }
  reciprocal(): Tensor { return ops.reciprocal(this); }
  sigmoid(): Tensor { return ops.sigmoid(this); }
  tanh(): Tensor { return ops.tanh(this); }
  relu(): Tensor { return ops.relu(this); }
  isnan(): Tensor { return ops.isnan(this); }
  isinf(): Tensor { return ops.isinf(this); }
  isfinite(): Tensor { return ops.isfinite(this); }
  clamp(min?: TensorOrScalar | null | { min?: TensorOrScalar | null; max?: TensorOrScalar | null },
    max?: TensorOrScalar | null): Tensor { return ops.clamp(this, min, max); }
  clip(min?: TensorOrScalar | null, max?: TensorOrScalar | null): Tensor { return ops.clamp(this, min, max); }
  clamp_min(min: TensorOrScalar): Tensor { return ops.clamp(this, min, null); }
  clamp_max(max: TensorOrScalar): Tensor { return ops.clamp(this, null, max); }

  // ---- reductions (ops/reduce.ts) ----
  sum(dim?: Dims | null | ops.ReduceOpts, keepdim?: boolean | ops.ReduceOpts): Tensor {
    return ops.sum(this, dim, keepdim);
  }
  mean(dim?: Dims | null | ops.ReduceOpts, keepdim?: boolean | ops.ReduceOpts): Tensor {
    return ops.mean(this, dim, keepdim);
  }
  prod(dim?: number | ops.ReduceOpts, keepdim?: boolean | ops.ReduceOpts): Tensor {
    return ops.prod(this, dim, keepdim);
  }
  max(): Tensor;
  max(other: Tensor): Tensor;
  max(dim: number | { dim: number; keepdim?: boolean }, keepdim?: boolean | { keepdim?: boolean }): ops.ValuesIndices;
  max(a?: number | Tensor | { dim: number; keepdim?: boolean }, b?: boolean | { keepdim?: boolean }): Tensor | ops.ValuesIndices {
    return ops.max(this, a as number, b);
  }
  min(): Tensor;
  min(other: Tensor): Tensor;
  min(dim: number | { dim: number; keepdim?: boolean }, keepdim?: boolean | { keepdim?: boolean }): ops.ValuesIndices;
  min(a?: number | Tensor | { dim: number; keepdim?: boolean }, b?: boolean | { keepdim?: boolean }): Tensor | ops.ValuesIndices {
    return ops.min(this, a as number, b);
  }
  amax(dim?: Dims | ops.ReduceOpts, keepdim?: boolean | ops.ReduceOpts): Tensor { return ops.amax(this, dim, keepdim); }
  amin(dim?: Dims | ops.ReduceOpts, keepdim?: boolean | ops.ReduceOpts): Tensor { return ops.amin(this, dim, keepdim); }
  argmax(dim?: number | null | ops.ReduceOpts, keepdim?: boolean | ops.ReduceOpts): Tensor {
    return ops.argmax(this, dim, keepdim);
  }
  argmin(dim?: number | null | ops.ReduceOpts, keepdim?: boolean | ops.ReduceOpts): Tensor {
    return ops.argmin(this, dim, keepdim);
  }
  var(dim?: Dims | null | ops.VarOpts, opts?: ops.VarOpts | boolean, keepdim?: boolean): Tensor {
    return ops.var_(this, dim, opts, keepdim);
  }
  std(dim?: Dims | null | ops.VarOpts, opts?: ops.VarOpts | boolean, keepdim?: boolean): Tensor {
    return ops.std(this, dim, opts, keepdim);
  }
  logsumexp(dim: Dims | ops.ReduceOpts, keepdim?: boolean | ops.ReduceOpts): Tensor {
    return ops.logsumexp(this, dim, keepdim);
  }
  softmax(dim: number | { dim: number; dtype?: DTypeLike }): Tensor { return ops.softmax(this, dim); }
  log_softmax(dim: number | { dim: number; dtype?: DTypeLike }): Tensor { return ops.log_softmax(this, dim); }
  any(dim?: number | ops.ReduceOpts, keepdim?: boolean | ops.ReduceOpts): Tensor { return ops.any(this, dim, keepdim); }
  all(dim?: number | ops.ReduceOpts, keepdim?: boolean | ops.ReduceOpts): Tensor { return ops.all(this, dim, keepdim); }
  norm(p: number | 'fro' = 2, dim?: Dims | null, keepdim = false): Tensor { return ops.norm(this, p, dim, keepdim); }

  // ---- linear algebra (ops/linalg.ts) ----
  matmul(other: Tensor): Tensor { return ops.matmul(this, other); }
  mm(other: Tensor): Tensor { return ops.mm(this, other); }
  bmm(other: Tensor): Tensor { return ops.bmm(this, other); }
  mv(other: Tensor): Tensor { return ops.mv(this, other); }
  dot(other: Tensor): Tensor { return ops.dot(this, other); }

  // ---- in place (ops/inplace.ts) ----
  add_(other: TensorOrScalar, opts?: { alpha?: number }): this { return ops.inplace(this, ops.add, other, opts); }
  sub_(other: TensorOrScalar, opts?: { alpha?: number }): this { return ops.inplace(this, ops.sub, other, opts); }
  mul_(other: TensorOrScalar): this { return ops.inplace(this, ops.mul, other); }
  div_(other: TensorOrScalar, opts?: { rounding_mode?: 'trunc' | 'floor' | null }): this {
    return ops.inplace(this, ops.div, other, opts);
  }
  pow_(exponent: TensorOrScalar): this { return ops.inplace(this, ops.pow, exponent); }
  neg_(): this { return ops.inplace(this, ops.neg); }
  exp_(): this { return ops.inplace(this, ops.exp); }
  log_(): this { return ops.inplace(this, ops.log); }
  sqrt_(): this { return ops.inplace(this, ops.sqrt); }
  abs_(): this { return ops.inplace(this, ops.abs); }
  sigmoid_(): this { return ops.inplace(this, ops.sigmoid); }
  tanh_(): this { return ops.inplace(this, ops.tanh); }
  relu_(): this { return ops.inplace(this, ops.relu); }
  clamp_(min?: TensorOrScalar | null | { min?: TensorOrScalar | null; max?: TensorOrScalar | null },
    max?: TensorOrScalar | null): this { return ops.inplace(this, ops.clamp, min, max); }
  clamp_min_(min: TensorOrScalar): this { return ops.inplace(this, ops.clamp, min, null); }
  clamp_max_(max: TensorOrScalar): this { return ops.inplace(this, ops.clamp, null, max); }
  addcmul_(t1: Tensor, t2: Tensor, opts?: { value?: number }): this { return ops.inplace(this, ops.addcmul, t1, t2, opts); }
  addcdiv_(t1: Tensor, t2: Tensor, opts?: { value?: number }): this { return ops.inplace(this, ops.addcdiv, t1, t2, opts); }
  lerp_(end: Tensor, weight: TensorOrScalar): this { return ops.inplace(this, ops.lerp, end, weight); }
  masked_fill_(mask: Tensor, value: TensorOrScalar): this { return ops.inplace(this, ops.masked_fill, mask, value); }
  fill_(value: TensorOrScalar): this { return ops.fill_(this, value); }
  zero_(): this { return ops.zero_(this); }
  copy_(src: Tensor): this { return ops.copy_(this, src); }
  uniform_(from: number | { from?: number; to?: number; generator?: ops.GeneratorLike } = 0, to = 1,
    opts?: { generator?: ops.GeneratorLike }): this { return ops.uniform_(this, from, to, opts); }
  normal_(mean: number | { mean?: number; std?: number; generator?: ops.GeneratorLike } = 0, std = 1,
    opts?: { generator?: ops.GeneratorLike }): this { return ops.normal_(this, mean, std, opts); }
  bernoulli_(p: number | Tensor | { p?: number; generator?: ops.GeneratorLike } = 0.5,
    opts?: { generator?: ops.GeneratorLike }): this { return ops.bernoulli_(this, p, opts); }
  random_(from?: number, to?: number, opts?: { generator?: ops.GeneratorLike }): this {
    return ops.random_(this, from, to, opts);
  }
  masked_fill(mask: Tensor, value: TensorOrScalar): Tensor { return ops.masked_fill(this, mask, value); }
  addcmul(t1: Tensor, t2: Tensor, opts?: { value?: number }): Tensor { return ops.addcmul(this, t1, t2, opts); }
  addcdiv(t1: Tensor, t2: Tensor, opts?: { value?: number }): Tensor { return ops.addcdiv(this, t1, t2, opts); }
  lerp(end: Tensor, weight: TensorOrScalar): Tensor { return ops.lerp(this, end, weight); }
  gather(dim: number, index: Tensor): Tensor { return ops.gather(this, dim, index); }
  scatter(dim: number, index: Tensor, src: Tensor | number): Tensor {
    return ops.scatter(this, dim, index, src);
  }
  scatter_add(dim: number, index: Tensor, src: Tensor): Tensor {
    return ops.scatter_add(this, dim, index, src);
  }
  scatter_(dim: number, index: Tensor, src: Tensor | number): this {
    return ops.inplace(this, ops.scatter, dim, index, src);
  }
  scatter_add_(dim: number, index: Tensor, src: Tensor): this {
    return ops.inplace(this, ops.scatter_add, dim, index, src);
  }
  sort(dim?: number | ops.SortOpts, descending?: boolean | ops.SortOpts): ops.ValuesIndices {
    return ops.sort(this, dim, descending);
  }
  argsort(dim?: number | ops.SortOpts, descending?: boolean | ops.SortOpts): Tensor {
    return ops.argsort(this, dim, descending);
  }
  topk(k: number, dim?: number | ops.TopkOpts, largest?: boolean | ops.TopkOpts): ops.ValuesIndices {
    return ops.topk(this, k, dim, largest);
  }
  tril(diagonal = 0): Tensor { return ops.tril(this, diagonal); }
  triu(diagonal = 0): Tensor { return ops.triu(this, diagonal); }
  cumsum(dim: number, opts?: DTypeLike | { dtype?: DTypeLike | null }): Tensor {
    return ops.cumsum(this, dim, opts);
  }
  cumprod(dim: number, opts?: DTypeLike | { dtype?: DTypeLike | null }): Tensor {
    return ops.cumprod(this, dim, opts);
  }
  repeat(...sizes: (number | readonly number[])[]): Tensor { return ops.repeat(this, ...sizes); }
  flip(...dims: (number | readonly number[])[]): Tensor { return ops.flip(this, ...dims); }
  roll(shifts: number | readonly number[], dims?: number | readonly number[] | null): Tensor {
    return ops.roll(this, shifts, dims);
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
