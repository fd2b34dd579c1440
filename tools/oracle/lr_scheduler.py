"""Oracle for torch.optim.lr_scheduler (StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR,
LambdaLR, OneCycleLR, ReduceLROnPlateau): every group's lr (and momentum / beta1) after each step.

Each case builds an optimizer over two parameter groups with different lrs, then runs
optimizer.step(); scheduler.step() N times. LambdaLR lambdas are named (see LAMBDAS).
"""
import math

import torch
from torch.optim import lr_scheduler as S

from common import enc_any, num, write_fixture

LAMBDAS = {
    "pow0.95": lambda e: 0.95 ** e,
    "inv1p": lambda e: 1.0 / (1 + e),
    "warmup5": lambda e: min(1.0, (e + 1) / 5),
    "cosdecay": lambda e: 0.5 * (1 + math.cos(math.pi * e / 8)),
}

METRICS = [1.0, 0.9, 0.95, 0.95, 0.96, 0.97, 0.8, 0.8, 0.81, 0.82, 0.83, 0.84, 0.85, 0.7, 0.7,
           0.71, 0.72, 0.73, 0.74, 0.75]

# (scheduler, optimizer, optimizer options, second group's lr, scheduler options, steps[, epochs])
CASES = [
    ("StepLR", "SGD", {"lr": 0.1}, 0.05, {"step_size": 3}, 10),
    ("StepLR", "SGD", {"lr": 0.1, "momentum": 0.9}, 0.3, {"step_size": 2, "gamma": 0.5}, 9),
    ("StepLR", "SGD", {"lr": 0.1}, 0.05, {"step_size": 3, "gamma": 0.7}, 6, [2, 5, 6, 9, 3, 0]),
    ("MultiStepLR", "SGD", {"lr": 0.1}, 0.02, {"milestones": [2, 5, 8]}, 10),
    ("MultiStepLR", "Adam", {"lr": 0.01}, 0.003, {"milestones": [3, 3, 6], "gamma": 0.3}, 9),
    ("MultiStepLR", "SGD", {"lr": 0.1}, 0.02, {"milestones": [4, 2], "gamma": 0.5}, 5, [1, 3, 4, 7, 2]),
    ("ExponentialLR", "SGD", {"lr": 0.1}, 0.2, {"gamma": 0.9}, 8),
    ("ExponentialLR", "Adam", {"lr": 0.003}, 0.001, {"gamma": 0.77}, 6, [3, 4, 0, 10, 5, 6]),
    ("CosineAnnealingLR", "SGD", {"lr": 0.1}, 0.05, {"T_max": 10}, 25),
    ("CosineAnnealingLR", "SGD", {"lr": 0.1, "momentum": 0.9}, 0.3, {"T_max": 4, "eta_min": 0.01}, 14),
    ("CosineAnnealingLR", "Adam", {"lr": 0.002}, 0.001, {"T_max": 7, "eta_min": 1e-4}, 6,
     [1, 2, 5, 9, 3, 4]),
    ("LambdaLR", "SGD", {"lr": 0.1}, 0.05, {"lr_lambda": "pow0.95"}, 8),
    ("LambdaLR", "SGD", {"lr": 0.1}, 0.05, {"lr_lambda": ["warmup5", "inv1p"]}, 8),
    ("LambdaLR", "Adam", {"lr": 0.01}, 0.02, {"lr_lambda": "cosdecay"}, 5, [3, 1, 8, 2, 4]),
    ("OneCycleLR", "SGD", {"lr": 0.1, "momentum": 0.9}, 0.05, {"max_lr": 1.0, "total_steps": 20}, 20),
    ("OneCycleLR", "SGD", {"lr": 0.1, "momentum": 0.9}, 0.05,
     {"max_lr": [0.5, 0.2], "epochs": 3, "steps_per_epoch": 4, "pct_start": 0.25,
      "anneal_strategy": "linear", "base_momentum": 0.8, "max_momentum": [0.95, 0.9]}, 12),
    ("OneCycleLR", "Adam", {"lr": 0.001, "betas": (0.9, 0.99)}, 0.002,
     {"max_lr": 0.01, "total_steps": 15, "three_phase": True, "div_factor": 10.0,
      "final_div_factor": 100.0}, 15),
    ("OneCycleLR", "Adam", {"lr": 0.001}, 0.002,
     {"max_lr": [0.01, 0.02], "total_steps": 10, "cycle_momentum": False, "pct_start": 0.4,
      "three_phase": True, "anneal_strategy": "linear"}, 10),
    ("OneCycleLR", "SGD", {"lr": 0.1, "momentum": 0.9}, 0.05,
     {"max_lr": 0.3, "total_steps": 8, "cycle_momentum": False}, 8),
    ("ReduceLROnPlateau", "SGD", {"lr": 0.1}, 0.05, {"patience": 2}, 20),
    ("ReduceLROnPlateau", "SGD", {"lr": 0.1}, 0.05,
     {"mode": "max", "factor": 0.5, "patience": 1, "threshold": 0.01, "threshold_mode": "abs",
      "cooldown": 2, "min_lr": [0.02, 0.001]}, 20),
    ("ReduceLROnPlateau", "Adam", {"lr": 0.01}, 0.003,
     {"factor": 0.3, "patience": 0, "threshold": 0.05, "cooldown": 1, "min_lr": 0.001, "eps": 1e-3}, 20),
    ("ReduceLROnPlateau", "SGD", {"lr": 0.1}, 0.05,
     {"mode": "max", "patience": 0, "threshold_mode": "rel", "threshold": 0.0}, 20),
    ("ReduceLROnPlateau", "SGD", {"lr": 0.1}, 0.05,
     {"patience": 1, "threshold_mode": "abs", "threshold": 0.0, "factor": 0.5}, 20),
]


