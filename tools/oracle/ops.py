"""Differential tests of tensor ops: forward values, grad_fn names, gradients and gradcheck
from real PyTorch, for the generic runner test/ops.test.ts. Writes test/fixtures/ops.json.

Fixture layout: {"cases": [...], "errors": [...]}.

A case:
  {"name": "add/broadcast", "fn": "add", "method": false,
   "args": [...], "kwargs": {...}, "pre": [...], "requires_grad": [...],
   "out": ..., "grad_fn": "AddBackward0" | null,
   "grad_outputs": [...] | null, "grads": [...] | null, "gradcheck": bool}

- args / kwargs / out are written with common.enc_any: a tensor is {"tensor": {dtype, shape,
  data}}, a dtype is {"dtype": "float64"}, numbers, strings, null and lists stay as they are.
  JSON has one number type, so no case passes a whole-valued float scalar (2.0) where Python
  would treat it differently from the int 2: float scalars always have a fraction.
- method: false calls torch[fn](...args, kwargs); true calls args[0][fn](...args[1:], kwargs).
  kwargs is passed as a trailing options object only when it is non-empty. fn "index" with a
  string argument is Python's `x[<string>]` (API.md's `x.index('1:2, ..., None, 0')`).
- pre (non-contiguous inputs): enc() stores values contiguously, so each arg has a `pre` entry,
  null or [method, ...methodArgs]. The stored tensor is the contiguous *base* (a leaf); the
  runner calls base[method](...methodArgs) to obtain the actual argument, e.g. ["t"],
  ["transpose", 0, 2], ["permute", [2, 0, 1]], ["index", ":, ::2"], ["expand", 3, 4].
  A list argument (cat, stack) has a list of such entries, one per element.
- requires_grad: per arg, a bool (a list of bools for a list argument). It applies to the stored
  base tensor, so gradients are those of the base leaves, before `pre`.
- out: the output; a list when PyTorch returns a tuple or named tuple (max(dim), split, ...).
- grad_fn: type(out.grad_fn).__name__ of the first output, null when it does not require grad.
  Where PyTorch 1.13 (the oracle here) names a node differently from 2.x (the spec), the case
  passes `patch=(old, new)`; the script checks `old` on 1.x and writes `new`.
- grad_outputs: for differentiable cases one entry per output (the flattened output list): a
  random tensor for each output that requires grad, else null. The loss is
  sum((o * g).sum()) over those outputs; grads holds each base leaf's .grad after
  loss.backward() (null where none; a list for a list argument). Both are null when no
  output requires grad.
- gradcheck: true when torch.autograd.gradcheck (eps 1e-6, atol 1e-5, rtol 1e-3) passes on
  the case with every floating input cast to float64, and the case is small enough to
  finite-difference cheaply; the runner then runs tstorch's gradcheck on it too.

An error: {"name", "fn", "method", "args", "kwargs", "pre", "message"} where message is
str(exception) from PyTorch.
"""
import torch

from op_cases import *  # noqa: F401,F403 - builders, case(), error(), write()


# =====================================================================================
# Binary ops with broadcasting and type promotion
# =====================================================================================
case("add/same_shape", "add", lambda: [rn(3, 4), rn(3, 4)])
case("add/broadcast", "add", lambda: [rn(3, 1), rn(1, 4)])
case("add/broadcast_3d", "add", lambda: [rn(2, 3, 4), rn(4)])
case("add/alpha_int", "add", lambda: [rn(3, 4), rn(3, 4)], {"alpha": 2})
case("add/alpha_float", "add", lambda: [rn(2, 3), rn(3)], {"alpha": 0.5})
case("add/scalar", "add", lambda: [rn(3, 4), 2.5])
case("add/method_scalar_int", "add", lambda: [rn(3), 3], method=True)
case("add/float64", "add", lambda: [rn(2, 3, dtype=f64), rn(2, 3, dtype=f64)])
case("add/0dim", "add", lambda: [rn(), rn(3)])
case("add/0dim_both", "add", lambda: [rn(), rn()])
case("add/0size", "add", lambda: [rn(0, 3), rn(3)])
case("add/noncontig_t", "add", lambda: [rn(4, 3), rn(3, 4)], pre=[["t"], None])
case("add/noncontig_slice", "add", lambda: [rn(3, 8), rn(3, 4)], pre=[["index", ":, ::2"], None])
case("add/int64_float32", "add", lambda: [ri(-5, 5, 3), rn(3)])
case("add/int32_int64", "add", lambda: [ri(-5, 5, 2, 3, dtype=i32), ri(-5, 5, 3)])
case("add/bool_int", "add", lambda: [bl(4), ri(-5, 5, 4)])
case("add/int_scalar_float", "add", lambda: [ri(-5, 5, 4), 2.5])
case("add/float32_float64", "add", lambda: [rn(3), rn(3, dtype=f64)])
case("add/float32_0dim_float64", "add", lambda: [rn(3), rn(dtype=f64)])
case("add/int_0dim_float", "add", lambda: [ri(-5, 5, 3), rn()])

