// tril/triu, cumsum, cumprod, one_hot, repeat, flip, roll, baddbmm, einsum
// (ATen/native/TriangularOps.cpp, ReduceOps.cpp, TensorShape.cpp, Linear.cpp; nn/functional one_hot;
// derivatives.yaml).
import { K } from '../backend/backend.js';
import { no_grad } from '../autograd/grad_mode.js';
import { type DTypeLike, int64, toDType } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { contiguousStrides } from '../tensor/view.js';
import { check, wrapDim } from '../utils/check.js';
import { defineOp } from './define.js';
import { dense } from './gather_scatter.js';
import { bmm } from './linalg.js';
import { cat } from './shape.js';
import { kv, storeKind } from './util.js';

const triImpl = (name: string, lower: boolean) => defineOp({
  name,
  inputs: [0],
  forward(ctx, x: Tensor, diagonal: number) {
    ctx.diagonal = diagonal;
    const out = dense(x);
    const [r, c] = x._shape.slice(-2);
    const d = out._storage.data;
    for (let i = 0; i < out.numel(); i++) {
      const col = i % c;
      const row = Math.floor(i / c) % r;
      const keep = lower ? col - row <= diagonal : col - row >= diagonal;
      if (!keep) d[i] = 0;
    }
    return out;
  },
  backward: (ctx, g) => [lower ? tril(g, ctx.diagonal as number) : triu(g, ctx.diagonal as number)],
});
const trilImpl = triImpl('TrilBackward0', true);
const triuImpl = triImpl('TriuBackward0', false);

/**
 * torch.tril(input, diagonal=0): zeroes the elements above the diagonal of the last two dims.
 * @example torch.tril(torch.ones(3, 3)) // lower triangle of ones
 */
export function tril(input: Tensor, diagonal = 0): Tensor {
  check(input.dim() >= 2, () => 'tril: input tensor must have at least 2 dimensions');
  return trilImpl(input, diagonal);
}

/**
 * torch.triu(input, diagonal=0): zeroes the elements below the diagonal of the last two dims.
 * @example torch.triu(torch.ones(3, 3), 1) // strictly upper triangle of ones
 */
export function triu(input: Tensor, diagonal = 0): Tensor {
  check(input.dim() >= 2, () => 'triu: input tensor must have at least 2 dimensions');
  return triuImpl(input, diagonal);
}

/** Running sums or products along dim of a contiguous copy of x (float64 accumulation). */
function scanKernel(x: Tensor, dim: number, product: boolean): Tensor {
  const out = dense(x);
  const n = x.dim() === 0 ? 1 : x._shape[dim];
  const inner = x._shape.slice(dim + 1).reduce((a, b) => a * b, 1);
  const d = out._storage.data;
  for (let base = 0; base < out.numel(); base += n * inner) {
    for (let i = 0; i < inner; i++) {
      let acc = product ? 1 : 0;
      for (let j = 0; j < n; j++) {
        const at = base + j * inner + i;
        acc = product ? acc * d[at] : acc + d[at];
        d[at] = acc;
      }
    }
  }
  return out;
}

/** The dtype a scan runs in: the requested one, else int64 for integers and bool. */
function scanInput(input: Tensor, opts?: DTypeLike | { dtype?: DTypeLike | null }): Tensor {
  const want = typeof opts === 'object' && opts !== null && !('name' in opts) ? opts.dtype : opts;
  if (want !== undefined && want !== null) return input.to(toDType(want as DTypeLike));
  return input.dtype.is_floating_point ? input : input.to(int64);
}

const cumsumImpl = defineOp({
  name: 'CumsumBackward0',
  inputs: [0],
  forward(ctx, x: Tensor, dim: number) {
    ctx.dim = dim;
    return scanKernel(x, dim, false);
  },
  backward(ctx, g) {
    const dim = ctx.dim as number;
    if (g.dim() === 0) return [g];
    return [cumsum(flip(g, [dim]), dim).flip([dim])];
  },
});

/**
 * torch.cumsum(input, dim, dtype=None): running sums along dim (integers sum as int64).
 * @example torch.cumsum(torch.tensor([1, 2, 3]), 0) // tensor([1, 3, 6])
 */
export function cumsum(input: Tensor, dim: number, opts?: DTypeLike | { dtype?: DTypeLike | null }): Tensor {
  return cumsumImpl(scanInput(input, opts), wrapDim(dim, input.dim()));
}

