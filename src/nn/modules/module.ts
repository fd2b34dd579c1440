// nn.Module: registration of parameters, buffers and submodules through one attribute hook,
// traversal, state_dict, hooks and repr (torch/nn/modules/module.py; the autograd side of full
// backward hooks is in utils/hooks.ts, as torch/utils/hooks.py).
import { Tensor } from '../../tensor/tensor.js';
import { DType, type DTypeLike, toDType } from '../../tensor/dtype.js';
import { no_grad } from '../../autograd/grad_mode.js';
import { BackwardHook as BackwardHookState, type BackwardHookFn, type BackwardPreHookFn, type Grads,
  RemovableHandle } from '../../utils/hooks.js';
import { check, NotImplementedError, AttributeError, KeyError, ValueError } from '../../utils/check.js';
import { pyStr } from '../../utils/python.js';
import { Parameter } from '../parameter.js';

export { RemovableHandle };
export type { Grads };

/** Python's AttributeError, KeyError and ValueError, for PyTorch's error kinds. */
export { AttributeError, KeyError, ValueError };

// Hooks: `pre(module, args)` may return new args (an array, or one value); `hook(module, args,
// output)` a new output; `backward(module, grad_input, grad_output)` a new grad_input;
// `backward_pre(module, grad_output)` a new grad_output.
export type ForwardPreHook = (module: Module, args: unknown[]) => unknown;
export type ForwardHook = (module: Module, args: unknown[], output: unknown) => unknown;
export type BackwardHook = BackwardHookFn<Module>;
export type BackwardPreHook = BackwardPreHookFn<Module>;
/** A state_dict: dotted names to tensors (with PyTorch's per-module `_metadata`, not enumerable). */
export type StateDict = Map<string, Tensor>;
/** What `_load_from_state_dict` learns about a module: its saved `_version`, the assign flag. */
export type ModuleMetadata = { version?: number; assign_to_params_buffers?: boolean };
type StateDictLike = Map<string, unknown> | Record<string, unknown>;

/** Result of load_state_dict: a (missing_keys, unexpected_keys) named pair. */
export class IncompatibleKeys {
  constructor(readonly missing_keys: string[], readonly unexpected_keys: string[]) {}

