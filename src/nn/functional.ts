// torch.nn.functional (torch/nn/functional.py): PyTorch's functional names as thin functions over
// ops, with keyword arguments as a trailing options object. The two loss primitives PyTorch
// implements natively (nll_loss, mse_loss) are defined here with their autograd nodes.
import { is_grad_enabled, no_grad } from '../autograd/grad_mode.js';
import type { DTypeLike } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { empty_like, zeros } from '../tensor/factories.js';
import { fmtShape } from '../tensor/view.js';
import { IndexError, check } from '../utils/check.js';
import { py } from '../utils/python.js';
import { defineOp } from '../ops/define.js';
import { addmm } from '../ops/linalg_extra.js';
import { matmul } from '../ops/linalg.js';
import { log_softmax as logSoftmaxOp, softmax as softmaxOp } from '../ops/reduce.js';
import { relu as reluOp, sigmoid as sigmoidOp, tanh as tanhOp } from '../ops/unary.js';
import { ValueError } from '../ops/normalization.js';
import { index_select, masked_select } from '../ops/advanced_index.js';
import { contig } from '../ops/convolution.js';
import { warn } from '../utils/warnings.js';
import { isOpts, kwargs } from '../utils/kwargs.js';

export { conv2d } from '../ops/convolution.js';
export type { Conv2dOptions } from '../ops/convolution.js';
export { max_pool2d, max_pool2d_with_indices, avg_pool2d, adaptive_avg_pool2d } from '../ops/pooling.js';
export type { MaxPool2dOptions, AvgPool2dOptions } from '../ops/pooling.js';
export { batch_norm, layer_norm } from '../ops/normalization.js';
export type { BatchNormOptions, LayerNormOptions } from '../ops/normalization.js';

/**
 * y = input @ weight^T + bias. A 2-D input with a bias is one addmm (AddmmBackward0), a
 * contiguous N-D input with a bias is flattened into one (ViewBackward0), as PyTorch 2.x.
 * @example linear(torch.ones(2, 3), torch.ones(4, 3), torch.zeros(4)).shape // torch.Size([2, 4])
 */
export function linear(input: Tensor, weight: Tensor,
  bias?: Tensor | null | { bias?: Tensor | null }): Tensor {
  const b = isOpts(bias) ? (bias.bias as Tensor | null | undefined) ?? null : bias ?? null;
  const nd = input.dim();
  if (b !== null && nd === 2) return addmm(b, input, weight.t());
  if (b !== null && nd >= 3 && input.is_contiguous() && b.dim() === 1) {
    const lead = input._shape.slice(0, -1);
    const rows = lead.reduce((x, y) => x * y, 1);
    const out = addmm(b, input.reshape(rows, input._shape[nd - 1]), weight.t());
    return out.view([...lead, out._shape[1]]);
  }
  const out = matmul(input, weight.t());
  return b === null ? out : out.add(b);
}

/**
 * max(input, 0); with inplace, input.relu_().
 * @example relu(torch.tensor([-1, 2])) // tensor([0, 2])
 */
export function relu(input: Tensor, inplace: boolean | { inplace?: boolean } = false): Tensor {
  const ip = typeof inplace === 'boolean' ? inplace : inplace.inplace ?? false;
  return ip ? input.relu_() : reluOp(input);
}

/** torch.sigmoid. @example sigmoid(torch.zeros(1)) // tensor([0.5000]) */
export function sigmoid(input: Tensor): Tensor {
  return sigmoidOp(input);
}

/** torch.tanh. @example tanh(torch.zeros(1)) // tensor([0.]) */
export function tanh(input: Tensor): Tensor {
  return tanhOp(input);
}

/** The dim an implicit softmax uses (0 for 0-, 1- and 3-D input, else 1), with PyTorch's warning. */
function implicitDim(name: string, ndim: number): number {
  warn(`Implicit dimension choice for ${name} has been deprecated. Change the call to include dim=X as an ` +
    'argument.');
  return ndim === 0 || ndim === 1 || ndim === 3 ? 0 : 1;
}

export interface SoftmaxOptions {
  dim?: number | null;
  dtype?: DTypeLike | null;
}

function softmaxArgs(name: string, input: Tensor, dim: number | null | undefined | SoftmaxOptions,
  opts?: SoftmaxOptions): { dim: number; dtype?: DTypeLike } {
  const o = kwargs<SoftmaxOptions>(['dim'], [dim, opts]);
  const d = o.dim ?? implicitDim(name, input.dim());
  return o.dtype ? { dim: d, dtype: o.dtype } : { dim: d };
}

/**
 * softmax(input, dim, { dtype }): exp(x) / sum(exp(x)) along dim.
 * @example softmax(torch.zeros(2, 2), 1) // tensor([[0.5000, 0.5000], [0.5000, 0.5000]])
 */
export function softmax(input: Tensor, dim?: number | null | SoftmaxOptions, opts?: SoftmaxOptions): Tensor {
  return softmaxOp(input, softmaxArgs('softmax', input, dim, opts));
}

