"""The convolution family and padding: Conv1d, Conv2d (padding_mode), ConvTranspose1d/2d
(output_padding, output_size), Bilinear, the padding modules, and their functional forms
(F.conv1d, F.conv2d, F.conv_transpose1d/2d, F.pad in every mode, F.bilinear), in float32 and
float64, with PyTorch's error messages for bad shapes.

Module case: torch.manual_seed(k); m = <ctor>; x = randn(shape) (requires grad);
out = m(x * 1) (or m(x * 1, output_size)); (out * g).sum().backward().
Functional case: torch.manual_seed(k); args = randn(...) each; out = fn(*args, **kw); same backward.
Writes test/fixtures/layers_conv.json.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from common import enc, write_fixture

DTYPES = {"float32": torch.float32, "float64": torch.float64}


def grad_fn_name(out):
    # 1.13 records reshape-of-contiguous as ReshapeAliasBackward0; PyTorch 2.x records a view.
    name = type(out.grad_fn).__name__
    return "ViewBackward0" if name == "ReshapeAliasBackward0" else name


class CircularPad2d(nn.Module):
    """nn.CircularPad2d is PyTorch >= 2.1; the oracle's 1.13 gets the same module from F.pad."""

    def __init__(self, padding):
        super().__init__()
        self.padding = (padding,) * 4 if isinstance(padding, int) else tuple(padding)

    def forward(self, x):
        return F.pad(x, self.padding, "circular")

    def __repr__(self):
        return f"CircularPad2d({self.padding})"


def module_repr(m, ctor):
    # PyTorch 2.x prints ZeroPad2d as its padding alone (1.13 adds "padding=..., value=0.0").
    if ctor == "ZeroPad2d":
        return f"ZeroPad2d({m.padding})"
    return repr(m)


module_cases = []


def case(name, ctor, kwargs, shape, dtype="float32", output_size=None, shape2=None):
    seed = 3000 + len(module_cases)
    torch.manual_seed(seed)
    dt = DTYPES[dtype]
    args = [tuple(a) if isinstance(a, list) else a for a in kwargs.get("args", [])]
    kw = {k: tuple(v) if isinstance(v, list) else v for k, v in kwargs.get("kw", {}).items()}
    cls = CircularPad2d if ctor == "CircularPad2d" else getattr(nn, ctor)
    m = cls(*args, **kw).to(dt)
    state0 = {k: enc(v) for k, v in m.state_dict().items()}
    x = torch.randn(*shape, dtype=dt, requires_grad=True)
    x2 = torch.randn(*shape2, dtype=dt, requires_grad=True) if shape2 else None
    if x2 is not None:
        out = m(x * 1, x2 * 1)
    elif ctor == "Conv2d" and kw.get("padding_mode") == "circular" and x.dim() == 3:
        # 1.13's circular F.pad needs a batch dim; 2.x pads unbatched input the same way.
        out = m(x.unsqueeze(0) * 1).squeeze(0)
    elif output_size is not None:
        out = m(x * 1, output_size)
    else:
        out = m(x * 1)
    g = torch.randn(*out.shape, dtype=dt)
    (out * g).sum().backward()
    module_cases.append({
        "name": f"{name}/{dtype}", "ctor": ctor, "args": kwargs.get("args", []), "kw": kwargs.get("kw", {}),
        "dtype": dtype, "seed": seed, "output_size": output_size, "repr": module_repr(m, ctor),
        "state0": state0, "x": enc(x), "x2": enc(x2), "g": enc(g), "out": enc(out),
        "grad_fn": grad_fn_name(out), "x_grad": enc(x.grad),
        "x2_grad": enc(x2.grad) if x2 is not None else None,
        "param_grads": {k: enc(p.grad) for k, p in m.named_parameters()},
    })


