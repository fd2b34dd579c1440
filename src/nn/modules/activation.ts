// Activation modules (torch/nn/modules/activation.py).
import { Tensor } from '../../tensor/tensor.js';
import { Module } from './module.js';
import * as F from '../functional.js';
import { Parameter } from '../parameter.js';
import * as init from '../init.js';
import { empty } from '../../tensor/factories.js';
import type { DTypeLike } from '../../tensor/dtype.js';
import { py, pyFloat } from '../../utils/python.js';

/** nn.ReLU(inplace=false) */
export class ReLU extends Module {
  inplace: boolean;

  constructor(inplace: boolean | { inplace?: boolean } = false) {
    super();
    this.inplace = typeof inplace === 'object' ? inplace.inplace ?? false : inplace;
  }

  override forward(input: Tensor): Tensor {
    return F.relu(input, this.inplace);
  }

  override extra_repr(): string {
    return this.inplace ? 'inplace=True' : '';
  }
}

/** nn.Sigmoid() */
export class Sigmoid extends Module {
  override forward(input: Tensor): Tensor {
    return F.sigmoid(input);
  }
}

/** nn.Tanh() */
export class Tanh extends Module {
  override forward(input: Tensor): Tensor {
    return F.tanh(input);
  }
}

// ---- The remaining activation modules; each forwards to its nn.functional counterpart.

/** Merges positional constructor arguments named `names` with a trailing options object. */
function ctorArgs<O>(names: readonly string[], args: unknown[]): O {
  const o: Record<string, unknown> = {};
  args.forEach((v, i) => {
    if (v !== null && typeof v === 'object') Object.assign(o, v);
    else if (v !== undefined) o[names[i]] = v;
  });
  return o as O;
}

function inplaceArg(v: boolean | { inplace?: boolean } | undefined): boolean {
  return typeof v === 'object' ? v.inplace ?? false : v ?? false;
}

export interface HardtanhOptions { min_val?: number; max_val?: number; inplace?: boolean }

/**
 * nn.Hardtanh(min_val=-1, max_val=1, inplace=false)
 * @example new nn.Hardtanh(-2, 2).forward(torch.tensor([-3, 3])) // tensor([-2., 2.])
 */
export class Hardtanh extends Module {
  min_val: number;
  max_val: number;
  inplace: boolean;

  constructor(min_val?: number | HardtanhOptions, max_val?: number | HardtanhOptions,
    inplace?: boolean | HardtanhOptions) {
    super();
    const o = ctorArgs<HardtanhOptions>(['min_val', 'max_val', 'inplace'], [min_val, max_val, inplace]);
    this.min_val = o.min_val ?? -1;
    this.max_val = o.max_val ?? 1;
    this.inplace = o.inplace ?? false;
  }

  override forward(input: Tensor): Tensor {
    return F.hardtanh(input, this.min_val, this.max_val, this.inplace);
  }

  override extra_repr(): string {
    const ip = this.inplace ? ', inplace=True' : '';
    return `min_val=${pyFloat(this.min_val)}, max_val=${pyFloat(this.max_val)}${ip}`;
  }
}

/**
 * nn.ReLU6(inplace=false): Hardtanh(0, 6), printed without its bounds as in PyTorch.
 * @example new nn.ReLU6().forward(torch.tensor([-1, 7])) // tensor([0., 6.])
 */
export class ReLU6 extends Hardtanh {
  constructor(inplace: boolean | { inplace?: boolean } = false) {
    super(0, 6, inplaceArg(inplace));
  }

  override extra_repr(): string {
    return this.inplace ? 'inplace=True' : '';
  }
}

export interface LeakyReLUOptions { negative_slope?: number; inplace?: boolean }

/**
 * nn.LeakyReLU(negative_slope=0.01, inplace=false)
 * @example new nn.LeakyReLU(0.1).forward(torch.tensor([-1])) // tensor([-0.1000])
 */
export class LeakyReLU extends Module {
  negative_slope: number;
  inplace: boolean;

