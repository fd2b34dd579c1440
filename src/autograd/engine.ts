// The backward engine: runs grad_fn nodes in dependency order, accumulating into leaves
// (torch/csrc/autograd/engine.cpp, torch/autograd/__init__.py's backward and grad).
import { AccumulateGrad, type Node } from './node.js';
import { enable_grad, no_grad } from './grad_mode.js';
import type { Tensor } from '../tensor/tensor.js';
import { Tensor as TensorClass } from '../tensor/tensor.js';
import { check } from '../utils/check.js';
import { gradientEdge, OpNode } from '../ops/define.js';
import { Storage as StorageClass } from '../tensor/storage.js';
import { recycleArray } from '../tensor/dtype.js';

export interface BackwardOptions {
  retain_graph?: boolean | null;
  create_graph?: boolean;
  inputs?: Tensor[];
}

/** A max-heap of ready nodes by sequence number: later nodes run first, as in PyTorch. */
class ReadyQueue {
  private heap: Node[] = [];

  push(n: Node): void {
    const h = this.heap;
    h.push(n);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p].sequence_nr >= h[i].sequence_nr) break;
      [h[p], h[i]] = [h[i], h[p]];
      i = p;
    }
  }

  pop(): Node | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0];
    const last = h.pop() as Node;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && h[l].sequence_nr > h[m].sequence_nr) m = l;
        if (r < h.length && h[r].sequence_nr > h[m].sequence_nr) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i], h[m]];
        i = m;
      }
    }
    return top;
  }
}

function addGrads(a: Tensor | null, b: Tensor | null): Tensor | null {
  if (a === null) return b;
  if (b === null) return a;
  return a.add(b);
}

/** Counts, for every node reachable from the roots, how many edges point at it. */
function countDependencies(roots: Node[]): Map<Node, number> {
  const deps = new Map<Node, number>();
  const stack = [...roots];
  for (const r of roots) deps.set(r, 0);
  while (stack.length > 0) {
    const n = stack.pop() as Node;
    for (const [next] of n.next_functions) {
      if (next === null) continue;
      const d = deps.get(next);
      deps.set(next, d === undefined ? 1 : d + 1);
      if (d === undefined) stack.push(next);
    }
  }
  return deps;
}

/** Nodes from which one of `targets` can be reached (only these run in autograd.grad). */
function neededNodes(roots: Node[], targets: Set<Node>): Set<Node> {
  const memo = new Map<Node, boolean>();
  const visit = (n: Node): boolean => {
    const known = memo.get(n);
    if (known !== undefined) return known;
    memo.set(n, false);
    let need = targets.has(n);
    for (const [next] of n.next_functions) if (next !== null && visit(next)) need = true;
    memo.set(n, need);
    return need;
  };
  roots.forEach(visit);
  return new Set([...memo].filter(([, v]) => v).map(([k]) => k));
}

function runHooks(hooks: ((g: Tensor) => Tensor | null | undefined | void)[], g: Tensor): Tensor {
  let cur = g;
  for (const h of hooks) {
    const r = h(cur);
    if (r instanceof TensorClass) cur = r;
  }
  return cur;
}

let nextRun = 0;

/**
 * Which gradients the engine may hand to a leaf as its .grad without copying: those in a
 * storage it created during this run and delivered exactly once, while no user code (hooks,
 * custom Functions) has seen gradients yet. This is PyTorch's AccumulateGrad stealing a
 * gradient nobody else references (use_count check in accumulate_grad.h), made safe without
 * reference counts.
 */
class Ownership {
  private readonly run = nextRun++;
  private readonly firstId = StorageClass.nextId();
  private userCodeSeen = false;

  // Counted on the storage itself: a map would keep every gradient of the pass alive (or, as
  // a WeakMap, cost more than the copies it saves on small tensors).
  delivered(t: Tensor): void {
    const s = t._storage;
    if (s.id < this.firstId) return;
    if (s._run !== this.run) {
      s._run = this.run;
      s._deliveries = 0;
    }
    s._deliveries++;
  }

  /**
   * A built-in node has run and dropped its input gradients: they no longer count as holders, so
   * a gradient that only passed through views (linear's weight through TBackward0) stays ours.
   */
  consumed(inputs: readonly (Tensor | null)[]): void {
    if (this.userCodeSeen) return;
    for (const t of inputs) {
      if (t === null) continue;
      const s = t._storage;
      if (s.id >= this.firstId && s._run === this.run) s._deliveries--;
    }
  }

  /**
   * After a built-in node has run: its input gradients that the engine made, that no buffer
   * holds any more and that the node did not pass on (no output shares their storage) are
   * referenced by nothing, so their memory goes back for reuse (dtype.ts recycleArray).
   */
  recycle(inputs: readonly (Tensor | null)[], outs: readonly (Tensor | null)[]): void {
    if (this.userCodeSeen) return;
    for (const t of inputs) {
      if (t === null) continue;
      const s = t._storage;
      if (s.id < this.firstId || s._run !== this.run || s._deliveries !== 0) continue;
      if (outs.some((o) => o !== null && o !== undefined && o._storage === s)) continue;
      s._run = -1;  // recycled: never counted, owned or recycled again
      recycleArray(s.dtype, s.data);
    }
  }