case("sub/same_shape", "sub", lambda: [rn(3, 4), rn(3, 4)])
case("sub/broadcast", "sub", lambda: [rn(2, 1, 4), rn(3, 1)])
case("sub/alpha", "sub", lambda: [rn(3, 4), rn(4)], {"alpha": 3})
case("sub/scalar", "sub", lambda: [rn(3, 4), 0.25])
case("sub/method", "sub", lambda: [rn(3, 4, dtype=f64), rn(3, 4, dtype=f64)], method=True)
case("sub/int", "sub", lambda: [ri(-5, 5, 3, 2), ri(-5, 5, 2)])
case("sub/noncontig", "sub", lambda: [rn(4, 3), rn(3, 4)], pre=[["t"], ["index", "..."]])

case("mul/same_shape", "mul", lambda: [rn(3, 4), rn(3, 4)])
case("mul/broadcast", "mul", lambda: [rn(2, 3, 1), rn(1, 4)])
case("mul/scalar", "mul", lambda: [rn(3, 4), -1.5])
case("mul/int_times_float_scalar", "mul", lambda: [ri(-5, 5, 2, 3), 2.5])
case("mul/int_times_int_scalar", "mul", lambda: [ri(-5, 5, 2, 3), 2])
case("mul/bool_bool", "mul", lambda: [bl(5), bl(5)])
case("mul/0dim", "mul", lambda: [rn(), rn(2, 3)])
case("mul/float64", "mul", lambda: [rn(3, 4, dtype=f64), rn(4, dtype=f64)], method=True)
case("mul/self_noncontig", "mul", lambda: [rn(4, 3), rn(4, 3)], pre=[["t"], ["t"]])
case("mul/0size", "mul", lambda: [rn(2, 0), rn(1)])

case("div/same_shape", "div", lambda: [rn(3, 4), pos(3, 4)])
case("div/broadcast", "div", lambda: [rn(3, 1), pos(4)])
case("div/scalar", "div", lambda: [rn(3, 4), 0.75])
case("div/float64", "div", lambda: [rn(3, dtype=f64), pos(3, dtype=f64)])
case("div/int_int_true", "div", lambda: [ri(-9, 9, 6), ri(1, 4, 6)])
case("div/trunc", "div", lambda: [rn(3, 4) * 3, pos(3, 4)], {"rounding_mode": "trunc"})
case("div/floor", "div", lambda: [rn(3, 4) * 3, pos(3, 4)], {"rounding_mode": "floor"})
case("div/floor_negative_divisor", "div", lambda: [rn(3, 4) * 3, -pos(4)],
     {"rounding_mode": "floor"})
case("div/int_trunc", "div", lambda: [ri(-9, 9, 8), T([1, 2, 3, 4, -1, -2, -3, -4], i64)],
     {"rounding_mode": "trunc"})
case("div/int_floor", "div", lambda: [ri(-9, 9, 8), T([1, 2, 3, 4, -1, -2, -3, -4], i64)],
     {"rounding_mode": "floor"})
case("div/none_mode", "div", lambda: [rn(2, 3), pos(2, 3)], {"rounding_mode": None}, method=True)
case("div/by_zero", "div", lambda: [T([1.5, -1.5, 0.0]), T([0.0, 0.0, 0.0])], grad=False)

case("pow/tensor_scalar_int", "pow", lambda: [rn(3, 4), 2])
case("pow/tensor_scalar_float", "pow", lambda: [pos(3, 4), 0.5])
case("pow/tensor_scalar_negative", "pow", lambda: [pos(3, 4), -1.5])
case("pow/tensor_tensor", "pow", lambda: [pos(3, 4), rn(3, 4)])
case("pow/tensor_tensor_broadcast", "pow", lambda: [pos(2, 3, 1), rn(4)])
case("pow/scalar_tensor", "pow", lambda: [2, rn(3, 4)])
case("pow/scalar_float_tensor", "pow", lambda: [1.5, rn(5)])
case("pow/int_int", "pow", lambda: [ri(-3, 4, 6), 2])
case("pow/method_float64", "pow", lambda: [pos(2, 3, dtype=f64), 3], method=True)

case("maximum/same_shape", "maximum", lambda: [rn(3, 4), rn(3, 4)])
case("maximum/broadcast", "maximum", lambda: [rn(3, 1), rn(4)])
case("maximum/float64", "maximum", lambda: [rn(2, 3, dtype=f64), rn(2, 3, dtype=f64)])
case("maximum/int", "maximum", lambda: [ri(-5, 5, 6), ri(-5, 5, 6)])
case("minimum/same_shape", "minimum", lambda: [rn(3, 4), rn(3, 4)])
case("minimum/broadcast_method", "minimum", lambda: [rn(2, 1, 3), rn(4, 1)], method=True)
case("minimum/int", "minimum", lambda: [ri(-5, 5, 6), ri(-5, 5, 6)])

case("where/same_shape", "where", lambda: [bl(3, 4), rn(3, 4), rn(3, 4)])
case("where/broadcast", "where", lambda: [bl(3, 1), rn(1, 4), rn(3, 4)])
case("where/float64", "where", lambda: [bl(5), rn(5, dtype=f64), rn(5, dtype=f64)])
case("where/from_compare", "where", lambda: [rn(3, 4) > 0, rn(3, 4), rn(4)])
case("where/scalar_other", "where", lambda: [bl(3, 4), rn(3, 4), 0.5])

