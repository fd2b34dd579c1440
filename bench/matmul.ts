// Benchmark of the reference gemm (src/backend/reference/matmul.ts): median GFLOP/s for square
// products, with single-threaded PyTorch measured in the same run for context.
// Run: npx tsx bench/matmul.ts
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { gemm, type FloatArray } from '../src/backend/reference/matmul.js';

type Dtype = 'float32' | 'float64';

/** One product to time: C[M, N] = A[M, K] @ B[K, N], A transposed if `transA`. */
interface Shape {
  label: string;
  M: number;
  N: number;
  K: number;
  transA: boolean;
}

const square = (n: number): Shape => ({ label: `${n}x${n}x${n}`, M: n, N: n, K: n, transA: false });
const shapes: Shape[] = [
  square(256),
  square(512),
  square(1024),
  { label: '512x512x512, A transposed', M: 512, N: 512, K: 512, transA: true },
  square(64),
  { label: 'matvec 1024x1024 @ 1024', M: 1024, N: 1, K: 1024, transA: false },
  { label: 'vecmat 1 x 1024 @ 1024x1024', M: 1, N: 1024, K: 1024, transA: false },
];
const dtypes: Dtype[] = ['float32', 'float64'];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** Median GFLOP/s of tstorch's gemm: warm up, then time for half a second (at least 5 runs). */
function timeGemm(s: Shape, dtype: Dtype): number {
  const T = dtype === 'float32' ? Float32Array : Float64Array;
  const a: FloatArray = new T(s.M * s.K).map(() => Math.random());
  const b: FloatArray = new T(s.K * s.N).map(() => Math.random());
  const c: FloatArray = new T(s.M * s.N);
  const [ars, acs] = s.transA ? [1, s.M] : [s.K, 1];
  const run = () => gemm(1, s.M, s.N, s.K, a, 0, 0, ars, acs, b, 0, 0, s.N, 1, c, 0);
  const flops = 2 * s.M * s.N * s.K;
  // Small products repeat inside one timing so that timer resolution does not matter.
  const inner = Math.max(1, Math.floor(2e7 / flops));
  const times: number[] = [];
  for (let i = 0; i < (flops < 1e8 ? 3 : 1); i++) run();
  const start = performance.now();
  while (times.length < 5 || (performance.now() - start < 500 && times.length < 50)) {
    const t0 = performance.now();
    for (let i = 0; i < inner; i++) run();
    times.push((performance.now() - t0) / inner);
  }
  return flops / median(times) / 1e6;
}

const torchScript = `
import json, sys, time, torch
torch.set_num_threads(1)
out = {}
for label, M, N, K, trans in json.loads(sys.argv[1]):
    for name, dt in (('float32', torch.float32), ('float64', torch.float64)):
        a = torch.rand(K, M, dtype=dt).t() if trans else torch.rand(M, K, dtype=dt)
        b = torch.rand(K, N, dtype=dt)
        flops = 2 * M * N * K
        inner = max(1, int(2e7 // flops))
        for _ in range(3 if flops < 1e8 else 1):
            torch.mm(a, b)
        times = []
        start = time.perf_counter()
        while len(times) < 5 or (time.perf_counter() - start < 0.5 and len(times) < 50):
            t0 = time.perf_counter()
            for _ in range(inner):
                torch.mm(a, b)
            times.append((time.perf_counter() - t0) / inner)
        times.sort()
        out[label + '/' + name] = flops / times[len(times) // 2] / 1e9
blas = [w for w in torch.__config__.show().replace(',', ' ').split() if w.startswith('BLAS_INFO=')]
print(json.dumps({'version': torch.__version__, 'blas': blas[0][10:] if blas else '?', 'gflops': out}))
`;

/** PyTorch's single-thread GFLOP/s per shape and dtype, or a reason it is unavailable. */
function timeTorch(): { version: string; blas: string; gflops: Record<string, number> } | string {
  const python = '/usr/bin/python3';
  if (!existsSync(python)) return `${python} not found`;
  const arg = JSON.stringify(shapes.map((s) => [s.label, s.M, s.N, s.K, s.transA]));
  const r = spawnSync(python, ['-c', torchScript, arg], { encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) {
    const last = (r.stderr || '').trim().split('\n').pop() ?? '';
    return last.includes('torch') ? 'torch is not installed' : `python failed: ${last}`;
  }
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}');
}

function main(): void {
  console.log(`tstorch reference gemm, Node ${process.version}, single thread; median GFLOP/s (2*M*N*K/s)`);
  const ours = new Map<string, number>();
  for (const s of shapes) for (const d of dtypes) ours.set(`${s.label}/${d}`, timeGemm(s, d));
  const torch = timeTorch();
  const hasTorch = typeof torch !== 'string';
  const cols = ['shape (M x N x K)', 'tstorch f32', 'tstorch f64'];
  if (hasTorch) cols.push(`torch ${torch.version} f32`, 'torch f64');
  const rows = shapes.map((s) => {
    const row = [s.label, ...dtypes.map((d) => ours.get(`${s.label}/${d}`)!.toFixed(2))];
    if (hasTorch) row.push(...dtypes.map((d) => torch.gflops[`${s.label}/${d}`].toFixed(2)));
    return row;
  });
  const widths = cols.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i].length)));
  const cell = (x: string, i: number) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]));
  const line = (r: string[]) => r.map(cell).join('  ');
  console.log(line(cols));
  for (const r of rows) console.log(line(r));
  if (hasTorch) console.log(`(torch: torch.set_num_threads(1), BLAS_INFO=${torch.blas})`);
  else console.log(`(PyTorch comparison skipped: ${torch})`);
}

main();
