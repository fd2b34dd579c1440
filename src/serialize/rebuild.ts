// What the restricted unpickler may call when loading: the tensor rebuild functions of torch/_utils.py
// (_rebuild_tensor_v2, _rebuild_parameter, ...), checked argument by argument, plus the conversion of the
// unpickled tree to JS values (OrderedDict -> Map; dict -> object or Map; tuple -> array).
import { Size, Tensor } from '../tensor/tensor.js';
import { type DType, bool, float32, float64, int32, int64 } from '../tensor/dtype.js';
import type { Storage } from '../tensor/storage.js';
import { Parameter } from '../nn/parameter.js';
import {
  PyDictObj, PyGlobalRef, PySetObj, PyTupleObj, UnpicklingError, pyType,
  type PyCallable, type UnpicklerHooks,
} from './unpickler.js';
import { ALL_STORAGE_GLOBALS, STORAGE_KINDS, storageFromBytes, type StorageKind } from './storage.js';
import { type ZipEntry, verifiedData } from './zip.js';

/** State shared by one torch.load call. */
export interface LoadContext {
  entries: Map<string, ZipEntry>;
  /** The archive folder with its trailing '/'. */
  prefix: string;
  /** Whether the file's byte order differs from this machine's. */
  swap: boolean;
  /** Whether map_location was given (CUDA-saved storages may then load on the CPU). */
  mapped: boolean;
  /** Storages already read, by record key: views of one storage share it. */
  storages: Map<string, { kind: StorageKind; storage: Storage }>;
}

/** A storage loaded through BINPERSID, before a rebuild function wraps it in a tensor. */
class LoadedStorage {
  constructor(readonly storage: Storage) {}
}

const MAX_DIMS = 64;
const MAX_NUMEL = 2 ** 32;

const fail = (msg: string): never => {
  throw new UnpicklingError(msg);
};

const DTYPES: Record<string, DType> = { float32, float64, int32, int64, bool };
const OTHER_DTYPES = ['float16', 'bfloat16', 'complex32', 'complex64', 'complex128', 'uint8', 'int8', 'int16',
  'uint16', 'uint32', 'uint64', 'qint8', 'quint8', 'qint32', 'quint4x2', 'quint2x4', 'float8_e4m3fn',
  'float8_e5m2', 'float8_e4m3fnuz', 'float8_e5m2fnuz', 'half', 'float', 'double', 'long', 'int', 'short'];
const TENSOR_CLASSES = ['Double', 'Float', 'Long', 'Int', 'Short', 'Char', 'Byte', 'Half', 'Bool', 'BFloat16',
  'ComplexDouble', 'ComplexFloat'].map((n) => `torch.${n}Tensor`);
const QSCHEMES = ['per_tensor_affine', 'per_tensor_symmetric', 'per_channel_affine', 'per_channel_symmetric',
  'per_channel_affine_float_qparams'].map((n) => `torch.${n}`);
const REBUILD_FNS = ['_rebuild_parameter', '_rebuild_parameter_with_state', '_rebuild_qtensor',
  '_rebuild_tensor', '_rebuild_tensor_v2', '_rebuild_tensor_v3', '_rebuild_sparse_tensor',
  '_rebuild_meta_tensor_no_storage',
  '_rebuild_wrapper_subclass', '_rebuild_device_tensor_from_numpy', '_rebuild_device_tensor_from_cpu_tensor']
  .map((n) => `torch._utils.${n}`);

/** PyTorch 2.x's _get_allowed_globals(): every name a weights_only pickle may use. */
const ALLOWED = new Set<string>([
  'collections.OrderedDict', 'collections.Counter', 'torch.nn.parameter.Parameter',
  'torch.serialization._get_layout', 'torch.Size', 'torch.Tensor', 'torch.device', '_codecs.encode',
  'builtins.bytearray', 'builtins.set', 'builtins.complex', 'torch._tensor._rebuild_from_type_v2',
  ...Object.keys(DTYPES).map((n) => `torch.${n}`), ...OTHER_DTYPES.map((n) => `torch.${n}`),
  ...TENSOR_CLASSES, ...ALL_STORAGE_GLOBALS, ...QSCHEMES, ...REBUILD_FNS,
]);

