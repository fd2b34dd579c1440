// Upsampling (ATen/native/UpSample.h, UpSampleNearest{1,2}d.cpp, UpSampleBilinear2d.cpp,
// UpSampleLinear1d.cpp, cpu/UpSampleKernel.cpp) and torch.nn.functional.interpolate.
// Kernels are plain loops over contiguous [P, H, W] planes (1-D data is a plane of height 1).
import { Tensor } from '../tensor/tensor.js';
import { fmtShape } from '../tensor/view.js';
import { NotImplementedError, ValueError, check } from '../utils/check.js';
import { warn } from '../utils/warnings.js';
import { contig } from './convolution.js';
import { defineOp, type OpCtx } from './define.js';
import { adaptive_avg_pool2d } from './pooling.js';
import { adaptive_avg_pool1d } from './pooling1d.js';

/** Source rows (or columns) and weights for each output position along one axis. */
interface AxisPlan {
  i0: Int32Array;
  i1: Int32Array;
  l0: Float64Array;
  l1: Float64Array;
}

/**
 * An upsampling of P planes [H, W] -> [oH, oW]. For nearest modes PyTorch's forward and backward
 * kernels may pick different source indices (see nearestPlans), so each has its own axis plans.
 */
interface Plan {
  P: number; H: number; W: number; oH: number; oW: number;
  nearest: boolean;
  ph: AxisPlan; pw: AxisPlan;
  bh: AxisPlan; bw: AxisPlan;
}

type Round = (x: number) => number;

/** compute_scales_value: 1/scale when a scale was given, else in/out, in the kernel's precision. */
function scalesValue(scale: number | null, inS: number, outS: number, r: Round): number {
  return scale !== null && scale > 0 ? r(1 / scale) : r(inS / outS);
}

function axisOf(i0: Int32Array): AxisPlan {
  const n = i0.length;
  return { i0, i1: i0, l0: new Float64Array(n).fill(1), l1: new Float64Array(n) };
}

/**
 * nearest_idx / nearest_exact_idx of UpSample.h: a C float scale whatever the dtype, and exact
 * shortcuts for equal and doubled sizes. floorf of a double argument rounds it to float first.
 */
function nearestIdx(inS: number, outS: number, scale: number | null, exact: boolean): AxisPlan {
  const i0 = new Int32Array(outS);
  const s = scalesValue(scale, inS, outS, Math.fround);
  for (let o = 0; o < outS; o++) {
    if (exact) i0[o] = Math.min(Math.floor(Math.fround((o + 0.5) * s)), inS - 1);
    else if (outS === inS) i0[o] = o;
    else if (outS === 2 * inS) i0[o] = o >> 1;
    else i0[o] = Math.min(Math.floor(Math.fround(o * s)), inS - 1);
  }
  return axisOf(i0);
}

/** HelperInterpNearest(Exact) of cpu/UpSampleKernel.cpp: the scale in the dtype's precision `r`. */
function nearestGeneric(inS: number, outS: number, scale: number | null, exact: boolean, r: Round): AxisPlan {
  const i0 = new Int32Array(outS);
  const s = scalesValue(scale, inS, outS, r);
  for (let o = 0; o < outS; o++) {
    let idx: number;
    if (exact) {
      const real = Math.max(r(r(s * r(o + 0.5)) - 0.5), 0);
      idx = Math.floor(Math.fround(real + 0.5));
    } else {
      idx = Math.floor(Math.fround(r(s * o)));
    }
    i0[o] = Math.min(idx, inS - 1);
  }
  return axisOf(i0);
}

/** torch's is_contiguous(memory_format=torch.channels_last) for a 4-D tensor. */
function channelsLastContiguous(x: Tensor): boolean {
  let expected = 1;
  for (const d of [1, 3, 2, 0]) {
    if (x._shape[d] === 1) continue;
    if (x._strides[d] !== expected) return false;
    expected *= x._shape[d];
  }
  return true;
}

/**
 * Forward and backward index plans of a nearest upsampling. The backward kernels always use
 * nearest_idx; the 2-D forward uses it too for small outputs (oH + oW <= 128) or channels-last
 * inputs with more than 3 channels (_use_vectorized_kernel_cond_2d), else the generic helper,
 * which 1-D always uses. The two can disagree by one source row; PyTorch lives with that.
 */
