// The zip container of PyTorch's .pt files (caffe2/serialize/inline_container.cc): stored entries whose
// data starts on a 64-byte boundary. Writing goes through the npm `fflate` library; reading is a strict
// parser of its own because fflate's unzipSync trusts the central directory (checkpoints may be hostile).
import { zipSync } from 'fflate';
import { check } from '../utils/check.js';

/** PyTorch aligns every record's data to this many bytes so it can be memory-mapped. */
export const ALIGNMENT = 64;
const FB_EXTRA_ID = 0x4246; // 'FB', PyTorch's padding extra field
const LOCAL_SIG = 0x04034b50;
const CENTRAL_SIG = 0x02014b50;
const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const MAX_ENTRIES = 1_000_000;

const fail = (what: string): never => {
  throw new Error(`PytorchStreamReader failed reading zip archive: ${what}`);
};

/**
 * Builds a zip of stored (uncompressed) entries in the given order, each entry's data aligned to
 * 64 bytes with an 'FB' extra field in its local header, as PyTorch's writer does.
 * @example writeZip([['archive/version', new TextEncoder().encode('3\n')]])
 */
export function writeZip(entries: ReadonlyArray<readonly [string, Uint8Array]>): Uint8Array {
  const enc = new TextEncoder();
  type Opts = { level: 0; mtime: Date; extra: Record<number, Uint8Array> };
  const files: Record<string, [Uint8Array, Opts]> = {};
  // A fixed time keeps the bytes deterministic (fflate would use the current time).
  const mtime = new Date(1980, 0, 1);
  let offset = 0;
  for (const [name, data] of entries) {
    check(!(name in files), () => `duplicate zip entry: ${name}`);
    const nameLen = enc.encode(name).length;
    let pad = (ALIGNMENT - ((offset + 30 + nameLen) % ALIGNMENT)) % ALIGNMENT;
    if (pad < 4) pad += ALIGNMENT; // the extra field's own 4-byte header must fit
    files[name] = [data, { level: 0, mtime, extra: { [FB_EXTRA_ID]: new Uint8Array(pad - 4).fill(0x5a) } }];
    offset += 30 + nameLen + pad + data.length;
  }
  return zipSync(files);
}

/** One entry of a parsed zip: where its bytes are and what the central directory says of them. */
export interface ZipEntry {
  name: string;
  data: Uint8Array;
  crc32: number;
}

/** Reads `byteLength` little-endian bytes at `at`, failing instead of reading past the end. */
function u16(b: Uint8Array, at: number): number {
  if (at < 0 || at + 2 > b.length) fail('unexpected end of data');
  return b[at] | (b[at + 1] << 8);
}

function u32(b: Uint8Array, at: number): number {
  if (at < 0 || at + 4 > b.length) fail('unexpected end of data');
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
}

/** Finds the end-of-central-directory record (it may be followed by a comment of up to 64 KiB). */
function findEocd(b: Uint8Array): number {
  const last = b.length - 22;
  for (let e = last; e >= 0 && last - e <= 0xffff; e--) {
    if (b[e] !== 0x50 || b[e + 1] !== 0x4b) continue;
    if (u32(b, e) === EOCD_SIG && e + 22 + u16(b, e + 20) === b.length) {
      return e;
    }
  }
  return fail('failed finding central directory');
}

/**
 * Parses a zip with every bound checked: signatures, sizes and offsets must lie inside the file,
 * entries must be stored (PyTorch never compresses), names unique, CRC-32s must match.
 * @example const entries = readZip(fs.readFileSync('model.pt'))
 */
export function readZip(b: Uint8Array): Map<string, ZipEntry> {
  const e = findEocd(b);
  check(u16(b, e + 4) === 0 && u16(b, e + 6) === 0, () => 'multi-disk zip archives are not supported');
  let count = u16(b, e + 10);
  let cdSize = u32(b, e + 12);
  let cdOffset = u32(b, e + 16);
  let cdEnd = e;
  // PyTorch's writer (miniz) always adds the zip64 end records; their fields then take precedence.
  if (e >= 20 && u32(b, e - 20) === ZIP64_LOCATOR_SIG) {
    const z = u64(b, e - 12);
    if (z + 56 > e - 20 || u32(b, z) !== ZIP64_EOCD_SIG) fail('corrupt zip64 end of central directory');
    count = u64(b, z + 32);
    cdSize = u64(b, z + 40);
    cdOffset = u64(b, z + 48);
    cdEnd = z;
  }
  if (cdOffset + cdSize > cdEnd || count * 46 > cdSize || count > MAX_ENTRIES) {
    fail('corrupt central directory');
  }
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const out = new Map<string, ZipEntry>();
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (u32(b, p) !== CENTRAL_SIG) fail('corrupt central directory');
    const flags = u16(b, p + 8);
    const method = u16(b, p + 10);
    const crc = u32(b, p + 16);
    const csize = u32(b, p + 20);
    const usize = u32(b, p + 24);
    const nameLen = u16(b, p + 28);
    const next = p + 46 + nameLen + u16(b, p + 30) + u16(b, p + 32);
    const local = u32(b, p + 42);
    if (next > cdOffset + cdSize) fail('corrupt central directory');
    let name = '';
    try {
      name = decoder.decode(b.subarray(p + 46, p + 46 + nameLen));
    } catch {
      fail('invalid entry name');
    }
    if (flags & 1) fail(`entry ${name} is encrypted`);
    if (Math.max(csize, usize, local) === 0xffffffff) fail('zip64 entries are not supported');
    if (method !== 0 || csize !== usize) {
      fail(`entry ${name} is compressed; only stored entries are supported`);
    }
    if (out.has(name)) fail(`duplicate entry ${name}`);
    out.set(name, { name, data: entryData(b, local, name, csize, cdOffset), crc32: crc });
    p = next;
  }
  return out;
}

/** Locates an entry's bytes through its local header, which must agree with the central one. */
function entryData(b: Uint8Array, local: number, name: string, size: number, limit: number): Uint8Array {
  if (local + 30 > limit || u32(b, local) !== LOCAL_SIG) fail(`corrupt local header of ${name}`);
  const nameLen = u16(b, local + 26);
  const start = local + 30 + nameLen + u16(b, local + 28);
  if (start + size > limit) fail(`entry ${name} runs past the end of the data`);
  const localName = b.subarray(local + 30, local + 30 + nameLen);
  const expected = new TextEncoder().encode(name);
  if (localName.length !== expected.length || localName.some((v, i) => v !== expected[i])) {
    fail(`local header name of ${name} does not match the central directory`);
  }
  return b.subarray(start, start + size);
}

/** An 8-byte little-endian offset or size; anything past 2**53 cannot be inside a JS buffer anyway. */
function u64(b: Uint8Array, at: number): number {
  const hi = u32(b, at + 4);
  if (hi >= 0x200000) fail('zip64 field out of range');
  return hi * 2 ** 32 + u32(b, at);
}

let crcTable: Int32Array | null = null;

/** CRC-32 (IEEE), the checksum zip stores for each entry. */
export function crc32(data: Uint8Array): number {
  if (crcTable === null) {
    crcTable = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c;
    }
  }
  let c = -1;
  for (let i = 0; i < data.length; i++) c = crcTable[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/** An entry's bytes after checking its CRC-32 (a bit flip inside tensor data is caught here). */
export function verifiedData(entry: ZipEntry): Uint8Array {
  if (crc32(entry.data) !== entry.crc32) fail(`invalid crc-32 for entry ${entry.name}`);
  return entry.data;
}
