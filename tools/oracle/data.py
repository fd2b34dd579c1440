"""torch.utils.data under seeds: DataLoader batch orders (shuffle with the default generator and
with an explicit one, drop_last, uneven batches), random_split, RandomSampler, default_collate
and error messages. Writes test/fixtures/data.json.
"""
import warnings

import torch
from torch.utils.data import (BatchSampler, ConcatDataset, DataLoader, RandomSampler, SequentialSampler,
                              Subset, TensorDataset, random_split)
from torch.utils.data._utils.collate import default_collate

from common import enc, enc_any, write_fixture


class Range(torch.utils.data.Dataset):
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return i


def batches(loader):
    return [b.tolist() for b in loader]


def err(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        return {"type": type(e).__name__, "message": str(e)}
    raise AssertionError("expected an error")


out = {}

# DataLoader orders. Each case: seed, loader options, epochs, plus one rand() after to check the
# default generator's stream position.
loaders = []
for seed, n, opts, epochs in [
    (0, 10, {"batch_size": 3, "shuffle": True}, 2),
    (1, 10, {"batch_size": 4, "shuffle": True, "drop_last": True}, 2),
    (2, 7, {"batch_size": 1, "shuffle": True}, 1),
    (3, 10, {"batch_size": 3}, 1),
    (4, 10, {"batch_size": 3, "drop_last": True}, 1),
    (5, 100, {"batch_size": 16, "shuffle": True}, 1),
    (6, 1, {"batch_size": 5, "shuffle": True}, 1),
]:
    torch.manual_seed(seed)
    loader = DataLoader(Range(n), **opts)
    orders = [batches(loader) for _ in range(epochs)]
    loaders.append({"seed": seed, "n": n, "opts": opts, "len": len(loader), "epochs": orders,
                    "after": enc(torch.rand(2))})
out["loaders"] = loaders

gens = []
for gseed, default_seed, n, bs in [(42, 0, 10, 3), (7, 1, 33, 8)]:
    torch.manual_seed(default_seed)
    g = torch.Generator().manual_seed(gseed)
    loader = DataLoader(Range(n), batch_size=bs, shuffle=True, generator=g)
    orders = [batches(loader) for _ in range(2)]
    gens.append({"gseed": gseed, "default_seed": default_seed, "n": n, "batch_size": bs, "epochs": orders,
                 "after": enc(torch.rand(2)), "after_g": enc(torch.rand(2, generator=g))})
out["generator_loaders"] = gens

# The base-seed draw itself.
torch.manual_seed(0)
out["int64_random"] = str(torch.empty((), dtype=torch.int64).random_().item())

# TensorDataset batches.
torch.manual_seed(11)
x = torch.arange(12.0).reshape(6, 2)
y = torch.arange(6)
tb = [[enc(xb), enc(yb)] for xb, yb in DataLoader(TensorDataset(x, y), batch_size=4, shuffle=True)]
out["tensor_dataset"] = {"x": enc(x), "y": enc(y), "batches": tb}

# random_split.
splits = []
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    for n, lengths, gseed in [(10, [3, 7], 42), (10, [0.3, 0.7], 42), (10, [0.33, 0.33, 0.34], 1),
                              (30, [0.3, 0.3, 0.4], 42), (11, [0.5, 0.5], 3), (5, [0.1, 0.9], 0)]:
        parts = random_split(Range(n), lengths, generator=torch.Generator().manual_seed(gseed))
        indices = [list(p.indices) for p in parts]
        splits.append({"n": n, "lengths": lengths, "gseed": gseed, "indices": indices})
    torch.manual_seed(5)
    parts = random_split(Range(10), [4, 6])
    indices = [list(p.indices) for p in parts]
    splits.append({"n": 10, "lengths": [4, 6], "default_seed": 5, "indices": indices})
out["random_split"] = splits

# RandomSampler.
samplers = []
for n, opts, gseed in [(10, {"replacement": True}, 0), (5, {"replacement": True, "num_samples": 70}, 1),
                       (4, {"num_samples": 10}, 2), (6, {}, None)]:
    if gseed is None:
        torch.manual_seed(9)
        s = RandomSampler(Range(n), **opts)
    else:
        s = RandomSampler(Range(n), generator=torch.Generator().manual_seed(gseed), **opts)
    samplers.append({"n": n, "opts": opts, "gseed": gseed, "len": len(s), "order": list(s)})
out["random_sampler"] = samplers

out["batch_sampler"] = [list(BatchSampler(SequentialSampler(range(10)), 3, False)),
                        list(BatchSampler(SequentialSampler(range(10)), 3, True)),
                        len(BatchSampler(SequentialSampler(range(10)), 3, False)),
                        len(BatchSampler(SequentialSampler(range(10)), 3, True))]

ds = ConcatDataset([Range(3), Range(4)])
out["concat"] = {"len": len(ds), "items": [ds[i] for i in range(7)], "neg": ds[-1]}
out["subset"] = [Subset(Range(10), [5, 1, 7])[i] for i in range(3)]

# default_collate.
t1 = torch.tensor([1.0, 2.0])
t2 = torch.tensor([3.0, 4.0])
out["collate"] = {
    "ints": enc_any(default_collate([1, 2, 3])),
    "floats": enc_any(default_collate([0.5, 1.5])),
    "bools": enc_any(default_collate([True, False])),
    "strings": enc_any(default_collate(["a", "b"])),
    "tuples": enc_any(default_collate([(t1, 0, 0.5), (t2, 1, 1.5)])),
    "dicts": enc_any(default_collate([{"x": t1, "y": 3}, {"x": t2, "y": 4}])),
    "nested": enc_any(default_collate([{"a": [1, 2.5]}, {"a": [3, 4.5]}])),
}

out["errors"] = {
    "size_mismatch": err(lambda: TensorDataset(torch.zeros(3), torch.zeros(4))),
    "split_sum": err(lambda: random_split(Range(10), [3, 4])),
    "fraction": err(lambda: random_split(Range(10), [1.5, -0.5])),
    "num_samples": err(lambda: RandomSampler(Range(3), num_samples=0)),
    "batch_size": err(lambda: BatchSampler(SequentialSampler(range(3)), 0, False)),
    "sampler_shuffle": err(lambda: DataLoader(Range(3), sampler=SequentialSampler(range(3)), shuffle=True)),
    "batch_sampler": err(lambda: DataLoader(Range(3), batch_sampler=[[0]], batch_size=2)),
    "drop_last_none": err(lambda: DataLoader(Range(3), batch_size=None, drop_last=True)),
    "num_workers": err(lambda: DataLoader(Range(3), num_workers=-1)),
    "collate_none": err(lambda: default_collate([None, None])),
    "collate_ragged": err(lambda: default_collate([[1, 2], [3]])),
}

write_fixture("data", out, __file__)
