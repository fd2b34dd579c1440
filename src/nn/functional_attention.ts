// Attention functionals: the scaled_dot_product_attention and multi_head_attention_forward parts of
// torch/nn/functional.py (PyTorch 2.x), composed from existing ops so autograd comes for free.
import type { DType } from '../tensor/dtype.js';
import { bool as boolDType } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { ones, zeros, zeros_like } from '../tensor/factories.js';
import { check } from '../utils/check.js';
import { py } from '../utils/python.js';
import { warn } from '../utils/warnings.js';
import { matmul, bmm } from '../ops/linalg.js';
import { baddbmm } from '../ops/misc.js';
import { cat } from '../ops/shape.js';
import { dropout, linear, softmax } from './functional.js';
import { kwargs } from '../utils/kwargs.js';

/** Python's AssertionError: PyTorch's attention code checks shapes with `assert`. */
export class AssertionError extends Error {
  override name = 'AssertionError';
}

/** A Python tuple of ints as PyTorch prints it in f-strings: (3, 4). */
function tup(xs: readonly number[]): string {
  return py(xs);
}

/** The name c10 prints for a dtype in C++ error messages (caffe2::TypeMeta). */
function cppName(d: DType): string {
  const names: Record<string, string> = {
    float32: 'float', float64: 'double', int32: 'int', int64: 'long int', bool: 'bool',
  };
  return names[d.name] ?? d.name;
}

/** F._none_or_dtype: the dtype of a mask, or null. */
export function _none_or_dtype(input: Tensor | null | undefined): DType | null {
  return input ? input.dtype : null;
}

/**
 * F._canonical_mask: turns a bool mask (true = masked) into a float mask of `target_type` holding
 * -inf where masked and 0 elsewhere; float masks pass through.
 * @example _canonical_mask(torch.tensor([true, false]), 'm', null, '', torch.float32) // [-inf, 0.]
 */
export function _canonical_mask(mask: Tensor | null | undefined, mask_name: string, other_type: DType | null,
  other_name: string, target_type: DType, check_other = true): Tensor | null {
  if (!mask) return null;
  const isFloat = mask.dtype.is_floating_point;
  check(mask.dtype === boolDType || isFloat, () =>
    `only bool and floating types of ${mask_name} are supported`, AssertionError);
  if (check_other && other_type !== null && mask.dtype !== other_type) {
    warn(`Support for mismatched ${mask_name} and ${other_name} is deprecated. ` +
      'Use same type for both instead.');
  }
  if (isFloat) return mask;
  return zeros_like(mask, { dtype: target_type }).masked_fill_(mask, -Infinity);
}

export interface ScaledDotProductAttentionOptions {
  attn_mask?: Tensor | null;
  dropout_p?: number;
  is_causal?: boolean;
  scale?: number | null;
}

type SdpaOpts = ScaledDotProductAttentionOptions;

function checkSdpaInputs(q: Tensor, k: Tensor, v: Tensor, mask: Tensor | null, isCausal: boolean): void {
  check(q.dtype === k.dtype && q.dtype === v.dtype, () => 'Expected query, key, and value to have the same ' +
    `dtype, but got query.dtype: ${cppName(q.dtype)} key.dtype: ${cppName(k.dtype)} and value.dtype: ` +
    `${cppName(v.dtype)} instead.`);
  // PyTorch's message has the double space after "be".
  check(q.dim() >= 2 && k.dim() >= 2 && v.dim() >= 2, () => 'Expected query, key, and value to all be  at ' +
    `least 2 dimensional, but got query.dim: ${q.dim()} key.dim: ${k.dim()} and value.dim: ${v.dim()} ` +
    'instead.');
  if (mask) {
    check(mask.dtype === boolDType || mask.dtype === q.dtype, () =>
      'Expected attn_mask dtype to be bool or float or to match query dtype, but got attn_mask.dtype: ' +
      `${cppName(mask.dtype)} and  query.dtype: ${cppName(q.dtype)} instead.`);
  }
  check(!(isCausal && mask), () =>
    '_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True');
}

