// Python's copy.deepcopy (the stdlib copy module) for tstorch values: modules, parameters, tensors and
// the containers holding them. transformer.py's _get_clones relies on it.
import { no_grad } from '../autograd/grad_mode.js';
import { Tensor } from '../tensor/tensor.js';
import { Module } from '../nn/modules/module.js';
import { Parameter } from '../nn/parameter.js';

/** The registries Module keeps as own properties; copied entry by entry, not as plain attributes. */
const INTERNAL = new Set([
  '_parameters', '_buffers', '_non_persistent_buffers_set', '_modules', '_forward_pre_hooks',
  '_forward_hooks', '_backward_pre_hooks', '_backward_hooks',
]);

type Memo = Map<unknown, unknown>;

/**
 * Python's copy.deepcopy for modules and what they hold: parameters and tensors are cloned (a
 * tensor shared twice stays shared once in the copy), modules, arrays, Maps and plain objects are
 * copied recursively; functions, dtypes and other objects are shared, as deepcopy shares them.
 * @example const twin = deepcopy(layer); twin.linear1.weight.equal(layer.linear1.weight) // true
 */
export function deepcopy<T>(value: T, memo: Memo = new Map()): T {
  if (value === null || typeof value !== 'object') return value;
  if (memo.has(value)) return memo.get(value) as T;
  if (value instanceof Module) return copyModule(value, memo);
  let out: unknown = value;
  if (value instanceof Parameter) {
    out = new Parameter(no_grad(() => value.detach().clone()), value.requires_grad);
  } else if (value instanceof Tensor) {
    const c = no_grad(() => value.detach().clone());
    out = value.requires_grad ? c.requires_grad_() : c;
  } else if (Array.isArray(value)) {
    const a: unknown[] = [];
    memo.set(value, a);
    for (const v of value) a.push(deepcopy(v, memo));
    out = a;
  } else if (value instanceof Map) {
    const m = new Map();
    memo.set(value, m);
    for (const [k, v] of value) m.set(k, deepcopy(v, memo));
    out = m;
  } else if (Object.getPrototypeOf(value) === Object.prototype) {
    const o: Record<string, unknown> = {};
    memo.set(value, o);
    for (const [k, v] of Object.entries(value)) o[k] = deepcopy(v, memo);
    out = o;
  }
  memo.set(value, out);
  return out as T;
}

function copyModule<M extends Module>(src: M, memo: Memo): M {
  // Module's own constructor with the subclass as new.target: a fresh instance (and attribute
  // hook) of the same class without running the subclass constructor, like deepcopy's __reduce_ex__.
  const dst = Reflect.construct(Module, [], src.constructor) as M;
  memo.set(src, dst);
  for (const [k, p] of src._parameters) dst._parameters.set(k, deepcopy(p, memo));
  for (const [k, b] of src._buffers) dst._buffers.set(k, deepcopy(b, memo));
  for (const n of src._non_persistent_buffers_set) dst._non_persistent_buffers_set.add(n);
  for (const [k, m] of src._modules) dst._modules.set(k, deepcopy(m, memo));
  for (const [k, h] of src._forward_pre_hooks) dst._forward_pre_hooks.set(k, h);
  for (const [k, h] of src._forward_hooks) dst._forward_hooks.set(k, h);
  for (const [k, h] of src._backward_pre_hooks) dst._backward_pre_hooks.set(k, h);
  for (const [k, h] of src._backward_hooks) dst._backward_hooks.set(k, h);
  const registered = (k: string) => src._parameters.has(k) || src._buffers.has(k) || src._modules.has(k);
  for (const key of Object.keys(src)) {
    if (INTERNAL.has(key) || registered(key)) continue;
    const desc = Object.getOwnPropertyDescriptor(src, key)!;
    if ('value' in desc) desc.value = deepcopy(desc.value, memo);
    Object.defineProperty(dst, key, desc);
  }
  return dst;
}