for dt in ["float32", "float64"]:
    case("conv1d", "Conv1d", {"args": [2, 3, 3]}, [2, 2, 7], dt)
    case("conv1d/stride_pad_dil", "Conv1d", {"args": [4, 6, 3], "kw": {
        "stride": 2, "padding": 2, "dilation": 2, "groups": 2}}, [2, 4, 9], dt)
    case("conv1d/same_nobias", "Conv1d", {"args": [3, 2, 4], "kw": {"padding": "same", "bias": False}},
         [1, 3, 6], dt)
    case("conv1d/unbatched_valid", "Conv1d", {"args": [2, 2, 2], "kw": {"padding": "valid"}}, [2, 5], dt)
    for mode in ["reflect", "replicate", "circular"]:
        case(f"conv1d/{mode}", "Conv1d", {"args": [2, 3, 3], "kw": {"padding": 2, "padding_mode": mode}},
             [2, 2, 5], dt)
        case(f"conv2d/{mode}", "Conv2d", {"args": [2, 3, [3, 2]], "kw": {
            "padding": [1, 2], "padding_mode": mode}}, [2, 2, 4, 5], dt)
    case("conv2d/same_reflect", "Conv2d", {"args": [2, 2, [2, 3]], "kw": {
        "padding": "same", "padding_mode": "reflect"}}, [1, 2, 4, 5], dt)
    case("conv2d/circular_unbatched", "Conv2d", {"args": [3, 2, 3], "kw": {
        "padding": 1, "padding_mode": "circular"}}, [3, 4, 4], dt)
    case("convtranspose2d/k2s2", "ConvTranspose2d", {"args": [4, 2, 2], "kw": {"stride": 2}},
         [2, 4, 3, 3], dt)
    case("convtranspose2d/full", "ConvTranspose2d", {"args": [4, 6, [3, 2]], "kw": {
        "stride": [2, 3], "padding": [1, 0], "output_padding": [1, 2], "groups": 2, "dilation": [1, 2]}},
         [2, 4, 3, 4], dt)
    case("convtranspose2d/nobias_unbatched", "ConvTranspose2d", {"args": [3, 2, 3], "kw": {
        "bias": False, "padding": 1}}, [3, 4, 4], dt)
    case("convtranspose2d/output_size", "ConvTranspose2d", {"args": [2, 3, 3], "kw": {
        "stride": 2, "padding": 1}}, [1, 2, 3, 3], dt, output_size=[6, 6])
    case("convtranspose2d/output_size_4d", "ConvTranspose2d", {"args": [2, 3, 3], "kw": {"stride": 3}},
         [1, 2, 2, 3], dt, output_size=[1, 3, 7, 9])
    case("convtranspose2d/dil_gt_stride", "ConvTranspose2d", {"args": [2, 2, 2], "kw": {
        "dilation": 3, "output_padding": 2}}, [1, 2, 3, 3], dt)
    case("convtranspose1d", "ConvTranspose1d", {"args": [3, 4, 3], "kw": {
        "stride": 2, "padding": 1, "output_padding": 1, "dilation": 2}}, [2, 3, 5], dt)
    case("convtranspose1d/groups_unbatched", "ConvTranspose1d", {"args": [4, 2, 2], "kw": {
        "stride": 2, "groups": 2}}, [4, 3], dt)
    case("convtranspose1d/output_size", "ConvTranspose1d", {"args": [2, 2, 2], "kw": {"stride": 3}},
         [2, 2, 3], dt, output_size=[9])
    case("bilinear", "Bilinear", {"args": [3, 4, 2]}, [5, 3], dt, shape2=[5, 4])
    case("bilinear/nobias_nd", "Bilinear", {"args": [2, 3, 4], "kw": {"bias": False}}, [2, 3, 2], dt,
         shape2=[2, 3, 3])
    case("zeropad2d", "ZeroPad2d", {"args": [[1, 2, 0, 1]]}, [2, 2, 3, 3], dt)
    case("constantpad1d", "ConstantPad1d", {"args": [[2, 1], 3.5]}, [2, 3, 4], dt)
    case("constantpad2d/negative", "ConstantPad2d", {"args": [[-1, 2, 1, -1], -1.0]}, [2, 4, 4], dt)
    case("reflectionpad1d", "ReflectionPad1d", {"args": [2]}, [2, 3, 4], dt)
    case("reflectionpad2d", "ReflectionPad2d", {"args": [[1, 2, 2, 0]]}, [1, 2, 3, 4], dt)
    case("replicationpad1d", "ReplicationPad1d", {"args": [[3, 1]]}, [3, 2], dt)
    case("replicationpad2d", "ReplicationPad2d", {"args": [2]}, [1, 2, 3, 3], dt)
    case("circularpad2d", "CircularPad2d", {"args": [[1, 2, 2, 1]]}, [1, 2, 3, 4], dt)


fn_cases = []


def fcase(name, fn, shapes, kw, dtype="float32", nondiff=()):
    """fn is a name in F; shapes are the tensor arguments (None for an absent bias)."""
    seed = 4000 + len(fn_cases)
    torch.manual_seed(seed)
    dt = DTYPES[dtype]
    ts = [None if s is None else torch.randn(*s, dtype=dt, requires_grad=i not in nondiff)
          for i, s in enumerate(shapes)]
    kwt = {k: tuple(v) if isinstance(v, list) else v for k, v in kw.items()}
    name_ = None
    if kw.get("mode") == "circular" and len(kw["pad"]) // 2 + 1 == ts[0].dim():
        # 1.13's circular F.pad needs a batch dim; 2.x pads unbatched input the same way (CopySlices).
        out = F.pad(ts[0].unsqueeze(0), kwt["pad"], mode="circular").squeeze(0)
        name_ = "CopySlices"
    else:
        out = getattr(F, fn)(*ts, **kwt)
    g = torch.randn(*out.shape, dtype=dt)
    (out * g).sum().backward()
    name_ = name_ or grad_fn_name(out)
    fn_cases.append({
        "name": f"{name}/{dtype}", "fn": fn, "kw": kw, "dtype": dtype, "seed": seed,
        "inputs": [enc(t) for t in ts], "g": enc(g), "out": enc(out), "grad_fn": name_,
        "grads": [None if t is None or t.grad is None else enc(t.grad) for t in ts],
    })


