// Parity of the native fused normalisation kernels (native/src/norm.cc) with the reference ones
// (src/backend/reference/norm.ts): batch norm statistics / apply / backward and layer norm forward /
// backward, float32 and float64, with and without affine parameters, training and evaluation, odd
// and large (threaded) sizes, every ISA path, 1 and 2 threads. The affine apply is exact; sums agree
// within rounding (the native kernels accumulate in several double lanes).
import { test } from 'node:test';
import { reference } from '../../src/backend/reference/index.js';
import { native } from '../../src/backend/native/index.js';
import * as torch from '../../src/index.js';
import {
  alloc, assertNear, assertSame, available, everyPath, rng, skipReason, value, type Kind, type Rng,
} from './native_parity.js';

if (skipReason) console.log(`# skipping native normalisation parity: ${skipReason}`);

const int = (r: Rng, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

function fill(kind: Kind, n: number, r: Rng) {
  const a = alloc(kind, n);
  for (let i = 0; i < n; i++) a[i] = value(kind, r, false);
  return a;
}

const f64 = (n: number, r: Rng, lo = -1, hi = 1) =>
  Float64Array.from({ length: n }, () => lo + (hi - lo) * r());
const zeros4 = (n: number) => [0, 1, 2, 3].map(() => new Float64Array(n));

test('native batch norm kernels match the reference', { skip: skipReason }, () => {
  everyPath((path) => {
    const r = rng(31);
    for (const kind of ['f32', 'f64'] as Kind[]) {
      const tol = kind === 'f32' ? 2e-6 : 1e-11;
      for (let i = 0; i < 16; i++) {
        const big = i % 4 === 3;
        const N = int(r, 1, big ? 8 : 4);
        const C = int(r, 1, big ? 16 : 5);
        const L = big ? int(r, 1000, 5000) : int(r, 1, 30);
        const off = int(r, 0, 3);
        const n = N * C * L;
        const x = fill(kind, off + n, r);
        const what = `${path}: ${kind} [${N}, ${C}, ${L}]`;
        const [wm, wv, gm, gv] = zeros4(C);
        reference.batchNormStats(x, off, N, C, L, wm, wv);
        native!.batchNormStats(x, off, N, C, L, gm, gv);
        assertNear(gm, wm, 1e-12, 1e-12, `${what} mean`);
        assertNear(gv, wv, 1e-12, 1e-12, `${what} var`);
        const scale = f64(C, r, 0.5, 2);
        const shift = f64(C, r);
        const [wo, go] = [alloc(kind, n), alloc(kind, n)];
        reference.batchNormApply(x, off, N, C, L, scale, shift, wo);
        native!.batchNormApply(x, off, N, C, L, scale, shift, go);
        assertSame(go, wo, `${what} apply`);
        const g = fill(kind, off + n, r);
        const invstd = wv.map((v) => 1 / Math.sqrt(v + 1e-5));
        for (const training of [true, false]) {
          const withGx = i % 3 !== 1;
          const [ws, wd, gs, gd] = zeros4(C);
          const [wx, gx] = [alloc(kind, n), alloc(kind, n)];
          reference.batchNormBackward(g, off, x, off, N, C, L, wm, invstd, scale, training, ws, wd,
            withGx ? wx : null);
          native!.batchNormBackward(g, off, x, off, N, C, L, wm, invstd, scale, training, gs, gd,
            withGx ? gx : null);
          assertNear(gs, ws, 1e-12, 1e-10, `${what} gsum`);
          assertNear(gd, wd, 1e-12, 1e-10, `${what} gdot`);
          assertNear(gx, wx, tol, tol, `${what} gx training ${training}`);
        }
      }
    }
  });
});

test('native layer norm kernels match the reference', { skip: skipReason }, () => {
  everyPath((path) => {
    const r = rng(32);
    for (const kind of ['f32', 'f64'] as Kind[]) {
      const tol = kind === 'f32' ? 2e-6 : 1e-11;
      for (let i = 0; i < 16; i++) {
        const big = i % 4 === 3;
        const [M, D] = [big ? int(r, 100, 300) : int(r, 1, 6), big ? int(r, 300, 800) : int(r, 1, 40)];
        const off = int(r, 0, 2);
        const x = fill(kind, off + M * D, r);
        const affine = i % 2 === 0;
        const w = affine ? fill(kind, off + D, r) : null;
        const b = affine && i % 4 === 0 ? fill(kind, off + D, r) : null;
        const what = `${path}: ${kind} [${M}, ${D}] affine ${affine}`;
        const [wo, go] = [alloc(kind, M * D), alloc(kind, M * D)];
        const [wm, wr, gm, gr] = zeros4(M);
        reference.layerNorm(x, off, M, D, w, off, b, off, 1e-5, wo, wm, wr);
        native!.layerNorm(x, off, M, D, w, off, b, off, 1e-5, go, gm, gr);
        assertNear(gm, wm, 1e-12, 1e-12, `${what} mean`);
        assertNear(gr, wr, 1e-10, 1e-12, `${what} rstd`);
        assertNear(go, wo, tol, tol, `${what} out`);
        const g = fill(kind, off + M * D, r);
        const [wx, gx] = [alloc(kind, M * D), alloc(kind, M * D)];
        const [ww, gw, wb, gb] = zeros4(D);
        reference.layerNormBackward(g, off, x, off, M, D, wm, wr, w, off, wx, affine ? ww : null, wb);
        native!.layerNormBackward(g, off, x, off, M, D, wm, wr, w, off, gx, affine ? gw : null, gb);
        assertNear(gx, wx, tol, tol, `${what} gx`);
        assertNear(gw, ww, 1e-10, 1e-10, `${what} gw`);
        assertNear(gb, wb, 1e-10, 1e-10, `${what} gb`);
      }
    }
  });
});

// The ops: F.batch_norm / F.layer_norm first-order gradients (the fused kernels) must agree with the
// graph-building backward (create_graph: statistics recomputed with differentiable ops), on both
// backends, float64, training and evaluation.
const F = torch.nn.functional;

function gradsBoth(f: (x: torch.Tensor, w: torch.Tensor, b: torch.Tensor) => torch.Tensor, shape: number[],
  C: number[]): void {
  torch.manual_seed(7);
  const x = torch.randn(shape, { dtype: torch.float64, requires_grad: true });
  const w = torch.randn(C, { dtype: torch.float64, requires_grad: true });
  const b = torch.randn(C, { dtype: torch.float64, requires_grad: true });
  const g = torch.randn(shape, { dtype: torch.float64 });
  const plain = torch.autograd.grad(f(x, w, b), [x, w, b], { grad_outputs: g });
  const graph = torch.autograd.grad(f(x, w, b), [x, w, b], { grad_outputs: g, create_graph: true });
  plain.forEach((p, i) => assertNear(p!.detach().contiguous()._storage.data,
    graph[i]!.detach().contiguous()._storage.data, 1e-10, 1e-10, `gradient ${i} of [${shape}]`));
}

test('fused batch_norm / layer_norm gradients equal the differentiable (create_graph) ones', () => {
  for (const backend of available ? ['native', 'reference'] as const : ['reference'] as const) {
    torch.backends.set_backend(backend);
    try {
      for (const training of [true, false]) {
        const rm = torch.zeros(5, { dtype: torch.float64 });
        const rv = torch.ones(5, { dtype: torch.float64 });
        gradsBoth((x, w, b) => F.batch_norm(x, rm, rv, w, b, training), [6, 5, 7, 9], [5]);
      }
      gradsBoth((x, w, b) => F.layer_norm(x, [4, 33], w, b), [3, 5, 4, 33], [4, 33]);
    } finally {
      torch.backends.set_backend(available ? 'native' : 'reference');
    }
  }
});
