"""Activation functions and modules of torch.nn (torch/nn/functional.py, modules/activation.py):
outputs, grad_fn names, input (and PReLU weight) gradients, in-place results and module reprs.

Writes test/fixtures/activation.json; test/nn/activation.test.ts replays it.

Layout: {"cases": [...], "modules": [...], "inplace": [...], "reprs": [...]}.
- case: {"name", "fn", "dtype", "args": [positional after input], "kwargs", "input", "weight"|null,
  "out", "grad_fn", "grad_out", "grad_input", "grad_weight"|null}; the loss is (out * grad_out).sum().
- module: {"name", "cls", "args", "kwargs", "dtype", "input", "out", "grad_fn", "grad_out",
  "grad_input", "grad_weight"|null}, built as cls(*args, **kwargs) (cast to dtype).
- inplace: {"fn", "args", "kwargs", "input", "out"}: F.fn(x, *args, inplace=True, **kwargs) on a
  float32 tensor without grad; the input must hold `out` afterwards.
- repr: {"cls", "args", "kwargs", "repr"}.
Names and reprs that changed between 1.13 (this oracle) and 2.x (the spec) are patched below.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from common import enc, write_fixture

torch.manual_seed(0)

# Values at the kinks and thresholds of every function here, then random ones.
KINKS = [-20.0, -3.5, -3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0, 3.5, 6.0, 6.5, 10.0, 20.0, 21.0, -6.0]
BASE = torch.cat([torch.tensor(KINKS, dtype=torch.float64), torch.randn(8, dtype=torch.float64) * 3])
BASE = BASE.reshape(2, 3, 4)
GRAD_OUT = torch.randn(2, 3, 4, dtype=torch.float64)

# PyTorch 2.x names for nodes that 1.13 calls differently.
GRAD_FN_2X = {
    # 2.0 routes prelu through _prelu_kernel (aten/src/ATen/native/Activation.cpp).
    "PreluBackward0": "PreluKernelBackward0",
}


def grad_fn_name(t):
    name = type(t.grad_fn).__name__ if t.grad_fn is not None else None
    return GRAD_FN_2X.get(name, name)


FUNCS = [
    ("relu6", "relu6", [], {}),
    ("leaky_relu", "leaky_relu", [], {}),
    ("leaky_relu/0.2", "leaky_relu", [0.2], {}),
    ("elu", "elu", [], {}),
    ("elu/alpha=0.5", "elu", [], {"alpha": 0.5}),
    ("selu", "selu", [], {}),
    ("celu/alpha=2", "celu", [], {"alpha": 2.0}),
    ("gelu", "gelu", [], {}),
    ("gelu/tanh", "gelu", [], {"approximate": "tanh"}),
    ("silu", "silu", [], {}),
    ("mish", "mish", [], {}),
    ("hardtanh", "hardtanh", [], {}),
    ("hardtanh/-2,3", "hardtanh", [-2.0, 3.0], {}),
    ("hardswish", "hardswish", [], {}),
    ("hardsigmoid", "hardsigmoid", [], {}),
    ("softplus", "softplus", [], {}),
    ("softplus/beta=2,threshold=20", "softplus", [], {"beta": 2.0, "threshold": 20.0}),
    ("softplus/beta=0.5,threshold=5", "softplus", [0.5, 5.0], {}),
]


def run(fn, x, w):
    out = fn(x) if w is None else fn(x, w)
    g = GRAD_OUT.to(x.dtype)
    (out * g).sum().backward()
    return out, g


cases = []
for dt in (torch.float32, torch.float64):
    for name, op, args, kwargs in FUNCS:
        x = BASE.to(dt).detach().clone().requires_grad_()
        out, g = run(lambda t: getattr(F, op)(t, *args, **kwargs), x, None)
        cases.append({"name": name, "fn": op, "dtype": str(dt)[6:], "args": args, "kwargs": kwargs,
                      "input": enc(x), "weight": None, "out": enc(out), "grad_fn": grad_fn_name(out),
                      "grad_out": enc(g), "grad_input": enc(x.grad), "grad_weight": None})
    for wname, w0 in (("shared", torch.tensor([0.25])), ("per-channel", torch.tensor([0.1, -0.3, 2.0]))):
        x = BASE.to(dt).detach().clone().requires_grad_()
        w = w0.to(dt).requires_grad_()
        out, g = run(F.prelu, x, w)
        cases.append({"name": f"prelu/{wname}", "fn": "prelu", "dtype": str(dt)[6:], "args": [], "kwargs": {},
                      "input": enc(x), "weight": enc(w), "out": enc(out), "grad_fn": grad_fn_name(out),
                      "grad_out": enc(g), "grad_input": enc(x.grad), "grad_weight": enc(w.grad)})

MODULES = [
    ("ReLU6", [], {}), ("LeakyReLU", [0.1], {}), ("PReLU", [3], {"init": 0.1}), ("PReLU", [], {}),
    ("ELU", [], {"alpha": 0.7}), ("CELU", [1.5], {}), ("SELU", [], {}), ("GELU", [], {"approximate": "tanh"}),
    ("GELU", [], {}), ("SiLU", [], {}), ("Mish", [], {}), ("Hardtanh", [-0.5, 0.5], {}),
    ("Hardswish", [], {}), ("Hardsigmoid", [], {}), ("Softplus", [], {"beta": 3.0}), ("Softmax", [1], {}),
    ("LogSoftmax", [], {"dim": 2}),
]

modules = []
for dt in (torch.float32, torch.float64):
    for cls, args, kwargs in MODULES:
        m = getattr(nn, cls)(*args, **kwargs).to(dt)
        x = BASE.to(dt).detach().clone().requires_grad_()
        out, g = run(m, x, None)
        w = getattr(m, "weight", None)
        modules.append({"name": f"{cls}{args}{kwargs}", "cls": cls, "args": args, "kwargs": kwargs,
                        "dtype": str(dt)[6:], "input": enc(x), "out": enc(out), "grad_fn": grad_fn_name(out),
                        "grad_out": enc(g), "grad_input": enc(x.grad),
                        "grad_weight": enc(w.grad) if w is not None else None})

INPLACE = [
    ("relu6", [], {}), ("leaky_relu", [0.2], {}), ("elu", [], {"alpha": 0.5}), ("selu", [], {}),
    ("celu", [], {"alpha": 2.0}), ("silu", [], {}), ("mish", [], {}), ("hardtanh", [-2.0, 2.0], {}),
    ("hardswish", [], {}), ("hardsigmoid", [], {}),
]
inplace = []
for op, args, kwargs in INPLACE:
    x = BASE.to(torch.float32).clone()
    before = x.clone()
    r = getattr(F, op)(x, *args, inplace=True, **kwargs)
    assert r is x
    inplace.append({"fn": op, "args": args, "kwargs": kwargs, "input": enc(before), "out": enc(x)})

REPRS = [
    ("ReLU6", [], {}), ("ReLU6", [True], {}), ("LeakyReLU", [], {}), ("LeakyReLU", [0.2, True], {}),
    ("PReLU", [], {}), ("PReLU", [3], {"init": 0.1}), ("ELU", [], {}), ("ELU", [0.5], {"inplace": True}),
    ("CELU", [], {}), ("CELU", [2.0], {}), ("SELU", [], {}), ("SELU", [True], {}), ("GELU", [], {}),
    ("GELU", [], {"approximate": "tanh"}), ("SiLU", [], {}), ("SiLU", [], {"inplace": True}),
    ("Mish", [], {}),
    ("Mish", [True], {}), ("Hardtanh", [], {}), ("Hardtanh", [-2.0, 2.0], {}),
    ("Hardtanh", [], {"min_val": 0.0, "max_val": 6.0, "inplace": True}), ("Hardswish", [], {}),
    ("Hardswish", [True], {}), ("Hardsigmoid", [], {}), ("Hardsigmoid", [True], {}), ("Softplus", [], {}),
    ("Softplus", [2.0, 10.0], {}), ("Softmax", [], {}), ("Softmax", [1], {}), ("LogSoftmax", [], {"dim": -1}),
]


def repr_2x(cls, args, kwargs, text):
    # 2.x declares Softplus(beta: float = 1.0, threshold: float = 20.0); 1.13 had int defaults.
    if cls == "Softplus":
        text = text.replace("beta=1,", "beta=1.0,").replace("threshold=20)", "threshold=20.0)")
    return text


reprs = []
for cls, args, kwargs in REPRS:
    text = repr(getattr(nn, cls)(*args, **kwargs))
    reprs.append({"cls": cls, "args": args, "kwargs": kwargs, "repr": repr_2x(cls, args, kwargs, text)})

payload = {"cases": cases, "modules": modules, "inplace": inplace, "reprs": reprs}
write_fixture("activation", payload, __file__)
