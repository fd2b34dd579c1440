// 1-D and 2-D convolution and transposed convolution with PyTorch's argument checks and a
// twice-differentiable backward (ATen/native/Convolution.cpp: conv1d, conv2d, conv_transpose1d/2d,
// _convolution, convolution_backward, check_shape_forward).
//
// The backward is built from two ops, the input gradient and the weight gradient, each defined
// with defineOp and each differentiated by the other two (the three maps are adjoint in pairs),
// so higher-order gradients work, with PyTorch's node name ConvolutionBackwardBackward0.
// A 1-D convolution runs on the 2-D kernels with H = 1 (no autograd-visible reshape, so its node is
// ConvolutionBackward0 as in PyTorch); a transposed convolution is the input-gradient map.
import { K, type Conv2dGeom, type View } from '../backend/backend.js';
import { Tensor } from '../tensor/tensor.js';
import { fmtShape } from '../tensor/view.js';
import { check } from '../utils/check.js';
import { defineOp } from './define.js';
import { kv, storeKind } from './util.js';
import { kwargs } from '../utils/kwargs.js';

export type IntOrPair = number | readonly number[];
export type Conv2dPadding = IntOrPair | 'same' | 'valid';

/** torch.nn.functional.conv1d / conv2d's keyword arguments. */
export interface Conv2dOptions {
  bias?: Tensor | null;
  stride?: IntOrPair;
  padding?: Conv2dPadding;
  dilation?: IntOrPair;
  groups?: number;
}
export type Conv1dOptions = Conv2dOptions;

/** torch.nn.functional.conv_transpose1d / conv_transpose2d's keyword arguments. */
export interface ConvTransposeOptions {
  bias?: Tensor | null;
  stride?: IntOrPair;
  padding?: IntOrPair;
  output_padding?: IntOrPair;
  groups?: number;
  dilation?: IntOrPair;
}

/**
 * Resolved 2-D hyper-parameters (a 1-D convolution has H = 1: stride/dilation 1, padding 0 there):
 * top/left padding and the output size of the (non-transposed) convolution.
 */
interface ConvParams {
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  groups: number;
  out: [number, number];
}

/** A contiguous tensor with the same values (a raw kernel copy, never recorded by autograd). */
export function contig(t: Tensor): Tensor {
  if (t.is_contiguous()) return t;
  const out = Tensor._uninit(t._shape, t.dtype);
  K().copy(kv(t), kv(out), storeKind(t.dtype));
  return out;
}

/** [H, W] of an N-C-H-W shape, or [1, L] of an N-C-L shape. */
function hw(s: readonly number[]): [number, number] {
  return s.length === 3 ? [1, s[2]] : [s[2], s[3]];
}

/** The shape [N, C, ...spatial] with the 2-D spatial size cut back to the shape's own rank. */
function withSpatial(like: readonly number[], n: number, c: number, sp: [number, number]): number[] {
  return like.length === 3 ? [n, c, sp[1]] : [n, c, sp[0], sp[1]];
}

function geom(x: readonly number[], w: readonly number[], p: ConvParams): Conv2dGeom {
  const [H, W] = hw(x);
  const [kH, kW] = hw(w);
  return {
    N: x[0], C: x[1], H, W, O: w[0], kH, kW,
    sH: p.stride[0], sW: p.stride[1], pH: p.padding[0], pW: p.padding[1],
    dH: p.dilation[0], dW: p.dilation[1], groups: p.groups, oH: p.out[0], oW: p.out[1],
  };
}

/** The dims a bias gradient sums over: batch and every spatial dim. */
function biasDims(g: Tensor): number[] {
  return g.dim() === 3 ? [0, 2] : [0, 2, 3];
}

/** out + bias[c] over channel dim 1, with a raw kernel (a fresh output, never recorded). */
function addBias(out: Tensor, b: Tensor): Tensor {
  const strides = out._shape.map((_, i) => (i === 1 ? b._strides[0] : 0));
  const bv: View = { data: b._storage.data, shape: out._shape, strides, offset: b._offset };
  const res = Tensor._uninit(out._shape, out.dtype);
  K().binary('add', kv(out), bv, res._storage.data, storeKind(out.dtype));
  return res;
}

