"""Pooling (1-d, 2-d options, adaptive max), instance norm, upsampling and pixel shuffle, as modules
and through torch.nn.functional, in float32 and float64, plus PyTorch's errors for bad arguments.

Module case: torch.manual_seed(seed); m = nn.<ctor>(*args, **kw) (.double() for float64); an
optional warm-up forward in train mode; m.eval() if asked; x = randn(shape) (requires grad);
out = m(x * 1); (out * g).sum().backward(). Functional case: out = F.<fn>(x, *args, **kw), same
backward. Where PyTorch 2.x differs from the 1.13 oracle (grad_fn names, reprs, messages), the
2.x text is patched in below with the reason. Writes test/fixtures/layers_pool.json.
"""
import re

import torch
import torch.nn as nn
import torch.nn.functional as F

from common import enc, write_fixture

modules = []
functional = []
errors = []

DTYPES = {"float32": torch.float32, "float64": torch.float64}


def _apply_instance_norm_2x(self, input):
    # PyTorch 2.x passes momentum=None on as 0.0; 1.13 passed None and failed.
    return F.instance_norm(input, self.running_mean, self.running_var, self.weight, self.bias,
                           self.training or not self.track_running_stats,
                           self.momentum if self.momentum is not None else 0.0, self.eps)


nn.modules.instancenorm._InstanceNorm._apply_instance_norm = _apply_instance_norm_2x

_interpolate_113 = F.interpolate


def _interpolate_2x(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                    recompute_scale_factor=None, antialias=False):
    """PyTorch 2.x's 2-D nearest(-exact) forward picks nearest_idx (a C float scale with exact
    shortcuts) when oH + oW <= 128 or the input is channels-last with C > 3, else the generic
    kernel (_use_vectorized_kernel_cond_2d in ATen/native/cpu/UpSampleKernel.cpp). 1.13 picked
    nearest_idx exactly for channels-last inputs, so the input is given the layout that makes 1.13
    choose as 2.x does. The backward kernels use nearest_idx in both versions."""
    if input.dim() == 4 and mode in ("nearest", "nearest-exact"):
        with torch.no_grad():
            oh, ow = _interpolate_113(input, size, scale_factor, mode, align_corners,
                                      recompute_scale_factor).shape[-2:]
        cl = input.is_contiguous(memory_format=torch.channels_last)
        if oh + ow <= 128 or (cl and input.size(1) > 3):
            input = input.contiguous(memory_format=torch.channels_last)
        elif cl:
            # A strided view that is not channels-last contiguous sends 1.13 to the generic kernel.
            input = F.pad(input, (0, 1))[..., :-1]
    return _interpolate_113(input, size, scale_factor, mode, align_corners, recompute_scale_factor, antialias)


F.interpolate = _interpolate_2x


def grad_fn_name(out):
    name = type(out.grad_fn).__name__ if out.grad_fn is not None else None
    if name == "ReshapeAliasBackward0":
        # 1.13 records reshape-of-contiguous as ReshapeAliasBackward0; PyTorch 2.x records a view.
        return "ViewBackward0"
    if name is not None and re.match(r"_?Upsample\w+Backward1$", name):
        # 1.13 dispatches F.interpolate to the .vec overloads (…Backward1); in 2.x those are
        # composite and record the base overload's node, …Backward0.
        return name[:-1] + "0"
    return name


def fix_repr(text):
    # PyTorch 2.x's Upsample.extra_repr prints repr(self.mode) ('nearest'); 1.13 printed it bare.
    return re.sub(r"mode=([a-z-]+)", r"mode='\1'", text)


def tup(v):
    if isinstance(v, list):
        return tuple(tup(a) for a in v)
    return v


def make_x(shape, dtype, kind):
    if kind == "ties":
        # Few distinct values, so max pooling meets ties (the first position wins).
        return torch.randint(0, 3, shape).to(dtype)
    return torch.randn(*shape, dtype=dtype)


def outputs(out):
    if isinstance(out, tuple):
        return [enc(o) for o in out], out[0]
    return [enc(out)], out


