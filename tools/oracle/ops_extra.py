"""Differential tests of gather/scatter, sorting, tril/triu, cumsum, repeat, flip, roll, baddbmm
and einsum from real PyTorch, for the generic runner test/ops.test.ts. Writes
test/fixtures/ops_extra.json in exactly the case format documented at the top of
tools/oracle/ops.py (that script writes its fixture on import, so its helpers are copied here).
"""
import torch

from common import enc, enc_any, write_fixture

IS_1X = torch.__version__.startswith("1.")

CASES = []
ERRORS = []
_seed = [0]

f32 = torch.float32
f64 = torch.float64
i32 = torch.int32
i64 = torch.int64


# ---- input builders (called after the per-case manual_seed) ----
def rn(*shape, dtype=f32):
    return torch.randn(shape, dtype=dtype)


def pos(*shape, dtype=f32):
    """Positive values away from zero: uniform in [0.5, 1.5)."""
    return torch.rand(shape, dtype=dtype) + 0.5


def ri(lo, hi, *shape, dtype=i64):
    return torch.randint(lo, hi, shape, dtype=dtype)


def bl(*shape):
    return torch.rand(shape) > 0.5


def small(*shape, dtype=f32):
    """Floats with ties: whole numbers in [-2, 2] (for comparisons and max/min of ints)."""
    return torch.randint(-2, 3, shape).to(dtype)


def T(values, dtype=f32):
    return torch.tensor(values, dtype=dtype)


# ---- structure helpers ----
def is_float_tensor(x):
    return isinstance(x, torch.Tensor) and x.is_floating_point()


def is_tensor_list(a):
    return isinstance(a, (list, tuple)) and any(isinstance(v, torch.Tensor) for v in a)


def map_args(args, fn):
    """Applies fn to every tensor in args (one level of lists), keeping the structure."""
    out = []
    for a in args:
        if is_tensor_list(a):
            out.append([fn(v) if isinstance(v, torch.Tensor) else v for v in a])
        else:
            out.append(fn(a) if isinstance(a, torch.Tensor) else a)
    return out


def tensors_of(args):
    found = []
    map_args(args, lambda t: found.append(t) or t)
    return found


def default_rg(args, grad):
    if grad is False:
        return [[False] * len(a) if is_tensor_list(a) else False for a in args]
    if grad is True:
        return [
            [is_float_tensor(v) for v in a] if is_tensor_list(a) else is_float_tensor(a)
            for a in args
        ]
    return grad


def apply_pre(x, p):
    if p is None:
        return x
    method, rest = p[0], p[1:]
    if method == "index":
        return eval("x[" + rest[0] + "]", {"x": x})
    return getattr(x, method)(*rest)


def apply_pres(args, pre):
    out = []
    for a, p in zip(args, pre):
        if is_tensor_list(a):
            ps = p if p is not None else [None] * len(a)
            out.append([apply_pre(v, q) for v, q in zip(a, ps)])
        else:
            out.append(apply_pre(a, p))
    return out


def call(fn, method, args, kwargs):
    if fn == "index":
        return eval("x[" + args[1] + "]", {"x": args[0]})
    if method:
        return getattr(args[0], fn)(*args[1:], **kwargs)
    return getattr(torch, fn)(*args, **kwargs)


def flat_outputs(out):
    return list(out) if isinstance(out, (tuple, list)) else [out]


def node_name(t):
    if not isinstance(t, torch.Tensor) or t.grad_fn is None:
        return None
    return type(t.grad_fn).__name__


