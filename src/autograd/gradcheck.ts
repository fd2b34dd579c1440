// torch.autograd.gradcheck: finite differences against backward (torch/autograd/gradcheck.py,
// the "slow" mode: full numerical and analytical Jacobians, compared entry by entry).
import type { Tensor } from '../tensor/tensor.js';
import { Tensor as TensorClass } from '../tensor/tensor.js';
import { no_grad } from './grad_mode.js';
import { grad as autogradGrad } from './engine.js';

/** The options of torch.autograd.gradcheck that tstorch supports, with PyTorch's defaults. */
export interface GradcheckOptions {
  /** Perturbation for the central differences (default 1e-6). */
  eps?: number;
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative tolerance (default 1e-3). */
  rtol?: number;
  /** Throw a GradcheckError on failure (default true); otherwise return false. */
  raise_exception?: boolean;
}

/** PyTorch's torch.autograd.gradcheck.GradcheckError (a RuntimeError there). */
export class GradcheckError extends Error {
  override name = 'GradcheckError';
}

type Fn = (...inputs: Tensor[]) => Tensor | Tensor[];

/** A Jacobian block [input numel][output numel], row-major in one Float64Array. */
interface Block {
  rows: number;
  cols: number;
  data: Float64Array;
}

function block(rows: number, cols: number): Block {
  return { rows, cols, data: new Float64Array(rows * cols) };
}

/** Storage offsets of a tensor's elements in row-major logical order. */
function elementOffsets(t: Tensor): number[] {
  const shape = t._shape;
  const strides = t._strides;
  const n = shape.reduce((a, b) => a * b, 1);
  const out: number[] = new Array(n);
  const idx = new Array(shape.length).fill(0);
  let off = t._offset;
  for (let k = 0; k < n; k++) {
    out[k] = off;
    for (let d = shape.length - 1; d >= 0; d--) {
      idx[d]++;
      off += strides[d];
      if (idx[d] < shape[d]) break;
      off -= strides[d] * shape[d];
      idx[d] = 0;
    }
  }
  return out;
}

/** The values of a tensor (any layout) in row-major order, as float64. */
function values(t: Tensor): Float64Array {
  const data = t._storage.data;
  return Float64Array.from(elementOffsets(t), (o) => Number(data[o]));
}

function asList(out: Tensor | Tensor[]): Tensor[] {
  return Array.isArray(out) ? [...out] : [out];
}

function isFloatTensor(t: unknown): t is Tensor {
  return t instanceof TensorClass && t.dtype.is_floating_point;
}

/** Column j of every block for one perturbed input element, by central differences. */
function numericalJacobian(fn: Fn, inputs: Tensor[], diffIdx: number[], outIdx: number[],
  outNumels: number[], eps: number): Block[][] {
  const jac = diffIdx.map((i) => outNumels.map((n) => block(inputs[i].numel(), n)));
  const evalOutputs = (): Float64Array[] => no_grad(() => {
    const outs = asList(fn(...inputs));
    return outIdx.map((k) => values(outs[k]));
  });
  diffIdx.forEach((inp, a) => {
    const data = inputs[inp]._storage.data;
    elementOffsets(inputs[inp]).forEach((off, row) => {
      const orig = data[off];
      data[off] = orig - eps;
      const minus = evalOutputs();
      data[off] = orig + eps;
      const plus = evalOutputs();
      data[off] = orig;
      outIdx.forEach((_, b) => {
        const blk = jac[a][b];
        for (let c = 0; c < blk.cols; c++) {
          blk.data[row * blk.cols + c] = (plus[b][c] - minus[b][c]) / (2 * eps);
        }
      });
    });
  });
  return jac;
}