  toString(): string {
    const list = (ks: string[]) => `[${ks.map(pyStr).join(', ')}]`;
    if (!this.missing_keys.length && !this.unexpected_keys.length) return '<All keys matched successfully>';
    return `_IncompatibleKeys(missing_keys=${list(this.missing_keys)}, ` +
      `unexpected_keys=${list(this.unexpected_keys)})`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

// ---- the attribute hook -------------------------------------------------------------------------
// Module's constructor returns a Proxy around the instance so that `this.x = v` (a `set`) and a
// class field `x = v` (a `defineProperty` when useDefineForClassFields is on) both run the routing
// of PyTorch's __setattr__. Registered names live only in the Maps, never as own properties, so
// reads fall through to the Maps exactly like __getattr__.

const TARGET = Symbol('tstorch.Module.target');
const PROXY = Symbol('tstorch.Module.proxy');
const CALL = Symbol('tstorch.Module.call');

type Internals = { [TARGET]: Module; [PROXY]: Module; [CALL]: (...args: unknown[]) => unknown };

/** Item access that containers implement: positional reads for integer keys (`seq[-1]`);
 * assignment and deletion return false when `key` is an ordinary attribute. */
export interface ItemHooks {
  _getItem?(index: number): unknown;
  _setItem?(key: string, value: unknown): boolean;
  _delItem?(key: string): boolean;
}

const INT_KEY = /^-?(0|[1-9]\d*)$/;

const raw = (m: Module): Module => (m as unknown as Internals)[TARGET];

function lookup(t: Module, name: string): { found: boolean; value: unknown } {
  const map: Map<string, unknown> = t._parameters.has(name) ? t._parameters : t._buffers.has(name) ? t._buffers
    : t._modules;
  return { found: map.has(name), value: map.get(name) };
}

const traps: ProxyHandler<Module> = {
  get(target, prop, receiver) {
    if (prop === 'forward') return (target as unknown as Internals)[CALL];
    if (typeof prop === 'symbol') return Reflect.get(target, prop, receiver);
    const hooks = target as ItemHooks;
    if (hooks._getItem && INT_KEY.test(prop)) return hooks._getItem.call(receiver, Number(prop));
    if (prop in target) return Reflect.get(target, prop, receiver);
    return lookup(target, prop).value;
  },
  set(target, prop, value, receiver) {
    if (typeof prop === 'string') {
      const hooks = target as ItemHooks;
      if (hooks._setItem && hooks._setItem.call(receiver, prop, value)) return true;
      if (route(target, receiver as Module, prop, value)) return true;
    }
    return Reflect.set(target, prop, value, receiver);
  },
  defineProperty(target, prop, desc) {
    if (typeof prop === 'string' && 'value' in desc) {
      // A declared field without initializer (`fc!: Linear`) defines `undefined`: keep what a
      // constructor (ours or a parent's) registered under that name.
      if (desc.value === undefined && lookup(target, prop).found) return true;
      if (route(target, (target as unknown as Internals)[PROXY], prop, desc.value)) return true;
    }
    return Reflect.defineProperty(target, prop, desc);
  },
  has(target, prop) {
    return Reflect.has(target, prop) || (typeof prop === 'string' && lookup(target, prop).found);
  },
  deleteProperty(target, prop) {
    if (typeof prop !== 'string') return Reflect.deleteProperty(target, prop);
    const hooks = target as ItemHooks;
    if (hooks._delItem && hooks._delItem.call((target as unknown as Internals)[PROXY], prop)) return true;
    return unregister(target, prop) || Reflect.deleteProperty(target, prop);
  },
  ownKeys(target) {
    const names = [...target._parameters.keys(), ...target._buffers.keys(), ...target._modules.keys()];
    return [...new Set([...Reflect.ownKeys(target), ...names])];
  },
  getOwnPropertyDescriptor(target, prop) {
    const own = Reflect.getOwnPropertyDescriptor(target, prop);
    if (own || typeof prop !== 'string') return own;
    const { found, value } = lookup(target, prop);
    return found ? { value, writable: true, enumerable: true, configurable: true } : undefined;
  },
};

/** PyTorch's torch.typename for error messages ('torch.FloatTensor', 'int', 'str', ...). */
export function typename(v: unknown): string {
  if (v instanceof Tensor) return v.type();
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'function') return 'function';
  if (Array.isArray(v)) return 'list';
  const ctor = (Object.getPrototypeOf(v) as { constructor?: { name: string } } | null)?.constructor;
  return !ctor || ctor === Object ? 'dict' : ctor.name;
}

/** Module.__delattr__ for registered names; false when `name` is not registered. */
function unregister(t: Module, name: string): boolean {
  if (t._parameters.delete(name) || t._modules.delete(name)) return true;
  if (!t._buffers.delete(name)) return false;
  t._non_persistent_buffers_set.delete(name);
  return true;
}

/** __setattr__'s remove_from(self.__dict__, <the registries other than `keep`>). */
function evict(t: Module, name: string, keep: Map<string, unknown>): void {
  Reflect.deleteProperty(t, name);
  for (const m of [t._parameters, t._buffers, t._modules] as Map<string, unknown>[]) {
    if (m !== keep) m.delete(name);
  }
  t._non_persistent_buffers_set.delete(name);
}

/** The routing of Module.__setattr__; returns false for a plain attribute. */
function route(t: Module, self: Module, name: string, value: unknown): boolean {
  const v = value === undefined ? null : value;
  if (v instanceof Parameter) {
    evict(t, name, t._parameters);
    self.register_parameter(name, v);
  } else if (t._parameters.has(name)) {
    check(v === null, () => `cannot assign '${typename(v)}' as parameter '${name}' ` +
      '(torch.nn.Parameter or None expected)', TypeError);
    self.register_parameter(name, null);
  } else if (v instanceof Module) {
    evict(t, name, t._modules);
    t._modules.set(name, v);
  } else if (t._modules.has(name)) {
    check(v === null, () => `cannot assign '${typename(v)}' as child module '${name}' ` +
      '(torch.nn.Module or None expected)', TypeError);
    t._modules.set(name, null);
  } else if (t._buffers.has(name)) {
    check(v === null || v instanceof Tensor, () => `cannot assign '${typename(v)}' as buffer '${name}' ` +
      '(torch.nn.Buffer, torch.Tensor or None expected)', TypeError);
    self.register_buffer(name, v, !t._non_persistent_buffers_set.has(name));
  } else {
    return false;
  }
  return true;
}

/** setattr(module, name, value) without the containers' item hooks. */
export function _setattr(self: Module, name: string, value: unknown): void {
  const t = raw(self);
  if (!route(t, self, name, value)) Reflect.set(t, name, value, self);
}

/** getattr(module, name) without the containers' item hooks (undefined when absent). */
export function _getattr(self: Module, name: string): unknown {
  const t = raw(self);
  return name in t ? Reflect.get(t, name, self) : lookup(t, name).value;
}

/** delattr(module, name) without the containers' item hooks. */
export function _delattr(self: Module, name: string): void {
  const t = raw(self);
  if (unregister(t, name)) return;
  check(Object.hasOwn(t, name), () => `'${self._get_name()}' object has no attribute '${name}'`,
    AttributeError);
  Reflect.deleteProperty(t, name);
}

/** Python's hasattr, except that an own `undefined` (a declared class field) counts as absent. */
function hasattr(self: Module, name: string): boolean {
  const t = raw(self);
  return lookup(t, name).found || (name in t && Reflect.get(t, name, self) !== undefined);
}

/** PyTorch's `hasattr(self, name) and name not in <map>` KeyError. */
function checkFree(self: Module, name: string, map: Map<string, unknown>): void {
  check(!hasattr(self, name) || map.has(name), () => `attribute '${name}' already exists`, KeyError);
}

/** Drops the own `undefined` a declared class field left, so the Maps are not shadowed. */
function claim(self: Module, name: string): void {
  const t = raw(self);
  if (Object.hasOwn(t, name)) Reflect.deleteProperty(t, name);
}

function checkName(kind: 'parameter' | 'buffer', name: unknown): asserts name is string {
  check(typeof name === 'string', () => `${kind} name should be a string. Got ${typename(name)}`, TypeError);
  check(!name.includes('.'), () => `${kind} name can't contain "."`, KeyError);
  check(name !== '', () => `${kind} name can't be empty string ""`, KeyError);
}

function addHook<H>(dict: Map<number, H>, hook: H, prepend = false): RemovableHandle {
  const handle = new RemovableHandle([dict]);
  const rest = prepend ? [...dict] : [];
  if (prepend) dict.clear();
  dict.set(handle.id, hook);
  for (const [k, h] of rest) dict.set(k, h);
  return handle;
}

/** PyTorch's _addindent: indents every line but the first (blank lines stay empty). */
export function _addindent(s: string, numSpaces: number): string {
  const lines = s.split('\n');
  if (lines.length === 1) return s;
  const pad = ' '.repeat(numSpaces);
  return [lines[0], ...lines.slice(1).map((l) => (l.trim() ? pad + l : ''))].join('\n');
}

function dtypeOf(arg: DTypeLike | string | Tensor | { dtype?: DTypeLike; device?: string }): DType | null {
  if (arg instanceof Tensor) return arg.dtype;
  if (arg instanceof DType) return arg;
  if (typeof arg === 'string') return /^cpu(:\d+)?$/.test(arg) ? null : toDType(arg as DTypeLike);
  return arg.dtype === undefined ? null : toDType(arg.dtype);
}

const dq = (k: string): string => `"${k}"`;

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !(x instanceof Map);
}