function nearestPlans(x: Tensor, inHW: number[], outHW: number[], sc: (number | null)[], exact: boolean,
  r: Round): [AxisPlan, AxisPlan, AxisPlan, AxisPlan] {
  const bh = nearestIdx(inHW[0], outHW[0], sc[0], exact);
  const bw = nearestIdx(inHW[1], outHW[1], sc[1], exact);
  const vectorized = x.dim() === 4 &&
    ((channelsLastContiguous(x) && x._shape[1] > 3) || outHW[0] + outHW[1] <= 128);
  if (vectorized) return [bh, bw, bh, bw];
  const ph = nearestGeneric(inHW[0], outHW[0], sc[0], exact, r);
  const pw = nearestGeneric(inHW[1], outHW[1], sc[1], exact, r);
  return [ph, pw, bh, bw];
}

/** compute_source_index_and_lambda with area_pixel_compute_scale, in the dtype's precision `r`. */
function linearPlan(inS: number, outS: number, scale: number | null, alignCorners: boolean,
  r: Round): AxisPlan {
  const p: AxisPlan = {
    i0: new Int32Array(outS), i1: new Int32Array(outS),
    l0: new Float64Array(outS), l1: new Float64Array(outS),
  };
  let ratio: number;
  if (alignCorners) ratio = outS > 1 ? r((inS - 1) / (outS - 1)) : 0;
  else ratio = scalesValue(scale, inS, outS, r);
  for (let o = 0; o < outS; o++) {
    if (outS === inS) {
      p.i0[o] = o;
      p.i1[o] = o;
      p.l0[o] = 1;
      continue;
    }
    let real = alignCorners ? r(ratio * o) : r(r(ratio * r(o + 0.5)) - 0.5);
    // Follows OpenCV's resize: no negative source index without align_corners.
    if (!alignCorners && real < 0) real = 0;
    // guard_index_and_lambda: floorf, so a double index is rounded to float first.
    const i = Math.min(Math.floor(Math.fround(real)), inS - 1);
    const l1 = Math.min(Math.max(r(real - i), 0), 1);
    p.i0[o] = i;
    p.i1[o] = i + (i < inS - 1 ? 1 : 0);
    p.l1[o] = l1;
    p.l0[o] = r(1 - l1);
  }
  return p;
}

function forwardKernel(pl: Plan, x: Tensor, out: Tensor): void {
  const xd = x._storage.data;
  const od = out._storage.data;
  const { P, H, W, oH, oW, ph, pw } = pl;
  let o = 0;
  for (let p = 0; p < P; p++) {
    const base = x._offset + p * H * W;
    for (let oh = 0; oh < oH; oh++) {
      const r0 = base + ph.i0[oh] * W;
      const r1 = base + ph.i1[oh] * W;
      const a0 = ph.l0[oh];
      const a1 = ph.l1[oh];
      for (let ow = 0; ow < oW; ow++, o++) {
        const c0 = pw.i0[ow];
        if (pl.nearest) {
          od[o] = xd[r0 + c0];
          continue;
        }
        const c1 = pw.i1[ow];
        const b0 = pw.l0[ow];
        const b1 = pw.l1[ow];
        od[o] = a0 * (b0 * xd[r0 + c0] + b1 * xd[r0 + c1]) + a1 * (b0 * xd[r1 + c0] + b1 * xd[r1 + c1]);
      }
    }
  }
}

/**
 * Each output gradient spread over its sources with their weights, by the backward plans: the
 * adjoint of forwardKernel except where PyTorch's nearest kernels pick different rows.
 */
function backwardKernel(pl: Plan, g: Tensor, gi: Tensor): void {
  const gd = g._storage.data;
  const id = gi._storage.data;
  const { P, H, W, oH, oW, bh: ph, bw: pw } = pl;
  let o = g._offset;
  for (let p = 0; p < P; p++) {
    const base = p * H * W;
    for (let oh = 0; oh < oH; oh++) {
      const r0 = base + ph.i0[oh] * W;
      const r1 = base + ph.i1[oh] * W;
      for (let ow = 0; ow < oW; ow++, o++) {
        const v = gd[o];
        if (pl.nearest) {
          id[r0 + pw.i0[ow]] += v;
          continue;
        }
        const a0 = ph.l0[oh] * v;
        const a1 = ph.l1[oh] * v;
        id[r0 + pw.i0[ow]] += a0 * pw.l0[ow];
        id[r0 + pw.i1[ow]] += a0 * pw.l1[ow];
        id[r1 + pw.i0[ow]] += a1 * pw.l0[ow];
        id[r1 + pw.i1[ow]] += a1 * pw.l1[ow];
      }
    }
  }
}

