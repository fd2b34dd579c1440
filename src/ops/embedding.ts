// torch.embedding and its backward (ATen/native/Embedding.cpp: embedding,
// embedding_dense_backward): a row lookup recorded as one EmbeddingBackward0 node.
import { no_grad } from '../autograd/grad_mode.js';
import { Tensor } from '../tensor/tensor.js';
import { check } from '../utils/check.js';
import { advancedIndexPut, index_select } from './advanced_index.js';
import { defineOp } from './define.js';

/**
 * The weight gradient: rows of `grad` summed into the looked-up rows, none into padding_idx,
 * each divided by how often its index occurs when scale_grad_by_freq (embedding_dense_backward).
 */
function embeddingDenseBackward(grad: Tensor, indices: Tensor, numWeights: number, paddingIdx: number,
  scaleGradByFreq: boolean): Tensor {
  const flat = indices.reshape(-1);
  const D = grad._shape[grad.dim() - 1];
  let rows = grad.reshape([-1, D]);
  if (paddingIdx >= 0) rows = rows.mul(flat.ne(paddingIdx).unsqueeze(1).to(rows.dtype));
  if (scaleGradByFreq) {
    const ones = Tensor._zeros([flat.numel()], rows.dtype).add(1);
    const counts = advancedIndexPut(Tensor._zeros([numWeights], rows.dtype), [flat], ones, true);
    rows = rows.div(index_select(counts, 0, flat).unsqueeze(1));
  }
  return advancedIndexPut(Tensor._zeros([numWeights, D], grad.dtype), [flat, null], rows, true);
}

const embeddingOp = defineOp({
  name: 'EmbeddingBackward0',
  inputs: [0],
  forward(ctx, weight: Tensor, indices: Tensor, paddingIdx: number, scaleGradByFreq: boolean) {
    Object.assign(ctx, { numWeights: weight._shape[0], paddingIdx, scaleGradByFreq });
    ctx.save_for_backward(indices);
    return no_grad(() => {
      const rows = index_select(weight, 0, indices.reshape(-1));
      return indices.dim() === 1 ? rows : rows.reshape([...indices._shape, ...weight._shape.slice(1)]);
    });
  },
  backward(ctx, g) {
    const [indices] = ctx.saved_tensors;
    return [embeddingDenseBackward(g, indices, ctx.numWeights as number, ctx.paddingIdx as number,
      ctx.scaleGradByFreq as boolean)];
  },
});

/**
 * torch.embedding(weight, indices, padding_idx=-1, scale_grad_by_freq=false, sparse=false):
 * weight[indices] with shape indices.shape + [embedding_dim]; padding_idx rows get no gradient.
 * @example torch.embedding(torch.eye(3), torch.tensor([2, 0])) // tensor([[0., 0., 1.], [1., 0., 0.]])
 */
export function embedding(weight: Tensor, indices: Tensor, padding_idx = -1, scale_grad_by_freq = false,
  sparse = false): Tensor {
  check(weight.dim() === 2, () => "'weight' must be 2-D");
  const idt = indices.dtype.name;
  check(idt === 'int64' || idt === 'int32', () =>
    "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; " +
    `but got ${indices.type()} instead (while checking arguments for embedding)`);
  check(!sparse, () => 'embedding: sparse gradients are not supported in tstorch');
  return embeddingOp(weight, indices, padding_idx, scale_grad_by_freq);
}
