// The loss ops ATen implements natively (ATen/native/Loss.cpp, BinaryCrossEntropy.cpp; gradients
// from tools/autograd/derivatives.yaml): smooth_l1_loss, huber_loss, binary_cross_entropy and
// binary_cross_entropy_with_logits, plus xlogy for kl_div. Each op applies its own reduction.
import { no_grad } from '../autograd/grad_mode.js';
import { Tensor } from '../tensor/tensor.js';
import { check } from '../utils/check.js';
import { where } from './binary.js';
import { defineOp } from './define.js';

export type LossReduction = 'none' | 'mean' | 'sum';

/** ATen's apply_loss_reduction. */
function reduce(t: Tensor, reduction: LossReduction): Tensor {
  if (reduction === 'none') return t;
  return reduction === 'sum' ? t.sum() : t.mean();
}

/** The incoming gradient scaled as the reduction demands (mean divides by the element count). */
function gradScale(g: Tensor, reduction: LossReduction, n: number): Tensor {
  return reduction === 'mean' ? g.div(n) : g;
}

/** log(sigmoid(x)) without overflow: min(x, 0) - log1p(exp(-|x|)). */
function logSigmoid(x: Tensor): Tensor {
  return x.clamp_max(0).sub(x.abs().neg().exp().log1p());
}

const smoothL1Impl = defineOp({
  name: 'SmoothL1LossBackward0',
  forward(ctx, x: Tensor, t: Tensor, reduction: LossReduction, beta: number) {
    ctx.save_for_backward(x, t);
    Object.assign(ctx, { reduction, beta });
    return no_grad(() => {
      const d = x.sub(t);
      const a = d.abs();
      return reduce(where(a.lt(beta), d.square().mul(0.5).div(beta), a.sub(0.5 * beta)), reduction);
    });
  },
  backward(ctx, g) {
    const [x, t] = ctx.saved_tensors;
    const beta = ctx.beta as number;
    const d = x.sub(t);
    const slope = where(d.lt(-beta), -1, where(d.gt(beta), 1, d.div(beta)));
    const gx = gradScale(g, ctx.reduction as LossReduction, x.numel()).mul(slope);
    return [gx, ctx.needs_input_grad[1] ? gx.neg() : null];
  },
});

/**
 * ATen's smooth_l1_loss: 0.5 * d^2 / beta where |d| < beta, else |d| - 0.5 * beta (d = x - t).
 * @example smooth_l1_loss(torch.tensor([0, 2]), torch.zeros(2), 'mean', 1) // tensor(0.7500)
 */
export function smooth_l1_loss(input: Tensor, target: Tensor, reduction: LossReduction = 'mean',
  beta = 1): Tensor {
  check(beta >= 0, () => 'smooth_l1_loss does not support negative values for beta.');
  return smoothL1Impl(input, target, reduction, beta);
}

const huberImpl = defineOp({
  name: 'HuberLossBackward0',
  forward(ctx, x: Tensor, t: Tensor, reduction: LossReduction, delta: number) {
    ctx.save_for_backward(x, t);
    Object.assign(ctx, { reduction, delta });
    return no_grad(() => {
      const d = x.sub(t);
      const a = d.abs();
      return reduce(where(a.lt(delta), d.square().mul(0.5), a.sub(0.5 * delta).mul(delta)), reduction);
    });
  },
  backward(ctx, g) {
    const [x, t] = ctx.saved_tensors;
    const delta = ctx.delta as number;
    const d = x.sub(t);
    const slope = where(d.lt(-delta), -delta, where(d.gt(delta), delta, d));
    const gx = gradScale(g, ctx.reduction as LossReduction, x.numel()).mul(slope);
    return [gx, ctx.needs_input_grad[1] ? gx.neg() : null];
  },
});

/**
 * ATen's huber_loss: 0.5 * d^2 where |d| < delta, else delta * (|d| - 0.5 * delta).
 * @example huber_loss(torch.tensor([0, 3]), torch.zeros(2), 'sum', 2) // tensor(4.)
 */
export function huber_loss(input: Tensor, target: Tensor, reduction: LossReduction = 'mean',
  delta = 1): Tensor {
  check(delta > 0, () => 'huber_loss does not support non-positive values for delta.');
  return huberImpl(input, target, reduction, delta);
}

// PyTorch clamps the logs at -100 so that a 0 or 1 input gives a finite loss.
const bceImpl = defineOp({
  name: 'BinaryCrossEntropyBackward0',
  inputs: [0, 1],
  forward(ctx, x: Tensor, t: Tensor, w: Tensor | null, reduction: LossReduction) {
    ctx.save_for_backward(x, t, w);
    ctx.reduction = reduction;
    return no_grad(() => {
      const logx = x.log().clamp_min(-100);
      const log1mx = x.neg().log1p().clamp_min(-100);
      let loss = t.sub(1).mul(log1mx).sub(t.mul(logx));
      if (w !== null) loss = loss.mul(w);
      return reduce(loss, reduction);
    });
  },
  backward(ctx, g) {
    const [x, t, w] = ctx.saved_tensors;
    let gs = gradScale(g, ctx.reduction as LossReduction, x.numel());
    if (w !== null) gs = gs.mul(w);
    // ATen's binary_cross_entropy_backward guards the denominator with EPSILON = 1e-12.
    const gx = ctx.needs_input_grad[0] ? gs.mul(x.sub(t)).div(x.neg().add(1).mul(x).clamp_min(1e-12)) : null;
    const gt = ctx.needs_input_grad[1] ? gs.mul(x.div(x.neg().add(1)).log().neg()) : null;
    return [gx, gt];
  },
});

