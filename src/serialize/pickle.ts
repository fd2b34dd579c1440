// A pickle writer for protocol 2, PyTorch's default for torch.save (Lib/pickle.py's _Pickler, restricted
// to the opcodes that torch/_weights_only_unpickler.py reads back).

/** A Python global (`module.name`), written as the GLOBAL opcode and memoized like Python does. */
export class PyGlobal {
  constructor(readonly module: string, readonly name: string) {}
}

/** A Python tuple (JS arrays pickle as lists). */
export class PyTuple {
  constructor(readonly items: readonly unknown[]) {}
}

/** A Python int that must stay an int even when the JS number looks like a float (or vice versa). */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** `func(*args)` followed, when given, by dict items (SETITEMS) and a BUILD of `state`. */
export class PyReduce {
  constructor(
    readonly func: PyGlobal,
    readonly args: PyTuple,
    readonly dictItems: ReadonlyArray<readonly [unknown, unknown]> | null = null,
    readonly state: unknown = undefined,
  ) {}
}

/** A dict written as EMPTY_DICT + SETITEMS (keys may be any picklable value). */
export class PyDict {
  constructor(readonly items: ReadonlyArray<readonly [unknown, unknown]>) {}
}

/** An object written as BINPERSID: the pickle refers to data kept outside it (a storage record). */
export class PyPersistent {
  constructor(readonly pid: PyTuple) {}
}

const BATCH = 1000; // Python's pickler batches APPENDS/SETITEMS by 1000 items

/**
 * Serializes a tree of pickle values: null, booleans, numbers, bigints, strings, Uint8Arrays (bytes),
 * arrays (lists) and the Py* wrappers above. `translate` turns any other JS value (a tensor, a Map)
 * into those wrappers; its results are memoized by identity so shared objects stay shared.
 * @example new Pickler((v) => { throw new TypeError(`cannot pickle ${v}`) }).dump([1, 'a'])
 */
export class Pickler {
  private chunks: Uint8Array[] = [];
  private cur = new Uint8Array(1 << 16);
  private pos = 0;
  private memo = new Map<unknown, number>();
  private globals = new Map<string, number>();
  private translated = new Map<object, unknown>();
  private enc = new TextEncoder();

  constructor(private readonly translate: (v: object) => unknown) {}

