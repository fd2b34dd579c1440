// RMSprop, optionally centered and with momentum.
// Mirrors torch/optim/rmsprop.py (the single-tensor `_single_tensor_rmsprop` path).
import type { Tensor } from '../tensor/tensor.js';
import { tensor, zeros_like } from '../tensor/factories.js';
import { check, ValueError } from '../utils/check.js';
import { py } from '../utils/python.js';
import { Optimizer, type ParamGroup, type Params } from './optimizer.js';

/** RMSprop's hyperparameters (PyTorch's constructor keywords). */
export interface RMSpropOptions {
  lr: number;
  momentum: number;
  alpha: number;
  eps: number;
  centered: boolean;
  weight_decay: number;
  foreach: boolean | null;
  maximize: boolean;
  differentiable: boolean;
}

/**
 * RMSprop (torch.optim.RMSprop).
 *
 * @example
 * ```ts
 * const opt = new optim.RMSprop(model.parameters(), { lr: 0.01, centered: true });
 * opt.zero_grad(); loss.backward(); opt.step();
 * ```
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: Params<RMSpropOptions>, opts: Partial<RMSpropOptions> = {}) {
    const d: RMSpropOptions = {
      lr: opts.lr ?? 1e-2,
      momentum: opts.momentum ?? 0,
      alpha: opts.alpha ?? 0.99,
      eps: opts.eps ?? 1e-8,
      centered: opts.centered ?? false,
      weight_decay: opts.weight_decay ?? 0,
      foreach: opts.foreach ?? null,
      maximize: opts.maximize ?? false,
      differentiable: opts.differentiable ?? false,
    };
    check(d.lr >= 0, () => `Invalid learning rate: ${py(d.lr)}`, ValueError);
    check(d.eps >= 0, () => `Invalid epsilon value: ${py(d.eps)}`, ValueError);
    check(d.momentum >= 0, () => `Invalid momentum value: ${py(d.momentum)}`, ValueError);
    check(d.weight_decay >= 0, () => `Invalid weight_decay value: ${py(d.weight_decay)}`, ValueError);
    check(d.alpha >= 0, () => `Invalid alpha value: ${py(d.alpha)}`, ValueError);
    super(params, d);
  }

  protected _step_group(group: ParamGroup<RMSpropOptions>): void {
    const { lr, momentum, alpha, eps, centered, weight_decay, maximize } = group;
    for (const param of group.params) {
      if (param.grad === null) continue;
      const state = this._state(param);
      if (state.step === undefined) {
        state.step = tensor(0.0);
        state.square_avg = zeros_like(param);
        if (momentum > 0) state.momentum_buffer = zeros_like(param);
        if (centered) state.grad_avg = zeros_like(param);
      }
      (state.step as Tensor).add_(1);
      let grad = maximize ? param.grad.neg() : param.grad;
      if (weight_decay !== 0) grad = grad.add(param, { alpha: weight_decay });
      const square_avg = state.square_avg as Tensor;
      square_avg.mul_(alpha).addcmul_(grad, grad, { value: 1 - alpha });
      let avg: Tensor;
      if (centered) {
        const grad_avg = state.grad_avg as Tensor;
        grad_avg.mul_(alpha).add_(grad, { alpha: 1 - alpha });
        avg = square_avg.clone().addcmul_(grad_avg, grad_avg, { value: -1 }).sqrt_();
      } else {
        avg = square_avg.sqrt();
      }
      avg = avg.add_(eps);
      if (momentum > 0) {
        const buf = state.momentum_buffer as Tensor;
        buf.mul_(momentum).addcdiv_(grad, avg);
        param.add_(buf, { alpha: -lr });
      } else {
        param.addcdiv_(grad, avg, { value: -lr });
      }
    }
  }
}
