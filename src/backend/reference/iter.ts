// Strided iteration for the reference kernels (the role of ATen's TensorIterator): dims are
// coalesced, then each kernel runs a tight inner loop per row with per-operand strides.
import { numelOf as numel } from '../../tensor/view.js';

export { numel };

/** Rows of an n-operand strided iteration: `inner` elements per row, offsets per operand. */
export class RowIter {
  readonly inner: number;
  readonly innerStrides: number[];
  readonly rows: number;
  readonly off: number[];
  private readonly outerShape: number[];
  private readonly outerStrides: number[][];
  private readonly counter: number[];

  constructor(shape: readonly number[], strides: readonly (readonly number[])[], offsets: readonly number[]) {
    const [cs, cstr] = coalesce(shape, strides);
    const nd = cs.length;
    this.inner = nd > 0 ? cs[nd - 1] : 1;
    this.innerStrides = cstr.map((s) => (nd > 0 ? s[nd - 1] : 0));
    this.outerShape = cs.slice(0, Math.max(nd - 1, 0));
    this.outerStrides = cstr.map((s) => s.slice(0, Math.max(nd - 1, 0)));
    let rows = 1;
    for (const d of this.outerShape) rows *= d;
    this.rows = cs.includes(0) ? 0 : rows;
    this.off = offsets.slice();
    this.counter = new Array<number>(this.outerShape.length).fill(0);
  }

  /** Advances `off` to the next row. */
  next(): void {
    const shape = this.outerShape;
    for (let d = shape.length - 1; d >= 0; d--) {
      this.counter[d]++;
      const done = this.counter[d] < shape[d];
      for (let k = 0; k < this.off.length; k++) {
        const s = this.outerStrides[k][d];
        this.off[k] += done ? s : -s * (shape[d] - 1);
      }
      if (done) return;
      this.counter[d] = 0;
    }
  }
}

/** Drops size-1 dims and merges dims that are contiguous in every operand. */
export function coalesce(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
): [number[], number[][]] {
  const cs: number[] = [];
  const cstr: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const last = cs.length - 1;
    const mergeable =
      last >= 0 && strides.every((s, k) => cstr[k][last] === s[d] * shape[d]);
    if (mergeable) {
      cs[last] *= shape[d];
      strides.forEach((s, k) => (cstr[k][last] = s[d]));
    } else {
      cs.push(shape[d]);
      strides.forEach((s, k) => cstr[k].push(s[d]));
    }
  }
  if (shape.includes(0)) return [[0], strides.map(() => [1])];
  return [cs, cstr];
}

/** Contiguous row-major strides (local copy to keep the backend free of tensor imports). */
export function denseStrides(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    out[i] = s;
    s *= shape[i];
  }
  return out;
}

export function isDense(shape: readonly number[], strides: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && strides[i] !== expected) return false;
    expected *= shape[i];
  }
  return true;
}