for op in ["eq", "ne", "lt", "le", "gt", "ge"]:
    case(f"{op}/tensor", op, lambda: [small(3, 4), small(3, 4)])
    case(f"{op}/broadcast", op, lambda: [small(3, 1), small(4)])
    case(f"{op}/scalar", op, lambda: [small(3, 4), 1], method=True)
    case(f"{op}/scalar_float", op, lambda: [rn(3, 4), 0.5])
    case(f"{op}/int_float", op, lambda: [ri(-2, 3, 5), small(5)])
    case(f"{op}/float64", op, lambda: [small(4, dtype=f64), small(4, dtype=f64)])

case("clamp/min_only", "clamp", lambda: [rn(3, 4)], {"min": -0.5})
case("clamp/max_only", "clamp", lambda: [rn(3, 4)], {"max": 0.5})
case("clamp/both", "clamp", lambda: [rn(3, 4), -0.5, 0.5])
case("clamp/both_kwargs_method", "clamp", lambda: [rn(3, 4)], {"min": -0.25, "max": 0.75},
     method=True)
case("clamp/tensor_bounds", "clamp", lambda: [rn(3, 4), rn(3, 4) - 0.5, rn(4) + 0.5])
case("clamp/tensor_min_only", "clamp", lambda: [rn(3, 4)], {"min": torch.zeros(4)})
case("clamp/int", "clamp", lambda: [ri(-9, 9, 8), -3, 4])
case("clamp/float64", "clamp", lambda: [rn(2, 3, dtype=f64), -0.5, 0.5])
case("clamp/noncontig", "clamp", lambda: [rn(4, 3)], {"min": 0.1}, pre=[["t"]])

case("addcmul/basic", "addcmul", lambda: [rn(3, 4), rn(3, 4), rn(3, 4)])
case("addcmul/value", "addcmul", lambda: [rn(3, 4), rn(3, 4), rn(3, 4)], {"value": 0.5})
case("addcmul/broadcast", "addcmul", lambda: [rn(4), rn(3, 1), rn(3, 4)], {"value": 2})
case("addcmul/method_float64", "addcmul", lambda: [rn(2, 3, dtype=f64), rn(2, 3, dtype=f64),
                                                   rn(3, dtype=f64)], method=True)
case("addcdiv/basic", "addcdiv", lambda: [rn(3, 4), rn(3, 4), pos(3, 4)])
case("addcdiv/value", "addcdiv", lambda: [rn(3, 4), rn(3, 4), pos(3, 4)], {"value": -0.5})
case("addcdiv/broadcast", "addcdiv", lambda: [rn(3, 1), rn(4), pos(3, 4)], {"value": 2})

# =====================================================================================
# Unary ops
# =====================================================================================
POSITIVE = {"log", "sqrt", "rsqrt"}
UNARY = ["neg", "exp", "log", "sqrt", "abs", "sigmoid", "tanh", "relu", "square", "rsqrt",
         "sin", "cos", "log1p", "expm1", "reciprocal", "sign", "floor", "ceil", "round", "trunc"]


def unary_input(op, *shape, dtype=f32):
    if op in POSITIVE:
        return pos(*shape, dtype=dtype)
    if op == "log1p":
        return torch.rand(shape, dtype=dtype) * 2 - 0.5
    if op == "reciprocal":
        return pos(*shape, dtype=dtype) * torch.where(bl(*shape), 1.0, -1.0).to(dtype)
    if op in ("floor", "ceil", "round", "trunc", "sign"):
        return rn(*shape, dtype=dtype) * 3
    return rn(*shape, dtype=dtype)


for op in UNARY:
    case(f"{op}/float32", op, lambda op=op: [unary_input(op, 3, 4)])
    case(f"{op}/float64_method", op, lambda op=op: [unary_input(op, 2, 3, dtype=f64)], method=True)
    case(f"{op}/0dim", op, lambda op=op: [unary_input(op)])
    case(f"{op}/noncontig", op, lambda op=op: [unary_input(op, 4, 3)], pre=[["t"]])
    case(f"{op}/0size", op, lambda op=op: [unary_input(op, 0, 3)])

case("round/half_to_even", "round",
     lambda: [T([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999997, 3.5, 4.5, -3.7])])
case("round/half_to_even_float64", "round",
     lambda: [T([0.5, 1.5, 2.5, -0.5, -1.5, 2.5000000001, 1e15 + 0.5], f64)])
