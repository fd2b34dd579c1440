"""torch.nn.functional cases: conv2d, pooling, batch/layer norm, linear, activations, dropout and
losses, with outputs, gradients, grad_fn names and error messages from real PyTorch.

Writes test/fixtures/nn_functional.json; test/nn/functional.test.ts runs the same cases.

Layout: {"cases": [...], "errors": [...], "dropout": [...], "gradgrad": [...]}.

A case:
  {"name", "op", "dtype", "inputs": {name: enc | null}, "noncontig": [names], "kwargs": {...},
   "requires_grad": [names], "outs": [enc, ...], "grad_fn": str | null,
   "grad_outs": [enc | null, ...], "grads": {name: enc}, "after": {name: enc}}
- op is the torch.nn.functional name; inputs are passed positionally in the listed order
  (None as null) and kwargs as a trailing options object (omitted when empty).
- noncontig: inputs stored contiguously whose actual argument is
  stored.transpose(-1, -2).contiguous().transpose(-1, -2) (same values, transposed strides).
- outs: one entry per output (max_pool2d with return_indices gives two).
- The loss is sum((o * g).sum()) over outputs with a grad_out; grads are the inputs' .grad.
- after: inputs modified in place by the op (batch_norm's running statistics).
An error: {"name", "op", "dtype", "shapes": {name: shape | null}, "kwargs", "message", "type"}:
  inputs are torch.randn of those shapes (int64 zeros where the shape is wrapped as
  {"long": shape}); the call must raise the message.
"""
import torch
import torch.nn.functional as F

from common import enc, enc_any, write_fixture

cases = []
errors = []


def run_case(name, op, inputs, kwargs=None, dtype=torch.float32, rg=None, noncontig=(), grad_fn_patch=None):
    kwargs = kwargs or {}
    fn = getattr(F, op)
    prepared = {}
    consts = {}
    for k, v in inputs.items():
        if v is None or isinstance(v, (list, tuple)):
            prepared[k] = None
            consts[k] = v
            continue
        t = v.to(dtype) if v.is_floating_point() else v
        prepared[k] = t.detach().clone()
    if rg is None and op in ("cross_entropy", "nll_loss"):
        rg = ["input"]  # PyTorch has no gradient for a loss's class weights
    rg = [k for k, v in prepared.items() if v is not None and v.is_floating_point()] if rg is None else rg
    leaves = {}
    args = []
    for k, v in prepared.items():
        if v is None:
            args.append(consts[k])
            continue
        leaf = v.clone().requires_grad_(k in rg)
        leaves[k] = leaf
        a = leaf
        if k in noncontig:
            # The same values with transposed strides; gradients flow to the leaf.
            a = leaf.transpose(-1, -2).contiguous().transpose(-1, -2)
        args.append(a)
    out = fn(*args, **kwargs)
    outs = list(out) if isinstance(out, (tuple, list)) else [out]
    grad_fn = type(outs[0].grad_fn).__name__ if outs[0].grad_fn is not None else None
    if grad_fn_patch is not None and grad_fn == grad_fn_patch[0]:
        grad_fn = grad_fn_patch[1]
    grad_outs = []
    loss = None
    for o in outs:
        if o.requires_grad:
            g = torch.randn_like(o)
            grad_outs.append(g)
            term = (o * g).sum()
            loss = term if loss is None else loss + term
        else:
            grad_outs.append(None)
    grads = {}
    if loss is not None:
        loss.backward()
        grads = {k: enc(v.grad) for k, v in leaves.items() if v.grad is not None}
    after = {k: enc(v) for k, v in leaves.items() if not torch.equal(v.detach(), prepared[k])}
    encoded = {k: enc(v) for k, v in prepared.items()}
    for k, c in consts.items():
        if c is not None:
            encoded[k] = {"value": list(c)}
    cases.append({
        "name": name, "op": op, "dtype": str(dtype).replace("torch.", ""),
        "inputs": encoded, "noncontig": list(noncontig),
        "kwargs": enc_any(kwargs), "requires_grad": rg,
        "outs": [enc(o) for o in outs], "grad_fn": grad_fn,
        "grad_outs": [enc(g) for g in grad_outs], "grads": grads, "after": after,
    })


