// torch.safetensors: the safetensors file format, read and written in plain TypeScript. Mirrors the
// Python API of safetensors.torch (bindings/python/py_src/safetensors/torch.py) and the reference
// Rust reader/writer (safetensors/src/tensor.rs) byte for byte.
import { readFileSync, writeFileSync } from 'node:fs';
import { bool, float32, float64, int32, int64, type DType, type TypedArray } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { ValueError } from '../utils/check.js';

/** The error every malformed file raises (safetensors' `SafetensorError`). */
export class SafetensorError extends Error {
  override name = 'SafetensorError';
}

/** What `save` / `save_file` accept: a Map (like `state_dict()`) or a plain object of tensors. */
export type TensorDict = Map<string, Tensor> | Readonly<Record<string, Tensor>>;
/** Free-form text metadata stored under `__metadata__`. */
export type Metadata = Map<string, string> | Readonly<Record<string, string>>;
/** A file name, as `fs.readFileSync` takes it. */
export type PathLike = string | URL;

// The Rust crate's limit: larger headers are refused before anything is parsed.
const MAX_HEADER_SIZE = 100_000_000;
const METADATA_KEY = '__metadata__';

/** How each stored dtype loads. `rank` is the Rust `Dtype` enum position, which orders saving. */
interface DtypeInfo {
  rank: number;
  bits: number;
  /** tstorch's dtype for it; null when tstorch cannot hold it. */
  to: DType | null;
  read?: (v: DataView, i: number) => number;
}

const half = (h: number): number => {
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  const s = h & 0x8000 ? -1 : 1;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
};
const bf16Scratch = new DataView(new ArrayBuffer(4));
const bfloat = (h: number): number => {
  bf16Scratch.setUint32(0, h << 16);
  return bf16Scratch.getFloat32(0);
};
// int64 as one double: exact below 2**53 in magnitude, correctly rounded beyond.
const i64 = (v: DataView, i: number): number =>
  v.getInt32(i * 8 + 4, true) * 2 ** 32 + v.getUint32(i * 8, true);
const u64 = (v: DataView, i: number): number =>
  v.getUint32(i * 8 + 4, true) * 2 ** 32 + v.getUint32(i * 8, true);

const DTYPES: Readonly<Record<string, DtypeInfo>> = {
  BOOL: { rank: 0, bits: 8, to: bool, read: (v, i) => (v.getUint8(i) !== 0 ? 1 : 0) },
  F4: { rank: 1, bits: 4, to: null },
  F6_E2M3: { rank: 2, bits: 6, to: null },
  F6_E3M2: { rank: 3, bits: 6, to: null },
  U8: { rank: 4, bits: 8, to: int32, read: (v, i) => v.getUint8(i) },
  I8: { rank: 5, bits: 8, to: int32, read: (v, i) => v.getInt8(i) },
  F8_E5M2: { rank: 6, bits: 8, to: null },
  F8_E4M3: { rank: 7, bits: 8, to: null },
  F8_E8M0: { rank: 8, bits: 8, to: null },
  F8_E4M3FNUZ: { rank: 9, bits: 8, to: null },
  F8_E5M2FNUZ: { rank: 10, bits: 8, to: null },
  I16: { rank: 11, bits: 16, to: int32, read: (v, i) => v.getInt16(i * 2, true) },
  U16: { rank: 12, bits: 16, to: int32, read: (v, i) => v.getUint16(i * 2, true) },
  F16: { rank: 13, bits: 16, to: float32, read: (v, i) => half(v.getUint16(i * 2, true)) },
  BF16: { rank: 14, bits: 16, to: float32, read: (v, i) => bfloat(v.getUint16(i * 2, true)) },
  I32: { rank: 15, bits: 32, to: int32, read: (v, i) => v.getInt32(i * 4, true) },
  U32: { rank: 16, bits: 32, to: int64, read: (v, i) => v.getUint32(i * 4, true) },
  F32: { rank: 17, bits: 32, to: float32, read: (v, i) => v.getFloat32(i * 4, true) },
  C64: { rank: 18, bits: 64, to: null },
  F64: { rank: 19, bits: 64, to: float64, read: (v, i) => v.getFloat64(i * 8, true) },
  I64: { rank: 20, bits: 64, to: int64, read: i64 },
  U64: { rank: 21, bits: 64, to: int64, read: u64 },
};

