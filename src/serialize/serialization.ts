// torch.save / torch.load in PyTorch's zip format (torch/serialization.py): `<name>/data.pkl` (a protocol 2
// pickle), one `<name>/data/<key>` record per storage, `byteorder`, `version` and `.data/serialization_id`.
// Loading runs a restricted unpickler and validates every size, offset and stride: it never executes code.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Tensor } from '../tensor/tensor.js';
import { DType } from '../tensor/dtype.js';
import { Storage } from '../tensor/storage.js';
import { Parameter } from '../nn/parameter.js';
import { Pickler, PyDict, PyGlobal, PyPersistent, PyReduce, PyTuple } from './pickle.js';
import { UnpicklingError, Unpickler } from './unpickler.js';
import { buildAllowed, toJS, type LoadContext } from './rebuild.js';
import { storageBytes, storageKindOf } from './storage.js';
import { crc32, readZip, verifiedData, writeZip } from './zip.js';

/** Where torch.save writes: a path, an open file descriptor, or any object with a `write(bytes)`. */
export type SaveTarget = string | URL | number | { write(data: Uint8Array): unknown };
/** What torch.load reads: a path, a file descriptor, or the file's bytes. */
export type LoadSource = string | URL | number | Uint8Array | ArrayBuffer;

/** Options of torch.load (PyTorch's keyword arguments). */
export interface LoadOptions {
  /**
   * Accepted for PyTorch compatibility (default true, as in PyTorch 2.6+). tstorch always loads with
   * the restricted unpickler, so `false` does not allow arbitrary globals either.
   */
  weights_only?: boolean;
  /** Everything loads to the CPU; giving any map_location lets CUDA-saved files load there. */
  map_location?: string | { toString(): string } | Record<string, string> | null;
}

const HOST_LITTLE = os.endianness() === 'LE';

const OrderedDictG = new PyGlobal('collections', 'OrderedDict');
const emptyOrderedDict = (): PyReduce => new PyReduce(OrderedDictG, new PyTuple([]));