def run_error(name, op, shapes, kwargs=None, dtype=torch.float32):
    kwargs = kwargs or {}
    args = []
    for v in shapes.values():
        if v is None:
            args.append(None)
        elif isinstance(v, dict) and "value" in v:
            args.append(v["value"])
        elif isinstance(v, dict):
            args.append(torch.zeros(v["long"], dtype=torch.long))
        else:
            args.append(torch.randn(v, dtype=dtype))
    try:
        getattr(F, op)(*args, **kwargs)
    except Exception as e:  # noqa: BLE001 - we record PyTorch's message
        errors.append({"name": name, "op": op, "dtype": str(dtype).replace("torch.", ""),
                       "shapes": shapes, "kwargs": enc_any(kwargs), "message": str(e),
                       "type": type(e).__name__})
        return
    raise AssertionError("expected an error: " + name)


torch.manual_seed(0)
r = torch.randn

for dt in (torch.float32, torch.float64):
    s = str(dt).replace("torch.", "")
    # ---- conv2d ----
    run_case(f"conv2d/basic/{s}", "conv2d", {"input": r(2, 3, 7, 7), "weight": r(4, 3, 3, 3), "bias": r(4)},
             dtype=dt)
    run_case(f"conv2d/groups_stride_pad_dil/{s}", "conv2d",
             {"input": r(2, 4, 9, 8), "weight": r(6, 2, 3, 2), "bias": r(6)},
             {"stride": (2, 1), "padding": (1, 2), "dilation": (2, 1), "groups": 2}, dtype=dt)
    run_case(f"conv2d/same_even/{s}", "conv2d", {"input": r(1, 3, 6, 6), "weight": r(2, 3, 4, 4)},
             {"padding": "same"}, dtype=dt)
    run_case(f"conv2d/same_dilated/{s}", "conv2d", {"input": r(1, 2, 6, 7), "weight": r(2, 2, 3, 2)},
             {"padding": "same", "dilation": 2}, dtype=dt)
    run_case(f"conv2d/unbatched_valid/{s}", "conv2d", {"input": r(3, 5, 5), "weight": r(2, 3, 3, 3)},
             {"padding": "valid"}, dtype=dt)
    run_case(f"conv2d/depthwise/{s}", "conv2d",
             {"input": r(2, 6, 5, 5), "weight": r(6, 1, 3, 3), "bias": r(6)}, {"padding": 1, "groups": 6},
             dtype=dt)
    run_case(f"conv2d/pointwise_noncontig/{s}", "conv2d", {"input": r(2, 3, 4, 5), "weight": r(4, 3, 1, 1)},
             dtype=dt, noncontig=["input"])
    run_case(f"conv2d/strided_padded/{s}", "conv2d",
             {"input": r(2, 2, 7, 6), "weight": r(3, 2, 3, 3), "bias": r(3)},
             {"stride": 2, "padding": 2, "dilation": 2}, dtype=dt)
    run_case(f"conv2d/weight_only_grad/{s}", "conv2d", {"input": r(2, 3, 6, 6), "weight": r(2, 3, 3, 3)},
             {"stride": 2}, dtype=dt, rg=["weight"])
    # ---- pooling ----
    run_case(f"max_pool2d/k3s2p1/{s}", "max_pool2d", {"input": r(2, 3, 7, 7)}, {"kernel_size": 3, "stride": 2,
             "padding": 1}, dtype=dt)
    run_case(f"max_pool2d/k2/{s}", "max_pool2d", {"input": r(2, 3, 8, 8)}, {"kernel_size": 2}, dtype=dt)
    run_case(f"max_pool2d/ceil/{s}", "max_pool2d", {"input": r(1, 2, 8, 8)},
             {"kernel_size": 3, "stride": 2, "ceil_mode": True}, dtype=dt)
    run_case(f"max_pool2d/dilation_indices/{s}", "max_pool2d", {"input": r(1, 2, 7, 7)},
             {"kernel_size": 2, "dilation": 2, "return_indices": True}, dtype=dt)
    run_case(f"max_pool2d/rect_unbatched/{s}", "max_pool2d", {"input": r(3, 6, 9)},
             {"kernel_size": (2, 3), "stride": (1, 2), "padding": (1, 1)}, dtype=dt)
    run_case(f"max_pool2d/ties_noncontig/{s}", "max_pool2d",
             {"input": torch.randint(0, 3, (2, 2, 6, 6)).float()}, {"kernel_size": 2, "return_indices": True},
             dtype=dt, noncontig=["input"])
    run_case(f"avg_pool2d/k3s2p1/{s}", "avg_pool2d", {"input": r(2, 3, 7, 7)},
             {"kernel_size": 3, "stride": 2, "padding": 1}, dtype=dt)
    run_case(f"avg_pool2d/exclude_pad/{s}", "avg_pool2d", {"input": r(2, 3, 7, 7)},
             {"kernel_size": 3, "stride": 2, "padding": 1, "count_include_pad": False}, dtype=dt)
    run_case(f"avg_pool2d/ceil/{s}", "avg_pool2d", {"input": r(1, 2, 8, 8)},
             {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}, dtype=dt)
    run_case(f"avg_pool2d/ceil_exclude/{s}", "avg_pool2d", {"input": r(1, 2, 8, 8)},
             {"kernel_size": 3, "stride": 2, "ceil_mode": True, "count_include_pad": False}, dtype=dt)
    run_case(f"avg_pool2d/divisor/{s}", "avg_pool2d", {"input": r(3, 6, 6)},
             {"kernel_size": 2, "divisor_override": 3}, dtype=dt)
    run_case(f"adaptive_avg_pool2d/3x4/{s}", "adaptive_avg_pool2d", {"input": r(2, 3, 7, 9)},
             {"output_size": (3, 4)}, dtype=dt)
    run_case(f"adaptive_avg_pool2d/1x1/{s}", "adaptive_avg_pool2d", {"input": r(2, 3, 5, 5)},
             {"output_size": 1}, dtype=dt)
    run_case(f"adaptive_avg_pool2d/none/{s}", "adaptive_avg_pool2d", {"input": r(3, 5, 6)},
             {"output_size": (None, 4)}, dtype=dt)
    # ---- normalisation ----
    run_case(f"batch_norm/train/{s}", "batch_norm",
             {"input": r(4, 3, 5, 5), "running_mean": r(3), "running_var": r(3).abs(), "weight": r(3),
              "bias": r(3)}, {"training": True}, dtype=dt, rg=["input", "weight", "bias"])
    run_case(f"batch_norm/train_momentum_2d/{s}", "batch_norm",
             {"input": r(8, 5), "running_mean": torch.zeros(5), "running_var": torch.ones(5)},
             {"training": True, "momentum": 0.3, "eps": 1e-3}, dtype=dt, rg=["input"])
    run_case(f"batch_norm/eval/{s}", "batch_norm",
             {"input": r(4, 3, 5, 5), "running_mean": r(3), "running_var": r(3).abs(), "weight": r(3),
              "bias": r(3)}, dtype=dt, rg=["input", "weight", "bias"])
    run_case(f"batch_norm/no_stats_3d/{s}", "batch_norm",
             {"input": r(4, 3, 6), "running_mean": None, "running_var": None},
             {"training": True}, dtype=dt, rg=["input"], noncontig=["input"])
    run_case(f"layer_norm/last/{s}", "layer_norm",
             {"input": r(4, 5, 6), "normalized_shape": [6], "weight": r(6), "bias": r(6)},
             dtype=dt, rg=["input", "weight", "bias"])
    run_case(f"layer_norm/two_dims_eps/{s}", "layer_norm", {"input": r(3, 4, 5)}, {"normalized_shape": (4, 5),
             "eps": 1e-3}, dtype=dt)
    # ---- linear ----
    run_case(f"linear/2d_bias/{s}", "linear", {"input": r(5, 3), "weight": r(4, 3), "bias": r(4)}, dtype=dt)
    run_case(f"linear/2d_nobias/{s}", "linear", {"input": r(5, 3), "weight": r(4, 3)}, dtype=dt)
    run_case(f"linear/3d_bias/{s}", "linear", {"input": r(2, 5, 3), "weight": r(4, 3), "bias": r(4)},
             dtype=dt)
    run_case(f"linear/1d_bias/{s}", "linear", {"input": r(3), "weight": r(4, 3), "bias": r(4)}, dtype=dt)
    # ---- activations ----
    run_case(f"relu/{s}", "relu", {"input": r(3, 4)}, dtype=dt)
    run_case(f"sigmoid/{s}", "sigmoid", {"input": r(3, 4)}, dtype=dt)
    run_case(f"tanh/{s}", "tanh", {"input": r(3, 4)}, dtype=dt)
    run_case(f"softmax/{s}", "softmax", {"input": r(3, 4, 5)}, {"dim": 1}, dtype=dt)
    run_case(f"log_softmax/{s}", "log_softmax", {"input": r(3, 4)}, {"dim": -1}, dtype=dt)
    # ---- losses ----
    for red in ("mean", "sum", "none"):
        run_case(f"mse_loss/{red}/{s}", "mse_loss", {"input": r(3, 4), "target": r(3, 4)}, {"reduction": red},
                 dtype=dt)
        run_case(f"cross_entropy/{red}/{s}", "cross_entropy",
                 {"input": r(6, 5), "target": torch.randint(0, 5, (6,))}, {"reduction": red}, dtype=dt)
        run_case(f"cross_entropy/weight_ignore/{red}/{s}", "cross_entropy",
                 {"input": r(6, 5), "target": torch.tensor([0, 4, 2, 2, 1, 3]), "weight": r(5).abs()},
                 {"reduction": red, "ignore_index": 2}, dtype=dt)
        run_case(f"cross_entropy/smoothing/{red}/{s}", "cross_entropy",
                 {"input": r(6, 5), "target": torch.tensor([0, 4, 2, 2, 1, 3]), "weight": r(5).abs()},
                 {"reduction": red, "ignore_index": 2, "label_smoothing": 0.1}, dtype=dt)
        run_case(f"cross_entropy/smoothing_noweight/{red}/{s}", "cross_entropy",
                 {"input": r(6, 5), "target": torch.tensor([0, 4, 2, 2, 1, 3])},
                 {"reduction": red, "label_smoothing": 0.25}, dtype=dt)
        run_case(f"cross_entropy/spatial/{red}/{s}", "cross_entropy",
                 {"input": r(3, 4, 2, 3), "target": torch.randint(0, 4, (3, 2, 3))}, {"reduction": red},
                 dtype=dt)
        run_case(f"cross_entropy/3d/{red}/{s}", "cross_entropy",
                 {"input": r(3, 4, 5), "target": torch.randint(0, 4, (3, 5))}, {"reduction": red}, dtype=dt)
        run_case(f"cross_entropy/probs/{red}/{s}", "cross_entropy",
                 {"input": r(4, 5), "target": torch.softmax(r(4, 5), 1), "weight": r(5).abs()},
                 {"reduction": red, "label_smoothing": 0.2}, dtype=dt, rg=["input"])
        run_case(f"nll_loss/{red}/{s}", "nll_loss",
                 {"input": r(5, 3), "target": torch.tensor([0, 2, 1, 1, 0]), "weight": r(3).abs()},
                 {"reduction": red}, dtype=dt, rg=["input"])
    run_case(f"cross_entropy/unbatched/{s}", "cross_entropy", {"input": r(5), "target": torch.tensor(3)},
             dtype=dt)

