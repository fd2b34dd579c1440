// torch.safetensors against the reference files of tools/oracle/safetensors_files.py: exact loads,
// byte-identical saves, round trips, and the errors of malformed files and bad arguments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as torch from '../../src/index.js';
import { SafetensorError } from '../../src/serialize/safetensors.js';
import { ValueError } from '../../src/utils/check.js';
import { type EncodedTensor, decodeData, loadFixture, decodeTensor as make } from '../helpers/fixtures.js';
import { LeNet } from '../../examples/models/lenet.js';

const st = torch.safetensors;
const DIR = fileURLToPath(new URL('../fixtures/safetensors/', import.meta.url));
const path = (name: string) => join(DIR, `${name}.safetensors`);

interface LenetStat { shape: number[]; sum: number; first: number[] }
interface FileCase {
  metadata: Record<string, string> | null; order: string[]; keys: string[]; dtypes: Record<string, string>;
  tensors: Record<string, EncodedTensor | LenetStat>;
}
const expected = loadFixture<Record<string, FileCase>>('safetensors/expected');
const SAVEABLE = ['basic', 'metadata', 'metadata_multi', 'names', 'empty', 'empty_meta', 'zero_size'];

/** Exact equality, NaN and -0 included. */
function assertExact(t: torch.Tensor, e: EncodedTensor, what: string): void {
  assert.equal(t.dtype.name, e.dtype, `${what}: dtype`);
  assert.deepEqual([...t.shape], e.shape, `${what}: shape`);
  const got = [...t.toTypedArray()].map(Number);
  const want = decodeData(e);
  assert.equal(got.length, want.length, `${what}: numel`);
  got.forEach((v, i) => assert.ok(Object.is(v, want[i]), `${what}[${i}]: ${v} !== ${want[i]}`));
}

for (const [name, c] of Object.entries(expected)) {
  if (name === 'lenet') continue;
  test(`load_file ${name}: exact values, data order`, () => {
    const sd = st.load_file(path(name));
    assert.ok(sd instanceof Map);
    assert.deepEqual([...sd.keys()], c.order);
    for (const [k, t] of sd) assertExact(t, c.tensors[k] as EncodedTensor, `${name}/${k}`);
    const f = st.safe_open(path(name), 'pt');
    assert.deepEqual(f.keys(), c.keys);
    assert.deepEqual(f.offset_keys(), c.order);
    assert.deepEqual(f.metadata(), c.metadata);
    for (const k of c.order) assertExact(f.get_tensor(k), c.tensors[k] as EncodedTensor, `safe_open ${k}`);
    assert.deepEqual([...st.load(readFileSync(path(name))).keys()], c.order, 'load(bytes)');
  });
}

for (const name of SAVEABLE) {
  test(`save ${name}: byte-identical to the reference writer, in any insertion order`, () => {
    const c = expected[name];
    const names = Object.keys(c.tensors);
    const want = readFileSync(path(name));
    for (const keys of [names, [...names].reverse()]) {
      const m = new Map(keys.map((k) => [k, make(c.tensors[k] as EncodedTensor)]));
      const bytes = st.save(m, c.metadata);
      assert.ok(Buffer.from(bytes).equals(want), `${name} (${keys.join(',')})`);
    }
    const obj = Object.fromEntries(names.map((k) => [k, make(c.tensors[k] as EncodedTensor)]));
    assert.ok(Buffer.from(st.save(obj, { metadata: c.metadata })).equals(want), 'object + { metadata }');
  });
}

test('the seeded LeNet state_dict saves byte-identically and loads back exactly', () => {
  const c = expected.lenet;
  torch.manual_seed(0);
  const net = new LeNet();
  const want = readFileSync(path('lenet'));
  assert.ok(Buffer.from(st.save(net.state_dict())).equals(want));
  const sd = st.load_file(path('lenet'));
  assert.deepEqual([...sd.keys()], c.order);
  for (const [k, t] of sd) {
    const s = c.tensors[k] as LenetStat;
    assert.deepEqual([...t.shape], s.shape, k);
    const values = [...t.toTypedArray()].map(Number);
    assert.deepEqual(values.slice(0, 5), s.first, k);
    assert.ok(Math.abs(values.reduce((a, b) => a + b, 0) - s.sum) < 1e-9, `${k} sum`);
  }
  torch.manual_seed(1);
  const fresh = new LeNet();
  assert.equal(String(fresh.load_state_dict(sd)), '<All keys matched successfully>');
  const x = torch.rand([2, 3, 32, 32]);
  assert.deepEqual(fresh.forward(x).tolist(), net.forward(x).tolist());
});

