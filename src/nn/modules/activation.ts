// Activation modules (torch/nn/modules/activation.py).
import { Tensor } from '../../tensor/tensor.js';
import { Module } from './module.js';
import * as F from '../functional.js';

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