case("sign/zeros", "sign", lambda: [T([-2.5, 0.0, -0.0, 3.25])])
case("floor/negative", "floor", lambda: [T([-0.5, -1.0, -1.5, 0.5, 1.0, 2.75])])
case("ceil/negative", "ceil", lambda: [T([-0.5, -1.0, -1.5, 0.5, 1.0, 2.75])])
case("trunc/negative", "trunc", lambda: [T([-0.5, -1.0, -1.5, 0.5, 1.0, 2.75])])
case("log/special", "log", lambda: [T([0.0, -1.0, float("inf"), float("nan"), 1.0])], grad=False)
case("sqrt/special", "sqrt", lambda: [T([0.0, -1.0, float("inf"), 4.0])], grad=False)
case("exp/special", "exp", lambda: [T([-float("inf"), 100.0, -100.0, 0.0])], grad=False)
case("sigmoid/large", "sigmoid", lambda: [T([-100.0, -20.0, 0.0, 20.0, 100.0])])
case("tanh/large", "tanh", lambda: [T([-30.0, -5.0, 0.0, 5.0, 30.0])])
case("reciprocal/zero", "reciprocal", lambda: [T([0.0, -0.0, 2.0])], grad=False)
case("abs/int", "abs", lambda: [ri(-5, 5, 6)])
case("neg/int", "neg", lambda: [ri(-5, 5, 6)])
case("relu/int", "relu", lambda: [ri(-5, 5, 6)])
case("square/int", "square", lambda: [ri(-5, 5, 6)])
case("sign/int", "sign", lambda: [ri(-5, 5, 6)])
case("exp/int", "exp", lambda: [ri(-3, 3, 6)])
case("sqrt/int", "sqrt", lambda: [ri(0, 9, 6)])
case("abs/zero_grad", "abs", lambda: [T([-1.5, 0.0, 2.0])], gradcheck=False)
case("relu/zero_grad", "relu", lambda: [T([-1.5, 0.0, 2.0])], gradcheck=False)

# =====================================================================================
# Reductions
# =====================================================================================
case("sum/all", "sum", lambda: [rn(3, 4)])
case("sum/dim", "sum", lambda: [rn(3, 4), 1])
case("sum/neg_dim_keepdim", "sum", lambda: [rn(2, 3, 4)], {"dim": -1, "keepdim": True})
case("sum/dims_list", "sum", lambda: [rn(2, 3, 4), [0, 2]])
case("sum/dims_list_keepdim_method", "sum", lambda: [rn(2, 3, 4), [-1, 0], True], method=True)
case("sum/dtype_float64", "sum", lambda: [rn(3, 4)], {"dtype": f64}, gradcheck=False)
case("sum/int", "sum", lambda: [ri(-5, 5, 3, 4)])
case("sum/int32_dim", "sum", lambda: [ri(-5, 5, 3, 4, dtype=i32), 0])
case("sum/bool", "sum", lambda: [bl(3, 4)])
case("sum/0dim", "sum", lambda: [rn()])
case("sum/0size", "sum", lambda: [rn(0, 3)])
case("sum/0size_dim", "sum", lambda: [rn(0, 3), 0])
case("sum/noncontig", "sum", lambda: [rn(4, 3), 1], pre=[["t"], None])
case("sum/float64_method", "sum", lambda: [rn(3, 4, dtype=f64)], {"dim": 0}, method=True)

case("mean/all", "mean", lambda: [rn(3, 4)])
case("mean/dim", "mean", lambda: [rn(3, 4), 0])
case("mean/neg_dim_keepdim", "mean", lambda: [rn(2, 3, 4), -2, True])
case("mean/dims_list", "mean", lambda: [rn(2, 3, 4)], {"dim": [0, -1]})
case("mean/float64_method", "mean", lambda: [rn(3, 4, dtype=f64)], method=True)
case("mean/0size", "mean", lambda: [rn(0, 3)], grad=False)
case("mean/noncontig", "mean", lambda: [rn(4, 3)], {"dim": 1, "keepdim": True}, pre=[["t"]])

case("prod/all", "prod", lambda: [pos(3, 4)])
case("prod/dim", "prod", lambda: [rn(3, 4), 1])
case("prod/dim_keepdim", "prod", lambda: [rn(2, 3, 4), -1, True])
case("prod/with_zero", "prod", lambda: [T([[1.5, 0.0, 2.0], [0.5, -1.0, 3.0]]), 1])
case("prod/all_with_zero", "prod", lambda: [T([1.5, 0.0, 2.0, -0.5])])
case("prod/int", "prod", lambda: [ri(-3, 4, 2, 3)])
case("prod/float64_method", "prod", lambda: [rn(3, 2, dtype=f64), 0], method=True)

case("max/all", "max", lambda: [rn(3, 4)])
case("max/dim", "max", lambda: [rn(3, 4), 1])
case("max/dim_keepdim", "max", lambda: [rn(2, 3, 4)], {"dim": -2, "keepdim": True})
case("max/dim_method", "max", lambda: [rn(3, 4, dtype=f64), 0], method=True)
case("max/binary", "max", lambda: [rn(3, 4), rn(3, 4)])
case("max/binary_broadcast", "max", lambda: [rn(3, 1), rn(4)])
case("max/int", "max", lambda: [ri(-9, 9, 3, 4)])
case("max/int_dim", "max", lambda: [ri(-9, 9, 3, 4), 1])
case("max/noncontig_dim", "max", lambda: [rn(4, 3), 1], pre=[["t"], None])
case("min/all", "min", lambda: [rn(3, 4)])
case("min/dim", "min", lambda: [rn(3, 4), 0])
case("min/dim_keepdim", "min", lambda: [rn(2, 3, 4), -1, True])
case("min/binary", "min", lambda: [rn(3, 4), rn(3, 4)], method=True)
case("min/int_dim", "min", lambda: [ri(-9, 9, 3, 4)], {"dim": 0})

