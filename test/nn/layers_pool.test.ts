// Pooling (1-d, 2-d options, adaptive max), instance norm, upsampling and pixel shuffle against
// tools/oracle/layers_pool.py: modules and functional forms in float32 and float64, grad_fn names,
// gradients, running statistics, and PyTorch's errors; gradchecks in float64.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/index.js';
import { type EncodedTensor, decodeData, loadFixture, decodeTensor as make } from '../helpers/fixtures.js';
import { assertClose } from '../helpers/tolerance.js';
import { gradAndGradGrad, f64 } from '../helpers/gradcheck.js';

interface ModuleCase {
  name: string; ctor: string; args: unknown[]; kw: Record<string, unknown>; seed: number; dtype: string;
  mode: string; repr: string; state0: Record<string, EncodedTensor>; x0: EncodedTensor | null;
  x: EncodedTensor;
  g: EncodedTensor; out: EncodedTensor[]; grad_fn: string; x_grad: EncodedTensor;
  param_grads: Record<string, EncodedTensor>; state1: Record<string, EncodedTensor>;
}

interface FunctionalCase {
  name: string; fn: string; args: unknown[]; kw: Record<string, unknown>; dtype: string;
  tensors: Record<string, EncodedTensor>; x: EncodedTensor; g: EncodedTensor; out: EncodedTensor[];
  grad_fn: string; x_grad: EncodedTensor;
}

interface ErrorCase {
  name: string; fn: string | null; ctor: string | null; ctor_args: unknown[];
  ctor_kw: Record<string, unknown>; args: unknown[]; kw: Record<string, unknown>; shape: number[];
  requires_grad: boolean; type: string; msg: string;
}

const fixture = loadFixture<{ modules: ModuleCase[]; functional: FunctionalCase[]; errors: ErrorCase[] }>(
  'layers_pool');

type Ctor = new (...args: unknown[]) => torch.nn.Module;
type Fn = (x: torch.Tensor, ...args: unknown[]) => torch.Tensor | torch.Tensor[];

const F = torch.nn.functional as unknown as Record<string, Fn>;

function build(ctor: string, args: unknown[], kw: Record<string, unknown>): torch.nn.Module {
  const cls = (torch.nn as unknown as Record<string, Ctor>)[ctor];
  return new cls(...args, ...(Object.keys(kw).length > 0 ? [kw] : []));
}

function checkOutputs(out: torch.Tensor | torch.Tensor[], want: EncodedTensor[]): torch.Tensor {
  const outs = Array.isArray(out) ? out : [out];
  assert.equal(outs.length, want.length, 'number of outputs');
  outs.forEach((o, i) => {
    if (want[i].dtype === 'int64') assert.deepEqual(o.flatten().tolist(), decodeData(want[i]), 'indices');
    else assertClose(o, want[i], 'approx', `output ${i}`);
    assert.deepEqual([...o.shape], want[i].shape);
  });
  return outs[0];
}

for (const c of fixture.modules) {
  test(`module ${c.name}`, () => {
    torch.manual_seed(c.seed);
    const m = build(c.ctor, c.args, c.kw);
    if (c.dtype === 'float64') m.double();
    assert.equal(String(m), c.repr);
    const sd = m.state_dict();
    assert.deepEqual([...sd.keys()], Object.keys(c.state0), 'state_dict keys');
    for (const [k, v] of sd) assertClose(v as torch.Tensor, c.state0[k], 'approx', `initial ${k}`);
    if (c.x0 !== null) m.forward(make(c.x0));
    if (c.mode === 'eval') m.eval();
    const x = make(c.x).requires_grad_();
    const out = checkOutputs(m.forward(x.mul(1)) as torch.Tensor | torch.Tensor[], c.out);
    assert.equal(out.grad_fn?.name(), c.grad_fn);
    out.mul(make(c.g)).sum().backward();
    assertClose(x.grad, c.x_grad, 'approx', 'input grad');
    for (const [k, p] of m.named_parameters()) assertClose(p.grad, c.param_grads[k], 'approx', `grad ${k}`);
    for (const [k, v] of m.state_dict()) assertClose(v as torch.Tensor, c.state1[k], 'approx', `final ${k}`);
  });
}

for (const c of fixture.functional) {
  test(`F.${c.name}`, () => {
    const x = make(c.x).requires_grad_();
    const kw: Record<string, unknown> = { ...c.kw };
    for (const [k, t] of Object.entries(c.tensors)) kw[k] = make(t);
    const call = (): torch.Tensor | torch.Tensor[] =>
      F[c.fn](x, ...c.args, ...(Object.keys(kw).length > 0 ? [kw] : []));
    const out = checkOutputs(call(), c.out);
    assert.equal(out.grad_fn?.name(), c.grad_fn);
    out.mul(make(c.g)).sum().backward();
    assertClose(x.grad, c.x_grad, 'approx', 'input grad');
    // The same values without autograd (max_pool1d takes another path there).
    checkOutputs(torch.no_grad(call), c.out);
  });
}

const ERROR_NAMES: Record<string, string> = { RuntimeError: 'Error' };

test('errors use PyTorch wording', () => {
  for (const c of fixture.errors) {
    const x = torch.randn(c.shape).requires_grad_(c.requires_grad);
    const run = (): unknown => (c.ctor !== null
      ? build(c.ctor, c.ctor_args, c.ctor_kw).forward(x)
      : F[c.fn!](x, ...c.args, ...(Object.keys(c.kw).length > 0 ? [c.kw] : [])));
    assert.throws(run, (e: Error) => {
      assert.equal(e.name, ERROR_NAMES[c.type] ?? c.type, `${c.name}: error type`);
      assert.equal(e.message, c.msg, `${c.name}: message`);
      return true;
    }, c.name);
  }
});

