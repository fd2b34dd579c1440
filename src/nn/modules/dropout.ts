// Dropout layers (torch/nn/modules/dropout.py): _DropoutNd, Dropout, Dropout2d.
import { Tensor } from '../../tensor/tensor.js';
import { ValueError, check } from '../../utils/check.js';
import { py, pyFloat } from '../../utils/python.js';
import { Module } from './module.js';
import * as F from '../functional.js';

export interface DropoutModuleOptions {
  p?: number;
  inplace?: boolean;
}

/** The probability check and repr shared by the dropout layers. */
export abstract class _DropoutNd extends Module {
  p: number;
  inplace: boolean;

  constructor(p: number | DropoutModuleOptions = 0.5, inplace = false) {
    super();
    const o = typeof p === 'object' ? p : { p, inplace };
    const prob = o.p ?? 0.5;
    check(prob >= 0 && prob <= 1, () => `dropout probability has to be between 0 and 1, but got ${py(prob)}`,
      ValueError);
    this.p = prob;
    this.inplace = o.inplace ?? false;
  }

  override extra_repr(): string {
    // p is a float in PyTorch's signature: Dropout(1) prints p=1.0, as Dropout(1.0) does there.
    return `p=${pyFloat(this.p)}, inplace=${py(this.inplace)}`;
  }
}

/**
 * nn.Dropout(p=0.5, inplace=false): in training zeroes each element with probability p and
 * scales the rest by 1/(1-p); identity in eval mode.
 * @example new nn.Dropout(0.2) // Dropout(p=0.2, inplace=False)
 */
export class Dropout extends _DropoutNd {
  override forward(input: Tensor): Tensor {
    return F.dropout(input, this.p, this.training, this.inplace);
  }
}

/**
 * nn.Dropout2d(p=0.5, inplace=false): zeroes whole channels of an (N, C, H, W) input.
 * @example new nn.Dropout2d().forward(torch.ones(2, 3, 4, 4)) // each [n, c] plane all 0 or all 2
 */
export class Dropout2d extends _DropoutNd {
  override forward(input: Tensor): Tensor {
    return F.dropout2d(input, this.p, this.training, this.inplace);
  }
}
