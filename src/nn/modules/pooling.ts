// Pooling modules (torch/nn/modules/pooling.py).
import { Tensor } from '../../tensor/tensor.js';
import { py } from '../../utils/python.js';
import { Module } from './module.js';
import * as F from '../functional.js';
import type { IntOrPair } from './conv.js';

export interface MaxPoolOptions {
  stride?: IntOrPair | null;
  padding?: IntOrPair;
  dilation?: IntOrPair;
  return_indices?: boolean;
  ceil_mode?: boolean;
}

/**
 * nn.MaxPool2d(kernel_size, stride=kernel_size, padding=0, dilation=1, return_indices=false,
 * ceil_mode=false)
 * @example new nn.MaxPool2d(2, 2) // MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
 */
export class MaxPool2d extends Module {
  kernel_size: IntOrPair;
  stride: IntOrPair;
  padding: IntOrPair;
  dilation: IntOrPair;
  return_indices: boolean;
  ceil_mode: boolean;

  constructor(kernel_size: IntOrPair, stride: IntOrPair | null | MaxPoolOptions = null, padding: IntOrPair = 0,
    dilation: IntOrPair = 1, return_indices = false, ceil_mode = false) {
    super();
    const o: MaxPoolOptions = stride !== null && typeof stride === 'object' && !Array.isArray(stride)
      ? (stride as MaxPoolOptions)
      : { stride: stride as IntOrPair | null, padding, dilation, return_indices, ceil_mode };
    this.kernel_size = kernel_size;
    this.stride = o.stride ?? kernel_size;
    this.padding = o.padding ?? 0;
    this.dilation = o.dilation ?? 1;
    this.return_indices = o.return_indices ?? false;
    this.ceil_mode = o.ceil_mode ?? false;
  }

  override forward(input: Tensor): Tensor {
    return F.max_pool2d(input, this.kernel_size, this.stride, this.padding, this.dilation, this.ceil_mode,
      this.return_indices) as Tensor;
  }

  override extra_repr(): string {
    return `kernel_size=${py(this.kernel_size)}, stride=${py(this.stride)}, padding=${py(this.padding)}, ` +
      `dilation=${py(this.dilation)}, ceil_mode=${py(this.ceil_mode)}`;
  }
}
