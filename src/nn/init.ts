// torch.nn.init (torch/nn/init.py): every initializer, PyTorch's fan rules and gains. Each one
// runs under no_grad and draws from the generator in PyTorch's order, so a seeded run gives
// PyTorch's values.
import { no_grad } from '../autograd/grad_mode.js';
import { float32, float64 } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { randperm } from '../ops/random.js';
import { contig } from '../ops/convolution.js';
import { erf, erfinv } from '../ops/special.js';
import { ValueError } from '../ops/normalization.js';
import type { Generator } from '../random/generator.js';
import { check } from '../utils/check.js';
import { warn } from '../utils/warnings.js';
import { kwargs } from '../utils/kwargs.js';

export type FanMode = 'fan_in' | 'fan_out';
export type Nonlinearity =
  | 'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'conv_transpose1d' | 'conv_transpose2d' | 'conv_transpose3d'
  | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';

interface GenOpt {
  generator?: Generator | null;
}

function genOf(o: GenOpt): { generator?: Generator } {
  return { generator: o.generator ?? undefined };
}

const LINEAR_FNS = [
  'linear', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d',
];

function pyRepr(v: unknown): string {
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'string') return `'${v}'`;
  return String(v);
}

/**
 * The recommended gain for a nonlinearity (param: leaky_relu's negative slope, default 0.01).
 * @example calculate_gain('relu') // 1.4142135623730951
 */
export function calculate_gain(nonlinearity: Nonlinearity | string, param: number | null = null): number {
  if (LINEAR_FNS.includes(nonlinearity) || nonlinearity === 'sigmoid') return 1;
  if (nonlinearity === 'tanh') return 5.0 / 3;
  if (nonlinearity === 'relu') return Math.sqrt(2.0);
  if (nonlinearity === 'leaky_relu') {
    const p = param as unknown;
    check(p === null || p === undefined || typeof p === 'number', () =>
      `negative_slope ${pyRepr(p)} not a valid number`, ValueError);
    const slope = (p ?? 0.01) as number;
    return Math.sqrt(2.0 / (1 + slope ** 2));
  }
  if (nonlinearity === 'selu') return 3.0 / 4;
  throw new ValueError(`Unsupported nonlinearity ${nonlinearity}`);
}

/**
 * [fan_in, fan_out] of a weight: size(1) and size(0) times the receptive field (dims 2..).
 * @example _calculate_fan_in_and_fan_out(torch.empty(16, 8, 3, 3)) // [72, 144]
 */
export function _calculate_fan_in_and_fan_out(tensor: Tensor): [number, number] {
  check(tensor.dim() >= 2, () =>
    'Fan in and fan out can not be computed for tensor with fewer than 2 dimensions', ValueError);
  const receptive = tensor._shape.slice(2).reduce((a, b) => a * b, 1);
  return [tensor._shape[1] * receptive, tensor._shape[0] * receptive];
}

/**
 * fan_in or fan_out by mode (case-insensitive, as PyTorch lower()s it).
 * @example _calculate_correct_fan(torch.empty(16, 8, 3, 3), 'fan_out') // 144
 */
export function _calculate_correct_fan(tensor: Tensor, mode: FanMode | string): number {
  const m = mode.toLowerCase();
  check(m === 'fan_in' || m === 'fan_out', () =>
    `Mode ${m} not supported, please use one of ['fan_in', 'fan_out']`, ValueError);
  const [fanIn, fanOut] = _calculate_fan_in_and_fan_out(tensor);
  return m === 'fan_in' ? fanIn : fanOut;
}

/**
 * Fills with U(a, b).
 * @example nn.init.uniform_(w, -0.1, 0.1); nn.init.uniform_(w, { a: -0.1, b: 0.1 })
 */
