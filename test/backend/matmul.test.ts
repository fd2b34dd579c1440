// Tests of the reference gemm (src/backend/reference/matmul.ts) against a naive float64 triple
// loop: every code path (tiny, padded, matrix-vector, blocked), strided and broadcast views.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gemm } from '../../src/backend/reference/matmul.js';
import { mulberry32 as rng } from '../helpers/rng.js';
import {
  type Case, LAYOUTS, type FloatCtor, type Layout, naive, operand,
} from './gemm_operand.js';

function check(cs: Case, seed: number): void {
  const { T, batch, M, N, K, la, lb, accumulate } = cs;
  const rand = rng(seed);
  const A = operand(T, batch, M, K, la, rand);
  const B = operand(T, batch, K, N, lb, rand);
  const cOff = 2;
  const c = new T(cOff + batch * M * N + 2);
  for (let i = 0; i < c.length; i++) c[i] = accumulate ? rand() * 2 - 1 : NaN;
  const c0 = accumulate ? c.slice(cOff, cOff + batch * M * N) : null;
  const guard = [c[0], c[1], c[c.length - 2], c[c.length - 1]];
  gemm(batch, M, N, K, A.buf, A.off, A.bs, A.rs, A.cs, B.buf, B.off, B.bs, B.rs, B.cs, c, cOff, accumulate);
  const { ref, scale } = naive(batch, M, N, K, A, B, c0);
  const rtol = T === Float32Array ? 1e-5 : 1e-12;
  const what = `${T.name} batch=${batch} ${M}x${N}x${K} A ${la} B ${lb} accumulate=${accumulate}`;
  for (let o = 0; o < ref.length; o++) {
    const got = c[cOff + o];
    const err = Math.abs(got - ref[o]);
    if (!(err <= rtol * scale[o] + 1e-30)) {
      assert.fail(`${what}: C[${o}] = ${got}, expected ${ref[o]} (seed ${seed})`);
    }
  }
  assert.deepEqual([c[0], c[1], c[c.length - 2], c[c.length - 1]], guard, `${what}: wrote outside C`);
}

const dtypes: FloatCtor[] = [Float32Array, Float64Array];

test('doc example: [[1, 2], [3, 4]] @ [[5], [6]]', () => {
  const c = new Float32Array(2);
  gemm(1, 2, 1, 2, Float32Array.of(1, 2, 3, 4), 0, 0, 2, 1, Float32Array.of(5, 6), 0, 0, 1, 1, c, 0);
  assert.deepEqual([...c], [17, 39]);
});

test('every layout pair, dtype and accumulate flag on each path', () => {
  // Tiny; matrix-vector loops over columns of C ([37, 1, 29], [40, 2, 50], ...) and over rows
  // ([1, 41, 33], [2, 3, 50]); blocked with ragged edges in every dim ([13, 21, 17], [9, 5, 70]).
  const shapes = [
    [2, 3, 4], [1, 1, 7], [2, 2, 300], [37, 1, 29], [40, 2, 50], [3, 2, 50], [1, 41, 33], [2, 3, 50],
    [13, 21, 17], [9, 5, 70],
  ];
  let seed = 1;
  for (const T of dtypes) {
    for (const [M, N, K] of shapes) {
      for (const la of LAYOUTS) {
        for (const lb of LAYOUTS) {
          for (const accumulate of [false, true]) {
            check({ T, batch: 2, M, N, K, la, lb, accumulate }, seed++);
          }
        }
      }
    }
  }
});

test('sizes crossing every block boundary (KC=256, MC=128, NC=512, MR=4, NR=8)', () => {
  let seed = 1000;
  for (const T of dtypes) {
    check({ T, batch: 1, M: 129, N: 513, K: 257, la: 'contiguous', lb: 'contiguous', accumulate: false },
      seed++);
    check({ T, batch: 1, M: 130, N: 520, K: 600, la: 'transposed', lb: 'strided', accumulate: true }, seed++);
    check({ T, batch: 1, M: 131, N: 9, K: 513, la: 'strided', lb: 'transposed', accumulate: false }, seed++);
    check({ T, batch: 3, M: 7, N: 515, K: 33, la: 'contiguous', lb: 'broadcast', accumulate: false }, seed++);
  }
});

test('zero sizes: M, N or batch 0 write nothing; K = 0 gives zeros (or leaves C when accumulating)', () => {
  for (const T of dtypes) {
    for (const [batch, M, N] of [[0, 3, 3], [2, 0, 3], [2, 3, 0]]) {
      const c = T.of(7, 7);
      gemm(batch, M, N, 4, new T(64), 0, 12, 4, 1, new T(64), 0, 12, 3, 1, c, 0);
      assert.deepEqual([...c], [7, 7]);
    }
    for (const accumulate of [false, true]) {
      const c = T.of(7, 5, 5, 5, 5, 7);
      gemm(2, 1, 2, 0, new T(0), 0, 0, 0, 1, new T(0), 0, 0, 2, 1, c, 1, accumulate);
      assert.deepEqual([...c], accumulate ? [7, 5, 5, 5, 5, 7] : [7, 0, 0, 0, 0, 7]);
    }
  }
});

test('shared B folds the batch: contiguous A, M = 1 with any A batch stride', () => {
  let seed = 2000;
  for (const T of dtypes) {
    for (const accumulate of [false, true]) {
      check({ T, batch: 5, M: 6, N: 10, K: 12, la: 'contiguous', lb: 'broadcast', accumulate }, seed++);
      check({ T, batch: 5, M: 6, N: 10, K: 12, la: 'strided', lb: 'broadcast', accumulate }, seed++);
      check({ T, batch: 9, M: 1, N: 10, K: 12, la: 'strided', lb: 'broadcast', accumulate }, seed++);
      check({ T, batch: 9, M: 1, N: 1, K: 12, la: 'transposed', lb: 'broadcast', accumulate }, seed++);
    }
  }
});

test('random shapes, layouts and dtypes', () => {
  const rand = rng(42);
  const dim = () => [1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 31, 33, 64][Math.floor(rand() * 13)];
  for (let n = 0; n < 200; n++) {
    const cs: Case = {
      T: dtypes[n % 2],
      batch: 1 + Math.floor(rand() * 3),
      M: dim(),
      N: dim(),
      K: dim(),
      la: LAYOUTS[Math.floor(rand() * 4)],
      lb: LAYOUTS[Math.floor(rand() * 4)],
      accumulate: rand() < 0.5,
    };
    check(cs, 3000 + n);
  }
});

test('non-finite values propagate as in the naive loop; padding does not leak NaN', () => {
  for (const T of dtypes) {
    // 20 x 20 runs the blocked path, whose zero padding must not turn Inf into NaN in C.
    const n = 20;
    const a = new T(n * n).fill(1);
    const b = new T(n * n).fill(1);
    b[n - 1] = Infinity;
    a[n * n - 1] = NaN;
    const c = new T(n * n);
    gemm(1, n, n, n, a, 0, 0, n, 1, b, 0, 0, n, 1, c, 0);
    assert.equal(c[n - 1], Infinity);
    assert.equal(c[0], n);
    assert.ok(Number.isNaN(c[n * n - 1]));
    assert.equal(c[(n - 2) * n], n);
  }
});