function int(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    fail(`${what} must be a non-negative int, got ${pyType(v)}`);
  }
  return v as number;
}

function ints(v: unknown, what: string): number[] {
  const items = v instanceof PyTupleObj ? v.items : Array.isArray(v) ? v
    : fail(`${what} must be a tuple, got ${pyType(v)}`);
  if (items.length > MAX_DIMS) fail(`${what} has more than ${MAX_DIMS} dimensions`);
  return items.map((x) => int(x, `${what} entry`));
}

/** torch._utils._rebuild_tensor_v2 with every bound checked before a view is made. */
function rebuildTensor(args: unknown[]): Tensor {
  if (args.length < 4 || args.length > 7) {
    fail(`_rebuild_tensor_v2 takes 6 or 7 arguments, got ${args.length}`);
  }
  const [st, offsetArg, sizeArg, strideArg, rgArg = false, hooks = null] = args;
  if (!(st instanceof LoadedStorage)) return fail(`expected a storage, got ${pyType(st)}`);
  const storage = st.storage;
  const offset = int(offsetArg, 'storage_offset');
  const size = ints(sizeArg, 'size');
  const stride = ints(strideArg, 'stride');
  if (size.length !== stride.length) fail(`size ${size} and stride ${stride} have different lengths`);
  let numel = 1;
  let maxIndex = offset;
  for (let d = 0; d < size.length; d++) {
    numel *= size[d];
    if (size[d] > 0) maxIndex += (size[d] - 1) * stride[d];
  }
  if (numel > MAX_NUMEL) fail(`a tensor of size ${size} is too large`);
  if (numel > 0 && !(maxIndex < storage.length)) {
    fail(`setStorage: sizes ${size}, strides ${stride}, storage offset ${offset} require a storage of ` +
      `${maxIndex + 1} elements, but it has ${storage.length}`);
  }
  if (offset > storage.length) {
    fail(`storage offset ${offset} is out of bounds for a storage of ${storage.length}`);
  }
  if (typeof rgArg !== 'boolean') fail(`requires_grad must be a bool, got ${pyType(rgArg)}`);
  if (rgArg && !storage.dtype.is_floating_point) {
    fail('only Tensors of floating point dtype can require gradients');
  }
  if (hooks !== null && !(hooks instanceof PyDictObj && hooks.keys.length === 0)) {
    fail('tensors with backward hooks cannot be loaded (hooks are code)');
  }
  const t = new Tensor(storage, size, stride, offset);
  t._requires_grad = rgArg as boolean;
  return t;
}

function rebuildParameter(args: unknown[]): Parameter {
  if (args.length < 3 || args.length > 4) fail(`_rebuild_parameter takes 3 arguments, got ${args.length}`);
  const [data, rg, hooks, state = null] = args;
  if (!(data instanceof Tensor)) return fail(`Parameter data must be a tensor, got ${pyType(data)}`);
  if (typeof rg !== 'boolean') return fail(`requires_grad must be a bool, got ${pyType(rg)}`);
  if (rg && !data.dtype.is_floating_point) {
    fail('Only Tensors of floating point and complex dtype can require gradients');
  }
  if (!(hooks === null || hooks instanceof PyDictObj && hooks.keys.length === 0)) {
    fail('parameters with backward hooks cannot be loaded (hooks are code)');
  }
  if (state !== null && !(state instanceof PyDictObj && state.keys.length === 0)) {
    fail('parameters with extra Python attributes are not supported by tstorch');
  }
  return new Parameter(data, rg);
}

