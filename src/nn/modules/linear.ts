// Identity, Linear and Bilinear (torch/nn/modules/linear.py).
import { Tensor } from '../../tensor/tensor.js';
import { type DTypeLike } from '../../tensor/dtype.js';
import { empty } from '../../tensor/factories.js';
import { Module } from './module.js';
import { Parameter } from '../parameter.js';
import * as F from '../functional.js';
import * as init from '../init.js';
import { py } from '../../utils/python.js';

export interface FactoryKwargs {
  dtype?: DTypeLike;
  device?: string;
}

/** nn.Identity: returns its input. */
export class Identity extends Module {
  constructor(..._args: unknown[]) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return input;
  }
}

/**
 * nn.Linear(in_features, out_features, bias=true): y = x A^T + b.
 * @example const fc = new nn.Linear(4, 2); fc.forward(torch.ones(3, 4)).shape // [3, 2]
 */
export class Linear extends Module {
  in_features: number;
  out_features: number;
  declare weight: Parameter;
  declare bias: Parameter | null;

  constructor(in_features: number, out_features: number, bias: boolean | ({ bias?: boolean } & FactoryKwargs) = true,
    opts: FactoryKwargs = {}) {
    super();
    const o = typeof bias === 'object' ? bias : opts;
    const hasBias = typeof bias === 'object' ? bias.bias ?? true : bias;
    this.in_features = in_features;
    this.out_features = out_features;
    this.weight = new Parameter(empty([out_features, in_features], { dtype: o.dtype }));
    if (hasBias) this.bias = new Parameter(empty([out_features], { dtype: o.dtype }));
    else this.register_parameter('bias', null);
    this.reset_parameters();
  }

  /** Kaiming-uniform weights and a fan-in-bounded uniform bias, drawn exactly as PyTorch. */
  reset_parameters(): void {
    init.kaiming_uniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const [fanIn] = init._calculate_fan_in_and_fan_out(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      init.uniform_(this.bias, -bound, bound);
    }
  }

  override forward(input: Tensor): Tensor {
    return F.linear(input, this.weight, this.bias);
  }

  override extra_repr(): string {
    return `in_features=${this.in_features}, out_features=${this.out_features}, bias=${py(this.bias !== null)}`;
  }
}

/**
 * nn.Bilinear(in1_features, in2_features, out_features, bias=true): y = x1^T A x2 + b.
 * @example new nn.Bilinear(3, 4, 2).forward(torch.ones(5, 3), torch.ones(5, 4)).shape // [5, 2]
 */
export class Bilinear extends Module {
  in1_features: number;
  in2_features: number;
  out_features: number;
  declare weight: Parameter;
  declare bias: Parameter | null;

  constructor(in1_features: number, in2_features: number, out_features: number,
    bias: boolean | ({ bias?: boolean } & FactoryKwargs) = true, opts: FactoryKwargs = {}) {
    super();
    const o = typeof bias === 'object' ? bias : opts;
    const hasBias = typeof bias === 'object' ? bias.bias ?? true : bias;
    this.in1_features = in1_features;
    this.in2_features = in2_features;
    this.out_features = out_features;
    this.weight = new Parameter(empty([out_features, in1_features, in2_features], { dtype: o.dtype }));
    if (hasBias) this.bias = new Parameter(empty([out_features], { dtype: o.dtype }));
    else this.register_parameter('bias', null);
    this.reset_parameters();
  }

  /** Uniform in +-1/sqrt(in1_features) for weight and bias, as PyTorch's Bilinear. */
  reset_parameters(): void {
    const bound = 1 / Math.sqrt(this.weight.shape[1]);
    init.uniform_(this.weight, -bound, bound);
    if (this.bias) init.uniform_(this.bias, -bound, bound);
  }

  override forward(input1: Tensor, input2: Tensor): Tensor {
    return F.bilinear(input1, input2, this.weight, this.bias);
  }

  override extra_repr(): string {
    return `in1_features=${this.in1_features}, in2_features=${this.in2_features}, ` +
      `out_features=${this.out_features}, bias=${py(this.bias !== null)}`;
  }
}