  dump(obj: unknown): Uint8Array {
    this.bytes(0x80, 2);
    this.save(obj, 0);
    this.bytes(0x2e); // STOP
    this.chunks.push(this.cur.subarray(0, this.pos));
    const total = this.chunks.reduce((n, c) => n + c.length, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  private reserve(n: number): void {
    if (this.pos + n <= this.cur.length) return;
    this.chunks.push(this.cur.subarray(0, this.pos));
    this.cur = new Uint8Array(Math.max(1 << 16, n));
    this.pos = 0;
  }

  private bytes(...bs: number[]): void {
    this.reserve(bs.length);
    for (const v of bs) this.cur[this.pos++] = v;
  }

  private raw(data: Uint8Array): void {
    this.reserve(data.length);
    this.cur.set(data, this.pos);
    this.pos += data.length;
  }

  private u32(v: number): void {
    this.bytes(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
  }

  private save(v: unknown, depth: number): void {
    if (depth > 1000) throw new RangeError('maximum recursion depth exceeded while pickling an object');
    if (v === null || v === undefined) return this.bytes(0x4e); // NONE
    if (v === true || v === false) return this.bytes(v ? 0x88 : 0x89);
    if (typeof v === 'number') return Number.isInteger(v) && !Object.is(v, -0) ? this.int(v) : this.float(v);
    if (typeof v === 'bigint') return this.long(v);
    if (typeof v === 'string') return this.str(v);
    if (typeof v !== 'object') throw new TypeError(`cannot pickle '${typeof v}' object`);
    if (v instanceof PyFloat) return this.float(v.value);
    if (v instanceof PyGlobal) return this.global(v);
    const seen = this.memo.get(v);
    if (seen !== undefined) return this.get(seen);
    if (v instanceof Uint8Array) return this.pyBytes(v);
    if (v instanceof PyTuple) return this.tuple(v, depth);
    if (Array.isArray(v)) return this.list(v, depth);
    if (v instanceof PyDict) return this.dict(v, depth);
    if (v instanceof PyReduce) return this.reduce(v, depth);
    if (v instanceof PyPersistent) {
      this.save(v.pid, depth + 1);
      return this.bytes(0x51); // BINPERSID
    }
    // Cached by identity so that shared (or self-containing) objects become one memoized pickle object.
    let t = this.translated.get(v);
    if (t === undefined) {
      t = this.translate(v);
      this.translated.set(v, t);
    }
    this.save(t, depth + 1);
  }

  private put(obj: object): void {
    const i = this.memo.size;
    this.memo.set(obj, i);
    if (i < 256) this.bytes(0x71, i); // BINPUT
    else {
      this.bytes(0x72); // LONG_BINPUT
      this.u32(i);
    }
  }

  private get(i: number): void {
    if (i < 256) this.bytes(0x68, i); // BINGET
    else {
      this.bytes(0x6a); // LONG_BINGET
      this.u32(i);
    }
  }

  private int(v: number): void {
    if (v >= 0 && v < 256) return this.bytes(0x4b, v); // BININT1
    if (v >= 0 && v < 65536) return this.bytes(0x4d, v & 0xff, v >> 8); // BININT2
    if (v >= -0x80000000 && v <= 0x7fffffff) {
      this.bytes(0x4a); // BININT
      return this.u32(v >>> 0);
    }
    this.long(BigInt(v));
  }

  /** LONG1: little-endian two's complement, as short as possible (Python's encode_long). */
  private long(v: bigint): void {
    if (v >= -0x80000000n && v <= 0x7fffffffn) return this.int(Number(v));
    const out: number[] = [];
    let x = v;
    for (;;) {
      out.push(Number(x & 0xffn));
      x >>= 8n;
      const sign = out[out.length - 1] & 0x80;
      if ((x === 0n && !sign) || (x === -1n && sign)) break;
    }
    if (out.length > 255) throw new RangeError('int too large to pickle');
    this.bytes(0x8a, out.length, ...out);
  }

  private float(v: number): void {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, v, false);
    this.bytes(0x47); // BINFLOAT, big-endian
    this.raw(b);
  }

  private str(s: string): void {
    const b = this.enc.encode(s);
    this.bytes(0x58); // BINUNICODE
    this.u32(b.length);
    this.raw(b);
  }

  private global(g: PyGlobal): void {
    const key = `${g.module}\n${g.name}\n`;
    const seen = this.globals.get(key);
    if (seen !== undefined) return this.get(seen);
    this.bytes(0x63); // GLOBAL
    this.raw(this.enc.encode(key));
    this.put(g);
    this.globals.set(key, this.memo.get(g)!);
  }

  /** Protocol 2 has no bytes opcode: Python writes `_codecs.encode(latin-1 text, 'latin1')`. */
  private pyBytes(b: Uint8Array): void {
    let text = '';
    for (let i = 0; i < b.length; i += 8192) text += String.fromCharCode(...b.subarray(i, i + 8192));
    this.global(new PyGlobal('_codecs', 'encode'));
    this.tuple(new PyTuple([text, 'latin1']), 0);
    this.bytes(0x52); // REDUCE
    this.put(b);
  }

  private tuple(t: PyTuple, depth: number): void {
    const n = t.items.length;
    if (n === 0) return this.bytes(0x29); // EMPTY_TUPLE
    if (n > 3) this.bytes(0x28); // MARK
    for (const x of t.items) this.save(x, depth + 1);
    // Tuples here are built by tstorch from its own values and never contain themselves, so the
    // memo re-check Python's save_tuple does for recursive tuples is not needed.
    this.bytes(n > 3 ? 0x74 : [0x85, 0x86, 0x87][n - 1]); // TUPLE / TUPLE1-3
    this.put(t);
  }

  private list(a: unknown[], depth: number): void {
    this.bytes(0x5d); // EMPTY_LIST
    this.put(a);
    for (let i = 0; i < a.length; i += BATCH) {
      this.bytes(0x28); // MARK
      for (const x of a.slice(i, i + BATCH)) this.save(x, depth + 1);
      this.bytes(0x65); // APPENDS
    }
  }

  private setitems(items: ReadonlyArray<readonly [unknown, unknown]>, depth: number): void {
    for (let i = 0; i < items.length; i += BATCH) {
      this.bytes(0x28); // MARK
      for (const [k, x] of items.slice(i, i + BATCH)) {
        this.save(k, depth + 1);
        this.save(x, depth + 1);
      }
      this.bytes(0x75); // SETITEMS
    }
  }

  private dict(d: PyDict, depth: number): void {
    this.bytes(0x7d); // EMPTY_DICT
    this.put(d);
    this.setitems(d.items, depth);
  }

  private reduce(r: PyReduce, depth: number): void {
    this.global(r.func);
    this.save(r.args, depth + 1);
    this.bytes(0x52); // REDUCE
    this.put(r);
    if (r.dictItems) this.setitems(r.dictItems, depth);
    if (r.state !== undefined) {
      this.save(r.state, depth + 1);
      this.bytes(0x62); // BUILD
    }
  }
}
