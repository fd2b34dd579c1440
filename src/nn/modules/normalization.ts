// LayerNorm and GroupNorm (torch/nn/modules/normalization.py).
import { Tensor } from '../../tensor/tensor.js';
import { empty } from '../../tensor/factories.js';
import { ValueError, check } from '../../utils/check.js';
import { py } from '../../utils/python.js';
import { Module } from './module.js';
import { Parameter } from '../parameter.js';
import * as F from '../functional.js';
import * as init from '../init.js';
import type { FactoryKwargs } from './linear.js';

export interface LayerNormModuleOptions extends FactoryKwargs {
  eps?: number;
  elementwise_affine?: boolean;
  bias?: boolean;
}

/**
 * nn.LayerNorm(normalized_shape, eps=1e-5, elementwise_affine=true, bias=true): normalises over
 * the trailing dims; weight starts at ones, bias at zeros.
 * @example new nn.LayerNorm(5) // LayerNorm((5,), eps=1e-05, elementwise_affine=True)
 */
export class LayerNorm extends Module {
  normalized_shape: number[];
  eps: number;
  elementwise_affine: boolean;
  declare weight: Parameter | null;
  declare bias: Parameter | null;

  constructor(normalized_shape: number | readonly number[], eps: number | LayerNormModuleOptions = 1e-5,
    elementwise_affine = true, bias = true, opts: FactoryKwargs = {}) {
    super();
    const o: LayerNormModuleOptions = typeof eps === 'object'
      ? eps
      : { eps, elementwise_affine, bias, ...opts };
    this.normalized_shape = typeof normalized_shape === 'number'
      ? [normalized_shape]
      : normalized_shape.slice();
    this.eps = o.eps ?? 1e-5;
    this.elementwise_affine = o.elementwise_affine ?? true;
    if (this.elementwise_affine) {
      this.weight = new Parameter(empty(this.normalized_shape, { dtype: o.dtype }));
      if (o.bias ?? true) this.bias = new Parameter(empty(this.normalized_shape, { dtype: o.dtype }));
      else this.register_parameter('bias', null);
    } else {
      this.register_parameter('weight', null);
      this.register_parameter('bias', null);
    }
    this.reset_parameters();
  }

  reset_parameters(): void {
    if (!this.elementwise_affine) return;
    init.ones_(this.weight!);
    if (this.bias) init.zeros_(this.bias);
  }

  override forward(input: Tensor): Tensor {
    return F.layer_norm(input, this.normalized_shape, this.weight, this.bias, this.eps);
  }

  override extra_repr(): string {
    return `${py(this.normalized_shape)}, eps=${py(this.eps)}, ` +
      `elementwise_affine=${py(this.elementwise_affine)}`;
  }
}

export interface GroupNormModuleOptions extends FactoryKwargs {
  eps?: number;
  affine?: boolean;
}

/**
 * nn.GroupNorm(num_groups, num_channels, eps=1e-5, affine=true): normalises groups of channels
 * per sample; weight starts at ones, bias at zeros.
 * @example new nn.GroupNorm(2, 4) // GroupNorm(2, 4, eps=1e-05, affine=True)
 */
export class GroupNorm extends Module {
  num_groups: number;
  num_channels: number;
  eps: number;
  affine: boolean;
  declare weight: Parameter | null;
  declare bias: Parameter | null;

  constructor(num_groups: number, num_channels: number, eps: number | GroupNormModuleOptions = 1e-5,
    affine = true, opts: FactoryKwargs = {}) {
    super();
    const o: GroupNormModuleOptions = typeof eps === 'object' ? eps : { eps, affine, ...opts };
    check(num_channels % num_groups === 0, () => 'num_channels must be divisible by num_groups', ValueError);
    this.num_groups = num_groups;
    this.num_channels = num_channels;
    this.eps = o.eps ?? 1e-5;
    this.affine = o.affine ?? true;
    if (this.affine) {
      this.weight = new Parameter(empty([num_channels], { dtype: o.dtype }));
      this.bias = new Parameter(empty([num_channels], { dtype: o.dtype }));
    } else {
      this.register_parameter('weight', null);
      this.register_parameter('bias', null);
    }
    this.reset_parameters();
  }

  reset_parameters(): void {
    if (!this.affine) return;
    init.ones_(this.weight!);
    init.zeros_(this.bias!);
  }

  override forward(input: Tensor): Tensor {
    return F.group_norm(input, this.num_groups, this.weight, this.bias, this.eps);
  }

  override extra_repr(): string {
    return `${this.num_groups}, ${this.num_channels}, eps=${py(this.eps)}, affine=${py(this.affine)}`;
  }
}
