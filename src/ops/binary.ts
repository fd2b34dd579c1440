// Pointwise binary and ternary ops with broadcasting and type promotion
// (ATen/native/BinaryOps.cpp, TensorCompare.cpp, PointwiseOps.cpp; derivatives.yaml).
import { K, type BinaryOp } from '../backend/backend.js';
import { type DType, bool, resultType, get_default_dtype } from '../tensor/dtype.js';
import { Tensor, type TensorOrScalar } from '../tensor/tensor.js';
import { broadcastShapes } from '../tensor/view.js';
import { check } from '../utils/check.js';
import { no_grad } from '../autograd/grad_mode.js';
import { defineOp } from './define.js';
import { castScalar, kv, kvAs, sameShape, storeKind } from './util.js';
import { toTensorLike, scalarTensor } from './scalar.js';

type Operand = Tensor | number;

function operand(x: TensorOrScalar): Tensor | number {
  if (x instanceof Tensor) return x;
  return typeof x === 'boolean' ? (x ? 1 : 0) : x;
}

/** Runs a binary kernel into a new tensor: computes in `compute`, stores as `outDtype`. */
export function binaryKernel(op: BinaryOp, a: Operand, b: Operand, compute: DType, outDtype: DType): Tensor {
  if (a instanceof Tensor && b instanceof Tensor) {
    const shape = sameShape(a._shape, b._shape) ? a._shape : broadcastShapes(a._shape, b._shape);
    const out = Tensor._uninit(shape, outDtype);
    K().binary(op, kvAs(asCompute(a, compute), shape), kvAs(asCompute(b, compute), shape), out._storage.data,
      storeKind(outDtype));
    return out;
  }
  if (a instanceof Tensor) {
    const out = Tensor._uninit(a._shape, outDtype);
    K().binaryScalar(op, kv(asCompute(a, compute)), castScalar(b as number, compute), out._storage.data,
      storeKind(outDtype), false);
    return out;
  }
  const bt = b as Tensor;
  const out = Tensor._uninit(bt._shape, outDtype);
  K().binaryScalar(op, kv(asCompute(bt, compute)), castScalar(a, compute), out._storage.data,
    storeKind(outDtype), true);
  return out;
}

/** Rounds a float64 operand to float32 first when the op computes in float32, as ATen casts. */
function asCompute(t: Tensor, compute: DType): Tensor {
  if (t.dtype === compute || !(t.dtype.rank > compute.rank && compute.is_floating_point)) return t;
  const out = Tensor._uninit(t._shape, compute);
  K().copy(kv(t), kv(out), storeKind(compute));
  return out;
}

function promoted(a: TensorOrScalar, b: TensorOrScalar): DType {
  // The common cases, decided as result_type would without building its operand list.
  if (a instanceof Tensor) {
    if (b instanceof Tensor ? b.dtype === a.dtype : a.dtype.is_floating_point && typeof b === 'number') {
      return a.dtype;
    }
  }
  return resultType([a, b]);
}

function floatResult(d: DType): DType {
  return d.is_floating_point ? d : get_default_dtype();
}

const addImpl = defineOp({
  name: 'AddBackward0',
  inputs: [0, 1],
  forward(ctx, a: Operand, b: Operand, alpha: number) {
    ctx.alpha = alpha;
    const dt = promoted(a, b);
    if (alpha === 1) return binaryKernel('add', a, b, dt, dt);
    const scaled = b instanceof Tensor ? binaryKernel('mul', b, alpha, dt, dt) : (b as number) * alpha;
    return binaryKernel('add', a, scaled, dt, dt);
  },
  backward: (ctx, g) => [g, ctx.alpha === 1 ? g : g.mul(ctx.alpha as number)],
});

/**
 * torch.add(input, other, { alpha }): input + alpha * other, broadcasting.
 * @example torch.add(torch.ones(2), 1, { alpha: 2 }) // tensor([3., 3.])
 */
export function add(input: TensorOrScalar, other: TensorOrScalar, opts?: { alpha?: number }): Tensor {
  return addImpl(operand(input), operand(other), opts?.alpha ?? 1);
}

