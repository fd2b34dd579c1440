// Fuzzing torch.load: seeded, deterministic mutations of valid .pt files (bit flips, byte changes,
// truncation, insertion, deletion, and edits of single zip entries re-zipped with valid CRCs so the
// pickle and the storage checks are reached). Every case must load or throw an Error, quickly.
// TSTORCH_FUZZ_CASES=<n> runs more cases (default 2000).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as torch from '../../src/index.js';
import { readZip, writeZip } from '../../src/serialize/zip.js';
import { mulberry32 as rng } from '../helpers/rng.js';

const here = dirname(fileURLToPath(import.meta.url));
const FIX = join(here, '..', 'fixtures', 'serialize');
const CASES = Number(process.env.TSTORCH_FUZZ_CASES ?? 2000);
const MAX_CASE_MS = 5000; // a safety bound against hangs, far above the ~1 ms a case takes


type Rand = () => number;
const pick = (r: Rand, n: number) => Math.floor(r() * n);

/** One byte-level mutation of `b` (a new array). */
function mutateBytes(b: Uint8Array, r: Rand): Uint8Array {
  const out = b.slice();
  const kind = pick(r, 5);
  if (kind === 0 || out.length === 0) {
    for (let i = 0, n = 1 + pick(r, 8); i < n && out.length; i++) out[pick(r, out.length)] ^= 1 << pick(r, 8);
    return out;
  }
  if (kind === 1) {
    for (let i = 0, n = 1 + pick(r, 4); i < n; i++) out[pick(r, out.length)] = pick(r, 256);
    return out;
  }
  if (kind === 2) return out.subarray(0, pick(r, out.length));
  const at = pick(r, out.length + 1);
  if (kind === 3) {
    const ins = Uint8Array.from({ length: 1 + pick(r, 16) }, () => pick(r, 256));
    return new Uint8Array([...out.subarray(0, at), ...ins, ...out.subarray(at)]);
  }
  const end = Math.min(out.length, at + 1 + pick(r, 16));
  return new Uint8Array([...out.subarray(0, at), ...out.subarray(end)]);
}

/** An edit of the archive's entries, re-zipped so the CRCs are valid again. */
function mutateEntries(file: Uint8Array, r: Rand): Uint8Array {
  const entries = [...readZip(file).values()].map((e) => [e.name, e.data.slice()] as [string, Uint8Array]);
  const kind = pick(r, 10);
  const i = pick(r, entries.length);
  if (kind < 6) {
    // Mostly the pickle: that is where sizes, strides, offsets and globals live.
    const j = kind < 4 ? entries.findIndex(([n]) => n.endsWith('/data.pkl')) : i;
    entries[j][1] = mutateBytes(entries[j][1], r);
  } else if (kind === 6) {
    entries.splice(i, 1);
  } else if (kind === 7) {
    entries[i][0] = `${entries[i][0]}x`;
  } else if (kind === 8) {
    entries[i][1] = entries[pick(r, entries.length)][1].slice();
  } else {
    const j = pick(r, entries.length);
    if (i !== j) [entries[i][1], entries[j][1]] = [entries[j][1], entries[i][1]];
  }
  return writeZip(entries);
}

/** Touches what a load returned: every tensor small enough is materialized (its view must be in bounds). */
function walk(v: unknown, seen = new Set<unknown>()): void {
  if (typeof v !== 'object' || v === null || seen.has(v)) return;
  seen.add(v);
  if (v instanceof torch.Tensor) {
    if (v.numel() <= 10_000) {
      const values = v.contiguous()._storage.data;
      assert.ok(values.length >= v.numel());
    }
    return;
  }
  const items = v instanceof Map ? [...v.keys(), ...v.values()] : v instanceof Set ? [...v]
    : Array.isArray(v) ? v : Object.values(v);
  for (const x of items) walk(x, seen);
}

function bases(): Array<[string, Uint8Array]> {
  const names = ['nested', 'views', 'dtypes', 'parameter', 'adam', 'sgd_momentum', 'batchnorm', 'model_2x'];
  const out: Array<[string, Uint8Array]> =
    names.map((n) => [n, new Uint8Array(readFileSync(join(FIX, `${n}.pt`)))]);
  const base = torch.arange(6).reshape(2, 3).to('float32');
  const chunks: Uint8Array[] = [];
  torch.save({ base, t: base.t(), p: new torch.nn.Parameter(torch.ones(2)), m: new Map([[1, [2.5, 'x']]]),
    i: torch.tensor([1, 2]), b: torch.tensor([true]) }, { write: (b) => chunks.push(b) });
  out.push(['tstorch', chunks[0]]);
  return out;
}

test(`torch.load survives ${CASES} mutated files: each loads or throws an Error`, () => {
  const files = bases();
  for (const [name, f] of files) walk(torch.load(f), new Set()); // the unmutated files load
  let loaded = 0;
  let threw = 0;
  for (let c = 0; c < CASES; c++) {
    const r = rng(0x5eed + c);
    const [name, base] = files[pick(r, files.length)];
    const file = r() < 0.5 ? mutateEntries(base, r) : mutateBytes(base, r);
    const start = performance.now();
    let result: unknown;
    try {
      result = torch.load(file);
    } catch (e) {
      assert.ok(e instanceof Error, `case ${c} (${name}) threw a non-Error: ${String(e)}`);
      threw++;
      continue;
    } finally {
      const ms = performance.now() - start;
      assert.ok(ms < MAX_CASE_MS, `case ${c} (${name}) took ${ms.toFixed(0)} ms`);
    }
    walk(result);
    loaded++;
  }
  assert.equal(loaded + threw, CASES);
  // Both outcomes occur: tensor bytes can change harmlessly, most structural edits are refused.
  if (CASES >= 500) assert.ok(loaded > CASES / 50 && threw > CASES / 4, `loaded ${loaded}, threw ${threw}`);
});