/**
 * F.scaled_dot_product_attention(query, key, value, attn_mask=null, dropout_p=0, is_causal=false,
 * scale=null): softmax(Q K^T * scale + bias) V over the last two dims, with PyTorch 2.x's math
 * reference semantics (a bool mask keeps the positions that are true; a float mask is added;
 * is_causal masks the upper triangle; scale defaults to 1/sqrt(E); masks broadcast).
 * @example F.scaled_dot_product_attention(q, k, v, { is_causal: true }) // [..., L, Ev]
 */
export function scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor,
  attn_mask?: Tensor | null | SdpaOpts, dropout_p?: number | SdpaOpts, is_causal?: boolean | SdpaOpts,
  scale?: number | null | SdpaOpts): Tensor {
  const o = kwargs<SdpaOpts>(['attn_mask', 'dropout_p', 'is_causal', 'scale'],
    [attn_mask, dropout_p, is_causal, scale]);
  const mask = o.attn_mask ?? null;
  const causal = o.is_causal ?? false;
  checkSdpaInputs(query, key, value, mask, causal);
  const L = query.size(-2);
  const S = key.size(-2);
  const factor = o.scale ?? 1 / Math.sqrt(query.size(-1));
  let bias: Tensor | null = null;
  if (causal) {
    const keep = ones([L, S], { dtype: boolDType }).tril();
    bias = zeros([L, S], { dtype: query.dtype }).masked_fill(keep.logical_not(), -Infinity);
  } else if (mask && mask.dtype === boolDType) {
    bias = zeros(mask.shape, { dtype: query.dtype }).masked_fill(mask.logical_not(), -Infinity);
  } else if (mask) {
    bias = mask;
  }
  let attn = matmul(query, key.transpose(-2, -1)).mul(factor);
  if (bias) attn = attn.add(bias);
  attn = softmax(attn, -1);
  const p = o.dropout_p ?? 0;
  if (p > 0) attn = dropout(attn, p, true);
  return matmul(attn, value);
}

/** F._mha_shape_check: validates the ranks of the inputs and masks; true when batched (3-D query). */
export function _mha_shape_check(query: Tensor, key: Tensor, value: Tensor, key_padding_mask: Tensor | null,
  attn_mask: Tensor | null, num_heads: number): boolean {
  const qd = query.dim();
  check(qd === 3 || qd === 2, () =>
    `query should be unbatched 2D or batched 3D tensor but received ${qd}-D query tensor`, AssertionError);
  const batched = qd === 3;
  const kind = batched ? 'batched (3-D)' : 'unbatched (2-D)';
  const want = batched ? 3 : 2;
  check(key.dim() === want && value.dim() === want, () => `For ${kind} \`query\`, expected \`key\` and ` +
    `\`value\` to be ${want}-D but found ${key.dim()}-D and ${value.dim()}-D tensors respectively`,
  AssertionError);
  if (key_padding_mask) {
    check(key_padding_mask.dim() === want - 1, () => `For ${kind} \`query\`, expected \`key_padding_mask\` ` +
      `to be \`None\` or ${want - 1}-D but found ${key_padding_mask.dim()}-D tensor instead`, AssertionError);
  }
  if (attn_mask) {
    check(attn_mask.dim() === 2 || attn_mask.dim() === 3, () => `For ${kind} \`query\`, expected ` +
      `\`attn_mask\` to be \`None\`, 2-D or 3-D but found ${attn_mask.dim()}-D tensor instead`,
    AssertionError);
    if (!batched && attn_mask.dim() === 3) {
      const expected = [num_heads, query.shape[0], key.shape[0]];
      check(attn_mask.shape.join() === expected.join(), () =>
        `Expected \`attn_mask\` shape to be ${tup(expected)} but got ${String(attn_mask.size())}`,
      AssertionError);
    }
  }
  return batched;
}

