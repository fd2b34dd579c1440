// AdamW: Adam with decoupled weight decay (the parameter shrinks before the Adam update).
// Mirrors torch/optim/adamw.py (the single-tensor `_single_tensor_adamw` path).
import { Optimizer, type ParamGroup, type Params } from './optimizer.js';
import { type AdamOptions, adamDefaults, adamUpdate } from './adam.js';

/**
 * AdamW (torch.optim.AdamW); `weight_decay` defaults to 1e-2.
 *
 * @example
 * ```ts
 * const opt = new optim.AdamW(model.parameters(), { lr: 1e-3, weight_decay: 0.01 });
 * opt.zero_grad(); loss.backward(); opt.step();
 * ```
 */
export class AdamW extends Optimizer<AdamOptions> {
  constructor(params: Params<AdamOptions>, opts: Partial<AdamOptions> = {}) {
    super(params, adamDefaults(opts, 1e-2));
  }

  protected _step_group(group: ParamGroup<AdamOptions>): void {
    for (const param of group.params) {
      if (param.grad === null) continue;
      const grad = group.maximize ? param.grad.neg() : param.grad;
      const state = this._state(param);
      // PyTorch increments `step` before the decay; the decay does not depend on it.
      param.mul_(1 - group.lr * group.weight_decay);
      adamUpdate(param, grad, state, group);
    }
  }
}
