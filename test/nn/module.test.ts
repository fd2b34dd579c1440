// nn.Module and the containers against real PyTorch (test/fixtures/module.json, written by
// tools/oracle/module.py, which defines the same Affine, Multi, Empty, Net and Two classes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import * as torch from '../../src/index.js';
import { type EncodedTensor, decodeData, loadFixture } from '../helpers/fixtures.js';

const nn = torch.nn;
type Tensor = torch.Tensor;

class Affine extends nn.Module {
  declare w: torch.nn.Parameter;
  declare b: torch.nn.Parameter;
  declare count: Tensor;
  declare scale: Tensor;
  declare tmp: Tensor;
  n: number;
  m: number;

  constructor(n: number, m: number, k = 0) {
    super();
    this.n = n;
    this.m = m;
    this.w = new nn.Parameter(torch.arange(n * m, { dtype: 'float32' }).reshape(n, m).sub(k).div(8));
    this.b = new nn.Parameter(torch.arange(m, { dtype: 'float32' }).div(4).sub(0.5));
    this.register_buffer('count', torch.zeros([], { dtype: 'int64' }));
    this.register_buffer('scale', torch.ones(m));
    this.register_buffer('tmp', torch.zeros(1), { persistent: false });
  }

  override forward(x: Tensor): Tensor {
    return x.matmul(this.w).add(this.b).mul(this.scale);
  }

  override extra_repr(): string {
    return `n=${this.n}, m=${this.m}`;
  }
}

class Multi extends nn.Module {
  override extra_repr(): string {
    return 'first line\nsecond line';
  }
}

class Empty extends nn.Module {}

class Net extends nn.Module {
  declare a: Affine;
  declare seq: torch.nn.Sequential;
  declare shared: Affine;
  declare head_w: torch.nn.Parameter;
  declare mlist: torch.nn.ModuleList;
  declare mdict: torch.nn.ModuleDict<{ z: Empty; aff: Affine }>;
  declare plist: torch.nn.ParameterList;
  declare pdict: torch.nn.ParameterDict;

  constructor() {
    super();
    this.a = new Affine(2, 3);
    this.seq = new nn.Sequential(new Affine(3, 3, 1), new nn.Sequential(new Affine(3, 2, 2), new Empty()));
    this.shared = this.a;
    (this.seq[0] as Affine).w = this.head_w = new nn.Parameter(torch.full([3, 3], 0.25));
    this.mlist = new nn.ModuleList([new Multi(), new Empty()]);
    this.mdict = new nn.ModuleDict({ z: new Empty(), aff: new Affine(1, 1) });
    this.plist = new nn.ParameterList([torch.ones(2), torch.zeros(1, 2)]);
    this.pdict = new nn.ParameterDict({ q: torch.ones(1), p: torch.zeros(2) });
    this.register_buffer('steps', torch.tensor([3], { dtype: 'float32' }));
    this.add_module('none', null);
    this.register_parameter('nothing', null);
  }
}

class Two extends nn.Module {
  declare w: torch.nn.Parameter;

  constructor() {
    super();
    this.w = new nn.Parameter(torch.tensor([1, 2], { dtype: 'float32' }));
  }

  override forward(x: Tensor, y: Tensor): [Tensor, Tensor] {
    return [x.mul(this.w).add(y.mul(3)), x.mul(2)];
  }
}

interface Fx {
  keys: Record<string, string[] | number | boolean>;
  repr: Record<string, string>;
  sequential: Record<string, string | string[] | number | boolean>;
  errors: Record<string, { type: string; message: string } | boolean | null>;
  load: Record<string, string | string[] | number | boolean>;
  modes: Record<string, (string | boolean)[] | boolean>;
  zero_grad: Record<string, (EncodedTensor | boolean)[]>;
  hooks: Record<string, unknown>;
}

const fx = loadFixture<Fx>('module');

function names<T>(it: Iterable<[string, T]>): string[] {
  return [...it].map(([n]) => n);
}

/** A tensor (or null) in the fixture's {dtype, shape, data} form, with numbers. */
function enc(t: Tensor | null | undefined): unknown {
  if (t === null || t === undefined) return null;
  const flat = t.contiguous().reshape(-1).tolist() as (number | boolean)[];
  return { dtype: t.dtype.name, shape: [...t.shape], data: flat.map(Number) };
}

