// View and shape ops: view, reshape, transpose, permute, expand, squeeze, unsqueeze, flatten,
// narrow/slice, select, unbind, split, chunk, cat, stack, clone, to (ATen/native/TensorShape.cpp).
import { K } from '../backend/backend.js';
import { type DTypeLike, toDType, resultType } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import {
  computeViewStrides, contiguousStrides, fmtShape, inferSize, numelOf, wrapDims, broadcastStrides,
} from '../tensor/view.js';
import { IndexError, check, wrapDim } from '../utils/check.js';
import { defineOp, type OpCtx } from './define.js';
import { kv, storeKind } from './util.js';

type SizeArg = number | readonly number[];

function flatSizes(args: readonly unknown[]): number[] {
  if (args.length === 1 && Array.isArray(args[0])) return (args[0] as number[]).slice();
  return args as number[];
}

/** An op returning a view of its input, with the backward given. */
function viewOp(name: string, backward: (ctx: OpCtx, g: Tensor) => Tensor) {
  return defineOp({
    name,
    forward(ctx, x: Tensor, shape: readonly number[], strides: readonly number[], offset: number,
      extra?: Record<string, unknown>) {
      ctx.inShape = x._shape.slice();
      if (extra) Object.assign(ctx, extra);
      return x._view(shape, strides, offset);
    },
    backward: (ctx, g) => [backward(ctx, g)],
  });
}

const inShape = (ctx: OpCtx) => ctx.inShape as number[];

const viewImpl = viewOp('ViewBackward0', (ctx, g) => reshape(g, inShape(ctx)));

/** t.view(*shape): a view with a new shape, or PyTorch's error if strides don't allow it. */
export function view(x: Tensor, ...shape: (SizeArg | DTypeLike)[]): Tensor {
  const size = inferSize(flatSizes(shape as SizeArg[]), x.numel());
  const strides = computeViewStrides(x._shape, x._strides, size);
  check(
    strides !== null,
    () =>
      'view size is not compatible with input tensor\'s size and stride (at least one dimension ' +
      'spans across two contiguous subspaces). Use .reshape(...) instead.',
  );
  return viewImpl(x, size, strides, x._offset);
}

const unsafeViewImpl = defineOp({
  name: 'UnsafeViewBackward0',
  forward(ctx, x: Tensor, shape: readonly number[]) {
    ctx.inShape = x._shape.slice();
    return x._view(shape, contiguousStrides(shape), x._offset);
  },
  backward: (ctx, g) => [reshape(g, inShape(ctx))],
});

/** A view of a fresh contiguous result under a new shape (ATen's _unsafe_view). */
export function _unsafe_view(x: Tensor, shape: readonly number[]): Tensor {
  return unsafeViewImpl(x, shape);
}

/** t.reshape(*shape): a view when possible, else a copy. */
export function reshape(x: Tensor, ...shape: SizeArg[]): Tensor {
  const size = inferSize(flatSizes(shape), x.numel());
  const strides = computeViewStrides(x._shape, x._strides, size);
  if (strides !== null) return viewImpl(x, size, strides, x._offset);
  return unsafeViewImpl(clone(x), size);
}

const transposeImpl = viewOp('TransposeBackward0', (ctx, g) =>
  transpose(g, ctx.d0 as number, ctx.d1 as number));

/** t.transpose(dim0, dim1) */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const n = x.dim();
  const a = wrapDim(dim0, n);
  const b = wrapDim(dim1, n);
  const shape = x._shape.slice();
  const strides = x._strides.slice();
  [shape[a], shape[b]] = [shape[b], shape[a]];
  [strides[a], strides[b]] = [strides[b], strides[a]];
  return transposeImpl(x, shape, strides, x._offset, { d0: a, d1: b });
}

const tImpl = viewOp('TBackward0', (_ctx, g) => t(g));

