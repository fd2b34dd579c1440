# The PyTorch half of bench/overhead.ts: the same tiny workloads, printed as
# "<name>\t<CPU microseconds per call>" lines (median of rounds, process CPU time).
# Usage: /usr/bin/python3 bench/overhead_pytorch.py [rounds]
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.flatten(1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


def measure(fn, rounds, seconds=0.15):
    """Median over rounds of the mean CPU time per call (microseconds)."""
    n = 1
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < 0.03:
        fn()
        n += 1
    per = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        c0 = time.process_time()
        k = 0
        while time.perf_counter() - t0 < seconds:
            for _ in range(n):
                fn()
            k += n
        per.append((time.process_time() - c0) * 1e6 / k)
    per.sort()
    return per[len(per) // 2]


def workloads():
    a, b = torch.randn(4), torch.randn(4)
    ag = torch.randn(4, requires_grad=True)
    mlp = nn.Sequential(nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 4))
    mopt = torch.optim.SGD(mlp.parameters(), lr=0.01)
    xm, ym = torch.randn(4, 8), torch.randint(0, 4, (4,))
    lenet = LeNet()
    lopt = torch.optim.SGD(lenet.parameters(), lr=0.01)
    x1, y1 = torch.randn(1, 3, 32, 32), torch.randint(0, 10, (1,))

    def mlp_step():
        mopt.zero_grad()
        F.cross_entropy(mlp(xm), ym).backward()
        mopt.step()

    def lenet_forward():
        with torch.no_grad():
            lenet(x1)

    def lenet_step():
        lopt.zero_grad()
        F.cross_entropy(lenet(x1), y1).backward()
        lopt.step()

    return [
        ('add (no grad)', lambda: a.add(b)),
        ('add (requires_grad)', lambda: ag.add(b)),
        ('mul (no grad)', lambda: a.mul(b)),
        ('relu (no grad)', lambda: a.relu()),
        ('tiny MLP 8-8-8-4 SGD step, batch 4', mlp_step),
        ('LeNet forward, batch 1, no_grad', lenet_forward),
        ('LeNet SGD step, batch 1', lenet_step),
    ]


if __name__ == '__main__':
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    for name, fn in workloads():
        print(f'{name}\t{measure(fn, rounds):.2f}', flush=True)
