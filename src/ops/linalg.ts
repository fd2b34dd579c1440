// Matrix products: matmul, mm, bmm, mv, dot (ATen/native/LinearAlgebra.cpp).
import { K } from '../backend/backend.js';
import { resultType } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { broadcastShapes } from '../tensor/view.js';
import { check } from '../utils/check.js';
import { defineOp } from './define.js';
import { _squeeze_inplace_dim, _unsafe_view } from './shape.js';

function checkFloatSame(a: Tensor, b: Tensor, what: string): void {
  check(a.dtype === b.dtype, () =>
    `expected ${what} to have the same dtype, but got: ${legacy(a)} != ${legacy(b)}`);
}

function legacy(t: Tensor): string {
  return { float32: 'float', float64: 'double', int32: 'int', int64: 'long int', bool: 'bool' }[t.dtype.name];
}

/** Batched product of 3-D strided tensors [B, M, K] @ [B, K, N] into a new [B, M, N]. */
function bmmKernel(a: Tensor, b: Tensor): Tensor {
  const [B, M, Kd] = a._shape;
  const N = b._shape[2];
  // gemm without accumulate writes every element of C (zeros when the inner dim is empty).
  const out = Tensor._uninit([B, M, N], resultType([a, b]));
  K().gemm(B, M, N, Kd,
    a._storage.data, a._offset, a._strides[0], a._strides[1], a._strides[2],
    b._storage.data, b._offset, b._strides[0], b._strides[1], b._strides[2],
    out._storage.data, 0, false);
  return out;
}

const mmImpl = defineOp({
  name: 'MmBackward0',
  forward(ctx, a: Tensor, b: Tensor) {
    ctx.save_for_backward(a, b);
    const a3 = a._view([1, ...a._shape], [0, ...a._strides], a._offset);
    const b3 = b._view([1, ...b._shape], [0, ...b._strides], b._offset);
    const out = bmmKernel(a3, b3);
    return out._view([a._shape[0], b._shape[1]], [b._shape[1], 1], 0);
  },
  backward(ctx, g) {
    const [a, b] = ctx.saved_tensors;
    return [
      ctx.needs_input_grad[0] ? mmMat1Backward(g, a, b) : null,
      ctx.needs_input_grad[1] ? mmMat2Backward(g, a, b) : null,
    ];
  },
});

/** Whether a 2-D tensor is a column-major (transposed contiguous) layout. */
function columnMajor(t: Tensor): boolean {
  return t._strides[0] === 1 && t._strides[1] === t._shape[0];
}

/**
 * Gradient of mat1 in mat1 @ mat2. As FunctionsManual.cpp mm_mat1_backward does, a column-major
 * mat1 gets its gradient computed already in that layout, so accumulating it needs no copy.
 */
export function mmMat1Backward(g: Tensor, mat1: Tensor, mat2: Tensor): Tensor {
  return columnMajor(mat1) ? mm(mat2, g.t()).t() : mm(g, mat2.t());
}

/**
 * Gradient of mat2 in mat1 @ mat2 (FunctionsManual.cpp mm_mat2_backward): for a transposed
 * weight like linear's W.t(), (g^T @ mat1)^T already has W's own layout.
 */
export function mmMat2Backward(g: Tensor, mat1: Tensor, mat2: Tensor): Tensor {
  return columnMajor(mat2) ? mm(g.t(), mat1).t() : mm(mat1.t(), g);
}

/**
 * torch.mm(input, mat2): [n, m] @ [m, p] -> [n, p].
 * @example torch.mm(torch.ones(2, 3), torch.ones(3, 4)).shape // torch.Size([2, 4])
 */
export function mm(a: Tensor, b: Tensor): Tensor {
  check(a.dim() === 2, () => 'self must be a matrix');
  check(b.dim() === 2, () => 'mat2 must be a matrix');
  check(a._shape[1] === b._shape[0], () =>
    `mat1 and mat2 shapes cannot be multiplied (${a._shape[0]}x${a._shape[1]} and ` +
    `${b._shape[0]}x${b._shape[1]})`);
  checkFloatSame(a, b, 'mat1 and mat2');
  return mmImpl(a, b);
}

