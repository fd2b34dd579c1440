// torch.optim against real PyTorch: test/fixtures/optim.json (tools/oracle/optim.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/index.js';
import { type EncodedTensor, decodeData, loadFixture, decodeTensor as fromEnc } from '../helpers/fixtures.js';
import { assertClose, type Tolerance } from '../helpers/tolerance.js';

type Options = Record<string, unknown>;
interface Case {
  optimizer: 'SGD' | 'Adam' | 'AdamW' | 'RMSprop' | 'Adagrad';
  options: Options;
  group2: Options | null;
  init: EncodedTensor[];
  grads: EncodedTensor[][];
  after: EncodedTensor[][];
  state: Record<string, Record<string, unknown>>;
  param_groups: Options[];
  repr: string;
}
interface ErrorCase {
  optimizer: Case['optimizer'];
  params: 'empty' | 'dup' | 'normal';
  options: Options;
  message: string | null;
}
interface Fixture {
  cases: Case[];
  errors: ErrorCase[];
  zero_grad: { set_to_none_false: EncodedTensor; set_to_none_true_is_none: boolean };
}

const fx = loadFixture<Fixture>('optim');

// The fixture comes from PyTorch 1.13; PyTorch 2.x added these keys to the groups (and repr).
const PATCH_2X: Partial<Record<Case['optimizer'], Options>> = {
  AdamW: { differentiable: false, fused: false },
  Adagrad: { differentiable: false },
};
for (const c of fx.cases) {
  const patch = PATCH_2X[c.optimizer];
  if (!patch) continue;
  c.param_groups = c.param_groups.map((g) => ({ ...g, ...patch }));
  c.repr = c.repr.replace(/\n {4}eps:/g, '\n    differentiable: False\n    eps:');
  if ('fused' in patch) {
    c.repr = c.repr.replace(/ {4}foreach: None\n/g, '    foreach: None\n    fused: False\n');
  }
}
const TOL: Tolerance = { rtol: 1e-5, atol: 1e-6 };

// The constructors take options objects of different types; the fixture's keys fit each one.
type AnyCtor = new (params: unknown, opts?: Options) => torch.optim.Optimizer;
function make(name: Case['optimizer'], params: unknown, opts: Options): torch.optim.Optimizer {
  const Ctor = torch.optim[name] as unknown as AnyCtor;
  return new Ctor(params, opts);
}

function build(c: Case): { opt: torch.optim.Optimizer; w: torch.Tensor; b: torch.Tensor } {
  const w = new torch.nn.Parameter(fromEnc(c.init[0]));
  const b = new torch.nn.Parameter(fromEnc(c.init[1]));
  const params = c.group2 === null ? [w, b] : [{ params: [w] }, { params: [b], ...c.group2 }];
  return { opt: make(c.optimizer, params, c.options), w, b };
}

function runSteps(c: Case, opt: torch.optim.Optimizer, w: torch.Tensor, b: torch.Tensor,
  from: number, to: number, label: string): void {
  for (let i = from; i < to; i++) {
    w.grad = fromEnc(c.grads[i][0]);
    b.grad = fromEnc(c.grads[i][1]);
    opt.step();
    assertClose(w, c.after[i][0], TOL, `${label} step ${i} weight`);
    assertClose(b, c.after[i][1], TOL, `${label} step ${i} bias`);
  }
}

function label(c: Case): string {
  return `${c.optimizer} ${JSON.stringify(c.options)}${c.group2 ? ` + ${JSON.stringify(c.group2)}` : ''}`;
}

function stateNumber(v: unknown): number {
  if (v instanceof torch.Tensor) return v.item();
  if (typeof v === 'object' && v !== null && 'tensor' in v) {
    return decodeData((v as { tensor: EncodedTensor }).tensor)[0];
  }
  return v as number;
}

for (const c of fx.cases) {
  test(`optim ${label(c)}: 5 steps match PyTorch`, () => {
    const { opt, w, b } = build(c);
    runSteps(c, opt, w, b, 0, c.grads.length, label(c));
    const sd = opt.state_dict();
    for (const [idx, entries] of Object.entries(c.state)) {
      const got = sd.state.get(Number(idx)) ?? {};
      for (const [k, v] of Object.entries(entries)) {
        if (v === null) {
          assert.ok(got[k] === undefined || got[k] === null, `state ${idx}.${k}`);
        } else if (k === 'step') {
          assert.equal(stateNumber(got[k]), stateNumber(v), `state ${idx}.step`);
        } else {
          const enc = (v as { tensor: EncodedTensor }).tensor;
          assertClose(got[k] as torch.Tensor, enc, TOL, `state ${idx}.${k}`);
        }
      }
    }
    assert.equal(sd.param_groups.length, c.param_groups.length);
    sd.param_groups.forEach((g, i) => {
      const want = c.param_groups[i];
      assert.deepEqual(Object.keys(g).sort(), Object.keys(want).sort(), 'param_group keys');
      for (const [k, v] of Object.entries(want)) assert.deepEqual(g[k], v, `param_groups[${i}].${k}`);
    });
    assert.equal(String(opt), c.repr);
  });

  test(`optim ${label(c)}: state_dict round trip continues identically`, () => {
    const first = build(c);
    runSteps(c, first.opt, first.w, first.b, 0, 2, 'first');
    const sd = first.opt.state_dict();
    const second = build(c);
    torch.no_grad(() => {
      second.w.copy_(first.w);
      second.b.copy_(first.b);
    });
    second.opt.load_state_dict(sd);
    runSteps(c, second.opt, second.w, second.b, 2, c.grads.length, 'loaded');
    // The loaded state is a copy: the original optimizer's state was not advanced.
    const s0 = first.opt.state.get(first.w);
    if (s0 && s0.step !== undefined) assert.equal(stateNumber(s0.step), 2);
  });
}

