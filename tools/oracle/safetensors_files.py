"""Reference .safetensors files for test/serialize/safetensors.test.ts: writes
test/fixtures/safetensors/*.safetensors and test/fixtures/safetensors/expected.json.

The `safetensors` Python package is not installable here (no Debian package, no PyPI), so this
script writes the format by hand, following the format's spec and the reference Rust writer
(safetensors/src/tensor.rs, `prepare` + `serialize`) step by step:
  - tensors sorted by dtype descending in the Rust `Dtype` enum order, then by name (byte-wise
    UTF-8 comparison, which is Rust's `str` ordering);
  - header = serde_json's compact map: "__metadata__" first (when given), then each tensor as
    {"dtype","shape","data_offsets"} in that sorted order; non-ASCII is not escaped;
  - header padded with spaces to a multiple of 8, prefixed by its length as a little-endian u64;
  - tensor bytes little-endian, C order, concatenated in the sorted order.
One liberty: Rust keeps `__metadata__` in a HashMap, whose order is unspecified (random per
process) when it has several keys; we write those keys sorted, and so does tstorch.

Tensor values come from real PyTorch (float16/bfloat16 bit patterns included) and numpy (for the
unsigned dtypes torch 1.13 lacks). expected.json holds, per file, the tensors as tstorch loads
them (F16/BF16 widened to float32, 8/16-bit integers and U32/U64 widened to int32/int64).
"""
import json
import os
import struct

import numpy as np
import torch

from common import FIXTURES, enc, write_fixture
from tutorial_models import LeNet

OUT = os.path.join(FIXTURES, "safetensors")

# Rust's `Dtype` enum order (it derives Ord from declaration order).
DTYPE_ORDER = [
    "BOOL", "F4", "F6_E2M3", "F6_E3M2", "U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E8M0",
    "F8_E4M3FNUZ", "F8_E5M2FNUZ", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "C64", "F64",
    "I64", "U64",
]
TORCH_TO_ST = {
    torch.bool: "BOOL", torch.uint8: "U8", torch.int8: "I8", torch.int16: "I16",
    torch.float16: "F16", torch.bfloat16: "BF16", torch.int32: "I32", torch.float32: "F32",
    torch.float64: "F64", torch.int64: "I64",
}
NUMPY_TO_ST = {np.dtype("uint16"): "U16", np.dtype("uint32"): "U32", np.dtype("uint64"): "U64"}


def raw(value):
    """(dtype string, shape, little-endian bytes) of a torch tensor or numpy array."""
    if isinstance(value, np.ndarray):
        data = value.astype(value.dtype.newbyteorder("<")).tobytes()
        return NUMPY_TO_ST[value.dtype], list(value.shape), data
    t = value.detach().contiguous()
    if t.dtype in (torch.float16, torch.bfloat16):
        data = t.view(torch.int16).numpy().astype("<i2").tobytes()
    else:
        data = t.numpy().astype(t.numpy().dtype.newbyteorder("<")).tobytes()
    return TORCH_TO_ST[t.dtype], list(t.shape), data


def st_serialize(tensors, metadata=None):
    """The safetensors writer, by hand (see the module docstring)."""
    items = [(name,) + raw(v) for name, v in tensors.items()]
    items.sort(key=lambda it: (-DTYPE_ORDER.index(it[1]), it[0].encode("utf-8")))
    header = {}
    if metadata is not None:
        header["__metadata__"] = {k: metadata[k] for k in sorted(metadata)}
    offset = 0
    for name, dtype, shape, data in items:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(it[3] for it in items)


def as_loaded(v):
    """The tensor tstorch returns for this stored value, in fixture form."""
    if isinstance(v, np.ndarray):
        wide = "int32" if v.dtype == np.uint16 else "int64"
        return {"dtype": wide, "shape": list(v.shape), "data": [int(x) for x in v.reshape(-1)]}
    if v.dtype in (torch.float16, torch.bfloat16):
        return enc(v.float())
    if v.dtype in (torch.uint8, torch.int8, torch.int16):
        return enc(v.int())
    return enc(v)


