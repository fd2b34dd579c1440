"""torch.result_type over tensors of every dtype (dimensioned and 0-dim) and Python scalars.

Writes test/fixtures/promotion.json: [{a, b, result}] where an operand is
{"dtype": name, "ndim": 0|1} for a tensor or {"scalar": value} for a Python number/bool.
"""
import itertools

import torch

from common import write_fixture

DTYPES = [torch.bool, torch.int32, torch.int64, torch.float32, torch.float64]
SCALARS = [True, 3, 2.5]


def operands():
    for d in DTYPES:
        for ndim in (0, 1):
            yield {"dtype": str(d).replace("torch.", ""), "ndim": ndim}, torch.zeros([2] * ndim, dtype=d)
    for s in SCALARS:
        yield {"scalar": s}, s


cases = []
for (ea, a), (eb, b) in itertools.product(list(operands()), repeat=2):
    if not isinstance(a, torch.Tensor) and not isinstance(b, torch.Tensor):
        continue
    cases.append({"a": ea, "b": eb, "result": str(torch.result_type(a, b)).replace("torch.", "")})

write_fixture("promotion", cases, __file__)
