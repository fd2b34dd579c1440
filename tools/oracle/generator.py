"""Random sampling on PyTorch's CPU generator, recorded bit for bit.

Writes test/fixtures/random.json: {"scenarios": [{"name", "steps": [...]}, ...]}. Each scenario
is a list of steps run in order against the default generator or against named
torch.Generator objects ("gen"), so state carried between calls (including the cached second
normal sample) is checked too. Every sampling step records the values it produced:
  manual_seed   {seed}                     seed may be a decimal string beyond 2^53
  initial_seed  {value}                    decimal string
  rand/randn    {n, dtype, out}
  uniform_      {n, dtype, low, high, out}
  normal_       {n, dtype, mean, std, contiguous, out}   non-contiguous: a (4, n/4) tensor's
                                                        transpose, out in storage order
  randint       {low, high, n, dtype, out}  out as decimal strings (int64 may pass 2^53)
  randperm      {n, out}
  bernoulli_    {n, dtype, p, out}
  bernoulli     {probs, out}               probs encoded with dtype
  exponential_  {n, dtype, lambd, out}
  get_state     {hex}                      the 5056-byte torch.get_rng_state()
  set_state     {hex}
Run with /usr/bin/python3 tools/oracle/generator.py (PyTorch 1.13, CPU).
"""
import torch

from common import enc, write_fixture

DTYPES = {"float32": torch.float32, "float64": torch.float64, "int32": torch.int32,
          "int64": torch.int64}


