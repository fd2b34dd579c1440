// Instance normalisation modules (torch/nn/modules/instancenorm.py): _InstanceNorm and
// InstanceNorm1d/2d/3d. Unlike batch norm: affine and track_running_stats default to false, and
// num_batches_tracked is kept but never advanced.
import { Tensor } from '../../tensor/tensor.js';
import { ValueError, check } from '../../utils/check.js';
import { warn } from '../../utils/warnings.js';
import * as F from '../functional.js';
import { _NormBase, type BatchNormOptions } from './batchnorm.js';
import type { FactoryKwargs } from './linear.js';

export type InstanceNormOptions = BatchNormOptions;

function inArgs(eps: number | InstanceNormOptions, momentum: number | null, affine: boolean, track: boolean,
  opts: FactoryKwargs): BatchNormOptions {
  const o = typeof eps === 'object' ? eps : { eps, momentum, affine, track_running_stats: track, ...opts };
  return { ...o, affine: o.affine ?? false, track_running_stats: o.track_running_stats ?? false };
}

/** The forward shared by InstanceNorm1d/2d (PyTorch's _InstanceNorm). */
export abstract class _InstanceNorm extends _NormBase {
  constructor(num_features: number, eps: number | InstanceNormOptions = 1e-5, momentum: number | null = 0.1,
    affine = false, track_running_stats = false, opts: FactoryKwargs = {}) {
    super(num_features, inArgs(eps, momentum, affine, track_running_stats, opts));
  }

  protected abstract _get_no_batch_dim(): number;

  protected _handle_no_batch_input(input: Tensor): Tensor {
    return this._apply_instance_norm(input.unsqueeze(0)).squeeze(0);
  }

  protected _apply_instance_norm(input: Tensor): Tensor {
    return F.instance_norm(input, this.running_mean, this.running_var, this.weight, this.bias,
      this.training || !this.track_running_stats, this.momentum ?? 0, this.eps);
  }

  override forward(input: Tensor): Tensor {
    this._check_input_dim(input);
    const featureDim = input.dim() - this._get_no_batch_dim();
    if (input.size(featureDim) !== this.num_features) {
      check(!this.affine, () => `expected input's size at dim=${featureDim} to match num_features ` +
        `(${this.num_features}), but got: ${input.size(featureDim)}.`, ValueError);
      warn(`input's size at dim=${featureDim} does not match num_features. You can silence this warning by ` +
        'not passing in num_features, which is not used because affine=False');
    }
    if (input.dim() === this._get_no_batch_dim()) return this._handle_no_batch_input(input);
    return this._apply_instance_norm(input);
  }
}

/**
 * nn.InstanceNorm1d(num_features, eps=1e-5, momentum=0.1, affine=false, track_running_stats=false)
 * over [N, C, L] or [C, L] inputs.
 * @example new nn.InstanceNorm1d(3) // InstanceNorm1d(3, eps=1e-05, momentum=0.1, affine=False, ...)
 */
export class InstanceNorm1d extends _InstanceNorm {
  protected _get_no_batch_dim(): number {
    return 2;
  }

  protected _check_input_dim(input: Tensor): void {
    check(input.dim() === 2 || input.dim() === 3, () =>
      `expected 2D or 3D input (got ${input.dim()}D input)`, ValueError);
  }
}

/**
 * nn.InstanceNorm2d(num_features, eps=1e-5, momentum=0.1, affine=false, track_running_stats=false)
 * over [N, C, H, W] or [C, H, W] inputs.
 * @example new nn.InstanceNorm2d(8, { affine: true })
 */
export class InstanceNorm2d extends _InstanceNorm {
  protected _get_no_batch_dim(): number {
    return 3;
  }

  protected _check_input_dim(input: Tensor): void {
    check(input.dim() === 3 || input.dim() === 4, () =>
      `expected 3D or 4D input (got ${input.dim()}D input)`, ValueError);
  }
}

/**
 * nn.InstanceNorm3d(num_features, eps=1e-5, momentum=0.1, affine=false, track_running_stats=false)
 * over [N, C, D, H, W] or [C, D, H, W] inputs.
 * @example new nn.InstanceNorm3d(4)
 */
export class InstanceNorm3d extends _InstanceNorm {
  protected _get_no_batch_dim(): number {
    return 4;
  }

  protected _check_input_dim(input: Tensor): void {
    check(input.dim() === 4 || input.dim() === 5, () =>
      `expected 4D or 5D input (got ${input.dim()}D input)`, ValueError);
  }
}