/**
 * log_softmax(input, dim, { dtype }): log(softmax(x)), computed stably.
 * @example log_softmax(torch.zeros(1, 2), 1) // tensor([[-0.6931, -0.6931]])
 */
export function log_softmax(input: Tensor, dim?: number | null | SoftmaxOptions,
  opts?: SoftmaxOptions): Tensor {
  return logSoftmaxOp(input, softmaxArgs('log_softmax', input, dim, opts));
}

export interface DropoutOptions {
  p?: number;
  training?: boolean;
  inplace?: boolean;
}

/**
 * Zeroes each element with probability p and scales the rest by 1/(1-p) (mask from
 * empty_like(input).bernoulli_(1 - p), as PyTorch's CPU path, so seeded masks agree).
 * @example dropout(torch.ones(4), 0.5) // e.g. tensor([2., 0., 2., 2.])
 */
export function dropout(input: Tensor, p?: number | DropoutOptions, training?: boolean | DropoutOptions,
  inplace?: boolean | DropoutOptions): Tensor {
  const o = kwargs<DropoutOptions>(['p', 'training', 'inplace'], [p, training, inplace]);
  const prob = o.p ?? 0.5;
  check(prob >= 0 && prob <= 1, () => `dropout probability has to be between 0 and 1, but got ${py(prob)}`,
    ValueError);
  if (!(o.training ?? true) || prob === 0 || input.numel() === 0) return input;
  let noise: Tensor;
  if (prob === 1) noise = zeros([], { dtype: input.dtype });
  else noise = no_grad(() => empty_like(input).bernoulli_(1 - prob).div_(1 - prob));
  return o.inplace ? input.mul_(noise) : input.mul(noise);
}

export type Reduction = 'none' | 'mean' | 'sum';

function checkReduction(r: string): Reduction {
  check(r === 'none' || r === 'mean' || r === 'sum', () =>
    `${r} is not a valid value for reduction`, ValueError);
  return r;
}

const mseLossOp = defineOp({
  name: 'MseLossBackward0',
  forward(ctx, x: Tensor, y: Tensor, reduction: Reduction) {
    ctx.reduction = reduction;
    ctx.save_for_backward(x, y);
    return no_grad(() => {
      const d = x.sub(y);
      const sq = d.mul(d);
      return reduction === 'none' ? sq : reduction === 'sum' ? sq.sum() : sq.mean();
    });
  },
  backward(ctx, g) {
    const [x, y] = ctx.saved_tensors;
    const d = x.sub(y);
    let gx = d.mul(g).mul(2);
    if (ctx.reduction === 'mean') gx = gx.div(d.numel());
    return [ctx.needs_input_grad[0] ? gx : null, ctx.needs_input_grad[1] ? gx.neg() : null];
  },
});

/**
 * Mean (or summed, or elementwise) squared error; shapes broadcast, with PyTorch's warning.
 * @example mse_loss(torch.zeros(2), torch.ones(2)) // tensor(1.)
 */
export function mse_loss(input: Tensor, target: Tensor, opts: { reduction?: Reduction } = {}): Tensor {
  const reduction = checkReduction(opts.reduction ?? 'mean');
  if (!input.shape.every((s, i) => s === target._shape[i]) || input.dim() !== target.dim()) {
    warn(`Using a target size (torch.Size(${fmtShape(target._shape)})) that is different to the input ` +
      `size (torch.Size(${fmtShape(input._shape)})). This will likely lead to incorrect results due to ` +
      'broadcasting. Please ensure they have the same size.');
  }
  return mseLossOp(input, target, reduction);
}

interface NllPlan {
  /** Per-target coefficient -weight[t] (0 where ignored), in the input's dtype. */
  coef: Tensor;
  /** One-hot of the (non-ignored) targets, shaped like the input. */
  onehot: Tensor;
  total: number;
  reduction: Reduction;
  classDim: number;
  /** Flat input position of each target's log-probability (-1 where ignored). */
  positions: Int32Array;
}

