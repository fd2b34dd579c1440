// Checks a value loaded by torch.load against the tagged tree that tools/oracle/serialize.py writes
// (from Python's own torch.load of the same file): types, tensor layout, shared storages and values.
import assert from 'node:assert/strict';
import * as torch from '../../src/index.js';
import { crc32 } from '../../src/serialize/zip.js';
import type { Storage } from '../../src/tensor/storage.js';

export interface ExpectedTensor {
  dtype: string;
  shape: number[];
  stride: number[];
  storage_offset: number;
  requires_grad: boolean;
  storage: number;
  storage_numel: number;
  data?: Array<number | string>;
  crc32?: number;
  sum?: number;
  samples?: Array<[number, number | string]>;
}

export type Expected =
  | null | boolean
  | { tensor: ExpectedTensor } | { parameter: ExpectedTensor }
  | { ordered_dict: Array<[Expected, Expected]>; metadata?: Array<[string, Record<string, unknown>]> }
  | { dict: Array<[Expected, Expected]> } | { list: Expected[] } | { tuple: Expected[] }
  | { int: string } | { float: number | string } | { str: string } | { bytes: number[] };

const LOADED_AS: Record<string, string> = { float16: 'float32', bfloat16: 'float32' };

function num(x: number | string): number {
  return x === 'nan' ? NaN : x === 'inf' ? Infinity : x === '-inf' ? -Infinity : (x as number);
}

/** Flat row-major values of a tensor as numbers (int64 included). */
export function flat(t: torch.Tensor): number[] {
  return Array.from(t.toTypedArray() as ArrayLike<number | bigint>, (v) => Number(v));
}

/** Compares one tensor; `storages` pairs Python storage ids with the loaded Storage objects. */
function checkTensor(e: ExpectedTensor, t: unknown, storages: Map<number, Storage>, where: string): void {
  assert.ok(t instanceof torch.Tensor, `${where}: expected a tensor`);
  assert.equal(t.dtype.name, LOADED_AS[e.dtype] ?? e.dtype, `${where}: dtype`);
  assert.deepEqual([...t.shape], e.shape, `${where}: shape`);
  assert.deepEqual(t.stride(), e.stride, `${where}: stride`);
  assert.equal(t._offset, e.storage_offset, `${where}: storage_offset`);
  assert.equal(t.requires_grad, e.requires_grad, `${where}: requires_grad`);
  assert.equal(t._storage.length, e.storage_numel, `${where}: storage numel`);
  const seen = storages.get(e.storage);
  if (seen === undefined) {
    assert.ok(![...storages.values()].includes(t._storage), `${where}: storage shared with another tensor`);
    storages.set(e.storage, t._storage);
  } else {
    assert.equal(t._storage, seen, `${where}: should share a storage`);
  }
  const values = flat(t);
  if (e.data !== undefined) {
    assert.deepEqual(values, e.data.map(num), `${where}: values`);
    return;
  }
  const c = t.contiguous();
  const data = c._storage.data.subarray(c._offset, c._offset + c.numel());
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  assert.equal(crc32(bytes), e.crc32, `${where}: crc32`);
  let s = 0;
  for (const v of values) s += v;
  assert.equal(s, e.sum, `${where}: sum`);
  for (const [i, v] of e.samples!) assert.equal(values[i], num(v), `${where}: value ${i}`);
}

/** The JS value a dict key loads as. */
function keyOf(e: Expected): unknown {
  if (e !== null && typeof e === 'object' && 'str' in e) return e.str;
  if (e !== null && typeof e === 'object' && 'int' in e) return Number(e.int);
  throw new Error(`unexpected key ${JSON.stringify(e)}`);
}

/**
 * Asserts that `actual` is what torch.load should give for the Python value described by `e`.
 * @example checkLoaded(fixture.nested, torch.load('nested.pt'))
 */
export function checkLoaded(
  e: Expected, actual: unknown, where = '$', storages = new Map<number, Storage>(),
): void {
  if (e === null || typeof e === 'boolean') return assert.equal(actual, e, where);
  if ('tensor' in e) {
    assert.ok(!(actual instanceof torch.nn.Parameter), `${where}: not a Parameter`);
    return checkTensor(e.tensor, actual, storages, where);
  }
  if ('parameter' in e) {
    assert.ok(actual instanceof torch.nn.Parameter, `${where}: expected a Parameter`);
    return checkTensor(e.parameter, actual, storages, where);
  }
  if ('int' in e) {
    const big = BigInt(e.int);
    const exact = big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER);
    return assert.equal(actual, exact ? Number(big) : big, where);
  }
  if ('float' in e) {
    return assert.ok(Object.is(actual, num(e.float)), `${where}: ${String(actual)} != ${e.float}`);
  }
  if ('str' in e) return assert.equal(actual, e.str, where);
  if ('bytes' in e) return assert.deepEqual(actual, new Uint8Array(e.bytes), where);
  if ('list' in e || 'tuple' in e) {
    const items = 'list' in e ? e.list : e.tuple;
    assert.ok(Array.isArray(actual), `${where}: expected an array`);
    assert.equal(actual.length, items.length, `${where}: length`);
    items.forEach((x, i) => checkLoaded(x, (actual as unknown[])[i], `${where}[${i}]`, storages));
    return;
  }
  const items = 'ordered_dict' in e ? e.ordered_dict : e.dict;
  const isStr = (k: Expected) => k !== null && typeof k === 'object' && 'str' in k;
  const asObject = 'dict' in e && items.length > 0 && items.every(([k]) => isStr(k));
  if (asObject) {
    const isObject = actual !== null && typeof actual === 'object' && !(actual instanceof Map);
    assert.ok(isObject, `${where}: expected an object`);
    const obj = actual as Record<string, unknown>;
    assert.deepEqual(Object.keys(obj), items.map(([k]) => keyOf(k)), `${where}: keys`);
    for (const [k, v] of items) {
      checkLoaded(v, obj[keyOf(k) as string], `${where}.${String(keyOf(k))}`, storages);
    }
    return;
  }
  assert.ok(actual instanceof Map, `${where}: expected a Map`);
  assert.deepEqual([...actual.keys()], items.map(([k]) => keyOf(k)), `${where}: keys`);
  for (const [k, v] of items) checkLoaded(v, actual.get(keyOf(k)), `${where}.${String(keyOf(k))}`, storages);
  if ('metadata' in e && e.metadata !== undefined) {
    const meta = (actual as { _metadata?: Map<string, unknown> })._metadata;
    assert.ok(meta instanceof Map, `${where}: _metadata`);
    assert.deepEqual([...meta], e.metadata, `${where}: _metadata entries`);
  }
}
