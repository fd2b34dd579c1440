// nn.MultiheadAttention and NonDynamicallyQuantizableLinear: the MultiheadAttention part of
// torch/nn/modules/activation.py (and the linear.py class its out_proj uses), as in PyTorch 2.x.
import { Tensor } from '../../tensor/tensor.js';
import { empty } from '../../tensor/factories.js';
import { ValueError, check } from '../../utils/check.js';
import { Module } from './module.js';
import { Linear, type FactoryKwargs } from './linear.js';
import { Parameter } from '../parameter.js';
import * as init from '../init.js';
import { AssertionError, _canonical_mask, _none_or_dtype, multi_head_attention_forward }
  from '../functional_attention.js';
import { kwargs as merge } from '../../utils/kwargs.js';

/** A Linear that PyTorch's quantization leaves alone; the out_proj of MultiheadAttention. */
export class NonDynamicallyQuantizableLinear extends Linear {}

export interface MultiheadAttentionOptions extends FactoryKwargs {
  dropout?: number;
  bias?: boolean;
  add_bias_kv?: boolean;
  add_zero_attn?: boolean;
  kdim?: number | null;
  vdim?: number | null;
  batch_first?: boolean;
}

export interface MultiheadAttentionForwardOptions {
  key_padding_mask?: Tensor | null;
  need_weights?: boolean;
  attn_mask?: Tensor | null;
  average_attn_weights?: boolean;
  is_causal?: boolean;
}

const CTOR_NAMES = [
  'dropout', 'bias', 'add_bias_kv', 'add_zero_attn', 'kdim', 'vdim', 'batch_first',
] as const;
const FWD_NAMES = [
  'key_padding_mask', 'need_weights', 'attn_mask', 'average_attn_weights', 'is_causal',
] as const;

type ForwardArg = Tensor | boolean | null | undefined | MultiheadAttentionForwardOptions;

/**
 * nn.MultiheadAttention(embed_dim, num_heads, dropout=0, bias=true, add_bias_kv=false,
 * add_zero_attn=false, kdim=null, vdim=null, batch_first=false): attention with num_heads heads.
 * forward(query, key, value, ...) returns [attn_output, attn_weights | null].
 * @example
 * const mha = new nn.MultiheadAttention(8, 2);
 * const [out, w] = mha.forward(x, x, x); // x [L, N, 8]: out [L, N, 8], w [N, L, L]
 */
export class MultiheadAttention extends Module {
  embed_dim: number;
  kdim: number;
  vdim: number;
  _qkv_same_embed_dim: boolean;
  num_heads: number;
  dropout: number;
  batch_first: boolean;
  head_dim: number;
  add_zero_attn: boolean;
  declare in_proj_weight: Parameter | null;
  declare q_proj_weight: Parameter | null;
  declare k_proj_weight: Parameter | null;
  declare v_proj_weight: Parameter | null;
  declare in_proj_bias: Parameter | null;
  declare out_proj: NonDynamicallyQuantizableLinear;
  declare bias_k: Parameter | null;
  declare bias_v: Parameter | null;

  constructor(embed_dim: number, num_heads: number,
    ...rest: (number | boolean | null | undefined | MultiheadAttentionOptions)[]) {
    check(embed_dim > 0 && num_heads > 0, () => 'embed_dim and num_heads must be greater than 0, got ' +
      `embed_dim=${embed_dim} and num_heads=${num_heads} instead`, ValueError);
    super();
    const o = merge<MultiheadAttentionOptions>(CTOR_NAMES, rest);
    const fk = { dtype: o.dtype };
    this.embed_dim = embed_dim;
    this.kdim = o.kdim ?? embed_dim;
    this.vdim = o.vdim ?? embed_dim;
    this._qkv_same_embed_dim = this.kdim === embed_dim && this.vdim === embed_dim;
    this.num_heads = num_heads;
    this.dropout = o.dropout ?? 0;
    this.batch_first = o.batch_first ?? false;
    this.head_dim = Math.floor(embed_dim / num_heads);
    check(this.head_dim * num_heads === embed_dim, () => 'embed_dim must be divisible by num_heads',
      AssertionError);
    if (!this._qkv_same_embed_dim) {
      this.q_proj_weight = new Parameter(empty([embed_dim, embed_dim], fk));
      this.k_proj_weight = new Parameter(empty([embed_dim, this.kdim], fk));
      this.v_proj_weight = new Parameter(empty([embed_dim, this.vdim], fk));
      this.register_parameter('in_proj_weight', null);
    } else {
      this.in_proj_weight = new Parameter(empty([3 * embed_dim, embed_dim], fk));
      for (const n of ['q_proj_weight', 'k_proj_weight', 'v_proj_weight']) this.register_parameter(n, null);
    }
    const bias = o.bias ?? true;
    if (bias) this.in_proj_bias = new Parameter(empty([3 * embed_dim], fk));
    else this.register_parameter('in_proj_bias', null);
    this.out_proj = new NonDynamicallyQuantizableLinear(embed_dim, embed_dim, { bias, ...fk });
    if (o.add_bias_kv ?? false) {
      this.bias_k = new Parameter(empty([1, 1, embed_dim], fk));
      this.bias_v = new Parameter(empty([1, 1, embed_dim], fk));
    } else {
      // Plain attributes, not registered parameters, as PyTorch's `self.bias_k = self.bias_v = None`.
      this.bias_k = null;
      this.bias_v = null;
    }
    this.add_zero_attn = o.add_zero_attn ?? false;
    this._reset_parameters();
  }

