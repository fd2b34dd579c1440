// The reference models in examples/models/ against tools/oracle/models.py: under the same seed,
// PyTorch's state_dict keys, shapes and initial values, the same output, loss and parameter
// gradients after one backward (1e-4 relative in float32), and weight tying in the GPT.
// Large tensors are compared by fingerprint (float64 sums and 32 sampled values; see the oracle).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/index.js';
import {
  type EncodedTensor, type FixtureNumber, decodeData, decodeNumber, loadFixture,
} from '../helpers/fixtures.js';
import { assertClose, flatValues } from '../helpers/tolerance.js';
import { LeNet } from '../../examples/models/lenet.js';
import { resnet18 } from '../../examples/models/resnet.js';
import { GPT, type GPTConfig } from '../../examples/models/gpt.js';
import { UNet } from '../../examples/models/unet.js';

type Tensor = torch.Tensor;

interface Fingerprint {
  full?: EncodedTensor;
  dtype: string; shape: number[]; sum: FixtureNumber; abs_sum: FixtureNumber; sumsq: FixtureNumber;
  idx: number[]; values: FixtureNumber[];
}
type Fingerprints = Record<string, Fingerprint>;

interface Case {
  name: string; seed: number; dtype: 'float32' | 'float64';
  keys: [string, number[], string][]; repr: string; state0: Fingerprints; x: Fingerprint; out: Fingerprint;
  loss: FixtureNumber; grads: Fingerprints; param_names: string[]; state_after: Fingerprints;
  target?: EncodedTensor; targets?: EncodedTensor; out_eval?: Fingerprint;
  params_count?: number; untied_grads?: Fingerprints;
}

interface Fixture { cases: Case[]; gpt_config: GPTConfig }

const fixture = loadFixture<Fixture>('models');
const cases = new Map(fixture.cases.map((c) => [c.name, c]));

/** Relative tolerance of computed values; initial values (seeded draws) must be exact. */
function rtolOf(dtype: string): number {
  return dtype === 'float64' ? 1e-9 : 1e-4;
}

/** flatValues without the copy into a JS array, which matters for ResNet's 11M parameters. */
function fastValues(t: Tensor): ArrayLike<number> {
  const arr = torch.no_grad(() => t.detach().contiguous().toTypedArray());
  return arr instanceof BigInt64Array ? flatValues(t) : (arr as ArrayLike<number>);
}

/**
 * Asserts `actual` matches a fingerprint to `rtol`: each value within rtol * (|e| + rms(e)), the
 * sum within rtol * sum|e|, sum|x| and sum x^2 within rtol relative. rtol 0 demands exact values.
 */
function assertFingerprint(actual: Tensor | null, fp: Fingerprint, rtol: number, what: string): void {
  assert.ok(actual, `${what}: expected a tensor`);
  if (fp.full) {
    const want = decodeData(fp.full);
    const rms = Math.sqrt(want.reduce((s, v) => s + v * v, 0) / Math.max(want.length, 1));
    assertClose(actual, fp.full, { rtol, atol: rtol * rms }, what);
    return;
  }
  assert.deepEqual([...actual.shape], fp.shape, `${what}: shape`);
  assert.equal(actual.dtype.name, fp.dtype, `${what}: dtype`);
  const got = fastValues(actual);
  let sum = 0;
  let absSum = 0;
  let sumsq = 0;
  for (let i = 0; i < got.length; i++) {
    const v = got[i];
    sum += v;
    absSum += Math.abs(v);
    sumsq += v * v;
  }
  const eSumsq = decodeNumber(fp.sumsq);
  const rms = Math.sqrt(eSumsq / got.length);
  fp.idx.forEach((i, k) => {
    const e = decodeNumber(fp.values[k]);
    const ok = rtol === 0 ? got[i] === e : Math.abs(got[i] - e) <= rtol * (Math.abs(e) + rms);
    assert.ok(ok, `${what}: flat element ${i} is ${got[i]}, expected ${e}`);
  });
  const eAbs = decodeNumber(fp.abs_sum);
  const slack = Math.max(rtol, 1e-12);
  assert.ok(Math.abs(sum - decodeNumber(fp.sum)) <= slack * eAbs, `${what}: sum ${sum} vs ${fp.sum}`);
  assert.ok(Math.abs(absSum - eAbs) <= slack * eAbs, `${what}: abs sum ${absSum} vs ${fp.abs_sum}`);
  assert.ok(Math.abs(sumsq - eSumsq) <= 2 * slack * eSumsq,
    `${what}: sum of squares ${sumsq} vs ${fp.sumsq}`);
}

