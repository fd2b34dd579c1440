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
 * Positional constructor arguments (named by `names`) merged with a trailing options object, so
 * `new MaxPool2d(3, 2, { ceil_mode: true })` works like Python's keywords.
 */
export function ctorOptions<O>(names: readonly string[], args: unknown[]): O {
  const o: Record<string, unknown> = {};
  args.forEach((v, i) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) Object.assign(o, v);
    else if (v !== undefined) o[names[i]] = v;
  });
  return o as O;
}

type MaxPoolArg = IntOrPair | boolean | null | MaxPoolOptions | undefined;

/** The constructor arguments and repr shared by MaxPool1d/2d (PyTorch's _MaxPoolNd). */
export abstract class _MaxPoolNd extends Module {
  kernel_size: IntOrPair;
  stride: IntOrPair;
  padding: IntOrPair;
  dilation: IntOrPair;
  return_indices: boolean;
  ceil_mode: boolean;

  constructor(kernel_size: IntOrPair | (MaxPoolOptions & { kernel_size: IntOrPair }), ...args: MaxPoolArg[]) {
    super();
    const o = ctorOptions<MaxPoolOptions & { kernel_size: IntOrPair }>(
      ['kernel_size', 'stride', 'padding', 'dilation', 'return_indices', 'ceil_mode'],
      [kernel_size, ...args]);
    this.kernel_size = o.kernel_size;
    this.stride = o.stride ?? o.kernel_size;
    this.padding = o.padding ?? 0;
    this.dilation = o.dilation ?? 1;
    this.return_indices = o.return_indices ?? false;
    this.ceil_mode = o.ceil_mode ?? false;
  }

  override extra_repr(): string {
    return `kernel_size=${py(this.kernel_size)}, stride=${py(this.stride)}, padding=${py(this.padding)}, ` +
      `dilation=${py(this.dilation)}, ceil_mode=${py(this.ceil_mode)}`;
  }
}

/**
 * nn.MaxPool2d(kernel_size, stride=kernel_size, padding=0, dilation=1, return_indices=false,
 * ceil_mode=false); with return_indices, forward returns [output, indices].
 * @example
 * new nn.MaxPool2d(2, 2) // MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
 */
export class MaxPool2d extends _MaxPoolNd {
  override forward(input: Tensor): Tensor {
    return F.max_pool2d(input, this.kernel_size, this.stride, this.padding, this.dilation, this.ceil_mode,
      this.return_indices) as Tensor;
  }
}

/**
 * nn.MaxPool1d(kernel_size, stride=kernel_size, padding=0, dilation=1, return_indices=false,
 * ceil_mode=false); with return_indices, forward returns [output, indices].
 * @example
 * new nn.MaxPool1d(3, 2) // MaxPool1d(kernel_size=3, stride=2, padding=0, dilation=1, ceil_mode=False)
 */
export class MaxPool1d extends _MaxPoolNd {
  override forward(input: Tensor): Tensor {
    return F.max_pool1d(input, this.kernel_size, this.stride, this.padding, this.dilation, this.ceil_mode,
      this.return_indices) as Tensor;
  }
}

export type AdaptiveOutputSize = number | readonly (number | null)[];

/** The constructor arguments shared by the adaptive max pools. */
abstract class _AdaptiveMaxPoolNd extends Module {
  output_size: AdaptiveOutputSize;
  return_indices: boolean;

  constructor(output_size: AdaptiveOutputSize | { output_size: AdaptiveOutputSize; return_indices?: boolean },
    return_indices: boolean | { return_indices?: boolean } = false) {
    super();
    const opts = typeof output_size === 'object' && !Array.isArray(output_size)
      ? (output_size as { output_size: AdaptiveOutputSize; return_indices?: boolean }) : null;
    this.output_size = opts ? opts.output_size : (output_size as AdaptiveOutputSize);
    const ri = typeof return_indices === 'object' ? return_indices.return_indices : return_indices;
    this.return_indices = opts?.return_indices ?? ri ?? false;
  }

  override extra_repr(): string {
    return `output_size=${py(this.output_size)}`;
  }
}

/**
 * nn.AdaptiveMaxPool1d(output_size, return_indices=false)
 * @example new nn.AdaptiveMaxPool1d(4) // AdaptiveMaxPool1d(output_size=4)
 */
export class AdaptiveMaxPool1d extends _AdaptiveMaxPoolNd {
  override forward(input: Tensor): Tensor {
    return F.adaptive_max_pool1d(input, this.output_size, this.return_indices) as Tensor;
  }
}

/**
 * nn.AdaptiveMaxPool2d(output_size, return_indices=false); a null entry keeps the input's size.
 * @example new nn.AdaptiveMaxPool2d([null, 3]) // AdaptiveMaxPool2d(output_size=(None, 3))
 */
export class AdaptiveMaxPool2d extends _AdaptiveMaxPoolNd {
  override forward(input: Tensor): Tensor {
    return F.adaptive_max_pool2d(input, this.output_size, this.return_indices) as Tensor;
  }
}
