// Memory bench: 2,000 training steps of a small MLP on random data (batch 32), sampling the RSS every
// 100 steps, to check that a long training loop does not leak. Run: npx tsx bench/memory.ts
import * as torch from '../src/index.js';

const { nn } = torch;
const F = nn.functional;

const STEPS = 2000;
const EVERY = 100;
const WARMUP = 1000;

class MLP extends nn.Module {
  declare layers: torch.nn.Sequential;

  constructor() {
    super();
    this.layers = new nn.Sequential(
      new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 64), new nn.ReLU(), new nn.Linear(64, 10),
    );
  }

  override forward(x: torch.Tensor): torch.Tensor { return this.layers.forward(x); }
}

torch.manual_seed(0);
const model = new MLP();
const optimizer = new torch.optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
const x = torch.randn(32, 784);
const y = torch.randint(0, 10, [32]);
const mb = (): number => process.memoryUsage().rss / 2 ** 20;

const samples: [number, number][] = [[0, mb()]];
const t0 = performance.now();
for (let step = 1; step <= STEPS; step++) {
  optimizer.zero_grad();
  const loss = F.cross_entropy(model.forward(x), y);
  loss.backward();
  optimizer.step();
  if (step % EVERY === 0) samples.push([step, mb()]);
}
const secs = (performance.now() - t0) / 1000;

console.log(`${STEPS} steps in ${secs.toFixed(1)} s (${((secs * 1000) / STEPS).toFixed(2)} ms/step)`);
console.log('step   RSS (MB)');
for (const [step, rss] of samples) console.log(`${String(step).padStart(4)}   ${rss.toFixed(1)}`);
const atWarmup = samples.find(([s]) => s === WARMUP)![1];
const lateMax = Math.max(...samples.filter(([s]) => s > WARMUP).map(([, r]) => r));
const growth = lateMax - atWarmup;
const flat = growth <= Math.max(10, atWarmup * 0.05);
console.log(`RSS at step ${WARMUP}: ${atWarmup.toFixed(1)} MB; max over steps ${WARMUP + 1}-${STEPS}: ` +
  `${lateMax.toFixed(1)} MB (${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MB)`);
console.log(flat ? 'flat after warm-up: yes' : 'flat after warm-up: NO (RSS still grows)');
