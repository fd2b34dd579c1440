"""Reference models (examples/models/*.ts) in real PyTorch: the nn.Module tutorial's LeNet, a UNet from its
doubleConv, torchvision's ResNet-18 (defined here by hand, identical to torchvision/models/resnet.py,
since torchvision may be absent) and a nanoGPT-style decoder with weight tying.

Each case: torch.manual_seed(seed); model = ctor(); [model.double()]; draw the input (and targets or
an output weight g) from the same generator; one forward in train mode; loss.backward(). Writes
test/fixtures/models.json with state_dict keys, shapes and dtypes; an exact fingerprint of every
state_dict tensor at init, of the input, the output, every parameter's gradient and of the
state_dict after the train-mode forward (BatchNorm's running statistics move). A fingerprint is
float64 sum, abs-sum, sum of squares and the values at 32 evenly spaced flat positions (first and
last included); small tensors (<= 64 elements) are stored whole instead.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


from common import enc, num, write_fixture, use_2x_module_list_repr
from tutorial_models import LeNet, doubleConv

N_SAMPLES = 32
SMALL = 64


def sample_positions(n):
    if n <= 1:
        return list(range(n))
    return sorted(set(round(i * (n - 1) / (N_SAMPLES - 1)) for i in range(N_SAMPLES)))


def fp(t):
    """A tensor's fingerprint: whole when small, else sums and samples (see the module doc)."""
    t = t.detach()
    if t.numel() <= SMALL:
        return {"full": enc(t)}
    flat = t.contiguous().reshape(-1)
    d = flat.double()
    idx = sample_positions(flat.numel())
    return {
        "dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape),
        "sum": num(d.sum().item()), "abs_sum": num(d.abs().sum().item()), "sumsq": num((d * d).sum().item()),
        "idx": idx, "values": [num(flat[i].item()) for i in idx],
    }


def state_fp(model):
    return {k: fp(v) for k, v in model.state_dict().items()}


use_2x_module_list_repr()  # 2.x prints repeated blocks folded; 1.13 does not


# ---- UNet from the tutorial's doubleConv (examples/models/unet.ts) ----

