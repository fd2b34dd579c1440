// Flatten and Unflatten (torch/nn/modules/flatten.py).
import { Tensor } from '../../tensor/tensor.js';
import { check } from '../../utils/check.js';
import { py } from '../../utils/python.js';
import { Module } from './module.js';

/**
 * nn.Flatten(start_dim=1, end_dim=-1): flattens a contiguous range of dims into one.
 * @example new nn.Flatten().forward(torch.ones(2, 3, 4)).shape // [2, 12]
 */
export class Flatten extends Module {
  start_dim: number;
  end_dim: number;

  constructor(start_dim: number | { start_dim?: number; end_dim?: number } = 1, end_dim = -1) {
    super();
    const o = typeof start_dim === 'object' ? start_dim : { start_dim, end_dim };
    this.start_dim = o.start_dim ?? 1;
    this.end_dim = o.end_dim ?? -1;
  }

  override forward(input: Tensor): Tensor {
    return input.flatten(this.start_dim, this.end_dim);
  }

  override extra_repr(): string {
    return `start_dim=${this.start_dim}, end_dim=${this.end_dim}`;
  }
}

/**
 * nn.Unflatten(dim, unflattened_size): expands one dim into the given sizes (one may be -1).
 * @example new nn.Unflatten(1, [2, 3]).forward(torch.ones(4, 6)).shape // [4, 2, 3]
 */
export class Unflatten extends Module {
  dim: number;
  unflattened_size: number[];

  constructor(dim: number, unflattened_size: readonly number[]) {
    super();
    check(Array.isArray(unflattened_size), () =>
      `unflattened_size must be a tuple of ints, but found type ${typeof unflattened_size}`, TypeError);
    unflattened_size.forEach((e, i) => check(Number.isInteger(e), () =>
      `unflattened_size must be tuple of ints, but found element of type ${typeof e} at pos ${i}`,
      TypeError));
    this.dim = dim;
    this.unflattened_size = unflattened_size.slice();
  }

  override forward(input: Tensor): Tensor {
    return input.unflatten(this.dim, this.unflattened_size);
  }

  override extra_repr(): string {
    return `dim=${this.dim}, unflattened_size=${py(this.unflattened_size)}`;
  }
}
