// Padding: torch.nn.functional.pad and its ATen ops (ATen/native/PadNd.cpp, ReflectionPad.cpp,
// ReplicationPadding.cpp, padding.h): constant_pad_nd, reflection_pad{1,2,3}d,
// replication_pad{1,2,3}d and the composite _pad_circular.
//
// Reflection and replication are gathers along the padded trailing dims by an index map; their
// backward is the matching scatter-add, and each is the other's derivative, so double backward works.
// Node names follow PyTorch's autograd codegen, which title-cases "pad2d" into "Pad2D":
// ReflectionPad2DBackward0, ReplicationPad1DBackward0, ConstantPadNdBackward0.
import { K, type View } from '../backend/backend.js';
import { Tensor } from '../tensor/tensor.js';
import { empty } from '../tensor/factories.js';
import { fmtShape } from '../tensor/view.js';
import { NotImplementedError, check } from '../utils/check.js';
import { contig } from './convolution.js';
import { defineOp } from './define.js';
import { castScalar, kv, storeKind } from './util.js';

export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

/** The output shape of padding x's trailing dims by pad (last dim first, left then right). */
function paddedShape(shape: readonly number[], pad: readonly number[]): number[] {
  const out = shape.slice();
  for (let i = 0; i < pad.length / 2; i++) out[shape.length - 1 - i] += pad[2 * i] + pad[2 * i + 1];
  return out;
}

/**
 * The region of a tensor that survives padding: narrowed where `pad` is negative (for the
 * input) or where it is positive (for the output, with `sign` -1).
 */
function region(t: Tensor, pad: readonly number[], sign: number, shape: readonly number[]): View {
  let offset = t._offset;
  for (let i = 0; i < pad.length / 2; i++) {
    const d = t.dim() - 1 - i;
    offset += Math.max(0, sign * pad[2 * i]) * t._strides[d];
  }
  return { data: t._storage.data, shape, strides: t._strides, offset };
}

function constantPadRaw(x: Tensor, pad: readonly number[], value: number): Tensor {
  const out = Tensor._empty(paddedShape(x._shape, pad), x.dtype);
  K().fill(kv(out), castScalar(value, x.dtype));
  const common = x._shape.slice();
  for (let i = 0; i < pad.length / 2; i++) {
    common[x.dim() - 1 - i] += Math.min(0, pad[2 * i]) + Math.min(0, pad[2 * i + 1]);
  }
  if (common.every((s) => s > 0)) {
    K().copy(region(x, pad, -1, common), region(out, pad, 1, common), storeKind(x.dtype));
  }
  return out;
}

/** constant_pad_nd; its gradient is the same padding with every pad negated. */
const constantPadNdOp: (x: Tensor, pad: readonly number[], value: number) => Tensor = defineOp({
  name: 'ConstantPadNdBackward0',
  forward(ctx, x: Tensor, pad: readonly number[], value: number) {
    ctx.pad = pad;
    return constantPadRaw(x, pad, value);
  },
  backward(ctx, g) {
    return [constantPadNdOp(g, (ctx.pad as number[]).map((p) => -p), 0)];
  },
});

/**
 * torch.constant_pad_nd(input, pad, value=0): pads (or, with negative pads, trims) the trailing
 * dims; pad lists the last dim first.
 * @example constant_pad_nd(torch.ones(2), [1, 0]) // tensor([0., 1., 1.])
 */
export function constant_pad_nd(input: Tensor, pad: readonly number[], value = 0): Tensor {
  check(pad.length % 2 === 0, () => `Length of pad must be even but instead it equals ${pad.length}`);
  const nd = input.dim();
  check(nd >= pad.length / 2, () => 'Length of pad should be no more than twice the number of dimensions ' +
    `of the input. Pad length is ${pad.length}while the input has ${nd}dimensions.`);
  for (let i = 0; i < pad.length / 2; i++) {
    const d = nd - 1 - i;
    const size = input._shape[d] + pad[2 * i] + pad[2 * i + 1];
    check(size >= 0, () => `The input size ${input._shape[d]}, plus negative padding ${pad[2 * i]} and ` +
      `${pad[2 * i + 1]} resulted in a negative output size, which is invalid. Check dimension ${d} ` +
      'of your input.');
  }
  return constantPadNdOp(input, pad.slice(), value);
}

/** For each element of the padded trailing block, the flat index of its source in the input block. */
interface PadMap {
  inner: number;
  outInner: number;
  src: Int32Array;
}

function axisMap(mode: 'reflect' | 'replicate', size: number, l: number, r: number): number[] {
  const iStart = Math.max(0, -l);
  const oStart = Math.max(0, l);
  const idx: number[] = [];
  for (let j = 0; j < size + l + r; j++) {
    let ip: number;
    if (j >= l && j < size + l) ip = j;
    else if (mode === 'reflect') ip = j < l ? 2 * l - j : 2 * (size + l - 1) - j;
    else ip = j < l ? l : size + l - 1;
    idx.push(ip - oStart + iStart);
  }
  return idx;
}

