// torch.group_norm / native_group_norm (ATen/native/group_norm.cpp): normalises each group of
// channels per sample, then applies a per-channel affine, as one NativeGroupNormBackward0 node.
// Statistics are taken in float64; when a graph is being built (create_graph) backward
// recomputes them from the input with differentiable ops, so double backward is exact.
import { is_grad_enabled, no_grad } from '../autograd/grad_mode.js';
import { float64 } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { fmtShape } from '../tensor/view.js';
import { check } from '../utils/check.js';
import { defineOp } from './define.js';

/** [N, G, rest] and the per-channel broadcast shape [C, 1, ...] of an (N, C, *) input. */
function groupShapes(x: Tensor, G: number): [number[], number[]] {
  const N = x._shape[0];
  const C = x._shape[1];
  const inner = x.numel() / Math.max(N * G, 1);
  return [[N, G, inner], [C, ...x._shape.slice(2).map(() => 1)]];
}

const groupNormOp = defineOp({
  name: 'NativeGroupNormBackward0',
  inputs: [0, 1, 2],
  forward(ctx, x: Tensor, w: Tensor | null, b: Tensor | null, G: number, eps: number) {
    const [gs, bc] = groupShapes(x, G);
    return no_grad(() => {
      const xr = x.to(float64).reshape(gs);
      const mean = xr.mean(-1, true);
      const rstd = xr.sub(mean).square().mean(-1, true).add(eps).rsqrt();
      let y = xr.sub(mean).mul(rstd).reshape(x._shape);
      if (w !== null) y = y.mul(w.to(float64).reshape(bc));
      if (b !== null) y = y.add(b.to(float64).reshape(bc));
      Object.assign(ctx, { G, eps });
      ctx.save_for_backward(x, w, mean.to(x.dtype), rstd.to(x.dtype));
      return y.to(x.dtype);
    });
  },
  backward(ctx, g) {
    const [x, w, mean, rstd] = ctx.saved_tensors;
    const [gs, bc] = groupShapes(x, ctx.G as number);
    const need = ctx.needs_input_grad;
    const xr = x.reshape(gs);
    let xc: Tensor;
    let istd: Tensor;
    if (is_grad_enabled()) {
      xc = xr.sub(xr.mean(-1, true));
      istd = xc.square().mean(-1, true).add(ctx.eps as number).rsqrt();
    } else {
      xc = xr.sub(mean);
      istd = rstd;
    }
    const xhat = xc.mul(istd);
    const chanDims = x._shape.map((_, i) => i).filter((i) => i !== 1);
    let gx: Tensor | null = null;
    if (need[0]) {
      const gxhat = (w === null ? g : g.mul(w.reshape(bc))).reshape(gs);
      const m1 = gxhat.mean(-1, true);
      const m2 = gxhat.mul(xhat).mean(-1, true);
      gx = gxhat.sub(m1).sub(xhat.mul(m2)).mul(istd).reshape(x._shape);
    }
    const gw = need[1] ? g.mul(xhat.reshape(x._shape)).sum(chanDims) : null;
    const gb = need[2] ? g.sum(chanDims) : null;
    return [gx, gw, gb];
  },
});

function checkAffine(name: string, t: Tensor | null, x: Tensor): void {
  const C = x._shape[1];
  check(t === null || (t.dim() === 1 && t.numel() === C), () =>
    `Expected ${name} to be a vector of size equal to the number of channels in input, but got ${name} of ` +
    `shape ${fmtShape(t!._shape)} and input of shape ${fmtShape(x._shape)}`);
}

/**
 * torch.group_norm(input, num_groups, weight=None, bias=None, eps=1e-5) for an (N, C, *) input.
 * @example group_norm(torch.randn(2, 4, 3), 2).shape // torch.Size([2, 4, 3])
 */
export function group_norm(input: Tensor, num_groups: number, weight: Tensor | null = null,
  bias: Tensor | null = null, eps = 1e-5): Tensor {
  check(input.dim() >= 2, () =>
    `Expected at least 2 dimensions for input tensor but received ${input.dim()}`);
  check(input._shape[1] % num_groups === 0, () =>
    'Expected number of channels in input to be divisible by num_groups, but got input of shape ' +
    `${fmtShape(input._shape)} and num_groups=${num_groups}`);
  checkAffine('weight', weight, input);
  checkAffine('bias', bias, input);
  return groupNormOp(input, weight, bias, num_groups, eps);
}