case("amax/dim", "amax", lambda: [rn(3, 4), 1])
case("amax/dims_keepdim", "amax", lambda: [rn(2, 3, 4), [0, 2], True])
case("amax/all_default", "amax", lambda: [rn(3, 4)])
case("amax/method_neg", "amax", lambda: [rn(2, 3, 4)], {"dim": -1}, method=True)
case("amin/dim", "amin", lambda: [rn(3, 4), 0])
case("amin/dims_keepdim", "amin", lambda: [rn(2, 3, 4)], {"dim": [1, 2], "keepdim": True})
case("amin/int", "amin", lambda: [ri(-9, 9, 3, 4), 1])

case("argmax/all", "argmax", lambda: [rn(3, 4)])
case("argmax/dim", "argmax", lambda: [rn(3, 4), 1])
case("argmax/dim_keepdim", "argmax", lambda: [rn(2, 3, 4)], {"dim": -1, "keepdim": True})
case("argmax/method", "argmax", lambda: [rn(3, 4, dtype=f64)], {"dim": 0}, method=True)
case("argmax/int", "argmax", lambda: [ri(-9, 9, 3, 4), 0])
case("argmin/all", "argmin", lambda: [rn(3, 4)])
case("argmin/dim", "argmin", lambda: [rn(3, 4), -1])
case("argmin/dim_keepdim", "argmin", lambda: [rn(2, 3, 4), 1, True])
case("argmin/noncontig", "argmin", lambda: [rn(4, 3), 1], pre=[["t"], None])

case("var/all", "var", lambda: [rn(3, 4)])
case("var/dim", "var", lambda: [rn(3, 4), 1])
case("var/unbiased_false_positional", "var", lambda: [rn(3, 4), 0, False])
case("var/dim_unbiased_keepdim_positional", "var", lambda: [rn(2, 3, 4), -1, True, True])
case("var/correction0", "var", lambda: [rn(3, 4)], {"dim": 1, "correction": 0})
case("var/correction1_keepdim", "var", lambda: [rn(2, 3, 4)],
     {"dim": [0, 2], "correction": 1, "keepdim": True})
case("var/dim_kw_correction0", "var", lambda: [rn(3, 4), 0], {"correction": 0})
case("var/unbiased_kw", "var", lambda: [rn(3, 4)], {"unbiased": False})
case("var/float64_method", "var", lambda: [rn(3, 4, dtype=f64), 1], method=True)
case("std/all", "std", lambda: [rn(3, 4)])
case("std/dim", "std", lambda: [rn(3, 4), 0])
case("std/unbiased_false_positional", "std", lambda: [rn(3, 4), 1, False])
case("std/correction0_keepdim", "std", lambda: [rn(2, 3, 4)],
     {"dim": -1, "correction": 0, "keepdim": True})
case("std/float64_method", "std", lambda: [rn(3, 4, dtype=f64)], {"dim": 1}, method=True)

case("logsumexp/dim", "logsumexp", lambda: [rn(3, 4), 1])
case("logsumexp/dim_keepdim", "logsumexp", lambda: [rn(2, 3, 4), -1, True])
case("logsumexp/dims", "logsumexp", lambda: [rn(2, 3, 4)], {"dim": [0, 2]})
case("logsumexp/large", "logsumexp", lambda: [T([[1000.0, 1000.5], [-1000.0, -999.0]]), 1])
case("logsumexp/float64_method", "logsumexp", lambda: [rn(3, 4, dtype=f64), 0], method=True)

for op in ["softmax", "log_softmax"]:
    case(f"{op}/dim0", op, lambda: [rn(3, 4), 0])
    case(f"{op}/dim1", op, lambda: [rn(3, 4), 1])
    case(f"{op}/neg_dim_3d", op, lambda: [rn(2, 3, 4)], {"dim": -1})
    case(f"{op}/mid_dim_3d", op, lambda: [rn(2, 3, 4), 1])
    case(f"{op}/float64_method", op, lambda: [rn(3, 4, dtype=f64), -1], method=True)
    case(f"{op}/large", op, lambda: [T([[1000.0, 1001.0, 999.0], [-5.0, 0.0, 5.0]]), 1])
    case(f"{op}/noncontig", op, lambda: [rn(4, 3), 1], pre=[["t"], None])

case("any/all", "any", lambda: [bl(3, 4)])
case("any/dim", "any", lambda: [bl(3, 4), 1])
case("any/dim_keepdim", "any", lambda: [bl(2, 3, 4), -1, True])
case("any/float", "any", lambda: [T([[0.0, 0.0], [0.0, 1.5]])])
case("any/float_dim_method", "any", lambda: [T([[0.0, 0.0], [0.0, 1.5]]), 1], method=True)
case("any/int_dim", "any", lambda: [ri(0, 2, 3, 4), 0])
case("any/0size", "any", lambda: [bl(0)])
case("all/all", "all", lambda: [bl(3, 4)])
case("all/dim", "all", lambda: [bl(3, 4) | True, 1])
case("all/dim_keepdim", "all", lambda: [bl(2, 3, 4), 0, True])
case("all/float", "all", lambda: [T([[1.0, 2.0], [0.0, 1.5]])], method=True)
case("all/0size", "all", lambda: [bl(0)])

