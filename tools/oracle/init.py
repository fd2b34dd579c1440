"""torch.nn.init: every initializer under torch.manual_seed(k) on conv- and linear-like shapes,
calculate_gain, the fan rules, and the error messages, from real PyTorch.

Writes test/fixtures/init.json; test/nn/init.test.ts runs the same calls.

Layout: {"cases": [...], "gains": [...], "fans": [...], "errors": [...]}.
A case: {"name", "fn", "seed", "shape", "dtype", "args": [...], "kwargs": {...}, "out": enc}:
  torch.manual_seed(seed); t = torch.empty(shape, dtype=dtype); nn.init.<fn>(t, *args, **kwargs);
  out is t afterwards. Every case starts from a zero-filled tensor, so the values written
  are the initializer's own.
A gain: {"nonlinearity", "param", "gain"}; a fan: {"shape", "fan_in", "fan_out"}.
An error: {"name", "fn", "shape", "args", "kwargs", "message"} with fn one of init's functions.
"""
import math
import warnings

import torch
import torch.nn.init as init

from common import enc, write_fixture

cases = []


def case(name, fn, seed, shape, args=(), kwargs=None, dtype=torch.float32):
    kwargs = kwargs or {}
    torch.manual_seed(seed)
    t = torch.zeros(shape, dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        getattr(init, fn)(t, *args, **kwargs)
    cases.append({"name": name, "fn": fn, "seed": seed, "shape": list(shape),
                  "dtype": str(dtype).replace("torch.", ""), "args": list(args), "kwargs": kwargs,
                  "out": enc(t)})


SHAPES = ([3, 5], [16, 8, 3, 3], [4, 6, 5])
for dt in (torch.float32, torch.float64):
    s = str(dt).replace("torch.", "")
    for i, shape in enumerate(SHAPES):
        tag = f"{'x'.join(map(str, shape))}/{s}"
        k = 10 * i
        case(f"uniform_/default/{tag}", "uniform_", k, shape, dtype=dt)
        case(f"uniform_/ab/{tag}", "uniform_", k + 1, shape, (-0.5, 2.0), dtype=dt)
        case(f"normal_/default/{tag}", "normal_", k + 2, shape, dtype=dt)
        case(f"normal_/mean_std/{tag}", "normal_", k + 3, shape, kwargs={"mean": 1.0, "std": 0.3}, dtype=dt)
        case(f"trunc_normal_/default/{tag}", "trunc_normal_", k + 4, shape, dtype=dt)
        case(f"trunc_normal_/shifted/{tag}", "trunc_normal_", k + 5, shape, (0.5, 2.0, -1.0, 3.0), dtype=dt)
        case(f"xavier_uniform_/{tag}", "xavier_uniform_", k + 6, shape, kwargs={"gain": 1.5}, dtype=dt)
        case(f"xavier_normal_/{tag}", "xavier_normal_", k + 7, shape, dtype=dt)
        case(f"kaiming_uniform_/sqrt5/{tag}", "kaiming_uniform_", k + 8, shape, kwargs={"a": math.sqrt(5)},
             dtype=dt)
        case(f"kaiming_uniform_/fan_out_relu/{tag}", "kaiming_uniform_", k + 9, shape,
             kwargs={"mode": "fan_out", "nonlinearity": "relu"}, dtype=dt)
        case(f"kaiming_normal_/{tag}", "kaiming_normal_", k + 10, shape, kwargs={"a": 0.2}, dtype=dt)
        case(f"kaiming_normal_/fan_out_tanh/{tag}", "kaiming_normal_", k + 11, shape,
             kwargs={"mode": "fan_out", "nonlinearity": "tanh"}, dtype=dt)
        case(f"orthogonal_/{tag}", "orthogonal_", k + 12, shape, dtype=dt)
        case(f"orthogonal_/gain/{tag}", "orthogonal_", k + 13, shape, kwargs={"gain": 2.0}, dtype=dt)
        case(f"constant_/{tag}", "constant_", k, shape, (0.25,), dtype=dt)
        case(f"ones_/{tag}", "ones_", k, shape, dtype=dt)
        case(f"zeros_/{tag}", "zeros_", k, shape, dtype=dt)
    case(f"orthogonal_/tall/{s}", "orthogonal_", 40, [7, 3], dtype=dt)
    case(f"orthogonal_/square/{s}", "orthogonal_", 41, [6, 6], dtype=dt)
    case(f"eye_/{s}", "eye_", 0, [3, 5], dtype=dt)
    case(f"eye_/tall/{s}", "eye_", 0, [4, 2], dtype=dt)
    case(f"dirac_/4d/{s}", "dirac_", 0, [4, 2, 3, 3], dtype=dt)
    case(f"dirac_/3d_groups/{s}", "dirac_", 0, [6, 2, 3], (2,), dtype=dt)
    case(f"dirac_/5d/{s}", "dirac_", 0, [3, 4, 3, 2, 3], dtype=dt)
    case(f"sparse_/{s}", "sparse_", 50, [10, 4], (0.3,), dtype=dt)
    case(f"sparse_/std/{s}", "sparse_", 51, [6, 3], (0.5, 0.2), dtype=dt)
case("trunc_normal_/large", "trunc_normal_", 60, [64, 64], kwargs={"std": 0.02})
case("trunc_normal_/far", "trunc_normal_", 61, [200], kwargs={"mean": 0.0, "std": 1.0, "a": 2.5, "b": 4.0})
case("kaiming_uniform_/zero_elements", "kaiming_uniform_", 62, [0, 3])

NONLIN = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
          "sigmoid", "tanh", "relu", "leaky_relu", "selu"]