const bmmImpl = defineOp({
  name: 'BmmBackward0',
  forward(ctx, a: Tensor, b: Tensor) {
    ctx.save_for_backward(a, b);
    return bmmKernel(a, b);
  },
  backward(ctx, g) {
    const [a, b] = ctx.saved_tensors;
    return [
      ctx.needs_input_grad[0] ? bmm(g, b.transpose(1, 2)) : null,
      ctx.needs_input_grad[1] ? bmm(a.transpose(1, 2), g) : null,
    ];
  },
});

/** torch.bmm(input, mat2): [b, n, m] @ [b, m, p] -> [b, n, p]. */
export function bmm(a: Tensor, b: Tensor): Tensor {
  check(a.dim() === 3, () => 'batch1 must be a 3D tensor');
  check(b.dim() === 3, () => 'batch2 must be a 3D tensor');
  check(a._shape[0] === b._shape[0], () =>
    `Expected size for first two dimensions of batch2 tensor to be: [${a._shape[0]}, ${a._shape[2]}] ` +
    `but got: [${b._shape[0]}, ${b._shape[1]}].`);
  check(a._shape[2] === b._shape[1], () =>
    `Expected size for first two dimensions of batch2 tensor to be: [${a._shape[0]}, ${a._shape[2]}] ` +
    `but got: [${b._shape[0]}, ${b._shape[1]}].`);
  checkFloatSame(a, b, 'scalar type');
  return bmmImpl(a, b);
}

const dotImpl = defineOp({
  name: 'DotBackward0',
  forward(ctx, a: Tensor, b: Tensor) {
    ctx.save_for_backward(a, b);
    const n = a._shape[0];
    const out = bmmKernel(a._view([1, 1, n], [0, 0, a._strides[0]], a._offset),
      b._view([1, n, 1], [0, b._strides[0], 0], b._offset));
    return out._view([], [], 0);
  },
  backward(ctx, g) {
    const [a, b] = ctx.saved_tensors;
    return [g.mul(b), g.mul(a)];
  },
});

/** torch.dot(input, other): inner product of two 1-D tensors. */
export function dot(a: Tensor, b: Tensor): Tensor {
  check(a.dim() === 1 && b.dim() === 1, () =>
    `1D tensors expected, but got ${a.dim()}D and ${b.dim()}D tensors`);
  check(a._shape[0] === b._shape[0], () =>
    `inconsistent tensor size, expected tensor [${a._shape[0]}] and src [${b._shape[0]}] to have the ` +
    'same number of elements, but got ' + `${a._shape[0]} and ${b._shape[0]} elements respectively`);
  checkFloatSame(a, b, 'both vectors');
  return dotImpl(a, b);
}

const mvImpl = defineOp({
  name: 'MvBackward0',
  forward(ctx, a: Tensor, v: Tensor) {
    ctx.save_for_backward(a, v);
    const M = a._shape[0];
    const Kd = a._shape[1];
    const out = bmmKernel(a._view([1, M, Kd], [0, ...a._strides], a._offset),
      v._view([1, Kd, 1], [0, v._strides[0], 0], v._offset));
    return out._view([M], [1], 0);
  },
  backward(ctx, g) {
    const [a, v] = ctx.saved_tensors;
    return [g.unsqueeze(1).mul(v.unsqueeze(0)), a.t().mv(g)];
  },
});

/** torch.mv(input, vec): [n, m] @ [m] -> [n]. */
export function mv(a: Tensor, v: Tensor): Tensor {
  check(a.dim() === 2 && v.dim() === 1, () =>
    `vector + matrix @ vector expected, got ${a.dim()}, ${v.dim()}, ${v.dim()}`);
  check(a._shape[1] === v._shape[0], () =>
    `size mismatch, got input (${a._shape[0]}), mat (${a._shape[0]}x${a._shape[1]}), vec (${v._shape[0]})`);
  checkFloatSame(a, v, 'mat and vec');
  return mvImpl(a, v);
}