/** F._in_projection_packed: q, k, v projections with one packed [3E, E] weight. */
export function _in_projection_packed(q: Tensor, k: Tensor, v: Tensor, w: Tensor,
  b: Tensor | null = null): [Tensor, Tensor, Tensor] {
  const E = q.size(-1);
  if (k === v) {
    if (q === k) {
      const [pq, pk, pv] = linear(q, w, b).chunk(3, -1);
      return [pq, pk, pv];
    }
    const [wq, wkv] = w.split([E, E * 2]);
    const [bq, bkv] = b ? b.split([E, E * 2]) : [null, null];
    const [pk, pv] = linear(k, wkv, bkv).chunk(2, -1);
    return [linear(q, wq, bq), pk, pv];
  }
  const [wq, wk, wv] = w.chunk(3);
  const [bq, bk, bv] = b ? b.chunk(3) : [null, null, null];
  return [linear(q, wq, bq), linear(k, wk, bk), linear(v, wv, bv)];
}

/** F._in_projection: q, k, v projections with separate weights (kdim/vdim != embed_dim). */
export function _in_projection(q: Tensor, k: Tensor, v: Tensor, w_q: Tensor, w_k: Tensor, w_v: Tensor,
  b_q: Tensor | null = null, b_k: Tensor | null = null, b_v: Tensor | null = null): [Tensor, Tensor, Tensor] {
  const [Eq, Ek, Ev] = [q.size(-1), k.size(-1), v.size(-1)];
  const same = (t: Tensor, s: number[]) => t.shape.join() === s.join() && t.dim() === s.length;
  const expect = (t: Tensor | null, s: number[], what: string) => check(t === null || same(t, s), () =>
    `expecting ${what} shape of ${tup(s)}, but got ${String(t!.size())}`, AssertionError);
  expect(w_q, [Eq, Eq], 'query weights');
  expect(w_k, [Eq, Ek], 'key weights');
  expect(w_v, [Eq, Ev], 'value weights');
  expect(b_q, [Eq], 'query bias');
  expect(b_k, [Eq], 'key bias');
  expect(b_v, [Eq], 'value bias');
  return [linear(q, w_q, b_q), linear(k, w_k, b_k), linear(v, w_v, b_v)];
}

export interface MultiHeadAttentionForwardOptions {
  training?: boolean;
  key_padding_mask?: Tensor | null;
  need_weights?: boolean;
  attn_mask?: Tensor | null;
  use_separate_proj_weight?: boolean;
  q_proj_weight?: Tensor | null;
  k_proj_weight?: Tensor | null;
  v_proj_weight?: Tensor | null;
  static_k?: Tensor | null;
  static_v?: Tensor | null;
  average_attn_weights?: boolean;
  is_causal?: boolean;
}

/** Appends one zero column to the last dim (F.pad(mask, (0, 1))). */
function padLast(t: Tensor): Tensor {
  return cat([t, zeros([...t.shape.slice(0, -1), 1], { dtype: t.dtype })], -1);
}

interface Projected { q: Tensor; k: Tensor; v: Tensor }

function project(query: Tensor, key: Tensor, value: Tensor, in_proj_weight: Tensor | null,
  in_proj_bias: Tensor | null, o: MultiHeadAttentionForwardOptions): Projected {
  if (!o.use_separate_proj_weight) {
    check(in_proj_weight !== null, () => 'use_separate_proj_weight is False but in_proj_weight is None',
      AssertionError);
    const [q, k, v] = _in_projection_packed(query, key, value, in_proj_weight, in_proj_bias);
    return { q, k, v };
  }
  const qw = o.q_proj_weight ?? null;
  const kw = o.k_proj_weight ?? null;
  const vw = o.v_proj_weight ?? null;
  check(qw !== null, () => 'use_separate_proj_weight is True but q_proj_weight is None', AssertionError);
  check(kw !== null, () => 'use_separate_proj_weight is True but k_proj_weight is None', AssertionError);
  check(vw !== null, () => 'use_separate_proj_weight is True but v_proj_weight is None', AssertionError);
  const [bq, bk, bv] = in_proj_bias ? in_proj_bias.chunk(3) : [null, null, null];
  const [q, k, v] = _in_projection(query, key, value, qw, kw, vw, bq, bk, bv);
  return { q, k, v };
}