type UpOp = (x: Tensor, pl: Plan, outShape: number[]) => Tensor;
type UpBackOp = (g: Tensor, pl: Plan, inShape: number[]) => Tensor;

const opCache = new Map<string, [UpOp, UpBackOp]>();

/** The forward and backward ops for one PyTorch node name, each the other's derivative. */
function upsampleOps(name: string): [UpOp, UpBackOp] {
  const hit = opCache.get(name);
  if (hit) return hit;
  const fwd: UpOp = defineOp({
    name,
    forward(ctx: OpCtx, x: Tensor, pl: Plan, outShape: number[]) {
      Object.assign(ctx, { pl, inShape: x._shape.slice() });
      const out = Tensor._empty(outShape, x.dtype);
      forwardKernel(pl, contig(x), out);
      return out;
    },
    backward: (ctx, g): Tensor[] => [bwd(g, ctx.pl as Plan, ctx.inShape as number[])],
  });
  const bwd: UpBackOp = defineOp({
    name: name.replace(/Backward0$/, 'BackwardBackward0'),
    forward(ctx: OpCtx, g: Tensor, pl: Plan, inShape: number[]) {
      Object.assign(ctx, { pl, outShape: g._shape.slice() });
      const gi = Tensor._zeros(inShape, g.dtype);
      backwardKernel(pl, contig(g), gi);
      return gi;
    },
    backward: (ctx, gg): Tensor[] => [fwd(gg, ctx.pl as Plan, ctx.outShape as number[])],
  });
  opCache.set(name, [fwd, bwd]);
  return [fwd, bwd];
}

const NODE: Record<string, string> = {
  'nearest/1': 'UpsampleNearest1DBackward0',
  'nearest/2': 'UpsampleNearest2DBackward0',
  'nearest-exact/1': 'UpsampleNearestExact1DBackward0',
  'nearest-exact/2': 'UpsampleNearestExact2DBackward0',
  'linear/1': 'UpsampleLinear1DBackward0',
  'bilinear/2': 'UpsampleBilinear2DBackward0',
};

/** The upsample_* kernels of ATen with their checks (upsample_{1,2}d_common_check). */
function upsampleNd(input: Tensor, mode: string, outSize: number[], scales: (number | null)[],
  alignCorners: boolean): Tensor {
  const nd = input.dim();
  const sp = input._shape.slice(2);
  if (sp.length === 1) {
    check(sp[0] > 0 && outSize[0] > 0, () =>
      'Input and output sizes should be greater than 0, but got input ' +
      `(W: ${sp[0]}) and output (W: ${outSize[0]})`);
  } else {
    check(sp[0] > 0 && sp[1] > 0 && outSize[0] > 0 && outSize[1] > 0, () =>
      `Input and output sizes should be greater than 0, but got input (H: ${sp[0]}, W: ${sp[1]}) ` +
      `output (H: ${outSize[0]}, W: ${outSize[1]})`);
  }
  const inHW = sp.length === 1 ? [1, sp[0]] : sp;
  const outHW = sp.length === 1 ? [1, outSize[0]] : outSize;
  const sc = sp.length === 1 ? [null, scales[0]] : scales;
  const r: Round = input.dtype.name === 'float32' ? Math.fround : (v) => v;
  const nearest = mode.startsWith('nearest');
  let axes: [AxisPlan, AxisPlan, AxisPlan, AxisPlan];
  if (nearest) {
    axes = nearestPlans(input, inHW, outHW, sc, mode === 'nearest-exact', r);
  } else {
    const ph = linearPlan(inHW[0], outHW[0], sc[0], alignCorners, r);
    const pw = linearPlan(inHW[1], outHW[1], sc[1], alignCorners, r);
    axes = [ph, pw, ph, pw];
  }
  const [ph, pw, bh, bw] = axes;
  const pl: Plan = {
    P: input._shape[0] * input._shape[1], H: inHW[0], W: inHW[1], oH: outHW[0], oW: outHW[1], nearest,
    ph, pw, bh, bw,
  };
  const [fwd] = upsampleOps(NODE[`${mode}/${nd - 2}`]);
  return fwd(input, pl, [input._shape[0], input._shape[1], ...outSize]);
}

