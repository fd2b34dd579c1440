// torch.nn.functional against real PyTorch (test/fixtures/nn_functional.json from
// tools/oracle/nn_functional.py): outputs, gradients, grad_fn names, running statistics, error
// messages, seeded dropout masks and second-order gradients; plus float64 finite-difference
// gradchecks of conv2d, the poolings, batch_norm, layer_norm and cross_entropy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/index.js';
import * as F from '../../src/nn/functional.js';
import { type EncodedTensor, decodeData, loadFixture } from '../helpers/fixtures.js';
import { assertClose } from '../helpers/tolerance.js';

type Tensor = torch.Tensor;
type Enc = EncodedTensor;
type Value = Enc | { value: unknown } | null;

interface Case {
  name: string;
  op: string;
  dtype: 'float32' | 'float64';
  inputs: Record<string, Value>;
  noncontig: string[];
  kwargs: Record<string, unknown>;
  requires_grad: string[];
  outs: Enc[];
  grad_fn: string | null;
  grad_outs: (Enc | null)[];
  grads: Record<string, Enc>;
  after: Record<string, Enc>;
}

interface ErrorCase {
  name: string;
  op: string;
  dtype: string;
  shapes: Record<string, number[] | { long: number[] } | { value: unknown } | null>;
  kwargs: Record<string, unknown>;
  message: string;
  type: string;
}

interface GradGrad {
  name: string;
  op: string;
  kwargs: Record<string, unknown>;
  inputs: Record<string, Enc | null>;
  g: Enc;
  h: Enc[];
  first: Enc[];
  second: (Enc | null)[];
}

interface Fixture {
  cases: Case[];
  errors: ErrorCase[];
  target_out_of_bounds: string;
  dropout: { seed: number; input: Enc; p: number; out: Enc }[];
  gradgrad: GradGrad[];
}

const fx = loadFixture<Fixture>('nn_functional');

function fromEnc(e: Enc, requires_grad = false): Tensor {
  const t = torch.tensor(decodeData(e), { dtype: e.dtype }).reshape(e.shape);
  return requires_grad ? t.requires_grad_(true) : t;
}

/** Every value here comes from reductions or transcendental functions: the 'approx' class. */
function close(actual: Tensor, expected: Enc, what: string): void {
  assertClose(actual, expected, 'approx', what);
}

type Fn = (...args: unknown[]) => Tensor | Tensor[];

function call(op: string, args: unknown[], kwargs: Record<string, unknown>): Tensor[] {
  const fn = (F as unknown as Record<string, Fn>)[op];
  assert.equal(typeof fn, 'function', `F.${op} exists`);
  const out = Object.keys(kwargs).length > 0 ? fn(...args, kwargs) : fn(...args);
  return Array.isArray(out) ? out : [out];
}

for (const c of fx.cases) {
  test(`F.${c.name}`, () => {
    const leaves = new Map<string, Tensor>();
    const args: unknown[] = [];
    for (const [k, v] of Object.entries(c.inputs)) {
      if (v === null) {
        args.push(null);
      } else if ('value' in v) {
        args.push(v.value);
      } else {
        const leaf = fromEnc(v, c.requires_grad.includes(k));
        leaves.set(k, leaf);
        args.push(c.noncontig.includes(k) ? leaf.transpose(-1, -2).contiguous().transpose(-1, -2) : leaf);
      }
    }
    const outs = call(c.op, args, c.kwargs);
    assert.equal(outs.length, c.outs.length, 'number of outputs');
    outs.forEach((o, i) => close(o, c.outs[i], `out ${i}`));
    assert.equal(outs[0].grad_fn ? outs[0].grad_fn.name() : null, c.grad_fn, 'grad_fn');
    for (const [k, e] of Object.entries(c.after)) close(leaves.get(k)!, e, `${k} after the call`);
    let loss: Tensor | null = null;
    c.grad_outs.forEach((g, i) => {
      if (g === null) return;
      const term = outs[i].mul(fromEnc(g)).sum();
      loss = loss === null ? term : loss.add(term);
    });
    if (loss === null) return;
    (loss as Tensor).backward();
    for (const [k, e] of Object.entries(c.grads)) {
      const grad = leaves.get(k)!.grad;
      assert.ok(grad !== null, `${k}.grad is set`);
      close(grad, e, `${k}.grad`);
    }
  });
}

