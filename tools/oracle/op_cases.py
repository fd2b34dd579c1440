"""Shared machinery of the op oracles (ops.py, ops_extra.py): input builders, the case() and
error() recorders, and write(). The fixture format is documented at the top of ops.py.
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


def write(name, script):
    """Writes the recorded cases and errors to test/fixtures/<name>.json."""
    write_fixture(name, {"cases": CASES, "errors": ERRORS}, script)
    print(f"{len(CASES)} cases, {len(ERRORS)} errors, "
          f"{sum(c['gradcheck'] for c in CASES)} marked for gradcheck")
