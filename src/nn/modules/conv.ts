// Convolution modules (torch/nn/modules/conv.py): _ConvNd, Conv1d, Conv2d, _ConvTransposeNd,
// ConvTranspose1d and ConvTranspose2d, with padding_mode and the output_size argument.
import { Tensor } from '../../tensor/tensor.js';
import { empty } from '../../tensor/factories.js';
import { ValueError, check } from '../../utils/check.js';
import { py } from '../../utils/python.js';
import { Module } from './module.js';
import { Parameter } from '../parameter.js';
import * as F from '../functional.js';
import * as init from '../init.js';
import type { FactoryKwargs } from './linear.js';

export type IntOrPair = number | readonly number[];
export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

/** nn.Conv1d / nn.Conv2d's keyword arguments. */
export interface Conv2dOptions extends FactoryKwargs {
  stride?: IntOrPair;
  padding?: IntOrPair | 'same' | 'valid';
  dilation?: IntOrPair;
  groups?: number;
  bias?: boolean;
  padding_mode?: PaddingMode;
}
export type Conv1dOptions = Conv2dOptions;

/** nn.ConvTranspose1d / nn.ConvTranspose2d's keyword arguments. */
export interface ConvTranspose2dOptions extends FactoryKwargs {
  stride?: IntOrPair;
  padding?: IntOrPair;
  output_padding?: IntOrPair;
  groups?: number;
  bias?: boolean;
  dilation?: IntOrPair;
  padding_mode?: PaddingMode;
}
export type ConvTranspose1dOptions = ConvTranspose2dOptions;

/** Everything _ConvNd's constructor takes after the channel counts and kernel size. */
interface ConvNdOptions extends FactoryKwargs {
  stride?: IntOrPair;
  padding?: IntOrPair | 'same' | 'valid';
  dilation?: IntOrPair;
  output_padding?: IntOrPair;
  groups?: number;
  bias?: boolean;
  padding_mode?: string;
}

/** Python's _pair / _ntuple: an int repeated n times, or the given tuple. */
export function ntuple(v: IntOrPair, n: number): number[] {
  return typeof v === 'number' ? new Array<number>(n).fill(v) : v.slice();
}

/** Positional constructor arguments named `names`, merged with an options object at any position. */
function ctorOptions(names: readonly string[], args: readonly unknown[]): ConvNdOptions {
  const o: Record<string, unknown> = {};
  args.forEach((v, i) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) Object.assign(o, v);
    else if (v !== undefined) o[names[i]] = v;
  });
  return o as ConvNdOptions;
}

const PADDING_MODES = ['zeros', 'reflect', 'replicate', 'circular'];

