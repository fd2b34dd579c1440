// pixel_shuffle / pixel_unshuffle (ATen/native/PixelShuffle.cpp): a view, a permute and a copy,
// recorded as one node each (PixelShuffleBackward0 / PixelUnshuffleBackward0), each the other's
// backward, as derivatives.yaml defines them.
import { K } from '../backend/backend.js';
import { Tensor } from '../tensor/tensor.js';
import { check } from '../utils/check.js';
import { contig } from './convolution.js';
import { defineOp } from './define.js';
import { kv, storeKind } from './util.js';

/** A fresh contiguous copy of x viewed as `shape` (x contiguous) and permuted by `perm`. */
function permutedCopy(x: Tensor, shape: number[], perm: number[], outShape: number[]): Tensor {
  const xc = contig(x);
  const strides = contiguousStrides(shape);
  const src = xc._view(perm.map((p) => shape[p]), perm.map((p) => strides[p]), xc._offset);
  const out = Tensor._empty(outShape, x.dtype);
  K().copy(kv(src), { data: out._storage.data, shape: src._shape, strides: contiguousStrides(src._shape),
    offset: 0 }, storeKind(x.dtype));
  return out;
}

function contiguousStrides(shape: readonly number[]): number[] {
  return shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
}

function shuffle(x: Tensor, r: number): Tensor {
  const lead = x._shape.slice(0, -3);
  const [c, h, w] = x._shape.slice(-3);
  const oc = c / (r * r);
  const n = lead.length;
  // [*, oc, r, r, h, w] -> [*, oc, h, r, w, r]
  const perm = [...lead.map((_, i) => i), n, n + 3, n + 1, n + 4, n + 2];
  return permutedCopy(x, [...lead, oc, r, r, h, w], perm, [...lead, oc, h * r, w * r]);
}

function unshuffle(x: Tensor, r: number): Tensor {
  const lead = x._shape.slice(0, -3);
  const [c, h, w] = x._shape.slice(-3);
  const oh = h / r;
  const ow = w / r;
  const n = lead.length;
  // [*, c, oh, r, ow, r] -> [*, c, r, r, oh, ow]
  const perm = [...lead.map((_, i) => i), n, n + 2, n + 4, n + 1, n + 3];
  return permutedCopy(x, [...lead, c, oh, r, ow, r], perm, [...lead, c * r * r, oh, ow]);
}

const pixelShuffleOp: (x: Tensor, r: number) => Tensor = defineOp({
  name: 'PixelShuffleBackward0',
  forward(ctx, x: Tensor, r: number) {
    ctx.r = r;
    return shuffle(x, r);
  },
  backward: (ctx, g): Tensor[] => [pixelUnshuffleOp(g, ctx.r as number)],
});

const pixelUnshuffleOp: (x: Tensor, r: number) => Tensor = defineOp({
  name: 'PixelUnshuffleBackward0',
  forward(ctx, x: Tensor, r: number) {
    ctx.r = r;
    return unshuffle(x, r);
  },
  backward: (ctx, g): Tensor[] => [pixelShuffleOp(g, ctx.r as number)],
});

/**
 * torch.nn.functional.pixel_shuffle(input, upscale_factor): [*, C*r^2, H, W] -> [*, C, H*r, W*r].
 * @example pixel_shuffle(torch.rand(1, 8, 3, 3), 2).shape // torch.Size([1, 2, 6, 6])
 */
export function pixel_shuffle(input: Tensor, upscale_factor: number | { upscale_factor: number }): Tensor {
  const r = typeof upscale_factor === 'number' ? upscale_factor : upscale_factor.upscale_factor;
  check(input.dim() >= 3, () => 'pixel_shuffle expects input to have at least 3 dimensions, but got input ' +
    `with ${input.dim()} dimension(s)`);
  check(r > 0, () => `pixel_shuffle expects a positive upscale_factor, but got ${r}`);
  const c = input._shape[input.dim() - 3];
  check(c % (r * r) === 0, () => "pixel_shuffle expects its input's 'channel' dimension to be divisible by " +
    `the square of upscale_factor, but input.size(-3)=${c} is not divisible by ${r * r}`);
  return pixelShuffleOp(input, r);
}

/**
 * torch.nn.functional.pixel_unshuffle(input, downscale_factor): [*, C, H*r, W*r] -> [*, C*r^2, H, W].
 * @example pixel_unshuffle(torch.rand(1, 2, 6, 6), 2).shape // torch.Size([1, 8, 3, 3])
 */
export function pixel_unshuffle(input: Tensor,
  downscale_factor: number | { downscale_factor: number }): Tensor {
  const r = typeof downscale_factor === 'number' ? downscale_factor : downscale_factor.downscale_factor;
  check(input.dim() >= 3, () =>
    'pixel_unshuffle expects input to have at least 3 dimensions, but got input ' +
    `with ${input.dim()} dimension(s)`);
  check(r > 0, () => `pixel_unshuffle expects a positive downscale_factor, but got ${r}`);
  const h = input._shape[input.dim() - 2];
  const w = input._shape[input.dim() - 1];
  check(h % r === 0, () => 'pixel_unshuffle expects height to be divisible by downscale_factor, but ' +
    `input.size(-2)=${h} is not divisible by ${r}`);
  check(w % r === 0, () => 'pixel_unshuffle expects width to be divisible by downscale_factor, but ' +
    `input.size(-1)=${w} is not divisible by ${r}`);
  return pixelUnshuffleOp(input, r);
}
