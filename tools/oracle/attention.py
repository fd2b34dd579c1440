"""Attention and transformer layers: F.scaled_dot_product_attention, nn.MultiheadAttention and
F.multi_head_attention_forward, nn.TransformerEncoderLayer, nn.TransformerEncoder,
nn.TransformerDecoderLayer, nn.TransformerDecoder and nn.Transformer.

Each case seeds, builds (state_dict and repr recorded), takes its inputs from the fixture, seeds
again with seed + 1 right before the forward (so dropout masks line up), and records the output,
the attention weights and the gradients of (out * g).sum() for the inputs and parameters.
Writes test/fixtures/attention.json.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from common import enc, write_fixture, use_2x_module_list_repr

use_2x_module_list_repr()  # 2.x prints repeated blocks folded; 1.13 does not

DT = {"float32": torch.float32, "float64": torch.float64}


def sdpa_reference(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None):
    # PyTorch 1.13 has no F.scaled_dot_product_attention (2.0+): this is the math reference that
    # 2.x documents for it (bool mask: -inf where False, float mask added, is_causal: lower
    # triangle, scale 1/sqrt(E) by default, softmax, dropout, @ V), with masks broadcast.
    L, S = query.size(-2), key.size(-2)
    scale_factor = 1 / math.sqrt(query.size(-1)) if scale is None else scale
    attn_bias = torch.zeros(L, S, dtype=query.dtype)
    if is_causal:
        assert attn_mask is None
        temp = torch.ones(L, S, dtype=torch.bool).tril(diagonal=0)
        attn_bias = attn_bias.masked_fill(temp.logical_not(), float("-inf"))
    if attn_mask is not None:
        if attn_mask.dtype == torch.bool:
            attn_bias = torch.zeros(attn_mask.shape, dtype=query.dtype).masked_fill(
                attn_mask.logical_not(), float("-inf"))
        else:
            attn_bias = attn_mask + attn_bias
    attn_weight = query @ key.transpose(-2, -1) * scale_factor
    attn_weight = attn_weight + attn_bias
    attn_weight = torch.softmax(attn_weight, dim=-1)
    attn_weight = torch.dropout(attn_weight, dropout_p, train=True)
    return attn_weight @ value


sdpa_cases = []


def sdpa_case(name, qs, ks, vs, dtype="float32", mask=None, mask_kind=None, **kw):
    seed = 3000 + len(sdpa_cases)
    torch.manual_seed(seed)
    dt = DT[dtype]
    q = torch.randn(*qs, dtype=dt, requires_grad=True)
    k = torch.randn(*ks, dtype=dt, requires_grad=True)
    v = torch.randn(*vs, dtype=dt, requires_grad=True)
    m = None
    if mask_kind == "bool":
        m = torch.rand(*mask) > 0.3
        m[..., 0] = True  # no fully masked row: softmax of all -inf is nan
    elif mask_kind == "float":
        m = torch.randn(*mask, dtype=dt, requires_grad=True)
    torch.manual_seed(seed + 1)
    out = sdpa_reference(q, k, v, attn_mask=m, **kw)
    g = torch.randn(*out.shape, dtype=dt)
    (out * g).sum().backward()
    sdpa_cases.append({
        "name": name, "seed": seed, "kw": kw, "q": enc(q), "k": enc(k), "v": enc(v), "mask": enc(m),
        "g": enc(g), "out": enc(out), "q_grad": enc(q.grad), "k_grad": enc(k.grad), "v_grad": enc(v.grad),
        "mask_grad": enc(m.grad) if mask_kind == "float" else None,
    })


sdpa_case("basic", [2, 5, 4], [2, 5, 4], [2, 5, 4])
sdpa_case("basic/float64", [2, 5, 4], [2, 5, 4], [2, 5, 4], dtype="float64")
sdpa_case("heads/L!=S", [2, 2, 3, 4], [2, 2, 5, 4], [2, 2, 5, 6])
sdpa_case("bool_mask/broadcast", [2, 2, 3, 4], [2, 2, 5, 4], [2, 2, 5, 4], mask=[3, 5], mask_kind="bool")
sdpa_case("bool_mask/batch_broadcast", [2, 2, 3, 4], [2, 2, 5, 4], [2, 2, 5, 4], mask=[2, 1, 3, 5],
          mask_kind="bool")
sdpa_case("float_mask", [2, 3, 4], [2, 5, 4], [2, 5, 4], mask=[2, 3, 5], mask_kind="float")
sdpa_case("float_mask/broadcast/float64", [2, 2, 3, 4], [2, 2, 5, 4], [2, 2, 5, 4], dtype="float64",
          mask=[1, 2, 1, 5], mask_kind="float")
sdpa_case("is_causal", [2, 2, 5, 4], [2, 2, 5, 4], [2, 2, 5, 4], is_causal=True)
sdpa_case("is_causal/L<S/float64", [1, 3, 4], [1, 5, 4], [1, 5, 2], dtype="float64", is_causal=True)
sdpa_case("scale", [2, 5, 4], [2, 5, 4], [2, 5, 4], scale=0.3)
sdpa_case("dropout", [2, 2, 5, 4], [2, 2, 5, 4], [2, 2, 5, 4], dropout_p=0.4)
sdpa_case("unbatched", [5, 4], [6, 4], [6, 3])


def encp(m):
    return {k: enc(v) for k, v in m.state_dict().items()}


def grads(m):
    return {k: enc(p.grad) for k, p in m.named_parameters()}


mha_cases = []


def make_mask(kind, shape, dt, pad_row=False):
    if kind is None:
        return None
    if kind == "causal_bool":
        return torch.ones(*shape, dtype=torch.bool).triu(1)
    if kind == "left_aligned":
        # Padding at the end of each row; row 0 unpadded, so the padded output keeps src's length
        # (1.13's to_padded_tensor(0.) has no output size; 2.x passes src.size()).
        lengths = [shape[1]] + [max(1, shape[1] - 2 * i) for i in range(1, shape[0])]
        return torch.arange(shape[1]).expand(shape[0], -1) >= torch.tensor(lengths).unsqueeze(1)
    if kind == "bool":
        # True marks a masked position (MultiheadAttention's convention); keep column 0 visible.
        m = torch.rand(*shape) < 0.3
        m[..., 0] = False
        return m
    m = torch.randn(*shape, dtype=dt)
    return m


def mha_case(name, args, kw, qs, ks=None, vs=None, dtype="float32", self_attn=False, kpm=None, am=None,
             fkw=None, mode="train", merge_2x=False):
    seed = 3100 + len(mha_cases)
    fkw = dict(fkw or {})
    fkw_2x = dict(fkw)
    torch.manual_seed(seed)
    m = nn.MultiheadAttention(*args, **kw)
    if dtype == "float64":
        m.double()
    state0 = encp(m)
    dt = DT[dtype]
    q = torch.randn(*qs, dtype=dt, requires_grad=True)
    k = q if self_attn else torch.randn(*ks, dtype=dt, requires_grad=True)
    v = q if self_attn else torch.randn(*vs, dtype=dt, requires_grad=True)
    kpm_t = make_mask(kpm[0], kpm[1], dt) if kpm else None
    am_t = make_mask(am[0], am[1], dt) if am else None
    if mode == "eval":
        m.eval()
    call_am, call_kpm = am_t, kpm_t
    if merge_2x:
        # 2.x turns both masks into float masks and adds them (1.13 cannot combine a float
        # key_padding_mask with a float attn_mask): give 1.13 the merged 3-D float mask.
        num_heads = args[1]
        bsz = kpm_t.shape[0]
        src = kpm_t.shape[1]
        kf = kpm_t if kpm_t.is_floating_point() else torch.zeros(kpm_t.shape, dtype=dt).masked_fill(
            kpm_t, float("-inf"))
        af = am_t if am_t.is_floating_point() else torch.zeros(am_t.shape, dtype=dt).masked_fill(
            am_t, float("-inf"))
        kf = kf.view(bsz, 1, 1, src).expand(-1, num_heads, -1, -1).reshape(bsz * num_heads, 1, src)
        call_am = af + kf if af.dim() == 3 else af.unsqueeze(0) + kf
        call_kpm = None
    fkw.pop("is_causal", None)  # 1.13 lacks the hint; the mask given with it carries the same information
    torch.manual_seed(seed + 1)
    out, w = m(q * 1, k * 1, v * 1, key_padding_mask=call_kpm, attn_mask=call_am, **fkw)
    g = torch.randn(*out.shape, dtype=dt)
    loss = (out * g).sum()
    gw = None
    if w is not None:
        gw = torch.randn(*w.shape, dtype=dt)
        loss = loss + (w * gw).sum()
    loss.backward()
    mha_cases.append({
        "name": name, "args": args, "kw": kw, "fkw": fkw_2x, "seed": seed, "dtype": dtype,
        "self_attn": self_attn,
        "mode": mode, "repr": repr(m), "state0": state0, "q": enc(q), "k": enc(k), "v": enc(v),
        "kpm": enc(kpm_t), "am": enc(am_t), "g": enc(g), "gw": enc(gw), "out": enc(out), "w": enc(w),
        "q_grad": enc(q.grad), "k_grad": None if self_attn else enc(k.grad),
        "v_grad": None if self_attn else enc(v.grad), "param_grads": grads(m),
    })


mha_case("self", [8, 2], {}, [5, 3, 8], self_attn=True)
mha_case("self/float64", [8, 2], {}, [5, 3, 8], dtype="float64", self_attn=True)
mha_case("cross/L!=S", [8, 2], {}, [4, 3, 8], [6, 3, 8], [6, 3, 8])
mha_case("kdim_vdim", [8, 2], {"kdim": 5, "vdim": 3}, [4, 2, 8], [6, 2, 5], [6, 2, 3])
mha_case("kdim_vdim/float64/no_bias", [8, 4], {"kdim": 6, "vdim": 7, "bias": False}, [3, 2, 8], [5, 2, 6],
         [5, 2, 7], dtype="float64")
mha_case("batch_first", [8, 2], {"batch_first": True}, [3, 5, 8], [3, 6, 8], [3, 6, 8])
mha_case("batch_first/self", [8, 2], {"batch_first": True}, [2, 5, 8], self_attn=True)
mha_case("bias_kv/zero_attn", [8, 2], {"add_bias_kv": True, "add_zero_attn": True}, [4, 2, 8], [5, 2, 8],
         [5, 2, 8], kpm=["bool", [2, 5]], am=["float", [4, 5]])
mha_case("kpm/bool", [8, 2], {}, [5, 3, 8], self_attn=True, kpm=["bool", [3, 5]])
mha_case("kpm/float/float64", [8, 2], {}, [5, 3, 8], dtype="float64", self_attn=True, kpm=["float", [3, 5]])
mha_case("am/bool2d", [8, 2], {}, [4, 3, 8], [5, 3, 8], [5, 3, 8], am=["bool", [4, 5]])
mha_case("am/float3d", [8, 2], {}, [4, 3, 8], [5, 3, 8], [5, 3, 8], am=["float", [6, 4, 5]])
mha_case("am/bool3d+kpm/bool", [8, 2], {}, [4, 2, 8], [5, 2, 8], [5, 2, 8], am=["bool", [4, 4, 5]],
         kpm=["bool", [2, 5]])
mha_case("am/float+kpm/float", [8, 2], {}, [4, 2, 8], [5, 2, 8], [5, 2, 8], am=["float", [4, 5]],
         kpm=["float", [2, 5]], merge_2x=True)
mha_case("no_average", [8, 2], {}, [4, 3, 8], self_attn=True, fkw={"average_attn_weights": False})
mha_case("need_weights=False", [8, 2], {}, [4, 3, 8], self_attn=True, fkw={"need_weights": False},
         am=["float", [4, 4]])
mha_case("dropout", [8, 2], {"dropout": 0.3}, [5, 3, 8], self_attn=True)
mha_case("dropout/eval", [8, 2], {"dropout": 0.3}, [5, 3, 8], self_attn=True, mode="eval")
mha_case("unbatched", [8, 2], {}, [4, 8], [6, 8], [6, 8], kpm=["bool", [6]], am=["float", [2, 4, 6]])
mha_case("is_causal+mask", [8, 2], {}, [5, 2, 8], self_attn=True, am=["causal_bool", [5, 5]],
         fkw={"is_causal": True, "need_weights": False})
mha_case("unbatched/kdim", [8, 2], {"kdim": 3, "vdim": 4}, [4, 8], [5, 3], [5, 4], am=["bool", [4, 5]])

causal = torch.triu(torch.full((5, 5), float("-inf")), diagonal=1)

enc_cases = []


def enc_case(name, args, kw, shape, dtype="float32", mode="train", mask=None, kpm=None, stack=None,
             no_grad=False):
    seed = 3200 + len(enc_cases)
    torch.manual_seed(seed)
    layer = nn.TransformerEncoderLayer(*args, **kw)
    m = layer
    if stack is not None:
        norm = nn.LayerNorm(args[0]) if stack.get("norm") else None
        m = nn.TransformerEncoder(layer, stack["num_layers"], norm=norm,
                                  enable_nested_tensor=stack.get("nested", False))
    if dtype == "float64":
        m.double()
    state0 = encp(m)
    dt = DT[dtype]
    x = torch.randn(*shape, dtype=dt, requires_grad=True)
    mask_t = None
    if mask == "causal":
        mask_t = causal.to(dt)
    elif mask is not None:
        mask_t = make_mask(mask[0], mask[1], dt)
    kpm_t = make_mask(kpm[0], kpm[1], dt) if kpm else None
    if mode == "eval":
        m.eval()
    torch.manual_seed(seed + 1)
    if no_grad:
        # Without autograd 1.13 takes its fused fast path (eval, batch_first): same numbers.
        with torch.no_grad():
            out = m(x, mask_t, kpm_t)
        g = None
    else:
        out = m(x * 1, mask_t, kpm_t)
        g = torch.randn(*out.shape, dtype=dt)
        (out * g).sum().backward()
    enc_cases.append({
        "name": name, "args": args, "kw": kw, "seed": seed, "dtype": dtype, "mode": mode, "stack": stack,
        "repr": repr(m), "state0": state0, "x": enc(x), "mask": enc(mask_t), "kpm": enc(kpm_t),
        "g": enc(g), "out": enc(out), "x_grad": enc(x.grad) if g is not None else None,
        "param_grads": grads(m) if g is not None else None,
    })


enc_case("layer", [8, 2], {"dim_feedforward": 16, "dropout": 0.0}, [5, 3, 8])
enc_case("layer/float64", [8, 2], {"dim_feedforward": 16, "dropout": 0.0}, [5, 3, 8], dtype="float64")
enc_case("layer/dropout", [8, 2], {"dim_feedforward": 16, "dropout": 0.2}, [5, 3, 8])
enc_case("layer/gelu/norm_first/batch_first", [8, 2], {"dim_feedforward": 12, "dropout": 0.1,
         "activation": "gelu", "norm_first": True, "batch_first": True, "layer_norm_eps": 1e-3}, [3, 5, 8])
enc_case("layer/masks", [8, 2], {"dim_feedforward": 16, "dropout": 0.0}, [5, 2, 8], mask="causal",
         kpm=["bool", [2, 5]])
enc_case("layer/eval", [8, 2], {"dim_feedforward": 16}, [5, 3, 8], mode="eval", mask=["float", [5, 5]])
enc_case("layer/eval/fast_path", [8, 2], {"dim_feedforward": 16, "batch_first": True}, [2, 5, 8],
         mode="eval", no_grad=True)
enc_case("layer/unbatched", [8, 2], {"dim_feedforward": 16, "dropout": 0.0}, [5, 8], kpm=["bool", [5]])
enc_case("encoder", [8, 2], {"dim_feedforward": 16, "dropout": 0.0}, [5, 3, 8], stack={"num_layers": 2})
enc_case("encoder/norm/dropout/float64", [8, 2], {"dim_feedforward": 16, "dropout": 0.2}, [5, 2, 8],
         dtype="float64", stack={"num_layers": 3, "norm": True}, mask="causal", kpm=["bool", [2, 5]])
enc_case("encoder/eval/batch_first", [8, 2], {"dim_feedforward": 16, "batch_first": True}, [2, 5, 8],
         mode="eval", stack={"num_layers": 2, "norm": True})
# Eval without autograd, batch_first and a left-aligned key padding mask: PyTorch runs the stack on
# nested tensors and returns zeros at the padded positions (then the final norm).
enc_case("encoder/eval/nested_fast_path", [8, 2], {"dim_feedforward": 16, "batch_first": True}, [3, 5, 8],
         mode="eval", stack={"num_layers": 2, "norm": True, "nested": True}, kpm=["left_aligned", [3, 5]],
         no_grad=True)
enc_case("encoder/eval/nested_fast_path/no_norm", [8, 2], {"dim_feedforward": 16, "batch_first": True},
         [3, 5, 8], mode="eval", stack={"num_layers": 1, "nested": True}, kpm=["left_aligned", [3, 5]],
         no_grad=True)

dec_cases = []


def causal_mask(n, dt):
    return torch.triu(torch.full((n, n), float("-inf")), diagonal=1).to(dt)


def dec_case(name, kind, args, kw, src_shape, tgt_shape, dtype="float32", mode="train", layers=None,
             norm=False, tgt_mask=False, src_mask=False, tgt_kpm=None, mem_kpm=None, mem_mask=None):
    """kind: decoder_layer (tgt, memory), decoder (stack of layers), transformer (src, tgt)."""
    seed = 3300 + len(dec_cases)
    torch.manual_seed(seed)
    if kind == "transformer":
        m = nn.Transformer(*args, **kw)
    else:
        m = nn.TransformerDecoderLayer(*args, **kw)
        if kind == "decoder":
            m = nn.TransformerDecoder(m, layers, norm=nn.LayerNorm(args[0]) if norm else None)
    if dtype == "float64":
        m.double()
    state0 = encp(m)
    dt = DT[dtype]
    a = torch.randn(*src_shape, dtype=dt, requires_grad=True)  # memory, or the transformer's src
    b = torch.randn(*tgt_shape, dtype=dt, requires_grad=True)  # tgt
    L = tgt_shape[1] if kw.get("batch_first") else tgt_shape[0]
    S = src_shape[1] if kw.get("batch_first") else src_shape[0]
    masks = {
        "tgt_mask": causal_mask(L, dt) if tgt_mask else None,
        "src_mask": causal_mask(S, dt) if src_mask else None,
        "memory_mask": make_mask(mem_mask[0], mem_mask[1], dt) if mem_mask else None,
        "tgt_key_padding_mask": make_mask(tgt_kpm[0], tgt_kpm[1], dt) if tgt_kpm else None,
        "memory_key_padding_mask": make_mask(mem_kpm[0], mem_kpm[1], dt) if mem_kpm else None,
    }
    if mode == "eval":
        m.eval()
    torch.manual_seed(seed + 1)
    given = {k: v for k, v in masks.items() if v is not None}
    if kind == "transformer":
        out = m(a * 1, b * 1, **given)
    else:
        given.pop("src_mask", None)
        out = m(b * 1, a * 1, **given)
    g = torch.randn(*out.shape, dtype=dt)
    (out * g).sum().backward()
    dec_cases.append({
        "name": name, "kind": kind, "args": args, "kw": kw, "layers": layers, "norm": norm, "seed": seed,
        "dtype": dtype, "mode": mode, "repr": repr(m), "state0": state0, "a": enc(a), "b": enc(b),
        "masks": {k: enc(v) for k, v in masks.items()}, "g": enc(g), "out": enc(out),
        "a_grad": enc(a.grad), "b_grad": enc(b.grad), "param_grads": grads(m),
    })


dec_case("decoder_layer", "decoder_layer", [8, 2], {"dim_feedforward": 16, "dropout": 0.0}, [5, 3, 8],
         [4, 3, 8], tgt_mask=True, mem_kpm=["bool", [3, 5]])
dec_case("decoder_layer/dropout/float64", "decoder_layer", [8, 2], {"dim_feedforward": 16, "dropout": 0.3},
         [5, 2, 8], [4, 2, 8], dtype="float64", tgt_mask=True, tgt_kpm=["bool", [2, 4]],
         mem_mask=["float", [4, 5]])
dec_case("decoder_layer/gelu/norm_first/batch_first", "decoder_layer", [8, 2], {"dim_feedforward": 12,
         "dropout": 0.1, "activation": "gelu", "norm_first": True, "batch_first": True}, [2, 5, 8], [2, 3, 8])
dec_case("decoder/norm", "decoder", [8, 2], {"dim_feedforward": 16, "dropout": 0.2}, [5, 2, 8], [4, 2, 8],
         layers=2, norm=True, tgt_mask=True)
dec_case("decoder/eval", "decoder", [8, 2], {"dim_feedforward": 16}, [5, 2, 8], [4, 2, 8], mode="eval",
         layers=2, mem_kpm=["bool", [2, 5]])
dec_case("transformer", "transformer", [], {"d_model": 8, "nhead": 2, "num_encoder_layers": 2,
         "num_decoder_layers": 1, "dim_feedforward": 16, "dropout": 0.1}, [5, 2, 8], [4, 2, 8], tgt_mask=True,
         src_mask=True, mem_kpm=["bool", [2, 5]])
dec_case("transformer/batch_first/float64", "transformer", [8, 2, 1, 2, 12],
         {"batch_first": True, "dropout": 0.0, "norm_first": True}, [2, 5, 8], [2, 3, 8], dtype="float64",
         tgt_mask=True, tgt_kpm=["bool", [2, 3]])

write_fixture("attention", {"sdpa": sdpa_cases, "mha": mha_cases, "encoder": enc_cases, "decoder": dec_cases},
              __file__)
