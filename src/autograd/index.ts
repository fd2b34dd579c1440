// torch.autograd: backward, grad, grad modes, gradcheck, and custom Functions.
import type { Tensor } from '../tensor/tensor.js';
import { runBackward, type BackwardOptions } from './engine.js';

export { grad } from './engine.js';
export { no_grad, enable_grad, set_grad_enabled, inference_mode, is_grad_enabled } from './grad_mode.js';
export { gradcheck } from './gradcheck.js';
export { Node } from './node.js';
export { defineOp as Function, OpCtx as FunctionCtx } from '../ops/define.js';

/** torch.autograd.backward(tensors, grad_tensors, { retain_graph, create_graph, inputs }) */
export function backward(
  tensors: Tensor | Tensor[], grad_tensors?: Tensor | (Tensor | null)[] | null, opts: BackwardOptions = {},
): void {
  const ts = Array.isArray(tensors) ? tensors : [tensors];
  const gs = grad_tensors === undefined || grad_tensors === null ? [] : Array.isArray(grad_tensors) ? grad_tensors : [grad_tensors];
  runBackward(ts, ts.map((_, i) => gs[i] ?? null), opts);
}
