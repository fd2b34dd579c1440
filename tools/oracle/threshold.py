"""Oracle for threshold_backward (ReLU's backward) and in-place ReLU under autograd.

Writes test/fixtures/threshold.json: aten.threshold_backward values for float32/float64 inputs
(NaN and infinities in self, thresholds that float32 cannot represent), the grad_fn name of its
result when a graph is built, its gradient in grad_output, and ReLU(inplace=True) inside a graph
(values, grad_fn, first and second order gradients).
"""
import torch

from common import enc, write_fixture

torch.manual_seed(0)
cases = []
for dtype in (torch.float32, torch.float64):
    for thr in (0.0, 0.1, -0.25, 1.5):
        g = torch.randn(3, 7, dtype=dtype)
        x = torch.randn(3, 7, dtype=dtype)
        x[0, 0] = float("nan")
        x[0, 1] = float("inf")
        x[0, 2] = float("-inf")
        x[1, 0] = thr
        x[1, 1] = 0.0
        gg = g.clone().requires_grad_(True)
        out = torch.ops.aten.threshold_backward(gg, x, thr)
        w = torch.randn(3, 7, dtype=dtype)
        (dg,) = torch.autograd.grad(out, gg, w)
        cases.append({
            "threshold": thr, "grad": enc(g), "self": enc(x), "out": enc(out),
            "grad_fn": out.grad_fn.name(), "weight": enc(w), "dgrad": enc(dg),
        })

inplace = []
for dtype in (torch.float32, torch.float64):
    a = torch.randn(2, 3, 4, 5, dtype=dtype, requires_grad=True)
    b = torch.randn(2, 3, 4, 5, dtype=dtype)
    y = a * 1.5
    y.relu_()
    z = (y * y * b).sum()
    (ga,) = torch.autograd.grad(z, a, create_graph=True)
    v = torch.randn(2, 3, 4, 5, dtype=dtype)
    (gga,) = torch.autograd.grad((ga * v).sum(), a)
    inplace.append({
        "a": enc(a), "b": enc(b), "v": enc(v), "y": enc(y), "grad_fn": y.grad_fn.name(),
        "ga": enc(ga), "ga_grad_fn": ga.grad_fn.name(), "gga": enc(gga),
    })

write_fixture("threshold", {"cases": cases, "inplace": inplace}, __file__)
