// Batch and layer normalisation (ATen/native/Normalization.cpp, layer_norm.cpp; the functional
// front ends of torch/nn/functional.py). Statistics are accumulated in float64, as PyTorch's CPU
// kernels accumulate float32 in double. Forward and first-order backward run the backend's fused
// kernels (batchNorm*/layerNorm*); when a graph is being built (create_graph) the backward is
// written with tensor ops that recompute the statistics from the input, so double backward is exact.
import { is_grad_enabled, no_grad } from '../autograd/grad_mode.js';
import { K } from '../backend/backend.js';
import { float64, type DType } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { fmtShape } from '../tensor/view.js';
import { ValueError, check, wrapDim } from '../utils/check.js';
import { defineOp, type OpCtx } from './define.js';
import { kv } from './util.js';

/** The values of a (small) tensor as a fresh Float64Array. */
function f64Values(t: Tensor): Float64Array {
  const c = t.to(float64).contiguous();
  return (c._storage.data as Float64Array).slice(c._offset, c._offset + c.numel());
}

/** A float64 tensor over `data`, cast to `dtype`. */
function fromF64(data: Float64Array, shape: readonly number[], dtype: DType): Tensor {
  return Tensor._fromData(data, shape, float64).to(dtype);
}

/** x (contiguous) as [N, C, L] for batch norm. */
function bnGeom(x: Tensor): [number, number, number] {
  const N = x._shape[0];
  const C = x._shape[1];
  return [N, C, N * C === 0 ? 0 : x.numel() / (N * C)];
}

function bnDims(x: Tensor): number[] {
  return x._shape.map((_, i) => i).filter((i) => i !== 1);
}

function bcShape(x: Tensor): number[] {
  return x._shape.map((s, i) => (i === 1 ? s : 1));
}

interface BnCtx {
  training: boolean;
  eps: number;
  mean64: Float64Array;
  invstd64: Float64Array;
}

/** First-order batch norm backward in one fused kernel (no graph is being built). */
function batchNormBackwardFused(ctx: BnCtx, x: Tensor, w: Tensor | null, g: Tensor,
  need: boolean[]): (Tensor | null)[] {
  const [N, C, L] = bnGeom(x);
  const xc = x.contiguous();
  const gc = g.to(x.dtype).contiguous();
  const wv = w === null ? null : f64Values(w);
  const scale = wv === null ? ctx.invstd64.slice() : ctx.invstd64.map((v, c) => v * wv[c]);
  const gsum = new Float64Array(C);
  const gdot = new Float64Array(C);
  const gx = need[0] ? Tensor._uninit(x._shape, x.dtype) : null;
  K().batchNormBackward(gc._storage.data, gc._offset, xc._storage.data, xc._offset, N, C, L, ctx.mean64,
    ctx.invstd64, scale, ctx.training, gsum, gdot, gx === null ? null : gx._storage.data);
  return [gx, need[1] ? fromF64(gdot, [C], w!.dtype) : null, need[2] ? fromF64(gsum, [C], x.dtype) : null];
}

const batchNormOp = defineOp({
  name: 'NativeBatchNormBackward0',
  forward(ctx, x: Tensor, w: Tensor | null, b: Tensor | null, rm: Tensor | null, rv: Tensor | null,
    training: boolean, momentum: number, eps: number) {
    const [N, C, L] = bnGeom(x);
    return no_grad(() => {
      const xc = x.contiguous();
      let mean: Float64Array = new Float64Array(C);
      let variance: Float64Array = new Float64Array(C);
      if (training) {
        if (x.numel() > 0) K().batchNormStats(xc._storage.data, xc._offset, N, C, L, mean, variance);
        const n = x.numel() / Math.max(C, 1);
        // The running variance is unbiased (n / (n - 1)), the normalising one is biased.
        if (rm !== null) {
          const r = f64Values(rm);
          rm.copy_(fromF64(r.map((v, c) => mean[c] * momentum + v * (1 - momentum)), [C], float64));
        }
        if (rv !== null) {
          const r = f64Values(rv);
          const k = (momentum * n) / (n - 1);
          rv.copy_(fromF64(r.map((v, c) => variance[c] * k + v * (1 - momentum)), [C], float64));
        }
      } else {
        mean = f64Values(rm!);
        variance = f64Values(rv!);
      }
      const invstd = variance.map((v) => 1 / Math.sqrt(v + eps));
      const wv = w === null ? null : f64Values(w);
      const bv = b === null ? null : f64Values(b);
      const scale = wv === null ? invstd.slice() : invstd.map((v, c) => v * wv[c]);
      const shift = scale.map((a, c) => (bv === null ? 0 : bv[c]) - mean[c] * a);
      const y = Tensor._uninit(x._shape, x.dtype);
      if (x.numel() > 0) {
        K().batchNormApply(xc._storage.data, xc._offset, N, C, L, scale, shift, y._storage.data);
      }
      Object.assign(ctx, { training, eps, mean64: mean, invstd64: invstd } satisfies BnCtx);
      ctx.save_for_backward(x, w, fromF64(mean, [C], x.dtype), fromF64(invstd, [C], x.dtype));
      return y;
    });
  },
  backward(ctx, g) {
    const [x, w, mean, invstd] = ctx.saved_tensors;
    const { training, eps } = ctx as unknown as BnCtx;
    const need = ctx.needs_input_grad;
    if (!is_grad_enabled()) return batchNormBackwardFused(ctx as unknown as BnCtx, x, w, g, need);
    const dims = bnDims(x);
    const bc = bcShape(x);
    const C = x._shape[1];
    const n = x.numel() / Math.max(C, 1);
    let xc: Tensor;
    let istd: Tensor;
    if (training && is_grad_enabled()) {
      xc = x.sub(x.mean(dims, true));
      istd = xc.square().mean(dims, true).add(eps).rsqrt();
    } else {
      xc = x.sub(mean.reshape(bc));
      istd = invstd.reshape(bc);
    }
    const xhat = xc.mul(istd);
    const scale = w === null ? istd : istd.mul(w.reshape(bc));
    const gsum = g.sum(dims, true);
    const gdot = need[1] || training ? g.mul(xhat).sum(dims, true) : null;
    let gx: Tensor | null = null;
    if (need[0]) {
      gx = training ? g.sub(gsum.div(n)).sub(xhat.mul(gdot!.div(n))).mul(scale) : g.mul(scale);
    }
    return [gx, need[1] ? gdot!.reshape([C]) : null, need[2] ? gsum.reshape([C]) : null];
  },
});

