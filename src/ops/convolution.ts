// 2-D convolution with PyTorch's argument checks and a twice-differentiable backward
// (ATen/native/Convolution.cpp: conv2d, _convolution, convolution_backward, check_shape_forward).
//
// The backward is built from two ops, the input gradient and the weight gradient, each defined
// with defineOp and each differentiated by the other two (the three maps are adjoint in pairs),
// so higher-order gradients of conv2d work, with PyTorch's node name ConvolutionBackwardBackward0.
import { K, type Conv2dGeom } from '../backend/backend.js';
import { Tensor } from '../tensor/tensor.js';
import { fmtShape } from '../tensor/view.js';
import { check } from '../utils/check.js';
import { defineOp } from './define.js';
import { kv, storeKind } from './util.js';

export type IntOrPair = number | readonly number[];
export type Conv2dPadding = IntOrPair | 'same' | 'valid';

/** torch.nn.functional.conv2d's keyword arguments. */
export interface Conv2dOptions {
  bias?: Tensor | null;
  stride?: IntOrPair;
  padding?: Conv2dPadding;
  dilation?: IntOrPair;
  groups?: number;
}

/** Resolved hyper-parameters: top/left padding and the output size (which fixes bottom/right). */
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
  const out = Tensor._empty(t._shape, t.dtype);
  K().copy(kv(t), kv(out), storeKind(t.dtype));
  return out;
}

function geom(x: readonly number[], w: readonly number[], p: ConvParams): Conv2dGeom {
  return {
    N: x[0], C: x[1], H: x[2], W: x[3], O: w[0], kH: w[2], kW: w[3],
    sH: p.stride[0], sW: p.stride[1], pH: p.padding[0], pW: p.padding[1],
    dH: p.dilation[0], dW: p.dilation[1], groups: p.groups, oH: p.out[0], oW: p.out[1],
  };
}

function convForward(x: Tensor, w: Tensor, b: Tensor | null, p: ConvParams): Tensor {
  const xc = contig(x);
  const wc = contig(w);
  const bc = b === null ? null : contig(b);
  const out = Tensor._empty([x._shape[0], w._shape[0], p.out[0], p.out[1]], x.dtype);
  K().conv2d(geom(x._shape, w._shape, p), xc._storage.data, xc._offset, wc._storage.data, wc._offset,
    bc === null ? null : bc._storage.data, bc === null ? 0 : bc._offset, out._storage.data);
  return out;
}

/** The convolution itself; backward gives input, weight and bias gradients. */
const convolutionOp: (x: Tensor, w: Tensor, b: Tensor | null, p: ConvParams) => Tensor = defineOp({
  name: 'ConvolutionBackward0',
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
      need[2] ? g.sum([0, 2, 3]) : null,
    ];
  },
});