class Recorder:
    def __init__(self, name):
        self.name = name
        self.steps = []
        self.gens = {}

    def gen(self, name):
        return None if name is None else self.gens[name]

    def add(self, step, gen):
        if gen is not None:
            step["gen"] = gen
        self.steps.append(step)

    def new_generator(self, name):
        self.gens[name] = torch.Generator()
        self.add({"op": "new_generator"}, name)

    def manual_seed(self, seed, gen=None):
        if gen is None:
            torch.manual_seed(seed)
        else:
            self.gens[gen].manual_seed(seed)
        self.add({"op": "manual_seed", "seed": seed if abs(seed) < 2**53 else str(seed)}, gen)

    def initial_seed(self, gen=None):
        g = self.gen(gen)
        value = torch.initial_seed() if g is None else g.initial_seed()
        self.add({"op": "initial_seed", "value": str(value)}, gen)

    def rand(self, n, dtype="float32", gen=None):
        out = torch.rand(n, dtype=DTYPES[dtype], generator=self.gen(gen))
        self.add({"op": "rand", "n": n, "dtype": dtype, "out": enc(out)}, gen)

    def randn(self, n, dtype="float32", gen=None):
        out = torch.randn(n, dtype=DTYPES[dtype], generator=self.gen(gen))
        self.add({"op": "randn", "n": n, "dtype": dtype, "out": enc(out)}, gen)

    def uniform_(self, n, low, high, dtype="float32", gen=None):
        out = torch.empty(n, dtype=DTYPES[dtype]).uniform_(low, high, generator=self.gen(gen))
        self.add({"op": "uniform_", "n": n, "dtype": dtype, "low": low, "high": high,
                  "out": enc(out)}, gen)

    def normal_(self, n, mean, std, dtype="float32", contiguous=True, gen=None):
        if contiguous:
            base = torch.empty(n, dtype=DTYPES[dtype])
            base.normal_(mean, std, generator=self.gen(gen))
        else:
            base = torch.empty(4, n // 4, dtype=DTYPES[dtype])
            base.t().normal_(mean, std, generator=self.gen(gen))
        self.add({"op": "normal_", "n": n, "dtype": dtype, "mean": mean, "std": std,
                  "contiguous": contiguous, "out": enc(base.reshape(-1))}, gen)

    def randint(self, low, high, n, dtype="int64", gen=None):
        out = torch.randint(low, high, (n,), dtype=DTYPES[dtype], generator=self.gen(gen))
        self.add({"op": "randint", "low": str(low), "high": str(high), "n": n, "dtype": dtype,
                  "out": [str(v) for v in out.tolist()]}, gen)

    def randperm(self, n, gen=None):
        out = torch.randperm(n, generator=self.gen(gen))
        self.add({"op": "randperm", "n": n, "out": out.tolist()}, gen)

    def bernoulli_(self, n, p, dtype="float32", gen=None):
        out = torch.empty(n, dtype=DTYPES[dtype]).bernoulli_(p, generator=self.gen(gen))
        self.add({"op": "bernoulli_", "n": n, "dtype": dtype, "p": p, "out": enc(out)}, gen)

    def bernoulli(self, probs, gen=None):
        out = torch.bernoulli(probs, generator=self.gen(gen))
        self.add({"op": "bernoulli", "probs": enc(probs), "out": enc(out)}, gen)

    def exponential_(self, n, lambd, dtype="float32", gen=None):
        out = torch.empty(n, dtype=DTYPES[dtype]).exponential_(lambd, generator=self.gen(gen))
        self.add({"op": "exponential_", "n": n, "dtype": dtype, "lambd": lambd,
                  "out": enc(out)}, gen)

    def get_state(self, gen=None):
        g = self.gen(gen)
        state = torch.get_rng_state() if g is None else g.get_state()
        self.add({"op": "get_state", "hex": bytes(state.tolist()).hex()}, gen)
        return state

    def set_state(self, state, gen=None):
        g = self.gen(gen)
        if g is None:
            torch.set_rng_state(state)
        else:
            g.set_state(state)
        self.add({"op": "set_state", "hex": bytes(state.tolist()).hex()}, gen)

    def done(self):
        return {"name": self.name, "steps": self.steps}


def basics(seed):
    r = Recorder(f"basics seed={seed}")
    r.manual_seed(seed)
    r.initial_seed()
    r.rand(3)
    r.rand(20)
    r.rand(20, "float64")
    for dtype in ("float32", "float64"):
        for n in (1, 5, 15, 16, 17, 20, 33, 100):
            r.randn(n, dtype)
    return r.done()


def carry_over():
    r = Recorder("carry-over of the cached normal and of the engine")
    r.manual_seed(0)
    r.randn(3)  # odd count: leaves a cached sample behind
    r.randn(20)  # vectorised path: ignores the cache
    r.rand(2)
    r.randn(1)  # uses the cache left by randn(3)
    r.randn(1, "float64")
    r.randn(5, "float64")
    r.rand(2, "float64")
    r.manual_seed(0)  # reseeding clears the cache
    r.randn(1)
    r.randn(16)
    r.randn(7)
    return r.done()


def in_place():
    r = Recorder("uniform_, normal_, exponential_")
    r.manual_seed(3)
    for dtype in ("float32", "float64"):
        r.uniform_(10, -10, 10, dtype)
        r.uniform_(40, -10, 10, dtype)
        r.uniform_(25, -3.3, 7.1, dtype)
        r.normal_(10, -1, 0.5, dtype)
        r.normal_(40, -1, 0.5, dtype)
        r.normal_(9, 0.7, 1.3, dtype)
        r.normal_(37, 0.7, 1.3, dtype)
        r.normal_(20, 2.0, 3.0, dtype, contiguous=False)
        r.exponential_(12, 1.5, dtype)
    return r.done()


def integers():
    r = Recorder("randint and randperm")
    r.manual_seed(0)
    r.randint(0, 10, 5)
    r.randint(-5, 1000000, 7)
    r.randint(0, 2**32, 4)
    r.randint(-2**40, 2**40, 6)
    r.randint(-2**62, 2**62, 4)
    r.randint(-3, 3, 10, "int32")
    r.randint(-2**31, 2**31 - 1, 5, "int32")
    r.randperm(8)
    r.randperm(1)
    r.randperm(0)
    r.randperm(100)
    r.rand(2)
    return r.done()


def bernoulli():
    r = Recorder("bernoulli")
    r.manual_seed(42)
    r.bernoulli_(50, 0.3)
    r.bernoulli_(10, 0.5, "float64")
    g = torch.Generator().manual_seed(5)
    probs32 = torch.rand(30, generator=g)
    probs64 = torch.rand(30, dtype=torch.float64, generator=g)
    r.bernoulli(probs32)
    r.bernoulli(probs64)
    r.bernoulli(torch.tensor([0.0, 1.0, 0.5, 0.25, 1.0, 0.0]))
    r.rand(3)
    return r.done()


def generators():
    r = Recorder("separate generators")
    r.manual_seed(2**40 + 3)
    r.initial_seed()
    r.new_generator("g")
    r.initial_seed("g")
    r.rand(4, gen="g")  # unseeded: starts from 67280421310721
    r.manual_seed(123, gen="g")
    r.initial_seed("g")
    r.rand(5)
    r.rand(5, gen="g")
    r.randn(3, gen="g")
    r.randn(3)
    r.randn(1, gen="g")
    r.randint(0, 100, 6, gen="g")
    r.randperm(10, gen="g")
    r.rand(3)
    r.manual_seed(-1, gen="g")
    r.initial_seed("g")
    r.rand(2, gen="g")
    return r.done()


def states():
    r = Recorder("get_state and set_state")
    r.manual_seed(0)
    r.get_state()
    r.randn(1)  # caches a normal sample
    saved = r.get_state()
    r.rand(700)  # crosses a twist of the 624-word state
    r.get_state()
    r.set_state(saved)
    r.randn(1)  # the restored cache
    r.rand(3)
    r.new_generator("g")
    r.get_state("g")
    r.set_state(saved, gen="g")
    r.randn(2, gen="g")
    return r.done()


def main():
    scenarios = [basics(0), basics(42), basics(2**40 + 3), carry_over(), in_place(), integers(),
                 bernoulli(), generators(), states()]
    write_fixture("generator", {"scenarios": scenarios}, __file__)


if __name__ == "__main__":
    main()
