// Transformer, TransformerEncoder(Layer) and TransformerDecoder(Layer) (torch/nn/modules/transformer.py,
// PyTorch 2.x). _get_clones deep-copies layers with utils/copy.ts, as PyTorch does with copy.deepcopy.
import type { DTypeLike } from '../../tensor/dtype.js';
import { is_grad_enabled } from '../../autograd/grad_mode.js';
import { Tensor } from '../../tensor/tensor.js';
import { full } from '../../tensor/factories.js';
import { triu } from '../../ops/misc.js';
import { check } from '../../utils/check.js';
import { warn } from '../../utils/warnings.js';
import { Module } from './module.js';
import { ModuleList } from './container.js';
import { Linear } from './linear.js';
import { Dropout } from './dropout.js';
import { LayerNorm } from './normalization.js';
import { MultiheadAttention } from './multihead_attention.js';
import { deepcopy } from '../../utils/copy.js';
import * as F from '../functional.js';
import * as init from '../init.js';
import { _canonical_mask, _none_or_dtype } from '../functional_attention.js';
import { kwargs as merge } from '../../utils/kwargs.js';

/** transformer.py's _get_clones: a ModuleList of n deep copies, so every layer starts identical. */
export function _get_clones<M extends Module>(module: M, n: number): ModuleList<M> {
  return new ModuleList<M>(Array.from({ length: n }, () => deepcopy(module)));
}

// ---- helpers ------------------------------------------------------------------------------------

export type ActivationFn = (x: Tensor) => Tensor;
export type Activation = 'relu' | 'gelu' | ActivationFn | Module;

/** transformer.py's _get_activation_fn: 'relu' and 'gelu' by name. */
export function _get_activation_fn(activation: string): ActivationFn {
  if (activation === 'relu') return F.relu;
  if (activation === 'gelu') return F.gelu;
  throw new Error(`activation should be relu/gelu, not ${activation}`);
}

/**
 * Transformer.generate_square_subsequent_mask's helper: -inf above the diagonal, 0 elsewhere.
 * @example _generate_square_subsequent_mask(3) // [[0, -inf, -inf], [0, 0, -inf], [0, 0, 0]]
 */
export function _generate_square_subsequent_mask(sz: number, dtype?: DTypeLike): Tensor {
  return triu(full([sz, sz], -Infinity, { dtype }), 1);
}

/** The sequence length of src ([S, E], [S, N, E] or batch-first [N, S, E]). */
export function _get_seq_len(src: Tensor, batch_first: boolean): number {
  if (src.dim() === 2) return src.size(0);
  return src.size(batch_first ? 1 : 0);
}

/** True when is_causal is true, or when it is null and mask equals the square causal mask. */
export function _detect_is_causal_mask(mask: Tensor | null, is_causal: boolean | null = null,
  size: number | null = null): boolean {
  let makeCausal = is_causal === true;
  if (is_causal === null && mask !== null) {
    const sz = size ?? mask.size(-2);
    const causal = _generate_square_subsequent_mask(sz, mask.dtype);
    // A batched mask of another shape is never treated as causal, as in PyTorch.
    const same = mask.dim() === 2 && mask.shape.join() === causal.shape.join();
    makeCausal = same && Boolean(mask.eq(causal).all().item());
  }
  return makeCausal;
}

// ---- TransformerEncoderLayer --------------------------------------------------------------------

export interface TransformerEncoderLayerOptions {
  dim_feedforward?: number;
  dropout?: number;
  activation?: Activation;
  layer_norm_eps?: number;
  batch_first?: boolean;
  norm_first?: boolean;
  bias?: boolean;
  dtype?: DTypeLike;
}

export interface EncoderLayerForwardOptions {
  src_mask?: Tensor | null;
  src_key_padding_mask?: Tensor | null;
  is_causal?: boolean;
}

type LayerForwardArg = Tensor | boolean | null | undefined | EncoderLayerForwardOptions;

const LAYER_NAMES = [
  'dim_feedforward', 'dropout', 'activation', 'layer_norm_eps', 'batch_first', 'norm_first', 'bias',
] as const;