function checkConvArgs(in_channels: number, out_channels: number, nd: number, o: ConvNdOptions): void {
  const groups = o.groups ?? 1;
  check(groups > 0, () => 'groups must be a positive integer', ValueError);
  check(in_channels % groups === 0, () => 'in_channels must be divisible by groups', ValueError);
  check(out_channels % groups === 0, () => 'out_channels must be divisible by groups', ValueError);
  const pad = o.padding ?? 0;
  if (typeof pad === 'string') {
    check(pad === 'same' || pad === 'valid', () =>
      `Invalid padding string '${pad}', should be one of {'valid', 'same'}`, ValueError);
    check(pad !== 'same' || ntuple(o.stride ?? 1, nd).every((s) => s === 1), () =>
      "padding='same' is not supported for strided convolutions", ValueError);
  }
  const mode = o.padding_mode ?? 'zeros';
  check(PADDING_MODES.includes(mode), () =>
    `padding_mode must be one of {${PADDING_MODES.map((m) => `'${m}'`).join(', ')}}, ` +
    `but got padding_mode='${mode}'`, ValueError);
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
  /** F.pad's pad list for non-zeros padding modes: last spatial dim first, each side given. */
  _reversed_padding_repeated_twice: number[];
  declare weight: Parameter;
  declare bias: Parameter | null;

  constructor(nd: number, in_channels: number, out_channels: number, kernel_size: IntOrPair, o: ConvNdOptions,
    transposed = false) {
    super();
    checkConvArgs(in_channels, out_channels, nd, o);
    const pad = o.padding ?? 0;
    this.in_channels = in_channels;
    this.out_channels = out_channels;
    this.kernel_size = ntuple(kernel_size, nd);
    this.stride = ntuple(o.stride ?? 1, nd);
    this.padding = typeof pad === 'string' ? pad : ntuple(pad, nd);
    this.dilation = ntuple(o.dilation ?? 1, nd);
    this.transposed = transposed;
    this.output_padding = ntuple(o.output_padding ?? 0, nd);
    this.groups = o.groups ?? 1;
    this.padding_mode = (o.padding_mode ?? 'zeros') as PaddingMode;
    this._reversed_padding_repeated_twice = this.reversedPadding();
    const g = this.groups;
    const wShape = transposed ? [in_channels, out_channels / g] : [out_channels, in_channels / g];
    this.weight = new Parameter(empty([...wShape, ...this.kernel_size], { dtype: o.dtype }));
    if (o.bias ?? true) this.bias = new Parameter(empty([out_channels], { dtype: o.dtype }));
    else this.register_parameter('bias', null);
    this.reset_parameters();
  }

  private reversedPadding(): number[] {
    const nd = this.kernel_size.length;
    const out = new Array<number>(2 * nd).fill(0);
    for (let d = 0; d < nd; d++) {
      const i = nd - 1 - d;
      let [left, right] = [0, 0];
      if (this.padding === 'same') {
        const total = this.dilation[d] * (this.kernel_size[d] - 1);
        left = Math.floor(total / 2);
        right = total - left;
      } else if (this.padding !== 'valid') {
        left = this.padding[d];
        right = this.padding[d];
      }
      out[2 * i] = left;
      out[2 * i + 1] = right;
    }
    return out;
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
    let s = `${this.in_channels}, ${this.out_channels}, kernel_size=${py(this.kernel_size)}`;
    s += `, stride=${py(this.stride)}`;
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

const CONV_NAMES = ['stride', 'padding', 'dilation', 'groups', 'bias', 'padding_mode', 'opts'];

type ConvFn = (x: Tensor, w: Tensor, b: Tensor | null, stride: number[],
  padding: number[] | 'same' | 'valid', dilation: number[], groups: number) => Tensor;

/** Conv1d/Conv2d's _conv_forward: non-zeros modes pad with F.pad, then convolve unpadded. */
function convForward(m: _ConvNd, conv: ConvFn, input: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
  if (m.padding_mode !== 'zeros') {
    const padded = F.pad(input, m._reversed_padding_repeated_twice, m.padding_mode);
    return conv(padded, weight, bias, m.stride, m.kernel_size.map(() => 0), m.dilation, m.groups);
  }
  return conv(input, weight, bias, m.stride, m.padding, m.dilation, m.groups);
}

/**
 * nn.Conv1d(in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
 * bias=true, padding_mode='zeros'); positional or `{ stride, padding, ... }`.
 * @example new nn.Conv1d(2, 4, 3) // Conv1d(2, 4, kernel_size=(3,), stride=(1,))
 */
export class Conv1d extends _ConvNd {
  constructor(in_channels: number, out_channels: number, kernel_size: IntOrPair,
    stride?: IntOrPair | Conv1dOptions, padding?: IntOrPair | 'same' | 'valid' | Conv1dOptions,
    dilation?: IntOrPair | Conv1dOptions, groups?: number | Conv1dOptions, bias?: boolean | Conv1dOptions,
    padding_mode?: PaddingMode | Conv1dOptions, opts?: FactoryKwargs) {
    const args = [stride, padding, dilation, groups, bias, padding_mode, opts];
    super(1, in_channels, out_channels, kernel_size, ctorOptions(CONV_NAMES, args));
  }

  _conv_forward(input: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
    return convForward(this, F.conv1d, input, weight, bias);
  }

  override forward(input: Tensor): Tensor {
    return this._conv_forward(input, this.weight, this.bias);
  }
}

/**
 * nn.Conv2d(in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
 * bias=true, padding_mode='zeros'); positional or `{ stride, padding, ... }`.
 * @example new nn.Conv2d(3, 6, 5) // Conv2d(3, 6, kernel_size=(5, 5), stride=(1, 1))
 */
export class Conv2d extends _ConvNd {
  constructor(in_channels: number, out_channels: number, kernel_size: IntOrPair,
    stride?: IntOrPair | Conv2dOptions, padding?: IntOrPair | 'same' | 'valid' | Conv2dOptions,
    dilation?: IntOrPair | Conv2dOptions, groups?: number | Conv2dOptions, bias?: boolean | Conv2dOptions,
    padding_mode?: PaddingMode | Conv2dOptions, opts?: FactoryKwargs) {
    const args = [stride, padding, dilation, groups, bias, padding_mode, opts];
    super(2, in_channels, out_channels, kernel_size, ctorOptions(CONV_NAMES, args));
  }

  _conv_forward(input: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
    return convForward(this, F.conv2d, input, weight, bias);
  }

  override forward(input: Tensor): Tensor {
    return this._conv_forward(input, this.weight, this.bias);
  }
}

const TRANSPOSE_NAMES = [
  'stride', 'padding', 'output_padding', 'groups', 'bias', 'dilation', 'padding_mode', 'opts',
];

/** The base of the transposed convolutions: weight [in, out/groups, k...], output_size support. */
export abstract class _ConvTransposeNd extends _ConvNd {
  constructor(nd: number, in_channels: number, out_channels: number, kernel_size: IntOrPair,
    o: ConvNdOptions) {
    const name = new.target.name;
    check((o.padding_mode ?? 'zeros') === 'zeros', () =>
      `Only "zeros" padding mode is supported for ${name}`, ValueError);
    super(nd, in_channels, out_channels, kernel_size, o, true);
  }

  /** The output_padding that makes forward produce `output_size` (or the module's own). */
  _output_padding(input: Tensor, output_size: readonly number[] | null, nd: number): number[] {
    if (output_size === null) return this.output_padding.slice();
    const nonSpatial = input.dim() === nd + 2 ? 2 : 1;
    let size = output_size.slice();
    if (size.length === nonSpatial + nd) size = size.slice(nonSpatial);
    check(size.length === nd, () =>
      `ConvTranspose${nd}D: for ${input.dim()}D input, output_size must have ${nd} or ${nonSpatial + nd} ` +
      `elements (got ${output_size.length})`, ValueError);
    const pad = this.padding as number[];
    const minSizes = this.kernel_size.map((k, d) =>
      (input._shape[d + nonSpatial] - 1) * this.stride[d] - 2 * pad[d] + this.dilation[d] * (k - 1) + 1);
    const maxSizes = minSizes.map((m, d) => m + this.stride[d] - 1);
    const spatial = input._shape.slice(nonSpatial);
    check(size.every((s, i) => s >= minSizes[i] && s <= maxSizes[i]), () =>
      `requested an output size of [${size.join(', ')}], but valid sizes range from ` +
      `[${minSizes.join(', ')}] ` +
      `to [${maxSizes.join(', ')}] (for an input of torch.Size([${spatial.join(', ')}]))`, ValueError);
    return size.map((s, d) => s - minSizes[d]);
  }

  protected transposeForward(input: Tensor, output_size: OutputSizeArg, nd: number): Tensor {
    const size = output_size === null || output_size === undefined || Array.isArray(output_size)
      ? (output_size as readonly number[] | null | undefined) ?? null
      : (output_size as { output_size?: readonly number[] | null }).output_size ?? null;
    const op = this._output_padding(input, size, nd);
    const f = nd === 1 ? F.conv_transpose1d : F.conv_transpose2d;
    return f(input, this.weight, this.bias, this.stride, this.padding as number[], op, this.groups,
      this.dilation);
  }
}

type OutputSizeArg = readonly number[] | null | undefined | { output_size?: readonly number[] | null };

/**
 * nn.ConvTranspose1d(in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0,
 * groups=1, bias=true, dilation=1, padding_mode='zeros'); forward(input, output_size?).
 * @example new nn.ConvTranspose1d(4, 2, 2, 2) // ConvTranspose1d(4, 2, kernel_size=(2,), stride=(2,))
 */
export class ConvTranspose1d extends _ConvTransposeNd {
  constructor(in_channels: number, out_channels: number, kernel_size: IntOrPair,
    stride?: IntOrPair | ConvTranspose1dOptions, padding?: IntOrPair | ConvTranspose1dOptions,
    output_padding?: IntOrPair | ConvTranspose1dOptions, groups?: number | ConvTranspose1dOptions,
    bias?: boolean | ConvTranspose1dOptions, dilation?: IntOrPair | ConvTranspose1dOptions,
    padding_mode?: PaddingMode | ConvTranspose1dOptions, opts?: FactoryKwargs) {
    const args = [stride, padding, output_padding, groups, bias, dilation, padding_mode, opts];
    super(1, in_channels, out_channels, kernel_size, ctorOptions(TRANSPOSE_NAMES, args));
  }

  override forward(input: Tensor, output_size?: OutputSizeArg): Tensor {
    return this.transposeForward(input, output_size, 1);
  }
}

/**
 * nn.ConvTranspose2d(in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0,
 * groups=1, bias=true, dilation=1, padding_mode='zeros'); forward(input, output_size?).
 * @example new nn.ConvTranspose2d(8, 4, 2, { stride: 2 }) // doubles H and W
 */
export class ConvTranspose2d extends _ConvTransposeNd {
  constructor(in_channels: number, out_channels: number, kernel_size: IntOrPair,
    stride?: IntOrPair | ConvTranspose2dOptions, padding?: IntOrPair | ConvTranspose2dOptions,
    output_padding?: IntOrPair | ConvTranspose2dOptions, groups?: number | ConvTranspose2dOptions,
    bias?: boolean | ConvTranspose2dOptions, dilation?: IntOrPair | ConvTranspose2dOptions,
    padding_mode?: PaddingMode | ConvTranspose2dOptions, opts?: FactoryKwargs) {
    const args = [stride, padding, output_padding, groups, bias, dilation, padding_mode, opts];
    super(2, in_channels, out_channels, kernel_size, ctorOptions(TRANSPOSE_NAMES, args));
  }

  override forward(input: Tensor, output_size?: OutputSizeArg): Tensor {
    return this.transposeForward(input, output_size, 2);
  }
}
