// Batch normalisation modules (torch/nn/modules/batchnorm.py): _NormBase, _BatchNorm,
// BatchNorm1d, BatchNorm2d.
import { Tensor } from '../../tensor/tensor.js';
import { empty, ones, tensor, zeros } from '../../tensor/factories.js';
import { no_grad } from '../../autograd/grad_mode.js';
import { ValueError, check } from '../../utils/check.js';
import { py } from '../../utils/python.js';
import { Module } from './module.js';
import { Parameter } from '../parameter.js';
import * as F from '../functional.js';
import * as init from '../init.js';
import type { FactoryKwargs } from './linear.js';

export interface BatchNormOptions extends FactoryKwargs {
  eps?: number;
  momentum?: number | null;
  affine?: boolean;
  track_running_stats?: boolean;
}

/** Parameters, buffers and reset logic shared by the normalisation layers. */
export abstract class _NormBase extends Module {
  // Version 2 added num_batches_tracked (PyTorch's _NormBase._version).
  static override _version = 2;
  num_features: number;
  eps: number;
  momentum: number | null;
  affine: boolean;
  track_running_stats: boolean;
  declare weight: Parameter | null;
  declare bias: Parameter | null;
  declare running_mean: Tensor | null;
  declare running_var: Tensor | null;
  declare num_batches_tracked: Tensor | null;

  constructor(num_features: number, o: BatchNormOptions) {
    super();
    this.num_features = num_features;
    this.eps = o.eps ?? 1e-5;
    this.momentum = o.momentum === undefined ? 0.1 : o.momentum;
    this.affine = o.affine ?? true;
    this.track_running_stats = o.track_running_stats ?? true;
    if (this.affine) {
      this.weight = new Parameter(empty([num_features], { dtype: o.dtype }));
      this.bias = new Parameter(empty([num_features], { dtype: o.dtype }));
    } else {
      this.register_parameter('weight', null);
      this.register_parameter('bias', null);
    }
    if (this.track_running_stats) {
      this.register_buffer('running_mean', zeros([num_features], { dtype: o.dtype }));
      this.register_buffer('running_var', ones([num_features], { dtype: o.dtype }));
      this.register_buffer('num_batches_tracked', tensor(0, { dtype: 'int64' }));
    } else {
      this.register_buffer('running_mean', null);
      this.register_buffer('running_var', null);
      this.register_buffer('num_batches_tracked', null);
    }
    this.reset_parameters();
  }

  reset_running_stats(): void {
    if (!this.track_running_stats) return;
    no_grad(() => {
      this.running_mean!.zero_();
      this.running_var!.fill_(1);
      this.num_batches_tracked!.zero_();
    });
  }

  reset_parameters(): void {
    this.reset_running_stats();
    if (this.affine) {
      init.ones_(this.weight!);
      init.zeros_(this.bias!);
    }
  }

  protected abstract _check_input_dim(input: Tensor): void;

  override extra_repr(): string {
    return `${this.num_features}, eps=${py(this.eps)}, momentum=${py(this.momentum)}, ` +
      `affine=${py(this.affine)}, track_running_stats=${py(this.track_running_stats)}`;
  }
}

/** The forward shared by BatchNorm1d/2d (PyTorch's _BatchNorm.forward). */
export abstract class _BatchNorm extends _NormBase {
  override forward(input: Tensor): Tensor {
    this._check_input_dim(input);
    let factor = this.momentum ?? 0;
    if (this.training && this.track_running_stats && this.num_batches_tracked !== null) {
      no_grad(() => this.num_batches_tracked!.add_(1));
      factor = this.momentum === null ? 1 / this.num_batches_tracked.item() : this.momentum;
    }
    const bnTraining = this.training || (this.running_mean === null && this.running_var === null);
    const useStats = !this.training || this.track_running_stats;
    return F.batch_norm(input, useStats ? this.running_mean : null, useStats ? this.running_var : null,
      this.weight, this.bias, bnTraining, factor, this.eps);
  }
}

function bnArgs(eps: number | BatchNormOptions, momentum: number | null, affine: boolean,
  track: boolean, opts: FactoryKwargs): BatchNormOptions {
  if (typeof eps === 'object') return eps;
  return { eps, momentum, affine, track_running_stats: track, ...opts };
}

/** nn.BatchNorm1d(num_features, eps=1e-5, momentum=0.1, affine=true, track_running_stats=true) */
export class BatchNorm1d extends _BatchNorm {
  constructor(num_features: number, eps: number | BatchNormOptions = 1e-5, momentum: number | null = 0.1,
    affine = true, track_running_stats = true, opts: FactoryKwargs = {}) {
    super(num_features, bnArgs(eps, momentum, affine, track_running_stats, opts));
  }

  protected _check_input_dim(input: Tensor): void {
    check(input.dim() === 2 || input.dim() === 3, () =>
      `expected 2D or 3D input (got ${input.dim()}D input)`, ValueError);
  }
}

/**
 * nn.BatchNorm2d(num_features, eps=1e-5, momentum=0.1, affine=true, track_running_stats=true)
 * @example new nn.BatchNorm2d(16) // BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=True, ...)
 */
export class BatchNorm2d extends _BatchNorm {
  constructor(num_features: number, eps: number | BatchNormOptions = 1e-5, momentum: number | null = 0.1,
    affine = true, track_running_stats = true, opts: FactoryKwargs = {}) {
    super(num_features, bnArgs(eps, momentum, affine, track_running_stats, opts));
  }

  protected _check_input_dim(input: Tensor): void {
    check(input.dim() === 4, () => `expected 4D input (got ${input.dim()}D input)`, ValueError);
  }
}
