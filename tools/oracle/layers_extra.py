"""More torch.nn layers as modules: Flatten, Unflatten, Dropout, Dropout2d, Embedding, LayerNorm,
GroupNorm, AvgPool2d, AdaptiveAvgPool2d. Seeded construction, repr, state_dict, output, grad_fn,
input and parameter gradients; Dropout masks in train mode under a fixed seed.

Each case: torch.manual_seed(k); m = <ctor>; x = randn(shape) (requires grad) or the given
indices; out = m(x * 1); (out * g).sum().backward(). Writes test/fixtures/layers_extra.json.
"""
import torch
import torch.nn as nn

from common import enc, write_fixture

cases = []


def grad_fn_name(out):
    # 1.13 records reshape-of-contiguous as ReshapeAliasBackward0; PyTorch 2.x records a view.
    name = type(out.grad_fn).__name__
    return "ViewBackward0" if name == "ReshapeAliasBackward0" else name


def case(name, ctor, kwargs, shape, mode="train", indices=None, drop_bias=False):
    seed = 2000 + len(cases)
    torch.manual_seed(seed)
    args = [tuple(a) if isinstance(a, list) else a for a in kwargs.get("args", [])]
    kw = {k: tuple(v) if isinstance(v, list) else v for k, v in kwargs.get("kw", {}).items()}
    if drop_bias:
        # LayerNorm(bias=False) is PyTorch >= 2.1; the oracle's 1.13 builds the same module by hand.
        kw.pop("bias")
    m = getattr(nn, ctor)(*args, **kw)
    if drop_bias:
        m.bias = None
    state0 = {k: enc(v) for k, v in m.state_dict().items()}
    if mode == "eval":
        m.eval()
    if indices is not None:
        x = torch.tensor(indices)
        out = m(x)
    else:
        x = torch.randn(*shape, requires_grad=True)
        out = m(x * 1)  # a non-leaf input, so in-place layers may modify it
    g = torch.randn(*out.shape)
    (out * g).sum().backward()
    cases.append({
        "name": name, "ctor": ctor, "args": kwargs.get("args", []), "kw": kwargs.get("kw", {}), "seed": seed,
        "mode": mode, "repr": repr(m), "state0": state0, "x": enc(x), "g": enc(g),
        "out": enc(out), "grad_fn": grad_fn_name(out), "x_grad": enc(x.grad),
        "param_grads": {k: enc(p.grad) for k, p in m.named_parameters()},
    })


case("flatten", "Flatten", {}, [2, 3, 4])
case("flatten/range", "Flatten", {"args": [0, 2]}, [2, 3, 4, 5])
case("flatten/negative", "Flatten", {"kw": {"start_dim": -3, "end_dim": -2}}, [2, 3, 4, 5])
case("unflatten", "Unflatten", {"args": [1, [2, 3]]}, [4, 6])
case("unflatten/infer", "Unflatten", {"args": [-1, [2, -1, 2]]}, [3, 12])
case("dropout", "Dropout", {}, [4, 5])
case("dropout/p_inplace", "Dropout", {"kw": {"p": 0.2, "inplace": True}}, [3, 7])
case("dropout/eval", "Dropout", {"args": [0.3]}, [3, 4], mode="eval")
case("dropout2d", "Dropout2d", {}, [2, 3, 4, 4])
case("dropout2d/p_inplace", "Dropout2d", {"kw": {"p": 0.3, "inplace": True}}, [3, 4, 2, 3])
case("dropout2d/eval", "Dropout2d", {}, [2, 3, 4, 4], mode="eval")
case("dropout2d/3d_input", "Dropout2d", {"args": [0.4]}, [2, 5, 3])
case("dropout2d/p_one", "Dropout2d", {"args": [1.0]}, [2, 2, 2, 2])
case("embedding", "Embedding", {"args": [10, 3]}, None, indices=[[1, 2, 4, 5], [4, 3, 2, 9]])
case("embedding/1d", "Embedding", {"args": [6, 4]}, None, indices=[5, 0, 5, 2])
case("embedding/padding_idx", "Embedding", {"args": [8, 3], "kw": {"padding_idx": 0}}, None,
     indices=[[0, 2, 0], [1, 0, 7]])
case("embedding/padding_negative", "Embedding", {"args": [5, 2], "kw": {"padding_idx": -2}}, None,
     indices=[3, 1, 3, 4])
case("embedding/scale_grad_by_freq", "Embedding", {"args": [6, 2], "kw": {"scale_grad_by_freq": True}}, None,
     indices=[[1, 1, 2], [1, 5, 2]])
case("layernorm", "LayerNorm", {"args": [5]}, [3, 5])
case("layernorm/2d_eps", "LayerNorm", {"args": [[4, 5]], "kw": {"eps": 1e-3}}, [2, 3, 4, 5])
case("layernorm/no_affine", "LayerNorm", {"args": [4], "kw": {"elementwise_affine": False}}, [3, 4])
case("layernorm/no_bias", "LayerNorm", {"args": [4], "kw": {"bias": False}}, [2, 3, 4], drop_bias=True)
case("groupnorm", "GroupNorm", {"args": [2, 4]}, [3, 4, 5, 5])
case("groupnorm/no_affine_3d", "GroupNorm", {"args": [3, 6], "kw": {"eps": 1e-3, "affine": False}}, [2, 6, 4])
case("groupnorm/one_group_2d", "GroupNorm", {"args": [1, 3]}, [2, 3])
case("groupnorm/instance", "GroupNorm", {"args": [4, 4]}, [2, 4, 3, 3])
case("avgpool2d", "AvgPool2d", {"args": [2]}, [2, 3, 6, 6])
case("avgpool2d/ceil_no_pad_count", "AvgPool2d", {"args": [3], "kw": {
    "stride": 2, "padding": 1, "ceil_mode": True, "count_include_pad": False}}, [1, 2, 7, 8])
case("avgpool2d/rect_divisor", "AvgPool2d", {"args": [[2, 3]], "kw": {"divisor_override": 4}}, [1, 2, 6, 6])
case("avgpool2d/3d_input", "AvgPool2d", {"args": [2, 1]}, [2, 5, 5])
case("adaptiveavgpool2d/1", "AdaptiveAvgPool2d", {"args": [1]}, [2, 3, 5, 5])
case("adaptiveavgpool2d/rect", "AdaptiveAvgPool2d", {"args": [[3, 2]]}, [2, 3, 7, 6])
case("adaptiveavgpool2d/none", "AdaptiveAvgPool2d", {"args": [[None, 3]]}, [1, 2, 5, 7])

write_fixture("layers_extra", cases, __file__)
