// 1-D pooling (ATen/native/Pooling.cpp, MaxPooling.cpp): max_pool1d, avg_pool1d and the adaptive
// forms run the 2-D kernels on input.unsqueeze(-2) and squeeze(-2) the result, as PyTorch does,
// so their grad_fn is SqueezeBackward1 over the 2-D node.
import { is_grad_enabled, no_grad } from '../autograd/grad_mode.js';
import { Tensor } from '../tensor/tensor.js';
import { fmtShape } from '../tensor/view.js';
import { check } from '../utils/check.js';
import {
  adaptive_avg_pool2d, adaptive_max_pool2d_with_indices, adaptiveSizes, avg_pool2d, max_pool2d_with_indices,
} from './pooling.js';
import { kwargs as merge } from '../utils/kwargs.js';

export type IntOrSingle = number | readonly number[];

/** torch.nn.functional.max_pool1d's keyword arguments. */
export interface MaxPool1dOptions {
  kernel_size?: IntOrSingle;
  stride?: IntOrSingle | null;
  padding?: IntOrSingle;
  dilation?: IntOrSingle;
  ceil_mode?: boolean;
  return_indices?: boolean;
}

/** torch.nn.functional.avg_pool1d's keyword arguments. */
export interface AvgPool1dOptions {
  kernel_size?: IntOrSingle;
  stride?: IntOrSingle | null;
  padding?: IntOrSingle;
  ceil_mode?: boolean;
  count_include_pad?: boolean;
}

type Arg<O> = IntOrSingle | boolean | null | undefined | O;

const list = (v: IntOrSingle): number[] => (typeof v === 'number' ? [v] : v.slice());

/** check1d of Pooling.cpp. */
function one(fn: string, arg: string, v: number[]): number {
  check(v.length === 1, () => `${fn}() argument '${arg}' should contain one int (got ${v.length})`);
  return v[0];
}

/** checkDimRange(fn, self, 2, 4) of TensorUtils.cpp. */
function checkDims(fn: string, x: Tensor): void {
  check(x.dim() >= 2 && x.dim() < 4, () =>
    `Expected 2 to 3 dimensions, but got ${x.dim()}-dimensional tensor for argument #1 'self' ` +
    `(while checking arguments for ${fn})`);
}

interface Pool1d {
  k: number; s: number; p: number; d: number; ceil: boolean;
}

/** The argument checks of the no-grad max_pool1d path (check_max_pool1d in MaxPooling.cpp). */
function checkMaxPool1d(x: Tensor, k: number[], s: number[], p: number[], d: number[], ceil: boolean): void {
  check(x.dim() === 2 || x.dim() === 3, () =>
    `max_pool1d() Expected 2D or 3D input tensor, but got ${fmtShape(x._shape)}`);
  check(k.length === 1, () =>
    'max_pool1d() kernel_size must be an int, list of ints or tuple of ints of size 1 but got size ' +
    `${k.length}`);
  check(s.length <= 1, () => 'max_pool1d() stride must be None, an int, list of ints, or tuple of ints of ' +
    `size 1 but got size ${s.length}`);
  check(p.length === 1, () =>
    `max_pool1d() padding must be an int, list of ints, or tuple of ints of size 1 but got size ${p.length}`);
  check(d.length === 1, () =>
    `max_pool1d() dilation must be an int, list of ints or tuple of ints of size 1 but got size ${d.length}`);
  const st = s.length === 0 ? k[0] : s[0];
  check(k[0] > 0, () => `max_pool1d() kernel_size must be greater than zero, but got ${k[0]}`);
  check(st > 0, () => `max_pool1d() stride must be greater than zero, but got ${st}`);
  check(p[0] >= 0, () => `max_pool1d() padding must be non-negative, but got ${p[0]}`);
  check(p[0] <= Math.trunc(k[0] / 2), () =>
    'max_pool1d() padding should be at most half of kernel size, but got ' +
    `padding=${p[0]} and kernel_size=${k[0]}`);
  check(d[0] > 0, () => `max_pool1d() dilation must be greater than zero, but got ${d[0]}`);
  const L = x._shape[x.dim() - 1];
  let ow = Math.floor((L + 2 * p[0] - d[0] * (k[0] - 1) - 1 + (ceil ? st - 1 : 0)) / st) + 1;
  if (ceil && (ow - 1) * st >= L + p[0]) ow--;
  check(ow > 0, () => `max_pool1d() Invalid computed output size: ${ow}`);
}

