// torch.Generator for the CPU and the default generator behind torch.manual_seed/seed/initial_seed
// (aten/src/ATen/CPUGeneratorImpl.cpp, torch/random.py). get_state() returns PyTorch's
// 5056-byte CPUGeneratorImplState layout, so states can be exchanged with torch.get_rng_state().
import { mt19937, MERSENNE_STATE_N } from './mt19937.js';
import { check } from '../utils/check.js';
import { sin } from './math.js';

/** The seed of a freshly constructed torch.Generator() (c10's default_rng_seed_val). */
export const default_rng_seed_val = 67280421310721n;

// Offsets in CPUGeneratorImplState: the legacy THGenerator POD (uint64 seed, int left,
// int seeded, uint64 next, uint64 state[624], double normal_x/y/rho, int normal_is_valid,
// padded to 8) followed by float next_float_normal_sample and bool valid, padded to 8.
const OFF_LEFT = 8;
const OFF_SEEDED = 12;
const OFF_NEXT = 16;
const OFF_STATE = 24;
const OFF_NORMAL_X = OFF_STATE + 8 * MERSENNE_STATE_N;
const OFF_NORMAL_Y = OFF_NORMAL_X + 8;
const OFF_NORMAL_RHO = OFF_NORMAL_Y + 8;
const OFF_NORMAL_VALID = OFF_NORMAL_RHO + 8;
const LEGACY_SIZE = OFF_NORMAL_VALID + 8;
const OFF_FLOAT_NORMAL = LEGACY_SIZE;
const OFF_FLOAT_NORMAL_VALID = OFF_FLOAT_NORMAL + 4;
const STATE_SIZE = LEGACY_SIZE + 8;

const TWO_64 = 1n << 64n;

/** Converts a seed the way PyTorch's manual_seed unpacks it: any int in [-2^63, 2^64), wrapped. */
function toSeed(seed: number | bigint): bigint {
  let s: bigint;
  if (typeof seed === 'bigint') {
    s = seed;
  } else {
    check(Number.isInteger(seed), () => 'manual_seed expected a long, but got float');
    s = BigInt(seed);
  }
  check(s >= -(1n << 63n) && s < TWO_64, () => 'Overflow when unpacking long');
  return s < 0n ? s + TWO_64 : s;
}

/**
 * A non-deterministic seed. PyTorch reads 64 bits from /dev/urandom; we keep 53 so that the
 * seed survives a round trip through a JS number (initial_seed() then manual_seed()).
 */
function nonDeterministicSeed(): bigint {
  const words = new Uint32Array(2);
  const c = (globalThis as { crypto?: { getRandomValues?(a: Uint32Array): unknown } }).crypto;
  if (c?.getRandomValues) {
    c.getRandomValues(words);
  } else {
    words[0] = Math.floor(Math.random() * 2 ** 32);
    words[1] = Math.floor(Math.random() * 2 ** 32);
  }
  return (BigInt(words[0] & 0x1fffff) << 32n) | BigInt(words[1]);
}

/**
 * A CPU random number generator, bit-identical to torch.Generator(): an mt19937 engine plus
 * the cached second Box–Muller sample that PyTorch's scalar normal sampler keeps.
 *
 * @example
 * const g = new Generator().manual_seed(42);
 * g.initial_seed(); // 42
 * const saved = g.get_state(); // 5056 bytes, PyTorch's layout
 */
export class Generator {
  readonly device = 'cpu';
  /** The engine; distributions read it directly in their loops. */
  _engine: mt19937;
  /** PyTorch's next_float_normal_sample_ (kept for get_state; CPU kernels never set it). */
  _next_float_normal_sample: number | null = null;
  /** PyTorch's next_double_normal_sample_: the cached r*sin(theta) of the last pair. */
  _next_double_normal_sample: number | null = null;

  constructor(device: 'cpu' | { type: 'cpu' } = 'cpu') {
    const name = typeof device === 'string' ? device : device.type;
    check(name === 'cpu', () => `tstorch only has CPU generators, got device '${name}'`);
    this._engine = new mt19937(default_rng_seed_val);
  }

  /** Seeds the generator and clears the cached normal sample, like PyTorch's set_current_seed. */
  manual_seed(seed: number | bigint): this {
    this._next_float_normal_sample = null;
    this._next_double_normal_sample = null;
    this._engine = new mt19937(toSeed(seed));
    return this;
  }

  /** Seeds from a non-deterministic source and returns the seed. */
  seed(): number {
    const s = nonDeterministicSeed();
    this.manual_seed(s);
    return Number(s);
  }

  /** The seed in use; exact below 2^53 (see initialSeedBigInt for larger manual seeds). */
  initial_seed(): number {
    return Number(this._engine.seed());
  }

  /** The seed in use as an exact uint64. */
  initialSeedBigInt(): bigint {
    return this._engine.seed();
  }

  /** A uniformly random uint32 (CPUGeneratorImpl::random). */
  random(): number {
    return this._engine.random();
  }

