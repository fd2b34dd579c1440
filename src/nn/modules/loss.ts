// Loss modules (torch/nn/modules/loss.py): each holds its options (and, as _WeightedLoss does,
// its class weight as a buffer) and forwards to its torch.nn.functional counterpart.
import { Tensor } from '../../tensor/tensor.js';
import { Module } from './module.js';
import * as F from '../functional.js';

type Reduction = F.Reduction;

/** Merges positional constructor arguments named `names` with a trailing options object. */
function ctorArgs<O>(names: readonly string[], args: unknown[]): O {
  const o: Record<string, unknown> = {};
  args.forEach((v, i) => {
    if (v !== null && typeof v === 'object' && !(v instanceof Tensor)) Object.assign(o, v);
    else if (v !== undefined) o[names[i]] = v;
  });
  return o as O;
}

/** The base of the losses: nn.modules.loss._Loss(reduction='mean'). */
export class _Loss extends Module {
  reduction: string;

  constructor(reduction: string = 'mean') {
    super();
    this.reduction = reduction;
  }

  protected get red(): Reduction {
    return this.reduction as Reduction;
  }
}

/** _Loss with an optional class `weight` registered as a buffer. */
export class _WeightedLoss extends _Loss {
  declare weight: Tensor | null;

  constructor(weight: Tensor | null = null, reduction = 'mean') {
    super(reduction);
    this.register_buffer('weight', weight);
  }
}

/**
 * nn.MSELoss(reduction='mean').
 * @example new nn.MSELoss().forward(torch.zeros(2), torch.ones(2)) // tensor(1.)
 */
export class MSELoss extends _Loss {
  constructor(reduction?: string | { reduction?: string }) {
    super(ctorArgs<{ reduction?: string }>(['reduction'], [reduction]).reduction);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.mse_loss(input, target, { reduction: this.red });
  }
}

/**
 * nn.L1Loss(reduction='mean').
 * @example new nn.L1Loss({ reduction: 'sum' }).forward(torch.zeros(2), torch.ones(2)) // tensor(2.)
 */
export class L1Loss extends _Loss {
  constructor(reduction?: string | { reduction?: string }) {
    super(ctorArgs<{ reduction?: string }>(['reduction'], [reduction]).reduction);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.l1_loss(input, target, { reduction: this.red });
  }
}

/**
 * nn.SmoothL1Loss(reduction='mean', beta=1.0).
 * @example new nn.SmoothL1Loss({ beta: 0.5 })
 */
export class SmoothL1Loss extends _Loss {
  beta: number;

  constructor(reduction?: string | { reduction?: string; beta?: number }, beta?: number) {
    const o = ctorArgs<{ reduction?: string; beta?: number }>(['reduction', 'beta'], [reduction, beta]);
    super(o.reduction);
    this.beta = o.beta ?? 1;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.smooth_l1_loss(input, target, { reduction: this.red, beta: this.beta });
  }
}

/**
 * nn.HuberLoss(reduction='mean', delta=1.0).
 * @example new nn.HuberLoss({ delta: 2 })
 */
export class HuberLoss extends _Loss {
  delta: number;

  constructor(reduction?: string | { reduction?: string; delta?: number }, delta?: number) {
    const o = ctorArgs<{ reduction?: string; delta?: number }>(['reduction', 'delta'], [reduction, delta]);
    super(o.reduction);
    this.delta = o.delta ?? 1;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.huber_loss(input, target, { reduction: this.red, delta: this.delta });
  }
}

export interface CrossEntropyLossOptions {
  weight?: Tensor | null;
  ignore_index?: number;
  reduction?: string;
  label_smoothing?: number;
}

/**
 * nn.CrossEntropyLoss(weight=None, ignore_index=-100, reduction='mean', label_smoothing=0.0).
 * @example new nn.CrossEntropyLoss({ label_smoothing: 0.1 }).forward(logits, target)
 */