export type InterpolateMode =
  | 'nearest' | 'linear' | 'bilinear' | 'bicubic' | 'trilinear' | 'area' | 'nearest-exact';

/** torch.nn.functional.interpolate's keyword arguments. */
export interface InterpolateOptions {
  size?: number | readonly number[] | null;
  scale_factor?: number | readonly number[] | null;
  mode?: InterpolateMode;
  align_corners?: boolean | null;
  recompute_scale_factor?: boolean | null;
  antialias?: boolean;
}

type InterpArg = number | readonly number[] | string | boolean | null | undefined | InterpolateOptions;

const INTERP_NAMES = ['size', 'scale_factor', 'mode', 'align_corners', 'recompute_scale_factor', 'antialias'];

function interpOptions(args: InterpArg[]): InterpolateOptions {
  const o: Record<string, unknown> = {};
  args.forEach((v, i) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) Object.assign(o, v);
    else if (v !== undefined) o[INTERP_NAMES[i]] = v;
  });
  return o as InterpolateOptions;
}

const pyList = (v: readonly number[]): string => `[${v.join(', ')}]`;
const pyType = (v: number): string => (Number.isInteger(v) ? "<class 'int'>" : "<class 'float'>");

/** Python's validation of size / scale_factor: exactly one, of the right length. */
function sizesAndScales(input: Tensor, o: InterpolateOptions,
  dim: number): [number[] | null, number[] | null] {
  const size = o.size ?? null;
  const sf = o.scale_factor ?? null;
  const spatial = pyList(input._shape.slice(2));
  check(size === null || sf === null, () => 'only one of size or scale_factor should be defined', ValueError);
  if (size !== null) {
    if (typeof size === 'number') return [Array<number>(dim).fill(size), null];
    check(size.length === dim, () =>
      'Input and output must have the same number of spatial dimensions, but got ' +
      `input with spatial dimensions of ${spatial} and output size of (${size.join(', ')}). ` +
      'Please provide input tensor in (N, C, d1, d2, ...,dK) format and ' +
      'output size in (o1, o2, ...,oK) format.',
    ValueError);
    check(size.every((s) => Number.isInteger(s)), () =>
      'expected size to be one of int or Tuple[int] or Tuple[int, int] or Tuple[int, int, int], ' +
      `but got size with types [${size.map(pyType).join(', ')}]`,
    TypeError);
    return [size.slice(), null];
  }
  check(sf !== null, () => 'either size or scale_factor should be defined', ValueError);
  if (typeof sf === 'number') return [null, Array<number>(dim).fill(sf)];
  check(sf.length === dim, () =>
    'Input and scale_factor must have the same number of spatial dimensions, but ' +
    `got input with spatial dimensions of ${spatial} and scale_factor of shape (${sf.join(', ')}). ` +
    'Please provide input tensor in (N, C, d1, d2, ...,dK) format and ' +
    'scale_factor in (s1, s2, ...,sK) format.',
  ValueError);
  return [null, sf.slice()];
}

/**
 * torch.nn.functional.interpolate(input, size=null, scale_factor=null, mode='nearest',
 * align_corners=null, recompute_scale_factor=null, antialias=false) for 3-D and 4-D inputs:
 * nearest, nearest-exact, linear, bilinear and area.
 * @example interpolate(torch.rand(1, 1, 2, 2), { scale_factor: 2, mode: 'bilinear' }).shape // [1, 1, 4, 4]
 */
