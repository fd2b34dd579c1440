// A small UNet built from the nn.Module tutorial's doubleConv: down path doubleConv + MaxPool2d(2),
// a bottleneck, up path ConvTranspose2d(k=2, s=2) + skip concatenation + doubleConv, 1x1 head.
import * as torch from '../../src/index.js';

const { nn } = torch;
type Tensor = torch.Tensor;

/**
 * The tutorial's block: (Conv2d 3x3 pad 1, BatchNorm2d, ReLU) twice, in one Sequential.
 * @example new doubleConv(8, 16).forward(torch.randn(1, 8, 4, 4)) // [1, 16, 4, 4]
 */
export class doubleConv extends nn.Module {
  declare doubleconv: torch.nn.Sequential;

  constructor(in_channel: number, out_channel: number) {
    super();
    this.doubleconv = new nn.Sequential(
      new nn.Conv2d(in_channel, out_channel, 3, { padding: 1 }),
      new nn.BatchNorm2d(out_channel),
      new nn.ReLU(true),
      new nn.Conv2d(out_channel, out_channel, 3, { padding: 1 }),
      new nn.BatchNorm2d(out_channel),
      new nn.ReLU(true),
    );
  }

  override forward(x: Tensor): Tensor {
    x = this.doubleconv.forward(x);
    return x;
  }
}

/**
 * UNet (https://arxiv.org/abs/1505.04597) with configurable widths; H and W must be divisible by
 * 2 ** features.length. The default is 3 -> 8/16/32 (bottleneck 64) -> 2 channels.
 * @example new UNet(3, 2, [8, 16, 32]).forward(torch.randn(2, 3, 32, 32)) // [2, 2, 32, 32]
 */
export class UNet extends nn.Module {
  declare downs: torch.nn.ModuleList<doubleConv>;
  declare ups: torch.nn.ModuleList<torch.nn.ConvTranspose2d | doubleConv>;
  declare pool: torch.nn.MaxPool2d;
  declare bottleneck: doubleConv;
  declare final_conv: torch.nn.Conv2d;

  constructor(in_channels = 3, out_channels = 2, features: readonly number[] = [8, 16, 32]) {
    super();
    this.downs = new nn.ModuleList<doubleConv>();
    this.ups = new nn.ModuleList<torch.nn.ConvTranspose2d | doubleConv>();
    this.pool = new nn.MaxPool2d(2, 2);

    // down path
    for (const feature of features) {
      this.downs.append(new doubleConv(in_channels, feature));
      in_channels = feature;
    }

    this.bottleneck = new doubleConv(features.at(-1)!, features.at(-1)! * 2);

    // up path: an upsampling ConvTranspose2d, then a doubleConv over [skip, upsampled]
    for (const feature of [...features].reverse()) {
      this.ups.append(new nn.ConvTranspose2d(feature * 2, feature, 2, { stride: 2 }));
      this.ups.append(new doubleConv(feature * 2, feature));
    }

    this.final_conv = new nn.Conv2d(features[0], out_channels, 1);
  }

  override forward(x: Tensor): Tensor {
    let skip_connections: Tensor[] = [];
    for (const down of this.downs) {
      x = down.forward(x);
      skip_connections.push(x);
      x = this.pool.forward(x);
    }

    x = this.bottleneck.forward(x);
    skip_connections = skip_connections.reverse();

    for (let i = 0; i < this.ups.length; i += 2) {
      x = this.ups[i].forward(x);
      const skip_connection = skip_connections[i / 2];
      x = torch.cat([skip_connection, x], { dim: 1 });
      x = this.ups[i + 1].forward(x);
    }

    return this.final_conv.forward(x);
  }
}

// npx tsx examples/models/unet.ts
if (import.meta.url === `file://${process.argv[1]}`) {
  torch.manual_seed(0);
  const model = new UNet();
  const out = model.forward(torch.randn([2, 3, 32, 32]));
  console.log(out.shape);
  console.log([...model.state_dict().keys()].join('\n'));
}