const SAVED_AS: Readonly<Record<string, string>> = {
  bool: 'BOOL', int32: 'I32', float32: 'F32', float64: 'F64', int64: 'I64',
};

// ---- reading ------------------------------------------------------------------------------------

/** One validated header entry. */
interface Entry {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

/** A parsed and fully validated file: entries in data order, metadata, and where data starts. */
interface Parsed {
  entries: Entry[];
  metadata: Record<string, string> | null;
  dataStart: number;
}

function fail(detail: string): never {
  throw new SafetensorError(`Error while deserializing header: ${detail}`);
}

const isIndex = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;

function parseEntry(name: string, raw: unknown): Entry {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    fail(`invalid JSON in header: tensor \`${name}\` must be an object with dtype, shape and data_offsets`);
  }
  const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
  if (typeof dtype !== 'string' || !Object.hasOwn(DTYPES, dtype)) {
    const shown = JSON.stringify(dtype) ?? 'undefined';
    fail(`invalid JSON in header: unknown dtype ${shown} for tensor \`${name}\``);
  }
  if (!Array.isArray(shape) || !shape.every(isIndex)) {
    fail(`invalid JSON in header: the shape of tensor \`${name}\` must be a list of non-negative integers`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isIndex)) {
    fail(`invalid JSON in header: the data_offsets of tensor \`${name}\` must be two non-negative integers`);
  }
  return { name, dtype, shape: shape as number[], begin: offsets[0] as number, end: offsets[1] as number };
}

function parseMetadata(raw: unknown): Record<string, string> | null {
  if (raw === null) return null;
  const ok = typeof raw === 'object' && !Array.isArray(raw) &&
    Object.values(raw as object).every((v) => typeof v === 'string');
  if (!ok) fail('invalid JSON in header: __metadata__ must map strings to strings');
  return { ...(raw as Record<string, string>) };
}

/** Bytes a tensor of this shape and dtype takes, or a thrown error when it overflows. */
function nbytesOf(e: Entry): number {
  let numel = 1;
  for (const d of e.shape) {
    numel *= d;
    if (!Number.isSafeInteger(numel)) fail('overflow computing buffer size from shape and/or element type');
  }
  const bits = numel * DTYPES[e.dtype].bits;
  if (!Number.isSafeInteger(bits)) fail('overflow computing buffer size from shape and/or element type');
  if (bits % 8 !== 0) {
    fail(`tensor \`${e.name}\` of sub-byte dtype ${e.dtype} does not end on a byte boundary`);
  }
  return bits / 8;
}

/** The Rust crate's Metadata::validate: sorted by offsets, the entries must tile the data section. */
function validate(entries: Entry[]): number {
  // Ties (zero-size tensors) keep the writer's order: dtype rank descending, then name.
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end ||
    DTYPES[b.dtype].rank - DTYPES[a.dtype].rank || compareUtf8(a.name, b.name));
  let start = 0;
  for (const e of entries) {
    if (e.begin !== start || e.end < e.begin) {
      fail(`invalid offset for tensor \`${e.name}\`: data_offsets [${e.begin}, ${e.end}] ` +
        `(the tensors must cover the data section contiguously; expected it to begin at ${start})`);
    }
    start = e.end;
    const n = nbytesOf(e);
    if (e.end - e.begin !== n) {
      fail(`invalid shape, data type, or offset for tensor \`${e.name}\`: shape [${e.shape.join(', ')}] of ` +
        `${e.dtype} takes ${n} bytes but data_offsets [${e.begin}, ${e.end}] hold ${e.end - e.begin}`);
    }
  }
  return start;
}

