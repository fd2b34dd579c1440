// The 32-bit Mersenne Twister exactly as PyTorch's CPU generator runs it
// (aten/src/ATen/core/MT19937RNGEngine.h): same seeding, same `left`/`next` bookkeeping, so that
// get_state/set_state round-trip with PyTorch's byte layout.

/** Number of 32-bit words in the state (MERSENNE_STATE_N). */
export const MERSENNE_STATE_N = 624;
/** The twist offset (MERSENNE_STATE_M). */
export const MERSENNE_STATE_M = 397;
const MATRIX_A = 0x9908b0df;
const UMASK = 0x80000000;
const LMASK = 0x7fffffff;

/** The engine's plain data, as PyTorch's mt19937_data_pod. */
export interface mt19937_data_pod {
  /** The seed the engine was built with: a uint64. */
  seed_: bigint;
  /** Outputs left before the next twist, in [1, 624]. */
  left_: number;
  seeded_: boolean;
  /** Index of the next state word to temper. */
  next_: number;
  state_: Uint32Array;
}

function twist(u: number, v: number): number {
  return (((u & UMASK) | (v & LMASK)) >>> 1) ^ (v & 1 ? MATRIX_A : 0);
}

/**
 * PyTorch's mt19937 engine. Only the low 32 bits of the seed reach the state (PyTorch's
 * init_with_uint32), but the full 64-bit seed is remembered for initial_seed().
 *
 * @example
 * const e = new mt19937(0n);
 * e.random(); // 2357136044, the same as std::mt19937(0)()
 */
export class mt19937 {
  private seed_: bigint;
  private seeded_ = true;
  // Public only so that tight sampling loops can read them without a call.
  left_ = 1;
  next_ = 0;
  readonly state_ = new Uint32Array(MERSENNE_STATE_N);

  constructor(seed: bigint = 5489n) {
    this.seed_ = seed;
    this.init_with_uint32(Number(seed & 0xffffffffn));
  }

  /** The 64-bit seed this engine was constructed with. */
  seed(): bigint {
    return this.seed_;
  }

  /** The next 32-bit output as a non-negative number below 2^32. */
  random(): number {
    if (--this.left_ === 0) this.next_state();
    let y = this.state_[this.next_++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** A copy of the engine's data (PyTorch's data()). */
  data(): mt19937_data_pod {
    return {
      seed_: this.seed_,
      left_: this.left_,
      seeded_: this.seeded_,
      next_: this.next_,
      state_: this.state_.slice(),
    };
  }

  /** Replaces the engine's data (PyTorch's set_data); callers check is_valid() afterwards. */
  set_data(d: mt19937_data_pod): void {
    this.seed_ = d.seed_;
    this.left_ = d.left_;
    this.seeded_ = d.seeded_;
    this.next_ = d.next_;
    this.state_.set(d.state_);
  }

  /** Whether the bookkeeping fields describe a usable state. */
  is_valid(): boolean {
    return this.seeded_ && this.left_ > 0 && this.left_ <= MERSENNE_STATE_N && this.next_ <= MERSENNE_STATE_N;
  }

  private init_with_uint32(seed: number): void {
    const s = this.state_;
    s[0] = seed;
    for (let j = 1; j < MERSENNE_STATE_N; j++) {
      const prev = s[j - 1];
      s[j] = Math.imul(1812433253, prev ^ (prev >>> 30)) + j;
    }
    this.left_ = 1;
    this.next_ = 0;
  }

  private next_state(): void {
    const s = this.state_;
    const N = MERSENNE_STATE_N;
    const M = MERSENNE_STATE_M;
    this.left_ = N;
    this.next_ = 0;
    let p = 0;
    for (; p < N - M; p++) s[p] = s[p + M] ^ twist(s[p], s[p + 1]);
    for (; p < N - 1; p++) s[p] = s[p + M - N] ^ twist(s[p], s[p + 1]);
    s[N - 1] = s[M - 1] ^ twist(s[N - 1], s[0]);
  }
}
