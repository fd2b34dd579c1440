// The convolution family and padding against tools/oracle/layers_conv.py: Conv1d, Conv2d padding
// modes, ConvTranspose1d/2d, Bilinear, padding modules, F.pad in every mode, errors, gradchecks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/index.js';
import { type EncodedTensor, loadFixture, decodeTensor as make } from '../helpers/fixtures.js';
import { assertClose } from '../helpers/tolerance.js';
import { gradAndGradGrad, f64 } from '../helpers/gradcheck.js';

interface ModuleCase {
  name: string; ctor: string; args: unknown[]; kw: Record<string, unknown>; dtype: 'float32' | 'float64';
  seed: number; output_size: number[] | null; repr: string; state0: Record<string, EncodedTensor>;
  x: EncodedTensor; x2: EncodedTensor | null; g: EncodedTensor; out: EncodedTensor; grad_fn: string;
  x_grad: EncodedTensor; x2_grad: EncodedTensor | null; param_grads: Record<string, EncodedTensor>;
}

interface FnCase {
  name: string; fn: string; kw: Record<string, unknown>; dtype: string; inputs: (EncodedTensor | null)[];
  g: EncodedTensor; out: EncodedTensor; grad_fn: string; grads: (EncodedTensor | null)[];
}

interface ErrorCase { type: string; message: string }

interface Fixture { modules: ModuleCase[]; functional: FnCase[]; errors: Record<string, ErrorCase> }
const fixture = loadFixture<Fixture>('layers_conv');
const F = torch.nn.functional;

type Ctor = new (...args: unknown[]) => torch.nn.Module;

function build(c: ModuleCase): torch.nn.Module {
  const cls = (torch.nn as unknown as Record<string, Ctor>)[c.ctor];
  const kw = Object.keys(c.kw).length > 0 ? [c.kw] : [];
  // The oracle builds in float32 and converts, so the seeded draws are float32 draws.
  return new cls(...c.args, ...kw).to(c.dtype);
}

for (const c of fixture.modules) {
  test(`module ${c.name}`, () => {
    torch.manual_seed(c.seed);
    const m = build(c);
    assert.equal(String(m), c.repr);
    const sd = m.state_dict();
    assert.deepEqual([...sd.keys()], Object.keys(c.state0), 'state_dict keys');
    for (const [k, v] of sd) assertClose(v as torch.Tensor, c.state0[k], 'approx', `initial ${k}`);
    const x = make(c.x).requires_grad_();
    const x2 = c.x2 === null ? null : make(c.x2).requires_grad_();
    let out: torch.Tensor;
    if (x2 !== null) out = m.forward(x.mul(1), x2.mul(1)) as torch.Tensor;
    else if (c.output_size !== null) out = m.forward(x.mul(1), c.output_size) as torch.Tensor;
    else out = m.forward(x.mul(1)) as torch.Tensor;
    assertClose(out, c.out, 'approx', 'output');
    assert.equal(out.grad_fn?.name(), c.grad_fn);
    out.mul(make(c.g)).sum().backward();
    assertClose(x.grad, c.x_grad, 'approx', 'input grad');
    if (x2 !== null) assertClose(x2.grad, c.x2_grad!, 'approx', 'input2 grad');
    for (const [k, p] of m.named_parameters()) assertClose(p.grad, c.param_grads[k], 'approx', `grad ${k}`);
  });
}

type AnyFn = (...args: unknown[]) => torch.Tensor;

function callFn(c: FnCase, ts: (torch.Tensor | null)[]): torch.Tensor {
  if (c.fn === 'pad') {
    const { pad, ...rest } = c.kw as { pad: number[] };
    return F.pad(ts[0]!, pad, rest);
  }
  const fn = (F as unknown as Record<string, AnyFn>)[c.fn];
  return Object.keys(c.kw).length > 0 ? fn(...ts, c.kw) : fn(...ts);
}

