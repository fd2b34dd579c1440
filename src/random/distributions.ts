// Samplers that fill a contiguous buffer exactly as PyTorch 1.13's CPU kernels fill a contiguous
// tensor (aten/src/ATen/native/cpu/DistributionTemplates.h, DistributionKernels.cpp,
// aten/src/ATen/core/DistributionsHelper.h, TransformationHelper.h, TensorFactories.cpp).
import { Generator, default_generator } from './generator.js';
import type { mt19937 } from './mt19937.js';
import { fma, fmaf, log, log256_ps, logv, sincos256_ps, sincosv } from './math.js';
import { check } from '../utils/check.js';

/** The floating dtypes the samplers produce. */
export type FloatDType = 'float32' | 'float64';
/** Anything indexable we can write numbers into. */
export interface WritableArrayLike {
  length: number;
  [index: number]: number;
}

const TWO_M24 = 2 ** -24;
const TWO_M53 = 2 ** -53;
const TWO_32 = 2 ** 32;
const TWO_PI = 2 * Math.PI;
const TWO_PI_F = Math.fround(2 * Math.PI);

function engineOf(gen: Generator | null | undefined): mt19937 {
  return (gen ?? default_generator)._engine;
}

function dtypeOf(out: Float32Array | Float64Array, dtype: FloatDType | undefined): FloatDType {
  return dtype ?? (out instanceof Float32Array ? 'float32' : 'float64');
}

/** PyTorch's uniform_real for float: a 24-bit draw scaled into [0, 1). */
function uniform24(e: mt19937): number {
  return (e.random() & 0xffffff) * TWO_M24;
}

/** PyTorch's uniform_real for double: the low 53 bits of random64() (hi word first), in [0, 1). */
function uniform53(e: mt19937): number {
  const hi = e.random() & 0x1fffff;
  const lo = e.random();
  return (hi * TWO_32 + lo) * TWO_M53;
}

/**
 * Fills `out` with uniform samples on [from, to) like Tensor.uniform_ and torch.rand. float32
 * takes one 32-bit draw per element and keeps 24 bits; float64 takes two and keeps 53. The
 * affine map is PyTorch's fused `x * (to - from) + from`.
 *
 * @example
 * manual_seed(0);
 * const a = new Float32Array(3);
 * uniformFill(null, a); // [0.49625658988952637, 0.7682217955589294, 0.08847743272781372]
 */
export function uniformFill(gen: Generator | null | undefined, out: Float32Array | Float64Array,
  from = 0, to = 1, dtype?: FloatDType): void {
  check(from <= to, () => `uniform_ expects to return a [from, to) range, but found from=${from} > to=${to}`);
  const e = engineOf(gen);
  const n = out.length;
  if (dtypeOf(out, dtype) === 'float32') {
    const lo = Math.fround(from);
    const range = Math.fround(Math.fround(to) - lo);
    if (lo === 0 && range === 1) {
      for (let i = 0; i < n; i++) out[i] = uniform24(e);
    } else {
      for (let i = 0; i < n; i++) out[i] = fmaf(uniform24(e), range, lo);
    }
  } else {
    const range = to - from;
    if (from === 0 && range === 1) {
      for (let i = 0; i < n; i++) out[i] = uniform53(e);
    } else {
      for (let i = 0; i < n; i++) out[i] = fma(uniform53(e), range, from);
    }
  }
}

// Eight-lane scratch registers for the Box–Muller blocks (the AVX code's __m256 values).
const U1 = new Float64Array(8);
const THETA = new Float64Array(8);
const LOGS = new Float64Array(8);
const SINS = new Float64Array(8);
const COSS = new Float64Array(8);

/**
 * One draw of PyTorch's normal_distribution<double>: Box–Muller on two 53-bit uniforms,
 * returning r cos(theta) and caching r sin(theta) in the generator for the next call.
 */
function normalSample(g: Generator, mean: number, std: number): number {
  const cached = g._next_double_normal_sample;
  if (cached !== null) {
    g._next_double_normal_sample = null;
    return fma(cached, std, mean);
  }
  const e = g._engine;
  const u1 = uniform53(e);
  const u2 = uniform53(e);
  U1[0] = 1.0 - u2;
  logv(U1, LOGS, 1);
  THETA[0] = TWO_PI * u1;
  sincosv(THETA, SINS, COSS, 1);
  const r = Math.sqrt(-2.0 * LOGS[0]);
  g._next_double_normal_sample = r * SINS[0];
  return fma(r * COSS[0], std, mean);
}