export function uniform_<T extends Tensor>(tensor: T, a?: number | UniformOptions, b?: number,
  opts?: GenOpt): T {
  const o = kwargs<UniformOptions>(['a', 'b', 'generator'], [a, b, opts]);
  return no_grad(() => tensor.uniform_(o.a ?? 0, o.b ?? 1, genOf(o)));
}

export interface UniformOptions extends GenOpt {
  a?: number;
  b?: number;
}

export interface NormalOptions extends GenOpt {
  mean?: number;
  std?: number;
}

/**
 * Fills with N(mean, std^2).
 * @example nn.init.normal_(w, 0, 0.02); nn.init.normal_(w, { std: 0.02 })
 */
export function normal_<T extends Tensor>(tensor: T, mean?: number | NormalOptions, std?: number,
  opts?: GenOpt): T {
  const o = kwargs<NormalOptions>(['mean', 'std', 'generator'], [mean, std, opts]);
  return no_grad(() => tensor.normal_(o.mean ?? 0, o.std ?? 1, genOf(o)));
}

export interface TruncNormalOptions extends NormalOptions {
  a?: number;
  b?: number;
}

/** Applies fn to every value of `tensor` in place (a contiguous round trip), under no_grad. */
function mapValues(tensor: Tensor, fn: (v: number) => number): void {
  const c = contig(tensor);
  const src = c._storage.data;
  const out = Tensor._empty(tensor._shape, tensor.dtype);
  const dst = out._storage.data;
  for (let i = 0; i < dst.length; i++) dst[i] = fn(src[c._offset + i]);
  tensor.copy_(out);
}

/**
 * Fills with N(mean, std^2) truncated to [a, b] by PyTorch's inverse-CDF method: uniform_ on
 * [2 cdf(a) - 1, 2 cdf(b) - 1], then erfinv, scale, shift and clamp (in the tensor's precision).
 * @example nn.init.trunc_normal_(w, { std: 0.02 })
 */
export function trunc_normal_<T extends Tensor>(tensor: T, mean?: number | TruncNormalOptions, std?: number,
  a?: number, b?: number, opts?: GenOpt): T {
  const o = kwargs<TruncNormalOptions>(['mean', 'std', 'a', 'b', 'generator'], [mean, std, a, b, opts]);
  const m = o.mean ?? 0;
  const s = o.std ?? 1;
  const lo = o.a ?? -2;
  const hi = o.b ?? 2;
  if (m < lo - 2 * s || m > hi + 2 * s) {
    warn('mean is more than 2 std from [a, b] in nn.init.trunc_normal_. ' +
      'The distribution of values may be incorrect.');
  }
  const cdf = (x: number): number => (1 + erf(x / Math.sqrt(2))) / 2;
  const l = cdf((lo - m) / s);
  const u = cdf((hi - m) / s);
  return no_grad(() => {
    tensor.uniform_(2 * l - 1, 2 * u - 1, genOf(o));
    // PyTorch does erfinv_, mul_, add_, clamp_ in the tensor's dtype; float32 rounds at each step.
    const r = tensor.dtype === float32 ? Math.fround : (x: number) => x;
    const scale = r(s * Math.SQRT2);
    const shift = r(m);
    const [cl, ch] = [r(lo), r(hi)];
    mapValues(tensor, (v) => {
      const y = r(r(r(erfinv(v)) * scale) + shift);
      return y < cl ? cl : y > ch ? ch : y;
    });
    return tensor;
  });
}

/**
 * Fills with a constant.
 * @example nn.init.constant_(b, 0.1)
 */
export function constant_<T extends Tensor>(tensor: T, val: number | { val: number }): T {
  const v = typeof val === 'number' ? val : val.val;
  return no_grad(() => tensor.fill_(v));
}

/** Fills with ones. @example nn.init.ones_(bn.weight) */
export function ones_<T extends Tensor>(tensor: T): T {
  return no_grad(() => tensor.fill_(1));
}

/** Fills with zeros. @example nn.init.zeros_(bn.bias) */
export function zeros_<T extends Tensor>(tensor: T): T {
  return no_grad(() => tensor.zero_());
}