/** torch.max_pool1d's checks (MaxPooling.cpp) run before it picks a path; with_indices' follow. */
function maxPool1dArgs(x: Tensor, o: MaxPool1dOptions, plain: boolean): Pool1d {
  const k = list(o.kernel_size ?? []);
  const s = list(o.stride ?? []);
  const p = list(o.padding ?? 0);
  const d = list(o.dilation ?? 1);
  const ceil = o.ceil_mode ?? false;
  if (plain) {
    const sz = x._shape;
    const ok = (x.dim() === 2 && sz[0] !== 0 && sz[1] !== 0) || (x.dim() === 3 && sz[1] !== 0 && sz[2] !== 0);
    check(ok, () =>
      'max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, but got:' +
      fmtShape(sz));
    checkMaxPool1d(x, k, s, p, d, ceil);
  }
  const st = s.length === 0 ? k : s;
  checkDims('max_pool1d', x);
  return {
    k: one('max_pool1d', 'kernel_size', k), s: one('max_pool1d', 'stride', st),
    p: one('max_pool1d', 'padding', p), d: one('max_pool1d', 'dilation', d), ceil,
  };
}

function maxPool1dRun(x: Tensor, a: Pool1d): [Tensor, Tensor] {
  const [out, idx] = max_pool2d_with_indices(x.unsqueeze(-2), [1, a.k], [1, a.s], [0, a.p], [1, a.d], a.ceil);
  return [out.squeeze(-2), idx.squeeze(-2)];
}

/**
 * torch.nn.functional.max_pool1d_with_indices: [values, indices] over the last dim.
 * @example const [v, i] = max_pool1d_with_indices(torch.rand(1, 2, 8), 2);
 */
export function max_pool1d_with_indices(input: Tensor, ...args: Arg<MaxPool1dOptions>[]): [Tensor, Tensor] {
  const o = merge<MaxPool1dOptions>(
    ['kernel_size', 'stride', 'padding', 'dilation', 'ceil_mode', 'return_indices'], args);
  return maxPool1dRun(input, maxPool1dArgs(input, o, false));
}

/**
 * torch.nn.functional.max_pool1d(input, kernel_size, stride=kernel_size, padding=0, dilation=1,
 * ceil_mode=false, return_indices=false); with return_indices, [output, indices].
 * @example max_pool1d(torch.rand(1, 3, 10), 3, 2).shape // torch.Size([1, 3, 4])
 */
export function max_pool1d(input: Tensor, kernel_size: IntOrSingle, stride: IntOrSingle | null | undefined,
  padding: IntOrSingle | undefined, dilation: IntOrSingle | undefined, ceil_mode: boolean | undefined,
  return_indices: true): [Tensor, Tensor];
export function max_pool1d(input: Tensor,
  ...args: [...Arg<MaxPool1dOptions>[], MaxPool1dOptions & { return_indices: true }]): [Tensor, Tensor];
export function max_pool1d(input: Tensor, ...args: Arg<MaxPool1dOptions>[]): Tensor;
export function max_pool1d(input: Tensor, ...args: Arg<MaxPool1dOptions>[]): Tensor | [Tensor, Tensor] {
  const o = merge<MaxPool1dOptions>(
    ['kernel_size', 'stride', 'padding', 'dilation', 'ceil_mode', 'return_indices'], args);
  if (o.return_indices) return max_pool1d_with_indices(input, o);
  const a = maxPool1dArgs(input, o, true);
  // PyTorch takes the with-indices path (a SqueezeBackward1 node) only when autograd needs it.
  if (input.requires_grad && is_grad_enabled()) return maxPool1dRun(input, a)[0];
  return no_grad(() => maxPool1dRun(input, a)[0]);
}

/**
 * torch.nn.functional.avg_pool1d(input, kernel_size, stride=kernel_size, padding=0, ceil_mode=false,
 * count_include_pad=true).
 * @example avg_pool1d(torch.tensor([[[1, 2, 3, 4]]], { dtype: 'float32' }), 2) // tensor([[[1.5, 3.5]]])
 */