def run_gradcheck(fn, method, args, kwargs, pre, rg):
    """torch.autograd.gradcheck on the case with float inputs in float64."""
    flat_rg = []
    for a, r in zip(args, rg):
        if is_tensor_list(a):
            flat_rg += [bool(x) for x, v in zip(r, a) if isinstance(v, torch.Tensor)]
        elif isinstance(a, torch.Tensor):
            flat_rg.append(bool(r))
    leaves = [
        (t.detach().double() if t.is_floating_point() else t.detach()).requires_grad_(r)
        for t, r in zip(tensors_of(args), flat_rg)
    ]

    def f(*ts):
        it = iter(ts)
        rebuilt = map_args(args, lambda _t: next(it))
        outs = flat_outputs(call(fn, method, apply_pres(rebuilt, pre), kwargs))
        return tuple(o for o in outs if is_float_tensor(o) and o.requires_grad)

    try:
        return bool(torch.autograd.gradcheck(
            f, tuple(leaves), eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=False))
    except Exception as e:  # noqa: BLE001 - a case PyTorch cannot gradcheck is simply not marked
        print(f"  gradcheck raised: {e}")
        return False


def case(name, fn, build, kwargs=None, method=False, pre=None, grad=True, gradcheck=True,
         patch=None):
    """Records one case; build() makes the args after the case's manual_seed."""
    kwargs = kwargs or {}
    _seed[0] += 1
    seed = _seed[0]
    torch.manual_seed(seed)
    args = list(build())
    pre = pre or [None] * len(args)
    rg = default_rg(args, grad)
    leaves = []

    def leafify(a, r):
        t = a.detach().clone().requires_grad_(bool(r))
        leaves.append(t)
        return t

    base = []
    for a, r in zip(args, rg):
        if is_tensor_list(a):
            base.append([leafify(v, q) if isinstance(v, torch.Tensor) else v for v, q in zip(a, r)])
        elif isinstance(a, torch.Tensor):
            base.append(leafify(a, r))
        else:
            base.append(a)

    out = call(fn, method, apply_pres(base, pre), kwargs)
    outs = flat_outputs(out)
    grad_fn = node_name(outs[0])
    if patch is not None:
        old, new = patch
        if IS_1X:
            assert grad_fn == old, f"{name}: expected 1.x grad_fn {old}, got {grad_fn}"
            grad_fn = new
        else:
            assert grad_fn == new, f"{name}: expected grad_fn {new}, got {grad_fn}"

    differentiable = any(isinstance(o, torch.Tensor) and o.requires_grad for o in outs)
    grad_outputs = grads = None
    gc = False
    if differentiable:
        gos = [torch.randn(o.shape, dtype=o.dtype) if is_float_tensor(o) and o.requires_grad
               else None for o in outs]
        loss = sum((o * g).sum() for o, g in zip(outs, gos) if g is not None)
        loss.backward()
        grad_outputs = [enc(g) for g in gos]
        grads = []
        for a in base:
            if is_tensor_list(a):
                grads.append([enc(v.grad) if isinstance(v, torch.Tensor) else None for v in a])
            elif isinstance(a, torch.Tensor):
                grads.append(enc(a.grad))
            else:
                grads.append(None)
        n_in = sum(t.numel() for t in leaves if t.requires_grad)
        n_out = sum(o.numel() for o in outs if isinstance(o, torch.Tensor))
        if gradcheck and n_in <= 64 and n_out <= 64:
            gc = run_gradcheck(fn, method, args, kwargs, pre, rg)
            if not gc:
                print(f"  {name}: PyTorch's own gradcheck fails; not marked")

    CASES.append({
        "name": name, "fn": fn, "method": method,
        "args": enc_any(args), "kwargs": enc_any(kwargs), "pre": pre, "requires_grad": rg,
        "out": enc_any(out),
        "grad_fn": grad_fn, "grad_outputs": grad_outputs, "grads": grads, "gradcheck": gc,
    })