/** Options of named_parameters / named_buffers. */
export interface NamedOpts {
  prefix?: string;
  recurse?: boolean;
  remove_duplicate?: boolean;
}

function namedOpts(prefix: string | NamedOpts, recurse: boolean, remove: boolean): Required<NamedOpts> {
  const o = typeof prefix === 'object' ? prefix : { prefix, recurse, remove_duplicate: remove };
  return { prefix: o.prefix ?? '', recurse: o.recurse ?? true, remove_duplicate: o.remove_duplicate ?? true };
}

// ---- Module -------------------------------------------------------------------------------------

/**
 * Base class for all neural network modules. Assigning a Parameter, a Module or (after
 * `register_buffer`) a Tensor to an attribute registers it, exactly as `nn.Module.__setattr__`.
 * @example
 * class Net extends nn.Module {
 *   fc!: nn.Linear;
 *   constructor() { super(); this.fc = new nn.Linear(4, 2); }
 *   override forward(x: Tensor): Tensor { return this.fc.forward(x).relu(); }
 * }
 * new Net()._modules.get('fc') // Linear(in_features=4, out_features=2, bias=True)
 */
export class Module {
  /** Version of the state_dict layout (saved in its metadata), as PyTorch's `_version`. */
  static _version = 1;
  declare training: boolean;
  declare _parameters: Map<string, Parameter | null>;
  declare _buffers: Map<string, Tensor | null>;
  declare _non_persistent_buffers_set: Set<string>;
  declare _modules: Map<string, Module | null>;
  declare _forward_pre_hooks: Map<number, ForwardPreHook>;
  declare _forward_hooks: Map<number, ForwardHook>;
  declare _backward_pre_hooks: Map<number, BackwardPreHook>;
  declare _backward_hooks: Map<number, BackwardHook>;
  declare _is_full_backward_hook: boolean | null;

