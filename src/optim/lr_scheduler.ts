// Learning-rate schedulers: the LRScheduler base and StepLR, MultiStepLR, ExponentialLR,
// CosineAnnealingLR, LambdaLR, OneCycleLR and ReduceLROnPlateau, with PyTorch 2.x semantics.
// Mirrors torch/optim/lr_scheduler.py.
import { Tensor } from '../tensor/tensor.js';
import { check, KeyError, NotImplementedError, ValueError } from '../utils/check.js';
import { py } from '../utils/python.js';
import { Optimizer } from './optimizer.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyOptimizer = Optimizer<any>;
type Group = Record<string, unknown>;

/** Python's `a % b` (the result takes the sign of `b`). */
function pyMod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

/** Whether `v` is a trailing options object rather than a positional argument. */
function isOptions<T extends object>(v: unknown): v is T {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Tensor);
}

function groupsOf(optimizer: AnyOptimizer): Group[] {
  return optimizer.param_groups as unknown as Group[];
}

/** PyTorch's `_format_param`: one value per parameter group. */
function formatParam(name: string, optimizer: AnyOptimizer, param: number | number[]): number[] {
  const n = optimizer.param_groups.length;
  if (Array.isArray(param)) {
    check(param.length === n, () => `expected ${n} values for ${name}, got ${param.length}`, ValueError);
    return [...param];
  }
  return new Array<number>(n).fill(param);
}

/**
 * Base class of the learning-rate schedulers (torch.optim.lr_scheduler.LRScheduler).
 * Subclasses set their own fields, then call `this._initialize(last_epoch)` where PyTorch's
 * subclasses call `super().__init__(optimizer, last_epoch)`; they override `get_lr()`.
 *
 * @example
 * ```ts
 * const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
 * const sched = new optim.lr_scheduler.StepLR(opt, 30, { gamma: 0.1 });
 * for (let epoch = 0; epoch < 100; epoch++) { train(); opt.step(); sched.step(); }
 * ```
 */
export class LRScheduler {
  optimizer: AnyOptimizer;
  base_lrs: number[] = [];
  last_epoch = -1;
  _step_count = 0;
  _last_lr: number[] = [];

  constructor(optimizer: AnyOptimizer) {
    check(
      optimizer instanceof Optimizer,
      () => `${(optimizer as object)?.constructor?.name ?? typeof optimizer} is not an Optimizer`,
      TypeError,
    );
    this.optimizer = optimizer;
  }

  /** Sets `initial_lr` in the groups (or requires it when resuming), `base_lrs`, and takes step 0. */
  protected _initialize(last_epoch: number): void {
    const groups = groupsOf(this.optimizer);
    if (last_epoch === -1) {
      for (const g of groups) if (!('initial_lr' in g)) g.initial_lr = g.lr;
    } else {
      groups.forEach((g, i) => check(
        'initial_lr' in g,
        () => `param 'initial_lr' is not specified in param_groups[${i}] when resuming an optimizer`,
        KeyError,
      ));
    }
    this.base_lrs = groups.map((g) => g.initial_lr as number);
    this.last_epoch = last_epoch;
    this._step_count = 0;
    this.step();
  }

  /** The learning rates of the current epoch (the chainable form); subclasses override it. */
  get_lr(): number[] {
    throw new NotImplementedError('get_lr');
  }

  /** The closed-form learning rates at `last_epoch`, used by `step(epoch)` where defined. */
  protected _get_closed_form_lr?(): number[];

  /** The learning rates last set by `step()`, one per parameter group. */
  get_last_lr(): number[] {
    return [...this._last_lr];
  }

  /** Advances one epoch (or jumps to `epoch`, deprecated in PyTorch) and sets every group's lr. */
  step(epoch?: number): void {
    this._step_count += 1;
    let values: number[];
    if (epoch === undefined || epoch === null) {
      this.last_epoch += 1;
      values = this.get_lr();
    } else {
      this.last_epoch = epoch;
      values = this._get_closed_form_lr ? this._get_closed_form_lr() : this.get_lr();
    }
    const groups = groupsOf(this.optimizer);
    groups.forEach((g, i) => { g.lr = values[i]; });
    this._last_lr = groups.map((g) => g.lr as number);
  }