/** The gather map of reflect/replicate padding over the last pad.length/2 dims of `shape`. */
function padMap(mode: 'reflect' | 'replicate', shape: readonly number[], pad: readonly number[]): PadMap {
  const k = pad.length / 2;
  const dims = shape.slice(shape.length - k);
  const maps = dims.map((s, i) => axisMap(mode, s, pad[2 * (k - 1 - i)], pad[2 * (k - 1 - i) + 1]));
  let src: number[] = [0];
  let inner = 1;
  maps.forEach((m, i) => {
    const next: number[] = [];
    for (const base of src) for (const j of m) next.push(base * dims[i] + j);
    src = next;
    inner *= dims[i];
  });
  return { inner, outInner: src.length, src: Int32Array.from(src) };
}

function gatherRaw(x: Tensor, m: PadMap, outShape: readonly number[]): Tensor {
  const xc = contig(x);
  const out = Tensor._empty(outShape, x.dtype);
  const xd = xc._storage.data;
  const od = out._storage.data;
  const planes = m.inner === 0 ? 0 : xc.numel() / m.inner;
  for (let p = 0; p < planes; p++) {
    const xo = xc._offset + p * m.inner;
    const oo = p * m.outInner;
    for (let t = 0; t < m.outInner; t++) od[oo + t] = xd[xo + m.src[t]];
  }
  return out;
}

function scatterRaw(g: Tensor, m: PadMap, inShape: readonly number[]): Tensor {
  const gc = contig(g);
  const gi = Tensor._zeros(inShape, g.dtype);
  const gd = gc._storage.data;
  const id = gi._storage.data;
  const planes = m.outInner === 0 ? 0 : gc.numel() / m.outInner;
  for (let p = 0; p < planes; p++) {
    const io = p * m.inner;
    const go = gc._offset + p * m.outInner;
    for (let t = 0; t < m.outInner; t++) id[io + m.src[t]] += gd[go + t];
  }
  return gi;
}

type GatherOp = (x: Tensor, m: PadMap, outShape: number[]) => Tensor;

/** A padding gather named `${name}Backward0` and its scatter-add `${name}BackwardBackward0`. */
function padOps(name: string): GatherOp {
  const gather: GatherOp = defineOp({
    name: `${name}Backward0`,
    forward(ctx, x: Tensor, m: PadMap, outShape: number[]) {
      Object.assign(ctx, { m, inShape: x._shape.slice() });
      return gatherRaw(x, m, outShape);
    },
    backward(ctx, g) {
      return [scatter(g, ctx.m as PadMap, ctx.inShape as number[])];
    },
  });
  const scatter: (g: Tensor, m: PadMap, inShape: number[]) => Tensor = defineOp({
    name: `${name}BackwardBackward0`,
    forward(ctx, g: Tensor, m: PadMap, inShape: number[]) {
      Object.assign(ctx, { m, outShape: g._shape.slice() });
      return scatterRaw(g, m, inShape);
    },
    backward(ctx, gg) {
      return [gather(gg, ctx.m as PadMap, ctx.outShape as number[])];
    },
  });
  return gather;
}

const GATHERS = {
  reflect: [padOps('ReflectionPad1D'), padOps('ReflectionPad2D'), padOps('ReflectionPad3D')],
  replicate: [padOps('ReplicationPad1D'), padOps('ReplicationPad2D'), padOps('ReplicationPad3D')],
};

/** padding::check_valid_input<k>: a (k+1)-D or (k+2)-D input with non-empty non-batch dims. */
function checkValidInput(x: Tensor, k: number): void {
  const batch = x.dim() === k + 2;
  const ok = x._shape.every((s, d) => s !== 0 || (batch && d === 0));
  check(ok, () => `Expected ${k + 1}D or ${k + 2}D (batch mode) tensor with possibly 0 batch size and ` +
    `other non-zero dimensions for input, but got: ${fmtShape(x._shape)}`);
}

const AXIS = ['W', 'H', 'D'];

/** The output-size check of reflection/replication padding, in PyTorch's per-rank wording. */
function checkOutputSize(x: Tensor, pad: readonly number[], mode: string): void {
  const k = pad.length / 2;
  const ins = x._shape.slice(x.dim() - k).reverse();
  const outs = ins.map((s, i) => s + pad[2 * i] + pad[2 * i + 1]);
  const ok = k === 1 ? outs[0] >= 1 : outs.some((s) => s >= 1);
  const names = AXIS.slice(0, k).reverse();
  const inText = names.map((n, i) => `${n}: ${ins[k - 1 - i]}`).join(', ');
  const outText = names.map((n, i) => `${n}: ${outs[k - 1 - i]}`).join(' ');
  const gap = mode === 'replicate' && k > 1 ? ' ' : '';
  check(ok, () => `input (${inText}${gap}) is too small. Calculated output ${outText}`);
}

