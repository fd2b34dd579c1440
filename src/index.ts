// The torch namespace: `import * as torch from 'tstorch'` (torch/__init__.py). Re-exports only.
export { Tensor, Size } from './tensor/tensor.js';
export type { Scalar, TensorOrScalar, Shape } from './tensor/tensor.js';
export {
  DType, float32, float64, int32, int64, bool, float, double, int, long,
  get_default_dtype, set_default_dtype, promote_types,
} from './tensor/dtype.js';
export type { DTypeLike, DTypeName } from './tensor/dtype.js';
export {
  tensor, from, zeros, ones, full, empty, arange, linspace, eye, scalar_tensor,
  zeros_like, ones_like, empty_like, full_like,
} from './tensor/factories.js';
export { slice, Slice } from './tensor/indexing.js';
export type { IndexItem } from './tensor/indexing.js';
export { set_printoptions, get_printoptions } from './tensor/print.js';
export {
  add, sub, rsub, mul, div, true_divide, floor_divide, remainder, fmod, pow, maximum, minimum, atan2,
  eq, ne, lt, le, gt, ge, greater, less, greater_equal, less_equal, not_equal,
  logical_and, logical_or, logical_xor, logical_not, equal, isclose, allclose, where, clamp, clip,
  addcmul, addcdiv, lerp, masked_fill,
  neg, negative, exp, log, log2, log10, log1p, expm1, sqrt, rsqrt, abs, absolute, sigmoid, tanh, relu,
  sin, cos, tan, reciprocal, sign, floor, ceil, round, trunc, frac, square, isnan, isinf, isfinite,
  sum, mean, prod, max, min, amax, amin, argmax, argmin, var_ as var, std, logsumexp, softmax,
  log_softmax, any, all, norm,
  matmul, mm, bmm, mv, dot,
  view, reshape, transpose, swapaxes, permute, t, expand, squeeze, unsqueeze, flatten, unflatten, narrow,
  select, unbind, split, chunk, cat, concat, stack, clone, nonzero, index_select, masked_select,
  rand, randn, randint, randperm, bernoulli, rand_like, randn_like, randint_like,
} from './ops/index.js';
export { manual_seed, initial_seed, seed, Generator, default_generator } from './random/generator.js';
export { no_grad, enable_grad, set_grad_enabled, inference_mode, is_grad_enabled } from './autograd/grad_mode.js';
export * as autograd from './autograd/index.js';
export * as nn from './nn/index.js';
export * as utils from './utils/data/namespace.js';
export * as optim from './optim/index.js';
export {
  gather, scatter, scatter_add, sort, argsort, topk, tril, triu, cumsum, cumprod, repeat, flip, roll,
  baddbmm, einsum,
} from './ops/index.js';
export { summary } from './utils/summary.js';
export * as backends from './backends/index.js';
export { get_num_threads, set_num_threads } from './backends/index.js';
export * as safetensors from './serialize/safetensors.js';
export { save, load } from './serialize/serialization.js';
export { conv1d, conv2d, conv_transpose1d, conv_transpose2d } from './ops/convolution.js';
export { constant_pad_nd } from './ops/padding.js';
export { bilinear } from './ops/bilinear.js';
export { addmm } from './ops/linalg_extra.js';