function readHeaderJson(bytes: Uint8Array): { json: unknown; n: number } {
  if (bytes.length < 8) {
    fail(`header too small: the file has ${bytes.length} bytes, fewer than the 8-byte length`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = u64(view, 0);
  if (n > MAX_HEADER_SIZE) fail(`header too large: ${n} bytes (the limit is ${MAX_HEADER_SIZE})`);
  if (n + 8 > bytes.length) {
    fail(`invalid header length: the header claims ${n} bytes ` +
      `but only ${bytes.length - 8} follow its length`);
  }
  let text: string;
  try {
    // ignoreBOM keeps a leading BOM in the text, so that JSON.parse refuses it as serde_json does.
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    fail('invalid UTF-8 in header');
  }
  try {
    return { json: JSON.parse(text) as unknown, n };
  } catch (err) {
    fail(`invalid JSON in header: ${(err as Error).message}`);
  }
}

/** Parses and validates the whole header before anything is allocated. */
function parse(bytes: Uint8Array): Parsed {
  const { json, n } = readHeaderJson(bytes);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    fail('invalid JSON in header: expected an object mapping tensor names to their info');
  }
  let metadata: Record<string, string> | null = null;
  const entries: Entry[] = [];
  for (const [name, raw] of Object.entries(json)) {
    if (name === METADATA_KEY) metadata = parseMetadata(raw);
    else entries.push(parseEntry(name, raw));
  }
  const end = validate(entries);
  if (end + 8 + n !== bytes.length) {
    fail(`incomplete metadata, file not fully covered: the tensors take ${end} bytes after the header but ` +
      `the file has ${bytes.length - 8 - n}`);
  }
  return { entries, metadata, dataStart: 8 + n };
}

function toTensor(bytes: Uint8Array, dataStart: number, e: Entry): Tensor {
  const info = DTYPES[e.dtype];
  if (info.to === null || info.read === undefined) {
    throw new SafetensorError(`tensor \`${e.name}\` has dtype ${e.dtype}, which tstorch does not support`);
  }
  const n = (e.end - e.begin) / (info.bits / 8);
  const view = new DataView(bytes.buffer, bytes.byteOffset + dataStart + e.begin, e.end - e.begin);
  const data: TypedArray = info.to.alloc(n);
  const read = info.read;
  for (let i = 0; i < n; i++) data[i] = read(view, i);
  return Tensor._fromData(data, e.shape, info.to);
}

function asBytes(data: Uint8Array | ArrayBuffer): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  throw new TypeError(`load() expects the bytes of a safetensors file (a Uint8Array), got ${typeOf(data)}`);
}

/**
 * Loads safetensors bytes into tensors (safetensors.torch.load). Returns a `Map` from name to
 * tensor in the file's data order, as Python's dict; `model.load_state_dict(loaded)` accepts it.
 *
 * Stored dtypes tstorch lacks are widened: F16 and BF16 load as float32 (exactly), U8, I8, I16
 * and U16 as int32, U32 and U64 as int64. int64 values beyond 2**53 in magnitude are rounded to
 * the nearest double, since tstorch keeps int64 in float64. F8, F6, F4 and C64 throw.
 * A malformed or hostile file throws a `SafetensorError` before any tensor is allocated.
 * @example
 * const sd = torch.safetensors.load(readFileSync('model.safetensors'));
 * model.load_state_dict(sd);
 */
export function load(data: Uint8Array | ArrayBuffer): Map<string, Tensor> {
  const bytes = asBytes(data);
  const { entries, dataStart } = parse(bytes);
  return new Map(entries.map((e) => [e.name, toTensor(bytes, dataStart, e)]));
}

function deviceOf(device: string | { device?: string } | undefined): void {
  const d = typeof device === 'object' ? device.device : device;
  if (d !== undefined && d !== 'cpu') throw new ValueError(`tstorch only has the 'cpu' device, got '${d}'`);
}

