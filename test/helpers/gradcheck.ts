// Finite-difference checks shared by the layer tests: first and second order, in float64.
import assert from 'node:assert/strict';
import * as torch from '../../src/index.js';

export type TensorFn = (...ts: torch.Tensor[]) => torch.Tensor;

/** gradcheck of fn and of its first gradient (so double backward), all inputs float64. */
export function gradAndGradGrad(fn: TensorFn, inputs: torch.Tensor[]): void {
  assert.ok(torch.autograd.gradcheck(fn, inputs));
  // gradcheck evaluates fn without grad for its finite differences; the inner grad needs it.
  const first = (...ts: torch.Tensor[]): torch.Tensor => torch.enable_grad(() => {
    const out = fn(...ts);
    const gs = torch.autograd.grad(out.square().sum(), ts, { create_graph: true }) as torch.Tensor[];
    return torch.cat(gs.map((g) => g.reshape(-1)));
  });
  assert.ok(torch.autograd.gradcheck(first, inputs));
}

/** A float64 leaf of random normal values that requires grad. */
export function f64(...shape: number[]): torch.Tensor {
  return torch.randn(shape, { dtype: 'float64' }).requires_grad_();
}
