// The ported nn.Module tutorial notebook prints what PyTorch prints (tools/oracle/nn_module_tour.py), line for line.
// Text must be identical; printed numbers must be identical except in the last printed digit of
// values that come out of float32 sums (gradients and conv outputs), where the order PyTorch's
// BLAS adds in is not reproducible: those must agree to 1e-3 relative or 1e-6 absolute.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { loadFixture } from '../helpers/fixtures.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const NUMBER = /-?\d+\.\d*(?:e[+-]\d+)?|-?\d+(?:e[+-]\d+)?/g;

function closeEnough(a: string, b: string): boolean {
  const x = Number(a);
  const y = Number(b);
  return Math.abs(x - y) <= 1e-6 + 1e-3 * Math.abs(y);
}

test('examples/nn_module_tour.ts prints the PyTorch notebook\'s text, line for line', () => {
  const expected = loadFixture<{ text: string }>('nn_module_tour').text.split('\n');
  const actual = execFileSync(process.execPath, ['--import', 'tsx', 'examples/nn_module_tour.ts'], {
    cwd: root,
    encoding: 'utf8',
  }).split('\n');
  assert.equal(actual.length, expected.length, 'number of lines');
  let exact = 0;
  for (let i = 0; i < expected.length; i++) {
    if (actual[i] === expected[i]) {
      exact++;
      continue;
    }
    const shape = (s: string) => s.replace(NUMBER, '#');
    assert.equal(shape(actual[i]), shape(expected[i]), `line ${i + 1}: text differs`);
    const an = actual[i].match(NUMBER) ?? [];
    const en = expected[i].match(NUMBER) ?? [];
    en.forEach((e, k) => assert.ok(closeEnough(an[k], e), `line ${i + 1}: ${an[k]} vs ${e}`));
  }
  // Almost every line must be byte-identical; only float32 rounding may differ.
  assert.ok(exact >= expected.length - 20, `${expected.length - exact} lines differ in last digits`);
});