def module(name, ctor, args=(), kw=None, shape=(2, 3, 8), dtype="float32", mode="train", warmup=False,
           x_kind="randn"):
    kw = kw or {}
    seed = 3000 + len(modules)
    torch.manual_seed(seed)
    m = getattr(nn, ctor)(*[tup(a) for a in args], **{k: tup(v) for k, v in kw.items()})
    if dtype == "float64":
        m.double()
    state0 = {k: enc(v) for k, v in m.state_dict().items()}
    x0 = None
    if warmup:
        x0 = torch.randn(*shape, dtype=DTYPES[dtype])
        m(x0)
    if mode == "eval":
        m.eval()
    x = make_x(shape, DTYPES[dtype], x_kind).requires_grad_()
    out = m(x * 1)
    encs, first = outputs(out)
    g = torch.randn(*first.shape, dtype=DTYPES[dtype])
    (first * g).sum().backward()
    modules.append({
        "name": name, "ctor": ctor, "args": list(args), "kw": kw, "seed": seed, "dtype": dtype, "mode": mode,
        "repr": fix_repr(repr(m)), "state0": state0, "x0": enc(x0), "x": enc(x), "g": enc(g), "out": encs,
        "grad_fn": grad_fn_name(first), "x_grad": enc(x.grad),
        "param_grads": {k: enc(p.grad) for k, p in m.named_parameters()},
        "state1": {k: enc(v) for k, v in m.state_dict().items()},
    })


def func(name, fn, args=(), kw=None, shape=(2, 3, 8), dtypes=("float32", "float64"), x_kind="randn",
         tensors=None):
    """tensors: extra tensor keyword arguments, drawn with randn(shape) after x."""
    kw = kw or {}
    for dt in dtypes:
        seed = 4000 + len(functional)
        torch.manual_seed(seed)
        x = make_x(shape, DTYPES[dt], x_kind).requires_grad_()
        extra = {k: torch.randn(*s, dtype=DTYPES[dt]) for k, s in (tensors or {}).items()}
        call_kw = {k: tup(v) for k, v in kw.items()}
        call_kw.update(extra)
        out = getattr(F, fn)(x, *[tup(a) for a in args], **call_kw)
        encs, first = outputs(out)
        g = torch.randn(*first.shape, dtype=DTYPES[dt])
        (first * g).sum().backward()
        functional.append({
            "name": f"{name}/{dt}", "fn": fn, "args": list(args), "kw": kw, "dtype": dt,
            "tensors": {k: enc(v) for k, v in extra.items()}, "x": enc(x), "g": enc(g), "out": encs,
            "grad_fn": grad_fn_name(first), "x_grad": enc(x.grad),
        })


def error(name, fn, args=(), kw=None, shape=(2, 3, 8), requires_grad=False, ctor=None, ctor_args=(),
          ctor_kw=None, override=None, override_type=None):
    """fn is F.<fn>(x, ...) or, with ctor, nn.<ctor>(...)(x). override: PyTorch 2.x's text."""
    x = torch.randn(*shape, requires_grad=requires_grad)
    try:
        if ctor is not None:
            kws = {k: tup(v) for k, v in (ctor_kw or {}).items()}
            m = getattr(nn, ctor)(*[tup(a) for a in ctor_args], **kws)
            m(x)
        else:
            getattr(F, fn)(x, *[tup(a) for a in args], **{k: tup(v) for k, v in (kw or {}).items()})
    except Exception as e:  # noqa: BLE001 - the oracle records whatever PyTorch raises
        msg = str(e).split("\n")[0]
        errors.append({
            "name": name, "fn": fn, "ctor": ctor, "ctor_args": list(ctor_args), "ctor_kw": ctor_kw or {},
            "args": list(args), "kw": kw or {}, "shape": list(shape), "requires_grad": requires_grad,
            "type": override_type or type(e).__name__, "msg": override if override is not None else msg,
        })
        return
    raise AssertionError(f"{name}: no error")