export function interpolate(input: Tensor, ...args: InterpArg[]): Tensor {
  const o = interpOptions(args);
  const mode = o.mode ?? 'nearest';
  let align = o.align_corners ?? null;
  if (mode === 'nearest' || mode === 'area' || mode === 'nearest-exact') {
    check(align === null, () => 'align_corners option can only be set with the interpolating modes: ' +
      'linear | bilinear | bicubic | trilinear', ValueError);
  } else if (align === null) {
    align = false;
  }
  const dim = input.dim() - 2;
  let [outSize, scales] = sizesAndScales(input, o, dim);
  let recompute = o.recompute_scale_factor ?? null;
  check(!(recompute && o.size != null), () =>
    'recompute_scale_factor is not meaningful with an explicit size.', ValueError);
  if (mode === 'area' && outSize === null) recompute = true;
  if (recompute) {
    outSize = scales!.map((s, i) => Math.floor(input._shape[i + 2] * s));
    scales = null;
  }
  check(!o.antialias || ((mode === 'bilinear' || mode === 'bicubic') && input.dim() === 4), () =>
    'Anti-alias option is restricted to bilinear and bicubic modes and requires a 4-D tensor as input',
  ValueError);
  check(!o.antialias, () => 'tstorch: interpolate(antialias=True) is not implemented yet',
    NotImplementedError);
  // compute_output_size (UpSample.cpp): a scale gives trunc(in * scale).
  const size = outSize ?? scales!.map((s, i) => Math.trunc(input._shape[i + 2] * s));
  const sc = scales ?? size.map(() => null);
  const nd = input.dim();
  if (mode === 'area' && (nd === 3 || nd === 4)) {
    return nd === 3 ? adaptive_avg_pool1d(input, size) : adaptive_avg_pool2d(input, size);
  }
  const key = `${mode}/${nd - 2}`;
  if (key in NODE) {
    if (nd === 4 && mode.startsWith('nearest')) {
      check(input.numel() !== 0 || input._shape.slice(1).reduce((a, b) => a * b, 1) !== 0, () =>
        `Non-empty 4D data tensor expected but got a tensor with sizes ${fmtShape(input._shape)}`);
    }
    return upsampleNd(input, mode, size, sc, align ?? false);
  }
  const pairs: Record<string, string> = {
    '3/bilinear': 'Got 3D input, but bilinear mode needs 4D input',
    '3/trilinear': 'Got 3D input, but trilinear mode needs 5D input',
    '4/linear': 'Got 4D input, but linear mode needs 3D input',
    '4/trilinear': 'Got 4D input, but trilinear mode needs 5D input',
    '5/linear': 'Got 5D input, but linear mode needs 3D input',
    '5/bilinear': 'Got 5D input, but bilinear mode needs 4D input',
  };
  const known = pairs[`${nd}/${mode}`];
  check(known === undefined, () => known, NotImplementedError);
  check(!((nd === 3 || nd === 4) && mode === 'bicubic') && nd !== 5, () =>
    `tstorch: interpolate(mode='${mode}') on ${nd}-D input is not implemented yet`, NotImplementedError);
  throw new NotImplementedError('Input Error: Only 3D, 4D and 5D input Tensors supported' +
    ` (got ${nd}D) for the modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact` +
    ` (got ${mode})`);
}

/**
 * torch.nn.functional.upsample: interpolate under its deprecated name (it warns once).
 * @example upsample(torch.rand(1, 1, 2, 2), { scale_factor: 2 }).shape // [1, 1, 4, 4]
 */
export function upsample(input: Tensor, ...args: InterpArg[]): Tensor {
  warn('nn.functional.upsample is deprecated. Use nn.functional.interpolate instead.');
  return interpolate(input, ...args);
}

/**
 * torch.nn.functional.upsample_nearest(input, size=null, scale_factor=null) (deprecated in
 * PyTorch in favour of interpolate; it warns once).
 * @example upsample_nearest(torch.rand(1, 1, 2, 2), { scale_factor: 2 }).shape // [1, 1, 4, 4]
 */
export function upsample_nearest(input: Tensor,
  size?: number | readonly number[] | null | InterpolateOptions,
  scale_factor?: number | readonly number[] | null): Tensor {
  warn('nn.functional.upsample_nearest is deprecated. Use nn.functional.interpolate instead.');
  return interpolate(input, size, scale_factor, 'nearest');
}

/**
 * torch.nn.functional.upsample_bilinear(input, size=null, scale_factor=null): bilinear with
 * align_corners=True (deprecated in PyTorch in favour of interpolate; it warns once).
 * @example upsample_bilinear(torch.rand(1, 1, 2, 2), { scale_factor: 2 }).shape // [1, 1, 4, 4]
 */
export function upsample_bilinear(input: Tensor,
  size?: number | readonly number[] | null | InterpolateOptions,
  scale_factor?: number | readonly number[] | null): Tensor {
  warn('nn.functional.upsample_bilinear is deprecated. Use nn.functional.interpolate instead.');
  return interpolate(input, size, scale_factor, 'bilinear', true);
}
