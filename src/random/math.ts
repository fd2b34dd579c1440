// Floating-point kernels the samplers need to reproduce PyTorch's CPU bits: fused multiply-add,
// the float32 log/sincos of aten/src/ATen/native/cpu/avx_mathfun.h as PyTorch's AVX2 build runs
// them, and correctly rounded double log/sin/cos standing in for glibc's libm.
//
// Why: PyTorch's distribution kernels are compiled with -mfma, so every `a * b + c` there is one
// fused operation, and its float32 Box–Muller uses avx_mathfun's polynomials, not libm. JS has
// neither FMA nor float32 transcendentals, so we rebuild both from exact double arithmetic.

// ---- error-free transformations (the low part of the last result goes to `lo`) ----

let lo = 0;
const f = Math.fround;
const SPLITTER = 134217729; // 2^27 + 1, Veltkamp's constant for splitting a double in halves

function twoSum(a: number, b: number): number {
  const s = a + b;
  const bb = s - a;
  lo = a - (s - bb) + (b - bb);
  return s;
}

function twoProd(a: number, b: number): number {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  lo = ah * bh - p + ah * bl + al * bh + al * bl;
  return p;
}

/**
 * Fused multiply-add in double: a * b + c with one rounding (C's fma), up to ties that need
 * more than 106 bits to decide.
 *
 * @example
 * fma(0.1, 10, -1); // 5.551115123125783e-17, where 0.1 * 10 - 1 gives 0
 */
export function fma(a: number, b: number, c: number): number {
  const p = twoProd(a, b);
  const pe = lo;
  // Splitting overflows beyond 2^996; plain arithmetic is all that is left there.
  if (!Number.isFinite(pe)) return a * b + c;
  const s = twoSum(p, c);
  return s + (lo + pe);
}

/**
 * Fused multiply-add in float32 (C's fmaf) for float32 inputs. The product is exact in double,
 * so rounding the double sum to float is right unless that sum sits exactly halfway between
 * two floats (double rounding). Only a sum with exactly 25 significant bits can, which a
 * Veltkamp split detects cheaply; those rare sums take the exact path.
 *
 * @example
 * const a = Math.fround(0.1);
 * fmaf(a, a, -Math.fround(a * a)); // -4.097819306103645e-10, the float product's rounding error
 */
export function fmaf(a: number, b: number, c: number): number {
  const s = a * b + c;
  const r = f(s);
  const t = s * 268435457; // 2^28 + 1: t - (t - s) is s rounded to 25 bits
  return t - (t - s) !== s || r === s ? r : fmafTie(a, b, c);
}

/** fmaf when the double sum has exactly 25 significant bits: a float midpoint. */
function fmafTie(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const r = f(s);
  // s is a midpoint exactly when the float on its other side, 2s - r (computed exactly), exists.
  const o = 2 * s - r;
  if (f(o) !== o) return r;
  const bb = s - p;
  const e = p - (s - bb) + (c - bb);
  if (e > 0) return r > o ? r : o;
  if (e < 0) return r < o ? r : o;
  return r;
}

// ---- avx_mathfun.h (Cephes polynomials), with the FMA contractions GCC made in libtorch ----
// The fused/unfused choice of each step below was read off the disassembly of PyTorch 1.13's
// AVX2 normal_fill_16_AVX2; the constants are the header's decimal literals rounded to float.
//
// Like the AVX code, these work on 8 lanes at a time, one polynomial step across all lanes
// before the next: the steps of one lane form a long dependency chain, and interleaving lanes
// lets the CPU overlap them. Working on arrays also keeps V8 from boxing doubles in calls.

const F32 = new Float32Array(1);
const I32 = new Int32Array(F32.buffer);
const MIN_NORM_POS = 1.1754943508222875e-38;
const SQRTHF = f(0.707106781186547524);
const LOG_P = new Float64Array([7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1,
  1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1].map(f));
const LOG_Q1 = f(-2.12194440e-4);
const LOG_Q2 = f(0.693359375);
const MINUS_DP = new Float64Array([-0.78515625, -2.4187564849853515625e-4, -3.77489497744594108e-8].map(f));
const SINCOF = new Float64Array([-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1].map(f));
const COSCOF = new Float64Array([2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2].map(f));
const FOPI = f(1.27323954473516);
const SIGN = new Float64Array([1, -1]);

// Per-lane registers.
const RX = new Float64Array(8);
const RE = new Float64Array(8);
const RZ = new Float64Array(8);
const RY = new Float64Array(8);
const RY2 = new Float64Array(8);
const RJ = new Int32Array(8);
const RSEL = new Float64Array(2);

