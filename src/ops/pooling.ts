// 2-D pooling ops: max_pool2d (with indices), avg_pool2d, adaptive_avg_pool2d, with PyTorch's
// checks (ATen/native/DilatedMaxPool2d.cpp, AveragePool2d.cpp, AdaptiveAveragePooling.cpp, Pool.h).
// Every backward is itself an op whose backward is the forward again, so double backward works.
import { K, type Pool2dGeom } from '../backend/backend.js';
import { int64 } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { fmtShape } from '../tensor/view.js';
import { ValueError, check, wrapDim } from '../utils/check.js';
import { contig, type IntOrPair } from './convolution.js';
import { defineOp } from './define.js';
import { isOpts, kwargs as merge } from '../utils/kwargs.js';

/** torch.nn.functional.max_pool2d's keyword arguments. */
export interface MaxPool2dOptions {
  kernel_size?: IntOrPair;
  stride?: IntOrPair | null;
  padding?: IntOrPair;
  dilation?: IntOrPair;
  ceil_mode?: boolean;
  return_indices?: boolean;
}

/** torch.nn.functional.avg_pool2d's keyword arguments. */
export interface AvgPool2dOptions {
  kernel_size?: IntOrPair;
  stride?: IntOrPair | null;
  padding?: IntOrPair;
  ceil_mode?: boolean;
  count_include_pad?: boolean;
  divisor_override?: number | null;
}

function planes(x: Tensor): number {
  return x._shape.slice(0, -2).reduce((a, b) => a * b, 1);
}

function outShape(x: Tensor, g: Pool2dGeom): number[] {
  return [...x._shape.slice(0, -2), g.oH, g.oW];
}

const maxPoolOp = defineOp({
  name: 'MaxPool2DWithIndicesBackward0',
  nondiff_outputs: [1],
  forward(ctx, x: Tensor, g: Pool2dGeom) {
    const xc = contig(x);
    // Every window holds at least one input element, so the kernel writes every output.
    const out = Tensor._uninit(outShape(x, g), x.dtype);
    const idx = Tensor._uninit(out._shape, int64);
    K().maxPool2d(g, xc._storage.data, xc._offset, out._storage.data, idx._storage.data as Float64Array);
    Object.assign(ctx, { g, xShape: x._shape.slice() });
    ctx.save_for_backward(idx);
    ctx.set_materialize_grads(false);
    return [out, idx];
  },
  backward(ctx, grad) {
    if (!grad) return [null];
    const [idx] = ctx.saved_tensors;
    return [maxPoolBackwardOp(grad, idx, ctx.xShape as number[], ctx.g as Pool2dGeom)];
  },
});

/** Scatter-add of the output gradient to the argmax positions. */
const maxPoolBackwardOp: (grad: Tensor, idx: Tensor, xShape: number[], g: Pool2dGeom) => Tensor = defineOp({
  name: 'MaxPool2DWithIndicesBackwardBackward0',
  forward(ctx, grad: Tensor, idx: Tensor, xShape: number[], g: Pool2dGeom) {
    Object.assign(ctx, { g, xShape });
    ctx.save_for_backward(idx);
    const gc = contig(grad);
    const gi = Tensor._zeros(xShape, grad.dtype);
    const id = idx._storage.data as Float64Array;
    K().maxPool2dBackward(g, gc._storage.data, gc._offset, id, gi._storage.data);
    return gi;
  },
  backward(ctx, gg): Tensor[] {
    const [idx] = ctx.saved_tensors;
    return [maxPoolGatherOp(gg, idx, ctx.xShape as number[], ctx.g as Pool2dGeom)];
  },
});

/** Gather at the argmax positions: the adjoint of the scatter above. */
const maxPoolGatherOp: (src: Tensor, idx: Tensor, xShape: number[], g: Pool2dGeom) => Tensor = defineOp({
  name: 'GatherBackward0',
  forward(ctx, src: Tensor, idx: Tensor, xShape: number[], g: Pool2dGeom) {
    Object.assign(ctx, { g, xShape });
    ctx.save_for_backward(idx);
    const sc = contig(src);
    const out = Tensor._uninit(idx._shape, src.dtype);
    const id = idx._storage.data as Float64Array;
    K().maxPool2dGather(g, sc._storage.data, sc._offset, id, out._storage.data);
    return out;
  },
  backward(ctx, gg): Tensor[] {
    const [idx] = ctx.saved_tensors;
    return [maxPoolBackwardOp(gg, idx, ctx.xShape as number[], ctx.g as Pool2dGeom)];
  },
});

