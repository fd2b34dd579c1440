// torch.bilinear (ATen/native/Linear.cpp: bilinear): y = x1^T A x2 + b, composed from other ops
// as PyTorch composes it (so its grad_fn is the bias add, or the final reshape without a bias).
import { Tensor } from '../tensor/tensor.js';
import { check } from '../utils/check.js';

/**
 * torch.nn.functional.bilinear(input1, input2, weight, bias=None): input1 [..., in1],
 * input2 [..., in2], weight [out, in1, in2], bias [out] -> [..., out].
 * @example bilinear(torch.ones(4, 3), torch.ones(4, 2), torch.ones(5, 3, 2)).shape // [4, 5]
 */
export function bilinear(input1: Tensor, input2: Tensor, weight: Tensor,
  bias: Tensor | null | { bias?: Tensor | null } = null): Tensor {
  const b = bias instanceof Tensor || bias === null ? bias : bias.bias ?? null;
  const nd = input1.dim();
  check(nd === input2.dim(), () =>
    `bilinear(): input dimensions do not match: got ${nd} and ${input2.dim()}`);
  for (let i = 0; i < nd - 1; i++) {
    check(input1.shape[i] === input2.shape[i], () =>
      `bilinear(): input batch dimensions do not match: got ${input1.shape[i]} and ${input2.shape[i]}`);
  }
  const [O, I, J] = weight.shape;
  check(input1.shape[nd - 1] === I, () =>
    `bilinear(): input1 size does not match weight size: got ${input1.shape[nd - 1]} but expected ${I}`);
  check(input2.shape[nd - 1] === J, () =>
    `bilinear(): input2 size does not match weight size: got ${input2.shape[nd - 1]} but expected ${J}`);
  check(b === null || b.shape[0] === O, () =>
    `bilinear(): bias size does not match weight size: got ${b!.shape[0]} but expected ${O}`);
  const x1 = input1.reshape(-1, I);
  const x2 = input2.reshape(-1, J);
  // (x1 @ A_o) . x2 for every o at once: x1 [N, I] @ A viewed as [I, O*J], then a product with x2.
  const t = x1.matmul(weight.permute(1, 0, 2).reshape(I, O * J)).view(-1, O, J);
  const out = t.mul(x2.unsqueeze(1)).sum(-1).reshape([...input1.shape.slice(0, -1), O]);
  return b === null ? out : out.add(b);
}