# ---- modules ----
module("maxpool1d", "MaxPool1d", [3, 2, 1])
module("maxpool1d/ceil_f64", "MaxPool1d", [2], {"ceil_mode": True}, shape=(2, 3, 7), dtype="float64")
module("maxpool1d/ties", "MaxPool1d", [3], {"stride": 1}, shape=(1, 2, 9), x_kind="ties")
module("maxpool1d/no_batch", "MaxPool1d", [2], {"dilation": 2}, shape=(3, 9))
module("maxpool2d/ceil_last_window_in_pad", "MaxPool2d", [2, 2, 1], {"ceil_mode": True}, shape=(1, 2, 5, 5))
module("maxpool2d/dilation_pad_f64", "MaxPool2d", [[3, 2]], {"stride": [2, 1], "padding": [1, 1],
       "dilation": [2, 1]}, shape=(2, 2, 7, 6), dtype="float64")
module("maxpool2d/ties", "MaxPool2d", [2], {"stride": 1}, shape=(1, 1, 4, 5), x_kind="ties")
module("maxpool2d/return_indices", "MaxPool2d", [3], {"stride": 2, "return_indices": True, "ceil_mode": True},
       shape=(1, 2, 6, 6))
module("avgpool1d", "AvgPool1d", [3], {"stride": 2, "padding": 1}, shape=(2, 3, 8))
module("avgpool1d/no_pad_count_ceil", "AvgPool1d", [3, 2, 1, True, False], shape=(2, 2, 8), dtype="float64")
module("avgpool2d/ceil_last_window_in_pad", "AvgPool2d", [2, 2, 1], {"ceil_mode": True}, shape=(1, 2, 5, 5))
module("avgpool2d/ceil_no_count_f64", "AvgPool2d", [3, 2, 1], {"ceil_mode": True, "count_include_pad": False},
       shape=(1, 2, 6, 7), dtype="float64")
module("avgpool2d/divisor_pad", "AvgPool2d", [[3, 2]], {"stride": [1, 2], "padding": [1, 1],
       "divisor_override": 5}, shape=(2, 1, 5, 6))
module("adaptivemaxpool2d", "AdaptiveMaxPool2d", [[3, 2]], shape=(2, 3, 7, 5))
module("adaptivemaxpool2d/none_f64", "AdaptiveMaxPool2d", [[None, 3]], shape=(1, 2, 4, 7), dtype="float64")
module("adaptivemaxpool2d/indices", "AdaptiveMaxPool2d", [2, True], shape=(2, 5, 5))
module("adaptivemaxpool1d", "AdaptiveMaxPool1d", [3], shape=(2, 3, 8))
module("adaptivemaxpool1d/grow_f64", "AdaptiveMaxPool1d", [6], shape=(1, 2, 4), dtype="float64")
module("adaptiveavgpool1d", "AdaptiveAvgPool1d", [4], shape=(2, 3, 10))
module("adaptiveavgpool1d/one", "AdaptiveAvgPool1d", [1], shape=(2, 3, 5), dtype="float64")
module("instancenorm1d", "InstanceNorm1d", [3], shape=(2, 3, 6))
module("instancenorm1d/affine_f64", "InstanceNorm1d", [3], {"affine": True}, shape=(2, 3, 5), dtype="float64")
module("instancenorm1d/no_batch", "InstanceNorm1d", [4], {"affine": True}, shape=(4, 6))
module("instancenorm2d", "InstanceNorm2d", [4], {"eps": 1e-3}, shape=(2, 4, 3, 3))
module("instancenorm2d/track", "InstanceNorm2d", [3], {"track_running_stats": True, "momentum": 0.3},
       shape=(2, 3, 4, 4))
module("instancenorm2d/track_eval_f64", "InstanceNorm2d", [3], {"affine": True, "track_running_stats": True},
       shape=(2, 3, 4, 5), dtype="float64", mode="eval", warmup=True)
module("instancenorm1d/momentum_none", "InstanceNorm1d", [2], {"momentum": None, "track_running_stats": True},
       shape=(3, 2, 5))
module("instancenorm3d/affine_track", "InstanceNorm3d", [2], {"affine": True, "track_running_stats": True},
       shape=(2, 2, 3, 2, 3))
module("instancenorm3d/no_batch_f64", "InstanceNorm3d", [3], shape=(3, 2, 2, 3), dtype="float64")
module("upsample/nearest", "Upsample", [], {"scale_factor": 2}, shape=(1, 2, 3, 4))
module("upsample/nearest_1d", "Upsample", [], {"size": 7}, shape=(2, 2, 3))
module("upsample/bilinear_size_f64", "Upsample", [], {"size": [5, 7], "mode": "bilinear"}, shape=(1, 2, 3, 4),
       dtype="float64")
