"""Reference .pt files for test/serialize/torch_save.test.ts: writes test/fixtures/serialize/*.pt with
real torch.save (PyTorch 1.13) and test/fixtures/serialize/expected.json describing what each holds.

PyTorch 2.x writes the same pickle and records plus `.format_version`, `.storage_alignment`,
`byteorder` and `.data/serialization_id` (torch/serialization.py `_save` and
caffe2/serialize/inline_container.cc in 2.x); 1.13 has no such records, so `model_2x.pt` is written
here through 1.13's own PyTorchFileWriter with the records in 2.x's order, to check those files load.

expected.json encodes each loaded object as a tagged tree: tensors with dtype, shape, stride,
storage_offset, requires_grad, a storage id (tensors with equal ids share one storage) and values
(all of them for small tensors; for large ones a crc32 of the contiguous little-endian bytes, the
sequential float64 sum and a few samples).
"""
import io
import os
import pickle
import pickletools
import sys
import zipfile
import zlib
from collections import OrderedDict

import torch

from common import FIXTURES, num, write_fixture
from tutorial_models import LeNet

OUT = os.path.join(FIXTURES, "serialize")
SMALL = 64


def enc_tensor(t, storages):
    ptr = t.storage().data_ptr()
    if ptr not in storages:
        storages[ptr] = len(storages)
    d = t.detach()
    c = d.contiguous()
    out = {
        "dtype": str(t.dtype).replace("torch.", ""),
        "shape": list(t.shape),
        "stride": list(t.stride()),
        "storage_offset": t.storage_offset(),
        "requires_grad": t.requires_grad,
        "storage": storages[ptr],
        "storage_numel": t.storage().size(),
    }
    flat = c.reshape(-1)
    if t.dtype in (torch.float16, torch.bfloat16):
        flat = flat.float()
    if flat.numel() <= SMALL:
        out["data"] = [num(v) if not isinstance(v, bool) else int(v) for v in flat.tolist()]
    else:
        as_bytes = flat.numpy().tobytes()
        out["crc32"] = zlib.crc32(as_bytes)
        s = 0.0
        for v in flat.double().tolist():
            s += v
        out["sum"] = s
        step = max(1, flat.numel() // 16)
        out["samples"] = [[i, num(flat[i].item())] for i in range(0, flat.numel(), step)]
    return out


def enc_value(x, storages):
    if isinstance(x, torch.nn.Parameter):
        return {"parameter": enc_tensor(x, storages)}
    if isinstance(x, torch.Tensor):
        return {"tensor": enc_tensor(x, storages)}
    if isinstance(x, OrderedDict):
        out = {"ordered_dict": [[enc_value(k, storages), enc_value(v, storages)] for k, v in x.items()]}
        meta = getattr(x, "_metadata", None)
        if meta is not None:
            out["metadata"] = [[k, dict(v)] for k, v in meta.items()]
        return out
    if isinstance(x, dict):
        return {"dict": [[enc_value(k, storages), enc_value(v, storages)] for k, v in x.items()]}
    if isinstance(x, list):
        return {"list": [enc_value(v, storages) for v in x]}
    if isinstance(x, tuple):
        return {"tuple": [enc_value(v, storages) for v in x]}
    if isinstance(x, bool) or x is None:
        return x
    if isinstance(x, int):
        return {"int": str(x)}
    if isinstance(x, float):
        return {"float": num(x)}
    if isinstance(x, str):
        return {"str": x}
    if isinstance(x, bytes):
        return {"bytes": list(x)}
    raise TypeError(type(x))


def bn_state_dict():
    torch.manual_seed(1)
    m = torch.nn.Sequential(torch.nn.Conv2d(2, 3, 3), torch.nn.BatchNorm2d(3))
    m.train()
    for _ in range(2):
        m(torch.randn(4, 2, 5, 5))
    return m.state_dict()


def optimizer_state(kind):
    torch.manual_seed(2)
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2))
    if kind == "sgd":
        opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)
    else:
        opt = torch.optim.Adam([{"params": model[0].parameters()},
                                {"params": model[2].parameters(), "lr": 0.01}], lr=0.001, betas=(0.8, 0.99))
    for _ in range(2):
        opt.zero_grad()
        model(torch.randn(5, 3)).pow(2).sum().backward()
        opt.step()
    return opt.state_dict()


def objects():
    torch.manual_seed(0)
    lenet = LeNet().state_dict()
    base = torch.arange(12, dtype=torch.float32).reshape(3, 4)
    views = {"base": base, "t": base.t(), "row": base[1], "col": base[:, 2], "narrow": base[1:, 1:3],
             "other": torch.tensor([7.0, 8.0])}
    torch.manual_seed(3)
    dtypes = {
        "f32": torch.randn(2, 3),
        "f64": torch.randn(3, dtype=torch.float64),
        "i64": torch.tensor([-(2 ** 40), -1, 0, 7, 2 ** 53]),
        "i32": torch.tensor([-5, 0, 2 ** 31 - 1], dtype=torch.int32),
        "bool": torch.tensor([True, False, True]),
        "f16": torch.tensor([0.5, -1.25, 65504.0, 1e-7], dtype=torch.float16),
        "bf16": torch.tensor([0.5, -3.0e38, 1.0 / 3], dtype=torch.bfloat16),
        "scalar": torch.tensor(2.5, dtype=torch.float64),
        "empty": torch.zeros(0, 3),
    }
    torch.manual_seed(4)
    param = {
        "weight": torch.nn.Parameter(torch.randn(2, 3)),
        "frozen": torch.nn.Parameter(torch.randn(2), requires_grad=False),
        "grad_tensor": torch.ones(2).requires_grad_(),
    }
    nested = {
        "list": [1, 2.5, "x", None, True, False],
        "tuple": (1, (2, 3.0)),
        "nested": {"a": {"b": [torch.tensor([1.0, 2.0])]}},
        "int_keys": {0: "a", 1: "b"},
        "neg": -7,
        "big": 2 ** 40,
        "huge": 2 ** 70,
        "float": 0.1,
        "str": "h\u00e9llo \u2713",
        "bytes": b"\x00\xff\x10",
        "empty_dict": {},
        "empty_list": [],
        "od": OrderedDict([("z", 1), ("a", 2)]),
    }
    return {
        "lenet": lenet,
        "batchnorm": bn_state_dict(),
        "dtypes": dtypes,
        "views": views,
        "parameter": param,
        "nested": nested,
        "sgd_momentum": optimizer_state("sgd"),
        "adam": optimizer_state("adam"),
    }