const subImpl = defineOp({
  name: 'SubBackward0',
  inputs: [0, 1],
  forward(ctx, a: Operand, b: Operand, alpha: number) {
    ctx.alpha = alpha;
    const dt = promoted(a, b);
    check(dt.name !== 'bool', () =>
      'Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or ' +
      '`logical_xor()` operator instead.');
    if (alpha === 1) return binaryKernel('sub', a, b, dt, dt);
    const scaled = b instanceof Tensor ? binaryKernel('mul', b, alpha, dt, dt) : (b as number) * alpha;
    return binaryKernel('sub', a, scaled, dt, dt);
  },
  backward: (ctx, g) => [g, g.mul(-(ctx.alpha as number))],
});

/** torch.sub(input, other, { alpha }): input - alpha * other. */
export function sub(input: TensorOrScalar, other: TensorOrScalar, opts?: { alpha?: number }): Tensor {
  return subImpl(operand(input), operand(other), opts?.alpha ?? 1);
}

const rsubImpl = defineOp({
  name: 'RsubBackward1',
  inputs: [0, 1],
  forward(ctx, a: Operand, b: Operand, alpha: number) {
    ctx.alpha = alpha;
    const dt = promoted(a, b);
    const scaled = a instanceof Tensor ? binaryKernel('mul', a, alpha, dt, dt) : (a as number) * alpha;
    return binaryKernel('sub', b, scaled, dt, dt);
  },
  backward: (ctx, g) => [g.mul(-(ctx.alpha as number)), g],
});

/** torch.rsub(input, other, { alpha }): other - alpha * input. */
export function rsub(input: TensorOrScalar, other: TensorOrScalar, opts?: { alpha?: number }): Tensor {
  return rsubImpl(operand(input), operand(other), opts?.alpha ?? 1);
}

const mulImpl = defineOp({
  name: 'MulBackward0',
  inputs: [0, 1],
  forward(ctx, a: Operand, b: Operand) {
    ctx.save_for_backward(a instanceof Tensor ? a : null, b instanceof Tensor ? b : null);
    ctx.sa = a;
    ctx.sb = b;
    const dt = promoted(a, b);
    return binaryKernel('mul', a, b, dt, dt);
  },
  backward(ctx, g) {
    const [a, b] = ctx.saved_tensors;
    const ga = ctx.needs_input_grad[0] ? g.mul(b ?? (ctx.sb as number)) : null;
    const gb = ctx.needs_input_grad[1] ? g.mul(a ?? (ctx.sa as number)) : null;
    return [ga, gb];
  },
});

/** torch.mul(input, other) */
export function mul(input: TensorOrScalar, other: TensorOrScalar): Tensor {
  return mulImpl(operand(input), operand(other));
}

const divOp = (name: string) => defineOp({
  name,
  inputs: [0, 1],
  forward(ctx, a: Operand, b: Operand) {
    ctx.save_for_backward(a instanceof Tensor ? a : null, b instanceof Tensor ? b : null);
    ctx.sb = b;
    const dt = floatResult(promoted(a, b));
    return binaryKernel('div', a, b, dt, dt);
  },
  backward(ctx, g) {
    const [a, b] = ctx.saved_tensors;
    const den = b ?? (ctx.sb as number);
    const ga = ctx.needs_input_grad[0] ? g.div(den) : null;
    const gb = ctx.needs_input_grad[1] ? g.neg().mul(a).div(b.mul(b)) : null;
    return [ga, gb];
  },
});
const divImpl = divOp('DivBackward0');
// div(a, b, rounding_mode=None) goes through the div.Tensor_mode overload: DivBackward2.
const divModeNoneImpl = divOp('DivBackward2');

const divRoundImpl = defineOp({
  name: 'DivBackward2',
  inputs: [0, 1],
  forward(_ctx, a: Operand, b: Operand, mode: 'trunc' | 'floor') {
    const dt = promoted(a, b);
    if (!dt.is_floating_point) {
      const bt = b instanceof Tensor ? b : null;
      check(!(bt ? bt.eq(0).any().item() : b === 0), () => 'ZeroDivisionError');
    }
    return binaryKernel(mode === 'trunc' ? 'div_trunc' : 'div_floor', a, b, dt, dt);
  },
  backward: (_ctx, g) => [g.mul(0), g.mul(0)],
});

