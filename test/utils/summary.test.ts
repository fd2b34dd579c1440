// torch.summary (src/utils/summary.ts): totals that count a shared parameter once, the LeNet table
// (shapes, per-layer counts and byte sizes below were computed with real PyTorch 1.13 through
// forward hooks on the same model), depth collapsing, frozen parameters and hook cleanup.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/index.js';
import { nn } from '../../src/index.js';

type Tensor = torch.Tensor;

class LeNet extends nn.Module {
  declare features: torch.nn.Sequential;
  declare classifiter: torch.nn.Sequential;

  constructor() {
    super();
    this.features = new nn.Sequential(
      new nn.Conv2d(3, 6, 5), new nn.ReLU(), new nn.MaxPool2d(2, 2),
      new nn.Conv2d(6, 16, 5), new nn.ReLU(), new nn.MaxPool2d(2, 2),
    );
    this.classifiter = new nn.Sequential(
      new nn.Linear(16 * 5 * 5, 120), new nn.ReLU(), new nn.Linear(120, 84), new nn.ReLU(),
      new nn.Linear(84, 10),
    );
  }

  override forward(x: Tensor): Tensor {
    x = this.features.forward(x) as Tensor;
    x = x.view(-1, 16 * 5 * 5);
    return this.classifiter.forward(x) as Tensor;
  }
}

// Output shape and own parameter count of every module call, in call order (PyTorch 1.13).
const LENET_ROWS: [string, number[], number][] = [
  ['LeNet', [1, 10], 0],
  ['Sequential', [1, 16, 5, 5], 0],
  ['Conv2d', [1, 6, 28, 28], 456],
  ['ReLU', [1, 6, 28, 28], 0],
  ['MaxPool2d', [1, 6, 14, 14], 0],
  ['Conv2d', [1, 16, 10, 10], 2416],
  ['ReLU', [1, 16, 10, 10], 0],
  ['MaxPool2d', [1, 16, 5, 5], 0],
  ['Sequential', [1, 10], 0],
  ['Linear', [1, 120], 48120],
  ['ReLU', [1, 120], 0],
  ['Linear', [1, 84], 10164],
  ['ReLU', [1, 84], 0],
  ['Linear', [1, 10], 850],
];

/** The rows between the second and third rule lines of the table. */
function tableRows(text: string): string[] {
  const lines = text.split('\n');
  const rules = lines.flatMap((l, i) => (/^=+$/.test(l) ? [i] : []));
  return lines.slice((rules[1] ?? 0) + 1, rules[2]);
}

test('a Linear(1, 1) shared four times counts 1 parameter', () => {
  const linear = new nn.Linear(1, 1, false);
  const s = torch.summary(new nn.Sequential(linear, linear, linear, linear), [1, 1], { verbose: 0 });
  assert.equal(s.total_params, 1);
  assert.equal(s.trainable_params, 1);
  assert.equal(s.non_trainable_params, 0);
  assert.equal(s.summary_list.length, 5);
  assert.deepEqual(s.summary_list.map((r) => r.is_recursive), [false, false, true, true, true]);
  const text = String(s);
  const rows = tableRows(text);
  assert.equal(rows.length, 5);
  assert.match(rows[1]!, /^├─Linear: 1-1 +\[1, 1\] +1$/);
  for (const r of rows.slice(2)) assert.match(r, /^├─Linear: 1-[234] +\[1, 1\] +\(recursive\)$/);
  assert.ok(text.split('\n').includes('Total params: 1'));
});