/** Brings a canonical (float) attn_mask to 3-D [1 or bsz*heads, L, S], checking its shape. */
function attnMask3d(mask: Tensor, tgtLen: number, srcLen: number, bszHeads: number): Tensor {
  if (mask.dim() === 2) {
    const want = [tgtLen, srcLen];
    check(mask.shape.join() === want.join(), () =>
      `The shape of the 2D attn_mask is ${String(mask.size())}, but should be ${tup(want)}.`);
    return mask.unsqueeze(0);
  }
  check(mask.dim() === 3, () => `attn_mask's dimension ${mask.dim()} is not supported`);
  const want = [bszHeads, tgtLen, srcLen];
  check(mask.shape.join() === want.join(), () =>
    `The shape of the 3D attn_mask is ${String(mask.size())}, but should be ${tup(want)}.`);
  return mask;
}

/** Folds heads into the batch: [len, bsz, E] -> [bsz * heads, len, head_dim], or a static_k/v. */
function splitHeads(t: Tensor, bszHeads: number, headDim: number, fixed: Tensor | null | undefined,
  which: string): Tensor {
  if (!fixed) return t.reshape(t.shape[0], bszHeads, headDim).transpose(0, 1);
  check(fixed.size(0) === bszHeads, () =>
    `expecting static_${which}.size(0) of ${bszHeads}, but got ${fixed.size(0)}`, AssertionError);
  check(fixed.size(2) === headDim, () =>
    `expecting static_${which}.size(2) of ${headDim}, but got ${fixed.size(2)}`, AssertionError);
  return fixed;
}

/** The masks after 2.x's canonicalisation and the is_causal hint it keeps. */
function canonicalMasks(query: Tensor, kpm: Tensor | null, am: Tensor | null,
  o: MultiHeadAttentionForwardOptions): { kpm: Tensor | null; am: Tensor | null; isCausal: boolean } {
  const kpmC = _canonical_mask(kpm, 'key_padding_mask', _none_or_dtype(am), 'attn_mask', query.dtype);
  let isCausal = o.is_causal ?? false;
  check(!(isCausal && am === null), () => 'Need attn_mask if specifying the is_causal hint. ' +
    'You may use the Transformer module method `generate_square_subsequent_mask` to create this mask.');
  // With neither a key padding mask nor weights to return, the hint alone drives SDPA.
  if (isCausal && kpmC === null && !(o.need_weights ?? true)) return { kpm: kpmC, am: null, isCausal };
  const amC = _canonical_mask(am, 'attn_mask', null, '', query.dtype, false);
  if (kpmC !== null) isCausal = false;
  return { kpm: kpmC, am: amC, isCausal };
}

const MHA_NAMES = [
  'training', 'key_padding_mask', 'need_weights', 'attn_mask', 'use_separate_proj_weight', 'q_proj_weight',
  'k_proj_weight', 'v_proj_weight', 'static_k', 'static_v', 'average_attn_weights', 'is_causal',
] as const;

type MhaArg = MultiHeadAttentionForwardOptions | Tensor | boolean | null | undefined;

interface Heads { q: Tensor; k: Tensor; v: Tensor; mask: Tensor | null; kpm: Tensor | null }