# The LeNet shapes, float32 only.
run_case("conv2d/lenet1", "conv2d", {"input": r(2, 1, 28, 28), "weight": r(6, 1, 5, 5), "bias": r(6)})
run_case("conv2d/lenet2", "conv2d", {"input": r(2, 6, 12, 12), "weight": r(16, 6, 5, 5), "bias": r(16)})

# ---- errors ----
run_error("conv2d/channels", "conv2d", {"input": [4, 3, 32, 32], "weight": [16, 8, 3, 3]})
run_error("conv2d/divisible", "conv2d", {"input": [4, 6, 8, 8], "weight": [3, 2, 3, 3]}, {"groups": 2})
run_error("conv2d/at_least", "conv2d", {"input": [4, 6, 8, 8], "weight": [1, 2, 3, 3]}, {"groups": 2})
run_error("conv2d/kernel_too_big", "conv2d", {"input": [4, 3, 2, 2], "weight": [1, 3, 3, 3]})
run_error("conv2d/input_dims", "conv2d", {"input": [4, 3], "weight": [1, 3, 3, 3]})
run_error("conv2d/bias_size", "conv2d", {"input": [4, 3, 5, 5], "weight": [2, 3, 3, 3], "bias": [3]})
run_error("conv2d/stride0", "conv2d", {"input": [4, 3, 5, 5], "weight": [2, 3, 3, 3]}, {"stride": 0})
run_error("conv2d/neg_pad", "conv2d", {"input": [4, 3, 5, 5], "weight": [2, 3, 3, 3]}, {"padding": -1})
run_error("conv2d/dil0", "conv2d", {"input": [4, 3, 5, 5], "weight": [2, 3, 3, 3]}, {"dilation": 0})
run_error("conv2d/groups0", "conv2d", {"input": [4, 3, 5, 5], "weight": [2, 3, 3, 3]}, {"groups": 0})
run_error("conv2d/same_strided", "conv2d", {"input": [4, 3, 5, 5], "weight": [2, 3, 3, 3]},
          {"stride": 2, "padding": "same"})
