// Autograd graph nodes: grad_fn objects, AccumulateGrad and saved variables
// (torch/csrc/autograd/function.h, functions/accumulate_grad.h, saved_variable.h).
import type { Tensor } from '../tensor/tensor.js';
import { check } from '../utils/check.js';

export type Edge = [Node | null, number];
export type GradHook = (grad: Tensor) => Tensor | null | undefined | void;

let nextSequenceNr = 0;

const FREED_MESSAGE =
  'Trying to backward through the graph a second time (or directly access saved tensors after ' +
  'they have already been freed). Saved intermediate values of the graph are freed when you call ' +
  '.backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the ' +
  'graph a second time or if you need to access saved tensors after calling backward.';

/** A tensor saved for backward, with the version it had when saved. */
export class SavedVariable {
  private tensor: Tensor | null;
  private readonly version: number;

  constructor(t: Tensor) {
    this.tensor = t;
    this.version = t._version.value;
  }

  /** The saved tensor, or PyTorch's error if it was freed or modified in place since. */
  unpack(): Tensor {
    const t = this.tensor;
    check(t !== null, () => FREED_MESSAGE);
    const now = t._version.value;
    const creator = t.grad_fn ? `, which is output ${t._output_nr} of ${t.grad_fn.name()},` : '';
    check(
      now === this.version,
      () =>
        'one of the variables needed for gradient computation has been modified by an inplace ' +
        `operation: [${t.type()} [${t.shape.join(', ')}]]${creator} is at version ${now}; ` +
        `expected version ${this.version} instead. Hint: enable anomaly detection to find the ` +
        'operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True).',
    );
    return t;
  }

  release(): void {
    this.tensor = null;
  }
}

/** A node of the backward graph (a tensor's grad_fn). */
export abstract class Node {
  readonly sequence_nr = nextSequenceNr++;
  next_functions: Edge[] = [];
  // The hook containers below stay null until first used: most nodes never get a hook, and
  // allocating four empty containers per node is a measurable share of an op's cost.
  /** Hooks on each output's gradient before this node runs (Tensor.register_hook). */
  _tensorPreHooks: Map<number, GradHook[]> | null = null;
  /** Non-leaf tensors whose .grad is kept (Tensor.retain_grad), by output number. */
  _retained: Map<number, WeakRef<Tensor>> | null = null;
  _preHooks: ((gradOutputs: (Tensor | null)[]) => (Tensor | null)[] | void)[] | null = null;
  _postHooks: ((gradInputs: (Tensor | null)[], gradOutputs: (Tensor | null)[]) =>
    (Tensor | null)[] | void)[] | null = null;

  /** The PyTorch class name of this node, e.g. `MmBackward0`. */
  abstract name(): string;

  /** Number of forward outputs (slots of incoming gradient). */
  abstract get num_outputs(): number;

  /** Gradients w.r.t. the forward inputs, aligned with next_functions. */
  abstract apply(grads: (Tensor | null)[]): (Tensor | null)[];

  /** Frees saved tensors after a backward without retain_graph. */
  release(): void {}

  /** Registers fn(grad_inputs, grad_outputs) to run after this node (Node.register_hook). */
  register_hook(
    fn: (gradInputs: (Tensor | null)[], gradOutputs: (Tensor | null)[]) => (Tensor | null)[] | void,
  ): { remove(): void } {
    const hooks = (this._postHooks ??= []);
    hooks.push(fn);
    return { remove: () => removeItem(hooks, fn) };
  }

  /** Registers fn(grad_outputs) to run before this node (Node.register_prehook). */
  register_prehook(fn: (gradOutputs: (Tensor | null)[]) => (Tensor | null)[] | void): { remove(): void } {
    const hooks = (this._preHooks ??= []);
    hooks.push(fn);
    return { remove: () => removeItem(hooks, fn) };
  }

  toString(): string {
    return `<${this.name()} object>`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

export function removeItem<T>(arr: T[], item: T): void {
  const i = arr.indexOf(item);
  if (i >= 0) arr.splice(i, 1);
}

/** Where a leaf's gradient is summed into `.grad`. */
export class AccumulateGrad extends Node {
  constructor(readonly variable: Tensor) {
    super();
  }

  name(): string {
    return 'torch::autograd::AccumulateGrad';
  }

  get num_outputs(): number {
    return 1;
  }

  apply(): (Tensor | null)[] {
    throw new Error('AccumulateGrad is applied by the engine');
  }

  override toString(): string {
    return '<AccumulateGrad object>';
  }
}