  /** Xavier-uniform projections, zero biases and Xavier-normal bias_k/bias_v, drawn as PyTorch. */
  _reset_parameters(): void {
    if (this._qkv_same_embed_dim) {
      init.xavier_uniform_(this.in_proj_weight!);
    } else {
      init.xavier_uniform_(this.q_proj_weight!);
      init.xavier_uniform_(this.k_proj_weight!);
      init.xavier_uniform_(this.v_proj_weight!);
    }
    if (this.in_proj_bias) {
      init.constant_(this.in_proj_bias, 0);
      init.constant_(this.out_proj.bias!, 0);
    }
    if (this.bias_k) init.xavier_normal_(this.bias_k);
    if (this.bias_v) init.xavier_normal_(this.bias_v);
  }

  /**
   * forward(query, key, value, key_padding_mask=null, need_weights=true, attn_mask=null,
   * average_attn_weights=true, is_causal=false). In a key_padding_mask or bool attn_mask, true
   * marks a position that may not be attended; float masks are added to the scores.
   */
  override forward(query: Tensor, key: Tensor, value: Tensor,
    ...rest: ForwardArg[]): [Tensor, Tensor | null] {
    const o = merge<MultiheadAttentionForwardOptions>(FWD_NAMES, rest);
    const batched = query.dim() === 3;
    const am = o.attn_mask ?? null;
    const kpm = _canonical_mask(o.key_padding_mask, 'key_padding_mask', _none_or_dtype(am), 'attn_mask',
      query.dtype);
    const attnMask = _canonical_mask(am, 'attn_mask', null, '', query.dtype, false);
    if (this.batch_first && batched) [query, key, value] = transposeKeepingAliases(query, key, value);
    const sep = !this._qkv_same_embed_dim;
    const [out, weights] = multi_head_attention_forward(query, key, value, this.embed_dim, this.num_heads,
      this.in_proj_weight, this.in_proj_bias, this.bias_k, this.bias_v, this.add_zero_attn, this.dropout,
      this.out_proj.weight, this.out_proj.bias, {
        training: this.training, key_padding_mask: kpm, need_weights: o.need_weights ?? true,
        attn_mask: attnMask, use_separate_proj_weight: sep, q_proj_weight: this.q_proj_weight,
        k_proj_weight: this.k_proj_weight, v_proj_weight: this.v_proj_weight,
        average_attn_weights: o.average_attn_weights ?? true, is_causal: o.is_causal ?? false,
      });
    return [this.batch_first && batched ? out.transpose(1, 0) : out, weights];
  }
}

/** Transposes [N, L, E] inputs to [L, N, E], keeping query === key === value where they were. */
function transposeKeepingAliases(q: Tensor, k: Tensor, v: Tensor): [Tensor, Tensor, Tensor] {
  if (k === v) {
    if (q === k) {
      const t = q.transpose(1, 0);
      return [t, t, t];
    }
    const kt = k.transpose(1, 0);
    return [q.transpose(1, 0), kt, kt];
  }
  return [q.transpose(1, 0), k.transpose(1, 0), v.transpose(1, 0)];
}