def error(name, fn, build, kwargs=None, method=False, pre=None, message=None):
    """Records PyTorch's exception text for a call that must fail."""
    kwargs = kwargs or {}
    _seed[0] += 1
    torch.manual_seed(_seed[0])
    args = list(build())
    pre = pre or [None] * len(args)
    try:
        if fn == "requires_grad_":
            args[0].requires_grad_()
        else:
            call(fn, method, apply_pres(args, pre), kwargs)
    except Exception as e:  # noqa: BLE001 - we record PyTorch's message
        msg = str(e)
    else:
        raise AssertionError(f"{name}: expected an error")
    if message is not None:
        old, new = message
        if IS_1X:
            assert msg == old, f"{name}: expected 1.x message {old!r}, got {msg!r}"
            msg = new
    ERRORS.append({"name": name, "fn": fn, "method": method, "args": enc_any(args),
                   "kwargs": enc_any(kwargs), "pre": pre, "message": msg})



def perm_index(n, rows, cols, dim=0):
    """Distinct indices along dim (so scatter has no write conflicts): [rows, cols] into size n."""
    if dim == 0:
        return torch.stack([torch.randperm(n)[:rows] for _ in range(cols)], 1)
    return torch.stack([torch.randperm(n)[:cols] for _ in range(rows)], 0)


# =====================================================================================
# gather / scatter / scatter_add
# =====================================================================================
case("gather/dim0", "gather", lambda: [rn(3, 4), 0, ri(0, 3, 2, 4)])
case("gather/dim1", "gather", lambda: [rn(3, 4), 1, ri(0, 4, 3, 6)])
case("gather/neg_dim_method", "gather", lambda: [rn(2, 3, 4), -1, ri(0, 4, 2, 3, 2)], method=True)
case("gather/smaller_index", "gather", lambda: [rn(4, 5), 1, ri(0, 5, 2, 3)])
case("gather/float64_noncontig", "gather", lambda: [rn(4, 3, dtype=f64), 0, ri(0, 3, 2, 4)],
     pre=[["t"], None, None])
case("gather/int", "gather", lambda: [ri(-5, 5, 3, 4), 1, ri(0, 4, 3, 2)])
case("scatter/src", "scatter", lambda: [rn(3, 4), 0, perm_index(3, 2, 4), rn(2, 4)])
case("scatter/src_dim1_method", "scatter", lambda: [rn(3, 5), 1, perm_index(5, 3, 2, dim=1), rn(3, 2)],
     method=True)
case("scatter/value", "scatter", lambda: [rn(3, 4), 1, perm_index(4, 3, 2, dim=1), 2.5])
case("scatter/value_method", "scatter", lambda: [rn(3, 4), 0, perm_index(3, 1, 4), -1.5], method=True)
case("scatter_add/dups", "scatter_add", lambda: [rn(3, 4), 0, ri(0, 3, 5, 4), rn(5, 4)])
case("scatter_add/dim1_method", "scatter_add", lambda: [rn(2, 5), 1, ri(0, 5, 2, 7), rn(2, 7)],
     method=True)
case("scatter_add/float64", "scatter_add",
     lambda: [rn(4, dtype=f64), 0, ri(0, 4, 6), rn(6, dtype=f64)])
error("gather/int32_index", "gather", lambda: [rn(3, 4), 0, ri(0, 3, 2, 4, dtype=i32)])
error("gather/oob", "gather", lambda: [rn(3, 4), 1, T([[0, 4]], i64)])
error("gather/ndim", "gather", lambda: [rn(3, 4), 1, T([0, 1], i64)])
error("scatter/dtype", "scatter", lambda: [rn(3, 4), 0, ri(0, 3, 2, 4), rn(2, 4, dtype=f64)])