/**
 * torch.div(input, other, { rounding_mode }): true division (always floating) unless
 * rounding_mode is 'trunc' or 'floor'.
 */
export function div(
  input: TensorOrScalar, other: TensorOrScalar, opts?: { rounding_mode?: 'trunc' | 'floor' | null },
): Tensor {
  const mode = opts?.rounding_mode ?? null;
  if (mode === null) {
    const impl = opts && 'rounding_mode' in opts ? divModeNoneImpl : divImpl;
    return impl(operand(input), operand(other));
  }
  check(mode === 'trunc' || mode === 'floor', () =>
    `div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '${String(mode)}'`);
  return divRoundImpl(operand(input), operand(other), mode);
}

/** torch.floor_divide(input, other) */
export function floor_divide(input: TensorOrScalar, other: TensorOrScalar): Tensor {
  return div(input, other, { rounding_mode: 'floor' });
}

function nondiffBinary(name: string, op: BinaryOp) {
  const impl = defineOp({
    name,
    inputs: [0, 1],
    forward(_ctx, a: Operand, b: Operand) {
      const dt = promoted(a, b);
      return binaryKernel(op, a, b, dt, dt);
    },
    backward: (_ctx, g) => [g, g.mul(0)],
  });
  return (a: TensorOrScalar, b: TensorOrScalar): Tensor => impl(operand(a), operand(b));
}

/** torch.remainder: Python's %, with the sign of the divisor. */
export const remainder = nondiffBinary('RemainderBackward0', 'remainder');
/** torch.fmod: C's fmod, with the sign of the dividend. */
export const fmod = nondiffBinary('FmodBackward0', 'fmod');

const powImpl = defineOp({
  name: 'PowBackward0',
  forward(ctx, a: Tensor, e: number) {
    ctx.save_for_backward(a);
    ctx.e = e;
    const dt = promoted(a, e);
    return binaryKernel('pow', a, e, dt, dt);
  },
  backward(ctx, g) {
    const [a] = ctx.saved_tensors;
    const e = ctx.e as number;
    if (e === 0) return [g.mul(0)];
    return [g.mul(a.pow(e - 1).mul(e))];
  },
});

const powTensorOp = (name: string) => defineOp({
  name,
  forward(ctx, a: Operand, b: Tensor) {
    const at = a instanceof Tensor ? a : scalarTensor(a, b.dtype);
    const dt = promoted(a, b);
    const out = binaryKernel('pow', at, b, dt, dt);
    ctx.save_for_backward(at, b, out);
    return out;
  },
  backward(ctx, g) {
    const [a, b, out] = ctx.saved_tensors;
    const ga = ctx.needs_input_grad[0] ? g.mul(b.mul(a.pow(b.sub(1)))) : null;
    const safe = where(a.eq(0).logical_and(b.ge(0)), 0, out.mul(a.log()));
    const gb = ctx.needs_input_grad[1] ? g.mul(safe) : null;
    return [ga, gb];
  },
});

const powTensorImpl = powTensorOp('PowBackward1');
// torch.pow(scalar, tensor) is the pow.Scalar overload.
const powScalarBaseImpl = powTensorOp('PowBackward2');

/** torch.pow(input, exponent): tensor or scalar on either side. */
export function pow(input: TensorOrScalar, exponent: TensorOrScalar): Tensor {
  const a = operand(input);
  const e = operand(exponent);
  if (e instanceof Tensor) return (a instanceof Tensor ? powTensorImpl : powScalarBaseImpl)(a, e);
  check(a instanceof Tensor, () => 'pow expects at least one tensor', TypeError);
  if (!a.dtype.is_floating_point && typeof e === 'number' && e < 0 && Number.isInteger(e)) {
    throw new Error('Integers to negative integer powers are not allowed.');
  }
  return powImpl(a, e as number);
}