function convForward(x: Tensor, w: Tensor, b: Tensor | null, p: ConvParams): Tensor {
  const xc = contig(x);
  const wc = contig(w);
  const bc = b === null ? null : contig(b);
  const shape = withSpatial(x._shape, x._shape[0], w._shape[0], p.out);
  // The kernels write every output element once the input is non-empty (C > 0).
  const out = x.numel() > 0 ? Tensor._uninit(shape, x.dtype) : Tensor._empty(shape, x.dtype);
  K().conv2d(geom(x._shape, w._shape, p), xc._storage.data, xc._offset, wc._storage.data, wc._offset,
    bc === null ? null : bc._storage.data, bc === null ? 0 : bc._offset, out._storage.data);
  return out;
}

type ConvolutionOp = (x: Tensor, w: Tensor, b: Tensor | null, p: ConvParams) => Tensor;

/** The convolution itself under a node name; backward gives input, weight and bias gradients. */
function makeConvolution(name: string): ConvolutionOp {
  return defineOp({
    name,
    forward(ctx, x: Tensor, w: Tensor, b: Tensor | null, p: ConvParams) {
      ctx.p = p;
      ctx.save_for_backward(x, w);
      return convForward(x, w, b, p);
    },
    backward(ctx, g): (Tensor | null)[] {
      const [x, w] = ctx.saved_tensors;
      const p = ctx.p as ConvParams;
      const need = ctx.needs_input_grad;
      return [
        need[0] ? convBackwardInput(g, w, x._shape, p) : null,
        need[1] ? convBackwardWeight(x, g, w._shape, p) : null,
        need[2] ? g.sum(biasDims(g)) : null,
      ];
    },
  });
}

const convolutionOp = makeConvolution('ConvolutionBackward0');
/** The same map when it is the input gradient of a transposed convolution (a backward result). */
const convolutionAsBackwardOp = makeConvolution('ConvolutionBackwardBackward0');

/** The input-gradient map of a convolution whose input has shape xShape (no autograd). */
function backwardInputRaw(g: Tensor, w: Tensor, xShape: readonly number[], p: ConvParams): Tensor {
  const gc = contig(g);
  const wc = contig(w);
  const gi = Tensor._zeros(xShape, g.dtype);
  K().conv2dBackwardInput(geom(xShape, w._shape, p), gc._storage.data, gc._offset,
    wc._storage.data, wc._offset, gi._storage.data);
  return gi;
}

/** grad_input = the convolution's adjoint in x applied to g; differentiable in g and w. */
const convBackwardInput: (g: Tensor, w: Tensor, xShape: readonly number[], p: ConvParams) => Tensor =
  defineOp({
  name: 'ConvolutionBackwardBackward0',
  forward(ctx, g: Tensor, w: Tensor, xShape: readonly number[], p: ConvParams) {
    Object.assign(ctx, { p, xShape });
    ctx.save_for_backward(g, w);
    return backwardInputRaw(g, w, xShape, p);
  },
  backward(ctx, gg): (Tensor | null)[] {
    const [g, w] = ctx.saved_tensors;
    const p = ctx.p as ConvParams;
    const need = ctx.needs_input_grad;
    return [
      need[0] ? convolutionOp(gg, w, null, p) : null,
      need[1] ? convBackwardWeight(gg, g, w._shape, p) : null,
    ];
  },
});