type LayerArg = number | boolean | Activation | TransformerEncoderLayerOptions | undefined;

/**
 * nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=2048, dropout=0.1, activation=relu,
 * layer_norm_eps=1e-5, batch_first=false, norm_first=false, bias=true): self-attention then a
 * feed-forward block, each with dropout, a residual connection and LayerNorm (before the block when
 * norm_first, after it otherwise).
 * @example new nn.TransformerEncoderLayer(8, 2, { dim_feedforward: 16 }).forward(src) // src [S, N, 8]
 */
export class TransformerEncoderLayer extends Module {
  declare self_attn: MultiheadAttention;
  declare linear1: Linear;
  declare dropout: Dropout;
  declare linear2: Linear;
  norm_first: boolean;
  declare norm1: LayerNorm;
  declare norm2: LayerNorm;
  declare dropout1: Dropout;
  declare dropout2: Dropout;
  activation_relu_or_gelu: number;
  declare activation: ActivationFn | Module;

  constructor(d_model: number, nhead: number, ...rest: LayerArg[]) {
    super();
    const o = merge<TransformerEncoderLayerOptions>(LAYER_NAMES, rest);
    const p = o.dropout ?? 0.1;
    const bias = o.bias ?? true;
    const fk = o.dtype === undefined ? {} : { dtype: o.dtype };
    const batch_first = o.batch_first ?? false;
    this.self_attn = new MultiheadAttention(d_model, nhead, { dropout: p, bias, batch_first, ...fk });
    const ff = o.dim_feedforward ?? 2048;
    this.linear1 = new Linear(d_model, ff, { bias, ...fk });
    this.dropout = new Dropout(p);
    this.linear2 = new Linear(ff, d_model, { bias, ...fk });
    this.norm_first = o.norm_first ?? false;
    const eps = o.layer_norm_eps ?? 1e-5;
    this.norm1 = new LayerNorm(d_model, { eps, bias, ...fk });
    this.norm2 = new LayerNorm(d_model, { eps, bias, ...fk });
    this.dropout1 = new Dropout(p);
    this.dropout2 = new Dropout(p);
    let act = o.activation ?? F.relu;
    if (typeof act === 'string') act = _get_activation_fn(act);
    const isName = (m: Activation, name: string) => m instanceof Module && m.constructor.name === name;
    if (act === F.relu || isName(act, 'ReLU')) this.activation_relu_or_gelu = 1;
    else if (act === F.gelu || isName(act, 'GELU')) this.activation_relu_or_gelu = 2;
    else this.activation_relu_or_gelu = 0;
    this.activation = act;
  }

  /**
   * forward(src, src_mask=null, src_key_padding_mask=null, is_causal=false): the layer's output,
   * shaped like src. In a bool mask true marks a position that may not be attended.
   */
  override forward(src: Tensor, ...rest: LayerForwardArg[]): Tensor {
    const o = merge<EncoderLayerForwardOptions>(['src_mask', 'src_key_padding_mask', 'is_causal'], rest);
    const rawMask = o.src_mask ?? null;
    const kpm = _canonical_mask(o.src_key_padding_mask, 'src_key_padding_mask', _none_or_dtype(rawMask),
      'src_mask', src.dtype);
    const mask = _canonical_mask(rawMask, 'src_mask', null, '', src.dtype, false);
    const causal = o.is_causal ?? false;
    let x = src;
    if (this.norm_first) {
      x = x.add(this._sa_block(this.norm1.forward(x), mask, kpm, causal));
      x = x.add(this._ff_block(this.norm2.forward(x)));
    } else {
      x = this.norm1.forward(x.add(this._sa_block(x, mask, kpm, causal)));
      x = this.norm2.forward(x.add(this._ff_block(x)));
    }
    return x;
  }

  /** Self-attention; its dropout draws before dropout1's, as in PyTorch. */
  _sa_block(x: Tensor, attn_mask: Tensor | null, key_padding_mask: Tensor | null, is_causal = false): Tensor {
    const opts = { attn_mask, key_padding_mask, need_weights: false, is_causal };
    const [out] = this.self_attn.forward(x, x, x, opts);
    return this.dropout1.forward(out);
  }