for dt in ["float32", "float64"]:
    fcase("conv1d", "conv1d", [[2, 4, 8], [6, 2, 3], [6]], {"stride": 2, "padding": 1, "groups": 2}, dt)
    fcase("conv1d/same_dilated", "conv1d", [[1, 2, 7], [3, 2, 4], None], {
        "padding": "same", "dilation": 2}, dt)
    fcase("conv2d/same_even", "conv2d", [[1, 2, 5, 4], [3, 2, 2, 4], [3]], {"padding": "same"}, dt)
    fcase("conv_transpose1d", "conv_transpose1d", [[2, 3, 4], [3, 2, 3], [2]], {
        "stride": 2, "padding": 1, "output_padding": 1}, dt)
    fcase("conv_transpose2d", "conv_transpose2d", [[2, 4, 3, 3], [4, 3, 2, 3], [6]], {
        "stride": [2, 1], "padding": [0, 1], "groups": 2, "dilation": [2, 1]}, dt)
    fcase("conv_transpose2d/unbatched", "conv_transpose2d", [[2, 3, 2], [2, 2, 2, 2], None],
          {"stride": 2}, dt)
    fcase("bilinear", "bilinear", [[4, 3], [4, 2], [5, 3, 2], [5]], {}, dt)
    for mode in ["constant", "reflect", "replicate", "circular"]:
        fcase(f"pad/{mode}/1d_batched", "pad", [[2, 3, 5]], {"pad": [2, 1], "mode": mode}, dt)
        fcase(f"pad/{mode}/2d_batched", "pad", [[2, 2, 4, 5]], {"pad": [1, 2, 3, 1], "mode": mode}, dt)
        fcase(f"pad/{mode}/2d_unbatched", "pad", [[2, 3, 4]], {"pad": [2, 0, 1, 1], "mode": mode}, dt)
        fcase(f"pad/{mode}/3d_batched", "pad", [[1, 2, 3, 3, 4]], {
            "pad": [1, 1, 2, 0, 1, 2], "mode": mode}, dt)
        fcase(f"pad/{mode}/3d_unbatched", "pad", [[2, 3, 3, 4]], {
            "pad": [2, 1, 0, 1, 1, 1], "mode": mode}, dt)
        fcase(f"pad/{mode}/negative", "pad", [[2, 3, 5, 6]], {"pad": [-1, 2, 1, -2], "mode": mode}, dt)
    fcase("pad/replicate/1d_unbatched", "pad", [[3, 4]], {"pad": [3, 2], "mode": "replicate"}, dt)
    fcase("pad/reflect/1d_unbatched", "pad", [[3, 4]], {"pad": [3, 0], "mode": "reflect"}, dt)
    fcase("pad/constant/value", "pad", [[3, 4]], {"pad": [1, 2], "value": 2.5}, dt)
    fcase("pad/constant/1d_tensor", "pad", [[5]], {"pad": [2, -1]}, dt)
    fcase("pad/constant/leading_dims", "pad", [[2, 3, 4]], {"pad": [0, 1, 1, 0, 2, 1], "value": -3.0}, dt)