/** grad_weight = the convolution's adjoint in w applied to g; differentiable in x and g. */
const convBackwardWeight: (x: Tensor, g: Tensor, wShape: readonly number[], p: ConvParams) => Tensor =
  defineOp({
  name: 'ConvolutionBackwardBackward0',
  forward(ctx, x: Tensor, g: Tensor, wShape: readonly number[], p: ConvParams) {
    Object.assign(ctx, { p, wShape });
    ctx.save_for_backward(x, g);
    const xc = contig(x);
    const gc = contig(g);
    const gw = Tensor._zeros(wShape, x.dtype);
    K().conv2dBackwardWeight(geom(x._shape, wShape, p), xc._storage.data, xc._offset,
      gc._storage.data, gc._offset, gw._storage.data);
    return gw;
  },
  backward(ctx, gg): (Tensor | null)[] {
    const [x, g] = ctx.saved_tensors;
    const p = ctx.p as ConvParams;
    const need = ctx.needs_input_grad;
    return [
      need[0] ? convBackwardInput(g, gg, x._shape, p) : null,
      need[1] ? convolutionOp(x, gg, null, p) : null,
    ];
  },
});

/**
 * The transposed convolution x [N, Cin, ...] -> [N, w[1]*groups, ...outShape]: the input-gradient
 * map of the convolution of outShape-sized images by w (p describes that convolution; p.out is
 * x's spatial size). Its adjoints are that convolution (for x) and its weight gradient (for w).
 */
const convTransposeOp: (x: Tensor, w: Tensor, b: Tensor | null, p: ConvParams, outShape: number[]) => Tensor =
  defineOp({
  name: 'ConvolutionBackward0',
  forward(ctx, x: Tensor, w: Tensor, b: Tensor | null, p: ConvParams, outShape: number[]) {
    ctx.p = p;
    ctx.save_for_backward(x, w);
    const out = backwardInputRaw(x, w, outShape, p);
    return b === null ? out : addBias(out, b);
  },
  backward(ctx, g): (Tensor | null)[] {
    const [x, w] = ctx.saved_tensors;
    const p = ctx.p as ConvParams;
    const need = ctx.needs_input_grad;
    return [
      need[0] ? convolutionAsBackwardOp(g, w, null, p) : null,
      need[1] ? convBackwardWeight(g, x, w._shape, p) : null,
      need[2] ? g.sum(biasDims(g)) : null,
    ];
  },
});

/** Python's _single / _pair for an nd-dimensional convolution, with PyTorch's message. */
function tuple(v: IntOrPair, name: string, nd: number): number[] {
  if (typeof v === 'number') return new Array<number>(nd).fill(v);
  check(v.length === 1 || v.length === nd, () =>
    `expected ${name} to be a single integer value or a list of ${nd} values to match the convolution ` +
    `dimensions, but got ${name}=[${v.join(', ')}]`);
  return v.length === 1 ? new Array<number>(nd).fill(v[0]) : v.slice();
}

/** An nd-tuple as the 2-D kernels see it (1-D: H gets `fill`). */
function lift(t: readonly number[], fill: number): [number, number] {
  return t.length === 1 ? [fill, t[0]] : [t[0], t[1]];
}

function dtypeName(t: Tensor): string {
  return { float32: 'float', float64: 'double', int32: 'int', int64: 'long', bool: 'bool' }[t.dtype.name];
}

function checkTypes(x: Tensor, w: Tensor, b: Tensor | null, kernel: string): void {
  check(b === null || b.dtype === x.dtype, () =>
    `Input type (${dtypeName(x)}) and bias type (${dtypeName(b!)}) should be the same`);
  check(x.dtype === w.dtype, () =>
    `Input type (${x.type()}) and weight type (${w.type()}) should be the same`);
  const intName = { int32: 'Int', int64: 'Long', bool: 'Bool' }[x.dtype.name as 'int32'];
  check(x.dtype.is_floating_point, () => `"${kernel}" not implemented for '${intName}'`);
}

/** check_shape_forward's checks common to plain and transposed convolutions, in its order. */
function checkWeight(x: Tensor, w: Tensor, groups: number): void {
  const ws = w._shape;
  check(ws.length === x.dim(), () =>
    `Expected ${ws.length}-dimensional input for ${ws.length}-dimensional weight ${fmtShape(ws)}, but got ` +
    `${x.dim()}-dimensional input of size ${fmtShape(x._shape)} instead`);
  check(ws[0] >= groups, () =>
    `Given groups=${groups}, expected weight to be at least ${groups} at dimension 0, ` +
    `but got weight of size ${fmtShape(ws)} instead`);
  check(ws[0] % groups === 0, () =>
    `Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, ` +
    `but got weight of size [${fmtShape(ws)}] instead`);
}

