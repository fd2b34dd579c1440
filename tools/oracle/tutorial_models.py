"""The nn.Module tutorial notebook's models, verbatim: doubleConv and LeNet. The oracle scripts that
need them import them from here (the TypeScript ports are in examples/models/ and
examples/nn_module_tour.ts)."""
import torch
import torch.nn as nn


class doubleConv(nn.Module):
    def __init__(self, in_channel, out_channel):
        super().__init__()
        self.doubleconv = nn.Sequential(
            nn.Conv2d(in_channel, out_channel, kernel_size=3, padding=1),
            nn.BatchNorm2d(out_channel),
            nn.ReLU(inplace=True),
            nn.Conv2d(out_channel, out_channel, kernel_size=3, padding=1),
            nn.BatchNorm2d(out_channel),
            nn.ReLU(inplace=True),
        )

    def forward(self, x):
        x = self.doubleconv(x)
        return x


class LeNet(torch.nn.Module):
    def __init__(self):
        super(LeNet, self).__init__()
        self.features = torch.nn.Sequential(
            torch.nn.Conv2d(3, 6, 5),
            torch.nn.ReLU(),
            torch.nn.MaxPool2d(2, 2),
            torch.nn.Conv2d(6, 16, 5),
            torch.nn.ReLU(),
            torch.nn.MaxPool2d(2, 2),
        )
        self.classifiter = torch.nn.Sequential(
            torch.nn.Linear(16 * 5 * 5, 120),
            torch.nn.ReLU(),
            torch.nn.Linear(120, 84),
            torch.nn.ReLU(),
            torch.nn.Linear(84, 10),
        )

    def forward(self, x):
        x = self.features(x)
        x = x.view(-1, 16 * 5 * 5)
        x = self.classifiter(x)
        return x
