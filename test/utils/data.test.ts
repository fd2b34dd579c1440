// Replays tools/oracle/data.py (torch.utils.data): DataLoader orders, random_split, samplers,
// default_collate and error messages must match PyTorch exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/index.js';
import { loadFixture, decodeData, type EncodedTensor } from '../helpers/fixtures.js';
import { flatValues } from '../helpers/tolerance.js';
import { randomInt64Seed } from '../../src/utils/data/sampler.js';

const { data } = torch.utils;

interface LoaderCase {
  seed: number;
  n: number;
  opts: { batch_size: number; shuffle?: boolean; drop_last?: boolean };
  len: number;
  epochs: number[][][];
  after: EncodedTensor;
}
interface GenCase {
  gseed: number;
  default_seed: number;
  n: number;
  batch_size: number;
  epochs: number[][][];
  after: EncodedTensor;
  after_g: EncodedTensor;
}
interface SplitCase {
  n: number;
  lengths: number[];
  gseed?: number;
  default_seed?: number;
  indices: number[][];
}
interface SamplerCase {
  n: number;
  opts: { replacement?: boolean; num_samples?: number };
  gseed: number | null;
  len: number;
  order: number[];
}
type ErrorCase = { type: string; message: string };
type Encoded =
  | EncodedTensor | { tensor: EncodedTensor } | Encoded[] | { [k: string]: Encoded } | string | number;

const fx = loadFixture<{
  loaders: LoaderCase[];
  generator_loaders: GenCase[];
  int64_random: string;
  tensor_dataset: { x: EncodedTensor; y: EncodedTensor; batches: EncodedTensor[][] };
  random_split: SplitCase[];
  random_sampler: SamplerCase[];
  batch_sampler: [number[][], number[][], number, number];
  concat: { len: number; items: number[]; neg: number };
  subset: number[];
  collate: Record<string, Encoded>;
  errors: Record<string, ErrorCase>;
}>('data');

/** The dataset range(n): sample i is the number i. */
class Range extends data.Dataset<number> {
  constructor(readonly n: number) {
    super();
  }
  __len__(): number {
    return this.n;
  }
  __getitem__(i: number): number {
    return i;
  }
}

function batches(loader: Iterable<unknown>): number[][] {
  return [...loader].map((b) => (b as torch.Tensor).tolist() as number[]);
}

function assertTensor(t: torch.Tensor, e: EncodedTensor): void {
  assert.equal(t.dtype.name, e.dtype);
  assert.deepEqual([...t.shape], e.shape);
  assert.deepEqual(flatValues(t), decodeData(e));
}

function assertEncoded(actual: unknown, e: Encoded): void {
  if (typeof e === 'object' && e !== null && !Array.isArray(e) && 'tensor' in e) {
    assert.ok(actual instanceof torch.Tensor, 'expected a tensor');
    assertTensor(actual, e.tensor as EncodedTensor);
  } else if (Array.isArray(e)) {
    assert.ok(Array.isArray(actual));
    assert.equal(actual.length, e.length);
    e.forEach((v, i) => assertEncoded((actual as unknown[])[i], v));
  } else if (typeof e === 'object' && e !== null) {
    const obj = actual as Record<string, unknown>;
    assert.deepEqual(Object.keys(obj), Object.keys(e));
    for (const k of Object.keys(e)) assertEncoded(obj[k], (e as Record<string, Encoded>)[k]);
  } else {
    assert.equal(actual, e);
  }
}

test('the base-seed draw is random64() % 2^63 of the default generator', () => {
  torch.manual_seed(0);
  assert.equal(randomInt64Seed().toString(), fx.int64_random);
});

test('DataLoader batch orders after torch.manual_seed match PyTorch, epoch after epoch', () => {
  for (const c of fx.loaders) {
    torch.manual_seed(c.seed);
    const loader = new data.DataLoader(new Range(c.n), c.opts);
    assert.equal(loader.length, c.len);
    for (const epoch of c.epochs) assert.deepEqual(batches(loader), epoch, `seed ${c.seed}`);
    assertTensor(torch.rand(2), c.after);
  }
});

test('DataLoader with an explicit generator matches PyTorch and leaves the default one alone', () => {
  for (const c of fx.generator_loaders) {
    torch.manual_seed(c.default_seed);
    const g = new torch.Generator().manual_seed(c.gseed);
    const opts = { batch_size: c.batch_size, shuffle: true, generator: g };
    const loader = new data.DataLoader(new Range(c.n), opts);
    for (const epoch of c.epochs) assert.deepEqual(batches(loader), epoch);
    assertTensor(torch.rand(2), c.after);
    assertTensor(torch.rand(2, { generator: g }), c.after_g);
  }
});

test('TensorDataset batches are stacked rows in PyTorch order', () => {
  const { x, y, batches: expected } = fx.tensor_dataset;
  const xt = torch.tensor(decodeData(x), { dtype: x.dtype }).reshape(x.shape);
  const yt = torch.tensor(decodeData(y), { dtype: y.dtype }).reshape(y.shape);
  torch.manual_seed(11);
  const loader = new data.DataLoader(new data.TensorDataset(xt, yt), { batch_size: 4, shuffle: true });
  const got: torch.Tensor[][] = [...loader];
  assert.equal(got.length, expected.length);
  got.forEach(([xb, yb], i) => {
    assertTensor(xb, expected[i][0]);
    assertTensor(yb, expected[i][1]);
  });
});