/**
 * avx_mathfun's log256_ps over the first n lanes: out[l] = log(x[l]) for float32 x[l], NaN
 * for x[l] <= 0.
 *
 * @example
 * const out = new Float64Array(2);
 * log256_ps(new Float64Array([1, 0.5]), out); // out = [0, -0.6931471824645996]
 */
export function log256_ps(x: ArrayLike<number>, out: Float64Array, n = x.length): void {
  for (let b = 0; b < n; b += 8) log8(x, out, b, Math.min(8, n - b));
}

function log8(x: ArrayLike<number>, out: Float64Array, b: number, n: number): void {
  for (let l = 0; l < n; l++) {
    const v = x[b + l];
    // _mm256_max_ps returns its second operand when the first is NaN.
    F32[0] = v > MIN_NORM_POS ? v : MIN_NORM_POS;
    const bits = I32[0];
    I32[0] = (bits & ~0x7f800000) | 0x3f000000;
    const m = F32[0];
    // Mantissas below sqrt(1/2) are doubled (x + x - 1) and the exponent lowered by one.
    const small = +(m < SQRTHF);
    RE[l] = (bits >>> 23) - 126 - small;
    const xm = m * (1 + small) - 1;
    RX[l] = xm;
    RZ[l] = f(xm * xm);
    RY[l] = LOG_P[0];
  }
  for (let i = 1; i < 9; i++) {
    const p = LOG_P[i];
    for (let l = 0; l < n; l++) RY[l] = fmaf(RY[l], RX[l], p);
  }
  for (let l = 0; l < n; l++) {
    const xm = RX[l];
    const e = RE[l];
    const z = RZ[l];
    let y = f(RY[l] * xm);
    y = fmaf(y, z, f(e * LOG_Q1));
    y = f(y - 0.5 * z);
    out[b + l] = x[b + l] <= 0 ? NaN : fmaf(e, LOG_Q2, f(xm + y));
  }
}

/**
 * avx_mathfun's sincos256_ps over the first n lanes: float32 sin and cos of float32 x[l].
 *
 * @example
 * const s = new Float64Array(1);
 * const c = new Float64Array(1);
 * sincos256_ps(new Float64Array([0]), s, c); // s = [0], c = [1]
 */
export function sincos256_ps(x: ArrayLike<number>, sinOut: Float64Array, cosOut: Float64Array,
  n = x.length): void {
  for (let b = 0; b < n; b += 8) sincos8(x, sinOut, cosOut, b, Math.min(8, n - b));
}

function sincos8(x: ArrayLike<number>, sinOut: Float64Array, cosOut: Float64Array, b: number,
  n: number): void {
  for (let l = 0; l < n; l++) {
    const ax = Math.abs(x[b + l]);
    // Cephes' octant: j = (int(|x| * 4/pi) + 1) & ~1; its bits pick signs and polynomials.
    const j = ((Math.trunc(f(ax * FOPI)) | 0) + 1) & ~1;
    RJ[l] = j;
    // The "extended precision modular arithmetic" x - j (DP1 + DP2 + DP3), each step fused.
    // Below 2^13 each double sum j * DP + r is exact (j * DP has at most 39 bits and r's
    // last bit is no finer than 2^-24 of its octant), so one rounding to float is the fused
    // result; beyond that fmaf does the work.
    let r = ax;
    if (ax < 8192) {
      for (let i = 0; i < 3; i++) r = f(j * MINUS_DP[i] + r);
    } else {
      for (let i = 0; i < 3; i++) r = fmaf(j, MINUS_DP[i], r);
    }
    RX[l] = r;
    RZ[l] = f(r * r);
    RY[l] = COSCOF[0];
    RY2[l] = SINCOF[0];
  }
  for (let i = 1; i < 3; i++) {
    const pc = COSCOF[i];
    const ps = SINCOF[i];
    for (let l = 0; l < n; l++) {
      const z = RZ[l];
      RY[l] = fmaf(RY[l], z, pc);
      RY2[l] = fmaf(RY2[l], z, ps);
    }
  }
  for (let l = 0; l < n; l++) {
    const v = x[b + l];
    const z = RZ[l];
    const r = RX[l];
    const j = RJ[l];
    // cos poly: y z^2 - z/2 + 1; sin poly: y2 z x + x.
    RSEL[1] = f(fmaf(f(RY[l] * z), z, -0.5 * z) + 1);
    RSEL[0] = fmaf(f(RY2[l] * z), r, r);
    // Selecting and negating through tables keeps these unpredictable choices branch-free;
    // multiplying by -1 flips the sign bit exactly as the AVX xor does.
    const poly = (j >> 1) & 1;
    const negSin = ((j >> 2) & 1) ^ +(v < 0 || (v === 0 && 1 / v < 0));
    const negCos = (~(j - 2) >> 2) & 1;
    sinOut[b + l] = RSEL[poly] * SIGN[negSin];
    cosOut[b + l] = RSEL[poly ^ 1] * SIGN[negCos];
  }
}

