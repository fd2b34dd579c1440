// Parity of the native conv2d kernels (native/src/conv.cc) with the reference backend's: forward
// (with and without bias), input gradient and weight gradient over groups, depthwise, 1x1,
// strides, padding (also asymmetric, from oH/oW), dilation, odd and empty sizes, both dtypes, on
// every instruction-set path with 1 and 2 threads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Conv2dGeom } from '../../src/backend/backend.js';
import { reference } from '../../src/backend/reference/index.js';
import { native } from '../../src/backend/native/index.js';
import * as backends from '../../src/backends/index.js';
import { mulberry32 as rng } from '../helpers/rng.js';
import { everyPath } from './native_parity.js';

type FloatArray = Float32Array | Float64Array;
type FloatCtor = Float32ArrayConstructor | Float64ArrayConstructor;

const available = backends.native.is_available();
const skip = available ? false : `native backend unavailable: ${backends.native.unavailable_reason()}`;
if (skip) console.log(`# skipping native conv parity: ${skip}`);

/** [N, C, H, W, O, kH, kW, stride, pad, dilation, groups], plus an optional extra bottom/right pad. */
type Spec = [number, number, number, number, number, number, number, number, number, number, number, number?];

function geom([N, C, H, W, O, kH, kW, s, p, d, groups, extra = 0]: Spec): Conv2dGeom {
  const out = (n: number, k: number) => Math.floor((n + 2 * p + extra - d * (k - 1) - 1) / s) + 1;
  return {
    N, C, H, W, O, kH, kW, sH: s, sW: s, pH: p, pW: p, dH: d, dW: d, groups, oH: out(H, kH), oW: out(W, kW),
  };
}

function random(T: FloatCtor, n: number, rand: () => number): FloatArray {
  const a = new T(n);
  for (let i = 0; i < n; i++) a[i] = rand() * 2 - 1;
  return a;
}

/** Elementwise |got - want| <= atol, where atol scales with the terms summed per element. */
function close(got: FloatArray, want: FloatArray, terms: number, what: string): void {
  assert.equal(got.length, want.length);
  const eps = got instanceof Float32Array ? 2e-7 : 1e-15;
  const atol = eps * (8 + 2 * terms);
  for (let i = 0; i < got.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= atol)) {
      assert.fail(`${what}: [${i}] = ${got[i]}, reference ${want[i]}`);
    }
  }
}

function checkSpec(T: FloatCtor, spec: Spec, seed: number, where: string): void {
  const g = geom(spec);
  const rand = rng(seed);
  const off = 3;
  const cg = g.C / g.groups;
  const xLen = g.N * g.C * g.H * g.W, wLen = g.O * cg * g.kH * g.kW, oLen = g.N * g.O * g.oH * g.oW;
  const x = random(T, off + xLen, rand);
  const w = random(T, off + wLen, rand);
  const bias = spec[0] % 2 === 0 ? random(T, off + g.O, rand) : null;
  const gOut = random(T, off + oLen, rand);
  const what = `${where} ${T.name} ${JSON.stringify(spec)} seed ${seed}`;
  const fwd = [new T(oLen).fill(NaN), new T(oLen).fill(NaN)];
  reference.conv2d(g, x, off, w, off, bias, off, fwd[0]);
  native!.conv2d(g, x, off, w, off, bias, off, fwd[1]);
  close(fwd[1], fwd[0], cg * g.kH * g.kW, `${what} forward`);
  // The gradients accumulate (+=) into what the caller passes.
  const gIn0 = random(T, xLen, rand);
  const gIn = [gIn0.slice(), gIn0.slice()];
  reference.conv2dBackwardInput(g, gOut, off, w, off, gIn[0]);
  native!.conv2dBackwardInput(g, gOut, off, w, off, gIn[1]);
  close(gIn[1], gIn[0], (g.O / g.groups) * g.kH * g.kW, `${what} backward input`);
  const gW0 = random(T, wLen, rand);
  const gW = [gW0.slice(), gW0.slice()];
  reference.conv2dBackwardWeight(g, x, off, gOut, off, gW[0]);
  native!.conv2dBackwardWeight(g, x, off, gOut, off, gW[1]);
  close(gW[1], gW[0], g.N * g.oH * g.oW, `${what} backward weight`);
}