/** PyTorch's should_fold: fold the larger operand into a matrix and use mm/mv, not bmm. */
function shouldFold(a: Tensor, b: Tensor): boolean {
  const aLarger = a.dim() >= b.dim();
  const t1 = aLarger ? a : b.mT;
  const dimT1 = t1.dim();
  const dimT2 = aLarger ? b.dim() : a.dim();
  if (!(dimT1 >= 3 && dimT2 <= 2)) return false;
  // Folding copies t1 when the smaller operand requires grad, to keep its gradient small.
  if ((aLarger ? b : a).requires_grad) return true;
  if (t1.numel() === 0) return true;
  for (let i = 0; i < dimT1 - 2; i++) {
    if (t1._strides[i] !== t1._strides[i + 1] * t1._shape[i + 1]) return false;
  }
  return true;
}

function foldedMatmul(a: Tensor, b: Tensor): Tensor {
  const transpose = b.dim() > a.dim();
  const t1 = transpose ? b.mT : a;
  const t2 = !transpose ? b : a.dim() === 2 ? a.t() : a;
  const outShape = t1._shape.slice(0, -1);
  if (t2.dim() > 1) outShape.push(t2._shape[1]);
  const k = t1._shape[t1.dim() - 1];
  check(k === t2._shape[0], () =>
    `mat1 and mat2 shapes cannot be multiplied (${t1.numel() / Math.max(k, 1)}x${k} and ` +
    `${t2._shape[0]}x${t2._shape[1] ?? 1})`);
  const t1f = t1.reshape(-1, k);
  const out = _unsafe_view(t2.dim() === 2 ? mm(t1f, t2) : mv(t1f, t2), outShape);
  return transpose && t2.dim() === 2 ? out.mT.contiguous() : out;
}

function batchedMatmul(a: Tensor, b: Tensor): Tensor {
  const da = a.dim();
  const db = b.dim();
  const n = da > 1 ? a._shape[da - 2] : 1;
  const m1 = a._shape[da - 1];
  const m2 = db > 1 ? b._shape[db - 2] : b._shape[0];
  const p = db > 1 ? b._shape[db - 1] : 1;
  const batch = broadcastShapes(a._shape.slice(0, Math.max(da - 2, 0)), b._shape.slice(0, Math.max(db - 2, 0)));
  const bp = batch.reduce((x, y) => x * y, 1);
  check(m1 === m2, () =>
    `Expected size for first two dimensions of batch2 tensor to be: [${bp}, ${m1}] but got: [${bp}, ${m2}].`);
  const ae = a.expand([...batch, n, m1]).reshape(bp, n, m1);
  const b2 = db === 1 ? b.unsqueeze(-1) : b;
  const be = b2.expand([...batch, m2, p]).reshape(bp, m2, p);
  const outShape = [...batch];
  if (da > 1) outShape.push(n);
  if (db > 1) outShape.push(p);
  return _unsafe_view(bmm(ae, be), outShape);
}

/**
 * torch.matmul(input, other): PyTorch's dimension rules, batch dims broadcast, with ATen's
 * choice of dot / mv / mm / folded mm / bmm (and so its grad_fn names).
 * @example torch.matmul(torch.ones(5, 2, 3), torch.ones(3, 4)).shape // torch.Size([5, 2, 4])
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  const da = a.dim();
  const db = b.dim();
  check(da > 0 && db > 0, () =>
    `both arguments to matmul need to be at least 1D, but they are ${da}D and ${db}D`);
  if (da === 1 && db === 1) return dot(a, b);
  if (da === 2 && db === 1) return mv(a, b);
  if (da === 1 && db === 2) return _squeeze_inplace_dim(mm(a.unsqueeze(0), b), 0);
  if (da === 2 && db === 2) return mm(a, b);
  if (shouldFold(a, b)) return foldedMatmul(a, b);
  return batchedMatmul(a, b);
}
