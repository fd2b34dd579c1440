// Parity of the native threshold_backward kernel (native/src/threshold.cc) with the reference one
// (src/backend/reference/threshold.ts): float32 and float64, NaN / infinities / values at the
// threshold, thresholds float32 cannot represent, offsets, odd and large (threaded) sizes, every ISA
// path, 1 and 2 threads, contiguous and broadcast-scalar gradients. The result is a selection,
// so it must agree exactly.
import { test } from 'node:test';
import { reference } from '../../src/backend/reference/index.js';
import { native } from '../../src/backend/native/index.js';
import {
  alloc, assertSame, everyPath, rng, skipReason, value, type Kind, type Rng,
} from './native_parity.js';

if (skipReason) console.log(`# skipping native threshold_backward parity: ${skipReason}`);

const int = (r: Rng, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

test('native threshold_backward matches the reference', { skip: skipReason }, () => {
  everyPath((path) => {
    const r = rng(41);
    for (const kind of ['f32', 'f64'] as Kind[]) {
      for (let i = 0; i < 12; i++) {
        const n = i % 4 === 3 ? int(r, 140000, 300000) : int(r, 0, 100);
        const [gOff, xOff] = [int(r, 0, 3), int(r, 0, 3)];
        const threshold = [0, 0.1, -0.25, 1e10, NaN, Infinity][i % 6];
        const g = alloc(kind, gOff + n);
        const x = alloc(kind, xOff + n);
        for (let k = 0; k < g.length; k++) g[k] = value(kind, r);
        for (let k = 0; k < x.length; k++) x[k] = r() < 0.1 ? threshold : value(kind, r);
        for (const gStride of [1, 0]) {
          const [want, got] = [alloc(kind, n), alloc(kind, n)];
          reference.thresholdBackward(g, gOff, gStride, x, xOff, n, threshold, want);
          native!.thresholdBackward(g, gOff, gStride, x, xOff, n, threshold, got);
          assertSame(got, want, `${path}: ${kind} n ${n} threshold ${threshold} gStride ${gStride}`);
        }
      }
    }
  });
});
