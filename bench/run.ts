// `npm run bench`: times five workloads (matmul, conv2d, UNet's doubleConv block, LeNet, an MLP)
// on tstorch and, when /usr/bin/python3 has torch, on PyTorch (bench/pytorch_bench.py),
// alternating the two in short batches, with a pause between them, for fairness; prints a
// markdown table of medians and writes bench/results/latest.md.
// Options: --threads 1,2   --filter W2   --quick
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createInterface, type Interface } from 'node:readline';
import { dirname, resolve } from 'node:path';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as torch from '../src/index.js';
import { LeNet } from '../examples/models/lenet.js';
import { doubleConv } from '../examples/models/unet.js';

const { nn } = torch;
const F = nn.functional;
type Tensor = torch.Tensor;
const here = dirname(fileURLToPath(import.meta.url));

type Fn = () => void;

function matmul(n: number): Fn {
  const a = torch.rand(n, n);
  const b = torch.rand(n, n);
  return () => void torch.matmul(a, b);
}

function conv(shape: number[], out: number): Fn {
  const x = torch.rand(shape);
  const w = torch.rand(out, shape[1], 3, 3);
  const bias = torch.rand(out);
  return () => void F.conv2d(x, w, bias, { padding: 1 });
}

function trainStep(model: torch.nn.Module, x: Tensor, y: Tensor): Fn {
  const opt = new torch.optim.SGD(model.parameters(), { lr: 0.01 });
  return () => {
    opt.zero_grad();
    F.cross_entropy(model.forward(x) as Tensor, y).backward();
    opt.step();
  };
}

function doubleConvRun(train: boolean): Fn {
  const model = new doubleConv(8, 16);
  const x = torch.rand(4, 8, 128, 128);
  if (!train) {
    model.eval();
    return () => torch.no_grad(() => void model.forward(x));
  }
  model.train();
  return () => {
    model.zero_grad();
    model.forward(x).sum().backward();
  };
}

function lenetInfer(batch: number): Fn {
  const model = new LeNet();
  model.eval();
  const x = torch.rand(batch, 3, 32, 32);
  return () => torch.no_grad(() => void model.forward(x));
}

const mlp = () => new nn.Sequential(
  new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 256), new nn.ReLU(), new nn.Linear(256, 10));

/** Workload id -> builder; ids match bench/pytorch_bench.py. `flops` gives a GFLOP/s column. */
const WORKLOADS: { id: string; make: () => Fn; flops?: number }[] = [
  { id: 'W1 matmul 256', make: () => matmul(256), flops: 2 * 256 ** 3 },
  { id: 'W1 matmul 512', make: () => matmul(512), flops: 2 * 512 ** 3 },
  { id: 'W1 matmul 1024', make: () => matmul(1024), flops: 2 * 1024 ** 3 },
  { id: 'W2 conv [8,8,128,128]->16', make: () => conv([8, 8, 128, 128], 16) },
  { id: 'W2 conv [1,64,56,56]->64', make: () => conv([1, 64, 56, 56], 64) },
  { id: 'W2 conv [32,64,28,28]->64', make: () => conv([32, 64, 28, 28], 64) },
  { id: 'W3 doubleConv eval fwd', make: () => doubleConvRun(false) },
  { id: 'W3 doubleConv train fwd+bwd', make: () => doubleConvRun(true) },
  {
    id: 'W4 LeNet train step b64',
    make: () => trainStep(new LeNet(), torch.rand(64, 3, 32, 32), torch.randint(0, 10, [64])),
  },
  { id: 'W4 LeNet infer b1', make: () => lenetInfer(1) },
  { id: 'W4 LeNet infer b64', make: () => lenetInfer(64) },
  {
    id: 'W5 MLP train step b128',
    make: () => trainStep(mlp(), torch.rand(128, 784), torch.randint(0, 10, [128])),
  },
];

interface Options { threads: number[]; filter: string | null; quick: boolean }

