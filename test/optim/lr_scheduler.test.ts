// torch.optim.lr_scheduler against real PyTorch: test/fixtures/lr_scheduler.json
// (tools/oracle/lr_scheduler.py). Learning rates compared with relative tolerance 1e-12.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/index.js';
import { type FixtureNumber, decodeNumber, loadFixture } from '../helpers/fixtures.js';

const { lr_scheduler: S } = torch.optim;
type Options = Record<string, unknown>;
type Snapshot = { lr: FixtureNumber; momentum?: FixtureNumber; betas?: FixtureNumber[] }[];
type SchedName = 'StepLR' | 'MultiStepLR' | 'ExponentialLR' | 'CosineAnnealingLR' | 'LambdaLR' |
  'OneCycleLR' | 'ReduceLROnPlateau';
interface Case {
  scheduler: SchedName;
  optimizer: 'SGD' | 'Adam' | 'Adagrad';
  optimizer_options: Options;
  lr2: number;
  options: Options;
  steps: number;
  epochs: number[] | null;
  metrics: number[];
  lrs: Snapshot[];
  last_lr: FixtureNumber[][];
  groups: Options[];
  state_dict: Options;
}
interface Trial {
  scheduler: SchedName;
  optimizer: Case['optimizer'];
  optimizer_options: Options;
  options: Options;
  error: string | null;
  message: string | null;
}
interface Fixture {
  cases: Case[];
  errors: { trials: Trial[]; overstep: { total_steps: number; message: string; last_epoch: number } };
}

const fx = loadFixture<Fixture>('lr_scheduler');

// LambdaLR's lambdas by the names the oracle gives them.
const LAMBDAS: Record<string, (e: number) => number> = {
  'pow0.95': (e) => 0.95 ** e,
  inv1p: (e) => 1.0 / (1 + e),
  warmup5: (e) => Math.min(1.0, (e + 1) / 5),
  cosdecay: (e) => 0.5 * (1 + Math.cos(Math.PI * e / 8)),
};
// The fixture comes from PyTorch 1.13; PyTorch 2.x reworded these messages.
const MESSAGES_2X: [string, string][] = [
  ['anneal_strategy must by one of', 'anneal_strategy must be one of'],
  ['optimizer must support momentum with', 'optimizer must support momentum or beta1 with'],
];
// The positional argument after the optimizer, as the test passes it in the positional form.
const POSITIONAL: Record<SchedName, string | null> = {
  StepLR: 'step_size', MultiStepLR: 'milestones', ExponentialLR: 'gamma', CosineAnnealingLR: 'T_max',
  LambdaLR: 'lr_lambda', OneCycleLR: 'max_lr', ReduceLROnPlateau: null,
};

function closeRel(actual: number, expected: number, what: string): void {
  const ok = actual === expected || Math.abs(actual - expected) <= 1e-12 * Math.abs(expected);
  assert.ok(ok, `${what}: got ${actual}, expected ${expected}`);
}