function minmaxImpl(name: string, op: 'maximum' | 'minimum') {
  return defineOp({
    name,
    forward(ctx, a: Tensor, b: Tensor) {
      ctx.save_for_backward(a, b);
      const dt = promoted(a, b);
      return binaryKernel(op, a, b, dt, dt);
    },
    backward(ctx, g) {
      const [a, b] = ctx.saved_tensors;
      const pick = op === 'maximum' ? a.gt(b) : a.lt(b);
      const tie = a.eq(b);
      const half = g.mul(0.5);
      const ga = where(tie, half, where(pick, g, 0));
      const gb = where(tie, half, where(pick, 0, g));
      return [ga, gb];
    },
  });
}

const maximumImpl = minmaxImpl('MaximumBackward0', 'maximum');
const minimumImpl = minmaxImpl('MinimumBackward0', 'minimum');

/** torch.maximum(input, other): elementwise max, propagating NaN. */
export function maximum(input: Tensor, other: TensorOrScalar): Tensor {
  return maximumImpl(input, toTensorLike(other, input));
}

/** torch.minimum(input, other): elementwise min, propagating NaN. */
export function minimum(input: Tensor, other: TensorOrScalar): Tensor {
  return minimumImpl(input, toTensorLike(other, input));
}

const atan2Impl = defineOp({
  name: 'Atan2Backward0',
  forward(ctx, a: Tensor, b: Tensor) {
    ctx.save_for_backward(a, b);
    const dt = floatResult(promoted(a, b));
    return binaryKernel('atan2', a, b, dt, dt);
  },
  backward(ctx, g) {
    const [a, b] = ctx.saved_tensors;
    const den = a.mul(a).add(b.mul(b));
    return [g.mul(b).div(den), g.mul(a.neg()).div(den)];
  },
});

/** torch.atan2(input, other) */
export function atan2(input: Tensor, other: Tensor): Tensor {
  return atan2Impl(input, other);
}

function comparison(op: BinaryOp) {
  return (input: TensorOrScalar, other: TensorOrScalar): Tensor => {
    const a = operand(input);
    const b = operand(other);
    return binaryKernel(op, a, b, promoted(a, b), bool);
  };
}


export const eq = comparison('eq');
export const ne = comparison('ne');
export const lt = comparison('lt');
export const le = comparison('le');
export const gt = comparison('gt');
export const ge = comparison('ge');
export const logical_and = comparison('logical_and');
export const logical_or = comparison('logical_or');
export const logical_xor = comparison('logical_xor');
export const greater = gt;
export const less = lt;
export const greater_equal = ge;
export const less_equal = le;
export const not_equal = ne;

/** torch.equal: same shape and values. */
export function equal(a: Tensor, b: Tensor): boolean {
  if (a._shape.length !== b._shape.length || a._shape.some((d, i) => d !== b._shape[i])) return false;
  return no_grad(() => eq(a, b).all().item() !== 0);
}

/** torch.isclose(a, b, { rtol, atol, equal_nan }) */
export function isclose(a: Tensor, b: Tensor, opts: { rtol?: number; atol?: number; equal_nan?: boolean } = {}): Tensor {
  const rtol = opts.rtol ?? 1e-5;
  const atol = opts.atol ?? 1e-8;
  return no_grad(() => {
    const close = a.sub(b).abs().le(b.abs().mul(rtol).add(atol)).logical_or(a.eq(b));
    if (!opts.equal_nan) return close;
    return close.logical_or(a.isnan().logical_and(b.isnan()));
  });
}

/** torch.allclose(a, b, { rtol, atol, equal_nan }) */
export function allclose(a: Tensor, b: Tensor, opts: { rtol?: number; atol?: number; equal_nan?: boolean } = {}): boolean {
  return isclose(a, b, opts).all().item() !== 0;
}

