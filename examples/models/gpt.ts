// A small GPT-style decoder, ported line by line from Karpathy's nanoGPT model.py (without dropout):
// token + position embeddings, causal self-attention, GELU MLP, LayerNorm, weight-tied output head.
import * as torch from '../../src/index.js';

const { nn } = torch;
const F = nn.functional;
type Tensor = torch.Tensor;

export interface GPTConfig {
  block_size: number;
  vocab_size: number;
  n_layer: number;
  n_head: number;
  n_embd: number;
}

/** The small configuration the tests use (nanoGPT's GPT-2 is 1024 / 50304 / 12 / 12 / 768). */
export const smallConfig: GPTConfig = { block_size: 16, vocab_size: 50, n_layer: 2, n_head: 4, n_embd: 32 };

/**
 * Multi-head masked self-attention written out with matmul, masked_fill and softmax.
 * @example new CausalSelfAttention(smallConfig).forward(torch.randn(2, 8, 32)) // [2, 8, 32]
 */
export class CausalSelfAttention extends nn.Module {
  declare c_attn: torch.nn.Linear;
  declare c_proj: torch.nn.Linear;
  declare bias: Tensor;
  n_head: number;
  n_embd: number;

  constructor(config: GPTConfig) {
    super();
    if (config.n_embd % config.n_head !== 0) throw new Error('n_embd must be divisible by n_head');
    // key, query, value projections for all heads, but in a batch
    this.c_attn = new nn.Linear(config.n_embd, 3 * config.n_embd);
    // output projection
    this.c_proj = new nn.Linear(config.n_embd, config.n_embd);
    this.n_head = config.n_head;
    this.n_embd = config.n_embd;
    // causal mask to ensure that attention is only applied to the left in the input sequence
    // (nanoGPT and HF GPT-2 call this buffer "bias"; it is saved in the state_dict)
    this.register_buffer('bias', torch.tril(torch.ones(config.block_size, config.block_size))
      .view(1, 1, config.block_size, config.block_size));
  }

  override forward(x: Tensor): Tensor {
    const [B, T, C] = x.shape; // batch size, sequence length, embedding dimensionality (n_embd)

    // calculate query, key, values for all heads in batch and move head forward to be the batch dim
    let [q, k, v] = this.c_attn.forward(x).split(this.n_embd, { dim: 2 });
    k = k.view(B, T, this.n_head, C / this.n_head).transpose(1, 2); // (B, nh, T, hs)
    q = q.view(B, T, this.n_head, C / this.n_head).transpose(1, 2); // (B, nh, T, hs)
    v = v.view(B, T, this.n_head, C / this.n_head).transpose(1, 2); // (B, nh, T, hs)

    // causal self-attention; Self-attend: (B, nh, T, hs) x (B, nh, hs, T) -> (B, nh, T, T)
    let att = q.matmul(k.transpose(-2, -1)).mul(1.0 / Math.sqrt(k.size(-1)));
    att = att.masked_fill(this.bias.index(`:, :, :${T}, :${T}`).eq(0), -Infinity);
    att = F.softmax(att, { dim: -1 });
    let y = att.matmul(v); // (B, nh, T, T) x (B, nh, T, hs) -> (B, nh, T, hs)
    y = y.transpose(1, 2).contiguous().view(B, T, C); // re-assemble all head outputs side by side

    // output projection
    y = this.c_proj.forward(y);
    return y;
  }
}

/** The position-wise feed-forward block: Linear(n, 4n), GELU, Linear(4n, n). */
export class MLP extends nn.Module {
  declare c_fc: torch.nn.Linear;
  declare gelu: torch.nn.GELU;
  declare c_proj: torch.nn.Linear;

  constructor(config: GPTConfig) {
    super();
    this.c_fc = new nn.Linear(config.n_embd, 4 * config.n_embd);
    this.gelu = new nn.GELU();
    this.c_proj = new nn.Linear(4 * config.n_embd, config.n_embd);
  }

  override forward(x: Tensor): Tensor {
    x = this.c_fc.forward(x);
    x = this.gelu.forward(x);
    x = this.c_proj.forward(x);
    return x;
  }
}

/** A pre-norm transformer block: x + attn(ln_1(x)), then x + mlp(ln_2(x)). */
export class Block extends nn.Module {
  declare ln_1: torch.nn.LayerNorm;
  declare attn: CausalSelfAttention;
  declare ln_2: torch.nn.LayerNorm;
  declare mlp: MLP;