/** t.t(): transpose of a tensor of at most 2 dims. */
export function t(x: Tensor): Tensor {
  check(x.dim() <= 2, () => `t() expects a tensor with <= 2 dimensions, but self is ${x.dim()}D`);
  if (x.dim() < 2) return tImpl(x, x._shape, x._strides, x._offset);
  return tImpl(x, [x._shape[1], x._shape[0]], [x._strides[1], x._strides[0]], x._offset);
}

const permuteImpl = viewOp('PermuteBackward0', (ctx, g) => {
  const dims = ctx.dims as number[];
  const inv = new Array<number>(dims.length);
  dims.forEach((d, i) => (inv[d] = i));
  return permute(g, inv);
});

/** t.permute(*dims) */
export function permute(x: Tensor, ...dims: SizeArg[]): Tensor {
  const ds = flatSizes(dims);
  check(
    ds.length === x.dim(),
    () => `permute(sparse_coo): number of dimensions in the tensor input does not match the ` +
      `length of the desired ordering of dimensions i.e. input.dim() = ${x.dim()} is not equal to ` +
      `len(dims) = ${ds.length}`,
  );
  const w = wrapDims(ds, x.dim());
  return permuteImpl(x, w.map((d) => x._shape[d]), w.map((d) => x._strides[d]), x._offset, { dims: w });
}

const expandImpl = viewOp('ExpandBackward0', (ctx, g) => sum_to_size(g, inShape(ctx)));

/** t.expand(*sizes): a broadcast view (-1 keeps a dim). */
export function expand(x: Tensor, ...sizes: SizeArg[]): Tensor {
  const target = flatSizes(sizes);
  check(
    target.length >= x.dim(),
    () =>
      `expand(${x.type()}{[${x._shape.join(', ')}]}, size=[${target.join(', ')}]): the number of sizes ` +
      `provided (${target.length}) must be greater or equal to the number of dimensions in the ` +
      `tensor (${x.dim()})`,
  );
  const lead = target.length - x.dim();
  const shape = target.map((d, i) => (d === -1 && i >= lead ? x._shape[i - lead] : d));
  check(shape.every((d) => d >= 0), () =>
    `The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension ${shape.indexOf(-1)}`);
  return expandImpl(x, shape, broadcastStrides(x._shape, x._strides, shape), x._offset);
}

const squeezeImpl = viewOp('SqueezeBackward0', (ctx, g) => reshape(g, inShape(ctx)));
const squeezeDimImpl = viewOp('SqueezeBackward1', (ctx, g) => reshape(g, inShape(ctx)));
const squeezeDimsImpl = viewOp('SqueezeBackward2', (ctx, g) => reshape(g, inShape(ctx)));

/** t.squeeze(dim?): drops size-1 dims (all, one, or a list). */
export function squeeze(x: Tensor, dim?: number | readonly number[] | null): Tensor {
  const n = x.dim();
  let drop: number[];
  let impl = squeezeImpl;
  if (dim === undefined || dim === null) drop = x._shape.map((_, i) => i);
  else if (Array.isArray(dim)) {
    drop = wrapDims(dim, n);
    impl = squeezeDimsImpl;
  } else {
    drop = [wrapDim(dim as number, n)];
    impl = squeezeDimImpl;
  }
  const keep = x._shape.map((d, i) => !(drop.includes(i) && d === 1));
  return impl(x, x._shape.filter((_, i) => keep[i]), x._strides.filter((_, i) => keep[i]), x._offset);
}

const squeezeInplaceDimImpl = viewOp('SqueezeBackward4', (ctx, g) => reshape(g, inShape(ctx)));

/** The node PyTorch records for `t.squeeze_(dim)` on a fresh result (matmul's 1-D @ 2-D). */
export function _squeeze_inplace_dim(x: Tensor, dim: number): Tensor {
  const d = wrapDim(dim, x.dim());
  const keep = x._shape.map((s, i) => !(i === d && s === 1));
  return squeezeInplaceDimImpl(x, x._shape.filter((_, i) => keep[i]), x._strides.filter((_, i) => keep[i]), x._offset);
}

