// The nn.Module tutorial's layers as modules against tools/oracle/layers.py: seeded default parameters,
// repr, state_dict keys, outputs, gradients, and BatchNorm's running statistics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/index.js';
import { type EncodedTensor, loadFixture, decodeTensor as make } from '../helpers/fixtures.js';
import { assertClose } from '../helpers/tolerance.js';

interface Case {
  name: string; ctor: string; args: unknown[]; kw: Record<string, unknown>; seed: number; mode: string;
  steps: number; repr: string; state0: Record<string, EncodedTensor>; x: EncodedTensor; g: EncodedTensor;
  out: EncodedTensor; grad_fn: string; x_grad: EncodedTensor; param_grads: Record<string, EncodedTensor>;
  state1: Record<string, EncodedTensor>;
}

type Ctor = new (...args: unknown[]) => torch.nn.Module;

function build(c: Case): torch.nn.Module {
  const cls = (torch.nn as unknown as Record<string, Ctor>)[c.ctor];
  const kw = Object.keys(c.kw).length > 0 ? [c.kw] : [];
  if (c.ctor === 'Conv2d' && 'kernel_size' in c.kw) {
    const { kernel_size, ...rest } = c.kw;
    return new cls(...c.args, kernel_size, rest);
  }
  return new cls(...c.args, ...kw);
}

function checkState(m: torch.nn.Module, want: Record<string, EncodedTensor>, what: string): void {
  const sd = m.state_dict();
  assert.deepEqual([...sd.keys()], Object.keys(want), `${what}: state_dict keys`);
  for (const [k, v] of sd) assertClose(v as torch.Tensor, want[k], 'approx', `${what} ${k}`);
}

for (const c of loadFixture<Case[]>('layers')) {
  test(c.name, () => {
    torch.manual_seed(c.seed);
    const m = build(c);
    assert.equal(String(m), c.repr);
    checkState(m, c.state0, 'initial');
    if (c.mode === 'eval') m.eval();
    const x = make(c.x).requires_grad_();
    for (let i = 0; i < c.steps - 1; i++) m.forward(x.detach());
    const out = m.forward(x.mul(1)) as torch.Tensor;
    assertClose(out, c.out, 'approx', 'output');
    assert.equal(out.grad_fn?.name(), c.grad_fn);
    out.mul(make(c.g)).sum().backward();
    assertClose(x.grad, c.x_grad, 'approx', 'input grad');
    for (const [k, p] of m.named_parameters()) assertClose(p.grad, c.param_grads[k], 'approx', `grad ${k}`);
    checkState(m, c.state1, 'after forward');
  });
}
