// torch.load on hostile and malformed files: hand-built pickles inside valid zips that try to run code
// (os.system, builtins.eval, posix.system) or lie about sizes, offsets, strides, the memo or the stack.
// Each must throw an Error naming the problem, before anything is executed or allocated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/index.js';
import { writeZip } from '../../src/serialize/zip.js';

/** A tiny pickle assembler: strings are raw text, numbers raw bytes. */
function pkl(...parts: Array<string | number | number[]>): Uint8Array {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === 'number') out.push(p);
    else for (const x of Array.isArray(p) ? p : new TextEncoder().encode(p)) out.push(x);
  }
  return new Uint8Array(out);
}

const u32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
const str = (s: string) => {
  const b = Array.from(new TextEncoder().encode(s));
  return [0x58, ...u32(b.length), ...b];
};
const PROTO = [0x80, 2];

/** A zip holding `archive/data.pkl` and the given storage records. */
function archive(data: Uint8Array, records: Record<string, Uint8Array> = {}, top = 'archive'): Uint8Array {
  const entries: Array<[string, Uint8Array]> = [[`${top}/data.pkl`, data]];
  for (const [k, v] of Object.entries(records)) entries.push([`${top}/${k}`, v]);
  entries.push([`${top}/version`, new TextEncoder().encode('3\n')]);
  return writeZip(entries);
}

function refuses(file: Uint8Array, pattern: RegExp): void {
  assert.throws(() => torch.load(file), (e: unknown) => {
    assert.ok(e instanceof Error, 'an Error');
    assert.match(e.message, pattern);
    return true;
  });
}

/** ((storage, FloatStorage, '0', 'cpu', numel), offset, size, stride, False, OrderedDict()) rebuilt. */
function tensorPickle(
  numel: number, offset: number[], size: number[][], stride: number[][], rg = 0x89,
): Uint8Array {
  return pkl(PROTO, 'ctorch._utils\n_rebuild_tensor_v2\n', 0x28,
    0x28, str('storage'), 'ctorch\nFloatStorage\n', str('0'), str('cpu'), 0x4a, u32(numel), 0x74, 0x51,
    offset, 0x28, ...size, 0x74, 0x28, ...stride, 0x74, rg, 'ccollections\nOrderedDict\n', 0x29, 0x52,
    0x74, 0x52, 0x2e);
}
const I = (v: number) => [0x4a, ...u32(v)]; // BININT

test('a valid hand-built tensor pickle loads (the harness itself is right)', () => {
  const t = torch.load(archive(tensorPickle(6, I(0), [I(2), I(3)], [I(3), I(1)]),
    { 'data/0': new Uint8Array(new Float32Array([1, 2, 3, 4, 5, 6]).buffer) })) as torch.Tensor;
  assert.deepEqual(t.tolist(), [[1, 2, 3], [4, 5, 6]]);
});

test('pickles that would run code are refused, naming the global', () => {
  let ran = false;
  (globalThis as { __pwned?: () => void }).__pwned = () => { ran = true; };
  const call = (mod: string, name: string) =>
    archive(pkl(PROTO, `c${mod}\n${name}\n`, str('echo pwned'), 0x85, 0x52, 0x2e));
  refuses(call('os', 'system'), /GLOBAL os\.system whose module os is blocked/);
  refuses(call('posix', 'system'), /GLOBAL posix\.system whose module posix is blocked/);
  refuses(call('nt', 'system'), /GLOBAL nt\.system whose module nt is blocked/);
  refuses(call('builtins', 'eval'), /Unsupported global: GLOBAL eval was not an allowed global by default/);
  refuses(call('__builtin__', 'exec'), /Unsupported global: GLOBAL exec was not an allowed global/);
  refuses(call('subprocess', 'Popen'), /Unsupported global: GLOBAL subprocess\.Popen was not an allowed/);
  refuses(call('torch', 'load'), /Unsupported global: GLOBAL torch\.load was not an allowed global/);
  refuses(call('builtins', 'getattr'), /GLOBAL getattr was not an allowed global/);
  // An allowed name that is not callable in tstorch is refused when called, not executed.
  refuses(call('torch._utils', '_rebuild_qtensor'), /not supported by tstorch/);
  // REDUCE on a value that is not a global.
  refuses(archive(pkl(PROTO, str('x'), 0x29, 0x52, 0x2e)), /unrecognized function/);
  // BUILD on anything but an OrderedDict (no __setstate__ calls).
  refuses(archive(pkl(PROTO, 0x5d, 0x7d, 0x62, 0x2e)), /Can only build/);
  // NEWOBJ of an arbitrary allowed name.
  refuses(archive(pkl(PROTO, 'ctorch\nSize\n', 0x29, 0x81, 0x2e)), /Can only create new object/);
  assert.equal(ran, false);
});