const unsqueezeImpl = viewOp('UnsqueezeBackward0', (ctx, g) => squeeze(g, ctx.dim as number));

/** t.unsqueeze(dim): inserts a size-1 dim. */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = wrapDim(dim, x.dim() + 1);
  const shape = x._shape.slice();
  const strides = x._strides.slice();
  const st = d < x.dim() ? x._shape[d] * x._strides[d] : 1;
  shape.splice(d, 0, 1);
  strides.splice(d, 0, st);
  return unsqueezeImpl(x, shape, strides, x._offset, { dim: d });
}

/** t.flatten(start_dim=0, end_dim=-1) */
export function flatten(
  x: Tensor, start: number | { start_dim?: number; end_dim?: number } = 0, end = -1,
): Tensor {
  if (typeof start === 'object') {
    end = start.end_dim ?? -1;
    start = start.start_dim ?? 0;
  }
  if (x.dim() === 0) return reshape(x, [1]);
  const s = wrapDim(start, x.dim());
  const e = wrapDim(end, x.dim());
  check(s <= e, () => 'flatten() has invalid args: start_dim cannot come after end_dim');
  if (s === e) return x;
  const shape = [...x._shape.slice(0, s), numelOf(x._shape.slice(s, e + 1)), ...x._shape.slice(e + 1)];
  return reshape(x, shape);
}

/** t.unflatten(dim, sizes) */
export function unflatten(x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  const d = wrapDim(dim, x.dim());
  const inner = inferSize(sizes, x._shape[d]);
  return view(x, [...x._shape.slice(0, d), ...inner, ...x._shape.slice(d + 1)]);
}

type SliceFn = (x: Tensor, dim: number, start: number, end: number, step: number) => Tensor;
const sliceImpl: SliceFn = defineOp({
  name: 'SliceBackward0',
  forward(ctx, x: Tensor, dim: number, start: number, end: number, step: number) {
    Object.assign(ctx, { inShape: x._shape.slice(), dim, start, end, step });
    const shape = x._shape.slice();
    const strides = x._strides.slice();
    shape[dim] = Math.max(0, Math.ceil((end - start) / step));
    strides[dim] = x._strides[dim] * step;
    return x._view(shape, strides, x._offset + start * x._strides[dim]);
  },
  backward: (ctx, g) => [sliceBackward(g, inShape(ctx), ctx.dim as number, ctx.start as number,
    ctx.end as number, ctx.step as number)],
});

const sliceBackwardImpl: (g: Tensor, shape: number[], dim: number, start: number, end: number,
  step: number) => Tensor = defineOp({
  name: 'SliceBackwardBackward0',
  forward(ctx, g: Tensor, shape: number[], dim: number, start: number, end: number, step: number) {
    Object.assign(ctx, { dim, start, end, step });
    const out = Tensor._zeros(shape, g.dtype);
    K().copy(kv(g), kv(sliceImpl(out, dim, start, end, step)), storeKind(g.dtype));
    return out;
  },
  backward: (ctx, g) => [sliceImpl(g, ctx.dim as number, ctx.start as number, ctx.end as number,
    ctx.step as number)],
});

function sliceBackward(g: Tensor, shape: number[], dim: number, start: number, end: number, step: number): Tensor {
  return sliceBackwardImpl(g, shape, dim, start, end, step);
}

/** Python slicing x[start:end:step] along dim, with Python's clamping of out-of-range bounds. */
export function slice(x: Tensor, dim: number, start: number | null = null, end: number | null = null,
  step = 1): Tensor {
  const d = wrapDim(dim, x.dim());
  check(step > 0, () => 'step must be greater than zero');
  const n = x._shape[d];
  let s = start ?? 0;
  let e = end ?? n;
  if (s < 0) s += n;
  if (e < 0) e += n;
  s = Math.min(Math.max(s, 0), n);
  e = Math.min(Math.max(e, s), n);
  return sliceImpl(x, d, s, e, step);
}