/** Fixture values with every encoded tensor's data decoded to numbers. */
function dec(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(dec);
  if (x !== null && typeof x === 'object' && 'shape' in x && 'data' in x) {
    const e = x as EncodedTensor;
    return { dtype: e.dtype, shape: e.shape, data: decodeData(e) };
  }
  return x;
}

const PY_ERRORS: Record<string, string> = { RuntimeError: 'Error' };

function assertThrowsLike(fn: () => unknown, expected: unknown): void {
  const exp = expected as { type: string; message: string };
  assert.throws(fn, (e: Error) => {
    assert.equal(e.name, PY_ERRORS[exp.type] ?? exp.type);
    assert.equal(e.message, exp.message);
    return true;
  });
}

test('registration keys, traversal and state_dict names match PyTorch', () => {
  const net = new Net();
  const k = fx.keys;
  assert.deepEqual(names(net.named_parameters()), k.named_parameters);
  assert.deepEqual(names(net.named_parameters({ remove_duplicate: false })), k.named_parameters_all);
  assert.deepEqual(names(net.named_parameters('model')), k.named_parameters_prefix);
  assert.deepEqual(names(net.named_parameters({ recurse: false })), k.named_parameters_norecurse);
  assert.deepEqual(names(net.named_buffers()), k.named_buffers);
  assert.deepEqual(names(net.named_modules()), k.named_modules);
  assert.deepEqual(names(net.named_modules({ remove_duplicate: false })), k.named_modules_all);
  assert.deepEqual(names(net.named_children()), k.named_children);
  assert.deepEqual([...net.state_dict().keys()], k.state_dict);
  assert.deepEqual([...net.state_dict({ prefix: 'p.' }).keys()], k.state_dict_prefix);
  assert.equal([...net.parameters()].length, k.n_parameters);
  assert.equal(net.state_dict().get('a.w')!.requires_grad, k.state_dict_requires_grad);
  assert.equal(net.state_dict({ keep_vars: true }).get('a.w')!.requires_grad, k.keep_vars_requires_grad);
  assert.deepEqual([...net._parameters.keys()], k.module_parameters_keys);
  assert.deepEqual([...net._modules.keys()], k.module_modules_keys);
  assert.deepEqual([...net.seq._parameters.keys()], k.seq_parameters_keys);
  assert.deepEqual([...net.seq._modules.keys()], k.seq_modules_keys);
});

test('reprs match PyTorch', () => {
  const r = fx.repr;
  const seq3 = new nn.Sequential(new Empty(), new Multi(), new Affine(2, 2));
  assert.equal(String(new Net()), r.net);
  assert.equal(String(new nn.Module()), r.module);
  assert.equal(String(new Empty()), r.empty);
  assert.equal(String(new Multi()), r.multi);
  const dict = new Map<string, torch.nn.Module>([['first', new Affine(1, 2)], ['second', new Empty()]]);
  assert.equal(String(new nn.Sequential(dict)), r.sequential_dict);
  assert.equal(String(seq3.slice(1)), r.sequential_slice);
  assert.equal(String(new nn.Sequential()), r.sequential_empty);
  assert.equal(String(new nn.ModuleList([new Empty(), new Multi()])), r.modulelist);
  assert.equal(String(new nn.ModuleList()), r.modulelist_empty);
  assert.equal(String(new nn.ModuleDict([['b', new Empty()], ['a', new Affine(2, 1)]])), r.moduledict);
  assert.equal(String(new nn.ParameterList([torch.zeros(2, 3)])), r.plist_one);
  const two = new nn.ParameterList([torch.zeros(2, 3), torch.zeros(4, { dtype: 'float64' })]);
  assert.equal(String(two), r.plist_two);
  assert.equal(String(new nn.ParameterDict({ b: torch.zeros(2, 3), a: torch.zeros(3) })), r.pdict);
  assert.equal(String(new nn.Parameter(torch.tensor([[3]], { dtype: 'float32' }))), r.parameter);
  assert.equal(inspect(new Net()), r.net);
});