gains = [{"nonlinearity": n, "param": None, "gain": init.calculate_gain(n)} for n in NONLIN]
gains += [{"nonlinearity": "leaky_relu", "param": p, "gain": init.calculate_gain("leaky_relu", p)}
          for p in (0, 0.2, math.sqrt(5), 3)]

fans = []
for shape in ([3, 5], [16, 8, 3, 3], [4, 6, 5], [2, 3, 4, 5, 6], [7, 1]):
    fi, fo = init._calculate_fan_in_and_fan_out(torch.empty(shape))
    fans.append({"shape": shape, "fan_in": fi, "fan_out": fo})

errors = []


def error(name, fn, shape, args=(), kwargs=None):
    kwargs = kwargs or {}
    try:
        if fn == "calculate_gain":
            init.calculate_gain(*args, **kwargs)
        else:
            getattr(init, fn)(torch.empty(shape), *args, **kwargs)
    except Exception as e:  # noqa: BLE001 - we record PyTorch's message
        errors.append({"name": name, "fn": fn, "shape": shape, "args": list(args), "kwargs": kwargs,
                       "message": str(e), "type": type(e).__name__})
        return
    raise AssertionError("expected an error: " + name)


error("fan/1d", "_calculate_fan_in_and_fan_out", [5])
error("xavier/1d", "xavier_uniform_", [5])
error("kaiming/1d", "kaiming_normal_", [5])
error("kaiming/mode", "kaiming_uniform_", [3, 4], kwargs={"mode": "fan_avg"})
error("kaiming/nonlinearity", "kaiming_uniform_", [3, 4], kwargs={"nonlinearity": "swish"})
error("gain/unknown", "calculate_gain", None, ("foo",))
error("gain/bool", "calculate_gain", None, ("leaky_relu", True))
error("eye/3d", "eye_", [2, 3, 4])
error("dirac/2d", "dirac_", [3, 3])
error("dirac/groups", "dirac_", [4, 2, 3, 3], (3,))
error("orthogonal/1d", "orthogonal_", [4])
error("sparse/3d", "sparse_", [2, 3, 4], (0.5,))

write_fixture("init", {"cases": cases, "gains": gains, "fans": fans, "errors": errors}, __file__)
