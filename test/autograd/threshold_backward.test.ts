// threshold_backward (ReLU's fused backward, src/ops/threshold.ts) and ReLU(inplace=True) under
// autograd (src/ops/inplace.ts) against PyTorch (tools/oracle/threshold.py), plus gradchecks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/index.js';
import { threshold_backward } from '../../src/ops/threshold.js';
import { gradcheck } from '../../src/autograd/gradcheck.js';
import { type EncodedTensor, decodeData, loadFixture } from '../helpers/fixtures.js';
import { assertClose } from '../helpers/tolerance.js';

type Tensor = torch.Tensor;

function tensorOf(e: EncodedTensor, requiresGrad = false): Tensor {
  const t = torch.tensor(decodeData(e), { dtype: e.dtype }).reshape(e.shape);
  return requiresGrad ? t.requires_grad_() : t;
}

interface Case {
  threshold: number; grad: EncodedTensor; self: EncodedTensor; out: EncodedTensor; grad_fn: string;
  weight: EncodedTensor; dgrad: EncodedTensor;
}
interface InplaceCase {
  a: EncodedTensor; b: EncodedTensor; v: EncodedTensor; y: EncodedTensor; grad_fn: string;
  ga: EncodedTensor; ga_grad_fn: string; gga: EncodedTensor;
}
const fx = loadFixture<{ cases: Case[]; inplace: InplaceCase[] }>('threshold');

test('threshold_backward matches PyTorch (values, NaN and infinities, float32 thresholds)', () => {
  for (const c of fx.cases) {
    const g = tensorOf(c.grad, true);
    const out = threshold_backward(g, tensorOf(c.self), c.threshold);
    const what = `${c.grad.dtype} threshold ${c.threshold}`;
    assertClose(out, c.out, 'pointwise', `${what} out`);
    assert.equal(out.grad_fn?.name(), c.grad_fn);
    const [dg] = torch.autograd.grad([out], [g], { grad_outputs: [tensorOf(c.weight)] });
    assertClose(dg, c.dgrad, 'pointwise', `${what} d/dgrad`);
  }
});

test('threshold_backward on large and strided inputs agrees with where(self > t, grad, 0)', () => {
  for (const dtype of [torch.float32, torch.float64]) {
    const g = torch.randn([3, 50, 70], { dtype });
    const x = torch.randn([3, 70, 50], { dtype }).transpose(1, 2);
    for (const t of [0, 0.3, -0.7]) {
      const got = threshold_backward(g, x, t);
      const want = torch.where(x.gt(t), g, 0);
      assert.ok(torch.equal(got, want), `${dtype.name} threshold ${t}`);
    }
  }
  const x2 = torch.randn([300, 500]);
  const ones = torch.tensor(2.5).expand(300, 500);
  const want2 = torch.where(x2.gt(0.2), ones, 0);
  assert.ok(torch.equal(threshold_backward(ones, x2, 0.2), want2), 'expanded grad');
  const mixed = threshold_backward(torch.ones(4), torch.tensor([-1, 0, 1, 2], { dtype: torch.float64 }), 0.5);
  assert.equal(mixed.dtype, torch.float64);
  assert.deepEqual(mixed.tolist(), [0, 0, 1, 1]);
  assert.throws(() => threshold_backward(torch.ones(3), torch.ones(4), 0), /must match/);
  const ints = torch.tensor([1, 2, 3], { dtype: torch.int64 });
  assert.throws(() => threshold_backward(ints, torch.ones(3), 0), /not implemented for 'Long'/);
});

test('threshold_backward gradchecks in float64; second order through ReLU', () => {
  const x = torch.randn([4, 5], { dtype: torch.float64 });
  const g = torch.randn([4, 5], { dtype: torch.float64, requires_grad: true });
  assert.ok(gradcheck((gg: Tensor) => threshold_backward(gg, x, 0.1), [g]));
  // Second order through ReLU: d2/dt2 of sum(relu(t)^2) is 2 where t > 0.
  const a = torch.randn([3, 4], { dtype: torch.float64, requires_grad: true });
  const [gr] = torch.autograd.grad([torch.relu(a).pow(2).sum()], [a], { create_graph: true });
  const [h] = torch.autograd.grad([gr!.sum()], [a]);
  assert.ok(torch.equal(h!, a.detach().gt(0).to(torch.float64).mul(2)));
});

test('ReLU(inplace=True) under autograd matches PyTorch to second order', () => {
  for (const c of fx.inplace) {
    const a = tensorOf(c.a, true);
    const y = a.mul(1.5);
    const r = y.relu_();
    assert.equal(r, y);
    assertClose(y, c.y, 'pointwise', 'y');
    assert.equal(y.grad_fn?.name(), c.grad_fn);
    const z = y.mul(y).mul(tensorOf(c.b)).sum();
    const [ga] = torch.autograd.grad([z], [a], { create_graph: true });
    assertClose(ga, c.ga, 'pointwise', 'd/da');
    assert.equal(ga!.grad_fn?.name(), c.ga_grad_fn);
    const [gga] = torch.autograd.grad([ga!.mul(tensorOf(c.v)).sum()], [a]);
    assertClose(gga, c.gga, 'pointwise', 'second order');
  }
});

test('relu_ keeps in-place semantics: version checks, views, leaves, no_grad', () => {
  const a = torch.randn([4, 6], { requires_grad: true });
  const y = a.mul(2);
  y.relu_();
  const s = y.exp().sum();
  y.add_(1);
  assert.throws(() => s.backward(), /modified by an inplace operation/);
  assert.throws(() => a.relu_(), /leaf Variable that requires grad/);
  // A view of a non-leaf goes through the general path and rebases its base.
  const b = torch.randn([4, 6], { requires_grad: true });
  const base = b.mul(1);
  base.narrow(1, 1, 3).relu_();
  base.sum().backward();
  const want = torch.ones([4, 6]);
  want.narrow(1, 1, 3).copy_(b.narrow(1, 1, 3).gt(0).to(torch.float32));
  assert.ok(torch.equal(b.grad!, want));
  // Without autograd: contiguous offset views run the kernel in place, strided ones copy back.
  const t = torch.randn([5, 8]);
  const ref = t.relu();
  torch.no_grad(() => {
    t.narrow(0, 2, 2).relu_();
    t.t().narrow(0, 0, 3).relu_();
  });
  assert.ok(torch.equal(t.narrow(0, 2, 2), ref.narrow(0, 2, 2)));
  assert.ok(torch.equal(t.narrow(1, 0, 3), ref.narrow(1, 0, 3)));
  const v = t._version.value;
  torch.no_grad(() => t.relu_());
  assert.equal(t._version.value, v + 1);
});