  constructor(negative_slope?: number | LeakyReLUOptions, inplace?: boolean | LeakyReLUOptions) {
    super();
    const o = ctorArgs<LeakyReLUOptions>(['negative_slope', 'inplace'], [negative_slope, inplace]);
    this.negative_slope = o.negative_slope ?? 0.01;
    this.inplace = o.inplace ?? false;
  }

  override forward(input: Tensor): Tensor {
    return F.leaky_relu(input, this.negative_slope, this.inplace);
  }

  override extra_repr(): string {
    return `negative_slope=${pyFloat(this.negative_slope)}${this.inplace ? ', inplace=True' : ''}`;
  }
}

export interface PReLUOptions { num_parameters?: number; init?: number; dtype?: DTypeLike; device?: string }

/**
 * nn.PReLU(num_parameters=1, init=0.25): a leaky ReLU whose slope is the learnt `weight`.
 * @example new nn.PReLU(3).weight.shape // [3]
 */
export class PReLU extends Module {
  num_parameters: number;
  init: number;
  declare weight: Parameter;

  constructor(num_parameters?: number | PReLUOptions, initValue?: number | PReLUOptions,
    opts: PReLUOptions = {}) {
    super();
    const o = ctorArgs<PReLUOptions>(['num_parameters', 'init'], [num_parameters, initValue, opts]);
    this.num_parameters = o.num_parameters ?? 1;
    this.init = o.init ?? 0.25;
    this.weight = new Parameter(empty([this.num_parameters], { dtype: o.dtype }));
    this.reset_parameters();
  }

  reset_parameters(): void {
    init.constant_(this.weight, this.init);
  }

  override forward(input: Tensor): Tensor {
    return F.prelu(input, this.weight);
  }

  override extra_repr(): string {
    return `num_parameters=${this.num_parameters}`;
  }
}

export interface EluOptions { alpha?: number; inplace?: boolean }

/**
 * nn.ELU(alpha=1, inplace=false)
 * @example new nn.ELU().forward(torch.tensor([-1])) // tensor([-0.6321])
 */
export class ELU extends Module {
  alpha: number;
  inplace: boolean;

  constructor(alpha?: number | EluOptions, inplace?: boolean | EluOptions) {
    super();
    const o = ctorArgs<EluOptions>(['alpha', 'inplace'], [alpha, inplace]);
    this.alpha = o.alpha ?? 1;
    this.inplace = o.inplace ?? false;
  }

  override forward(input: Tensor): Tensor {
    return F.elu(input, this.alpha, this.inplace);
  }

  override extra_repr(): string {
    return `alpha=${pyFloat(this.alpha)}${this.inplace ? ', inplace=True' : ''}`;
  }
}

/**
 * nn.CELU(alpha=1, inplace=false)
 * @example new nn.CELU(2).forward(torch.tensor([-1])) // tensor([-0.7869])
 */
export class CELU extends ELU {
  override forward(input: Tensor): Tensor {
    return F.celu(input, this.alpha, this.inplace);
  }
}

/** A module with only an `inplace` flag, printed as PyTorch's 'inplace=True' or nothing. */
abstract class InplaceActivation extends Module {
  inplace: boolean;

  constructor(inplace: boolean | { inplace?: boolean } = false) {
    super();
    this.inplace = inplaceArg(inplace);
  }

  override extra_repr(): string {
    return this.inplace ? 'inplace=True' : '';
  }
}

/**
 * nn.SELU(inplace=false)
 * @example new nn.SELU().forward(torch.tensor([1])) // tensor([1.0507])
 */
export class SELU extends InplaceActivation {
  override forward(input: Tensor): Tensor {
    return F.selu(input, this.inplace);
  }
}

/**
 * nn.SiLU(inplace=false)
 * @example new nn.SiLU().forward(torch.tensor([1])) // tensor([0.7311])
 */
export class SiLU extends InplaceActivation {
  override forward(input: Tensor): Tensor {
    return F.silu(input, this.inplace);
  }
}