def save_2x_style(obj, path):
    """torch.save as PyTorch 2.x lays the archive out, through 1.13's PyTorchFileWriter."""
    storages = OrderedDict()

    def persistent_id(o):
        if isinstance(o, torch.storage.TypedStorage):
            key = storages.setdefault(o._cdata, (str(len(storages)), o))[0]
            return ("storage", getattr(torch, o.pickle_storage_type()), key, "cpu", o.size())
        return None

    buf = io.BytesIO()
    p = pickle.Pickler(buf, protocol=2)
    p.persistent_id = persistent_id
    p.dump(obj)
    w = torch._C.PyTorchFileWriter(path)
    w.write_record("data.pkl", buf.getvalue(), len(buf.getvalue()))
    w.write_record(".format_version", "1", 1)
    w.write_record(".storage_alignment", "64", 2)
    w.write_record("byteorder", sys.byteorder, len(sys.byteorder))
    for key, st in storages.values():
        raw = st.untyped()
        w.write_record(f"data/{key}", raw.data_ptr(), raw.nbytes())
    sid = "0" * 20 + "1" * 20
    w.write_record(".data/serialization_id", sid, len(sid))
    w.write_end_of_file()


# What torch/_weights_only_unpickler.py accepts in PyTorch 2.x: its opcodes, and the globals among its
# allowlist that torch.save / tstorch write. 1.13's version lacks BINFLOAT, _codecs.encode and set.
WO_2X_OPCODES = {
    "APPEND", "APPENDS", "BINFLOAT", "BINGET", "BININT", "BININT1", "BININT2", "BINPERSID", "BINPUT",
    "BINUNICODE", "BUILD", "EMPTY_DICT", "EMPTY_LIST", "EMPTY_SET", "EMPTY_TUPLE", "GLOBAL", "LONG1",
    "LONG_BINGET", "LONG_BINPUT", "MARK", "NEWFALSE", "NEWOBJ", "NEWTRUE", "NONE", "PROTO", "REDUCE",
    "SETITEM", "SETITEMS", "SHORT_BINSTRING", "STOP", "TUPLE", "TUPLE1", "TUPLE2", "TUPLE3",
}
WO_2X_GLOBALS = {
    "collections.OrderedDict", "collections.Counter", "torch._utils._rebuild_tensor_v2",
    "torch._utils._rebuild_parameter", "_codecs.encode", "builtins.set", "torch.Size",
    *(f"torch.{n}Storage" for n in ["Float", "Double", "Long", "Int", "Bool", "Half", "BFloat16"]),
    *(f"torch.{n}" for n in ["float32", "float64", "int64", "int32", "bool"]),
}


def load_weights_only(path):
    """torch.load(path, weights_only=True); returns (object, strict).

    Under 1.13, whose weights_only unpickler predates BINFLOAT, _codecs.encode and set support, a
    file it refuses is checked opcode by opcode against 2.x's weights_only rules and then loaded
    normally (strict=False). Under 2.x the real weights_only load must succeed.
    """
    try:
        return torch.load(path, weights_only=True), True
    except pickle.UnpicklingError:
        if not torch.__version__.startswith("1."):
            raise
    with zipfile.ZipFile(path) as z:
        data = z.read([n for n in z.namelist() if n.endswith("/data.pkl")][0])
    for op, arg, _ in pickletools.genops(data):
        if op.name not in WO_2X_OPCODES:
            raise pickle.UnpicklingError(f"opcode {op.name} is not accepted by weights_only")
        if op.name == "GLOBAL":
            module, name = arg.split(" ", 1)
            full = f"{'builtins' if module == '__builtin__' else module}.{name}"
            if full not in WO_2X_GLOBALS:
                raise pickle.UnpicklingError(f"Unsupported global: GLOBAL {full}")
    return torch.load(path, weights_only=False), False


def main():
    os.makedirs(OUT, exist_ok=True)
    expected = {}
    for name, obj in objects().items():
        path = os.path.join(OUT, name + ".pt")
        torch.save(obj, path)
        back = torch.load(path)
        expected[name] = enc_value(back, {})
    obj_2x = {"w": torch.arange(6, dtype=torch.float32).reshape(2, 3), "n": 3}
    obj_2x["wt"] = obj_2x["w"].t()
    save_2x_style(obj_2x, os.path.join(OUT, "model_2x.pt"))
    expected["model_2x"] = enc_value(torch.load(os.path.join(OUT, "model_2x.pt")), {})
    write_fixture("serialize/expected", expected, __file__)


if __name__ == "__main__":
    main()