test('round trip through a file: every tstorch dtype, scalars, 0-size, metadata', () => {
  torch.manual_seed(3);
  const tensors: Record<string, torch.Tensor> = {
    f32: torch.randn(3, 4), f64: torch.randn([2, 2], { dtype: 'float64' }),
    i32: torch.randint(-100, 100, [5], { dtype: 'int32' }), i64: torch.tensor([2 ** 53, -(2 ** 60), 0]),
    b: torch.rand(6).gt(0.5), s: torch.tensor(1.5), z: torch.zeros(0, 2),
    narrowed: torch.arange(10, { dtype: 'float32' }).narrow(0, 3, 4),
  };
  const dir = mkdtempSync(join(tmpdir(), 'tstorch-st-'));
  try {
    const file = join(dir, 'rt.safetensors');
    st.save_file(tensors, file, { note: 'round trip' });
    const back = st.load_file(file);
    assert.equal(back.size, Object.keys(tensors).length);
    for (const [k, t] of Object.entries(tensors)) {
      const u = back.get(k)!;
      assert.equal(u.dtype, t.dtype, k);
      assert.deepEqual([...u.shape], [...t.shape], k);
      assert.deepEqual(u.tolist(), t.tolist(), k);
    }
    assert.deepEqual(st.safe_open(file, { framework: 'pt' }).metadata(), { note: 'round trip' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('metadata keys are written sorted, integer-like keys included', () => {
  const bytes = st.save({ t: torch.ones(1) }, new Map([['b', '1'], ['10', 'x'], ['2', 'y'], ['a', '']]));
  const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  const header = new TextDecoder().decode(bytes.subarray(8, 8 + n)).trimEnd();
  assert.ok(header.startsWith('{"__metadata__":{"10":"x","2":"y","a":"","b":"1"},"t":'), header);
});

test('save refuses tensors that share memory, as safetensors does', () => {
  const base = torch.arange(8, { dtype: 'float32' });
  const err = (f: () => unknown) => assert.throws(f, (e: Error) => /share memory/.test(e.message) &&
    /\{'a', 'b'\}/.test(e.message));
  err(() => st.save({ a: base, b: base }));
  err(() => st.save({ a: base, b: base.view(2, 4) }));
  err(() => st.save({ a: base.narrow(0, 0, 5), b: base.narrow(0, 4, 4) }));
  const lin = new torch.nn.Linear(2, 2);
  err(() => st.save({ a: lin.weight, b: lin.weight.data }));
  // Disjoint pieces of one storage are not shared memory (safetensors' _filter_shared_not_shared).
  const back = st.load(st.save({ a: base.narrow(0, 0, 4), b: base.narrow(0, 4, 4) }));
  assert.deepEqual(back.get('b')!.tolist(), [4, 5, 6, 7]);
});

test('save argument errors', () => {
  assert.throws(() => st.save({ a: torch.ones(2, 3).t() }), (e: Error) =>
    e instanceof ValueError && /non contiguous tensor: `a`/.test(e.message));
  assert.throws(() => st.save({ a: [1, 2] } as unknown as Record<string, torch.Tensor>), (e: Error) =>
    e instanceof ValueError &&
    e.message === "Key `a` is invalid, expected torch.Tensor but received <class 'list'>");
  assert.throws(() => st.save(torch.ones(1) as unknown as Record<string, torch.Tensor>), ValueError);
  const badMeta = { k: 1 } as unknown as Record<string, string>;
  assert.throws(() => st.save({ a: torch.ones(1) }, badMeta), TypeError);
  assert.throws(() => st.save({ __metadata__: torch.ones(1) }), ValueError);
  assert.throws(() => st.load_file(path('basic'), { device: 'cuda' as 'cpu' }), ValueError);
  assert.throws(() => st.load([1, 2, 3] as unknown as Uint8Array), TypeError);
});

/** A file with this header object and `data` bytes, padded as the writer pads. */
function fileWith(header: unknown, data = new Uint8Array(0), pad = true): Uint8Array {
  let text = Buffer.from(JSON.stringify(header));
  if (pad && text.length % 8) text = Buffer.concat([text, Buffer.alloc(8 - (text.length % 8), 0x20)]);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(text.length));
  return Buffer.concat([len, text, data]);
}

test('malformed files throw a SafetensorError saying what is wrong', () => {
  const good = readFileSync(path('basic'));
  const bad = (bytes: Uint8Array, re: RegExp) => assert.throws(() => st.load(bytes), (e: Error) =>
    e instanceof SafetensorError && e.message.startsWith('Error while deserializing header: ') &&
    re.test(e.message));
  bad(good.subarray(0, 5), /header too small/);
  bad(good.subarray(0, 100), /invalid header length/);
  bad(good.subarray(0, good.length - 1), /incomplete metadata/);
  bad(Buffer.concat([good, Buffer.alloc(4)]), /incomplete metadata/);
  const huge = Buffer.from(good);
  huge.writeBigUInt64LE(2n ** 63n, 0);
  bad(huge, /header too large/);
  huge.writeBigUInt64LE(100_000_001n, 0);
  bad(huge, /header too large/);
  const f32 = (offsets: number[], shape = [2]) => ({ dtype: 'F32', shape, data_offsets: offsets });
  bad(fileWith([1, 2]), /expected an object/);
  const f128 = { a: { dtype: 'F128', shape: [1], data_offsets: [0, 16] } };
  bad(fileWith(f128, new Uint8Array(16)), /unknown dtype "F128"/);
  bad(fileWith({ a: f32([0, 8], [-2]) }, new Uint8Array(8)), /shape of tensor `a`/);
  bad(fileWith({ a: f32([0, 8], [2.5]) }, new Uint8Array(8)), /shape of tensor `a`/);
  bad(fileWith({ a: f32([0]) }, new Uint8Array(8)), /data_offsets of tensor `a`/);
  bad(fileWith({ a: 3 }), /tensor `a` must be an object/);
  bad(fileWith({ a: f32([0, 8]), b: f32([4, 12]) }, new Uint8Array(12)), /invalid offset for tensor `b`/);
  bad(fileWith({ a: f32([8, 16]) }, new Uint8Array(16)), /invalid offset for tensor `a`/);
  bad(fileWith({ a: f32([0, 12]) }, new Uint8Array(12)), /takes 8 bytes but data_offsets \[0, 12\] hold 12/);
  bad(fileWith({ a: f32([0, 8], [2 ** 40, 2 ** 40]) }, new Uint8Array(8)), /overflow/);
  bad(fileWith({ __metadata__: { a: 1 } }), /__metadata__ must map strings to strings/);
  const text = Buffer.from('{"a":');
  bad(Buffer.concat([Buffer.from([5, 0, 0, 0, 0, 0, 0, 0]), text]), /invalid JSON in header/);
  bad(Buffer.concat([Buffer.from([2, 0, 0, 0, 0, 0, 0, 0]), Buffer.from([0xc3, 0x28])]), /invalid UTF-8/);
  const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{}   ')]);
  bad(Buffer.concat([Buffer.from([8, 0, 0, 0, 0, 0, 0, 0]), bom]), /invalid JSON/);
});

test('valid edge cases the reference reader accepts: no padding, extra keys, a null __metadata__', () => {
  const a = st.load(fileWith({ a: { dtype: 'I32', shape: [1], data_offsets: [0, 4], extra: 1 } },
    new Uint8Array([7, 0, 0, 0]), false));
  assert.deepEqual(a.get('a')!.tolist(), [7]);
  assert.equal(st.load(fileWith({ __metadata__: null })).size, 0);
  // Huge dims next to a zero: zero elements, nothing allocated.
  const z = st.load(fileWith({ z: { dtype: 'F64', shape: [0, 2 ** 40], data_offsets: [0, 0] } }));
  assert.equal(z.get('z')!.numel(), 0);
});

test('dtypes tstorch cannot hold throw a clear error', () => {
  const bytes = fileWith({ a: { dtype: 'F8_E4M3', shape: [2], data_offsets: [0, 2] } }, new Uint8Array(2));
  assert.throws(() => st.load(bytes), (e: Error) =>
    e instanceof SafetensorError && /F8_E4M3/.test(e.message));
  // Sub-byte dtypes are validated in bits, as the reference reader does.
  const f4 = fileWith({ a: { dtype: 'F4', shape: [3], data_offsets: [0, 2] } }, new Uint8Array(2));
  assert.throws(() => st.load(f4), /byte boundary/);
});