test('ModuleList folds repeated entries as PyTorch 2.x does', () => {
  // PyTorch 2.x's ModuleList.__repr__ (1.13, the oracle's version, predates it).
  const ml = new nn.ModuleList([new Empty(), new Empty(), new Empty(), new Multi(), new Empty()]);
  const expected = [
    'ModuleList(', '  (0-2): 3 x Empty()', '  (3): Multi(', '    first line', '    second line', '  )',
    '  (4): Empty()', ')',
  ].join('\n');
  assert.equal(String(ml), expected);
});

test('Sequential and ModuleList editing match PyTorch', () => {
  const s = fx.sequential;
  const a = new Empty();
  const seq = new nn.Sequential(a, new Multi(), new Affine(1, 1));
  seq.append(new Empty());
  assert.deepEqual([...seq._modules.keys()], s.append);
  delete seq[1];
  assert.deepEqual([...seq._modules.keys()], s.del_keys);
  assert.equal(String(seq), s.del_repr);
  seq.insert(1, new Multi());
  assert.equal(String(seq), s.insert_repr);
  assert.equal(seq.pop(0) === a, s.pop_is_a);
  assert.equal(String(seq), s.pop_repr);
  assert.equal(seq.length, s.len);
  const ml = new nn.ModuleList([new Empty(), new Affine(1, 1)]);
  ml.insert(1, new Multi());
  ml.extend([new Empty()]);
  delete ml[0];
  assert.equal(String(ml), s.modulelist_repr);
});

test('error kinds and messages match PyTorch', () => {
  const e = fx.errors;
  const net = new Net();
  const anyNet = net as unknown as Record<string, unknown>;
  const anyA = net.a as unknown as Record<string, unknown>;
  assertThrowsLike(() => { anyA.w = torch.zeros(2, 3); }, e.param_as_tensor);
  assertThrowsLike(() => { anyNet.a = 5; }, e.module_as_int);
  assertThrowsLike(() => net.a.register_buffer('w', torch.zeros(1)), e.buffer_exists);
  assertThrowsLike(() => net.register_parameter('x.y', null), e.param_dot);
  assertThrowsLike(() => net.register_parameter('', null), e.param_empty);
  const notParam = torch.zeros(1) as torch.nn.Parameter;
  assertThrowsLike(() => net.register_parameter('q', notParam), e.param_not_param);
  assertThrowsLike(() => net.register_buffer('q', 3 as unknown as Tensor), e.buffer_not_tensor);
  assertThrowsLike(() => net.add_module('q', 3 as unknown as torch.nn.Module), e.module_not_module);
  assertThrowsLike(() => net.add_module('q.r', new Empty()), e.module_dot);
  assertThrowsLike(() => net.get_submodule('seq.5'), e.submodule_missing);
  assertThrowsLike(() => net.get_submodule('a.w'), e.submodule_not_module);
  assertThrowsLike(() => net.get_parameter('a.nope'), e.parameter_missing);
  assertThrowsLike(() => net.get_parameter('a.count'), e.parameter_not_param);
  assertThrowsLike(() => net.get_buffer('a.w'), e.buffer_not_buffer);
  assertThrowsLike(() => new nn.ModuleList().forward(1), e.forward_missing);
  assertThrowsLike(() => new nn.ParameterList().forward(), e.plist_call);
  assertThrowsLike(() => new nn.Parameter(torch.tensor([1, 2])), e.int_parameter);
  assertThrowsLike(() => net.to(torch.int64), e.to_int);
  assertThrowsLike(() => net.train('yes' as unknown as boolean), e.train_not_bool);
  assertThrowsLike(() => net.seq[5], e.index_out_of_range);
  assert.equal(net.get_parameter('seq.0.w') === net.head_w, e.get_parameter_ok);
  assert.equal(net.get_buffer('seq.1.0.count').dtype === torch.int64, e.get_buffer_ok);
  assert.equal(net.get_submodule('seq.1.1') === (net.seq[1] as torch.nn.Sequential)[1], e.get_submodule_ok);
  // PyTorch 2.x wording (torch.nn.Buffer exists since 2.5); 1.13 lacks "torch.nn.Buffer, ".
  assert.throws(() => { anyA.scale = 5; }, {
    name: 'TypeError',
    message: "cannot assign 'int' as buffer 'scale' (torch.nn.Buffer, torch.Tensor or None expected)",
  });
});