  /** linear2(dropout(activation(linear1(x)))) then dropout2. */
  _ff_block(x: Tensor): Tensor {
    const act = this.activation;
    const h = this.linear1.forward(x);
    const a = act instanceof Module ? act.forward(h) as Tensor : act(h);
    return this.dropout2.forward(this.linear2.forward(this.dropout.forward(a)));
  }
}

// ---- TransformerEncoder -------------------------------------------------------------------------

export interface TransformerEncoderOptions {
  norm?: Module | null;
  enable_nested_tensor?: boolean;
  mask_check?: boolean;
}

export interface EncoderForwardOptions {
  mask?: Tensor | null;
  src_key_padding_mask?: Tensor | null;
  is_causal?: boolean | null;
}

/** Why 2.x's nested-tensor fast path cannot be used with this layer ('' when it could). */
function whyNotSparsityFastPath(layer: Module): string {
  const name = 'encoder_layer';
  if (!(layer instanceof TransformerEncoderLayer)) return `${name} was not TransformerEncoderLayer`;
  if (layer.norm_first) return `${name}.norm_first was True`;
  if (!layer.self_attn.batch_first) {
    return `${name}.self_attn.batch_first was not True(use batch_first for better inference performance)`;
  }
  if (!layer.self_attn._qkv_same_embed_dim) return `${name}.self_attn._qkv_same_embed_dim was not True`;
  if (layer.self_attn.in_proj_bias === null) return `${name}.self_attn was passed bias=False`;
  if (!layer.activation_relu_or_gelu) return `${name}.activation_relu_or_gelu was not True`;
  if (layer.norm1.eps !== layer.norm2.eps) return `${name}.norm1.eps was not equal to ${name}.norm2.eps`;
  if (layer.self_attn.num_heads % 2 === 1) return 'num_head is odd';
  return '';
}

/** True when every row of `padded` ([N, S]) is some valid positions followed only by padding. */
function leftAligned(padded: Tensor): boolean {
  return (padded.tolist() as boolean[][]).every((row) => row.every((p, i) => !row[i - 1] || p));
}

/**
 * The padded positions ([N, S], true where padded) when PyTorch would run the stack on nested
 * tensors (eval, no autograd, batch_first, a left-aligned key padding mask and no mask): it then
 * returns zeros there, which tstorch reproduces; null otherwise. Valid positions are unaffected.
 */
function nestedPadding(enc: TransformerEncoder, src: Tensor, kpm: Tensor | null, mask: Tensor | null):
  Tensor | null {
  const first = enc.layers.at(0);
  if (!enc.use_nested_tensor || !(first instanceof TransformerEncoderLayer) || first.training) return null;
  if (src.dim() !== 3 || kpm === null || mask !== null) return null;
  // The canonical float mask is 0 at valid positions (PyTorch takes kpm.logical_not() as valid).
  const padded = kpm.ne(0);
  if (enc.mask_check && !leftAligned(padded)) return null;
  const a = first.self_attn;
  const args = [src, a.in_proj_weight, a.in_proj_bias, a.out_proj.weight, a.out_proj.bias, first.norm1.weight,
    first.norm1.bias, first.norm2.weight, first.norm2.bias, first.linear1.weight, first.linear1.bias,
    first.linear2.weight, first.linear2.bias];
  if (is_grad_enabled() && args.some((t) => t?.requires_grad)) return null;
  return padded;
}

/**
 * nn.TransformerEncoder(encoder_layer, num_layers, norm=null, enable_nested_tensor=true,
 * mask_check=true): num_layers deep copies of encoder_layer (identical initial weights) applied in
 * turn, then norm. Where PyTorch's inference fast path would use nested tensors, the output is
 * zero at the padded positions, as PyTorch's.
 * @example new nn.TransformerEncoder(new nn.TransformerEncoderLayer(8, 2), 3).forward(src)
 */