/** t.narrow(dim, start, length) */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  check(x.dim() > 0, () => 'narrow() cannot be applied to a 0-dim tensor.');
  const d = wrapDim(dim, x.dim());
  const n = x._shape[d];
  check(start >= -n && start <= n, () =>
    `start out of range (expected to be in range of [${-n}, ${n}], but got ${start})`, IndexError);
  const s = start < 0 ? start + n : start;
  check(s + length <= n && length >= 0, () =>
    `start (${s}) + length (${length}) exceeds dimension size (${n}).`);
  return sliceImpl(x, d, s, s + length, 1);
}

const selectImpl: (x: Tensor, dim: number, index: number) => Tensor = defineOp({
  name: 'SelectBackward0',
  forward(ctx, x: Tensor, dim: number, index: number) {
    Object.assign(ctx, { inShape: x._shape.slice(), dim, index });
    const shape = x._shape.filter((_, i) => i !== dim);
    const strides = x._strides.filter((_, i) => i !== dim);
    return x._view(shape, strides, x._offset + index * x._strides[dim]);
  },
  backward: (ctx, g) => [selectBackwardImpl(g, inShape(ctx), ctx.dim as number, ctx.index as number)],
});

const selectBackwardImpl: (g: Tensor, shape: number[], dim: number, index: number) => Tensor = defineOp({
  name: 'SelectBackwardBackward0',
  forward(ctx, g: Tensor, shape: number[], dim: number, index: number) {
    Object.assign(ctx, { dim, index });
    const out = Tensor._zeros(shape, g.dtype);
    K().copy(kv(g), kv(selectImpl(out, dim, index)), storeKind(g.dtype));
    return out;
  },
  backward: (ctx, g) => [selectImpl(g, ctx.dim as number, ctx.index as number)],
});

/** t.select(dim, index) */
export function select(x: Tensor, dim: number, index: number): Tensor {
  check(x.dim() > 0, () => 'select() cannot be applied to a 0-dim tensor.', IndexError);
  const d = wrapDim(dim, x.dim());
  const n = x._shape[d];
  check(
    index >= -n && index < n,
    () => `select(): index ${index} out of range for tensor of size [${x._shape.join(', ')}] at dimension ${d}`,
    IndexError,
  );
  return selectImpl(x, d, index < 0 ? index + n : index);
}

const cloneImpl = defineOp({
  name: 'CloneBackward0',
  forward(_ctx, x: Tensor) {
    const out = Tensor._uninit(x._shape, x.dtype);
    K().copy(kv(x), kv(out), storeKind(x.dtype));
    return out;
  },
  backward: (_ctx, g) => [g],
});

/** t.clone(): a contiguous copy. */
export function clone(x: Tensor): Tensor {
  return cloneImpl(x);
}

const toImpl = defineOp({
  name: 'ToCopyBackward0',
  forward(ctx, x: Tensor, dtype: string) {
    ctx.dtype = x.dtype;
    const d = toDType(dtype as DTypeLike);
    const out = Tensor._uninit(x._shape, d);
    K().copy(kv(x), kv(out), storeKind(d));
    return out;
  },
  backward: (ctx, g) => [to(g, ctx.dtype as DTypeLike)],
});

/** t.to(dtype, { copy }): a converted copy, or the tensor itself if nothing changes. */
export function to(
  x: Tensor, dtype: DTypeLike | { dtype?: DTypeLike; copy?: boolean }, opts?: { copy?: boolean },
): Tensor {
  let copy = opts?.copy ?? false;
  let d: DTypeLike | undefined;
  if (typeof dtype === 'object' && !('name' in dtype)) {
    d = dtype.dtype;
    copy = dtype.copy ?? copy;
  } else if ((dtype as string) === 'cpu') {
    d = undefined;
  } else d = dtype as DTypeLike;
  const target = d === undefined ? x.dtype : toDType(d);
  if (target === x.dtype && !copy) return x;
  return toImpl(x, target.name);
}

