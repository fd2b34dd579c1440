// Containers: Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict
// (torch/nn/modules/container.py). Item access (`seq[0]`, `md['conv']`) goes through Module's
// attribute hook, which asks the container's _getItem/_setItem/_delItem first.
import { Tensor } from '../../tensor/tensor.js';
import { check, IndexError } from '../../utils/check.js';
import { pyStr } from '../../utils/python.js';
import { Parameter } from '../parameter.js';
import {
  _addindent, _delattr, _getattr, _setattr, type ItemHooks, KeyError, Module, typename, ValueError,
} from './module.js';

const INT_KEY = /^-?(0|[1-9]\d*)$/;
const MODULE_CLASS = "<class 'torch.nn.modules.module.Module'>";

/** An index in [-size, size) made absolute, or PyTorch's IndexError. */
function absIndex(idx: number, size: number): number {
  const ok = Number.isInteger(idx) && idx >= -size && idx < size;
  check(ok, () => `index ${idx} is out of range`, IndexError);
  return idx < 0 ? idx + size : idx;
}

function isIterable(x: unknown): x is Iterable<unknown> {
  return x !== null && x !== undefined && typeof (x as Iterable<unknown>)[Symbol.iterator] === 'function';
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null) return false;
  const proto = Object.getPrototypeOf(x) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Renumbers `_modules` as '0', '1', ... after a deletion (PyTorch's __delitem__). */
function renumber(m: Module): void {
  m._modules = new Map([...m._modules.values()].map((v, i) => [String(i), v]));
}

function asParameter(value: unknown): unknown {
  return value instanceof Tensor && !(value instanceof Parameter) ? new Parameter(value) : value;
}

/** ParameterList/ParameterDict's description of one entry. */
function describe(p: unknown, typeName: (t: Tensor) => string): string {
  if (!(p instanceof Tensor)) return `Object of type: ${typename(p)}`;
  const kind = p instanceof Parameter ? 'Parameter' : 'Tensor';
  return `${kind} containing: [${typeName(p)} of size ${p.shape.join('x')}]`;
}

/**
 * Modules run one after another: forward feeds each output to the next. Built from modules
 * (named '0', '1', ...) or from an ordered Map / object of name -> module.
 * @example
 * const seq = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU());
 * seq[0] === seq._modules.get('0'); seq.at(-1); seq.slice(0, 1); seq.length // 2
 */
export class Sequential<T extends Module = Module> extends Module implements ItemHooks {
  [index: number]: T;

  constructor(...modules: T[]);
  constructor(...modules: Module[]);
  constructor(modules: Map<string, T> | Record<string, T>);
  constructor(...args: (T | Map<string, T> | Record<string, T>)[]) {
    super();
    const first = args[0];
    if (args.length === 1 && (first instanceof Map || isPlainObject(first))) {
      const entries = first instanceof Map ? [...first] : Object.entries(first);
      for (const [key, m] of entries) this.add_module(key, m);
    } else {
      args.forEach((m, i) => this.add_module(String(i), m as T));
    }
  }

  private keyAt(idx: number): string {
    return [...this._modules.keys()][absIndex(idx, this._modules.size)];
  }

  _getItem(index: number): T {
    return this._modules.get(this.keyAt(index)) as T;
  }

  _setItem(key: string, value: unknown): boolean {
    if (!INT_KEY.test(key)) return false;
    _setattr(this, this.keyAt(Number(key)), value);
    return true;
  }

  _delItem(key: string): boolean {
    if (!INT_KEY.test(key)) return false;
    _delattr(this, this.keyAt(Number(key)));
    renumber(this);
    return true;
  }

  /** Number of modules (`len(seq)`). */
  get length(): number {
    return this._modules.size;
  }

  /**
   * The module at a position; negative counts from the end.
   * @example seq.at(-1)
   */
  at(index: number): T {
    return this._getItem(index);
  }

  /**
   * `seq[start:end]`: a Sequential of the same modules, keeping their names.
   * @example seq.slice(1) // all but the first
   */
  slice(start?: number, end?: number): this {
    const Ctor = this.constructor as new (m: Map<string, T>) => this;
    return new Ctor(new Map([...this._modules].slice(start, end) as [string, T][]));
  }

  *[Symbol.iterator](): IterableIterator<T> {
    yield* this._modules.values() as IterableIterator<T>;
  }

  /**
   * Adds a module at the end.
   * @example seq.append(new nn.ReLU())
   */
  append(module: T): this {
    this.add_module(String(this.length), module);
    return this;
  }

  /**
   * Inserts a module before `index` (negative counts from the end).
   * @example seq.insert(0, new nn.Flatten())
   */
  insert(index: number, module: T): this {
    // PyTorch raises an AssertionError here.
    check(module instanceof Module, () => `module should be of type: ${MODULE_CLASS}`);
    const n = this._modules.size;
    const ok = Number.isInteger(index) && index >= -n && index <= n;
    check(ok, () => `Index out of range: ${index}`, IndexError);
    const at = index < 0 ? index + n : index;
    for (let i = n; i > at; i--) this._modules.set(String(i), this._modules.get(String(i - 1)) ?? null);
    this._modules.set(String(at), module);
    return this;
  }

  /**
   * Appends every module of an iterable (another Sequential, an array).
   * @example seq.extend(other)
   */
  extend(sequential: Iterable<T>): this {
    for (const layer of sequential) this.append(layer);
    return this;
  }

  /**
   * Removes and returns the module at `index`.
   * @example const last = seq.pop(-1)
   */
  pop(index: number): T {
    const v = this._getItem(index);
    this._delItem(String(index));
    return v;
  }

  /** Feeds `input` through every module in order. */
  override forward(input: Tensor): Tensor {
    let x: unknown = input;
    for (const m of this) x = m.forward(x);
    return x as Tensor;
  }
}

/**
 * A list of modules, registered so that parameters(), to(), state_dict() ... see them.
 * It has no forward.
 * @example const layers = new nn.ModuleList([new nn.Linear(2, 2), new nn.Linear(2, 2)]); layers[1]
 */
export class ModuleList<T extends Module = Module> extends Module implements ItemHooks {
  [index: number]: T;

  constructor(modules: Iterable<T> | null = null) {
    super();
    if (modules !== null) this.extend(modules);
  }

  _getItem(index: number): T {
    return this._modules.get(String(absIndex(index, this._modules.size))) as T;
  }

  _setItem(key: string, value: unknown): boolean {
    if (!INT_KEY.test(key)) return false;
    _setattr(this, String(absIndex(Number(key), this._modules.size)), value);
    return true;
  }

  _delItem(key: string): boolean {
    if (!INT_KEY.test(key)) return false;
    _delattr(this, String(absIndex(Number(key), this._modules.size)));
    renumber(this);
    return true;
  }

  /** Number of modules. */
  get length(): number {
    return this._modules.size;
  }

  /**
   * The module at a position; negative counts from the end.
   * @example layers.at(-1)
   */
  at(index: number): T {
    return this._getItem(index);
  }

  /**
   * `list[start:end]` as a new ModuleList.
   * @example layers.slice(0, 2)
   */
  slice(start?: number, end?: number): this {
    const Ctor = this.constructor as new (m: Iterable<T>) => this;
    return new Ctor([...this].slice(start, end));
  }

  *[Symbol.iterator](): IterableIterator<T> {
    yield* this._modules.values() as IterableIterator<T>;
  }

  /**
   * Adds a module at the end.
   * @example layers.append(new nn.ReLU())
   */
  append(module: T): this {
    this.add_module(String(this.length), module);
    return this;
  }

  /**
   * Appends the modules of an iterable.
   * @example layers.extend([new nn.ReLU(), new nn.Tanh()])
   */
  extend(modules: Iterable<T>): this {
    check(isIterable(modules), () =>
      `ModuleList.extend should be called with an iterable, but got ${typename(modules)}`, TypeError);
    const offset = this.length;
    [...modules].forEach((m, i) => this.add_module(String(offset + i), m));
    return this;
  }

  /**
   * Inserts a module before `index` (a negative index counts from the end, as list.insert).
   * @example layers.insert(0, new nn.Identity())
   */
  insert(index: number, module: T): void {
    const n = this._modules.size;
    const at = Math.min(Math.max(index < 0 ? index + n : index, 0), n);
    for (let i = n; i > at; i--) this._modules.set(String(i), this._modules.get(String(i - 1)) ?? null);
    this._modules.set(String(at), module);
  }

  /**
   * Removes and returns the module at `index`.
   * @example layers.pop(0)
   */
  pop(index: number): T {
    const v = this._getItem(index);
    this._delItem(String(index));
    return v;
  }

  /** PyTorch 2.x's repr, which folds runs of identical entries into `(0-3): 4 x Linear(...)`. */
  override toString(): string {
    const blocks: [number, number, string][] = [];
    [...this._modules.values()].forEach((m, i) => {
      const r = String(m ?? 'None');
      const last = blocks[blocks.length - 1];
      if (last !== undefined && last[2] === r) last[1] = i;
      else blocks.push([i, i, r]);
    });
    if (blocks.length === 0) return `${this._get_name()}()`;
    const lines = blocks.map(([s, e, b]) => {
      const local = s === e ? `(${s}): ${b}` : `(${s}-${e}): ${e - s + 1} x ${b}`;
      return _addindent(local, 2);
    });
    return `${this._get_name()}(\n  ${lines.join('\n  ')}\n)`;
  }
}

type ModuleDictInit = Map<string, Module> | Iterable<readonly [string, Module]> | Record<string, Module>;

function dictEntries<V>(items: unknown, what: string): [string, V][] {
  if (items instanceof Map) return [...items] as [string, V][];
  if (isPlainObject(items)) return Object.entries(items) as [string, V][];
  check(isIterable(items), () => `${what}.update should be called with an iterable of key/value pairs, ` +
    `but got ${typename(items)}`, TypeError);
  return [...items].map((m, j) => {
    check(isIterable(m), () => `${what} update sequence element #${j} should be Iterable; is${typename(m)}`,
      TypeError);
    const pair = [...m];
    check(pair.length === 2, () =>
      `${what} update sequence element #${j} has length ${pair.length}; 2 is required`, ValueError);
    return pair as [string, V];
  });
}

class ModuleDict extends Module implements ItemHooks {
  constructor(modules: ModuleDictInit | null = null) {
    super();
    if (modules !== null) this.update(modules);
  }

  _setItem(key: string, value: unknown): boolean {
    if (!(value instanceof Module) && !this._modules.has(key)) return false;
    this.add_module(key, value as Module | null);
    return true;
  }

  /** `md[key]`: the module under `key`, or a KeyError. */
  get(key: string): Module {
    const m = this._modules.get(key);
    check(m !== undefined, () => pyStr(key), KeyError);
    return m as Module;
  }

  /** `md[key] = module`. */
  set(key: string, module: Module): void {
    this.add_module(key, module);
  }

  /** `key in md`. */
  has(key: string): boolean {
    return this._modules.has(key);
  }

  /** Number of entries (`len(md)`). */
  get length(): number {
    return this._modules.size;
  }

  /** The names, in insertion order. @example [...md.keys()] */
  keys(): IterableIterator<string> {
    return this._modules.keys();
  }

  /** The modules, in insertion order. @example [...md.values()] */
  values(): IterableIterator<Module> {
    return this._modules.values() as IterableIterator<Module>;
  }

  /** [name, module] pairs. @example for (const [k, m] of md.items()) console.log(k, String(m)) */
  items(): IterableIterator<[string, Module]> {
    return this._modules.entries() as IterableIterator<[string, Module]>;
  }

  [Symbol.iterator](): IterableIterator<string> {
    return this._modules.keys();
  }

  /** Removes `key` and returns its module. */
  pop(key: string): Module {
    const v = this.get(key);
    this._modules.delete(key);
    return v;
  }

  /** Removes every entry. */
  clear(): void {
    this._modules.clear();
  }

  /** Adds (or replaces) entries from a Map, a plain object, a ModuleDict or [key, module] pairs. */
  update(modules: ModuleDictInit | ModuleDict): void {
    const entries = modules instanceof ModuleDict ? [...modules.items()]
      : dictEntries<Module>(modules, 'ModuleDict');
    for (const [k, m] of entries) this.add_module(k, m);
  }
}

/** Keys you gave as an object literal are typed (`md.conv`, `md['conv']`). */
type TypedModuleDict<T extends Record<string, Module> = Record<never, never>> = ModuleDict & T;

/**
 * Modules held by name, registered as children. Built from a plain object, a Map or
 * [key, module] pairs; read as `md['conv']`, `md.conv` or `md.get('conv')`.
 * @example
 * const md = new nn.ModuleDict({ conv: new nn.Conv2d(1, 4, 3), act: new nn.ReLU() });
 * md['conv']; [...md.keys()] // ['conv', 'act']
 */
const TypedModuleDict = ModuleDict as unknown as {
  new <T extends Record<string, Module> = Record<never, never>>(modules?: T | ModuleDictInit | null):
    TypedModuleDict<T>;
  prototype: ModuleDict;
};
export { TypedModuleDict as ModuleDict };

/**
 * A list of parameters, registered under '0', '1', ...; tensors are wrapped as Parameters.
 * @example const ps = new nn.ParameterList([torch.zeros(2, 3)]); ps[0] instanceof nn.Parameter // true
 */
export class ParameterList<T = Parameter> extends Module implements ItemHooks {
  [index: number]: T;
  declare _size: number;

  constructor(values: Iterable<unknown> | null = null) {
    super();
    this._size = 0;
    if (values !== null) this.extend(values);
  }

  _getItem(index: number): T {
    return _getattr(this, String(absIndex(index, this._size))) as T;
  }

  _setItem(key: string, value: unknown): boolean {
    if (!INT_KEY.test(key)) return false;
    _setattr(this, String(absIndex(Number(key), this._size)), asParameter(value));
    return true;
  }

  _delItem(key: string): boolean {
    check(!INT_KEY.test(key), () => "'ParameterList' object doesn't support item deletion", TypeError);
    return false;
  }

  /** Number of entries. */
  get length(): number {
    return this._size;
  }

  /**
   * The entry at a position; negative counts from the end.
   * @example ps.at(-1)
   */
  at(index: number): T {
    return this._getItem(index);
  }

  /**
   * `list[start:end]` as a new ParameterList sharing the parameters.
   * @example ps.slice(1)
   */
  slice(start?: number, end?: number): this {
    const Ctor = this.constructor as new (v: Iterable<unknown>) => this;
    return new Ctor([...this].slice(start, end));
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this._size; i++) yield this._getItem(i);
  }

  /**
   * Adds an entry at the end (a tensor becomes a Parameter).
   * @example ps.append(torch.ones(3))
   */
  append(value: T | Tensor): this {
    const i = this._size;
    this._size += 1;
    this._setItem(String(i), value);
    return this;
  }

  /**
   * Appends every entry of an iterable.
   * @example ps.extend([torch.ones(1), torch.zeros(1)])
   */
  extend(values: Iterable<unknown>): this {
    check(isIterable(values) && !(values instanceof Tensor), () =>
      `ParameterList.extend should be called with an iterable, but got ${typename(values)}`, TypeError);
    for (const v of values) this.append(v as T);
    return this;
  }

  override forward(): never {
    throw new Error('ParameterList should not be called.');
  }

  override extra_repr(): string {
    return [...this].map((p, k) => `  (${k}): ${describe(p, (t) => String(t.dtype))}`).join('\n');
  }
}