/** check_shape_forward for a plain convolution; pad and dil hold one entry per spatial dim. */
function checkShapes(x: Tensor, w: Tensor, b: Tensor | null, pad: number[], dil: number[],
  groups: number): void {
  checkWeight(x, w, groups);
  const ws = w._shape;
  check(x._shape[1] === ws[1] * groups, () =>
    `Given groups=${groups}, weight of size ${fmtShape(ws)}, expected input${fmtShape(x._shape)} to have ` +
    `${ws[1] * groups} channels, but got ${x._shape[1]} channels instead`);
  check(b === null || (b.dim() === 1 && b._shape[0] === ws[0]), () =>
    `Given weight of size ${fmtShape(ws)}, expected bias to be 1-dimensional with ${ws[0]} elements, ` +
    `but got bias of size ${fmtShape(b!._shape)} instead`);
  const padded = pad.map((p, i) => x._shape[i + 2] + 2 * p);
  const kernel = dil.map((d, i) => d * (ws[i + 2] - 1) + 1);
  check(padded.every((s, i) => s >= kernel[i]), () =>
    `Calculated padded input size per channel: (${padded.join(' x ')}). ` +
    `Kernel size: (${kernel.join(' x ')}). Kernel size can't be greater than actual input size`);
}

/** Resolves 'same' / 'valid' / ints into top-left padding and the output size. */
function resolveParams(x: Tensor, w: Tensor, stride: [number, number], padding: Conv2dPadding, nd: number,
  dil: [number, number], groups: number): ConvParams {
  const [H, W] = hw(x._shape);
  const k = hw(w._shape);
  let pad: [number, number];
  let out: [number, number];
  if (padding === 'same') {
    check(stride[0] === 1 && stride[1] === 1, () =>
      "padding='same' is not supported for strided convolutions");
    // Total padding d*(k-1); an odd total puts the extra row/column at the bottom/right, as PyTorch.
    pad = [0, 1].map((i) => Math.floor((dil[i] * (k[i] - 1)) / 2)) as [number, number];
    out = [H, W];
  } else {
    pad = padding === 'valid' ? [0, 0] : lift(tuple(padding, 'padding', nd), 0);
    check(pad[0] >= 0 && pad[1] >= 0, () => 'negative padding is not supported');
    const size = (i: number): number =>
      Math.floor(([H, W][i] + 2 * pad[i] - dil[i] * (k[i] - 1) - 1) / stride[i]) + 1;
    out = [size(0), size(1)];
  }
  return { stride, padding: pad, dilation: dil, groups, out };
}

/** Batches an unbatched input after checking its rank, as conv1d/conv2d/conv_transpose do. */
function batchInput(input: Tensor, nd: number, fn: string): [Tensor, boolean] {
  check(input.dim() === nd + 1 || input.dim() === nd + 2, () =>
    `Expected ${nd + 1}D (unbatched) or ${nd + 2}D (batched) input to ${fn}, but got input of size: ` +
    fmtShape(input._shape));
  const batched = input.dim() === nd + 2;
  return [batched ? input : input.unsqueeze(0), batched];
}

