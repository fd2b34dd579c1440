// Average pooling modules (torch/nn/modules/pooling.py): AvgPool2d, AdaptiveAvgPool2d.
import { Tensor } from '../../tensor/tensor.js';
import { py } from '../../utils/python.js';
import { Module } from './module.js';
import * as F from '../functional.js';
import type { IntOrPair } from './conv.js';
import { ctorOptions, type AdaptiveOutputSize } from './pooling.js';
import { isOpts } from '../../utils/kwargs.js';

export interface AvgPoolModuleOptions {
  stride?: IntOrPair | null;
  padding?: IntOrPair;
  ceil_mode?: boolean;
  count_include_pad?: boolean;
  divisor_override?: number | null;
}

/**
 * nn.AvgPool2d(kernel_size, stride=kernel_size, padding=0, ceil_mode=false, count_include_pad=true,
 * divisor_override=null)
 * @example new nn.AvgPool2d(2) // AvgPool2d(kernel_size=2, stride=2, padding=0)
 */
export class AvgPool2d extends Module {
  kernel_size: IntOrPair;
  stride: IntOrPair;
  padding: IntOrPair;
  ceil_mode: boolean;
  count_include_pad: boolean;
  divisor_override: number | null;

  constructor(kernel_size: IntOrPair | (AvgPoolModuleOptions & { kernel_size: IntOrPair }),
    ...args: (IntOrPair | boolean | null | AvgPoolModuleOptions)[]) {
    super();
    const o = ctorOptions<AvgPoolModuleOptions & { kernel_size: IntOrPair }>(
      ['kernel_size', 'stride', 'padding', 'ceil_mode', 'count_include_pad', 'divisor_override'],
      [kernel_size, ...args]);
    this.kernel_size = o.kernel_size;
    this.stride = o.stride ?? o.kernel_size;
    this.padding = o.padding ?? 0;
    this.ceil_mode = o.ceil_mode ?? false;
    this.count_include_pad = o.count_include_pad ?? true;
    this.divisor_override = o.divisor_override ?? null;
  }

  override forward(input: Tensor): Tensor {
    return F.avg_pool2d(input, this.kernel_size, this.stride, this.padding, this.ceil_mode,
      this.count_include_pad, this.divisor_override);
  }

  override extra_repr(): string {
    return `kernel_size=${py(this.kernel_size)}, stride=${py(this.stride)}, padding=${py(this.padding)}`;
  }
}

/** The constructor argument shared by the adaptive average pools (torch's _AdaptiveAvgPoolNd). */
abstract class _AdaptiveAvgPoolNd extends Module {
  output_size: AdaptiveOutputSize;

  constructor(output_size: AdaptiveOutputSize | { output_size: AdaptiveOutputSize }) {
    super();
    this.output_size = isOpts(output_size) ? output_size.output_size : (output_size as AdaptiveOutputSize);
  }

  override extra_repr(): string {
    return `output_size=${py(this.output_size)}`;
  }
}

/**
 * nn.AdaptiveAvgPool2d(output_size): average pooling to a fixed output size (null keeps the input's).
 * @example new nn.AdaptiveAvgPool2d([null, 3]) // AdaptiveAvgPool2d(output_size=(None, 3))
 */
export class AdaptiveAvgPool2d extends _AdaptiveAvgPoolNd {
  override forward(input: Tensor): Tensor {
    return F.adaptive_avg_pool2d(input, this.output_size);
  }
}

export interface AvgPool1dModuleOptions {
  stride?: IntOrPair | null;
  padding?: IntOrPair;
  ceil_mode?: boolean;
  count_include_pad?: boolean;
}

/** _single of torch/nn/modules/utils.py: an int becomes a 1-tuple. */
function single(v: IntOrPair): readonly number[] {
  return typeof v === 'number' ? [v] : v;
}

/**
 * nn.AvgPool1d(kernel_size, stride=kernel_size, padding=0, ceil_mode=false, count_include_pad=true);
 * it keeps its sizes as 1-tuples, as PyTorch does.
 * @example new nn.AvgPool1d(3) // AvgPool1d(kernel_size=(3,), stride=(3,), padding=(0,))
 */
export class AvgPool1d extends Module {
  kernel_size: readonly number[];
  stride: readonly number[];
  padding: readonly number[];
  ceil_mode: boolean;
  count_include_pad: boolean;

  constructor(kernel_size: IntOrPair | (AvgPool1dModuleOptions & { kernel_size: IntOrPair }),
    ...args: (IntOrPair | boolean | null | AvgPool1dModuleOptions)[]) {
    super();
    const o = ctorOptions<AvgPool1dModuleOptions & { kernel_size: IntOrPair }>(
      ['kernel_size', 'stride', 'padding', 'ceil_mode', 'count_include_pad'], [kernel_size, ...args]);
    this.kernel_size = single(o.kernel_size);
    this.stride = single(o.stride ?? o.kernel_size);
    this.padding = single(o.padding ?? 0);
    this.ceil_mode = o.ceil_mode ?? false;
    this.count_include_pad = o.count_include_pad ?? true;
  }

  override forward(input: Tensor): Tensor {
    return F.avg_pool1d(input, this.kernel_size, this.stride, this.padding, this.ceil_mode,
      this.count_include_pad);
  }

  override extra_repr(): string {
    return `kernel_size=${py(this.kernel_size)}, stride=${py(this.stride)}, padding=${py(this.padding)}`;
  }
}

/**
 * nn.AdaptiveAvgPool1d(output_size)
 * @example new nn.AdaptiveAvgPool1d(5) // AdaptiveAvgPool1d(output_size=5)
 */
export class AdaptiveAvgPool1d extends _AdaptiveAvgPoolNd {
  override forward(input: Tensor): Tensor {
    return F.adaptive_avg_pool1d(input, this.output_size);
  }
}