def err(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the message is the point
        return {"type": type(e).__name__, "message": str(e).split("\n")[0]}
    raise AssertionError("expected an error")


def r(*s):
    return torch.randn(*s)


errors = {
    "conv1d_dims": err(lambda: F.conv1d(r(1, 2, 3, 4), r(3, 2, 3))),
    "conv2d_dims": err(lambda: F.conv2d(r(2, 5), r(3, 2, 3, 3))),
    "conv_transpose1d_dims": err(lambda: F.conv_transpose1d(r(2, 3, 4, 4), r(3, 2, 3))),
    "conv_transpose2d_dims": err(lambda: F.conv_transpose2d(r(3, 4), r(3, 2, 3, 3))),
    "conv1d_channels": err(lambda: F.conv1d(r(2, 5, 7), r(4, 3, 3))),
    "conv2d_channels": err(lambda: F.conv2d(r(1, 2, 5, 5), r(4, 3, 3, 3))),
    "conv1d_kernel_too_big": err(lambda: F.conv1d(r(1, 2, 3), r(4, 2, 5))),
    "conv_transpose2d_channels": err(lambda: F.conv_transpose2d(r(1, 3, 4, 4), r(4, 2, 3, 3))),
    "conv_transpose2d_bias": err(lambda: F.conv_transpose2d(r(1, 4, 4, 4), r(4, 2, 3, 3), r(3), groups=2)),
    "conv_transpose1d_channels": err(lambda: F.conv_transpose1d(r(1, 3, 4), r(4, 2, 3))),
    "conv_transpose2d_output_padding": err(lambda: F.conv_transpose2d(
        r(1, 2, 3, 3), r(2, 2, 3, 3), stride=2, output_padding=2)),
    "conv_transpose2d_output_padding_dilation": err(lambda: F.conv_transpose2d(
        r(1, 2, 3, 3), r(2, 2, 3, 3), stride=[1, 2], dilation=[1, 2], output_padding=[1, 0])),
    "conv_transpose1d_output_padding": err(lambda: F.conv_transpose1d(
        r(1, 2, 3), r(2, 2, 3), stride=2, dilation=2, output_padding=2)),
    "reflect_too_big_1d": err(lambda: F.pad(r(1, 2, 3), (3, 3), mode="reflect")),
    "reflect_too_big_1d_unbatched": err(lambda: F.pad(r(2, 3), (1, 3), mode="reflect")),
    "reflect_too_big_2d": err(lambda: F.pad(r(1, 2, 3, 4), (1, 1, 3, 0), mode="reflect")),
    "pad_odd_length": err(lambda: F.pad(r(2, 3), (1, 2, 3))),
    "pad_too_long": err(lambda: F.pad(r(2, 3), (1, 1, 1, 1, 1, 1))),
    "pad_reflect_value": err(lambda: F.pad(r(1, 2, 3), (1, 1), mode="reflect", value=1.0)),
    "pad_reflect_4d_1d_pad": err(lambda: F.pad(r(1, 2, 3, 4), (1, 1), mode="reflect")),
    "pad_circular_wrap": err(lambda: F.pad(r(1, 2, 3), (4, 0), mode="circular")),
    "replicate_too_small": err(lambda: F.pad(r(1, 2, 3), (-2, -2), mode="replicate")),
    "reflect_too_small_2d": err(lambda: F.pad(r(1, 2, 3, 3), (-2, -2, -2, -2), mode="reflect")),
    "constant_negative_size": err(lambda: F.pad(r(2, 3), (-2, -2))),
    "conv_transpose2d_too_small": err(lambda: F.conv_transpose2d(r(1, 2, 1, 1), r(2, 2, 1, 1), padding=1)),
    "conv1d_same_strided": err(lambda: F.conv1d(r(1, 2, 5), r(2, 2, 3), stride=2, padding="same")),
    "module_same_strided": err(lambda: nn.Conv1d(2, 2, 3, stride=2, padding="same")),
    "module_invalid_padding_mode": err(lambda: nn.Conv2d(2, 2, 3, padding_mode="foo")),
    "module_transpose_padding_mode": err(lambda: nn.ConvTranspose2d(2, 2, 3, padding_mode="reflect")),
    "module_groups": err(lambda: nn.Conv1d(3, 4, 3, groups=2)),
    "module_output_size": err(lambda: nn.ConvTranspose2d(2, 2, 3, stride=2)(r(1, 2, 3, 3), [9, 9])),
}
# PyTorch 2.x prints the input's sizes here (1.13 printed its number of dims: "of input 4").
errors["reflect_too_big_2d"]["message"] = errors["reflect_too_big_2d"]["message"].replace(
    "of input 4", "of input [1, 2, 3, 4]")
# PyTorch 2.x checks the pad length in C++ (_pad_enum) with this wording;
# 1.13 said "Padding length too large".
errors["pad_too_long"]["message"] = (
    "Padding length should be less than or equal to two times the input dimension but got padding length 6 "
    "and input of dimension 2")
# PyTorch 2.x puts a space before "is too small" in reflection_pad2d's message (1.13 had none).
errors["reflect_too_small_2d"]["message"] = errors["reflect_too_small_2d"]["message"].replace(")is", ") is")
# 1.13's constant_pad_nd fails inside narrow(); PyTorch 2.x checks the output size first with this text.
errors["constant_negative_size"]["message"] = (
    "The input size 3, plus negative padding -2 and -2 resulted in a negative output size, which is invalid. "
    "Check dimension 1 of your input.")
# In PyTorch 2.x the valid padding modes print from a set; only the prefix is compared.
errors["module_invalid_padding_mode"]["message"] = errors["module_invalid_padding_mode"]["message"].split(
    "{")[0]

write_fixture("layers_conv", {"modules": module_cases, "functional": fn_cases, "errors": errors}, __file__)