/** conv1d / conv2d: check, resolve and run the convolution over nd spatial dims. */
function convNd(input: Tensor, weight: Tensor, rest: readonly unknown[], nd: number): Tensor {
  const o = kwargs<Partial<Conv2dOptions>>(['bias', 'stride', 'padding', 'dilation', 'groups'], rest);
  const b = o.bias ?? null;
  const groups = o.groups ?? 1;
  const padding = o.padding ?? 0;
  checkTypes(input, weight, b, 'slow_conv2d_cpu');
  const [x, batched] = batchInput(input, nd, `conv${nd}d`);
  if (typeof padding === 'string') {
    check(padding === 'same' || padding === 'valid', () => `Invalid padding string: '${padding}'`);
  }
  const stride = tuple(o.stride ?? 1, 'stride', nd);
  const dil = tuple(o.dilation ?? 1, 'dilation', nd);
  check(stride.every((s) => s > 0), () => 'non-positive stride is not supported');
  check(dil.every((d) => d > 0), () => 'non-positive dilation is not supported');
  check(groups > 0, () => 'non-positive groups is not supported');
  const p = resolveParams(x, weight, lift(stride, 1), padding, nd, lift(dil, 1), groups);
  // 'same' pads d*(k-1) in total, possibly unevenly; the shape check sees the average.
  const halfSame = (i: number): number => (dil[i] * (weight._shape[i + 2] - 1)) / 2;
  const padNd = nd === 1 ? [p.padding[1]] : p.padding;
  const checkPad = padding === 'same' ? dil.map((_, i) => halfSame(i)) : padNd;
  checkShapes(x, weight, b, checkPad, dil, groups);
  const out = convolutionOp(x, weight, b, p);
  return batched ? out : out.squeeze(0);
}

/** conv1d's arguments after weight: positional, with a trailing options object anywhere after them. */
type ConvArgs = [
  bias?: Tensor | null | Conv2dOptions, stride?: IntOrPair | Conv2dOptions,
  padding?: Conv2dPadding | Conv2dOptions, dilation?: IntOrPair | Conv2dOptions,
  groups?: number | Conv2dOptions, opts?: Conv2dOptions,
];

/**
 * torch.nn.functional.conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
 * input [N, C, L] or unbatched [C, L]; padding may be 'same' or 'valid'.
 * @example
 * conv1d(torch.ones(1, 2, 5), torch.ones(3, 2, 3)).shape // torch.Size([1, 3, 3])
 */
export function conv1d(input: Tensor, weight: Tensor, ...rest: ConvArgs): Tensor {
  return convNd(input, weight, rest, 1);
}

/**
 * torch.nn.functional.conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
 * input [N, C, H, W] or unbatched [C, H, W]; padding may be 'same' or 'valid'.
 * @example
 * conv2d(torch.ones(1, 1, 4, 4), torch.ones(2, 1, 3, 3), { padding: 1 }).shape // torch.Size([1, 2, 4, 4])
 */
export function conv2d(input: Tensor, weight: Tensor, ...rest: ConvArgs): Tensor {
  return convNd(input, weight, rest, 2);
}

/** check_shape_forward for a transposed convolution (weight [Cin, Cout/groups, k...]). */
function checkTransposedShapes(x: Tensor, w: Tensor, b: Tensor | null, groups: number): void {
  checkWeight(x, w, groups);
  const ws = w._shape;
  check(x._shape[1] === ws[0], () =>
    `Given transposed=1, weight of size ${fmtShape(ws)}, expected input${fmtShape(x._shape)} to have ` +
    `${ws[0]} channels, but got ${x._shape[1]} channels instead`);
  check(b === null || (b.dim() === 1 && b._shape[0] === ws[1] * groups), () =>
    `Given transposed=1, weight of size ${fmtShape(ws)}, expected bias to be 1-dimensional with ` +
    `${ws[1] * groups} elements, but got bias of size ${fmtShape(b!._shape)} instead`);
}

/** slow_conv_transpose2d_shape_check's output_padding rule, seen in 2-D as PyTorch runs 1-D. */
function checkOutputPadding(op: number[], stride: number[], dil: number[]): void {
  const [oph, opw] = lift(op, 0);
  const [sh, sw] = lift(stride, 1);
  const [dh, dw] = lift(dil, 1);
  check((opw < sw || opw < dw) && (oph < sh || oph < dh), () =>
    'output padding must be smaller than either stride or dilation, but got output_padding_height: ' +
    `${oph} output_padding_width: ${opw} stride_height: ${sh} stride_width: ${sw} ` +
    `dilation_height: ${dh} dilation_width: ${dw}`);
}

