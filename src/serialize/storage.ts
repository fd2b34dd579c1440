// PyTorch's legacy storage classes (torch.FloatStorage, ...) as they appear in .pt files, and the
// conversion of a storage record's raw little-endian bytes to and from tstorch's typed arrays
// (torch/storage.py).
import { type DType, type TypedArray, bool, float32, float64, int32, int64 } from '../tensor/dtype.js';
import { Storage } from '../tensor/storage.js';
import { warn } from '../utils/warnings.js';

/** How a storage class's elements are laid out in the file and which tstorch dtype they load as. */
export interface StorageKind {
  /** The class name, e.g. 'FloatStorage'. */
  name: string;
  /** Bytes per element in the file. */
  itemsize: number;
  /** The element encoding in the file. */
  format: 'f32' | 'f64' | 'f16' | 'bf16' | 'i64' | 'i32' | 'i16' | 'i8' | 'u8' | 'bool';
  /** The dtype tstorch loads it as (float16/bfloat16 widen to float32, small ints to int32). */
  dtype: DType;
}

const KINDS: StorageKind[] = [
  { name: 'FloatStorage', itemsize: 4, format: 'f32', dtype: float32 },
  { name: 'DoubleStorage', itemsize: 8, format: 'f64', dtype: float64 },
  { name: 'HalfStorage', itemsize: 2, format: 'f16', dtype: float32 },
  { name: 'BFloat16Storage', itemsize: 2, format: 'bf16', dtype: float32 },
  { name: 'LongStorage', itemsize: 8, format: 'i64', dtype: int64 },
  { name: 'IntStorage', itemsize: 4, format: 'i32', dtype: int32 },
  { name: 'ShortStorage', itemsize: 2, format: 'i16', dtype: int32 },
  { name: 'CharStorage', itemsize: 1, format: 'i8', dtype: int32 },
  { name: 'ByteStorage', itemsize: 1, format: 'u8', dtype: int32 },
  { name: 'BoolStorage', itemsize: 1, format: 'bool', dtype: bool },
];

/** Storage classes by their pickled global (`torch.FloatStorage`); UntypedStorage holds bytes. */
export const STORAGE_KINDS = new Map<string, StorageKind>([
  ...KINDS.map((k) => [`torch.${k.name}`, k] as const),
  ['torch.storage.UntypedStorage', KINDS[8]],
]);

/** Every storage class name PyTorch's weights_only unpickler accepts (some tstorch cannot read). */
export const ALL_STORAGE_GLOBALS = [
  ...KINDS.map((k) => `torch.${k.name}`),
  ...['ComplexDouble', 'ComplexFloat', 'QUInt8', 'QInt8', 'QInt32', 'QUInt4x2', 'QUInt2x4']
    .map((n) => `torch.${n}Storage`),
  'torch.storage.TypedStorage', 'torch.storage.UntypedStorage',
];

/** The storage class tstorch writes for a dtype. */
export function storageKindOf(dtype: DType): StorageKind {
  const name = { float32: 'FloatStorage', float64: 'DoubleStorage', int64: 'LongStorage', int32: 'IntStorage',
    bool: 'BoolStorage' }[dtype.name];
  return KINDS.find((k) => k.name === name)!;
}

/** IEEE half-precision bits to a number. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/**
 * A tstorch Storage from a record's bytes (already checked to hold `numel` elements of `kind`).
 * `bigEndian` is the file's byteorder record; the bytes are copied, so the file buffer can go.
 * @example storageFromBytes(STORAGE_KINDS.get('torch.FloatStorage')!, bytes, 3, false)
 */
export function storageFromBytes(
  kind: StorageKind, bytes: Uint8Array, numel: number, bigEndian: boolean,
): Storage {
  const raw = new Uint8Array(bytes); // an aligned private copy (Buffer.slice would not copy)
  if (bigEndian && kind.itemsize > 1) {
    for (let i = 0; i < raw.length; i += kind.itemsize) raw.subarray(i, i + kind.itemsize).reverse();
  }
  const buf = raw.buffer;
  let data: TypedArray;
  switch (kind.format) {
    case 'f32': data = new Float32Array(buf, 0, numel); break;
    case 'f64': data = new Float64Array(buf, 0, numel); break;
    case 'i32': data = new Int32Array(buf, 0, numel); break;
    case 'bool': data = Uint8Array.from(raw, (v) => (v ? 1 : 0)); break;
    case 'i64': data = int64Values(new BigInt64Array(buf, 0, numel)); break;
    case 'i16': data = Int32Array.from(new Int16Array(buf, 0, numel)); break;
    case 'i8': data = Int32Array.from(new Int8Array(buf, 0, numel)); break;
    case 'u8': data = Int32Array.from(raw); break;
    case 'f16': data = Float32Array.from(new Uint16Array(buf, 0, numel), halfToFloat); break;
    case 'bf16': data = bfloat16(new Uint16Array(buf, 0, numel)); break;
  }
  if (!['f32', 'f64', 'i64', 'i32', 'bool'].includes(kind.format)) {
    warn(`torch.load: ${kind.name} has no tstorch dtype; its values were loaded as ${kind.dtype.name}`);
  }
  return new Storage(data, kind.dtype);
}

/** bfloat16 is the top half of a float32. */
function bfloat16(src: Uint16Array): Float32Array {
  return new Float32Array(Uint32Array.from(src, (v) => v << 16).buffer);
}

/** int64 values as tstorch keeps them: exact numbers in a Float64Array (beyond 2**53 they round). */
function int64Values(src: BigInt64Array): Float64Array {
  const out = new Float64Array(src.length);
  let inexact = false;
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    out[i] = Number(v);
    if (v > 9007199254740992n || v < -9007199254740992n) inexact = true;
  }
  if (inexact) warn('torch.load: int64 values beyond 2**53 were rounded (tstorch keeps int64 as doubles)');
  return out;
}

/**
 * The bytes of a storage record for a tstorch Storage (little-endian, as PyTorch writes on x86/ARM).
 * @example storageBytes(torch.ones(2)._storage).length // 8
 */
export function storageBytes(storage: Storage): Uint8Array {
  const d = storage.data;
  if (storage.dtype.name !== 'int64') return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
  const out = new BigInt64Array(d.length);
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    if (!Number.isInteger(v)) throw new RangeError(`cannot save the value ${v} in an int64 tensor`);
    out[i] = BigInt(v);
  }
  return new Uint8Array(out.buffer);
}
