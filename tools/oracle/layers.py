"""The nn.Module tutorial's layers as modules: seeded default parameters, repr, state_dict keys, forward
output and gradients (input and every parameter), train and eval for BatchNorm.

Each case: torch.manual_seed(k); m = <ctor>; x = randn(shape) (requires grad);
out = m(x * 1); (out * g).sum().backward(). Writes test/fixtures/layers.json.
"""
import torch
import torch.nn as nn

from common import enc, write_fixture

cases = []


def case(name, ctor, kwargs, shape, mode="train", steps=1):
    seed = 1000 + len(cases)
    torch.manual_seed(seed)
    m = getattr(nn, ctor)(*kwargs.get("args", []), **kwargs.get("kw", {}))
    state0 = {k: enc(v) for k, v in m.state_dict().items()}
    if mode == "eval":
        m.eval()
    x = torch.randn(*shape, requires_grad=True)
    for _ in range(steps - 1):
        m(x.detach())
    out = m(x * 1)  # a non-leaf input, so in-place layers may modify it
    g = torch.randn(*out.shape)
    (out * g).sum().backward()
    cases.append({
        "name": name, "ctor": ctor, "args": kwargs.get("args", []), "kw": kwargs.get("kw", {}), "seed": seed,
        "mode": mode, "steps": steps, "repr": repr(m), "state0": state0, "x": enc(x), "g": enc(g),
        "out": enc(out), "grad_fn": type(out.grad_fn).__name__, "x_grad": enc(x.grad),
        "param_grads": {k: enc(p.grad) for k, p in m.named_parameters()},
        "state1": {k: enc(v) for k, v in m.state_dict().items()},
    })


case("linear", "Linear", {"args": [5, 3]}, [4, 5])
case("linear/no_bias", "Linear", {"args": [5, 3], "kw": {"bias": False}}, [2, 4, 5])
case("linear/1d_input", "Linear", {"args": [4, 2]}, [4])
case("conv2d", "Conv2d", {"args": [3, 4, 3]}, [2, 3, 7, 7])
case("conv2d/stride_padding", "Conv2d", {"args": [2, 4, 3], "kw": {"stride": 2, "padding": 1}}, [2, 2, 8, 8])
case("conv2d/same_dilation", "Conv2d", {"args": [2, 2, 3], "kw": {"padding": "same", "dilation": 2}},
     [1, 2, 7, 6])
case("conv2d/valid_rect", "Conv2d", {"args": [3, 2, [2, 3]], "kw": {"padding": "valid", "bias": False}},
     [2, 3, 5, 6])
case("conv2d/groups", "Conv2d", {"args": [4, 6, 3], "kw": {"groups": 2, "padding": [1, 2]}}, [1, 4, 5, 5])
case("conv2d/seed_doubleconv", "Conv2d", {"args": [8, 16], "kw": {"kernel_size": 3, "padding": 1}},
     [1, 8, 6, 6])
case("batchnorm2d/train", "BatchNorm2d", {"args": [3]}, [4, 3, 5, 5])
case("batchnorm2d/train_3_steps", "BatchNorm2d", {"args": [3], "kw": {"momentum": 0.3}}, [2, 3, 4, 4],
     steps=3)
case("batchnorm2d/eval", "BatchNorm2d", {"args": [3]}, [2, 3, 4, 4], mode="eval")
case("batchnorm2d/no_affine", "BatchNorm2d", {"args": [2], "kw": {"affine": False, "eps": 1e-3}},
     [3, 2, 3, 3])
case("batchnorm2d/momentum_none", "BatchNorm2d", {"args": [2], "kw": {"momentum": None}}, [3, 2, 3, 3],
     steps=2)
case("relu", "ReLU", {}, [3, 4])
case("relu/inplace_repr", "ReLU", {"kw": {"inplace": True}}, [3, 4])
case("sigmoid", "Sigmoid", {}, [3, 4])
case("maxpool2d", "MaxPool2d", {"args": [2, 2]}, [2, 3, 6, 6])
case("maxpool2d/stride_pad_ceil", "MaxPool2d", {"args": [3], "kw": {"stride": 2, "padding": 1,
                                                               "ceil_mode": True}}, [1, 2, 7, 8])
case("maxpool2d/dilation", "MaxPool2d", {"args": [2], "kw": {"stride": 1, "dilation": 2}}, [1, 1, 6, 6])

write_fixture("layers", cases, __file__)
