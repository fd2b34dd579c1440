// `examples/demo.ts --help` prints its usage text, listing the four training options (the demo itself
// trains for about a minute and a half, too slow for the suite; run it with `npm run demo`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

test('examples/demo.ts --help lists --epochs, --batch-size, --lr and --seed', () => {
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'examples/demo.ts', '--help'], {
    cwd: root,
    encoding: 'utf8',
  });
  assert.match(out, /^Usage: /);
  for (const opt of ['--epochs', '--batch-size', '--lr', '--seed', '--help']) {
    assert.ok(out.includes(opt), `usage mentions ${opt}`);
  }
});