test('LeNet on [1, 3, 32, 32]: 62,006 parameters, output shapes and the table', () => {
  const model = new LeNet();
  const s = torch.summary(model, [1, 3, 32, 32], { verbose: 0 });
  assert.equal(s.total_params, 62006);
  assert.equal(s.total_params, [...model.parameters()].reduce((n, p) => n + p.numel(), 0));
  assert.equal(s.trainable_params, 62006);
  assert.equal(s.non_trainable_params, 0);
  assert.deepEqual(s.summary_list.map((r) => [r.class_name, r.output_shape, r.num_params - sumChildren(r)]),
    LENET_ROWS);
  const text = String(s);
  const rows = tableRows(text);
  assert.equal(rows.length, LENET_ROWS.length);
  const shapeColumn = rows.map((r) => /\[[\d, ]+\]/.exec(r)?.[0]);
  assert.deepEqual(shapeColumn, LENET_ROWS.map(([, sh]) => `[${sh.join(', ')}]`));
  assert.match(rows[0]!, /^LeNet +\[1, 10\] +--$/);
  assert.match(rows[1]!, /^├─Sequential: 1-1 +\[1, 16, 5, 5\] +--$/);
  assert.match(rows[2]!, /^│ {4}└─Conv2d: 2-1 +\[1, 6, 28, 28\] +456$/);
  assert.match(rows[9]!, /^│ {4}└─Linear: 2-7 +\[1, 120\] +48,120$/);
  const lines = text.split('\n');
  for (const want of ['Total params: 62,006', 'Trainable params: 62,006', 'Non-trainable params: 0']) {
    assert.ok(lines.includes(want), want);
  }
  // Bytes from PyTorch: input 12288, parameterised leaf outputs x2 52144, parameters 248024.
  assert.equal(s.total_input_bytes, 12288);
  assert.equal(s.total_output_bytes, 52144);
  assert.equal(s.total_param_bytes, 248024);
  for (const want of ['Input size (MB): 0.01', 'Forward/backward pass size (MB): 0.05',
    'Params size (MB): 0.25', 'Estimated Total Size (MB): 0.31']) {
    assert.ok(lines.includes(want), want);
  }
});

function sumChildren(r: { children: { num_params: number }[] }): number {
  return r.children.reduce((n, c) => n + c.num_params, 0);
}

test('depth collapses deeper rows into their parent count', () => {
  const s = torch.summary(new LeNet(), [1, 3, 32, 32], { depth: 1, verbose: 0 });
  const rows = tableRows(String(s));
  assert.equal(rows.length, 3);
  assert.match(rows[1]!, /^├─Sequential: 1-1 +\[1, 16, 5, 5\] +2,872$/);
  assert.match(rows[2]!, /^├─Sequential: 1-2 +\[1, 10\] +59,134$/);
  assert.equal(s.summary_list.length, LENET_ROWS.length);
});

test('frozen parameters are non-trainable; hooks and training mode are restored', () => {
  const model = new LeNet();
  model.features.requires_grad_(false);
  model.classifiter.eval();
  const s = torch.summary(model, [2, 3, 32, 32], { verbose: 0 });
  assert.equal(s.total_params, 62006);
  assert.equal(s.non_trainable_params, 456 + 2416);
  assert.equal(s.trainable_params, 62006 - 456 - 2416);
  assert.deepEqual(s.summary_list[0]!.output_shape, [2, 10]);
  for (const m of model.modules()) {
    assert.equal(m._forward_hooks.size, 0);
    assert.equal(m._forward_pre_hooks.size, 0);
  }
  assert.equal(model.training, true);
  assert.equal(model.features.training, true);
  assert.equal(model.classifiter.training, false);
});

test('several inputs with their dtypes', () => {
  class Two extends nn.Module {
    declare fc: torch.nn.Linear;
    constructor() {
      super();
      this.fc = new nn.Linear(3, 2);
    }
    override forward(a: Tensor, b: Tensor): Tensor[] {
      return [this.fc.forward(a) as Tensor, b];
    }
  }
  const s = torch.summary(new Two(), [[4, 3], [5]], { dtypes: ['float32', 'float64'], verbose: 0 });
  assert.equal(s.total_input_bytes, 4 * 3 * 4 + 5 * 8);
  assert.deepEqual(s.summary_list[0]!.output_shapes, [[4, 2], [5]]);
  assert.match(tableRows(String(s))[0]!, /^Two +\[\[4, 2\], \[5\]\] +--$/);
  assert.throws(() => torch.summary(new Two(), [[4, 3], [5]], { dtypes: ['float32'], verbose: 0 }));
});