/** BINPERSID ('storage', storage_type, key, location, numel): the record, checked and read once per key. */
function persistentLoad(ctx: LoadContext, pid: PyTupleObj): LoadedStorage {
  if (pid.items.length !== 5) fail(`storage persistent id must have 5 items, got ${pid.items.length}`);
  const [, type, key, location, numelArg] = pid.items;
  const kind = type instanceof PyGlobalRef ? STORAGE_KINDS.get(type.path) : undefined;
  if (kind === undefined) return fail(`storage type ${pyType(type)} is not supported by tstorch`);
  if (typeof key !== 'string' || typeof location !== 'string') {
    return fail('storage key and location must be strings');
  }
  const numel = int(numelArg, 'storage numel');
  if (location !== 'cpu' && !ctx.mapped) {
    fail(location.startsWith('cuda')
      ? 'Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is False. ' +
        'If you are running on a CPU-only machine, please use torch.load with ' +
        "map_location=torch.device('cpu') to map your storages to the CPU."
      : `don't know how to restore data location of ${kind.name} (tagged with ${location})`);
  }
  const seen = ctx.storages.get(key);
  if (seen !== undefined) {
    if (seen.kind !== kind || seen.storage.length !== numel) {
      fail(`storage ${key} is used with two different types`);
    }
    return new LoadedStorage(seen.storage);
  }
  const entry = ctx.entries.get(`${ctx.prefix}data/${key}`);
  if (entry === undefined) {
    return fail(`PytorchStreamReader failed locating file data/${key}: file not found`);
  }
  if (entry.data.length !== numel * kind.itemsize) {
    fail(`storage data/${key} holds ${entry.data.length} bytes, but ${numel} elements of ` +
      `${kind.name} need ${numel * kind.itemsize}`);
  }
  const storage = storageFromBytes(kind, verifiedData(entry), numel, ctx.swap);
  ctx.storages.set(key, { kind, storage });
  return new LoadedStorage(storage);
}

function newDict(kind: 'OrderedDict' | 'Counter'): PyCallable {
  return (args) => {
    const d = new PyDictObj(kind);
    if (args.length > 1) fail(`${kind} expected at most 1 argument, got ${args.length}`);
    const init = args[0] instanceof PyTupleObj ? args[0].items : args[0] ?? [];
    if (!Array.isArray(init)) fail(`${kind} can only be built from a list of pairs`);
    for (const pair of init as unknown[]) {
      if (!(pair instanceof PyTupleObj) || pair.items.length !== 2) fail(`${kind} items must be pairs`);
      d.set((pair as PyTupleObj).items[0], (pair as PyTupleObj).items[1]);
    }
    return d;
  };
}

function latin1(args: unknown[]): Uint8Array {
  const [s, enc = 'utf-8'] = args;
  if (typeof s !== 'string' || !(enc === 'latin1' || enc === 'latin-1')) {
    fail('_codecs.encode supports latin1 text only');
  }
  const out = new Uint8Array((s as string).length);
  for (let i = 0; i < out.length; i++) {
    const c = (s as string).charCodeAt(i);
    if (c > 255) fail("'latin-1' codec can't encode the pickle's bytes");
    out[i] = c;
  }
  return out;
}

function fromTypeV2(args: unknown[], calls: Map<string, PyCallable>): unknown {
  const [func, type, inner, state] = args;
  if (!(func instanceof PyGlobalRef) || !(inner instanceof PyTupleObj)) {
    return fail('malformed _rebuild_from_type_v2');
  }
  const types = ['torch.Tensor', 'torch.nn.parameter.Parameter'];
  if (!(type instanceof PyGlobalRef) || !types.includes(type.path)) {
    return fail(`tensor subclass ${pyType(type)} is not supported by tstorch`);
  }
  if (!(state === null || state instanceof PyDictObj && state.keys.length === 0)) {
    fail('tensors with extra Python attributes are not supported by tstorch');
  }
  const f = calls.get(func.path);
  if (f === undefined || func.path === 'torch._tensor._rebuild_from_type_v2') {
    return fail(`cannot call ${func.path}`);
  }
  const t = f(inner.items);
  if (type.path === 'torch.nn.parameter.Parameter' && t instanceof Tensor && !(t instanceof Parameter)) {
    return new Parameter(t, t.requires_grad);
  }
  return t;
}