export class TransformerEncoder extends Module {
  declare layers: ModuleList<Module>;
  num_layers: number;
  declare norm: Module | null;
  enable_nested_tensor: boolean;
  use_nested_tensor: boolean;
  mask_check: boolean;

  constructor(encoder_layer: Module, num_layers: number, norm?: Module | null | TransformerEncoderOptions,
    enable_nested_tensor?: boolean | TransformerEncoderOptions,
    mask_check?: boolean | TransformerEncoderOptions) {
    super();
    const o = merge<TransformerEncoderOptions>(['norm', 'enable_nested_tensor', 'mask_check'],
      [norm, enable_nested_tensor, mask_check]);
    this.layers = _get_clones(encoder_layer, num_layers);
    this.num_layers = num_layers;
    this.norm = o.norm ?? null;
    this.enable_nested_tensor = o.enable_nested_tensor ?? true;
    this.use_nested_tensor = this.enable_nested_tensor;
    this.mask_check = o.mask_check ?? true;
    const why = whyNotSparsityFastPath(encoder_layer);
    if (this.enable_nested_tensor && why) {
      warn(`enable_nested_tensor is True, but self.use_nested_tensor is False because ${why}`);
      this.use_nested_tensor = false;
    }
  }

  /**
   * forward(src, mask=null, src_key_padding_mask=null, is_causal=null): src through every layer,
   * then norm. A null is_causal is detected from mask (equal to the square causal mask).
   */
  override forward(src: Tensor,
    ...rest: (Tensor | boolean | null | undefined | EncoderForwardOptions)[]): Tensor {
    const o = merge<EncoderForwardOptions>(['mask', 'src_key_padding_mask', 'is_causal'], rest);
    const rawMask = o.mask ?? null;
    const kpm = _canonical_mask(o.src_key_padding_mask, 'src_key_padding_mask', _none_or_dtype(rawMask),
      'mask', src.dtype);
    const mask = _canonical_mask(rawMask, 'mask', null, '', src.dtype, false);
    const first = this.layers.at(0);
    const batchFirst = first instanceof TransformerEncoderLayer && first.self_attn.batch_first;
    const isCausal = _detect_is_causal_mask(mask, o.is_causal ?? null, _get_seq_len(src, batchFirst));
    const padded = nestedPadding(this, src, kpm, mask);
    let output = src;
    for (const mod of this.layers) {
      const opts = { src_mask: mask, is_causal: isCausal, src_key_padding_mask: kpm };
      output = mod.forward(output, opts) as Tensor;
    }
    if (padded) output = output.masked_fill(padded.unsqueeze(-1), 0);
    return this.norm ? this.norm.forward(output) as Tensor : output;
  }
}

// ---- TransformerDecoderLayer --------------------------------------------------------------------

export interface DecoderLayerForwardOptions {
  tgt_mask?: Tensor | null;
  memory_mask?: Tensor | null;
  tgt_key_padding_mask?: Tensor | null;
  memory_key_padding_mask?: Tensor | null;
  tgt_is_causal?: boolean | null;
  memory_is_causal?: boolean;
}

const DECODER_FWD_NAMES = [
  'tgt_mask', 'memory_mask', 'tgt_key_padding_mask', 'memory_key_padding_mask', 'tgt_is_causal',
  'memory_is_causal',
] as const;

type DecoderForwardArg = Tensor | boolean | null | undefined | DecoderLayerForwardOptions;

/**
 * nn.TransformerDecoderLayer(d_model, nhead, dim_feedforward=2048, dropout=0.1, activation=relu,
 * layer_norm_eps=1e-5, batch_first=false, norm_first=false, bias=true): self-attention, attention
 * over the encoder's memory, then a feed-forward block, each with dropout, residual and LayerNorm.
 * @example new nn.TransformerDecoderLayer(8, 2, { dim_feedforward: 16 }).forward(tgt, memory)
 */