function checkFeatures(name: string, t: Tensor | null, C: number): void {
  if (t === null) return;
  check(t.numel() === C, () => `${name} should contain ${C} elements not ${t.numel()}`);
}

/** torch.nn.functional.batch_norm's keyword arguments. */
export interface BatchNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  training?: boolean;
  momentum?: number;
  eps?: number;
}

type BnArg = Tensor | null | boolean | number | BatchNormOptions | undefined;

export { ValueError };

/**
 * torch.nn.functional.batch_norm(input, running_mean, running_var, weight=None, bias=None,
 * training=False, momentum=0.1, eps=1e-5). In training mode the running statistics are updated
 * in place: mean with the batch mean, var with the unbiased batch variance.
 * @example
 * const rm = torch.zeros(3), rv = torch.ones(3);
 * batch_norm(torch.randn(8, 3), rm, rv, { training: true }); // rm, rv updated
 */
export function batch_norm(input: Tensor, running_mean: Tensor | null, running_var: Tensor | null,
  ...rest: BnArg[]): Tensor {
  const names = ['weight', 'bias', 'training', 'momentum', 'eps'];
  const o: Record<string, unknown> = {};
  rest.forEach((v, i) => {
    if (v !== null && typeof v === 'object' && !(v instanceof Tensor)) Object.assign(o, v);
    else if (v !== undefined) o[names[i]] = v;
  });
  const weight = (o.weight ?? null) as Tensor | null;
  const bias = (o.bias ?? null) as Tensor | null;
  const training = (o.training ?? false) as boolean;
  const momentum = (o.momentum ?? 0.1) as number;
  const eps = (o.eps ?? 1e-5) as number;
  wrapDim(1, input.dim());
  if (training) {
    const perChannel = input.numel() / input._shape[1];
    check(perChannel !== 1, () =>
      'Expected more than 1 value per channel when training, got input size ' +
      `torch.Size(${fmtShape(input._shape)})`,
    ValueError);
  }
  const C = input._shape[1];
  checkFeatures('running_mean', running_mean, C);
  check(running_mean !== null || training, () => 'running_mean must be defined in evaluation mode');
  checkFeatures('running_var', running_var, C);
  check(running_var !== null || training, () => 'running_var must be defined in evaluation mode');
  checkFeatures('weight', weight, C);
  checkFeatures('bias', bias, C);
  return batchNormOp(input, weight, bias, running_mean, running_var, training, momentum, eps);
}

/** First-order layer norm backward in one fused kernel (no graph is being built). */
function layerNormBackwardFused(ctx: OpCtx, x: Tensor, w: Tensor | null, g: Tensor,
  need: boolean[]): (Tensor | null)[] {
  const M = ctx.M as number;
  const D = ctx.D as number;
  const xc = x.contiguous();
  const gc = g.to(x.dtype).contiguous();
  const wc = w === null ? null : w.contiguous();
  const gx = need[0] ? Tensor._empty(x._shape, x.dtype) : null;
  const gw = need[1] ? new Float64Array(D) : null;
  const gb = need[2] ? new Float64Array(D) : null;
  if (x.numel() > 0) {
    K().layerNormBackward(gc._storage.data, gc._offset, xc._storage.data, xc._offset, M, D,
      ctx.mean64 as Float64Array, ctx.rstd64 as Float64Array, wc === null ? null : wc._storage.data,
      wc?._offset ?? 0, gx === null ? null : gx._storage.data, gw, gb);
  }
  const shape = x._shape.slice(x.dim() - (ctx.dims as number[]).length);
  return [gx, gw === null ? null : fromF64(gw, shape, w!.dtype),
    gb === null ? null : fromF64(gb, shape, x.dtype)];
}