run_error("conv2d/bad_padding", "conv2d", {"input": [4, 3, 5, 5], "weight": [2, 3, 3, 3]}, {"padding": "foo"})
run_error("max_pool2d/pad", "max_pool2d", {"input": [1, 3, 5, 5]}, {"kernel_size": 3, "padding": 2})
run_error("max_pool2d/too_small", "max_pool2d", {"input": [1, 3, 2, 2]}, {"kernel_size": 3})
run_error("max_pool2d/dims", "max_pool2d", {"input": [3, 5]}, {"kernel_size": 3})
run_error("max_pool2d/kernel0", "max_pool2d", {"input": [1, 3, 5, 5]}, {"kernel_size": 0})
run_error("max_pool2d/dil0", "max_pool2d", {"input": [1, 3, 5, 5]}, {"kernel_size": 2, "dilation": 0})
run_error("max_pool2d/kernel3", "max_pool2d", {"input": [1, 3, 5, 5]}, {"kernel_size": (2, 2, 2)})
run_error("avg_pool2d/divisor0", "avg_pool2d", {"input": [1, 3, 5, 5]},
          {"kernel_size": 3, "divisor_override": 0})
run_error("batch_norm/one_value", "batch_norm", {"input": [1, 3], "running_mean": [3], "running_var": [3]},
          {"training": True})
