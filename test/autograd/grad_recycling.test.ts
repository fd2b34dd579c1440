// The engine gives the memory of gradients it made and consumed back for reuse (engine.ts
// Ownership.recycle, dtype.ts recycleArray). Whatever user code can still see must keep its
// values when later passes reuse that memory: leaf grads, retained grads, hook arguments,
// autograd.grad results, and gradients that leave a node as views of its input. Tensors are
// large enough (over 64 KiB) for their memory to be recycled; expected values are computed with
// plain tensor ops in the same test, not typed by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/index.js';
import { float32, recycleArray } from '../../src/tensor/dtype.js';

const N = 20000;

function snapshot(t: torch.Tensor | null): Float32Array {
  assert.ok(t, 'expected a tensor');
  return Float32Array.from(t.contiguous().toTypedArray() as Float32Array);
}

function assertValues(t: torch.Tensor | null, want: Float32Array, what: string): void {
  assert.deepEqual(snapshot(t), want, what);
}

/** Several backward passes through the same-sized chain, to reuse and overwrite pooled memory. */
function churn(): void {
  for (let i = 0; i < 4; i++) {
    const z = torch.randn(N, { requires_grad: true });
    z.mul(5).exp().mul(z).sum().backward();
  }
}

test('a recycled array is handed out again: as is by _uninit, zero-filled by _empty', () => {
  const data = new Float32Array(N).fill(7);
  recycleArray(float32, data);
  const u = torch.Tensor._uninit([N]);
  assert.equal(u._storage.data, data);
  recycleArray(float32, data);
  const z = torch.Tensor._empty([N]);
  assert.equal(z._storage.data, data);
  assert.equal(z.abs().sum().item(), 0);
  const small = new Float32Array(100);
  recycleArray(float32, small);  // small arrays are not kept
  assert.notEqual(torch.Tensor._uninit([100])._storage.data, small);
});

test('an intermediate gradient the engine consumed is the next array of its size', () => {
  const x = torch.randn(N, { requires_grad: true });
  x.mul(3).exp().sum().backward();
  // ExpBackward's gradient, exp(3x), went on to MulBackward and then back to the pool.
  const next = torch.Tensor._uninit([N]);
  assert.deepEqual(snapshot(next), snapshot(torch.exp(x.detach().mul(3))));
});

test('leaf, retained and hooked gradients keep their values when later passes reuse memory', () => {
  const x = torch.randn(N, { requires_grad: true });
  const h = x.mul(3);
  h.retain_grad();
  const h2 = h.exp();
  let seen: torch.Tensor | null = null;
  h2.register_hook((g) => { seen = g; });
  h2.mul(2).sum().backward();
  const wantX = snapshot(torch.exp(x.detach().mul(3)).mul(6));
  const wantH = snapshot(torch.exp(x.detach().mul(3)).mul(2));
  const wantSeen = snapshot(torch.full([N], 2, { dtype: 'float32' }));
  churn();
  assertValues(x.grad, wantX, 'x.grad');
  assertValues(h.grad, wantH, 'h.grad');
  assertValues(seen, wantSeen, 'hook argument');
});

test('autograd.grad results and gradients passed on as views keep their values', () => {
  const x = torch.randn(N, { requires_grad: true });
  const [gx] = torch.autograd.grad([x.mul(3).exp().sum()], [x]);
  const want = snapshot(torch.exp(x.detach().mul(3)).mul(3));
  churn();
  assertValues(gx, want, 'autograd.grad');

  // cat's backward hands each input a slice of one gradient; reshape's passes a view on.
  const a = torch.randn(N, { requires_grad: true });
  const b = torch.randn(N, { requires_grad: true });
  const c = torch.cat([a.mul(2), b.reshape(100, N / 100).reshape(N).mul(4)]);
  c.exp().sum().backward();
  const cv = torch.cat([a.detach().mul(2), b.detach().mul(4)]).exp();
  const wantA = snapshot(cv.narrow(0, 0, N).mul(2));
  const wantB = snapshot(cv.narrow(0, N, N).mul(4));
  churn();
  assertValues(a.grad, wantA, 'a.grad');
  assertValues(b.grad, wantB, 'b.grad');
});

test('a gradient delivered to two nodes is not reused until both have run', () => {
  // AddBackward passes exp(s) on to x.mul(2)'s MulBackward (runs first: created last) and to
  // x.mul(3)'s (runs last); r's ExpBackward runs between them and allocates an array of the same
  // size, which must not be exp(s)'s memory while the last MulBackward still has to read it.
  const x = torch.randn(N, { requires_grad: true });
  const p = x.mul(3);
  const r = x.mul(5).exp();
  const s = p.add(x.mul(2));
  s.exp().sum().add(r.sum()).backward();
  const xd = x.detach();
  const es = xd.mul(3).add(xd.mul(2)).exp();
  const want = snapshot(es.mul(2).add(es.mul(3)).add(xd.mul(5).exp().mul(5)));
  const got = snapshot(x.grad);
  for (let k = 0; k < N; k++) {
    assert.ok(Math.abs(got[k] - want[k]) <= 1e-5 * Math.max(1, Math.abs(want[k])), `x.grad[${k}]`);
  }
});

test('a storage reaching one node through two of its inputs is given back once', () => {
  // CatBackward hands x.chunk's node two views of one gradient; recycled twice, it would be
  // handed out to two tensors at once.
  const x = torch.randn(2 * N, { requires_grad: true });
  const [a, b] = x.chunk(2);
  torch.cat([b, a]).exp().sum().backward();
  const u = torch.Tensor._uninit([2 * N]);
  const v = torch.Tensor._uninit([2 * N]);
  assert.notEqual(u._storage.data.buffer, v._storage.data.buffer);
});

test('a training loop gives the same parameters with and without reuse of gradient memory', () => {
  const run = (retain: boolean): Float32Array => {
    torch.manual_seed(3);
    const model = new torch.nn.Sequential(new torch.nn.Linear(300, 200), new torch.nn.ReLU(),
      new torch.nn.Linear(200, 10));
    const opt = new torch.optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    const x = torch.randn(128, 300);
    const y = torch.randint(0, 10, [128]);
    for (let i = 0; i < 5; i++) {
      opt.zero_grad();
      // retain_graph: true changes nothing about gradients; a hook on the loss turns reuse off.
      const loss = torch.nn.functional.cross_entropy(model.forward(x) as torch.Tensor, y);
      if (!retain) loss.register_hook((g) => g);
      loss.backward();
      opt.step();
    }
    return Float32Array.from(torch.cat([...model.parameters()].map((p) => p.detach().reshape(-1)))
      .toTypedArray() as Float32Array);
  };
  assert.deepEqual(run(true), run(false));
});