test('random_split with lengths and fractions gives PyTorch index lists', () => {
  for (const c of fx.random_split) {
    let generator: torch.Generator | undefined;
    if (c.gseed !== undefined) generator = new torch.Generator().manual_seed(c.gseed);
    else torch.manual_seed(c.default_seed as number);
    const parts = data.random_split(new Range(c.n), c.lengths, { generator });
    assert.deepEqual(parts.map((p) => p.indices), c.indices, JSON.stringify(c.lengths));
    parts.forEach((p, i) => assert.equal(p.__getitem__(0), c.indices[i][0]));
  }
});

test('RandomSampler orders (with replacement, num_samples, default generator) match PyTorch', () => {
  for (const c of fx.random_sampler) {
    let generator: torch.Generator | undefined;
    if (c.gseed === null) torch.manual_seed(9);
    else generator = new torch.Generator().manual_seed(c.gseed);
    const s = new data.RandomSampler(new Range(c.n), { ...c.opts, generator });
    assert.equal(s.__len__(), c.len);
    assert.deepEqual([...s], c.order);
  }
});

test('BatchSampler, ConcatDataset and Subset', () => {
  const seq = new data.SequentialSampler(new Range(10));
  const [keep, drop, lenKeep, lenDrop] = fx.batch_sampler;
  assert.deepEqual([...new data.BatchSampler(seq, 3, false)], keep);
  assert.deepEqual([...new data.BatchSampler(seq, 3, true)], drop);
  assert.equal(new data.BatchSampler(seq, 3, false).__len__(), lenKeep);
  assert.equal(new data.BatchSampler(seq, 3, true).__len__(), lenDrop);
  const cat = new data.ConcatDataset([new Range(3), new Range(4)]);
  assert.equal(cat.__len__(), fx.concat.len);
  assert.deepEqual(Array.from({ length: 7 }, (_, i) => cat.__getitem__(i)), fx.concat.items);
  assert.equal(cat.__getitem__(-1), fx.concat.neg);
  const sub = new data.Subset(new Range(10), [5, 1, 7]);
  assert.deepEqual([0, 1, 2].map((i) => sub.__getitem__(i)), fx.subset);
});

test('default_collate of numbers, strings, tuples, dicts and nested lists', () => {
  const t1 = torch.tensor([1, 2], { dtype: 'float32' });
  const t2 = torch.tensor([3, 4], { dtype: 'float32' });
  const c = fx.collate;
  assertEncoded(data.default_collate([1, 2, 3]), c.ints);
  assertEncoded(data.default_collate([0.5, 1.5]), c.floats);
  assertEncoded(data.default_collate([true, false]), c.bools);
  assertEncoded(data.default_collate(['a', 'b']), c.strings);
  assertEncoded(data.default_collate([[t1, 0, 0.5], [t2, 1, 1.5]]), c.tuples);
  assertEncoded(data.default_collate([{ x: t1, y: 3 }, { x: t2, y: 4 }]), c.dicts);
  assertEncoded(data.default_collate([{ a: [1, 2.5] }, { a: [3, 4.5] }]), c.nested);
});

test('errors carry PyTorch messages', () => {
  const e = fx.errors;
  const seq3 = new data.SequentialSampler(new Range(3));
  const cases: [string, () => unknown][] = [
    ['size_mismatch', () => new data.TensorDataset(torch.zeros(3), torch.zeros(4))],
    ['split_sum', () => data.random_split(new Range(10), [3, 4])],
    ['fraction', () => data.random_split(new Range(10), [1.5, -0.5])],
    ['num_samples', () => new data.RandomSampler(new Range(3), { num_samples: 0 })],
    ['batch_size', () => new data.BatchSampler(seq3, 0, false)],
    ['sampler_shuffle', () => new data.DataLoader(new Range(3), { sampler: seq3, shuffle: true })],
    ['batch_sampler', () => new data.DataLoader(new Range(3), {
      batch_sampler: new data.BatchSampler(seq3, 1, false), batch_size: 2 })],
    ['drop_last_none', () => new data.DataLoader(new Range(3), { batch_size: null, drop_last: true })],
    ['num_workers', () => new data.DataLoader(new Range(3), { num_workers: -1 })],
    ['collate_none', () => data.default_collate([null, null])],
    ['collate_ragged', () => data.default_collate([[1, 2], [3]])],
  ];
  for (const [key, fn] of cases) {
    assert.throws(fn, (err: Error) => err.message === e[key].message, key);
  }
  assert.throws(() => new data.DataLoader(new Range(3), { num_workers: 2 }), /num_workers must be 0/);
});

test('batch_size null yields single samples; custom collate_fn is applied', () => {
  const single = new data.DataLoader(new Range(3), { batch_size: null });
  assert.deepEqual([...single], [0, 1, 2]);
  assert.equal(single.length, 3);
  const sum = (b: number[]): number => b.reduce((x, y) => x + y);
  const summed = new data.DataLoader(new Range(5), { batch_size: 2, collate_fn: sum });
  assert.deepEqual([...summed], [1, 5, 4]);
  assert.equal(torch.utils.data.DataLoader, data.DataLoader);
});