const cumprodImpl = defineOp({
  name: 'CumprodBackward0',
  inputs: [0],
  forward(ctx, x: Tensor, dim: number) {
    ctx.dim = dim;
    ctx.save_for_backward(x);
    return scanKernel(x, dim, true);
  },
  backward(ctx, g) {
    const [x] = ctx.saved_tensors;
    const dim = ctx.dim as number;
    if (g.dim() === 0) return [g];
    // d out_j / d x_i = prod_{k<=j, k!=i} x_k, written without division so zeros in x are exact:
    // grad_i = prod_{k<i} x_k * (g_i + sum_{j>i} g_j * prod_{i<k<=j} x_k).
    const n = x._shape[dim];
    const parts: Tensor[] = [];
    for (let i = 0; i < n; i++) {
      let terms = g.narrow(dim, i, 1);
      if (i + 1 < n) {
        const tail = cumprod(x.narrow(dim, i + 1, n - i - 1), dim);
        terms = terms.add(g.narrow(dim, i + 1, n - i - 1).mul(tail).sum(dim, true));
      }
      if (i > 0) terms = terms.mul(cumprod(x.narrow(dim, 0, i), dim).narrow(dim, i - 1, 1));
      parts.push(terms);
    }
    return [cat(parts, dim)];
  },
});

/**
 * torch.cumprod(input, dim, dtype=None): running products along dim (integers as int64).
 * @example torch.cumprod(torch.tensor([1, 2, 3]), 0) // tensor([1, 2, 6])
 */
export function cumprod(input: Tensor, dim: number, opts?: DTypeLike | { dtype?: DTypeLike | null }): Tensor {
  return cumprodImpl(scanInput(input, opts), wrapDim(dim, input.dim()));
}

/**
 * torch.nn.functional.one_hot(tensor, num_classes=-1): int64 [..., num_classes] indicators.
 * @example torch.nn.functional.one_hot(torch.tensor([0, 2]), 3) // [[1, 0, 0], [0, 0, 1]]
 */
export function one_hot(tensor: Tensor, num_classes = -1): Tensor {
  check(tensor.dtype.name === 'int64', () => 'one_hot is only applicable to index tensor.');
  const c = dense(tensor);
  const v = c._storage.data;
  const inferred = num_classes === -1;
  if (inferred) check(v.length > 0, () => 'Can not infer total number of classes from empty tensor.');
  let lo = 0;
  let hi = -1;
  for (let i = 0; i < v.length; i++) {
    lo = Math.min(lo, v[i]);
    hi = Math.max(hi, v[i]);
  }
  check(lo >= 0, () => 'Class values must be non-negative.');
  const classes = num_classes === -1 ? hi + 1 : num_classes;
  check(hi < classes, () => 'Class values must be smaller than num_classes.');
  const out = Tensor._empty([...tensor._shape, classes], int64);
  const d = out._storage.data;
  for (let i = 0; i < v.length; i++) d[i * classes + v[i]] = 1;
  return out;
}

const repeatImpl = defineOp({
  name: 'RepeatBackward0',
  inputs: [0],
  forward(ctx, x: Tensor, repeats: readonly number[]) {
    const lead = repeats.length - x.dim();
    const xs = [...new Array<number>(lead).fill(1), ...x._shape];
    const xst = [...new Array<number>(lead).fill(0), ...x._strides];
    Object.assign(ctx, { xs, repeats, shape: x._shape.slice() });
    // The output, seen as [r0, x0, r1, x1, ...], is x broadcast along the r dims.
    const split = repeats.flatMap((r, i) => [r, xs[i]]);
    const src = x._view(split, repeats.flatMap((_, i) => [0, xst[i]]), x._offset);
    const out = Tensor._empty(split, x.dtype);
    K().copy(kv(src), kv(out), storeKind(x.dtype));
    const shape = repeats.map((r, i) => r * xs[i]);
    return out._view(shape, contiguousStrides(shape), 0);
  },
  backward(ctx, g) {
    const repeats = ctx.repeats as number[];
    const xs = ctx.xs as number[];
    const split = repeats.flatMap((r, i) => [r, xs[i]]);
    const dims = repeats.map((_, i) => 2 * i);
    const summed = dims.length === 0 ? g : g.reshape(split).sum(dims);
    return [summed.reshape(ctx.shape as number[])];
  },
});

/**
 * t.repeat(*sizes): tiles the tensor; sizes may add leading dims.
 * @example torch.tensor([1, 2]).repeat(2, 2) // [[1, 2, 1, 2], [1, 2, 1, 2]]
 */
export function repeat(input: Tensor, ...sizes: (number | readonly number[])[]): Tensor {
  const single = sizes.length === 1 && Array.isArray(sizes[0]);
  const reps = single ? (sizes[0] as number[]).slice() : sizes as number[];
  check(reps.length >= input.dim(), () =>
    'Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor');
  return repeatImpl(input, reps);
}