const nnF = torch.nn.functional;

test('gradcheck and gradgradcheck 1-d and adaptive pooling (float64)', () => {
  torch.manual_seed(0);
  gradAndGradGrad((x) => nnF.max_pool1d(x, 3, 2, 1) as torch.Tensor, [f64(2, 2, 7)]);
  gradAndGradGrad((x) => nnF.avg_pool1d(x, 3, 2, 1, true, false), [f64(2, 2, 8)]);
  gradAndGradGrad((x) => nnF.adaptive_max_pool2d(x, [2, 3]) as torch.Tensor, [f64(1, 2, 5, 4)]);
  gradAndGradGrad((x) => nnF.adaptive_max_pool1d(x, 3) as torch.Tensor, [f64(2, 7)]);
  gradAndGradGrad((x) => nnF.adaptive_avg_pool1d(x, 3), [f64(1, 2, 7)]);
});

test('gradcheck and gradgradcheck interpolate (float64)', () => {
  torch.manual_seed(1);
  const x = f64(1, 2, 3, 4);
  gradAndGradGrad((t) => nnF.interpolate(t, { scale_factor: 1.7, mode: 'bilinear' }), [x]);
  gradAndGradGrad((t) => nnF.interpolate(t, { size: [5, 3], mode: 'bilinear', align_corners: true }), [x]);
  gradAndGradGrad((t) => nnF.interpolate(t, { scale_factor: [0.6, 1.5] }), [x]);
  gradAndGradGrad((t) => nnF.interpolate(t, { size: 7, mode: 'linear' }), [f64(2, 1, 4)]);
  gradAndGradGrad((t) => nnF.interpolate(t, { size: 5, mode: 'nearest-exact' }), [f64(2, 1, 3)]);
});

test('gradcheck and gradgradcheck pixel_shuffle, instance_norm (float64)', () => {
  torch.manual_seed(2);
  gradAndGradGrad((t) => nnF.pixel_shuffle(t, 2), [f64(1, 8, 2, 3)]);
  gradAndGradGrad((t) => nnF.pixel_unshuffle(t, 2), [f64(1, 2, 4, 2)]);
  gradAndGradGrad((t, w, b) => nnF.instance_norm(t, { weight: w, bias: b }), [f64(2, 3, 5), f64(3), f64(3)]);
});

test('interpolate positional arguments and nn.Upsample option forms', () => {
  torch.manual_seed(3);
  const x = torch.randn(1, 2, 3, 3);
  const a = nnF.interpolate(x, null, 2, 'bilinear', true);
  const b = nnF.interpolate(x, { scale_factor: 2, mode: 'bilinear', align_corners: true });
  assert.deepEqual(a.tolist(), b.tolist());
  const up = new torch.nn.Upsample(null, 2, 'bilinear', true);
  assert.deepEqual(up.forward(x).tolist(), a.tolist());
  assert.equal(String(new torch.nn.Upsample({ size: [4, 5] })), "Upsample(size=(4, 5), mode='nearest')");
  assert.deepEqual(new torch.nn.UpsamplingBilinear2d(null, 2).forward(x).tolist(), a.tolist());
});

test('max_pool1d with return_indices from the module, adaptive pools with options objects', () => {
  const x = torch.tensor([[[1, 5, 2, 8, 3, 3]]], { dtype: 'float32' });
  const [v, i] = new torch.nn.MaxPool1d(2, { return_indices: true }).forward(x) as unknown as torch.Tensor[];
  assert.deepEqual(v.tolist(), [[[5, 8, 3]]]);
  assert.deepEqual(i.tolist(), [[[1, 3, 4]]]);
  const [v2, i2] = nnF.adaptive_max_pool1d(x, { output_size: 2, return_indices: true }) as torch.Tensor[];
  assert.deepEqual(v2.tolist(), [[[5, 8]]]);
  assert.deepEqual(i2.tolist(), [[[1, 3]]]);
  const m = new torch.nn.AdaptiveMaxPool2d({ output_size: [1, null], return_indices: true });
  assert.equal(m.return_indices, true);
});

test('pooling modules take kernel_size and the rest as options', () => {
  assert.equal(String(new torch.nn.MaxPool2d({ kernel_size: 3, stride: 2, ceil_mode: true })),
    'MaxPool2d(kernel_size=3, stride=2, padding=0, dilation=1, ceil_mode=True)');
  assert.equal(String(new torch.nn.AvgPool1d({ kernel_size: 4, padding: 1 })),
    'AvgPool1d(kernel_size=(4,), stride=(4,), padding=(1,))');
  const m = new torch.nn.AvgPool2d(3, 1, { count_include_pad: false, padding: 1 });
  assert.equal(m.count_include_pad, false);
  assert.equal(String(m), 'AvgPool2d(kernel_size=3, stride=1, padding=1)');
});

test('F.upsample is interpolate; InstanceNorm without affine only warns on a channel mismatch', () => {
  torch.manual_seed(4);
  const x = torch.randn(1, 2, 3, 3);
  assert.deepEqual(nnF.upsample(x, { scale_factor: 2 }).tolist(),
    nnF.interpolate(x, { scale_factor: 2 }).tolist());
  assert.deepEqual(nnF.upsample_bilinear(x, 4).tolist(),
    nnF.interpolate(x, { size: 4, mode: 'bilinear', align_corners: true }).tolist());
  const y = new torch.nn.InstanceNorm2d(5).forward(x);
  assert.deepEqual(y.tolist(), nnF.instance_norm(x).tolist());
});
