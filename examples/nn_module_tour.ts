// The nn.Module tutorial notebook (nn.Module internals), ported cell by cell. Run: npx tsx examples/nn_module_tour.ts
// tools/oracle/nn_module_tour.py runs the same cells in PyTorch; test/examples/tour.test.ts compares the text.
import * as torch from '../src/index.js';
import { pythonPrint as print, tuple, typeName as tname } from './python_print.js';

const { nn } = torch;
const F = nn.functional;

class doubleConv extends nn.Module {
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

  override forward(x: torch.Tensor): torch.Tensor {
    x = this.doubleconv.forward(x);
    return x;
  }
}

class Linear extends nn.Module {
  declare w: torch.nn.Parameter;
  declare b: torch.nn.Parameter;
  declare layer_inner: torch.nn.Conv2d;

  constructor(input_features: number, output_features: number) {
    super();
    this.w = new nn.Parameter(torch.rand({ size: [input_features, output_features] }));
    this.b = new nn.Parameter(torch.rand({ size: [output_features, 1] }));
    this.layer_inner = new nn.Conv2d(32, 32, 3, 2, 1);
  }

  override forward(input: torch.Tensor): torch.Tensor {
    return torch.sigmoid(input.matmul(this.w).add(this.b));
  }
}

class LeNet extends nn.Module {
  declare features: torch.nn.Sequential;
  declare classifiter: torch.nn.Sequential;

  constructor() {
    super();
    this.features = new nn.Sequential(
      new nn.Conv2d(3, 6, 5),
      new nn.ReLU(),
      new nn.MaxPool2d(2, 2),
      new nn.Conv2d(6, 16, 5),
      new nn.ReLU(),
      new nn.MaxPool2d(2, 2),
    );
    this.classifiter = new nn.Sequential(
      new nn.Linear(16 * 5 * 5, 120),
      new nn.ReLU(),
      new nn.Linear(120, 84),
      new nn.ReLU(),
      new nn.Linear(84, 10),
    );
  }

  override forward(x: torch.Tensor): torch.Tensor {
    x = this.features.forward(x);
    x = x.view(-1, 16 * 5 * 5);
    x = this.classifiter.forward(x);
    return x;
  }
}

class ConvNet extends nn.Module {
  declare conv_weight: torch.nn.Parameter;

  constructor() {
    super();
    this.conv_weight = new nn.Parameter(torch.randn(3, 3, 5, 5));
  }

  override forward(x: torch.Tensor): torch.Tensor {
    x = F.conv2d(x, this.conv_weight, { bias: null, stride: 1, padding: 2, dilation: 1, groups: 1 });
    x = F.conv2d(x, this.conv_weight.transpose(2, 3).contiguous(), { bias: null, stride: 1, padding: 0,
      dilation: 1, groups: 1 });
    return x;
  }
}

torch.manual_seed(0);
const dc = new doubleConv(8, 16);
// nn.Sequential
print(dc._parameters);
print('-'.repeat(15));
print(dc._modules);
const s1 = dc.doubleconv[0];
const s2 = (dc._modules.get('doubleconv') as torch.nn.Sequential)[0];
print(s1 === s2);
// 1. _parameters and _modules
print(tuple('-> ', tname(dc._parameters), tname(dc._modules), ' <-'));
for (const [name] of dc._modules) print('-> ', name, ' <-');
let temp = dc.doubleconv[0];
for (const [name, module] of temp._modules) print('-> ', name, ' | ', tname(module), ' <-');
print('-'.repeat(25));
for (const [name, param] of temp._parameters) print('-> ', name, ' | ', tname(param), ' <-');
// 2. __setattr__ details
const l1 = new Linear(28 * 28, 72);
for (const [name] of l1._parameters) print(name);
for (const [name] of l1._modules) print(name);
print(l1.layer_inner);
print('='.repeat(25));
print([...l1.layer_inner._parameters.keys()]);
// 2.2 tensor and nn.Parameter
const w = l1.layer_inner.weight;
print(tuple(tname(w), ' | ', tname(w.data)));
const b = torch.rand([3, 2]);
const ln = new LeNet();
print(b.requires_grad, (ln.features[0] as torch.nn.Conv2d).weight.data.requires_grad);
const input = torch.rand([1, 3, 32, 32]);
let out = ln.forward(input);
out = out.sum();
print((ln.features[0] as torch.nn.Conv2d).weight.grad, ' | ', (ln.features[0] as torch.nn.Conv2d).weight.data.grad);
out.backward();
print((ln.features[0] as torch.nn.Conv2d).weight.grad, ' | ', (ln.features[0] as torch.nn.Conv2d).weight.data.grad);
// 3.1.1 initialising an nn.Parameter
const weight = l1.layer_inner.weight;
print(weight.index('1:2, 1:2'));
print('-'.repeat(50));
try {
  weight.uniform_(-10, 10);
} catch (e) {
  print('RuntimeError:', (e as Error).message);
}
torch.no_grad(() => weight.uniform_(-10, 10));
print(weight.index('1:2, 1:2'));
print('-'.repeat(50));
nn.init.normal_(weight, { mean: 0, std: 1 });
print(weight.index('1:2, 1:2'));
// 3.1.2 initialising the tensor inside an nn.Parameter
weight.data.normal_({ mean: -1, std: 0.5 });
print(weight.index('1:2, 1:2'));
// 3.2 reset_parameters
l1.layer_inner.reset_parameters();
print(weight.index('1:2, 1:2'));
// 3.3 net.apply()
function init_weights(m: torch.nn.Module): void {
  if (m instanceof nn.Linear) {
    nn.init.constant_(m.weight, 0.5);
    print('init', m);
  }
}
ln.classifiter.apply(init_weights);
print((ln.classifiter[0] as torch.nn.Linear).weight.index('0, :4'));
// 4.1 a custom layer sharing its conv weight
const cn = new ConvNet();
let x = torch.rand(1, 3, 8, 8);
let y = cn.forward(x);
print(y.shape);
y.sum().backward();
print(cn.conv_weight.grad!.index('0, 0'));
print([...cn.parameters()].length);
// 4.2 a predefined layer repeated
const linear = new nn.Linear(1, 1, false);
const net = new nn.Sequential(linear, linear, linear, linear);
print(net);
for (const [name, param] of net.named_parameters()) {
  nn.init.constant_(param, { val: 3 });
  print(name, param.data);
}
x = torch.ones(1, 1);
y = net.forward(x).sum();
y.backward();
print(net[0].weight.grad);
print(net.forward(x));
print(tuple(net[0].weight, ' | ', net[0].bias));
print([...net.state_dict().keys()]);
// 5. train() and eval()
print(dc.training, dc.doubleconv[1].training);
dc.eval();
print(dc.training, dc.doubleconv[1].training);
dc.train();
print(dc.training, dc.doubleconv[1].training);
const z = dc.forward(torch.rand(2, 8, 4, 4));
print(z.shape, (dc.doubleconv[1] as torch.nn.BatchNorm2d).num_batches_tracked);
