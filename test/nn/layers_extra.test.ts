// More torch.nn layers as modules against tools/oracle/layers_extra.py: Flatten, Unflatten,
// Dropout(2d) masks under a seed, Embedding, LayerNorm, GroupNorm, AvgPool2d, AdaptiveAvgPool2d.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/index.js';
import { type EncodedTensor, loadFixture, decodeTensor as make } from '../helpers/fixtures.js';
import { assertClose } from '../helpers/tolerance.js';
import { gradAndGradGrad, f64 } from '../helpers/gradcheck.js';

interface Case {
  name: string; ctor: string; args: unknown[]; kw: Record<string, unknown>; seed: number; mode: string;
  repr: string; state0: Record<string, EncodedTensor>; x: EncodedTensor; g: EncodedTensor;
  out: EncodedTensor; grad_fn: string; x_grad: EncodedTensor | null;
  param_grads: Record<string, EncodedTensor>;
}

type Ctor = new (...args: unknown[]) => torch.nn.Module;

function build(c: Case): torch.nn.Module {
  const cls = (torch.nn as unknown as Record<string, Ctor>)[c.ctor];
  const kw = Object.keys(c.kw).length > 0 ? [c.kw] : [];
  return new cls(...c.args, ...kw);
}

for (const c of loadFixture<Case[]>('layers_extra')) {
  test(c.name, () => {
    torch.manual_seed(c.seed);
    const m = build(c);
    assert.equal(String(m), c.repr);
    const sd = m.state_dict();
    assert.deepEqual([...sd.keys()], Object.keys(c.state0), 'state_dict keys');
    for (const [k, v] of sd) assertClose(v as torch.Tensor, c.state0[k], 'approx', `initial ${k}`);
    if (c.mode === 'eval') m.eval();
    const indices = c.x.dtype.startsWith('int');
    // The oracle drew x with randn after seeding; drawing it here keeps dropout's masks in step.
    if (!indices) assertClose(torch.randn(c.x.shape), c.x, 'approx', 'seeded input');
    const x = indices ? make(c.x) : make(c.x).requires_grad_();
    const out = m.forward(indices ? x : x.mul(1)) as torch.Tensor;
    assertClose(out, c.out, 'approx', 'output');
    assert.equal(out.grad_fn?.name(), c.grad_fn);
    out.mul(make(c.g)).sum().backward();
    if (c.x_grad === null) assert.equal(x.grad, null);
    else assertClose(x.grad, c.x_grad, 'approx', 'input grad');
    for (const [k, p] of m.named_parameters()) assertClose(p.grad, c.param_grads[k], 'approx', `grad ${k}`);
  });
}

test('layer argument errors use PyTorch wording', () => {
  assert.throws(() => new torch.nn.Dropout(1.5),
    /dropout probability has to be between 0 and 1, but got 1.5/);
  assert.throws(() => new torch.nn.GroupNorm(3, 4), /num_channels must be divisible by num_groups/);
  assert.throws(() => new torch.nn.Embedding(4, 2, 4), /Padding_idx must be within num_embeddings/);
  assert.throws(() => torch.nn.functional.group_norm(torch.ones(1, 2), 2),
    /Expected more than 1 value per channel when training, got input size \[1, 2\]/);
  assert.throws(() => torch.nn.functional.embedding(torch.ones(2), torch.ones(3, 2)),
    /Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int/);
});

test('gradcheck and gradgradcheck F.group_norm (float64)', () => {
  torch.manual_seed(0);
  gradAndGradGrad((x, w, b) => torch.nn.functional.group_norm(x, 2, w, b), [f64(2, 4, 3), f64(4), f64(4)]);
});

test('gradcheck and gradgradcheck F.embedding, padding row without gradient (float64)', () => {
  torch.manual_seed(0);
  const idx = torch.tensor([[1, 0, 1], [3, 1, 2]]);
  const F = torch.nn.functional;
  // padding_idx and scale_grad_by_freq bend the gradient on purpose (checked by the fixture cases).
  gradAndGradGrad((w) => F.embedding(idx, w), [f64(5, 3)]);
  const w = f64(5, 3);
  F.embedding(idx, w, 0).sum().backward();
  assert.deepEqual(w.grad!.select(0, 0).tolist(), [0, 0, 0]);
});
