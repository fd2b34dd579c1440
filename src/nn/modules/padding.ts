// Padding modules (torch/nn/modules/padding.py): ConstantPad, ZeroPad, ReflectionPad,
// ReplicationPad and CircularPad in 1, 2 and 3 dimensions, each a thin layer over F.pad.
import { Tensor } from '../../tensor/tensor.js';
import { ValueError, check } from '../../utils/check.js';
import { py, pyFloat } from '../../utils/python.js';
import { Module } from './module.js';
import * as F from '../functional.js';
import type { PadMode } from '../../ops/padding.js';

export type PadSize = number | readonly number[];

/** Python's _ntuple(2 * nd): an int for every side, or the given tuple. */
function sides(padding: PadSize, nd: number): number[] {
  return typeof padding === 'number' ? new Array<number>(2 * nd).fill(padding) : padding.slice();
}

/** The shared base: a pad list (last dim first) and the F.pad mode. */
abstract class _PadNd extends Module {
  padding: number[];
  protected abstract readonly mode: PadMode;

  constructor(padding: PadSize, nd: number) {
    super();
    this.padding = sides(padding, nd);
  }

  override forward(input: Tensor): Tensor {
    return F.pad(input, this.padding, this.mode);
  }

  override extra_repr(): string {
    return py(this.padding);
  }
}

/** nn.ConstantPadNd's base: pads with `value`. */
export abstract class _ConstantPadNd extends _PadNd {
  protected readonly mode = 'constant';
  value: number;

  constructor(padding: PadSize, value: number | { value?: number }, nd: number) {
    super(padding, nd);
    this.value = typeof value === 'number' ? value : value.value ?? 0;
  }

  override forward(input: Tensor): Tensor {
    return F.pad(input, this.padding, 'constant', this.value);
  }

  override extra_repr(): string {
    return `padding=${py(this.padding)}, value=${pyFloat(this.value)}`;
  }
}

/**
 * nn.ConstantPad1d(padding, value): pads the last dim with a constant.
 * @example new nn.ConstantPad1d(2, 3.5).forward(torch.ones(1, 2, 3)).shape // [1, 2, 7]
 */
export class ConstantPad1d extends _ConstantPadNd {
  constructor(padding: PadSize, value: number | { value?: number }) {
    super(padding, value, 1);
  }
}

/** nn.ConstantPad2d(padding, value). @example new nn.ConstantPad2d([1, 1, 2, 0], 0.5) */
export class ConstantPad2d extends _ConstantPadNd {
  constructor(padding: PadSize, value: number | { value?: number }) {
    super(padding, value, 2);
  }
}

/** nn.ConstantPad3d(padding, value). @example new nn.ConstantPad3d(1, -1) */
export class ConstantPad3d extends _ConstantPadNd {
  constructor(padding: PadSize, value: number | { value?: number }) {
    super(padding, value, 3);
  }
}

/** nn.ZeroPad1d(padding); prints as its padding alone, as in PyTorch 2.x. @example new nn.ZeroPad1d(2) */
export class ZeroPad1d extends _ConstantPadNd {
  constructor(padding: PadSize) {
    super(padding, 0, 1);
  }

  override extra_repr(): string {
    return py(this.padding);
  }
}

/** nn.ZeroPad2d(padding). @example new nn.ZeroPad2d([1, 1, 2, 0]) // ZeroPad2d((1, 1, 2, 0)) */
export class ZeroPad2d extends _ConstantPadNd {
  constructor(padding: PadSize) {
    super(padding, 0, 2);
  }

  override extra_repr(): string {
    return py(this.padding);
  }
}

/** nn.ZeroPad3d(padding). @example new nn.ZeroPad3d(1) */
export class ZeroPad3d extends _ConstantPadNd {
  constructor(padding: PadSize) {
    super(padding, 0, 3);
  }

  override extra_repr(): string {
    return py(this.padding);
  }
}

/** nn.ReflectionPad1d(padding). @example new nn.ReflectionPad1d(2) // ReflectionPad1d((2, 2)) */
export class ReflectionPad1d extends _PadNd {
  protected readonly mode = 'reflect';
  constructor(padding: PadSize) {
    super(padding, 1);
  }
}

/** nn.ReflectionPad2d(padding). @example new nn.ReflectionPad2d(1) */
export class ReflectionPad2d extends _PadNd {
  protected readonly mode = 'reflect';
  constructor(padding: PadSize) {
    super(padding, 2);
  }
}

/** nn.ReflectionPad3d(padding). @example new nn.ReflectionPad3d(1) */
export class ReflectionPad3d extends _PadNd {
  protected readonly mode = 'reflect';
  constructor(padding: PadSize) {
    super(padding, 3);
  }
}

/** nn.ReplicationPad1d(padding). @example new nn.ReplicationPad1d([3, 1]) */
export class ReplicationPad1d extends _PadNd {
  protected readonly mode = 'replicate';
  constructor(padding: PadSize) {
    super(padding, 1);
  }
}

/** nn.ReplicationPad2d(padding). @example new nn.ReplicationPad2d(2) */
export class ReplicationPad2d extends _PadNd {
  protected readonly mode = 'replicate';
  constructor(padding: PadSize) {
    super(padding, 2);
  }
}

/** nn.ReplicationPad3d(padding). @example new nn.ReplicationPad3d(1) */
export class ReplicationPad3d extends _PadNd {
  protected readonly mode = 'replicate';
  constructor(padding: PadSize) {
    super(padding, 3);
  }
}

/** _CircularPadNd: checks the input rank first, with PyTorch 2.x's ValueError. */
abstract class _CircularPadNd extends _PadNd {
  protected readonly mode = 'circular';
  constructor(padding: PadSize, private readonly nd: number) {
    super(padding, nd);
  }

  override forward(input: Tensor): Tensor {
    const nd = this.nd;
    check(input.dim() === nd + 1 || input.dim() === nd + 2, () =>
      `expected ${nd + 1}D or ${nd + 2}D input (got ${input.dim()}D input)`, ValueError);
    return F.pad(input, this.padding, 'circular');
  }
}

/** nn.CircularPad1d(padding) (PyTorch >= 2.1). @example new nn.CircularPad1d(1) */
export class CircularPad1d extends _CircularPadNd {
  constructor(padding: PadSize) {
    super(padding, 1);
  }
}

/** nn.CircularPad2d(padding) (PyTorch >= 2.1). @example new nn.CircularPad2d([1, 2, 2, 1]) */
export class CircularPad2d extends _CircularPadNd {
  constructor(padding: PadSize) {
    super(padding, 2);
  }
}

/** nn.CircularPad3d(padding) (PyTorch >= 2.1). @example new nn.CircularPad3d(1) */
export class CircularPad3d extends _CircularPadNd {
  constructor(padding: PadSize) {
    super(padding, 3);
  }
}
