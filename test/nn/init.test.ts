// torch.nn.init against real PyTorch (test/fixtures/init.json from tools/oracle/init.py): seeded
// values of every initializer, calculate_gain, the fan rules and the error messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/index.js';
import * as init from '../../src/nn/init.js';
import { erf, erfinv } from '../../src/ops/special.js';
import { type EncodedTensor, loadFixture } from '../helpers/fixtures.js';
import { type Tolerance, assertClose } from '../helpers/tolerance.js';

type Tensor = torch.Tensor;

interface Case {
  name: string;
  fn: string;
  seed: number;
  shape: number[];
  dtype: 'float32' | 'float64';
  args: unknown[];
  kwargs: Record<string, unknown>;
  out: EncodedTensor;
}

interface Fixture {
  cases: Case[];
  gains: { nonlinearity: string; param: number | null; gain: number }[];
  fans: { shape: number[]; fan_in: number; fan_out: number }[];
  errors: {
    name: string; fn: string; shape: number[] | null; args: unknown[]; kwargs: Record<string, unknown>;
    message: string; type: string;
  }[];
}

const fx = loadFixture<Fixture>('init');

type InitFn = (t: Tensor, ...args: unknown[]) => Tensor;
const fns = init as unknown as Record<string, InitFn>;

/**
 * Tolerances: the generator is bit-identical, so draws match to float rounding; orthogonal_
 * differs by float32 LAPACK vs float64 Householder, trunc_normal_ by PyTorch's float erfinv.
 */
function tolerance(c: Case): Tolerance {
  const f32 = c.dtype === 'float32';
  if (c.fn === 'orthogonal_') return f32 ? { atol: 2e-6, rtol: 1e-5 } : { atol: 1e-12, rtol: 1e-10 };
  if (c.fn === 'trunc_normal_') return f32 ? { atol: 1e-6, rtol: 1e-6 } : { atol: 1e-10, rtol: 1e-10 };
  return f32 ? { atol: 1e-45, rtol: 2 ** -23 } : { atol: 1e-300, rtol: 2 ** -51 };
}

for (const c of fx.cases) {
  test(`nn.init.${c.name}`, () => {
    torch.manual_seed(c.seed);
    const t = torch.zeros(c.shape, { dtype: c.dtype });
    const args = Object.keys(c.kwargs).length > 0 ? [...c.args, c.kwargs] : c.args;
    const r = fns[c.fn](t, ...args);
    assert.equal(r, t, 'returns the tensor');
    assertClose(t, c.out, tolerance(c), 'values');
  });
}

test('nn.init.calculate_gain', () => {
  for (const g of fx.gains) {
    const got = g.param === null
      ? init.calculate_gain(g.nonlinearity)
      : init.calculate_gain(g.nonlinearity, g.param);
    assert.equal(got, g.gain, `${g.nonlinearity} ${g.param}`);
  }
});

test('nn.init._calculate_fan_in_and_fan_out and _calculate_correct_fan', () => {
  for (const f of fx.fans) {
    const t = torch.zeros(f.shape);
    assert.deepEqual(init._calculate_fan_in_and_fan_out(t), [f.fan_in, f.fan_out]);
    assert.equal(init._calculate_correct_fan(t, 'fan_in'), f.fan_in);
    assert.equal(init._calculate_correct_fan(t, 'FAN_OUT'), f.fan_out);
  }
});

for (const e of fx.errors) {
  test(`nn.init error: ${e.name}`, () => {
    const args = Object.keys(e.kwargs).length > 0 ? [...e.args, e.kwargs] : e.args;
    const run = (): unknown => e.fn === 'calculate_gain'
      ? (init.calculate_gain as (...a: unknown[]) => number)(...args)
      : fns[e.fn](torch.zeros(e.shape!), ...args);
    assert.throws(run, (err: Error) => {
      assert.equal(err.message, e.message);
      assert.equal(err.name, e.type);
      return true;
    });
  });
}

test('nn.init runs under no_grad on parameters that require grad', () => {
  const w = torch.zeros(4, 3, { requires_grad: true });
  init.kaiming_uniform_(w, { a: Math.sqrt(5) });
  init.xavier_normal_(w, 2);
  init.orthogonal_(w);
  init.trunc_normal_(w, { std: 0.02 });
  init.constant_(w, 0.5);
  assert.equal(w.grad_fn, null);
  assert.ok(w.is_leaf);
});

test('nn.init.orthogonal_ gives orthonormal rows or columns', () => {
  torch.manual_seed(0);
  for (const shape of [[3, 7], [7, 3], [5, 5]]) {
    const w = init.orthogonal_(torch.zeros(shape, { dtype: 'float64' }));
    const g = shape[0] < shape[1] ? w.matmul(w.t()) : w.t().matmul(w);
    const n = Math.min(shape[0], shape[1]);
    const eye = torch.eye(n, { dtype: 'float64' });
    assert.ok(g.sub(eye).abs().max().item() < 1e-12, `shape ${shape}`);
  }
});

test('erf and erfinv in float64', () => {
  // Python's math.erf values.
  assert.ok(Math.abs(erf(0.5) - 0.5204998778130465) < 3e-16);
  assert.ok(Math.abs(erf(-2.2) + 0.9981371537020182) < 2e-16);
  assert.ok(Math.abs(erf(3.7) - 0.9999998328489421) < 2e-16);
  for (const y of [-0.999999, -0.7, -1e-9, 0.1, 0.5, 0.93, 0.9999999]) {
    assert.ok(Math.abs(erf(erfinv(y)) - y) < 4e-16, `y = ${y}`);
  }
  assert.equal(erfinv(1), Infinity);
  assert.equal(erfinv(-1), -Infinity);
  assert.ok(Number.isNaN(erfinv(1.5)));
});