/** Negative log likelihood over class dim 1 (or 0 for unbatched input) with a computed one-hot. */
const nllImpl = (name: string) => defineOp({
  name,
  forward(ctx, x: Tensor, target: Tensor, weight: Tensor | null, reduction: Reduction, ignore: number) {
    const classDim = x.dim() === 1 ? 0 : 1;
    const C = x._shape[classDim];
    const S = x._shape.slice(2).reduce((a, b) => a * b, 1);
    const xc = contig(x);
    const xd = xc._storage.data;
    const tc = contig(target);
    const td = tc._storage.data.subarray(tc._offset, tc._offset + tc.numel());
    const wc = weight === null ? null : contig(weight.to(x.dtype));
    const wd = wc === null ? null : wc._storage.data.subarray(wc._offset);
    const coef = Tensor._zeros(target._shape, x.dtype);
    const onehot = Tensor._zeros(x._shape, x.dtype);
    const losses = Tensor._zeros(target._shape, x.dtype);
    const cd = coef._storage.data;
    const ld = losses._storage.data;
    let total = 0;
    let sum = 0;
    const positions = new Int32Array(td.length).fill(-1);
    for (let i = 0; i < td.length; i++) {
      const t = td[i];
      if (t === ignore) continue;
      check(t >= 0 && t < C, () => `Target ${t} is out of bounds.`, IndexError);
      const pos = Math.floor(i / S) * C * S + t * S + (i % S);
      const w = wd === null ? 1 : wd[t];
      cd[i] = -w;
      onehot._storage.data[pos] = 1;
      positions[i] = pos;
      ld[i] = -w * xd[xc._offset + pos];
      total += w;
      sum += ld[i];
    }
    Object.assign(ctx, { coef, onehot, total, reduction, classDim, positions } satisfies NllPlan);
    if (reduction === 'none') return losses;
    const out = Tensor._empty([], x.dtype);
    out._storage.data[0] = reduction === 'sum' ? sum : sum / total;
    return out;
  },
  backward(ctx, g) {
    const p = ctx as unknown as NllPlan;
    const fused = !is_grad_enabled() && p.reduction !== 'none' ? nllGradScalar(p, g) : null;
    if (fused !== null) return [fused];
    let c = p.coef.mul(g);
    if (p.reduction === 'mean') c = c.div(p.total);
    return [p.onehot.mul(c.unsqueeze(p.classDim))];
  },
});
/**
 * The reduced loss's input gradient written straight at the target positions (as ATen's
 * nll_loss_backward does), when no graph is recorded; each value is rounded as the
 * coef * g (/ total) ops would round it. Null (use the ops) if a value is not finite, where the
 * one-hot product would spread NaN.
 */
function nllGradScalar(p: NllPlan, g: Tensor): Tensor | null {
  const onehot = p.onehot;
  const out = Tensor._zeros(onehot._shape, onehot.dtype);
  const od = out._storage.data;
  const cd = p.coef._storage.data;
  const r = od instanceof Float32Array ? Math.fround : (v: number): number => v;
  const gv = r(g.item() as number);
  const total = r(p.total);
  for (let i = 0; i < p.positions.length; i++) {
    const c = p.reduction === 'mean' ? r(r(cd[i] * gv) / total) : r(cd[i] * gv);
    if (!Number.isFinite(c)) return null;
    if (p.positions[i] >= 0) od[p.positions[i]] = c;
  }
  return out;
}

const nllLoss = nllImpl('NllLossBackward0');
const nllLoss2d = nllImpl('NllLoss2DBackward0');

export interface NllLossOptions {
  weight?: Tensor | null;
  ignore_index?: number;
  reduction?: Reduction;
}

function checkNll(input: Tensor, target: Tensor, weight: Tensor | null): void {
  const nd = input.dim();
  check(nd >= 1, () => `Expected 1 or more dimensions (got ${nd})`, ValueError);
  check(nd === 1 || input._shape[0] === target._shape[0], () =>
    `Expected input batch_size (${input._shape[0]}) to match target batch_size (${target._shape[0]}).`,
  ValueError);
  const names = { float32: 'Float', float64: 'Double', int32: 'Int', bool: 'Bool' };
  const found = names[target.dtype.name as 'int32'];
  check(target.dtype.name === 'int64', () => `expected scalar type Long but found ${found}`);
  const C = input._shape[nd === 1 ? 0 : 1];
  check(weight === null || (weight.dim() === 1 && weight.numel() === C), () =>
    `weight tensor should be defined either for all ${C} classes or no classes ` +
    `but got weight tensor of shape: ${fmtShape(weight!._shape)}`);
  if (nd <= 2) {
    check(target.dim() <= 1, () => '0D or 1D target tensor expected, multi-target not supported');
    check((nd === 1 && target.dim() === 0) || input._shape[0] === target._shape[0], () =>
      `size mismatch (got input: ${fmtShape(input._shape)}, target: ${fmtShape(target._shape)})`);
    return;
  }
  const want = [input._shape[0], ...input._shape.slice(2)];
  const same = target.dim() === want.length && target._shape.every((s, i) => s === want[i]);
  if (nd === 4) {
    check(target.dim() === 3, () =>
      `only batches of spatial targets supported (3D tensors) but got targets of dimension: ${target.dim()}`);
    check(same, () =>
      `size mismatch (got input: ${fmtShape(input._shape)}, target: ${fmtShape(target._shape)})`);
  }
  check(same, () => `Expected target size ${fmtShape(want)}, got ${fmtShape(target._shape)}`);
}

/**
 * The negative log likelihood loss for log-probabilities input [N, C, ...] and class indices
 * target [N, ...] (int64), with weight, ignore_index (default -100) and reduction.
 * @example nll_loss(torch.log_softmax(logits, 1), target, { ignore_index: 0 })
 */