test('optim: constructor errors use PyTorch wording', () => {
  for (const e of fx.errors) {
    const p = new torch.nn.Parameter(torch.zeros(2));
    const params = e.params === 'empty' ? [] : e.params === 'dup' ? [{ params: [p] }, { params: [p] }] : [p];
    if (e.message === null) {
      make(e.optimizer, params, e.options);
      continue;
    }
    assert.throws(() => make(e.optimizer, params, e.options), (err: Error) => {
      assert.equal(err.message, e.message);
      return true;
    });
  }
});

test('optim: zero_grad sets to None by default, or zeros with set_to_none false', () => {
  const p = new torch.nn.Parameter(torch.ones(3));
  const opt = new torch.optim.SGD([p], { lr: 0.1 });
  p.grad = torch.tensor([1, 2, 3], { dtype: 'float32' });
  opt.zero_grad({ set_to_none: false });
  assertClose(p.grad, fx.zero_grad.set_to_none_false, 'pointwise', 'zeroed grad');
  opt.zero_grad(false);
  assert.ok(p.grad !== null);
  opt.zero_grad();
  assert.equal(p.grad, null);
  assert.equal(fx.zero_grad.set_to_none_true_is_none, true);
});

test('optim: add_param_group fills defaults and rejects repeated parameters', () => {
  const a = new torch.nn.Parameter(torch.ones(2));
  const b = new torch.nn.Parameter(torch.ones(2));
  const opt = new torch.optim.SGD([a], { lr: 0.1, momentum: 0.9 });
  opt.add_param_group({ params: [b], lr: 0.5 });
  assert.equal(opt.param_groups[1].lr, 0.5);
  assert.equal(opt.param_groups[1].momentum, 0.9);
  assert.throws(() => opt.add_param_group({ params: [a] }), /some parameters appear in more than one/);
  const adamw = new torch.optim.AdamW([a]);
  assert.equal(adamw.defaults.weight_decay, 1e-2);
});

test('optim: step calls the closure with grad enabled and returns its loss', () => {
  const p = new torch.nn.Parameter(torch.tensor([1, 2], { dtype: 'float32' }));
  const opt = new torch.optim.SGD([p], { lr: 0.5 });
  const loss = opt.step(() => {
    opt.zero_grad();
    const l = p.mul(p).sum();
    l.backward();
    return l;
  });
  assert.equal((loss as torch.Tensor).item(), 5);
  assert.deepEqual(p.tolist(), [0, 0]);
});

test('optim: PyTorch 1.13 messages for bad params and mismatched state dicts', () => {
  const p = new torch.nn.Parameter(torch.zeros(2));
  const q = new torch.nn.Parameter(torch.zeros(2));
  assert.throws(() => new torch.optim.SGD(p as unknown as torch.Tensor[], { lr: 0.1 }), {
    name: 'TypeError',
    message: 'params argument given to the optimizer should be an iterable of Tensors or dicts, '
      + 'but got torch.FloatTensor',
  });
  assert.throws(() => new torch.optim.SGD([p.mul(2)], { lr: 0.1 }), {
    message: "can't optimize a non-leaf Tensor",
  });
  const a = new torch.optim.SGD([p], { lr: 0.1 });
  const b = new torch.optim.SGD([{ params: [p] }, { params: [q] }], { lr: 0.1 });
  const c = new torch.optim.SGD([p, q], { lr: 0.1 });
  assert.throws(() => a.load_state_dict(b.state_dict()), {
    message: 'loaded state dict has a different number of parameter groups',
  });
  assert.throws(() => a.load_state_dict(c.state_dict()), {
    message: "loaded state dict contains a parameter group that doesn't match the size of optimizer's group",
  });
});

test('optim: zero_grad(set_to_none=false) detaches a grad that has a grad_fn', () => {
  const p = new torch.nn.Parameter(torch.ones(2));
  const opt = new torch.optim.Adam([p]);
  const x = torch.ones(2).requires_grad_();
  p.grad = x.mul(3);
  opt.zero_grad({ set_to_none: false });
  assert.equal(p.grad!.grad_fn, null);
  assert.deepEqual(p.grad!.tolist(), [0, 0]);
});