/** Writes values given at flat row-major positions into a zeroed tensor. */
function writeSparse(tensor: Tensor, positions: number[], value: number): void {
  const out = Tensor._zeros(tensor._shape, tensor.dtype);
  for (const p of positions) out._storage.data[p] = value;
  tensor.copy_(out);
}

/**
 * Fills a 2-D tensor with the identity (as torch.eye).
 * @example nn.init.eye_(torch.empty(3, 5))
 */
export function eye_<T extends Tensor>(tensor: T): T {
  check(tensor.dim() === 2, () => 'Only tensors with 2 dimensions are supported', ValueError);
  const [n, m] = tensor._shape;
  const pos: number[] = [];
  for (let i = 0; i < Math.min(n, m); i++) pos.push(i * m + i);
  return no_grad(() => {
    writeSparse(tensor, pos, 1);
    return tensor;
  });
}

/**
 * Fills a 3-, 4- or 5-D conv weight with the Dirac delta (identity convolution), per group.
 * @example nn.init.dirac_(torch.empty(4, 2, 3, 3), 2)
 */
export function dirac_<T extends Tensor>(tensor: T, groups: number | { groups?: number } = 1): T {
  const g = typeof groups === 'number' ? groups : groups.groups ?? 1;
  const nd = tensor.dim();
  check(nd >= 3 && nd <= 5, () => 'Only tensors with 3, 4, or 5 dimensions are supported', ValueError);
  const sizes = tensor._shape;
  check(sizes[0] % g === 0, () => 'dim 0 must be divisible by groups', ValueError);
  const perGroup = sizes[0] / g;
  const minDim = Math.min(perGroup, sizes[1]);
  const strides = sizes.map((_, i) => sizes.slice(i + 1).reduce((a, b) => a * b, 1));
  const centre = sizes.slice(2).reduce((acc, s, i) => acc + Math.floor(s / 2) * strides[i + 2], 0);
  const pos: number[] = [];
  for (let gi = 0; gi < g; gi++) {
    for (let d = 0; d < minDim; d++) pos.push((gi * perGroup + d) * strides[0] + d * strides[1] + centre);
  }
  return no_grad(() => {
    writeSparse(tensor, pos, 1);
    return tensor;
  });
}

export interface XavierOptions extends GenOpt {
  gain?: number;
}

/**
 * Glorot uniform: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)).
 * @example nn.init.xavier_uniform_(w, nn.init.calculate_gain('relu'))
 */
export function xavier_uniform_<T extends Tensor>(tensor: T, gain?: number | XavierOptions,
  opts?: GenOpt): T {
  const o = kwargs<XavierOptions>(['gain', 'generator'], [gain, opts]);
  const [fanIn, fanOut] = _calculate_fan_in_and_fan_out(tensor);
  const std = (o.gain ?? 1) * Math.sqrt(2.0 / (fanIn + fanOut));
  const a = Math.sqrt(3.0) * std;
  return no_grad(() => tensor.uniform_(-a, a, genOf(o)));
}

/**
 * Glorot normal: N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out)).
 * @example nn.init.xavier_normal_(w)
 */
export function xavier_normal_<T extends Tensor>(tensor: T, gain?: number | XavierOptions, opts?: GenOpt): T {
  const o = kwargs<XavierOptions>(['gain', 'generator'], [gain, opts]);
  const [fanIn, fanOut] = _calculate_fan_in_and_fan_out(tensor);
  const std = (o.gain ?? 1) * Math.sqrt(2.0 / (fanIn + fanOut));
  return no_grad(() => tensor.normal_(0, std, genOf(o)));
}

export interface KaimingOptions extends GenOpt {
  a?: number;
  mode?: FanMode;
  nonlinearity?: Nonlinearity;
}