export function nll_loss(input: Tensor, target: Tensor, weight?: Tensor | null | NllLossOptions,
  opts?: NllLossOptions): Tensor {
  const o = kwargs<NllLossOptions>(['weight'], [weight, opts]);
  const w = o.weight ?? null;
  const reduction = checkReduction(o.reduction ?? 'mean');
  checkNll(input, target, w);
  const ignore = o.ignore_index ?? -100;
  const nd = input.dim();
  if (nd <= 2) return nllLoss(input, target, w, reduction, ignore);
  const out = nllLoss2d(input, target, w, reduction, ignore);
  // PyTorch reshapes non-4-D input to 4-D and views a 'none' result back (ViewBackward0).
  return nd !== 4 && reduction === 'none' ? out.view(target._shape) : out;
}

export interface CrossEntropyOptions extends NllLossOptions {
  label_smoothing?: number;
}

/** Tensor / number as ATen's div.Scalar, whose node is DivBackward1 (C++ callers use it). */
const divScalar = defineOp({
  name: 'DivBackward1',
  forward(ctx, x: Tensor, s: number) {
    ctx.s = s;
    return no_grad(() => x.div(s));
  },
  backward: (ctx, g) => [g.div(ctx.s as number)],
});

/** Cross entropy with class-probability targets (target shaped like input). */
function crossEntropyProbs(input: Tensor, target: Tensor, w: Tensor | null, reduction: Reduction,
  ls: number, classDim: number): Tensor {
  const got = { int64: 'Long', int32: 'Int', bool: 'Bool' }[target.dtype.name as 'int64'];
  check(target.dtype.is_floating_point, () =>
    `Expected floating point type for target with class probabilities, got ${got}`);
  const C = input._shape[classDim];
  const logp = logSoftmaxOp(input, classDim);
  const t = ls > 0 ? target.mul(1 - ls).add(ls / C) : target;
  let prod = logp.mul(t);
  if (w !== null) prod = prod.mul(w.view(input._shape.map((_, i) => (i === classDim ? C : 1))));
  if (reduction === 'none') return prod.sum(classDim).neg();
  if (reduction === 'sum') return prod.sum().neg();
  return divScalar(prod.sum().neg(), input.numel() / C);
}

/**
 * Cross entropy between logits [N, C, ...] and class indices [N, ...] (or class probabilities
 * shaped like the logits): log_softmax then nll_loss, with weight, ignore_index, reduction and
 * label_smoothing.
 * @example cross_entropy(logits, target, { label_smoothing: 0.1 })
 */
export function cross_entropy(input: Tensor, target: Tensor, weight?: Tensor | null | CrossEntropyOptions,
  opts?: CrossEntropyOptions): Tensor {
  const o = kwargs<CrossEntropyOptions>(['weight'], [weight, opts]);
  const w = o.weight ?? null;
  const reduction = checkReduction(o.reduction ?? 'mean');
  const ignore = o.ignore_index ?? -100;
  const ls = o.label_smoothing ?? 0;
  const classDim = input.dim() === 1 ? 0 : 1;
  check(ls >= 0 && ls <= 1, () => `label_smoothing must be between 0.0 and 1.0. Got: ${ls}`);
  if (input.dim() === target.dim() && input._shape.every((s, i) => s === target._shape[i])) {
    check(ignore < 0, () => 'ignore_index is not supported for floating point target');
    return crossEntropyProbs(input, target, w, reduction, ls, classDim);
  }
  const logp = logSoftmaxOp(input, classDim);
  const nll = nll_loss(logp, target, { weight: w, reduction, ignore_index: ignore });
  if (ls === 0) return nll;
  const C = input._shape[classDim];
  const ignored = target.eq(ignore);
  const wb = w === null ? null : w.view(input._shape.map((_, i) => (i === classDim ? C : 1)));
  let smooth = (wb === null ? logp : logp.mul(wb)).sum(classDim).neg();
  smooth = smooth.masked_fill(ignored, 0);
  let ret: Tensor;
  if (reduction === 'sum') ret = smooth.sum();
  else if (reduction === 'none') ret = smooth;
  else if (w !== null) {
    const kept = masked_select(target, ignored.logical_not());
    ret = smooth.sum().div(index_select(w, 0, kept).sum());
  } else ret = smooth.sum().div(ignored.logical_not().sum());
  return nll.mul(1 - ls).add(ret.mul(ls / C));
}

// ---- Activations (torch/nn/functional.py's relu6 ... prelu), over src/ops/activation.ts.
import * as act from '../ops/activation.js';
import { inplace as inplaceOp } from '../ops/inplace.js';

type Inplace = boolean | { inplace?: boolean };

function ipFlag(v: Inplace | undefined): boolean {
  return typeof v === 'object' ? v.inplace ?? false : v ?? false;
}