function parseArgs(argv: string[]): Options {
  const opts: Options = { threads: [1, 2], filter: null, quick: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--threads') opts.threads = argv[++i].split(',').map(Number);
    else if (argv[i] === '--filter') opts.filter = argv[++i];
    else if (argv[i] === '--quick') opts.quick = true;
    else throw new Error(`unknown option ${argv[i]} (use --threads 1,2 --filter W2 --quick)`);
  }
  return opts;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Lets the other side's worker threads stop spinning before a batch starts (2 cores only). */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 150));

/** At least 3 calls and 0.5 s, as bench/pytorch_bench.py does before measuring. */
function warmUp(fn: Fn): void {
  const start = performance.now();
  for (let calls = 0; calls < 3 || performance.now() - start < 500; calls++) fn();
}

function timeBatch(fn: Fn, seconds: number, minReps: number): number[] {
  const times: number[] = [];
  const start = performance.now();
  while (times.length < minReps || (performance.now() - start < seconds * 1000 && times.length < 200)) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return times;
}

/** A persistent PyTorch process at a fixed thread count, answering one request at a time. */
class PyTorchWorker {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly lines: Interface;
  private readonly pending: { res: (line: string) => void; rej: (e: Error) => void }[] = [];
  private readonly queued: string[] = [];

  constructor(threads: number) {
    const n = String(threads);
    const env = { ...process.env, OPENBLAS_NUM_THREADS: n, OMP_NUM_THREADS: n, MKL_NUM_THREADS: n };
    this.proc = spawn('/usr/bin/python3', [resolve(here, 'pytorch_bench.py'), n], { env });
    this.proc.stderr.on('data', (d: Buffer) => process.stderr.write(d));
    this.lines = createInterface({ input: this.proc.stdout });
    this.lines.on('line', (l) => {
      const r = this.pending.shift();
      if (r) r.res(l);
      else this.queued.push(l);
    });
    this.proc.on('exit', (code) => {
      for (const p of this.pending.splice(0)) p.rej(new Error(`pytorch_bench.py exited (${code})`));
    });
  }

  next(): Promise<string> {
    const q = this.queued.shift();
    if (q !== undefined) return Promise.resolve(q);
    return new Promise((res, rej) => this.pending.push({ res, rej }));
  }

  async measure(id: string, seconds: number, minReps: number): Promise<number[]> {
    this.proc.stdin.write(JSON.stringify({ id, seconds, min_reps: minReps }) + '\n');
    return (JSON.parse(await this.next()) as { times: number[] }).times;
  }

  close(): void {
    this.proc.stdin.end();
    this.lines.close();
  }
}

function hasTorch(): boolean {
  const r = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' });
  return r.status === 0;
}

function cpuModel(): string {
  try {
    const m = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    return m ? m[1].trim() : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Node.js and V8 options of this process, without the TypeScript loader's own (`--import tsx`). */
function nodeFlags(): string {
  const loader = (a: string | undefined) => a !== undefined && /(^|[/\\])tsx([/\\]|$)/.test(a);
  return process.execArgv.filter((a, i, all) => !(a.startsWith('--') && loader(all[i + 1])) && !loader(a))
    .join(' ');
}

interface Row { id: string; threads: number; ts: number; py: number | null; flops?: number }

const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

function table(rows: Row[]): string {
  const out = [
    '| workload | threads | tstorch ms | PyTorch ms | tstorch / PyTorch | tstorch GFLOP/s | ' +
      'PyTorch GFLOP/s |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    const gf = (ms: number | null) => (r.flops && ms ? (r.flops / ms / 1e6).toFixed(1) : '');
    out.push(`| ${r.id} | ${r.threads} | ${fmt(r.ts)} | ${r.py === null ? '-' : fmt(r.py)} | ` +
      `${r.py === null ? '-' : (r.ts / r.py).toFixed(2)} | ${gf(r.ts)} | ${gf(r.py)} |`);
  }
  return out.join('\n');
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const work = WORKLOADS.filter((w) => !opts.filter || w.id.includes(opts.filter));
  const rounds = opts.quick ? 2 : 3;
  const seconds = opts.quick ? 0.1 : 0.3;
  const withTorch = hasTorch();
  const load = loadavg()[0].toFixed(2);
  let torchVersion = 'not available';
  const rows: Row[] = [];
  for (const threads of opts.threads) {
    torch.set_num_threads(threads);
    for (const w of work) {
      // A fresh PyTorch process per workload: OpenBLAS worker threads left busy-waiting by one
      // workload otherwise oversubscribe the cores under libgomp in the next (at 2 threads).
      const py = withTorch ? new PyTorchWorker(threads) : null;
      if (py) torchVersion = (JSON.parse(await py.next()) as { torch: string }).torch;
      const fn = w.make();
      // Warm-up: V8 compiles the hot paths over the first fraction of a second; PyTorch's side
      // warms up for as long (bench/pytorch_bench.py).
      warmUp(fn);
      const ts: number[] = [];
      const pt: number[] = [];
      // Alternate short batches so that load from other processes hits both sides alike.
      for (let r = 0; r < rounds; r++) {
        await settle();
        ts.push(...timeBatch(fn, seconds, 2));
        if (!py) continue;
        await settle();
        pt.push(...(await py.measure(w.id, seconds, 2)));
      }
      const row: Row = { id: w.id, threads, ts: median(ts), py: py ? median(pt) : null, flops: w.flops };
      rows.push(row);
      console.log(`${w.id} @${threads}t: tstorch ${fmt(row.ts)} ms` +
        (row.py === null ? '' : `, PyTorch ${fmt(row.py)} ms (ratio ${(row.ts / row.py).toFixed(2)})`));
      py?.close();
    }
  }
  const header = [
    `# tstorch benchmark`, '',
    `- date: ${new Date().toISOString()}`,
    `- CPU: ${cpuModel()} (load average ${load} at the start: other processes share the cores)`,
    `- tstorch backend: ${torch.backends.get_backend()} (isa ${torch.backends.native.isa()}); Node.js ` +
      `${process.version}${nodeFlags() ? ` with ${nodeFlags()} (see the README)` : ''}`,
    `- PyTorch: ${torchVersion}`,
    `- threads: ${opts.threads.join(', ')}${opts.quick ? ' (--quick)' : ''}; PyTorch: one process per ` +
      'workload, OMP/OPENBLAS/MKL_NUM_THREADS and torch.set_num_threads = threads',
    `- medians of ${rounds} alternating batches per side, times in ms`, '',
  ].join('\n');
  const md = `${header}\n${table(rows)}\n`;
  console.log(`\n${md}`);
  mkdirSync(resolve(here, 'results'), { recursive: true });
  writeFileSync(resolve(here, 'results', 'latest.md'), md);
}

await main();
