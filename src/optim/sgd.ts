// Stochastic gradient descent with momentum, dampening, Nesterov and weight decay.
// Mirrors torch/optim/sgd.py (the single-tensor `_single_tensor_sgd` path).
import type { Tensor } from '../tensor/tensor.js';
import { check, ValueError } from '../utils/check.js';
import { py } from '../utils/python.js';
import { Optimizer, type ParamGroup, type Params } from './optimizer.js';

/** SGD's hyperparameters (PyTorch's constructor keywords). */
export interface SGDOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weight_decay: number;
  nesterov: boolean;
  maximize: boolean;
  foreach: boolean | null;
  differentiable: boolean;
}

/**
 * Stochastic gradient descent (torch.optim.SGD).
 *
 * @example
 * ```ts
 * const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * opt.zero_grad(); loss.backward(); opt.step();
 * ```
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: Params<SGDOptions>, opts: Partial<SGDOptions> = {}) {
    const d: SGDOptions = {
      lr: opts.lr ?? 1e-3,
      momentum: opts.momentum ?? 0,
      dampening: opts.dampening ?? 0,
      weight_decay: opts.weight_decay ?? 0,
      nesterov: opts.nesterov ?? false,
      maximize: opts.maximize ?? false,
      foreach: opts.foreach ?? null,
      differentiable: opts.differentiable ?? false,
    };
    check(d.lr >= 0, () => `Invalid learning rate: ${py(d.lr)}`, ValueError);
    check(d.momentum >= 0, () => `Invalid momentum value: ${py(d.momentum)}`, ValueError);
    check(d.weight_decay >= 0, () => `Invalid weight_decay value: ${py(d.weight_decay)}`, ValueError);
    check(
      !d.nesterov || (d.momentum > 0 && d.dampening === 0),
      () => 'Nesterov momentum requires a momentum and zero dampening',
      ValueError,
    );
    super(params, d);
  }

  protected _step_group(group: ParamGroup<SGDOptions>): void {
    const { lr, momentum, dampening, weight_decay, nesterov, maximize } = group;
    for (const param of group.params) {
      const grad = param.grad;
      if (grad === null) continue;
      let d_p: Tensor = maximize ? grad.neg() : grad;
      if (weight_decay !== 0) d_p = d_p.add(param, { alpha: weight_decay });
      if (momentum !== 0) {
        const state = this._state(param);
        let buf = state.momentum_buffer as Tensor | null | undefined;
        if (buf === undefined || buf === null) {
          buf = d_p.clone().detach();
          state.momentum_buffer = buf;
        } else {
          buf.mul_(momentum).add_(d_p, { alpha: 1 - dampening });
        }
        d_p = nesterov ? d_p.add(buf, { alpha: momentum }) : buf;
      }
      param.add_(d_p, { alpha: -lr });
    }
  }
}