/** Row by row (one output element at a time), the gradients backward gives. */
function analyticalJacobian(outputs: Tensor[], inputs: Tensor[], diffIdx: number[]): Block[][] {
  const diffInputs = diffIdx.map((i) => inputs[i]);
  const jac = diffIdx.map((i) => outputs.map((o) => block(inputs[i].numel(), o.numel())));
  outputs.forEach((o, b) => {
    const n = o.numel();
    for (let c = 0; c < n; c++) {
      const g = TensorClass._zeros(o._shape, o.dtype);
      g._storage.data[c] = 1;
      const grads = autogradGrad([o], diffInputs, {
        grad_outputs: [g], retain_graph: true, allow_unused: true,
      });
      grads.forEach((gr, a) => {
        if (gr === null) return;
        const inp = diffInputs[a];
        if (gr._shape.length !== inp._shape.length || gr._shape.some((s, d) => s !== inp._shape[d])) {
          throw new GradcheckError(`Gradient has incorrect size for input ${a}: expected ` +
            `[${inp._shape.join(', ')}], got [${gr._shape.join(', ')}]`);
        }
        const v = values(gr);
        const blk = jac[a][b];
        for (let r = 0; r < blk.rows; r++) blk.data[r * blk.cols + c] = v[r];
      });
    }
  });
  return jac;
}

function formatBlock(b: Block): string {
  const rows: string[] = [];
  for (let r = 0; r < b.rows; r++) {
    const row = Array.from(b.data.subarray(r * b.cols, (r + 1) * b.cols), (v) => v.toPrecision(6));
    rows.push(`[${row.join(', ')}]`);
  }
  return `tensor([${rows.join(',\n        ')}], dtype=torch.float64)`;
}

function allClose(a: Block, n: Block, atol: number, rtol: number): boolean {
  for (let k = 0; k < a.data.length; k++) {
    const x = a.data[k];
    const y = n.data[k];
    if (Number.isNaN(x) || Number.isNaN(y)) return false;
    if (!(Math.abs(x - y) <= atol + rtol * Math.abs(y))) return false;
  }
  return true;
}

/**
 * Checks the gradients backward computes for `fn` against central finite differences, with
 * torch.autograd.gradcheck's defaults (eps 1e-6, atol 1e-5, rtol 1e-3). Only inputs with
 * requires_grad are perturbed (use float64 inputs); only floating outputs that require grad are
 * checked. On a mismatch it throws a GradcheckError naming the output and input and printing
 * both Jacobians, or returns false when `raise_exception` is false.
 * @example
 * const x = torch.randn(3, { dtype: 'float64', requires_grad: true });
 * torch.autograd.gradcheck((t) => t.sin(), [x]); // true
 */
export function gradcheck(fn: Fn, inputs: Tensor[], opts: GradcheckOptions = {}): boolean {
  const eps = opts.eps ?? 1e-6;
  const atol = opts.atol ?? 1e-5;
  const rtol = opts.rtol ?? 1e-3;
  const raise = opts.raise_exception ?? true;
  const diffIdx = inputs.flatMap((t, i) => (t instanceof TensorClass && t.requires_grad ? [i] : []));
  if (diffIdx.length === 0) {
    throw new Error('gradcheck expects at least one input tensor to require gradient, ' +
      'but none of the them have requires_grad=True.');
  }
  const fail = (msg: string): boolean => {
    if (raise) throw new GradcheckError(msg);
    return false;
  };

  const outs = asList(fn(...inputs));
  const floatIdx = outs.flatMap((o, k) => (isFloatTensor(o) ? [k] : []));
  const diffOut = floatIdx.filter((k) => outs[k].requires_grad);

  if (diffOut.length === 0) {
    // Like PyTorch's _check_no_differentiable_outputs: finite differences must vanish.
    const numerical = numericalJacobian(fn, inputs, diffIdx, floatIdx,
      floatIdx.map((k) => outs[k].numel()), eps);
    for (const row of numerical) {
      for (const blk of row) {
        if (blk.data.some((v) => v !== 0)) return fail('Numerical gradient for function expected to be zero');
      }
    }
    return true;
  }

  const numerical = numericalJacobian(fn, inputs, diffIdx, diffOut, diffOut.map((k) => outs[k].numel()), eps);
  const analytical = analyticalJacobian(diffOut.map((k) => outs[k]), inputs, diffIdx);
  for (let a = 0; a < diffIdx.length; a++) {
    for (let b = 0; b < diffOut.length; b++) {
      const n = numerical[a][b];
      const an = analytical[a][b];
      if (!allClose(an, n, atol, rtol)) {
        return fail(`Jacobian mismatch for output ${b} with respect to input ${a},\n` +
          `numerical:${formatBlock(n)}\nanalytical:${formatBlock(an)}\n`);
      }
    }
  }
  return true;
}
