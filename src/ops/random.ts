// Random sampling: rand, randn, randint, randperm and the in-place uniform_, normal_,
// bernoulli_, random_ (ATen/native/Distributions.cpp), drawing from the PyTorch-identical
// CPU generator in src/random/.
import { K } from '../backend/backend.js';
import { type DType, float32, float64, int64, toDType, get_default_dtype } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { check } from '../utils/check.js';
import { type FactoryOpts } from '../tensor/factories.js';
import { Generator, default_generator } from '../random/generator.js';
import {
  bernoulliFill, bernoulliTensorFill, normalFill, randintFill, randperm as randpermFill, uniformFill,
} from '../random/distributions.js';
import { checkInplace } from './inplace.js';
import { kv, sizeArgs, splitOpts, storeKind } from './util.js';

export type GeneratorLike = Generator;

interface RandOpts extends FactoryOpts {
  generator?: Generator | null;
  size?: number[];
}

function gen(g: Generator | null | undefined): Generator {
  return g ?? default_generator;
}

/**
 * Fills `self` in PyTorch's element order: memory order (TensorIterator sorts dims by stride),
 * which is row-major for contiguous tensors. `fill` gets a dense buffer and whether self was.
 */
function fillVia(self: Tensor,
  fill: (buf: Float32Array | Float64Array, dt: DType, contiguous: boolean) => void): void {
  checkInplace(self);
  const dt = self.dtype === float64 ? float64 : float32;
  const contiguous = self.is_contiguous();
  if (contiguous && self.dtype === dt) {
    const n = self.numel();
    fill(self._storage.data.subarray(self._offset, self._offset + n) as Float32Array | Float64Array, dt, true);
  } else {
    // Visit self in memory order: permute its dims by decreasing stride.
    const perm = self._shape.map((_, d) => d).sort((a, b) => self._strides[b] - self._strides[a]);
    const target = contiguous ? self : self.permute(perm);
    const tmp = Tensor._empty(target._shape, dt);
    fill(tmp._storage.data as Float32Array | Float64Array, dt, contiguous);
    K().copy(kv(tmp), kv(target), storeKind(self.dtype));
  }
  self._version.value++;
}

function floatOnly(self: Tensor, what: string): void {
  check(self.dtype.is_floating_point, () => `${what} expects a floating point tensor, got ${self.dtype}`);
}

/** t.uniform_(from=0, to=1, { generator }) */
export function uniform_<T extends Tensor>(self: T, from: number | { from?: number; to?: number; generator?: Generator } = 0,
  to = 1, opts?: { generator?: Generator }): T {
  let g = opts?.generator;
  if (typeof from === 'object') {
    to = from.to ?? 1;
    g = from.generator;
    from = from.from ?? 0;
  }
  floatOnly(self, 'uniform_');
  check(from <= to, () => `uniform_ expects to return a [from, to) range, but found from=${from} > to=${to}`);
  const lo = from;
  fillVia(self, (buf, dt) => uniformFill(gen(g), buf, lo, to, dt.name as 'float32'));
  return self;
}

/** t.normal_(mean=0, std=1, { generator }) */
export function normal_<T extends Tensor>(self: T, mean: number | { mean?: number; std?: number; generator?: Generator } = 0,
  std = 1, opts?: { generator?: Generator }): T {
  let g = opts?.generator;
  if (typeof mean === 'object') {
    std = mean.std ?? 1;
    g = mean.generator;
    mean = mean.mean ?? 0;
  }
  floatOnly(self, 'normal_');
  check(std >= 0, () => `normal expects std >= 0.0, but found std ${std}`);
  const m = mean;
  fillVia(self, (buf, dt, contiguous) => normalFill(gen(g), buf, m, std, dt.name as 'float32', contiguous));
  return self;
}

/** t.bernoulli_(p=0.5, { generator }): 1 with probability p (a number or a tensor of them). */
export function bernoulli_<T extends Tensor>(self: T, p: number | Tensor | { p?: number; generator?: Generator } = 0.5,
  opts?: { generator?: Generator }): T {
  let g = opts?.generator;
  if (typeof p === 'object' && !(p instanceof Tensor)) {
    g = p.generator;
    p = p.p ?? 0.5;
  }
  const prob = p;
  if (prob instanceof Tensor) {
    // PyTorch draws 24-bit uniforms for float32 probabilities and 53-bit ones for float64.
    const pd = prob.dtype === float32 ? float32 : float64;
    const probs = prob.to(pd).expand(self._shape).contiguous();
    fillVia(self, (buf) => bernoulliTensorFill(gen(g), buf, probs._storage.data as Float64Array, pd.name as 'float32'));
  } else {
    check(prob >= 0 && prob <= 1, () => `bernoulli_ expects p to be in [0, 1], but got p=${prob}`);
    fillVia(self, (buf) => bernoulliFill(gen(g), buf, prob));
  }
  return self;
}