test('unknown opcodes, stack and memo underflow, truncation are refused', () => {
  refuses(archive(pkl(PROTO, 0x93, 0x2e)), /Unsupported operand 147/); // STACK_GLOBAL
  refuses(archive(pkl(PROTO, 'ios\nsystem\n', 0x2e)), /Unsupported operand 105/); // INST
  refuses(archive(pkl(PROTO, 0x2e)), /stack underflow/);
  refuses(archive(pkl(PROTO, 0x52, 0x2e)), /stack underflow/);
  refuses(archive(pkl(PROTO, 0x68, 5, 0x2e)), /Memo value not found at index 5/);
  refuses(archive(pkl(PROTO, 0x65, 0x2e)), /could not find MARK/);
  refuses(archive(pkl(PROTO, 0x4e)), /truncated/);
  refuses(archive(pkl(PROTO, 0x58, u32(0xfffffff0), 'ab', 0x2e)), /truncated/);
  refuses(archive(pkl(PROTO, 0x4e, 0x4e, 0x61, 0x2e)), /Can only append to lists/);
  refuses(archive(pkl(PROTO, 0x5d, 0x4e, 0x4e, 0x73, 0x2e)), /Can only SETITEM for dict/);
  refuses(archive(pkl(PROTO, 0x7d, 0x5d, 0x4e, 0x73, 0x2e)), /unhashable type: 'list'/);
  refuses(archive(pkl(PROTO, 0x4e, 0x51, 0x2e)), /persistent_load id must be tuple/);
  refuses(archive(pkl(PROTO, str('file'), 0x85, 0x51, 0x2e)), /Only persistent_load of storage/);
});

test('deep nesting and exponential tuple keys are refused without a crash', () => {
  // 100k nested lists: [[[[...]]]] built with EMPTY_LIST, then APPEND each into the previous one.
  const n = 100_000;
  const deep = pkl(PROTO, Array(n).fill(0x5d), Array(n - 1).fill(0x61), 0x2e);
  refuses(archive(deep), /more than 1000 levels/);
  // t0 = (1,1); t_{k+1} = (t_k, t_k) via the memo: a key whose text would double 60 times.
  const parts: number[] = [0x4b, 1, 0x4b, 1, 0x86, 0x71, 0];
  for (let k = 1; k < 60; k++) parts.push(0x68, k - 1, 0x86, 0x71, k); // (t, t) from the top and the memo
  refuses(archive(pkl(PROTO, 0x7d, parts, 0x4e, 0x73, 0x2e)), /dict key too large/);
  // A 200 kB key stored once and reused 50k times through the memo stays linear (one key in the end).
  const reuse = Array(50_000).fill([0x68, 0, 0x4e, 0x73]).flat();
  const big = pkl(PROTO, 0x7d, str('k'.repeat(200_000)), 0x71, 0, 0x4e, 0x73, reuse, 0x2e);
  assert.equal(Object.keys(torch.load(archive(big)) as object).length, 1);
});

