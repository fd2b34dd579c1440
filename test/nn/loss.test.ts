// The losses of torch.nn.functional and torch.nn against real PyTorch (test/fixtures/loss.json from
// tools/oracle/loss.py): outputs, grad_fn names, input and target gradients, errors, module reprs
// and buffers; plus float64 gradchecks through torch.autograd.gradcheck.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/index.js';
import * as F from '../../src/nn/functional.js';
import * as lossModules from '../../src/nn/modules/loss.js';
import { type EncodedTensor, decodeData, loadFixture } from '../helpers/fixtures.js';
import { assertClose } from '../helpers/tolerance.js';

type Tensor = torch.Tensor;
type Enc = EncodedTensor;

interface Case {
  name: string;
  fn: string;
  dtype: string;
  input: Enc;
  target: Enc;
  kwargs: Record<string, unknown>;
  out: Enc;
  grad_fn: string | null;
  g: Enc;
  grad_input: Enc | null;
  grad_target: Enc | null;
}

interface Edge { input: Enc; target: Enc; out: Enc }

interface ModuleCase {
  cls: string;
  kwargs: Record<string, unknown>;
  repr: string;
  buffers: string[];
  state_dict: string[];
  reduction: string;
  input: Enc;
  target: Enc;
  out: Enc;
}

interface Fixture {
  cases: Case[];
  bce_edge: Edge;
  logits_edge: Edge;
  errors: { name: string; type: string; message: string }[];
  modules: ModuleCase[];
}

const fx = loadFixture<Fixture>('loss');

function fromEnc(e: Enc, requires_grad = false): Tensor {
  const t = torch.tensor(decodeData(e), { dtype: e.dtype }).reshape(e.shape);
  return requires_grad ? t.requires_grad_(true) : t;
}

/** Fixture kwargs with {tensor: ...} entries turned into tensors. */
function decodeKwargs(kw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(kw)) {
    const enc = (v as { tensor?: Enc } | null)?.tensor;
    out[k] = enc ? fromEnc(enc) : v;
  }
  return out;
}

type LossFn = (x: Tensor, t: Tensor, o: Record<string, unknown>) => Tensor;
const FNS: Record<string, LossFn> = {
  l1_loss: (x, t, o) => F.l1_loss(x, t, o),
  smooth_l1_loss: (x, t, o) => F.smooth_l1_loss(x, t, o),
  huber_loss: (x, t, o) => F.huber_loss(x, t, o),
  binary_cross_entropy: (x, t, o) => F.binary_cross_entropy(x, t, o),
  binary_cross_entropy_with_logits: (x, t, o) => F.binary_cross_entropy_with_logits(x, t, o),
  kl_div: (x, t, o) => F.kl_div(x, t, o),
};

test('losses match PyTorch: outputs, grad_fn, input and target gradients', () => {
  for (const c of fx.cases) {
    const x = fromEnc(c.input, true);
    const t = fromEnc(c.target, true);
    const out = FNS[c.fn](x, t, decodeKwargs(c.kwargs));
    assertClose(out, c.out, 'approx', `${c.name} out`);
    assert.equal(out.grad_fn?.name() ?? null, c.grad_fn, `${c.name} grad_fn`);
    out.backward(fromEnc(c.g));
    if (c.grad_input) assertClose(x.grad, c.grad_input, 'approx', `${c.name} grad input`);
    if (c.grad_target) assertClose(t.grad, c.grad_target, 'approx', `${c.name} grad target`);
  }
});

test('binary_cross_entropy clamps log at -100; with_logits is stable for large logits', () => {
  const e = fx.bce_edge;
  assertClose(F.binary_cross_entropy(fromEnc(e.input), fromEnc(e.target), { reduction: 'none' }), e.out,
    'approx', 'bce edge');
  const l = fx.logits_edge;
  assertClose(F.binary_cross_entropy_with_logits(fromEnc(l.input), fromEnc(l.target), { reduction: 'none' }),
    l.out, 'approx', 'logits edge');
});

