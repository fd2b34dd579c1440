// Checkpoint round trip of the demo's LeNet: train a few steps, save its state_dict as .pt
// (torch.save) and .safetensors (torch.safetensors.save_file), load each into a fresh model,
// and get the very same tensors and outputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as torch from '../../src/index.js';
import { LeNetMnist } from '../../examples/models/lenet_mnist.js';

const F = torch.nn.functional;

function trained(): LeNetMnist {
  torch.manual_seed(0);
  const model = new LeNetMnist();
  const opt = new torch.optim.Adam(model.parameters(), { lr: 0.01 });
  for (let step = 0; step < 3; step++) {
    const x = torch.randn(8, 1, 28, 28);
    const y = torch.randint(0, 10, [8]);
    opt.zero_grad();
    F.cross_entropy(model.forward(x), y).backward();
    opt.step();
  }
  return model.eval();
}

test('a trained LeNet reloads from .pt and .safetensors with identical state and outputs', () => {
  const model = trained();
  const sd = model.state_dict();
  const x = torch.randn(4, 1, 28, 28);
  const want = torch.no_grad(() => model.forward(x));
  const dir = mkdtempSync(join(tmpdir(), 'tstorch-ckpt-'));
  try {
    const pt = join(dir, 'lenet.pt');
    const st = join(dir, 'lenet.safetensors');
    torch.save(sd, pt);
    torch.safetensors.save_file(sd, st);
    const loaded: [string, Map<string, torch.Tensor>][] = [
      ['pt', torch.load(pt) as Map<string, torch.Tensor>],
      ['safetensors', torch.safetensors.load_file(st)],
    ];
    for (const [format, state] of loaded) {
      assert.deepEqual([...state.keys()].sort(), [...sd.keys()].sort(), format);
      for (const [k, v] of sd) {
        const u = state.get(k)!;
        assert.equal(u.dtype, v.dtype, `${format} ${k}`);
        assert.deepEqual(u.tolist(), v.tolist(), `${format} ${k}`);
      }
      torch.manual_seed(123);
      const fresh = new LeNetMnist().eval();
      assert.notDeepEqual(torch.no_grad(() => fresh.forward(x)).tolist(), want.tolist(), 'fresh differs');
      assert.equal(String(fresh.load_state_dict(state)), '<All keys matched successfully>', format);
      assert.deepEqual(torch.no_grad(() => fresh.forward(x)).tolist(), want.tolist(), `${format} outputs`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
