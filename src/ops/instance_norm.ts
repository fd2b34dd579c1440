// Instance normalisation (ATen/native/Normalization.cpp instance_norm and the front end of
// torch/nn/functional.py): batch_norm over the input viewed as [1, N*C, ...], with weight, bias
// and running statistics repeated N times; the running statistics are averaged back over N.
import { no_grad } from '../autograd/grad_mode.js';
import { Tensor } from '../tensor/tensor.js';
import { ValueError, check } from '../utils/check.js';
import { batch_norm } from './normalization.js';

/** torch.nn.functional.instance_norm's keyword arguments. */
export interface InstanceNormOptions {
  running_mean?: Tensor | null;
  running_var?: Tensor | null;
  weight?: Tensor | null;
  bias?: Tensor | null;
  use_input_stats?: boolean;
  momentum?: number;
  eps?: number;
}

type InArg = Tensor | null | boolean | number | InstanceNormOptions | undefined;

const NAMES = ['running_mean', 'running_var', 'weight', 'bias', 'use_input_stats', 'momentum', 'eps'];

/** torch.Size's repr, as Python's f-string prints it. */
function torchSize(shape: readonly number[]): string {
  return `torch.Size([${shape.join(', ')}])`;
}

/**
 * torch.nn.functional.instance_norm(input, running_mean=null, running_var=null, weight=null,
 * bias=null, use_input_stats=true, momentum=0.1, eps=1e-5): normalises each (sample, channel)
 * over its spatial positions.
 * @example instance_norm(torch.randn(2, 3, 5)).mean(-1) // ~0 per (sample, channel)
 */
export function instance_norm(input: Tensor, ...args: InArg[]): Tensor {
  const o: Record<string, unknown> = {};
  args.forEach((v, i) => {
    if (v !== null && typeof v === 'object' && !(v instanceof Tensor)) Object.assign(o, v);
    else if (v !== undefined) o[NAMES[i]] = v;
  });
  const rm = (o.running_mean ?? null) as Tensor | null;
  const rv = (o.running_var ?? null) as Tensor | null;
  const w = (o.weight ?? null) as Tensor | null;
  const b = (o.bias ?? null) as Tensor | null;
  const useStats = (o.use_input_stats ?? true) as boolean;
  if (useStats) {
    const spatial = input._shape.slice(2).reduce((a, c) => a * c, 1);
    check(spatial !== 1, () =>
      `Expected more than 1 spatial element when training, got input size ${torchSize(input._shape)}`,
    ValueError);
  }
  check(useStats || (rm !== null && rv !== null), () =>
    'Expected running_mean and running_var to be defined when use_input_stats is false');
  const [n, c] = [input.size(0), input.size(1)];
  const rep = (t: Tensor | null): Tensor | null => (t === null ? null : t.repeat(n));
  const rm2 = rep(rm);
  const rv2 = rep(rv);
  const shape = [1, n * c, ...input._shape.slice(2)];
  const out = batch_norm(input.contiguous().view(shape), rm2, rv2, rep(w), rep(b), useStats,
    (o.momentum ?? 0.1) as number, (o.eps ?? 1e-5) as number);
  no_grad(() => {
    if (rm !== null) rm.copy_(rm2!.view([n, c]).mean(0));
    if (rv !== null) rv.copy_(rv2!.view([n, c]).mean(0));
  });
  return out.view(input._shape);
}
