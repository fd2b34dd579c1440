// Reductions: sum, mean, prod, max/min, amax/amin, argmax/argmin, var/std, logsumexp, softmax,
// log_softmax, any/all, norm (ATen/native/ReduceOps.cpp, SoftMax.cpp; derivatives.yaml).
import { K, type ReduceOp } from '../backend/backend.js';
import { type DType, type DTypeLike, bool, int64, toDType } from '../tensor/dtype.js';
import { Tensor, type Dims } from '../tensor/tensor.js';
import { wrapDims } from '../tensor/view.js';
import { IndexError, check, wrapDim } from '../utils/check.js';
import { defineOp } from './define.js';
import { is_grad_enabled } from '../autograd/grad_mode.js';
import { kv, storeKind } from './util.js';
import { eq, where } from './binary.js';
import { to } from './shape.js';
import { arange } from '../tensor/factories.js';

export interface ReduceOpts {
  dim?: Dims | null;
  keepdim?: boolean;
  dtype?: DTypeLike;
}

export interface VarOpts extends ReduceOpts {
  correction?: number;
  unbiased?: boolean;
}

/** A (values, indices) pair that also reads as `.values` / `.indices`, like torch.return_types. */
export interface ValuesIndices extends Omit<[Tensor, Tensor], 'values'> {
  values: Tensor;
  indices: Tensor;
}

export function valuesIndices(values: Tensor, indices: Tensor): ValuesIndices {
  const r = [values, indices] as unknown as ValuesIndices;
  r.values = values;
  r.indices = indices;
  return r;
}

/** Normalises `(dim, keepdim)` / `({ dim, keepdim, dtype })` call forms. */
function parse(dim: unknown, keepdim: unknown): { dims: number[] | null; keepdim: boolean; dtype?: DTypeLike } {
  let o: ReduceOpts = {};
  if (dim !== null && typeof dim === 'object' && !Array.isArray(dim)) o = dim as ReduceOpts;
  else o.dim = dim as Dims | null | undefined;
  if (keepdim !== null && typeof keepdim === 'object') o = { ...o, ...(keepdim as ReduceOpts) };
  else if (keepdim !== undefined) o.keepdim = keepdim as boolean;
  const d = o.dim;
  const dims = d === undefined || d === null ? null : typeof d === 'number' ? [d] : d.slice();
  return { dims, keepdim: o.keepdim ?? false, dtype: o.dtype };
}

function reducedShape(shape: readonly number[], dims: readonly number[], keepdim: boolean): number[] {
  const out: number[] = [];
  shape.forEach((s, i) => {
    if (!dims.includes(i)) out.push(s);
    else if (keepdim) out.push(1);
  });
  return out;
}

function allDims(x: Tensor, dims: number[] | null): number[] {
  if (dims === null || dims.length === 0) return x._shape.map((_, i) => i);
  return wrapDims(dims, x.dim());
}

/** Runs a reduce kernel into a new tensor. */
function reduceKernel(op: ReduceOp, x: Tensor, dims: number[], keepdim: boolean, dt: DType): Tensor {
  const out = Tensor._empty(reducedShape(x._shape, dims, keepdim), dt);
  K().reduce(op, kv(x), dims, out._storage.data, storeKind(dt));
  return out;
}

/** Expands a reduced gradient back over the reduced dims of `shape`. */
function expandBack(g: Tensor, shape: readonly number[], dims: readonly number[], keepdim: boolean): Tensor {
  let r = g;
  if (!keepdim) for (const d of [...dims].sort((a, b) => a - b)) r = r.unsqueeze(d);
  return r.expand(shape);
}

const sumImpl = (name: string) => defineOp({
  name,
  forward(ctx, x: Tensor, dims: number[], keepdim: boolean, dt: DType) {
    Object.assign(ctx, { shape: x._shape.slice(), dims, keepdim });
    return reduceKernel('sum', x, dims, keepdim, dt);
  },
  backward: (ctx, g) => [expandBack(g, ctx.shape as number[], ctx.dims as number[], ctx.keepdim as boolean)],
});
const sumAll = sumImpl('SumBackward0');
const sumDim = sumImpl('SumBackward1');