/** normal_fill_16_AVX2: float32 Box–Muller on data[k..k+16), u1 from the first 8, u2 the rest. */
function normalFill16Float(d: Float32Array | Float64Array, k: number, mean: number, std: number): void {
  for (let l = 0; l < 8; l++) {
    U1[l] = Math.fround(1 - d[k + l]);
    THETA[l] = Math.fround(TWO_PI_F * d[k + 8 + l]);
  }
  log256_ps(U1, LOGS, 8);
  sincos256_ps(THETA, SINS, COSS, 8);
  // fmaf(x, 1, 0) is x + 0; the shortcut also spares fmaf its slow path for exact floats.
  const plain = std === 1 && mean === 0;
  for (let l = 0; l < 8; l++) {
    const radius = Math.fround(Math.sqrt(-2 * LOGS[l]));
    const n1 = Math.fround(radius * COSS[l]);
    const n2 = Math.fround(radius * SINS[l]);
    d[k + l] = plain ? n1 + 0 : fmaf(n1, std, mean);
    d[k + 8 + l] = plain ? n2 + 0 : fmaf(n2, std, mean);
  }
}

/** normal_fill_16<double>: the same layout in double with libm's log and sincos. */
function normalFill16Double(d: Float32Array | Float64Array, k: number, mean: number, std: number): void {
  for (let l = 0; l < 8; l++) {
    U1[l] = 1 - d[k + l];
    THETA[l] = TWO_PI * d[k + 8 + l];
  }
  logv(U1, LOGS, 8);
  sincosv(THETA, SINS, COSS, 8);
  const plain = std === 1 && mean === 0;
  for (let l = 0; l < 8; l++) {
    const radius = Math.sqrt(-2 * LOGS[l]);
    const n1 = radius * COSS[l];
    const n2 = radius * SINS[l];
    d[k + l] = plain ? n1 + 0 : fma(n1, std, mean);
    d[k + 8 + l] = plain ? n2 + 0 : fma(n2, std, mean);
  }
}

/**
 * Fills `out` with normal samples like Tensor.normal_ and torch.randn. As in PyTorch, fewer
 * than 16 elements (or a non-contiguous target: pass contiguous = false) take the scalar
 * sampler, which draws pairs and caches the spare in the generator; 16 or more take the
 * vectorised path: all uniforms first, Box–Muller in blocks of 16, and when n is not a multiple
 * of 16 the last 16 are drawn again and recomputed. float32 uses PyTorch's AVX2 kernel
 * (avx_mathfun polynomials), float64 libm. For a non-contiguous tensor PyTorch samples element
 * by element in memory order (TensorIterator sorts dimensions by stride), so pass the elements
 * in that order.
 *
 * @example
 * manual_seed(0);
 * const a = new Float32Array(3);
 * normalFill(null, a); // [1.5409960746765137, -0.293428897857666, -2.1787893772125244]
 */
export function normalFill(gen: Generator | null | undefined, out: Float32Array | Float64Array,
  mean = 0, std = 1, dtype?: FloatDType, contiguous = true): void {
  check(std >= 0, () => `normal expects std >= 0.0, but found std ${std}`);
  const g = gen ?? default_generator;
  const n = out.length;
  const isFloat = dtypeOf(out, dtype) === 'float32';
  if (n < 16 || !contiguous) {
    for (let i = 0; i < n; i++) out[i] = normalSample(g, mean, std);
    return;
  }
  const e = g._engine;
  if (isFloat) {
    const m = Math.fround(mean);
    const s = Math.fround(std);
    for (let i = 0; i < n; i++) out[i] = uniform24(e);
    for (let i = 0; i + 16 <= n; i += 16) normalFill16Float(out, i, m, s);
    if (n % 16 !== 0) {
      for (let i = n - 16; i < n; i++) out[i] = uniform24(e);
      normalFill16Float(out, n - 16, m, s);
    }
  } else {
    for (let i = 0; i < n; i++) out[i] = uniform53(e);
    for (let i = 0; i + 16 <= n; i += 16) normalFill16Double(out, i, mean, std);
    if (n % 16 !== 0) {
      for (let i = n - 16; i < n; i++) out[i] = uniform53(e);
      normalFill16Double(out, n - 16, mean, std);
    }
  }
}

/**
 * Fills `out` with integers uniform on [low, high) like torch.randint and Tensor.random_(low,
 * high): `draw % (high - low) + low`, where the draw is one 32-bit output when the range is
 * below 2^32 and a 64-bit random64() otherwise (int64 only; int32 targets never need it).
 * int64 results go into a Float64Array (exact below 2^53) or a BigInt64Array.
 *
 * @example
 * manual_seed(0);
 * const a = new Float64Array(5);
 * randintFill(null, a, 0, 10); // [4, 9, 3, 0, 3]
 */