/** PyTorch 1.13 (the oracle) words a few messages differently from 2.x (the spec). */
const MESSAGES_2X: Record<string, string> = {
  'pad should be at most half of kernel size, but got pad=2 and kernel_size=3':
    'pad should be at most half of effective kernel size, but got pad=2, kernel_size=3 and dilation=1',
};

function errorArgs(e: ErrorCase): unknown[] {
  return Object.values(e.shapes).map((s) => {
    if (s === null) return null;
    if (Array.isArray(s)) return torch.ones(s, { dtype: e.dtype as 'float32' });
    if ('long' in s) return torch.zeros(s.long, { dtype: 'int64' });
    return s.value;
  });
}

for (const e of fx.errors) {
  test(`F error: ${e.name}`, () => {
    const expected = MESSAGES_2X[e.message] ?? e.message;
    assert.throws(() => call(e.op, errorArgs(e), e.kwargs), (err: Error) => {
      assert.equal(err.message, expected);
      if (e.type === 'ValueError' || e.type === 'IndexError') assert.equal(err.name, e.type);
      return true;
    });
  });
}

test('F.cross_entropy: a target out of bounds is an IndexError', () => {
  const target = torch.tensor([1, 2, 7]);
  assert.throws(() => F.cross_entropy(torch.ones(3, 5), target), (err: Error) =>
    err.message === fx.target_out_of_bounds && err.name === 'IndexError');
});

for (const d of fx.dropout) {
  test(`F.dropout under manual_seed(${d.seed}), p=${d.p}`, () => {
    const x = fromEnc(d.input);
    torch.manual_seed(d.seed);
    close(F.dropout(x, d.p), d.out, 'dropout');
  });
}

test('F.dropout: identity when not training or p = 0, MulBackward0 otherwise', () => {
  const x = torch.ones(3, { requires_grad: true });
  assert.equal(F.dropout(x, { training: false }), x);
  assert.equal(F.dropout(x, 0), x);
  assert.equal(F.dropout(x, 0.5).grad_fn?.name(), 'MulBackward0');
  assert.deepEqual(F.dropout(x, 1).tolist(), [0, 0, 0]);
  const y = torch.ones(4);
  const r = F.dropout(y, { p: 0.5, inplace: true });
  assert.equal(r, y);
});

for (const gg of fx.gradgrad) {
  test(`second-order gradients of F.${gg.name}`, () => {
    const leaves: Tensor[] = [];
    const args = Object.values(gg.inputs).map((v) => {
      if (v === null) return null;
      const t = fromEnc(v, true);
      leaves.push(t);
      return t;
    });
    const out = call(gg.op, args, gg.kwargs)[0];
    const g = fromEnc(gg.g, true);
    const first = torch.autograd.grad(out.mul(g).sum(), leaves, { create_graph: true });
    first.forEach((f, i) => close(f!, gg.first[i], `first ${i}`));
    let total: Tensor | null = null;
    first.forEach((f, i) => {
      const term = f!.mul(fromEnc(gg.h[i])).sum();
      total = total === null ? term : total.add(term);
    });
    const second = torch.autograd.grad(total!, [...leaves, g], { allow_unused: true });
    second.forEach((s, i) => {
      const e = gg.second[i];
      // An input the first gradients do not depend on: PyTorch gives None or zeros, tstorch null.
      if (s === null) assert.ok(e === null || decodeData(e).every((v) => v === 0), `second ${i} is zero`);
      else close(s, e!, `second ${i}`);
    });
  });
}

/**
 * Central differences of L = sum(f(inputs) * g) against autograd, in float64, with PyTorch's
 * gradcheck defaults (eps 1e-6, atol 1e-5, rtol 1e-3).
 */
function fdCheck(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[]): void {
  const xs = inputs.map((x) => x.detach().clone().requires_grad_(true));
  const out = f(...xs);
  const g = torch.randn(out.shape, { dtype: 'float64' });
  out.mul(g).sum().backward();
  const loss = (): number => torch.no_grad(() => f(...xs).mul(g).sum().item());
  xs.forEach((x, k) => {
    const data = x._storage.data;
    const analytic = x.grad!.reshape(-1).tolist() as number[];
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      data[i] = v + 1e-6;
      const up = loss();
      data[i] = v - 1e-6;
      const down = loss();
      data[i] = v;
      const numeric = (up - down) / 2e-6;
      const ok = Math.abs(numeric - analytic[i]) <= 1e-5 + 1e-3 * Math.abs(numeric);
      if (!ok) assert.fail(`input ${k} element ${i}: numeric ${numeric}, analytic ${analytic[i]}`);
    }
  });
}

