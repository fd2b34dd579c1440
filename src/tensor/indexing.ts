// The index('1:2, ..., None, 0') syntax: parsing Python subscripts into index items
// (torch/csrc/autograd/python_variable_indexing.cpp's argument handling).
import { check } from '../utils/check.js';
import type { Tensor } from './tensor.js';

/** A Python slice `start:stop:step`; missing parts are null. */
export class Slice {
  constructor(
    readonly start: number | null = null,
    readonly stop: number | null = null,
    readonly step: number | null = null,
  ) {}

  toString(): string {
    const s = (v: number | null) => (v === null ? '' : String(v));
    return `${s(this.start)}:${s(this.stop)}${this.step === null ? '' : `:${this.step}`}`;
  }
}

/** torch.slice(start, stop, step): the `start:stop:step` of a subscript. */
export function slice(start: number | null = null, stop: number | null = null, step: number | null = null): Slice {
  return new Slice(start, stop, step);
}

/** One subscript item: an int, a Slice, null (None), '...', a tensor, or a string to parse. */
export type IndexItem = number | Slice | null | '...' | string | Tensor | boolean | readonly number[];

/** A parsed basic-index item. */
export type ParsedItem = number | Slice | null | '...' | Tensor | boolean | readonly number[];

function parseInt0(s: string, whole: string): number | null {
  const t = s.trim();
  if (t === '') return null;
  check(/^[+-]?\d+$/.test(t), () => `invalid index '${whole}': '${t}' is not an integer`, TypeError);
  return Number(t);
}

/** Parses one comma-free piece of a subscript string. */
function parsePiece(piece: string, whole: string): ParsedItem {
  const p = piece.trim();
  if (p === '...' || p === 'Ellipsis') return '...';
  if (p === 'None') return null;
  if (p === 'True') return true;
  if (p === 'False') return false;
  if (p.includes(':')) {
    const parts = p.split(':');
    check(parts.length <= 3, () => `invalid index '${whole}'`, TypeError);
    return new Slice(parseInt0(parts[0], whole), parseInt0(parts[1] ?? '', whole), parseInt0(parts[2] ?? '', whole));
  }
  const n = parseInt0(p, whole);
  check(n !== null, () => `invalid index '${whole}': empty subscript`, TypeError);
  return n;
}

/** Expands string items ('1:2, ..., None, 0') into parsed items. */
export function parseIndex(items: readonly IndexItem[]): ParsedItem[] {
  const out: ParsedItem[] = [];
  for (const it of items) {
    if (typeof it === 'string' && it !== '...') {
      for (const piece of it.split(',')) {
        if (piece.trim() === '' && it.trim() === '') continue;
        out.push(parsePiece(piece, it));
      }
    } else out.push(it as ParsedItem);
  }
  return out;
}