interface AvgParams {
  g: Pool2dGeom;
  countIncludePad: boolean;
  divisor: number;
}

const avgPoolOp: (x: Tensor, p: AvgParams) => Tensor = defineOp({
  name: 'AvgPool2DBackward0',
  forward(ctx, x: Tensor, p: AvgParams) {
    Object.assign(ctx, { p, xShape: x._shape.slice() });
    const xc = contig(x);
    const out = Tensor._uninit(outShape(x, p.g), x.dtype);
    K().avgPool2d(p.g, xc._storage.data, xc._offset, out._storage.data, p.countIncludePad, p.divisor);
    return out;
  },
  backward: (ctx, grad): Tensor[] => [avgPoolBackwardOp(grad, ctx.xShape as number[], ctx.p as AvgParams)],
});

const avgPoolBackwardOp: (grad: Tensor, xShape: number[], p: AvgParams) => Tensor = defineOp({
  name: 'AvgPool2DBackwardBackward0',
  forward(ctx, grad: Tensor, xShape: number[], p: AvgParams) {
    ctx.p = p;
    const gc = contig(grad);
    const gi = Tensor._zeros(xShape, grad.dtype);
    K().avgPool2dBackward(p.g, gc._storage.data, gc._offset, gi._storage.data, p.countIncludePad, p.divisor);
    return gi;
  },
  backward: (ctx, gg): Tensor[] => [avgPoolOp(gg, ctx.p as AvgParams)],
});

const adaptiveAvgPoolOp: (x: Tensor, g: Pool2dGeom) => Tensor = defineOp({
  name: 'AdaptiveAvgPool2DBackward0',
  forward(ctx, x: Tensor, g: Pool2dGeom) {
    Object.assign(ctx, { g, xShape: x._shape.slice() });
    const xc = contig(x);
    const out = Tensor._empty(outShape(x, g), x.dtype);
    K().adaptiveAvgPool2d(g, xc._storage.data, xc._offset, out._storage.data);
    return out;
  },
  backward: (ctx, grad): Tensor[] =>
    [adaptiveAvgPoolBackwardOp(grad, ctx.xShape as number[], ctx.g as Pool2dGeom)],
});

const adaptiveAvgPoolBackwardOp: (grad: Tensor, xShape: number[], g: Pool2dGeom) => Tensor = defineOp({
  name: 'AdaptiveAvgPool2DBackwardBackward0',
  forward(ctx, grad: Tensor, xShape: number[], g: Pool2dGeom) {
    ctx.g = g;
    const gc = contig(grad);
    const gi = Tensor._zeros(xShape, grad.dtype);
    K().adaptiveAvgPool2dBackward(g, gc._storage.data, gc._offset, gi._storage.data);
    return gi;
  },
  backward: (ctx, gg): Tensor[] => [adaptiveAvgPoolOp(gg, ctx.g as Pool2dGeom)],
});

/** A kernel_size / stride / padding / dilation argument as two ints, with PyTorch's message. */
function pool2(v: IntOrPair, what: string): [number, number] {
  if (typeof v === 'number') return [v, v];
  check(v.length === 1 || v.length === 2, () => what);
  return v.length === 1 ? [v[0], v[0]] : [v[0], v[1]];
}

/** pooling_output_shape from ATen/native/Pool.h, with its checks. */
function poolingOutputShape(size: number, k: number, pad: number, stride: number, dil: number,
  ceil: boolean): number {
  check(stride !== 0, () => 'stride should not be zero');
  check(pad >= 0, () => `pad must be non-negative, but got pad: ${pad}`);
  check(pad <= Math.trunc(((k - 1) * dil + 1) / 2), () =>
    `pad should be at most half of effective kernel size, but got pad=${pad}, kernel_size=${k} and ` +
    `dilation=${dil}`);
  let out = Math.floor((size + 2 * pad - dil * (k - 1) - 1 + (ceil ? stride - 1 : 0)) / stride) + 1;
  // In ceil mode the last window must start inside the input or its left padding.
  if (ceil && (out - 1) * stride >= size + pad) out--;
  return out;
}

interface RawPool {
  k: [number, number];
  s: [number, number];
  p: [number, number];
  d: [number, number];
  ceil: boolean;
}