/**
 * Loads a .safetensors file (safetensors.torch.load_file): a `Map` from name to tensor, in the
 * file's data order. See {@link load} for the dtypes and the errors.
 * @example
 * const model = new Net();
 * model.load_state_dict(torch.safetensors.load_file('model.safetensors'));
 */
export function load_file(filename: PathLike,
  device: 'cpu' | { device?: 'cpu' } = 'cpu'): Map<string, Tensor> {
  deviceOf(device);
  return load(readFileSync(filename));
}

/** An opened file (safetensors.safe_open): names, metadata and tensors one at a time. */
export class SafeOpen {
  private readonly parsed: Parsed;

  constructor(private readonly bytes: Uint8Array) {
    this.parsed = parse(bytes);
  }

  /** Tensor names, sorted (byte-wise on UTF-8, as the Rust binding sorts). */
  keys(): string[] {
    return this.offset_keys().sort(compareUtf8);
  }

  /** Tensor names in the file's data order. */
  offset_keys(): string[] {
    return this.parsed.entries.map((e) => e.name);
  }

  /** The `__metadata__` strings, or null when the file has none. */
  metadata(): Record<string, string> | null {
    return this.parsed.metadata === null ? null : { ...this.parsed.metadata };
  }

  /** One tensor, decoded as {@link load} does. */
  get_tensor(name: string): Tensor {
    const e = this.parsed.entries.find((x) => x.name === name);
    if (e === undefined) throw new SafetensorError(`File does not contain tensor ${name}`);
    return toTensor(this.bytes, this.parsed.dataStart, e);
  }
}

/**
 * Opens a .safetensors file and validates its header (safetensors.safe_open). Only the 'pt'
 * framework and the 'cpu' device exist here; the file is read whole, not memory-mapped.
 * @example
 * const f = torch.safetensors.safe_open('model.safetensors', 'pt');
 * console.log(f.metadata(), f.keys(), String(f.get_tensor('fc.weight')));
 */
export function safe_open(filename: PathLike, framework: 'pt' | { framework?: 'pt'; device?: 'cpu' } = 'pt',
  device: 'cpu' = 'cpu'): SafeOpen {
  const fw = typeof framework === 'object' ? framework.framework ?? 'pt' : framework;
  if (fw !== 'pt') throw new ValueError(`framework ${String(fw)} is not supported: tstorch reads 'pt'`);
  deviceOf(typeof framework === 'object' ? framework.device : device);
  return new SafeOpen(readFileSync(filename));
}

// ---- writing ------------------------------------------------------------------------------------

const utf8 = new TextEncoder();

/** Rust's `str` order: byte-wise on UTF-8 (JS compares UTF-16 code units, which differs). */
function compareUtf8(a: string, b: string): number {
  return Buffer.compare(utf8.encode(a), utf8.encode(b));
}

function typeOf(v: unknown): string {
  if (v === null || v === undefined) return "<class 'NoneType'>";
  if (Array.isArray(v)) return "<class 'list'>";
  if (typeof v !== 'object') return `<class '${typeof v}'>`;
  const ctor = (Object.getPrototypeOf(v) as { constructor?: { name: string } } | null)?.constructor;
  return `<class '${!ctor || ctor === Object ? 'dict' : ctor.name}'>`;
}

function entriesOf(tensors: TensorDict): [string, Tensor][] {
  const isObject = typeof tensors === 'object' && tensors !== null && !Array.isArray(tensors);
  if (!isObject || tensors instanceof Tensor) {
    throw new ValueError(`Expected a dict of [str, torch.Tensor] but received ${typeOf(tensors)}`);
  }
  const list: [string, unknown][] = tensors instanceof Map ? [...tensors] : Object.entries(tensors);
  for (const [k, v] of list) {
    if (!(v instanceof Tensor)) {
      throw new ValueError(`Key \`${k}\` is invalid, expected torch.Tensor but received ${typeOf(v)}`);
    }
  }
  return list as [string, Tensor][];
}

