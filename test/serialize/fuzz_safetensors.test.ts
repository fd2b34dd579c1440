// Fuzzing torch.safetensors.load: seeded, deterministic mutations of the valid reference files
// (bit flips, byte edits, truncation, header-length edits, structural JSON edits). Every case must
// load or throw a SafetensorError; nothing may crash, hang or allocate from a hostile size.
// TSTORCH_FUZZ_CASES (default 2000) and TSTORCH_FUZZ_SEED change the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as torch from '../../src/index.js';
import { SafetensorError } from '../../src/serialize/safetensors.js';
import { mulberry32 } from '../helpers/rng.js';

const DIR = fileURLToPath(new URL('../fixtures/safetensors/', import.meta.url));
const BASE_NAMES = [
  'basic', 'names', 'zero_size', 'half', 'small_ints', 'metadata_multi', 'empty_meta', 'metadata',
];
const BASES = BASE_NAMES.map((n) => new Uint8Array(readFileSync(join(DIR, `${n}.safetensors`))));
const CASES = Number(process.env.TSTORCH_FUZZ_CASES ?? 2000);
const SEED = Number(process.env.TSTORCH_FUZZ_SEED ?? 20240611);

/** Seeded draws, so every case can be replayed from its index. */
function rng(seed: number): { int: (n: number) => number; pick: <T>(xs: readonly T[]) => T } {
  const next = mulberry32(seed);
  const int = (n: number) => Math.floor(next() * n);
  return { int, pick: (xs) => xs[int(xs.length)] };
}
type Rng = ReturnType<typeof rng>;

function headerLength(b: Uint8Array): number {
  return Number(new DataView(b.buffer, b.byteOffset).getBigUint64(0, true));
}

function withHeader(text: string, data: Uint8Array, pad: boolean, r: Rng): Uint8Array {
  let bytes = Buffer.from(text);
  if (pad && bytes.length % 8) bytes = Buffer.concat([bytes, Buffer.alloc(8 - (bytes.length % 8), 0x20)]);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(bytes.length + (r.int(8) === 0 ? r.int(5) - 2 : 0)));
  return Buffer.concat([len, bytes, data]);
}

const HOSTILE_NUMBERS = [0, 1, 3, -1, 2.5, 2 ** 31, 2 ** 32 + 4, 2 ** 53, 2 ** 64, 1e300, -0, 4e9];
const DTYPE_NAMES = ['F32', 'F64', 'I64', 'I32', 'BOOL', 'F16', 'BF16', 'U8', 'F4', 'F8_E5M2', 'C64', 'f32',
  'F128', '', 'U64', 'I16'];

function hostileValue(r: Rng): unknown {
  const k = r.int(8);
  if (k < 3) return r.pick(HOSTILE_NUMBERS);
  if (k === 3) return r.pick(DTYPE_NAMES);
  if (k === 4) return Array.from({ length: r.int(4) }, () => r.pick(HOSTILE_NUMBERS));
  if (k === 5) return null;
  if (k === 6) return { dtype: 'F32' };
  return Array.from({ length: r.int(3000) }, () => r.int(2));
}

/** Structural edits of the parsed header: fields replaced, removed, duplicated, renamed. */
function jsonEdit(base: Uint8Array, r: Rng): Uint8Array {
  const n = headerLength(base);
  const header = JSON.parse(Buffer.from(base.subarray(8, 8 + n)).toString('utf8')) as Record<string, unknown>;
  const names = Object.keys(header);
  const name = names.length ? r.pick(names) : 'x';
  const entry = (header[name] ?? {}) as Record<string, unknown>;
  const field = r.pick(['dtype', 'shape', 'data_offsets']);
  switch (r.int(7)) {
    case 0: entry[field] = hostileValue(r); break;
    case 1: delete entry[field]; break;
    case 2: entry.shape = [...((entry.shape as number[] | undefined) ?? []), r.pick(HOSTILE_NUMBERS)]; break;
    case 3: entry.data_offsets = [r.pick(HOSTILE_NUMBERS), r.pick(HOSTILE_NUMBERS)]; break;
    case 4: header[`${name}_copy`] = { ...entry }; break;
    case 5: header.__metadata__ = hostileValue(r); break;
    default: header[name] = hostileValue(r);
  }
  if (header[name] === undefined) header[name] = entry;
  const data = r.int(4) === 0 ? base.subarray(8 + n, 8 + n + r.int(base.length)) : base.subarray(8 + n);
  return withHeader(JSON.stringify(header), data, r.int(2) === 0, r);
}