export function randintFill(gen: Generator | null | undefined, out: Float64Array | Int32Array | BigInt64Array,
  low: number | bigint, high: number | bigint): void {
  const lo = BigInt(low);
  const hi = BigInt(high);
  check(lo < hi, () => `random_ expects 'from' to be less than 'to', but got from=${lo} >= to=${hi}`);
  if (out instanceof Int32Array) {
    check(lo >= -(2n ** 31n) && lo < 2n ** 31n, () => 'from is out of bounds for int');
    check(hi - 1n < 2n ** 31n, () => 'to - 1 is out of bounds for int');
  } else {
    check(lo >= -(2n ** 63n) && lo < 2n ** 63n, () => 'from is out of bounds for long');
    check(hi - 1n < 2n ** 63n, () => 'to - 1 is out of bounds for long');
  }
  const range = hi - lo;
  const e = engineOf(gen);
  const n = out.length;
  const fast = range < 2n ** 32n && Number.isSafeInteger(Number(lo) + Number(range));
  if (fast && !(out instanceof BigInt64Array)) {
    const r = Number(range);
    const base = Number(lo);
    for (let i = 0; i < n; i++) out[i] = (e.random() % r) + base;
    return;
  }
  const wide = range >= 2n ** 32n;
  for (let i = 0; i < n; i++) {
    const draw = wide ? (BigInt(e.random()) << 32n) | BigInt(e.random()) : BigInt(e.random());
    // (draw % range) + base wraps as uint64 and is reinterpreted as int64, as in PyTorch.
    const v = BigInt.asIntN(64, (draw % range) + lo);
    if (out instanceof BigInt64Array) out[i] = v;
    else out[i] = Number(v);
  }
}

/**
 * A random permutation of 0..n-1 like torch.randperm(n) (int64, CPU): Fisher–Yates from the
 * front, swapping element i with i + random() % (n - i). PyTorch 2.x keeps this for
 * n < 2^32 / 20 and switches to an inside-out shuffle with random64() above that; 1.13 has
 * only this loop.
 *
 * @example
 * manual_seed(0);
 * randperm(null, 4); // Float64Array [0, 1, 3, 2]
 */
export function randperm(gen: Generator | null | undefined, n: number): Float64Array {
  check(Number.isInteger(n) && n >= 0, () => `n must be non-negative, got${n}`);
  const e = engineOf(gen);
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) r[i] = i;
  for (let i = 0; i < n - 1; i++) {
    const z = e.random() % (n - i);
    const save = r[i];
    r[i] = r[z + i];
    r[z + i] = save;
  }
  return r;
}

/**
 * Fills `out` with 0/1 samples, 1 with probability p, like Tensor.bernoulli_(p) with a number:
 * one 53-bit uniform per element compared with `u < p`. (This is the non-MKL kernel, which
 * Debian's and other MKL-free builds run; MKL builds use a different stream for scalar p.)
 *
 * @example
 * manual_seed(0);
 * const a = new Float32Array(4);
 * bernoulliFill(null, a, 0.5); // [0, 0, 1, 0]
 */
export function bernoulliFill(gen: Generator | null | undefined, out: WritableArrayLike, p = 0.5): void {
  check(p >= 0 && p <= 1, () => `bernoulli_ expects p to be in [0, 1], but got p=${p}`);
  const e = engineOf(gen);
  const n = out.length;
  for (let i = 0; i < n; i++) out[i] = uniform53(e) < p ? 1 : 0;
}

/**
 * Fills `out` with 0/1 samples, 1 with probability probs[i], like torch.bernoulli(probs) and
 * Tensor.bernoulli_(probs) once probs is broadcast to out's shape. float64 probabilities are
 * compared with 53-bit uniforms; any other probability dtype (float32 here) with 24-bit ones,
 * so pass the probabilities' own dtype: by default a Float32Array means float32.
 *
 * @example
 * manual_seed(0);
 * const a = new Float32Array(3);
 * bernoulliTensorFill(null, a, new Float32Array([0.1, 0.5, 0.9])); // [0, 0, 1]
 */
export function bernoulliTensorFill(gen: Generator | null | undefined, out: WritableArrayLike,
  probs: ArrayLike<number>, probsDtype?: FloatDType): void {
  check(probs.length === out.length, () =>
    `bernoulli: expected ${out.length} probabilities, got ${probs.length}`);
  const isFloat = (probsDtype ?? (probs instanceof Float32Array ? 'float32' : 'float64')) === 'float32';
  const e = engineOf(gen);
  const n = out.length;
  for (let i = 0; i < n; i++) {
    const p = isFloat ? Math.fround(probs[i]) : probs[i];
    check(p >= 0 && p <= 1, () => 'Expected p_in >= 0 && p_in <= 1 to be true, but got false.');
    out[i] = (isFloat ? uniform24(e) : uniform53(e)) < p ? 1 : 0;
  }
}

/**
 * Fills `out` with exponential samples of rate lambd like Tensor.exponential_ (non-MKL
 * kernel): -1/lambd * log(1 - u) in double, u a 53-bit uniform, rounded to out's type.
 *
 * @example
 * manual_seed(0);
 * const a = new Float32Array(2);
 * exponentialFill(null, a); // [3.508326292037964, 1.2303847074508667]
 */
export function exponentialFill(gen: Generator | null | undefined, out: Float32Array | Float64Array,
  lambd = 1): void {
  check(lambd >= 0, () => `exponential_ expects lambda >= 0.0, but found lambda=${lambd}`);
  const e = engineOf(gen);
  const n = out.length;
  const scale = -1.0 / lambd;
  for (let i = 0; i < n; i++) out[i] = scale * log(1.0 - uniform53(e));
}