  constructor() {
    Object.assign(this, {
      training: true, _parameters: new Map(), _buffers: new Map(), _non_persistent_buffers_set: new Set(),
      _modules: new Map(), _forward_pre_hooks: new Map(), _forward_hooks: new Map(),
      _backward_pre_hooks: new Map(), _backward_hooks: new Map(), _is_full_backward_hook: null,
    });
    const proxy = new Proxy(this, traps);
    const hidden = (value: unknown) => ({ value, enumerable: false, configurable: true, writable: false });
    Object.defineProperty(this, TARGET, hidden(this));
    Object.defineProperty(this, PROXY, hidden(proxy));
    // `module.forward(...)` is PyTorch's `module(...)`: it runs _call_impl, hooks included.
    Object.defineProperty(this, CALL, hidden((...args: unknown[]) => proxy._call_impl(...args)));
    return proxy;
  }

  /** The computation; subclasses override it. Calling `m.forward(x)` runs the hooks around it
   * (PyTorch's `m(x)`); `super.forward(x)` inside a subclass does not. */
  forward(..._args: unknown[]): unknown {
    const name = this.constructor.name;
    throw new NotImplementedError(`Module [${name}] is missing the required "forward" function`);
  }

  // ---- registration ----
  /** Adds a buffer: state that is not a parameter; non-persistent ones stay out of state_dict.
   * @example this.register_buffer('running_mean', torch.zeros(4), { persistent: true }) */
  register_buffer(name: string, tensor: Tensor | null, persistent: boolean | { persistent?: boolean } = true,
  ): void {
    const keep = typeof persistent === 'object' ? persistent.persistent ?? true : persistent;
    checkName('buffer', name);
    checkFree(this, name, this._buffers);
    check(tensor === null || tensor instanceof Tensor, () =>
      `cannot assign '${typename(tensor)}' object to buffer '${name}' (torch Tensor or None required)`,
    TypeError);
    claim(this, name);
    this._buffers.set(name, tensor);
    if (keep) this._non_persistent_buffers_set.delete(name);
    else this._non_persistent_buffers_set.add(name);
  }

  /** Adds a parameter (or a `null` slot) under `name`.
   * @example this.register_parameter('bias', null) */
  register_parameter(name: string, param: Parameter | null): void {
    checkName('parameter', name);
    checkFree(this, name, this._parameters);
    if (param !== null) {
      check(param instanceof Parameter, () => `cannot assign '${typename(param)}' object to parameter ` +
        `'${name}' (torch.nn.Parameter or None required)`, TypeError);
      check(param.grad_fn === null, () => `Cannot assign non-leaf Tensor to parameter '${name}'. Model ` +
        `parameters must be created explicitly. To express '${name}' as a function of another Tensor, ` +
        'compute the value in the forward() method.', ValueError);
    }
    claim(this, name);
    this._parameters.set(name, param);
  }

  /** Adds a child module under `name`.
   * @example seq.add_module('relu', new nn.ReLU()) */
  add_module(name: string, module: Module | null): void {
    check(module === null || module instanceof Module, () => `${typename(module)} is not a Module subclass`,
      TypeError);
    check(typeof name === 'string', () => `module name should be a string. Got ${typename(name)}`, TypeError);
    checkFree(this, name, this._modules);
    check(!name.includes('.'), () => `module name can't contain ".", got: ${name}`, KeyError);
    check(name !== '', () => 'module name can\'t be empty string ""', KeyError);
    claim(this, name);
    this._modules.set(name, module);
  }

  /** Alias of add_module. */
  register_module(name: string, module: Module | null): void {
    this.add_module(name, module);
  }

  /** The submodule at a dotted path ('' is this module).
   * @example net.get_submodule('features.0') */
  get_submodule(target: string): Module {
    if (target === '') return this;
    let mod: Module = this;
    for (const item of target.split('.')) {
      const m: Module = mod;
      check(hasattr(m, item), () => `${m._get_name()} has no attribute \`${item}\``, AttributeError);
      mod = (m as unknown as Record<string, Module>)[item];
      check(mod instanceof Module, () => `\`${item}\` is not an nn.Module`, AttributeError);
    }
    return mod;
  }

  /** The parameter at a dotted path.
   * @example net.get_parameter('fc.weight') */
  get_parameter(target: string): Parameter {
    const [mod, name] = this._resolve(target);
    const p = _getattr(mod, name);
    check(p instanceof Parameter, () => `\`${name}\` is not an nn.Parameter`, AttributeError);
    return p;
  }

  /** The buffer at a dotted path.
   * @example net.get_buffer('bn.running_mean') */
  get_buffer(target: string): Tensor {
    const [mod, name] = this._resolve(target);
    check(mod._buffers.has(name), () => `\`${name}\` is not a buffer`, AttributeError);
    return _getattr(mod, name) as Tensor;
  }