/** Character edits of the header text that keep its length (digits, quotes, braces). */
function textEdit(base: Uint8Array, r: Rng): Uint8Array {
  const out = new Uint8Array(base);
  const n = Math.min(headerLength(base), base.length - 8);
  for (let k = 1 + r.int(3); k > 0 && n > 0; k--) {
    out[8 + r.int(n)] = r.pick([...'0123456789-.e"{}[],: ', 'F', 'I'].map((c) => c.charCodeAt(0)));
  }
  return out;
}

function mutate(base: Uint8Array, r: Rng, kind: number): Uint8Array {
  const out = new Uint8Array(base);
  const n = headerLength(base);
  const view = new DataView(out.buffer);
  switch (kind) {
    case 0: // bit flips, mostly in the length and header
      for (let k = 1 + r.int(4); k > 0; k--) {
        const at = r.int(3) ? r.int(Math.min(out.length, 8 + n)) : r.int(out.length);
        out[at] ^= 1 << r.int(8);
      }
      return out;
    case 1: // random bytes
      for (let k = 1 + r.int(4); k > 0; k--) out[r.int(out.length)] = r.int(256);
      return out;
    case 2: return out.subarray(0, r.int(out.length));
    case 3: return Buffer.concat([out, Buffer.alloc(1 + r.int(16), r.int(256))]);
    case 4: // header length edits
      view.setBigUint64(0, BigInt(r.pick([0, 1, 7, n - 1, n + 1, n + 8, out.length, 100_000_001, 2 ** 40])),
        true);
      if (r.int(4) === 0) view.setBigUint64(0, 2n ** 63n + BigInt(r.int(1000)), true);
      return out;
    case 5: return jsonEdit(base, r);
    case 6: return textEdit(base, r);
    default: { // splice two files
      const other = r.pick(BASES);
      return Buffer.concat([base.subarray(0, r.int(base.length)), other.subarray(r.int(other.length))]);
    }
  }
}

test(`fuzz: ${CASES} mutated files each load or throw a SafetensorError`, () => {
  const counts = { loaded: 0, rejected: 0 };
  for (let i = 0; i < CASES; i++) {
    const r = rng(SEED + i * 7919);
    const kind = i % 8;
    const bytes = mutate(r.pick(BASES), r, kind);
    let loaded: Map<string, torch.Tensor>;
    try {
      loaded = torch.safetensors.load(bytes);
    } catch (e) {
      if (!(e instanceof SafetensorError)) {
        assert.fail(`case ${i} (kind ${kind}) threw ${String(e)} instead of a SafetensorError`);
      }
      counts.rejected++;
      continue;
    }
    let stored = 0;
    for (const t of loaded.values()) {
      assert.ok(t instanceof torch.Tensor, `case ${i}`);
      stored += t.numel();
    }
    assert.ok(stored <= bytes.length * 2, `case ${i}: more elements than the file can hold`);
    counts.loaded++;
  }
  if (process.env.TSTORCH_FUZZ_VERBOSE) console.log(counts);
  // Both outcomes must actually be exercised, or the mutations are too weak or too strong.
  assert.ok(counts.rejected > CASES / 4, `rejected ${counts.rejected}`);
  assert.ok(counts.loaded > CASES / 50, `loaded ${counts.loaded}`);
});

test('fuzz: every valid base file still loads (the mutations start from valid input)', () => {
  for (const b of BASES) assert.ok(torch.safetensors.load(b) instanceof Map);
});