/** A dict's items sorted by key, as ParameterDict.update sorts a plain dict. */
function sortedEntries(obj: Record<string, unknown>): [string, unknown][] {
  return Object.entries(obj).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

type ParameterDictInit =
  Map<string, unknown> | Iterable<readonly [string, unknown]> | Record<string, unknown>;

class ParameterDict extends Module implements ItemHooks {
  declare _keys: Set<string>;

  constructor(parameters: ParameterDictInit | null = null) {
    super();
    this._keys = new Set();
    if (parameters !== null) this.update(parameters);
  }

  _setItem(key: string, value: unknown): boolean {
    if (!(value instanceof Tensor) && !this._keys?.has(key)) return false;
    this.set(key, value);
    return true;
  }

  _delItem(key: string): boolean {
    if (!this._keys?.has(key)) return false;
    this._keys.delete(key);
    _delattr(this, key);
    return true;
  }

  /** `pd[key] = value` (a tensor becomes a Parameter). */
  set(key: string, value: unknown): void {
    check(typeof key === 'string', () => 'Index given to ParameterDict cannot be used as a key as it is ' +
      `not a string (type is '${typename(key)}'). Open an issue on github if you need non-string keys.`,
    TypeError);
    this._keys.add(key);
    _setattr(this, key, asParameter(value));
  }

  /** The value under `key`, or `default_` when absent. */
  get(key: string, default_: unknown = null): unknown {
    return this._keys.has(key) ? _getattr(this, key) : default_;
  }

  /** `key in pd`. */
  has(key: string): boolean {
    return this._keys.has(key);
  }

  /** Number of entries (`len(pd)`). */
  get length(): number {
    return this._keys.size;
  }

  /** The keys, in insertion order. @example [...pd.keys()] */
  keys(): IterableIterator<string> {
    return this._keys.values();
  }

  /** The values, in key order. @example [...pd.values()] */
  *values(): IterableIterator<unknown> {
    for (const k of this._keys) yield _getattr(this, k);
  }

  /** [key, value] pairs. @example for (const [k, p] of pd.items()) console.log(k, String(p)) */
  *items(): IterableIterator<[string, unknown]> {
    for (const k of this._keys) yield [k, _getattr(this, k)];
  }

  [Symbol.iterator](): IterableIterator<string> {
    return this._keys.values();
  }

  /** Removes `key` and returns its value (KeyError when absent). */
  pop(key: string): unknown {
    check(this._keys.has(key), () => pyStr(key), KeyError);
    const v = _getattr(this, key);
    this._delItem(key);
    return v;
  }

  /** Removes and returns the last inserted [key, value]. */
  popitem(): [string, unknown] {
    const last = [...this._keys].pop();
    check(last !== undefined, () => "'popitem(): dictionary is empty'", KeyError);
    return [last, this.pop(last)];
  }

  /** The value under `key`, inserting `default_` first when absent. */
  setdefault(key: string, default_: unknown = null): unknown {
    if (!this._keys.has(key)) this.set(key, default_);
    return this.get(key);
  }

  /** Removes every entry. */
  clear(): void {
    for (const k of [...this._keys]) this._delItem(k);
  }

  /** A new ParameterDict holding the same values. */
  copy(): ParameterDict {
    return new ParameterDict(new Map(this.items()));
  }

  /** Adds entries: a Map or ParameterDict in order, a plain object sorted by key (as PyTorch
   * sorts a dict), or [key, value] pairs. */
  update(parameters: ParameterDictInit | ParameterDict): void {
    let entries: [string, unknown][];
    if (parameters instanceof ParameterDict) entries = [...parameters.items()];
    else if (isPlainObject(parameters)) entries = sortedEntries(parameters);
    else entries = dictEntries(parameters, 'ParameterDict');
    for (const [k, v] of entries) this.set(k, v);
  }

  override forward(): never {
    throw new Error('ParameterDict should not be called.');
  }

  override extra_repr(): string {
    return [...this.items()].map(([k, p]) => `  (${k}): ${describe(p, (t) => t.type())}`).join('\n');
  }
}

/** Keys you gave as an object literal are typed (`pd.w`, `pd['w']`). */
type TypedParameterDict<T extends Record<string, unknown> = Record<never, never>> = ParameterDict & T;

/**
 * Parameters held by name (tensors are wrapped as Parameters); read as `pd['w']` or `pd.get('w')`.
 * @example
 * const pd = new nn.ParameterDict({ w: torch.zeros(2) });
 * pd['w'] instanceof nn.Parameter // true
 */
const TypedParameterDict = ParameterDict as unknown as {
  new <T extends Record<string, unknown> = Record<never, never>>(parameters?: T | ParameterDictInit | null):
    TypedParameterDict<T>;
  prototype: ParameterDict;
};
export { TypedParameterDict as ParameterDict };
