"""Differential tests of gather/scatter, sorting, tril/triu, cumsum, repeat, flip, roll, baddbmm
and einsum from real PyTorch, for the generic runner test/ops.test.ts. Writes
test/fixtures/ops_extra.json in exactly the case format documented at the top of
tools/oracle/ops.py (the shared machinery is in op_cases.py).
"""
import torch

from op_cases import *  # noqa: F401,F403 - builders, case(), error(), write()



def perm_index(n, rows, cols, dim=0):
    """Distinct indices along dim (so scatter has no write conflicts): [rows, cols] into size n."""
    if dim == 0:
        return torch.stack([torch.randperm(n)[:rows] for _ in range(cols)], 1)
    return torch.stack([torch.randperm(n)[:cols] for _ in range(rows)], 0)


# =====================================================================================
# gather / scatter / scatter_add
# =====================================================================================
case("gather/dim0", "gather", lambda: [rn(3, 4), 0, ri(0, 3, 2, 4)])
case("gather/dim1", "gather", lambda: [rn(3, 4), 1, ri(0, 4, 3, 6)])
case("gather/neg_dim_method", "gather", lambda: [rn(2, 3, 4), -1, ri(0, 4, 2, 3, 2)], method=True)
case("gather/smaller_index", "gather", lambda: [rn(4, 5), 1, ri(0, 5, 2, 3)])
case("gather/float64_noncontig", "gather", lambda: [rn(4, 3, dtype=f64), 0, ri(0, 3, 2, 4)],
     pre=[["t"], None, None])
case("gather/int", "gather", lambda: [ri(-5, 5, 3, 4), 1, ri(0, 4, 3, 2)])
case("scatter/src", "scatter", lambda: [rn(3, 4), 0, perm_index(3, 2, 4), rn(2, 4)])
case("scatter/src_dim1_method", "scatter", lambda: [rn(3, 5), 1, perm_index(5, 3, 2, dim=1), rn(3, 2)],
     method=True)
case("scatter/value", "scatter", lambda: [rn(3, 4), 1, perm_index(4, 3, 2, dim=1), 2.5])
case("scatter/value_method", "scatter", lambda: [rn(3, 4), 0, perm_index(3, 1, 4), -1.5], method=True)
case("scatter_add/dups", "scatter_add", lambda: [rn(3, 4), 0, ri(0, 3, 5, 4), rn(5, 4)])
case("scatter_add/dim1_method", "scatter_add", lambda: [rn(2, 5), 1, ri(0, 5, 2, 7), rn(2, 7)],
     method=True)
case("scatter_add/float64", "scatter_add",
     lambda: [rn(4, dtype=f64), 0, ri(0, 4, 6), rn(6, dtype=f64)])
error("gather/int32_index", "gather", lambda: [rn(3, 4), 0, ri(0, 3, 2, 4, dtype=i32)])
error("gather/oob", "gather", lambda: [rn(3, 4), 1, T([[0, 4]], i64)])
error("gather/ndim", "gather", lambda: [rn(3, 4), 1, T([0, 1], i64)])
error("scatter/dtype", "scatter", lambda: [rn(3, 4), 0, ri(0, 3, 2, 4), rn(2, 4, dtype=f64)])

# =====================================================================================
# sort / argsort / topk
# =====================================================================================
case("sort/default", "sort", lambda: [rn(3, 5)])
case("sort/dim0_desc", "sort", lambda: [rn(4, 3), 0, True])
case("sort/kwargs_method", "sort", lambda: [rn(2, 3, 4)], {"dim": 1, "descending": True}, method=True)
case("sort/ties_stable", "sort", lambda: [small(3, 8)], {"stable": True})
case("sort/ties_desc_stable", "sort", lambda: [small(2, 9)], {"descending": True, "stable": True})
case("sort/int", "sort", lambda: [ri(-3, 3, 2, 6)], {"stable": True})
case("sort/nan", "sort", lambda: [T([1.5, float("nan"), -2.0, 0.5])], grad=False)
case("sort/nan_desc", "sort", lambda: [T([1.5, float("nan"), -2.0, 0.5])], {"descending": True},
     grad=False)
case("sort/noncontig", "sort", lambda: [rn(5, 3)], pre=[["t"]])
case("sort/1d_float64", "sort", lambda: [rn(7, dtype=f64)])
case("argsort/default", "argsort", lambda: [rn(3, 5)])
case("argsort/ties_desc", "argsort", lambda: [small(2, 9)], {"descending": True, "stable": True})
case("argsort/dim0_method", "argsort", lambda: [rn(4, 3), 0], method=True)
case("topk/default", "topk", lambda: [rn(3, 6), 2])
case("topk/smallest", "topk", lambda: [rn(3, 6), 3], {"largest": False})
case("topk/dim0_method", "topk", lambda: [rn(5, 3), 2, 0], method=True)
case("topk/all", "topk", lambda: [rn(4), 4])
case("topk/float64_kwargs", "topk", lambda: [rn(2, 5, dtype=f64), 1], {"dim": 1, "largest": True})
error("topk/k_too_big", "topk", lambda: [rn(3, 4), 5])