const flipImpl = defineOp({
  name: 'FlipBackward0',
  inputs: [0],
  forward(ctx, x: Tensor, dims: readonly number[]) {
    ctx.dims = dims;
    const strides = x._strides.slice();
    let offset = x._offset;
    for (const d of dims) {
      if (x._shape[d] === 0) continue;
      offset += (x._shape[d] - 1) * strides[d];
      strides[d] = -strides[d];
    }
    const out = Tensor._empty(x._shape, x.dtype);
    K().copy(kv(x._view(x._shape, strides, offset)), kv(out), storeKind(x.dtype));
    return out;
  },
  backward: (ctx, g) => [flip(g, ctx.dims as number[])],
});

/**
 * torch.flip(input, dims): reverses the order of elements along each of dims (a copy).
 * @example torch.flip(torch.tensor([1, 2, 3]), [0]) // tensor([3, 2, 1])
 */
export function flip(input: Tensor, ...dims: (number | readonly number[])[]): Tensor {
  const ds = dims.length === 1 && Array.isArray(dims[0]) ? (dims[0] as number[]) : dims as number[];
  const wrapped = ds.map((d) => wrapDim(d, input.dim()));
  const dup = wrapped.find((d, i) => wrapped.indexOf(d) !== i);
  check(dup === undefined, () => `dim ${dup} appears multiple times in the list of dims`);
  return flipImpl(input, wrapped);
}

const rollImpl = defineOp({
  name: 'RollBackward0',
  inputs: [0],
  forward(ctx, x: Tensor, shifts: readonly number[], dims: readonly number[]) {
    Object.assign(ctx, { shifts, dims });
    const c = dense(x);
    const out = Tensor._empty(x._shape, x.dtype);
    const src = c._storage.data;
    const dst = out._storage.data;
    const shape = dims.length === 0 ? [x.numel()] : x._shape;
    const rolled = dims.length === 0 ? [0] : dims;
    const strides = contiguousStrides(shape);
    for (let i = 0; i < dst.length; i++) {
      let from = i;
      rolled.forEach((d, k) => {
        const size = shape[d];
        const at = Math.floor(i / strides[d]) % size;
        const to = (((at - shifts[k]) % size) + size) % size;
        from += (to - at) * strides[d];
      });
      dst[i] = src[from];
    }
    return out;
  },
  backward(ctx, g) {
    const shifts = (ctx.shifts as number[]).map((s) => -s);
    return [roll(g, shifts, ctx.dims as number[])];
  },
});

/**
 * torch.roll(input, shifts, dims=None): shifts elements cyclically along dims (or flattened).
 * @example torch.roll(torch.tensor([1, 2, 3, 4]), 1) // tensor([4, 1, 2, 3])
 */
export function roll(input: Tensor, shifts: number | readonly number[],
  dims?: number | readonly number[] | null): Tensor {
  const s = typeof shifts === 'number' ? [shifts] : shifts.slice();
  const d = dims === undefined || dims === null ? [] : typeof dims === 'number' ? [dims] : dims.slice();
  const align = d.length === 0 ? s.length === 1 : s.length === d.length;
  check(align, () => `shifts and dimensions must align. shifts: ${s.length}, dims:${d.length}`);
  if (input.numel() === 0) return input.clone();
  return rollImpl(input, s, d.map((k) => wrapDim(k, input.dim())));
}

const baddbmmImpl = defineOp({
  name: 'BaddbmmBackward0',
  inputs: [0, 1, 2],
  forward(ctx, self: Tensor, b1: Tensor, b2: Tensor, beta: number, alpha: number) {
    Object.assign(ctx, { beta, alpha });
    ctx.save_for_backward(b1, b2);
    return no_grad(() => {
      const prod = bmm(b1, b2);
      const scaled = alpha === 1 ? prod : prod.mul(alpha);
      // beta == 0 ignores self entirely (nan and inf in it do not propagate).
      if (beta === 0) return scaled.add(0);
      return scaled.add(beta === 1 ? self : self.mul(beta));
    });
  },
  backward(ctx, g) {
    const [b1, b2] = ctx.saved_tensors;
    const beta = ctx.beta as number;
    const alpha = ctx.alpha as number;
    const scale = (t: Tensor, s: number): Tensor => (s === 1 ? t : t.mul(s));
    return [
      ctx.needs_input_grad[0] ? scale(g, beta) : null,
      ctx.needs_input_grad[1] ? scale(bmm(g, b2.transpose(1, 2)), alpha) : null,
      ctx.needs_input_grad[2] ? scale(bmm(b1.transpose(1, 2), g), alpha) : null,
    ];
  },
});

