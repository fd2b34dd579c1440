// Reading the JSON fixtures written by tools/oracle/*.py (see tools/oracle/common.py).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import * as torch from '../../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));

export type FixtureNumber = number | boolean | 'nan' | 'inf' | '-inf';

export interface EncodedTensor {
  dtype: 'float32' | 'float64' | 'int32' | 'int64' | 'bool';
  shape: number[];
  data: FixtureNumber[];
}

/** Loads test/fixtures/<name>.json and returns its `data` field. */
export function loadFixture<T = unknown>(name: string): T {
  const text = readFileSync(join(here, '..', 'fixtures', `${name}.json`), 'utf8');
  return (JSON.parse(text) as { data: T }).data;
}

/** One fixture scalar as a JS number. */
export function decodeNumber(x: FixtureNumber): number {
  if (x === 'nan') return NaN;
  if (x === 'inf') return Infinity;
  if (x === '-inf') return -Infinity;
  if (typeof x === 'boolean') return x ? 1 : 0;
  return x;
}

/** The flat values of an encoded tensor as JS numbers. */
export function decodeData(t: EncodedTensor): number[] {
  return t.data.map(decodeNumber);
}

/** An encoded tensor as a tstorch tensor of its dtype and shape. */
export function decodeTensor(e: EncodedTensor): torch.Tensor {
  return torch.tensor(decodeData(e), { dtype: e.dtype }).reshape(e.shape);
}