const layerNormOp = defineOp({
  name: 'NativeLayerNormBackward0',
  forward(ctx, x: Tensor, w: Tensor | null, b: Tensor | null, k: number, eps: number) {
    const nd = x.dim();
    const dims = x._shape.map((_, i) => i).slice(nd - k);
    const D = x._shape.slice(nd - k).reduce((p, q) => p * q, 1);
    const M = D === 0 ? 0 : x.numel() / D;
    const keep = x._shape.map((s, i) => (i >= nd - k ? 1 : s));
    return no_grad(() => {
      const xc = x.contiguous();
      const wc = w === null ? null : w.contiguous();
      const bc = b === null ? null : b.contiguous();
      const mean = new Float64Array(M);
      const rstd = new Float64Array(M);
      const y = Tensor._empty(x._shape, x.dtype);
      if (x.numel() > 0) {
        K().layerNorm(xc._storage.data, xc._offset, M, D, wc === null ? null : wc._storage.data,
          wc?._offset ?? 0, bc === null ? null : bc._storage.data, bc?._offset ?? 0, eps, y._storage.data,
          mean, rstd);
      }
      Object.assign(ctx, { dims, eps, M, D, mean64: mean, rstd64: rstd });
      ctx.save_for_backward(x, w, fromF64(mean, keep, x.dtype), fromF64(rstd, keep, x.dtype));
      return y;
    });
  },
  backward(ctx, g) {
    const [x, w, mean, rstd] = ctx.saved_tensors;
    const dims = ctx.dims as number[];
    const need = ctx.needs_input_grad;
    if (!is_grad_enabled()) return layerNormBackwardFused(ctx, x, w, g, need);
    let xc: Tensor;
    let istd: Tensor;
    if (is_grad_enabled()) {
      xc = x.sub(x.mean(dims, true));
      istd = xc.square().mean(dims, true).add(ctx.eps as number).rsqrt();
    } else {
      xc = x.sub(mean);
      istd = rstd;
    }
    const xhat = xc.mul(istd);
    const lead = x._shape.map((_, i) => i).slice(0, x.dim() - dims.length);
    let gx: Tensor | null = null;
    if (need[0]) {
      const gxhat = w === null ? g : g.mul(w);
      const m1 = gxhat.mean(dims, true);
      const m2 = gxhat.mul(xhat).mean(dims, true);
      gx = gxhat.sub(m1).sub(xhat.mul(m2)).mul(istd);
    }
    const sumLead = (t: Tensor): Tensor => (lead.length > 0 ? t.sum(lead) : t);
    return [gx, need[1] ? sumLead(g.mul(xhat)) : null, need[2] ? sumLead(g) : null];
  },
});

/** torch.nn.functional.layer_norm's keyword arguments. */
export interface LayerNormOptions {
  normalized_shape?: number | readonly number[];
  weight?: Tensor | null;
  bias?: Tensor | null;
  eps?: number;
}

/**
 * torch.nn.functional.layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
 * normalises over the trailing dims given by normalized_shape.
 * @example layer_norm(torch.randn(2, 5), [5]).mean(-1) // ~0 per row
 */
export function layer_norm(input: Tensor, normalized_shape: number | readonly number[] | LayerNormOptions,
  weight?: Tensor | null | LayerNormOptions, bias?: Tensor | null | LayerNormOptions,
  eps?: number | LayerNormOptions): Tensor {
  const o: LayerNormOptions = {};
  const names = ['normalized_shape', 'weight', 'bias', 'eps'] as const;
  [normalized_shape, weight, bias, eps].forEach((v, i) => {
    const isOpts = v !== null && typeof v === 'object' && !(v instanceof Tensor) && !Array.isArray(v);
    if (isOpts) Object.assign(o, v);
    else if (v !== undefined) (o as Record<string, unknown>)[names[i]] = v;
  });
  const ns = o.normalized_shape ?? [];
  const shape = typeof ns === 'number' ? [ns] : ns.slice();
  const w = o.weight ?? null;
  const b = o.bias ?? null;
  check(shape.length >= 1, () =>
    'Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one element, ' +
    `but got normalized_shape = ${fmtShape(shape)}`);
  const same = (t: Tensor): boolean => t.dim() === shape.length && t._shape.every((s, i) => s === shape[i]);
  check(w === null || same(w), () =>
    'Expected weight to be of same shape as normalized_shape, but got weight of shape ' +
    `${fmtShape(w!._shape)} and normalized_shape = ${fmtShape(shape)}`);
  check(b === null || same(b), () =>
    `Expected bias to be of same shape as normalized_shape, but got bias of shape ${fmtShape(b!._shape)} ` +
    `and normalized_shape = ${fmtShape(shape)}`);
  const nd = input.dim();
  const tail = input._shape.slice(nd - shape.length);
  check(nd >= shape.length && tail.every((s, i) => s === shape[i]), () =>
    `Given normalized_shape=${fmtShape(shape)}, expected input with shape ` +
    `[*${shape.map((s) => `, ${s}`).join('')}], but got input of size${fmtShape(input._shape)}`);
  return layerNormOp(input, w, b, shape.length, o.eps ?? 1e-5);
}
