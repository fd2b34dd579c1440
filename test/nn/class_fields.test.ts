// Registration must not depend on how TypeScript class fields are emitted: the same module source
// is compiled by tsc (useDefineForClassFields on and off, ES2022 and lowered ES2020) and by esbuild
// (the same switches), then run, and every build must register the same parameters and modules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { transformSync } from 'esbuild';

const TSTORCH = new URL('../../src/index.ts', import.meta.url).href;

const SOURCE = `
import * as torch from '${TSTORCH}';
const nn = torch.nn;

class Block extends nn.Module {
  w!: torch.nn.Parameter;
  b = new nn.Parameter(torch.zeros(2));
  running!: torch.Tensor;
  label: string = 'block';

  constructor() {
    super();
    this.w = new nn.Parameter(torch.ones(2, 2));
    this.register_buffer('running', torch.zeros(2));
  }

  override forward(x: torch.Tensor): torch.Tensor {
    return x.matmul(this.w).add(this.b);
  }
}

class Net extends nn.Module {
  fc!: Block;
  head = new Block();
  seq: torch.nn.Sequential;
  declare extra: Block;
  act: torch.nn.Module | null = null;

  constructor() {
    super();
    this.fc = new Block();
    this.seq = new nn.Sequential(new Block());
    this.extra = new Block();
    this.act = new Block();
  }
}

class Sub extends Net {
  fc!: Block;
  scale = 2;
}

function summary(m: torch.nn.Module) {
  const any = m as unknown as Record<string, torch.nn.Module>;
  return {
    modules: [...m._modules.keys()],
    params: [...m._parameters.keys()],
    blockParams: [...any.fc._parameters.keys()],
    blockBuffers: [...any.fc._buffers.keys()],
    label: (any.fc as unknown as { label: string }).label,
    count: [...m.parameters()].length,
    state: [...m.state_dict().keys()],
    fcIsBlock: any.fc instanceof Block && any.fc === m._modules.get('fc'),
    out: (any.fc.forward(torch.ones(1, 2)) as torch.Tensor).tolist(),
  };
}

export function run() {
  const sub = new Sub();
  return { net: summary(new Net()), sub: summary(sub), scale: sub.scale };
}
`;

type Build = (src: string) => string;

const tsc = (useDefine: boolean, target: ts.ScriptTarget): Build => (src) =>
  ts.transpileModule(src, {
    compilerOptions: {
      target, module: ts.ModuleKind.ESNext, useDefineForClassFields: useDefine, strict: true,
    },
  }).outputText;

const esb = (useDefine: boolean | undefined, target: string): Build => (src) =>
  transformSync(src, {
    loader: 'ts', format: 'esm', target,
    tsconfigRaw: useDefine === undefined ? {} : { compilerOptions: { useDefineForClassFields: useDefine } },
  }).code;

const BUILDS: [string, Build][] = [
  ['tsc, useDefineForClassFields: true, ES2022', tsc(true, ts.ScriptTarget.ES2022)],
  ['tsc, useDefineForClassFields: false, ES2022', tsc(false, ts.ScriptTarget.ES2022)],
  ['tsc, useDefineForClassFields: true, ES2020 (Object.defineProperty)', tsc(true, ts.ScriptTarget.ES2020)],
  ['esbuild, useDefineForClassFields: true, es2022', esb(true, 'es2022')],
  ['esbuild, useDefineForClassFields: false, es2022', esb(false, 'es2022')],
  ['esbuild, default settings, es2022', esb(undefined, 'es2022')],
  ['esbuild, useDefineForClassFields: true, es2020 (__publicField)', esb(true, 'es2020')],
];

const BLOCK_STATE = ['b', 'w', 'running'];
const EXPECTED_MODULES = ['head', 'fc', 'seq', 'extra', 'act'];
const EXPECTED_STATE = EXPECTED_MODULES.flatMap((m) =>
  BLOCK_STATE.map((k) => (m === 'seq' ? `seq.0.${k}` : `${m}.${k}`)));

interface Summary {
  modules: string[];
  params: string[];
  blockParams: string[];
  blockBuffers: string[];
  label: string;
  count: number;
  state: string[];
  fcIsBlock: boolean;
  out: number[][];
}

const dir = mkdtempSync(join(tmpdir(), 'tstorch-fields-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

BUILDS.forEach(([name, build], i) => {
  test(`class fields register under ${name}`, async () => {
    const file = join(dir, `build${i}.mjs`);
    writeFileSync(file, build(SOURCE));
    const mod = (await import(pathToFileURL(file).href)) as {
      run(): { net: Summary; sub: Summary; scale: number };
    };
    const { net, sub, scale } = mod.run();
    for (const s of [net, sub]) {
      assert.deepEqual(s.modules, EXPECTED_MODULES);
      assert.deepEqual(s.params, []);
      assert.deepEqual(s.blockParams, ['b', 'w']);
      assert.deepEqual(s.blockBuffers, ['running']);
      assert.equal(s.label, 'block');
      assert.equal(s.count, 10);
      assert.deepEqual(s.state, EXPECTED_STATE);
      assert.equal(s.fcIsBlock, true);
      assert.deepEqual(s.out, [[2, 2]]);
    }
    assert.equal(scale, 2);
  });
});
