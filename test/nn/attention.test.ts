// Attention and transformer layers against tools/oracle/attention.py: F.scaled_dot_product_attention
// (2.x math reference), nn.MultiheadAttention, nn.TransformerEncoderLayer and nn.TransformerEncoder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/index.js';
import { type EncodedTensor, loadFixture, decodeTensor as make } from '../helpers/fixtures.js';
import { assertClose } from '../helpers/tolerance.js';

const nn = torch.nn;
const F = torch.nn.functional;

function makeOpt(e: EncodedTensor | null): torch.Tensor | null {
  return e === null ? null : make(e);
}

/** A leaf copy of a fixture tensor that requires grad. */
function leaf(e: EncodedTensor): torch.Tensor {
  return make(e).requires_grad_();
}

interface SdpaCase {
  name: string; seed: number; kw: { dropout_p?: number; is_causal?: boolean; scale?: number };
  q: EncodedTensor; k: EncodedTensor; v: EncodedTensor; mask: EncodedTensor | null; g: EncodedTensor;
  out: EncodedTensor; q_grad: EncodedTensor; k_grad: EncodedTensor; v_grad: EncodedTensor;
  mask_grad: EncodedTensor | null;
}

interface MhaCase {
  name: string; args: number[]; kw: Record<string, unknown>; seed: number; dtype: string; self_attn: boolean;
  mode: string; repr: string; state0: Record<string, EncodedTensor>; q: EncodedTensor; k: EncodedTensor;
  v: EncodedTensor; kpm: EncodedTensor | null; am: EncodedTensor | null; g: EncodedTensor;
  gw: EncodedTensor | null; out: EncodedTensor; w: EncodedTensor | null; q_grad: EncodedTensor;
  k_grad: EncodedTensor | null; v_grad: EncodedTensor | null; param_grads: Record<string, EncodedTensor>;
  fkw?: Record<string, unknown>;
}

interface EncCase {
  name: string; args: number[]; kw: Record<string, unknown>; seed: number; dtype: string; mode: string;
  stack: { num_layers: number; norm?: boolean; nested?: boolean } | null; repr: string;
  state0: Record<string, EncodedTensor>;
  x: EncodedTensor; mask: EncodedTensor | null; kpm: EncodedTensor | null; g: EncodedTensor | null;
  out: EncodedTensor; x_grad: EncodedTensor | null; param_grads: Record<string, EncodedTensor> | null;
}

interface DecCase {
  name: string; kind: 'decoder_layer' | 'decoder' | 'transformer'; args: number[];
  kw: Record<string, unknown>;
  layers: number | null; norm: boolean; seed: number; dtype: string; mode: string; repr: string;
  state0: Record<string, EncodedTensor>; a: EncodedTensor; b: EncodedTensor;
  masks: Record<string, EncodedTensor | null>; g: EncodedTensor; out: EncodedTensor; a_grad: EncodedTensor;
  b_grad: EncodedTensor; param_grads: Record<string, EncodedTensor>;
}

const fx = loadFixture<{ sdpa: SdpaCase[]; mha: MhaCase[]; encoder: EncCase[]; decoder: DecCase[] }>(
  'attention');

for (const c of fx.sdpa) {
  test(`scaled_dot_product_attention: ${c.name}`, () => {
    const [q, k, v] = [leaf(c.q), leaf(c.k), leaf(c.v)];
    const mask = c.mask === null ? null : c.mask_grad !== null ? leaf(c.mask) : make(c.mask);
    torch.manual_seed(c.seed + 1);
    const out = F.scaled_dot_product_attention(q, k, v, { attn_mask: mask, ...c.kw });
    assertClose(out, c.out, 'approx', 'output');
    out.mul(make(c.g)).sum().backward();
    assertClose(q.grad, c.q_grad, 'approx', 'query grad');
    assertClose(k.grad, c.k_grad, 'approx', 'key grad');
    assertClose(v.grad, c.v_grad, 'approx', 'value grad');
    if (c.mask_grad !== null) assertClose(mask!.grad, c.mask_grad, 'approx', 'mask grad');
  });
}