export class CrossEntropyLoss extends _WeightedLoss {
  ignore_index: number;
  label_smoothing: number;

  constructor(weight?: Tensor | null | CrossEntropyLossOptions, opts?: CrossEntropyLossOptions) {
    const o = ctorArgs<CrossEntropyLossOptions>(['weight'], [weight, opts]);
    super(o.weight ?? null, o.reduction);
    this.ignore_index = o.ignore_index ?? -100;
    this.label_smoothing = o.label_smoothing ?? 0;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.cross_entropy(input, target, {
      weight: this.weight, ignore_index: this.ignore_index, reduction: this.red,
      label_smoothing: this.label_smoothing,
    });
  }
}

export interface NLLLossOptions { weight?: Tensor | null; ignore_index?: number; reduction?: string }

/**
 * nn.NLLLoss(weight=None, ignore_index=-100, reduction='mean').
 * @example new nn.NLLLoss().forward(torch.log_softmax(logits, 1), target)
 */
export class NLLLoss extends _WeightedLoss {
  ignore_index: number;

  constructor(weight?: Tensor | null | NLLLossOptions, opts?: NLLLossOptions) {
    const o = ctorArgs<NLLLossOptions>(['weight'], [weight, opts]);
    super(o.weight ?? null, o.reduction);
    this.ignore_index = o.ignore_index ?? -100;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.nll_loss(input, target, {
      weight: this.weight, ignore_index: this.ignore_index, reduction: this.red,
    });
  }
}

export interface BCELossOptions { weight?: Tensor | null; reduction?: string }

/**
 * nn.BCELoss(weight=None, reduction='mean').
 * @example new nn.BCELoss().forward(torch.tensor([0.5]), torch.tensor([1])) // tensor(0.6931)
 */
export class BCELoss extends _WeightedLoss {
  constructor(weight?: Tensor | null | BCELossOptions, opts?: BCELossOptions) {
    const o = ctorArgs<BCELossOptions>(['weight'], [weight, opts]);
    super(o.weight ?? null, o.reduction);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.binary_cross_entropy(input, target, { weight: this.weight, reduction: this.red });
  }
}

export interface BCEWithLogitsLossOptions {
  weight?: Tensor | null;
  reduction?: string;
  pos_weight?: Tensor | null;
}

/**
 * nn.BCEWithLogitsLoss(weight=None, reduction='mean', pos_weight=None); weight and pos_weight
 * are buffers.
 * @example new nn.BCEWithLogitsLoss({ pos_weight: torch.full([3], 2) })
 */
export class BCEWithLogitsLoss extends _Loss {
  declare weight: Tensor | null;
  declare pos_weight: Tensor | null;

  constructor(weight?: Tensor | null | BCEWithLogitsLossOptions, opts?: BCEWithLogitsLossOptions) {
    const o = ctorArgs<BCEWithLogitsLossOptions>(['weight'], [weight, opts]);
    super(o.reduction);
    this.register_buffer('weight', o.weight ?? null);
    this.register_buffer('pos_weight', o.pos_weight ?? null);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.binary_cross_entropy_with_logits(input, target, {
      weight: this.weight, pos_weight: this.pos_weight, reduction: this.red,
    });
  }
}

/**
 * nn.KLDivLoss(reduction='mean', log_target=False).
 * @example new nn.KLDivLoss({ reduction: 'batchmean' }).forward(logp, p)
 */
export class KLDivLoss extends _Loss {
  log_target: boolean;

  constructor(reduction?: string | { reduction?: string; log_target?: boolean }, log_target?: boolean) {
    const o = ctorArgs<{ reduction?: string; log_target?: boolean }>(['reduction', 'log_target'],
      [reduction, log_target]);
    super(o.reduction);
    this.log_target = o.log_target ?? false;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    const reduction = this.reduction as Reduction | 'batchmean';
    return F.kl_div(input, target, { reduction, log_target: this.log_target });
  }
}
