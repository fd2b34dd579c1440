// Advanced indexing: x[idx] with integer or boolean tensors (and lists), and index_put_ with
// them (ATen/native/TensorAdvancedIndexing.cpp: index, index_put_, nonzero, index_select).
import { K } from '../backend/backend.js';
import { int64 } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { broadcastShapes, fmtShape } from '../tensor/view.js';
import { IndexError, check, wrapDim } from '../utils/check.js';
import { defineOp } from './define.js';
import { kv, kvAs, storeKind } from './util.js';

/** torch.nonzero(input): int64 [n, ndim] coordinates of the non-zero elements. */
export function nonzero(x: Tensor): Tensor {
  const c = x.contiguous();
  const d = c._storage.data;
  const coords: number[] = [];
  const n = c.numel();
  const nd = x.dim();
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (d[c._offset + i] === 0) continue;
    count++;
    let rest = i;
    const idx = new Array<number>(nd);
    for (let k = nd - 1; k >= 0; k--) {
      idx[k] = rest % x._shape[k];
      rest = Math.floor(rest / x._shape[k]);
    }
    coords.push(...idx);
  }
  return Tensor._fromData(Float64Array.from(coords), [count, nd], int64);
}

interface Plan {
  /** dims of x (after basic slicing) indexed by tensors, in order */
  dims: number[];
  /** the index tensors, broadcast to one shape, as flat int64 values (wrapped non-negative) */
  indices: Float64Array[];
  bshape: number[];
  /** whether the indexed dims are adjacent (result dims stay in place) */
  adjacent: boolean;
}

/** Resolves tensors-per-dim into a gather plan, checking bounds like PyTorch. */
export function planAdvanced(x: Tensor, perDim: (Tensor | null)[]): Plan {
  const dims: number[] = [];
  const tensors: Tensor[] = [];
  perDim.forEach((t, d) => {
    if (t === null) return;
    dims.push(d);
    tensors.push(t);
  });
  const bshape = broadcastShapes(...tensors.map((t) => t._shape));
  const indices = tensors.map((t, k) => {
    const size = x._shape[dims[k]];
    const flat = Tensor._empty(bshape, int64);
    K().copy(kvAs(t, bshape), kv(flat), 'int64');
    const v = flat._storage.data as Float64Array;
    for (let i = 0; i < v.length; i++) {
      const idx = v[i];
      check(idx >= -size && idx < size, () =>
        `index ${idx} is out of bounds for dimension ${dims[k]} with size ${size}`, IndexError);
      if (idx < 0) v[i] = idx + size;
    }
    return v;
  });
  const adjacent = dims.every((d, i) => i === 0 || d === dims[i - 1] + 1);
  return { dims, indices, bshape, adjacent };
}

function resultShape(x: Tensor, p: Plan): number[] {
  const rest = x._shape.filter((_, d) => !p.dims.includes(d));
  if (!p.adjacent) return [...p.bshape, ...rest];
  const before = x._shape.slice(0, p.dims[0]);
  const after = x._shape.slice(p.dims[p.dims.length - 1] + 1);
  return [...before, ...p.bshape, ...after];
}

/**
 * Visits each (source offset in x, destination offset in the result) pair of an advanced index.
 * The result is laid out contiguous in resultShape order.
 */
function forEachPair(x: Tensor, p: Plan, fn: (src: number, dst: number) => void): void {
  const rest = x._shape.map((_, d) => d).filter((d) => !p.dims.includes(d));
  const nb = p.indices[0]?.length ?? 0;
  const restShape = rest.map((d) => x._shape[d]);
  const restStrides = rest.map((d) => x._strides[d]);
  const restN = restShape.reduce((a, b) => a * b, 1);
  // In the output, the broadcast block sits at position `lead` among the rest dims.
  const lead = p.adjacent ? rest.filter((d) => d < p.dims[0]).length : 0;
  const inner = restShape.slice(lead).reduce((a, b) => a * b, 1);
  const counter = new Array<number>(rest.length).fill(0);
  for (let r = 0; r < restN; r++) {
    let srcRest = x._offset;
    for (let k = 0; k < rest.length; k++) srcRest += counter[k] * restStrides[k];
    const outer = Math.floor(r / inner);
    const innerIdx = r % inner;
    for (let b = 0; b < nb; b++) {
      let src = srcRest;
      for (let k = 0; k < p.dims.length; k++) src += p.indices[k][b] * x._strides[p.dims[k]];
      fn(src, (outer * nb + b) * inner + innerIdx);
    }
    for (let k = rest.length - 1; k >= 0; k--) {
      if (++counter[k] < restShape[k]) break;
      counter[k] = 0;
    }
  }
}