# =====================================================================================
# tril / triu, cumsum, repeat, flip, roll
# =====================================================================================
case("tril/default", "tril", lambda: [rn(4, 5)])
case("tril/diag1", "tril", lambda: [rn(4, 4), 1])
case("tril/diag_neg_batched", "tril", lambda: [rn(2, 3, 4), -1])
case("tril/method_noncontig", "tril", lambda: [rn(5, 3)], method=True, pre=[["t"]])
case("triu/default", "triu", lambda: [rn(4, 5)])
case("triu/diag2_method", "triu", lambda: [rn(3, 5), 2], method=True)
case("triu/int", "triu", lambda: [ri(-5, 5, 3, 3), -1])
case("cumsum/dim0", "cumsum", lambda: [rn(4, 3), 0])
case("cumsum/dim_neg_method", "cumsum", lambda: [rn(2, 3, 4), -1], method=True)
case("cumsum/int", "cumsum", lambda: [ri(-5, 5, 6), 0])
case("cumsum/int32", "cumsum", lambda: [ri(-5, 5, 2, 3, dtype=i32), 1])
case("cumsum/dtype", "cumsum", lambda: [rn(3, 4), 1], {"dtype": f64})
case("cumsum/noncontig", "cumsum", lambda: [rn(4, 3), 1], pre=[["t"], None])
case("cumprod/dim0", "cumprod", lambda: [rn(4, 3), 0])
case("cumprod/method", "cumprod", lambda: [rn(2, 5), -1], method=True)
case("cumprod/one_zero", "cumprod", lambda: [T([[0.5, 0.0, 2.0, -1.5], [1.5, 2.0, 0.0, 3.0]]), 1])
case("cumprod/two_zeros", "cumprod", lambda: [T([0.5, 0.0, 2.0, 0.0, 3.0]), 0])
case("cumprod/int", "cumprod", lambda: [ri(-3, 4, 5), 0])
case("cumprod/dtype", "cumprod", lambda: [rn(3, 4), 1], {"dtype": f64})
case("repeat/2d", "repeat", lambda: [rn(2, 3), 2, 3], method=True)
case("repeat/new_dims", "repeat", lambda: [rn(3), 2, 1, 2], method=True)
case("repeat/list", "repeat", lambda: [rn(2, 1, 3), [1, 4, 2]], method=True)
case("repeat/int", "repeat", lambda: [ri(0, 5, 2, 2), 2, 2], method=True)
case("flip/dim0", "flip", lambda: [rn(3, 4), [0]])
case("flip/both", "flip", lambda: [rn(2, 3, 4), [0, 2]])
case("flip/method_varargs", "flip", lambda: [rn(3, 4), -1], method=True)
case("flip/noncontig", "flip", lambda: [rn(4, 3), [1]], pre=[["t"], None])
case("roll/flat", "roll", lambda: [rn(3, 4), 5])
case("roll/dim", "roll", lambda: [rn(3, 4), 1, 0])
case("roll/negative_dims", "roll", lambda: [rn(3, 4, 2), [-1, 7], [0, 1]])
case("roll/method", "roll", lambda: [rn(5), 2], method=True)
error("repeat/too_few", "repeat", lambda: [rn(2, 3), 2], method=True)

# =====================================================================================
# baddbmm, einsum
# =====================================================================================
case("baddbmm/basic", "baddbmm", lambda: [rn(2, 3, 4), rn(2, 3, 5), rn(2, 5, 4)])
case("baddbmm/beta_alpha", "baddbmm", lambda: [rn(2, 3, 4), rn(2, 3, 5), rn(2, 5, 4)],
     {"beta": 0.5, "alpha": 1.5})
case("baddbmm/broadcast_input", "baddbmm", lambda: [rn(3, 1), rn(2, 3, 5), rn(2, 5, 4)],
     {"alpha": -0.25})
case("baddbmm/float64", "baddbmm", lambda: [rn(4, dtype=f64), rn(3, 2, 2, dtype=f64),
                                             rn(3, 2, 4, dtype=f64)], {"beta": 2})
case("einsum/mm", "einsum", lambda: ["ij,jk->ik", rn(3, 4), rn(4, 5)])
case("einsum/bmm", "einsum", lambda: ["bij,bjk->bik", rn(2, 3, 4), rn(2, 4, 5)])
case("einsum/attn_scores", "einsum", lambda: ["bhqd,bhkd->bhqk", rn(2, 2, 3, 4), rn(2, 2, 5, 4)])
case("einsum/attn_values", "einsum", lambda: ["bhqk,bhkd->bhqd", rn(2, 2, 3, 5), rn(2, 2, 5, 4)])
case("einsum/transpose", "einsum", lambda: ["ij->ji", rn(3, 4)])
case("einsum/sum_all", "einsum", lambda: ["ij->", rn(3, 4)])
case("einsum/row_sum", "einsum", lambda: ["ij->i", rn(3, 4)])
case("einsum/outer", "einsum", lambda: ["i,j->ij", rn(3), rn(4)])
case("einsum/rowdot", "einsum", lambda: ["ij,ij->i", rn(3, 4), rn(3, 4)])
case("einsum/implicit", "einsum", lambda: ["ij,jk", rn(2, 3), rn(3, 4)])
case("einsum/three", "einsum", lambda: ["ij,jk,kl->il", rn(2, 3), rn(3, 4), rn(4, 2)])
case("einsum/float64_noncontig", "einsum", lambda: ["ij,kj->ik", rn(4, 3, dtype=f64), rn(3, 2, dtype=f64)],
     pre=[None, None, ["t"]])

case("einsum/diag", "einsum", lambda: ["ii->i", rn(3, 3)])
case("einsum/trace", "einsum", lambda: ["ii", rn(4, 4)])
case("einsum/batch_diag", "einsum", lambda: ["bii->bi", rn(2, 3, 3)])
case("einsum/diag_contract", "einsum", lambda: ["iij,jk->ik", rn(3, 3, 2), rn(2, 4)])

write("ops_extra", __file__)
