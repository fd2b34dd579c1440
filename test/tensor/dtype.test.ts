// Type promotion against torch.result_type (fixture: tools/oracle/promotion.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resultType, toDType, type PromotionOperand } from '../../src/tensor/dtype.js';
import { loadFixture } from '../helpers/fixtures.js';

type Enc = { dtype: string; ndim: number } | { scalar: number | boolean };
const cases = loadFixture<{ a: Enc; b: Enc; result: string }[]>('promotion');

function operand(e: Enc): PromotionOperand {
  if ('scalar' in e) return e.scalar;
  return { dtype: toDType(e.dtype as 'float32'), ndim: e.ndim };
}

test('result_type matches PyTorch for every dtype/dim/scalar pair', () => {
  assert.ok(cases.length > 100);
  for (const c of cases) {
    const got = resultType([operand(c.a), operand(c.b)]).name;
    assert.equal(got, c.result, `result_type(${JSON.stringify(c.a)}, ${JSON.stringify(c.b)})`);
  }
});
