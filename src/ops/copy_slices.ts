// CopySlices and the view regenerated after an in-place op on a view
// (torch/csrc/autograd/functions/tensor.cpp: CopySlices; AsStridedBackward0).
import { Node } from '../autograd/node.js';
import { is_grad_enabled, no_grad } from '../autograd/grad_mode.js';
import type { DType } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { check } from '../utils/check.js';
import { defineOp } from './define.js';

/** Where a view sits in its (contiguous) base: shape, strides and offset in elements. */
export interface ViewGeometry {
  shape: number[];
  strides: number[];
  offset: number;
}

function region(t: Tensor, g: ViewGeometry): Tensor {
  return t._view(g.shape, g.strides, t._offset + g.offset);
}

/**
 * The grad_fn of a base whose view was modified in place: the gradient for the viewed region
 * goes through the in-place op's node; the rest flows to the base's old history.
 */
export class CopySlices extends Node {
  constructor(
    private readonly fn: Node | null,
    private readonly geom: ViewGeometry,
    private readonly baseShape: number[],
    private readonly baseDtype: DType,
  ) {
    super();
  }

  name(): string {
    return 'CopySlices';
  }

  get num_outputs(): number {
    return 1;
  }

  apply(grads: (Tensor | null)[]): (Tensor | null)[] {
    check(!is_grad_enabled(), () =>
      'double backward through an in-place operation on a view is not supported by tstorch yet');
    const g = grads[0] ?? Tensor._zeros(this.baseShape, this.baseDtype);
    return no_grad(() => {
      const gBase = g.contiguous() === g ? g.clone() : g.contiguous();
      const gRegion = region(gBase, this.geom);
      const res = this.fn ? this.fn.apply([gRegion.clone()]) : [];
      const gSelf = res[0] ?? null;
      if (gSelf) gRegion.copy_(gSelf);
      else gRegion.zero_();
      return [gBase, ...res.slice(1)];
    });
  }

  override release(): void {
    this.fn?.release();
  }
}

const asStridedImpl = defineOp({
  name: 'AsStridedBackward0',
  forward(ctx, base: Tensor, geom: ViewGeometry) {
    Object.assign(ctx, { geom, shape: base._shape.slice(), dtype: base.dtype });
    return region(base, geom);
  },
  backward(ctx, g) {
    const out = Tensor._zeros(ctx.shape as number[], ctx.dtype as DType);
    no_grad(() => region(out, ctx.geom as ViewGeometry).copy_(g));
    return [out];
  },
});

/** A view of `base` at `geom`, recorded as AsStridedBackward0 of base's history. */
export function asStridedView(base: Tensor, geom: ViewGeometry): Tensor {
  return asStridedImpl(base, geom);
}
