// defineOp: the one place that records autograd history for an op (the role of PyTorch's
// generated VariableType kernels and torch/autograd/function.py's Function.apply).
import { Node, SavedVariable } from '../autograd/node.js';
import { is_grad_enabled } from '../autograd/grad_mode.js';
import { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';
import { check } from '../utils/check.js';

/** What forward may stash for backward: tensors go through save_for_backward. */
export class OpCtx {
  needs_input_grad: boolean[] = [];
  /** Non-tensor values forward keeps for backward (shapes, dims, scalars). */
  [key: string]: unknown;
  _toSave: (Tensor | null)[] = [];
  _saved: (SavedVariable | null)[] = [];
  _node: OpNode | null = null;
  _materialize = true;

  /** Keeps tensors for backward; in-place changes to them afterwards are detected. */
  save_for_backward(...tensors: (Tensor | null)[]): void {
    this._toSave = tensors;
  }

  /** The saved tensors (throws if freed by a previous backward or modified in place). */
  get saved_tensors(): Tensor[] {
    return this._saved.map((s) => (s === null ? (null as unknown as Tensor) : s.unpack()));
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
    const gs = grads.map((g, i) => {
      if (g !== null || !this.ctx._materialize) return g;
      const m = this.outputMeta[i];
      return Tensor._zeros(m.shape, m.dtype);
    }) as Tensor[];
    let res = this.backwardFn(this.ctx, ...gs);
    if (res instanceof Tensor) res = [res];
    const out = res;
    return this.inputMeta.map((meta, k) => {
      const i = this.inputPos[k];
      // A missing entry is fine for inputs that need no gradient; never for one that does.
      check(
        out[i] !== undefined || !this.ctx.needs_input_grad[i],
        () => `function ${this.nodeName} returned an incorrect number of gradients ` +
          `(expected ${this.inputMeta.length}, got ${out.length})`,
      );
      const g = out[i] ?? null;
      if (meta === null || g === null) return null;
      return Tensor._fitGrad(g, meta.shape, meta.dtype, this.nodeName, k);
    });
  }

  override release(): void {
    for (const s of this.ctx._saved) s?.release();
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
 * node; backward gradients are reduced to each input's shape and dtype.
 * @example
 * const square = defineOp({ name: 'SquareBackward', forward: (ctx, x: Tensor) => {
 *   ctx.save_for_backward(x); return x.mul(x); }, backward: (ctx, g) => [g.mul(2).mul(ctx.saved_tensors[0])] });
 */
export function defineOp<A extends unknown[], R extends Tensor | Tensor[] = Tensor>(
  spec: OpSpec<A, R>,
): (...args: A) => R {
  return (...args: A) => runOp(spec as unknown as OpSpec<unknown[], Tensor | Tensor[]>, args) as R;
}

function runOp(spec: OpSpec<unknown[], Tensor | Tensor[]>, args: unknown[]): Tensor | Tensor[] {
  let needsGrad = false;
  if (is_grad_enabled()) {
    for (const a of args) if (a instanceof Tensor && a.requires_grad) needsGrad = true;
  }
  const ctx = new OpCtx();
  const out = spec.forward(ctx, ...args);
  if (!needsGrad) return out;
  const outs = Array.isArray(out) ? out : [out];
  const node = new OpNode(spec.name, ctx, spec.backward);
  ctx._node = node;
  ctx.needs_input_grad = args.map((a) => a instanceof Tensor && a.requires_grad);
  node.inputPos = spec.inputs ?? args.flatMap((a, i) => (a instanceof Tensor || a === null ? [i] : []));
  const ins = node.inputPos.map((i) => args[i]);
  node.next_functions = ins.map((a) => (a instanceof Tensor ? gradientEdge(a) : [null, 0]));
  node.inputMeta = ins.map((a) => (a instanceof Tensor ? { shape: a._shape.slice(), dtype: a.dtype } : null));
  node.outputMeta = outs.map((o) => ({ shape: o.shape.slice(), dtype: o.dtype }));
  const nondiff = spec.nondiff_outputs ?? [];
  outs.forEach((o, i) => {
    if (nondiff.includes(i) || !o.dtype.is_floating_point) return;
    o._setHistory(node, i);
  });
  ctx._saved = ctx._toSave.map((t) => (t === null ? null : new SavedVariable(t)));
  ctx._toSave = [];
  return out;
}