/** Runs `fn` out of place, or writes its result into `input` (PyTorch's `op_` forms). */
function maybeInplace<A extends unknown[]>(input: Tensor, ip: boolean, fn: (x: Tensor, ...a: A) => Tensor,
  ...args: A): Tensor {
  return ip ? inplaceOp(input, fn, ...args) : fn(input, ...args);
}

/**
 * relu6(input, inplace=false): min(max(0, input), 6).
 * @example relu6(torch.tensor([-1, 3, 7])) // tensor([0., 3., 6.])
 */
export function relu6(input: Tensor, inplace: Inplace = false): Tensor {
  return maybeInplace(input, ipFlag(inplace), act.relu6);
}

export interface LeakyReluOptions { negative_slope?: number; inplace?: boolean }

/**
 * leaky_relu(input, negative_slope=0.01, inplace=false).
 * @example leaky_relu(x, { negative_slope: 0.2 })
 */
export function leaky_relu(input: Tensor, negative_slope?: number | LeakyReluOptions,
  inplace?: boolean | LeakyReluOptions): Tensor {
  const o = kwargs<LeakyReluOptions>(['negative_slope', 'inplace'], [negative_slope, inplace]);
  return maybeInplace(input, o.inplace ?? false, act.leaky_relu, o.negative_slope ?? 0.01);
}

export interface EluOptions { alpha?: number; inplace?: boolean }

/**
 * elu(input, alpha=1, inplace=false).
 * @example elu(x, { alpha: 0.5 })
 */
export function elu(input: Tensor, alpha?: number | EluOptions, inplace?: boolean | EluOptions): Tensor {
  const o = kwargs<EluOptions>(['alpha', 'inplace'], [alpha, inplace]);
  return maybeInplace(input, o.inplace ?? false, act.elu, o.alpha ?? 1);
}

/**
 * celu(input, alpha=1, inplace=false).
 * @example celu(x, { alpha: 2 })
 */
export function celu(input: Tensor, alpha?: number | EluOptions, inplace?: boolean | EluOptions): Tensor {
  const o = kwargs<EluOptions>(['alpha', 'inplace'], [alpha, inplace]);
  return maybeInplace(input, o.inplace ?? false, act.celu, o.alpha ?? 1);
}

/**
 * selu(input, inplace=false): scale * elu(input, alpha) with SELU's constants.
 * @example selu(torch.tensor([1])) // tensor([1.0507])
 */
export function selu(input: Tensor, inplace: Inplace = false): Tensor {
  return maybeInplace(input, ipFlag(inplace), act.selu);
}

/**
 * gelu(input, approximate='none'): input * Phi(input), or the tanh approximation.
 * @example gelu(x, { approximate: 'tanh' })
 */
export function gelu(input: Tensor,
  approximate: 'none' | 'tanh' | { approximate?: 'none' | 'tanh' } = 'none'): Tensor {
  const a = typeof approximate === 'object' ? approximate.approximate ?? 'none' : approximate;
  return act.gelu(input, a);
}

/**
 * silu(input, inplace=false): input * sigmoid(input).
 * @example silu(torch.tensor([1])) // tensor([0.7311])
 */
export function silu(input: Tensor, inplace: Inplace = false): Tensor {
  return maybeInplace(input, ipFlag(inplace), act.silu);
}

/**
 * mish(input, inplace=false): input * tanh(softplus(input)).
 * @example mish(torch.tensor([1])) // tensor([0.8651])
 */
export function mish(input: Tensor, inplace: Inplace = false): Tensor {
  return maybeInplace(input, ipFlag(inplace), act.mish);
}

export interface HardtanhOptions { min_val?: number; max_val?: number; inplace?: boolean }

/**
 * hardtanh(input, min_val=-1, max_val=1, inplace=false).
 * @example hardtanh(x, { min_val: -2, max_val: 2 })
 */
export function hardtanh(input: Tensor, min_val?: number | HardtanhOptions,
  max_val?: number | HardtanhOptions,  inplace?: boolean | HardtanhOptions): Tensor {
  const o = kwargs<HardtanhOptions>(['min_val', 'max_val', 'inplace'], [min_val, max_val, inplace]);
  return maybeInplace(input, o.inplace ?? false, act.hardtanh, o.min_val ?? -1, o.max_val ?? 1);
}

/**
 * hardswish(input, inplace=false): input * relu6(input + 3) / 6.
 * @example hardswish(torch.tensor([1])) // tensor([0.6667])
 */
export function hardswish(input: Tensor, inplace: Inplace = false): Tensor {
  return maybeInplace(input, ipFlag(inplace), act.hardswish);
}

/**
 * hardsigmoid(input, inplace=false): relu6(input + 3) / 6.
 * @example hardsigmoid(torch.tensor([0])) // tensor([0.5000])
 */
export function hardsigmoid(input: Tensor, inplace: Inplace = false): Tensor {
  return maybeInplace(input, ipFlag(inplace), act.hardsigmoid);
}