  /** Called for every node before it runs: user code may keep references to gradients. */
  visit(node: Node): void {
    if (this.userCodeSeen) return;
    const builtin = node instanceof AccumulateGrad || (node instanceof OpNode && !node.userCode);
    if (!builtin || node._tensorPreHooks || node._retained || node._preHooks || node._postHooks) {
      this.userCode();
    }
  }

  /** From now on nothing is taken over: user code (a hook) is about to see gradients. */
  userCode(): void {
    this.userCodeSeen = true;
  }

  /** True if `g` can become `.grad` as is: ours, single-use, dense and exactly its own storage. */
  owns(g: Tensor): boolean {
    const s = g._storage;
    return !this.userCodeSeen && s.id >= this.firstId && s._run === this.run && s._deliveries === 1 &&
      g._offset === 0 && s.length === g.numel() && g.is_contiguous();
  }
}

/** Sums `grad` into a leaf's .grad (AccumulateGrad), after the leaf's own hooks. */
function accumulate(node: AccumulateGrad, grad: Tensor, createGraph: boolean, own: Ownership | null): void {
  const v = node.variable;
  const hooks = v._leafHooks !== null && v._leafHooks.length > 0 ? v._leafHooks : null;
  if (hooks !== null) own?.userCode();
  const g = hooks !== null ? runHooks(hooks, grad) : grad;
  if (v._grad === null) {
    if (createGraph) v._grad = g;
    // The same values and layout a clone would give, in the engine's own fresh memory.
    else if (own !== null && own.owns(g)) v._grad = new TensorClass(g._storage, g._shape);
    else v._grad = g.detach().clone();
  } else if (createGraph) {
    v._grad = v._grad.add(g);
  } else {
    no_grad(() => v._grad!.add_(g));
  }
}

interface Capture {
  node: Node;
  outputNr: number;
  leaf: boolean;
}

/**
 * Runs backward from `roots` with gradients `grads`. With `captures`, returns the gradient
 * arriving at each captured tensor instead of accumulating into leaves (autograd.grad).
 */
export function runEngine(
  roots: Tensor[], grads: Tensor[], keepGraph: boolean, createGraph: boolean, captures: Capture[] | null,
): (Tensor | null)[] {
  const own = captures || createGraph ? null : new Ownership();
  const rootEdges = roots.map((r) => gradientEdge(r));
  const rootNodes = rootEdges.map(([n]) => n).filter((n): n is Node => n !== null);
  const deps = countDependencies(rootNodes);
  const buffers = new Map<Node, (Tensor | null)[]>();
  const queue = new ReadyQueue();
  const captured: (Tensor | null)[] = captures ? captures.map(() => null) : [];
  const needed = captures ? neededNodes(rootNodes, new Set(captures.map((c) => c.node))) : null;

  const deliver = (node: Node, nr: number, g: Tensor | null) => {
    let buf = buffers.get(node);
    if (!buf) {
      buf = new Array<Tensor | null>(node.num_outputs).fill(null);
      buffers.set(node, buf);
    }
    const prev = buf[nr];
    buf[nr] = addGrads(prev, g);
    if (own !== null && g !== null) {
      own.delivered(g);
      if (prev !== null) own.delivered(buf[nr] as Tensor);
    }
  };
  rootEdges.forEach(([n, nr], i) => {
    if (n !== null) deliver(n, nr, grads[i]);
  });
  for (const n of new Set(rootNodes)) if (!deps.get(n)) queue.push(n);

  const body = () => {
    for (let node = queue.pop(); node !== undefined; node = queue.pop()) {
      const inputs = buffers.get(node) ?? new Array<Tensor | null>(node.num_outputs).fill(null);
      buffers.delete(node);
      processNode(node, inputs);
    }
  };

  const processNode = (node: Node, inputs: (Tensor | null)[]) => {
    own?.visit(node);
    if (node._tensorPreHooks) {
      for (const [nr, hooks] of node._tensorPreHooks) {
        if (inputs[nr] !== null && hooks.length > 0) inputs[nr] = runHooks(hooks, inputs[nr] as Tensor);
      }
    }
    if (node._retained) {
      for (const [nr, ref] of node._retained) {
        const t = ref.deref();
        if (t && inputs[nr] !== null) t._grad = createGraph ? inputs[nr] : (inputs[nr] as Tensor).detach().clone();
      }
    }
    if (captures) {
      captures.forEach((c, i) => {
        if (c.node === node && !c.leaf) captured[i] = addGrads(captured[i], inputs[c.outputNr]);
      });
    }
    let outs: (Tensor | null)[] = [];
    if (node instanceof AccumulateGrad) {
      if (captures) {
        captures.forEach((c, i) => {
          if (c.node === node) captured[i] = addGrads(captured[i], inputs[0]);
        });
      } else if (inputs[0] !== null) {
        accumulate(node, inputs[0], createGraph, own);
      }
    } else if (!needed || needed.has(node)) {
      outs = applyNode(node, inputs);
      own?.consumed(inputs);
      own?.recycle(inputs, outs);
      if (!keepGraph) node.release();
    }
    const edges = node.next_functions;
    for (let i = 0; i < edges.length; i++) {
      const [next, nr] = edges[i];
      if (next === null) continue;
      const g = outs[i];
      if (g !== undefined && g !== null) deliver(next, nr, g);
      const left = (deps.get(next) as number) - 1;
      deps.set(next, left);
      if (left === 0) queue.push(next);
    }
  };

  if (createGraph) enable_grad(body);
  else no_grad(body);
  return captured;
}