# =====================================================================================
# sort / argsort / topk
# =====================================================================================
case("sort/default", "sort", lambda: [rn(3, 5)])
case("sort/dim0_desc", "sort", lambda: [rn(4, 3), 0, True])
case("sort/kwargs_method", "sort", lambda: [rn(2, 3, 4)], {"dim": 1, "descending": True}, method=True)
case("sort/ties_stable", "sort", lambda: [small(3, 8)], {"stable": True})
case("sort/ties_desc_stable", "sort", lambda: [small(2, 9)], {"descending": True, "stable": True})
case("sort/int", "sort", lambda: [ri(-3, 3, 2, 6)], {"stable": True})
case("sort/nan", "sort", lambda: [T([1.5, float("nan"), -2.0, 0.5])], grad=False)
case("sort/nan_desc", "sort", lambda: [T([1.5, float("nan"), -2.0, 0.5])], {"descending": True},
     grad=False)
case("sort/noncontig", "sort", lambda: [rn(5, 3)], pre=[["t"]])
case("sort/1d_float64", "sort", lambda: [rn(7, dtype=f64)])
case("argsort/default", "argsort", lambda: [rn(3, 5)])
case("argsort/ties_desc", "argsort", lambda: [small(2, 9)], {"descending": True, "stable": True})
case("argsort/dim0_method", "argsort", lambda: [rn(4, 3), 0], method=True)
case("topk/default", "topk", lambda: [rn(3, 6), 2])
case("topk/smallest", "topk", lambda: [rn(3, 6), 3], {"largest": False})
case("topk/dim0_method", "topk", lambda: [rn(5, 3), 2, 0], method=True)
case("topk/all", "topk", lambda: [rn(4), 4])
case("topk/float64_kwargs", "topk", lambda: [rn(2, 5, dtype=f64), 1], {"dim": 1, "largest": True})
error("topk/k_too_big", "topk", lambda: [rn(3, 4), 5])

# =====================================================================================
# tril / triu, cumsum, repeat, flip, roll
# =====================================================================================
case("tril/default", "tril", lambda: [rn(4, 5)])
case("tril/diag1", "tril", lambda: [rn(4, 4), 1])
case("tril/diag_neg_batched", "tril", lambda: [rn(2, 3, 4), -1])
case("tril/method_noncontig", "tril", lambda: [rn(5, 3)], method=True, pre=[["t"]])
case("triu/default", "triu", lambda: [rn(4, 5)])
case("triu/diag2_method", "triu", lambda: [rn(3, 5), 2], method=True)
case("triu/int", "triu", lambda: [ri(-5, 5, 3, 3), -1])
case("cumsum/dim0", "cumsum", lambda: [rn(4, 3), 0])
case("cumsum/dim_neg_method", "cumsum", lambda: [rn(2, 3, 4), -1], method=True)
case("cumsum/int", "cumsum", lambda: [ri(-5, 5, 6), 0])
case("cumsum/int32", "cumsum", lambda: [ri(-5, 5, 2, 3, dtype=i32), 1])
case("cumsum/dtype", "cumsum", lambda: [rn(3, 4), 1], {"dtype": f64})
case("cumsum/noncontig", "cumsum", lambda: [rn(4, 3), 1], pre=[["t"], None])
case("cumprod/dim0", "cumprod", lambda: [rn(4, 3), 0])
case("cumprod/method", "cumprod", lambda: [rn(2, 5), -1], method=True)
case("cumprod/one_zero", "cumprod", lambda: [T([[0.5, 0.0, 2.0, -1.5], [1.5, 2.0, 0.0, 3.0]]), 1])
case("cumprod/two_zeros", "cumprod", lambda: [T([0.5, 0.0, 2.0, 0.0, 3.0]), 0])
case("cumprod/int", "cumprod", lambda: [ri(-3, 4, 5), 0])
case("cumprod/dtype", "cumprod", lambda: [rn(3, 4), 1], {"dtype": f64})
case("repeat/2d", "repeat", lambda: [rn(2, 3), 2, 3], method=True)
case("repeat/new_dims", "repeat", lambda: [rn(3), 2, 1, 2], method=True)
case("repeat/list", "repeat", lambda: [rn(2, 1, 3), [1, 4, 2]], method=True)
case("repeat/int", "repeat", lambda: [ri(0, 5, 2, 2), 2, 2], method=True)
case("flip/dim0", "flip", lambda: [rn(3, 4), [0]])
case("flip/both", "flip", lambda: [rn(2, 3, 4), [0, 2]])
case("flip/method_varargs", "flip", lambda: [rn(3, 4), -1], method=True)
case("flip/noncontig", "flip", lambda: [rn(4, 3), [1]], pre=[["t"], None])
case("roll/flat", "roll", lambda: [rn(3, 4), 5])
case("roll/dim", "roll", lambda: [rn(3, 4), 1, 0])
case("roll/negative_dims", "roll", lambda: [rn(3, 4, 2), [-1, 7], [0, 1]])
case("roll/method", "roll", lambda: [rn(5), 2], method=True)
error("repeat/too_few", "repeat", lambda: [rn(2, 3), 2], method=True)

