// Hook handles and the autograd wiring of Module full backward hooks (torch/utils/hooks.py:
// RemovableHandle, BackwardHook; the identity op is torch/nn/modules/_functions.py's
// BackwardHookFunction).
//
// As in PyTorch, the module's tensor inputs and outputs pass through an identity op named
// BackwardHookFunctionBackward (defined once per call with defineOp). A post-hook on the outputs'
// node records grad_output (and runs backward pre-hooks); a post-hook on the inputs' node then
// calls the user hooks with (grad_input, grad_output) and lets them replace grad_input.
import { Tensor } from '../tensor/tensor.js';
import { is_grad_enabled } from '../autograd/grad_mode.js';
import type { Node } from '../autograd/node.js';
import { defineOp } from '../ops/define.js';
import { check } from './check.js';

export type Grads = (Tensor | null)[];
/** `hook(module, grad_input, grad_output)`: may return replacement grad_input. */
export type BackwardHookFn<M> = (module: M, grad_input: Grads, grad_output: Grads) => Grads | null | void;
/** `hook(module, grad_output)`: may return replacement grad_output. */
export type BackwardPreHookFn<M> = (module: M, grad_output: Grads) => Grads | null | void;

let nextHandleId = 0;

/**
 * What every `register_*_hook` returns: `remove()` unregisters the hook.
 * @example const h = model.register_forward_hook(fn); h.remove();
 */
export class RemovableHandle {
  readonly id = nextHandleId++;

  constructor(private readonly dicts: { delete(id: number): boolean }[]) {}

  /** Unregisters the hook. */
  remove(): void {
    for (const d of this.dicts) d.delete(this.id);
  }
}

function backwardHookFunction(tensors: Tensor[]): Tensor[] {
  const op = defineOp<Tensor[], Tensor[]>({
    name: 'BackwardHookFunctionBackward',
    forward: (_ctx, ...ts) => ts.map((x) => x.detach()),
    backward: (_ctx, ...grads) => grads,
    // PyTorch marks the outputs of inputs that need no grad non-differentiable.
    nondiff_outputs: tensors.flatMap((x, i) => (x.requires_grad ? [] : [i])),
  });
  return op(...tensors);
}

function packWithNone(indices: number[], values: Grads, size: number): Grads {
  const res: Grads = new Array<Tensor | null>(size).fill(null);
  indices.forEach((idx, j) => {
    res[idx] = values[j] ?? null;
  });
  return res;
}

/** One forward call's backward-hook state (PyTorch's torch.utils.hooks.BackwardHook). */
export class BackwardHook<M> {
  private n_inputs = 0;
  private n_outputs = 0;
  private input_tensors_index: number[] | null = null;
  private output_tensors_index: number[] | null = null;
  private grad_outputs: Grads | null = null;

  constructor(
    private readonly module: M,
    private readonly user_hooks: BackwardHookFn<M>[],
    private readonly user_pre_hooks: BackwardPreHookFn<M>[],
  ) {}

  /** Routes the tensor inputs through the identity op; returns the new argument list. */
  setup_input_hook(args: unknown[]): unknown[] {
    const wire = (node: Node) => node.register_hook((gin) => this.onInputGrad(gin));
    const [res, idx] = this.applyOnTensors(wire, args);
    this.n_inputs = args.length;
    this.input_tensors_index = idx;
    return res;
  }

  /** Routes the tensor outputs (one tensor, or an array as Python's tuple) through the identity op. */
  setup_output_hook(result: unknown): unknown {
    const isTuple = Array.isArray(result);
    const outs: unknown[] = isTuple ? result : [result];
    const wire = (node: Node) => node.register_hook((_, gout) => this.onOutputGrad(gout));
    const [res, idx] = this.applyOnTensors(wire, outs);
    this.n_outputs = outs.length;
    this.output_tensors_index = idx;
    return isTuple ? res : res[0];
  }

  private applyOnTensors(fn: (node: Node) => void, args: unknown[]): [unknown[], number[] | null] {
    const idx: number[] = [];
    const tensors: Tensor[] = [];
    args.forEach((a, i) => {
      if (a instanceof Tensor) {
        idx.push(i);
        tensors.push(a);
      }
    });
    if (!(tensors.some((x) => x.requires_grad) && is_grad_enabled())) return [args, null];
    const outs = backwardHookFunction(tensors);
    const node = outs.find((x) => x.grad_fn !== null)?.grad_fn;
    check(node !== undefined && node !== null, () => 'Error while setting up backward hooks.');
    fn(node);
    const res = args.slice();
    idx.forEach((i, j) => {
      res[i] = outs[j];
    });
    return [res, idx];
  }

  private onInputGrad(gradInput: Grads): Grads | void {
    // No grad_output means the gradient reached the inputs without passing the outputs
    // (e.g. double backward): PyTorch skips the user hooks then.
    if (this.grad_outputs === null) return;
    const index = this.input_tensors_index as number[];
    let res = packWithNone(index, gradInput, this.n_inputs);
    for (const hook of this.user_hooks) {
      const out = hook(this.module, res, this.grad_outputs);
      if (out === undefined || out === null) continue;
      check(out.length === res.length, () =>
        `Backward hook returned an invalid number of grad_input, got ${out.length}, ` +
        `but expected ${res.length}`);
      res = out;
    }
    this.grad_outputs = null;
    return index.map((i) => res[i]);
  }

  private onOutputGrad(gradOutput: Grads): Grads {
    const index = this.output_tensors_index as number[];
    this.grad_outputs = packWithNone(index, gradOutput, this.n_outputs);
    for (const pre of this.user_pre_hooks) {
      const r = pre(this.module, this.grad_outputs);
      if (r === undefined || r === null) continue;
      const expected = this.grad_outputs.length;
      check(r.length === expected, () =>
        `Backward pre hook returned an invalid number of grad_output, got ${r.length}, ` +
        `but expected ${expected}`);
      this.grad_outputs = r;
    }
    const local = this.grad_outputs;
    if (this.input_tensors_index === null) {
      // No input requires grad: the user hooks fire here, with a grad_input of nulls.
      const gradInputs: Grads = new Array<Tensor | null>(this.n_inputs).fill(null);
      for (const hook of this.user_hooks) {
        const r = hook(this.module, gradInputs, local);
        const ok = r === undefined || r === null || r.every((g) => g === null);
        check(ok, () => 'Backward hook for Modules where no input requires gradient should always ' +
          'return None or None for all gradients.');
      }
      this.grad_outputs = null;
    }
    return index.map((i) => local[i]);
  }
}
