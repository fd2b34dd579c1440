// Convolution modules (torch/nn/modules/conv.py): _ConvNd and Conv2d.
import { Tensor } from '../../tensor/tensor.js';
import { empty } from '../../tensor/factories.js';
import { check } from '../../utils/check.js';
import { py } from '../../utils/python.js';
import { Module } from './module.js';
import { Parameter } from '../parameter.js';
import * as F from '../functional.js';
import * as init from '../init.js';
import type { FactoryKwargs } from './linear.js';

export type IntOrPair = number | readonly number[];
export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

export interface Conv2dOptions extends FactoryKwargs {
  stride?: IntOrPair;
  padding?: IntOrPair | 'same' | 'valid';
  dilation?: IntOrPair;
  groups?: number;
  bias?: boolean;
  padding_mode?: PaddingMode;
}

/** Python's _pair / _ntuple: an int repeated n times, or the given tuple. */
export function ntuple(v: IntOrPair, n: number): number[] {
  return typeof v === 'number' ? new Array<number>(n).fill(v) : v.slice();
}

/** The shared base of the convolution modules. */
export abstract class _ConvNd extends Module {
  in_channels: number;
  out_channels: number;
  kernel_size: number[];
  stride: number[];
  padding: number[] | 'same' | 'valid';
  dilation: number[];
  transposed: boolean;
  output_padding: number[];
  groups: number;
  padding_mode: PaddingMode;
  declare weight: Parameter;
  declare bias: Parameter | null;

  constructor(nd: number, in_channels: number, out_channels: number, kernel_size: IntOrPair, o: Conv2dOptions) {
    super();
    const groups = o.groups ?? 1;
    check(groups > 0, () => 'groups must be a positive integer');
    check(in_channels % groups === 0, () => 'in_channels must be divisible by groups');
    check(out_channels % groups === 0, () => 'out_channels must be divisible by groups');
    const pad = o.padding ?? 0;
    if (typeof pad === 'string') {
      check(pad === 'same' || pad === 'valid', () =>
        `Invalid padding string '${pad}', should be one of ['valid', 'same']`);
      check(pad !== 'same' || ntuple(o.stride ?? 1, nd).every((s) => s === 1), () =>
        "padding='same' is not supported for strided convolutions");
    }
    this.in_channels = in_channels;
    this.out_channels = out_channels;
    this.kernel_size = ntuple(kernel_size, nd);
    this.stride = ntuple(o.stride ?? 1, nd);
    this.padding = typeof pad === 'string' ? pad : ntuple(pad, nd);
    this.dilation = ntuple(o.dilation ?? 1, nd);
    this.transposed = false;
    this.output_padding = new Array<number>(nd).fill(0);
    this.groups = groups;
    this.padding_mode = o.padding_mode ?? 'zeros';
    check(this.padding_mode === 'zeros', () =>
      `padding_mode '${this.padding_mode}' is not supported by tstorch yet (only 'zeros')`);
    this.weight = new Parameter(empty([out_channels, in_channels / groups, ...this.kernel_size], { dtype: o.dtype }));
    if (o.bias ?? true) this.bias = new Parameter(empty([out_channels], { dtype: o.dtype }));
    else this.register_parameter('bias', null);
    this.reset_parameters();
  }

  /** Kaiming-uniform weights, fan-in-bounded uniform bias (as PyTorch's _ConvNd). */
  reset_parameters(): void {
    init.kaiming_uniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const [fanIn] = init._calculate_fan_in_and_fan_out(this.weight);
      if (fanIn !== 0) {
        const bound = 1 / Math.sqrt(fanIn);
        init.uniform_(this.bias, -bound, bound);
      }
    }
  }

  override extra_repr(): string {
    let s = `${this.in_channels}, ${this.out_channels}, kernel_size=${py(this.kernel_size)}, stride=${py(this.stride)}`;
    const pad = this.padding;
    if (typeof pad === 'string') s += `, padding=${pad}`;
    else if (pad.some((p) => p !== 0)) s += `, padding=${py(pad)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${py(this.dilation)}`;
    if (this.output_padding.some((p) => p !== 0)) s += `, output_padding=${py(this.output_padding)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=False';
    if (this.padding_mode !== 'zeros') s += `, padding_mode=${this.padding_mode}`;
    return s;
  }
}

/**
 * nn.Conv2d(in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
 * bias=true, padding_mode='zeros'); positional or `{ stride, padding, ... }`.
 * @example new nn.Conv2d(3, 6, 5) // Conv2d(3, 6, kernel_size=(5, 5), stride=(1, 1))
 */
export class Conv2d extends _ConvNd {
  constructor(in_channels: number, out_channels: number, kernel_size: IntOrPair,
    stride: IntOrPair | Conv2dOptions = 1, padding: IntOrPair | 'same' | 'valid' = 0, dilation: IntOrPair = 1,
    groups = 1, bias = true, padding_mode: PaddingMode = 'zeros', opts: FactoryKwargs = {}) {
    const o: Conv2dOptions = typeof stride === 'object' && !Array.isArray(stride)
      ? (stride as Conv2dOptions)
      : { stride: stride as IntOrPair, padding, dilation, groups, bias, padding_mode, ...opts };
    super(2, in_channels, out_channels, kernel_size, o);
  }

  override forward(input: Tensor): Tensor {
    return F.conv2d(input, this.weight, this.bias, this.stride, this.padding, this.dilation, this.groups);
  }
}
