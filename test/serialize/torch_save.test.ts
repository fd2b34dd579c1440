// torch.save / torch.load against real PyTorch: files written by PyTorch 1.13 (and laid out as 2.x does,
// tools/oracle/serialize.py) load with exact values; tstorch's files load in Python's
// torch.load(weights_only=True); round trips of state_dicts and optimizer state_dicts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as torch from '../../src/index.js';
import { loadFixture } from '../helpers/fixtures.js';
import { LeNet } from '../../examples/models/lenet.js';
import { type Expected, checkLoaded, flat } from './pt_expect.js';

const here = dirname(fileURLToPath(import.meta.url));
const FIX = join(here, '..', 'fixtures', 'serialize');
const expected = loadFixture<Record<string, Expected>>('serialize/expected');
const nn = torch.nn;

for (const name of Object.keys(expected)) {
  test(`loads ${name}.pt written by PyTorch with exact values and layout`, () => {
    checkLoaded(expected[name], torch.load(join(FIX, `${name}.pt`)));
  });
}

test('a PyTorch LeNet state_dict loads into the tstorch LeNet', () => {
  const sd = torch.load(join(FIX, 'lenet.pt')) as Map<string, torch.Tensor>;
  assert.ok(sd instanceof Map);
  const model = new LeNet();
  assert.equal(String(model.load_state_dict(sd)), '<All keys matched successfully>');
  for (const [k, v] of model.state_dict()) assert.deepEqual(flat(v), flat(sd.get(k)!), k);
  assert.deepEqual([...(sd as unknown as { _metadata: Map<string, unknown> })._metadata.keys()],
    ['', 'features', 'features.0', 'features.1', 'features.2', 'features.3', 'features.4', 'features.5',
      'classifiter', 'classifiter.0', 'classifiter.1', 'classifiter.2', 'classifiter.3', 'classifiter.4']);
});

test('a BatchNorm state_dict (num_batches_tracked int64) loads into a module', () => {
  const sd = torch.load(join(FIX, 'batchnorm.pt')) as Map<string, torch.Tensor>;
  const m = new nn.Sequential(new nn.Conv2d(2, 3, 3), new nn.BatchNorm2d(3));
  m.load_state_dict(sd);
  const bn = m._modules.get('1') as torch.nn.BatchNorm2d;
  assert.equal(bn.num_batches_tracked!.dtype.name, 'int64');
  assert.equal(bn.num_batches_tracked!.item(), 2);
  assert.deepEqual(flat(bn.running_mean!), flat(sd.get('1.running_mean')!));
  // The module's own _metadata equals what PyTorch wrote (BatchNorm's state_dict _version is 2).
  const meta = (sd as unknown as { _metadata: Map<string, unknown> })._metadata;
  const own = (m.state_dict() as unknown as { _metadata: Map<string, unknown> })._metadata;
  assert.deepEqual([...own], [...meta]);
});

function smallModel(): torch.nn.Sequential {
  return new nn.Sequential(new nn.Linear(3, 4), new nn.Tanh(), new nn.Linear(4, 2));
}

test('PyTorch SGD (momentum) and Adam state_dicts load into tstorch optimizers', () => {
  const sgdSd = torch.load(join(FIX, 'sgd_momentum.pt')) as torch.optim.OptimizerStateDict;
  const m = smallModel();
  const sgd = new torch.optim.SGD(m.parameters(), { lr: 0.5, momentum: 0.9 });
  sgd.load_state_dict(sgdSd);
  assert.equal(sgd.param_groups[0].lr, 0.1);
  assert.equal(sgd.param_groups[0].nesterov, true);
  const p0 = sgd.param_groups[0].params[0];
  const buf = sgd.state.get(p0)!.momentum_buffer as torch.Tensor;
  assert.deepEqual(flat(buf), flat(sgdSd.state.get(0)!.momentum_buffer as torch.Tensor));

  const adamSd = torch.load(join(FIX, 'adam.pt')) as torch.optim.OptimizerStateDict;
  const m2 = smallModel();
  const params = [...m2.parameters()];
  const adam = new torch.optim.Adam([{ params: params.slice(0, 2) }, { params: params.slice(2) }]);
  adam.load_state_dict(adamSd);
  assert.deepEqual(adam.param_groups[0].betas, [0.8, 0.99]);
  assert.equal(adam.param_groups[1].lr, 0.01);
  assert.equal((adam.state.get(params[3])!.step as torch.Tensor).item(), 2);
  // One more step runs on the loaded state.
  for (const p of params) p.grad = torch.ones(p.shape);
  adam.step();
});