test('load_state_dict copies, reports and throws as PyTorch', () => {
  const l = fx.load;
  const src = new Net();
  const dst = new Net();
  torch.no_grad(() => {
    for (const p of src.parameters()) p.add_(1);
  });
  const res = dst.load_state_dict(src.state_dict());
  assert.equal(String(res), l.roundtrip_repr);
  const same = [...src.parameters()].every((p, i) => p.equal([...dst.parameters()][i]));
  assert.equal(same, l.roundtrip_equal);
  let sd = src.state_dict();
  sd.delete('a.w');
  sd.set('b', torch.zeros(1));
  sd.set('a.zzz', torch.zeros(1));
  assert.throws(() => new Net().load_state_dict(sd), { message: l.missing_unexpected as string });
  const loose = new Net().load_state_dict(sd, { strict: false });
  assert.deepEqual(loose.missing_keys, l.nonstrict_missing);
  assert.deepEqual(loose.unexpected_keys, l.nonstrict_unexpected);
  assert.equal(String(loose), l.nonstrict_repr);
  const bad = Object.fromEntries(src.state_dict()) as Record<string, unknown>;
  bad['a.b'] = torch.zeros(5);
  bad['seq.0.b'] = 3;
  assert.throws(() => new Net().load_state_dict(bad), { message: l.size_mismatch as string });
  sd = src.state_dict();
  sd.set('a.count', torch.tensor([7]));
  sd.set('shared.count', torch.tensor([7]));
  const d2 = new Net();
  d2.load_state_dict(sd);
  assert.equal(d2.a.count.item(), l.scalar_from_vector);
});

test('apply order, train/eval, dtype casts and requires_grad_ match PyTorch', () => {
  const m = fx.modes;
  const net = new Net();
  const all = [...net.named_modules({ remove_duplicate: false })];
  const firstName = new Map(all.reverse().map(([n, mod]) => [mod, n]));
  const order: string[] = [];
  net.apply((mod) => order.push(firstName.get(mod)!));
  assert.deepEqual(order, m.apply_order);
  net.eval();
  assert.deepEqual([...net.modules()].map((x) => x.training), m.eval_training);
  net.seq.train();
  assert.deepEqual([...net.modules()].map((x) => x.training), m.partial_training);
  const w = net.a.w;
  net.double();
  assert.deepEqual([...net.state_dict().values()].map((t) => String(t.dtype)), m.double_dtypes);
  assert.equal(net.a.w === w, m.double_identity);
  net.float();
  assert.deepEqual([...net.state_dict().values()].map((t) => String(t.dtype)), m.float_dtypes);
  net.requires_grad_(false);
  assert.deepEqual([...net.parameters()].map((p) => p.requires_grad), m.frozen);
  net.to(torch.float64).to('cpu');
  assert.equal(net.a.w.dtype, torch.float64);
  assert.equal(net.to({ dtype: 'float32' }).a.b.dtype, torch.float32);
});

test('zero_grad sets grads to null or zeros as PyTorch', () => {
  const z = fx.zero_grad;
  const net = new nn.Sequential(new Affine(2, 3), new Affine(3, 1));
  const x = torch.tensor([[1, 2], [0.5, -1]]);
  const grads = () => [...net.parameters()].map((p) => enc(p.grad));
  net.forward(x).sum().backward();
  assert.deepEqual(grads(), dec(z.grads));
  net.zero_grad({ set_to_none: false });
  assert.deepEqual(grads(), dec(z.zeroed));
  net.forward(x).sum().backward();
  assert.deepEqual(grads(), dec(z.after_second));
  net.forward(x).sum().backward();
  assert.deepEqual(grads(), dec(z.accumulated));
  net.zero_grad();
  assert.deepEqual([...net.parameters()].map((p) => p.grad === null), z.none);
});