  constructor(config: GPTConfig) {
    super();
    this.ln_1 = new nn.LayerNorm(config.n_embd);
    this.attn = new CausalSelfAttention(config);
    this.ln_2 = new nn.LayerNorm(config.n_embd);
    this.mlp = new MLP(config);
  }

  override forward(x: Tensor): Tensor {
    x = x.add(this.attn.forward(this.ln_1.forward(x)));
    x = x.add(this.mlp.forward(this.ln_2.forward(x)));
    return x;
  }
}

type Transformer = torch.nn.ModuleDict<{
  wte: torch.nn.Embedding;
  wpe: torch.nn.Embedding;
  h: torch.nn.ModuleList<Block>;
  ln_f: torch.nn.LayerNorm;
}>;

/**
 * The GPT language model. `forward(idx, targets)` returns `[logits, loss]` (loss null without
 * targets). The output head shares its weight with the token embedding.
 * @example
 * const model = new GPT(smallConfig);
 * const [logits, loss] = model.forward(idx, targets); // logits [B, T, vocab_size]
 */
export class GPT extends nn.Module {
  config: GPTConfig;
  declare transformer: Transformer;
  declare lm_head: torch.nn.Linear;

  constructor(config: GPTConfig) {
    super();
    this.config = config;

    this.transformer = new nn.ModuleDict({
      wte: new nn.Embedding(config.vocab_size, config.n_embd),
      wpe: new nn.Embedding(config.block_size, config.n_embd),
      h: new nn.ModuleList(Array.from({ length: config.n_layer }, () => new Block(config))),
      ln_f: new nn.LayerNorm(config.n_embd),
    });
    this.lm_head = new nn.Linear(config.n_embd, config.vocab_size, { bias: false });
    // weight tying (https://paperswithcode.com/method/weight-tying): one Parameter, two names
    this.transformer.wte.weight = this.lm_head.weight;

    // init all weights
    this.apply((m) => this._init_weights(m));
    // apply special scaled init to the residual projections, per GPT-2 paper
    for (const [pn, p] of this.named_parameters()) {
      if (pn.endsWith('c_proj.weight')) {
        nn.init.normal_(p, { mean: 0.0, std: 0.02 / Math.sqrt(2 * config.n_layer) });
      }
    }
  }

  _init_weights(module: torch.nn.Module): void {
    if (module instanceof nn.Linear) {
      nn.init.normal_(module.weight, { mean: 0.0, std: 0.02 });
      if (module.bias !== null) {
        nn.init.zeros_(module.bias);
      }
    } else if (module instanceof nn.Embedding) {
      nn.init.normal_(module.weight, { mean: 0.0, std: 0.02 });
    }
  }

  override forward(idx: Tensor, targets: Tensor | null = null): [Tensor, Tensor | null] {
    const t = idx.size(1);
    if (t > this.config.block_size) {
      throw new Error(`Cannot forward sequence of length ${t}, block size is only ${this.config.block_size}`);
    }
    const pos = torch.arange(0, t, { dtype: torch.int64 }); // shape (t)

    // forward the GPT model itself
    const tok_emb = this.transformer.wte.forward(idx); // token embeddings of shape (b, t, n_embd)
    const pos_emb = this.transformer.wpe.forward(pos); // position embeddings of shape (t, n_embd)
    let x = tok_emb.add(pos_emb);
    for (const block of this.transformer.h) {
      x = block.forward(x);
    }
    x = this.transformer.ln_f.forward(x);
    const logits = this.lm_head.forward(x); // (b, t, vocab_size)

    let loss: Tensor | null = null;
    if (targets !== null) {
      loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), { ignore_index: -1 });
    }
    return [logits, loss];
  }
}

// npx tsx examples/models/gpt.ts
if (import.meta.url === `file://${process.argv[1]}`) {
  torch.manual_seed(0);
  const model = new GPT(smallConfig);
  const idx = torch.randint(0, smallConfig.vocab_size, [2, 8]);
  const targets = torch.randint(0, smallConfig.vocab_size, [2, 8]);
  const [logits, loss] = model.forward(idx, targets);
  console.log(logits.shape, loss?.item());
  console.log([...model.state_dict().keys()].join('\n'));
}