for (const c of fixture.functional) {
  test(`F.${c.name}`, () => {
    const ts = c.inputs.map((e) => (e === null ? null : make(e).requires_grad_()));
    const out = callFn(c, ts);
    assertClose(out, c.out, 'approx', 'output');
    assert.equal(out.grad_fn?.name(), c.grad_fn);
    out.mul(make(c.g)).sum().backward();
    ts.forEach((t, i) => {
      if (t !== null) assertClose(t.grad, c.grads[i]!, 'approx', `grad ${i}`);
    });
  });
}

const r = (...s: number[]): torch.Tensor => torch.randn(s);
const nn = torch.nn;

const ERRORS: Record<string, () => unknown> = {
  conv1d_dims: () => F.conv1d(r(1, 2, 3, 4), r(3, 2, 3)),
  conv2d_dims: () => F.conv2d(r(2, 5), r(3, 2, 3, 3)),
  conv_transpose1d_dims: () => F.conv_transpose1d(r(2, 3, 4, 4), r(3, 2, 3)),
  conv_transpose2d_dims: () => F.conv_transpose2d(r(3, 4), r(3, 2, 3, 3)),
  conv1d_channels: () => F.conv1d(r(2, 5, 7), r(4, 3, 3)),
  conv2d_channels: () => F.conv2d(r(1, 2, 5, 5), r(4, 3, 3, 3)),
  conv1d_kernel_too_big: () => F.conv1d(r(1, 2, 3), r(4, 2, 5)),
  conv_transpose2d_channels: () => F.conv_transpose2d(r(1, 3, 4, 4), r(4, 2, 3, 3)),
  conv_transpose2d_bias: () => F.conv_transpose2d(r(1, 4, 4, 4), r(4, 2, 3, 3), r(3), { groups: 2 }),
  conv_transpose1d_channels: () => F.conv_transpose1d(r(1, 3, 4), r(4, 2, 3)),
  conv_transpose2d_output_padding: () =>
    F.conv_transpose2d(r(1, 2, 3, 3), r(2, 2, 3, 3), { stride: 2, output_padding: 2 }),
  conv_transpose2d_output_padding_dilation: () => F.conv_transpose2d(r(1, 2, 3, 3), r(2, 2, 3, 3),
    { stride: [1, 2], dilation: [1, 2], output_padding: [1, 0] }),
  conv_transpose1d_output_padding: () =>
    F.conv_transpose1d(r(1, 2, 3), r(2, 2, 3), { stride: 2, dilation: 2, output_padding: 2 }),
  reflect_too_big_1d: () => F.pad(r(1, 2, 3), [3, 3], 'reflect'),
  reflect_too_big_1d_unbatched: () => F.pad(r(2, 3), [1, 3], 'reflect'),
  reflect_too_big_2d: () => F.pad(r(1, 2, 3, 4), [1, 1, 3, 0], 'reflect'),
  pad_odd_length: () => F.pad(r(2, 3), [1, 2, 3]),
  pad_too_long: () => F.pad(r(2, 3), [1, 1, 1, 1, 1, 1]),
  pad_reflect_value: () => F.pad(r(1, 2, 3), [1, 1], { mode: 'reflect', value: 1 }),
  pad_reflect_4d_1d_pad: () => F.pad(r(1, 2, 3, 4), [1, 1], 'reflect'),
  pad_circular_wrap: () => F.pad(r(1, 2, 3), [4, 0], 'circular'),
  replicate_too_small: () => F.pad(r(1, 2, 3), [-2, -2], 'replicate'),
  reflect_too_small_2d: () => F.pad(r(1, 2, 3, 3), [-2, -2, -2, -2], 'reflect'),
  constant_negative_size: () => F.pad(r(2, 3), [-2, -2]),
  conv_transpose2d_too_small: () => F.conv_transpose2d(r(1, 2, 1, 1), r(2, 2, 1, 1), { padding: 1 }),
  conv1d_same_strided: () => F.conv1d(r(1, 2, 5), r(2, 2, 3), { stride: 2, padding: 'same' }),
  module_same_strided: () => new nn.Conv1d(2, 2, 3, { stride: 2, padding: 'same' }),
  module_invalid_padding_mode: () => new nn.Conv2d(2, 2, 3, { padding_mode: 'foo' as 'zeros' }),
  module_transpose_padding_mode: () => new nn.ConvTranspose2d(2, 2, 3, { padding_mode: 'reflect' }),
  module_groups: () => new nn.Conv1d(3, 4, 3, { groups: 2 }),
  module_output_size: () => new nn.ConvTranspose2d(2, 2, 3, { stride: 2 }).forward(r(1, 2, 3, 3), [9, 9]),
};