export function avg_pool1d(input: Tensor, ...args: Arg<AvgPool1dOptions>[]): Tensor {
  const o = merge<AvgPool1dOptions>(
    ['kernel_size', 'stride', 'padding', 'ceil_mode', 'count_include_pad'], args);
  const k = list(o.kernel_size ?? []);
  const sv = list(o.stride ?? []);
  const s = sv.length === 0 ? k : sv;
  const p = list(o.padding ?? 0);
  checkDims('avg_pool1d', input);
  const k0 = one('avg_pool1d', 'kernel_size', k);
  const s0 = one('avg_pool1d', 'stride', s);
  const p0 = one('avg_pool1d', 'padding', p);
  const out = avg_pool2d(input.unsqueeze(-2), [1, k0], [1, s0], [0, p0], o.ceil_mode ?? false,
    o.count_include_pad ?? true);
  return out.squeeze(-2);
}

export type Adaptive1dArg = number | readonly (number | null)[] |
  { output_size: number | readonly (number | null)[]; return_indices?: boolean };

function adaptive1d(fn: string, input: Tensor, output_size: Adaptive1dArg): number {
  const os = typeof output_size === 'object' && !Array.isArray(output_size)
    ? (output_size as { output_size: number | readonly (number | null)[] }).output_size
    : (output_size as number | readonly (number | null)[]);
  const sizes = adaptiveSizes(input, os, 1);
  checkDims(fn, input);
  const o = one(fn, 'output_size', sizes);
  for (let i = 1; i < input.dim(); i++) {
    check(input._shape[i] > 0, () =>
      `${fn}(): Expected input to have non-zero size for non-batch dimensions, but input has ` +
      `sizes ${fmtShape(input._shape)} with dimension ${i} being empty`);
  }
  return o;
}

/**
 * torch.nn.functional.adaptive_avg_pool1d(input, output_size).
 * @example adaptive_avg_pool1d(torch.rand(2, 3, 10), 4).shape // torch.Size([2, 3, 4])
 */
export function adaptive_avg_pool1d(input: Tensor, output_size: Adaptive1dArg): Tensor {
  const o = adaptive1d('adaptive_avg_pool1d', input, output_size);
  return adaptive_avg_pool2d(input.unsqueeze(-2), [1, o]).squeeze(-2);
}

/**
 * torch.nn.functional.adaptive_max_pool1d_with_indices(input, output_size): [values, indices].
 * @example const [v, i] = adaptive_max_pool1d_with_indices(torch.rand(1, 2, 9), 4);
 */
export function adaptive_max_pool1d_with_indices(input: Tensor,
  output_size: Adaptive1dArg): [Tensor, Tensor] {
  const o = adaptive1d('adaptive_max_pool1d', input, output_size);
  const [out, idx] = adaptive_max_pool2d_with_indices(input.unsqueeze(-2), [1, o]);
  return [out.squeeze(-2), idx.squeeze(-2)];
}

/**
 * torch.nn.functional.adaptive_max_pool1d(input, output_size, return_indices=false).
 * @example adaptive_max_pool1d(torch.rand(2, 3, 10), 4).shape // torch.Size([2, 3, 4])
 */
export function adaptive_max_pool1d(input: Tensor, output_size: Adaptive1dArg,
  return_indices: true | { return_indices: true }): [Tensor, Tensor];
export function adaptive_max_pool1d(input: Tensor,
  output_size: { output_size: number | readonly (number | null)[]; return_indices: true }): [Tensor, Tensor];
export function adaptive_max_pool1d(input: Tensor, output_size: Adaptive1dArg,
  return_indices?: boolean | { return_indices?: boolean }): Tensor;
export function adaptive_max_pool1d(input: Tensor, output_size: Adaptive1dArg,
  return_indices?: boolean | { return_indices?: boolean }): Tensor | [Tensor, Tensor] {
  const ri = typeof return_indices === 'object' ? return_indices.return_indices
    : typeof output_size === 'object' && !Array.isArray(output_size)
      ? (output_size as { return_indices?: boolean }).return_indices : return_indices;
  const [out, idx] = adaptive_max_pool1d_with_indices(input, output_size);
  return ri ? [out, idx] : out;
}
