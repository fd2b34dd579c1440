// nn.Parameter: a Tensor that a Module registers as a learnable parameter
// (torch/nn/parameter.py).
import { Tensor } from '../tensor/tensor.js';
import { get_default_dtype } from '../tensor/dtype.js';
import { formatParameter } from '../tensor/print.js';
import { check } from '../utils/check.js';

/**
 * A tensor that, assigned to a Module attribute, is registered in its `_parameters`.
 * It shares storage (and version counter) with the tensor it is built from, like PyTorch's
 * `Tensor._make_subclass(cls, data.detach(), requires_grad)`; `.data` is a plain Tensor over the
 * same memory that does not require grad, and the gradient lives on the Parameter itself.
 * @example
 * const w = new nn.Parameter(torch.ones(2, 2));
 * w.requires_grad        // true
 * w.data.requires_grad   // false
 * String(w)  // 'Parameter containing:\ntensor([[1., 1.],\n        [1., 1.]], requires_grad=True)'
 */
export class Parameter extends Tensor {
  constructor(data: Tensor | null = null, requires_grad: boolean | { requires_grad?: boolean } = true) {
    const src = data ?? Tensor._empty([0], get_default_dtype());
    super(src._storage, src._shape, src._strides, src._offset);
    this._version = src._version;
    const flag = typeof requires_grad === 'object' ? requires_grad.requires_grad ?? true : requires_grad;
    check(
      !flag || src.dtype.is_floating_point,
      () => 'Only Tensors of floating point and complex dtype can require gradients',
    );
    this._requires_grad = flag;
  }

  /** PyTorch's repr: `Parameter containing:` then the tensor's text. */
  override toString(): string {
    return formatParameter(this._printable());
  }
}

/**
 * True when `x` is an nn.Parameter.
 * @example is_parameter(new nn.Parameter(torch.zeros(1))) // true
 */
export function is_parameter(x: unknown): x is Parameter {
  return x instanceof Parameter;
}