  /** Every field except the optimizer, copied (PyTorch: `self.__dict__` less `optimizer`). */
  state_dict(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this)) {
      if (k === 'optimizer' || typeof v === 'function') continue;
      out[k] = structuredClone(v);
    }
    return out;
  }

  /** Restores fields saved by `state_dict()`. */
  load_state_dict(state_dict: Record<string, unknown>): void {
    for (const [k, v] of Object.entries(state_dict)) {
      (this as Record<string, unknown>)[k] = structuredClone(v);
    }
  }
}

/** StepLR's keyword arguments. */
export interface StepLROptions { step_size?: number; gamma?: number; last_epoch?: number }

/**
 * Multiplies each group's lr by `gamma` every `step_size` epochs (torch.optim.lr_scheduler.StepLR).
 *
 * @example
 * ```ts
 * const sched = new StepLR(opt, 30, { gamma: 0.1 }); // lr 0.05 until 30, 0.005 until 60, ...
 * ```
 */
export class StepLR extends LRScheduler {
  step_size: number;
  gamma: number;

  constructor(optimizer: AnyOptimizer, step_size: number | StepLROptions, opts: StepLROptions = {}) {
    super(optimizer);
    const o: StepLROptions = isOptions<StepLROptions>(step_size) ? step_size : { ...opts, step_size };
    this.step_size = o.step_size as number;
    this.gamma = o.gamma ?? 0.1;
    this._initialize(o.last_epoch ?? -1);
  }

  override get_lr(): number[] {
    const groups = groupsOf(this.optimizer);
    if (this.last_epoch === 0 || pyMod(this.last_epoch, this.step_size) !== 0) {
      return groups.map((g) => g.lr as number);
    }
    return groups.map((g) => (g.lr as number) * this.gamma);
  }

  protected override _get_closed_form_lr(): number[] {
    const k = Math.floor(this.last_epoch / this.step_size);
    return this.base_lrs.map((b) => b * this.gamma ** k);
  }
}

/** MultiStepLR's keyword arguments. */
export interface MultiStepLROptions { milestones?: number[]; gamma?: number; last_epoch?: number }

/**
 * Multiplies each group's lr by `gamma` at every milestone epoch; a milestone listed twice
 * counts twice (torch.optim.lr_scheduler.MultiStepLR).
 *
 * @example
 * ```ts
 * const sched = new MultiStepLR(opt, [30, 80], { gamma: 0.1 });
 * ```
 */
export class MultiStepLR extends LRScheduler {
  /** Milestone epoch -> how many times it was given (PyTorch's Counter). */
  milestones: Map<number, number>;
  gamma: number;

  constructor(optimizer: AnyOptimizer, milestones: number[] | MultiStepLROptions,
    opts: MultiStepLROptions = {}) {
    super(optimizer);
    const o: MultiStepLROptions = isOptions<MultiStepLROptions>(milestones)
      ? milestones : { ...opts, milestones };
    this.milestones = new Map();
    for (const m of o.milestones ?? []) this.milestones.set(m, (this.milestones.get(m) ?? 0) + 1);
    this.gamma = o.gamma ?? 0.1;
    this._initialize(o.last_epoch ?? -1);
  }

  override get_lr(): number[] {
    const groups = groupsOf(this.optimizer);
    const count = this.milestones.get(this.last_epoch);
    if (count === undefined) return groups.map((g) => g.lr as number);
    return groups.map((g) => (g.lr as number) * this.gamma ** count);
  }

  protected override _get_closed_form_lr(): number[] {
    let k = 0; // bisect_right over the sorted milestones, with multiplicity
    for (const [m, c] of this.milestones) if (m <= this.last_epoch) k += c;
    return this.base_lrs.map((b) => b * this.gamma ** k);
  }
}

/** ExponentialLR's keyword arguments. */
export interface ExponentialLROptions { gamma?: number; last_epoch?: number }

/**
 * Multiplies each group's lr by `gamma` every epoch (torch.optim.lr_scheduler.ExponentialLR).
 *
 * @example
 * ```ts
 * const sched = new ExponentialLR(opt, 0.9);
 * ```
 */
export class ExponentialLR extends LRScheduler {
  gamma: number;

  constructor(optimizer: AnyOptimizer, gamma: number | ExponentialLROptions,
    opts: ExponentialLROptions = {}) {
    super(optimizer);
    const o: ExponentialLROptions = isOptions<ExponentialLROptions>(gamma) ? gamma : { ...opts, gamma };
    this.gamma = o.gamma as number;
    this._initialize(o.last_epoch ?? -1);
  }

