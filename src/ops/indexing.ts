// Basic indexing and assignment: t.index(...) / t.index_put_(...) (python_variable_indexing.cpp
// applySlicing; TensorIndexing.h).
import { Tensor, type TensorOrScalar } from '../tensor/tensor.js';
import { type IndexItem, type ParsedItem, Slice, parseIndex } from '../tensor/indexing.js';
import { IndexError, NotImplementedError, check } from '../utils/check.js';
import { defineOp } from './define.js';
import { select, slice, unsqueeze } from './shape.js';
import { copy_ } from './inplace.js';
import { scalarTensor } from './scalar.js';

const aliasImpl = defineOp({
  name: 'AliasBackward0',
  forward: (_ctx, x: Tensor) => x._view(x._shape, x._strides, x._offset),
  backward: (_ctx, g) => [g],
});

function consumesDim(it: ParsedItem): boolean {
  return it !== null && it !== '...' && typeof it !== 'boolean';
}

/** Applies basic (view) indexing: ints select, slices slice, None inserts, ... expands. */
function applySlicing(x: Tensor, items: ParsedItem[]): Tensor {
  const used = items.filter(consumesDim).length;
  const ellipses = items.filter((i) => i === '...').length;
  check(ellipses <= 1, () => 'an index can only have a single ellipsis (\'...\')', IndexError);
  check(used <= x.dim(), () =>
    `too many indices for tensor of dimension ${x.dim()}`, IndexError);
  let out = x;
  let dim = 0;
  for (const it of items) {
    if (it === '...') {
      dim += x.dim() - used;
    } else if (it === null) {
      out = unsqueeze(out, dim);
      dim++;
    } else if (typeof it === 'number') {
      check(Number.isInteger(it), () => 'only integers, slices (`:`), ellipsis (`...`), None and long or ' +
        'byte Variables are valid indices', IndexError);
      out = select(out, dim, it);
    } else if (it instanceof Slice) {
      const step = it.step ?? 1;
      check(step > 0, () => 'step must be greater than zero');
      const n = out._shape[dim];
      const full = (it.start ?? 0) === 0 && (it.stop === null || it.stop >= n) && step === 1;
      if (!full) out = slice(out, dim, it.start, it.stop, step);
      dim++;
    } else {
      throw new NotImplementedError(
        'indexing with tensors, lists or booleans (advanced indexing) is not supported by ' +
        'tstorch yet; use index_select, gather or masked_select');
    }
  }
  return out === x ? aliasImpl(x) : out;
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
  const target = applySlicing(x, parseIndex(items));
  const v = value instanceof Tensor ? value : scalarTensor(value, x.dtype);
  copy_(target, v);
  return x;
}