/** The unpickler hooks for one load: allowed names, the callables tstorch implements, storages. */
export function buildAllowed(ctx: LoadContext): UnpicklerHooks {
  const calls = new Map<string, PyCallable>([
    ['collections.OrderedDict', newDict('OrderedDict')],
    ['collections.Counter', newDict('Counter')],
    ['torch._utils._rebuild_tensor_v2', rebuildTensor],
    ['torch._utils._rebuild_tensor', (a) => rebuildTensor([...a, false, null])],
    ['torch._utils._rebuild_parameter', rebuildParameter],
    ['torch._utils._rebuild_parameter_with_state', rebuildParameter],
    ['torch.nn.parameter.Parameter', (a) => rebuildParameter([a[0], a[1] ?? true, null])],
    ['torch.Size', (a) => Size.make(ints(a[0] ?? new PyTupleObj([]), 'torch.Size'))],
    ['torch.device', (a) => (typeof a[0] === 'string' ? a[0] : fail('torch.device expects a string'))],
    ['_codecs.encode', latin1],
    ['builtins.bytearray', (a) => (a.length === 0 ? new Uint8Array(0)
      : a[0] instanceof Uint8Array ? a[0].slice() : latin1(a))],
    ['builtins.set', (a) => new PySetObj(Array.isArray(a[0]) ? a[0].slice()
      : a.length === 0 ? [] : fail('set() expects a list'))],
  ]);
  calls.set('torch._tensor._rebuild_from_type_v2', (a) => fromTypeV2(a, calls));
  return {
    isAllowed: (p) => ALLOWED.has(p),
    callable: (p) => calls.get(p),
    persistentLoad: (pid) => persistentLoad(ctx, pid),
  };
}

const MAX_DEPTH = 1000;

/** Converts the unpickled tree to JS values (see torch.load's TSDoc), keeping shared objects shared. */
export function toJS(root: unknown): unknown {
  const done = new Map<object, unknown>();
  const conv = (v: unknown, depth: number): unknown => {
    if (typeof v !== 'object' || v === null || v instanceof Tensor || v instanceof Uint8Array) return v;
    if (depth > MAX_DEPTH) fail(`the checkpoint nests containers more than ${MAX_DEPTH} levels deep`);
    const seen = done.get(v);
    if (seen !== undefined) return seen;
    if (v instanceof PyTupleObj || Array.isArray(v)) {
      const out: unknown[] = [];
      done.set(v, out);
      for (const x of v instanceof PyTupleObj ? v.items : v) out.push(conv(x, depth + 1));
      return out;
    }
    if (v instanceof PySetObj) {
      const out = new Set<unknown>();
      done.set(v, out);
      for (const x of v.items) out.add(conv(x, depth + 1));
      return out;
    }
    if (v instanceof PyDictObj) return dictToJS(v, done, (x) => conv(x, depth + 1));
    if (v instanceof PyGlobalRef) return globalToJS(v);
    if (v instanceof LoadedStorage) return new Tensor(v.storage, [v.storage.length]);
    return fail(`cannot convert ${pyType(v)}`);
  };
  return conv(root, 0);
}

function dictToJS(d: PyDictObj, done: Map<object, unknown>, conv: (x: unknown) => unknown): unknown {
  const asObject = d.kind === 'dict' && d.keys.length > 0 && d.keys.every((k) => typeof k === 'string');
  if (asObject) {
    const obj: Record<string, unknown> = {};
    done.set(d, obj);
    d.keys.forEach((k, i) => {
      // defineProperty: a key named '__proto__' must become data, not change the prototype.
      Object.defineProperty(obj, k as string, { value: conv(d.values[i]), enumerable: true, writable: true,
        configurable: true });
    });
    return obj;
  }
  const map = new Map<unknown, unknown>();
  done.set(d, map);
  d.keys.forEach((k, i) => map.set(conv(k), conv(d.values[i])));
  const meta = d.attrs?.get('_metadata');
  if (meta instanceof PyDictObj) {
    // Module.load_state_dict reads `_metadata.get(prefix)` as an object ({ version }).
    const m = new Map<unknown, unknown>();
    meta.keys.forEach((k, i) => {
      const v = conv(meta.values[i]);
      m.set(conv(k), v instanceof Map && v.size === 0 ? {} : v);
    });
    Object.defineProperty(map, '_metadata', { value: m, writable: true, configurable: true });
  }
  return map;
}

function globalToJS(g: PyGlobalRef): unknown {
  const name = g.path.startsWith('torch.') ? g.path.slice(6) : '';
  return DTYPES[name] ?? g.path;
}