def make_opt(name, opts, lr2):
    torch.manual_seed(0)
    w = torch.randn(3, requires_grad=True)
    b = torch.randn(2, requires_grad=True)
    cls = getattr(torch.optim, name)
    opt = cls([{"params": [w]}, {"params": [b], "lr": lr2}], **opts)
    return opt, w, b


def resolve(name, kwargs):
    kw = dict(kwargs)
    if name == "LambdaLR":
        lam = kw["lr_lambda"]
        kw["lr_lambda"] = [LAMBDAS[x] for x in lam] if isinstance(lam, list) else LAMBDAS[lam]
    return kw


def snapshot(opt):
    out = []
    for g in opt.param_groups:
        rec = {"lr": num(g["lr"])}
        if "momentum" in g:
            rec["momentum"] = num(g["momentum"])
        if "betas" in g:
            rec["betas"] = [num(x) for x in g["betas"]]
        out.append(rec)
    return out


def plain(sd):
    keep = {}
    for k, v in sd.items():
        if k in ("lr_lambdas", "anneal_func", "_schedule_phases"):
            continue
        if isinstance(v, (int, float, str, bool, list)) or v is None:
            keep[k] = enc_any(list(v) if isinstance(v, list) else v)
        elif k == "milestones":
            keep[k] = {str(m): c for m, c in v.items()}
    return keep