  private _resolve(target: string): [Module, string] {
    const dot = target.lastIndexOf('.');
    const mod = this.get_submodule(dot < 0 ? '' : target.slice(0, dot));
    const name = target.slice(dot + 1);
    check(hasattr(mod, name), () => `${mod._get_name()} has no attribute \`${name}\``, AttributeError);
    return [mod, name];
  }

  // ---- traversal ----
  /** The one walker behind named_parameters and named_buffers: yields each member once. */
  *_named_members<T>(
    get_members_fn: (m: Module) => Iterable<[string, T | null]>, prefix = '', recurse = true,
    remove_duplicate = true,
  ): IterableIterator<[string, T]> {
    const memo = new Set<T>();
    const modules = recurse ? this.named_modules(null, prefix, remove_duplicate) : [[prefix, this] as const];
    for (const [modPrefix, module] of modules) {
      for (const [k, v] of get_members_fn(module)) {
        if (v === null || memo.has(v)) continue;
        if (remove_duplicate) memo.add(v);
        yield [modPrefix ? `${modPrefix}.${k}` : k, v];
      }
    }
  }

  /** (name, parameter) pairs of this module and its descendants; a shared parameter comes once.
   * @example for (const [name, p] of net.named_parameters()) console.log(name, p.shape) */
  named_parameters(prefix: string | NamedOpts = '', recurse = true, remove_duplicate = true):
    IterableIterator<[string, Parameter]> {
    const o = namedOpts(prefix, recurse, remove_duplicate);
    return this._named_members((m) => m._parameters, o.prefix, o.recurse, o.remove_duplicate);
  }

  /** The parameters (what an optimizer takes).
   * @example const n = [...net.parameters()].length */
  *parameters(recurse: boolean | { recurse?: boolean } = true): IterableIterator<Parameter> {
    const r = typeof recurse === 'object' ? recurse.recurse ?? true : recurse;
    for (const [, p] of this.named_parameters('', r)) yield p;
  }

  /** (name, buffer) pairs of this module and its descendants.
   * @example [...bn.named_buffers()].map(([n]) => n) // ['running_mean', 'running_var', ...] */
  named_buffers(prefix: string | NamedOpts = '', recurse = true, remove_duplicate = true):
    IterableIterator<[string, Tensor]> {
    const o = namedOpts(prefix, recurse, remove_duplicate);
    return this._named_members((m) => m._buffers, o.prefix, o.recurse, o.remove_duplicate);
  }

  /** The buffers of this module and its descendants.
   * @example [...net.buffers()].length */
  *buffers(recurse: boolean | { recurse?: boolean } = true): IterableIterator<Tensor> {
    const r = typeof recurse === 'object' ? recurse.recurse ?? true : recurse;
    for (const [, b] of this.named_buffers('', r)) yield b;
  }

  /** (name, child) pairs of the immediate children, each child once.
   * @example [...net.named_children()].map(([n]) => n) */
  *named_children(): IterableIterator<[string, Module]> {
    const memo = new Set<Module>();
    for (const [name, m] of this._modules) {
      if (m === null || memo.has(m)) continue;
      memo.add(m);
      yield [name, m];
    }
  }

  /** The immediate children.
   * @example for (const child of net.children()) console.log(String(child)) */
  *children(): IterableIterator<Module> {
    for (const [, m] of this.named_children()) yield m;
  }

  /** (name, module) pairs of this module ('') and all descendants, each module once by default.
   * @example [...net.named_modules()].map(([n]) => n) // ['', 'fc', ...] */
  *named_modules(
    memo: Set<Module> | null | { memo?: Set<Module>; prefix?: string; remove_duplicate?: boolean } = null,
    prefix = '', remove_duplicate = true,
  ): IterableIterator<[string, Module]> {
    if (memo !== null && !(memo instanceof Set)) {
      yield* this.named_modules(memo.memo ?? null, memo.prefix ?? '', memo.remove_duplicate ?? true);
      return;
    }
    const seen = memo ?? new Set<Module>();
    if (seen.has(this)) return;
    if (remove_duplicate) seen.add(this);
    yield [prefix, this];
    for (const [name, m] of this._modules) {
      if (m !== null) yield* m.named_modules(seen, prefix ? `${prefix}.${name}` : name, remove_duplicate);
    }
  }

  /** This module and all descendants.
   * @example [...net.modules()].length */
  *modules(remove_duplicate: boolean | { remove_duplicate?: boolean } = true): IterableIterator<Module> {
    const o = typeof remove_duplicate === 'object' ? remove_duplicate : { remove_duplicate };
    for (const [, m] of this.named_modules(null, '', o.remove_duplicate ?? true)) yield m;
  }

