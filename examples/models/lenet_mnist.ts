// The nn.Module tutorial notebook's LeNet adapted to 1x28x28 MNIST digits: padding 2 on the first conv keeps
// the 16x5x5 feature map, so the classifier is unchanged. Used by examples/demo.ts.
import * as torch from '../../src/index.js';

const { nn } = torch;

export class LeNetMnist extends nn.Module {
  declare features: torch.nn.Sequential;
  declare classifier: torch.nn.Sequential;

  constructor() {
    super();
    this.features = new nn.Sequential(
      new nn.Conv2d(1, 6, 5, { padding: 2 }),
      new nn.ReLU(),
      new nn.MaxPool2d(2, 2),
      new nn.Conv2d(6, 16, 5),
      new nn.ReLU(),
      new nn.MaxPool2d(2, 2),
    );
    this.classifier = new nn.Sequential(
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
    return this.classifier.forward(x);
  }
}