const r64 = (...shape: number[]): Tensor => torch.randn(shape, { dtype: 'float64' });

test('gradcheck: conv2d with groups, stride, padding, dilation and bias', () => {
  torch.manual_seed(1);
  fdCheck((x, w, b) => F.conv2d(x, w, b, [2, 1], [1, 2], [1, 2], 2),
    [r64(2, 4, 5, 6), r64(4, 2, 2, 3), r64(4)]);
  fdCheck((x, w) => F.conv2d(x, w, { padding: 'same' }), [r64(1, 2, 4, 5), r64(3, 2, 2, 3)]);
});

test('gradcheck: max_pool2d, avg_pool2d, adaptive_avg_pool2d', () => {
  torch.manual_seed(2);
  fdCheck((x) => F.max_pool2d(x, 3, { stride: 2, padding: 1, ceil_mode: true }) as Tensor, [r64(2, 2, 6, 7)]);
  fdCheck((x) => F.avg_pool2d(x, 3, { stride: 2, padding: 1, count_include_pad: false, ceil_mode: true }),
    [r64(2, 2, 6, 7)]);
  fdCheck((x) => F.adaptive_avg_pool2d(x, [3, 2]), [r64(2, 2, 7, 5)]);
});

test('gradcheck: batch_norm (training and eval) and layer_norm', () => {
  torch.manual_seed(3);
  fdCheck((x, w, b) => F.batch_norm(x, null, null, w, b, true), [r64(4, 3, 2, 2), r64(3), r64(3)]);
  const rm = r64(3);
  const rv = r64(3).abs();
  fdCheck((x, w, b) => F.batch_norm(x, rm, rv, w, b, false), [r64(4, 3, 2), r64(3), r64(3)]);
  fdCheck((x, w, b) => F.layer_norm(x, [3, 4], w, b), [r64(2, 3, 4), r64(3, 4), r64(3, 4)]);
});

test('gradcheck: cross_entropy with weight, ignore_index and label_smoothing', () => {
  torch.manual_seed(4);
  const target = torch.tensor([0, 3, 1, 1, 2]);
  const weight = r64(4).abs();
  fdCheck((x) => F.cross_entropy(x, target, { weight, ignore_index: 1, label_smoothing: 0.2 }), [r64(5, 4)]);
  fdCheck((x) => F.cross_entropy(x, torch.tensor([[0, 2], [1, 3]]), { reduction: 'sum' }), [r64(2, 4, 2)]);
});

test('torch.autograd.gradcheck agrees where it exists', () => {
  const gradcheck = (torch.autograd as unknown as Record<string, unknown>).gradcheck as
    ((f: (...xs: Tensor[]) => Tensor, inputs: Tensor[]) => boolean) | undefined;
  if (typeof gradcheck !== 'function') return;
  torch.manual_seed(5);
  const x = r64(1, 2, 4, 4).requires_grad_(true);
  const w = r64(2, 2, 3, 3).requires_grad_(true);
  assert.ok(gradcheck((a, b) => F.conv2d(a, b, { padding: 1 }), [x, w]));
});

test('F.max_pool2d: indices are flat per plane; F.max_pool2d_with_indices', () => {
  const x = torch.arange(16, { dtype: 'float32' }).reshape(1, 1, 4, 4);
  const [v, i] = F.max_pool2d(x, 2, { return_indices: true }) as Tensor[];
  assert.deepEqual(v.tolist(), [[[[5, 7], [13, 15]]]]);
  assert.deepEqual(i.tolist(), [[[[5, 7], [13, 15]]]]);
  assert.equal(i.dtype.name, 'int64');
  const [v2] = F.max_pool2d_with_indices(x, [2, 2], [2, 2]);
  assert.deepEqual(v2.tolist(), v.tolist());
});

test('F.linear and F.relu spellings', () => {
  const x = torch.ones(2, 3, { requires_grad: true });
  const w = torch.ones(4, 3);
  assert.equal(F.linear(x, w, torch.zeros(4)).grad_fn?.name(), 'AddmmBackward0');
  assert.equal(F.linear(x, w, { bias: torch.zeros(4) }).grad_fn?.name(), 'AddmmBackward0');
  assert.equal(F.linear(x, w).grad_fn?.name(), 'MmBackward0');
  const y = torch.tensor([-1.5, 2]);
  assert.equal(F.relu(y, { inplace: true }), y);
  assert.deepEqual(y.tolist(), [0, 2]);
});