# =====================================================================================
# baddbmm, einsum
# =====================================================================================
case("baddbmm/basic", "baddbmm", lambda: [rn(2, 3, 4), rn(2, 3, 5), rn(2, 5, 4)])
case("baddbmm/beta_alpha", "baddbmm", lambda: [rn(2, 3, 4), rn(2, 3, 5), rn(2, 5, 4)],
     {"beta": 0.5, "alpha": 1.5})
case("baddbmm/broadcast_input", "baddbmm", lambda: [rn(3, 1), rn(2, 3, 5), rn(2, 5, 4)],
     {"alpha": -0.25})
case("baddbmm/float64", "baddbmm", lambda: [rn(4, dtype=f64), rn(3, 2, 2, dtype=f64),
                                             rn(3, 2, 4, dtype=f64)], {"beta": 2})
case("einsum/mm", "einsum", lambda: ["ij,jk->ik", rn(3, 4), rn(4, 5)])
case("einsum/bmm", "einsum", lambda: ["bij,bjk->bik", rn(2, 3, 4), rn(2, 4, 5)])
case("einsum/attn_scores", "einsum", lambda: ["bhqd,bhkd->bhqk", rn(2, 2, 3, 4), rn(2, 2, 5, 4)])
case("einsum/attn_values", "einsum", lambda: ["bhqk,bhkd->bhqd", rn(2, 2, 3, 5), rn(2, 2, 5, 4)])
case("einsum/transpose", "einsum", lambda: ["ij->ji", rn(3, 4)])
case("einsum/sum_all", "einsum", lambda: ["ij->", rn(3, 4)])
case("einsum/row_sum", "einsum", lambda: ["ij->i", rn(3, 4)])
case("einsum/outer", "einsum", lambda: ["i,j->ij", rn(3), rn(4)])
case("einsum/rowdot", "einsum", lambda: ["ij,ij->i", rn(3, 4), rn(3, 4)])
case("einsum/implicit", "einsum", lambda: ["ij,jk", rn(2, 3), rn(3, 4)])
case("einsum/three", "einsum", lambda: ["ij,jk,kl->il", rn(2, 3), rn(3, 4), rn(4, 2)])
case("einsum/float64_noncontig", "einsum", lambda: ["ij,kj->ik", rn(4, 3, dtype=f64), rn(3, 2, dtype=f64)],
     pre=[None, None, ["t"]])

case("einsum/diag", "einsum", lambda: ["ii->i", rn(3, 3)])
case("einsum/trace", "einsum", lambda: ["ii", rn(4, 4)])
case("einsum/batch_diag", "einsum", lambda: ["bii->bi", rn(2, 3, 3)])
case("einsum/diag_contract", "einsum", lambda: ["iij,jk->ik", rn(3, 3, 2), rn(2, 4)])

write_fixture("ops_extra", {"cases": CASES, "errors": ERRORS}, __file__)
print(f"{len(CASES)} cases, {len(ERRORS)} errors, "
      f"{sum(c['gradcheck'] for c in CASES)} marked for gradcheck")
