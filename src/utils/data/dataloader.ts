// DataLoader and default_collate (torch/utils/data/dataloader.py, _utils/collate.py): batches of
// samples from a map-style dataset, in process (num_workers 0 only).
import { Tensor } from '../../tensor/tensor.js';
import { tensor } from '../../tensor/factories.js';
import { stack } from '../../ops/shape.js';
import { Generator } from '../../random/generator.js';
import { check, ValueError } from '../check.js';
import { Dataset } from './dataset.js';
import { BatchSampler, RandomSampler, SequentialSampler, randomInt64Seed } from './sampler.js';

const ERR = 'default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found ';

/** The Python type name PyTorch's message would print for a JS value. */
function pythonTypeName(x: unknown): string {
  if (x === null || x === undefined) return "<class 'NoneType'>";
  if (typeof x === 'function') return "<class 'function'>";
  if (typeof x === 'bigint') return "<class 'int'>";
  if (typeof x === 'symbol') return "<class 'symbol'>";
  return `<class '${(x as object).constructor?.name ?? 'object'}'>`;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null) return false;
  const proto = Object.getPrototypeOf(x) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Collates a batch as PyTorch's default_collate does: tensors are stacked on a new first dim;
 * integers become an int64 tensor and fractional numbers a float64 tensor (Python ints and
 * floats); booleans a bool tensor; strings stay a list; arrays (tuples, lists) are transposed
 * and collated per position; plain objects (dicts) are collated per key.
 *
 * @example
 * default_collate([[torch.tensor([1, 2]), 0], [torch.tensor([3, 4]), 1]]);
 * // [tensor([[1, 2], [3, 4]]), tensor([0, 1])]
 */
export function default_collate(batch: readonly unknown[]): unknown {
  const elem = batch[0];
  if (elem instanceof Tensor) return stack(batch as Tensor[], 0);
  if (typeof elem === 'number') {
    const ints = batch.every((b) => Number.isInteger(b));
    return tensor(batch as number[], { dtype: ints ? 'int64' : 'float64' });
  }
  if (typeof elem === 'boolean') return tensor(batch as boolean[]);
  if (typeof elem === 'string') return batch;
  if (isPlainObject(elem)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(elem)) {
      out[key] = default_collate(batch.map((d) => (d as Record<string, unknown>)[key]));
    }
    return out;
  }
  if (Array.isArray(elem)) {
    const size = elem.length;
    check(batch.every((b) => Array.isArray(b) && b.length === size), () =>
      'each element in list of batch should be of equal size');
    const transposed: unknown[] = [];
    for (let i = 0; i < size; i++) transposed.push(default_collate(batch.map((b) => (b as unknown[])[i])));
    return transposed;
  }
  throw new TypeError(ERR + pythonTypeName(elem));
}

/**
 * The collate used when automatic batching is off (batch_size: null): samples pass through
 * unchanged, since tstorch has no numpy arrays to convert.
 *
 * @example
 * default_convert(torch.tensor([1, 2])); // the same tensor
 */
export function default_convert<T>(data: T): T {
  return data;
}

/**
 * The type default_collate makes of a batch of `T`s: tensors and numbers become tensors, strings
 * a list of strings, tuples and objects keep their shape with collated members.
 */
export type Collated<T> = T extends Tensor | number | boolean ? Tensor
  : T extends string ? string[]
  : T extends readonly unknown[] ? { -readonly [K in keyof T]: Collated<T[K]> }
  : T extends object ? { [K in keyof T]: Collated<T[K]> }
  : unknown;

export interface DataLoaderOptions<T, B> {
  /** Samples per batch; null turns automatic batching off (then name B, the sample type). Default 1. */
  batch_size?: number | null;
  shuffle?: boolean;
  sampler?: Iterable<number> & { __len__(): number };
  batch_sampler?: Iterable<number[]> & { __len__(): number };
  num_workers?: number;
  collate_fn?: (batch: T[]) => B;
  drop_last?: boolean;
  generator?: Generator | null;
}