export class TransformerDecoderLayer extends Module {
  declare self_attn: MultiheadAttention;
  declare multihead_attn: MultiheadAttention;
  declare linear1: Linear;
  declare dropout: Dropout;
  declare linear2: Linear;
  norm_first: boolean;
  declare norm1: LayerNorm;
  declare norm2: LayerNorm;
  declare norm3: LayerNorm;
  declare dropout1: Dropout;
  declare dropout2: Dropout;
  declare dropout3: Dropout;
  declare activation: ActivationFn | Module;

  constructor(d_model: number, nhead: number, ...rest: LayerArg[]) {
    super();
    const o = merge<TransformerEncoderLayerOptions>(LAYER_NAMES, rest);
    const p = o.dropout ?? 0.1;
    const bias = o.bias ?? true;
    const fk = o.dtype === undefined ? {} : { dtype: o.dtype };
    const mha = { dropout: p, batch_first: o.batch_first ?? false, bias, ...fk };
    this.self_attn = new MultiheadAttention(d_model, nhead, mha);
    this.multihead_attn = new MultiheadAttention(d_model, nhead, mha);
    const ff = o.dim_feedforward ?? 2048;
    this.linear1 = new Linear(d_model, ff, { bias, ...fk });
    this.dropout = new Dropout(p);
    this.linear2 = new Linear(ff, d_model, { bias, ...fk });
    this.norm_first = o.norm_first ?? false;
    const eps = o.layer_norm_eps ?? 1e-5;
    this.norm1 = new LayerNorm(d_model, { eps, bias, ...fk });
    this.norm2 = new LayerNorm(d_model, { eps, bias, ...fk });
    this.norm3 = new LayerNorm(d_model, { eps, bias, ...fk });
    this.dropout1 = new Dropout(p);
    this.dropout2 = new Dropout(p);
    this.dropout3 = new Dropout(p);
    const act = o.activation ?? F.relu;
    this.activation = typeof act === 'string' ? _get_activation_fn(act) : act;
  }

  /**
   * forward(tgt, memory, tgt_mask=null, memory_mask=null, tgt_key_padding_mask=null,
   * memory_key_padding_mask=null, tgt_is_causal=false, memory_is_causal=false): shaped like tgt.
   */
  override forward(tgt: Tensor, memory: Tensor, ...rest: DecoderForwardArg[]): Tensor {
    const o = merge<DecoderLayerForwardOptions>(DECODER_FWD_NAMES, rest);
    const [tm, tk] = [o.tgt_mask ?? null, o.tgt_key_padding_mask ?? null];
    const [mm, mk] = [o.memory_mask ?? null, o.memory_key_padding_mask ?? null];
    const [tc, mc] = [o.tgt_is_causal ?? false, o.memory_is_causal ?? false];
    let x = tgt;
    if (this.norm_first) {
      x = x.add(this._sa_block(this.norm1.forward(x), tm, tk, tc));
      x = x.add(this._mha_block(this.norm2.forward(x), memory, mm, mk, mc));
      x = x.add(this._ff_block(this.norm3.forward(x)));
    } else {
      x = this.norm1.forward(x.add(this._sa_block(x, tm, tk, tc)));
      x = this.norm2.forward(x.add(this._mha_block(x, memory, mm, mk, mc)));
      x = this.norm3.forward(x.add(this._ff_block(x)));
    }
    return x;
  }

  /** Self-attention over tgt, then dropout1. */
  _sa_block(x: Tensor, attn_mask: Tensor | null, key_padding_mask: Tensor | null, is_causal = false): Tensor {
    const opts = { attn_mask, key_padding_mask, is_causal, need_weights: false };
    return this.dropout1.forward(this.self_attn.forward(x, x, x, opts)[0]);
  }

  /** Attention from x over the memory, then dropout2. */
  _mha_block(x: Tensor, mem: Tensor, attn_mask: Tensor | null, key_padding_mask: Tensor | null,
    is_causal = false): Tensor {
    const opts = { attn_mask, key_padding_mask, is_causal, need_weights: false };
    return this.dropout2.forward(this.multihead_attn.forward(x, mem, mem, opts)[0]);
  }

