// How Python prints values, for reprs that must match PyTorch's text: floats (1e-05, 0.1,
// 1.0), bools (True), None, tuples ((3, 3)).

/** Python's repr of a float: shortest round-trip digits, exponent form outside [1e-4, 1e16). */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const ax = Math.abs(x);
  if (ax >= 1e-4 && ax < 1e16) {
    const s = String(x);
    if (s.includes('e')) return fixedFromExp(x);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mant, exp] = x.toExponential().split('e');
  const e = Number(exp);
  const sign = e < 0 ? '-' : '+';
  const digits = String(Math.abs(e)).padStart(2, '0');
  return `${mant}e${sign}${digits}`;
}

/** Positional digits of a float that JS prints in exponent form (1e-7 < |x| < 1e-4 never here). */
function fixedFromExp(x: number): string {
  const s = x.toFixed(20).replace(/0+$/, '');
  return s.endsWith('.') ? `${s}0` : s;
}

/** Python's repr of a value as PyTorch's extra_repr formats it with str.format. */
export function py(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return Number.isInteger(v) && !Object.is(v, -0) ? String(v) : pyFloat(v);
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.length === 1 ? `(${py(v[0])},)` : `(${v.map(py).join(', ')})`;
  return String(v);
}

/** Python's repr of a string: 'text'. */
export function pyStr(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
