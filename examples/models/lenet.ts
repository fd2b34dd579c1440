// The nn.Module tutorial notebook's LeNet (3x32x32 input, 10 classes), ported line by line from its PyTorch
// class. test/examples/models.test.ts checks it against tools/oracle/models.py.
import * as torch from '../../src/index.js';

const t = torch;

/**
 * LeNet-5 as the nn.Module tutorial defines it: a `features` Sequential (two conv/ReLU/max-pool stages) and a
 * `classifiter` Sequential (three Linear layers; the tutorial's spelling is kept so that state_dict
 * keys match the notebook's).
 * @example
 * const ln = new LeNet();
 * const out = ln.forward(torch.rand([1, 3, 32, 32])); // shape [1, 10]
 */
export class LeNet extends t.nn.Module {
  declare features: torch.nn.Sequential;
  declare classifiter: torch.nn.Sequential;

  constructor() {
    super();
    this.features = new t.nn.Sequential(
      new t.nn.Conv2d(3, 6, 5),
      new t.nn.ReLU(),
      new t.nn.MaxPool2d(2, 2),
      new t.nn.Conv2d(6, 16, 5),
      new t.nn.ReLU(),
      new t.nn.MaxPool2d(2, 2),
    );
    // The reshape is not a layer, so the network is split into two Sequentials around it.
    this.classifiter = new t.nn.Sequential(
      new t.nn.Linear(16 * 5 * 5, 120),
      new t.nn.ReLU(),
      new t.nn.Linear(120, 84),
      new t.nn.ReLU(),
      new t.nn.Linear(84, 10),
    );
  }

  override forward(x: torch.Tensor): torch.Tensor {
    x = this.features.forward(x);
    x = x.view(-1, 16 * 5 * 5);
    x = this.classifiter.forward(x);
    return x;
  }
}

// npx tsx examples/models/lenet.ts
if (import.meta.url === `file://${process.argv[1]}`) {
  torch.manual_seed(0);
  const ln = new LeNet();
  console.log(String(ln));
  const temp = torch.rand([1, 3, 32, 32]);
  const out = ln.forward(temp).sum();
  out.backward();
  const conv1 = ln.features[0] as torch.nn.Conv2d;
  console.log(conv1.weight.grad);
}