run_error("batch_norm/running_mean", "batch_norm", {"input": [2, 3], "running_mean": [4], "running_var": [3]},
          {"training": True})
run_error("batch_norm/eval_no_stats", "batch_norm",
          {"input": [2, 3], "running_mean": None, "running_var": None})
run_error("batch_norm/weight", "batch_norm", {"input": [2, 3], "running_mean": [3], "running_var": [3],
          "weight": [4]})
run_error("layer_norm/shape", "layer_norm", {"input": [2, 3]}, {"normalized_shape": [4]})
run_error("layer_norm/weight", "layer_norm",
          {"input": [2, 3], "normalized_shape": {"value": [3]}, "weight": [4]})
run_error("layer_norm/empty", "layer_norm", {"input": [2, 3]}, {"normalized_shape": []})
run_error("linear/shapes", "linear", {"input": [2, 5], "weight": [4, 3]})
run_error("linear/bias", "linear", {"input": [2, 3], "weight": [4, 3], "bias": [5]})
run_error("cross_entropy/batch", "cross_entropy", {"input": [3, 5], "target": {"long": [2]}})
run_error("cross_entropy/reduction", "cross_entropy", {"input": [3, 5], "target": {"long": [3]}},
          {"reduction": "foo"})
run_error("cross_entropy/weight", "cross_entropy", {"input": [3, 5], "target": {"long": [3]}, "weight": [4]})
run_error("cross_entropy/smoothing", "cross_entropy", {"input": [3, 5], "target": {"long": [3]}},
          {"label_smoothing": 1.5})
