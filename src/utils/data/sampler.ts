// Index samplers (torch/utils/data/sampler.py): Sampler, SequentialSampler, RandomSampler,
// SubsetRandomSampler, BatchSampler. Each is an iterable of dataset indices (or index batches).
import { Generator, default_generator } from '../../random/generator.js';
import { randint, randperm } from '../../ops/random.js';
import { check, ValueError } from '../check.js';

/** Anything with PyTorch's `__len__()`: a Dataset or a Sampler. */
export interface Sized {
  __len__(): number;
}

/**
 * The base class of samplers: iterables of indices that may know their length.
 *
 * @example
 * class Reversed extends Sampler<number> {
 *   constructor(private n: number) { super(); }
 *   *[Symbol.iterator]() { for (let i = this.n - 1; i >= 0; i--) yield i; }
 *   __len__() { return this.n; }
 * }
 */
export abstract class Sampler<T = number> implements Iterable<T> {
  abstract [Symbol.iterator](): Iterator<T>;
  abstract __len__(): number;
}

/**
 * Yields 0, 1, ..., len(data_source) - 1 (torch.utils.data.SequentialSampler).
 *
 * @example
 * [...new SequentialSampler(ds)]; // [0, 1, 2, ...]
 */
export class SequentialSampler extends Sampler<number> {
  constructor(readonly data_source: Sized) {
    super();
  }

  *[Symbol.iterator](): Iterator<number> {
    const n = this.data_source.__len__();
    for (let i = 0; i < n; i++) yield i;
  }

  __len__(): number {
    return this.data_source.__len__();
  }
}

/**
 * PyTorch's `int(torch.empty((), dtype=torch.int64).random_(generator=g).item())`: a full-range
 * int64 draw, random64() modulo 2^63, kept as a bigint so large seeds stay exact.
 */
export function randomInt64Seed(generator?: Generator | null): bigint {
  return (generator ?? default_generator).random64() % (1n << 63n);
}

export interface RandomSamplerOptions {
  replacement?: boolean;
  num_samples?: number | null;
  generator?: Generator | null;
}

/**
 * Random indices: a permutation, or with `replacement` draws of `num_samples` indices
 * (torch.utils.data.RandomSampler). Without a generator each pass seeds a fresh one from the
 * default generator, exactly as PyTorch does, so `torch.manual_seed` reproduces PyTorch's order.
 *
 * @example
 * torch.manual_seed(0);
 * [...new RandomSampler(ds)]; // the order PyTorch gives after torch.manual_seed(0)
 */
export class RandomSampler extends Sampler<number> {
  readonly replacement: boolean;
  readonly generator: Generator | null;
  private readonly _num_samples: number | null;

  constructor(readonly data_source: Sized, opts: RandomSamplerOptions = {}) {
    super();
    this.replacement = opts.replacement ?? false;
    this._num_samples = opts.num_samples ?? null;
    this.generator = opts.generator ?? null;
    check(typeof this.replacement === 'boolean', () =>
      `replacement should be a boolean value, but got replacement=${String(this.replacement)}`, TypeError);
    const n = this.num_samples;
    check(Number.isInteger(n) && n > 0, () =>
      `num_samples should be a positive integer value, but got num_samples=${n}`, ValueError);
  }

  /** len(data_source) unless num_samples was given (the dataset size may change at runtime). */
  get num_samples(): number {
    return this._num_samples ?? this.data_source.__len__();
  }

  *[Symbol.iterator](): Iterator<number> {
    const n = this.data_source.__len__();
    let generator = this.generator;
    if (generator === null) generator = new Generator().manual_seed(randomInt64Seed());
    const num = this.num_samples;
    if (this.replacement) {
      for (let i = 0; i < Math.floor(num / 32); i++) {
        yield* randint(n, [32], { generator }).tolist() as number[];
      }
      yield* randint(n, [num % 32], { generator }).tolist() as number[];
    } else {
      for (let i = 0; i < Math.floor(num / n); i++) yield* randperm(n, { generator }).tolist() as number[];
      yield* (randperm(n, { generator }).tolist() as number[]).slice(0, num % n);
    }
  }

  __len__(): number {
    return this.num_samples;
  }
}

/**
 * A random permutation of the given indices (torch.utils.data.SubsetRandomSampler).
 *
 * @example
 * [...new SubsetRandomSampler([10, 20, 30])]; // e.g. [30, 10, 20]
 */
export class SubsetRandomSampler extends Sampler<number> {
  constructor(readonly indices: number[], readonly opts: { generator?: Generator | null } = {}) {
    super();
  }

  *[Symbol.iterator](): Iterator<number> {
    const generator = this.opts.generator ?? null;
    const perm = randperm(this.indices.length, { generator }).tolist() as number[];
    for (const i of perm) yield this.indices[i];
  }

  __len__(): number {
    return this.indices.length;
  }
}

/**
 * Groups another sampler's indices into lists of `batch_size` (torch.utils.data.BatchSampler).
 *
 * @example
 * [...new BatchSampler(new SequentialSampler(ds10), 3, false)]; // [[0,1,2],[3,4,5],[6,7,8],[9]]
 */
export class BatchSampler extends Sampler<number[]> {
  constructor(readonly sampler: Iterable<number> & Partial<Sized>, readonly batch_size: number,
    readonly drop_last: boolean) {
    super();
    check(Number.isInteger(batch_size) && typeof batch_size === 'number' && batch_size > 0, () =>
      `batch_size should be a positive integer value, but got batch_size=${String(batch_size)}`, ValueError);
    check(typeof drop_last === 'boolean', () =>
      `drop_last should be a boolean value, but got drop_last=${String(drop_last)}`, ValueError);
  }

  *[Symbol.iterator](): Iterator<number[]> {
    let batch: number[] = [];
    for (const idx of this.sampler) {
      batch.push(idx);
      if (batch.length === this.batch_size) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0 && !this.drop_last) yield batch;
  }

  __len__(): number {
    check(this.sampler.__len__ !== undefined, () => 'object of type sampler has no len()', TypeError);
    const n = this.sampler.__len__();
    return this.drop_last ? Math.floor(n / this.batch_size) : Math.ceil(n / this.batch_size);
  }
}
