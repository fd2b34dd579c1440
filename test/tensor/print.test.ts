// Tensor repr text against PyTorch's (fixture: tools/oracle/print.py), plus the print_format helpers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatParameter,
  formatTensor,
  get_printoptions,
  set_printoptions,
  type PrintableTensor,
  type PrintOptions,
} from '../../src/tensor/print.js';
import { pyExp, pyFixed, pyIntStr } from '../../src/tensor/print_format.js';
import { decodeData, loadFixture, type EncodedTensor } from '../helpers/fixtures.js';

interface PrintCase {
  name: string;
  tensor: EncodedTensor;
  requires_grad: boolean;
  grad_fn: string | null;
  is_leaf: boolean;
  parameter: boolean;
  options: Partial<PrintOptions> & { profile?: 'default' | 'short' | 'full' };
  text: string;
}

const cases = loadFixture<PrintCase[]>('print');

/** A PrintableTensor over decoded fixture data that counts its reads. */
function printable(c: Pick<PrintCase, 'tensor' | 'requires_grad' | 'grad_fn' | 'is_leaf'>) {
  const raw = decodeData(c.tensor);
  const data = c.tensor.dtype === 'float32' ? raw.map(Math.fround) : raw;
  const t = {
    shape: c.tensor.shape,
    dtype: c.tensor.dtype,
    reads: 0,
    get(i: number): number {
      t.reads++;
      return data[i];
    },
    requires_grad: c.requires_grad,
    grad_fn: c.grad_fn,
    is_leaf: c.is_leaf,
  };
  return t;
}

function render(c: PrintCase): string {
  const t: PrintableTensor = printable(c);
  set_printoptions(c.options);
  try {
    return c.parameter ? formatParameter(t) : formatTensor(t);
  } finally {
    set_printoptions({ profile: 'default' });
  }
}

test('the fixture covers the cases the printer must handle', () => {
  assert.ok(cases.length >= 40, `${cases.length} cases`);
});

for (const c of cases) {
  test(`repr matches PyTorch: ${c.name}`, () => {
    assert.equal(render(c), c.text);
  });
}

test('summarised tensors read only their edge elements', () => {
  const huge = {
    shape: [1000, 1000],
    dtype: 'float32' as const,
    reads: 0,
    get(i: number): number {
      huge.reads++;
      return i % 7;
    },
    requires_grad: false,
    grad_fn: null,
    is_leaf: true,
  };
  const text = formatTensor(huge);
  assert.equal(huge.reads, 36);
  assert.ok(text.startsWith('tensor([[0., 1., 2.,  ..., 3., 4., 5.],'), text);
});

test('set_printoptions/get_printoptions follow torch.set_printoptions', () => {
  assert.deepEqual(get_printoptions(), {
    precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80, sci_mode: null,
  });
  set_printoptions({ profile: 'full', precision: 6, sci_mode: true });
  assert.deepEqual(get_printoptions(), {
    precision: 6, threshold: Infinity, edgeitems: 3, linewidth: 80, sci_mode: true,
  });
  // Like PyTorch, any call without sci_mode puts it back to automatic.
  set_printoptions({ linewidth: 100 });
  assert.equal(get_printoptions().sci_mode, null);
  const saved = get_printoptions();
  set_printoptions({ profile: 'short' });
  assert.equal(get_printoptions().edgeitems, 2);
  set_printoptions(saved);
  assert.deepEqual(get_printoptions(), saved);
  set_printoptions({ profile: 'default' });
  assert.deepEqual(get_printoptions().linewidth, 80);
});

test('a prefix sets the continuation indent', () => {
  const c = cases.find((k) => k.name === 'int32_mat');
  assert.ok(c);
  assert.equal(c.text, 'tensor([[ 1, -2],\n        [30,  4]], dtype=torch.int32)');
  const want = 'x([[ 1, -2],\n   [30,  4]], dtype=torch.int32)';
  assert.equal(formatTensor(printable(c), { prefix: 'x(' }), want);
});

// PyTorch 2.x only, so typed from 2.x's _tensor_str.py: 1.13 (the installed oracle) prints
// `tensor([ ..., 0., 1., ...])` for 1-D and raises for 2-D with edgeitems=0. 2.x shows `[...]`
// and the size.
test('edgeitems=0 prints [...] with the size (PyTorch 2.x)', () => {
  const tensor: EncodedTensor = { dtype: 'float32', shape: [40, 40], data: new Array(1600).fill(1) };
  const t = printable({ tensor, requires_grad: false, grad_fn: null, is_leaf: true });
  set_printoptions({ edgeitems: 0 });
  try {
    assert.equal(formatTensor(t), 'tensor([...], size=(40, 40))');
    assert.equal(t.reads, 0);
    const row = printable({ tensor: { dtype: 'int64', shape: [8], data: [0, 1, 2, 3, 4, 5, 6, 7] },
      requires_grad: false, grad_fn: null, is_leaf: true });
    set_printoptions({ edgeitems: 0, threshold: 5 });
    assert.equal(formatTensor(row), 'tensor([...], size=(8,))');
  } finally {
    set_printoptions({ profile: 'default' });
  }
});

test('Python number formatting: ties to even on the exact binary value, huge values, -0', () => {
  assert.equal(pyFixed(0.125, 2), '0.12');
  assert.equal(pyFixed(0.375, 2), '0.38');
  assert.equal(pyFixed(2.5, 0), '2');
  assert.equal(pyFixed(-0, 4), '-0.0000');
  assert.equal(pyFixed(-1e-7, 4), '-0.0000');
  assert.equal(pyFixed(1e21, 1), '1000000000000000000000.0');
  assert.equal(pyFixed(0.1, 20), '0.10000000000000000555');
  assert.equal(pyExp(0, 4), '0.0000e+00');
  assert.equal(pyExp(9.99996e-10, 4), '1.0000e-09');
  assert.equal(pyExp(5e-324, 2), '4.94e-324');
  assert.equal(pyExp(1.5, 0), '2e+00');
  assert.equal(pyExp(Number.NaN, 4), 'nan');
  assert.equal(pyIntStr(2 ** 60, false), '1152921504606846976');
  assert.equal(pyIntStr(1, true), 'True');
});
