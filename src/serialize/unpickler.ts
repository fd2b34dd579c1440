// A restricted unpickler that never executes code: only PyTorch's weights_only globals can be named, and
// only the callables tstorch implements can be called (mirrors torch/_weights_only_unpickler.py, 2.x).
// It builds an intermediate tree (PyDictObj, PyTupleObj, ...) that serialization.ts turns into JS values.

/** The error every malformed or refused pickle gives (Python's pickle.UnpicklingError). */
export class UnpicklingError extends Error {
  override name = 'UnpicklingError';
}

const fail = (msg: string): never => {
  throw new UnpicklingError(msg);
};

/** A Python tuple read from the pickle. */
export class PyTupleObj {
  /** Cached hash key when the tuple is used as a dict key. */
  _key: string | null = null;
  constructor(readonly items: unknown[]) {}
}

/** A dict, collections.OrderedDict or collections.Counter read from the pickle (any hashable keys). */
export class PyDictObj {
  readonly keys: unknown[] = [];
  readonly values: unknown[] = [];
  // Strings, numbers and None index by value (no per-lookup string building, so a huge memoized
  // key reused many times stays cheap); tuples, bytes and globals by a cached composite text.
  private prim = new Map<unknown, number>();
  private composite = new Map<string, number>();
  /** Attributes set by BUILD (PyTorch stores a state_dict's `_metadata` this way). */
  attrs: PyDictObj | null = null;

  constructor(readonly kind: 'dict' | 'OrderedDict' | 'Counter') {}

  set(k: unknown, v: unknown): void {
    const p = primKey(k);
    const index: Map<unknown, number> = p === NOT_PRIM ? this.composite : this.prim;
    const h = p === NOT_PRIM ? hashKey(k) : p;
    const at = index.get(h);
    if (at !== undefined) {
      this.values[at] = v;
      return;
    }
    index.set(h, this.keys.length);
    this.keys.push(k);
    this.values.push(v);
  }

  get(k: string): unknown {
    const at = this.prim.get(k);
    return at === undefined ? undefined : this.values[at];
  }
}

const NOT_PRIM = Symbol('not primitive');

/** Python's key equality for scalars (1 == 1.0 == True): the value to index by, or NOT_PRIM. */
function primKey(k: unknown): unknown {
  if (typeof k === 'string' || typeof k === 'number' || k === null) return k;
  if (typeof k === 'boolean') return k ? 1 : 0;
  if (typeof k === 'bigint') return Number.isSafeInteger(Number(k)) ? Number(k) : k;
  return NOT_PRIM;
}

/** A Python set read from the pickle. */
export class PySetObj {
  constructor(readonly items: unknown[]) {}
}

/** A reference to an allowed global (pushed by GLOBAL; called by REDUCE or NEWOBJ). */
export class PyGlobalRef {
  constructor(readonly path: string) {}
}

const MAX_KEY = 4096;

/** Python's dict-key equality for hashable values (1 == 1.0 == True), as a string. */
const bytesKeys = new WeakMap<Uint8Array, string>();

/** A composite dict key (tuple, bytes, global) as text, cached on the object and capped in size. */
function hashKey(k: unknown): string {
  const p = primKey(k);
  if (p !== NOT_PRIM) return `${typeof p === 'string' ? 's' : 'n'}${String(p).slice(0, MAX_KEY + 1)}`;
  if (k instanceof Uint8Array) {
    let h = bytesKeys.get(k);
    if (h === undefined) {
      if (k.length > MAX_KEY) fail('dict key too large');
      h = `b${Array.from(k).join(',')}`;
      bytesKeys.set(k, h);
    }
    return h;
  }
  if (k instanceof PyGlobalRef) return `g${k.path}`;
  if (k instanceof PyTupleObj) {
    if (k._key === null) {
      let s = 't(';
      for (const x of k.items) {
        s += `${hashKey(x)},`;
        if (s.length > MAX_KEY) fail('dict key too large');
      }
      k._key = `${s})`;
    }
    return k._key;
  }
  return fail(`unhashable type: '${k instanceof PyDictObj ? k.kind : Array.isArray(k) ? 'list' : typeof k}'`);
}