// ---- correctly rounded double log, sin, cos ----
// glibc's libm (what PyTorch calls) is correctly rounded in all but ~0.1% of cases; V8's
// Math.log/sin/cos differ from it in ~3-7%. These evaluate in double-double (about 2^-75
// relative error) and round once, so they agree with glibc wherever glibc rounds correctly.

type DD = [number, number];

function ddAdd(a: DD, b: DD): DD {
  const s = twoSum(a[0], b[0]);
  const e = lo + a[1] + b[1];
  const h = s + e;
  return [h, e - (h - s)];
}

function ddMul(a: DD, b: DD): DD {
  const p = twoProd(a[0], b[0]);
  const e = lo + a[0] * b[1] + a[1] * b[0];
  const h = p + e;
  return [h, e - (h - p)];
}

function ddDiv(a: DD, b: number): DD {
  const q = a[0] / b;
  const p = twoProd(q, b);
  const r = (a[0] - p - lo + a[1]) / b;
  const h = q + r;
  return [h, r - (h - q)];
}

/** 2 atanh(num/den) = log((den + num) / (den - num)) in double-double, for small num/den. */
function ddLogRatio(num: number, den: number): DD {
  const z = ddDiv([num, 0], den);
  const z2 = ddMul(z, z);
  let term = z;
  let sum = z;
  for (let k = 3; Math.abs(term[0]) > 1e-40; k += 2) {
    term = ddMul(term, z2);
    sum = ddAdd(sum, ddDiv(term, k));
  }
  return [2 * sum[0], 2 * sum[1]];
}

const LN2 = ddLogRatio(1, 3);
// log 2 as a 42-bit head (so k * LN2_HI is exact) and a double tail.
const LN2_HI = Math.round(LN2[0] * 2 ** 41) / 2 ** 41;
const LN2_LO = LN2[0] - LN2_HI + LN2[1];
// log(j / 512) for the table points j/512 covering [sqrt(1/2), sqrt(2)].
const LOG_J0 = 362;
const LOG_J1 = 725;
const LOGC_HI = new Float64Array(LOG_J1 - LOG_J0 + 1);
const LOGC_LO = new Float64Array(LOG_J1 - LOG_J0 + 1);
for (let j = LOG_J0; j <= LOG_J1; j++) {
  const v = ddLogRatio(j - 512, j + 512);
  LOGC_HI[j - LOG_J0] = v[0];
  LOGC_LO[j - LOG_J0] = v[1];
}

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const HI_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/**
 * Correctly rounded natural log over the first n lanes (wrong in about one case in 10^7),
 * agreeing with glibc's log wherever glibc rounds correctly.
 *
 * @example
 * const out = new Float64Array(1);
 * logv(new Float64Array([0.5]), out); // out = [-0.6931471805599453]
 */
export function logv(xs: ArrayLike<number>, out: Float64Array, n = xs.length): void {
  for (let l = 0; l < n; l++) {
    let x = xs[l];
    if (!(x > 0) || x === Infinity) {
      out[l] = Math.log(x);
      continue;
    }
    let k = 0;
    if (x < 2.2250738585072014e-308) {
      x *= 18014398509481984; // 2^54 lifts subnormals into the normal range
      k = -54;
    }
    F64[0] = x;
    const hw = U32[HI_WORD];
    k += (hw >>> 20) - 1023;
    U32[HI_WORD] = (hw & 0x000fffff) | 0x3ff00000;
    let m = F64[0];
    if (m > Math.SQRT2) {
      m *= 0.5;
      k += 1;
    }
    // log(x) = k log 2 + log c + log1p(r), with c = j/512 near m and r = (m - c) / c small.
    const j = Math.round(m * 512);
    const c = j / 512;
    const d = m - c;
    const rh = d / c;
    // Exact products by Dekker's method, written out (no helper calls in this hot loop); c
    // has 10 bits, so only rh needs splitting.
    const sp = SPLITTER * rh;
    const rhh = sp - (sp - rh);
    const rhl = rh - rhh;
    const ph = rh * c;
    const rl = (d - ph - (rhh * c - ph + rhl * c)) / c;
    const sq = rh * rh;
    const half = 0.5 * sq;
    const halfLo = 0.5 * (rhh * rhh - sq + 2 * rhh * rhl + rhl * rhl) + rh * rl;
    const tail = rh * sq * (1 / 3 - rh * (1 / 4 - rh * (1 / 5 - rh * (1 / 6 - rh * (1 / 7
      - rh * (1 / 8 - rh / 9))))));
    // log1p(r) = s + sLo, where s + sErr = rh - half exactly.
    const s = rh - half;
    let bv = s - rh;
    const sLo = rh - (s - bv) + (-half - bv) + rl - halfLo + tail;
    // k log 2 + log c = t + tLo; k * LN2_HI is exact for |k| < 2^11.
    const kh = k * LN2_HI;
    const ch = LOGC_HI[j - LOG_J0];
    const t = kh + ch;
    bv = t - kh;
    const tLo = kh - (t - bv) + (ch - bv) + k * LN2_LO + LOGC_LO[j - LOG_J0];
    const u = t + s;
    bv = u - t;
    out[l] = u + (t - (u - bv) + (s - bv) + tLo + sLo);
  }
}