/** grad_input = conv2d's adjoint in x applied to g; differentiable in g and w. */
const convBackwardInput: (g: Tensor, w: Tensor, xShape: readonly number[], p: ConvParams) => Tensor =
  defineOp({
  name: 'ConvolutionBackwardBackward0',
  forward(ctx, g: Tensor, w: Tensor, xShape: readonly number[], p: ConvParams) {
    Object.assign(ctx, { p, xShape });
    ctx.save_for_backward(g, w);
    const gc = contig(g);
    const wc = contig(w);
    const gi = Tensor._zeros(xShape, g.dtype);
    K().conv2dBackwardInput(geom(xShape, w._shape, p), gc._storage.data, gc._offset,
      wc._storage.data, wc._offset, gi._storage.data);
    return gi;
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

/** grad_weight = conv2d's adjoint in w applied to g; differentiable in x and g. */
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

function pair(v: IntOrPair, name: string): [number, number] {
  if (typeof v === 'number') return [v, v];
  check(v.length === 1 || v.length === 2, () =>
    `expected ${name} to be a single integer value or a list of 2 values to match the convolution ` +
    `dimensions, but got ${name}=[${v.join(', ')}]`);
  return v.length === 1 ? [v[0], v[0]] : [v[0], v[1]];
}

function dtypeName(t: Tensor): string {
  return { float32: 'float', float64: 'double', int32: 'int', int64: 'long', bool: 'bool' }[t.dtype.name];
}

function checkTypes(x: Tensor, w: Tensor, b: Tensor | null): void {
  check(b === null || b.dtype === x.dtype, () =>
    `Input type (${dtypeName(x)}) and bias type (${dtypeName(b!)}) should be the same`);
  check(x.dtype === w.dtype, () =>
    `Input type (${x.type()}) and weight type (${w.type()}) should be the same`);
  const intName = { int32: 'Int', int64: 'Long', bool: 'Bool' }[x.dtype.name as 'int32'];
  check(x.dtype.is_floating_point, () => `"slow_conv2d_cpu" not implemented for '${intName}'`);
}

/** check_shape_forward: PyTorch's shape checks and messages, in its order. */
function checkShapes(x: Tensor, w: Tensor, b: Tensor | null, pad: [number, number], dil: [number, number],
  groups: number): void {
  const ws = w._shape;
  check(ws.length === 4, () =>
    `Expected ${ws.length}-dimensional input for ${ws.length}-dimensional weight ${fmtShape(ws)}, but got ` +
    `4-dimensional input of size ${fmtShape(x._shape)} instead`);
  check(ws[0] >= groups, () =>
    `Given groups=${groups}, expected weight to be at least ${groups} at dimension 0, ` +
    `but got weight of size ${fmtShape(ws)} instead`);
  check(ws[0] % groups === 0, () =>
    `Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, ` +
    `but got weight of size [${fmtShape(ws)}] instead`);
  check(x._shape[1] === ws[1] * groups, () =>
    `Given groups=${groups}, weight of size ${fmtShape(ws)}, expected input${fmtShape(x._shape)} to have ` +
    `${ws[1] * groups} channels, but got ${x._shape[1]} channels instead`);
  check(b === null || (b.dim() === 1 && b._shape[0] === ws[0]), () =>
    `Given weight of size ${fmtShape(ws)}, expected bias to be 1-dimensional with ${ws[0]} elements, ` +
    `but got bias of size ${fmtShape(b!._shape)} instead`);
  const padded = [0, 1].map((i) => x._shape[i + 2] + 2 * pad[i]);
  const kernel = [0, 1].map((i) => dil[i] * (ws[i + 2] - 1) + 1);
  check(padded[0] >= kernel[0] && padded[1] >= kernel[1], () =>
    `Calculated padded input size per channel: (${padded.join(' x ')}). ` +
    `Kernel size: (${kernel.join(' x ')}). Kernel size can't be greater than actual input size`);
}

/** Resolves 'same' / 'valid' / ints into top-left padding and the output size. */
function resolveParams(x: Tensor, w: Tensor, stride: [number, number], padding: Conv2dPadding,
  dil: [number, number], groups: number): ConvParams {
  let pad: [number, number];
  let out: [number, number];
  if (padding === 'same') {
    check(stride[0] === 1 && stride[1] === 1, () =>
      "padding='same' is not supported for strided convolutions");
    // Total padding d*(k-1); an odd total puts the extra row/column at the bottom/right, as PyTorch.
    pad = [0, 1].map((i) => Math.floor((dil[i] * (w._shape[i + 2] - 1)) / 2)) as [number, number];
    out = [x._shape[2], x._shape[3]];
  } else {
    pad = padding === 'valid' ? [0, 0] : pair(padding, 'padding');
    check(pad[0] >= 0 && pad[1] >= 0, () => 'negative padding is not supported');
    const size = (i: number): number =>
      Math.floor((x._shape[i + 2] + 2 * pad[i] - dil[i] * (w._shape[i + 2] - 1) - 1) / stride[i]) + 1;
    out = [size(0), size(1)];
  }
  return { stride, padding: pad, dilation: dil, groups, out };
}

/** conv2d's arguments after weight: positional, with a trailing options object anywhere after them. */
type Conv2dArgs = [
  bias?: Tensor | null | Conv2dOptions, stride?: IntOrPair | Conv2dOptions,
  padding?: Conv2dPadding | Conv2dOptions, dilation?: IntOrPair | Conv2dOptions,
  groups?: number | Conv2dOptions, opts?: Conv2dOptions,
];

function isOptions(v: unknown): v is Conv2dOptions {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Tensor);
}

function parseArgs(rest: Conv2dArgs): Required<Conv2dOptions> {
  const names = ['bias', 'stride', 'padding', 'dilation', 'groups'] as const;
  const o: Conv2dOptions = {};
  const r = rest as unknown[];
  for (let i = 0; i < r.length; i++) {
    const v = r[i];
    if (isOptions(v)) Object.assign(o, v);
    else if (v !== undefined) (o as Record<string, unknown>)[names[i]] = v;
  }
  return { bias: o.bias ?? null, stride: o.stride ?? 1, padding: o.padding ?? 0, dilation: o.dilation ?? 1,
    groups: o.groups ?? 1 };
}

/**
 * torch.nn.functional.conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
 * input [N, C, H, W] or unbatched [C, H, W]; padding may be 'same' or 'valid'.
 * @example
 * conv2d(torch.ones(1, 1, 4, 4), torch.ones(2, 1, 3, 3), { padding: 1 }).shape // torch.Size([1, 2, 4, 4])
 */
export function conv2d(input: Tensor, weight: Tensor, ...rest: Conv2dArgs): Tensor {
  const o = parseArgs(rest);
  const b = o.bias;
  checkTypes(input, weight, b);
  check(input.dim() === 3 || input.dim() === 4, () =>
    'Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: ' +
    fmtShape(input._shape));
  const batched = input.dim() === 4;
  const x = batched ? input : input.unsqueeze(0);
  if (typeof o.padding === 'string') {
    check(o.padding === 'same' || o.padding === 'valid', () => `Invalid padding string: '${o.padding}'`);
  }
  const stride = pair(o.stride, 'stride');
  const dil = pair(o.dilation, 'dilation');
  check(stride[0] > 0 && stride[1] > 0, () => 'non-positive stride is not supported');
  check(dil[0] > 0 && dil[1] > 0, () => 'non-positive dilation is not supported');
  check(o.groups > 0, () => 'non-positive groups is not supported');
  const p = resolveParams(x, weight, stride, o.padding, dil, o.groups);
  // 'same' pads d*(k-1) in total, possibly unevenly; the shape check sees the average.
  const halfSame = (i: number): number => (dil[i] * (weight._shape[i + 2] - 1)) / 2;
  const checkPad: [number, number] = o.padding === 'same' ? [halfSame(0), halfSame(1)] : p.padding;
  checkShapes(x, weight, b, checkPad, dil, o.groups);
  const out = convolutionOp(x, weight, b, p);
  return batched ? out : out.squeeze(0);
}