const unbindImpl = defineOp<[Tensor, number], Tensor[]>({
  name: 'UnbindBackward0',
  forward(ctx, x: Tensor, dim: number) {
    ctx.dim = dim;
    const out: Tensor[] = [];
    for (let i = 0; i < x._shape[dim]; i++) {
      const shape = x._shape.filter((_, k) => k !== dim);
      const strides = x._strides.filter((_, k) => k !== dim);
      out.push(x._view(shape, strides, x._offset + i * x._strides[dim]));
    }
    return out;
  },
  backward: (ctx, ...gs) => [stack(gs, ctx.dim as number)],
});

/** t.unbind(dim): the slices along dim. */
export function unbind(x: Tensor, dim = 0): Tensor[] {
  return unbindImpl(x, wrapDim(dim, x.dim()));
}

const splitOp = (name: string) => defineOp<[Tensor, number[], number], Tensor[]>({
  name,
  forward(ctx, x: Tensor, sizes: number[], dim: number) {
    Object.assign(ctx, { dim });
    const out: Tensor[] = [];
    let start = 0;
    for (const s of sizes) {
      const shape = x._shape.slice();
      shape[dim] = s;
      out.push(x._view(shape, x._strides, x._offset + start * x._strides[dim]));
      start += s;
    }
    return out;
  },
  backward: (ctx, ...gs) => [cat(gs, ctx.dim as number)],
});
const splitImpl = splitOp('SplitBackward0');
const splitWithSizesImpl = splitOp('SplitWithSizesBackward0');

/** t.split(split_size_or_sections, dim=0) */
export function split(x: Tensor, size: number | readonly number[], dim: number | { dim?: number } = 0): Tensor[] {
  check(x.dim() > 0, () => 'split expects at least a 1-dimensional tensor');
  const d = wrapDim(typeof dim === 'object' ? dim.dim ?? 0 : dim, x.dim());
  const n = x._shape[d];
  let sizes: number[];
  if (typeof size === 'number') {
    check(size > 0 || (n === 0 && size === 0), () => `split_size can only be 0 if dimension size is 0, but got dimension size of ${n}`);
    sizes = [];
    for (let s = 0; s < n; s += size) sizes.push(Math.min(size, n - s));
    if (sizes.length === 0) sizes.push(0);
  } else {
    sizes = size.slice();
    const total = sizes.reduce((a, b) => a + b, 0);
    check(total === n, () =>
      `split_with_sizes expects split_sizes to sum exactly to ${n} (input tensor's size at dimension ` +
      `${d}), but got split_sizes=[${sizes.join(', ')}]`);
    return splitWithSizesImpl(x, sizes, d);
  }
  return splitImpl(x, sizes, d);
}

/** t.chunk(chunks, dim) */
export function chunk(x: Tensor, chunks: number, dim: number | { dim?: number } = 0): Tensor[] {
  check(chunks > 0, () => `chunk expects \`chunks\` to be greater than 0, got: ${chunks}`);
  const d = wrapDim(typeof dim === 'object' ? dim.dim ?? 0 : dim, x.dim());
  const size = Math.ceil(x._shape[d] / chunks);
  return split(x, size, d);
}

const catImpl = defineOp({
  name: 'CatBackward0',
  forward(ctx, dim: number, ...ts: Tensor[]) {
    ctx.dim = dim;
    ctx.sizes = ts.map((t) => t._shape[dim] ?? 0);
    const ref = ts.find((t) => !(t.dim() === 1 && t._shape[0] === 0)) ?? ts[0];
    const dtype = resultType(ts);
    const shape = ref._shape.slice();
    shape[dim] = ts.reduce((a, t) => a + (t.dim() === 1 && t._shape[0] === 0 ? 0 : t._shape[dim]), 0);
    const out = Tensor._empty(shape, dtype);
    let start = 0;
    for (const t of ts) {
      if (t.dim() === 1 && t._shape[0] === 0 && ref.dim() !== 1) continue;
      const n = t._shape[dim];
      const dst = out._view(t._shape, out._strides, out._offset + start * out._strides[dim]);
      K().copy(kv(t), kv(dst), storeKind(dtype));
      start += n;
    }
    return out;
  },
  backward(ctx, g) {
    const parts = split(g, ctx.sizes as number[], ctx.dim as number);
    return [null, ...parts];
  },
});