/**
 * torch.baddbmm(input, batch1, batch2, *, beta=1, alpha=1): beta * input + alpha * (batch1 @ batch2).
 * @example torch.baddbmm(torch.zeros(2, 3, 4), torch.ones(2, 3, 5), torch.ones(2, 5, 4))
 */
export function baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor,
  opts: { beta?: number; alpha?: number } = {}): Tensor {
  check(batch1.dim() === 3, () => 'batch1 must be a 3D tensor');
  check(batch2.dim() === 3, () => 'batch2 must be a 3D tensor');
  const [b, n] = batch1._shape;
  const p = batch2._shape[2];
  check(batch2._shape[0] === b, () => `batch1 and batch2 must have same number of batches, got ${b} and ` +
    `${batch2._shape[0]}`);
  check(batch2._shape[1] === batch1._shape[2], () =>
    `Incompatible matrix sizes for bmm (${n}x${batch1._shape[2]} and ${batch2._shape[1]}x${p})`);
  const target = [b, n, p];
  const lead = 3 - input.dim();
  check(input.dim() <= 3 && input._shape.every((s, i) => s === 1 || s === target[lead + i]), () =>
    `The expanded size of the tensor (${p}) must match the existing size ` +
    `(${input._shape[input.dim() - 1]}) ` +
    'at non-singleton dimension 2.  Target sizes: [' + target.join(', ') + ']');
  return baddbmmImpl(input, batch1, batch2, opts.beta ?? 1, opts.alpha ?? 1);
}

/** Parses 'ij,jk->ik' (no ellipsis); without '->' the output is the once-seen labels, sorted. */
function parseEinsum(equation: string, n: number): { ins: string[]; out: string } {
  const eq = equation.replace(/\s/g, '');
  check(!eq.includes('.'), () => 'einsum(): ellipsis is not supported here');
  const [lhs, rhs] = eq.split('->');
  const ins = lhs.split(',');
  check(ins.length === n, () => 'einsum(): more operands were provided than specified in the equation');
  let out = rhs;
  if (out === undefined) {
    const all = ins.join('');
    out = [...new Set(all)].filter((l) => all.split(l).length === 2).sort().join('');
  }
  return { ins, out };
}

/** An operand and the label of each of its dims. */
interface Labeled { t: Tensor; labels: string }

/** Sums away dims whose labels are not needed; keeps the rest in global order. */
function sumOut(a: Labeled, needed: Set<string>): Labeled {
  const dims = [...a.labels].flatMap((l, i) => (needed.has(l) ? [] : [i]));
  if (dims.length === 0) return a;
  return { t: a.t.sum(dims), labels: [...a.labels].filter((l) => needed.has(l)).join('') };
}

/** The mask of an operand's shape that is 1 where every repeated label has one coordinate. */
function diagonalMask(shape: readonly number[], labels: string): Tensor {
  const mask = Tensor._empty(shape, int64);
  const d = mask._storage.data;
  const strides = contiguousStrides(shape);
  for (let i = 0; i < d.length; i++) {
    const seen = new Map<string, number>();
    let keep = 1;
    [...labels].forEach((l, k) => {
      const at = Math.floor(i / strides[k]) % shape[k];
      if (seen.has(l) && seen.get(l) !== at) keep = 0;
      seen.set(l, at);
    });
    d[i] = keep;
  }
  return mask;
}

const diagonalImpl = defineOp({
  name: 'DiagonalBackward0',
  inputs: [0],
  forward(ctx, x: Tensor, labels: string) {
    const uniq = [...new Set(labels)];
    Object.assign(ctx, { labels, shape: x._shape.slice() });
    const shape = uniq.map((l) => x._shape[labels.indexOf(l)]);
    const strides = uniq.map((l) => [...labels].reduce((a, m, k) => a + (m === l ? x._strides[k] : 0), 0));
    return x._view(shape, strides, x._offset);
  },
  backward(ctx, g) {
    const labels = ctx.labels as string;
    const shape = ctx.shape as number[];
    const uniq = [...new Set(labels)];
    // Place g's dims at each label's first occurrence, broadcast over the repeats, mask off-diagonal.
    const firsts = uniq.map((l) => labels.indexOf(l));
    const perm = firsts.map((f, i) => [f, i]).sort((p, q) => p[0] - q[0]).map((p) => p[1]);
    const unsq = g.permute(perm).reshape(shape.map((s, k) => (firsts.includes(k) ? s : 1)));
    return [unsq.expand(shape).mul(diagonalMask(shape, labels))];
  },
});