/** torch.bernoulli(input, { generator }): samples with the probabilities in input. */
export function bernoulli(input: Tensor, opts: { generator?: Generator; p?: number } = {}): Tensor {
  const out = Tensor._empty(input._shape, input.dtype);
  return bernoulli_(out, opts.p ?? input, { generator: opts.generator });
}

/** t.random_(from, to): integers uniformly in [from, to). */
export function random_<T extends Tensor>(self: T, from?: number, to?: number, opts?: { generator?: Generator }): T {
  check(from !== undefined, () => 'random_() without bounds is not supported by tstorch; pass from and to');
  const lo = to === undefined ? 0 : from;
  const hi = to === undefined ? from : to;
  checkInplace(self);
  const tmp = Tensor._empty(self._shape, int64);
  randintFill(gen(opts?.generator), tmp._storage.data as Float64Array, lo, hi);
  K().copy(kv(tmp), kv(self), storeKind(self.dtype));
  self._version.value++;
  return self;
}

function randFactory(args: unknown[]): [number[], RandOpts] {
  const [pos, opts] = splitOpts<RandOpts>(args);
  const size = pos.length === 0 && opts.size ? opts.size.slice() : sizeArgs(pos);
  return [size, opts];
}

function floatDtype(opts: RandOpts): DType {
  const d = opts.dtype ? toDType(opts.dtype) : get_default_dtype();
  check(d.is_floating_point, () => `"check_uniform_bounds" not implemented for '${d.name}'`);
  return d;
}

function withGrad(t: Tensor, opts: RandOpts): Tensor {
  if (opts.requires_grad) t.requires_grad_(true);
  return t;
}

/**
 * torch.rand(*size, { dtype, generator, requires_grad }): uniform on [0, 1).
 * @example torch.manual_seed(0); torch.rand(3) // tensor([0.4963, 0.7682, 0.0885])
 */
export function rand(...args: unknown[]): Tensor {
  const [size, opts] = randFactory(args);
  const t = Tensor._empty(size, floatDtype(opts));
  uniform_(t, 0, 1, { generator: opts.generator ?? undefined });
  return withGrad(t, opts);
}

/** torch.randn(*size, { dtype, generator, requires_grad }): standard normal samples. */
export function randn(...args: unknown[]): Tensor {
  const [size, opts] = randFactory(args);
  const t = Tensor._empty(size, floatDtype(opts));
  normal_(t, 0, 1, { generator: opts.generator ?? undefined });
  return withGrad(t, opts);
}

/** torch.randint(low=0, high, size, { dtype, generator }): int64 by default. */
export function randint(...args: unknown[]): Tensor {
  const [pos, opts] = splitOpts<RandOpts & { low?: number; high?: number }>(args);
  let low = opts.low ?? 0;
  let high = opts.high as number;
  let size = opts.size as number[];
  if (pos.length === 2) [high, size] = pos as [number, number[]];
  else if (pos.length >= 3) [low, high, size] = pos as [number, number, number[]];
  else if (pos.length === 1) size = pos[0] as number[];
  check(Array.isArray(size), () => 'randint() missing required argument: size', TypeError);
  check(low < high, () => `random_ expects 'from' to be less than 'to', but got from=${low} >= to=${high}`);
  const t = Tensor._empty(size, int64);
  randintFill(gen(opts.generator), t._storage.data as Float64Array, low, high);
  return opts.dtype ? t.to(opts.dtype) : t;
}

/** torch.randperm(n, { dtype, generator }): a random permutation of 0..n-1. */
export function randperm(n: number, opts: RandOpts = {}): Tensor {
  check(n >= 0, () => `n must be non-negative, got${n}`);
  const t = Tensor._fromData(randpermFill(gen(opts.generator), n), [n], int64);
  return opts.dtype ? t.to(opts.dtype) : t;
}

export function rand_like(x: Tensor, opts: RandOpts = {}): Tensor {
  return rand(x._shape, { ...opts, dtype: opts.dtype ?? x.dtype });
}

export function randn_like(x: Tensor, opts: RandOpts = {}): Tensor {
  return randn(x._shape, { ...opts, dtype: opts.dtype ?? x.dtype });
}

export function randint_like(x: Tensor, low: number, high?: number, opts: RandOpts = {}): Tensor {
  const [lo, hi] = high === undefined ? [0, low] : [low, high];
  return randint(lo, hi, x._shape, { ...opts, dtype: opts.dtype ?? x.dtype });
}
