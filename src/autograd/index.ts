// torch.autograd: backward, grad, grad modes, gradcheck, and custom Functions.
import type { Tensor } from '../tensor/tensor.js';
import { runBackward, type BackwardOptions } from './engine.js';
import { defineOp, type OpSpec } from '../ops/define.js';

export { grad } from './engine.js';
export { no_grad, enable_grad, set_grad_enabled, inference_mode, is_grad_enabled } from './grad_mode.js';
export { gradcheck } from './gradcheck.js';
export { Node } from './node.js';
export { OpCtx as FunctionCtx } from '../ops/define.js';

/** torch.autograd.backward(tensors, grad_tensors, { retain_graph, create_graph, inputs }) */
export function backward(
  tensors: Tensor | Tensor[], grad_tensors?: Tensor | (Tensor | null)[] | null, opts: BackwardOptions = {},
): void {
  const ts = Array.isArray(tensors) ? tensors : [tensors];
  const gs = grad_tensors === undefined || grad_tensors === null ? [] : Array.isArray(grad_tensors) ? grad_tensors : [grad_tensors];
  runBackward(ts, ts.map((_, i) => gs[i] ?? null), opts);
}

/**
 * torch.autograd.Function: a custom op from a forward over tensors and a backward over tensor
 * ops (defineOp, with the backward marked as user code so the engine never reuses its results).
 * @example
 * const square = torch.autograd.Function({
 *   name: 'SquareBackward',
 *   forward: (ctx, x: Tensor) => { ctx.save_for_backward(x); return x.mul(x); },
 *   backward: (ctx, g) => [g.mul(2).mul(ctx.saved_tensors[0])],
 * });
 */
export function Function<A extends unknown[], R extends Tensor | Tensor[] = Tensor>(
  spec: OpSpec<A, R>,
): (...args: A) => R {
  return defineOp(spec, true);
}
