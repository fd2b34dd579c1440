"""In-place ops: values, grad_fn names, version counters and gradients through them.

For each case: a leaf `a` (requires grad), x = a * 1 (a non-leaf), x.<op>_(*args) in place,
then loss = (x * g).sum() backward. Records x, x.grad_fn name, x._version, a.grad and the
gradient of any tensor argument. Writes test/fixtures/inplace.json.
"""
import torch

from common import enc, enc_any, write_fixture

cases = []


def case(name, op, shape, args=(), kwargs=None, arg_grad=False):
    kwargs = kwargs or {}
    torch.manual_seed(len(cases) + 100)
    a = torch.randn(*shape, requires_grad=True)
    targs = []
    for v in args:
        if isinstance(v, tuple) and v[0] == "randn":
            t = torch.randn(*v[1])
            if arg_grad:
                t.requires_grad_()
            targs.append(t)
        else:
            targs.append(v)
    g = torch.randn(*shape)
    x = a * 1
    v0 = x._version
    getattr(x, op)(*targs, **kwargs)
    (x * g).sum().backward()
    cases.append({
        "name": name, "op": op, "a": enc(a), "args": enc_any(targs), "kwargs": enc_any(kwargs), "g": enc(g),
        "out": enc(x), "grad_fn": type(x.grad_fn).__name__, "version_delta": x._version - v0,
        "a_grad": enc(a.grad),
        "arg_grads": [enc(t.grad) if isinstance(t, torch.Tensor) and t.grad is not None else None
                      for t in targs],
    })


case("add_/tensor", "add_", [3, 4], [("randn", [3, 4])], arg_grad=True)
case("add_/broadcast_alpha", "add_", [3, 4], [("randn", [4])], {"alpha": 2.5}, arg_grad=True)
case("add_/scalar", "add_", [3, 4], [1.5])
case("sub_/tensor", "sub_", [2, 3], [("randn", [2, 3])], arg_grad=True)
case("mul_/tensor", "mul_", [3, 4], [("randn", [3, 4])], arg_grad=True)
case("mul_/scalar", "mul_", [5], [-0.5])
case("div_/tensor", "div_", [3, 2], [("randn", [3, 2])], arg_grad=True)
case("pow_/scalar", "pow_", [4], [2])
case("neg_", "neg_", [2, 3])
case("exp_", "exp_", [2, 3])
case("sigmoid_", "sigmoid_", [2, 3])
case("tanh_", "tanh_", [2, 3])
case("relu_", "relu_", [3, 4])
case("clamp_/both", "clamp_", [3, 4], [-0.5, 0.5])
case("clamp_/min_kw", "clamp_", [3, 4], [], {"min": 0.1})
case("fill_", "fill_", [2, 2], [0.25])
case("zero_", "zero_", [2, 3])
case("copy_/broadcast", "copy_", [3, 4], [("randn", [4])], arg_grad=True)
case("addcmul_", "addcmul_", [3], [("randn", [3]), ("randn", [3])], {"value": 0.5}, arg_grad=True)
case("masked_fill_", "masked_fill_", [2, 3], [torch.tensor([[True, False, True], [False, False, True]]), -1.5])

write_fixture("inplace", cases, __file__)