function sumDtype(x: Tensor, dtype?: DTypeLike): DType {
  if (dtype !== undefined) return toDType(dtype);
  return x.dtype.is_floating_point ? x.dtype : int64;
}

/**
 * torch.sum(input, dim?, keepdim?, { dtype }): integer and bool inputs sum to int64.
 * @example torch.ones(2, 3).sum(1) // tensor([3., 3.])
 */
export function sum(x: Tensor, dim?: unknown, keepdim?: unknown): Tensor {
  const p = parse(dim, keepdim);
  const src = p.dtype !== undefined ? to(x, p.dtype) : x;
  const dt = sumDtype(src, p.dtype);
  if (p.dims === null) return sumAll(src, allDims(x, null), false, dt);
  return sumDim(src, allDims(x, p.dims), p.keepdim, dt);
}

function dtypeShort(d: DType): string {
  return { float32: 'Float', float64: 'Double', int32: 'Int', int64: 'Long', bool: 'Bool' }[d.name];
}

/** torch.mean(input, dim?, keepdim?, { dtype }): floating inputs only, as in PyTorch. */
export function mean(x: Tensor, dim?: unknown, keepdim?: unknown): Tensor {
  const p = parse(dim, keepdim);
  const src = p.dtype !== undefined ? to(x, p.dtype) : x;
  check(src.dtype.is_floating_point, () =>
    'mean(): could not infer output dtype. Input dtype must be either a floating point or complex ' +
    `dtype. Got: ${dtypeShort(src.dtype)}`);
  const dims = allDims(x, p.dims);
  const count = dims.reduce((n, d) => n * x._shape[d], 1);
  return (p.dims === null ? meanAll : meanDim)(src, dims, p.keepdim, count);
}

const meanImpl = (name: string) => defineOp({
  name,
  forward(ctx, x: Tensor, dims: number[], keepdim: boolean, count: number) {
    Object.assign(ctx, { shape: x._shape.slice(), dims, keepdim, count });
    const s = reduceKernel('sum', x, dims, keepdim, x.dtype);
    const d = s._storage.data;
    for (let i = 0; i < d.length; i++) d[i] = d[i] / count;
    return s;
  },
  backward: (ctx, g) =>
    [expandBack(g.div(ctx.count as number), ctx.shape as number[], ctx.dims as number[], ctx.keepdim as boolean)],
});
const meanAll = meanImpl('MeanBackward0');
const meanDim = meanImpl('MeanBackward1');

const prodImpl = (name: string) => defineOp({
  name,
  forward(ctx, x: Tensor, dims: number[], keepdim: boolean, dt: DType) {
    Object.assign(ctx, { dims, keepdim });
    const out = reduceKernel('prod', x, dims, keepdim, dt);
    ctx.save_for_backward(x, out);
    return out;
  },
  backward(ctx, g) {
    const [x, out] = ctx.saved_tensors;
    const dims = ctx.dims as number[];
    const keep = ctx.keepdim as boolean;
    const isZero = x.eq(0);
    const zeros = expandBack(isZero.sum(dims, keep), x._shape, dims, keep);
    const safe = where(isZero, 1, x);
    const prodNZ = expandBack(prodDims(safe, dims, keep), x._shape, dims, keep);
    const ge = expandBack(g, x._shape, dims, keep);
    const full = expandBack(out, x._shape, dims, keep);
    const gNonZero = where(zeros.eq(0), full.div(safe), 0);
    const gZero = where(zeros.eq(1), prodNZ, 0);
    return [ge.mul(where(isZero, gZero, gNonZero))];
  },
});
const prodAll = prodImpl('ProdBackward0');
const prodDim = prodImpl('ProdBackward1');

/** torch.prod(input, dim?, keepdim?, { dtype }) */
export function prod(x: Tensor, dim?: unknown, keepdim?: unknown): Tensor {
  const p = parse(dim, keepdim);
  const dt = sumDtype(x, p.dtype);
  if (p.dims === null) return prodAll(x, allDims(x, null), false, dt);
  return prodDim(x, allDims(x, p.dims), p.keepdim, dt);
}