class UNet(nn.Module):
    def __init__(self, in_channels=3, out_channels=2, features=(8, 16, 32)):
        super().__init__()
        self.downs = nn.ModuleList()
        self.ups = nn.ModuleList()
        self.pool = nn.MaxPool2d(kernel_size=2, stride=2)
        for feature in features:
            self.downs.append(doubleConv(in_channels, feature))
            in_channels = feature
        self.bottleneck = doubleConv(features[-1], features[-1] * 2)
        for feature in reversed(features):
            self.ups.append(nn.ConvTranspose2d(feature * 2, feature, kernel_size=2, stride=2))
            self.ups.append(doubleConv(feature * 2, feature))
        self.final_conv = nn.Conv2d(features[0], out_channels, kernel_size=1)

    def forward(self, x):
        skip_connections = []
        for down in self.downs:
            x = down(x)
            skip_connections.append(x)
            x = self.pool(x)
        x = self.bottleneck(x)
        skip_connections = skip_connections[::-1]
        for i in range(0, len(self.ups), 2):
            x = self.ups[i](x)
            x = torch.cat((skip_connections[i // 2], x), dim=1)
            x = self.ups[i + 1](x)
        return self.final_conv(x)


# ---- torchvision's resnet18, by hand (examples/models/resnet.ts) ----

def conv3x3(in_planes, out_planes, stride=1, groups=1, dilation=1):
    return nn.Conv2d(in_planes, out_planes, kernel_size=3, stride=stride, padding=dilation, groups=groups,
                     bias=False, dilation=dilation)


def conv1x1(in_planes, out_planes, stride=1):
    return nn.Conv2d(in_planes, out_planes, kernel_size=1, stride=stride, bias=False)


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        out += identity
        return self.relu(out)


class ResNet(nn.Module):
    def __init__(self, layers, num_classes=1000, zero_init_residual=False):
        super().__init__()
        self.inplanes = 64
        self.dilation = 1
        self.conv1 = nn.Conv2d(3, self.inplanes, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(self.inplanes)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(64, layers[0])
        self.layer2 = self._make_layer(128, layers[1], stride=2)
        self.layer3 = self._make_layer(256, layers[2], stride=2)
        self.layer4 = self._make_layer(512, layers[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512 * BasicBlock.expansion, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
        if zero_init_residual:
            for m in self.modules():
                if isinstance(m, BasicBlock) and m.bn2.weight is not None:
                    nn.init.constant_(m.bn2.weight, 0)

    def _make_layer(self, planes, blocks, stride=1):
        downsample = None
        if stride != 1 or self.inplanes != planes * BasicBlock.expansion:
            downsample = nn.Sequential(
                conv1x1(self.inplanes, planes * BasicBlock.expansion, stride),
                nn.BatchNorm2d(planes * BasicBlock.expansion),
            )
        layers = [BasicBlock(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes * BasicBlock.expansion
        for _ in range(1, blocks):
            layers.append(BasicBlock(self.inplanes, planes))
        return nn.Sequential(*layers)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        x = torch.flatten(self.avgpool(x), 1)
        return self.fc(x)


def resnet18(**kwargs):
    return ResNet([2, 2, 2, 2], **kwargs)


# ---- nanoGPT without dropout (examples/models/gpt.ts) ----

class CausalSelfAttention(nn.Module):
    def __init__(self, config):
        super().__init__()
        assert config["n_embd"] % config["n_head"] == 0
        self.c_attn = nn.Linear(config["n_embd"], 3 * config["n_embd"])
        self.c_proj = nn.Linear(config["n_embd"], config["n_embd"])
        self.n_head = config["n_head"]
        self.n_embd = config["n_embd"]
        bs = config["block_size"]
        self.register_buffer("bias", torch.tril(torch.ones(bs, bs)).view(1, 1, bs, bs))

    def forward(self, x):
        B, T, C = x.size()
        q, k, v = self.c_attn(x).split(self.n_embd, dim=2)
        k = k.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        q = q.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        v = v.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        att = att.masked_fill(self.bias[:, :, :T, :T] == 0, float("-inf"))
        att = F.softmax(att, dim=-1)
        y = att @ v
        y = y.transpose(1, 2).contiguous().view(B, T, C)
        return self.c_proj(y)


class MLP(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.c_fc = nn.Linear(config["n_embd"], 4 * config["n_embd"])
        self.gelu = nn.GELU()
        self.c_proj = nn.Linear(4 * config["n_embd"], config["n_embd"])

    def forward(self, x):
        return self.c_proj(self.gelu(self.c_fc(x)))


class Block(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.ln_1 = nn.LayerNorm(config["n_embd"])
        self.attn = CausalSelfAttention(config)
        self.ln_2 = nn.LayerNorm(config["n_embd"])
        self.mlp = MLP(config)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = config
        self.transformer = nn.ModuleDict(dict(
            wte=nn.Embedding(config["vocab_size"], config["n_embd"]),
            wpe=nn.Embedding(config["block_size"], config["n_embd"]),
            h=nn.ModuleList([Block(config) for _ in range(config["n_layer"])]),
            ln_f=nn.LayerNorm(config["n_embd"]),
        ))
        self.lm_head = nn.Linear(config["n_embd"], config["vocab_size"], bias=False)
        self.transformer.wte.weight = self.lm_head.weight
        self.apply(self._init_weights)
        for pn, p in self.named_parameters():
            if pn.endswith("c_proj.weight"):
                torch.nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * config["n_layer"]))

    def _init_weights(self, module):
        if isinstance(module, nn.Linear):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)
            if module.bias is not None:
                torch.nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)

    def forward(self, idx, targets=None):
        b, t = idx.size()
        pos = torch.arange(0, t, dtype=torch.long)
        x = self.transformer.wte(idx) + self.transformer.wpe(pos)
        for block in self.transformer.h:
            x = block(x)
        x = self.transformer.ln_f(x)
        logits = self.lm_head(x)
        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=-1)
        return logits, loss


GPT_CONFIG = {"block_size": 16, "vocab_size": 50, "n_layer": 2, "n_head": 4, "n_embd": 32}

# ---- the cases ----

cases = []


def record(name, seed, dtype, model, x, out, loss, extra=None):
    loss.backward()
    cases.append({
        "name": name, "seed": seed, "dtype": dtype, **(extra or {}),
        "x": fp(x), "out": fp(out), "loss": num(loss.item()),
        "grads": {k: fp(p.grad) for k, p in model.named_parameters()},
        "param_names": [k for k, _ in model.named_parameters()],
        "state_after": state_fp(model),
    })


def begin(seed, ctor, dtype):
    torch.manual_seed(seed)
    model = ctor()
    keys = [[k, list(v.shape), str(v.dtype).replace("torch.", "")] for k, v in model.state_dict().items()]
    if dtype == "float64":
        model.double()
    return model, {"keys": keys, "repr": repr(model), "state0": state_fp(model)}


def classifier_case(name, seed, ctor, shape, num_classes, dtype):
    model, extra = begin(seed, ctor, dtype)
    x = torch.randn(*shape)
    if dtype == "float64":
        x = x.double()
    target = torch.randint(0, num_classes, (shape[0],))
    out = model(x)
    loss = F.cross_entropy(out, target)
    extra["target"] = enc(target)
    record(name, seed, dtype, model, x, out, loss, extra)
    # eval mode afterwards: BatchNorm's updated running statistics are used
    model.eval()
    with torch.no_grad():
        cases[-1]["out_eval"] = fp(model(x))


def unet_case(name, seed, dtype):
    model, extra = begin(seed, lambda: UNet(3, 2, (8, 16, 32)), dtype)
    x = torch.randn(2, 3, 32, 32)
    if dtype == "float64":
        x = x.double()
    out = model(x)
    g = torch.randn(*out.shape, dtype=out.dtype)
    loss = (out * g).sum()
    record(name, seed, dtype, model, x, out, loss, extra)


def gpt_case(name, seed, dtype):
    model, extra = begin(seed, lambda: GPT(GPT_CONFIG), dtype)
    idx = torch.randint(0, GPT_CONFIG["vocab_size"], (2, 8))
    targets = torch.randint(0, GPT_CONFIG["vocab_size"], (2, 8))
    logits, loss = model(idx, targets)
    extra["targets"] = enc(targets)
    record(name, seed, dtype, model, idx, logits, loss, extra)
    cases[-1]["params_count"] = len(list(model.parameters()))
    # The tied weight's gradient is the sum of its two uses: untie (a copy for the head) and record
    # each use's gradient separately.
    model.zero_grad()
    model.lm_head.weight = nn.Parameter(model.transformer.wte.weight.detach().clone())
    logits, loss = model(idx, targets)
    loss.backward()
    cases[-1]["untied_grads"] = {
        "transformer.wte.weight": fp(model.transformer.wte.weight.grad),
        "lm_head.weight": fp(model.lm_head.weight.grad),
    }

classifier_case("lenet/float32", 0, LeNet, [2, 3, 32, 32], 10, "float32")
classifier_case("lenet/float64", 0, LeNet, [2, 3, 32, 32], 10, "float64")
classifier_case("resnet18/float32", 1, lambda: resnet18(num_classes=10), [2, 3, 64, 64], 10, "float32")
classifier_case("resnet18/zero_init_residual", 11,
                lambda: resnet18(num_classes=10, zero_init_residual=True), [2, 3, 64, 64], 10, "float32")
gpt_case("gpt/float32", 2, "float32")
gpt_case("gpt/float64", 2, "float64")
unet_case("unet/float32", 3, "float32")
unet_case("unet/float64", 3, "float64")

write_fixture("models", {"cases": cases, "gpt_config": GPT_CONFIG, "n_samples": N_SAMPLES, "small": SMALL},
              __file__)
