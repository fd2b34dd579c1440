"""Losses of torch.nn.functional and torch.nn (l1, smooth L1, Huber, BCE, BCE with logits, KL
divergence; module reprs and buffers) from real PyTorch: outputs, grad_fn names, gradients for
input and target, and error messages. Writes test/fixtures/loss.json; test/nn/loss.test.ts reads it.
"""
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

from common import enc, enc_any, write_fixture

warnings.simplefilter("ignore")
torch.manual_seed(0)


def grad_fn_name(t):
    return None if t.grad_fn is None else type(t.grad_fn).__name__


def make_inputs(fn, dtype):
    shape = (3, 4)
    if fn == "binary_cross_entropy":
        x = torch.rand(shape, dtype=torch.float64) * 0.9 + 0.05
        t = torch.rand(shape, dtype=torch.float64)
    elif fn == "binary_cross_entropy_with_logits":
        x = torch.randn(shape, dtype=torch.float64) * 3
        t = torch.rand(shape, dtype=torch.float64)
    elif fn == "kl_div":
        x = torch.log_softmax(torch.randn(shape, dtype=torch.float64), 1)
        t = torch.softmax(torch.randn(shape, dtype=torch.float64), 1)
    else:
        x = torch.randn(shape, dtype=torch.float64) * 2
        t = torch.randn(shape, dtype=torch.float64)
    return x.to(dtype), t.to(dtype)


VARIANTS = {
    "l1_loss": [{}],
    "smooth_l1_loss": [{}, {"beta": 0.5}],
    "huber_loss": [{}, {"delta": 0.7}],
    "binary_cross_entropy": [{}, {"weight": "w"}],
    "binary_cross_entropy_with_logits": [{}, {"weight": "w"}, {"pos_weight": "pw"}, {"weight": "w", "pos_weight": "pw"}],
    "kl_div": [{}, {"log_target": True}],
}


def run_case(fn, dtype, variant, reduction):
    x0, t0 = make_inputs(fn, dtype)
    if fn == "kl_div" and variant.get("log_target"):
        t0 = t0.log()
    kwargs = {"reduction": reduction}
    for k, v in variant.items():
        if v == "w":
            kwargs[k] = (torch.rand(4, dtype=torch.float64) + 0.5).to(dtype)
        elif v == "pw":
            kwargs[k] = (torch.rand(4, dtype=torch.float64) * 2 + 0.5).to(dtype)
        else:
            kwargs[k] = v
    x = x0.clone().requires_grad_(True)
    t = t0.clone().requires_grad_(True)
    out = getattr(F, fn)(x, t, **kwargs)
    g = torch.randn(out.shape, dtype=torch.float64).to(dtype)
    gx, gt = torch.autograd.grad(out, [x, t], g, allow_unused=True)
    return {
        "name": f"{fn}{variant}/{reduction}/{dtype}",
        "fn": fn,
        "dtype": str(dtype).replace("torch.", ""),
        "input": enc(x0),
        "target": enc(t0),
        "kwargs": enc_any(kwargs),
        "out": enc(out),
        "grad_fn": grad_fn_name(out),
        "g": enc(g),
        "grad_input": enc(gx),
        "grad_target": enc(gt),
    }


cases = []
for fn, variants in VARIANTS.items():
    for variant in variants:
        reductions = ["none", "mean", "sum"] + (["batchmean"] if fn == "kl_div" else [])
        for reduction in reductions:
            for dtype in (torch.float32, torch.float64):
                cases.append(run_case(fn, dtype, variant, reduction))

# BCE at the edges: log(0) is clamped at -100.
edge_x = torch.tensor([0.0, 1.0, 0.5, 1e-30])
edge_t = torch.tensor([1.0, 0.0, 1.0, 1.0])
edge = {"input": enc(edge_x), "target": enc(edge_t),
        "out": enc(F.binary_cross_entropy(edge_x, edge_t, reduction="none"))}

big = torch.tensor([-200.0, -30.0, 0.0, 30.0, 200.0])
logits_edge = {"input": enc(big), "target": enc(torch.tensor([1.0, 0.0, 0.5, 1.0, 0.0])),
               "out": enc(F.binary_cross_entropy_with_logits(big, torch.tensor([1.0, 0.0, 0.5, 1.0, 0.0]),
                                                            reduction="none"))}


def err(name, f):
    try:
        f()
    except Exception as e:  # noqa: BLE001
        return {"name": name, "type": type(e).__name__, "message": str(e)}
    raise AssertionError(name + " did not raise")


errors = [
    err("bce_size", lambda: F.binary_cross_entropy(torch.rand(3), torch.rand(3, 1))),
    err("bce_range", lambda: F.binary_cross_entropy(torch.tensor([1.5]), torch.tensor([1.0]))),
    err("bce_logits_size", lambda: F.binary_cross_entropy_with_logits(torch.rand(3), torch.rand(2))),
    err("l1_reduction", lambda: F.l1_loss(torch.rand(3), torch.rand(3), reduction="foo")),
    err("smooth_l1_beta", lambda: F.smooth_l1_loss(torch.rand(3), torch.rand(3), beta=-1.0)),
    err("huber_delta", lambda: F.huber_loss(torch.rand(3), torch.rand(3), delta=0.0)),
    err("kl_div_reduction", lambda: F.kl_div(torch.rand(3), torch.rand(3), reduction="foo")),
]

w = torch.tensor([1.0, 2.0, 0.5])
modules = [
    ("MSELoss", {}, nn.MSELoss()),
    ("L1Loss", {"reduction": "sum"}, nn.L1Loss(reduction="sum")),
    ("SmoothL1Loss", {"beta": 0.5}, nn.SmoothL1Loss(beta=0.5)),
    ("HuberLoss", {"delta": 2.0}, nn.HuberLoss(delta=2.0)),
    ("CrossEntropyLoss", {"weight": w, "label_smoothing": 0.1}, nn.CrossEntropyLoss(weight=w, label_smoothing=0.1)),
    ("NLLLoss", {"ignore_index": 1}, nn.NLLLoss(ignore_index=1)),
    ("BCELoss", {"weight": w}, nn.BCELoss(weight=w)),
    ("BCEWithLogitsLoss", {"pos_weight": w}, nn.BCEWithLogitsLoss(pos_weight=w)),
    ("KLDivLoss", {"reduction": "batchmean", "log_target": True}, nn.KLDivLoss(reduction="batchmean", log_target=True)),
]
mod_x = torch.rand(2, 3) * 0.8 + 0.1
mod_t = torch.rand(2, 3)
mod_cls = torch.tensor([0, 1])
module_cases = []
for name, kw, m in modules:
    target = mod_cls if name in ("CrossEntropyLoss", "NLLLoss") else mod_t
    inp = mod_x.log() if name in ("NLLLoss", "KLDivLoss") else mod_x
    module_cases.append({
        "cls": name,
        "kwargs": enc_any(kw),
        "repr": repr(m),
        "buffers": sorted(k for k, _ in m.named_buffers()),
        "state_dict": sorted(m.state_dict().keys()),
        "reduction": m.reduction,
        "input": enc(inp),
        "target": enc(target),
        "out": enc(m(inp, target)),
    })

write_fixture("loss", {"cases": cases, "bce_edge": edge, "logits_edge": logits_edge, "errors": errors,
                       "modules": module_cases}, __file__)
