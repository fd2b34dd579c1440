// Autograd scenarios against tools/oracle/autograd.py: accumulation, shared subgraphs, hooks,
// retain_grad, double backward, autograd.grad, broadcasting, and PyTorch's error messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/index.js';
import { type EncodedTensor, decodeData, loadFixture } from '../helpers/fixtures.js';

type Fx = Record<string, Record<string, EncodedTensor>> & { errors: Record<string, string> };
const fx = loadFixture<Fx>('autograd');

function t(e: EncodedTensor, requires_grad = false): torch.Tensor {
  return torch.tensor(decodeData(e), { dtype: e.dtype }).reshape(e.shape).requires_grad_(requires_grad);
}

function close(actual: torch.Tensor | null, expected: EncodedTensor, rtol = 1e-6): void {
  assert.ok(actual, 'expected a tensor');
  assert.deepEqual([...actual.shape], expected.shape);
  const got = actual.contiguous().toTypedArray() as Float32Array;
  decodeData(expected).forEach((v, i) => {
    assert.ok(Math.abs(got[i] - v) <= 1e-6 + rtol * Math.abs(v), `element ${i}: ${got[i]} vs ${v}`);
  });
}

test('a weight shared four times: output 81, gradient 108', () => {
  const w = torch.tensor([[3]], { dtype: 'float32', requires_grad: true });
  let y = torch.ones(1, 1);
  for (let i = 0; i < 4; i++) y = y.matmul(w.t());
  y.sum().backward();
  close(y, fx.shared4.y);
  close(w.grad, fx.shared4.grad);
});

test('a shared intermediate (diamond) is visited once', () => {
  const a = t(fx.diamond.a, true);
  const b = a.mul(2);
  b.mul(b).add(b.mul(3)).sum().backward();
  close(a.grad, fx.diamond.grad);
});

test('gradients accumulate over two backward passes', () => {
  const a = torch.tensor([1, 2, 3], { requires_grad: true });
  const l = a.mul(a).sum();
  l.backward({ retain_graph: true });
  l.backward();
  close(a.grad, fx.accumulate.grad);
});

test('double backward through create_graph', () => {
  const x = torch.tensor([0.5, -1.5, 2.0], { requires_grad: true });
  const [g] = torch.autograd.grad(x.pow(3).sum(), x, { create_graph: true });
  close(g, fx.double.g);
  const [g2] = torch.autograd.grad(g!.sum(), x);
  close(g2, fx.double.g2);
});

test('retain_grad and tensor hooks', () => {
  const x = torch.tensor([1, -2, 3], { requires_grad: true });
  const h = x.mul(3);
  h.retain_grad();
  h.register_hook((g) => g.mul(10));
  x.register_hook((g) => g.add(1));
  h.mul(h).sum().backward();
  close(h.grad, fx.hooks.h_grad);
  close(x.grad, fx.hooks.x_grad);
});

test('autograd.grad w.r.t. an intermediate, allow_unused', () => {
  const x = torch.tensor([1, 2], { requires_grad: true });
  const z = torch.tensor([1], { requires_grad: true });
  const m = x.exp();
  const s = m.mul(x).sum();
  const [gm, gz] = torch.autograd.grad(s, [m, z], { allow_unused: true });
  close(gm, fx.grad_intermediate.gm);
  assert.equal(gz, null);
  assert.equal(x.grad, null, 'autograd.grad leaves .grad alone');
});

test('broadcast gradients are summed back to input shapes', () => {
  const p = t(fx.broadcast.p, true);
  const q = t(fx.broadcast.q, true);
  p.mul(q).sin().sum().backward();
  close(p.grad, fx.broadcast.gp, 1e-5);
  close(q.grad, fx.broadcast.gq, 1e-5);
});

test('errors carry PyTorch\'s messages', () => {
  const e = fx.errors;
  assert.throws(() => {
    const v = torch.tensor([1, 2], { requires_grad: true });
    const l = v.mul(v).sum();
    l.backward();
    l.backward();
  }, { message: e.second_backward });
  assert.throws(() => torch.ones(2, { requires_grad: true }).add_(1), { message: e.leaf_inplace });
  assert.throws(() => {
    const v = torch.ones(2, 3, { requires_grad: true });
    const u = v.mul(2);
    const r = u.mul(u);
    u.add_(1);
    r.sum().backward();
  }, { message: e.modified_saved });
  assert.throws(() => torch.ones(2, { requires_grad: true }).mul(2).backward(), { message: e.nonscalar });
  assert.throws(() => torch.tensor([1, 2]).requires_grad_(), { message: e.int_requires_grad });
  assert.throws(() => torch.ones(2).backward(), { message: e.no_grad_fn });
});