/** Internal: prod over several dims (used by prod's own backward). */
export function prodDims(x: Tensor, dims: number[], keepdim: boolean): Tensor {
  return prodDim(x, dims, keepdim, sumDtype(x));
}

function checkNonEmpty(x: Tensor, what: string): void {
  check(x.numel() > 0, () =>
    `${what}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`,
    IndexError);
}

/** amax/amin and full max/min: gradient shared evenly among ties (evenly_distribute_backward). */
const extremumImpl = (name: string, op: 'amax' | 'amin') => defineOp({
  name,
  forward(ctx, x: Tensor, dims: number[], keepdim: boolean) {
    Object.assign(ctx, { dims, keepdim });
    const out = reduceKernel(op, x, dims, keepdim, x.dtype);
    ctx.save_for_backward(x, out);
    return out;
  },
  backward(ctx, g) {
    const [x, out] = ctx.saved_tensors;
    const dims = ctx.dims as number[];
    const keep = ctx.keepdim as boolean;
    const mask = eq(x, expandBack(out, x._shape, dims, keep));
    const count = expandBack(mask.sum(dims, keep), x._shape, dims, keep);
    return [where(mask, expandBack(g, x._shape, dims, keep).div(count), 0)];
  },
});
const maxAll = extremumImpl('MaxBackward1', 'amax');
const minAll = extremumImpl('MinBackward1', 'amin');
const amaxImpl = extremumImpl('AmaxBackward0', 'amax');
const aminImpl = extremumImpl('AminBackward0', 'amin');

/** torch.amax(input, dim=(), keepdim=False) */
export function amax(x: Tensor, dim?: unknown, keepdim?: unknown): Tensor {
  const p = parse(dim, keepdim);
  if (p.dims === null || p.dims.length === 0) checkNonEmpty(x, 'amax');
  return amaxImpl(x, allDims(x, p.dims), p.keepdim);
}

/** torch.amin(input, dim=(), keepdim=False) */
export function amin(x: Tensor, dim?: unknown, keepdim?: unknown): Tensor {
  const p = parse(dim, keepdim);
  if (p.dims === null || p.dims.length === 0) checkNonEmpty(x, 'amin');
  return aminImpl(x, allDims(x, p.dims), p.keepdim);
}

const maxDimImpl = (name: string, op: 'max' | 'min') => defineOp<[Tensor, number, boolean], Tensor[]>({
  name,
  forward(ctx, x: Tensor, dim: number, keepdim: boolean) {
    Object.assign(ctx, { dim, keepdim, shape: x._shape.slice() });
    const shape = reducedShape(x._shape, [dim], keepdim);
    const values = Tensor._empty(shape, x.dtype);
    const indices = Tensor._empty(shape, int64);
    K().reduceArg(op, kv(x), dim, values._storage.data, indices._storage.data as Float64Array);
    ctx.save_for_backward(indices);
    return [values, indices];
  },
  backward(ctx, g) {
    const [indices] = ctx.saved_tensors;
    const dim = ctx.dim as number;
    const shape = ctx.shape as number[];
    const keep = ctx.keepdim as boolean;
    const idx = keep ? indices : indices.unsqueeze(dim);
    const gk = keep ? g : g.unsqueeze(dim);
    const posShape = shape.map((s, i) => (i === dim ? s : 1));
    const pos = arange(shape[dim]).reshape(posShape);
    return [where(eq(pos, idx), gk, 0)];
  },
  nondiff_outputs: [1],
});
const maxDim = maxDimImpl('MaxBackward0', 'max');
const minDim = maxDimImpl('MinBackward0', 'min');

function extremum(
  x: Tensor, a: unknown, b: unknown, which: 'max' | 'min',
): Tensor | ValuesIndices {
  if (a instanceof Tensor) return which === 'max' ? x.maximum(a) : x.minimum(a);
  if (a === undefined || a === null) {
    check(x.numel() > 0, () =>
      `${which}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`);
    return (which === 'max' ? maxAll : minAll)(x, allDims(x, null), false);
  }
  const p = parse(a, b);
  const dim = wrapDim((p.dims as number[])[0], x.dim());
  check(x.dim() === 0 || x._shape[dim] > 0, () =>
    `${which}(): Expected reduction dim ${dim} to have non-zero size.`, IndexError);
  const [v, i] = (which === 'max' ? maxDim : minDim)(x, dim, p.keepdim);
  return valuesIndices(v, i);
}

