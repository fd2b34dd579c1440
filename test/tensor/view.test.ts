// Property tests of the shape/stride algebra in src/tensor/view.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  broadcastShapes, computeViewStrides, contiguousStrides, inferSize, isContiguous, numelOf,
} from '../../src/tensor/view.js';

const shapeArb = fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 0, maxLength: 4 });

/** Memory offsets of all elements of a strided view, in row-major logical order. */
function offsets(shape: number[], strides: number[]): number[] {
  const out: number[] = [];
  const rec = (d: number, off: number) => {
    if (d === shape.length) {
      out.push(off);
      return;
    }
    for (let i = 0; i < shape[d]; i++) rec(d + 1, off + i * strides[d]);
  };
  rec(0, 0);
  return out;
}

test('contiguous strides are contiguous and enumerate 0..n-1', () => {
  fc.assert(fc.property(shapeArb, (shape) => {
    const st = contiguousStrides(shape);
    assert.ok(isContiguous(shape, st));
    const offs = offsets(shape, st);
    assert.deepEqual(offs, [...Array(numelOf(shape)).keys()]);
  }));
});

test('a view of a contiguous tensor to any same-numel shape keeps element order', () => {
  fc.assert(fc.property(shapeArb, fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 3 }), (shape, split) => {
    const n = numelOf(shape);
    if (n === 0) return;
    // Reshape into [n / prod(split-ish), ...] by factoring n greedily.
    const target: number[] = [];
    let rest = n;
    for (const s of split) if (rest % s === 0) { target.push(s); rest /= s; }
    target.push(rest);
    const st = computeViewStrides(shape, contiguousStrides(shape), target);
    assert.ok(st !== null);
    assert.deepEqual(offsets(target, st), offsets(shape, contiguousStrides(shape)));
  }));
});

test('view of a transposed matrix to its flat size is refused, to the same 2-D shape allowed', () => {
  assert.equal(computeViewStrides([3, 2], [1, 3], [6]), null);
  assert.deepEqual(computeViewStrides([3, 2], [1, 3], [3, 2]), [1, 3]);
  assert.deepEqual(computeViewStrides([3, 2], [1, 3], [3, 1, 2]), [1, 6, 3]); // as PyTorch
});

test('broadcastShapes is commutative and each input expands to it', () => {
  const dimArb = fc.constantFrom(1, 2, 3);
  fc.assert(fc.property(fc.array(dimArb, { maxLength: 4 }), fc.array(dimArb, { maxLength: 4 }), (a, b) => {
    let ab: number[] | null = null;
    try {
      ab = broadcastShapes(a, b);
    } catch {
      assert.throws(() => broadcastShapes(b, a));
      return;
    }
    assert.deepEqual(broadcastShapes(b, a), ab);
    for (const s of [a, b]) {
      const lead = ab.length - s.length;
      s.forEach((d, i) => assert.ok(d === 1 || d === ab![lead + i]));
    }
  }));
});

test('inferSize resolves -1 and rejects bad shapes with PyTorch\'s message', () => {
  assert.deepEqual(inferSize([-1, 3], 12), [4, 3]);
  assert.throws(() => inferSize([-1, 5], 12), { message: "shape '[-1, 5]' is invalid for input of size 12" });
  assert.throws(() => inferSize([-1, -1], 12), { message: 'only one dimension can be inferred' });
});
