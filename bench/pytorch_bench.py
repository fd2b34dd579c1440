# The PyTorch half of `npm run bench` (bench/run.ts): the same workloads, timed on request.
# Protocol: one JSON object per stdin line {"id": ..., "seconds": s, "min_reps": n}; answers one JSON
# line {"id": ..., "times": [ms, ...]}. The first line out is {"torch": version, "threads": n}.
import json
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

# The nn.Module tutorial's models, as the oracle defines them.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools", "oracle"))
from tutorial_models import LeNet, doubleConv  # noqa: E402

threads = int(sys.argv[1])
torch.set_num_threads(threads)
torch.manual_seed(0)


def matmul(n):
    a, b = torch.rand(n, n), torch.rand(n, n)
    return lambda: torch.matmul(a, b)


def conv(shape, out):
    x = torch.rand(*shape)
    w = torch.rand(out, shape[1], 3, 3)
    bias = torch.rand(out)
    return lambda: F.conv2d(x, w, bias, padding=1)


def train_step(model, x, y):
    opt = torch.optim.SGD(model.parameters(), lr=0.01)

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    return step


def double_conv(train):
    model = doubleConv(8, 16)
    x = torch.rand(4, 8, 128, 128)
    if not train:
        model.eval()

        def fwd():
            with torch.no_grad():
                model(x)
        return fwd
    model.train()

    def fwd_bwd():
        model.zero_grad()
        model(x).sum().backward()
    return fwd_bwd


def lenet_infer(batch):
    model = LeNet().eval()
    x = torch.rand(batch, 3, 32, 32)

    def run():
        with torch.no_grad():
            model(x)
    return run


def mlp():
    return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10))


WORKLOADS = {
    'W1 matmul 256': lambda: matmul(256),
    'W1 matmul 512': lambda: matmul(512),
    'W1 matmul 1024': lambda: matmul(1024),
    'W2 conv [8,8,128,128]->16': lambda: conv((8, 8, 128, 128), 16),
    'W2 conv [1,64,56,56]->64': lambda: conv((1, 64, 56, 56), 64),
    'W2 conv [32,64,28,28]->64': lambda: conv((32, 64, 28, 28), 64),
    'W3 doubleConv eval fwd': lambda: double_conv(False),
    'W3 doubleConv train fwd+bwd': lambda: double_conv(True),
    'W4 LeNet train step b64': lambda: train_step(LeNet(), torch.rand(64, 3, 32, 32), torch.randint(0, 10, (64,))),
    'W4 LeNet infer b1': lambda: lenet_infer(1),
    'W4 LeNet infer b64': lambda: lenet_infer(64),
    'W5 MLP train step b128': lambda: train_step(mlp(), torch.rand(128, 784), torch.randint(0, 10, (128,))),
}

prepared = {}


def measure(wid, seconds, min_reps):
    if wid not in prepared:
        fn = WORKLOADS[wid]()
        # Warm-up as long as tstorch's (bench/run.ts): at least 3 calls and 0.5 s.
        start, calls = time.perf_counter(), 0
        while calls < 3 or time.perf_counter() - start < 0.5:
            fn()
            calls += 1
        prepared[wid] = fn
    fn = prepared[wid]
    times = []
    start = time.perf_counter()
    while len(times) < min_reps or (time.perf_counter() - start < seconds and len(times) < 200):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return times


print(json.dumps({'torch': torch.__version__, 'threads': torch.get_num_threads()}), flush=True)
for line in sys.stdin:
    if not line.strip():
        continue
    req = json.loads(line)
    print(json.dumps({'id': req['id'], 'times': measure(req['id'], req['seconds'], req['min_reps'])}), flush=True)