module("upsample/bilinear_align", "Upsample", [], {"scale_factor": [1.5, 2], "mode": "bilinear",
       "align_corners": True}, shape=(1, 2, 4, 3))
module("upsample/linear", "Upsample", [], {"scale_factor": 1.5, "mode": "linear"}, shape=(2, 2, 5))
module("upsample/recompute", "Upsample", [], {"scale_factor": 1.7, "mode": "bilinear",
       "recompute_scale_factor": True}, shape=(1, 1, 5, 4))
module("upsamplingnearest2d", "UpsamplingNearest2d", [], {"scale_factor": 3}, shape=(1, 2, 2, 3))
module("upsamplingbilinear2d", "UpsamplingBilinear2d", [], {"size": [4, 5]}, shape=(1, 2, 3, 3))
module("pixelshuffle", "PixelShuffle", [2], shape=(2, 8, 3, 2))
module("pixelshuffle/f64_5d", "PixelShuffle", [3], shape=(2, 1, 9, 2, 2), dtype="float64")
module("pixelunshuffle", "PixelUnshuffle", [2], shape=(1, 2, 4, 6))

# ---- functional ----
func("max_pool1d", "max_pool1d", [3, 2, 1])
func("max_pool1d/indices", "max_pool1d", [2], {"ceil_mode": True, "return_indices": True}, shape=(2, 3, 7))
func("max_pool1d/dilation", "max_pool1d", [3], {"stride": 2, "padding": 1, "dilation": 2}, shape=(1, 2, 11))
func("max_pool2d/ceil_pad", "max_pool2d", [3, 2, 1], {"ceil_mode": True, "return_indices": True},
     shape=(1, 2, 6, 6))
func("max_pool2d/ceil_edge", "max_pool2d", [2, 2, 1], {"ceil_mode": True}, shape=(2, 1, 5, 7))
func("avg_pool1d", "avg_pool1d", [4, 3, 2], {"ceil_mode": True}, shape=(2, 2, 9))
func("avg_pool1d/no_count", "avg_pool1d", [3, 1, 1], {"count_include_pad": False}, shape=(2, 5))
func("avg_pool2d/ceil_edge", "avg_pool2d", [2, 2, 1], {"ceil_mode": True, "count_include_pad": False},
     shape=(1, 2, 5, 5))
func("avg_pool2d/divisor", "avg_pool2d", [3], {"stride": 2, "padding": 1, "ceil_mode": True,
     "divisor_override": 2}, shape=(1, 1, 6, 6))
func("adaptive_max_pool2d", "adaptive_max_pool2d", [[2, None]], {"return_indices": True}, shape=(1, 2, 5, 4))
func("adaptive_max_pool2d/grow", "adaptive_max_pool2d", [[6, 5]], shape=(1, 1, 4, 3))
func("adaptive_max_pool1d", "adaptive_max_pool1d", [3], {"return_indices": True}, shape=(2, 3, 7))
func("adaptive_avg_pool1d", "adaptive_avg_pool1d", [5], shape=(2, 3, 7))
func("instance_norm", "instance_norm", [], {"eps": 1e-4}, shape=(2, 3, 4, 3), tensors={"weight": (3,),
     "bias": (3,)})
func("instance_norm/1d", "instance_norm", [], {}, shape=(3, 2, 5))
MODES = (("nearest", {}), ("bilinear", {"align_corners": False}), ("bilinear", {"align_corners": True}))
for mode, extra in MODES:
    tag = mode + ("_ac" if extra.get("align_corners") else "")
    func(f"interpolate/{tag}/sf2", "interpolate", [], {"scale_factor": 2, "mode": mode, **extra},
         shape=(1, 2, 3, 4))
    func(f"interpolate/{tag}/sf1.7", "interpolate", [], {"scale_factor": 1.7, "mode": mode, **extra},
         shape=(1, 2, 5, 3))
    func(f"interpolate/{tag}/sf_tuple_down", "interpolate", [], {"scale_factor": [0.5, 0.75], "mode": mode,
         **extra}, shape=(1, 1, 8, 7))
    func(f"interpolate/{tag}/size", "interpolate", [], {"size": [7, 3], "mode": mode, **extra},
         shape=(2, 1, 4, 5))
    func(f"interpolate/{tag}/recompute", "interpolate", [], {"scale_factor": [1.7, 2.3], "mode": mode,
         "recompute_scale_factor": True, **extra}, shape=(1, 2, 3, 4))
    func(f"interpolate/{tag}/size_int", "interpolate", [], {"size": 1, "mode": mode, **extra},
         shape=(1, 2, 3, 4))
