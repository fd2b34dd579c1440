// Pixel shuffle modules (torch/nn/modules/pixelshuffle.py): PixelShuffle, PixelUnshuffle.
import { Tensor } from '../../tensor/tensor.js';
import { Module } from './module.js';
import * as F from '../functional.js';

/**
 * nn.PixelShuffle(upscale_factor): [*, C*r^2, H, W] -> [*, C, H*r, W*r].
 * @example new nn.PixelShuffle(3) // PixelShuffle(upscale_factor=3)
 */
export class PixelShuffle extends Module {
  upscale_factor: number;

  constructor(upscale_factor: number | { upscale_factor: number }) {
    super();
    this.upscale_factor = typeof upscale_factor === 'number' ? upscale_factor : upscale_factor.upscale_factor;
  }

  override forward(input: Tensor): Tensor {
    return F.pixel_shuffle(input, this.upscale_factor);
  }

  override extra_repr(): string {
    return `upscale_factor=${this.upscale_factor}`;
  }
}

/**
 * nn.PixelUnshuffle(downscale_factor): [*, C, H*r, W*r] -> [*, C*r^2, H, W].
 * @example new nn.PixelUnshuffle(2) // PixelUnshuffle(downscale_factor=2)
 */
export class PixelUnshuffle extends Module {
  downscale_factor: number;

  constructor(downscale_factor: number | { downscale_factor: number }) {
    super();
    this.downscale_factor = typeof downscale_factor === 'number' ? downscale_factor
      : downscale_factor.downscale_factor;
  }

  override forward(input: Tensor): Tensor {
    return F.pixel_unshuffle(input, this.downscale_factor);
  }

  override extra_repr(): string {
    return `downscale_factor=${this.downscale_factor}`;
  }
}