# =====================================================================================
# Matrix products
# =====================================================================================
# matmul 1-D @ 2-D is `unsqueeze(0).mm(b).squeeze_(0)` in both versions; 2.x added the
# squeeze.dims overload, which renumbers the in-place squeeze_.dim node from SqueezeBackward3
# (1.13) to SqueezeBackward4 (2.x derivatives.yaml order: squeeze, squeeze.dim, squeeze.dims,
# squeeze_, squeeze_.dim, squeeze_.dims).
SQUEEZE_INPLACE = ("SqueezeBackward3", "SqueezeBackward4")
case("matmul/1d_1d", "matmul", lambda: [rn(4), rn(4)])
case("matmul/2d_1d", "matmul", lambda: [rn(3, 4), rn(4)])
case("matmul/1d_2d", "matmul", lambda: [rn(3), rn(3, 4)], patch=SQUEEZE_INPLACE)
case("matmul/2d_2d", "matmul", lambda: [rn(3, 4), rn(4, 2)])
case("matmul/3d_2d", "matmul", lambda: [rn(2, 3, 4), rn(4, 2)])
case("matmul/3d_1d", "matmul", lambda: [rn(2, 3, 4), rn(4)])
case("matmul/3d_3d", "matmul", lambda: [rn(2, 3, 4), rn(2, 4, 2)])
case("matmul/3d_3d_broadcast_batch", "matmul", lambda: [rn(2, 3, 4), rn(1, 4, 2)], grad=[True, False])
case("matmul/4d_3d", "matmul", lambda: [rn(2, 1, 2, 3), rn(3, 3, 2)])
case("matmul/1d_3d", "matmul", lambda: [rn(3), rn(2, 3, 2)])
# 2-D @ 3-D where the 2-D operand requires grad folds the 3-D operand (should_fold) and
# returns `output.mT().contiguous()`: a CloneBackward0 (1.13 and 2.x agree).
case("matmul/2d_3d", "matmul", lambda: [rn(3, 4), rn(2, 4, 2)])
case("matmul/float64_method", "matmul", lambda: [rn(3, 4, dtype=f64), rn(4, 2, dtype=f64)],
     method=True)
case("matmul/transposed", "matmul", lambda: [rn(4, 3), rn(2, 4)], pre=[["t"], ["t"]])
case("matmul/batched_transposed", "matmul", lambda: [rn(2, 4, 3), rn(2, 4, 2)],
     pre=[["transpose", 1, 2], None])
case("matmul/0size_inner", "matmul", lambda: [rn(2, 0), rn(0, 3)])
case("matmul/int", "matmul", lambda: [ri(-3, 4, 2, 3), ri(-3, 4, 3, 2)])

case("mm/basic", "mm", lambda: [rn(3, 4), rn(4, 5)])
case("mm/float64", "mm", lambda: [rn(2, 3, dtype=f64), rn(3, 2, dtype=f64)])
case("mm/transposed_a", "mm", lambda: [rn(4, 3), rn(4, 2)], pre=[["t"], None])
case("mm/transposed_b_method", "mm", lambda: [rn(3, 4), rn(2, 4)], pre=[None, ["t"]], method=True)
case("mm/0size", "mm", lambda: [rn(0, 3), rn(3, 2)])
case("bmm/basic", "bmm", lambda: [rn(2, 3, 4), rn(2, 4, 2)])
case("bmm/transposed", "bmm", lambda: [rn(2, 4, 3), rn(2, 2, 4)],
     pre=[["transpose", 1, 2], ["transpose", -1, -2]])
case("bmm/float64_method", "bmm", lambda: [rn(3, 2, 2, dtype=f64), rn(3, 2, 3, dtype=f64)],
     method=True)
case("mv/basic", "mv", lambda: [rn(3, 4), rn(4)])
case("mv/transposed", "mv", lambda: [rn(4, 3), rn(4)], pre=[["t"], None])
case("mv/float64_method", "mv", lambda: [rn(2, 3, dtype=f64), rn(3, dtype=f64)], method=True)
case("dot/basic", "dot", lambda: [rn(5), rn(5)])
case("dot/float64_method", "dot", lambda: [rn(4, dtype=f64), rn(4, dtype=f64)], method=True)
case("dot/strided", "dot", lambda: [rn(8), rn(4)], pre=[["index", "::2"], None])
case("dot/int", "dot", lambda: [ri(-5, 5, 4), ri(-5, 5, 4)])

# =====================================================================================
# Shapes and views
# =====================================================================================
# 2.x's reshape of a contiguous tensor is a plain view (reshape_symint: contiguous -> view),
# so the node is ViewBackward0; 1.13 went through _reshape_alias (ReshapeAliasBackward0).
# flatten calls reshape, so the same applies to it.
RESHAPE_VIEW = ("ReshapeAliasBackward0", "ViewBackward0")
case("view/basic", "view", lambda: [rn(3, 4), 4, 3], method=True)
case("view/minus_one", "view", lambda: [rn(2, 3, 4), -1, 4], method=True)
case("view/list", "view", lambda: [rn(2, 3, 4), [6, -1]], method=True)
case("view/flat", "view", lambda: [rn(3, 4), -1], method=True)
case("view/0dim_to_1", "view", lambda: [rn(), 1], method=True)
case("view/to_0dim", "view", lambda: [rn(1, 1), []], method=True)
case("view/0size", "view", lambda: [rn(0, 4), 2, 0, 2], method=True)
case("view/int", "view", lambda: [ri(0, 9, 2, 3), 3, 2], method=True)