/**
 * Iterates over a dataset in batches (torch.utils.data.DataLoader). With `shuffle` it draws
 * the same random order as PyTorch for the same seed or generator, including PyTorch's extra
 * draw of a base seed from the generator at the start of every pass.
 *
 * @example
 * const loader = new DataLoader(new TensorDataset(x, y), { batch_size: 32, shuffle: true });
 * for (const [xb, yb] of loader) { ... }
 * loader.length; // len(loader): the number of batches
 */
export class DataLoader<T = unknown, B = Collated<T>> implements Iterable<B> {
  readonly dataset: Dataset<T>;
  readonly batch_size: number | null;
  readonly drop_last: boolean;
  readonly sampler: Iterable<number> & { __len__(): number };
  readonly batch_sampler: (Iterable<number[]> & { __len__(): number }) | null;
  readonly generator: Generator | null;
  readonly collate_fn: (batch: T[]) => B;
  readonly num_workers = 0;

  constructor(dataset: Dataset<T>, opts: DataLoaderOptions<T, B> = {}) {
    const numWorkers = opts.num_workers ?? 0;
    check(numWorkers >= 0, () =>
      'num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.', ValueError);
    check(numWorkers === 0, () =>
      `tstorch's DataLoader loads in process only: num_workers must be 0, got ${numWorkers}`, ValueError);
    const shuffle = opts.shuffle ?? false;
    let batchSize = opts.batch_size === undefined ? 1 : opts.batch_size;
    let dropLast = opts.drop_last ?? false;
    let sampler = opts.sampler;
    let batchSampler = opts.batch_sampler ?? null;
    check(!(sampler !== undefined && shuffle), () =>
      'sampler option is mutually exclusive with shuffle', ValueError);
    if (batchSampler !== null) {
      check(batchSize === 1 && !shuffle && sampler === undefined && !dropLast, () =>
        'batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last',
        ValueError);
      batchSize = null;
      dropLast = false;
    } else if (batchSize === null) {
      check(!dropLast, () =>
        'batch_size=None option disables auto-batching and is mutually exclusive with drop_last', ValueError);
    }
    if (sampler === undefined) {
      sampler = shuffle
        ? new RandomSampler(dataset, { generator: opts.generator ?? null })
        : new SequentialSampler(dataset);
    }
    if (batchSize !== null && batchSampler === null) {
      batchSampler = new BatchSampler(sampler, batchSize, dropLast);
    }
    this.dataset = dataset;
    this.batch_size = batchSize;
    this.drop_last = dropLast;
    this.sampler = sampler;
    this.batch_sampler = batchSampler;
    this.generator = opts.generator ?? null;
    this.collate_fn = opts.collate_fn ?? (batchSampler !== null
      ? (default_collate as (batch: T[]) => B)
      : (default_convert as unknown as (batch: T[]) => B));
  }

  /** PyTorch's _auto_collation: whether samples are gathered into batches. */
  get _auto_collation(): boolean {
    return this.batch_sampler !== null;
  }

  /** len(loader): the number of batches (or samples, without automatic batching). */
  get length(): number {
    return this.__len__();
  }

  __len__(): number {
    return this.batch_sampler !== null ? this.batch_sampler.__len__() : this.sampler.__len__();
  }

  *[Symbol.iterator](): Iterator<B> {
    // PyTorch's _BaseDataLoaderIter draws a base seed (for workers) before the first index, so
    // the same draw is made here to keep the generator's stream aligned with PyTorch's.
    randomInt64Seed(this.generator);
    if (this.batch_sampler !== null) {
      for (const indices of this.batch_sampler) {
        yield this.collate_fn(indices.map((i) => this.dataset.__getitem__(i)));
      }
    } else {
      for (const i of this.sampler) {
        yield (this.collate_fn as unknown as (sample: T) => B)(this.dataset.__getitem__(i));
      }
    }
  }
}
