// Pointwise unary ops (ATen/native/UnaryOps.cpp; gradients from tools/autograd/derivatives.yaml).
import { K, type UnaryOp } from '../backend/backend.js';
import { type DType, bool, get_default_dtype } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { check } from '../utils/check.js';
import { defineOp } from './define.js';
import { kv, storeKind } from './util.js';
import { pow } from './binary.js';
import { threshold_backward } from './threshold.js';

/** Runs a unary kernel into a new tensor of dtype `out`. */
export function unaryKernel(op: UnaryOp, x: Tensor, out: DType): Tensor {
  const y = Tensor._uninit(x._shape, out);
  K().unary(op, kv(x), y._storage.data, storeKind(out));
  return y;
}

type Grad = (g: Tensor, x: Tensor, out: Tensor) => Tensor;

interface UnarySpec {
  /** integer inputs give a floating result (exp, log, ...) rather than keeping their dtype */
  floating?: boolean;
  /** boolean inputs are refused (neg) */
  noBool?: string;
}

/** Defines a differentiable unary op with its PyTorch node name and gradient formula. */
function unaryOp(name: string, op: UnaryOp, grad: Grad, spec: UnarySpec = {}) {
  const impl = defineOp({
    name,
    forward(ctx, x: Tensor) {
      if (spec.noBool) check(x.dtype !== bool, () => spec.noBool as string);
      const dt = spec.floating && !x.dtype.is_floating_point ? get_default_dtype() : x.dtype;
      const out = unaryKernel(op, x, dt);
      ctx.save_for_backward(x, out);
      return out;
    },
    backward(ctx, g) {
      const [x, out] = ctx.saved_tensors;
      return [grad(g, x, out)];
    },
  });
  return (x: Tensor): Tensor => impl(x);
}

const zero: Grad = (g) => g.mul(0);
const LN2 = Math.LN2;
const LN10 = Math.LN10;

/** torch.neg(input): -input. */
export const neg = unaryOp('NegBackward0', 'neg', (g) => g.neg(), {
  noBool: 'Negation, the `-` operator, on a bool tensor is not supported. If you are trying to ' +
    'invert a mask, use the `~` or `logical_not()` operator instead.',
});
/** torch.exp(input) */
export const exp = unaryOp('ExpBackward0', 'exp', (g, _x, y) => g.mul(y), { floating: true });
/** torch.log(input): natural logarithm. */
export const log = unaryOp('LogBackward0', 'log', (g, x) => g.div(x), { floating: true });
export const log2 = unaryOp('Log2Backward0', 'log2', (g, x) => g.div(x.mul(LN2)), { floating: true });
export const log10 = unaryOp('Log10Backward0', 'log10', (g, x) => g.div(x.mul(LN10)), { floating: true });
export const log1p = unaryOp('Log1PBackward0', 'log1p', (g, x) => g.div(x.add(1)), { floating: true });
export const expm1 = unaryOp('Expm1Backward0', 'expm1', (g, _x, y) => g.mul(y.add(1)), { floating: true });
/** torch.sqrt(input) */
export const sqrt = unaryOp('SqrtBackward0', 'sqrt', (g, _x, y) => g.div(y.mul(2)), { floating: true });
export const rsqrt = unaryOp('RsqrtBackward0', 'rsqrt', (g, _x, y) => g.mul(y.pow(3)).mul(-0.5),
  { floating: true });
/** torch.abs(input) */
export const abs = unaryOp('AbsBackward0', 'abs', (g, x) => g.mul(x.sign()));
export const absolute = abs;
/** torch.sigmoid(input): 1 / (1 + exp(-input)). */
export const sigmoid = unaryOp('SigmoidBackward0', 'sigmoid',
  (g, _x, y) => g.mul(y.mul(y.neg().add(1))), { floating: true });
/** torch.tanh(input) */
export const tanh = unaryOp('TanhBackward0', 'tanh', (g, _x, y) => g.mul(y.mul(y).neg().add(1)),
  { floating: true });
/** torch.relu(input): max(input, 0). */
export const relu = unaryOp('ReluBackward0', 'relu', (g, _x, y) => threshold_backward(g, y, 0));
export const sin = unaryOp('SinBackward0', 'sin', (g, x) => g.mul(x.cos()), { floating: true });
export const cos = unaryOp('CosBackward0', 'cos', (g, x) => g.mul(x.sin().neg()), { floating: true });
export const tan = unaryOp('TanBackward0', 'tan', (g, _x, y) => g.mul(y.mul(y).add(1)), { floating: true });
export const reciprocal = unaryOp('ReciprocalBackward0', 'reciprocal',
  (g, _x, y) => g.mul(y.mul(y)).neg(), { floating: true });
export const sign = unaryOp('SignBackward0', 'sign', zero);
export const floor = unaryOp('FloorBackward0', 'floor', zero);
export const ceil = unaryOp('CeilBackward0', 'ceil', zero);
export const round = unaryOp('RoundBackward0', 'round', zero);
export const trunc = unaryOp('TruncBackward0', 'trunc', zero);
export const frac = unaryOp('FracBackward0', 'frac', (g) => g);

/** torch.square(input): input ** 2 (recorded as PowBackward0, as in PyTorch). */
export function square(x: Tensor): Tensor {
  return pow(x, 2);
}

function predicate(op: UnaryOp) {
  return (x: Tensor): Tensor => unaryKernel(op, x, bool);
}

export const isnan = predicate('isnan');
export const isinf = predicate('isinf');
export const isfinite = predicate('isfinite');
export const logical_not = predicate('logical_not');

/** torch.negative: alias of neg. */
export const negative = neg;