test('forward pre-hooks, forward hooks and full backward hooks fire as in PyTorch', () => {
  const h = fx.hooks;
  const log: unknown[] = [];
  const net = new nn.Sequential(new Affine(2, 3), new Affine(3, 2, 3));
  const [m0, m1] = [net[0], net[1]];
  m0.register_forward_pre_hook((_m, args) => [(args[0] as Tensor).mul(2)]);
  m1.register_forward_hook((_m, _args, o) => (o as Tensor).add(1));
  const handle = m0.register_forward_hook((_m, args, o) => {
    log.push(['fwd0', enc(args[0] as Tensor), enc(o as Tensor)]);
  });
  net.register_forward_pre_hook(() => {
    log.push(['pre_net']);
  });
  const bw = (name: string) => (_m: torch.nn.Module, gi: (Tensor | null)[], go: (Tensor | null)[]) => {
    log.push([name, gi.map(enc), go.map(enc)]);
  };
  m0.register_full_backward_hook(bw('bw0'));
  m1.register_full_backward_hook(bw('bw1'));
  net.register_full_backward_hook(bw('bw_net'));
  const x = torch.tensor([[1, 2], [3, -1]], { dtype: 'float32', requires_grad: true });
  const y = net.forward(x);
  y.mul(y).sum().backward();
  assert.deepEqual(enc(y), dec(h.y));
  assert.deepEqual(enc(x.grad), dec(h.x_grad));
  assert.deepEqual([...net.parameters()].map((p) => enc(p.grad)), dec(h.param_grads));
  assert.deepEqual(log, dec(h.log));
  log.length = 0;
  handle.remove();
  m1.register_full_backward_hook((_m, gi) => gi.map((g) => (g === null ? null : g.mul(0.5))));
  const y2 = net.forward(torch.tensor([[1, 2], [3, -1]], { dtype: 'float32' }));
  y2.mul(y2).sum().backward();
  assert.deepEqual(log, dec(h.log_removed));
  assert.deepEqual([...net.parameters()].map((p) => enc(p.grad)), dec(h.halved_grads));
  log.length = 0;
  const two = new Two();
  two.register_full_backward_hook(bw('two'));
  const f = (v: number[], rg = false) => torch.tensor(v, { dtype: 'float32', requires_grad: rg });
  let [a, b] = two.forward(f([1, 2], true), f([3, 4]));
  a.sum().add(b.mul(b).sum()).backward();
  [a] = two.forward(f([1, 2]), f([3, 4]));
  a.sum().backward();
  [a] = two.forward(f([1, 2]), f([3, 4], true));
  a.sum().backward();
  assert.deepEqual(log, dec(h.log_two));
});

test('the attribute hook routes assignments like __setattr__', () => {
  const a = new Affine(2, 3);
  const any = a as unknown as Record<string, unknown>;
  assert.equal(a.w, a._parameters.get('w'));
  assert.ok('w' in a && 'count' in a && !('nope' in a));
  assert.ok(Object.keys(a).includes('w') && Object.keys(a).includes('scale'));
  assert.equal(Object.hasOwn(a, 'w'), true);
  a.scale = torch.full([3], 2);
  assert.equal(a._buffers.get('scale'), a.scale);
  any.w = null;
  assert.deepEqual([...a._parameters], [['w', null], ['b', a.b]]);
  assert.ok(!a.state_dict().has('w'));
  any.scale = new nn.Parameter(torch.ones(3));
  assert.ok(!a._buffers.has('scale') && a._parameters.get('scale') === any.scale);
  any.n = new Empty();
  assert.ok(a._modules.get('n') instanceof Empty && any.n === a._modules.get('n'));
  delete any.b;
  delete any.count;
  delete any.n;
  assert.deepEqual([...a._parameters.keys()], ['w', 'scale']);
  assert.deepEqual([...a._buffers.keys()], ['tmp']);
  assert.equal(a._modules.size, 0);
  a.register_buffer('extra', torch.ones(1), false);
  assert.ok(!a.state_dict().has('extra') && a._non_persistent_buffers_set.has('extra'));
  any.plain = 5;
  assert.ok(Object.hasOwn(a, 'plain') && !a._parameters.has('plain'));
  assert.throws(() => { any.extra = 'x'; }, TypeError);
});

test('nn.Parameter shares storage, keeps its grad and prints as PyTorch', () => {
  const t = torch.zeros(2);
  const p = new nn.Parameter(t);
  assert.ok(p instanceof torch.Tensor && p.requires_grad && !t.requires_grad);
  assert.ok(!p.data.requires_grad && !(p.data instanceof nn.Parameter));
  p.data.fill_(3);
  assert.deepEqual(t.tolist(), [3, 3]);
  p.mul(2).sum().backward();
  assert.deepEqual(p.grad!.tolist(), [2, 2]);
  assert.equal(p.data.grad, null);
  assert.equal(new nn.Parameter(torch.ones(1), false).requires_grad, false);
  assert.deepEqual([...new nn.Parameter().shape], [0]);
});