test('scaled_dot_product_attention: positional arguments and errors', () => {
  torch.manual_seed(0);
  const [q, k, v] = [torch.randn(2, 3, 4), torch.randn(2, 5, 4), torch.randn(2, 5, 4)];
  const mask = torch.ones(3, 5, { dtype: 'bool' });
  const a = F.scaled_dot_product_attention(q, k, v, mask, 0, false, 0.5);
  const b = F.scaled_dot_product_attention(q, k, v, { attn_mask: mask, scale: 0.5 });
  assert.ok(a.equal(b));
  assert.throws(() => F.scaled_dot_product_attention(q, k, v, mask, 0, true),
    /_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True/);
  assert.throws(() => F.scaled_dot_product_attention(q, k.double(), v),
    /Expected query, key, and value to have the same dtype, but got query.dtype: float key.dtype: double/);
  assert.throws(() => F.scaled_dot_product_attention(torch.randn(4), k, v),
    /Expected query, key, and value to all be {2}at least 2 dimensional, but got query.dim: 1/);
  assert.throws(() => F.scaled_dot_product_attention(q, k, v, torch.ones(3, 5, { dtype: 'int64' })),
    /Expected attn_mask dtype to be bool or float or to match query dtype/);
  assert.throws(() => F.scaled_dot_product_attention(q, torch.randn(2, 5, 3), v));
});

function buildMha(c: MhaCase): torch.nn.MultiheadAttention {
  torch.manual_seed(c.seed);
  const m = new nn.MultiheadAttention(c.args[0], c.args[1], c.kw);
  return c.dtype === 'float64' ? m.double() : m;
}

for (const c of fx.mha) {
  test(`MultiheadAttention: ${c.name}`, () => {
    const m = buildMha(c);
    assert.equal(String(m), c.repr);
    const sd = m.state_dict();
    assert.deepEqual([...sd.keys()], Object.keys(c.state0), 'state_dict keys');
    for (const [key, t] of sd) assertClose(t, c.state0[key], 'approx', `initial ${key}`);
    if (c.mode === 'eval') m.eval();
    const q = leaf(c.q);
    const k = c.self_attn ? q : leaf(c.k);
    const v = c.self_attn ? q : leaf(c.v);
    const x = q.mul(1);
    const [kk, vv] = c.self_attn ? [x, x] : [k.mul(1), v.mul(1)];
    const fkw = c.fkw ?? {};
    torch.manual_seed(c.seed + 1);
    const masks = { key_padding_mask: makeOpt(c.kpm), attn_mask: makeOpt(c.am) };
    const [out, w] = m.forward(x, kk, vv, { ...masks, ...fkw });
    assertClose(out, c.out, 'approx', 'output');
    let loss = out.mul(make(c.g)).sum();
    if (c.w === null) assert.equal(w, null);
    else {
      assertClose(w, c.w, 'approx', 'weights');
      loss = loss.add(w!.mul(make(c.gw!)).sum());
    }
    loss.backward();
    assertClose(q.grad, c.q_grad, 'approx', 'query grad');
    if (!c.self_attn) {
      assertClose(k.grad, c.k_grad!, 'approx', 'key grad');
      assertClose(v.grad, c.v_grad!, 'approx', 'value grad');
    }
    for (const [key, p] of m.named_parameters()) {
      assertClose(p.grad, c.param_grads[key], 'approx', `grad ${key}`);
    }
  });
}

test('MultiheadAttention: is_causal hint with its mask, need_weights=False', () => {
  torch.manual_seed(0);
  const m = new nn.MultiheadAttention(8, 2);
  const x = torch.randn(5, 2, 8);
  const mask = torch.triu(torch.full([5, 5], -Infinity), 1);
  const [withHint] = m.forward(x, x, x, { attn_mask: mask, is_causal: true, need_weights: false });
  const [plain] = m.forward(x, x, x, { attn_mask: mask });
  assert.ok(withHint.allclose(plain, { rtol: 1e-5, atol: 1e-6 }));
  assert.throws(() => m.forward(x, x, x, { is_causal: true }),
    /Need attn_mask if specifying the is_causal hint/);
});