  // ---- modes, gradients, dtype ----
  /** Calls `fn` on every submodule (children first, recursively) and then on this module.
   * @example net.apply((m) => { if (m instanceof nn.Linear) nn.init.zeros_(m.weight); }) */
  apply(fn: (module: Module) => void): this {
    for (const m of this.children()) m.apply(fn);
    fn(this);
    return this;
  }

  /** Sets training mode on this module and its descendants.
   * @example net.train(false).training // false */
  train(mode = true): this {
    check(typeof mode === 'boolean', () => 'training mode is expected to be boolean', ValueError);
    this.training = mode;
    for (const m of this.children()) m.train(mode);
    return this;
  }

  /** Evaluation mode: `train(false)`.
   * @example net.eval().training // false */
  eval(): this {
    return this.train(false);
  }

  /** Sets requires_grad on every parameter.
   * @example net.requires_grad_(false) // freeze */
  requires_grad_(requires_grad = true): this {
    for (const p of this.parameters()) p.requires_grad_(requires_grad);
    return this;
  }

  /** Resets the gradients of all parameters: to null (default) or to zeros.
   * @example net.zero_grad({ set_to_none: false }) */
  zero_grad(set_to_none: boolean | { set_to_none?: boolean } = true): void {
    const toNone = typeof set_to_none === 'object' ? set_to_none.set_to_none ?? true : set_to_none;
    for (const p of this.parameters()) {
      const g = p.grad;
      if (g === null || toNone) {
        p.grad = null;
        continue;
      }
      if (g.grad_fn !== null) g.detach_();
      else g.requires_grad_(false);
      g.zero_();
    }
  }

  /** Applies `fn` to every parameter, gradient and buffer. Parameters keep their identity:
   * their `.data` is replaced, as PyTorch does by default. */
  _apply(fn: (t: Tensor) => Tensor, recurse = true): this {
    if (recurse) for (const m of this.children()) m._apply(fn);
    for (const p of this._parameters.values()) {
      if (p === null) continue;
      p.data = no_grad(() => fn(p));
      const g = p.grad;
      if (g !== null) g.data = no_grad(() => fn(g));
    }
    for (const [k, b] of this._buffers) if (b !== null) this._buffers.set(k, fn(b));
    return this;
  }

  /** Casts floating-point parameters and buffers to a floating dtype ('cpu' changes nothing).
   * @example net.to(torch.float64) */
  to(arg: DTypeLike | string | Tensor | { dtype?: DTypeLike; device?: string }, dtype?: DTypeLike): this {
    const target = dtype !== undefined ? toDType(dtype) : dtypeOf(arg);
    if (target === null) return this;
    check(target.is_floating_point, () =>
      `nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=${target}`,
    TypeError);
    return this._apply((t) => (t.is_floating_point() ? t.to(target) : t));
  }

  /** Casts floating-point parameters and buffers to float32.
   * @example net.float() */
  float(): this {
    return this._apply((t) => (t.is_floating_point() ? t.float() : t));
  }

  /** Casts floating-point parameters and buffers to float64.
   * @example net.double() */
  double(): this {
    return this._apply((t) => (t.is_floating_point() ? t.double() : t));
  }

  /** Tensors already live on the CPU: returns this module. */
  cpu(): this {
    return this;
  }

  // ---- state_dict ----
  /** Saves this module's own parameters and persistent buffers (not its children's). */
  _save_to_state_dict(destination: StateDict, prefix: string, keep_vars: boolean): void {
    for (const [name, p] of this._parameters) {
      if (p !== null) destination.set(prefix + name, keep_vars ? p : p.detach());
    }
    for (const [name, b] of this._buffers) {
      if (b !== null && !this._non_persistent_buffers_set.has(name)) {
        destination.set(prefix + name, keep_vars ? b : b.detach());
      }
    }
  }

  /** Dotted names to parameters and persistent buffers (detached unless keep_vars); a shared
   * parameter appears under each of its names.
   * @example [...net.state_dict().keys()] // ['fc.weight', 'fc.bias'] */
  state_dict(opts: { destination?: StateDict; prefix?: string; keep_vars?: boolean } = {}): StateDict {
    let destination = opts.destination;
    if (destination === undefined) {
      destination = new Map<string, Tensor>();
      Object.defineProperty(destination, '_metadata', { value: new Map(), writable: true });
    }
    const prefix = opts.prefix ?? '';
    const keep_vars = opts.keep_vars ?? false;
    const meta = (destination as { _metadata?: Map<string, ModuleMetadata> })._metadata;
    meta?.set(prefix.slice(0, -1), { version: (this.constructor as typeof Module)._version });
    this._save_to_state_dict(destination, prefix, keep_vars);
    for (const [name, m] of this._modules) {
      if (m !== null) m.state_dict({ destination, prefix: `${prefix}${name}.`, keep_vars });
    }
    return destination;
  }