/** Output size and pool2d_shape_check's checks; returns the kernel geometry. */
function poolGeom(x: Tensor, r: RawPool): Pool2dGeom {
  const nd = x.dim();
  const H = x._shape[nd - 2];
  const W = x._shape[nd - 1];
  const oH = poolingOutputShape(H, r.k[0], r.p[0], r.s[0], r.d[0], r.ceil);
  const oW = poolingOutputShape(W, r.k[1], r.p[1], r.s[1], r.d[1], r.ceil);
  check(r.k[0] > 0 && r.k[1] > 0, () =>
    `kernel size should be greater than zero, but got kH: ${r.k[0]} kW: ${r.k[1]}`);
  check(r.s[0] > 0 && r.s[1] > 0, () =>
    `stride should be greater than zero, but got dH: ${r.s[0]} dW: ${r.s[1]}`);
  check(r.d[0] > 0 && r.d[1] > 0, () =>
    `dilation should be greater than zero, but got dilationH: ${r.d[0]} dilationW: ${r.d[1]}`);
  const validDims = x._shape[1] !== 0 && x._shape[2] !== 0;
  check((nd === 3 && x._shape[0] !== 0 && validDims) || (nd === 4 && validDims && x._shape[3] !== 0), () =>
    'Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:' +
    fmtShape(x._shape));
  check(Math.trunc(r.k[1] / 2) >= r.p[1] && Math.trunc(r.k[0] / 2) >= r.p[0], () =>
    'pad should be smaller than or equal to half of kernel size, but got ' +
    `padW = ${r.p[1]}, padH = ${r.p[0]}, kW = ${r.k[1]}, kH = ${r.k[0]}`);
  check(oW >= 1 && oH >= 1, () =>
    `Given input size: (${x._shape[nd - 3]}x${H}x${W}). ` +
    `Calculated output size: (${x._shape[nd - 3]}x${oH}x${oW}). Output size is too small`);
  return {
    P: planes(x), H, W, kH: r.k[0], kW: r.k[1], sH: r.s[0], sW: r.s[1], pH: r.p[0], pW: r.p[1],
    dH: r.d[0], dW: r.d[1], oH, oW,
  };
}

const MAX_NAMES = ['kernel_size', 'stride', 'padding', 'dilation', 'ceil_mode', 'return_indices'] as const;

function maxPoolGeom(input: Tensor, o: MaxPool2dOptions): Pool2dGeom {
  const k = pool2(o.kernel_size ?? [],
    'max_pool2d: kernel_size must either be a single int, or a tuple of two ints');
  const sv = o.stride ?? [];
  const s = typeof sv !== 'number' && sv.length === 0 ? k : pool2(sv,
    'max_pool2d: stride must either be omitted, a single int, or a tuple of two ints');
  const p = pool2(o.padding ?? 0, 'max_pool2d: padding must either be a single int, or a tuple of two ints');
  const d = pool2(o.dilation ?? 1,
    'max_pool2d: dilation must be either a single int, or a tuple of two ints');
  check(input.dim() === 3 || input.dim() === 4, () =>
    'non-empty 3D or 4D (batch mode) tensor expected for input');
  return poolGeom(input, { k, s, p, d, ceil: o.ceil_mode ?? false });
}

/**
 * torch.nn.functional.max_pool2d_with_indices: [values, indices], indices flat within each plane.
 * @example const [v, i] = max_pool2d_with_indices(torch.rand(1, 1, 4, 4), 2);
 */
export function max_pool2d_with_indices(input: Tensor,
  ...args: (IntOrPair | boolean | null | MaxPool2dOptions)[]): [Tensor, Tensor] {
  const o = merge<MaxPool2dOptions>(MAX_NAMES, args);
  const [out, idx] = maxPoolOp(input, maxPoolGeom(input, o));
  return [out, idx];
}

type MaxArg = IntOrPair | boolean | null | undefined | MaxPool2dOptions;

/**
 * torch.nn.functional.max_pool2d(input, kernel_size, stride=kernel_size, padding=0, dilation=1,
 * ceil_mode=false, return_indices=false); with return_indices, [output, indices].
 * @example max_pool2d(torch.rand(1, 3, 28, 28), 2).shape // torch.Size([1, 3, 14, 14])
 */
export function max_pool2d(input: Tensor, kernel_size: IntOrPair, stride: IntOrPair | null | undefined,
  padding: IntOrPair | undefined, dilation: IntOrPair | undefined, ceil_mode: boolean | undefined,
  return_indices: true): [Tensor, Tensor];
