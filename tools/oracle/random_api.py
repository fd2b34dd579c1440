"""torch-level random calls under seeds: the factories, in-place fills of non-contiguous tensors,
tensor-probability bernoulli and explicit Generators. Writes test/fixtures/random_api.json.
"""
import torch

from common import enc, write_fixture

out = {}
torch.manual_seed(0)
out["seed0"] = [enc(torch.rand(3)), enc(torch.randn(20)), enc(torch.randint(0, 10, (5,))), enc(torch.randperm(8))]

torch.manual_seed(3)
a = torch.empty(3, 4).t()
a.uniform_(-2, 2)
b = torch.empty(20, 3, dtype=torch.float64).t()
b.normal_(1, 0.5)
out["noncontiguous"] = [enc(a), enc(b)]

torch.manual_seed(5)
p32 = torch.rand(40)
p64 = torch.rand(40, dtype=torch.float64)
out["bernoulli"] = [enc(p32), enc(torch.bernoulli(p32)), enc(p64), enc(torch.bernoulli(p64)),
                    enc(torch.empty(30).bernoulli_(0.25))]

g = torch.Generator().manual_seed(123)
out["generator"] = [enc(torch.rand(4, generator=g)), enc(torch.randn(17, generator=g)),
                    enc(torch.randint(3, 9, (2, 3), generator=g)), enc(torch.randperm(5, generator=g))]

torch.manual_seed(9)
out["shapes"] = [enc(torch.rand(2, 3, dtype=torch.float64)), enc(torch.randn((4, 5))),
                 enc(torch.randint(10, (3,), dtype=torch.int32)), enc(torch.rand_like(torch.zeros(2, 2)))]

write_fixture("random_api", out, __file__)
