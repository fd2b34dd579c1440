// Batch and layer normalisation (ATen/native/Normalization.cpp, layer_norm.cpp; the functional
// front ends of torch/nn/functional.py). Statistics are accumulated in float64, as PyTorch's CPU
// kernels accumulate float32 in double. The backward formulas are written with tensor ops and,
// when a graph is being built (create_graph), recompute the statistics from the input with
// differentiable ops, so double backward is exact.
import { is_grad_enabled, no_grad } from '../autograd/grad_mode.js';
import { K } from '../backend/backend.js';
import { float64 } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { fmtShape } from '../tensor/view.js';
import { ValueError, check, wrapDim } from '../utils/check.js';
import { defineOp } from './define.js';
import { kv } from './util.js';

/** Per-slot mean and biased variance of x over `dims`, in float64, shaped like x with keepdim. */
function stats(x: Tensor, dims: number[]): [Tensor, Tensor] {
  const keep = x._shape.map((s, i) => (dims.includes(i) ? 1 : s));
  const n = keep.reduce((a, b) => a * b, 1);
  const count = x.numel() / Math.max(n, 1);
  const mean = Tensor._empty(keep, float64);
  const v = Tensor._empty(keep, float64);
  if (x.numel() > 0) {
    K().reduce('sum', kv(x), dims, mean._storage.data, 'float');
    const md = mean._storage.data;
    for (let i = 0; i < md.length; i++) md[i] /= count;
    K().varReduce(kv(x), dims, 0, v._storage.data, false);
  }
  return [mean, v];
}

function bnDims(x: Tensor): number[] {
  return x._shape.map((_, i) => i).filter((i) => i !== 1);
}

function bcShape(x: Tensor): number[] {
  return x._shape.map((s, i) => (i === 1 ? s : 1));
}

/** y = x * alpha + beta with per-channel alpha = invstd * w and beta = b - mean * alpha. */
function affine(x: Tensor, mean: Tensor, invstd: Tensor, w: Tensor | null, b: Tensor | null): Tensor {
  let alpha = invstd;
  if (w !== null) alpha = alpha.mul(w.to(float64).reshape(alpha._shape));
  let beta = mean.mul(alpha).neg();
  if (b !== null) beta = beta.add(b.to(float64).reshape(beta._shape));
  return x.mul(alpha.to(x.dtype)).add(beta.to(x.dtype));
}

interface BnCtx {
  training: boolean;
  eps: number;
}

const batchNormOp = defineOp({
  name: 'NativeBatchNormBackward0',
  forward(ctx, x: Tensor, w: Tensor | null, b: Tensor | null, rm: Tensor | null, rv: Tensor | null,
    training: boolean, momentum: number, eps: number) {
    const C = x._shape[1];
    return no_grad(() => {
      let mean: Tensor;
      let varT: Tensor;
      if (training) {
        [mean, varT] = stats(x, bnDims(x));
        mean = mean.reshape([C]);
        varT = varT.reshape([C]);
        const n = x.numel() / Math.max(C, 1);
        if (rm !== null) rm.copy_(mean.mul(momentum).add(rm.to(float64).mul(1 - momentum)));
        // The running variance is unbiased (n / (n - 1)), the normalising one is biased.
        if (rv !== null) rv.copy_(varT.mul((momentum * n) / (n - 1)).add(rv.to(float64).mul(1 - momentum)));
      } else {
        mean = rm!.to(float64);
        varT = rv!.to(float64);
      }
      const invstd = varT.add(eps).rsqrt();
      const bc = bcShape(x);
      const y = affine(x, mean.reshape(bc), invstd.reshape(bc), w, b);
      Object.assign(ctx, { training, eps } satisfies BnCtx);
      ctx.save_for_backward(x, w, mean.to(x.dtype), invstd.to(x.dtype));
      return y;
    });
  },
  backward(ctx, g) {
    const [x, w, mean, invstd] = ctx.saved_tensors;
    const { training, eps } = ctx as unknown as BnCtx;
    const need = ctx.needs_input_grad;
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

const layerNormOp = defineOp({
  name: 'NativeLayerNormBackward0',
  forward(ctx, x: Tensor, w: Tensor | null, b: Tensor | null, k: number, eps: number) {
    const dims = x._shape.map((_, i) => i).slice(x.dim() - k);
    return no_grad(() => {
      const [mean, varT] = stats(x, dims);
      const rstd = varT.add(eps).rsqrt();
      let y = x.to(float64).sub(mean).mul(rstd);
      if (w !== null) y = y.mul(w.to(float64));
      if (b !== null) y = y.add(b.to(float64));
      Object.assign(ctx, { dims, eps });
      ctx.save_for_backward(x, w, mean.to(x.dtype), rstd.to(x.dtype));
      return y.to(x.dtype);
    });
  },
  backward(ctx, g) {
    const [x, w, mean, rstd] = ctx.saved_tensors;
    const dims = ctx.dims as number[];
    const need = ctx.needs_input_grad;
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