export function max_pool2d(input: Tensor,
  ...args: [...MaxArg[], MaxPool2dOptions & { return_indices: true }]): [Tensor, Tensor];
export function max_pool2d(input: Tensor, kernel_size: IntOrPair | MaxPool2dOptions,
  stride?: IntOrPair | null | MaxPool2dOptions, padding?: IntOrPair | MaxPool2dOptions,
  dilation?: IntOrPair | MaxPool2dOptions, ceil_mode?: boolean | MaxPool2dOptions,
  return_indices?: boolean | MaxPool2dOptions, opts?: MaxPool2dOptions): Tensor;
export function max_pool2d(input: Tensor, ...args: MaxArg[]): Tensor | [Tensor, Tensor] {
  const o = merge<MaxPool2dOptions>(MAX_NAMES, args);
  const [out, idx] = maxPoolOp(input, maxPoolGeom(input, o));
  return o.return_indices ? [out, idx] : out;
}

/**
 * torch.nn.functional.avg_pool2d(input, kernel_size, stride=kernel_size, padding=0, ceil_mode=false,
 * count_include_pad=true, divisor_override=null).
 * @example avg_pool2d(torch.ones(1, 1, 4, 4), 2) // tensor([[[[1., 1.], [1., 1.]]]])
 */
export function avg_pool2d(input: Tensor,
  ...args: (IntOrPair | boolean | null | AvgPool2dOptions)[]): Tensor {
  const o = merge<AvgPool2dOptions>(
    ['kernel_size', 'stride', 'padding', 'ceil_mode', 'count_include_pad', 'divisor_override'], args);
  const k = pool2(o.kernel_size ?? [],
    'avg_pool2d: kernel_size must either be a single int, or a tuple of two ints');
  const sv = o.stride ?? [];
  const s = typeof sv !== 'number' && sv.length === 0 ? k : pool2(sv,
    'avg_pool2d: stride must either be omitted, a single int, or a tuple of two ints');
  const p = pool2(o.padding ?? 0, 'avg_pool2d: padding must either be a single int, or a tuple of two ints');
  const div = o.divisor_override ?? null;
  check(div === null || div !== 0, () => 'divisor must be not zero');
  wrapDim(-3, input.dim());
  const g = poolGeom(input, { k, s, p, d: [1, 1], ceil: o.ceil_mode ?? false });
  return avgPoolOp(input, { g, countIncludePad: o.count_include_pad ?? true, divisor: div ?? 0 });
}

/**
 * torch.nn.functional.adaptive_avg_pool2d(input, output_size): windows
 * [floor(i*H/oH), ceil((i+1)*H/oH)); a null entry keeps that input size. A 1x1 output is a mean.
 * @example adaptive_avg_pool2d(torch.rand(2, 8, 7, 7), 1).shape // torch.Size([2, 8, 1, 1])
 */
export function adaptive_avg_pool2d(input: Tensor, output_size: number | readonly (number | null)[] |
  { output_size: number | readonly (number | null)[] }): Tensor {
  const os = isOpts(output_size) ? output_size.output_size : output_size;
  const sizes = typeof os === 'number' ? [os, os] : os.slice();
  check(sizes.length === 2, () => 'adaptive_avg_pool2d: output_size must be 2');
  const nd = input.dim();
  check(nd === 3 || nd === 4, () =>
    `adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got ${fmtShape(input._shape)}`);
  const [oH, oW] = sizes.map((s, i) => s ?? input._shape[nd - 2 + i]);
  for (const i of [-2, -1]) {
    check(input._shape[nd + i] > 0, () =>
      'adaptive_avg_pool2d(): Expected input to have non-zero size for non-batch dimensions, but input has ' +
      `sizes ${fmtShape(input._shape)} with dimension ${nd + i} being empty`);
  }
  if (oH === 1 && oW === 1) return input.mean([-1, -2], true);
  const g: Pool2dGeom = {
    P: planes(input), H: input._shape[nd - 2], W: input._shape[nd - 1], kH: 0, kW: 0, sH: 0, sW: 0,
    pH: 0, pW: 0, dH: 0, dW: 0, oH, oW,
  };
  return adaptiveAvgPoolOp(input, g);
}

