// sort, argsort, topk (ATen/native/Sorting.cpp, cpu/SortingKernel.cpp; derivatives.yaml).
// Sorting is stable, as PyTorch's CPU kernel is for these sizes; NaN sorts above every number.
import { int64 } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { check, wrapDim } from '../utils/check.js';
import { defineOp } from './define.js';
import { dense, scatter } from './gather_scatter.js';
import { type ValuesIndices, valuesIndices } from './reduce.js';

export interface SortOpts {
  dim?: number;
  descending?: boolean;
  stable?: boolean;
}

export interface TopkOpts {
  dim?: number;
  largest?: boolean;
  sorted?: boolean;
}

/** Ascending order with NaN last; ties keep their original order. */
function ascending(a: number, b: number): number {
  const an = Number.isNaN(a);
  const bn = Number.isNaN(b);
  if (an || bn) return an === bn ? 0 : an ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Sorts every slice along `dim` of a contiguous copy of x and keeps the first `k` of each.
 * Returns values and int64 indices of shape x.shape with dim's size replaced by k.
 */
function sortSlices(x: Tensor, dim: number, descending: boolean, k: number): [Tensor, Tensor] {
  const c = dense(x);
  const shape = x._shape.slice();
  const n = x.dim() === 0 ? 1 : shape[dim];
  const inner = shape.slice(dim + 1).reduce((a, b) => a * b, 1);
  const outer = x.numel() / Math.max(n * inner, 1);
  const outShape = x.dim() === 0 ? [] : shape.map((s, i) => (i === dim ? k : s));
  const values = Tensor._empty(outShape, x.dtype);
  const indices = Tensor._empty(outShape, int64);
  const src = c._storage.data;
  const vd = values._storage.data;
  const id = indices._storage.data;
  const order = new Array<number>(n);
  const sign = descending ? -1 : 1;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      for (let j = 0; j < n; j++) order[j] = j;
      // Array.prototype.sort is stable (ES2019), which gives PyTorch's tie order.
      order.sort((p, q) => sign * ascending(src[base + p * inner], src[base + q * inner]));
      for (let j = 0; j < k; j++) {
        const at = o * k * inner + j * inner + i;
        vd[at] = src[base + order[j] * inner];
        id[at] = order[j];
      }
    }
  }
  return [values, indices];
}

const selectBackward = (ctx: { [key: string]: unknown; saved_tensors: Tensor[] }, g: Tensor): Tensor => {
  const [indices] = ctx.saved_tensors;
  const zeros = Tensor._zeros(ctx.shape as number[], g.dtype);
  if (g.dim() === 0) return g.reshape(ctx.shape as number[]);
  return scatter(zeros, ctx.dim as number, indices, g);
};

const sortOp = (name: string) => defineOp<[Tensor, number, boolean], Tensor[]>({
  name,
  forward(ctx, x: Tensor, dim: number, descending: boolean) {
    Object.assign(ctx, { dim, shape: x._shape.slice() });
    const n = x.dim() === 0 ? 1 : x._shape[dim];
    const [values, indices] = sortSlices(x, dim, descending, n);
    ctx.save_for_backward(indices);
    return [values, indices];
  },
  backward: (ctx, g) => [selectBackward(ctx, g)],
  nondiff_outputs: [1],
});
const sortImpl = sortOp('SortBackward0');
// The `stable=` overload (sort.stable) records its own node name.
const sortStableImpl = sortOp('SortBackward1');

/** Reads (dim, descending) given positionally, as an options object, or both. */
function sortArgs(a?: number | SortOpts, b?: boolean | SortOpts): Required<SortOpts> & { explicit: boolean } {
  const o: SortOpts = { ...(typeof a === 'object' ? a : { dim: a }), ...(typeof b === 'object' ? b : {}) };
  if (typeof b === 'boolean') o.descending = b;
  const explicit = o.stable !== undefined && o.stable !== null;
  return { dim: o.dim ?? -1, descending: o.descending ?? false, stable: o.stable ?? false, explicit };
}

/**
 * torch.sort(input, dim=-1, descending=False, stable=False) -> (values, indices).
 * Stable either way: equal values keep their input order.
 * @example const { values, indices } = torch.sort(torch.tensor([3, 1, 2]));
 */
export function sort(input: Tensor, dim?: number | SortOpts, descending?: boolean | SortOpts): ValuesIndices {
  const o = sortArgs(dim, descending);
  const d = wrapDim(o.dim, input.dim());
  const [v, i] = (o.explicit ? sortStableImpl : sortImpl)(input, d, o.descending);
  return valuesIndices(v, i);
}

/**
 * torch.argsort(input, dim=-1, descending=False, stable=False): the indices that sort input.
 * @example torch.argsort(torch.tensor([3, 1, 2])) // tensor([1, 2, 0])
 */
export function argsort(input: Tensor, dim?: number | SortOpts, descending?: boolean | SortOpts): Tensor {
  const o = sortArgs(dim, descending);
  const d = wrapDim(o.dim, input.dim());
  return sortSlices(input, d, o.descending, input.dim() === 0 ? 1 : input._shape[d])[1];
}

const topkImpl = defineOp<[Tensor, number, number, boolean], Tensor[]>({
  name: 'TopkBackward0',
  forward(ctx, x: Tensor, k: number, dim: number, largest: boolean) {
    Object.assign(ctx, { dim, shape: x._shape.slice() });
    const [values, indices] = sortSlices(x, dim, largest, k);
    ctx.save_for_backward(indices);
    return [values, indices];
  },
  backward: (ctx, g) => [selectBackward(ctx, g)],
  inputs: [0],
  nondiff_outputs: [1],
});

/**
 * torch.topk(input, k, dim=-1, largest=True, sorted=True) -> (values, indices).
 * The k largest (or smallest) along dim; always returned sorted.
 * @example torch.topk(torch.tensor([1, 5, 3]), 2).values // tensor([5, 3])
 */
export function topk(input: Tensor, k: number, dim?: number | TopkOpts,
  largest?: boolean | TopkOpts): ValuesIndices {
  const o: TopkOpts = typeof dim === 'object' ? { ...dim } : { dim };
  if (typeof largest === 'object') Object.assign(o, largest);
  if (typeof largest === 'boolean') o.largest = largest;
  const d = wrapDim(o.dim ?? -1, input.dim());
  const size = input.dim() === 0 ? 1 : input._shape[d];
  check(k >= 0 && k <= size, () => 'selected index k out of range');
  const [v, i] = topkImpl(input, k, d, o.largest ?? true);
  return valuesIndices(v, i);
}
