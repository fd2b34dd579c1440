"""Oracle for torch.optim (optimizer.py, sgd.py, adam.py, adamw.py, rmsprop.py, adagrad.py).

Each case starts from seeded parameters, sets p.grad to a seeded random tensor at each of 5 steps,
and records the parameters after every step, the final state_dict and the optimizer's repr.
"""
import torch

from common import enc, enc_any, write_fixture

OPT = {
    "SGD": torch.optim.SGD,
    "Adam": torch.optim.Adam,
    "AdamW": torch.optim.AdamW,
    "RMSprop": torch.optim.RMSprop,
    "Adagrad": torch.optim.Adagrad,
}

# (optimizer, options, second group's overrides or None for a single group)
CASES = [
    ("SGD", {"lr": 0.1}, None),
    ("SGD", {"lr": 0.1, "momentum": 0.9}, None),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}, None),
    ("SGD", {"lr": 0.1, "momentum": 0.5, "dampening": 0.3, "maximize": True}, None),
    ("SGD", {"lr": 0.1, "momentum": 0.9}, {"lr": 0.01, "momentum": 0}),
    ("Adam", {}, None),
    ("Adam", {"lr": 0.01, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.1}, None),
    ("Adam", {"lr": 0.01, "amsgrad": True}, None),
    ("Adam", {"lr": 0.01, "maximize": True}, {"lr": 0.1, "weight_decay": 0.5}),
    ("AdamW", {"weight_decay": 0.01}, None),
    ("AdamW", {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True}, None),
    ("AdamW", {"lr": 0.01, "weight_decay": 0.01, "maximize": True}, {"lr": 0.1, "weight_decay": 0.2}),
    ("RMSprop", {}, None),
    ("RMSprop", {"lr": 0.01, "alpha": 0.9, "momentum": 0.5}, None),
    ("RMSprop", {"lr": 0.01, "centered": True, "weight_decay": 0.1}, None),
    ("RMSprop", {"lr": 0.01, "centered": True, "momentum": 0.9, "maximize": True}, {"lr": 0.001}),
    ("Adagrad", {}, None),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.1, "weight_decay": 0.1, "initial_accumulator_value": 0.5},
     None),
    ("Adagrad", {"lr": 0.1, "eps": 1e-5, "maximize": True}, {"lr": 0.3}),
]


def run_case(name, kwargs, group2, steps=5):
    torch.manual_seed(len(name) * 100 + len(kwargs))
    w = torch.randn(3, 4)
    b = torch.randn(4)
    init = [enc(w), enc(b)]
    w.requires_grad_(True)
    b.requires_grad_(True)
    if group2 is None:
        opt = OPT[name]([w, b], **kwargs)
    else:
        opt = OPT[name]([{"params": [w]}, dict(params=[b], **group2)], **kwargs)
    grads, after = [], []
    for _ in range(steps):
        gw, gb = torch.randn(3, 4), torch.randn(4)
        w.grad, b.grad = gw.clone(), gb.clone()
        opt.step()
        grads.append([enc(gw), enc(gb)])
        after.append([enc(w), enc(b)])
    sd = opt.state_dict()
    state = {str(k): enc_any(v) for k, v in sd["state"].items()}
    return {
        "optimizer": name,
        "options": enc_any({k: list(v) if isinstance(v, tuple) else v for k, v in kwargs.items()}),
        "group2": group2,
        "init": init,
        "grads": grads,
        "after": after,
        "state": state,
        "param_groups": enc_any(sd["param_groups"]),
        "repr": repr(opt),
    }


def errors():
    out = []
    p = torch.zeros(2, requires_grad=True)
    trials = [
        ("SGD", "empty", {"lr": 0.1}),
        ("Adam", "dup", {}),
        ("SGD", "normal", {"lr": -1}),
        ("SGD", "normal", {"lr": 0.1, "momentum": -0.5}),
        ("SGD", "normal", {"lr": 0.1, "weight_decay": -0.5}),
        ("SGD", "normal", {"lr": 0.1, "nesterov": True}),
        ("Adam", "normal", {"lr": -0.01}),
        ("Adam", "normal", {"eps": -1e-8}),
        ("Adam", "normal", {"betas": [1.0, 0.999]}),
        ("Adam", "normal", {"betas": [0.9, 1.5]}),
        ("Adam", "normal", {"weight_decay": -1}),
        ("AdamW", "normal", {"betas": [-0.1, 0.999]}),
        ("RMSprop", "normal", {"alpha": -0.1}),
        ("RMSprop", "normal", {"momentum": -0.1}),
        ("Adagrad", "normal", {"lr_decay": -0.1}),
        ("Adagrad", "normal", {"initial_accumulator_value": -0.1}),
        ("Adagrad", "normal", {"eps": -0.1}),
    ]
    for name, kind, kwargs in trials:
        if kind == "empty":
            params = []
        elif kind == "dup":
            params = [{"params": [p]}, {"params": [p]}]
        else:
            params = [p]
        try:
            OPT[name](params, **{k: tuple(v) if isinstance(v, list) else v for k, v in kwargs.items()})
            msg = None
        except Exception as e:  # noqa: BLE001
            msg = str(e)
        out.append({"optimizer": name, "params": kind, "options": kwargs, "message": msg})
    return out


def zero_grad():
    p = torch.ones(3, requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.1)
    p.grad = torch.tensor([1.0, 2.0, 3.0])
    opt.zero_grad(set_to_none=False)
    kept = enc(p.grad)
    opt.zero_grad(set_to_none=True)
    return {"set_to_none_false": kept, "set_to_none_true_is_none": p.grad is None}


write_fixture("optim", {
    "cases": [run_case(*c) for c in CASES],
    "errors": errors(),
    "zero_grad": zero_grad(),
}, __file__)