/** torch.max(input) / max(input, dim, keepdim) -> (values, indices) / max(input, other). */
export function max(x: Tensor, dim?: unknown, keepdim?: unknown): Tensor & ValuesIndices {
  return extremum(x, dim, keepdim, 'max') as Tensor & ValuesIndices;
}

/** torch.min(input) / min(input, dim, keepdim) -> (values, indices) / min(input, other). */
export function min(x: Tensor, dim?: unknown, keepdim?: unknown): Tensor & ValuesIndices {
  return extremum(x, dim, keepdim, 'min') as Tensor & ValuesIndices;
}

function argExtremum(x: Tensor, dim: unknown, keepdim: unknown, which: 'max' | 'min'): Tensor {
  const p = parse(dim, keepdim);
  const name = which === 'max' ? 'argmax' : 'argmin';
  if (p.dims === null) {
    check(x.numel() > 0, () =>
      `${name}(): Expected reduction dim to be specified for input.numel() == 0.`);
    const flat = x.reshape(-1);
    const idx = Tensor._empty([], int64);
    K().reduceArg(which, kv(flat), 0, null, idx._storage.data as Float64Array);
    return p.keepdim ? idx.reshape(x._shape.map(() => 1)) : idx;
  }
  const d = wrapDim(p.dims[0], x.dim());
  check(x.dim() === 0 || x._shape[d] > 0, () =>
    `${name}(): Expected reduction dim ${d} to have non-zero size.`);
  const shape = reducedShape(x._shape, [d], p.keepdim);
  const idx = Tensor._empty(shape, int64);
  K().reduceArg(which, kv(x.dim() === 0 ? x.reshape(1) : x), x.dim() === 0 ? 0 : d, null,
    idx._storage.data as Float64Array);
  return idx;
}

/** torch.argmax(input, dim?, keepdim?) */
export function argmax(x: Tensor, dim?: unknown, keepdim?: unknown): Tensor {
  return argExtremum(x, dim, keepdim, 'max');
}

/** torch.argmin(input, dim?, keepdim?) */
export function argmin(x: Tensor, dim?: unknown, keepdim?: unknown): Tensor {
  return argExtremum(x, dim, keepdim, 'min');
}

/** Normalises var/std's call forms: (dim, unbiased, keepdim) and (dim, { correction, keepdim }). */
function parseVar(dim: unknown, o: unknown, keepdim: unknown): { dims: number[] | null; correction: number; keepdim: boolean } {
  let opts: VarOpts = {};
  if (dim !== null && typeof dim === 'object' && !Array.isArray(dim)) opts = { ...(dim as VarOpts) };
  else if (typeof dim === 'boolean') opts.unbiased = dim;
  else opts.dim = dim as Dims | null | undefined;
  if (typeof o === 'boolean') opts.unbiased = o;
  else if (o !== null && typeof o === 'object') opts = { ...opts, ...(o as VarOpts) };
  if (typeof keepdim === 'boolean') opts.keepdim = keepdim;
  const d = opts.dim;
  const dims = d === undefined || d === null ? null : typeof d === 'number' ? [d] : d.slice();
  const correction = opts.correction ?? (opts.unbiased === false ? 0 : 1);
  return { dims, correction, keepdim: opts.keepdim ?? false };
}

