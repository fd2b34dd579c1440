// Adagrad, with learning-rate decay and an initial accumulator value.
// Mirrors torch/optim/adagrad.py (the single-tensor `_single_tensor_adagrad` path, dense grads).
import type { Tensor } from '../tensor/tensor.js';
import { tensor, full_like } from '../tensor/factories.js';
import { check, ValueError } from '../utils/check.js';
import { py } from '../utils/python.js';
import { Optimizer, type ParamGroup, type Params } from './optimizer.js';

/** Adagrad's hyperparameters (PyTorch's constructor keywords). */
export interface AdagradOptions {
  lr: number;
  lr_decay: number;
  eps: number;
  weight_decay: number;
  initial_accumulator_value: number;
  foreach: boolean | null;
  maximize: boolean;
  differentiable: boolean;
}

/**
 * Adagrad (torch.optim.Adagrad). Its state (`sum`, `step`) is created in the constructor.
 *
 * @example
 * ```ts
 * const opt = new optim.Adagrad(model.parameters(), { lr: 0.1, lr_decay: 0.01 });
 * opt.zero_grad(); loss.backward(); opt.step();
 * ```
 */
export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: Params<AdagradOptions>, opts: Partial<AdagradOptions> = {}) {
    const d: AdagradOptions = {
      lr: opts.lr ?? 1e-2,
      lr_decay: opts.lr_decay ?? 0,
      eps: opts.eps ?? 1e-10,
      weight_decay: opts.weight_decay ?? 0,
      initial_accumulator_value: opts.initial_accumulator_value ?? 0,
      foreach: opts.foreach ?? null,
      maximize: opts.maximize ?? false,
      differentiable: opts.differentiable ?? false,
    };
    check(d.lr >= 0, () => `Invalid learning rate: ${py(d.lr)}`, ValueError);
    check(d.lr_decay >= 0, () => `Invalid lr_decay value: ${py(d.lr_decay)}`, ValueError);
    check(d.weight_decay >= 0, () => `Invalid weight_decay value: ${py(d.weight_decay)}`, ValueError);
    check(
      d.initial_accumulator_value >= 0,
      () => `Invalid initial_accumulator_value value: ${py(d.initial_accumulator_value)}`,
      ValueError,
    );
    check(d.eps >= 0, () => `Invalid epsilon value: ${py(d.eps)}`, ValueError);
    super(params, d);
    for (const group of this.param_groups) {
      for (const p of group.params) {
        const state = this._state(p);
        state.step = tensor(0.0);
        state.sum = full_like(p, group.initial_accumulator_value);
      }
    }
  }

  protected _step_group(group: ParamGroup<AdagradOptions>): void {
    const { lr, lr_decay, eps, weight_decay, maximize } = group;
    for (const param of group.params) {
      if (param.grad === null) continue;
      const state = this._state(param);
      const step_t = state.step as Tensor;
      const state_sum = state.sum as Tensor;
      step_t.add_(1);
      const step = step_t.item();
      let grad = maximize ? param.grad.neg() : param.grad;
      if (weight_decay !== 0) grad = grad.add(param, { alpha: weight_decay });
      const clr = lr / (1 + (step - 1) * lr_decay);
      state_sum.addcmul_(grad, grad, { value: 1 });
      const std = state_sum.sqrt().add_(eps);
      param.addcdiv_(grad, std, { value: -clr });
    }
  }
}