test('MultiheadAttention and F.multi_head_attention_forward: PyTorch errors', () => {
  torch.manual_seed(0);
  assert.throws(() => new nn.MultiheadAttention(8, 3), { name: 'AssertionError',
    message: 'embed_dim must be divisible by num_heads' });
  assert.throws(() => new nn.MultiheadAttention(0, 2),
    /embed_dim and num_heads must be greater than 0, got embed_dim=0 and num_heads=2 instead/);
  const m = new nn.MultiheadAttention(8, 2);
  const x = torch.randn(5, 2, 8);
  assert.throws(() => m.forward(torch.randn(5, 8), x, x),
    /For unbatched \(2-D\) `query`, expected `key` and `value` to be 2-D but found 3-D and 3-D tensors/);
  assert.throws(() => m.forward(torch.randn(1, 5, 2, 8), x, x),
    /query should be unbatched 2D or batched 3D tensor but received 4-D query tensor/);
  assert.throws(() => m.forward(x, x, x, { attn_mask: torch.zeros(4, 5) }),
    /The shape of the 2D attn_mask is torch.Size\(\[4, 5\]\), but should be \(5, 5\)\./);
  assert.throws(() => m.forward(x, x, x, { attn_mask: torch.zeros(3, 5, 5) }),
    /The shape of the 3D attn_mask is torch.Size\(\[3, 5, 5\]\), but should be \(4, 5, 5\)\./);
  assert.throws(() => m.forward(x, x, x, { key_padding_mask: torch.zeros(2, 5, { dtype: 'int64' }) }),
    /only bool and floating types of key_padding_mask are supported/);
  assert.throws(() => m.forward(x, x, x, { key_padding_mask: torch.zeros(2, 4, { dtype: 'bool' }) }),
    /expecting key_padding_mask shape of \(2, 5\), but got torch.Size\(\[2, 4\]\)/);
  assert.throws(() => m.forward(x, torch.randn(5, 2, 6), torch.randn(5, 2, 6)));
  assert.throws(() => m.forward(x, torch.randn(6, 2, 8), x),
    /key shape torch.Size\(\[6, 2, 8\]\) does not match value shape torch.Size\(\[5, 2, 8\]\)/);
  assert.throws(() => F.multi_head_attention_forward(x, x, x, 6, 2, m.in_proj_weight, m.in_proj_bias, null,
    null, false, 0, m.out_proj.weight, m.out_proj.bias), /was expecting embedding dimension of 6, but got 8/);
});

test('F.multi_head_attention_forward matches the module (positional and options forms)', () => {
  torch.manual_seed(1);
  const m = new nn.MultiheadAttention(8, 2, { kdim: 3, vdim: 5 });
  const [q, k, v] = [torch.randn(4, 2, 8), torch.randn(6, 2, 3), torch.randn(6, 2, 5)];
  const [out, w] = m.forward(q, k, v, null, true, null, false);
  const [fo, fw] = F.multi_head_attention_forward(q, k, v, 8, 2, null, m.in_proj_bias, null, null, false, 0,
    m.out_proj.weight, m.out_proj.bias, {
      use_separate_proj_weight: true, q_proj_weight: m.q_proj_weight, k_proj_weight: m.k_proj_weight,
      v_proj_weight: m.v_proj_weight, average_attn_weights: false,
    });
  assert.ok(out.equal(fo));
  assert.ok(w!.equal(fw!));
  assert.deepEqual([...w!.shape], [2, 2, 4, 6]);
});

test('gradcheck F.multi_head_attention_forward and F.scaled_dot_product_attention (float64)', () => {
  torch.manual_seed(0);
  const d = (...s: number[]) => torch.randn(s, { dtype: 'float64' }).requires_grad_();
  const mask = torch.tensor([[false, true, false], [false, false, true]]);
  const fn = (q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, wi: torch.Tensor, bi: torch.Tensor,
    wo: torch.Tensor) => F.multi_head_attention_forward(q, k, v, 4, 2, wi, bi, null, null, false, 0, wo, null,
    { key_padding_mask: mask })[0];
  assert.ok(torch.autograd.gradcheck(fn, [d(2, 2, 4), d(3, 2, 4), d(3, 2, 4), d(12, 4), d(12), d(4, 4)]));
  const sdpa = (q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, m: torch.Tensor) =>
    F.scaled_dot_product_attention(q, k, v, { attn_mask: m, scale: 0.7 });
  assert.ok(torch.autograd.gradcheck(sdpa, [d(2, 3, 4), d(2, 5, 4), d(2, 5, 3), d(3, 5)]));
});