run_error("nll_loss/target_size", "nll_loss", {"input": [3, 5, 2, 2, 2], "target": {"long": [3]}})
run_error("dropout/p", "dropout", {"input": [3]}, {"p": 1.5})
run_error("mse_loss/reduction", "mse_loss", {"input": [3], "target": [3]}, {"reduction": "foo"})


def out_of_bounds():
    try:
        F.cross_entropy(torch.randn(3, 5), torch.tensor([1, 2, 7]))
    except IndexError as e:
        return str(e)


# ---- dropout masks under a seed ----
dropout = []
for seed, shape, p in ((0, [4, 5], 0.3), (1, [100], 0.5), (2, [3, 3], 0.9)):
    torch.manual_seed(seed)
    x = torch.randn(shape)
    torch.manual_seed(seed + 100)
    y = F.dropout(x, p)
    dropout.append({"seed": seed + 100, "input": enc(x), "p": p, "out": enc(y)})

# ---- second order: d/dw of sum(h * d(sum(g * conv(x, w)))/dx) and the pooling analogues ----
gradgrad = []
for name, op, kw, shapes in (
    ("conv2d", "conv2d", {"stride": 2, "padding": 1, "groups": 2},
     {"input": (2, 4, 6, 6), "weight": (4, 2, 3, 3)}),
    ("max_pool2d", "max_pool2d", {"kernel_size": 2}, {"input": (1, 2, 4, 4)}),
    ("avg_pool2d", "avg_pool2d", {"kernel_size": 3, "stride": 2, "padding": 1}, {"input": (1, 2, 5, 5)}),
    ("batch_norm", "batch_norm", {"training": True}, {"input": (4, 3, 2), "running_mean": None,
                                                      "running_var": None, "weight": (3,)}),
    ("layer_norm", "layer_norm", {"normalized_shape": (4,)}, {"input": (3, 4)}),
):
    torch.manual_seed(7)
    ins = {k: (None if v is None else torch.randn(v, dtype=torch.float64, requires_grad=True))
           for k, v in shapes.items()}
    out = getattr(F, op)(*ins.values(), **kw)
    g = torch.randn_like(out, requires_grad=True)
    leaves = [v for v in ins.values() if v is not None]
    first = torch.autograd.grad((out * g).sum(), leaves, create_graph=True)
    hs = [torch.randn_like(f) for f in first]
    total = sum((f * h).sum() for f, h in zip(first, hs))
    second = torch.autograd.grad(total, leaves + [g], allow_unused=True)
    gradgrad.append({
        "name": name, "op": op, "kwargs": enc_any(kw),
        "inputs": {k: enc(v) for k, v in ins.items()}, "g": enc(g), "h": [enc(h) for h in hs],
        "first": [enc(f) for f in first], "second": [enc(s) if s is not None else None for s in second],
    })

write_fixture("nn_functional", {
    "cases": cases, "errors": errors, "target_out_of_bounds": out_of_bounds(),
    "dropout": dropout, "gradgrad": gradgrad,
}, __file__)