const LANE_IN = new Float64Array(1);
const LANE_OUT = new Float64Array(1);

/**
 * Correctly rounded natural logarithm, which is glibc's log wherever glibc rounds correctly;
 * see logv.
 *
 * @example
 * log(0.5); // -0.6931471805599453
 */
export function log(x: number): number {
  LANE_IN[0] = x;
  logv(LANE_IN, LANE_OUT, 1);
  return LANE_OUT[0];
}

// pi/2 split as 32 + 32 + 53 + 53 bits, so that k * PIO2_1 and k * PIO2_2 are exact for
// |k| < 2^21 and the sum holds pi/2 to 2^-177.
const PIO2_1 = 1.5707963267341256;
const PIO2_2 = 6.077100506303966e-11;
const PIO2_3 = 2.0222662487959506e-21;
const PIO2_4 = 1.0085854035872483e-37;
const P3A = SPLITTER * PIO2_3 - (SPLITTER * PIO2_3 - PIO2_3);
const P3B = PIO2_3 - P3A;
const SC_STEPS = 256;
const SC_N = 204;
const SIN_HI = new Float64Array(SC_N);
const SIN_LO = new Float64Array(SC_N);
const COS_HI = new Float64Array(SC_N);
const COS_LO = new Float64Array(SC_N);
// Veltkamp heads of SIN_HI and COS_HI, for exact products.
const SIN_HH = new Float64Array(SC_N);
const COS_HH = new Float64Array(SC_N);
for (let i = 0; i < SC_N; i++) {
  // Taylor series at a = i/256, where a^2 = i^2/65536 is exact.
  const a2 = (i * i) / (SC_STEPS * SC_STEPS);
  let st: DD = [i / SC_STEPS, 0];
  let ct: DD = [1, 0];
  let sinA = st;
  let cosA = ct;
  for (let n = 1; n < 30; n++) {
    st = ddDiv(ddMul(st, [-a2, 0]), 2 * n * (2 * n + 1));
    ct = ddDiv(ddMul(ct, [-a2, 0]), (2 * n - 1) * (2 * n));
    sinA = ddAdd(sinA, st);
    cosA = ddAdd(cosA, ct);
  }
  SIN_HI[i] = sinA[0];
  SIN_LO[i] = sinA[1];
  COS_HI[i] = cosA[0];
  COS_LO[i] = cosA[1];
  SIN_HH[i] = SPLITTER * sinA[0] - (SPLITTER * sinA[0] - sinA[0]);
  COS_HH[i] = SPLITTER * cosA[0] - (SPLITTER * cosA[0] - cosA[0]);
}

/**
 * Correctly rounded sin and cos over the first n lanes (wrong in about one case in 10^7),
 * agreeing with glibc's sincos wherever glibc rounds correctly. Arguments beyond 2^20 fall
 * back to Math.sin/cos.
 *
 * @example
 * const s = new Float64Array(1);
 * const c = new Float64Array(1);
 * sincosv(new Float64Array([1]), s, c); // s = [0.8414709848078965], c = [0.5403023058681398]
 */
