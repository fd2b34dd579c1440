// Parity of the native reductions (native/src/reduce.cc) with the reference backend's: reduce
// (sum/prod/max/min/amax/amin/any/all), reduceArg, varReduce, softmax / log_softmax and logsumexp on
// random shapes and dim sets, every layout and dtype, every ISA path, 1 and 2 threads.
// max/min/any/all and the argmax indices must be exact (NaN propagation included); sums, products,
// variances and exponentials agree within rounding (the order of the double accumulation differs).
import { test } from 'node:test';
import type { ReduceOp, StoreKind, View } from '../../src/backend/backend.js';
import { reference } from '../../src/backend/reference/index.js';
import { native } from '../../src/backend/native/index.js';
import {
  LAYOUTS, alloc, assertNear, assertSame, everyPath, makeView, randomShape, rng, skipReason,
  type Kind, type Rng,
} from './native_parity.js';

if (skipReason) console.log(`# skipping native reduction parity: ${skipReason}`);

const numel = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** A random non-empty subset of x's dims (sorted), or all of them. */
function randomDims(nd: number, r: Rng): number[] {
  if (nd === 0) return [];
  const dims = [...Array(nd).keys()].filter(() => r() < 0.5);
  return dims.length > 0 ? dims : [Math.floor(r() * nd)];
}

function outLen(x: View, dims: readonly number[]): number {
  return numel(x.shape.filter((_, i) => !dims.includes(i)));
}

/** Case shapes: small random ones, and every few a large one that runs threaded. */
function caseShape(r: Rng, i: number, big: boolean): number[] {
  if (big && i % 5 === 4) return [3, 70001, 2].slice(0, 1 + Math.floor(r() * 3));
  return randomShape(r, false);
}

const SUM_LIKE = new Set<ReduceOp>(['sum', 'prod']);

function reduceCases(op: ReduceOp): [Kind, Kind, StoreKind][] {
  if (op === 'any' || op === 'all') {
    return [['f32', 'bool', 'bool'], ['bool', 'bool', 'bool'], ['i64', 'bool', 'bool']];
  }
  return [['f32', 'f32', 'float'], ['f64', 'f64', 'float'], ['i32', 'i64', 'int64'], ['i64', 'i64', 'int64'],
    ['bool', 'i64', 'int64']];
}

function runReduce(path: string, big: boolean, seed: number, count: number): void {
  const r = rng(seed);
  const ops: ReduceOp[] = ['sum', 'prod', 'max', 'min', 'amax', 'amin', 'any', 'all'];
  for (const op of ops) {
    for (const [xk, ok, store] of reduceCases(op)) {
      for (let i = 0; i < count; i++) {
        const shape = caseShape(r, i, big);
        const x = makeView(shape, xk, LAYOUTS[i % 4], r, !SUM_LIKE.has(op));
        const dims = r() < 0.2 ? [...shape.keys()] : randomDims(shape.length, r);
        const n = outLen(x, dims);
        const [want, got] = [alloc(ok, n), alloc(ok, n)];
        reference.reduce(op, x, dims, want, store);
        native!.reduce(op, x, dims, got, store);
        const what = `${path}: ${op} ${xk}->${ok} [${shape}] dims ${dims}`;
        if (SUM_LIKE.has(op)) assertNear(got, want, ok === 'f32' ? 3e-7 : 1e-12, 1e-9, what);
        else assertSame(got, want, what);
      }
    }
  }
}

test('native reduce matches the reference', { skip: skipReason }, () => {
  everyPath((path) => runReduce(path, false, 11, 8), [1]);
  everyPath((path) => runReduce(path, true, 12, 5));
});

test('native reduceArg (max/min with indices) matches the reference exactly', { skip: skipReason }, () => {
  everyPath((path) => {
    const r = rng(13);
    for (const xk of ['f32', 'f64', 'i32', 'i64'] as Kind[]) {
      for (let i = 0; i < 24; i++) {
        const shape = caseShape(r, i, true).map((s) => Math.max(s, 1));
        if (shape.length === 0) shape.push(5);
        const x = makeView(shape, xk, LAYOUTS[i % 4], r);
        const dim = Math.floor(r() * shape.length);
        const n = outLen(x, [dim]);
        for (const op of ['max', 'min'] as const) {
          const [wv, gv] = [alloc(xk, n), alloc(xk, n)];
          const [wi, gi] = [new Float64Array(n), new Float64Array(n)];
          reference.reduceArg(op, x, dim, wv, wi);
          native!.reduceArg(op, x, dim, i % 3 === 0 ? null : gv, gi);
          assertSame(gi, wi, `${path}: arg${op} indices ${xk} [${shape}] dim ${dim}`);
          if (i % 3 !== 0) assertSame(gv, wv, `${path}: arg${op} values ${xk} [${shape}] dim ${dim}`);
        }
      }
    }
  });
});

test('native varReduce, softmax, log_softmax and logsumexp match the reference', { skip: skipReason }, () => {
  everyPath((path) => {
    const r = rng(14);
    for (const xk of ['f32', 'f64'] as Kind[]) {
      const [rel, abs] = xk === 'f32' ? [1e-6, 1e-6] : [1e-12, 1e-12];
      for (let i = 0; i < 20; i++) {
        const shape = caseShape(r, i, true);
        const x = makeView(shape, xk, LAYOUTS[i % 4], r, false);
        const dims = randomDims(shape.length, r);
        const n = outLen(x, dims);
        const what = `${path}: ${xk} [${shape}] dims ${dims}`;
        for (const [correction, sqrt] of [[0, false], [1, true]] as const) {
          const [want, got] = [alloc(xk, n), alloc(xk, n)];
          reference.varReduce(x, dims, correction, want, sqrt);
          native!.varReduce(x, dims, correction, got, sqrt);
          assertNear(got, want, rel, abs, `${what} var correction ${correction}`);
        }
        const [wl, gl] = [alloc(xk, n), alloc(xk, n)];
        reference.logsumexp(x, dims, wl);
        native!.logsumexp(x, dims, gl);
        assertNear(gl, wl, rel, abs, `${what} logsumexp`);
        if (shape.length === 0) continue;
        const dim = dims[0];
        for (const log of [false, true]) {
          const m = numel(shape);
          const [ws, gs] = [alloc(xk, m), alloc(xk, m)];
          reference.softmax(x, dim, ws, log);
          native!.softmax(x, dim, gs, log);
          assertNear(gs, ws, rel, abs, `${what} ${log ? 'log_' : ''}softmax dim ${dim}`);
        }
      }
      // infinities and NaN: an all -inf slice, a +inf, a NaN
      const x = makeView([3, 4], xk, 'contiguous', r, false);
      x.data.fill(-Infinity, x.offset, x.offset + 4);
      x.data[x.offset + 5] = Infinity;
      x.data[x.offset + 10] = NaN;
      const [wl, gl] = [alloc(xk, 3), alloc(xk, 3)];
      reference.logsumexp(x, [1], wl);
      native!.logsumexp(x, [1], gl);
      assertSame(gl, wl, `${path}: logsumexp with infinities ${xk}`);
      const [ws, gs] = [alloc(xk, 12), alloc(xk, 12)];
      reference.softmax(x, 1, ws, true);
      native!.softmax(x, 1, gs, true);
      assertSame(gs, ws, `${path}: log_softmax with infinities ${xk}`);
    }
  });
});