/**
 * nn.Mish(inplace=false)
 * @example new nn.Mish().forward(torch.tensor([1])) // tensor([0.8651])
 */
export class Mish extends InplaceActivation {
  override forward(input: Tensor): Tensor {
    return F.mish(input, this.inplace);
  }
}

/**
 * nn.Hardswish(inplace=false); PyTorch gives it no extra_repr.
 * @example new nn.Hardswish().forward(torch.tensor([1])) // tensor([0.6667])
 */
export class Hardswish extends InplaceActivation {
  override forward(input: Tensor): Tensor {
    return F.hardswish(input, this.inplace);
  }

  override extra_repr(): string {
    return '';
  }
}

/**
 * nn.Hardsigmoid(inplace=false); PyTorch gives it no extra_repr.
 * @example new nn.Hardsigmoid().forward(torch.tensor([0])) // tensor([0.5000])
 */
export class Hardsigmoid extends InplaceActivation {
  override forward(input: Tensor): Tensor {
    return F.hardsigmoid(input, this.inplace);
  }

  override extra_repr(): string {
    return '';
  }
}

type Approximate = 'none' | 'tanh';

/**
 * nn.GELU(approximate='none')
 * @example new nn.GELU('tanh').forward(torch.tensor([1])) // tensor([0.8412])
 */
export class GELU extends Module {
  approximate: Approximate;

  constructor(approximate: Approximate | { approximate?: Approximate } = 'none') {
    super();
    this.approximate = typeof approximate === 'object' ? approximate.approximate ?? 'none' : approximate;
  }

  override forward(input: Tensor): Tensor {
    return F.gelu(input, this.approximate);
  }

  override extra_repr(): string {
    return `approximate='${this.approximate}'`;
  }
}

export interface SoftplusOptions { beta?: number; threshold?: number }

/**
 * nn.Softplus(beta=1.0, threshold=20.0)
 * @example new nn.Softplus(2).forward(torch.tensor([0])) // tensor([0.3466])
 */
export class Softplus extends Module {
  beta: number;
  threshold: number;

  constructor(beta?: number | SoftplusOptions, threshold?: number | SoftplusOptions) {
    super();
    const o = ctorArgs<SoftplusOptions>(['beta', 'threshold'], [beta, threshold]);
    this.beta = o.beta ?? 1;
    this.threshold = o.threshold ?? 20;
  }

  override forward(input: Tensor): Tensor {
    return F.softplus(input, this.beta, this.threshold);
  }

  override extra_repr(): string {
    // PyTorch 2.x declares both as floats (1.0, 20.0); 1.13 printed ints.
    return `beta=${pyFloat(this.beta)}, threshold=${pyFloat(this.threshold)}`;
  }
}

/**
 * nn.Softmax(dim=None)
 * @example new nn.Softmax(1).forward(torch.zeros(1, 2)) // tensor([[0.5000, 0.5000]])
 */
export class Softmax extends Module {
  dim: number | null;

  constructor(dim: number | null | { dim?: number | null } = null) {
    super();
    this.dim = dim !== null && typeof dim === 'object' ? dim.dim ?? null : dim;
  }

  override forward(input: Tensor): Tensor {
    return F.softmax(input, this.dim);
  }

  override extra_repr(): string {
    return `dim=${py(this.dim)}`;
  }
}

/**
 * nn.LogSoftmax(dim=None)
 * @example new nn.LogSoftmax(1).forward(torch.zeros(1, 2)) // tensor([[-0.6931, -0.6931]])
 */
export class LogSoftmax extends Module {
  dim: number | null;

  constructor(dim: number | null | { dim?: number | null } = null) {
    super();
    this.dim = dim !== null && typeof dim === 'object' ? dim.dim ?? null : dim;
  }

  override forward(input: Tensor): Tensor {
    return F.log_softmax(input, this.dim);
  }

  override extra_repr(): string {
    return `dim=${py(this.dim)}`;
  }
}