for (const [name, e] of Object.entries(fixture.errors)) {
  test(`error ${name} uses PyTorch's wording`, () => {
    const thunk = ERRORS[name];
    assert.ok(thunk, `no thunk for ${name}`);
    assert.throws(thunk, (err: Error) => {
      assert.ok(err.message.startsWith(e.message), `${err.message}\n  !=\n${e.message}`);
      if (e.type !== 'RuntimeError') assert.equal(err.name, e.type);
      return true;
    });
  });
}

test('every error case of the fixture has a thunk here', () => {
  assert.deepEqual(Object.keys(ERRORS).sort(), Object.keys(fixture.errors).sort());
});

test('gradcheck and gradgradcheck F.conv_transpose2d and F.conv_transpose1d (float64)', () => {
  torch.manual_seed(0);
  const opts = { stride: 2, padding: 1, output_padding: 1, groups: 2 };
  gradAndGradGrad((x, w, b) => F.conv_transpose2d(x, w, b, opts),
    [f64(1, 4, 2, 3), f64(4, 1, 3, 2), f64(2)]);
  gradAndGradGrad((x, w) => F.conv_transpose1d(x, w, null, { stride: 3, dilation: 2 }),
    [f64(2, 2, 3), f64(2, 3, 2)]);
});

test('gradcheck and gradgradcheck F.conv1d (float64)', () => {
  torch.manual_seed(1);
  gradAndGradGrad((x, w, b) => F.conv1d(x, w, b, { stride: 2, padding: 1 }),
    [f64(2, 2, 6), f64(3, 2, 3), f64(3)]);
});

test('gradcheck and gradgradcheck F.pad in every mode (float64)', () => {
  torch.manual_seed(2);
  gradAndGradGrad((x) => F.pad(x, [2, -1, 1, 1], { value: 1.5 }), [f64(2, 3, 4)]);
  gradAndGradGrad((x) => F.pad(x, [2, 1, 1, 2], 'reflect'), [f64(1, 2, 3, 4)]);
  gradAndGradGrad((x) => F.pad(x, [2, 1], 'replicate'), [f64(2, 3)]);
  // circular is copy_ into views (CopySlices); tstorch has no double backward through those yet.
  assert.ok(torch.autograd.gradcheck((x) => F.pad(x, [1, 2, 2, 0], 'circular'), [f64(1, 2, 3, 3)]));
});

test('gradcheck F.bilinear and a reflect-padded Conv2d (float64)', () => {
  torch.manual_seed(3);
  gradAndGradGrad((a, b, w, bias) => F.bilinear(a, b, w, bias), [f64(3, 2), f64(3, 4), f64(2, 2, 4), f64(2)]);
  const conv = new nn.Conv2d(2, 2, 3, { padding: 1, padding_mode: 'reflect', dtype: 'float64' });
  assert.ok(torch.autograd.gradcheck((x) => conv.forward(x) as torch.Tensor, [f64(1, 2, 4, 4)]));
});

test('double backward through conv_transpose2d names PyTorch nodes', () => {
  const x = f64(1, 2, 3, 3);
  const w = f64(2, 3, 2, 2);
  const y = F.conv_transpose2d(x, w, null, { stride: 2 });
  const [gx] = torch.autograd.grad(y.square().sum(), [x], { create_graph: true }) as torch.Tensor[];
  assert.equal(gx.grad_fn?.name(), 'ConvolutionBackwardBackward0');
  gx.sum().backward();
  assert.deepEqual([...w.grad!.shape], [2, 3, 2, 2]);
  const x1 = f64(1, 2, 3);
  const p = F.pad(x1, [1, 1], 'reflect');
  const [gp] = torch.autograd.grad(p.square().sum(), [x1], { create_graph: true }) as torch.Tensor[];
  assert.equal(gp.grad_fn?.name(), 'ReflectionPad1DBackwardBackward0');
});