def run_case(case):
    sched, oname, oopts, lr2, sopts, steps = case[:6]
    epochs = case[6] if len(case) > 6 else None
    opt, w, b = make_opt(oname, oopts, lr2)
    s = getattr(S, sched)(opt, **resolve(sched, sopts))
    lrs = [snapshot(opt)]
    # 1.13's ReduceLROnPlateau has no get_last_lr and sets _last_lr only in step (2.x: in __init__).
    last = [[g["lr"] for g in opt.param_groups]]
    metrics = []
    for i in range(steps):
        w.grad, b.grad = torch.ones(3), torch.ones(2)
        opt.step()
        ep = None if epochs is None else epochs[i]
        if sched == "ReduceLROnPlateau":
            metrics.append(METRICS[i])
            s.step(METRICS[i]) if ep is None else s.step(METRICS[i], ep)
        else:
            s.step() if ep is None else s.step(ep)
        lrs.append(snapshot(opt))
        last.append(list(s._last_lr))
    group_keys = [{k: enc_any(v) for k, v in g.items() if k in
                   ("initial_lr", "max_lr", "min_lr", "max_momentum", "base_momentum")}
                  for g in opt.param_groups]
    return {
        "scheduler": sched,
        "optimizer": oname,
        "optimizer_options": enc_any({k: list(v) if isinstance(v, tuple) else v for k, v in oopts.items()}),
        "lr2": lr2,
        "options": enc_any(sopts),
        "steps": steps,
        "epochs": epochs,
        "metrics": metrics,
        "lrs": lrs,
        "last_lr": last,
        "groups": group_keys,
        "state_dict": plain(s.state_dict()),
    }


def errors():
    trials = [
        ("LambdaLR", "SGD", {"lr": 0.1}, {"lr_lambda": ["pow0.95"]}),
        ("StepLR", "SGD", {"lr": 0.1}, {"step_size": 2, "last_epoch": 3}),
        ("OneCycleLR", "SGD", {"lr": 0.1}, {"max_lr": 0.1}),
        ("OneCycleLR", "SGD", {"lr": 0.1}, {"max_lr": 0.1, "total_steps": 0}),
        ("OneCycleLR", "SGD", {"lr": 0.1}, {"max_lr": 0.1, "epochs": 0, "steps_per_epoch": 3}),
        ("OneCycleLR", "SGD", {"lr": 0.1}, {"max_lr": 0.1, "epochs": 2, "steps_per_epoch": -1}),
        ("OneCycleLR", "SGD", {"lr": 0.1}, {"max_lr": 0.1, "total_steps": 5, "pct_start": 1.5}),
        ("OneCycleLR", "SGD", {"lr": 0.1}, {"max_lr": 0.1, "total_steps": 5, "anneal_strategy": "exp"}),
        ("OneCycleLR", "SGD", {"lr": 0.1}, {"max_lr": [0.1], "total_steps": 5}),
        ("OneCycleLR", "Adagrad", {"lr": 0.1}, {"max_lr": 0.1, "total_steps": 5}),
        ("OneCycleLR", "SGD", {"lr": 0.1, "momentum": 0.9}, {"max_lr": 0.1, "total_steps": 5,
                                                             "max_momentum": [0.9, 0.9, 0.9]}),
        ("ReduceLROnPlateau", "SGD", {"lr": 0.1}, {"factor": 1.0}),
        ("ReduceLROnPlateau", "SGD", {"lr": 0.1}, {"mode": "avg"}),
        ("ReduceLROnPlateau", "SGD", {"lr": 0.1}, {"threshold_mode": "x"}),
        ("ReduceLROnPlateau", "SGD", {"lr": 0.1}, {"min_lr": [0.1]}),
    ]
    out = []
    for sched, oname, oopts, sopts in trials:
        opt, _, _ = make_opt(oname, oopts, 0.05)
        try:
            getattr(S, sched)(opt, **resolve(sched, sopts))
            msg, kind = None, None
        except Exception as e:  # noqa: BLE001
            msg, kind = str(e.args[0]), type(e).__name__
        out.append({"scheduler": sched, "optimizer": oname, "optimizer_options": oopts,
                    "options": sopts, "error": kind, "message": msg})
    # Stepping OneCycleLR past total_steps.
    opt, _, _ = make_opt("SGD", {"lr": 0.1, "momentum": 0.9}, 0.05)
    s = S.OneCycleLR(opt, max_lr=0.1, total_steps=4)
    msg = None
    try:
        for _ in range(10):
            s.step()
    except ValueError as e:
        msg = str(e)
    return {"trials": out, "overstep": {"total_steps": 4, "message": msg, "last_epoch": s.last_epoch}}


write_fixture("lr_scheduler", {"cases": [run_case(c) for c in CASES], "errors": errors()}, __file__)