const specs: Spec[] = [
  // stride 1 (direct path): 3x3 pad 1, odd channel counts, more outputs than a register tile
  [2, 3, 9, 11, 5, 3, 3, 1, 1, 1, 1],
  [1, 8, 17, 6, 17, 3, 3, 1, 1, 1, 1],
  [3, 4, 5, 33, 20, 3, 3, 1, 1, 1, 1],
  [2, 2, 7, 7, 3, 5, 3, 1, 0, 1, 1],
  [1, 5, 12, 9, 7, 3, 3, 1, 2, 2, 1],
  [2, 6, 8, 8, 9, 3, 3, 1, 1, 1, 3],
  [2, 4, 10, 10, 4, 3, 3, 1, 1, 1, 1, 1],
  [1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1],
  [2, 3, 4, 4, 2, 3, 3, 1, 3, 1, 1],
  [1, 65, 3, 3, 2, 1, 3, 1, 1, 1, 1],
  // LeNet-like 5x5 without padding: 6 outputs (the transposed weight-gradient tile), and small
  // planes whose padded rows are not a whole number of vectors
  [3, 3, 12, 12, 6, 5, 5, 1, 0, 1, 1],
  [4, 6, 14, 14, 16, 5, 5, 1, 0, 1, 1],
  // depthwise (groups == C == O), and a channel multiplier of 2
  [2, 6, 9, 10, 6, 3, 3, 1, 1, 1, 6],
  [1, 3, 7, 5, 6, 3, 3, 1, 1, 2, 3],
  // 1x1 (plain GEMM on NCHW), with groups
  [2, 8, 5, 7, 12, 1, 1, 1, 0, 1, 1],
  [3, 6, 4, 3, 4, 1, 1, 1, 0, 1, 2],
  // strided (im2col path), with padding, dilation, groups, depthwise
  [2, 3, 11, 9, 5, 3, 3, 2, 1, 1, 1],
  [1, 4, 12, 12, 6, 3, 2, 3, 2, 2, 2],
  [2, 4, 9, 9, 4, 3, 3, 2, 1, 1, 4],
  [1, 2, 8, 8, 3, 1, 1, 2, 0, 1, 1],
  [2, 3, 10, 10, 5, 3, 3, 2, 1, 1, 1, 1],
  // empty batch, empty channels
  [0, 3, 5, 5, 4, 3, 3, 1, 1, 1, 1],
  [2, 0, 5, 5, 4, 3, 3, 1, 1, 1, 1],
];

test('conv2d forward and gradients match the reference on every path', { skip }, () => {
  everyPath((where) => {
    let seed = 1;
    for (const T of [Float32Array, Float64Array]) {
      for (const spec of specs) checkSpec(T, spec, seed++, where);
    }
  });
});

test('larger convolutions: many output channels, many positions, several image chunks', { skip }, () => {
  const big: Spec[] = [[2, 16, 24, 20, 40, 3, 3, 1, 1, 1, 1], [1, 32, 14, 14, 33, 3, 3, 2, 1, 1, 1]];
  everyPath((where) => {
    let seed = 100;
    for (const T of [Float32Array, Float64Array]) {
      for (const spec of big) checkSpec(T, spec, seed++, where);
    }
  });
});

test('the native backend falls back to the reference for non-float arrays', { skip }, () => {
  const g = geom([1, 1, 3, 3, 1, 1, 1, 1, 0, 1, 1]);
  const x = Int32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const out = new Int32Array(9);
  native!.conv2d(g, x, 0, Int32Array.of(2), 0, null, 0, out);
  assert.deepEqual([...out], [2, 4, 6, 8, 10, 12, 14, 16, 18]);
});