/** conv_transpose1d / conv_transpose2d over nd spatial dims. */
function convTransposeNd(input: Tensor, weight: Tensor, rest: readonly unknown[], nd: number): Tensor {
  const o = kwargs<Partial<ConvTransposeOptions>>(
    ['bias', 'stride', 'padding', 'output_padding', 'groups', 'dilation'], rest);
  const b = o.bias ?? null;
  const groups = o.groups ?? 1;
  checkTypes(input, weight, b, 'slow_conv_transpose2d_out_cpu');
  const [x, batched] = batchInput(input, nd, `conv_transpose${nd}d`);
  const stride = tuple(o.stride ?? 1, 'stride', nd);
  const pad = tuple(o.padding ?? 0, 'padding', nd);
  const op = tuple(o.output_padding ?? 0, 'output_padding', nd);
  const dil = tuple(o.dilation ?? 1, 'dilation', nd);
  check(pad.every((v) => v >= 0), () => 'negative padding is not supported');
  check(op.every((v) => v >= 0), () => 'negative output_padding is not supported');
  check(stride.every((s) => s > 0), () => 'non-positive stride is not supported');
  check(dil.every((d) => d > 0), () => 'dilation should be greater than zero');
  check(groups > 0, () => 'non-positive groups is not supported');
  checkTransposedShapes(x, weight, b, groups);
  checkOutputPadding(op, stride, dil);
  const inSp = x._shape.slice(2);
  const outSp = inSp.map((s, i) => (s - 1) * stride[i] - 2 * pad[i] + dil[i] * (weight._shape[i + 2] - 1) +
    op[i] + 1);
  check(outSp.every((s) => s > 0), () =>
    `Given input size per channel: (${inSp.join(' x ')}). Calculated output size per channel: ` +
    `(${outSp.join(' x ')}). Output size is too small`);
  const p: ConvParams = { stride: lift(stride, 1), padding: lift(pad, 0), dilation: lift(dil, 1), groups,
    out: lift(inSp, 1) };
  const outShape = [x._shape[0], weight._shape[1] * groups, ...outSp];
  const out = convTransposeOp(x, weight, b, p, outShape);
  return batched ? out : out.squeeze(0);
}

/** conv_transpose1d/2d's arguments after weight (PyTorch's order: output_padding before groups). */
type ConvTransposeArgs = [
  bias?: Tensor | null | ConvTransposeOptions, stride?: IntOrPair | ConvTransposeOptions,
  padding?: IntOrPair | ConvTransposeOptions, output_padding?: IntOrPair | ConvTransposeOptions,
  groups?: number | ConvTransposeOptions, dilation?: IntOrPair | ConvTransposeOptions,
  opts?: ConvTransposeOptions,
];

/**
 * torch.nn.functional.conv_transpose1d(input, weight, bias=None, stride=1, padding=0,
 * output_padding=0, groups=1, dilation=1): input [N, Cin, L] or [Cin, L], weight [Cin, Cout/groups, k].
 * @example
 * conv_transpose1d(torch.ones(1, 2, 3), torch.ones(2, 4, 2), { stride: 2 }).shape // [1, 4, 6]
 */
export function conv_transpose1d(input: Tensor, weight: Tensor, ...rest: ConvTransposeArgs): Tensor {
  return convTransposeNd(input, weight, rest, 1);
}

/**
 * torch.nn.functional.conv_transpose2d(input, weight, bias=None, stride=1, padding=0,
 * output_padding=0, groups=1, dilation=1): input [N, Cin, H, W] or [Cin, H, W],
 * weight [Cin, Cout/groups, kH, kW].
 * @example
 * conv_transpose2d(torch.ones(1, 4, 3, 3), torch.ones(4, 2, 2, 2), { stride: 2 }).shape // [1, 2, 6, 6]
 */
export function conv_transpose2d(input: Tensor, weight: Tensor, ...rest: ConvTransposeArgs): Tensor {
  return convTransposeNd(input, weight, rest, 2);
}