  override get_lr(): number[] {
    const groups = groupsOf(this.optimizer);
    if (this.last_epoch === 0) return groups.map((g) => g.lr as number);
    return groups.map((g) => (g.lr as number) * this.gamma);
  }

  protected override _get_closed_form_lr(): number[] {
    return this.base_lrs.map((b) => b * this.gamma ** this.last_epoch);
  }
}

/** CosineAnnealingLR's keyword arguments. */
export interface CosineAnnealingLROptions { T_max?: number; eta_min?: number; last_epoch?: number }

/**
 * Cosine annealing from each group's initial lr down to `eta_min` over `T_max` epochs, using
 * PyTorch's recursive form (torch.optim.lr_scheduler.CosineAnnealingLR).
 *
 * @example
 * ```ts
 * const sched = new CosineAnnealingLR(opt, 100, { eta_min: 1e-5 });
 * ```
 */
export class CosineAnnealingLR extends LRScheduler {
  T_max: number;
  eta_min: number;

  constructor(optimizer: AnyOptimizer, T_max: number | CosineAnnealingLROptions,
    opts: CosineAnnealingLROptions = {}) {
    super(optimizer);
    const o: CosineAnnealingLROptions = isOptions<CosineAnnealingLROptions>(T_max)
      ? T_max : { ...opts, T_max };
    this.T_max = o.T_max as number;
    this.eta_min = o.eta_min ?? 0;
    this._initialize(o.last_epoch ?? -1);
  }

  override get_lr(): number[] {
    const groups = groupsOf(this.optimizer);
    const { T_max, eta_min, last_epoch } = this;
    if (last_epoch === 0) return groups.map((g) => g.lr as number);
    if (this._step_count === 1 && last_epoch > 0) {
      return this.base_lrs.map((b) =>
        eta_min + (b - eta_min) * (1 + Math.cos(last_epoch * Math.PI / T_max)) / 2);
    }
    if (pyMod(last_epoch - 1 - T_max, 2 * T_max) === 0) {
      return groups.map((g, i) =>
        (g.lr as number) + (this.base_lrs[i] - eta_min) * (1 - Math.cos(Math.PI / T_max)) / 2);
    }
    return groups.map((g) =>
      (1 + Math.cos(Math.PI * last_epoch / T_max)) /
        (1 + Math.cos(Math.PI * (last_epoch - 1) / T_max)) * ((g.lr as number) - eta_min) + eta_min);
  }

  protected override _get_closed_form_lr(): number[] {
    const { T_max, eta_min, last_epoch } = this;
    return this.base_lrs.map((b) =>
      eta_min + (b - eta_min) * (1 + Math.cos(Math.PI * last_epoch / T_max)) / 2);
  }
}

/** A LambdaLR multiplier: epoch -> factor applied to the initial lr. */
export type LRLambda = (epoch: number) => number;

/** LambdaLR's keyword arguments. */
export interface LambdaLROptions { lr_lambda?: LRLambda | LRLambda[]; last_epoch?: number }

/**
 * Sets each group's lr to its initial lr times `lr_lambda(epoch)`; one function for all groups
 * or one per group (torch.optim.lr_scheduler.LambdaLR).
 *
 * @example
 * ```ts
 * const sched = new LambdaLR(opt, (epoch) => 0.95 ** epoch);
 * ```
 */
export class LambdaLR extends LRScheduler {
  lr_lambdas: LRLambda[];

  constructor(optimizer: AnyOptimizer, lr_lambda: LRLambda | LRLambda[] | LambdaLROptions,
    opts: LambdaLROptions = {}) {
    super(optimizer);
    const o: LambdaLROptions = isOptions<LambdaLROptions>(lr_lambda) ? lr_lambda : { ...opts, lr_lambda };
    const n = optimizer.param_groups.length;
    const fns = o.lr_lambda as LRLambda | LRLambda[];
    if (Array.isArray(fns)) {
      check(fns.length === n, () => `Expected ${n} lr_lambdas, but got ${fns.length}`, ValueError);
      this.lr_lambdas = [...fns];
    } else {
      this.lr_lambdas = new Array<LRLambda>(n).fill(fns);
    }
    this._initialize(o.last_epoch ?? -1);
  }