def files():
    torch.manual_seed(0)
    out = {}
    out["basic"] = ({
        "w": torch.randn(2, 3),
        "a_bias": torch.randn(3),
        "dbl": torch.randn(3, dtype=torch.float64),
        "ints": torch.tensor([[1, -2], [2147483647, -2147483648]], dtype=torch.int32),
        "longs": torch.tensor([0, -(2 ** 40), 2 ** 53, -(2 ** 53), 7], dtype=torch.int64),
        "mask": torch.tensor([True, False, False, True, True]),
        "special": torch.tensor([float("inf"), float("-inf"), float("nan"), -0.0, 1e-45, 3.4e38]),
    }, None)
    out["metadata"] = ({"weight": torch.randn(4, 2)}, {"format": "pt"})
    out["metadata_multi"] = ({"x": torch.arange(6, dtype=torch.int64).reshape(2, 3)},
                             {"format": "pt", "author": "tstorch \u00e9\"\\\n", "a": ""})
    # Names that need JSON escapes, non-ASCII, and an astral character, whose UTF-8 order differs
    # from its UTF-16 order (U+1F600 sorts after U+FF61 in UTF-8, before it in UTF-16).
    out["names"] = ({
        "\uff61": torch.ones(1), "\U0001F600": torch.zeros(1), "q\"uote\\d\n\t\x01": torch.ones(2),
        "\u00e9t\u00e9": torch.full((1,), 3.0), "layer.10.w": torch.ones(1), "layer.2.w": torch.ones(1),
    }, None)
    out["empty"] = ({}, None)
    out["empty_meta"] = ({}, {"format": "pt"})
    out["zero_size"] = ({
        "scalar": torch.tensor(2.5), "scalar_long": torch.tensor(-3), "scalar_bool": torch.tensor(True),
        "empty_rows": torch.zeros(0, 3), "empty_long": torch.zeros(0, dtype=torch.int64),
        "empty_mid": torch.zeros(2, 0, 4, dtype=torch.float64), "after": torch.tensor([1.0, 2.0]),
    }, None)
    half_vals = [0.0, -0.0, 1.0, -2.5, 65504.0, 6.0e-8, 1e-5, float("inf"), float("-inf"), float("nan"),
                 0.1, 3.140625]
    out["half"] = ({
        "h": torch.tensor(half_vals, dtype=torch.float16),
        "bf": torch.tensor(half_vals + [3.0e38, 1e-40], dtype=torch.bfloat16).reshape(2, 7),
        "f": torch.tensor([1.5]),
    }, None)
    out["small_ints"] = ({
        "u8": torch.tensor([0, 1, 200, 255], dtype=torch.uint8),
        "i8": torch.tensor([-128, -1, 0, 127], dtype=torch.int8),
        "i16": torch.tensor([[-32768, 32767], [5, -5]], dtype=torch.int16),
        "u16": np.array([0, 65535, 1234], dtype=np.uint16),
        "u32": np.array([0, 4294967295, 7], dtype=np.uint32),
        "u64": np.array([0, 2 ** 53, 9], dtype=np.uint64),
    }, None)
    torch.manual_seed(0)
    out["lenet"] = (dict(LeNet().state_dict()), None)
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    expected = {}
    for name, (tensors, metadata) in files().items():
        data = st_serialize(tensors, metadata)
        with open(os.path.join(OUT, name + ".safetensors"), "wb") as f:
            f.write(data)
        n = struct.unpack("<Q", data[:8])[0]
        header = json.loads(data[8:8 + n].decode("utf-8"))
        order = [k for k in header if k != "__metadata__"]
        # safe_open(...).keys() sorts by Rust's byte-wise UTF-8 order, which is code point order.
        entry = {"metadata": metadata, "order": order, "keys": sorted(order),
                 "dtypes": {k: header[k]["dtype"] for k in order}}
        if name == "lenet":
            # 62k values: keep the JSON small; the test rebuilds the seeded LeNet and compares.
            entry["tensors"] = {k: {"shape": list(v.shape), "sum": float(v.double().sum()),
                                    "first": [float(x) for x in v.reshape(-1)[:5]]}
                                for k, v in tensors.items()}
        else:
            entry["tensors"] = {k: as_loaded(v) for k, v in tensors.items()}
        expected[name] = entry
    write_fixture("safetensors/expected", expected, __file__)


if __name__ == "__main__":
    main()
