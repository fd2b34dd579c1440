// Number formatting for tensor printing: Python's '{:.Nf}', '{:.Ne}' and str(int), and PyTorch's
// _Formatter (mode and column width choice). Mirrors _Formatter in torch/_tensor_str.py.
// Pure: it sees plain numbers, never a Tensor.

/**
 * The exact decimal value of a finite double as `digits * 10**-scale` (digits without a sign).
 * Every double is a dyadic rational m * 2**e, so m * 5**-e / 10**-e is exact for e < 0.
 */
function exactDecimal(x: number): { digits: bigint; scale: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = hi >>> 20;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e = biased === 0 ? -1074 : biased - 1075;
  if (biased !== 0) m |= 1n << 52n;
  if (m === 0n) return { digits: 0n, scale: 0 };
  while ((m & 1n) === 0n) {
    m >>= 1n;
    e += 1;
  }
  if (e >= 0) return { digits: m << BigInt(e), scale: 0 };
  return { digits: m * 5n ** BigInt(-e), scale: -e };
}

/** digits / 10**drop rounded half-to-even, as Python rounds the exact binary value. */
function roundDrop(digits: bigint, drop: number): bigint {
  if (drop <= 0) return digits * 10n ** BigInt(-drop);
  const p = 10n ** BigInt(drop);
  const q = digits / p;
  const twice = (digits % p) * 2n;
  if (twice > p || (twice === p && (q & 1n) === 1n)) return q + 1n;
  return q;
}

/** The sign Python prints: '-' for negatives and for -0.0. */
function signOf(x: number): string {
  return x < 0 || Object.is(x, -0) ? '-' : '';
}

/**
 * Python's `'{:.Nf}'.format(x)`: exact half-to-even rounding, `-0.0000` keeps its sign, no
 * exponent form for huge values (JS toFixed rounds ties up and switches to exponents at 1e21).
 *
 * @example
 * pyFixed(0.03125, 4); // '0.0312'
 */
export function pyFixed(x: number, precision: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const { digits, scale } = exactDecimal(x);
  const s = roundDrop(digits, scale - precision).toString().padStart(precision + 1, '0');
  const cut = s.length - precision;
  const body = precision === 0 ? s : `${s.slice(0, cut)}.${s.slice(cut)}`;
  return signOf(x) + body;
}

/**
 * Python's `'{:.Ne}'.format(x)`: N digits after the point, half-to-even on the exact value, and
 * an exponent of at least two digits.
 *
 * @example
 * pyExp(12345, 2); // '1.23e+04'
 */
export function pyExp(x: number, precision: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const { digits, scale } = exactDecimal(x);
  let exp = 0;
  let kept = 0n;
  if (digits !== 0n) {
    const length = digits.toString().length;
    exp = length - 1 - scale;
    kept = roundDrop(digits, length - (precision + 1));
    // Rounding 9.99995 up gives one digit too many: 10.0000 is 1.0000e+01.
    if (kept.toString().length > precision + 1) {
      kept /= 10n;
      exp += 1;
    }
  }
  const s = kept.toString().padStart(precision + 1, '0');
  const mantissa = precision === 0 ? s : `${s[0]}.${s.slice(1)}`;
  const expSign = exp < 0 ? '-' : '+';
  return `${signOf(x)}${mantissa}e${expSign}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/**
 * Python's str() of an integer or bool element: exact digits even past 2**53, where JS's
 * String() would print a shortest round-trip form ending in zeros.
 *
 * @example
 * pyIntStr(2 ** 62, false); // '4611686018427387904'
 */
export function pyIntStr(x: number, isBool: boolean): string {
  if (isBool) return x ? 'True' : 'False';
  return Number.isSafeInteger(x) ? String(x) : BigInt(x).toString();
}

/** The print options a formatter depends on. */
export interface FormatOptions {
  precision: number;
  sci_mode: boolean | null;
}

/**
 * PyTorch's _Formatter, built over the values that will be printed: the whole tensor, or only
 * the edge elements of a summarised one. It picks int/fixed/scientific mode and a column width.
 *
 * @example
 * const f = new Formatter([1.5, -20], 'float32', { precision: 4, sci_mode: null });
 * f.format(1.5); // ' 1.5000'
 */
export class Formatter {
  readonly floating: boolean;
  readonly isBool: boolean;
  int_mode = true;
  sci_mode = false;
  max_width = 1;
  private readonly precision: number;

  constructor(values: readonly number[], dtype: string, opts: FormatOptions) {
    this.floating = dtype === 'float32' || dtype === 'float64';
    this.isBool = dtype === 'bool';
    this.precision = opts.precision;
    if (!this.floating) {
      for (const v of values) this.widen(pyIntStr(v, this.isBool).length);
      return;
    }
    const finite = values.filter((v) => Number.isFinite(v) && v !== 0);
    // Nothing to measure (all zero/nan/inf): PyTorch returns before applying a forced sci_mode.
    if (finite.length === 0) return;
    this.int_mode = finite.every((v) => v === Math.ceil(v));
    let min = Infinity;
    let max = 0;
    for (const v of finite) {
      min = Math.min(min, Math.abs(v));
      max = Math.max(max, Math.abs(v));
    }
    // PyTorch 2.x measures the width in the mode it prints in, so a forced sci_mode decides
    // first (1.13 measured in the automatic mode and then switched; see tools/oracle/print.py).
    this.sci_mode = opts.sci_mode ?? (max / min > 1000 || max > 1e8 || min < 1e-4);
    for (const v of finite) this.widen(this.measure(v));
  }

  /** Width of one nonzero finite value in the chosen mode; int_mode adds the trailing '.'. */
  private measure(v: number): number {
    if (this.sci_mode) return pyExp(v, this.precision).length;
    if (this.int_mode) return pyFixed(v, 0).length + 1;
    return pyFixed(v, this.precision).length;
  }

  private widen(n: number): void {
    this.max_width = Math.max(this.max_width, n);
  }

  width(): number {
    return this.max_width;
  }

  /** One element's text, right-aligned to the column width. */
  format(v: number): string {
    let s: string;
    if (!this.floating) s = pyIntStr(v, this.isBool);
    else if (this.sci_mode) s = pyExp(v, this.precision);
    else if (this.int_mode) s = Number.isFinite(v) ? `${pyFixed(v, 0)}.` : pyFixed(v, 0);
    else s = pyFixed(v, this.precision);
    return s.padStart(this.max_width, ' ');
  }
}
