// Tolerances for comparing tstorch against PyTorch fixtures: one place, per dtype and op class
// (the idea of torch.testing.assert_close's per-dtype defaults).
import assert from 'node:assert/strict';
import type { Tensor } from '../../src/index.js';
import { no_grad } from '../../src/index.js';
import { type EncodedTensor, decodeData } from './fixtures.js';

export interface Tolerance {
  rtol: number;
  atol: number;
}

/**
 * - `pointwise`: ops whose float32 result is one correctly rounded operation per element
 *   (add, mul, div, sqrt, comparisons, clamp, copies and views) or a handful of them.
 * - `approx`: reductions, matrix products and transcendental functions (exp, log, tanh, pow,
 *   ...), whose result depends on the summation order or the libm, and all gradients.
 */
export type ToleranceClass = 'pointwise' | 'approx';

const FLOAT32: Record<ToleranceClass, Tolerance> = {
  pointwise: { rtol: 1.3e-6, atol: 1e-5 },
  approx: { rtol: 1e-4, atol: 1e-5 },
};
const FLOAT64: Tolerance = { rtol: 1e-7, atol: 1e-7 };
const EXACT: Tolerance = { rtol: 0, atol: 0 };

/** The tolerance for comparing values of `dtype` produced by an op of class `cls`. */
export function tolerance(dtype: string, cls: ToleranceClass = 'pointwise'): Tolerance {
  if (dtype === 'float32') return FLOAT32[cls];
  if (dtype === 'float64') return FLOAT64;
  return EXACT;
}

/** Ops whose float results are exact up to one rounding per element (everything else: approx). */
const POINTWISE_OPS = new Set([
  'add', 'sub', 'mul', 'div', 'neg', 'abs', 'relu', 'sign', 'floor', 'ceil', 'round', 'trunc',
  'square', 'sqrt', 'reciprocal', 'maximum', 'minimum', 'where', 'clamp', 'addcmul', 'addcdiv',
  'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'max', 'min', 'amax', 'amin', 'argmax', 'argmin', 'any', 'all',
  'view', 'reshape', 'transpose', 'permute', 't', 'expand', 'squeeze', 'unsqueeze', 'flatten',
  'narrow', 'select', 'index', 'contiguous', 'clone', 'cat', 'stack', 'split', 'chunk', 'unbind',
]);

/** The tolerance class of an op's forward result. */
export function opClass(fn: string): ToleranceClass {
  return POINTWISE_OPS.has(fn) ? 'pointwise' : 'approx';
}

/** A tensor's values in row-major order as JS numbers (int64 BigInts converted). */
export function flatValues(t: Tensor): number[] {
  const arr = no_grad(() => t.detach().contiguous().toTypedArray()) as ArrayLike<number | bigint>;
  return Array.from(arr, (v) => Number(v));
}

function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = flat % shape[d];
    flat = Math.floor(flat / shape[d]);
  }
  return idx;
}

/**
 * Asserts that `actual` matches the fixture tensor: same shape, same dtype, NaN in the same
 * places, equal infinities, and |a - e| <= atol + rtol * |e| elsewhere (exact for ints and
 * bools). A failure names the worst element.
 */
export function assertClose(
  actual: Tensor | null | undefined, expected: EncodedTensor,
  tol: Tolerance | ToleranceClass = 'pointwise', what = 'tensor',
): void {
  assert.ok(actual, `${what}: expected a tensor, got ${String(actual)}`);
  assert.deepEqual([...actual.shape], expected.shape, `${what}: shape`);
  assert.equal(actual.dtype.name, expected.dtype, `${what}: dtype`);
  const t = typeof tol === 'string' ? tolerance(expected.dtype, tol) : tol;
  const exact = !expected.dtype.startsWith('float');
  const got = flatValues(actual);
  const want = decodeData(expected);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < want.length; i++) {
    const a = got[i];
    const e = want[i];
    if (Number.isNaN(e) || Number.isNaN(a)) {
      if (Number.isNaN(e) !== Number.isNaN(a)) {
        worst = i;
        worstExcess = Infinity;
      }
      continue;
    }
    if (a === e) continue;
    const bound = exact ? 0 : t.atol + t.rtol * Math.abs(e);
    const excess = !Number.isFinite(a) || !Number.isFinite(e) ? Infinity : Math.abs(a - e) / (bound || 1);
    if ((exact || excess > 1 || !Number.isFinite(excess)) && excess >= worstExcess) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst >= 0) {
    const bad = want.filter((e, i) => {
      const a = got[i];
      if (Number.isNaN(e) || Number.isNaN(a)) return Number.isNaN(e) !== Number.isNaN(a);
      return a !== e && (exact || !(Math.abs(a - e) <= t.atol + t.rtol * Math.abs(e)));
    }).length;
    assert.fail(
      `${what}: ${bad} of ${want.length} elements differ (rtol ${t.rtol}, atol ${t.atol}); worst at ` +
      `[${unravel(worst, expected.shape).join(', ')}]: got ${got[worst]}, expected ${want[worst]} ` +
      `(|diff| ${Math.abs(got[worst] - want[worst])})`,
    );
  }
}
