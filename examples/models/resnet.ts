// torchvision's ResNet-18 (torchvision/models/resnet.py), ported line by line: the same module
// names (so state_dict keys equal torchvision's), construction order and init loop.
import * as torch from '../../src/index.js';

const { nn } = torch;
type Tensor = torch.Tensor;

/** 3x3 convolution with padding. */
function conv3x3(in_planes: number, out_planes: number, stride = 1, groups = 1,
  dilation = 1): torch.nn.Conv2d {
  return new nn.Conv2d(in_planes, out_planes, 3, {
    stride, padding: dilation, groups, bias: false, dilation,
  });
}

/** 1x1 convolution. */
function conv1x1(in_planes: number, out_planes: number, stride = 1): torch.nn.Conv2d {
  return new nn.Conv2d(in_planes, out_planes, 1, { stride, bias: false });
}

/**
 * The two-conv residual block of ResNet-18/34.
 * @example new BasicBlock(64, 64) // conv1, bn1, relu, conv2, bn2
 */
export class BasicBlock extends nn.Module {
  static expansion = 1;
  declare conv1: torch.nn.Conv2d;
  declare bn1: torch.nn.BatchNorm2d;
  declare relu: torch.nn.ReLU;
  declare conv2: torch.nn.Conv2d;
  declare bn2: torch.nn.BatchNorm2d;
  declare downsample: torch.nn.Sequential | null;
  stride: number;

  constructor(inplanes: number, planes: number, stride = 1, downsample: torch.nn.Sequential | null = null) {
    super();
    // Both self.conv1 and self.downsample layers downsample the input when stride != 1.
    this.conv1 = conv3x3(inplanes, planes, stride);
    this.bn1 = new nn.BatchNorm2d(planes);
    this.relu = new nn.ReLU(true);
    this.conv2 = conv3x3(planes, planes);
    this.bn2 = new nn.BatchNorm2d(planes);
    this.downsample = downsample;
    this.stride = stride;
  }

  override forward(x: Tensor): Tensor {
    let identity = x;

    let out = this.conv1.forward(x);
    out = this.bn1.forward(out);
    out = this.relu.forward(out);

    out = this.conv2.forward(out);
    out = this.bn2.forward(out);

    if (this.downsample !== null) {
      identity = this.downsample.forward(x);
    }

    out = out.add_(identity);
    out = this.relu.forward(out);

    return out;
  }
}

export interface ResNetOptions {
  num_classes?: number;
  zero_init_residual?: boolean;
}

/**
 * torchvision's ResNet over BasicBlocks (groups 1, width 64, no dilation, BatchNorm2d).
 * @example const model = new ResNet([2, 2, 2, 2], { num_classes: 10 }) // resnet18
 */
export class ResNet extends nn.Module {
  inplanes = 64;
  dilation = 1;
  declare conv1: torch.nn.Conv2d;
  declare bn1: torch.nn.BatchNorm2d;
  declare relu: torch.nn.ReLU;
  declare maxpool: torch.nn.MaxPool2d;
  declare layer1: torch.nn.Sequential;
  declare layer2: torch.nn.Sequential;
  declare layer3: torch.nn.Sequential;
  declare layer4: torch.nn.Sequential;
  declare avgpool: torch.nn.AdaptiveAvgPool2d;
  declare fc: torch.nn.Linear;

  constructor(layers: readonly number[],
    { num_classes = 1000, zero_init_residual = false }: ResNetOptions = {}) {
    super();
    this.conv1 = new nn.Conv2d(3, this.inplanes, 7, { stride: 2, padding: 3, bias: false });
    this.bn1 = new nn.BatchNorm2d(this.inplanes);
    this.relu = new nn.ReLU(true);
    this.maxpool = new nn.MaxPool2d(3, { stride: 2, padding: 1 });
    this.layer1 = this._make_layer(64, layers[0]);
    this.layer2 = this._make_layer(128, layers[1], 2);
    this.layer3 = this._make_layer(256, layers[2], 2);
    this.layer4 = this._make_layer(512, layers[3], 2);
    this.avgpool = new nn.AdaptiveAvgPool2d([1, 1]);
    this.fc = new nn.Linear(512 * BasicBlock.expansion, num_classes);

    for (const m of this.modules()) {
      if (m instanceof nn.Conv2d) {
        nn.init.kaiming_normal_(m.weight, { mode: 'fan_out', nonlinearity: 'relu' });
      } else if (m instanceof nn.BatchNorm2d || m instanceof nn.GroupNorm) {
        nn.init.constant_(m.weight!, 1);
        nn.init.constant_(m.bias!, 0);
      }
    }

    // Zero-initialize the last BN in each residual branch, so that the residual branch starts
    // with zeros and each block behaves like an identity (https://arxiv.org/abs/1706.02677).
    if (zero_init_residual) {
      for (const m of this.modules()) {
        if (m instanceof BasicBlock && m.bn2.weight !== null) {
          nn.init.constant_(m.bn2.weight, 0);
        }
      }
    }
  }

  _make_layer(planes: number, blocks: number, stride = 1): torch.nn.Sequential {
    let downsample: torch.nn.Sequential | null = null;
    if (stride !== 1 || this.inplanes !== planes * BasicBlock.expansion) {
      downsample = new nn.Sequential(
        conv1x1(this.inplanes, planes * BasicBlock.expansion, stride),
        new nn.BatchNorm2d(planes * BasicBlock.expansion),
      );
    }

    const layers: torch.nn.Module[] = [];
    layers.push(new BasicBlock(this.inplanes, planes, stride, downsample));
    this.inplanes = planes * BasicBlock.expansion;
    for (let i = 1; i < blocks; i++) {
      layers.push(new BasicBlock(this.inplanes, planes));
    }

    return new nn.Sequential(...layers);
  }

  override forward(x: Tensor): Tensor {
    x = this.conv1.forward(x);
    x = this.bn1.forward(x);
    x = this.relu.forward(x);
    x = this.maxpool.forward(x);

    x = this.layer1.forward(x);
    x = this.layer2.forward(x);
    x = this.layer3.forward(x);
    x = this.layer4.forward(x);

    x = this.avgpool.forward(x);
    x = torch.flatten(x, 1);
    x = this.fc.forward(x);

    return x;
  }
}

/**
 * ResNet-18 from "Deep Residual Learning for Image Recognition" (https://arxiv.org/abs/1512.03385).
 * @example const model = resnet18({ num_classes: 10 })
 */
export function resnet18(opts: ResNetOptions = {}): ResNet {
  return new ResNet([2, 2, 2, 2], opts);
}

// npx tsx examples/models/resnet.ts
if (import.meta.url === `file://${process.argv[1]}`) {
  torch.manual_seed(0);
  const model = resnet18({ num_classes: 10 });
  const n = [...model.parameters()].reduce((s, p) => s + p.numel(), 0);
  console.log(`resnet18: ${n} parameters`);
  const t0 = Date.now();
  const out = model.forward(torch.randn([2, 3, 64, 64]));
  console.log(`forward ${Date.now() - t0} ms`, out.shape);
  const t1 = Date.now();
  out.sum().backward();
  console.log(`backward ${Date.now() - t1} ms`);
}