test('storages must match their records: size, dtype, offsets, strides', () => {
  const data = { 'data/0': new Uint8Array(new Float32Array([1, 2, 3, 4, 5, 6]).buffer) };
  const ok = (numel: number, off: number[], size: number[][], stride: number[][], rg?: number) =>
    archive(tensorPickle(numel, off, size, stride, rg), data);
  refuses(ok(7, I(0), [I(2), I(3)], [I(3), I(1)]), /holds 24 bytes, but 7 elements of FloatStorage need 28/);
  refuses(ok(1e9, I(0), [I(1)], [I(1)]), /holds 24 bytes/);
  refuses(ok(6, I(1), [I(2), I(3)], [I(3), I(1)]), /require a storage of 7 elements, but it has 6/);
  refuses(ok(6, I(0), [I(3), I(3)], [I(3), I(1)]), /require a storage of 9 elements/);
  refuses(ok(6, I(0), [I(2), I(3)], [I(-3), I(1)]), /stride entry must be a non-negative int/);
  refuses(ok(6, I(0), [I(-2), I(3)], [I(3), I(1)]), /size entry must be a non-negative int/);
  refuses(ok(6, I(-1), [I(2)], [I(1)]), /storage_offset must be a non-negative int/);
  refuses(ok(6, I(0), [I(2), I(3)], [I(3)]), /different lengths/);
  refuses(ok(6, I(0), [I(2), I(3)], [I(3), I(1)], 0x4e), /requires_grad must be a bool/);
  refuses(ok(6, I(0), [I(65536), I(65536), I(2)], [I(0), I(0), I(0)]), /too large/);
  refuses(archive(tensorPickle(6, I(0), [I(6)], [I(1)])), /failed locating file data\/0/);
  const intRg = pkl(PROTO, 'ctorch._utils\n_rebuild_tensor_v2\n', 0x28, 0x28, str('storage'),
    'ctorch\nLongStorage\n', str('0'), str('cpu'), 0x4b, 1, 0x74, 0x51, 0x4b, 0, 0x4b, 1, 0x85, 0x4b, 1, 0x85,
    0x88, 0x4e, 0x74, 0x52, 0x2e);
  refuses(archive(intRg, { 'data/0': new Uint8Array(8) }), /floating point dtype can require gradients/);
  const cuda = pkl(PROTO, 'ctorch._utils\n_rebuild_tensor_v2\n', 0x28, 0x28, str('storage'),
    'ctorch\nFloatStorage\n', str('0'), str('cuda:0'), 0x4b, 1, 0x74, 0x51, 0x4b, 0, 0x4b, 1, 0x85, 0x4b, 1,
    0x85, 0x89, 0x4e, 0x74, 0x52, 0x2e);
  refuses(archive(cuda, { 'data/0': new Uint8Array(4) }), /map_location=torch.device\('cpu'\)/);
  const mapped = torch.load(archive(cuda, { 'data/0': new Uint8Array(4) }), { map_location: 'cpu' });
  assert.ok(mapped instanceof torch.Tensor);
});

test('malformed archives: not a zip, bad CRC, no data.pkl, two folders, legacy and TorchScript files', () => {
  const good = archive(pkl(PROTO, 0x4b, 7, 0x2e));
  assert.equal(torch.load(good), 7);
  refuses(new Uint8Array([1, 2, 3]), /failed finding central directory/);
  refuses(good.subarray(0, good.length - 30), /failed finding central directory|corrupt/);
  const flipped = good.slice();
  flipped[good.indexOf(0x4b, 64) + 1] ^= 1; // the BININT1 argument inside data.pkl
  refuses(flipped, /invalid crc-32 for entry archive\/data.pkl/);
  refuses(writeZip([['archive/version', new Uint8Array([51])]]), /failed locating file data.pkl/);
  refuses(writeZip([['a/data.pkl', pkl(PROTO, 0x4e, 0x2e)], ['b/x', new Uint8Array(1)]]),
    /outside the archive/);
  refuses(writeZip([['a/data.pkl', pkl(PROTO, 0x4e, 0x2e)], ['a/constants.pkl', new Uint8Array(1)]]),
    /TorchScript/);
  refuses(pkl(PROTO, 0x8a, 10, [0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19], 0x2e), /legacy/);
  // Any single top-level folder name is accepted, as PyTorch names it after the file.
  assert.equal(torch.load(archive(pkl(PROTO, 0x4e, 0x2e), {}, 'my_model')), null);
});

test("weights_only and map_location are accepted; a '__proto__' key stays data", () => {
  const file = archive(pkl(PROTO, 0x7d, str('__proto__'), 0x4b, 1, 0x73, 0x2e));
  const r = torch.load(file, { weights_only: false, map_location: 'cpu' }) as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(r), Object.prototype);
  assert.deepEqual(Object.keys(r), ['__proto__']);
  assert.equal(r['__proto__'], 1);
});