/** [start, stop) of a tensor in its storage, in elements (safetensors' data_ptr / _end_ptr). */
function area(t: Tensor): [number, number] {
  const start = t.storage_offset();
  if (t.numel() === 0) return [start, start];
  let last = start;
  t.shape.forEach((d, i) => { last += (d - 1) * t.stride(i); });
  return [start, last + 1];
}

/** safetensors' _find_shared_tensors: names whose storage areas overlap, in groups. */
function sharedGroups(list: [string, Tensor][]): string[][] {
  const byStorage = new Map<unknown, [string, Tensor][]>();
  for (const [k, v] of list) {
    if (v._storage.length === 0) continue;
    const group = byStorage.get(v._storage) ?? [];
    group.push([k, v]);
    byStorage.set(v._storage, group);
  }
  const failing: string[][] = [];
  for (const group of byStorage.values()) {
    if (group.length < 2) continue;
    const areas = group.map(([k, v]) => [...area(v), k] as [number, number, string]);
    areas.sort((a, b) => a[0] - b[0] || a[1] - b[1] || compareUtf8(a[2], b[2]));
    let current = [areas[0][2]];
    let lastStop = areas[0][1];
    for (const [start, stop, name] of areas.slice(1)) {
      if (start >= lastStop) {
        if (current.length > 1) failing.push(current);
        current = [name];
      } else {
        current.push(name);
      }
      lastStop = stop;
    }
    if (current.length > 1) failing.push(current);
  }
  return failing;
}

function checkTensors(list: [string, Tensor][]): void {
  const failing = sharedGroups(list);
  if (failing.length) {
    const sets = failing.map((g) => `{${g.sort().map((n) => `'${n}'`).join(', ')}}`).join(', ');
    throw new Error('Some tensors share memory, this will lead to duplicate memory on disk and potential ' +
      `differences when loading them again: [${sets}].\nSave each storage under one name only, or ` +
      'clone() the tensors that should be stored separately.\n' +
      'More information at https://huggingface.co/docs/safetensors/torch_shared_tensors');
  }
  for (const [k, v] of list) {
    if (!v.is_contiguous()) {
      throw new ValueError(`You are trying to save a non contiguous tensor: \`${k}\` which is not allowed. ` +
        'It either means you are trying to save tensors which are reference of each other in which ' +
        'case it\'s recommended to save only the full tensors, and reslice at load time, or simply call ' +
        '`.contiguous()` on your tensor to pack it before saving.');
    }
    if (k === METADATA_KEY) throw new ValueError(`A tensor cannot be named ${METADATA_KEY}`);
  }
}

function metadataEntries(metadata: Metadata | null | undefined): [string, string][] | null {
  if (metadata === null || metadata === undefined) return null;
  const list: [string, unknown][] = metadata instanceof Map ? [...metadata] : Object.entries(metadata);
  for (const [k, v] of list) {
    if (typeof k !== 'string' || typeof v !== 'string') {
      throw new TypeError(`metadata must map str to str; key '${String(k)}' holds ${typeOf(v)}`);
    }
  }
  // The Rust writer keeps these in a HashMap, whose order is unspecified; sorting makes files
  // reproducible (and equal to the reference whenever there is at most one key).
  return (list as [string, string][]).sort((a, b) => compareUtf8(a[0], b[0]));
}

/** One int64 held in a double, as two little-endian 32-bit halves (exact: x is an integer). */
function writeInt64(v: DataView, i: number, x: number): void {
  const hi = Math.floor(x / 2 ** 32);
  v.setUint32(i * 8, x - hi * 2 ** 32, true);
  v.setInt32(i * 8 + 4, hi, true);
}