  override get_lr(): number[] {
    return this.base_lrs.map((b, i) => b * this.lr_lambdas[i](this.last_epoch));
  }

  /** As the base, with `lr_lambdas` saved as nulls: functions are not saved (as in PyTorch). */
  override state_dict(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this)) {
      if (k === 'optimizer' || k === 'lr_lambdas' || typeof v === 'function') continue;
      out[k] = structuredClone(v);
    }
    out.lr_lambdas = this.lr_lambdas.map(() => null);
    return out;
  }

  override load_state_dict(state_dict: Record<string, unknown>): void {
    const rest = { ...state_dict };
    delete rest.lr_lambdas;
    super.load_state_dict(rest);
  }
}

/** OneCycleLR's keyword arguments (PyTorch's names and defaults). */
export interface OneCycleLROptions {
  max_lr?: number | number[];
  total_steps?: number | null;
  epochs?: number | null;
  steps_per_epoch?: number | null;
  pct_start?: number;
  anneal_strategy?: 'cos' | 'linear';
  cycle_momentum?: boolean;
  base_momentum?: number | number[];
  max_momentum?: number | number[];
  div_factor?: number;
  final_div_factor?: number;
  three_phase?: boolean;
  last_epoch?: number;
}

/** One phase of the 1cycle schedule: the step it ends at and the group keys it anneals between. */
export interface OneCyclePhase {
  end_step: number;
  start_lr: string;
  end_lr: string;
  start_momentum: string;
  end_momentum: string;
}

/**
 * The 1cycle policy: lr rises from max_lr/div_factor to max_lr, then anneals to
 * initial_lr/final_div_factor, while momentum (or Adam's beta1) moves the opposite way; called
 * after every batch (torch.optim.lr_scheduler.OneCycleLR).
 *
 * @example
 * ```ts
 * const sched = new OneCycleLR(opt, 0.01, { epochs: 10, steps_per_epoch: loader.length });
 * ```
 */
export class OneCycleLR extends LRScheduler {
  total_steps: number;
  _schedule_phases: OneCyclePhase[];
  _anneal_func_type: 'cos' | 'linear';
  cycle_momentum: boolean;
  use_beta1 = false;

  constructor(optimizer: AnyOptimizer, max_lr: number | number[] | OneCycleLROptions,
    opts: OneCycleLROptions = {}) {
    super(optimizer);
    const o: OneCycleLROptions = isOptions<OneCycleLROptions>(max_lr) ? max_lr : { ...opts, max_lr };
    const total_steps = o.total_steps ?? null;
    const epochs = o.epochs ?? null;
    const steps_per_epoch = o.steps_per_epoch ?? null;
    const pct_start = o.pct_start ?? 0.3;
    const anneal_strategy = o.anneal_strategy ?? 'cos';
    const div_factor = o.div_factor ?? 25;
    const final_div_factor = o.final_div_factor ?? 1e4;
    const last_epoch = o.last_epoch ?? -1;
    const positiveInt = (v: number, name: string): void =>
      check(Number.isInteger(v) && v > 0,
        () => `Expected positive integer ${name}, but got ${py(v)}`, ValueError);
    if (total_steps !== null) {
      positiveInt(total_steps, 'total_steps');
      this.total_steps = total_steps;
    } else if (epochs !== null && steps_per_epoch !== null) {
      positiveInt(epochs, 'epochs');
      positiveInt(steps_per_epoch, 'steps_per_epoch');
      this.total_steps = epochs * steps_per_epoch;
    } else {
      throw new ValueError('You must define either total_steps OR (epochs AND steps_per_epoch)');
    }
    const T = this.total_steps;
    this._schedule_phases = (o.three_phase ?? false)
      ? [
        { end_step: pct_start * T - 1, start_lr: 'initial_lr', end_lr: 'max_lr',
          start_momentum: 'max_momentum', end_momentum: 'base_momentum' },
        { end_step: 2 * pct_start * T - 2, start_lr: 'max_lr', end_lr: 'initial_lr',
          start_momentum: 'base_momentum', end_momentum: 'max_momentum' },
        { end_step: T - 1, start_lr: 'initial_lr', end_lr: 'min_lr',
          start_momentum: 'max_momentum', end_momentum: 'max_momentum' },
      ]
      : [
        { end_step: pct_start * T - 1, start_lr: 'initial_lr', end_lr: 'max_lr',
          start_momentum: 'max_momentum', end_momentum: 'base_momentum' },
        { end_step: T - 1, start_lr: 'max_lr', end_lr: 'min_lr',
          start_momentum: 'base_momentum', end_momentum: 'max_momentum' },
      ];
    check(pct_start >= 0 && pct_start <= 1,
      () => `Expected float between 0 and 1 pct_start, but got ${py(pct_start)}`, ValueError);
    check(anneal_strategy === 'cos' || anneal_strategy === 'linear',
      () => `anneal_strategy must be one of 'cos' or 'linear', instead got ${anneal_strategy}`, ValueError);
    this._anneal_func_type = anneal_strategy;

    const groups = groupsOf(optimizer);
    const max_lrs = formatParam('max_lr', optimizer, o.max_lr as number | number[]);
    if (last_epoch === -1) {
      groups.forEach((g, i) => {
        g.initial_lr = max_lrs[i] / div_factor;
        g.max_lr = max_lrs[i];
        g.min_lr = (g.initial_lr as number) / final_div_factor;
      });
    }
    this.cycle_momentum = o.cycle_momentum ?? true;
    if (this.cycle_momentum) {
      const defaults = optimizer.defaults as Group;
      check('momentum' in defaults || 'betas' in defaults,
        () => 'optimizer must support momentum or beta1 with `cycle_momentum` option enabled', ValueError);
      this.use_beta1 = 'betas' in defaults;
      const max_m = formatParam('max_momentum', optimizer, o.max_momentum ?? 0.95);
      const base_m = formatParam('base_momentum', optimizer, o.base_momentum ?? 0.85);
      if (last_epoch === -1) {
        groups.forEach((g, i) => {
          this._setMomentum(g, max_m[i]);
          g.max_momentum = max_m[i];
          g.base_momentum = base_m[i];
        });
      }
    }
    this._initialize(last_epoch);
  }

