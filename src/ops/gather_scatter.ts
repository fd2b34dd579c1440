// gather, scatter (tensor or value source), scatter_add and their in-place forms
// (ATen/native/TensorAdvancedIndexing.cpp, ScatterGatherChecks.h; derivatives.yaml).
import { K } from '../backend/backend.js';
import { Tensor } from '../tensor/tensor.js';
import { fmtShape } from '../tensor/view.js';
import { check, wrapDim } from '../utils/check.js';
import { defineOp } from './define.js';
import { castScalar, kv, storeKind } from './util.js';

/** A fresh contiguous copy of `x`'s values, made by the copy kernel (no autograd). */
export function dense(x: Tensor): Tensor {
  const out = Tensor._empty(x._shape, x.dtype);
  K().copy(kv(x), kv(out), storeKind(x.dtype));
  return out;
}

/**
 * Visits every position of `shape`, giving the element offsets of each strided tensor there
 * and the coordinate along `dim`.
 */
function forEachOffset(shape: readonly number[], ts: Tensor[], dim: number,
  fn: (offs: number[], at: number) => void): void {
  const n = shape.reduce((a, b) => a * b, 1);
  const counter = new Array<number>(shape.length).fill(0);
  const offs = ts.map((t) => t._offset);
  for (let i = 0; i < n; i++) {
    fn(offs, shape.length === 0 ? 0 : counter[dim]);
    for (let k = shape.length - 1; k >= 0; k--) {
      counter[k]++;
      ts.forEach((t, j) => (offs[j] += t._strides[k]));
      if (counter[k] < shape[k]) break;
      ts.forEach((t, j) => (offs[j] -= t._strides[k] * shape[k]));
      counter[k] = 0;
    }
  }
}

/** ScatterGatherChecks.h: index dims and sizes against self (and src). */
function checkIndex(op: string, self: Tensor, dim: number, index: Tensor, src: Tensor | null): void {
  check(index.dtype.name === 'int64', () => `${op}(): Expected dtype int64 for index`);
  const nd = Math.max(self.dim(), 1);
  check(Math.max(index.dim(), 1) === nd, () =>
    'Index tensor must have the same number of dimensions as ' +
    `${op === 'gather' ? 'input' : 'self'} tensor`);
  if (src !== null) check(Math.max(src.dim(), 1) === nd, () =>
    'Index tensor must have the same number of dimensions as src tensor');
  for (let d = 0; d < index.dim(); d++) {
    if (d !== dim) check(index._shape[d] <= self._shape[d], () =>
      `Size does not match at dimension ${d} expected index ${fmtShape(index._shape)} to be smaller ` +
      `than self ${fmtShape(self._shape)} apart from dimension ${dim}`);
    if (src !== null) check(index._shape[d] <= src._shape[d], () =>
      `Size does not match at dimension ${d} expected index ${fmtShape(index._shape)} to be smaller ` +
      `than src ${fmtShape(src._shape)}`);
  }
}

function checkBound(idx: number, dim: number, size: number): void {
  check(idx >= 0 && idx < size, () => `index ${idx} is out of bounds for dimension ${dim} with size ${size}`);
}

const gatherImpl = defineOp({
  name: 'GatherBackward0',
  inputs: [0],
  forward(ctx, x: Tensor, dim: number, index: Tensor) {
    Object.assign(ctx, { dim, shape: x._shape.slice() });
    ctx.save_for_backward(index);
    const out = Tensor._empty(index._shape, x.dtype);
    const src = x._storage.data;
    const idx = index._storage.data;
    const dst = out._storage.data;
    const stride = x.dim() === 0 ? 0 : x._strides[dim];
    const size = x.dim() === 0 ? 1 : x._shape[dim];
    let o = 0;
    forEachOffset(index._shape, [index, x], dim, ([io, xo], at) => {
      const k = idx[io];
      checkBound(k, dim, size);
      dst[o++] = src[xo + (k - at) * stride];
    });
    return out;
  },
  backward(ctx, g) {
    const [index] = ctx.saved_tensors;
    const zeros = Tensor._zeros(ctx.shape as number[], g.dtype);
    return [scatter_add(zeros, ctx.dim as number, index, g)];
  },
});

/**
 * torch.gather(input, dim, index): out[i][j] = input[index[i][j]][j] for dim 0, and so on.
 * @example torch.gather(torch.tensor([[1, 2], [3, 4]]), 1, torch.tensor([[0, 0], [1, 0]]))
 */