const whereImpl = defineOp({
  name: 'WhereBackward0',
  inputs: [1, 2],
  forward(ctx, cond: Tensor, a: Operand, b: Operand) {
    check(cond.dtype.name === 'bool', () =>
      `where expected condition to be a boolean tensor, but got a tensor with dtype ${cond.dtype.name === 'float32' ? 'Float' : cond.dtype.name}`);
    ctx.save_for_backward(cond);
    const dt = promoted(a, b);
    const at = a instanceof Tensor ? a : scalarTensor(a, dt);
    const bt = b instanceof Tensor ? b : scalarTensor(b, dt);
    const shape = broadcastShapes(cond._shape, at._shape, bt._shape);
    const out = Tensor._uninit(shape, dt);
    K().where(kvAs(cond, shape), kvAs(at, shape), kvAs(bt, shape), out._storage.data, storeKind(dt));
    return out;
  },
  backward(ctx, g) {
    const [cond] = ctx.saved_tensors;
    return [null, where(cond, g, 0), where(cond, 0, g)];
  },
});

/** torch.where(condition, input, other): input where condition holds, else other. */
export function where(condition: Tensor, input: TensorOrScalar, other: TensorOrScalar): Tensor {
  return whereImpl(condition, operand(input), operand(other));
}

const clampImpl = defineOp({
  name: 'ClampBackward1',
  inputs: [0],
  forward(ctx, x: Tensor, lo: number | null, hi: number | null) {
    ctx.save_for_backward(x);
    Object.assign(ctx, { lo, hi });
    const dt = resultType([x, ...(lo === null ? [] : [lo]), ...(hi === null ? [] : [hi])]);
    let out = x;
    if (lo !== null) out = binaryKernel('maximum', out, lo, dt, dt);
    if (hi !== null) out = binaryKernel('minimum', out, hi, dt, dt);
    return out === x ? binaryKernel('add', x, 0, dt, dt) : out;
  },
  backward(ctx, g) {
    const [x] = ctx.saved_tensors;
    const lo = ctx.lo as number | null;
    const hi = ctx.hi as number | null;
    let mask = x.isnan().logical_not();
    if (lo !== null) mask = mask.logical_and(x.ge(lo));
    if (hi !== null) mask = mask.logical_and(x.le(hi));
    return [where(mask, g, 0)];
  },
});

const clampTensorImpl = defineOp({
  name: 'ClampBackward0',
  forward(ctx, x: Tensor, lo: Tensor | null, hi: Tensor | null) {
    ctx.save_for_backward(x, lo, hi);
    const dt = resultType([x, ...(lo ? [lo] : []), ...(hi ? [hi] : [])]);
    let out = x;
    if (lo) out = binaryKernel('maximum', out, lo, dt, dt);
    if (hi) out = binaryKernel('minimum', out, hi, dt, dt);
    return out;
  },
  // derivatives.yaml: clamp_backward and clamp_backward_min_max (min wins where min > max).
  backward(ctx, g) {
    const [x, lo, hi] = ctx.saved_tensors;
    let mask = x.isnan().logical_not();
    if (lo) mask = mask.logical_and(x.ge(lo));
    if (hi) mask = mask.logical_and(x.le(hi));
    let glo: Tensor | null = null;
    let ghi: Tensor | null = null;
    if (lo && hi) {
      glo = where(x.lt(lo).logical_and(lo.lt(hi)), g, 0);
      ghi = where(x.gt(hi).logical_or(hi.lt(lo)), g, 0);
    } else if (lo) glo = where(x.lt(lo), g, 0);
    else if (hi) ghi = where(x.gt(hi), g, 0);
    return [where(mask, g, 0), glo, ghi];
  },
});

type Bound = TensorOrScalar | null | undefined;

/** torch.clamp(input, min, max) / clamp(input, { min, max }): at least one bound required. */
export function clamp(x: Tensor, min?: Bound | { min?: Bound; max?: Bound }, max?: Bound): Tensor {
  if (min !== null && typeof min === 'object' && !(min instanceof Tensor)) {
    max = min.max;
    min = min.min;
  }
  const lo = (min ?? null) as TensorOrScalar | null;
  const hi = (max ?? null) as TensorOrScalar | null;
  check(lo !== null || hi !== null, () => "torch.clamp: At least one of 'min' or 'max' must not be None");
  if (lo instanceof Tensor || hi instanceof Tensor) {
    return clampTensorImpl(x, lo === null ? null : toTensorLike(lo, x), hi === null ? null : toTensorLike(hi, x));
  }
  return clampImpl(x, lo === null ? null : operand(lo) as number, hi === null ? null : operand(hi) as number);
}

