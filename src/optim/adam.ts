// Adam and its optional AMSGrad variant (L2 weight decay added to the gradient).
// Mirrors torch/optim/adam.py (the single-tensor `_single_tensor_adam` path).
import type { Tensor } from '../tensor/tensor.js';
import { tensor, zeros_like } from '../tensor/factories.js';
import { check, ValueError } from '../utils/check.js';
import { py, pyFloat } from '../utils/python.js';
import { Optimizer, type ParamGroup, type ParamState, type Params } from './optimizer.js';

/** Adam's and AdamW's hyperparameters (PyTorch's constructor keywords). */
export interface AdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weight_decay: number;
  amsgrad: boolean;
  maximize: boolean;
  foreach: boolean | null;
  capturable: boolean;
  differentiable: boolean;
  fused: boolean;
}

/** Fills Adam-style defaults and applies PyTorch's argument checks. */
export function adamDefaults(opts: Partial<AdamOptions>, weight_decay: number): AdamOptions {
  const d: AdamOptions = {
    lr: opts.lr ?? 1e-3,
    betas: opts.betas ? [opts.betas[0], opts.betas[1]] : [0.9, 0.999],
    eps: opts.eps ?? 1e-8,
    weight_decay: opts.weight_decay ?? weight_decay,
    amsgrad: opts.amsgrad ?? false,
    maximize: opts.maximize ?? false,
    foreach: opts.foreach ?? null,
    capturable: opts.capturable ?? false,
    differentiable: opts.differentiable ?? false,
    fused: opts.fused ?? false,
  };
  const [b0, b1] = d.betas;
  check(d.lr >= 0, () => `Invalid learning rate: ${py(d.lr)}`, ValueError);
  check(d.eps >= 0, () => `Invalid epsilon value: ${py(d.eps)}`, ValueError);
  check(b0 >= 0 && b0 < 1, () => `Invalid beta parameter at index 0: ${pyFloat(b0)}`, ValueError);
  check(b1 >= 0 && b1 < 1, () => `Invalid beta parameter at index 1: ${pyFloat(b1)}`, ValueError);
  check(d.weight_decay >= 0, () => `Invalid weight_decay value: ${py(d.weight_decay)}`, ValueError);
  return d;
}

/**
 * One Adam update of `param` with gradient `grad` (already negated for `maximize` and, for
 * Adam, with weight decay added), in the order of PyTorch's `_single_tensor_adam`.
 */
export function adamUpdate(param: Tensor, grad: Tensor, state: ParamState, group: AdamOptions): void {
  if (state.step === undefined) {
    state.step = tensor(0.0);
    state.exp_avg = zeros_like(param);
    state.exp_avg_sq = zeros_like(param);
    if (group.amsgrad) state.max_exp_avg_sq = zeros_like(param);
  }
  const [beta1, beta2] = group.betas;
  const step_t = state.step as Tensor;
  const exp_avg = state.exp_avg as Tensor;
  const exp_avg_sq = state.exp_avg_sq as Tensor;
  step_t.add_(1);
  exp_avg.mul_(beta1).add_(grad, { alpha: 1 - beta1 });
  exp_avg_sq.mul_(beta2).addcmul_(grad, grad, { value: 1 - beta2 });
  const step = step_t.item();
  const bias_correction1 = 1 - beta1 ** step;
  const bias_correction2 = 1 - beta2 ** step;
  const step_size = group.lr / bias_correction1;
  const bias_correction2_sqrt = Math.sqrt(bias_correction2);
  let denom: Tensor;
  if (group.amsgrad) {
    const max_sq = state.max_exp_avg_sq as Tensor;
    max_sq.copy_(max_sq.maximum(exp_avg_sq));
    denom = max_sq.sqrt().div(bias_correction2_sqrt).add_(group.eps);
  } else {
    denom = exp_avg_sq.sqrt().div(bias_correction2_sqrt).add_(group.eps);
  }
  param.addcdiv_(exp_avg, denom, { value: -step_size });
}

/**
 * Adam (torch.optim.Adam): adaptive moment estimation, with L2 weight decay added to the gradient.
 *
 * @example
 * ```ts
 * const opt = new optim.Adam(model.parameters(), { lr: 1e-3, betas: [0.9, 0.999] });
 * opt.zero_grad(); loss.backward(); opt.step();
 * ```
 */
export class Adam extends Optimizer<AdamOptions> {
  constructor(params: Params<AdamOptions>, opts: Partial<AdamOptions> = {}) {
    super(params, adamDefaults(opts, 0));
  }

  protected _step_group(group: ParamGroup<AdamOptions>): void {
    for (const param of group.params) {
      if (param.grad === null) continue;
      let grad = group.maximize ? param.grad.neg() : param.grad;
      if (group.weight_decay !== 0) grad = grad.add(param, { alpha: group.weight_decay });
      adamUpdate(param, grad, this._state(param), group);
    }
  }
}