  /** Loads this module's own entries, recording missing/unexpected keys and error messages
   * (PyTorch's hook for class-specific loading). */
  _load_from_state_dict(
    state_dict: Map<string, unknown>, prefix: string, local_metadata: ModuleMetadata,
    strict: boolean, missing_keys: string[], unexpected_keys: string[], error_msgs: string[],
  ): void {
    const local = new Map<string, Tensor>();
    for (const [k, p] of this._parameters) if (p !== null) local.set(k, p);
    for (const [k, b] of this._buffers) {
      if (b !== null && !this._non_persistent_buffers_set.has(k)) local.set(k, b);
    }
    for (const [name, param] of local) {
      const key = prefix + name;
      if (state_dict.has(key)) {
        loadOne(this, name, key, param, state_dict.get(key), local_metadata.assign_to_params_buffers ?? false,
          error_msgs);
      } else if (strict) {
        missing_keys.push(key);
      }
    }
    const extra = `${prefix}_extra_state`;
    if (!strict) return;
    if (state_dict.has(extra)) unexpected_keys.push(extra);
    for (const key of state_dict.keys()) {
      if (!key.startsWith(prefix) || key === extra) continue;
      const rest = key.slice(prefix.length);
      const dot = rest.indexOf('.');
      if (dot >= 0 ? !this._modules.has(rest.slice(0, dot)) : !local.has(rest)) unexpected_keys.push(key);
    }
  }

  /** Copies parameters and buffers from a Map or plain object under no_grad (with assign: takes
   * them). With strict (default) missing or unexpected keys throw PyTorch's error.
   * @example const { missing_keys, unexpected_keys } = net.load_state_dict(sd, { strict: false }) */
  load_state_dict(state_dict: StateDictLike, strict: boolean | { strict?: boolean; assign?: boolean } = true,
    assign = false): IncompatibleKeys {
    check(state_dict instanceof Map || isPlainObject(state_dict), () =>
      `Expected state_dict to be dict-like, got <class '${typename(state_dict)}'>.`, TypeError);
    const strictFlag = typeof strict === 'object' ? strict.strict ?? true : strict;
    const assignFlag = typeof strict === 'object' ? strict.assign ?? false : assign;
    const sd = new Map<string, unknown>(state_dict instanceof Map ? state_dict : Object.entries(state_dict));
    const metadata = (state_dict as { _metadata?: Map<string, ModuleMetadata> })._metadata;
    const missing: string[] = [];
    const unexpected: string[] = [];
    const errors: string[] = [];
    const load = (module: Module, local: Map<string, unknown>, prefix: string): void => {
      const meta = { ...metadata?.get(prefix.slice(0, -1)), assign_to_params_buffers: assignFlag };
      module._load_from_state_dict(local, prefix, meta, true, missing, unexpected, errors);
      for (const [name, child] of module._modules) {
        if (child === null) continue;
        const cp = `${prefix}${name}.`;
        load(child, new Map([...local].filter(([k]) => k.startsWith(cp))), cp);
      }
    };
    load(this, sd, '');
    const keys = (what: string, ks: string[]) => `${what} key(s) in state_dict: ${ks.map(dq).join(', ')}. `;
    if (strictFlag && unexpected.length) errors.unshift(keys('Unexpected', unexpected));
    if (strictFlag && missing.length) errors.unshift(keys('Missing', missing));
    check(errors.length === 0, () =>
      `Error(s) in loading state_dict for ${this.constructor.name}:\n\t${errors.join('\n\t')}`);
    return new IncompatibleKeys(missing, unexpected);
  }

  // ---- hooks ----
  /** `hook(module, args)` runs before forward; returning a value replaces the arguments.
   * @example const h = m.register_forward_pre_hook((mod, [x]) => [(x as Tensor).mul(2)]); h.remove(); */
  register_forward_pre_hook(hook: ForwardPreHook, opts: { prepend?: boolean } = {}): RemovableHandle {
    return addHook(this._forward_pre_hooks, hook, opts.prepend);
  }

  /** `hook(module, args, output)` runs after forward; returning a value replaces the output.
   * @example m.register_forward_hook((mod, args, out) => console.log(String(out))) */
  register_forward_hook(hook: ForwardHook, opts: { prepend?: boolean } = {}): RemovableHandle {
    return addHook(this._forward_hooks, hook, opts.prepend);
  }

  /** `hook(module, grad_output)` runs once the gradients w.r.t. the outputs are known; returning
   * an array replaces them. @example m.register_full_backward_pre_hook((mod, gout) => undefined) */
  register_full_backward_pre_hook(hook: BackwardPreHook, opts: { prepend?: boolean } = {}): RemovableHandle {
    return addHook(this._backward_pre_hooks, hook, opts.prepend);
  }