/** bias_k/bias_v rows, the head split and the zero-attention column, as PyTorch orders them. */
function prepareHeads(p: Projected, mask: Tensor | null, kpm: Tensor | null, bias_k: Tensor | null,
  bias_v: Tensor | null, add_zero_attn: boolean, dims: number[], o: MultiHeadAttentionForwardOptions): Heads {
  const [tgtLen, bsz, heads, headDim] = dims;
  let { k, v } = p;
  if (bias_k && bias_v) {
    check(!o.static_k, () => 'bias cannot be added to static key.', AssertionError);
    check(!o.static_v, () => 'bias cannot be added to static value.', AssertionError);
    k = cat([k, bias_k.repeat(1, bsz, 1)]);
    v = cat([v, bias_v.repeat(1, bsz, 1)]);
    if (mask) mask = padLast(mask);
    if (kpm) kpm = padLast(kpm);
  } else {
    check(!bias_k && !bias_v, () => '', AssertionError);
  }
  const q = p.q.reshape(tgtLen, bsz * heads, headDim).transpose(0, 1);
  k = splitHeads(k, bsz * heads, headDim, o.static_k, 'k');
  v = splitHeads(v, bsz * heads, headDim, o.static_v, 'v');
  if (add_zero_attn) {
    const shape = [bsz * heads, 1, headDim];
    k = cat([k, zeros(shape, { dtype: k.dtype })], 1);
    v = cat([v, zeros(shape, { dtype: v.dtype })], 1);
    if (mask) mask = padLast(mask);
    if (kpm) kpm = padLast(kpm);
  }
  return { q, k, v, mask, kpm };
}

/** Folds the key padding mask into the (float) attention mask, one row per batch entry and head. */
function mergeKeyPadding(h: Heads, bsz: number, heads: number): Tensor | null {
  const srcLen = h.k.size(1);
  if (!h.kpm) return h.mask;
  const kpm = h.kpm;
  check(kpm.shape.join() === [bsz, srcLen].join(), () =>
    `expecting key_padding_mask shape of ${tup([bsz, srcLen])}, but got ${String(kpm.size())}`,
  AssertionError);
  const rows = kpm.view(bsz, 1, 1, srcLen).expand(-1, heads, -1, -1).reshape(bsz * heads, 1, srcLen);
  return h.mask ? h.mask.add(rows) : rows;
}

/** The embedding size and key/value shape checks; returns head_dim. */
function checkEmbedding(key: Tensor, value: Tensor, embedDim: number, expected: number, heads: number,
  separate: boolean): number {
  check(embedDim === expected, () =>
    `was expecting embedding dimension of ${expected}, but got ${embedDim}`, AssertionError);
  const headDim = Math.floor(embedDim / heads);
  check(headDim * heads === embedDim, () =>
    `embed_dim ${embedDim} not divisible by num_heads ${heads}`, AssertionError);
  if (separate) {
    check(key.shape.slice(0, 2).join() === value.shape.slice(0, 2).join(), () => `key's sequence and batch ` +
      `dims ${String(key.size().slice(0, 2))} do not match value's ${String(value.size().slice(0, 2))}`,
    AssertionError);
  } else {
    check(key.shape.join() === value.shape.join(), () =>
      `key shape ${String(key.size())} does not match value shape ${String(value.size())}`, AssertionError);
  }
  return headDim;
}

/**
 * F.multi_head_attention_forward: PyTorch 2.x's functional multi-head attention. With need_weights
 * the weights are computed explicitly (baddbmm, softmax, dropout) and returned, averaged over the
 * heads unless average_attn_weights is false; otherwise the heads go through
 * scaled_dot_product_attention and the weights are null. Query is [L, N, E] or unbatched [L, E].
 * @example const [out, w] = F.multi_head_attention_forward(x, x, x, 8, 2, w_in, b_in, null, null,
 *   false, 0, w_out, b_out) // out [L, N, 8], w [N, L, L]
 */