case("reshape/contiguous", "reshape", lambda: [rn(3, 4), [2, 6]], patch=RESHAPE_VIEW)
case("reshape/minus_one_method", "reshape", lambda: [rn(2, 3, 4), 4, -1], method=True,
     patch=RESHAPE_VIEW)
case("reshape/noncontig", "reshape", lambda: [rn(4, 3), [12]], pre=[["t"], None])
case("reshape/noncontig_method", "reshape", lambda: [rn(2, 4, 3), 2, 12],
     pre=[["transpose", 1, 2], None, None], method=True)
case("reshape/0dim", "reshape", lambda: [rn(), [1, 1]], patch=RESHAPE_VIEW)

case("transpose/basic", "transpose", lambda: [rn(3, 4), 0, 1])
case("transpose/neg_dims_3d", "transpose", lambda: [rn(2, 3, 4), -1, 0], method=True)
case("transpose/same_dim", "transpose", lambda: [rn(2, 3), 1, 1], method=True)
case("permute/3d", "permute", lambda: [rn(2, 3, 4), [2, 0, 1]])
case("permute/varargs_method", "permute", lambda: [rn(2, 3, 4), 1, 2, 0], method=True)
case("permute/neg_dims", "permute", lambda: [rn(2, 3, 4), [-1, -3, -2]])
case("t/2d", "t", lambda: [rn(3, 4)])
case("t/1d", "t", lambda: [rn(4)], method=True)
case("t/noncontig", "t", lambda: [rn(4, 3)], pre=[["t"]], method=True)

case("expand/basic", "expand", lambda: [rn(3, 1), 3, 4], method=True)
case("expand/minus_one", "expand", lambda: [rn(1, 4), 3, -1], method=True)
case("expand/new_dims", "expand", lambda: [rn(3, 1), [2, 3, 4]], method=True)
case("expand/0dim", "expand", lambda: [rn(), 2, 3], method=True)

case("squeeze/all", "squeeze", lambda: [rn(1, 3, 1, 4)])
case("squeeze/dim", "squeeze", lambda: [rn(1, 3, 1, 4), 2])
case("squeeze/neg_dim_method", "squeeze", lambda: [rn(3, 1), -1], method=True)
case("squeeze/dim_not_one", "squeeze", lambda: [rn(3, 4), 0], method=True)
case("unsqueeze/0", "unsqueeze", lambda: [rn(3, 4), 0])
case("unsqueeze/neg", "unsqueeze", lambda: [rn(3, 4), -1], method=True)
case("unsqueeze/neg_mid", "unsqueeze", lambda: [rn(3, 4), -2], method=True)
case("unsqueeze/0dim", "unsqueeze", lambda: [rn(), 0])

case("flatten/all", "flatten", lambda: [rn(2, 3, 4)], patch=RESHAPE_VIEW)
case("flatten/start", "flatten", lambda: [rn(2, 3, 4), 1], method=True, patch=RESHAPE_VIEW)
case("flatten/start_end_kwargs", "flatten", lambda: [rn(2, 3, 4, 2)],
     {"start_dim": 1, "end_dim": -2}, method=True, patch=RESHAPE_VIEW)
case("flatten/noncontig", "flatten", lambda: [rn(4, 3)], pre=[["t"]])

case("narrow/basic", "narrow", lambda: [rn(3, 4), 1, 1, 2])
case("narrow/neg_dim_method", "narrow", lambda: [rn(2, 3, 4), -1, 0, 3], method=True)
case("select/basic", "select", lambda: [rn(3, 4), 0, 1])
case("select/neg_index_method", "select", lambda: [rn(2, 3, 4), 1, -1], method=True)
case("select/neg_dim", "select", lambda: [rn(2, 3, 4), -1, 2])

for s in ["1:2, ..., None, 0", "0", "-1", ":, 1", "..., 1:3", "None", ":, ::2",
                       "1:, :-1", "..., None", "0, 1", "::2, 1::2, None"]:
    case(f"index/{s}", "index", lambda s=s: [rn(3, 4, 2), s], method=True)
case("index/noncontig", "index", lambda: [rn(4, 3), "1:, 0"], pre=[["t"], None], method=True)

case("contiguous/noncontig", "contiguous", lambda: [rn(4, 3)], pre=[["t"]], method=True)
case("contiguous/already", "contiguous", lambda: [rn(3, 4)], method=True)
case("clone/basic", "clone", lambda: [rn(3, 4)])
case("clone/noncontig_method", "clone", lambda: [rn(4, 3)], pre=[["t"]], method=True)
case("clone/int", "clone", lambda: [ri(0, 9, 3)])