export interface SoftplusOptions { beta?: number; threshold?: number }

/**
 * softplus(input, beta=1, threshold=20): log(1 + exp(beta * x)) / beta.
 * @example softplus(x, { beta: 2 })
 */
export function softplus(input: Tensor, beta?: number | SoftplusOptions,
  threshold?: number | SoftplusOptions): Tensor {
  const o = kwargs<SoftplusOptions>(['beta', 'threshold'], [beta, threshold]);
  return act.softplus(input, o.beta ?? 1, o.threshold ?? 20);
}

/**
 * prelu(input, weight): input where positive, else weight * input (weight per channel, dim 1).
 * @example prelu(x, torch.full([1], 0.25))
 */
export function prelu(input: Tensor, weight: Tensor): Tensor {
  return act.prelu(input, weight);
}

// ---- Losses built on src/ops/loss.ts (l1, smooth L1, Huber, binary cross entropy, KL divergence).
import * as lossOps from '../ops/loss.js';
import { broadcastShapes } from '../tensor/view.js';

function sameShape(a: Tensor, b: Tensor): boolean {
  return a.dim() === b.dim() && a._shape.every((s, i) => s === b._shape[i]);
}

/** PyTorch's broadcasting warning and torch.broadcast_tensors for the regression losses. */
function expandPair(input: Tensor, target: Tensor): [Tensor, Tensor] {
  if (sameShape(input, target)) return [input, target];
  warn(`Using a target size (torch.Size(${fmtShape(target._shape)})) that is different to the input ` +
    `size (torch.Size(${fmtShape(input._shape)})). This will likely lead to incorrect results due to ` +
    'broadcasting. Please ensure they have the same size.');
  const shape = broadcastShapes(input._shape, target._shape);
  return [input.expand(shape), target.expand(shape)];
}

/**
 * Mean (or summed, or elementwise) absolute error |input - target|; composed as in PyTorch
 * (AbsBackward0, then MeanBackward0 or SumBackward0).
 * @example l1_loss(torch.zeros(2), torch.tensor([1, 3])) // tensor(2.)
 */
export function l1_loss(input: Tensor, target: Tensor, opts: { reduction?: Reduction } = {}): Tensor {
  const reduction = checkReduction(opts.reduction ?? 'mean');
  const [x, t] = expandPair(input, target);
  const d = x.sub(t).abs();
  return reduction === 'none' ? d : reduction === 'sum' ? d.sum() : d.mean();
}

export interface SmoothL1LossOptions { reduction?: Reduction; beta?: number }

/**
 * Smooth L1: 0.5 * d^2 / beta where |d| < beta, else |d| - 0.5 * beta; beta = 0 is l1_loss
 * (PyTorch 2.x).
 * @example smooth_l1_loss(torch.tensor([0, 2]), torch.zeros(2), { beta: 1 }) // tensor(0.7500)
 */
export function smooth_l1_loss(input: Tensor, target: Tensor, opts: SmoothL1LossOptions = {}): Tensor {
  const reduction = checkReduction(opts.reduction ?? 'mean');
  const beta = opts.beta ?? 1;
  if (beta === 0) return l1_loss(input, target, { reduction });
  const [x, t] = expandPair(input, target);
  return lossOps.smooth_l1_loss(x, t, reduction, beta);
}

export interface HuberLossOptions { reduction?: Reduction; delta?: number }

/**
 * Huber loss: 0.5 * d^2 where |d| < delta, else delta * (|d| - 0.5 * delta).
 * @example huber_loss(torch.tensor([0, 3]), torch.zeros(2), 'sum', 2) // tensor(4.)
 */
export function huber_loss(input: Tensor, target: Tensor, reduction?: Reduction | HuberLossOptions,
  delta?: number | HuberLossOptions): Tensor {
  const o = kwargs<HuberLossOptions>(['reduction', 'delta'], [reduction, delta]);
  const [x, t] = expandPair(input, target);
  return lossOps.huber_loss(x, t, checkReduction(o.reduction ?? 'mean'), o.delta ?? 1);
}

export interface BCELossOptions { weight?: Tensor | null; reduction?: Reduction }

/**
 * Binary cross entropy between probabilities input and target (same shape), logs clamped at
 * -100; weight broadcasts against the target.
 * @example binary_cross_entropy(torch.tensor([0.5]), torch.tensor([1])) // tensor(0.6931)
 */
export function binary_cross_entropy(input: Tensor, target: Tensor, weight?: Tensor | null | BCELossOptions,
  opts?: BCELossOptions): Tensor {
  const o = kwargs<BCELossOptions>(['weight'], [weight, opts]);
  const reduction = checkReduction(o.reduction ?? 'mean');
  check(sameShape(input, target), () =>
    `Using a target size (torch.Size(${fmtShape(target._shape)})) that is different to the input size ` +
    `(torch.Size(${fmtShape(input._shape)})) is deprecated. Please ensure they have the same size.`,
  ValueError);
  let w = o.weight ?? null;
  if (w !== null) w = w.expand(broadcastShapes(target._shape, w._shape));
  return lossOps.binary_cross_entropy(input, target, w, reduction);
}

