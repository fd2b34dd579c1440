// Embedding (torch/nn/modules/sparse.py): a lookup table of embedding vectors.
import { Tensor } from '../../tensor/tensor.js';
import { empty } from '../../tensor/factories.js';
import { no_grad } from '../../autograd/grad_mode.js';
import { check } from '../../utils/check.js';
import { py } from '../../utils/python.js';
import { Module } from './module.js';
import { Parameter } from '../parameter.js';
import * as F from '../functional.js';
import * as init from '../init.js';
import type { FactoryKwargs } from './linear.js';

export interface EmbeddingModuleOptions extends F.EmbeddingOptions, FactoryKwargs {
  _weight?: Tensor | null;
  _freeze?: boolean;
}

/**
 * nn.Embedding(num_embeddings, embedding_dim, padding_idx=null, max_norm=null, norm_type=2,
 * scale_grad_by_freq=false, sparse=false): weights drawn from N(0, 1), the padding row zeroed.
 * @example new nn.Embedding(10, 3, 0).forward(torch.tensor([[0, 4]])).shape // [1, 2, 3]
 */
export class Embedding extends Module {
  num_embeddings: number;
  embedding_dim: number;
  padding_idx: number | null;
  max_norm: number | null;
  norm_type: number;
  scale_grad_by_freq: boolean;
  sparse: boolean;
  declare weight: Parameter;

  constructor(num_embeddings: number, embedding_dim: number,
    padding_idx: number | null | EmbeddingModuleOptions = null, max_norm: number | null = null, norm_type = 2,
    scale_grad_by_freq = false, sparse = false) {
    super();
    const o: EmbeddingModuleOptions = padding_idx !== null && typeof padding_idx === 'object'
      ? padding_idx
      : { padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse };
    this.num_embeddings = num_embeddings;
    this.embedding_dim = embedding_dim;
    let pad = o.padding_idx ?? null;
    if (pad !== null) {
      check(pad <= 0 || pad < num_embeddings, () => 'Padding_idx must be within num_embeddings');
      check(pad >= 0 || pad >= -num_embeddings, () => 'Padding_idx must be within num_embeddings');
      if (pad < 0) pad += num_embeddings;
    }
    this.padding_idx = pad;
    this.max_norm = o.max_norm ?? null;
    this.norm_type = o.norm_type ?? 2;
    this.scale_grad_by_freq = o.scale_grad_by_freq ?? false;
    if (o._weight === undefined || o._weight === null) {
      const w = empty([num_embeddings, embedding_dim], { dtype: o.dtype });
      this.weight = new Parameter(w, !(o._freeze ?? false));
      this.reset_parameters();
    } else {
      check(o._weight.shape[0] === num_embeddings && o._weight.shape[1] === embedding_dim, () =>
        'Shape of weight does not match num_embeddings and embedding_dim');
      this.weight = new Parameter(o._weight, !(o._freeze ?? false));
    }
    this.sparse = o.sparse ?? false;
  }

  /** Draws the weights from N(0, 1), then zeroes the padding row, as PyTorch. */
  reset_parameters(): void {
    init.normal_(this.weight);
    this._fill_padding_idx_with_zero();
  }

  _fill_padding_idx_with_zero(): void {
    if (this.padding_idx !== null) no_grad(() => this.weight.select(0, this.padding_idx!).fill_(0));
  }

  override forward(input: Tensor): Tensor {
    return F.embedding(input, this.weight, {
      padding_idx: this.padding_idx, max_norm: this.max_norm, norm_type: this.norm_type,
      scale_grad_by_freq: this.scale_grad_by_freq, sparse: this.sparse,
    });
  }

  override extra_repr(): string {
    let s = `${this.num_embeddings}, ${this.embedding_dim}`;
    if (this.padding_idx !== null) s += `, padding_idx=${this.padding_idx}`;
    if (this.max_norm !== null) s += `, max_norm=${py(this.max_norm)}`;
    if (this.norm_type !== 2) s += `, norm_type=${py(this.norm_type)}`;
    if (this.scale_grad_by_freq) s += `, scale_grad_by_freq=${py(this.scale_grad_by_freq)}`;
    if (this.sparse) s += ', sparse=True';
    return s;
  }
}