/** torch.cat(tensors, dim=0) */
export function cat(tensors: readonly Tensor[], dim: number | { dim?: number } = 0): Tensor {
  const d0 = typeof dim === 'object' ? dim.dim ?? 0 : dim;
  check(tensors.length > 0, () => 'torch.cat(): expected a non-empty list of Tensors');
  const ref = tensors.find((t) => !(t.dim() === 1 && t._shape[0] === 0)) ?? tensors[0];
  check(ref.dim() > 0, () => 'zero-dimensional tensor (at position 0) cannot be concatenated');
  const d = wrapDim(d0, ref.dim());
  tensors.forEach((t, i) => {
    if (t.dim() === 1 && t._shape[0] === 0) return;
    check(t.dim() === ref.dim(), () =>
      `Tensors must have same number of dimensions: got ${ref.dim()} and ${t.dim()}`);
    for (let k = 0; k < ref.dim(); k++) {
      check(k === d || t._shape[k] === ref._shape[k], () =>
        `Sizes of tensors must match except in dimension ${d}. Expected size ${ref._shape[k]} but ` +
        `got size ${t._shape[k]} for tensor number ${i} in the list.`);
    }
  });
  return catImpl(d, ...tensors);
}

/** torch.stack(tensors, dim=0) */
export function stack(tensors: readonly Tensor[], dim: number | { dim?: number } = 0): Tensor {
  const d0 = typeof dim === 'object' ? dim.dim ?? 0 : dim;
  check(tensors.length > 0, () => 'stack expects a non-empty TensorList');
  const shape = tensors[0]._shape;
  tensors.forEach((t, i) => check(
    t._shape.length === shape.length && t._shape.every((s, k) => s === shape[k]),
    () => `stack expects each tensor to be equal size, but got ${fmtShape(shape)} at entry 0 and ` +
      `${fmtShape(t._shape)} at entry ${i}`));
  const d = wrapDim(d0, shape.length + 1);
  return stackImpl(d, ...tensors);
}

const stackImpl = defineOp({
  name: 'StackBackward0',
  forward(ctx, dim: number, ...ts: Tensor[]) {
    ctx.dim = dim;
    const dtype = resultType(ts);
    const shape = ts[0]._shape.slice();
    shape.splice(dim, 0, ts.length);
    const out = Tensor._empty(shape, dtype);
    ts.forEach((t, i) => {
      const strides = out._strides.filter((_, k) => k !== dim);
      const dst = out._view(t._shape, strides, out._offset + i * out._strides[dim]);
      K().copy(kv(t), kv(dst), storeKind(dtype));
    });
    return out;
  },
  backward: (ctx, g) => [null, ...unbind(g, ctx.dim as number)],
});

/** Sums a gradient down to `shape` over broadcast dims (Tensor.sum_to_size). */
export function sum_to_size(g: Tensor, ...shape: SizeArg[]): Tensor {
  const target = flatSizes(shape);
  const lead = g.dim() - target.length;
  const dims: number[] = [];
  for (let i = 0; i < g.dim(); i++) {
    if (i < lead || (target[i - lead] === 1 && g._shape[i] !== 1)) dims.push(i);
  }
  if (dims.length === 0) return g.dim() === target.length ? g : reshape(g, target);
  let out = g.sum(dims, true);
  if (lead > 0 || out.dim() !== target.length) out = reshape(out, target);
  return out;
}

/** torch.concat: alias of cat. */
export const concat = cat;

/** torch.swapaxes: alias of transpose. */
export function swapaxes(x: Tensor, a: number, b: number): Tensor {
  return transpose(x, a, b);
}
