"""Shared helpers for the oracle scripts: run real PyTorch, write test/fixtures/<name>.json.

Floats are written with Python's repr, which round-trips float64 exactly (and so every float32);
NaN and infinities are written as the strings "nan", "inf" and "-inf".
"""
import json
import math
import os
import sys

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES = os.path.join(ROOT, "test", "fixtures")


def num(x):
    """One scalar in fixture form."""
    if isinstance(x, bool):
        return x
    if isinstance(x, int):
        return x
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def enc(t):
    """A tensor in fixture form: {dtype, shape, data} with data flattened row-major."""
    if t is None:
        return None
    t = t.detach()
    dtype = str(t.dtype).replace("torch.", "")
    flat = t.contiguous().reshape(-1).tolist()
    if dtype == "bool":
        data = [1 if v else 0 for v in flat]
    else:
        data = [num(v) for v in flat]
    return {"dtype": dtype, "shape": list(t.shape), "data": data}


def enc_any(x):
    """Tensors, numbers, strings, None and nested lists/tuples/dicts of them."""
    if isinstance(x, torch.Tensor):
        return {"tensor": enc(x)}
    if isinstance(x, (list, tuple)):
        return [enc_any(v) for v in x]
    if isinstance(x, dict):
        return {k: enc_any(v) for k, v in x.items()}
    if isinstance(x, float):
        return num(x)
    if isinstance(x, torch.dtype):
        return {"dtype": str(x).replace("torch.", "")}
    return x


def write_fixture(name, payload, script):
    os.makedirs(FIXTURES, exist_ok=True)
    doc = {
        "script": os.path.relpath(os.path.abspath(script), ROOT),
        "torch_version": torch.__version__,
        "data": payload,
    }
    path = os.path.join(FIXTURES, name + ".json")
    with open(path, "w") as f:
        json.dump(doc, f, allow_nan=False, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {os.path.relpath(path, ROOT)}", file=sys.stderr)


def use_2x_module_list_repr():
    """Makes ModuleList print as PyTorch 2.x does: runs of equal entries fold into
    `(0-1): 2 x Block(...)`, where 1.13 prints every entry. This is 2.x's ModuleList.__repr__."""
    from torch.nn.modules.module import _addindent

    def module_list_repr(self):
        reprs = [repr(item) for item in self]
        if len(reprs) == 0:
            return self._get_name() + "()"
        ranges = [[0, 0]]
        blocks = [reprs[0]]
        for i, r in enumerate(reprs[1:], 1):
            if r == blocks[-1]:
                ranges[-1][1] += 1
                continue
            ranges.append([i, i])
            blocks.append(r)
        lines = []
        for (s, e), b in zip(ranges, blocks):
            local = f"({s}): {b}" if s == e else f"({s}-{e}): {e - s + 1} x {b}"
            lines.append(_addindent(local, 2))
        return self._get_name() + "(\n  " + "\n  ".join(lines) + "\n)"

    torch.nn.ModuleList.__repr__ = module_list_repr