case("cat/dim0", "cat", lambda: [[rn(2, 3), rn(1, 3), rn(3, 3)]])
case("cat/dim1", "cat", lambda: [[rn(2, 3), rn(2, 1)], 1])
case("cat/neg_dim_kw", "cat", lambda: [[rn(2, 3, 1), rn(2, 3, 2)]], {"dim": -1})
case("cat/noncontig", "cat", lambda: [[rn(3, 2), rn(2, 2)], 1], pre=[[["t"], None], None])
case("cat/float64", "cat", lambda: [[rn(2, dtype=f64), rn(3, dtype=f64)]])
case("cat/int", "cat", lambda: [[ri(0, 9, 2), ri(0, 9, 3)]])
case("cat/with_empty", "cat", lambda: [[rn(2, 3), rn(0, 3)]])
case("cat/single", "cat", lambda: [[rn(2, 3)], 1])
case("stack/dim0", "stack", lambda: [[rn(2, 3), rn(2, 3), rn(2, 3)]])
case("stack/dim1", "stack", lambda: [[rn(2, 3), rn(2, 3)], 1])
case("stack/neg_dim_kw", "stack", lambda: [[rn(2, 3), rn(2, 3)]], {"dim": -1})
case("stack/0dim", "stack", lambda: [[rn(), rn()]])

case("split/int", "split", lambda: [rn(5, 3), 2])
case("split/int_dim", "split", lambda: [rn(3, 4), 2, 1])
case("split/list", "split", lambda: [rn(6, 2), [1, 2, 3]])
case("split/list_dim_kw_method", "split", lambda: [rn(2, 5), [3, 2]], {"dim": 1}, method=True)
case("split/neg_dim_method", "split", lambda: [rn(2, 3, 4), 3, -1], method=True)
case("chunk/even", "chunk", lambda: [rn(4, 3), 2])
case("chunk/uneven", "chunk", lambda: [rn(5, 3), 3])
case("chunk/dim_method", "chunk", lambda: [rn(2, 7), 3, 1], method=True)
case("chunk/more_than_size", "chunk", lambda: [rn(2, 3), 4, -1], method=True)
case("unbind/dim0", "unbind", lambda: [rn(3, 4)])
case("unbind/dim1_method", "unbind", lambda: [rn(2, 3, 2), 1], method=True)
case("unbind/neg_dim", "unbind", lambda: [rn(2, 3), -1])

# =====================================================================================
# Errors: PyTorch's message, verbatim
# =====================================================================================
error("mm/shape_mismatch", "mm", lambda: [rn(2, 3), rn(4, 5)])
error("matmul/shape_mismatch", "matmul", lambda: [rn(2, 3), rn(4, 5)])
error("view/wrong_numel", "view", lambda: [rn(2, 3), 5], method=True)
error("view/noncontig", "view", lambda: [rn(4, 3), -1], pre=[["t"], None], method=True)
error("view/0size_ambiguous", "view", lambda: [rn(0, 4), 2, 0, -1], method=True)
error("view/two_minus_ones", "view", lambda: [rn(2, 3), -1, -1], method=True)
error("reshape/wrong_numel", "reshape", lambda: [rn(2, 3), [4, 2]])
error("sum/dim_out_of_range", "sum", lambda: [rn(3, 4), 2])
error("softmax/dim_out_of_range", "softmax", lambda: [rn(3, 4), -3])
error("transpose/dim_out_of_range", "transpose", lambda: [rn(3, 4), 0, 2])
error("unsqueeze/dim_out_of_range", "unsqueeze", lambda: [rn(3, 4), 3])
error("select/index_out_of_range", "select", lambda: [rn(3, 4), 0, 5])
error("select/neg_index_out_of_range", "select", lambda: [rn(3, 4), 1, -5])
error("index/out_of_range", "index", lambda: [rn(3, 4), "3"], method=True)
error("index/too_many", "index", lambda: [rn(3, 4), "0, 0, 0"], method=True)
error("index/negative_step", "index", lambda: [rn(5), "::-1"], method=True)
error("cat/shape_mismatch", "cat", lambda: [[rn(2, 3), rn(2, 4)]])
error("cat/shape_mismatch_dim1", "cat", lambda: [[rn(2, 3), rn(3, 3)], 1])
error("stack/shape_mismatch", "stack", lambda: [[rn(2, 3), rn(3, 2)]])
error("add/broadcast_mismatch", "add", lambda: [rn(2, 3), rn(2, 4)])
error("mul/broadcast_mismatch", "mul", lambda: [rn(3, 4), rn(3)])
error("expand/bad_size", "expand", lambda: [rn(2, 3), 3, 3], method=True)
error("permute/wrong_len", "permute", lambda: [rn(2, 3), [0]])
error("bmm/batch_mismatch", "bmm", lambda: [rn(2, 3, 4), rn(3, 4, 2)])
error("dot/size_mismatch", "dot", lambda: [rn(3), rn(4)])
# 2.x checks mv through addmv's meta function, which words the mismatch as below (see
# aten/src/ATen/native/Blas.cpp, TORCH_META_FUNC(addmv)); 1.13 said "size mismatch, got 3, 3x4,3".
error("mv/size_mismatch", "mv", lambda: [rn(3, 4), rn(3)],
      message=("size mismatch, got 3, 3x4,3", "size mismatch, got input (3), mat (3x4), vec (3)"))
error("narrow/out_of_range", "narrow", lambda: [rn(3, 4), 1, 2, 3])
error("requires_grad_/int", "requires_grad_", lambda: [ri(0, 9, 3)], method=True)
error("tensor/int_requires_grad", "tensor", lambda: [[1, 2]],
      {"dtype": i64, "requires_grad": True})
error("max/empty", "max", lambda: [rn(0)])

write("ops", __file__)