func("interpolate/nearest_1d/sf2.5", "interpolate", [], {"scale_factor": 2.5}, shape=(2, 2, 3))
func("interpolate/nearest_1d/size_down", "interpolate", [], {"size": 4}, shape=(1, 2, 9))
func("interpolate/nearest_1d/sf0.3", "interpolate", [], {"scale_factor": 0.3}, shape=(1, 1, 10))
# 1-D nearest always runs the generic kernel forward and nearest_idx backward; here they differ.
func("interpolate/nearest_1d/sf2.1", "interpolate", [], {"scale_factor": 2.1}, shape=(1, 2, 5))
# oH + oW > 128: the generic 2-D forward (its indices differ from the backward's nearest_idx).
func("interpolate/nearest/large_generic", "interpolate", [], {"scale_factor": [12.1, 11.7]},
     shape=(1, 1, 5, 6), dtypes=("float32",))
func("interpolate/nearest_exact/large_generic", "interpolate", [],
     {"size": [61, 70], "mode": "nearest-exact"}, shape=(1, 1, 4, 6), dtypes=("float64",))
func("interpolate/linear/size", "interpolate", [[7]], {"mode": "linear"}, shape=(2, 2, 4))
func("interpolate/linear/ac_sf", "interpolate", [None, 2.5, "linear", True], shape=(1, 2, 4))
func("interpolate/nearest_exact/sf1.7", "interpolate", [], {"scale_factor": 1.7, "mode": "nearest-exact"},
     shape=(1, 2, 5, 3))
func("interpolate/nearest_exact_1d/size", "interpolate", [], {"size": 5, "mode": "nearest-exact"},
     shape=(1, 2, 3))
func("interpolate/area", "interpolate", [[3, 2]], {"mode": "area"}, shape=(1, 2, 7, 5))
func("pixel_shuffle", "pixel_shuffle", [2], shape=(1, 8, 2, 3))
func("pixel_unshuffle", "pixel_unshuffle", [3], shape=(3, 6, 9))

# ---- errors ----
error("max_pool1d/4d", "max_pool1d", [2], shape=(2, 3, 4, 5))
error("max_pool1d/4d_grad", "max_pool1d", [2], shape=(2, 3, 4, 5), requires_grad=True)
error("max_pool1d/pad", "max_pool1d", [3, 1, 2])
error("max_pool1d/kernel_pair", "max_pool1d", [[2, 2]])
error("max_pool1d/too_small", "max_pool1d", [5, 1], shape=(1, 2, 3))
# PyTorch 2.x runs check_max_pool1d before choosing the with-indices path (1.13 skipped it when
# autograd needed indices and failed later in max_pool2d).
error("max_pool1d/too_small_grad", "max_pool1d", [5, 1], shape=(1, 2, 3), requires_grad=True,
      override="max_pool1d() Invalid computed output size: -1")
error("max_pool1d/stride0", "max_pool1d", [2, 0])
PAD_2X = "pad should be at most half of effective kernel size, but got pad=2, kernel_size={k} and dilation=1"
# PyTorch 2.x checks the padding in pooling_output_shape first, with this wording (1.13 had only
# pool2d_shape_check's "pad should be smaller than or equal to half of kernel size").
error("max_pool2d/pad", "max_pool2d", [3, 1, 2], shape=(1, 1, 6, 6),
      override=PAD_2X.format(k=3))