const addcmulImpl = defineOp({
  name: 'AddcmulBackward0',
  forward(ctx, x: Tensor, t1: Tensor, t2: Tensor, value: number) {
    ctx.save_for_backward(t1, t2);
    ctx.value = value;
    const dt = resultType([x, t1, t2]);
    const prod = binaryKernel('mul', t1, t2, dt, dt);
    return binaryKernel('add', x, value === 1 ? prod : binaryKernel('mul', prod, value, dt, dt), dt, dt);
  },
  backward(ctx, g) {
    const [t1, t2] = ctx.saved_tensors;
    const v = ctx.value as number;
    return [g, g.mul(t2).mul(v), g.mul(t1).mul(v)];
  },
});

/** torch.addcmul(input, tensor1, tensor2, { value }): input + value * tensor1 * tensor2. */
export function addcmul(x: Tensor, t1: Tensor, t2: Tensor, opts?: { value?: number }): Tensor {
  return addcmulImpl(x, t1, t2, opts?.value ?? 1);
}

const addcdivImpl = defineOp({
  name: 'AddcdivBackward0',
  forward(ctx, x: Tensor, t1: Tensor, t2: Tensor, value: number) {
    ctx.save_for_backward(t1, t2);
    ctx.value = value;
    const dt = resultType([x, t1, t2]);
    const q = binaryKernel('div', t1, t2, dt, dt);
    return binaryKernel('add', x, value === 1 ? q : binaryKernel('mul', q, value, dt, dt), dt, dt);
  },
  backward(ctx, g) {
    const [t1, t2] = ctx.saved_tensors;
    const v = ctx.value as number;
    return [g, g.mul(v).div(t2), g.mul(t1.neg()).mul(v).div(t2.mul(t2))];
  },
});

/** torch.addcdiv(input, tensor1, tensor2, { value }): input + value * tensor1 / tensor2. */
export function addcdiv(x: Tensor, t1: Tensor, t2: Tensor, opts?: { value?: number }): Tensor {
  return addcdivImpl(x, t1, t2, opts?.value ?? 1);
}

/** torch.lerp(input, end, weight): input + weight * (end - input). */
export function lerp(x: Tensor, end: Tensor, weight: TensorOrScalar): Tensor {
  return add(x, mul(sub(end, x), weight));
}

const maskedFillImpl = defineOp({
  name: 'MaskedFillBackward0',
  inputs: [0],
  forward(ctx, x: Tensor, mask: Tensor, value: number) {
    check(mask.dtype.name === 'bool', () =>
      `masked_fill_ only supports boolean masks, but got mask with dtype ${mask.dtype.name}`);
    ctx.save_for_backward(mask);
    const shape = broadcastShapes(x._shape, mask._shape);
    const out = Tensor._empty(shape, x.dtype);
    const v = scalarTensor(value, x.dtype);
    K().where(kvAs(mask, shape), kvAs(v, shape), kvAs(x, shape), out._storage.data, storeKind(x.dtype));
    return out;
  },
  backward(ctx, g) {
    const [mask] = ctx.saved_tensors;
    return [where(mask, 0, g), null, null];
  },
});

/** t.masked_fill(mask, value): value where mask is true. */
export function masked_fill(x: Tensor, mask: Tensor, value: TensorOrScalar): Tensor {
  const v = value instanceof Tensor ? value.item() : operand(value);
  return maskedFillImpl(x, mask, v as number);
}

/** torch.true_divide: div without rounding. */
export function true_divide(input: TensorOrScalar, other: TensorOrScalar): Tensor {
  return div(input, other);
}

/** torch.clip: alias of clamp. */
export const clip = (x: Tensor, min?: Bound | { min?: Bound; max?: Bound }, max?: Bound): Tensor => clamp(x, min, max);
