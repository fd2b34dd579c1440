// Upsampling modules (torch/nn/modules/upsampling.py): Upsample, UpsamplingNearest2d,
// UpsamplingBilinear2d. Each holds its arguments and calls F.interpolate.
import { Tensor } from '../../tensor/tensor.js';
import { py, pyFloat, pyStr } from '../../utils/python.js';
import { Module } from './module.js';
import * as F from '../functional.js';
import type { InterpolateMode } from '../../ops/upsample.js';

export type SizeArg = number | readonly number[];

/** nn.Upsample's keyword arguments. */
export interface UpsampleOptions {
  size?: SizeArg | null;
  scale_factor?: SizeArg | null;
  mode?: InterpolateMode;
  align_corners?: boolean | null;
  recompute_scale_factor?: boolean | null;
}

/**
 * nn.Upsample(size=null, scale_factor=null, mode='nearest', align_corners=null,
 * recompute_scale_factor=null)
 * @example
 * new nn.Upsample({ scale_factor: 2, mode: 'bilinear' }) // Upsample(scale_factor=2.0, mode='bilinear')
 */
export class Upsample extends Module {
  name: string;
  size: SizeArg | null;
  scale_factor: SizeArg | null;
  mode: InterpolateMode;
  align_corners: boolean | null;
  recompute_scale_factor: boolean | null;

  constructor(size: SizeArg | null | UpsampleOptions = null, scale_factor: SizeArg | null = null,
    mode: InterpolateMode = 'nearest', align_corners: boolean | null = null,
    recompute_scale_factor: boolean | null = null) {
    super();
    const o: UpsampleOptions = size !== null && typeof size === 'object' && !Array.isArray(size)
      ? (size as UpsampleOptions)
      : { size: size as SizeArg | null, scale_factor, mode, align_corners, recompute_scale_factor };
    this.name = this.constructor.name;
    this.size = o.size ?? null;
    // Python keeps the factors as floats (float(scale_factor)); 0 counts as not given.
    this.scale_factor = o.scale_factor ? o.scale_factor : null;
    this.mode = o.mode ?? 'nearest';
    this.align_corners = o.align_corners ?? null;
    this.recompute_scale_factor = o.recompute_scale_factor ?? null;
  }

  override forward(input: Tensor): Tensor {
    return F.interpolate(input, this.size, this.scale_factor, this.mode, this.align_corners,
      { recompute_scale_factor: this.recompute_scale_factor });
  }

  override extra_repr(): string {
    const sf = this.scale_factor;
    let info: string;
    if (sf !== null) {
      info = `scale_factor=${typeof sf === 'number' ? pyFloat(sf) : `(${sf.map(pyFloat).join(', ')})`}`;
    } else {
      info = `size=${py(this.size)}`;
    }
    return `${info}, mode=${pyStr(this.mode)}`;
  }
}

function sizeOpts(size: SizeArg | null | { size?: SizeArg | null; scale_factor?: SizeArg | null },
  scale_factor: SizeArg | null): [SizeArg | null, SizeArg | null] {
  if (size !== null && typeof size === 'object' && !Array.isArray(size)) {
    const o = size as { size?: SizeArg | null; scale_factor?: SizeArg | null };
    return [o.size ?? null, o.scale_factor ?? null];
  }
  return [size as SizeArg | null, scale_factor];
}

/**
 * nn.UpsamplingNearest2d(size=null, scale_factor=null): Upsample with mode 'nearest'.
 * @example new nn.UpsamplingNearest2d({ scale_factor: 2 })
 */
export class UpsamplingNearest2d extends Upsample {
  constructor(size: SizeArg | null | { size?: SizeArg | null; scale_factor?: SizeArg | null } = null,
    scale_factor: SizeArg | null = null) {
    const [s, f] = sizeOpts(size, scale_factor);
    super(s, f, 'nearest');
  }
}

/**
 * nn.UpsamplingBilinear2d(size=null, scale_factor=null): Upsample with mode 'bilinear' and
 * align_corners=True.
 * @example new nn.UpsamplingBilinear2d({ scale_factor: 2 })
 */
export class UpsamplingBilinear2d extends Upsample {
  constructor(size: SizeArg | null | { size?: SizeArg | null; scale_factor?: SizeArg | null } = null,
    scale_factor: SizeArg | null = null) {
    const [s, f] = sizeOpts(size, scale_factor);
    super(s, f, 'bilinear', true);
  }
}
