// torch-level random calls give PyTorch's numbers (tools/oracle/random_api.py): the factories,
// in-place fills of non-contiguous tensors, bernoulli with tensor probabilities, Generators.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/index.js';
import { type EncodedTensor, loadFixture } from '../helpers/fixtures.js';
import { assertClose } from '../helpers/tolerance.js';

const fx = loadFixture<Record<string, EncodedTensor[]>>('random_api');

test('manual_seed(0): rand(3), randn(20), randint(0, 10, [5]), randperm(8)', () => {
  torch.manual_seed(0);
  const got = [torch.rand(3), torch.randn(20), torch.randint(0, 10, [5]), torch.randperm(8)];
  got.forEach((t, i) => assertClose(t, fx.seed0[i]));
  torch.manual_seed(0);
  assert.equal(String(torch.rand(3)), 'tensor([0.4963, 0.7682, 0.0885])');
});

test('in-place fills of transposed tensors follow memory order', () => {
  torch.manual_seed(3);
  const a = torch.empty(3, 4).t();
  a.uniform_(-2, 2);
  const b = torch.empty(20, 3, { dtype: 'float64' }).t();
  b.normal_(1, 0.5);
  assertClose(a, fx.noncontiguous[0]);
  // float64 normals go through log/sin/cos: allow the last bits (see test/random).
  assertClose(b, fx.noncontiguous[1], { rtol: 1e-14, atol: 1e-14 });
});

test('bernoulli with float32 and float64 probabilities, and bernoulli_(p)', () => {
  torch.manual_seed(5);
  const p32 = torch.rand(40);
  const p64 = torch.rand(40, { dtype: 'float64' });
  const got = [p32, torch.bernoulli(p32), p64, torch.bernoulli(p64), torch.empty(30).bernoulli_(0.25)];
  got.forEach((t, i) => assertClose(t, fx.bernoulli[i]));
});

test('an explicit Generator', () => {
  const g = new torch.Generator().manual_seed(123);
  const got = [torch.rand(4, { generator: g }), torch.randn(17, { generator: g }),
    torch.randint(3, 9, [2, 3], { generator: g }), torch.randperm(5, { generator: g })];
  got.forEach((t, i) => assertClose(t, fx.generator[i]));
});

test('sizes, dtypes and *_like', () => {
  torch.manual_seed(9);
  const got = [torch.rand(2, 3, { dtype: 'float64' }), torch.randn([4, 5]),
    torch.randint(10, [3], { dtype: 'int32' }), torch.rand_like(torch.zeros(2, 2))];
  got.forEach((t, i) => assertClose(t, fx.shapes[i]));
});