/** Little-endian bytes of a contiguous tensor. */
function tensorBytes(t: Tensor): Uint8Array {
  const n = t.numel();
  const src = t._storage.data.subarray(t.storage_offset(), t.storage_offset() + n);
  const out = new Uint8Array(n * t.dtype.itemsize);
  const v = new DataView(out.buffer);
  switch (t.dtype.name) {
    case 'bool': for (let i = 0; i < n; i++) out[i] = src[i] ? 1 : 0; break;
    case 'int32': for (let i = 0; i < n; i++) v.setInt32(i * 4, src[i], true); break;
    case 'float32': for (let i = 0; i < n; i++) v.setFloat32(i * 4, src[i], true); break;
    case 'float64': for (let i = 0; i < n; i++) v.setFloat64(i * 8, src[i], true); break;
    default: for (let i = 0; i < n; i++) writeInt64(v, i, src[i]);
  }
  return out;
}

/** The reference writer's `prepare` + `serialize` (see the file header for the order). */
function serialize(list: [string, Tensor][], metadata: [string, string][] | null): Uint8Array {
  const rank = (t: Tensor) => DTYPES[SAVED_AS[t.dtype.name]].rank;
  list.sort(([ka, a], [kb, b]) => rank(b) - rank(a) || compareUtf8(ka, kb));
  const parts = list.map(([, t]) => tensorBytes(t));
  let header = '{';
  if (metadata !== null) {
    // Written by hand: an object would move integer-like keys ("10", "2") to the front.
    const body = metadata.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',');
    header += `"${METADATA_KEY}":{${body}}`;
  }
  let offset = 0;
  list.forEach(([name, t], i) => {
    const info = { dtype: SAVED_AS[t.dtype.name], shape: t.shape.slice(), data_offsets: [offset, 0] };
    offset += parts[i].length;
    info.data_offsets[1] = offset;
    header += `${header.length > 1 ? ',' : ''}${JSON.stringify(name)}:${JSON.stringify(info)}`;
  });
  const text = utf8.encode(`${header}}`);
  const n = Math.ceil(text.length / 8) * 8;
  if (n > MAX_HEADER_SIZE) throw new SafetensorError('Error while serializing: header too large');
  const out = new Uint8Array(8 + n + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(n), true);
  out.set(text, 8);
  out.fill(0x20, 8 + text.length, 8 + n);
  let at = 8 + n;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** `metadata` given positionally, or as `{ metadata }` (Python's keyword form). */
function metadataArg(arg: Metadata | { metadata?: Metadata | null } | null | undefined): Metadata | null {
  if (arg === null || arg === undefined || arg instanceof Map) return arg ?? null;
  const m = (arg as { metadata?: unknown }).metadata;
  if (Object.keys(arg).length === 1 && m !== undefined && typeof m !== 'string') return m as Metadata | null;
  return arg as Metadata;
}

/**
 * Serializes tensors to safetensors bytes (safetensors.torch.save), byte-identical to the
 * reference writer: tensors sorted by dtype alignment then name, little-endian, header padded
 * to 8 bytes. Tensors must be contiguous and must not share memory (tied weights throw, as in
 * safetensors). `metadata` is text only and goes under `__metadata__`.
 * @example
 * const bytes = torch.safetensors.save({ w: torch.ones(2, 2) }, { format: 'pt' });
 */
export function save(tensors: TensorDict,
  metadata?: Metadata | { metadata?: Metadata | null } | null): Uint8Array {
  const list = entriesOf(tensors);
  checkTensors(list);
  return serialize(list, metadataEntries(metadataArg(metadata)));
}

/**
 * Writes tensors to a .safetensors file (safetensors.torch.save_file); `tensors` is a Map
 * (e.g. `model.state_dict()`) or a plain object. See {@link save} for the rules.
 * @example
 * torch.safetensors.save_file(model.state_dict(), 'model.safetensors', { format: 'pt' });
 */
export function save_file(tensors: TensorDict, filename: PathLike,
  metadata?: Metadata | { metadata?: Metadata | null } | null): void {
  writeFileSync(filename, save(tensors, metadata));
}
