// torch.nn activations against real PyTorch (test/fixtures/activation.json from
// tools/oracle/activation.py): functional outputs, grad_fn names, input and PReLU weight gradients,
// in-place forms, modules and their reprs; plus float64 gradchecks away from the kinks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/index.js';
import * as F from '../../src/nn/functional.js';
import { nn } from '../../src/index.js';
import { type EncodedTensor, loadFixture, decodeData } from '../helpers/fixtures.js';
import { assertClose } from '../helpers/tolerance.js';

type Tensor = torch.Tensor;
type Enc = EncodedTensor;
type Kwargs = Record<string, unknown>;

interface Case {
  name: string;
  fn: string;
  dtype: string;
  args: unknown[];
  kwargs: Kwargs;
  input: Enc;
  weight: Enc | null;
  out: Enc;
  grad_fn: string;
  grad_out: Enc;
  grad_input: Enc;
  grad_weight: Enc | null;
}

interface ModuleCase {
  name: string;
  cls: string;
  args: unknown[];
  kwargs: Kwargs;
  dtype: string;
  input: Enc;
  out: Enc;
  grad_fn: string;
  grad_out: Enc;
  grad_input: Enc;
  grad_weight: Enc | null;
}

interface InplaceCase { fn: string; args: unknown[]; kwargs: Kwargs; input: Enc; out: Enc }
interface ReprCase { cls: string; args: unknown[]; kwargs: Kwargs; repr: string }

interface Fixture {
  cases: Case[];
  modules: ModuleCase[];
  inplace: InplaceCase[];
  reprs: ReprCase[];
}

const fx = loadFixture<Fixture>('activation');

function fromEnc(e: Enc, requires_grad = false): Tensor {
  const t = torch.tensor(decodeData(e), { dtype: e.dtype }).reshape(e.shape);
  return requires_grad ? t.requires_grad_(true) : t;
}

/** Activations are transcendental or compositions of a few ops, and all are checked with grads. */
function close(actual: Tensor | null, expected: Enc, what: string): void {
  assertClose(actual, expected, 'approx', what);
}

type Fn = (...args: unknown[]) => Tensor;
type Ctor = new (...args: unknown[]) => torch.nn.Module;

function withKwargs(args: unknown[], kwargs: Kwargs): unknown[] {
  return Object.keys(kwargs).length > 0 ? [...args, kwargs] : args;
}

for (const c of fx.cases) {
  test(`F.${c.name} (${c.dtype})`, () => {
    const fn = (F as unknown as Record<string, Fn>)[c.fn];
    const x = fromEnc(c.input, true);
    const w = c.weight === null ? null : fromEnc(c.weight, true);
    const out = w === null ? fn(x, ...withKwargs(c.args, c.kwargs)) : fn(x, w);
    close(out, c.out, 'out');
    assert.equal(out.grad_fn?.name(), c.grad_fn, 'grad_fn');
    out.mul(fromEnc(c.grad_out)).sum().backward();
    close(x.grad, c.grad_input, 'input.grad');
    if (w !== null && c.grad_weight !== null) close(w.grad, c.grad_weight, 'weight.grad');
  });
}

for (const c of fx.modules) {
  test(`nn.${c.name} (${c.dtype})`, () => {
    const cls = (nn as unknown as Record<string, Ctor>)[c.cls];
    const m = new cls(...withKwargs(c.args, c.kwargs));
    if (c.dtype === 'float64') m.double();
    const x = fromEnc(c.input, true);
    const out = m.forward(x) as Tensor;
    close(out, c.out, 'out');
    assert.equal(out.grad_fn?.name(), c.grad_fn, 'grad_fn');
    out.mul(fromEnc(c.grad_out)).sum().backward();
    close(x.grad, c.grad_input, 'input.grad');
    if (c.grad_weight !== null) {
      const w = (m as unknown as { weight: Tensor }).weight;
      close(w.grad, c.grad_weight, 'weight.grad');
    }
  });
}

for (const c of fx.inplace) {
  test(`F.${c.fn}(inplace=True)`, () => {
    const fn = (F as unknown as Record<string, Fn>)[c.fn];
    const x = fromEnc(c.input);
    const r = fn(x, ...c.args, { ...c.kwargs, inplace: true });
    assert.equal(r, x, 'returns its input');
    close(x, c.out, 'input after the call');
  });
}

test('module reprs', () => {
  for (const c of fx.reprs) {
    const cls = (nn as unknown as Record<string, Ctor>)[c.cls];
    const m = new cls(...withKwargs(c.args, c.kwargs));
    assert.equal(String(m), c.repr, `${c.cls}(${JSON.stringify(c.args)}, ${JSON.stringify(c.kwargs)})`);
  }
});

test('PReLU defaults and its weight parameter', () => {
  const m = new nn.PReLU();
  assert.equal(m.num_parameters, 1);
  assert.equal(m.init, 0.25);
  assert.deepEqual([...m.weight.shape], [1]);
  assert.deepEqual([...m.parameters()].length, 1);
  assert.equal(m.weight.item(), 0.25);
  assert.throws(() => F.prelu(torch.randn(2, 3), torch.ones(2)), /Mismatch of parameter numbers/);
});

/** float64 inputs kept away from the kinks (0, +-1, +-3, 6) so finite differences are smooth. */
function smooth(shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = Array.from({ length: n }, (_v, i) => -7.17 + (14.9 * (i + 0.5)) / n);
  return torch.tensor(data, { dtype: 'float64' }).reshape(shape).requires_grad_(true);
}

const GRADCHECKS: [string, (x: Tensor) => Tensor][] = [
  ['relu6', (x) => F.relu6(x)],
  ['leaky_relu', (x) => F.leaky_relu(x, 0.2)],
  ['elu', (x) => F.elu(x, { alpha: 0.5 })],
  ['selu', (x) => F.selu(x)],
  ['celu', (x) => F.celu(x, 2)],
  ['gelu', (x) => F.gelu(x)],
  ['gelu tanh', (x) => F.gelu(x, { approximate: 'tanh' })],
  ['silu', (x) => F.silu(x)],
  ['mish', (x) => F.mish(x)],
  ['hardtanh', (x) => F.hardtanh(x, -2, 2)],
  ['hardswish', (x) => F.hardswish(x)],
  ['hardsigmoid', (x) => F.hardsigmoid(x)],
  ['softplus', (x) => F.softplus(x, { beta: 2, threshold: 5 })],
];

for (const [name, fn] of GRADCHECKS) {
  test(`gradcheck ${name} (float64)`, () => {
    assert.ok(torch.autograd.gradcheck(fn, [smooth([2, 3, 4])]));
  });
  test(`gradgradcheck ${name} via double backward (float64)`, () => {
    const x = smooth([2, 3, 4]);
    // gradcheck evaluates fn without grad for its finite differences; the inner grad needs it.
    const first = (t: Tensor): Tensor => torch.enable_grad(() => {
      const [g] = torch.autograd.grad(fn(t).sum(), [t], { create_graph: true });
      return g as Tensor;
    });
    assert.ok(torch.autograd.gradcheck(first, [x]));
  });
}

test('gradcheck prelu per-channel (float64)', () => {
  const w = torch.tensor([0.1, -0.3, 2], { dtype: 'float64' }).requires_grad_(true);
  assert.ok(torch.autograd.gradcheck((x, wt) => F.prelu(x, wt), [smooth([2, 3, 4]), w]));
});
