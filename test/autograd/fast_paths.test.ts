// The training-step fast paths must give what the general formulas give: mm/addmm backward in the
// operand's own layout (FunctionsManual.cpp mm_mat*_backward), the fused log_softmax backward, the
// direct in-place add_/sub_/mul_ without a graph, and a weight gradient taken over through TBackward0.
// Expected values are computed with plain tensor ops in the same test, not typed by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/index.js';

function maxDiff(a: torch.Tensor | null, b: torch.Tensor): number {
  assert.ok(a, 'expected a tensor');
  return a.sub(b).abs().max().item() as number;
}

const DTYPES = ['float32', 'float64'] as const;
const tol = (dt: string): number => (dt === 'float32' ? 1e-5 : 1e-12);

test('mm and addmm gradients of transposed operands match the plain formulas', () => {
  for (const dt of DTYPES) {
    const a = torch.randn([6, 5], { dtype: dt }).t().requires_grad_();
    const b = torch.randn([7, 6], { dtype: dt }).t().requires_grad_();
    const g = torch.randn([5, 7], { dtype: dt });
    const [ga, gb] = torch.autograd.grad([torch.mm(a, b)], [a, b], { grad_outputs: [g] });
    assert.ok(maxDiff(ga, torch.mm(g, b.detach().t())) < tol(dt));
    assert.ok(maxDiff(gb, torch.mm(a.detach().t(), g)) < tol(dt));
    const bias = torch.randn([7], { dtype: dt, requires_grad: true });
    const [ha, hb] = torch.autograd.grad([torch.addmm(bias, a, b, { alpha: 0.5 })], [a, b], { grad_outputs: [g] });
    assert.ok(maxDiff(ha, torch.mm(g, b.detach().t()).mul(0.5)) < tol(dt));
    assert.ok(maxDiff(hb, torch.mm(a.detach().t(), g).mul(0.5)) < tol(dt));
  }
  const x = torch.randn([4, 3], { dtype: 'float64' }).t().requires_grad_();
  const w = torch.randn([2, 4], { dtype: 'float64' }).t().requires_grad_();
  assert.ok(torch.autograd.gradcheck((p: torch.Tensor, q: torch.Tensor) => torch.mm(p, q), [x, w]));
});

test('linear weight gradient is taken over contiguous in the weight layout', () => {
  const lin = new torch.nn.Linear(5, 3);
  const x = torch.randn(4, 5);
  const g = torch.randn(4, 3);
  lin.forward(x).backward(g);
  const wg = lin.weight.grad!;
  assert.deepEqual(wg.stride(), [5, 1]);
  assert.ok(maxDiff(wg, torch.mm(g.t(), x)) < 1e-5);
  assert.ok(maxDiff(lin.bias!.grad!, g.sum(0)) < 1e-5);
});

test('fused log_softmax backward equals the differentiable formula', () => {
  for (const dt of DTYPES) {
    for (const [shape, dim] of [[[3, 4, 5], 1], [[6, 10], 1], [[7], 0], [[2, 3, 4], -1], [[2, 3, 4], 0]] as
      [number[], number][]) {
      const x = torch.randn(shape, { dtype: dt, requires_grad: true });
      const w = torch.randn(shape, { dtype: dt });
      const y = torch.log_softmax(x, dim);
      assert.equal(y.grad_fn?.name(), 'LogSoftmaxBackward0');
      const [fused] = torch.autograd.grad([y.mul(w).sum()], [x]);
      const loss = torch.log_softmax(x, dim).mul(w).sum();
      const [formula] = torch.autograd.grad([loss], [x], { create_graph: true });
      assert.ok(formula?.requires_grad);
      assert.ok(maxDiff(fused, formula!.detach()) < tol(dt));
    }
  }
  const x = torch.randn([3, 4, 2], { dtype: 'float64', requires_grad: true });
  const w = torch.randn([3, 4, 2], { dtype: 'float64' });
  // Double backward goes through the differentiable formula (create_graph).
  const gradOf = (t: torch.Tensor): torch.Tensor => torch.enable_grad(() => {
    const u = t.requires_grad ? t : t.detach().requires_grad_();
    return torch.autograd.grad([torch.log_softmax(u, 1).mul(w).sum()], [u], { create_graph: true })[0]!;
  });
  assert.ok(torch.autograd.gradcheck(gradOf, [x]));
});

test('in-place add_, sub_ and mul_ without a graph match the out-of-place ops', () => {
  for (const dt of DTYPES) {
    const p = torch.randn([5, 3], { dtype: dt });
    const v0 = p._version.value;
    const d = torch.randn([5, 3], { dtype: dt });
    const row = torch.randn([3], { dtype: dt });
    const expect = p.add(d, { alpha: -0.1 }).sub(d, { alpha: 2 }).add(row, { alpha: 3 }).mul(d)
      .add(d.t().t());
    torch.no_grad(() => {
      p.add_(d, { alpha: -0.1 }).sub_(d, { alpha: 2 }).add_(row, { alpha: 3 }).mul_(d).add_(d.t().t());
    });
    assert.ok(maxDiff(p, expect) < tol(dt));
    assert.equal(p._version.value, v0 + 5);
  }
  for (const dt of DTYPES) {
    const p = torch.randn([4, 3], { dtype: dt });
    const expect = p.mul(0.9).add(0.3, { alpha: -2 }).sub(1.7, { alpha: 0.5 });
    torch.no_grad(() => p.mul_(0.9).add_(0.3, { alpha: -2 }).sub_(1.7, { alpha: 0.5 }));
    assert.equal(maxDiff(p, expect), 0);
  }
  // Operands sharing self's memory take the general path.
  const q = torch.arange(6, { dtype: 'float32' });
  const expect = q.add(q.flip(0));
  torch.no_grad(() => q.add_(q.flip(0)));
  assert.ok(maxDiff(q, expect) === 0);
});