export function gather(input: Tensor, dim: number, index: Tensor): Tensor {
  const d = wrapDim(dim, input.dim());
  checkIndex('gather', input, d, index, null);
  return gatherImpl(input, d, index);
}

type Mode = 'set' | 'add';

/** Copies self, then writes (or adds) src's values at the indexed positions. */
function scatterKernel(self: Tensor, dim: number, index: Tensor, src: Tensor | number, mode: Mode): Tensor {
  const out = dense(self);
  const dst = out._storage.data;
  const idx = index._storage.data;
  const stride = out.dim() === 0 ? 0 : out._strides[dim];
  const size = out.dim() === 0 ? 1 : out._shape[dim];
  const value = typeof src === 'number' ? castScalar(src, out.dtype) : 0;
  const srcT = typeof src === 'number' ? null : src;
  const srcData = srcT === null ? null : srcT._storage.data;
  const ts = srcT === null ? [index, out] : [index, out, srcT];
  forEachOffset(index._shape, ts, dim, (offs, at) => {
    const k = idx[offs[0]];
    checkBound(k, dim, size);
    const v = srcData === null ? value : castScalar(srcData[offs[2]], out.dtype);
    const o = offs[1] + (k - at) * stride;
    dst[o] = mode === 'add' ? castScalar(dst[o] + v, out.dtype) : v;
  });
  return out;
}

const scatterSrcImpl = defineOp({
  name: 'ScatterBackward0',
  inputs: [0, 3],
  forward(ctx, self: Tensor, dim: number, index: Tensor, src: Tensor) {
    ctx.dim = dim;
    ctx.save_for_backward(index);
    return scatterKernel(self, dim, index, src, 'set');
  },
  backward(ctx, g) {
    const [index] = ctx.saved_tensors;
    const dim = ctx.dim as number;
    return [
      ctx.needs_input_grad[0] ? scatter(g, dim, index, 0) : null, null, null,
      ctx.needs_input_grad[3] ? gather(g, dim, index) : null,
    ];
  },
});

const scatterValueImpl = defineOp({
  name: 'ScatterBackward1',
  inputs: [0],
  forward(ctx, self: Tensor, dim: number, index: Tensor, value: number) {
    ctx.dim = dim;
    ctx.save_for_backward(index);
    return scatterKernel(self, dim, index, value, 'set');
  },
  backward(ctx, g) {
    const [index] = ctx.saved_tensors;
    return [scatter(g, ctx.dim as number, index, 0)];
  },
});

const scatterAddImpl = defineOp({
  name: 'ScatterAddBackward0',
  inputs: [0, 3],
  forward(ctx, self: Tensor, dim: number, index: Tensor, src: Tensor) {
    ctx.dim = dim;
    ctx.save_for_backward(index);
    return scatterKernel(self, dim, index, src, 'add');
  },
  backward(ctx, g) {
    const [index] = ctx.saved_tensors;
    return [g, null, null, ctx.needs_input_grad[3] ? gather(g, ctx.dim as number, index) : null];
  },
});

function checkSrc(self: Tensor, src: Tensor): void {
  check(self.dtype === src.dtype, () =>
    `scatter(): Expected self.dtype to be equal to src.dtype`);
}

/**
 * torch.scatter(input, dim, index, src | value): a copy of input with src's values written
 * where index points (out[index[i][j]][j] = src[i][j] for dim 0).
 * @example torch.zeros(2, 3).scatter(0, torch.tensor([[1, 0, 1]]), 5)
 */
export function scatter(input: Tensor, dim: number, index: Tensor, src: Tensor | number): Tensor {
  const d = wrapDim(dim, input.dim());
  if (typeof src === 'number') {
    checkIndex('scatter', input, d, index, null);
    return scatterValueImpl(input, d, index, src);
  }
  checkIndex('scatter', input, d, index, src);
  checkSrc(input, src);
  return scatterSrcImpl(input, d, index, src);
}

/**
 * torch.scatter_add(input, dim, index, src): like scatter, but adds, so repeated indices sum.
 * @example torch.zeros(3).scatter_add(0, torch.tensor([0, 0, 2]), torch.ones(3)) // [2, 0, 1]
 */
export function scatter_add(input: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  const d = wrapDim(dim, input.dim());
  checkIndex('scatter_add', input, d, index, src);
  checkSrc(input, src);
  return scatterAddImpl(input, d, index, src);
}
