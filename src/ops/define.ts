// defineOp: the one place that records autograd history for an op (the role of PyTorch's
// generated VariableType kernels and torch/autograd/function.py's Function.apply).
import { type Edge, Node, SavedVariable } from '../autograd/node.js';
import { is_grad_enabled } from '../autograd/grad_mode.js';
import { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';
import { check } from '../utils/check.js';

// Shared empty defaults: most forwards run without autograd, so OpCtx allocates nothing up front.
const NO_FLAGS: boolean[] = [];
const NO_SAVED: (SavedVariable | null)[] = [];
const NO_NAMES: readonly number[] = [];

/** What forward may stash for backward: tensors go through save_for_backward. */
export class OpCtx {
  needs_input_grad: boolean[] = NO_FLAGS;
  /** Non-tensor values forward keeps for backward (shapes, dims, scalars). */
  [key: string]: unknown;
  _toSave: (Tensor | null)[] | null = null;
  _saved: (SavedVariable | null)[] | null = null;
  _node: OpNode | null = null;
  _materialize = true;

  /** Keeps tensors for backward; in-place changes to them afterwards are detected. */
  save_for_backward(...tensors: (Tensor | null)[]): void {
    this._toSave = tensors;
  }

  /** The saved tensors (throws if freed by a previous backward or modified in place). */
  get saved_tensors(): Tensor[] {
    const saved = this._saved ?? NO_SAVED;
    const out = new Array<Tensor>(saved.length);
    for (let i = 0; i < saved.length; i++) {
      const s = saved[i];
      out[i] = s === null ? (null as unknown as Tensor) : s.unpack();
    }
    return out;
  }

  set_materialize_grads(value: boolean): void {
    this._materialize = value;
  }
}

export interface OpSpec<A extends unknown[], R extends Tensor | Tensor[] = Tensor> {
  /** The autograd node name PyTorch prints, e.g. 'MulBackward0'. */
  name: string;
  /** Computes the outputs with kernels (never with recorded ops). */
  forward(ctx: OpCtx, ...args: A): R;
  /** Gradients for each positional argument (null where none), written with tensor ops. */
  backward(ctx: OpCtx, ...grads: Tensor[]): (Tensor | null | undefined)[] | Tensor;
  /**
   * Positions of the arguments that are autograd inputs (the differentiable tensors of
   * PyTorch's schema): they alone get an edge in next_functions. By default every argument
   * that is a Tensor or null; ops with scalar operands, masks or indices list them.
   */
  inputs?: number[];
  /** Output indices that are never differentiable (e.g. argmax indices). */
  nondiff_outputs?: number[];
}

interface InputMeta {
  shape: number[];
  dtype: DType;
}

/** The grad_fn created by a defined op. */
export class OpNode extends Node {
  inputMeta: (InputMeta | null)[] = [];
  /** For each edge in next_functions, the position of its argument. */
  inputPos: number[] = [];
  outputMeta: InputMeta[] = [];

  constructor(
    private readonly nodeName: string,
    private readonly ctx: OpCtx,
    private readonly backwardFn: OpSpec<unknown[], Tensor | Tensor[]>['backward'],
    /** True for torch.autograd.Function nodes: their backward is user code. */
    readonly userCode = false,
  ) {
    super();
  }

  name(): string {
    return this.nodeName;
  }

  get num_outputs(): number {
    return this.outputMeta.length;
  }

  apply(grads: (Tensor | null)[]): (Tensor | null)[] {
    const gs = new Array<Tensor>(grads.length);
    for (let i = 0; i < grads.length; i++) {
      const g = grads[i];
      const m = this.outputMeta[i];
      gs[i] = (g !== null || !this.ctx._materialize ? g : Tensor._zeros(m.shape, m.dtype)) as Tensor;
    }
    let res = this.backwardFn(this.ctx, ...gs);
    if (res instanceof Tensor) res = [res];
    const metas = this.inputMeta;
    const result = new Array<Tensor | null>(metas.length);
    for (let k = 0; k < metas.length; k++) {
      const i = this.inputPos[k];
      const g = res[i];
      // A missing entry is fine for inputs that need no gradient; never for one that does.
      if (g === undefined && this.ctx.needs_input_grad[i]) {
        const got = res.length;
        check(false, () => `function ${this.nodeName} returned an incorrect number of gradients ` +
          `(expected ${metas.length}, got ${got})`);
      }
      const meta = metas[k];
      result[k] = meta === null || g === null || g === undefined ? null :
        Tensor._fitGrad(g, meta.shape, meta.dtype, this.nodeName, k);
    }
    return result;
  }

  override release(): void {
    if (this.ctx._saved) for (const s of this.ctx._saved) s?.release();
  }
}

/** The edge a gradient for `t` flows along: its grad_fn, or its AccumulateGrad if a leaf. */
export function gradientEdge(t: Tensor): [Node | null, number] {
  if (t.grad_fn) return [t.grad_fn, t._output_nr];
  if (!t.requires_grad) return [null, 0];
  return [t._gradAccumulator(), 0];
}

/**
 * Defines a differentiable op from a forward over kernels and a backward over tensor ops.
 * The returned function checks grad mode, saves tensors with their versions and builds the
 * node; backward gradients are reduced to each input's shape and dtype. `userCode` marks a
 * backward written outside tstorch (torch.autograd.Function), whose results the engine must
 * not take over as a leaf's .grad.
 * @example
 * const square = defineOp({
 *   name: 'SquareBackward',
 *   forward: (ctx, x: Tensor) => { ctx.save_for_backward(x); return x.mul(x); },
 *   backward: (ctx, g) => [g.mul(2).mul(ctx.saved_tensors[0])],
 * });
 */
export function defineOp<A extends unknown[], R extends Tensor | Tensor[] = Tensor>(
  spec: OpSpec<A, R>,
  userCode = false,
): (...args: A) => R {
  const op = new CompiledOp(spec as unknown as OpSpec<unknown[], Tensor | Tensor[]>, userCode);
  return (...args: A) => op.run(args) as R;
}

/** An op spec with what does not depend on the call worked out once. */
class CompiledOp {
  private readonly nondiff: readonly number[];

  constructor(
    private readonly spec: OpSpec<unknown[], Tensor | Tensor[]>,
    private readonly userCode: boolean,
  ) {
    this.nondiff = spec.nondiff_outputs ?? NO_NAMES;
  }

  run(args: unknown[]): Tensor | Tensor[] {
    let needsGrad = false;
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a instanceof Tensor && a.requires_grad) {
        needsGrad = true;
        break;
      }
    }
    needsGrad &&= is_grad_enabled();
    const ctx = new OpCtx();
    const out = this.spec.forward(ctx, ...args);
    if (needsGrad) this.record(ctx, args, out);
    return out;
  }

  /** Builds the node for a call whose inputs need gradients, and saves tensors for backward. */
  private record(ctx: OpCtx, args: unknown[], out: Tensor | Tensor[]): void {
    const node = new OpNode(this.spec.name, ctx, this.spec.backward, this.userCode);
    ctx._node = node;
    const needs = new Array<boolean>(args.length);
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      needs[i] = a instanceof Tensor && a.requires_grad;
    }
    ctx.needs_input_grad = needs;
    const pos = this.spec.inputs ?? defaultInputs(args);
    node.inputPos = pos;
    const edges = new Array<Edge>(pos.length);
    const metas = new Array<InputMeta | null>(pos.length);
    for (let k = 0; k < pos.length; k++) {
      const a = args[pos[k]];
      // Shape arrays are never mutated in place, so the input's own array can be kept.
      edges[k] = a instanceof Tensor ? gradientEdge(a) : [null, 0];
      metas[k] = a instanceof Tensor ? { shape: a._shape, dtype: a.dtype } : null;
    }
    node.next_functions = edges;
    node.inputMeta = metas;
    const outs = Array.isArray(out) ? out : [out];
    node.outputMeta = outs.map((o) => ({ shape: o._shape, dtype: o.dtype }));
    for (let i = 0; i < outs.length; i++) {
      const o = outs[i];
      if (this.nondiff.includes(i) || !o.dtype.is_floating_point) continue;
      o._setHistory(node, i);
    }
    const toSave = ctx._toSave;
    if (toSave !== null) {
      ctx._saved = toSave.map((t) => (t === null ? null : new SavedVariable(t)));
      ctx._toSave = null;
    }
  }
}

/** By default every argument that is a Tensor or null is an autograd input. */
function defaultInputs(args: unknown[]): number[] {
  const pos: number[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a instanceof Tensor || a === null) pos.push(i);
  }
  return pos;
}
