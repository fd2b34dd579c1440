// Parity of the native 2-D pooling kernels (native/src/pool.cc) with the reference backend's:
// max pooling (values, argmax indices, backward scatter, double-backward gather), average pooling
// (count_include_pad, divisor_override) and adaptive average pooling with their backward kernels,
// float32 and float64, random geometries (stride, padding, dilation, odd sizes), every ISA path,
// 1 and 2 threads. All results must be exact: the native kernels round exactly where the reference does.
import { test } from 'node:test';
import type { Pool2dGeom } from '../../src/backend/backend.js';
import { reference } from '../../src/backend/reference/index.js';
import { native } from '../../src/backend/native/index.js';
import {
  alloc, assertSame, everyPath, rng, skipReason, value, type Kind, type Rng,
} from './native_parity.js';

if (skipReason) console.log(`# skipping native pooling parity: ${skipReason}`);

const int = (r: Rng, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

/** A random geometry; `avg` keeps dilation 1 (avg_pool2d has none). */
function geom(r: Rng, avg: boolean, big: boolean): Pool2dGeom {
  for (;;) {
    const kH = int(r, 1, 4), kW = int(r, 1, 4);
    const dH = avg ? 1 : int(r, 1, 2), dW = avg ? 1 : int(r, 1, 2);
    const pH = int(r, 0, kH >> 1), pW = int(r, 0, kW >> 1);
    const sH = int(r, 1, 3), sW = int(r, 1, 3);
    const H = int(r, 1, big ? 40 : 11), W = int(r, 1, big ? 40 : 11);
    const oH = Math.floor((H + 2 * pH - dH * (kH - 1) - 1) / sH) + 1;
    const oW = Math.floor((W + 2 * pW - dW * (kW - 1) - 1) / sW) + 1;
    if (oH < 1 || oW < 1) continue;
    return { P: big ? int(r, 60, 90) : int(r, 1, 5), H, W, kH, kW, sH, sW, pH, pW, dH, dW, oH, oW };
  }
}

function fill(kind: Kind, n: number, r: Rng) {
  const a = alloc(kind, n);
  for (let i = 0; i < n; i++) a[i] = value(kind, r);
  return a;
}

function maxPoolCase(path: string, g: Pool2dGeom, kind: Kind, r: Rng): void {
  const what = `${path}: ${kind} ${JSON.stringify(g)}`;
  const off = int(r, 0, 3);
  const x = fill(kind, off + g.P * g.H * g.W, r);
  const L = g.P * g.oH * g.oW;
  const [wo, go] = [alloc(kind, L), alloc(kind, L)];
  const [wi, gi] = [new Float64Array(L), new Float64Array(L)];
  reference.maxPool2d(g, x, off, wo, wi);
  native!.maxPool2d(g, x, off, go, gi);
  assertSame(go, wo, `${what} max_pool2d`);
  assertSame(gi, wi, `${what} max_pool2d indices`);
  const gOut = fill(kind, off + L, r);
  const [wg, gg] = [alloc(kind, g.P * g.H * g.W), alloc(kind, g.P * g.H * g.W)];
  reference.maxPool2dBackward(g, gOut, off, wi, wg);
  native!.maxPool2dBackward(g, gOut, off, wi, gg);
  assertSame(gg, wg, `${what} max_pool2d backward`);
  const [ws, gs] = [alloc(kind, L), alloc(kind, L)];
  reference.maxPool2dGather(g, x, off, wi, ws);
  native!.maxPool2dGather(g, x, off, wi, gs);
  assertSame(gs, ws, `${what} max_pool2d gather`);
}

function avgPoolCase(path: string, g: Pool2dGeom, kind: Kind, r: Rng): void {
  const off = int(r, 0, 3);
  const x = fill(kind, off + g.P * g.H * g.W, r);
  const L = g.P * g.oH * g.oW;
  const gOut = fill(kind, off + L, r);
  for (const [cip, divisor] of [[true, 0], [false, 0], [false, 3]] as const) {
    const what = `${path}: ${kind} ${JSON.stringify(g)} count_include_pad ${cip} divisor ${divisor}`;
    const [wo, go] = [alloc(kind, L), alloc(kind, L)];
    reference.avgPool2d(g, x, off, wo, cip, divisor);
    native!.avgPool2d(g, x, off, go, cip, divisor);
    assertSame(go, wo, `${what} avg_pool2d`);
    const [wg, gg] = [alloc(kind, g.P * g.H * g.W), alloc(kind, g.P * g.H * g.W)];
    reference.avgPool2dBackward(g, gOut, off, wg, cip, divisor);
    native!.avgPool2dBackward(g, gOut, off, gg, cip, divisor);
    assertSame(gg, wg, `${what} avg_pool2d backward`);
  }
  // adaptive: any output size up to the input's (and beyond, which PyTorch allows)
  const ga = { ...g, oH: int(r, 1, g.H + 1), oW: int(r, 1, g.W + 1) };
  const La = ga.P * ga.oH * ga.oW;
  const what = `${path}: ${kind} adaptive ${JSON.stringify(ga)}`;
  const [wo, go] = [alloc(kind, La), alloc(kind, La)];
  reference.adaptiveAvgPool2d(ga, x, off, wo);
  native!.adaptiveAvgPool2d(ga, x, off, go);
  assertSame(go, wo, `${what} adaptive_avg_pool2d`);
  const gA = fill(kind, off + La, r);
  const [wg, gg] = [alloc(kind, g.P * g.H * g.W), alloc(kind, g.P * g.H * g.W)];
  reference.adaptiveAvgPool2dBackward(ga, gA, off, wg);
  native!.adaptiveAvgPool2dBackward(ga, gA, off, gg);
  assertSame(gg, wg, `${what} adaptive_avg_pool2d backward`);
}

test('native max pooling matches the reference exactly', { skip: skipReason }, () => {
  everyPath((path) => {
    const r = rng(21);
    for (const kind of ['f32', 'f64'] as Kind[]) {
      for (let i = 0; i < 30; i++) maxPoolCase(path, geom(r, false, i % 10 === 9), kind, r);
    }
  });
});

test('native average and adaptive average pooling match the reference exactly', { skip: skipReason }, () => {
  everyPath((path) => {
    const r = rng(22);
    for (const kind of ['f32', 'f64'] as Kind[]) {
      for (let i = 0; i < 30; i++) avgPoolCase(path, geom(r, true, i % 10 === 9), kind, r);
    }
  });
});

test('native 2x2 stride-2 max pooling (its own kernel) matches the reference, ties and NaNs included',
  { skip: skipReason }, () => {
    everyPath((path) => {
      const r = rng(23);
      for (const kind of ['f32', 'f64'] as Kind[]) {
        for (let i = 0; i < 12; i++) {
          const H = int(r, 2, 31), W = int(r, 2, 31);
          const big = i % 4 === 3;
          const g: Pool2dGeom = { P: big ? int(r, 60, 90) : int(r, 1, 5), H, W, kH: 2, kW: 2, sH: 2, sW: 2,
            pH: 0, pW: 0, dH: 1, dW: 1, oH: H >> 1, oW: W >> 1 };
          maxPoolCase(path, g, kind, r);
          // Few distinct values, so windows hold ties (the first of equal maxima wins).
          maxPoolCase(path, g, kind, () => Math.floor(r() * 3) / 3);
        }
      }
    });
  });
