// Activation ops of torch.nn.functional (ATen/native/Activation.cpp; gradients from
// tools/autograd/derivatives.yaml). Fixed-shape ones use the backend's unary kernels; the
// parametrised ones (slopes, alphas, bounds, beta) are compositions of kernels over tensors.
import { no_grad } from '../autograd/grad_mode.js';
import type { UnaryOp } from '../backend/backend.js';
import { Tensor } from '../tensor/tensor.js';
import { check } from '../utils/check.js';
import { where } from './binary.js';
import { contig } from './convolution.js';
import { defineOp } from './define.js';
import { erf as erfScalar } from './special.js';
import { unaryKernel } from './unary.js';

type Grad = (g: Tensor, x: Tensor) => Tensor;

/** A one-input op: forward from kernels (never recorded), backward over tensor ops. */
function activationOp(name: string, fwd: (x: Tensor) => Tensor, grad: Grad) {
  const impl = defineOp({
    name,
    forward(ctx, x: Tensor) {
      ctx.save_for_backward(x);
      return no_grad(() => fwd(x));
    },
    backward(ctx, g) {
      const [x] = ctx.saved_tensors;
      return [grad(g, x)];
    },
  });
  return (x: Tensor): Tensor => impl(x);
}

function kernel(op: UnaryOp) {
  return (x: Tensor): Tensor => unaryKernel(op, x, x.dtype);
}

function checkFloating(x: Tensor, what: string): void {
  check(x.dtype.is_floating_point, () => `"${what}" not implemented for '${x.dtype.name}'`);
}

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const GELU_K = Math.sqrt(2 / Math.PI);
const GELU_C = 0.044715;
/** SELU's constants (torch/nn/functional.py, from Klambauer et al. 2017). */
export const SELU_ALPHA = 1.6732632423543772848170429916717;
export const SELU_SCALE = 1.0507009873554804934193349852946;

/** erf as a differentiable op (ErfBackward0), used inside gelu's backward. */
const erfOp = activationOp(
  'ErfBackward0',
  (x) => {
    const xc = contig(x);
    const out = Tensor._empty(x._shape, x.dtype);
    const src = xc._storage.data;
    const dst = out._storage.data;
    for (let i = 0; i < dst.length; i++) dst[i] = erfScalar(src[xc._offset + i]);
    return out;
  },
  (g, x) => g.mul(x.square().neg().exp().mul(2 / Math.sqrt(Math.PI))),
);

/** Standard normal CDF Phi(x) = (1 + erf(x / sqrt 2)) / 2. */
function normalCdf(x: Tensor): Tensor {
  return erfOp(x.mul(SQRT1_2)).add(1).mul(0.5);
}

/** hardtanh(input, min_val, max_val): clamp with a zero gradient outside (min_val, max_val). */
function hardtanhOp(min_val: number, max_val: number) {
  return activationOp(
    'HardtanhBackward0',
    (x) => x.clamp(min_val, max_val),
    (g, x) => where(x.le(min_val).logical_or(x.ge(max_val)), 0, g),
  );
}

/**
 * F.hardtanh's op: max(min_val, min(max_val, input)).
 * @example hardtanh(torch.tensor([-2, 0.5, 2])) // tensor([-1.0000, 0.5000, 1.0000])
 */
export function hardtanh(input: Tensor, min_val = -1, max_val = 1): Tensor {
  check(min_val <= max_val, () => 'min_val cannot be greater than max_val');
  return hardtanhOp(min_val, max_val)(input);
}

/**
 * F.relu6's op: hardtanh(input, 0, 6) (recorded as HardtanhBackward0, as in PyTorch).
 * @example relu6(torch.tensor([-1, 3, 7])) // tensor([0., 3., 6.])
 */
export function relu6(input: Tensor): Tensor {
  return hardtanh(input, 0, 6);
}

/**
 * F.leaky_relu's op: input where input > 0, else negative_slope * input.
 * @example leaky_relu(torch.tensor([-1, 2]), 0.1) // tensor([-0.1000, 2.0000])
 */
export function leaky_relu(input: Tensor, negative_slope = 0.01): Tensor {
  const op = activationOp(
    'LeakyReluBackward0',
    (x) => where(x.gt(0), x, x.mul(negative_slope)),
    (g, x) => where(x.gt(0), g, g.mul(negative_slope)),
  );
  return op(input);
}

/** ATen's elu(input, alpha, scale, input_scale), shared by elu, selu and celu. */
function eluOp(alpha: number, scale: number, input_scale: number, name = 'EluBackward0') {
  return activationOp(
    name,
    (x) => where(x.gt(0), x.mul(scale), x.mul(input_scale).expm1().mul(alpha * scale)),
    (g, x) => where(x.gt(0), g.mul(scale), g.mul(x.mul(input_scale).exp().mul(alpha * scale * input_scale))),
  );
}

/**
 * F.elu's op: input where input > 0, else alpha * (exp(input) - 1).
 * @example elu(torch.tensor([-1, 2])) // tensor([-0.6321, 2.0000])
 */
export function elu(input: Tensor, alpha = 1): Tensor {
  checkFloating(input, 'elu');
  return eluOp(alpha, 1, 1)(input);
}

/**
 * F.selu's op: scale * elu(input, alpha) with SELU's fixed constants.
 * @example selu(torch.tensor([1])) // tensor([1.0507])
 */
export function selu(input: Tensor): Tensor {
  checkFloating(input, 'elu');
  return eluOp(SELU_ALPHA, SELU_SCALE, 1)(input);
}

/**
 * F.celu's op: max(0, x) + min(0, alpha * (exp(x / alpha) - 1)).
 * @example celu(torch.tensor([-1, 2]), 2) // tensor([-0.7869, 2.0000])
 */