  private _setMomentum(g: Group, m: number): void {
    if (this.use_beta1) g.betas = [m, ...(g.betas as number[]).slice(1)];
    else g.momentum = m;
  }

  private _anneal(start: number, end: number, pct: number): number {
    if (this._anneal_func_type === 'linear') return (end - start) * pct + start;
    const cos_out = Math.cos(Math.PI * pct) + 1;
    return end + (start - end) / 2.0 * cos_out;
  }

  override get_lr(): number[] {
    const step_num = this.last_epoch;
    check(step_num <= this.total_steps,
      () => `Tried to step ${step_num} times. The specified number of total steps is ${this.total_steps}`,
      ValueError);
    const phases = this._schedule_phases;
    return groupsOf(this.optimizer).map((group) => {
      let start_step = 0;
      let lr = 0;
      for (let i = 0; i < phases.length; i++) {
        const phase = phases[i];
        const end_step = phase.end_step;
        if (step_num <= end_step || i === phases.length - 1) {
          const pct = (step_num - start_step) / (end_step - start_step);
          lr = this._anneal(group[phase.start_lr] as number, group[phase.end_lr] as number, pct);
          if (this.cycle_momentum) {
            const m = this._anneal(
              group[phase.start_momentum] as number, group[phase.end_momentum] as number, pct);
            this._setMomentum(group, m);
          }
          break;
        }
        start_step = phase.end_step;
      }
      return lr;
    });
  }
}

/** ReduceLROnPlateau's keyword arguments (PyTorch's names and defaults). */
export interface ReduceLROnPlateauOptions {
  mode?: 'min' | 'max';
  factor?: number;
  patience?: number;
  threshold?: number;
  threshold_mode?: 'rel' | 'abs';
  cooldown?: number;
  min_lr?: number | number[];
  eps?: number;
}

/**
 * Multiplies each group's lr by `factor` once the metric passed to `step(metrics)` has not
 * improved for `patience` epochs (torch.optim.lr_scheduler.ReduceLROnPlateau).
 *
 * @example
 * ```ts
 * const sched = new ReduceLROnPlateau(opt, { mode: 'min', patience: 5 });
 * for (const epoch of epochs) { const val_loss = validate(); sched.step(val_loss); }
 * ```
 */