export function multi_head_attention_forward(query: Tensor, key: Tensor, value: Tensor,
  embed_dim_to_check: number, num_heads: number, in_proj_weight: Tensor | null, in_proj_bias: Tensor | null,
  bias_k: Tensor | null, bias_v: Tensor | null, add_zero_attn: boolean, dropout_p: number,
  out_proj_weight: Tensor, out_proj_bias: Tensor | null, ...rest: MhaArg[]): [Tensor, Tensor | null] {
  const o = kwargs<MultiHeadAttentionForwardOptions>(MHA_NAMES, rest);
  let kpm = o.key_padding_mask ?? null;
  const batched = _mha_shape_check(query, key, value, kpm, o.attn_mask ?? null, num_heads);
  if (!batched) {
    [query, key, value] = [query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)];
    if (kpm) kpm = kpm.unsqueeze(0);
  }
  const [tgtLen, bsz, embedDim] = query.shape;
  const masks = canonicalMasks(query, kpm, o.attn_mask ?? null, o);
  const headDim = checkEmbedding(key, value, embedDim, embed_dim_to_check, num_heads,
    o.use_separate_proj_weight ?? false);
  const proj = project(query, key, value, in_proj_weight, in_proj_bias, o);
  const mask = masks.am ? attnMask3d(masks.am, tgtLen, key.shape[0], bsz * num_heads) : null;
  const h = prepareHeads(proj, mask, masks.kpm, bias_k, bias_v, add_zero_attn,
    [tgtLen, bsz, num_heads, headDim], o);
  const merged = mergeKeyPadding(h, bsz, num_heads);
  const p = (o.training ?? true) ? dropout_p : 0;
  const dims = { tgtLen, bsz, heads: num_heads, embedDim };
  const out = (o.need_weights ?? true)
    ? attendWithWeights(h, merged, p, masks.isCausal, o.average_attn_weights ?? true, dims)
    : [attendSdpa(h, merged, p, masks.isCausal, dims), null] as [Tensor, null];
  let [attnOut, weights] = out;
  attnOut = linear(attnOut, out_proj_weight, out_proj_bias);
  attnOut = attnOut.view(tgtLen, bsz, attnOut.size(1));
  if (!batched) {
    attnOut = attnOut.squeeze(1);
    if (weights) weights = weights.squeeze(0);
  }
  return [attnOut, weights];
}

interface Dims { tgtLen: number; bsz: number; heads: number; embedDim: number }

/** The explicit path: returns the heads' output as [L * N, E] and the attention weights. */
function attendWithWeights(h: Heads, mask: Tensor | null, p: number, isCausal: boolean, average: boolean,
  d: Dims): [Tensor, Tensor] {
  const E = h.q.size(2);
  const qScaled = h.q.mul(Math.sqrt(1 / E));
  check(!(isCausal && mask === null), () => 'FIXME: is_causal not implemented for need_weights',
    AssertionError);
  const kt = h.k.transpose(-2, -1);
  let w = mask ? baddbmm(mask, qScaled, kt) : bmm(qScaled, kt);
  w = softmax(w, -1);
  if (p > 0) w = dropout(w, p);
  const out = bmm(w, h.v).transpose(0, 1).contiguous().view(d.tgtLen * d.bsz, d.embedDim);
  w = w.view(d.bsz, d.heads, d.tgtLen, h.k.size(1));
  return [out, average ? w.mean(1) : w];
}

/** The weight-free path through scaled_dot_product_attention; returns [L * N, E]. */
function attendSdpa(h: Heads, mask: Tensor | null, p: number, isCausal: boolean, d: Dims): Tensor {
  const srcLen = h.k.size(1);
  // [1, L, S] broadcasts over batch and heads; [N * heads, L, S] splits into [N, heads, L, S].
  if (mask) {
    mask = mask.size(0) === 1 && mask.dim() === 3 ? mask.unsqueeze(0) : mask.view(d.bsz, d.heads, -1, srcLen);
  }
  const headDim = h.q.size(2);
  const q = h.q.reshape(d.bsz, d.heads, d.tgtLen, headDim);
  const k = h.k.reshape(d.bsz, d.heads, srcLen, headDim);
  const v = h.v.reshape(d.bsz, d.heads, srcLen, headDim);
  const out = scaled_dot_product_attention(q, k, v, mask, p, isCausal);
  return out.permute(2, 0, 1, 3).contiguous().view(d.bsz * d.tgtLen, d.embedDim);
}