function closeAll(actual: unknown, expected: unknown, what: string): void {
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${what}: expected an array, got ${String(actual)}`);
    assert.equal(actual.length, expected.length, `${what}: length`);
    expected.forEach((e, i) => closeAll(actual[i], e, `${what}[${i}]`));
  } else if (typeof expected === 'number' || expected === 'inf' || expected === '-inf') {
    closeRel(actual as number, decodeNumber(expected as FixtureNumber), what);
  } else {
    assert.deepEqual(actual, expected, what);
  }
}

function makeOptimizer(name: Case['optimizer'], opts: Options, lr2: number): torch.optim.Optimizer {
  const w = new torch.nn.Parameter(torch.zeros([3]));
  const b = new torch.nn.Parameter(torch.zeros([2]));
  type AnyCtor = new (params: unknown, opts?: Options) => torch.optim.Optimizer;
  const Ctor = torch.optim[name] as unknown as AnyCtor;
  return new Ctor([{ params: [w] }, { params: [b], lr: lr2 }], opts);
}

function resolve(name: SchedName, options: Options): Options {
  if (name !== 'LambdaLR') return { ...options };
  const lam = options.lr_lambda as string | string[];
  return { ...options, lr_lambda: Array.isArray(lam) ? lam.map((n) => LAMBDAS[n]) : LAMBDAS[lam] };
}

type AnySched = torch.optim.lr_scheduler.LRScheduler;
function makeScheduler(name: SchedName, opt: torch.optim.Optimizer, options: Options,
  positional: boolean): AnySched {
  type Ctor = new (opt: torch.optim.Optimizer, a?: unknown, b?: unknown) => AnySched;
  const C = S[name] as unknown as Ctor;
  const o = resolve(name, options);
  const key = POSITIONAL[name];
  if (!positional || key === null) return new C(opt, o);
  const { [key]: first, ...rest } = o;
  return new C(opt, first, rest);
}

function stepOnce(c: Case, s: AnySched, i: number): void {
  const ep = c.epochs === null ? undefined : c.epochs[i];
  if (c.scheduler === 'ReduceLROnPlateau') {
    (s as torch.optim.lr_scheduler.ReduceLROnPlateau).step(c.metrics[i], ep);
  } else {
    s.step(ep);
  }
}

function checkSnapshot(opt: torch.optim.Optimizer, snap: Snapshot, what: string): void {
  snap.forEach((e, gi) => {
    const g = opt.param_groups[gi] as Options;
    closeRel(g.lr as number, decodeNumber(e.lr), `${what} group ${gi} lr`);
    if (e.momentum !== undefined) {
      closeRel(g.momentum as number, decodeNumber(e.momentum), `${what} group ${gi} momentum`);
    }
    if (e.betas !== undefined) closeAll(g.betas, e.betas, `${what} group ${gi} betas`);
  });
}

function label(c: Case): string {
  return `${c.scheduler} ${JSON.stringify(c.options)} on ${c.optimizer}` +
    `${c.epochs === null ? '' : ` epochs ${JSON.stringify(c.epochs)}`}`;
}

const SKIP_STATE = new Set(['verbose', '_get_lr_called_within_step']);

for (const c of fx.cases) {
  test(`lr_scheduler ${label(c)}`, () => {
    const opt = makeOptimizer(c.optimizer, c.optimizer_options, c.lr2);
    const s = makeScheduler(c.scheduler, opt, c.options, true);
    checkSnapshot(opt, c.lrs[0], 'after construction');
    closeAll(s.get_last_lr(), c.last_lr[0], 'get_last_lr after construction');
    for (let i = 0; i < c.steps; i++) {
      opt.step();
      stepOnce(c, s, i);
      checkSnapshot(opt, c.lrs[i + 1], `step ${i}`);
      closeAll(s.get_last_lr(), c.last_lr[i + 1], `step ${i} get_last_lr`);
    }
    c.groups.forEach((g, gi) => {
      const mine = opt.param_groups[gi] as Options;
      for (const [k, v] of Object.entries(g)) closeAll(mine[k], v, `group ${gi} ${k}`);
    });
    const sd = s.state_dict();
    for (const [k, v] of Object.entries(c.state_dict)) {
      if (SKIP_STATE.has(k)) continue;
      assert.ok(k in sd, `state_dict lacks ${k}`);
      const mine = sd[k] instanceof Map ? Object.fromEntries([...sd[k] as Map<number, number>]
        .map(([m, n]) => [String(m), n])) : sd[k];
      closeAll(mine, v, `state_dict ${k}`);
    }
  });

  if (c.epochs !== null) continue;
  test(`lr_scheduler ${label(c)}: state_dict round trip, keyword form`, () => {
    const half = Math.floor(c.steps / 2);
    const opt = makeOptimizer(c.optimizer, c.optimizer_options, c.lr2);
    const s = makeScheduler(c.scheduler, opt, c.options, false);
    for (let i = 0; i < half; i++) stepOnce(c, s, i);
    const optSd = opt.state_dict();
    const sd = s.state_dict();
    const opt2 = makeOptimizer(c.optimizer, c.optimizer_options, c.lr2);
    const s2 = makeScheduler(c.scheduler, opt2, c.options, false);
    opt2.load_state_dict(optSd);
    s2.load_state_dict(sd);
    for (let i = half; i < c.steps; i++) {
      stepOnce(c, s2, i);
      checkSnapshot(opt2, c.lrs[i + 1], `resumed step ${i}`);
      closeAll(s2.get_last_lr(), c.last_lr[i + 1], `resumed step ${i} get_last_lr`);
    }
  });
}

test('lr_scheduler errors match PyTorch', () => {
  for (const t of fx.errors.trials) {
    const opt = makeOptimizer(t.optimizer, t.optimizer_options, 0.05);
    const build = (): unknown => makeScheduler(t.scheduler, opt, t.options, false);
    if (t.message === null) {
      build();
      continue;
    }
    let msg = t.message;
    for (const [from, to] of MESSAGES_2X) msg = msg.replace(from, to);
    assert.throws(build, (e: Error) => {
      assert.equal(e.message, msg, `${t.scheduler} ${JSON.stringify(t.options)}`);
      assert.equal(e.name, t.error);
      return true;
    });
  }
});

test('OneCycleLR stepping past total_steps', () => {
  const o = fx.errors.overstep;
  const opt = makeOptimizer('SGD', { lr: 0.1, momentum: 0.9 }, 0.05);
  const s = new S.OneCycleLR(opt, 0.1, { total_steps: o.total_steps });
  // PyTorch 1.13 printed step_num + 1 here; 2.x prints step_num (= last_epoch).
  const message = o.message.replace(/step (\d+) times/, (_, n: string) => `step ${Number(n) - 1} times`);
  assert.equal(message, `Tried to step ${o.last_epoch} times. The specified number of total steps is 4`);
  assert.throws(() => { for (let i = 0; i < 10; i++) s.step(); }, { message });
  assert.equal(s.last_epoch, o.last_epoch);
});

test('lr_scheduler: LambdaLR state_dict saves no functions; non-optimizers rejected', () => {
  const opt = makeOptimizer('SGD', { lr: 0.1 }, 0.05);
  const s = new S.LambdaLR(opt, { lr_lambda: LAMBDAS['pow0.95'] });
  assert.deepEqual(s.state_dict().lr_lambdas, [null, null]);
  assert.throws(() => new S.StepLR({} as torch.optim.Optimizer, 3), { name: 'TypeError' });
  const p = new S.ReduceLROnPlateau(opt);
  p.step(torch.tensor(1.5));
  assert.equal(p.best, 1.5);
  assert.ok(p instanceof S.LRScheduler);
});