/** std = gain / sqrt(fan) for the kaiming initializers, or null for a zero-element tensor. */
function kaimingStd(tensor: Tensor, o: KaimingOptions): number | null {
  if (tensor._shape.includes(0)) {
    warn('Initializing zero-element tensors is a no-op');
    return null;
  }
  const fan = _calculate_correct_fan(tensor, o.mode ?? 'fan_in');
  const gain = calculate_gain(o.nonlinearity ?? 'leaky_relu', o.a ?? 0);
  return gain / Math.sqrt(fan);
}

/**
 * He uniform: U(-bound, bound) with bound = gain * sqrt(3 / fan) (what Linear and Conv2d use
 * with a = sqrt(5)).
 * @example nn.init.kaiming_uniform_(w, { a: Math.sqrt(5) })
 */
export function kaiming_uniform_<T extends Tensor>(tensor: T, a?: number | KaimingOptions, mode?: FanMode,
  nonlinearity?: Nonlinearity, opts?: GenOpt): T {
  const o = kwargs<KaimingOptions>(['a', 'mode', 'nonlinearity', 'generator'], [a, mode, nonlinearity, opts]);
  const std = kaimingStd(tensor, o);
  if (std === null) return tensor;
  const bound = Math.sqrt(3.0) * std;
  return no_grad(() => tensor.uniform_(-bound, bound, genOf(o)));
}

/**
 * He normal: N(0, std^2) with std = gain / sqrt(fan).
 * @example nn.init.kaiming_normal_(w, { mode: 'fan_out', nonlinearity: 'relu' })
 */
export function kaiming_normal_<T extends Tensor>(tensor: T, a?: number | KaimingOptions, mode?: FanMode,
  nonlinearity?: Nonlinearity, opts?: GenOpt): T {
  const o = kwargs<KaimingOptions>(['a', 'mode', 'nonlinearity', 'generator'], [a, mode, nonlinearity, opts]);
  const std = kaimingStd(tensor, o);
  if (std === null) return tensor;
  return no_grad(() => tensor.normal_(0, std, genOf(o)));
}

/**
 * Reduced QR of an m x n matrix (m >= n, row-major float64) by Householder reflections;
 * returns Q (m x n) with its columns signed so that R's diagonal is non-negative, which is
 * torch's `q *= sign(diag(r))` convention made independent of the factorisation's signs.
 */
function householderQ(a: Float64Array, m: number, n: number): Float64Array {
  const r = Float64Array.from(a);
  const vs: Float64Array[] = [];
  const diag = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const v = new Float64Array(m - k);
    let norm = 0;
    for (let i = k; i < m; i++) norm += r[i * n + k] ** 2;
    norm = Math.sqrt(norm);
    const x0 = r[k * n + k];
    const alpha = x0 >= 0 ? -norm : norm;
    for (let i = k; i < m; i++) v[i - k] = r[i * n + k];
    v[0] -= alpha;
    const vn = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    if (vn > 0) for (let i = 0; i < v.length; i++) v[i] /= vn;
    reflect(r, v, k, n, k);
    diag[k] = r[k * n + k];
    vs.push(v);
  }
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * n + j] = 1;
  for (let k = n - 1; k >= 0; k--) reflect(q, vs[k], k, n, 0);
  for (let j = 0; j < n; j++) {
    const s = Math.sign(diag[j]);
    for (let i = 0; i < m; i++) q[i * n + j] *= s;
  }
  return q;
}

/** Applies I - 2 v v^T to rows k.. of the row-major (.. x n) matrix x, columns c0..n-1. */
function reflect(x: Float64Array, v: Float64Array, k: number, n: number, c0: number): void {
  for (let j = c0; j < n; j++) {
    let dot = 0;
    for (let i = 0; i < v.length; i++) dot += v[i] * x[(k + i) * n + j];
    if (dot === 0) continue;
    for (let i = 0; i < v.length; i++) x[(k + i) * n + j] -= 2 * dot * v[i];
  }
}