test('UNet-style ConvTranspose2d(in, out, kernel_size=2, stride=2) doubles H and W', () => {
  const up = new nn.ConvTranspose2d(8, 4, 2, 2);
  assert.equal(String(up), 'ConvTranspose2d(8, 4, kernel_size=(2, 2), stride=(2, 2))');
  const y = up.forward(torch.randn(2, 8, 5, 7)) as torch.Tensor;
  assert.deepEqual([...y.shape], [2, 4, 10, 14]);
  assert.equal(up._reversed_padding_repeated_twice.length, 4);
});

test('positional and options-object forms agree', () => {
  torch.manual_seed(5);
  const x = r(2, 4, 3, 3);
  const w = r(4, 3, 3, 3);
  const b = r(6);
  const a = F.conv_transpose2d(x, w, b, 2, 1, 1, 2, 1);
  const o = F.conv_transpose2d(x, w, { bias: b, stride: 2, padding: 1, output_padding: 1, groups: 2 });
  assert.deepEqual(a.tolist(), o.tolist());
  const x1 = r(1, 2, 6);
  const w1 = r(3, 2, 3);
  const same1 = F.conv1d(x1, w1, { padding: 'same' });
  assert.deepEqual(F.conv1d(x1, w1, null, 1, 'same').tolist(), same1.tolist());
  assert.deepEqual(F.pad(x1, [1, 2], 'constant', 2).tolist(), F.pad(x1, [1, 2], { value: 2 }).tolist());
  assert.deepEqual(F.pad(x1, [1, 2], 'reflect').tolist(), F.pad(x1, [1, 2], { mode: 'reflect' }).tolist());
  torch.manual_seed(6);
  const m1 = new nn.ConvTranspose2d(4, 2, 3, 2, 1, 1);
  torch.manual_seed(6);
  const m2 = new nn.ConvTranspose2d(4, 2, 3, { stride: 2, padding: 1, output_padding: 1 });
  assert.equal(String(m1), String(m2));
  const y = r(1, 4, 3, 3);
  const sized = m2.forward(y, { output_size: [5, 5] }) as torch.Tensor;
  assert.deepEqual([...sized.shape], [1, 2, 5, 5]);
  const sized6 = m2.forward(y, [6, 6]) as torch.Tensor;
  assert.deepEqual((m1.forward(y) as torch.Tensor).tolist(), sized6.tolist());
});

test('F.pad keeps integer dtypes in every mode', () => {
  const xi = torch.arange(12).reshape(1, 3, 4);
  for (const mode of ['constant', 'reflect', 'replicate', 'circular'] as const) {
    const got = F.pad(xi, [2, 1], mode);
    assert.equal(got.dtype, torch.int64);
    assert.deepEqual(got.tolist(), F.pad(xi.to('float64'), [2, 1], mode).to('int64').tolist());
  }
});

test('non-contiguous inputs and weights give the contiguous results', () => {
  torch.manual_seed(7);
  const x = r(2, 3, 5, 4).transpose(2, 3);
  const w = r(2, 3, 3, 2).transpose(2, 3);
  assert.ok(!x.is_contiguous());
  const same = (a: torch.Tensor, b: torch.Tensor): void => assert.deepEqual(a.tolist(), b.tolist());
  const wt = w.transpose(0, 1);
  same(F.conv_transpose2d(x, wt, null, 2), F.conv_transpose2d(x.contiguous(), wt.contiguous(), null, 2));
  const [x1, w1] = [x.select(2, 1), w.select(2, 0)];
  same(F.conv1d(x1, w1), F.conv1d(x1.contiguous(), w1.contiguous()));
  for (const mode of ['constant', 'reflect', 'replicate', 'circular'] as const) {
    same(F.pad(x, [1, 2, 2, 1], mode), F.pad(x.contiguous(), [1, 2, 2, 1], mode));
  }
});
