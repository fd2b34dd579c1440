// Parity of the native gemm (native/src/gemm*.cc) with the reference backend's: odd and empty
// sizes, every operand layout (contiguous, transposed, strided, batch-broadcast), both dtypes,
// accumulate on and off, on every instruction-set path and with 1 and 2 threads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reference } from '../../src/backend/reference/index.js';
import { native } from '../../src/backend/native/index.js';
import * as backends from '../../src/backends/index.js';
import { mulberry32 as rng } from '../helpers/rng.js';
import { type Case, LAYOUTS, type FloatCtor, type Layout, naive, operand } from './gemm_operand.js';
import { everyPath } from './native_parity.js';

const available = backends.native.is_available();
const skip = available ? false : `native backend unavailable: ${backends.native.unavailable_reason()}`;
if (skip) console.log(`# skipping native gemm parity: ${skip}`);

function check(cs: Case, seed: number, where: string): void {
  const { T, batch, M, N, K, la, lb, accumulate } = cs;
  const rand = rng(seed);
  const A = operand(T, batch, M, K, la, rand);
  const B = operand(T, batch, K, N, lb, rand);
  const cOff = 2;
  const got = new T(cOff + batch * M * N + 2);
  for (let i = 0; i < got.length; i++) got[i] = accumulate ? rand() * 2 - 1 : NaN;
  const want = got.slice();
  const c0 = accumulate ? got.slice(cOff, cOff + batch * M * N) : null;
  reference.gemm(batch, M, N, K, A.buf, A.off, A.bs, A.rs, A.cs, B.buf, B.off, B.bs, B.rs, B.cs, want, cOff,
    accumulate);
  native!.gemm(batch, M, N, K, A.buf, A.off, A.bs, A.rs, A.cs, B.buf, B.off, B.bs, B.rs, B.cs, got, cOff,
    accumulate);
  const { scale } = naive(batch, M, N, K, A, B, c0);
  // Rounding error grows with K: float32 sums in float32 here, in float64 in the reference.
  const rtol = T === Float32Array ? 1e-6 * (4 + Math.sqrt(K)) : 1e-14 * (4 + Math.sqrt(K));
  const what =
    `${where} ${T.name} batch=${batch} ${M}x${N}x${K} A ${la} B ${lb} acc=${accumulate} seed ${seed}`;
  for (let o = 0; o < batch * M * N; o++) {
    const err = Math.abs(got[cOff + o] - want[cOff + o]);
    if (!(err <= rtol * scale[o] + 1e-30)) {
      assert.fail(`${what}: C[${o}] = ${got[cOff + o]}, reference ${want[cOff + o]}`);
    }
  }
  assert.deepEqual([got[0], got[1], got[got.length - 2], got[got.length - 1]],
    [want[0], want[1], want[want.length - 2], want[want.length - 1]], `${what}: wrote outside C`);
}

const dtypes: FloatCtor[] = [Float32Array, Float64Array];

test('set_isa caps the instruction set and reports the one in use', { skip }, () => {
  const isa0 = backends.native.isa() as 'avx512' | 'avx2' | 'portable';
  assert.equal(backends.native.set_isa('portable'), 'portable');
  assert.equal(backends.native.isa(), 'portable');
  backends.native.set_isa(isa0);
  assert.equal(backends.native.isa(), isa0);
});

test('odd, empty and edge sizes on every layout pair, dtype, accumulate flag and path', { skip }, () => {
  // Tiny loops; matrix-vector rows/columns; blocked with ragged edges against every tile size.
  const shapes = [
    [0, 3, 4], [3, 0, 4], [3, 4, 0], [1, 1, 1], [2, 3, 4], [1, 33, 17], [2, 65, 3], [37, 1, 29], [33, 2, 17],
    [3, 3, 65], [13, 21, 17], [17, 33, 65], [65, 17, 3],
  ];
  everyPath((where) => {
    let seed = 1;
    for (const T of dtypes) {
      for (const [M, N, K] of shapes) {
        for (const la of LAYOUTS) {
          for (const lb of LAYOUTS) {
            check({ T, batch: 2, M, N, K, la, lb, accumulate: seed % 2 === 0 }, seed++, where);
          }
        }
      }
    }
  });
});

test('sizes crossing the cache blocks (kc 256 or 512, mc about 200, nc 1024), thread runs, batches',
  { skip }, () => {
  // On two threads (AVX-512 floats), [1, 97, 1100, 5] and [1, 20, 1009, 530] give each thread a run
  // of C's columns (the second with a ragged last sliver and K crossing kc), [1, 200, 33, 20] and
  // [1, 30, 40, 520] a run of rows, and [3, 12, 32, 16] shares one product.
  const shapes: [number, number, number, number][] = [
    [1, 200, 33, 20], [1, 97, 1100, 5], [1, 30, 40, 520], [3, 12, 32, 16], [5, 7, 9, 11], [2, 100, 35, 33],
    [1, 20, 1009, 530],
  ];
  everyPath((where) => {
    let seed = 1000;
    for (const T of dtypes) {
      for (const [batch, M, N, K] of shapes) {
        for (const [la, lb] of [['contiguous', 'contiguous'], ['transposed', 'broadcast'],
          ['broadcast', 'transposed'], ['strided', 'contiguous']] as [Layout, Layout][]) {
          for (const accumulate of [false, true]) {
            check({ T, batch, M, N, K, la, lb, accumulate }, seed++, where);
          }
        }
      }
    }
  });
});

test('a 256 x 256 x 256 product agrees on every path (both threads split C)', { skip }, () => {
  everyPath((where) => {
    check({ T: Float32Array, batch: 1, M: 256, N: 256, K: 256, la: 'contiguous', lb: 'contiguous',
      accumulate: false }, 7, where);
    check({ T: Float64Array, batch: 1, M: 129, N: 255, K: 257, la: 'transposed', lb: 'contiguous',
      accumulate: true }, 8, where);
  });
});
