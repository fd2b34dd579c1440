"""Tensor repr text (torch/_tensor_str.py): scalars, n-d layouts, fixed/sci/int modes, nan/inf,
empty shapes, dtype/requires_grad/grad_fn suffixes, summarisation, wrapping, print options.

Writes test/fixtures/print.json: [{name, tensor, requires_grad, grad_fn, is_leaf, parameter,
options, text}]; test/tensor/print.test.ts formats each tensor and compares the text exactly.
The target is PyTorch 2.x's text; see _Formatter2x below for the one place 1.13 differs here.
"""
import math

import torch
import torch._tensor_str as tensor_str

from common import enc, write_fixture

_Formatter113 = tensor_str._Formatter
PRINT_OPTS = tensor_str.PRINT_OPTS


class _Formatter2x(_Formatter113):
    """1.13 measures the column width in the automatically chosen mode and only then applies a
    forced set_printoptions(sci_mode=...), so a forced mode can print misaligned columns
    (tensor([-1.5000e+00, 2.5000e+00])). PyTorch 2.x measures the width in the mode it prints
    in (tensor([-1.5000e+00,  2.5000e+00])). This re-measures the width the 2.x way; without a
    forced mode, or when it equals the automatic one, it changes nothing.
    """

    def __init__(self, tensor):
        forced = PRINT_OPTS.sci_mode
        PRINT_OPTS.sci_mode = None
        try:
            super().__init__(tensor)
        finally:
            PRINT_OPTS.sci_mode = forced
        if forced is None or not self.floating_dtype:
            return
        flat = tensor.reshape(-1)
        vals = torch.masked_select(flat, torch.isfinite(flat) & flat.ne(0)).tolist()
        if not vals:
            return  # both versions return before applying sci_mode when nothing is finite/nonzero
        self.sci_mode = forced
        self.max_width = 1
        for v in vals:
            if forced:
                s = "{{:.{}e}}".format(PRINT_OPTS.precision).format(v)
            elif self.int_mode:
                s = "{:.0f}".format(v) + "."
            else:
                s = "{{:.{}f}}".format(PRINT_OPTS.precision).format(v)
            self.max_width = max(self.max_width, len(s))


tensor_str._Formatter = _Formatter2x

cases = []


def dyadic(*shape):
    """Random values k/256 in (-16, 16): short exact JSON for the big summarised tensors, and
    some exact ties at 4 decimals (k/32) among them."""
    return torch.randint(-4000, 4000, shape) / 256


def add(name, t, options=None, parameter=False):
    """Records repr(t) under the given set_printoptions keywords, then restores the defaults."""
    if options:
        torch.set_printoptions(**options)
    try:
        text = repr(t)
    finally:
        torch.set_printoptions(profile="default")
    grad_fn = type(t.grad_fn).__name__ if t.grad_fn is not None else None
    cases.append({
        "name": name,
        "tensor": enc(t),
        "requires_grad": t.requires_grad,
        "grad_fn": grad_fn,
        "is_leaf": t.is_leaf,
        "parameter": parameter,
        "options": options or {},
        "text": text,
    })


nan, inf = math.nan, math.inf
f64, i32, i64 = torch.float64, torch.int32, torch.int64
torch.manual_seed(0)

# Scalars of every dtype.
add("scalar_float_int", torch.tensor(3.0))
add("scalar_float", torch.tensor(3.14159))
add("scalar_float64", torch.tensor(2.5, dtype=f64))
add("scalar_int64", torch.tensor(7))
add("scalar_int32", torch.tensor(-7, dtype=i32))
add("scalar_bool", torch.tensor(True))
add("scalar_nan", torch.tensor(nan))
add("scalar_neg_inf", torch.tensor(-inf))
add("scalar_neg_zero", torch.tensor(-0.0))
add("scalar_small_sci", torch.tensor(1e-5))
add("scalar_requires_grad", torch.tensor(1.25, requires_grad=True))

# 1-D to 5-D layouts.
add("vec_fixed", torch.tensor([1.5, -2.25, 3.125]))
add("vec_rand", torch.rand(5))
add("mat_randn", torch.randn(3, 4))
add("cube_randn", torch.randn(2, 3, 4))
add("4d_randn", torch.randn(2, 2, 2, 3))
add("5d_arange", torch.arange(32.0).reshape(2, 2, 2, 2, 2))
add("mat_float64", torch.randn(2, 3, dtype=f64))

