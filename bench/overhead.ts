// `npx tsx bench/overhead.ts`: the TypeScript layer's per-op cost, on workloads so small that
// kernels are negligible: tiny x.add(y) with and without autograd, a tiny MLP SGD step,
// LeNet forward/training at batch 1. Prints CPU microseconds per call (median of several
// rounds; CPU time rather than wall time so that other processes on the machine matter less).
// With --pytorch, runs the same workloads on PyTorch (bench/overhead_pytorch.py via /usr/bin/python3)
// first and prints both columns. Options: --backend native|reference --rounds 7 --filter LeNet --pytorch
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as torch from '../src/index.js';

const { nn } = torch;
const F = nn.functional;
type Tensor = torch.Tensor;

class LeNet extends nn.Module {
  conv1 = new nn.Conv2d(3, 6, 5);
  conv2 = new nn.Conv2d(6, 16, 5);
  fc1 = new nn.Linear(16 * 5 * 5, 120);
  fc2 = new nn.Linear(120, 84);
  fc3 = new nn.Linear(84, 10);
  override forward(x: Tensor): Tensor {
    x = F.max_pool2d(F.relu(this.conv1.forward(x)), 2);
    x = F.max_pool2d(F.relu(this.conv2.forward(x)), 2);
    x = x.flatten(1);
    x = F.relu(this.fc1.forward(x));
    x = F.relu(this.fc2.forward(x));
    return this.fc3.forward(x);
  }
}

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}

/** Microseconds of this process's CPU time (robust to other processes sharing the cores). */
function cpuNow(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/**
 * Median over `rounds` of the mean CPU time per call of `fn` (µs), each round ~`ms` long,
 * after `warmupMs` of calls: V8 needs about a second of a training step before its optimized
 * code settles (the first rounds run up to 20x slower).
 */
function measure(fn: () => void, rounds: number, ms = 150, warmupMs = 1500): number {
  let n = 0;
  for (let t0 = performance.now(); performance.now() - t0 < warmupMs; n++) fn();
  n = Math.max(1, Math.ceil((n * ms) / warmupMs / 4));
  const per: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    const c0 = cpuNow();
    let k = 0;
    while (performance.now() - t0 < ms) {
      for (let i = 0; i < n; i++) fn();
      k += n;
    }
    per.push((cpuNow() - c0) / k);
  }
  per.sort((a, b) => a - b);
  return per[per.length >> 1];
}

function workloads(): [string, () => void][] {
  const a = torch.randn(4);
  const b = torch.randn(4);
  const ag = torch.randn(4, { requires_grad: true });
  const mlp = new nn.Sequential(new nn.Linear(8, 8), new nn.ReLU(), new nn.Linear(8, 8), new nn.ReLU(),
    new nn.Linear(8, 4));
  const mopt = new torch.optim.SGD(mlp.parameters(), { lr: 0.01 });
  const xm = torch.randn(4, 8);
  const ym = torch.randint(0, 4, [4]);
  const lenet = new LeNet();
  const lopt = new torch.optim.SGD(lenet.parameters(), { lr: 0.01 });
  const x1 = torch.randn(1, 3, 32, 32);
  const y1 = torch.randint(0, 10, [1]);
  return [
    ['add (no grad)', () => void a.add(b)],
    ['add (requires_grad)', () => void ag.add(b)],
    ['mul (no grad)', () => void a.mul(b)],
    ['relu (no grad)', () => void a.relu()],
    ['tiny MLP 8-8-8-4 SGD step, batch 4', () => {
      mopt.zero_grad();
      F.cross_entropy(mlp.forward(xm) as Tensor, ym).backward();
      mopt.step();
    }],
    ['LeNet forward, batch 1, no_grad', () => void torch.no_grad(() => lenet.forward(x1))],
    ['LeNet SGD step, batch 1', () => {
      lopt.zero_grad();
      F.cross_entropy(lenet.forward(x1), y1).backward();
      lopt.step();
    }],
  ];
}

/** PyTorch's CPU µs per call for each workload name, or an empty map if it cannot run. */
function pytorchTimes(rounds: number): Map<string, number> {
  const script = resolve(dirname(fileURLToPath(import.meta.url)), 'overhead_pytorch.py');
  const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' };
  const r = spawnSync('/usr/bin/python3', [script, String(rounds)], { encoding: 'utf8', env });
  if (r.status !== 0) {
    console.log(`(PyTorch run failed: ${(r.stderr || String(r.error)).trim().split('\n').pop()})`);
    return new Map();
  }
  return new Map(r.stdout.trim().split('\n').map((l) => {
    const [name, us] = l.split('\t');
    return [name, Number(us)] as [string, number];
  }));
}

torch.set_num_threads(1);
const backend = arg('backend', '');
if (backend) torch.backends.set_backend(backend as 'native' | 'reference');
const rounds = Number(arg('rounds', '7'));
const filter = arg('filter', '');
const py = process.argv.includes('--pytorch') ? pytorchTimes(rounds) : new Map<string, number>();
console.log(`backend ${torch.backends.get_backend()}, CPU µs per call (median of ${rounds} rounds)`);
console.log(`${'workload'.padEnd(40)} ${'tstorch'.padStart(9)}${py.size ? ' PyTorch   ratio' : ''}`);
for (const [name, fn] of workloads()) {
  if (!name.includes(filter)) continue;
  const ours = measure(fn, rounds);
  const theirs = py.get(name);
  const ratio = theirs === undefined ? '' : ` ${(ours / theirs).toFixed(2)}x`;
  const extra = theirs === undefined ? '' : ` ${theirs.toFixed(2).padStart(9)}${ratio}`;
  console.log(`${name.padEnd(40)} ${ours.toFixed(2).padStart(9)}${extra}`);
}