export interface BCEWithLogitsOptions extends BCELossOptions { pos_weight?: Tensor | null }

/**
 * Binary cross entropy on logits (sigmoid folded in, computed stably), with weight and
 * pos_weight (the weight of positive examples, broadcast along the last dim).
 * @example binary_cross_entropy_with_logits(x, t, { pos_weight: torch.full([3], 2) })
 */
export function binary_cross_entropy_with_logits(input: Tensor, target: Tensor,
  weight?: Tensor | null | BCEWithLogitsOptions, opts?: BCEWithLogitsOptions): Tensor {
  const o = kwargs<BCEWithLogitsOptions>(['weight'], [weight, opts]);
  const reduction = checkReduction(o.reduction ?? 'mean');
  check(sameShape(input, target), () =>
    `Target size (torch.Size(${fmtShape(target._shape)})) must be the same as input size ` +
    `(torch.Size(${fmtShape(input._shape)}))`, ValueError);
  return lossOps.binary_cross_entropy_with_logits(input, target, o.weight ?? null, o.pos_weight ?? null,
    reduction);
}

export interface KLDivOptions { reduction?: Reduction | 'batchmean'; log_target?: boolean }

/**
 * Kullback-Leibler divergence of target from input (input holds log-probabilities; target
 * probabilities, or log-probabilities with log_target). 'batchmean' divides the sum by the
 * batch size; 'mean' warns, as PyTorch does.
 * @example kl_div(logp, p, { reduction: 'batchmean' })
 */
export function kl_div(input: Tensor, target: Tensor, opts: KLDivOptions = {}): Tensor {
  const reduction = opts.reduction ?? 'mean';
  if (reduction === 'mean') {
    warn("reduction: 'mean' divides the total loss by both the batch size and the support size." +
      "'batchmean' divides only by the batch size, and aligns with the KL div math definition." +
      "'mean' will be changed to behave the same as 'batchmean' in the next major release.");
  }
  const r = reduction === 'batchmean' ? 'sum' : checkReduction(reduction);
  const out = lossOps.kl_div(input, target, r, opts.log_target ?? false);
  return reduction === 'batchmean' && input.dim() !== 0 ? out.div(input._shape[0]) : out;
}

import { one_hot as oneHotOp } from '../ops/misc.js';

/**
 * F.one_hot(tensor, num_classes=-1): int64 one-hot encoding with a new last dim.
 * @example F.one_hot(torch.tensor([0, 2]), 3) // [[1, 0, 0], [0, 0, 1]]
 */
export function one_hot(tensor: Tensor, num_classes = -1): Tensor {
  return oneHotOp(tensor, num_classes);
}

import { empty } from '../tensor/factories.js';
import { NotImplementedError } from '../utils/check.js';
import { embedding as embeddingOp } from '../ops/embedding.js';
import { group_norm as groupNormOp } from '../ops/group_norm.js';

/**
 * F.dropout2d(input, p=0.5, training=true, inplace=false): zeroes whole channels; the noise has
 * shape [N, C, 1, 1] and is drawn with bernoulli_(1 - p), as ATen's feature dropout.
 * @example dropout2d(torch.ones(1, 2, 2, 2)) // e.g. channel 0 all 2., channel 1 all 0.
 */
export function dropout2d(input: Tensor, p?: number | DropoutOptions, training?: boolean | DropoutOptions,
  inplace?: boolean | DropoutOptions): Tensor {
  const o = kwargs<DropoutOptions>(['p', 'training', 'inplace'], [p, training, inplace]);
  const prob = o.p ?? 0.5;
  check(prob >= 0 && prob <= 1, () => `dropout probability has to be between 0 and 1, but got ${py(prob)}`,
    ValueError);
  const nd = input.dim();
  if (nd !== 3 && nd !== 4) {
    warn(`dropout2d: Received a ${nd}-D input to dropout2d, which is deprecated and will result in an ` +
      'error in a future release. To retain the behavior and silence this warning, please use dropout ' +
      'instead. Note that dropout2d exists to provide channel-wise dropout on inputs with 2 spatial ' +
      'dimensions, a channel dimension, and an optional batch dimension (i.e. 3D or 4D inputs).');
  }
  if (nd === 3) {
    warn('dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior ' +
      'is desired - input is interpreted as shape (N, C, L), where C is the channel dim. This behavior ' +
      'will change in a future release to interpret the input as one without a batch dimension, i.e. ' +
      'shape (C, H, W). To maintain the 1D channel-wise dropout behavior, please switch to using ' +
      'dropout1d instead.');
  }
  if (!(o.training ?? true) || prob === 0 || input.numel() === 0) return input;
  let noise: Tensor;
  if (prob === 1) {
    noise = zeros([], { dtype: input.dtype });
  } else {
    check(nd >= 2, () => 'Feature dropout requires at least 2 dimensions in the input');
    const shape = input.shape.map((s, i) => (i < 2 ? s : 1));
    noise = no_grad(() => empty(shape, { dtype: input.dtype }).bernoulli_(1 - prob).div_(1 - prob));
  }
  return o.inplace ? input.mul_(noise) : input.mul(noise);
}