export function celu(input: Tensor, alpha = 1): Tensor {
  checkFloating(input, 'elu');
  return eluOp(alpha, 1, 1 / alpha, 'CeluBackward0')(input);
}

const geluExact = activationOp(
  'GeluBackward0',
  (x) => x.mul(normalCdf(x)),
  (g, x) => g.mul(normalCdf(x).add(x.mul(x.square().mul(-0.5).exp()).mul(INV_SQRT_2PI))),
);

const geluTanh = activationOp(
  'GeluBackward0',
  kernel('gelu_tanh'),
  (g, x) => {
    const x2 = x.square();
    const t = x.add(x.mul(x2).mul(GELU_C)).mul(GELU_K).tanh();
    const dInner = x2.mul(3 * GELU_C).add(1).mul(GELU_K);
    const left = t.add(1).mul(0.5);
    const right = x.mul(t.square().neg().add(1)).mul(dInner).mul(0.5);
    return g.mul(left.add(right));
  },
);

/**
 * F.gelu's op: input * Phi(input), or its tanh approximation with approximate='tanh'.
 * @example gelu(torch.tensor([1]), 'tanh') // tensor([0.8412])
 */
export function gelu(input: Tensor, approximate: 'none' | 'tanh' = 'none'): Tensor {
  check(approximate === 'none' || approximate === 'tanh',
    () => 'approximate argument must be either none or tanh.');
  checkFloating(input, 'GeluKernelImpl');
  return approximate === 'tanh' ? geluTanh(input) : geluExact(input);
}

/**
 * F.silu's op: input * sigmoid(input).
 * @example silu(torch.tensor([1])) // tensor([0.7311])
 */
export const silu = activationOp('SiluBackward0', kernel('silu'), (g, x) => {
  const s = x.sigmoid();
  return g.mul(s.mul(x.mul(s.neg().add(1)).add(1)));
});

/**
 * F.mish's op: input * tanh(softplus(input)).
 * @example mish(torch.tensor([1])) // tensor([0.8651])
 */
export const mish = activationOp('MishBackward0', kernel('mish'), (g, x) => {
  const s = x.sigmoid();
  const t = softplus(x).tanh();
  return g.mul(t.add(x.mul(s).mul(t.square().neg().add(1))));
});

/**
 * F.hardswish's op: input * relu6(input + 3) / 6.
 * @example hardswish(torch.tensor([1])) // tensor([0.6667])
 */
export const hardswish = activationOp('HardswishBackward0', kernel('hardswish'),
  // ATen's hardswish_backward: 0 below -3, x / 3 + 0.5 on [-3, 3), 1 from 3 on (the oracle's
  // values at the kinks: -0.5 at x = -3, 1 at x = 3).
  (g, x) => where(x.lt(-3), 0, where(x.lt(3), g.mul(x.div(3).add(0.5)), g)));

/**
 * F.hardsigmoid's op: relu6(input + 3) / 6.
 * @example hardsigmoid(torch.tensor([0])) // tensor([0.5000])
 */
export const hardsigmoid = activationOp('HardsigmoidBackward0', kernel('hardsigmoid'),
  (g, x) => where(x.gt(-3).logical_and(x.lt(3)), g.div(6), 0));

/**
 * F.softplus's op: log(1 + exp(beta * input)) / beta, linear where beta * input > threshold.
 * @example softplus(torch.tensor([0])) // tensor([0.6931])
 */
export function softplus(input: Tensor, beta = 1, threshold = 20): Tensor {
  const op = activationOp(
    'SoftplusBackward0',
    (x) => {
      const bx = x.mul(beta);
      return where(bx.gt(threshold), x, bx.exp().log1p().div(beta));
    },
    (g, x) => {
      const bx = x.mul(beta);
      return where(bx.gt(threshold), g, g.mul(bx.sigmoid()));
    },
  );
  return op(input);
}

/** The weight viewed to broadcast along input's dim 1 (channels). */
function preluWeight(x: Tensor, w: Tensor): Tensor {
  if (w.numel() === 1 || x.dim() < 2) return w.reshape([]);
  const shape = x.shape.map((s, d) => (d === 1 ? s : 1));
  return w.reshape(shape);
}

const preluImpl = defineOp({
  name: 'PreluKernelBackward0',
  forward(ctx, x: Tensor, w: Tensor) {
    ctx.save_for_backward(x, w);
    return no_grad(() => where(x.gt(0), x, x.mul(preluWeight(x, w))));
  },
  backward(ctx, g) {
    const [x, w] = ctx.saved_tensors;
    const pos = x.gt(0);
    const gx = where(pos, g, g.mul(preluWeight(x, w)));
    const gwFull = where(pos, 0, x.mul(g));
    let gw: Tensor;
    if (w.numel() === 1 || x.dim() < 2) gw = gwFull.sum().reshape(w.shape);
    else {
      const dims = x.shape.map((_s, d) => d).filter((d) => d !== 1);
      gw = gwFull.sum(dims).reshape(w.shape);
    }
    return [gx, gw];
  },
});

/**
 * F.prelu's op: input where input > 0, else weight * input, with one weight per channel (dim 1)
 * or a single shared weight.
 * @example prelu(torch.tensor([-1, 2]), torch.tensor([0.25])) // tensor([-0.2500, 2.0000])
 */
export function prelu(input: Tensor, weight: Tensor): Tensor {
  const n = weight.numel();
  check(input.dim() > 0, () => 'Not allow zero-dim input tensor.');
  const channels = input.dim() >= 2 ? input.shape[1] : 1;
  check(n === 1 || n === channels, () =>
    `Mismatch of parameter numbers and input channel size. Found parameter numbers = ${n} ` +
    `and channel size = ${channels}.`);
  return preluImpl(input, weight);
}
