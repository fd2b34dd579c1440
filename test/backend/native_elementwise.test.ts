// Parity of the native elementwise kernels (native/src/elementwise.cc) with the reference backend's:
// unary, binary, binaryScalar, where, copy and fill on random shapes (odd, 0-size, large enough to
// run threaded), every layout (contiguous, transposed, strided, broadcast), every dtype and store
// kind, on every ISA path with 1 and 2 threads. Arithmetic, comparisons, rounding and casts must be
// exact; transcendental functions (exp, log, sin, pow, ...) within a few ulp of V8's Math.
import { test } from 'node:test';
import type { BinaryOp, StoreKind, UnaryOp } from '../../src/backend/backend.js';
import { reference } from '../../src/backend/reference/index.js';
import { binaryFns, unaryFns } from '../../src/backend/reference/elementwise.js';
import { native } from '../../src/backend/native/index.js';
import {
  LAYOUTS, alloc, assertNear, assertSame, everyPath, makeView, randomShape, rng, skipReason, value,
  type Kind, type Rng,
} from './native_parity.js';

if (skipReason) console.log(`# skipping native elementwise parity: ${skipReason}`);

const EXACT_UNARY = new Set<string>([
  'neg', 'abs', 'relu', 'floor', 'ceil', 'round', 'trunc', 'frac', 'sign', 'reciprocal', 'square',
  'logical_not', 'isnan', 'isinf', 'isfinite', 'sqrt', 'rsqrt', 'relu6', 'hardsigmoid', 'hardswish',
]);
const EXACT_BINARY = new Set<string>([
  'add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'fmax', 'fmin', 'eq', 'ne', 'lt', 'le', 'gt', 'ge',
  'fmod',
  'remainder', 'floor_divide', 'div_trunc', 'div_floor', 'logical_and', 'logical_or', 'logical_xor',
  'copysign', 'bitwise_and', 'bitwise_or', 'bitwise_xor',
]);
const BITWISE = new Set<string>(['bitwise_and', 'bitwise_or', 'bitwise_xor']);

/** [input kind, output kind, store]: the combinations the ops layer produces. */
const COMBOS: [Kind, Kind, StoreKind][] = [
  ['f32', 'f32', 'float'], ['f64', 'f64', 'float'], ['i32', 'i32', 'int32'], ['i64', 'i64', 'int64'],
  ['bool', 'bool', 'bool'], ['f32', 'bool', 'bool'], ['i32', 'f32', 'float'], ['f64', 'i32', 'float'],
];
const isFloatKind = (k: Kind) => k === 'f32' || k === 'f64';

/** Compares native with reference: exact, or within a few ulp of the output's precision. */
function compare(got: ArrayLike<number>, want: ArrayLike<number>, exact: boolean, out: Kind, what: string) {
  if (exact) assertSame(got, want, what);
  else assertNear(got, want, out === 'f32' ? 3e-7 : 1e-13, 1e-300, what);
}

const numel = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** Small random shapes; the threaded paths are covered by the large cases at the end. */
function shapeFor(r: Rng, _i: number): number[] {
  return randomShape(r, false);
}

test('native unary matches the reference', { skip: skipReason }, () => {
  const ops = Object.keys(unaryFns) as UnaryOp[];
  everyPath((path) => {
    const r = rng(1);
    for (const op of ops) {
      for (const [ik, ok, store] of COMBOS) {
        const exact = EXACT_UNARY.has(op);
        if (!exact && !isFloatKind(ok) && ok !== 'bool') continue; // 1-ulp differences may truncate apart
        for (let i = 0; i < 3; i++) {
          const shape = shapeFor(r, i + op.length);
          const x = makeView(shape, ik, LAYOUTS[i % 4], r);
          const want = alloc(ok, numel(shape));
          const got = alloc(ok, numel(shape));
          reference.unary(op, x, want, store);
          native!.unary(op, x, got, store);
          compare(got, want, exact || ok === 'bool', ok, `${path}: unary ${op} ${ik}->${ok} [${shape}]`);
        }
      }
    }
  }, [1]);
});

function binaryCombos(op: string): [Kind, Kind, Kind, StoreKind][] {
  if (BITWISE.has(op)) {
    return [['i32', 'i32', 'i32', 'int32'], ['i64', 'i64', 'i64', 'int64'], ['bool', 'bool', 'bool', 'bool']];
  }
  return [
    ['f32', 'f32', 'f32', 'float'], ['f64', 'f64', 'f64', 'float'], ['f32', 'f64', 'f64', 'float'],
    ['i32', 'i32', 'i32', 'int32'], ['i64', 'i64', 'i64', 'int64'], ['bool', 'bool', 'bool', 'bool'],
    ['f32', 'f32', 'bool', 'bool'], ['f64', 'f64', 'bool', 'bool'], ['i64', 'f32', 'f32', 'float'],
  ];
}

test('native binary and binaryScalar match the reference', { skip: skipReason }, () => {
  const ops = Object.keys(binaryFns) as BinaryOp[];
  everyPath((path) => {
    const r = rng(2);
    for (const op of ops) {
      for (const [ak, bk, ok, store] of binaryCombos(op)) {
        const exact = EXACT_BINARY.has(op) || ok === 'bool';
        if (!exact && !isFloatKind(ok)) continue;
        for (let i = 0; i < 3; i++) {
          const shape = shapeFor(r, i + op.length);
          const a = makeView(shape, ak, LAYOUTS[i % 4], r);
          const b = makeView(shape, bk, LAYOUTS[(i + 2) % 4], r);
          const n = numel(shape);
          const [want, got] = [alloc(ok, n), alloc(ok, n)];
          reference.binary(op, a, b, want, store);
          native!.binary(op, a, b, got, store);
          const what = `${path}: binary ${op} ${ak},${bk}->${ok} [${shape}]`;
          compare(got, want, exact, ok, what);
          const s = BITWISE.has(op) ? value('i32', r)
            : r() < 0.3 ? 0.01 : value(bk === 'f32' ? 'f64' : bk, r);
          for (const reversed of [false, true]) {
            const [w2, g2] = [alloc(ok, n), alloc(ok, n)];
            reference.binaryScalar(op, a, s, w2, store, reversed);
            native!.binaryScalar(op, a, s, g2, store, reversed);
            compare(g2, w2, exact, ok, `${what} scalar ${s}${reversed ? ' reversed' : ''}`);
          }
        }
      }
    }
  }, [1]);
});