test('no_grad: results do not require grad; the mode is scoped to the callback', async () => {
  const w = torch.ones(2, { requires_grad: true });
  const y = torch.no_grad(() => w.mul(2));
  assert.equal(y.requires_grad, false);
  assert.equal(w.mul(2).requires_grad, true);
  // An async callback keeps grad off across its awaits; concurrent work is unaffected.
  let inside: boolean | null = null;
  let outside: boolean | null = null;
  const p = torch.no_grad(async () => {
    await new Promise((r) => setTimeout(r, 5));
    inside = torch.is_grad_enabled();
  });
  await new Promise((r) => setTimeout(r, 1));
  outside = torch.is_grad_enabled();
  await p;
  assert.equal(inside, false);
  assert.equal(outside, true);
});

test('in-place under no_grad on a leaf is allowed and bumps the version', () => {
  const w = torch.zeros(3, { requires_grad: true });
  const before = w._version.value;
  torch.no_grad(() => w.add_(1));
  assert.equal(w._version.value, before + 1);
  assert.deepEqual(w.tolist(), [1, 1, 1]);
});

test('detach shares storage; .data does not share the version counter', () => {
  const w = torch.ones(2, { requires_grad: true });
  const d = w.detach();
  torch.no_grad(() => d.mul_(3));
  assert.deepEqual(w.tolist(), [3, 3]);
  assert.equal(d.requires_grad, false);
  const v = w._version.value;
  w.data.mul_(2);
  assert.equal(w._version.value, v);
  assert.deepEqual(w.tolist(), [6, 6]);
});

test('next_functions has one edge per differentiable input, as PyTorch', () => {
  const want = (fx as unknown as { next_functions: Record<string, (string | null)[]> }).next_functions;
  const x = torch.ones(2, { requires_grad: true });
  const y = torch.ones(2, { requires_grad: true });
  const F = torch.nn.functional;
  const got: Record<string, torch.Tensor> = {
    add_scalar: x.add(2), mul: x.mul(y), where: torch.where(x.gt(0), x, y), clamp: x.clamp(0, 1),
    masked_fill: x.masked_fill(x.gt(0), 1), index: x.index(torch.tensor([0])),
    conv2d_no_bias: F.conv2d(torch.ones(1, 1, 3, 3, { requires_grad: true }),
      torch.ones(1, 1, 2, 2, { requires_grad: true })),
    view: x.view(2, 1), cat: torch.cat([x, y]), max_dim: x.max(0)[0], pow_scalar_base: torch.pow(2, x),
    chain: x.mul(2).sum(),
  };
  for (const [k, t] of Object.entries(got)) {
    const names = t.grad_fn!.next_functions.map(([n]) => (n ? n.name().replace('torch::autograd::', '') : null));
    assert.deepEqual(names, want[k], k);
  }
});

test('in-place ops on views: CopySlices on the base, gradients of overwritten regions', () => {
  const f = (fx as unknown as { view_inplace: Record<string, EncodedTensor & string> }).view_inplace;
  const x = t(f.x, true);
  const w = t(f.w, true);
  const s = t(f.s, true);
  const y = x.mul(2);
  y.set('0', 5);
  y.index('1:3').mul_(w);
  y.index(':, 1').relu_();
  const z = torch.zeros(3, 4);
  z.set('2, 3', s.index('0'));
  close(y, f.y);
  assert.equal(y.grad_fn?.name(), f.y_grad_fn);
  assert.equal(z.grad_fn?.name(), f.z_grad_fn);
  y.add(z).mul(t(f.g)).sum().backward();
  close(x.grad, f.gx);
  close(w.grad, f.gw);
  close(s.grad, f.gs);
  assert.throws(() => torch.ones(2, 3, { requires_grad: true }).index('0').add_(1),
    { message: fx.errors.view_of_leaf_inplace });
});