/** Runs a node's pre-hooks, its backward and its post-hooks. */
function applyNode(node: Node, inputs: (Tensor | null)[]): (Tensor | null)[] {
  let gin = inputs;
  if (node._preHooks) for (const h of node._preHooks) gin = h(gin) ?? gin;
  let outs = inputs.some((g) => g !== null) ? node.apply(gin) : node.next_functions.map(() => null);
  if (node._postHooks) for (const h of node._postHooks) outs = h(outs, gin) ?? outs;
  return outs;
}

function defaultGrad(t: Tensor, g: Tensor | null | undefined): Tensor {
  if (g !== null && g !== undefined) {
    check(g._shape.length === t._shape.length && g._shape.every((d, i) => d === t._shape[i]), () =>
      `Mismatch in shape: grad_output[0] has a shape of torch.Size([${g._shape.join(', ')}]) and ` +
      `output[0] has a shape of torch.Size([${t._shape.join(', ')}]).`);
    return g;
  }
  check(t.numel() === 1, () => 'grad can be implicitly created only for scalar outputs');
  const one = TensorClass._empty(t._shape, t.dtype);
  one._storage.data[0] = 1;
  return one;
}

/** tensor.backward / torch.autograd.backward */
export function runBackward(tensors: Tensor[], grads: (Tensor | null)[], opts: BackwardOptions = {}): void {
  for (const t of tensors) {
    check(t.requires_grad, () => 'element 0 of tensors does not require grad and does not have a grad_fn');
  }
  const gs = tensors.map((t, i) => defaultGrad(t, grads[i]));
  const create = opts.create_graph ?? false;
  const keep = opts.retain_graph ?? create;
  if (opts.inputs && opts.inputs.length > 0) {
    const got = grad(tensors, opts.inputs, { grad_outputs: gs, retain_graph: keep, create_graph: create, allow_unused: true });
    opts.inputs.forEach((inp, i) => {
      const g = got[i];
      if (g === null) return;
      if (inp._grad === null) inp._grad = create ? g : g.detach().clone();
      else inp._grad = create ? inp._grad.add(g) : no_grad(() => inp._grad!.add_(g));
    });
    return;
  }
  runEngine(tensors, gs, keep, create, null);
}

/**
 * torch.autograd.grad(outputs, inputs, { grad_outputs, retain_graph, create_graph, allow_unused }):
 * the gradients of outputs w.r.t. inputs, without touching any .grad.
 */
export function grad(
  outputs: Tensor | Tensor[], inputs: Tensor | Tensor[],
  opts: { grad_outputs?: Tensor | (Tensor | null)[] | null; retain_graph?: boolean | null;
    create_graph?: boolean; allow_unused?: boolean; materialize_grads?: boolean } = {},
): (Tensor | null)[] {
  const outs = Array.isArray(outputs) ? outputs : [outputs];
  const ins = Array.isArray(inputs) ? inputs : [inputs];
  const go = opts.grad_outputs;
  const goList = go === undefined || go === null ? [] : Array.isArray(go) ? go : [go];
  for (const t of outs) {
    check(t.requires_grad, () => 'element 0 of tensors does not require grad and does not have a grad_fn');
  }
  ins.forEach((t, i) => check(t.requires_grad, () =>
    `One of the differentiated Tensors does not require grad (input ${i})`));
  const gs = outs.map((t, i) => defaultGrad(t, goList[i]));
  const create = opts.create_graph ?? false;
  const keep = opts.retain_graph ?? create;
  const captures = ins.map((t) => {
    const [node, nr] = gradientEdge(t);
    return { node: node as Node, outputNr: nr, leaf: t.is_leaf };
  });
  const res = runEngine(outs, gs, keep, create, captures);
  return res.map((g, i) => {
    if (g !== null) return g;
    if (opts.materialize_grads) return TensorClass._zeros(ins[i]._shape, ins[i].dtype);
    check(opts.allow_unused ?? false, () =>
      'One of the differentiated Tensors appears to not have been used in the graph. Set ' +
      'allow_unused=True if this is the desired behavior.');
    return null;
  });
}
