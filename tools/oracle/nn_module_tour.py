"""The nn.Module tutorial notebook, every cell in order under one seed, printing what the
notebook shows. examples/nn_module_tour.ts is its line-by-line port; a test compares the texts.

Writes test/fixtures/nn_module_tour.json: {"text": the whole printed output}.
Cells whose notebook output is a displayed value rather than a print are printed with print()
of the same value. Python type objects are printed by name (the TS port prints the same names).
"""
import io
import contextlib

import torch
import torch.nn as nn
import torch.nn.functional as F

from common import write_fixture
from tutorial_models import LeNet, doubleConv


class Linear(nn.Module):
    def __init__(self, input_features, output_features):
        nn.Module.__init__(self)
        self.w = nn.Parameter(torch.rand(size=(input_features, output_features)))
        self.b = nn.Parameter(torch.rand(size=(output_features, 1)))
        self.layer_inner = nn.Conv2d(32, 32, 3, 2, 1)

    def forward(self, input):
        return torch.sigmoid(input @ self.w + self.b)


class ConvNet(nn.Module):
    def __init__(self):
        super(ConvNet, self).__init__()
        self.conv_weight = nn.Parameter(torch.randn(3, 3, 5, 5))

    def forward(self, x):
        x = nn.functional.conv2d(x, self.conv_weight, bias=None, stride=1, padding=2, dilation=1, groups=1)
        x = nn.functional.conv2d(x, self.conv_weight.transpose(2, 3).contiguous(), bias=None, stride=1,
                                 padding=0, dilation=1, groups=1)
        return x


def tname(x):
    """A type as the notebook shows it."""
    t = type(x)
    return f"{t.__module__}.{t.__qualname__}".replace("torch._tensor.Tensor", "torch.Tensor")


def tour():
    torch.manual_seed(0)
    dc = doubleConv(8, 16)
    # nn.Sequential
    print(dc._parameters)
    print('-' * 15)
    print(dc._modules)
    s1 = dc.doubleconv[0]
    s2 = dc._modules['doubleconv'][0]
    print(s1 == s2)
    # 1. _parameters and _modules
    print(('-> ', tname(dc._parameters), tname(dc._modules), ' <-'))
    for name, module in dc._modules.items():
        print('-> ', name, ' <-')
    temp = dc.doubleconv[0]
    for name, module in temp._modules.items():
        print('-> ', name, ' | ', tname(module), ' <-')
    print('-' * 25)
    for name, param in temp._parameters.items():
        print('-> ', name, ' | ', tname(param), ' <-')
    # 2. __setattr__ details
    l1 = Linear(28 * 28, 72)
    for name, param in l1._parameters.items():
        print(name)
    for name, param in l1._modules.items():
        print(name)
    print(l1.layer_inner)
    print('=' * 25)
    print(list(l1.layer_inner._parameters.keys()))
    # 2.2 tensor and nn.Parameter
    w = l1.layer_inner.weight
    print((tname(w), ' | ', tname(w.data)))
    b = torch.rand((3, 2))
    ln = LeNet()
    print(b.requires_grad, ln.features[0].weight.data.requires_grad)
    temp = torch.rand((1, 3, 32, 32))
    out = ln(temp)
    out = out.sum()
    print(ln.features[0].weight.grad, ' | ', ln.features[0].weight.data.grad)
    out.backward()
    print(ln.features[0].weight.grad, ' | ', ln.features[0].weight.data.grad)
    # 3.1.1 initialising an nn.Parameter
    weight = l1.layer_inner.weight
    print(weight[1:2, 1:2])
    print('-' * 50)
    try:
        weight.uniform_(-10, 10)
    except RuntimeError as e:
        print('RuntimeError:', e)
    with torch.no_grad():
        weight.uniform_(-10, 10)
    print(weight[1:2, 1:2])
    print('-' * 50)
    nn.init.normal_(weight, mean=0, std=1)
    print(weight[1:2, 1:2])
    # 3.1.2 initialising the tensor inside an nn.Parameter
    weight.data.normal_(mean=-1, std=0.5)
    print(weight[1:2, 1:2])
    # 3.2 reset_parameters
    l1.layer_inner.reset_parameters()
    print(weight[1:2, 1:2])
    # 3.3 net.apply()
    def init_weights(m):
        if isinstance(m, nn.Linear):
            nn.init.constant_(m.weight, 0.5)
            print('init', m)

    ln.classifiter.apply(init_weights)
    print(ln.classifiter[0].weight[0, :4])
    # 4.1 a custom layer sharing its conv weight
    cn = ConvNet()
    x = torch.rand(1, 3, 8, 8)
    y = cn(x)
    print(y.shape)
    y.sum().backward()
    print(cn.conv_weight.grad[0, 0])
    print(len(list(cn.parameters())))
    # 4.2 a predefined layer repeated
    linear = nn.Linear(1, 1, bias=False)
    net = nn.Sequential(linear, linear, linear, linear)
    print(net)
    for name, param in net.named_parameters():
        nn.init.constant_(param, val=3)
        print(name, param.data)
    x = torch.ones(1, 1)
    y = net(x).sum()
    y.backward()
    print(net[0].weight.grad)
    print(net(x))
    print((net[0].weight, ' | ', net[0].bias))
    print(list(net.state_dict().keys()))
    # 5. train() and eval()
    print(dc.training, dc.doubleconv[1].training)
    dc.eval()
    print(dc.training, dc.doubleconv[1].training)
    dc.train()
    print(dc.training, dc.doubleconv[1].training)
    z = dc(torch.rand(2, 8, 4, 4))
    print(z.shape, dc.doubleconv[1].num_batches_tracked)


buf = io.StringIO()
with contextlib.redirect_stdout(buf):
    tour()
text = buf.getvalue()
# PyTorch 2.x names: Linear without bias on a 2-D input records MmBackward0 in both versions;
# 1.13 prints the same text for every cell here, so no patch is needed.
write_fixture("nn_module_tour", {"text": text}, __file__)
print(text)
