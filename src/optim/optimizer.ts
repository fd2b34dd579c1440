// The base class of all optimizers: parameter groups, per-parameter state, zero_grad and
// state_dict / load_state_dict. Mirrors torch/optim/optimizer.py.
import { Tensor } from '../tensor/tensor.js';
import { no_grad, enable_grad } from '../autograd/grad_mode.js';
import { check, ValueError } from '../utils/check.js';
import { py } from '../utils/python.js';

/** A parameter group after construction: its tensors plus every hyperparameter, defaults filled. */
export type ParamGroup<H extends object = Record<string, unknown>> = H & { params: Tensor[] };

/** A parameter group as a user writes it: the tensors plus any hyperparameters to override. */
export type ParamGroupInput<H extends object = Record<string, unknown>> =
  Partial<H> & { params: Iterable<Tensor> | Tensor };

/** What an optimizer accepts: an iterable of tensors or a list of parameter groups. */
export type Params<H extends object = Record<string, unknown>> = Iterable<Tensor> | ParamGroupInput<H>[];

/** The per-parameter state of an optimizer (`exp_avg`, `momentum_buffer`, `step`, ...). */
export type ParamState = Record<string, unknown>;

/** PyTorch's optimizer state_dict: state keyed by parameter index, groups holding indices. */
export interface OptimizerStateDict {
  state: Map<number, ParamState>;
  param_groups: Array<Record<string, unknown> & { params: number[] }>;
}

/** The closure that `step` may call to re-evaluate the model and return the loss. */
export type Closure = () => Tensor | number;

/**
 * Base class of all optimizers (torch.optim.Optimizer).
 *
 * @example
 * ```ts
 * const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
 * opt.zero_grad();
 * loss.backward();
 * opt.step();
 * ```
 */
export abstract class Optimizer<H extends object = Record<string, unknown>> {
  defaults: H;
  param_groups: ParamGroup<H>[] = [];
  state: Map<Tensor, ParamState> = new Map();

  constructor(params: Params<H>, defaults: H) {
    this.defaults = defaults;
    check(
      !(params instanceof Tensor),
      () => 'params argument given to the optimizer should be an iterable of Tensors or dicts, ' +
        `but got ${params instanceof Tensor ? params.type() : ''}`,
      TypeError,
    );
    const list = Array.from(params as Iterable<Tensor | ParamGroupInput<H>>);
    check(list.length > 0, () => 'optimizer got an empty parameter list', ValueError);
    const groups: ParamGroupInput<H>[] = list[0] instanceof Tensor
      ? [{ params: list as Tensor[] } as unknown as ParamGroupInput<H>]
      : (list as ParamGroupInput<H>[]);
    for (const g of groups) this.add_param_group(g);
  }

  /** Adds a parameter group, filling hyperparameters it leaves out from `defaults`. */
  add_param_group(param_group: ParamGroupInput<H>): void {
    const raw = param_group.params;
    const params = raw instanceof Tensor ? [raw] : Array.from(raw);
    check(
      !(raw instanceof Set),
      () => 'optimizer parameters need to be organized in ordered collections, but the ordering ' +
        'of tensors in sets will change between runs. Please use a list instead.',
      TypeError,
    );
    for (const p of params) {
      check(p instanceof Tensor, () => 'optimizer can only optimize Tensors, but one of the params is ' +
        typeof p, TypeError);
      check(p.is_leaf, () => "can't optimize a non-leaf Tensor", ValueError);
    }
    const group: Record<string, unknown> = { ...param_group, params };
    for (const [name, value] of Object.entries(this.defaults)) {
      if (!(name in group) || group[name] === undefined) group[name] = value;
    }
    const seen = new Set<Tensor>();
    for (const g of this.param_groups) for (const p of g.params) seen.add(p);
    check(
      params.every((p) => !seen.has(p)),
      () => 'some parameters appear in more than one parameter group',
      ValueError,
    );
    this.param_groups.push(group as ParamGroup<H>);
  }