test('gradcheck TransformerEncoderLayer input and weights (float64)', () => {
  torch.manual_seed(0);
  const layer = new nn.TransformerEncoderLayer(4, 2, { dim_feedforward: 6, dropout: 0, dtype: 'float64' });
  const x = torch.randn([3, 2, 4], { dtype: 'float64' }).requires_grad_();
  const w = layer.self_attn.in_proj_weight!;
  const fn = (input: torch.Tensor, _w: torch.Tensor) => layer.forward(input, { src_key_padding_mask:
    torch.tensor([[false, false, true], [false, false, false]]) });
  assert.ok(torch.autograd.gradcheck(fn, [x, w]));
});

function buildEncoder(c: EncCase): torch.nn.Module {
  torch.manual_seed(c.seed);
  const layer = new nn.TransformerEncoderLayer(c.args[0], c.args[1], c.kw);
  let m: torch.nn.Module = layer;
  if (c.stack !== null) {
    const norm = c.stack.norm ? new nn.LayerNorm(c.args[0]) : null;
    const nested = c.stack.nested ?? false;
    m = new nn.TransformerEncoder(layer, c.stack.num_layers, { norm, enable_nested_tensor: nested });
  }
  return c.dtype === 'float64' ? m.double() : m;
}

for (const c of fx.encoder) {
  test(`Transformer encoder: ${c.name}`, () => {
    const m = buildEncoder(c);
    assert.equal(String(m), c.repr);
    const sd = m.state_dict();
    assert.deepEqual([...sd.keys()], Object.keys(c.state0), 'state_dict keys');
    for (const [key, t] of sd) assertClose(t, c.state0[key], 'approx', `initial ${key}`);
    if (c.mode === 'eval') m.eval();
    const x = leaf(c.x);
    // The layer's forward(src, src_mask, src_key_padding_mask) and the stack's forward(src, mask, ...).
    const fwd = (input: torch.Tensor) => m.forward(input, makeOpt(c.mask), makeOpt(c.kpm)) as torch.Tensor;
    torch.manual_seed(c.seed + 1);
    if (c.g === null) {
      assertClose(torch.no_grad(() => fwd(x)), c.out, 'approx', 'output');
      return;
    }
    const out = fwd(x.mul(1));
    assertClose(out, c.out, 'approx', 'output');
    out.mul(make(c.g)).sum().backward();
    assertClose(x.grad, c.x_grad!, 'approx', 'input grad');
    for (const [key, p] of m.named_parameters()) {
      assertClose(p.grad, c.param_grads![key], 'approx', `grad ${key}`);
    }
  });
}

test('TransformerEncoder: deep-copied layers start identical and stay independent', () => {
  torch.manual_seed(0);
  const layer = new nn.TransformerEncoderLayer(8, 2, 16, 0.0, 'gelu');
  const enc = new nn.TransformerEncoder(layer, 2, null, false);
  const [a, b] = [enc.layers.at(0) as torch.nn.TransformerEncoderLayer,
    enc.layers.at(1) as torch.nn.TransformerEncoderLayer];
  assert.ok(a instanceof nn.TransformerEncoderLayer);
  assert.notEqual(a.linear1.weight, b.linear1.weight);
  assert.ok(a.linear1.weight.equal(layer.linear1.weight));
  assert.ok(b.self_attn.in_proj_weight!.equal(layer.self_attn.in_proj_weight!));
  assert.equal(a.activation, F.gelu);
  assert.equal(a.activation_relu_or_gelu, 2);
  torch.no_grad(() => a.linear1.weight.add_(1));
  assert.ok(!a.linear1.weight.equal(b.linear1.weight));
  assert.ok(b.linear1.weight.equal(layer.linear1.weight));
  assert.throws(() => new nn.TransformerEncoderLayer(8, 2, { activation: 'tanh' as 'relu' }),
    /activation should be relu\/gelu, not tanh/);
});