type IndexFn = (x: Tensor, perDim: (Tensor | null)[]) => Tensor;
type IndexPutFn = (x: Tensor, perDim: (Tensor | null)[], values: Tensor, accumulate: boolean) => Tensor;

const indexImpl: IndexFn = defineOp({
  name: 'IndexBackward0',
  forward(ctx, x: Tensor, perDim: (Tensor | null)[]) {
    const p = planAdvanced(x, perDim);
    Object.assign(ctx, { shape: x._shape.slice(), perDim });
    const out = Tensor._empty(resultShape(x, p), x.dtype);
    const src = x._storage.data;
    const dst = out._storage.data;
    forEachPair(x, p, (s, d) => (dst[d] = src[s]));
    return out;
  },
  backward(ctx, g) {
    const zeros = Tensor._zeros(ctx.shape as number[], g.dtype);
    return [indexPutImpl(zeros, ctx.perDim as (Tensor | null)[], g, true), null];
  },
});

const indexPutImpl: IndexPutFn = defineOp({
  name: 'IndexPutBackward0',
  forward(ctx, x: Tensor, perDim: (Tensor | null)[], values: Tensor, accumulate: boolean) {
    ctx.perDim = perDim;
    const out = Tensor._empty(x._shape, x.dtype);
    K().copy(kv(x), kv(out), storeKind(x.dtype));
    const p = planAdvanced(out, perDim);
    const shape = resultShape(out, p);
    const v = Tensor._empty(shape, x.dtype);
    K().copy(kvAs(values, shape), kv(v), storeKind(x.dtype));
    const dst = out._storage.data;
    const src = v._storage.data;
    if (accumulate) forEachPair(out, p, (o, i) => (dst[o] += src[i]));
    else forEachPair(out, p, (o, i) => (dst[o] = src[i]));
    return out;
  },
  backward(ctx, g) {
    const perDim = ctx.perDim as (Tensor | null)[];
    return [g, null, indexImpl(g, perDim), null];
  },
});

/** Turns boolean masks into per-dim long indices (a mask covers as many dims as it has). */
export function expandMasks(x: Tensor, items: (Tensor | null)[], firstDim: number): (Tensor | null)[] {
  const perDim: (Tensor | null)[] = new Array<Tensor | null>(x.dim()).fill(null);
  let d = firstDim;
  for (const it of items) {
    if (it !== null && it.dtype.name === 'bool') {
      for (let k = 0; k < it.dim(); k++) {
        check(it._shape[k] === x._shape[d + k], () =>
          `The shape of the mask ${fmtShape(it._shape)} at index ${k} does not match the shape of the ` +
          `indexed tensor ${fmtShape(x._shape)} at index ${d + k}`, IndexError);
      }
      const nz = nonzero(it);
      for (let k = 0; k < it.dim(); k++) perDim[d + k] = nz.select(1, k);
      d += it.dim();
    } else {
      if (it !== null) check(!it.dtype.is_floating_point, () =>
        'tensors used as indices must be long, int, byte or bool tensors', IndexError);
      perDim[d] = it;
      d++;
    }
  }
  return perDim;
}

/** x[perDim...]: gathers with one index tensor (or null) per dim. */
export function advancedIndex(x: Tensor, perDim: (Tensor | null)[]): Tensor {
  return indexImpl(x, perDim);
}

/** index_put(x, perDim, values, accumulate): out-of-place; index_put_ writes it back. */
export function advancedIndexPut(x: Tensor, perDim: (Tensor | null)[], values: Tensor, accumulate = false): Tensor {
  return indexPutImpl(x, perDim, values, accumulate);
}

/** torch.index_select(input, dim, index) */
export function index_select(x: Tensor, dim: number, index: Tensor): Tensor {
  const d = wrapDim(dim, x.dim());
  check(index.dim() <= 1, () => 'index_select(): Index is supposed to be a vector');
  const perDim: (Tensor | null)[] = x._shape.map(() => null);
  perDim[d] = index.reshape(-1);
  return advancedIndex(x, perDim);
}

/** torch.masked_select(input, mask): the elements where mask is true, as a 1-D tensor. */
export function masked_select(x: Tensor, mask: Tensor): Tensor {
  const shape = broadcastShapes(x._shape, mask._shape);
  const xe = x.expand(shape);
  return advancedIndex(xe, expandMasks(xe, [mask.expand(shape)], 0));
}