test('native where matches the reference', { skip: skipReason }, () => {
  everyPath((path) => {
    const r = rng(3);
    const combos: [Kind, Kind, Kind, StoreKind][] = [
      ['bool', 'f32', 'f32', 'float'], ['bool', 'f64', 'f64', 'float'], ['bool', 'i64', 'i64', 'int64'],
      ['bool', 'i32', 'i32', 'int32'], ['f32', 'f32', 'f32', 'float'], ['bool', 'f64', 'bool', 'bool'],
    ];
    for (const [ck, vk, ok, store] of combos) {
      for (let i = 0; i < 12; i++) {
        const shape = shapeFor(r, i);
        const c = makeView(shape, ck, LAYOUTS[i % 4], r);
        const a = makeView(shape, vk, LAYOUTS[(i + 1) % 4], r);
        const b = makeView(shape, vk, LAYOUTS[(i + 3) % 4], r);
        const n = numel(shape);
        const [want, got] = [alloc(ok, n), alloc(ok, n)];
        reference.where(c, a, b, want, store);
        native!.where(c, a, b, got, store);
        assertSame(got, want, `${path}: where ${ck},${vk}->${ok} [${shape}]`);
      }
    }
  });
});

const STORE_OF: Record<Kind, StoreKind> = {
  f32: 'float', f64: 'float', i32: 'int32', i64: 'int64', bool: 'bool',
};
const KINDS: Kind[] = ['f32', 'f64', 'i32', 'i64', 'bool'];

test('native copy (casts, strided destinations) and fill match the reference', { skip: skipReason }, () => {
  everyPath((path) => {
    const r = rng(4);
    for (const sk of KINDS) {
      for (const dk of KINDS) {
        for (const store of [STORE_OF[dk], 'float'] as StoreKind[]) {
          for (let i = 0; i < 6; i++) {
            const shape = shapeFor(r, i);
            const src = makeView(shape, sk, LAYOUTS[i % 4], r);
            const layout = LAYOUTS[(i + 1) % 4] === 'broadcast' ? 'strided' : LAYOUTS[(i + 1) % 4];
            const want = makeView(shape, dk, layout, r);
            const got = { ...want, data: want.data.slice() };
            reference.copy(src, want, store);
            native!.copy(src, got, store);
            assertSame(got.data, want.data, `${path}: copy ${sk}->${dk} (${store}) [${shape}] ${layout}`);
          }
        }
      }
      for (let i = 0; i < 6; i++) {
        const shape = shapeFor(r, i);
        const want = makeView(shape, sk, i % 2 ? 'transposed' : 'strided', r);
        const got = { ...want, data: want.data.slice() };
        const v = value(sk, r);
        reference.fill(want, v);
        native!.fill(got, v);
        assertSame(got.data, want.data, `${path}: fill ${sk} [${shape}]`);
      }
    }
  });
});

test('native elementwise kernels on large (threaded) inputs match the reference', { skip: skipReason },
() => {
  everyPath((path) => {
    const r = rng(5);
    for (const layout of LAYOUTS) {
      const shape = randomShape(r, true);
      const n = numel(shape);
      const x = makeView(shape, 'f32', layout, r);
      const y = makeView(shape, 'f32', LAYOUTS[(LAYOUTS.indexOf(layout) + 1) % 4], r);
      for (const op of ['relu', 'exp', 'neg'] as UnaryOp[]) {
        const [want, got] = [alloc('f32', n), alloc('f32', n)];
        reference.unary(op, x, want, 'float');
        native!.unary(op, x, got, 'float');
        compare(got, want, op !== 'exp', 'f32', `${path}: unary ${op} [${shape}] ${layout}`);
      }
      for (const op of ['add', 'mul', 'gt'] as BinaryOp[]) {
        const [want, got] = [alloc('f32', n), alloc('f32', n)];
        reference.binary(op, x, y, want, 'float');
        native!.binary(op, x, y, got, 'float');
        assertSame(got, want, `${path}: binary ${op} [${shape}] ${layout}`);
        reference.binaryScalar(op, x, 0.3, want, 'float', false);
        native!.binaryScalar(op, x, 0.3, got, 'float', false);
        assertSame(got, want, `${path}: binaryScalar ${op} [${shape}] ${layout}`);
      }
      const c = makeView(shape, 'bool', layout, r);
      const [want, got] = [alloc('f32', n), alloc('f32', n)];
      reference.where(c, x, y, want, 'float');
      native!.where(c, x, y, got, 'float');
      assertSame(got, want, `${path}: where [${shape}] ${layout}`);
      const d1 = makeView(shape, 'f64', 'transposed', r);
      const d2 = { ...d1, data: d1.data.slice() };
      reference.copy(x, d1, 'float');
      native!.copy(x, d2, 'float');
      assertSame(d2.data, d1.data, `${path}: copy [${shape}] ${layout}`);
    }
  });
});