export function sincosv(xs: ArrayLike<number>, sinOut: Float64Array, cosOut: Float64Array,
  n = xs.length): void {
  for (let l = 0; l < n; l++) {
    const x = xs[l];
    if (!(Math.abs(x) <= 1048576)) {
      sinOut[l] = Math.sin(x);
      cosOut[l] = Math.cos(x);
      continue;
    }
    if (x === 0) {
      sinOut[l] = x;
      cosOut[l] = 1;
      continue;
    }
    // Reduce: x = k pi/2 + r, r as a double-double (rh, rl). k * PIO2_1 and k * PIO2_2 are
    // exact, and k * PIO2_3 is exact as k * P3A + k * P3B.
    const k = Math.round(x * (2 / Math.PI));
    const t1 = x - k * PIO2_1;
    const k2 = k * PIO2_2;
    const t2 = t1 - k2;
    let bv = t2 - t1;
    let e = t1 - (t2 - bv) + (-k2 - bv);
    const kp3 = k * PIO2_3;
    e -= k * P3A - kp3 + k * P3B + k * PIO2_4;
    const t3 = t2 - kp3;
    bv = t3 - t2;
    e += t2 - (t3 - bv) + (-kp3 - bv);
    let rh = t3 + e;
    let rl = e - (rh - t3);
    const neg = rh < 0;
    if (neg) {
      rh = -rh;
      rl = -rl;
    }
    // r = a + b with a = i/256 from the table and |b| <= 1/512; sin b = bh + sbLo and
    // cos b = ch + cbLo by Taylor series, with b^2 = q + ql exactly.
    const i = Math.round(rh * SC_STEPS);
    const bh = rh - i / SC_STEPS;
    let sp = SPLITTER * bh;
    const bhh = sp - (sp - bh);
    const bhl = bh - bhh;
    const q = bh * bh;
    const ql = bhh * bhh - q + 2 * bhh * bhl + bhl * bhl;
    const sbLo = rl + bh * q * (-1 / 6 + q * (1 / 120 - q * (1 / 5040 - q / 362880)));
    const ch = 1 - 0.5 * q;
    const cbLo = 1 - ch - 0.5 * q - 0.5 * ql - bh * rl + q * q * (1 / 24 - q * (1 / 720 - q / 40320));
    let s: number;
    let c: number;
    if (i === 0) {
      s = bh + sbLo;
      c = ch + cbLo;
    } else {
      // sin r = sin a cos b + cos a sin b; cos r = cos a cos b - sin a sin b, with the
      // leading products exact (the table holds pre-split heads).
      const sh = SIN_HI[i];
      const sl = SIN_LO[i];
      const cah = COS_HI[i];
      const cal = COS_LO[i];
      const shh = SIN_HH[i];
      const shl = sh - shh;
      const cahh = COS_HH[i];
      const cahl = cah - cahh;
      sp = SPLITTER * ch;
      const chh = sp - (sp - ch);
      const chl = ch - chh;
      const p1 = sh * ch;
      const p1l = shh * chh - p1 + shh * chl + shl * chh + shl * chl;
      const p2 = cah * bh;
      const p2l = cahh * bhh - p2 + cahh * bhl + cahl * bhh + cahl * bhl;
      const ss = p1 + p2;
      bv = ss - p1;
      s = ss + (p1 - (ss - bv) + (p2 - bv) + p1l + p2l + sh * cbLo + sl * ch + cah * sbLo + cal * bh);
      const q1 = cah * ch;
      const q1l = cahh * chh - q1 + cahh * chl + cahl * chh + cahl * chl;
      const q2 = sh * bh;
      const q2l = shh * bhh - q2 + shh * bhl + shl * bhh + shl * bhl;
      const cc = q1 - q2;
      bv = cc - q1;
      c = cc + (q1 - (cc - bv) + (-q2 - bv) + q1l - q2l + cah * cbLo + cal * ch - sh * sbLo - sl * bh);
    }
    if (neg) s = -s;
    switch (k & 3) {
      case 0:
        sinOut[l] = s;
        cosOut[l] = c;
        break;
      case 1:
        sinOut[l] = c;
        cosOut[l] = -s;
        break;
      case 2:
        sinOut[l] = -s;
        cosOut[l] = -c;
        break;
      default:
        sinOut[l] = -c;
        cosOut[l] = s;
    }
  }
}

const SIN1 = new Float64Array(1);
const COS1 = new Float64Array(1);

/**
 * Correctly rounded sine (glibc's sin wherever glibc rounds correctly); see sincosv.
 *
 * @example
 * sin(Math.PI); // 1.2246467991473532e-16
 */
export function sin(x: number): number {
  LANE_IN[0] = x;
  sincosv(LANE_IN, SIN1, COS1, 1);
  return SIN1[0];
}

/**
 * Correctly rounded cosine (glibc's cos wherever glibc rounds correctly); see sincosv.
 *
 * @example
 * cos(Math.PI); // -1
 */
export function cos(x: number): number {
  LANE_IN[0] = x;
  sincosv(LANE_IN, SIN1, COS1, 1);
  return COS1[0];
}
