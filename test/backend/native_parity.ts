// Shared helpers of the native-vs-reference parity tests (native_*.test.ts): seeded random views
// of every layout and dtype, every ISA path and thread count, and element comparisons.
import assert from 'node:assert/strict';
import type { View } from '../../src/backend/backend.js';
import type { TypedArray } from '../../src/tensor/dtype.js';
import { native } from '../../src/backend/native/index.js';
import * as backends from '../../src/backends/index.js';
import { tuning } from '../../src/backend/native/elementwise.js';
import { mulberry32 as rng } from '../helpers/rng.js';

export const available = backends.native.is_available() && native !== null;
export const skipReason = available ? false
  : `native backend unavailable: ${backends.native.unavailable_reason()}`;

export { rng };

export type Rng = () => number;
export type Kind = 'f32' | 'f64' | 'i32' | 'i64' | 'bool';
export type Layout = 'contiguous' | 'transposed' | 'strided' | 'broadcast';
export const LAYOUTS: Layout[] = ['contiguous', 'transposed', 'strided', 'broadcast'];

export function alloc(kind: Kind, n: number): TypedArray {
  switch (kind) {
    case 'f32': return new Float32Array(n);
    case 'i32': return new Int32Array(n);
    case 'bool': return new Uint8Array(n);
    default: return new Float64Array(n);
  }
}

const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 0.5, -0.5, 1.5, 2.5, -2.5, 1, -1, 1e10, -3e9, 20.5];

/** A value of the kind: mostly moderate randoms, some special floats. */
export function value(kind: Kind, r: Rng, specials = true): number {
  switch (kind) {
    case 'bool': return r() < 0.5 ? 0 : 1;
    case 'i32': return Math.floor(r() * 41) - 20;
    case 'i64': return r() < 0.05 ? Math.floor(r() * 2 ** 40) - 2 ** 39 : Math.floor(r() * 41) - 20;
    default:
      if (specials && r() < 0.08) return SPECIAL[Math.floor(r() * SPECIAL.length)];
      return (r() - 0.5) * 8;
  }
}

/** A random shape: 0-4 dims, odd sizes, sometimes a 0-size dim; or a large one (70K-400K elements). */
export function randomShape(r: Rng, big = false): number[] {
  if (big) return [...Array(Math.floor(r() * 3)).keys()].map(() => 1 + Math.floor(r() * 3)).concat(70001);
  const nd = Math.floor(r() * 5);
  const shape: number[] = [];
  for (let d = 0; d < nd; d++) shape.push(1 + Math.floor(r() * (r() < 0.3 ? 9 : 4)));
  if (nd > 0 && r() < 0.05) shape[Math.floor(r() * nd)] = 0;
  return shape;
}

/** A view of `shape` in a fresh buffer with the given layout, filled with values of `kind`. */
export function makeView(shape: readonly number[], kind: Kind, layout: Layout, r: Rng,
  specials = true): View {
  const nd = shape.length;
  const perm = shape.map((_, i) => i);
  if (layout === 'transposed') {
    for (let i = nd - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [perm[i], perm[j]] = [perm[j], perm[i]];
    }
  }
  const strides = new Array<number>(nd).fill(0);
  let s = layout === 'strided' ? 2 : 1;
  for (let k = nd - 1; k >= 0; k--) {
    const d = perm[k];
    if (layout === 'broadcast' && r() < 0.5) continue;
    strides[d] = s;
    s *= shape[d] + (layout === 'strided' ? 1 : 0);
  }
  const offset = Math.floor(r() * 3);
  let span = offset + 1;
  for (let d = 0; d < nd; d++) span += Math.max(shape[d] - 1, 0) * strides[d];
  const data = alloc(kind, span + 2);
  for (let i = 0; i < data.length; i++) data[i] = value(kind, r, specials);
  return { data, shape: shape.slice(), strides, offset };
}

/** Runs body on every instruction-set path the CPU has, with each thread count. */
export function everyPath(body: (label: string) => void, threads: readonly number[] = [1, 2]): void {
  const isas = (['avx512', 'avx2', 'portable'] as const);
  const threads0 = backends.get_num_threads();
  const small0 = { ...tuning };
  tuning.small = 0; // every size runs natively, scalars and empty tensors included
  tuning.smallReduce = 0;
  try {
    for (const isa of isas) {
      const got = backends.native.set_isa(isa);
      if (got !== isa) continue; // the CPU lacks it
      for (const t of threads) {
        backends.set_num_threads(t);
        body(`${isa}, ${t} thread(s)`);
      }
    }
  } finally {
    Object.assign(tuning, small0);
    backends.native.set_isa('avx512');
    backends.set_num_threads(threads0);
  }
}

const same = (a: number, b: number) => a === b || (a !== a && b !== b);

/** Element-exact equality (NaN equals NaN; -0 equals 0). */
export function assertSame(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    if (!same(got[i], want[i])) assert.fail(`${what}: element ${i}: native ${got[i]}, reference ${want[i]}`);
  }
}

/** Equality within rel * |want| + abs (NaN and infinities must match exactly). */
export function assertNear(got: ArrayLike<number>, want: ArrayLike<number>, rel: number, abs: number,
  what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    const g = got[i];
    const w = want[i];
    if (same(g, w)) continue;
    if (!Number.isFinite(w) || !(Math.abs(g - w) <= rel * Math.abs(w) + abs)) {
      assert.fail(`${what}: element ${i}: native ${g}, reference ${w}`);
    }
  }
}
