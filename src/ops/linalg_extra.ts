// addmm: beta * input + alpha * (mat1 @ mat2) in one gemm (ATen/native/LinearAlgebra.cpp), the
// op behind nn.functional.linear for 2-D input with a bias (AddmmBackward0).
import { K } from '../backend/backend.js';
import { Tensor } from '../tensor/tensor.js';
import { fmtShape } from '../tensor/view.js';
import { check } from '../utils/check.js';
import { defineOp } from './define.js';
import { mm, mmMat1Backward, mmMat2Backward } from './linalg.js';
import { isExpandableTo, kv, kvAs, storeKind } from './util.js';

const addmmOp = defineOp({
  name: 'AddmmBackward0',
  forward(ctx, input: Tensor, m1: Tensor, m2: Tensor, beta: number, alpha: number) {
    Object.assign(ctx, { beta, alpha });
    ctx.save_for_backward(m1, m2);
    const [n, k] = m1._shape;
    const p = m2._shape[1];
    // With beta != 0 the copy of input writes every element before gemm accumulates.
    const out = beta !== 0 ? Tensor._uninit([n, p], m1.dtype) : Tensor._empty([n, p], m1.dtype);
    const od = out._storage.data;
    // beta == 0 ignores input entirely (NaN in it does not propagate), as PyTorch documents.
    if (beta !== 0) {
      K().copy(kvAs(input, [n, p]), kv(out), storeKind(out.dtype));
      if (beta !== 1) for (let i = 0; i < od.length; i++) od[i] *= beta;
    }
    if (alpha === 1) {
      K().gemm(1, n, p, k, m1._storage.data, m1._offset, 0, m1._strides[0], m1._strides[1],
        m2._storage.data, m2._offset, 0, m2._strides[0], m2._strides[1], od, 0, true);
      return out;
    }
    const prod = Tensor._uninit([n, p], m1.dtype);
    const pd = prod._storage.data;
    K().gemm(1, n, p, k, m1._storage.data, m1._offset, 0, m1._strides[0], m1._strides[1],
      m2._storage.data, m2._offset, 0, m2._strides[0], m2._strides[1], pd, 0, false);
    for (let i = 0; i < od.length; i++) od[i] += alpha * pd[i];
    return out;
  },
  backward(ctx, g) {
    const [m1, m2] = ctx.saved_tensors;
    const beta = ctx.beta as number;
    const alpha = ctx.alpha as number;
    const need = ctx.needs_input_grad;
    const scaled = (t: Tensor, s: number): Tensor => (s === 1 ? t : t.mul(s));
    return [
      need[0] ? scaled(g, beta) : null,
      need[1] ? scaled(mmMat1Backward(g, m1, m2), alpha) : null,
      need[2] ? scaled(mmMat2Backward(g, m1, m2), alpha) : null,
    ];
  },
});

function typeName(t: Tensor): string {
  return { float32: 'float', float64: 'double', int32: 'int', int64: 'long int', bool: 'bool' }[t.dtype.name];
}

/**
 * torch.addmm(input, mat1, mat2, { beta = 1, alpha = 1 }): beta * input + alpha * (mat1 @ mat2),
 * with input broadcast to [n, p].
 * @example torch.addmm(torch.zeros(3), torch.ones(2, 4), torch.ones(4, 3)) // 2x3 of 4s
 */
export function addmm(input: Tensor, mat1: Tensor, mat2: Tensor,
  opts: { beta?: number; alpha?: number } = {}): Tensor {
  check(mat1.dim() === 2, () => `mat1 must be a matrix, got ${mat1.dim()}-D tensor`);
  check(mat2.dim() === 2, () => `mat2 must be a matrix, got ${mat2.dim()}-D tensor`);
  const [n, k] = mat1._shape;
  const [k2, p] = mat2._shape;
  check(k === k2, () => `mat1 and mat2 shapes cannot be multiplied (${n}x${k} and ${k2}x${p})`);
  check(mat1.dtype === mat2.dtype, () =>
    `expected mat1 and mat2 to have the same dtype, but got: ${typeName(mat1)} != ${typeName(mat2)}`);
  check(input.dtype === mat1.dtype, () =>
    `self and mat2 must have the same dtype, but got ${typeName(input)} and ${typeName(mat2)}`);
  check(isExpandableTo(input._shape, [n, p]), () => {
    const i = input._shape.length - 1 - [...input._shape].reverse().findIndex((s, j) => s !== 1 &&
      s !== [n, p][1 - j]);
    const dim = i + (2 - input._shape.length);
    return `The expanded size of the tensor (${[n, p][dim]}) must match the existing size ` +
      `(${input._shape[i]}) at non-singleton dimension ${dim}.  Target sizes: [${n}, ${p}].  ` +
      `Tensor sizes: ${fmtShape(input._shape)}`;
  });
  return addmmOp(input, mat1, mat2, opts.beta ?? 1, opts.alpha ?? 1);
}