export interface OrthogonalOptions extends GenOpt {
  gain?: number;
}

/**
 * Fills with a (semi-)orthogonal matrix: QR of a standard normal [rows, numel/rows] draw, scaled
 * by gain.
 * @example nn.init.orthogonal_(torch.empty(3, 5))
 */
export function orthogonal_<T extends Tensor>(tensor: T, gain?: number | OrthogonalOptions,
  opts?: GenOpt): T {
  const o = kwargs<OrthogonalOptions>(['gain', 'generator'], [gain, opts]);
  check(tensor.dim() >= 2, () => 'Only tensors with 2 or more dimensions are supported', ValueError);
  if (tensor.numel() === 0) return tensor;
  const rows = tensor._shape[0];
  const cols = tensor.numel() / rows;
  return no_grad(() => {
    const flat = Tensor._empty([rows, cols], tensor.dtype).normal_(0, 1, genOf(o));
    const src = flat._storage.data;
    const [m, n] = rows < cols ? [cols, rows] : [rows, cols];
    const a = new Float64Array(m * n);
    // Factor the tall orientation (the transpose when rows < cols), as PyTorch does.
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) a[rows < cols ? j * n + i : i * n + j] = src[i * cols + j];
    }
    const q = householderQ(a, m, n);
    const out = Tensor._empty([rows, cols], float64);
    const od = out._storage.data;
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) od[i * cols + j] = rows < cols ? q[j * n + i] : q[i * n + j];
    }
    tensor.copy_(out.reshape(tensor._shape));
    tensor.mul_(o.gain ?? 1);
    return tensor;
  });
}

export interface SparseOptions extends GenOpt {
  sparsity?: number;
  std?: number;
}

/**
 * Fills a 2-D tensor from N(0, std^2), then zeroes ceil(sparsity * rows) random rows of each
 * column (each column's rows come from torch.randperm on the default generator, as PyTorch).
 * @example nn.init.sparse_(torch.empty(10, 4), 0.1)
 */
export function sparse_<T extends Tensor>(tensor: T, sparsity: number | SparseOptions, std?: number,
  opts?: GenOpt): T {
  const o = kwargs<SparseOptions>(['sparsity', 'std', 'generator'], [sparsity, std, opts]);
  check(tensor.dim() === 2, () => 'Only tensors with 2 dimensions are supported', ValueError);
  const [rows, cols] = tensor._shape;
  const numZeros = Math.ceil((o.sparsity ?? 0) * rows);
  return no_grad(() => {
    tensor.normal_(0, o.std ?? 0.01, genOf(o));
    const vals = contig(tensor).clone();
    const vd = vals._storage.data;
    for (let c = 0; c < cols; c++) {
      const perm = randperm(rows)._storage.data;
      for (let i = 0; i < Math.min(numZeros, rows); i++) vd[perm[i] * cols + c] = 0;
    }
    tensor.copy_(vals);
    return tensor;
  });
}

function deprecated<A extends unknown[], R>(name: string, fn: (...args: A) => R): (...args: A) => R {
  return (...args: A) => {
    warn(`nn.init.${name} is now deprecated in favor of nn.init.${name}_.`);
    return fn(...args);
  };
}

/** Deprecated aliases without the trailing underscore, as torch.nn.init keeps them. */
export const uniform = deprecated('uniform', uniform_);
export const normal = deprecated('normal', normal_);
export const constant = deprecated('constant', constant_);
export const xavier_uniform = deprecated('xavier_uniform', xavier_uniform_);
export const xavier_normal = deprecated('xavier_normal', xavier_normal_);
export const kaiming_uniform = deprecated('kaiming_uniform', kaiming_uniform_);
export const kaiming_normal = deprecated('kaiming_normal', kaiming_normal_);
export const orthogonal = deprecated('orthogonal', orthogonal_);
export const sparse = deprecated('sparse', sparse_);