  /** linear2(dropout(activation(linear1(x)))) then dropout3. */
  _ff_block(x: Tensor): Tensor {
    const act = this.activation;
    const h = this.linear1.forward(x);
    const a = act instanceof Module ? act.forward(h) as Tensor : act(h);
    return this.dropout3.forward(this.linear2.forward(this.dropout.forward(a)));
  }
}

// ---- TransformerDecoder -------------------------------------------------------------------------

/**
 * nn.TransformerDecoder(decoder_layer, num_layers, norm=null): num_layers deep copies of
 * decoder_layer applied in turn, then norm. A null tgt_is_causal is detected from tgt_mask.
 * @example new nn.TransformerDecoder(new nn.TransformerDecoderLayer(8, 2), 2).forward(tgt, memory)
 */
export class TransformerDecoder extends Module {
  declare layers: ModuleList<Module>;
  num_layers: number;
  declare norm: Module | null;

  constructor(decoder_layer: Module, num_layers: number, norm?: Module | null | { norm?: Module | null }) {
    super();
    const o = merge<{ norm?: Module | null }>(['norm'], [norm]);
    this.layers = _get_clones(decoder_layer, num_layers);
    this.num_layers = num_layers;
    this.norm = o.norm ?? null;
  }

  /**
   * forward(tgt, memory, tgt_mask=null, memory_mask=null, tgt_key_padding_mask=null,
   * memory_key_padding_mask=null, tgt_is_causal=null, memory_is_causal=false).
   */
  override forward(tgt: Tensor, memory: Tensor, ...rest: DecoderForwardArg[]): Tensor {
    const o = merge<DecoderLayerForwardOptions>(DECODER_FWD_NAMES, rest);
    const first = this.layers.at(0);
    const batchFirst = first instanceof TransformerDecoderLayer && first.self_attn.batch_first;
    const tgtMask = o.tgt_mask ?? null;
    const tgtCausal = _detect_is_causal_mask(tgtMask, o.tgt_is_causal ?? null, _get_seq_len(tgt, batchFirst));
    const opts = { ...o, tgt_mask: tgtMask, tgt_is_causal: tgtCausal };
    let output = tgt;
    for (const mod of this.layers) output = mod.forward(output, memory, opts) as Tensor;
    return this.norm ? this.norm.forward(output) as Tensor : output;
  }
}

// ---- Transformer --------------------------------------------------------------------------------

export interface TransformerOptions extends TransformerEncoderLayerOptions {
  d_model?: number;
  nhead?: number;
  num_encoder_layers?: number;
  num_decoder_layers?: number;
  custom_encoder?: Module | null;
  custom_decoder?: Module | null;
}

export interface TransformerForwardOptions {
  src_mask?: Tensor | null;
  tgt_mask?: Tensor | null;
  memory_mask?: Tensor | null;
  src_key_padding_mask?: Tensor | null;
  tgt_key_padding_mask?: Tensor | null;
  memory_key_padding_mask?: Tensor | null;
  src_is_causal?: boolean | null;
  tgt_is_causal?: boolean | null;
  memory_is_causal?: boolean;
}

const TRANSFORMER_NAMES = [
  'd_model', 'nhead', 'num_encoder_layers', 'num_decoder_layers', 'dim_feedforward', 'dropout', 'activation',
  'custom_encoder', 'custom_decoder', 'layer_norm_eps', 'batch_first', 'norm_first', 'bias',
] as const;

const TRANSFORMER_FWD_NAMES = [
  'src_mask', 'tgt_mask', 'memory_mask', 'src_key_padding_mask', 'tgt_key_padding_mask',
  'memory_key_padding_mask', 'src_is_causal', 'tgt_is_causal', 'memory_is_causal',
] as const;

/**
 * nn.Transformer(d_model=512, nhead=8, num_encoder_layers=6, num_decoder_layers=6,
 * dim_feedforward=2048, dropout=0.1, activation=relu, custom_encoder=null, custom_decoder=null,
 * layer_norm_eps=1e-5, batch_first=false, norm_first=false, bias=true): an encoder-decoder
 * transformer; every parameter with more than one dim is re-drawn with xavier_uniform_.
 * @example new nn.Transformer({ d_model: 8, nhead: 2, num_encoder_layers: 1 }).forward(src, tgt)
 */
