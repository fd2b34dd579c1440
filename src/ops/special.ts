// Special functions in float64: erf, erfc, erfinv, and the erfinv op (torch.special.erfinv,
// ATen/native/Math.h's calc_erfinv). nn.init.trunc_normal_ relies on these being accurate.
import { float32 } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { contig } from './convolution.js';
import { defineOp } from './define.js';

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
/** Below this |x|, erf comes from its series; above, erf = 1 - erfc. */
const SERIES_LIMIT = 0.5;
/** At and above this x, erfc comes from its continued fraction. */
const FRACTION_LIMIT = 4;
const NODE_STEP = 0.25;

/** erf by its everywhere-positive series erf(x) = 2/sqrt(pi) e^(-x^2) sum 2^n x^(2n+1) / (2n+1)!!. */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 0; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 3);
    sum += term;
    if (Math.abs(term) <= 1e-17 * Math.abs(sum)) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
}

/** erfcx(x) = e^(x^2) erfc(x) for large x by its continued fraction 1/sqrt(pi)/(x + 1/2/(x + ...)). */
function erfcxFraction(x: number): number {
  // Modified Lentz evaluation of x + a1/(x + a2/(x + ...)) with a_n = n/2.
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    d = 1 / (x + a * d);
    c = x + a / c;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return 1 / (Math.sqrt(Math.PI) * f);
}

/**
 * erfcx(x0 + h) by its Taylor series at x0, whose coefficients follow from the ODE
 * y' = 2xy - 2/sqrt(pi): (k+1) a[k+1] = 2 x0 a[k] + 2 a[k-1].
 */
function erfcxTaylor(x0: number, y0: number, h: number): number {
  let prev = y0;
  let cur = 2 * x0 * y0 - TWO_OVER_SQRT_PI;
  let hk = h;
  let sum = y0 + cur * h;
  for (let k = 1; k < 80; k++) {
    const next = (2 * x0 * cur + 2 * prev) / (k + 1);
    hk *= h;
    const term = next * hk;
    sum += term;
    prev = cur;
    cur = next;
    if (k > 3 && Math.abs(term) <= 1e-18 * Math.abs(sum)) break;
  }
  return sum;
}

/** erfcx at SERIES_LIMIT + j * NODE_STEP, stepped down from the continued fraction (a stable direction). */
const NODES: Float64Array = (() => {
  const n = Math.round((FRACTION_LIMIT - SERIES_LIMIT) / NODE_STEP);
  const y = new Float64Array(n + 1);
  y[n] = erfcxFraction(FRACTION_LIMIT);
  for (let j = n - 1; j >= 0; j--) {
    y[j] = erfcxTaylor(SERIES_LIMIT + (j + 1) * NODE_STEP, y[j + 1], -NODE_STEP);
  }
  return y;
})();

/** e^(-x^2) without the rounding error of x*x (which e^ would amplify by x^2 for large x). */
function expNegSquare(x: number): number {
  const hi = Math.round(x * 4096) / 4096;
  return Math.exp(-hi * hi) * Math.exp((hi - x) * (x + hi));
}

/** erfc(x) for SERIES_LIMIT <= x, accurate to a few ulps. */
function erfcUpper(x: number): number {
  if (x >= FRACTION_LIMIT) return expNegSquare(x) * erfcxFraction(x);
  const j = Math.round((x - SERIES_LIMIT) / NODE_STEP);
  const x0 = SERIES_LIMIT + j * NODE_STEP;
  return expNegSquare(x) * erfcxTaylor(x0, NODES[j], x - x0);
}

/**
 * The error function erf(x) = 2/sqrt(pi) * integral_0^x e^(-t^2) dt, accurate to a few ulps.
 * @example erf(1) // 0.8427007929497149
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax < SERIES_LIMIT) return erfSeries(x);
  if (ax > 6) return Math.sign(x);
  const r = 1 - erfcUpper(ax);
  return x < 0 ? -r : r;
}

/**
 * The complementary error function 1 - erf(x), accurate in the far tail.
 * @example erfc(3) // 0.000022090496998585441
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < -6) return 2;
  if (x < -SERIES_LIMIT) return 2 - erfcUpper(-x);
  if (x < SERIES_LIMIT) return 1 - erfSeries(x);
  if (x > 27.3) return 0;
  return erfcUpper(x);
}

/**
 * The inverse error function: erf(erfinv(y)) = y for y in [-1, 1] (NaN outside, +-Infinity at +-1).
 * A closed-form first guess is polished by Halley steps on erf (or erfc near +-1).
 * @example erfinv(0.5) // 0.4769362762044699
 */
export function erfinv(y: number): number {
  if (Number.isNaN(y) || y < -1 || y > 1) return NaN;
  if (y === 1 || y === -1) return y * Infinity;
  if (y === 0) return y;
  const ay = Math.abs(y);
  const tail = 1 - ay;
  // Winitzki's approximation, good to about 2e-3 relative, as the starting point.
  const a = 0.147;
  const ln = Math.log(tail * (1 + ay));
  const t = 2 / (Math.PI * a) + ln / 2;
  let x = Math.sqrt(Math.sqrt(t * t - ln / a) - t);
  for (let i = 0; i < 8; i++) {
    // f(x) = erf(x) - ay, written through erfc in the tail where erf(x) ~ 1 loses digits.
    const f = ay <= 0.5 ? erf(x) - ay : tail - erfc(x);
    const fp = TWO_OVER_SQRT_PI * Math.exp(-x * x);
    const step = f / fp / (1 + (x * f) / fp);
    x -= step;
    if (Math.abs(step) <= 1e-16 * x) break;
  }
  return y < 0 ? -x : x;
}

const erfinvOp = defineOp({
  name: 'ErfinvBackward0',
  forward(ctx, x: Tensor) {
    const xc = contig(x);
    const out = Tensor._empty(x._shape, x.dtype);
    const src = xc._storage.data;
    const dst = out._storage.data;
    for (let i = 0; i < dst.length; i++) dst[i] = erfinv(src[xc._offset + i]);
    ctx.save_for_backward(out);
    return out;
  },
  backward(ctx, g) {
    const [y] = ctx.saved_tensors;
    return [g.mul(y.square().exp().mul(Math.sqrt(Math.PI) / 2))];
  },
});

/**
 * torch.erfinv(input) / torch.special.erfinv: the inverse error function, elementwise.
 * @example erfinv_tensor(torch.tensor([0, 0.5])) // tensor([0.0000, 0.4769])
 */
export function erfinv_tensor(input: Tensor): Tensor {
  return erfinvOp(input.dtype.is_floating_point ? input : input.to(float32));
}