export interface EmbeddingOptions {
  padding_idx?: number | null;
  max_norm?: number | null;
  norm_type?: number;
  scale_grad_by_freq?: boolean;
  sparse?: boolean;
}

/**
 * F.embedding(input, weight, padding_idx=null, max_norm=null, norm_type=2, scale_grad_by_freq=false,
 * sparse=false): the rows of weight at the integer indices in input (EmbeddingBackward0).
 * @example embedding(torch.tensor([[0, 2]]), torch.randn(3, 4)).shape // torch.Size([1, 2, 4])
 */
export function embedding(input: Tensor, weight: Tensor, padding_idx?: number | null | EmbeddingOptions,
  opts: EmbeddingOptions = {}): Tensor {
  const o: EmbeddingOptions = isOpts(padding_idx) ? padding_idx : { ...opts, padding_idx };
  let pad = o.padding_idx ?? -1;
  if (o.padding_idx !== undefined && o.padding_idx !== null) {
    const n = weight.shape[0];
    check(pad < 0 || pad < n, () => 'Padding_idx must be within num_embeddings');
    check(pad >= 0 || pad >= -n, () => 'Padding_idx must be within num_embeddings');
    if (pad < 0) pad += n;
  }
  check(o.max_norm === undefined || o.max_norm === null, () =>
    'embedding: max_norm is not supported in tstorch', NotImplementedError);
  return embeddingOp(weight, input, pad, o.scale_grad_by_freq ?? false, o.sparse ?? false);
}

export interface GroupNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  eps?: number;
}

/**
 * F.group_norm(input, num_groups, weight=null, bias=null, eps=1e-5): normalises each group of
 * num_groups channels per sample, then the per-channel affine (NativeGroupNormBackward0).
 * @example group_norm(torch.randn(2, 4, 5), 2).shape // torch.Size([2, 4, 5])
 */
export function group_norm(input: Tensor, num_groups: number, weight?: Tensor | null | GroupNormOptions,
  bias?: Tensor | null | GroupNormOptions, eps?: number | GroupNormOptions): Tensor {
  const o = kwargs<GroupNormOptions>(['weight', 'bias', 'eps'], [weight, bias, eps]);
  check(input.dim() >= 2, () =>
    `Expected at least 2 dimensions for input tensor but received ${input.dim()}`);
  const perGroup = Math.floor((input.shape[0] * input.shape[1]) / num_groups);
  const size = [perGroup, num_groups, ...input.shape.slice(2)];
  const perChannel = size.reduce((a, s, i) => (i === 1 ? a : a * s), 1);
  check(perChannel !== 1, () =>
    `Expected more than 1 value per channel when training, got input size ${fmtShape(size)}`, ValueError);
  return groupNormOp(input, num_groups, o.weight ?? null, o.bias ?? null, o.eps ?? 1e-5);
}

export { conv1d, conv_transpose1d, conv_transpose2d } from '../ops/convolution.js';
export type { Conv1dOptions, ConvTransposeOptions } from '../ops/convolution.js';
export { pad } from '../ops/padding.js';
export type { PadMode, PadOptions } from '../ops/padding.js';

// Pooling (1-d and adaptive max), instance norm, upsampling, pixel shuffle.
export { adaptive_max_pool2d, adaptive_max_pool2d_with_indices } from '../ops/pooling.js';
export type { AdaptiveSizeArg } from '../ops/pooling.js';
export {
  max_pool1d, max_pool1d_with_indices, avg_pool1d, adaptive_avg_pool1d, adaptive_max_pool1d,
  adaptive_max_pool1d_with_indices,
} from '../ops/pooling1d.js';
export type { MaxPool1dOptions, AvgPool1dOptions } from '../ops/pooling1d.js';
export { instance_norm } from '../ops/instance_norm.js';
export type { InstanceNormOptions } from '../ops/instance_norm.js';
export { interpolate, upsample, upsample_nearest, upsample_bilinear } from '../ops/upsample.js';
export type { InterpolateOptions, InterpolateMode } from '../ops/upsample.js';
export { pixel_shuffle, pixel_unshuffle } from '../ops/pixel_shuffle.js';
export {
  scaled_dot_product_attention, multi_head_attention_forward, _canonical_mask, _none_or_dtype, _mha_shape_check,
  _in_projection_packed, _in_projection,
} from './functional_attention.js';
export type { ScaledDotProductAttentionOptions, MultiHeadAttentionForwardOptions } from './functional_attention.js';
export { bilinear } from '../ops/bilinear.js';
