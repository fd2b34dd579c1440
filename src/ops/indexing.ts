// Basic indexing and assignment: t.index(...) / t.index_put_(...) (python_variable_indexing.cpp
// applySlicing; TensorIndexing.h).
import { Tensor, type TensorOrScalar } from '../tensor/tensor.js';
import { type IndexItem, type ParsedItem, Slice, parseIndex } from '../tensor/indexing.js';
import { IndexError, NotImplementedError, check } from '../utils/check.js';
import { tensor } from '../tensor/factories.js';
import { advancedIndex, advancedIndexPut, expandMasks } from './advanced_index.js';
import { inplace } from './inplace.js';
import { defineOp } from './define.js';
import { select, slice, unsqueeze } from './shape.js';
import { copy_ } from './inplace.js';
import { scalarTensor } from './scalar.js';

const aliasImpl = defineOp({
  name: 'AliasBackward0',
  forward: (_ctx, x: Tensor) => x._view(x._shape, x._strides, x._offset),
  backward: (_ctx, g) => [g],
});

function consumedDims(it: ParsedItem): number {
  if (it === null || it === '...' || typeof it === 'boolean') return 0;
  if (it instanceof Tensor && it.dtype.name === 'bool') return Math.max(it.dim(), 1);
  return 1;
}

function asIndexTensor(it: ParsedItem): Tensor | null {
  if (it instanceof Tensor) return it;
  if (Array.isArray(it)) return tensor(it as number[]);
  return null;
}

/**
 * Python's x[items]: ints select, slices slice, None inserts a dim, ... expands; integer and
 * boolean tensors (or lists) then index the remaining dims (advanced indexing, a copy).
 */
function applySlicing(x: Tensor, items: ParsedItem[]): Tensor {
  const used = items.reduce((n: number, it) => n + consumedDims(it), 0);
  const ellipses = items.filter((i) => i === '...').length;
  check(ellipses <= 1, () => 'an index can only have a single ellipsis (\'...\')', IndexError);
  check(used <= x.dim(), () =>
    `too many indices for tensor of dimension ${x.dim()}`, IndexError);
  let out = x;
  let dim = 0;
  const advanced: { dim: number; t: Tensor }[] = [];
  for (const it of items) {
    const t = asIndexTensor(it);
    if (t !== null) {
      advanced.push({ dim, t });
      dim += t.dtype.name === 'bool' ? Math.max(t.dim(), 1) : 1;
    } else if (it === '...') {
      dim += x.dim() - used;
    } else if (it === null) {
      out = unsqueeze(out, dim);
      dim++;
    } else if (typeof it === 'number') {
      check(Number.isInteger(it), () => 'only integers, slices (`:`), ellipsis (`...`), None and long or ' +
        'byte Variables are valid indices', IndexError);
      const n = out._shape[dim];
      check(it >= -n && it < n, () => `index ${it} is out of bounds for dimension ${dim} with size ${n}`,
        IndexError);
      out = select(out, dim, it);
    } else if (it instanceof Slice) {
      const step = it.step ?? 1;
      check(step > 0, () => 'step must be greater than zero');
      const n = out._shape[dim];
      const full = (it.start ?? 0) === 0 && (it.stop === null || it.stop >= n) && step === 1;
      if (!full) out = slice(out, dim, it.start, it.stop, step);
      dim++;
    } else {
      throw new NotImplementedError('indexing with a Python bool is not supported by tstorch');
    }
  }
  if (advanced.length > 0) return advancedIndex(out, perDimOf(out, advanced));
  return out === x ? aliasImpl(x) : out;
}

function perDimOf(out: Tensor, advanced: { dim: number; t: Tensor }[]): (Tensor | null)[] {
  const perDim: (Tensor | null)[] = out._shape.map(() => null);
  for (const { dim, t } of advanced) {
    const expanded = expandMasks(out, [t], dim);
    expanded.forEach((e, d) => {
      if (e !== null) perDim[d] = e;
    });
  }
  return perDim;
}

/**
 * t.index('1:2, ..., None, 0') / t.index(torch.slice(1, 2), '...', null, 0): Python's x[...].
 * Basic indexing returns a view sharing storage.
 * @example torch.arange(6).reshape(2, 3).index('1, 1:') // tensor([4, 5])
 */
export function index(x: Tensor, ...items: IndexItem[]): Tensor {
  const flat = items.length === 1 && Array.isArray(items[0]) && !items[0].every((v) => typeof v === 'number')
    ? (items[0] as IndexItem[]) : items;
  return applySlicing(x, parseIndex(flat));
}

/** t.index_put_(indices, value) / t.set(indices, value): Python's x[...] = value. */
export function index_put_(x: Tensor, indices: IndexItem | IndexItem[], value: TensorOrScalar): Tensor {
  const items = Array.isArray(indices) && !indices.every((v) => typeof v === 'number')
    ? (indices as IndexItem[]) : [indices as IndexItem];
  const parsed = parseIndex(items);
  const v = value instanceof Tensor ? value : scalarTensor(value, x.dtype);
  if (!parsed.some((it) => asIndexTensor(it) !== null)) {
    copy_(applySlicing(x, parsed), v);
    return x;
  }
  // Advanced assignment: basic items must come first, then tensors (the common x[mask] = v).
  const firstTensor = parsed.findIndex((it) => asIndexTensor(it) !== null);
  const base = firstTensor === 0 ? x : applySlicing(x, parsed.slice(0, firstTensor));
  const rest = parsed.slice(firstTensor).map((it) => asIndexTensor(it));
  check(rest.every((t) => t !== null), () =>
    'index_put_: basic indices after tensor indices are not supported by tstorch yet');
  inplace(base, (b: Tensor) => advancedIndexPut(b, expandMasks(b, rest, 0), v));
  return x;
}