function tensorOf(e: EncodedTensor): Tensor {
  return torch.tensor(decodeData(e), { dtype: e.dtype }).reshape(e.shape);
}

/** Seeds, builds, checks state_dict keys/shapes/dtypes and the exact initial values. */
function begin<M extends torch.nn.Module>(c: Case, ctor: () => M): M {
  torch.manual_seed(c.seed);
  const model = ctor();
  assert.equal(String(model), c.repr, 'repr');
  const sd = model.state_dict();
  assert.deepEqual([...sd.keys()], c.keys.map(([k]) => k), 'state_dict keys');
  for (const [k, shape, dtype] of c.keys) {
    const v = sd.get(k) as Tensor;
    assert.deepEqual([...v.shape], shape, `${k}: shape`);
    assert.equal(v.dtype.name, dtype, `${k}: dtype`);
  }
  if (c.dtype === 'float64') model.double();
  for (const [k, v] of model.state_dict()) assertFingerprint(v as Tensor, c.state0[k], 0, `initial ${k}`);
  return model;
}

/**
 * After one backward: loss, gradients of every parameter (each once), the updated state.
 * `vanishing` names biases whose gradient is zero in exact arithmetic (a conv bias followed by
 * train-mode BatchNorm, which subtracts it again): both libraries return rounding noise there,
 * so those must only be negligible next to the gradient of the weight named with them.
 */
function finish(c: Case, model: torch.nn.Module, loss: Tensor, vanishing = new Map<string, string>()): void {
  const rtol = rtolOf(c.dtype);
  const eLoss = decodeNumber(c.loss);
  assert.ok(Math.abs(loss.item() - eLoss) <= rtol * Math.abs(eLoss), `loss ${loss.item()} vs ${eLoss}`);
  loss.backward();
  const named = [...model.named_parameters()];
  assert.deepEqual(named.map(([k]) => k), c.param_names, 'named_parameters');
  const params = new Map(named);
  for (const [k, p] of named) {
    const weight = vanishing.get(k);
    if (weight === undefined) {
      assertFingerprint(p.grad, c.grads[k], rtol, `grad ${k}`);
      continue;
    }
    const w = flatValues(params.get(weight)!.grad!);
    const bound = rtol * Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
    for (const v of flatValues(p.grad!)) assert.ok(Math.abs(v) <= bound, `grad ${k}: ${v} is not ~0`);
  }
  for (const [k, v] of model.state_dict()) {
    assertFingerprint(v as Tensor, c.state_after[k], rtol, `after ${k}`);
  }
}

function randnInput(c: Case, shape: number[]): Tensor {
  const x = torch.randn(shape);
  const input = c.dtype === 'float64' ? x.double() : x;
  assertFingerprint(input, c.x, 0, 'seeded input');
  return input;
}

function classifierCase(name: string, ctor: () => torch.nn.Module, shape: number[],
  numClasses: number): void {
  const c = cases.get(name);
  assert.ok(c, `fixture case ${name}`);
  const model = begin(c, ctor);
  const x = randnInput(c, shape);
  const target = torch.randint(0, numClasses, [shape[0]]);
  assertClose(target, c.target!, 'pointwise', 'seeded target');
  const out = model.forward(x) as Tensor;
  assertFingerprint(out, c.out, rtolOf(c.dtype), 'output');
  finish(c, model, torch.nn.functional.cross_entropy(out, target));
  // Eval mode afterwards uses BatchNorm's updated running statistics.
  model.eval();
  const outEval = torch.no_grad(() => model.forward(x) as Tensor);
  assertFingerprint(outEval, c.out_eval!, rtolOf(c.dtype), 'eval output');
}

for (const dtype of ['float32', 'float64']) {
  test(`LeNet (the tutorial's) matches PyTorch, ${dtype}`, () => {
    classifierCase(`lenet/${dtype}`, () => new LeNet(), [2, 3, 32, 32], 10);
  });
}

