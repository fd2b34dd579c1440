// Wrapping JS scalars as tensors where an op needs a tensor operand (PyTorch's wrapped numbers).
import { type DType, resultType } from '../tensor/dtype.js';
import { Tensor, type TensorOrScalar } from '../tensor/tensor.js';
import { castScalar } from './util.js';

/** A 0-dim tensor holding v as dtype d. */
export function scalarTensor(v: number | boolean, d: DType): Tensor {
  const t = Tensor._empty([], d);
  t._storage.data[0] = castScalar(v, d);
  return t;
}

/** `other` as a tensor, a scalar taking the dtype it would promote to against `like`. */
export function toTensorLike(other: TensorOrScalar, like: Tensor): Tensor {
  if (other instanceof Tensor) return other;
  return scalarTensor(other, resultType([like, other]));
}