test('TransformerEncoderLayer: module activation, is_causal, bias=False', () => {
  torch.manual_seed(0);
  const layer = new nn.TransformerEncoderLayer(8, 2,
    { dim_feedforward: 16, dropout: 0, activation: new nn.ReLU() });
  assert.deepEqual([...layer._modules.keys()].at(-1), 'activation');
  assert.equal(layer.activation_relu_or_gelu, 1);
  const x = torch.randn(5, 2, 8);
  const mask = torch.triu(torch.full([5, 5], -Infinity), 1);
  const a = layer.forward(x, mask);
  const b = layer.forward(x, { src_mask: mask, is_causal: true });
  assert.ok(b.allclose(a, { rtol: 1e-5, atol: 1e-6 }));
  const nb = new nn.TransformerEncoderLayer(8, 2, { dim_feedforward: 16, bias: false });
  assert.deepEqual([...nb.state_dict().keys()], [
    'self_attn.in_proj_weight', 'self_attn.out_proj.weight', 'linear1.weight', 'linear2.weight',
    'norm1.weight', 'norm2.weight']);
  assert.deepEqual([...nb.forward(x).shape], [5, 2, 8]);
});

function buildDecoder(c: DecCase): torch.nn.Module {
  torch.manual_seed(c.seed);
  let m: torch.nn.Module;
  if (c.kind === 'transformer') {
    m = new nn.Transformer(...c.args, c.kw);
  } else {
    m = new nn.TransformerDecoderLayer(c.args[0], c.args[1], c.kw);
    const norm = c.norm ? new nn.LayerNorm(c.args[0]) : null;
    if (c.kind === 'decoder') m = new nn.TransformerDecoder(m, c.layers!, norm);
  }
  return c.dtype === 'float64' ? m.double() : m;
}

for (const c of fx.decoder) {
  test(`Transformer decoder: ${c.name}`, () => {
    const m = buildDecoder(c);
    assert.equal(String(m), c.repr);
    const sd = m.state_dict();
    assert.deepEqual([...sd.keys()], Object.keys(c.state0), 'state_dict keys');
    for (const [key, t] of sd) assertClose(t, c.state0[key], 'approx', `initial ${key}`);
    if (c.mode === 'eval') m.eval();
    const [a, b] = [leaf(c.a), leaf(c.b)];
    const masks: Record<string, torch.Tensor> = {};
    for (const [k, v] of Object.entries(c.masks)) if (v !== null) masks[k] = make(v);
    torch.manual_seed(c.seed + 1);
    const out = (c.kind === 'transformer'
      ? m.forward(a.mul(1), b.mul(1), masks)
      : m.forward(b.mul(1), a.mul(1), masks)) as torch.Tensor;
    assertClose(out, c.out, 'approx', 'output');
    out.mul(make(c.g)).sum().backward();
    assertClose(a.grad, c.a_grad, 'approx', c.kind === 'transformer' ? 'src grad' : 'memory grad');
    assertClose(b.grad, c.b_grad, 'approx', 'tgt grad');
    for (const [key, p] of m.named_parameters()) {
      assertClose(p.grad, c.param_grads[key], 'approx', `grad ${key}`);
    }
  });
}

test('Transformer: errors and generate_square_subsequent_mask', () => {
  torch.manual_seed(0);
  const m = new nn.Transformer({ d_model: 8, nhead: 2, num_encoder_layers: 1, num_decoder_layers: 1,
    dim_feedforward: 8 });
  assert.throws(() => m.forward(torch.randn(5, 2, 8), torch.randn(4, 3, 8)),
    /the batch number of src and tgt must be equal/);
  assert.throws(() => m.forward(torch.randn(5, 2, 6), torch.randn(4, 2, 6)),
    /the feature number of src and tgt must be equal to d_model/);
  const mask = nn.Transformer.generate_square_subsequent_mask(3);
  assert.deepEqual(mask.tolist(), [[0, -Infinity, -Infinity], [0, 0, -Infinity], [0, 0, 0]]);
});

test('TransformerEncoder: 2.x warns when the nested-tensor fast path is off', () => {
  const seen: string[] = [];
  const orig = process.emitWarning;
  process.emitWarning = ((m: string) => { seen.push(String(m)); }) as typeof process.emitWarning;
  try {
    // warnings.warn shows a message once per process: a reason no other test here produces.
    const layer = new nn.TransformerEncoderLayer(6, 3, { dim_feedforward: 8, batch_first: true });
    const enc = new nn.TransformerEncoder(layer, 1);
    assert.equal(enc.use_nested_tensor, false);
    assert.equal(enc.enable_nested_tensor, true);
  } finally {
    process.emitWarning = orig;
  }
  assert.deepEqual(seen, [
    'enable_nested_tensor is True, but self.use_nested_tensor is False because num_head is odd']);
});