  /** `hook(module, grad_input, grad_output)` runs when the gradients w.r.t. the inputs are known
   * (null for non-tensor inputs; all null when no input requires grad); an array it returns
   * replaces grad_input. @example m.register_full_backward_hook((mod, gin, gout) => undefined) */
  register_full_backward_hook(hook: BackwardHook, opts: { prepend?: boolean } = {}): RemovableHandle {
    check(this._is_full_backward_hook !== false, () => 'Cannot use both regular backward hooks and full ' +
      'backward hooks on a single Module. Please use only one of them.');
    this._is_full_backward_hook = true;
    return addHook(this._backward_hooks, hook, opts.prepend);
  }

  /** PyTorch's `module(...)`: forward pre-hooks, forward, forward hooks and the wiring of full
   * backward hooks. `module.forward(...)` lands here. */
  _call_impl(...args: unknown[]): unknown {
    const t = raw(this);
    const forward = Reflect.get(t, 'forward', this) as (...a: unknown[]) => unknown;
    const bwHooks = t._backward_hooks.size > 0 || t._backward_pre_hooks.size > 0;
    if (!bwHooks && t._forward_pre_hooks.size === 0 && t._forward_hooks.size === 0) {
      return forward.apply(this, args);
    }
    let input = args;
    for (const hook of [...this._forward_pre_hooks.values()]) {
      const r = hook(this, input);
      if (r !== undefined && r !== null) input = Array.isArray(r) ? r : [r];
    }
    const bw = bwHooks ? new BackwardHookState<Module>(this, [...this._backward_hooks.values()],
      [...this._backward_pre_hooks.values()]) : null;
    if (bw) input = bw.setup_input_hook(input);
    let result = forward.apply(this, input);
    for (const hook of [...this._forward_hooks.values()]) {
      const r = hook(this, input, result);
      if (r !== undefined && r !== null) result = r;
    }
    return bw ? bw.setup_output_hook(result) : result;
  }

  // ---- repr ----
  /** The class name shown in the repr. */
  _get_name(): string {
    return this.constructor.name;
  }

  /** Extra text inside the repr's parentheses; layers override it.
   * @example new nn.Linear(4, 2).extra_repr() // 'in_features=4, out_features=2, bias=True' */
  extra_repr(): string {
    return '';
  }

  /** PyTorch's repr: `Name(extra)` or one `(name): Child` line per child, indented.
   * @example String(new nn.Sequential(new nn.ReLU())) // 'Sequential(\n  (0): ReLU()\n)' */
  toString(): string {
    const extra = this.extra_repr();
    const extraLines = extra ? extra.split('\n') : [];
    const childLines = [...this._modules].map(([k, m]) => `(${k}): ${_addindent(String(m ?? 'None'), 2)}`);
    const lines = [...extraLines, ...childLines];
    let main = `${this._get_name()}(`;
    if (extraLines.length === 1 && childLines.length === 0) main += extraLines[0];
    else if (lines.length > 0) main += `\n  ${lines.join('\n  ')}\n`;
    return `${main})`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** Copies (or assigns) one state_dict entry into `param`, or records why it cannot. */
function loadOne(self: Module, name: string, key: string, param: Tensor, input: unknown, assign: boolean,
  errors: string[]): void {
  if (!(input instanceof Tensor)) {
    errors.push(`While copying the parameter named "${key}", expected torch.Tensor or Tensor-like object ` +
      `from checkpoint but received <class '${typename(input)}'>`);
    return;
  }
  // Backward compatibility with checkpoints that stored scalars as 1-element vectors.
  const src = param.dim() === 0 && input.dim() === 1 && input.size(0) === 1 ? input.select(0, 0) : input;
  if (src.shape.join() !== param.shape.join() || src.dim() !== param.dim()) {
    errors.push(`size mismatch for ${key}: copying a param with shape ${src.shape} from checkpoint, ` +
      `the shape in current model is ${param.shape}.`);
    return;
  }
  try {
    no_grad(() => {
      if (!assign) param.copy_(src);
      else if (!(param instanceof Parameter)) _setattr(self, name, src);
      else if (src instanceof Parameter) _setattr(self, name, src.requires_grad_(param.requires_grad));
      else _setattr(self, name, new Parameter(src, param.requires_grad));
    });
  } catch (e) {
    errors.push(`While copying the parameter named "${key}", whose dimensions in the model are ` +
      `${param.size()} and whose dimensions in the checkpoint are ${src.size()}, an exception occurred : ` +
      `(${pyStr((e as Error).message)},).`);
  }
}