export class ReduceLROnPlateau extends LRScheduler {
  factor: number;
  min_lrs: number[];
  patience: number;
  cooldown: number;
  cooldown_counter = 0;
  mode: 'min' | 'max' = 'min';
  threshold = 1e-4;
  threshold_mode: 'rel' | 'abs' = 'rel';
  best = Infinity;
  num_bad_epochs = 0;
  mode_worse = Infinity;
  eps: number;

  constructor(optimizer: AnyOptimizer, opts: ReduceLROnPlateauOptions = {}) {
    super(optimizer);
    const factor = opts.factor ?? 0.1;
    check(factor < 1.0, () => 'Factor should be < 1.0.', ValueError);
    this.factor = factor;
    const n = optimizer.param_groups.length;
    const min_lr = opts.min_lr ?? 0;
    if (Array.isArray(min_lr)) {
      check(min_lr.length === n, () => `expected ${n} min_lrs, got ${min_lr.length}`, ValueError);
      this.min_lrs = [...min_lr];
    } else {
      this.min_lrs = new Array<number>(n).fill(min_lr);
    }
    this.patience = opts.patience ?? 10;
    this.cooldown = opts.cooldown ?? 0;
    this.eps = opts.eps ?? 1e-8;
    this.last_epoch = 0;
    this._last_lr = groupsOf(optimizer).map((g) => g.lr as number);
    this._init_is_better(opts.mode ?? 'min', opts.threshold ?? 1e-4, opts.threshold_mode ?? 'rel');
    this._reset();
  }

  private _reset(): void {
    this.best = this.mode_worse;
    this.cooldown_counter = 0;
    this.num_bad_epochs = 0;
  }

  /** Records `metrics` (a number or one-element tensor) and reduces the lrs on a plateau. */
  override step(metrics?: number | Tensor, epoch?: number): void {
    check(metrics !== undefined,
      () => "step() missing 1 required positional argument: 'metrics'", TypeError);
    const current = metrics instanceof Tensor ? metrics.item() : Number(metrics);
    this.last_epoch = epoch === undefined || epoch === null ? this.last_epoch + 1 : epoch;
    if (this.is_better(current, this.best)) {
      this.best = current;
      this.num_bad_epochs = 0;
    } else {
      this.num_bad_epochs += 1;
    }
    if (this.in_cooldown) {
      this.cooldown_counter -= 1;
      this.num_bad_epochs = 0; // bad epochs in cooldown are ignored
    }
    if (this.num_bad_epochs > this.patience) {
      this._reduce_lr();
      this.cooldown_counter = this.cooldown;
      this.num_bad_epochs = 0;
    }
    this._last_lr = groupsOf(this.optimizer).map((g) => g.lr as number);
  }

  private _reduce_lr(): void {
    groupsOf(this.optimizer).forEach((g, i) => {
      const old_lr = Number(g.lr);
      const new_lr = Math.max(old_lr * this.factor, this.min_lrs[i]);
      if (old_lr - new_lr > this.eps) g.lr = new_lr;
    });
  }

  /** Whether a cooldown after the last reduction is still running. */
  get in_cooldown(): boolean {
    return this.cooldown_counter > 0;
  }

  /** Whether metric `a` improves on `best` by more than the threshold. */
  is_better(a: number, best: number): boolean {
    if (this.mode === 'min' && this.threshold_mode === 'rel') return a < best * (1 - this.threshold);
    if (this.mode === 'min' && this.threshold_mode === 'abs') return a < best - this.threshold;
    if (this.mode === 'max' && this.threshold_mode === 'rel') return a > best * (this.threshold + 1);
    return a > best + this.threshold;
  }

  private _init_is_better(mode: string, threshold: number, threshold_mode: string): void {
    check(mode === 'min' || mode === 'max', () => `mode ${mode} is unknown!`, ValueError);
    check(threshold_mode === 'rel' || threshold_mode === 'abs',
      () => `threshold mode ${threshold_mode} is unknown!`, ValueError);
    this.mode_worse = mode === 'min' ? Infinity : -Infinity;
    this.mode = mode;
    this.threshold = threshold;
    this.threshold_mode = threshold_mode;
  }

  override load_state_dict(state_dict: Record<string, unknown>): void {
    super.load_state_dict(state_dict);
    this._init_is_better(this.mode, this.threshold, this.threshold_mode);
  }
}