test('ResNet-18 matches torchvision\'s under the same seed, float32', () => {
  classifierCase('resnet18/float32', () => resnet18({ num_classes: 10 }), [2, 3, 64, 64], 10);
});

test('ResNet-18 with zero_init_residual matches torchvision\'s', () => {
  classifierCase('resnet18/zero_init_residual',
    () => resnet18({ num_classes: 10, zero_init_residual: true }), [2, 3, 64, 64], 10);
});

/** Weight tying: one Parameter under two names; parameters() yields it once. */
function checkTying(model: GPT, c: Case): void {
  const wte = model.transformer.wte.weight;
  assert.equal(model.lm_head.weight, wte);
  const sd = model.state_dict();
  // As in PyTorch, state_dict() holds a detached tensor per name; the two share one storage.
  const [a, b] = [sd.get('transformer.wte.weight') as Tensor, sd.get('lm_head.weight') as Tensor];
  assert.equal(a._storage, b._storage);
  assert.equal(a._storage, wte._storage);
  const params = [...model.parameters()];
  assert.equal(params.length, c.params_count);
  assert.equal(params.filter((p) => p === wte).length, 1);
}

/**
 * The tied gradient is the sum of both uses: untie (a copy for the head), compare each use's
 * gradient with PyTorch's and their sum with the tied gradient.
 */
function checkTiedGradIsSum(model: GPT, c: Case, idx: Tensor, targets: Tensor): void {
  const wte = model.transformer.wte.weight;
  const tied = flatValues(wte.grad!);
  model.zero_grad();
  model.lm_head.weight = new torch.nn.Parameter(wte.detach().clone());
  model.forward(idx, targets)[1]!.backward();
  const rtol = rtolOf(c.dtype);
  const u = c.untied_grads!;
  assertFingerprint(wte.grad, u['transformer.wte.weight'], rtol, 'grad of the embedding use');
  assertFingerprint(model.lm_head.weight.grad, u['lm_head.weight'], rtol, 'grad of the head use');
  const both = flatValues(wte.grad!.add(model.lm_head.weight.grad!));
  const scale = Math.sqrt(tied.reduce((s, v) => s + v * v, 0) / tied.length);
  both.forEach((v, i) => {
    const e = tied[i];
    assert.ok(Math.abs(v - e) <= rtol * (Math.abs(e) + scale), `tied grad [${i}]: ${e} vs sum ${v}`);
  });
}

function gptCase(dtype: string): void {
  const c = cases.get(`gpt/${dtype}`);
  assert.ok(c, `fixture case gpt/${dtype}`);
  const model = begin(c, () => new GPT(fixture.gpt_config));
  const vocab = fixture.gpt_config.vocab_size;
  const idx = torch.randint(0, vocab, [2, 8]);
  const targets = torch.randint(0, vocab, [2, 8]);
  assertFingerprint(idx, c.x, 0, 'seeded idx');
  assertClose(targets, c.targets!, 'pointwise', 'seeded targets');
  checkTying(model, c);

  const [logits, loss] = model.forward(idx, targets);
  assertFingerprint(logits, c.out, rtolOf(c.dtype), 'logits');
  assert.ok(loss);
  finish(c, model, loss);
  checkTiedGradIsSum(model, c, idx, targets);
}

for (const dtype of ['float32', 'float64']) {
  test(`GPT decoder (nanoGPT-style, tied head) matches PyTorch, ${dtype}`, () => gptCase(dtype));
}

for (const dtype of ['float32', 'float64']) {
  test(`UNet from the tutorial's doubleConv matches PyTorch, ${dtype}`, () => {
    const c = cases.get(`unet/${dtype}`);
    assert.ok(c, `fixture case unet/${dtype}`);
    const model = begin(c, () => new UNet(3, 2, [8, 16, 32]));
    const x = randnInput(c, [2, 3, 32, 32]);
    const out = model.forward(x);
    assertFingerprint(out, c.out, rtolOf(c.dtype), 'output');
    const g = torch.randn(out.shape, { dtype: out.dtype });
    const vanishing = new Map<string, string>();
    for (const k of c.param_names) {
      if (/doubleconv\.[03]\.bias$/.test(k)) vanishing.set(k, k.replace(/bias$/, 'weight'));
    }
    assert.equal(vanishing.size, 14);
    finish(c, model, out.mul(g).sum(), vanishing);
  });
}