test('loss errors have PyTorch types and messages', () => {
  const calls: Record<string, () => unknown> = {
    bce_size: () => F.binary_cross_entropy(torch.rand(3), torch.rand(3, 1)),
    bce_range: () => F.binary_cross_entropy(torch.tensor([1.5]), torch.tensor([1.0])),
    bce_logits_size: () => F.binary_cross_entropy_with_logits(torch.rand(3), torch.rand(2)),
    l1_reduction: () => F.l1_loss(torch.rand(3), torch.rand(3), { reduction: 'foo' as 'sum' }),
    smooth_l1_beta: () => F.smooth_l1_loss(torch.rand(3), torch.rand(3), { beta: -1 }),
    huber_delta: () => F.huber_loss(torch.rand(3), torch.rand(3), { delta: 0 }),
    kl_div_reduction: () => F.kl_div(torch.rand(3), torch.rand(3), { reduction: 'foo' as 'sum' }),
  };
  for (const e of fx.errors) {
    const want = e.type === 'RuntimeError' ? 'Error' : e.type;
    assert.throws(calls[e.name], (err: Error) => {
      assert.equal(err.message, e.message, e.name);
      assert.equal(err.name, want, `${e.name} type`);
      return true;
    });
  }
  // PyTorch 2.x also checks the target's range (1.13, the oracle here, does not).
  assert.throws(() => F.binary_cross_entropy(torch.tensor([0.5]), torch.tensor([2.0])),
    /all elements of target should be between 0 and 1/);
});

test('loss modules: reprs, weight buffers, forward as PyTorch', () => {
  const ctors = lossModules as unknown as Record<string, new (o: Record<string, unknown>) => torch.nn.Module>;
  for (const m of fx.modules) {
    const mod = ctors[m.cls] && new ctors[m.cls](decodeKwargs(m.kwargs));
    assert.ok(mod, m.cls);
    assert.equal(String(mod), m.repr);
    assert.deepEqual([...mod.named_buffers()].map(([k]) => k).sort(), m.buffers, `${m.cls} buffers`);
    assert.deepEqual([...mod.state_dict().keys()].sort(), m.state_dict, `${m.cls} state_dict`);
    assert.equal((mod as unknown as { reduction: string }).reduction, m.reduction);
    const out = (mod.forward as (a: Tensor, b: Tensor) => Tensor)(fromEnc(m.input), fromEnc(m.target));
    assertClose(out, m.out, 'approx', `${m.cls} forward`);
  }
  assert.ok(new torch.nn.CrossEntropyLoss() instanceof lossModules._WeightedLoss);
  assert.equal(new torch.nn.L1Loss('sum').reduction, 'sum');
  assert.equal(new torch.nn.SmoothL1Loss('none', 0.25).beta, 0.25);
});

test('gradcheck: the losses in float64, w.r.t. input and target', () => {
  torch.manual_seed(3);
  const gc = torch.autograd.gradcheck;
  const r = (...s: number[]): Tensor => torch.randn(s, { dtype: 'float64', requires_grad: true });
  const p = (...s: number[]): Tensor =>
    torch.rand(s, { dtype: 'float64' }).mul(0.8).add(0.1).requires_grad_(true);
  const w = torch.rand([4], { dtype: 'float64' }).add(0.5);
  for (const reduction of ['none', 'mean', 'sum'] as const) {
    assert.ok(gc((x, t) => F.l1_loss(x, t, { reduction }), [r(3, 4), r(3, 4)]));
    assert.ok(gc((x, t) => F.smooth_l1_loss(x, t, { reduction, beta: 0.7 }), [r(3, 4), r(3, 4)]));
    assert.ok(gc((x, t) => F.huber_loss(x, t, { reduction, delta: 0.6 }), [r(3, 4), r(3, 4)]));
    assert.ok(gc((x, t) => F.binary_cross_entropy(x, t, w, { reduction }), [p(3, 4), p(3, 4)]));
    const logitsOpts = { weight: w, pos_weight: w.add(1), reduction };
    assert.ok(gc((x, t) => F.binary_cross_entropy_with_logits(x, t, logitsOpts), [r(3, 4), p(3, 4)]));
    assert.ok(gc((x, t) => F.kl_div(x, t, { reduction: reduction === 'mean' ? 'batchmean' : reduction }),
      [r(3, 4), p(3, 4)]));
    assert.ok(gc((x, t) => F.kl_div(x, t, { reduction, log_target: true }), [r(3, 4), r(3, 4)]));
  }
});
