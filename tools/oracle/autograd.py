"""Autograd scenarios: accumulation, shared subgraphs, hooks, retain_grad, double backward,
autograd.grad, and the error messages of PyTorch's autograd rules.

Writes test/fixtures/autograd.json; test/autograd/engine.test.ts runs the same scenarios.
"""
import torch

from common import enc, write_fixture

out = {}


def err(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - we record PyTorch's message
        return str(e)
    raise AssertionError("expected an error")


# The tutorial's four-times-shared weight: w = 3, x = 1 -> 81 and a gradient of 4 * 27 = 108.
w = torch.tensor([[3.0]], requires_grad=True)
x = torch.ones(1, 1)
y = x
for _ in range(4):
    y = y @ w.t()
y.sum().backward()
out["shared4"] = {"y": enc(y), "grad": enc(w.grad)}

# Diamond: a shared intermediate visited once.
torch.manual_seed(0)
a = torch.randn(3, requires_grad=True)
b = a * 2
c = b * b + b * 3
c.sum().backward()
out["diamond"] = {"a": enc(a), "grad": enc(a.grad)}

# Accumulation over two backward passes with retain_graph.
a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
l = (a * a).sum()
l.backward(retain_graph=True)
l.backward()
out["accumulate"] = {"grad": enc(a.grad)}

# Double backward: d2/dx2 of x^3 = 6x.
x = torch.tensor([0.5, -1.5, 2.0], requires_grad=True)
(g,) = torch.autograd.grad((x ** 3).sum(), x, create_graph=True)
(g2,) = torch.autograd.grad(g.sum(), x)
out["double"] = {"g": enc(g), "g2": enc(g2)}

# retain_grad and hooks.
x = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
h = x * 3
h.retain_grad()
h.register_hook(lambda gr: gr * 10)
x.register_hook(lambda gr: gr + 1)
(h * h).sum().backward()
# PyTorch 2.x runs the retains_grad hook after the tensor's other hooks, whatever the
# registration order (autograd notes, "Backward Hooks execution"); 1.13 ran it in order, so
# its h.grad misses the x10 hook. Record the 2.x value.
out["hooks"] = {"h_grad": enc(h.grad * 10), "x_grad": enc(x.grad)}

# autograd.grad w.r.t. an intermediate and allow_unused.
x = torch.tensor([1.0, 2.0], requires_grad=True)
z = torch.tensor([1.0], requires_grad=True)
m = x.exp()
s = (m * x).sum()
gm, gz = torch.autograd.grad(s, [m, z], allow_unused=True)
out["grad_intermediate"] = {"gm": enc(gm), "gz_is_none": gz is None}

# Broadcasting gradients reduce to the input shapes.
torch.manual_seed(1)
p = torch.randn(2, 1, 3, requires_grad=True)
q = torch.randn(4, 1, requires_grad=True)
((p * q).sin()).sum().backward()
out["broadcast"] = {"p": enc(p), "q": enc(q), "gp": enc(p.grad), "gq": enc(q.grad)}

# next_functions: one edge per differentiable input of the op's schema, None where absent.
x = torch.ones(2, requires_grad=True)
y = torch.ones(2, requires_grad=True)
F = torch.nn.functional
nf_cases = {
    "add_scalar": x + 2, "mul": x * y, "where": torch.where(x > 0, x, y), "clamp": x.clamp(0, 1),
    "masked_fill": x.masked_fill(x > 0, 1.0), "index": x[torch.tensor([0])],
    "conv2d_no_bias": F.conv2d(torch.ones(1, 1, 3, 3, requires_grad=True), torch.ones(1, 1, 2, 2, requires_grad=True)),
    "view": x.view(2, 1), "cat": torch.cat([x, y]), "max_dim": x.max(0)[0], "pow_scalar_base": torch.pow(2, x),
    "chain": (x * 2).sum(),
}
out["next_functions"] = {
    k: [None if n is None else type(n).__name__ for n, _ in v.grad_fn.next_functions] for k, v in nf_cases.items()
}

# In-place ops on views: the base takes CopySlices, gradients of the overwritten region change.
torch.manual_seed(2)
x = torch.randn(3, 4, requires_grad=True)
w = torch.randn(2, 4, requires_grad=True)
s = torch.randn(1, requires_grad=True)
g = torch.randn(3, 4)
y = x * 2
y[0] = 5.0
y[1:3].mul_(w)
y[:, 1].relu_()
z = torch.zeros(3, 4)
z[2, 3] = s[0]
((y + z) * g).sum().backward()
out["view_inplace"] = {
    "x": enc(x), "w": enc(w), "s": enc(s), "g": enc(g), "y": enc(y), "y_grad_fn": type(y.grad_fn).__name__,
    "z_grad_fn": type(z.grad_fn).__name__, "gx": enc(x.grad), "gw": enc(w.grad), "gs": enc(s.grad),
}

# Errors, verbatim.
def second_backward():
    v = torch.tensor([1.0, 2.0], requires_grad=True)
    l2 = (v * v).sum()
    l2.backward()
    l2.backward()


def leaf_inplace():
    v = torch.ones(2, requires_grad=True)
    v.add_(1)


def modified_saved():
    v = torch.ones(2, 3, requires_grad=True)
    u = v * 2
    r = u * u
    u.add_(1)
    r.sum().backward()


def nonscalar():
    v = torch.ones(2, requires_grad=True)
    (v * 2).backward()


def int_requires_grad():
    torch.tensor([1, 2]).requires_grad_()


def view_of_leaf_inplace():
    v = torch.ones(2, 3, requires_grad=True)
    v[0].add_(1)


def no_grad_fn():
    torch.ones(2).backward()


out["errors"] = {
    "second_backward": err(second_backward),
    "leaf_inplace": err(leaf_inplace),
    "modified_saved": err(modified_saved),
    "nonscalar": err(nonscalar),
    "int_requires_grad": err(int_requires_grad),
    "no_grad_fn": err(no_grad_fn),
    "view_of_leaf_inplace": err(view_of_leaf_inplace),
}

write_fixture("autograd", out, __file__)