error("max_pool2d/2d_input", "max_pool2d", [2], shape=(4, 4))
error("max_pool2d/too_small", "max_pool2d", [3], shape=(1, 1, 2, 2))
error("max_pool2d/kernel_triple", "max_pool2d", [[2, 2, 2]], shape=(1, 1, 4, 4))
error("avg_pool2d/divisor0", "avg_pool2d", [2], {"divisor_override": 0}, shape=(1, 1, 4, 4))
error("avg_pool2d/pad", "avg_pool2d", [2, 1, 2], shape=(1, 1, 6, 6),
      override=PAD_2X.format(k=2))
error("avg_pool1d/4d", "avg_pool1d", [2], shape=(2, 3, 4, 5))
error("avg_pool1d/kernel_pair", "avg_pool1d", [[2, 2]])
error("adaptive_max_pool2d/2d", "adaptive_max_pool2d", [2], shape=(3, 4))
error("adaptive_max_pool2d/empty", "adaptive_max_pool2d", [2], shape=(1, 0, 4, 4))
error("adaptive_max_pool2d/none_short", "adaptive_max_pool2d", [[None, 2]], shape=(4,))
error("adaptive_max_pool1d/4d", "adaptive_max_pool1d", [2], shape=(1, 2, 3, 4))
error("adaptive_max_pool1d/pair", "adaptive_max_pool1d", [[2, 2]])
error("adaptive_avg_pool1d/pair", "adaptive_avg_pool1d", [[2, 2]])
error("interpolate/both", "interpolate", [], {"size": 4, "scale_factor": 2}, shape=(1, 1, 3, 3))
error("interpolate/neither", "interpolate", [], {}, shape=(1, 1, 3, 3))
error("interpolate/align_nearest", "interpolate", [], {"scale_factor": 2, "align_corners": True},
      shape=(1, 1, 3, 3))
error("interpolate/recompute_size", "interpolate", [], {"size": 4, "recompute_scale_factor": True},
      shape=(1, 1, 3, 3))
error("interpolate/size_len", "interpolate", [], {"size": [2, 3, 4]}, shape=(1, 1, 3, 3))
error("interpolate/scale_len", "interpolate", [], {"scale_factor": [2, 3, 4]}, shape=(1, 1, 3, 3))
error("interpolate/bilinear_3d", "interpolate", [], {"scale_factor": 2, "mode": "bilinear"}, shape=(1, 1, 3))
error("interpolate/linear_4d", "interpolate", [], {"scale_factor": 2, "mode": "linear"}, shape=(1, 1, 3, 3))
error("interpolate/2d_input", "interpolate", [], {"size": 2}, shape=(3, 3))
error("interpolate/zero_size", "interpolate", [], {"size": [0, 3]}, shape=(1, 1, 2, 2))
error("interpolate/zero_size_1d", "interpolate", [], {"scale_factor": 0.2}, shape=(1, 1, 4))
error("pixel_shuffle/2d", "pixel_shuffle", [2], shape=(4, 4))
error("pixel_shuffle/channels", "pixel_shuffle", [2], shape=(1, 6, 2, 2))
error("pixel_unshuffle/height", "pixel_unshuffle", [2], shape=(1, 1, 3, 4))
error("pixel_unshuffle/width", "pixel_unshuffle", [2], shape=(1, 1, 4, 5))
error("instance_norm/one_spatial", "instance_norm", [], shape=(2, 3, 1))
error("instance_norm/no_stats", "instance_norm", [], {"use_input_stats": False}, shape=(2, 3, 4))
error("InstanceNorm1d/4d", None, ctor="InstanceNorm1d", ctor_args=[3], shape=(2, 3, 4, 5))
error("InstanceNorm3d/3d", None, ctor="InstanceNorm3d", ctor_args=[3], shape=(3, 4, 5))
error("InstanceNorm2d/2d", None, ctor="InstanceNorm2d", ctor_args=[3], shape=(3, 4))
# PyTorch 2.x's _InstanceNorm.forward checks num_features first (a ValueError); 1.13 failed in
# batch_norm's weight check.
error("InstanceNorm1d/features", None, ctor="InstanceNorm1d", ctor_args=[3], ctor_kw={"affine": True},
      shape=(2, 4, 5), override="expected input's size at dim=1 to match num_features (3), but got: 4.",
      override_type="ValueError")

write_fixture("layers_pool", {"modules": modules, "functional": functional, "errors": errors}, __file__)
