// The engine hands a freshly computed gradient to a leaf's .grad without copying it only when
// nothing else can see that memory (engine.ts Ownership); these cases must still get copies.
// Expected values are computed with plain tensor ops in the same test, not typed by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/index.js';

function values(t: torch.Tensor | null): number[] {
  assert.ok(t, 'expected a tensor');
  return [...(t.contiguous().toTypedArray() as Float32Array)];
}

function sharesMemory(a: torch.Tensor, b: torch.Tensor): boolean {
  return a._storage === b._storage || a._storage.data.buffer === b._storage.data.buffer &&
    a._storage.data.byteOffset === b._storage.data.byteOffset;
}

test('a taken-over gradient looks like a clone: contiguous, version 0, not a view', () => {
  const lin = new torch.nn.Linear(3, 2);
  torch.nn.functional.relu(lin.forward(torch.randn(4, 3))).sum().backward();
  for (const p of [lin.weight, lin.bias!]) {
    const g = p.grad!;
    assert.equal(g.is_contiguous(), true);
    assert.deepEqual(g.stride(), p.stride());
    assert.equal(g._version.value, 0);
    assert.equal(g._base, null);
    assert.equal(g.requires_grad, false);
  }
});

test('two leaves fed the same gradient tensor get separate memory', () => {
  const a = torch.randn(3, { requires_grad: true });
  const b = torch.randn(3, { requires_grad: true });
  a.mul(2).add(b.mul(2)).sum().backward();
  assert.equal(sharesMemory(a.grad!, b.grad!), false);
  a.grad!.add_(1);
  assert.deepEqual(values(b.grad), [2, 2, 2]);
});

test('a gradient a custom Function keeps a reference to is copied into .grad', () => {
  let kept: torch.Tensor | null = null;
  const double = torch.autograd.Function({
    name: 'DoubleBackward',
    forward: (_ctx, x: torch.Tensor) => x.mul(2),
    backward: (_ctx, g: torch.Tensor) => {
      kept = g.mul(2);
      return [kept];
    },
  });
  const x = torch.randn(4, { requires_grad: true });
  double(x).sum().backward();
  assert.ok(kept);
  assert.equal(sharesMemory(x.grad!, kept), false);
  const before = values(kept);
  x.grad!.add_(5);
  assert.deepEqual(values(kept), before);
});

test('a gradient a hook saw is copied into .grad', () => {
  const seen: torch.Tensor[] = [];
  const w = torch.randn(2, 2, { requires_grad: true });
  const y = w.mul(3);
  y.register_hook((g) => {
    const r = g.mul(1);
    seen.push(r);
    return r;
  });
  y.exp().sum().backward();
  const expected = values(seen[0].mul(3));
  assert.deepEqual(values(w.grad), expected);
  for (const s of seen) assert.equal(sharesMemory(w.grad!, s), false);
});

test('the gradient passed to backward() is never taken over', () => {
  const x = torch.randn(3, { requires_grad: true });
  const g = torch.ones(3);
  x.backward(g);
  assert.equal(sharesMemory(x.grad!, g), false);
  x.grad!.add_(1);
  assert.deepEqual(values(g), [1, 1, 1]);
});

test('accumulating twice into a taken-over .grad gives the sum, and the next step starts fresh', () => {
  const w = torch.randn(3, { requires_grad: true });
  const x = torch.randn(3);
  w.mul(x).sum().backward();
  const first = w.grad!;
  w.mul(x).sum().backward();
  assert.deepEqual(values(w.grad), values(x.add(x)));
  assert.equal(w.grad, first);
});

test('a leaf used twice in one graph gets the sum of both paths', () => {
  const w = torch.randn(2, 3, { requires_grad: true });
  const x = torch.randn(3);
  w.mul(x).add(w.mul(x.mul(2))).sum().backward();
  assert.deepEqual(values(w.grad), values(x.add(x.mul(2)).expand(2, 3)));
});

test('a gradient a leaf hook stashed without replacing it is copied into .grad', () => {
  const stash: torch.Tensor[] = [];
  const w = torch.randn(3, { requires_grad: true });
  w.register_hook((g) => {
    stash.push(g);
  });
  w.mul(torch.randn(3)).sum().backward();
  assert.equal(sharesMemory(w.grad!, stash[0]), false);
  assert.deepEqual(values(w.grad), values(stash[0]));
});