function reflectOrReplicate(x: Tensor, pad: readonly number[], mode: 'reflect' | 'replicate'): Tensor {
  const k = pad.length / 2;
  checkValidInput(x, k);
  if (mode === 'reflect') {
    for (let i = 0; i < k; i++) {
      const d = x.dim() - 1 - i;
      const [l, r] = [pad[2 * i], pad[2 * i + 1]];
      check(l < x._shape[d] && r < x._shape[d], () =>
        `Argument #${4 + 2 * i}: Padding size should be less than the corresponding input dimension, ` +
        `but got: padding (${l}, ${r}) at dimension ${d} of input ${fmtShape(x._shape)}`);
    }
  }
  checkOutputSize(x, pad, mode);
  return GATHERS[mode][k - 1](x, padMap(mode, x._shape, pad), paddedShape(x._shape, pad));
}

/** _pad_circular (a composite in PyTorch 2.x: slices of a new tensor filled by copy_, so CopySlices). */
function padCircular(x: Tensor, pad: readonly number[]): Tensor {
  const nd = x.dim();
  const k = pad.length / 2;
  const lead = nd - k;
  check(lead === 1 || lead === 2, () => 'Invalid padding size, expected 1 or 2 non-padded dimensions, ' +
    'which ' +
    `would be equivalent to padding of length ${(nd - 1) * 2} or ${(nd - 2) * 2} respectively but got ` +
    `${pad.length}`);
  const outShape = paddedShape(x._shape, pad);
  for (let i = 0; i < k; i++) {
    const size = x._shape[nd - 1 - i];
    check(pad[2 * i] <= size && pad[2 * i + 1] <= size, () =>
      'Padding value causes wrapping around more than once.');
    check(outShape[nd - 1 - i] >= 0, () => 'Negative padding value is resulting in an empty dimension');
  }
  const out = empty(outShape, { dtype: x.dtype });
  let outSlice = out;
  let inSlice = x;
  for (let i = 0; i < k; i++) {
    const d = nd - 1 - i;
    const [l, r] = [pad[2 * i], pad[2 * i + 1]];
    outSlice = outSlice.narrow(d, Math.max(l, 0), outShape[d] - Math.max(r, 0) - Math.max(l, 0));
    inSlice = inSlice.narrow(d, Math.max(-l, 0), x._shape[d] - Math.max(-r, 0) - Math.max(-l, 0));
  }
  outSlice.copy_(inSlice);
  // Corners are written more than once when several dims are padded, as in PyTorch.
  for (let i = 0; i < k; i++) {
    const d = nd - 1 - i;
    const [l, r] = [pad[2 * i], pad[2 * i + 1]];
    const n = outShape[d];
    if (l > 0) out.narrow(d, 0, l).copy_(out.narrow(d, n - l - Math.max(r, 0), l));
    if (r > 0) out.narrow(d, n - r, r).copy_(out.narrow(d, Math.max(l, 0), r));
  }
  return out;
}

/** F.pad's keyword arguments. */
export interface PadOptions {
  mode?: PadMode;
  value?: number | null;
}

/**
 * torch.nn.functional.pad(input, pad, mode='constant', value=None): pad lists the last dim first
 * (left, right, then top, bottom, ...). reflect / replicate / circular pad the last 1-3 dims of a
 * batched or unbatched input; constant pads any dims, and negative pads trim.
 * @example pad(torch.ones(1, 2, 2), [1, 1], 'reflect').shape // torch.Size([1, 2, 4])
 */
export function pad(input: Tensor, pad: readonly number[], mode: PadMode | PadOptions = 'constant',
  value: number | null | PadOptions = null, opts: PadOptions = {}): Tensor {
  const o: PadOptions = typeof mode === 'object' ? { ...mode } : { mode };
  if (value !== null && typeof value === 'object') Object.assign(o, value);
  else if (value !== null) o.value = value;
  Object.assign(o, opts);
  const m = o.mode ?? 'constant';
  check(['constant', 'reflect', 'replicate', 'circular'].includes(m), () =>
    `Unrecognised padding mode ${m}`, NotImplementedError);
  const nd = input.dim();
  check(pad.length % 2 === 0, () => 'Padding length must be divisible by 2');
  check(pad.length <= nd * 2, () => 'Padding length should be less than or equal to two times the input ' +
    `dimension but got padding length ${pad.length} and input of dimension ${nd}`);
  if (m === 'constant') return constant_pad_nd(input, pad, o.value ?? 0);
  check(o.value === null || o.value === undefined || o.value === 0, () =>
    `Padding mode "${m}" doesn't take in value argument`);
  const k = pad.length / 2;
  check(k >= 1 && k <= 3 && (nd === k + 1 || nd === k + 2), () =>
    'Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now', NotImplementedError);
  if (m === 'circular') return padCircular(input, pad);
  return reflectOrReplicate(input, pad, m);
}