/** Takes the diagonal over repeated labels ('ii' -> 'i'), a view as in PyTorch. */
function diagonalOf(t: Tensor, labels: string, operand: number): Labeled {
  const uniq = [...new Set(labels)].join('');
  if (uniq.length === labels.length) return { t, labels };
  [...labels].forEach((l, k) => check(t._shape[k] === t._shape[labels.indexOf(l)], () =>
    `einsum(): subscript ${l} is repeated for operand ${operand} but the sizes don't match, ` +
    `${t._shape[k]} != ${t._shape[labels.indexOf(l)]}`));
  return { t: diagonalImpl(t, labels), labels: uniq };
}

/** Multiplies two operands (labels in global order) and sums the shared labels not needed later. */
function contractPair(a: Labeled, b: Labeled, needed: Set<string>, order: string): Labeled {
  const all = [...order].filter((l) => a.labels.includes(l) || b.labels.includes(l));
  const shared = all.filter((l) => a.labels.includes(l) && b.labels.includes(l));
  const contracted = shared.filter((l) => !needed.has(l));
  const batch = shared.filter((l) => needed.has(l));
  const left = [...a.labels].filter((l) => !b.labels.includes(l));
  const right = [...b.labels].filter((l) => !a.labels.includes(l));
  const size = (x: Labeled, l: string): number => x.t._shape[x.labels.indexOf(l)];
  if (contracted.length === 0) {
    const align = (x: Labeled): Tensor =>
      x.t.reshape(all.map((l) => (x.labels.includes(l) ? size(x, l) : 1)));
    return { t: align(a).mul(align(b)), labels: all.join('') };
  }
  const prodOf = (x: Labeled, ls: string[]): number => ls.reduce((p, l) => p * size(x, l), 1);
  const perm = (x: Labeled, ls: string[]): Tensor => x.t.permute(ls.map((l) => x.labels.indexOf(l)));
  const am = perm(a, [...batch, ...left, ...contracted])
    .reshape([prodOf(a, batch), prodOf(a, left), prodOf(a, contracted)]);
  const bm = perm(b, [...batch, ...contracted, ...right])
    .reshape([prodOf(b, batch), prodOf(b, contracted), prodOf(b, right)]);
  const resLabels = [...batch, ...left, ...right];
  const res = bmm(am, bm).reshape([...batch.map((l) => size(a, l)), ...left.map((l) => size(a, l)),
    ...right.map((l) => size(b, l))]);
  const kept = all.filter((l) => resLabels.includes(l));
  const out = res.permute(kept.map((l) => resLabels.indexOf(l)));
  return { t: out.reshape(out.shape), labels: kept.join('') };
}

/**
 * torch.einsum(equation, *operands): sums of products named by subscripts, e.g.
 * 'ij,jk->ik' (mm), 'bij,bjk->bik' (bmm), 'ij->ji', 'ii->i', 'ij->'. Contractions run as bmm.
 * @example torch.einsum('ij,jk->ik', a, b) // a.mm(b)
 */
export function einsum(equation: string, ...operands: (Tensor | Tensor[])[]): Tensor {
  const ts = operands.length === 1 && Array.isArray(operands[0]) ? operands[0] : operands as Tensor[];
  const { ins, out } = parseEinsum(equation, ts.length);
  ts.forEach((t, i) => check(ins[i].length === t.dim(), () =>
    `einsum(): the number of subscripts in the equation (${ins[i].length}) does not match the number ` +
    `of dimensions (${t.dim()}) for operand ${i} and no ellipsis was given`));
  const rest = [...new Set(ins.join(''))].filter((l) => !out.includes(l)).sort().join('');
  const order = out + rest;
  const ops: Labeled[] = ts.map((t, i) => {
    const diag = diagonalOf(t, ins[i], i);
    const labels = [...order].filter((l) => diag.labels.includes(l)).join('');
    return { t: diag.t.permute([...labels].map((l) => diag.labels.indexOf(l))), labels };
  });
  const neededAfter = (k: number): Set<string> => new Set([...out, ...ins.slice(k + 1).join('')]);
  let acc = sumOut(ops[0], new Set([...neededAfter(0), ...(ops.length > 1 ? ops[1].labels : '')]));
  for (let k = 1; k < ops.length; k++) {
    const next = sumOut(ops[k], new Set([...neededAfter(k), ...acc.labels]));
    acc = contractPair(acc, next, neededAfter(k), order);
    acc = sumOut(acc, neededAfter(k));
  }
  return acc.t;
}
