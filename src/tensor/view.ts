// Shape, stride and broadcasting arithmetic (c10/core/TensorImpl.h, ATen/ExpandUtils.h,
// ATen/InferSize.h). Pure functions over number arrays.
import { check, wrapDim } from '../utils/check.js';

/** Row-major strides of a contiguous tensor of this shape. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= Math.max(shape[i], 1);
  }
  return strides;
}

/** Number of elements of a shape (1 for a scalar). */
export function numelOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** PyTorch's is_contiguous: size-1 dims may have any stride. */
export function isContiguous(shape: readonly number[], strides: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] === 0) return true;
    if (shape[i] !== 1 && strides[i] !== expected) return false;
    expected *= shape[i];
  }
  return true;
}

/** The broadcast shape of several shapes, or PyTorch's error. */
export function broadcastShapes(...shapes: (readonly number[])[]): number[] {
  let ndim = 0;
  for (const s of shapes) ndim = Math.max(ndim, s.length);
  const out = new Array<number>(ndim).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const o = ndim - s.length + i;
      const d = s[i];
      if (d === out[o] || d === 1) continue;
      check(
        out[o] === 1,
        () =>
          `The size of tensor a (${out[o]}) must match the size of tensor b (${d}) ` +
          `at non-singleton dimension ${o}`,
      );
      out[o] = d;
    }
  }
  return out;
}

/** Strides that view (shape, strides) as broadcast to `target` (0 in broadcast dims). */
export function broadcastStrides(
  shape: readonly number[],
  strides: readonly number[],
  target: readonly number[],
): number[] {
  const out = new Array<number>(target.length).fill(0);
  const lead = target.length - shape.length;
  check(lead >= 0, () => `cannot broadcast shape [${shape}] to [${target}]`);
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    const t = target[lead + i];
    if (d === t) out[lead + i] = strides[i];
    else
      check(
        d === 1,
        () =>
          `The expanded size of the tensor (${t}) must match the existing size (${d}) at ` +
          `non-singleton dimension ${lead + i}.  Target sizes: [${target.join(', ')}].  ` +
          `Tensor sizes: [${shape.join(', ')}]`,
      );
  }
  return out;
}

/** Resolves one -1 in a view/reshape size against numel (ATen's infer_size). */
export function inferSize(size: readonly number[], numel: number): number[] {
  let neg = -1;
  let prod = 1;
  for (let i = 0; i < size.length; i++) {
    const d = size[i];
    if (d === -1) {
      check(neg < 0, () => 'only one dimension can be inferred');
      neg = i;
    } else {
      check(Number.isInteger(d) && d >= 0, () => `invalid shape dimension ${d}`);
      prod *= d;
    }
  }
  const out = size.slice();
  const bad = () => `shape '[${size.join(', ')}]' is invalid for input of size ${numel}`;
  if (neg >= 0) {
    check(prod !== 0 || numel !== 0, () =>
      `cannot reshape tensor of 0 elements into shape [${size.join(', ')}] because the unspecified ` +
      'dimension size -1 can be any value and is ambiguous');
    check(prod !== 0 && numel % prod === 0, bad);
    out[neg] = numel / prod;
  } else {
    check(prod === numel, bad);
  }
  return out;
}

/**
 * Strides for viewing (oldShape, oldStrides) as newShape without copying, or null if the
 * memory layout does not allow it (ATen's computeStride).
 */
export function computeViewStrides(
  oldShape: readonly number[],
  oldStrides: readonly number[],
  newShape: readonly number[],
): number[] | null {
  const newStrides = new Array<number>(newShape.length).fill(0);
  if (oldShape.length === 0 || numelOf(oldShape) === 0) return contiguousStrides(newShape);
  let viewD = newShape.length - 1;
  let chunkBase = oldStrides[oldStrides.length - 1] ?? 1;
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let d = oldShape.length - 1; d >= 0; d--) {
    tensorNumel *= oldShape[d];
    if (d === 0 || (oldShape[d - 1] !== 1 && oldStrides[d - 1] !== tensorNumel * chunkBase)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] === 1)) {
        newStrides[viewD] = viewNumel * chunkBase;
        viewNumel *= newShape[viewD];
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) {
        chunkBase = oldStrides[d - 1];
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  if (viewD !== -1) return null;
  return newStrides;
}

/** Normalises a list of dims (possibly negative) and checks for repeats. */
export function wrapDims(dims: readonly number[], ndim: number): number[] {
  const out = new Array<number>(dims.length);
  for (let i = 0; i < dims.length; i++) out[i] = wrapDim(dims[i], ndim);
  // Dim lists are short: a scan is cheaper than a Set.
  for (let i = 1; i < out.length; i++) {
    const d = out[i];
    for (let j = 0; j < i; j++) {
      if (out[j] === d) check(false, () => `dim ${d} appears multiple times in the list of dims`);
    }
  }
  return out;
}

/** Formats a shape as PyTorch does in messages: [2, 3]. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