  /**
   * Resets the gradients of all optimized tensors: to null by default (PyTorch 2.x), or to zeros
   * with `{ set_to_none: false }`.
   */
  zero_grad(opts: { set_to_none?: boolean } | boolean = {}): void {
    const set_to_none = typeof opts === 'boolean' ? opts : opts.set_to_none ?? true;
    for (const group of this.param_groups) {
      for (const p of group.params) {
        const g = p.grad;
        if (g === null) continue;
        if (set_to_none) {
          p.grad = null;
          continue;
        }
        if (g.grad_fn !== null) p.grad = g.detach();
        else g.requires_grad_(false);
        no_grad(() => p.grad!.zero_());
      }
    }
  }

  /** Performs a single optimization step; `closure` re-evaluates the model and returns the loss. */
  step(closure?: Closure): Tensor | number | undefined {
    const loss = closure === undefined ? undefined : enable_grad(closure);
    no_grad(() => {
      for (const group of this.param_groups) this._step_group(group);
    });
    return loss;
  }

  /** Updates the parameters of one group; called under no_grad. */
  protected abstract _step_group(group: ParamGroup<H>): void;

  /** The state of `p`, created empty on first use. */
  protected _state(p: Tensor): ParamState {
    let s = this.state.get(p);
    if (s === undefined) {
      s = {};
      this.state.set(p, s);
    }
    return s;
  }

  /** PyTorch's format: state keyed by the parameter's index across groups; tensors not copied. */
  state_dict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    const param_groups = this.param_groups.map((group) => {
      const packed: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(group)) if (k !== 'params') packed[k] = v;
      const params = group.params.map((p) => {
        if (!index.has(p)) index.set(p, index.size);
        return index.get(p)!;
      });
      return { ...packed, params };
    });
    const state = new Map<number, ParamState>();
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i !== undefined) state.set(i, s);
    }
    return { state, param_groups };
  }

  /** Loads a state_dict; tensors are copied and cast to their parameter's dtype (`step` kept). */
  load_state_dict(state_dict: OptimizerStateDict): void {
    const saved = state_dict.param_groups;
    check(
      saved.length === this.param_groups.length,
      () => 'loaded state dict has a different number of parameter groups',
      ValueError,
    );
    check(
      saved.every((g, i) => g.params.length === this.param_groups[i].params.length),
      () => "loaded state dict contains a parameter group that doesn't match the size of optimizer's group",
      ValueError,
    );
    const byIndex = new Map<number, Tensor>();
    saved.forEach((g, i) => g.params.forEach((id, j) => byIndex.set(id, this.param_groups[i].params[j])));
    const state = new Map<Tensor, ParamState>();
    for (const [id, s] of state_dict.state) {
      const p = byIndex.get(id);
      if (p === undefined) continue;
      const copy: ParamState = {};
      for (const [k, v] of Object.entries(s)) copy[k] = copyStateValue(k, v, p);
      state.set(p, copy);
    }
    this.state = state;
    this.param_groups = saved.map((g, i) => {
      const copy: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(g)) copy[k] = Array.isArray(v) ? [...v] : v;
      return { ...copy, params: this.param_groups[i].params } as unknown as ParamGroup<H>;
    });
  }

  /** PyTorch's repr: each group's hyperparameters in sorted order, as Python prints them. */
  toString(): string {
    let s = `${this.constructor.name} (`;
    this.param_groups.forEach((group, i) => {
      s += `\nParameter Group ${i}\n`;
      const keys = Object.keys(group).filter((k) => k !== 'params').sort();
      for (const k of keys) s += `    ${k}: ${py((group as Record<string, unknown>)[k])}\n`;
    });
    return `${s})`;
  }
}

function copyStateValue(key: string, v: unknown, p: Tensor): unknown {
  if (!(v instanceof Tensor)) return v;
  const t = no_grad(() => v.detach().clone());
  // PyTorch casts floating state to the parameter's dtype, but keeps `step` as it was saved.
  if (key === 'step' || !p.dtype.is_floating_point) return t;
  return t.to(p.dtype);
}
