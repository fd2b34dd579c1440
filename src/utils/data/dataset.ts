// Map-style datasets and random_split (torch/utils/data/dataset.py): Dataset, TensorDataset,
// Subset, ConcatDataset. Subclasses implement PyTorch's `__len__()` and `__getitem__(i)`.
import { Tensor } from '../../tensor/tensor.js';
import { Generator, default_generator } from '../../random/generator.js';
import { randperm } from '../../ops/random.js';
import { check, ValueError } from '../check.js';
import { warn } from '../warnings.js';

/**
 * A map-style dataset: an indexable collection of samples (torch.utils.data.Dataset).
 *
 * @example
 * class Squares extends Dataset<number> {
 *   __len__() { return 10; }
 *   __getitem__(i: number) { return i * i; }
 * }
 */
export abstract class Dataset<T = unknown> {
  /** The number of samples. */
  abstract __len__(): number;
  /** The sample at index `i`. */
  abstract __getitem__(i: number): T;
}

/**
 * Samples are tuples of the i-th rows of each tensor (torch.utils.data.TensorDataset).
 *
 * @example
 * const ds = new TensorDataset(torch.randn(4, 2), torch.arange(4));
 * const [x, y] = ds.__getitem__(1);
 */
export class TensorDataset extends Dataset<Tensor[]> {
  readonly tensors: Tensor[];

  constructor(...tensors: Tensor[]) {
    super();
    check(tensors.every((t) => t.size(0) === tensors[0].size(0)), () => 'Size mismatch between tensors');
    this.tensors = tensors;
  }

  __getitem__(i: number): Tensor[] {
    return this.tensors.map((t) => t.select(0, i));
  }

  __len__(): number {
    return this.tensors[0].size(0);
  }
}

/**
 * The samples of `dataset` at `indices`, in that order (torch.utils.data.Subset).
 *
 * @example
 * const evens = new Subset(ds, [0, 2, 4]);
 * evens.__len__(); // 3
 */
export class Subset<T = unknown> extends Dataset<T> {
  constructor(readonly dataset: Dataset<T>, readonly indices: number[]) {
    super();
  }

  __getitem__(idx: number): T {
    return this.dataset.__getitem__(this.indices[idx < 0 ? idx + this.indices.length : idx]);
  }

  __len__(): number {
    return this.indices.length;
  }
}

/**
 * Several datasets one after another (torch.utils.data.ConcatDataset).
 *
 * @example
 * const both = new ConcatDataset([train, extra]);
 * both.__len__(); // train.__len__() + extra.__len__()
 */
export class ConcatDataset<T = unknown> extends Dataset<T> {
  readonly datasets: Dataset<T>[];
  readonly cumulative_sizes: number[];

  static cumsum(sequence: Iterable<Dataset<unknown>>): number[] {
    const r: number[] = [];
    let s = 0;
    for (const e of sequence) {
      s += e.__len__();
      r.push(s);
    }
    return r;
  }

  constructor(datasets: Iterable<Dataset<T>>) {
    super();
    this.datasets = [...datasets];
    check(this.datasets.length > 0, () => 'datasets should not be an empty iterable');
    this.cumulative_sizes = ConcatDataset.cumsum(this.datasets);
  }

  __len__(): number {
    return this.cumulative_sizes[this.cumulative_sizes.length - 1];
  }

  __getitem__(idx: number): T {
    if (idx < 0) {
      check(-idx <= this.__len__(), () =>
        'absolute value of index should not exceed dataset length', ValueError);
      idx = this.__len__() + idx;
    }
    // bisect_right: the first dataset whose cumulative size exceeds idx.
    let d = 0;
    while (d < this.cumulative_sizes.length && this.cumulative_sizes[d] <= idx) d++;
    const sample = d === 0 ? idx : idx - this.cumulative_sizes[d - 1];
    return this.datasets[d].__getitem__(sample);
  }
}

/** Python's math.isclose with its default rel_tol=1e-9. */
function isclose(a: number, b: number): boolean {
  return a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

/** Turns fractions summing to 1 into lengths, as PyTorch does: floor, then round-robin the rest. */
function fractionLengths(n: number, fractions: readonly number[]): number[] {
  const lengths = fractions.map((frac, i) => {
    check(frac >= 0 && frac <= 1, () => `Fraction at index ${i} is not between 0 and 1`, ValueError);
    return Math.floor(n * frac);
  });
  const remainder = n - lengths.reduce((a, b) => a + b, 0);
  for (let i = 0; i < remainder; i++) lengths[i % lengths.length] += 1;
  lengths.forEach((len, i) => {
    if (len === 0) warn(`Length of split at index ${i} is 0. This might result in an empty dataset.`);
  });
  return lengths;
}

/**
 * Splits a dataset into non-overlapping random subsets of the given lengths, or of the given
 * fractions of its length (torch.utils.data.random_split). Uses
 * `randperm(sum(lengths), { generator })`, so a seeded generator reproduces PyTorch's split.
 *
 * @example
 * const [train, val] = random_split(ds, [0.8, 0.2], { generator: new torch.Generator().manual_seed(42) });
 */
export function random_split<T>(
  dataset: Dataset<T>,
  lengths: readonly number[],
  opts: { generator?: Generator } = {},
): Subset<T>[] {
  const n = dataset.__len__();
  let total = lengths.reduce((a, b) => a + b, 0);
  let sizes = [...lengths];
  if (isclose(total, 1) && total <= 1) {
    sizes = fractionLengths(n, lengths);
    total = n;
  }
  check(total === n, () =>
    'Sum of input lengths does not equal the length of the input dataset!', ValueError);
  const indices = randperm(total, { generator: opts.generator ?? default_generator }).tolist() as number[];
  const out: Subset<T>[] = [];
  let offset = 0;
  for (const len of sizes) {
    out.push(new Subset(dataset, indices.slice(offset, offset + len)));
    offset += len;
  }
  return out;
}