const varStdImpl = (name: string, sqrt: boolean) => defineOp({
  name,
  forward(ctx, x: Tensor, dims: number[], correction: number, keepdim: boolean) {
    check(x.dtype.is_floating_point, () =>
      `std and var only support floating point and complex dtypes`);
    const count = dims.reduce((n, d) => n * x._shape[d], 1);
    Object.assign(ctx, { dims, keepdim, denom: Math.max(count - correction, 0) });
    const out = Tensor._empty(reducedShape(x._shape, dims, keepdim), x.dtype);
    K().varReduce(kv(x), dims, correction, out._storage.data, sqrt);
    ctx.save_for_backward(x, out);
    return out;
  },
  backward(ctx, g) {
    const [x, out] = ctx.saved_tensors;
    const dims = ctx.dims as number[];
    const keep = ctx.keepdim as boolean;
    const centered = x.sub(x.mean(dims, true));
    const ge = expandBack(g, x._shape, dims, keep);
    if (!sqrt) return [ge.mul(centered).mul(2 / (ctx.denom as number))];
    const so = expandBack(out, x._shape, dims, keep);
    return [ge.mul(centered).div(so.mul(ctx.denom as number))];
  },
});
const varImpl = varStdImpl('VarBackward0', false);
const stdImpl = varStdImpl('StdBackward0', true);

/** torch.var(input, dim?, unbiased? | { correction, keepdim }, keepdim?) */
export function var_(x: Tensor, dim?: unknown, opts?: unknown, keepdim?: unknown): Tensor {
  const p = parseVar(dim, opts, keepdim);
  return varImpl(x, allDims(x, p.dims), p.correction, p.keepdim);
}

/** torch.std(input, dim?, unbiased? | { correction, keepdim }, keepdim?) */
export function std(x: Tensor, dim?: unknown, opts?: unknown, keepdim?: unknown): Tensor {
  const p = parseVar(dim, opts, keepdim);
  return stdImpl(x, allDims(x, p.dims), p.correction, p.keepdim);
}

const logsumexpImpl = defineOp({
  name: 'LogsumexpBackward0',
  forward(ctx, x: Tensor, dims: number[], keepdim: boolean) {
    Object.assign(ctx, { dims, keepdim });
    const dt = x.dtype.is_floating_point ? x.dtype : toDType('float32');
    const out = Tensor._empty(reducedShape(x._shape, dims, keepdim), dt);
    K().logsumexp(kv(x), dims, out._storage.data);
    ctx.save_for_backward(x, out);
    return out;
  },
  backward(ctx, g) {
    const [x, out] = ctx.saved_tensors;
    const dims = ctx.dims as number[];
    const keep = ctx.keepdim as boolean;
    const ge = expandBack(g, x._shape, dims, keep);
    return [ge.mul(x.sub(expandBack(out, x._shape, dims, keep)).exp())];
  },
});

/** torch.logsumexp(input, dim, keepdim=False): log(sum(exp(x))) computed stably. */
export function logsumexp(x: Tensor, dim: unknown, keepdim?: unknown): Tensor {
  const p = parse(dim, keepdim);
  return logsumexpImpl(x, allDims(x, p.dims), p.keepdim);
}

const softmaxImpl = (name: string, log: boolean) => defineOp({
  name,
  forward(ctx, x: Tensor, dim: number) {
    ctx.dim = dim;
    const out = Tensor._empty(x._shape, x.dtype);
    if (x.numel() > 0) K().softmax(kv(x.dim() === 0 ? x.reshape(1) : x), dim, out._storage.data, log);
    ctx.save_for_backward(out);
    return out;
  },
  backward(ctx, g) {
    const [y] = ctx.saved_tensors;
    const dim = ctx.dim as number;
    if (log) return [is_grad_enabled() ? g.sub(y.exp().mul(g.sum(dim, true))) : logSoftmaxGrad(g, y, dim)];
    return [y.mul(g.sub(g.mul(y).sum(dim, true)))];
  },
});
const softmaxOp = softmaxImpl('SoftmaxBackward0', false);

/** log_softmax's input gradient in one kernel (no graph is recorded: create_graph keeps the formula). */
function logSoftmaxGrad(g: Tensor, y: Tensor, dim: number): Tensor {
  const gc = g.dtype === y.dtype && g.is_contiguous() ? g : g.to(y.dtype).contiguous();
  const shape = y._shape;
  const out = Tensor._uninit(shape, y.dtype);
  if (y.numel() === 0) return out;
  const size = shape.length === 0 ? 1 : shape[dim];
  const inner = shape.slice(dim + 1).reduce((a, b) => a * b, 1);
  const outer = y.numel() / (size * inner);
  K().logSoftmaxBackward(gc._storage.data, gc._offset, y._storage.data, y._offset, outer, size, inner,
    out._storage.data);
  return out;
}
const logSoftmaxOp = softmaxImpl('LogSoftmaxBackward0', true);