/**
 * ATen's binary_cross_entropy: -w * (t * log(x) + (1 - t) * log(1 - x)), logs clamped at -100.
 * @example binary_cross_entropy(torch.tensor([0.5]), torch.tensor([1]), null, 'sum') // tensor(0.6931)
 */
export function binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | null = null,
  reduction: LossReduction = 'mean'): Tensor {
  const inRange = (v: Tensor): boolean => no_grad(() => v.ge(0).logical_and(v.le(1)).all().item() !== 0);
  check(inRange(input), () => 'all elements of input should be between 0 and 1');
  check(inRange(target), () => 'all elements of target should be between 0 and 1');
  return bceImpl(input, target, weight, reduction);
}

const bceLogitsImpl = defineOp({
  name: 'BinaryCrossEntropyWithLogitsBackward0',
  inputs: [0, 1],
  forward(ctx, x: Tensor, t: Tensor, w: Tensor | null, pw: Tensor | null, reduction: LossReduction) {
    ctx.save_for_backward(x, t, w, pw);
    ctx.reduction = reduction;
    return no_grad(() => {
      const coef = pw === null ? null : pw.sub(1).mul(t).add(1);
      const ls = logSigmoid(x);
      let loss = t.neg().add(1).mul(x).sub(coef === null ? ls : coef.mul(ls));
      if (w !== null) loss = loss.mul(w);
      return reduce(loss, reduction);
    });
  },
  backward(ctx, g) {
    const [x, t, w, pw] = ctx.saved_tensors;
    let gs = gradScale(g, ctx.reduction as LossReduction, x.numel());
    if (w !== null) gs = gs.mul(w);
    let gx: Tensor | null = null;
    if (ctx.needs_input_grad[0]) {
      if (pw === null) gx = gs.mul(x.sigmoid().sub(t));
      else {
        const pt = pw.mul(t);
        gx = gs.mul(pt.add(1).sub(t).mul(x.sigmoid()).sub(pt));
      }
    }
    let gt: Tensor | null = null;
    if (ctx.needs_input_grad[1]) {
      gt = pw === null ? gs.mul(x.neg()) : gs.mul(logSigmoid(x.neg()).sub(logSigmoid(x).mul(pw)));
    }
    return [gx, gt];
  },
});

/**
 * ATen's binary_cross_entropy_with_logits: binary cross entropy of sigmoid(input), computed
 * stably through log_sigmoid, with per-element weight and per-class pos_weight.
 * @example binary_cross_entropy_with_logits(torch.zeros(1), torch.ones(1)) // tensor(0.6931)
 */
export function binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight: Tensor | null = null,
  pos_weight: Tensor | null = null, reduction: LossReduction = 'mean'): Tensor {
  return bceLogitsImpl(input, target, weight, pos_weight, reduction);
}

const xlogyImpl = defineOp({
  name: 'XlogyBackward0',
  forward(ctx, x: Tensor, y: Tensor) {
    ctx.save_for_backward(x, y);
    return no_grad(() => where(x.eq(0).logical_and(y.isnan().logical_not()), 0, x.mul(y.log())));
  },
  backward(ctx, g) {
    const [x, y] = ctx.saved_tensors;
    const gx = ctx.needs_input_grad[0] ? where(x.eq(0), 0, g.mul(y.log())) : null;
    const gy = ctx.needs_input_grad[1] ? g.mul(x).div(y) : null;
    return [gx, gy];
  },
});

/**
 * torch.xlogy(x, y): x * log(y), and 0 where x is 0 (unless y is NaN).
 * @example xlogy(torch.tensor([0, 2]), torch.tensor([0, 1])) // tensor([0., 0.])
 */
export function xlogy(x: Tensor, y: Tensor): Tensor {
  return xlogyImpl(x, y);
}

/**
 * ATen's kl_div (composed, as in PyTorch): target * (log(target) - input), or with log_target
 * exp(target) * (target - input), then reduced ('mean' or 'sum' or 'none').
 * @example kl_div(torch.zeros(2), torch.full([2], 0.5), 'sum', false) // tensor(-0.6931)
 */
export function kl_div(input: Tensor, target: Tensor, reduction: LossReduction = 'mean',
  log_target = false): Tensor {
  const out = log_target ? target.exp().mul(target.sub(input)) : xlogy(target, target).sub(target.mul(input));
  return reduce(out, reduction);
}