test('round trip: views share one storage, strides, Parameters, nested containers, int keys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tstorch-pt-'));
  try {
    const base = torch.arange(12).reshape(3, 4).to('float64');
    const obj = {
      base, t: base.t(), col: base.select(1, 2), p: new nn.Parameter(torch.ones(2, 2)),
      frozen: new nn.Parameter(torch.zeros(1), false), g: torch.ones(2).requires_grad_(),
      ints: torch.tensor([-(2 ** 40), 3]), flags: torch.tensor([true, false]),
      i32: torch.zeros(2, { dtype: 'int32' }),
      list: [1, 2.5, 'x', null, true, [base]], intKeys: new Map([[0, 'a'], [7, 'b']]), big: 2n ** 70n,
      nested: { a: { b: 'c' } }, s: new Set([1, 2]), neg0: -0, inf: Infinity, dtype: torch.float64,
    };
    const file = join(dir, 'roundtrip.pt');
    torch.save(obj, file);
    const r = torch.load(file) as Record<string, unknown> & typeof obj;
    assert.equal(r.t._storage, r.base._storage);
    assert.equal(r.col._storage, r.base._storage);
    assert.equal((r.list[5] as torch.Tensor[])[0], r.base);
    assert.deepEqual(r.t.stride(), [1, 4]);
    assert.deepEqual(r.col.stride(), [4]);
    assert.equal(r.col._offset, 2);
    assert.deepEqual(flat(r.t), flat(base.t()));
    assert.ok(r.p instanceof nn.Parameter && r.p.requires_grad);
    assert.ok(r.frozen instanceof nn.Parameter && !r.frozen.requires_grad);
    assert.ok(!(r.g instanceof nn.Parameter) && r.g.requires_grad);
    assert.deepEqual(flat(r.ints), [-(2 ** 40), 3]);
    assert.equal(r.ints.dtype.name, 'int64');
    assert.equal(r.flags.dtype.name, 'bool');
    assert.equal(r.i32.dtype.name, 'int32');
    assert.deepEqual(r.list.slice(0, 5), [1, 2.5, 'x', null, true]);
    assert.deepEqual(r.intKeys, obj.intKeys);
    assert.equal(r.big, 2n ** 70n);
    assert.deepEqual(r.nested, { a: { b: 'c' } });
    assert.deepEqual(r.s, new Set([1, 2]));
    assert.ok(Object.is(r.neg0, -0));
    assert.equal(r.inf, Infinity);
    assert.equal(r.dtype, torch.float64);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('round trip: module state_dict keeps _metadata and loads back into the module', () => {
  torch.manual_seed(5);
  const m = new nn.Sequential(new nn.Conv2d(1, 2, 3), new nn.BatchNorm2d(2));
  const chunks: Uint8Array[] = [];
  torch.save(m.state_dict(), { write: (b) => chunks.push(b) });
  const sd = torch.load(Buffer.concat(chunks)) as Map<string, torch.Tensor>;
  const meta = (sd as unknown as { _metadata: Map<string, unknown> })._metadata;
  const own = (m.state_dict() as unknown as { _metadata: Map<string, unknown> })._metadata;
  assert.deepEqual([...meta.keys()], ['', '0', '1']);
  assert.deepEqual([...meta], [...own]);
  torch.manual_seed(6);
  const m2 = new nn.Sequential(new nn.Conv2d(1, 2, 3), new nn.BatchNorm2d(2));
  m2.load_state_dict(sd);
  for (const [k, v] of m.state_dict()) assert.deepEqual(flat(m2.state_dict().get(k)!), flat(v), k);
});

test('round trip: optimizer.state_dict() -> save -> load -> optimizer.load_state_dict', () => {
  for (const make of [
    (ps: torch.Tensor[]) => new torch.optim.SGD(ps, { lr: 0.1, momentum: 0.9 }),
    (ps: torch.Tensor[]) => new torch.optim.Adam(ps, { lr: 0.01, betas: [0.8, 0.9] }),
  ]) {
    torch.manual_seed(7);
    const m = smallModel();
    const opt = make([...m.parameters()]);
    const fresh = torch.load(saveToBytes(opt.state_dict())) as torch.optim.OptimizerStateDict;
    make([...smallModel().parameters()]).load_state_dict(fresh); // never stepped: empty state
    for (let i = 0; i < 2; i++) {
      // Gradients set directly: this test is about state_dicts, not about backward.
      for (const p of m.parameters()) p.grad = torch.randn(p.shape);
      opt.step();
    }
    const loaded = torch.load(saveToBytes(opt.state_dict())) as torch.optim.OptimizerStateDict;
    assert.ok(loaded.state instanceof Map && [...loaded.state.keys()].every((k) => typeof k === 'number'));
    const m2 = smallModel();
    const opt2 = make([...m2.parameters()]);
    opt2.load_state_dict(loaded);
    const ps = [...m.parameters()];
    [...m2.parameters()].forEach((p, i) => {
      for (const [k, v] of Object.entries(opt.state.get(ps[i])!)) {
        const w = opt2.state.get(p)![k];
        assert.deepEqual(v instanceof torch.Tensor ? flat(v) : v, w instanceof torch.Tensor ? flat(w) : w, k);
      }
    });
  }
});

function saveToBytes(obj: unknown): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'tstorch-pt-'));
  try {
    const file = join(dir, 'x.pt');
    const fd = openSync(file, 'w');
    torch.save(obj, fd);
    closeSync(fd);
    return readFileSync(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('tstorch writes PyTorch 2.x records, named after the file, each aligned to 64 bytes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tstorch-pt-'));
  try {
    const file = join(dir, 'my.model.pt');
    torch.save({ a: torch.ones(3), b: torch.zeros(5, { dtype: 'float64' }), c: torch.tensor([true]) }, file);
    const b = readFileSync(file);
    const names: string[] = [];
    // Walk the local headers: signature, name, extra field ('FB' padding), then the data.
    for (let at = 0; b.readUInt32LE(at) === 0x04034b50;) {
      const nameLen = b.readUInt16LE(at + 26);
      const extraLen = b.readUInt16LE(at + 28);
      const name = b.subarray(at + 30, at + 30 + nameLen).toString();
      const start = at + 30 + nameLen + extraLen;
      assert.equal(start % 64, 0, `${name} data offset ${start}`);
      assert.equal(b.readUInt16LE(at + 8), 0, 'stored, not compressed');
      names.push(name);
      at = start + b.readUInt32LE(at + 22);
    }
    assert.deepEqual(names, ['data.pkl', '.format_version', '.storage_alignment', 'byteorder', 'data/0',
      'data/1', 'data/2', 'version', '.data/serialization_id'].map((n) => `my.model/${n}`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const PY = '/usr/bin/python3';
function pythonHasTorch(): boolean {
  if (!existsSync(PY)) return false;
  try {
    execFileSync(PY, ['-c', 'import torch'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const skipPython = pythonHasTorch() ? false : `${PY} with torch is not available`;

test('files written by tstorch load in PyTorch with weights_only=True', { skip: skipPython }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tstorch-pt-'));
  try {
    torch.manual_seed(8);
    const model = new LeNet();
    const opt = new torch.optim.Adam(model.parameters(), { lr: 0.001 });
    // Gradients set directly: this test is about files, not about backward.
    for (const p of model.parameters()) p.grad = torch.randn(p.shape);
    opt.step();
    const base = torch.randn(3, 4, { dtype: 'float64' });
    const objects: Record<string, unknown> = {
      lenet: model.state_dict(),
      adam: opt.state_dict(),
      misc: {
        base, t: base.t(), narrow: base.narrow(1, 1, 2), p: new nn.Parameter(torch.randn(2)),
        ints: torch.tensor([-(2 ** 40), 5]), i32: torch.tensor([1, -2], { dtype: 'int32' }),
        flags: torch.tensor([true, false, true]), scalar: torch.tensor(1.5), empty: torch.zeros(0, 2),
        nested: [1, 2.5, 'h\u00e9', null, false, { k: [torch.ones(1)] }], intKeys: new Map([[3, 'x']]),
        big: 2n ** 70n, bytes: new Uint8Array([0, 255, 7]),
      },
    };
    const script = [
      'import json, sys, torch',
      `sys.path.insert(0, ${JSON.stringify(join(here, '..', '..', 'tools', 'oracle'))})`,
      'from serialize import enc_value, load_weights_only',
      'out = {}',
      'for n, p in json.loads(sys.argv[1]).items():',
      '    obj, strict = load_weights_only(p)',
      '    out[n] = [enc_value(obj, {}), strict]',
      'print(json.dumps(out))',
    ].join('\n');
    const paths: Record<string, string> = {};
    for (const [name, obj] of Object.entries(objects)) {
      paths[name] = join(dir, `${name}.pt`);
      torch.save(obj, paths[name]);
    }
    const py = JSON.parse(execFileSync(PY, ['-c', script, JSON.stringify(paths)], { encoding: 'utf8' })) as
      Record<string, [Expected, boolean]>;
    for (const name of Object.keys(objects)) checkLoaded(py[name][0], torch.load(paths[name]), name);
    // A state_dict holds no floats, so even 1.13's weights_only unpickler must take it as it is.
    assert.equal(py.lenet[1], true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