  /** A uniformly random uint64 from two draws, high word first (CPUGeneratorImpl::random64). */
  random64(): bigint {
    const hi = this._engine.random();
    const lo = this._engine.random();
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** The state as PyTorch's 5056-byte CPUGeneratorImplState (what torch.get_rng_state() holds). */
  get_state(): Uint8Array {
    const bytes = new Uint8Array(STATE_SIZE);
    const v = new DataView(bytes.buffer);
    const d = this._engine.data();
    v.setBigUint64(0, d.seed_, true);
    v.setInt32(OFF_LEFT, d.left_, true);
    v.setInt32(OFF_SEEDED, d.seeded_ ? 1 : 0, true);
    v.setBigUint64(OFF_NEXT, BigInt(d.next_), true);
    for (let i = 0; i < MERSENNE_STATE_N; i++) v.setUint32(OFF_STATE + 8 * i, d.state_[i], true);
    if (this._next_double_normal_sample !== null) {
      v.setInt32(OFF_NORMAL_VALID, 1, true);
      v.setFloat64(OFF_NORMAL_Y, this._next_double_normal_sample, true);
    }
    if (this._next_float_normal_sample !== null) {
      v.setUint8(OFF_FLOAT_NORMAL_VALID, 1);
      v.setFloat32(OFF_FLOAT_NORMAL, this._next_float_normal_sample, true);
    }
    return bytes;
  }

  /**
   * Restores a state from get_state() or torch.get_rng_state().numpy(). Like PyTorch it also
   * accepts the 5048-byte legacy layout, whose cached normal is rebuilt from normal_x/normal_rho.
   */
  set_state(state: Uint8Array): this {
    const n = state.length;
    check(n === LEGACY_SIZE || n === STATE_SIZE, () =>
      `Expected either a CPUGeneratorImplStateLegacy of size ${LEGACY_SIZE} or a CPUGeneratorImplState ` +
      `of size ${STATE_SIZE} but found the input RNG state size to be ${n}`);
    const v = new DataView(state.buffer, state.byteOffset, n);
    let floatNormal: number | null = null;
    let doubleNormal: number | null = null;
    const normalValid = v.getInt32(OFF_NORMAL_VALID, true) !== 0;
    if (n === LEGACY_SIZE) {
      if (normalValid) {
        const r = v.getFloat64(OFF_NORMAL_RHO, true);
        const theta = 2.0 * Math.PI * v.getFloat64(OFF_NORMAL_X, true);
        doubleNormal = r * sin(theta);
      }
    } else {
      if (v.getUint8(OFF_FLOAT_NORMAL_VALID) !== 0) floatNormal = v.getFloat32(OFF_FLOAT_NORMAL, true);
      if (normalValid) doubleNormal = v.getFloat64(OFF_NORMAL_Y, true);
    }
    const words = new Uint32Array(MERSENNE_STATE_N);
    // The legacy layout stores each 32-bit word in a uint64; PyTorch copies it down, truncating.
    for (let i = 0; i < MERSENNE_STATE_N; i++) words[i] = v.getUint32(OFF_STATE + 8 * i, true);
    const engine = new mt19937();
    engine.set_data({
      seed_: v.getBigUint64(0, true),
      left_: v.getInt32(OFF_LEFT, true),
      seeded_: v.getInt32(OFF_SEEDED, true) !== 0,
      next_: v.getUint32(OFF_NEXT, true),
      state_: words,
    });
    check(engine.is_valid(), () => 'Invalid mt19937 state');
    this._engine = engine;
    this._next_float_normal_sample = floatNormal;
    this._next_double_normal_sample = doubleNormal;
    return this;
  }
}

/**
 * The generator every sampling function uses when none is given. Like PyTorch (1.13 and 2.x),
 * it starts from a non-deterministic seed; only `new Generator()` starts from 67280421310721.
 */
export const default_generator: Generator = new Generator();
default_generator.seed();

/**
 * Seeds the default generator and returns it (torch.manual_seed). Non-integer numbers are
 * truncated as Python's int() does.
 *
 * @example
 * manual_seed(0);
 * initial_seed(); // 0
 */
export function manual_seed(seed: number | bigint): Generator {
  const s = typeof seed === 'number' && Number.isFinite(seed) ? Math.trunc(seed) : seed;
  return default_generator.manual_seed(s);
}

/**
 * Seeds the default generator non-deterministically and returns the seed (torch.seed).
 *
 * @example
 * const s = seed();
 * initial_seed() === s; // true
 */
export function seed(): number {
  return default_generator.seed();
}

/**
 * The default generator's seed (torch.initial_seed).
 *
 * @example
 * manual_seed(42);
 * initial_seed(); // 42
 */
export function initial_seed(): number {
  return default_generator.initial_seed();
}

/**
 * A copy of the default generator's state (torch.get_rng_state), 5056 bytes.
 *
 * @example
 * const s = get_rng_state();
 * set_rng_state(s); // restores it
 */
export function get_rng_state(): Uint8Array {
  return default_generator.get_state();
}

/**
 * Restores the default generator's state (torch.set_rng_state).
 *
 * @example
 * set_rng_state(get_rng_state());
 */
export function set_rng_state(state: Uint8Array): void {
  default_generator.set_state(state);
}