# Mode choice: fixed, scientific, int_mode.
add("sci_ratio", torch.tensor([0.001234, 10.5]))
add("sci_big", torch.tensor([1e9 + 0.5, 2.5], dtype=f64))
add("sci_small", torch.tensor([1e-5, 0.5]))
add("int_mode", torch.tensor([1.0, 2.0, -3.0]))
add("int_mode_ratio_sci", torch.tensor([1.0, 10000.0]))
add("int_mode_big_sci", torch.tensor([2e8, 3e8]))
add("int_mode_neg_zero", torch.tensor([-0.0, 0.0, 1.0]))
add("fixed_neg_zero", torch.tensor([-0.0, 0.5]))
add("nan_inf_fixed", torch.tensor([nan, inf, -inf, 1.5]))
add("nan_inf_int", torch.tensor([nan, 1.0, inf]))
add("all_zero", torch.zeros(3))
add("all_nan", torch.tensor([nan, nan]))
add("extreme_float64", torch.tensor([1e-300, 1e300, -5e-324], dtype=f64))
add("float32_max", torch.tensor([3.4028234663852886e38, -1.0]))
add("exp_round_carry", torch.tensor([9.99996, 1e-5]))
add("fixed_round_carry", torch.tensor([9.99996, 0.5]))
# Exact binary ties: Python rounds the exact value half-to-even (0.03125 -> 0.0312).
add("ties_p4", torch.tensor([0.03125, 0.15625, -0.28125, 1.5]))
add("ties_p0", torch.tensor([0.5, 1.5, 2.5, -0.25]), {"precision": 0})
add("ties_sci_p1", torch.tensor([0.25, 0.75, 1e-5]), {"precision": 1})

# Integers and bools.
add("int64_vec", torch.tensor([1, -20, 300]))
add("int64_large", torch.tensor([-(2 ** 62), 123456789012345, 0]))
add("int32_mat", torch.tensor([[1, -2], [30, 4]], dtype=i32))
add("bool_vec", torch.tensor([True, False]))
add("bool_mat", torch.tensor([[True, True], [False, True]]))

# Empty and 0-size shapes, with the dtype rules for empty tensors.
add("empty_float", torch.tensor([]))
add("empty_0x3", torch.zeros(0, 3))
add("empty_int64", torch.tensor([], dtype=i64))
add("empty_int32_0x3", torch.zeros(0, 3, dtype=i32))
add("empty_bool", torch.zeros(0, dtype=torch.bool))
add("empty_float64_2x0x3", torch.zeros(2, 0, 3, dtype=f64))
add("empty_requires_grad", torch.zeros(0, 2, requires_grad=True))

# Autograd suffixes and Parameters.
add("leaf_requires_grad", torch.randn(3, requires_grad=True))
add("leaf_float64_requires_grad", torch.randn(2, 2, dtype=f64, requires_grad=True))
a = torch.randn(3, requires_grad=True)
add("mul_backward", a * 2)
add("mm_backward", torch.randn(2, 3, requires_grad=True) @ torch.randn(3, 2))
add("sum_backward", (a * a).sum())
add("long_row_grad_fn", torch.randn(2, 8, dtype=f64, requires_grad=True) * 3)
add("parameter", torch.nn.Parameter(torch.rand(2, 2)), parameter=True)
add("parameter_no_grad", torch.nn.Parameter(torch.ones(2), requires_grad=False), parameter=True)

# Summarisation above the threshold.
add("summary_1d_float", torch.arange(2000.0))
add("summary_1d_int", torch.arange(2000))
add("summary_1d_bool", torch.rand(2000) > 0.5)
add("summary_2d", dyadic(100, 100))
add("summary_3d", dyadic(20, 20, 20))
add("summary_4d", dyadic(8, 8, 8, 8))
add("summary_2d_int", torch.randint(-500, 500, (40, 40)))
add("summary_partial", dyadic(3, 400))
add("summary_edge2", torch.randn(10, 10), {"edgeitems": 2, "threshold": 50})
add("summary_edge1_3d", torch.randn(4, 5, 6), {"edgeitems": 1, "threshold": 10})
add("summary_short", dyadic(30, 40), {"profile": "short"})
add("summary_doc", torch.arange(10), {"threshold": 5})
add("full_profile", torch.arange(1200), {"profile": "full"})

# Line wrapping of long rows, and the suffix line rule.
add("wrap_1d", torch.randn(30))
add("wrap_int", torch.arange(50))
add("wrap_float64", torch.linspace(0, 1, 25, dtype=f64))
add("wrap_2d", torch.randn(3, 20))
add("wrap_linewidth40", torch.randn(12), {"linewidth": 40})
add("wrap_suffix", torch.randn(12, dtype=f64, requires_grad=True))

# Non-default options. (edgeitems=0 is left to a hand-written check in test/tensor/print.test.ts:
# 1.13 prints `[ ..., 0., 1., ...]` for 1-D and raises for 2-D, where 2.x prints `[...]`.)
add("precision2", torch.randn(4), {"precision": 2})
add("precision8_float64", torch.randn(3, dtype=f64), {"precision": 8})
add("sci_true", torch.tensor([1.5, -2.5, 100.0]), {"sci_mode": True})
add("sci_true_int_mode", torch.tensor([1.0, -20.0]), {"sci_mode": True})
add("sci_true_zeros", torch.zeros(2), {"sci_mode": True})
add("sci_false_small", torch.tensor([1e-5, 1.0, -0.5]), {"sci_mode": False})
add("sci_false_huge", torch.tensor([1e22, 1.5], dtype=f64), {"sci_mode": False})
add("sci_false_huge_int", torch.tensor([1e20, 3.0]), {"sci_mode": False})
add("precision2_sci", torch.tensor([1e-6, 1.0]), {"precision": 2})

write_fixture("print", cases, __file__)
print(f"{len(cases)} cases")