export class Transformer extends Module {
  declare encoder: Module;
  declare decoder: Module;
  d_model: number;
  nhead: number;
  batch_first: boolean;

  constructor(...args: (number | boolean | Activation | Module | null | undefined | TransformerOptions)[]) {
    super();
    const o = merge<TransformerOptions>(TRANSFORMER_NAMES, args);
    const d = o.d_model ?? 512;
    const nhead = o.nhead ?? 8;
    const eps = o.layer_norm_eps ?? 1e-5;
    const bias = o.bias ?? true;
    const layerOpts: TransformerEncoderLayerOptions = {
      dim_feedforward: o.dim_feedforward, dropout: o.dropout, activation: o.activation, layer_norm_eps: eps,
      batch_first: o.batch_first, norm_first: o.norm_first, bias, dtype: o.dtype,
    };
    const fk = o.dtype === undefined ? {} : { dtype: o.dtype };
    if (o.custom_encoder) {
      this.encoder = o.custom_encoder;
    } else {
      const layer = new TransformerEncoderLayer(d, nhead, layerOpts);
      const norm = new LayerNorm(d, { eps, bias, ...fk });
      this.encoder = new TransformerEncoder(layer, o.num_encoder_layers ?? 6, norm);
    }
    if (o.custom_decoder) {
      this.decoder = o.custom_decoder;
    } else {
      const layer = new TransformerDecoderLayer(d, nhead, layerOpts);
      const norm = new LayerNorm(d, { eps, bias, ...fk });
      this.decoder = new TransformerDecoder(layer, o.num_decoder_layers ?? 6, norm);
    }
    this._reset_parameters();
    this.d_model = d;
    this.nhead = nhead;
    this.batch_first = o.batch_first ?? false;
  }

  /**
   * forward(src, tgt, src_mask=null, tgt_mask=null, memory_mask=null, src_key_padding_mask=null,
   * tgt_key_padding_mask=null, memory_key_padding_mask=null, src_is_causal=null,
   * tgt_is_causal=null, memory_is_causal=false): the decoder's output, shaped like tgt.
   */
  override forward(src: Tensor, tgt: Tensor,
    ...rest: (Tensor | boolean | null | undefined | TransformerForwardOptions)[]): Tensor {
    const o = merge<TransformerForwardOptions>(TRANSFORMER_FWD_NAMES, rest);
    const batched = src.dim() === 3;
    const bdim = this.batch_first ? 0 : 1;
    check(!batched || src.size(bdim) === tgt.size(bdim), () =>
      'the batch number of src and tgt must be equal');
    check(src.size(-1) === this.d_model && tgt.size(-1) === this.d_model, () =>
      'the feature number of src and tgt must be equal to d_model');
    const memory = this.encoder.forward(src, { mask: o.src_mask ?? null,
      src_key_padding_mask: o.src_key_padding_mask ?? null, is_causal: o.src_is_causal ?? null }) as Tensor;
    return this.decoder.forward(tgt, memory, {
      tgt_mask: o.tgt_mask ?? null, memory_mask: o.memory_mask ?? null,
      tgt_key_padding_mask: o.tgt_key_padding_mask ?? null,
      memory_key_padding_mask: o.memory_key_padding_mask ?? null, tgt_is_causal: o.tgt_is_causal ?? null,
      memory_is_causal: o.memory_is_causal ?? false,
    }) as Tensor;
  }

  /**
   * Transformer.generate_square_subsequent_mask(sz): the float causal mask (-inf above the diagonal).
   * @example nn.Transformer.generate_square_subsequent_mask(3)
   */
  static generate_square_subsequent_mask(sz: number,
    opts: { dtype?: DTypeLike; device?: string } = {}): Tensor {
    return _generate_square_subsequent_mask(sz, opts.dtype);
  }

  /** xavier_uniform_ on every parameter with more than one dim, in parameters() order. */
  _reset_parameters(): void {
    for (const p of this.parameters()) if (p.dim() > 1) init.xavier_uniform_(p);
  }
}