test('a Linear(1, 1) shared four times in a Sequential: output 81, gradient 108 (the tutorial)', () => {
  class Mul extends nn.Module {
    declare weight: torch.nn.Parameter;

    constructor() {
      super();
      this.weight = new nn.Parameter(torch.full([1, 1], 3, { dtype: 'float32' }));
    }

    override forward(x: Tensor): Tensor {
      return x.matmul(this.weight.t());
    }
  }
  const lin = new Mul();
  const net = new nn.Sequential(lin, lin, lin, lin);
  assert.deepEqual(names(net.named_parameters()), ['0.weight']);
  assert.deepEqual([...net.state_dict().keys()], ['0.weight', '1.weight', '2.weight', '3.weight']);
  const y = net.forward(torch.ones(1, 1));
  assert.deepEqual(y.tolist(), [[81]]);
  y.sum().backward();
  assert.deepEqual((net[0] as Mul).weight.grad!.tolist(), [[108]]);
  assert.equal(net[0], net._modules.get('0'));
});

test('containers: indexing, iteration, dicts and lists', () => {
  const [e0, e1, e2] = [new Empty(), new Empty(), new Multi()];
  const seq = new nn.Sequential(e0, e1, e2);
  assert.ok(seq[0] === e0 && seq[-1] === e2 && seq.at(-2) === e1);
  assert.deepEqual([...seq], [e0, e1, e2]);
  assert.deepEqual([...seq.slice(1)._modules.keys()], ['1', '2']);
  assert.equal(seq.slice(1)[0], e1);
  seq[1] = new Multi();
  assert.ok(seq[1] instanceof Multi);
  assert.equal(new nn.Sequential({ x: e0 })._modules.get('x'), e0);
  const ml = new nn.ModuleList([e0]).append(e1);
  assert.ok(ml[1] === e1 && ml.length === 2 && ml.slice(0, 1).length === 1);
  assert.throws(() => new nn.ModuleList(5 as unknown as torch.nn.Module[]), {
    name: 'TypeError', message: 'ModuleList.extend should be called with an iterable, but got int',
  });
  const md = new nn.ModuleDict({ conv: e0, act: e1 });
  assert.ok(md['conv'] === e0 && md.conv === e0 && md.get('act') === e1 && md.has('act'));
  md.update([['x', e2]]);
  assert.deepEqual([...md.keys()], ['conv', 'act', 'x']);
  assert.deepEqual([...md], ['conv', 'act', 'x']);
  assert.equal(md.pop('act'), e1);
  assert.deepEqual([...md.items()].map(([k]) => k), ['conv', 'x']);
  assert.throws(() => md.get('nope'), { name: 'KeyError', message: "'nope'" });
  const pl = new nn.ParameterList([torch.ones(1)]);
  pl.append(torch.zeros(2));
  pl[0] = torch.full([1], 5.5);
  assert.ok(pl[0] instanceof nn.Parameter && pl.length === 2 && pl.at(-1).numel() === 2);
  assert.deepEqual(names(pl.named_parameters()), ['0', '1']);
  const pd = new nn.ParameterDict({ w: torch.zeros(2) });
  (pd as unknown as Record<string, unknown>).v = torch.ones(1);
  assert.ok(pd['w'] instanceof nn.Parameter && pd.get('v') instanceof nn.Parameter);
  assert.deepEqual([...pd.keys()], ['w', 'v']);
  assert.equal(pd.get('zz', 5), 5);
  pd.pop('w');
  assert.deepEqual(names(pd.named_parameters()), ['v']);
});

test('hooks: handles, prepend, replaced inputs and outputs', () => {
  const calls: string[] = [];
  const m = new Affine(1, 1);
  const h1 = m.register_forward_pre_hook(() => {
    calls.push('a');
  });
  m.register_forward_pre_hook(() => {
    calls.push('b');
  }, { prepend: true });
  m.register_forward_pre_hook((_mod, [x]) => (x as Tensor).mul(0));
  const out = m.forward(torch.ones(1, 1));
  assert.deepEqual(calls, ['b', 'a']);
  assert.deepEqual(out.tolist(), [[-0.5]]);
  h1.remove();
  m.forward(torch.ones(1, 1));
  assert.deepEqual(calls, ['b', 'a', 'b']);
});