function softmaxArgs(x: Tensor, dim: number | { dim: number; dtype?: DTypeLike }, dtype?: DTypeLike): [Tensor, number] {
  let d = dim as number;
  let dt = dtype;
  if (typeof dim === 'object') {
    d = dim.dim;
    dt = dim.dtype;
  }
  let src = dt !== undefined ? to(x, dt) : x;
  if (!src.dtype.is_floating_point) src = to(src, 'float32');
  return [src, x.dim() === 0 ? 0 : wrapDim(d, x.dim())];
}

/** torch.softmax(input, dim, { dtype }) */
export function softmax(x: Tensor, dim: number | { dim: number; dtype?: DTypeLike }, dtype?: DTypeLike): Tensor {
  const [src, d] = softmaxArgs(x, dim, dtype);
  return softmaxOp(src, d);
}

/** torch.log_softmax(input, dim, { dtype }) */
export function log_softmax(x: Tensor, dim: number | { dim: number; dtype?: DTypeLike }, dtype?: DTypeLike): Tensor {
  const [src, d] = softmaxArgs(x, dim, dtype);
  return logSoftmaxOp(src, d);
}

/** torch.any(input, dim?, keepdim?) */
export function any(x: Tensor, dim?: unknown, keepdim?: unknown): Tensor {
  const p = parse(dim, keepdim);
  return reduceKernel('any', x, allDims(x, p.dims), p.dims === null ? false : p.keepdim, bool);
}

/** torch.all(input, dim?, keepdim?) */
export function all(x: Tensor, dim?: unknown, keepdim?: unknown): Tensor {
  const p = parse(dim, keepdim);
  return reduceKernel('all', x, allDims(x, p.dims), p.dims === null ? false : p.keepdim, bool);
}

const normImpl = defineOp({
  name: 'NormBackward1',
  forward(ctx, x: Tensor, p: number, dims: number[], keepdim: boolean) {
    Object.assign(ctx, { p, dims, keepdim });
    const a = Tensor._empty(x._shape, x.dtype);
    K().unary('abs', kv(x), a._storage.data, storeKind(x.dtype));
    let out: Tensor;
    if (p === Infinity) out = reduceKernel('amax', a, dims, keepdim, x.dtype);
    else {
      const pw = Tensor._empty(x._shape, x.dtype);
      K().binaryScalar('pow', kv(a), p, pw._storage.data, 'float', false);
      out = reduceKernel('sum', pw, dims, keepdim, x.dtype);
      const d = out._storage.data;
      for (let i = 0; i < d.length; i++) d[i] = Math.pow(d[i], 1 / p);
    }
    ctx.save_for_backward(x, out);
    return out;
  },
  backward(ctx, g) {
    const [x, out] = ctx.saved_tensors;
    const p = ctx.p as number;
    const dims = ctx.dims as number[];
    const keep = ctx.keepdim as boolean;
    const ge = expandBack(g, x._shape, dims, keep);
    const oe = expandBack(out, x._shape, dims, keep);
    if (p === 2) return [where(oe.eq(0), 0, ge.mul(x).div(oe))];
    const scale = x.abs().pow(p - 2).mul(x).div(oe.pow(p - 1));
    return [where(oe.eq(0), 0, ge.mul(scale))];
  },
});

/** torch.norm(input, p=2, dim=None, keepdim=False): the vector p-norm ('fro' is 2). */
export function norm(x: Tensor, p: number | 'fro' = 2, dim?: Dims | null, keepdim = false): Tensor {
  const pn = p === 'fro' ? 2 : p;
  const dims = dim === undefined || dim === null ? null : typeof dim === 'number' ? [dim] : dim.slice();
  return normImpl(x, pn, allDims(x, dims), keepdim);
}
