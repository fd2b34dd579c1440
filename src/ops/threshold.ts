// threshold_backward (aten/src/ATen/native/Activation.cpp; its gradient from derivatives.yaml):
// ReLU's backward as one fused kernel, grad where self > threshold and 0 elsewhere.
import { K } from '../backend/backend.js';
import { promote_types, type DType } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { fmtShape } from '../tensor/view.js';
import { check } from '../utils/check.js';
import { defineOp } from './define.js';
import { kv, sameShape, storeKind } from './util.js';

const TYPE_NAMES: Record<string, string> = {
  float32: 'Float', float64: 'Double', int32: 'Int', int64: 'Long', bool: 'Bool',
};

/** t as a contiguous tensor of dtype dt, by a raw kernel copy (never recorded by autograd). */
function rawAs(t: Tensor, dt: DType): Tensor {
  if (t.dtype === dt && t.is_contiguous()) return t;
  const out = Tensor._uninit(t._shape, dt);
  K().copy(kv(t), kv(out), storeKind(dt));
  return out;
}

const thresholdBackwardOp: (grad: Tensor, self: Tensor, threshold: number) => Tensor = defineOp({
  name: 'ThresholdBackwardBackward0',
  forward(ctx, grad: Tensor, self: Tensor, threshold: number) {
    ctx.threshold = threshold;
    ctx.save_for_backward(self);
    const dt = promote_types(grad.dtype, self.dtype);
    // A gradient that is one value expanded (sum's backward) is read in place, not materialised.
    const scalar = grad.dtype === dt && grad._strides.every((s) => s === 0);
    const g = scalar ? grad : rawAs(grad, dt);
    const x = rawAs(self, dt);
    const out = Tensor._uninit(self._shape, dt);
    K().thresholdBackward(g._storage.data, g._offset, scalar ? 0 : 1, x._storage.data, x._offset, out.numel(),
      threshold, out._storage.data);
    return out;
  },
  // d/dgrad is the same mask (so double backward through ReLU is exact); d/dself is zero.
  backward(ctx, gg): (Tensor | null)[] {
    const [self] = ctx.saved_tensors;
    return [threshold_backward(gg, self, ctx.threshold as number), null];
  },
});

/**
 * torch.ops.aten.threshold_backward(grad_output, self, threshold): grad_output where
 * self > threshold, else 0 (a NaN in self passes the gradient, as in PyTorch). ReLU's backward is
 * threshold_backward(grad, result, 0).
 *
 * @example
 * const g = threshold_backward(torch.ones(3), torch.tensor([-1, 0, 2]), 0); // [0, 0, 1]
 */
export function threshold_backward(grad: Tensor, self: Tensor, threshold: number): Tensor {
  check(sameShape(grad._shape, self._shape), () =>
    `threshold_backward: grad_output of shape ${fmtShape(grad._shape)} must match self's shape ` +
    `${fmtShape(self._shape)}`);
  const bad = grad.dtype.is_floating_point ? self.dtype : grad.dtype;
  check(bad.is_floating_point, () => `"threshold_backward" not implemented for '${TYPE_NAMES[bad.name]}'`);
  return thresholdBackwardOp(grad, self, threshold);
}