/** What REDUCE / NEWOBJ may call: the allowed globals that tstorch implements. */
export type PyCallable = (args: unknown[]) => unknown;

/** The unpickler's view of the outside world: allowed globals and storage records. */
export interface UnpicklerHooks {
  /** Whether `module.name` is one of PyTorch's weights_only globals. */
  isAllowed(path: string): boolean;
  /** The implementation of an allowed global, or undefined when tstorch cannot call it. */
  callable(path: string): PyCallable | undefined;
  /** Resolves BINPERSID ('storage', storage_type, key, location, numel). */
  persistentLoad(pid: PyTupleObj): unknown;
}

// Modules that are never allowed (PyTorch's _blocklisted_modules).
const BLOCKED = new Set(['sys', 'os', 'posix', 'nt']);
// Python 2 names that protocol 2 pickles use (torch._utils.IMPORT_MAPPING, the parts that matter).
const IMPORT_MAPPING: Record<string, string> = { __builtin__: 'builtins', copy_reg: 'copyreg' };

/** Reads a protocol 2 pickle with bounds checked on every read; see the file header. */
export class Unpickler {
  private pos = 0;
  private stack: unknown[] = [];
  private metastack: unknown[][] = [];
  private memo = new Map<number, unknown>();
  private utf8 = new TextDecoder('utf-8', { fatal: true });

  constructor(
    private readonly data: Uint8Array,
    private readonly hooks: UnpicklerHooks,
  ) {}

  /** Runs the pickle program and returns the object left by STOP. */
  load(): unknown {
    for (;;) {
      const op = this.byte();
      if (op === 0x2e) return this.pop(); // STOP
      this.step(op);
    }
  }

  private byte(): number {
    if (this.pos >= this.data.length) fail('pickle data was truncated');
    return this.data[this.pos++];
  }