function isPlainObject(v: object): v is Record<string, unknown> {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Turns tstorch values into pickle wrappers, collecting the storages to write as records. */
class SaveContext {
  readonly storages = new Map<Storage, { key: string; pid: PyPersistent }>();

  translate = (v: object): unknown => {
    if (v instanceof Parameter) {
      const data = this.tensor(v, false);
      return new PyReduce(new PyGlobal('torch._utils', '_rebuild_parameter'),
        new PyTuple([data, v.requires_grad, emptyOrderedDict()]));
    }
    if (v instanceof Tensor) return this.tensor(v, v.requires_grad);
    if (v instanceof DType) return new PyGlobal('torch', v.name);
    if (v instanceof Map) return this.map(v);
    if (v instanceof Set) return new PyReduce(new PyGlobal('__builtin__', 'set'), new PyTuple([[...v]]));
    if (isPlainObject(v)) return new PyDict(Object.entries(v));
    const name = (v.constructor as { name?: string } | undefined)?.name ?? 'object';
    throw new TypeError(`cannot pickle '${name}' object: torch.save in tstorch saves tensors, numbers, ` +
      'strings, booleans, null and arrays, Maps, Sets and plain objects of them (save model.state_dict())');
  };

  /** torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, backward_hooks). */
  private tensor(t: Tensor, requires_grad: boolean): PyReduce {
    let entry = this.storages.get(t._storage);
    if (entry === undefined) {
      const key = String(this.storages.size);
      const kind = storageKindOf(t.dtype);
      const pid = new PyTuple(['storage', new PyGlobal('torch', kind.name), key, 'cpu', t._storage.length]);
      entry = { key, pid: new PyPersistent(pid) };
      this.storages.set(t._storage, entry);
    }
    const args = [entry.pid, t._offset, new PyTuple(t._shape), new PyTuple(t._strides), requires_grad,
      emptyOrderedDict()];
    return new PyReduce(new PyGlobal('torch._utils', '_rebuild_tensor_v2'), new PyTuple(args));
  }

  /**
   * A Map with string keys is written as collections.OrderedDict (what a loaded OrderedDict becomes);
   * a state_dict's `_metadata` goes along as its BUILD state, as PyTorch writes it. Any other Map
   * (int keys, as in an optimizer's `state`) is a plain dict.
   */
  private map(m: Map<unknown, unknown>): PyReduce | PyDict {
    const items = [...m];
    const meta = (m as { _metadata?: unknown })._metadata;
    const stringKeys = items.every(([k]) => typeof k === 'string');
    if (!(meta instanceof Map) && !(stringKeys && items.length > 0)) return new PyDict(items);
    let state: PyDict | undefined;
    if (meta instanceof Map) {
      const metaItems = [...meta].map(([k, v]) => {
        const entries = Object.entries((v ?? {}) as Record<string, unknown>)
          .filter(([name, x]) => name !== 'assign_to_params_buffers' && x !== undefined);
        return [k, new PyDict(entries)] as const;
      });
      state = new PyDict([['_metadata', new PyReduce(OrderedDictG, new PyTuple([]), metaItems)]]);
    }
    return new PyReduce(OrderedDictG, new PyTuple([]), items, state);
  }
}

/** PyTorch's `.data/serialization_id`: 20 digits from the record names, 20 from their CRC-32s. */
function serializationId(records: ReadonlyArray<readonly [string, Uint8Array]>): string {
  let names = 0n;
  let crcs = 0n;
  // c10::hash_combine's mixing step, on 64 bits.
  const mix = (h: bigint, v: bigint) =>
    (h ^ (v + 0x9e3779b97f4a7c15n + (h << 6n) + (h >> 2n))) & 0xffffffffffffffffn;
  for (const [name, data] of records) {
    names = mix(names, BigInt(crc32(new TextEncoder().encode(name))));
    crcs = mix(crcs, BigInt(crc32(data)));
  }
  return names.toString().padStart(20, '0') + crcs.toString().padStart(20, '0');
}

/** The top folder PyTorch 2.x uses: the file name without its extension ('archive' for streams). */
function archiveName(f: SaveTarget): string {
  if (typeof f !== 'string' && !(f instanceof URL)) return 'archive';
  const base = path.basename(f instanceof URL ? f.pathname : f);
  const dot = base.lastIndexOf('.');
  const stem = dot > 0 ? base.slice(0, dot) : base;
  return stem.length > 0 ? stem : 'archive';
}

/**
 * Saves `obj` (tensors, Parameters, state_dicts, optimizer state_dicts, nested arrays / Maps / objects
 * of those and of numbers, strings, booleans and null) in PyTorch's zip format, readable by
 * `torch.load(path, weights_only=True)` in Python. Tensors sharing memory are stored once and load
 * as views of one storage again. Maps with string keys become OrderedDicts, other Maps and plain
 * objects become dicts, arrays become lists; JS numbers that are whole become Python ints.
 * @example
 * torch.save(model.state_dict(), 'model.pt');
 * torch.save({ epoch: 3, optimizer: opt.state_dict() }, 'ckpt.pt');
 */
export function save(obj: unknown, f: SaveTarget): void {
  const ctx = new SaveContext();
  const pkl = new Pickler(ctx.translate).dump(obj);
  const top = archiveName(f);
  const records: Array<[string, Uint8Array]> = [];
  const text = (s: string) => new TextEncoder().encode(s);
  records.push(['data.pkl', pkl], ['.format_version', text('1')], ['.storage_alignment', text('64')]);
  records.push(['byteorder', text(HOST_LITTLE ? 'little' : 'big')]);
  for (const [storage, { key }] of ctx.storages) records.push([`data/${key}`, storageBytes(storage)]);
  records.push(['version', text('3\n')]);
  records.push(['.data/serialization_id', text(serializationId(records))]);
  const bytes = writeZip(records.map(([name, data]) => [`${top}/${name}`, data] as const));
  if (typeof f === 'string' || f instanceof URL) fs.writeFileSync(f, bytes);
  else if (typeof f === 'number') fs.writeSync(f, bytes);
  else f.write(bytes);
}

function readSource(f: LoadSource): Uint8Array {
  if (f instanceof ArrayBuffer) return new Uint8Array(f);
  // A plain Uint8Array view: a Node Buffer's slice() would share memory instead of copying.
  const b = f instanceof Uint8Array ? f : fs.readFileSync(f);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** Finds the single top-level folder holding data.pkl (PyTorch names it after the file). */
function archivePrefix(names: string[]): string {
  const pkl = names.filter((n) => /^[^/]+\/data\.pkl$/.test(n));
  if (names.some((n) => /^[^/]+\/constants\.pkl$/.test(n))) {
    throw new Error('torch.load: this is a TorchScript archive (torch.jit.save); tstorch reads torch.save ' +
      'files');
  }
  if (pkl.length !== 1) {
    throw new Error('PytorchStreamReader failed locating file data.pkl: file not found');
  }
  const prefix = pkl[0].slice(0, -'data.pkl'.length);
  const stray = names.find((n) => !n.startsWith(prefix));
  if (stray !== undefined) {
    throw new Error(`PytorchStreamReader: file ${stray} is outside the archive folder ${prefix}`);
  }
  return prefix;
}

/**
 * Loads a file written by `torch.save` (PyTorch 1.6+ zip format, or tstorch's). Loading never executes
 * code: the pickle may only name PyTorch's weights_only globals, and any other is refused with
 * PyTorch's "Unsupported global" error. A collections.OrderedDict loads as a `Map` (a state_dict's
 * `_metadata` stays on it as a non-enumerable property); a dict loads as a plain object when it has
 * keys and all of them are strings, and as a `Map` otherwise (int keys, as in an optimizer's `state`,
 * or no keys); tuples and lists load as arrays; float16 and bfloat16 tensors load as float32 (with a
 * one-time warning). A truncated, corrupted or hostile file throws an Error.
 * @example
 * model.load_state_dict(torch.load('model.pt'));
 * opt.load_state_dict(torch.load('ckpt.pt').optimizer);
 */
export function load(f: LoadSource, opts: LoadOptions = {}): unknown {
  const bytes = readSource(f);
  if (bytes.length >= 2 && bytes[0] === 0x80 && bytes[1] === 0x02) {
    throw new Error('torch.load: this is a legacy (PyTorch < 1.6) checkpoint; tstorch reads the zip format');
  }
  const entries = readZip(bytes);
  const prefix = archivePrefix([...entries.keys()]);
  const order = entries.get(`${prefix}byteorder`);
  const fileLittle = order === undefined || new TextDecoder().decode(order.data) === 'little';
  if (order !== undefined && !['little', 'big'].includes(new TextDecoder().decode(order.data))) {
    throw new Error('torch.load: unknown endianness in the byteorder record');
  }
  const ctx: LoadContext = {
    entries, prefix, swap: fileLittle !== HOST_LITTLE, mapped: opts.map_location != null, storages: new Map(),
  };
  try {
    const tree = new Unpickler(verifiedData(entries.get(`${prefix}data.pkl`)!), buildAllowed(ctx)).load();
    return toJS(tree);
  } catch (e) {
    if (e instanceof UnpicklingError) {
      throw new UnpicklingError('Weights only load failed. tstorch never executes code from a checkpoint, ' +
        `so weights_only=false does not change this.\n\tWeightsUnpickler error: ${e.message}`);
    }
    if (e instanceof Error) throw e;
    throw new Error(`torch.load failed: ${String(e)}`);
  }
}