const adaptiveMaxPoolOp = defineOp({
  name: 'AdaptiveMaxPool2DBackward0',
  nondiff_outputs: [1],
  forward(ctx, x: Tensor, g: Pool2dGeom) {
    const xc = contig(x);
    const out = Tensor._empty(outShape(x, g), x.dtype);
    const idx = Tensor._empty(out._shape, int64);
    K().adaptiveMaxPool2d(g, xc._storage.data, xc._offset, out._storage.data,
      idx._storage.data as Float64Array);
    Object.assign(ctx, { g, xShape: x._shape.slice() });
    ctx.save_for_backward(idx);
    ctx.set_materialize_grads(false);
    return [out, idx];
  },
  backward(ctx, grad) {
    if (!grad) return [null];
    const [idx] = ctx.saved_tensors;
    // The scatter to argmax positions is max pooling's; only the node name of its own backward differs.
    return [maxPoolBackwardOp(grad, idx, ctx.xShape as number[], ctx.g as Pool2dGeom)];
  },
});

/** An output_size argument with null entries replaced by the input's sizes (_list_with_default). */
export function adaptiveSizes(input: Tensor, os: number | readonly (number | null)[], n: number): number[] {
  if (typeof os === 'number') return Array<number>(n).fill(os);
  check(input.dim() > os.length, () => `Input dimension should be at least ${os.length + 1}`, ValueError);
  const tail = input._shape.slice(input.dim() - os.length);
  return os.map((v, i) => v ?? tail[i]);
}

/**
 * torch.nn.functional.adaptive_max_pool2d_with_indices(input, output_size): [values, indices]
 * over windows [floor(i*H/oH), ceil((i+1)*H/oH)); a null entry keeps that input size.
 * @example const [v, i] = adaptive_max_pool2d_with_indices(torch.rand(1, 2, 5, 5), 2);
 */
export function adaptive_max_pool2d_with_indices(input: Tensor, output_size: AdaptiveSizeArg,
  return_indices?: boolean | { return_indices?: boolean }): [Tensor, Tensor] {
  void return_indices;
  const os = isOpts(output_size) ? output_size.output_size : output_size;
  const sizes = adaptiveSizes(input, os, 2);
  const nd = input.dim();
  check(nd === 3 || nd === 4, () =>
    `adaptive_max_pool2d(): Expected 3D or 4D tensor, but got: ${fmtShape(input._shape)}`);
  for (let i = 1; i < nd; i++) {
    check(input._shape[i] > 0, () =>
      'adaptive_max_pool2d(): Expected input to have non-zero size for non-batch dimensions, but input has ' +
      `sizes ${fmtShape(input._shape)} with dimension ${i} being empty`);
  }
  check(sizes.length === 2, () => 'adaptive_max_pool2d(): internal error: output_size.size() must be 2');
  const [oH, oW] = sizes;
  const g: Pool2dGeom = {
    P: planes(input), H: input._shape[nd - 2], W: input._shape[nd - 1], kH: 0, kW: 0, sH: 0, sW: 0,
    pH: 0, pW: 0, dH: 0, dW: 0, oH, oW,
  };
  const [out, idx] = adaptiveMaxPoolOp(input, g);
  return [out, idx];
}

export type AdaptiveSizeArg = number | readonly (number | null)[] |
  { output_size: number | readonly (number | null)[]; return_indices?: boolean };

/**
 * torch.nn.functional.adaptive_max_pool2d(input, output_size, return_indices=false).
 * @example adaptive_max_pool2d(torch.rand(1, 2, 7, 7), [3, null]).shape // torch.Size([1, 2, 3, 7])
 */
export function adaptive_max_pool2d(input: Tensor, output_size: AdaptiveSizeArg,
  return_indices: true | { return_indices: true }): [Tensor, Tensor];
export function adaptive_max_pool2d(input: Tensor,
  output_size: { output_size: number | readonly (number | null)[]; return_indices: true }): [Tensor, Tensor];
export function adaptive_max_pool2d(input: Tensor, output_size: AdaptiveSizeArg,
  return_indices?: boolean | { return_indices?: boolean }): Tensor;
export function adaptive_max_pool2d(input: Tensor, output_size: AdaptiveSizeArg,
  return_indices?: boolean | { return_indices?: boolean }): Tensor | [Tensor, Tensor] {
  const ri = typeof return_indices === 'object' ? return_indices.return_indices
    : isOpts(output_size) ? (output_size as { return_indices?: boolean }).return_indices : return_indices;
  const [out, idx] = adaptive_max_pool2d_with_indices(input, output_size);
  return ri ? [out, idx] : out;
}