  private read(n: number): Uint8Array {
    if (n > this.data.length - this.pos) fail('pickle data was truncated');
    const out = this.data.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  private u32(): number {
    const b = this.read(4);
    return (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0;
  }

  private line(): string {
    const end = this.data.indexOf(0x0a, this.pos);
    if (end < 0) fail('pickle data was truncated');
    return this.text(this.read(end - this.pos + 1).subarray(0, -1));
  }

  private text(b: Uint8Array): string {
    try {
      return this.utf8.decode(b);
    } catch {
      return fail("'utf-8' codec can't decode the pickle's string data");
    }
  }

  /** A big-endian double (copied: the data may not be 8-byte aligned). */
  private binfloat(): number {
    return new DataView(new Uint8Array(this.read(8)).buffer).getFloat64(0, false);
  }

  private pop(): unknown {
    if (this.stack.length === 0) fail('unpickling stack underflow');
    return this.stack.pop();
  }

  private top(): unknown {
    if (this.stack.length === 0) fail('unpickling stack underflow');
    return this.stack[this.stack.length - 1];
  }

  private popMark(): unknown[] {
    const items = this.stack;
    const prev = this.metastack.pop();
    if (prev === undefined) fail('could not find MARK');
    this.stack = prev!;
    return items;
  }

  private memoGet(i: number): void {
    if (!this.memo.has(i)) fail(`Memo value not found at index ${i}`);
    this.stack.push(this.memo.get(i));
  }

  // One opcode; the set is exactly the one torch/_weights_only_unpickler.py accepts.
  private step(op: number): void {
    const s = this.stack;
    switch (op) {
      case 0x80: this.byte(); return; // PROTO
      case 0x63: return this.global(); // GLOBAL
      case 0x81: return this.newobj(); // NEWOBJ
      case 0x52: return this.reduce(); // REDUCE
      case 0x62: return this.build(); // BUILD
      case 0x61: { // APPEND
        const item = this.pop();
        return void this.list().push(item);
      }
      case 0x65: { // APPENDS
        const items = this.popMark();
        const l = this.list();
        for (const x of items) l.push(x);
        return;
      }
      case 0x73: { // SETITEM
        const v = this.pop();
        const k = this.pop();
        return this.dict('SETITEM').set(k, v);
      }
      case 0x75: { // SETITEMS
        const items = this.popMark();
        const d = this.dict('SETITEMS');
        if (items.length % 2 !== 0) fail('odd number of items for SETITEMS');
        for (let i = 0; i < items.length; i += 2) d.set(items[i], items[i + 1]);
        return;
      }
      case 0x28: // MARK
        this.metastack.push(this.stack);
        this.stack = [];
        return;
      case 0x74: { // TUPLE
        const items = this.popMark(); // before reading this.stack, which popMark replaces
        return void this.stack.push(new PyTupleObj(items));
      }
      case 0x85: case 0x86: case 0x87: { // TUPLE1-3
        const n = op - 0x84;
        if (s.length < n) fail('unpickling stack underflow');
        return void s.push(new PyTupleObj(s.splice(s.length - n, n)));
      }
      case 0x4e: return void s.push(null); // NONE
      case 0x89: return void s.push(false); // NEWFALSE
      case 0x88: return void s.push(true); // NEWTRUE
      case 0x29: return void s.push(new PyTupleObj([])); // EMPTY_TUPLE
      case 0x5d: return void s.push([]); // EMPTY_LIST
      case 0x7d: return void s.push(new PyDictObj('dict')); // EMPTY_DICT
      case 0x8f: return void s.push(new PySetObj([])); // EMPTY_SET
      case 0x4a: return void s.push(this.u32() | 0); // BININT
      case 0x4b: return void s.push(this.byte()); // BININT1
      case 0x4d: return void s.push(this.byte() | (this.byte() << 8)); // BININT2
      case 0x47: return void s.push(this.binfloat()); // BINFLOAT
      case 0x58: return void s.push(this.text(this.read(this.u32()))); // BINUNICODE
      case 0x55: return void s.push(this.text(this.read(this.byte()))); // SHORT_BINSTRING
      case 0x51: return void s.push(this.persid()); // BINPERSID
      case 0x68: return this.memoGet(this.byte()); // BINGET
      case 0x6a: return this.memoGet(this.u32()); // LONG_BINGET
      case 0x71: return void this.memo.set(this.byte(), this.top()); // BINPUT
      case 0x72: return void this.memo.set(this.u32(), this.top()); // LONG_BINPUT
      case 0x8a: return void s.push(decodeLong(this.read(this.byte()))); // LONG1
      default:
        return fail(`Unsupported operand ${op}`);
    }
  }

  private list(): unknown[] {
    const l = this.top();
    if (!Array.isArray(l)) fail(`Can only append to lists, but got ${pyType(l)}`);
    return l as unknown[];
  }

  private dict(opcode: string): PyDictObj {
    const d = this.top();
    if (!(d instanceof PyDictObj)) {
      fail(`Can only ${opcode} for dict, collections.OrderedDict, collections.Counter, but got ${pyType(d)}`);
    }
    return d as PyDictObj;
  }

  private global(): void {
    let module = this.line();
    const name = this.line();
    module = IMPORT_MAPPING[module] ?? module;
    const path = `${module}.${name}`;
    if (BLOCKED.has(module)) {
      fail(`Trying to load unsupported GLOBAL ${path} whose module ${module} is blocked.`);
    }
    if (!this.hooks.isAllowed(path)) {
      const shown = module === 'builtins' ? name : path;
      fail(`Unsupported global: GLOBAL ${shown} was not an allowed global by default. tstorch never runs ` +
        'code from a checkpoint, so it loads only tensors, containers of them and plain Python values.');
    }
    this.stack.push(new PyGlobalRef(path));
  }

  private call(func: unknown, args: unknown, what: string): unknown {
    if (!(func instanceof PyGlobalRef)) {
      return fail(`Trying to call ${what} for unrecognized function ${pyType(func)}`);
    }
    if (!(args instanceof PyTupleObj)) return fail(`${what} arguments must be a tuple, got ${pyType(args)}`);
    const f = this.hooks.callable(func.path);
    if (f === undefined) return fail(`calling ${func.path} is not supported by tstorch`);
    return f(args.items);
  }

  private reduce(): void {
    const args = this.pop();
    const func = this.pop();
    this.stack.push(this.call(func, args, 'reduce'));
  }

  private newobj(): void {
    const args = this.pop();
    const cls = this.pop();
    const ok = cls instanceof PyGlobalRef &&
      ['collections.OrderedDict', 'collections.Counter', 'torch.nn.parameter.Parameter'].includes(cls.path);
    if (!ok) {
      fail(`Can only create new object for nn.Parameter or classes allowlisted, but got ${pyType(cls)}`);
    }
    const path = (cls as PyGlobalRef).path;
    this.stack.push(path === 'torch.nn.parameter.Parameter'
      ? this.call(cls, args, 'NEWOBJ')
      : new PyDictObj(path === 'collections.Counter' ? 'Counter' : 'OrderedDict'));
  }

  // BUILD only sets an OrderedDict's attributes (a state_dict's `_metadata`); PyTorch also allows it on
  // Tensor and Parameter for legacy files, which tstorch does not read.
  private build(): void {
    const state = this.pop();
    const inst = this.top();
    if (!(inst instanceof PyDictObj) || inst.kind !== 'OrderedDict') {
      fail(`Can only build Tensor, Parameter, OrderedDict or types allowlisted, but got ${pyType(inst)}`);
    }
    if (state === null) return;
    if (!(state instanceof PyDictObj) || state.kind !== 'dict') fail('OrderedDict state must be a dict');
    (inst as PyDictObj).attrs = state as PyDictObj;
  }

  private persid(): unknown {
    const pid = this.pop();
    if (!(pid instanceof PyTupleObj)) {
      return fail(`persistent_load id must be tuple or int, but got ${pyType(pid)}`);
    }
    const tag = pid.items[0];
    const tagText = tag instanceof Uint8Array && tag.length === 7 ? String.fromCharCode(...tag) : tag;
    if (tagText !== 'storage') fail(`Only persistent_load of storage is allowed, but got ${pyType(tag)}`);
    return this.hooks.persistentLoad(pid);
  }
}

/** Python's pickle.decode_long: little-endian two's complement; a number when it is exact. */
function decodeLong(b: Uint8Array): number | bigint {
  if (b.length === 0) return 0;
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  if (b[b.length - 1] & 0x80) v -= 1n << BigInt(8 * b.length);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** How Python would name the type of an unpickled value, for error messages. */
export function pyType(v: unknown): string {
  if (v === undefined) return '<missing argument>';
  if (v === null) return "<class 'NoneType'>";
  if (typeof v === 'boolean') return "<class 'bool'>";
  if (typeof v === 'number') return Number.isInteger(v) ? "<class 'int'>" : "<class 'float'>";
  if (typeof v === 'bigint') return "<class 'int'>";
  if (typeof v === 'string') return "<class 'str'>";
  if (v instanceof Uint8Array) return "<class 'bytes'>";
  if (Array.isArray(v)) return "<class 'list'>";
  if (v instanceof PyTupleObj) return "<class 'tuple'>";
  if (v instanceof PySetObj) return "<class 'set'>";
  if (v instanceof PyDictObj) return v.kind === 'dict' ? "<class 'dict'>" : `<class 'collections.${v.kind}'>`;
  if (v instanceof PyGlobalRef) return `<global ${v.path}>`;
  return `<class '${(v as object).constructor?.name ?? 'object'}'>`;
}
