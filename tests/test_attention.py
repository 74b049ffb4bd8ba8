"""Attention against real torch: ``F.scaled_dot_product_attention``, ``nn.MultiheadAttention``
(``F.multi_head_attention_forward``) and the ``F.pad`` modes reflect/replicate/circular.

Values and gradients to the suite's tolerances, and the backward graph node by node: torch
records either its fused CPU kernel (one node) or the "math" path (a chain of ops), and
which one it picks is visible to a user printing ``grad_fn``.
"""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import minitorch_compat as mt
from helpers import assert_close, raises_like
from test_rnn import assert_same_run, leaf, run_both


def graph(fn, max_depth, depth=0, out=None):
    """Node names of a backward graph, depth-first (AccumulateGrad for leaves)."""
    out = [] if out is None else out
    if fn is None:
        out.append(f"{depth}:None")
        return out
    name = fn.name().rsplit("::", 1)[-1]
    # torch names a reshape that is a view of a non-contiguous tensor ReshapeAliasBackward0;
    # _ops/shape.py names every reshaping view ViewBackward0 (a gap outside attention)
    out.append(f"{depth}:{'ViewBackward0' if name == 'ReshapeAliasBackward0' else name}")
    if name != "AccumulateGrad" and depth < max_depth:
        for f, _ in fn.next_functions:
            graph(f, max_depth, depth + 1, out)
    return out


def assert_same_graphs(ours, theirs, max_depth=100):
    """Whole graphs by default. (A batched ``matmul`` is one node here whose display shows
    only torch's last node, not its bmm/view/expand chain: compare less deep past one.)"""
    o_t = [t for t in ours if isinstance(t, mt.Tensor) and t.grad_fn is not None]
    t_t = [t for t in theirs if isinstance(t, torch.Tensor) and t.grad_fn is not None]
    assert len(o_t) == len(t_t)
    for o, t in zip(o_t, t_t):
        assert graph(o.grad_fn, max_depth) == graph(t.grad_fn, max_depth)


# ------------------------------------------------------------------------------ F.scaled_dot_product_attention
def _sdpa_depth(out):
    """How deep to compare: torch's fused node and its inputs, or the math path's last node."""
    fn = out.grad_fn
    return 1 if fn is not None and fn.name() == "ScaledDotProductFlashAttentionForCpuBackward0" else 0


@st.composite
def sdpa_case(draw):
    lead = draw(st.sampled_from([(), (2,), (2, 3), (1, 2), (2, 1, 2)]))
    L, S, E = draw(st.integers(1, 4)), draw(st.integers(1, 4)), draw(st.integers(1, 4))
    Ev = draw(st.sampled_from([E, E + 1]))
    mask = draw(st.sampled_from(["none", "bool", "float", "float-grad", "causal"]))
    mask_shape = draw(st.sampled_from([(L, S), (1,) * len(lead) + (L, S), lead + (L, S)]))
    # (a negative scale with is_causal: see test_sdpa_causal_negative_scale_nan_rows)
    scale = draw(st.sampled_from([None, 0.5] + [-0.7] * (mask != "causal")))
    return lead, L, S, E, Ev, mask, mask_shape, scale


@given(sdpa_case(), st.sampled_from([np.float32, np.float64]), st.booleans(), st.integers(0, 2 ** 16))
def test_sdpa_matches_torch(case, dtype, grad, seed):
    lead, L, S, E, Ev, mask, mask_shape, scale = case
    rng = np.random.default_rng(seed)
    q, k = rng.standard_normal(lead + (L, E)).astype(dtype), rng.standard_normal(lead + (S, E)).astype(dtype)
    v = rng.standard_normal(lead + (S, Ev)).astype(dtype)
    keep = rng.random(mask_shape) > 0.3
    keep[..., 0] = True  # every query may see key 0 (rows that see nothing are tested below)
    float_mask = np.where(keep, rng.standard_normal(mask_shape), -np.inf).astype(dtype)

    def run(T):
        xs = [leaf(T, a) if grad else T.from_numpy(a) for a in (q, k, v)]
        m, leaves = None, list(xs) if grad else []
        if mask == "bool":
            m = T.from_numpy(keep)
        elif mask.startswith("float"):
            m = T.from_numpy(float_mask.copy())
            if mask == "float-grad":
                m = leaf(T, np.where(keep, 0.25, -1e4).astype(dtype))
                leaves.append(m)
        out = T.nn.functional.scaled_dot_product_attention(*xs, attn_mask=m, is_causal=mask == "causal",
                                                            scale=scale)
        return out, leaves

    ours, theirs = run_both(run, seed)
    assert_same_run(ours, theirs)
    assert_same_graphs([ours[0]], [theirs[0]], max_depth=_sdpa_depth(theirs[0]))


@pytest.mark.parametrize("E,Ev", [(4, 4), (4, 3)])
def test_sdpa_query_that_sees_nothing_gives_zeros(E, Ev):
    rng = np.random.default_rng(0)
    q, k, v = (rng.standard_normal((2, 3, s, e)) for s, e in ((4, E), (5, E), (5, Ev)))
    keep = np.ones((4, 5), bool)
    keep[1] = False

    def run(T):
        xs = [leaf(T, a) for a in (q, k, v)]
        return T.nn.functional.scaled_dot_product_attention(*xs, attn_mask=T.from_numpy(keep)), xs

    ours, theirs = run_both(run)
    assert_same_run(ours, theirs)
    assert not np.any(ours[0].detach().numpy()[:, :, 1])


def test_sdpa_causal_negative_scale_nan_rows():
    """torch's fused kernel applies the causal mask before the scale, so with a negative
    scale a query that has any masked key gets NaN (its gradient is torch's own: not compared)."""
    rng = np.random.default_rng(0)
    q, k, v = (rng.standard_normal((1, 2, 3, 4)).astype(np.float32) for _ in range(3))
    for Ev, nan in ((4, True), (3, False)):  # fused kernel, then the math path (no NaN there)
        outs = [T.nn.functional.scaled_dot_product_attention(T.from_numpy(q), T.from_numpy(k),
                                                             T.from_numpy(v[..., :Ev].copy()), is_causal=True,
                                                             scale=-0.7) for T in (mt, torch)]
        assert_close(*outs)
        assert bool(np.isnan(outs[0].numpy()).any()) == nan


def test_sdpa_dropout_one_drops_everything():
    rng = np.random.default_rng(0)
    q = rng.standard_normal((2, 3, 4, 5))

    def run(T):
        xs = [leaf(T, q) for _ in range(3)]
        return T.nn.functional.scaled_dot_product_attention(*xs, dropout_p=1.0), xs

    ours, theirs = run_both(run)
    assert_same_run(ours, theirs)
    assert_same_graphs([ours[0]], [theirs[0]], max_depth=_sdpa_depth(theirs[0]))


SDPA_BAD = [
    lambda T: T.nn.functional.scaled_dot_product_attention(T.zeros(2, 4, 8), T.zeros(2, 5, 8), T.zeros(2, 5, 8),
                                                           attn_mask=T.ones(4, 5, dtype=T.bool), is_causal=True),
    lambda T: T.nn.functional.scaled_dot_product_attention(T.zeros(2, 4, 8), T.zeros(2, 5, 8),
                                                           T.zeros(2, 5, 8, dtype=T.float64)),
    lambda T: T.nn.functional.scaled_dot_product_attention(T.zeros(2, 4, 8), T.zeros(2, 5, 8), T.zeros(2, 5, 8),
                                                           attn_mask=T.ones(4, 5, dtype=T.int64)),
    lambda T: T.nn.functional.scaled_dot_product_attention(T.zeros(2, 4, 8), T.zeros(2, 5, 8), T.zeros(2, 5, 8),
                                                           attn_mask=T.ones(4, 5, dtype=T.float64)),
    lambda T: T.nn.functional.scaled_dot_product_attention(T.zeros(8), T.zeros(8), T.zeros(8)),
    lambda T: T.nn.functional.scaled_dot_product_attention(T.zeros(2, 4, 8), T.zeros(2, 5, 8), T.zeros(2, 5, 8),
                                                           dropout_p=1.5),
    lambda T: T.nn.functional.scaled_dot_product_attention(T.zeros(1, 2, 4, 8), T.zeros(1, 2, 5, 8),
                                                           T.zeros(1, 2, 5, 8), attn_mask=T.zeros(5)),
]


# ------------------------------------------------------------------------------ nn.MultiheadAttention
@st.composite
def mha_case(draw):
    heads = draw(st.integers(1, 2))
    opts = dict(embed_dim=heads * draw(st.integers(1, 3)), num_heads=heads, bias=draw(st.booleans()),
                add_bias_kv=draw(st.booleans()), add_zero_attn=draw(st.booleans()), batch_first=draw(st.booleans()))
    if draw(st.booleans()):
        opts.update(kdim=draw(st.integers(1, 3)), vdim=draw(st.integers(1, 3)))
    call = dict(need_weights=draw(st.booleans()), average_attn_weights=draw(st.booleans()))
    sizes = dict(L=draw(st.integers(1, 3)), S=draw(st.integers(1, 3)), N=draw(st.integers(1, 2)),
                 self_attn=draw(st.booleans()) and "kdim" not in opts, unbatched=draw(st.booleans()),
                 kpm=draw(st.sampled_from(["none", "bool", "float"])), am=draw(st.sampled_from(["none", "bool", "float"])),
                 am3d=draw(st.booleans()))
    return opts, call, sizes


@given(mha_case(), st.sampled_from([np.float32, np.float64]), st.integers(0, 2 ** 16))
def test_multihead_attention_matches_torch(case, dtype, seed):
    opts, call, sz = case
    rng = np.random.default_rng(seed)
    E, L, S, N = opts["embed_dim"], sz["L"], sz["S"], sz["N"]
    if sz["self_attn"]:
        S = L
    batch = (lambda n, e: (N, n, e)) if opts["batch_first"] else (lambda n, e: (n, N, e))
    shape = (lambda n, e: (n, e)) if sz["unbatched"] else batch
    q = rng.standard_normal(shape(L, E)).astype(dtype)
    k = rng.standard_normal(shape(S, opts.get("kdim", E))).astype(dtype)
    v = rng.standard_normal(shape(S, opts.get("vdim", E))).astype(dtype)
    keep_k = rng.random(((S,) if sz["unbatched"] else (N, S))) > 0.4
    keep_k[..., 0] = True
    keep_a = rng.random((L, S)) > 0.4
    keep_a[:, 0] = True
    heads = (1 if sz["unbatched"] else N) * opts["num_heads"]
    kinds = {"bool": lambda keep: ~keep, "float": lambda keep: np.where(keep, 0.3, -np.inf).astype(dtype)}

    def run(T):
        T.manual_seed(seed)
        m = T.nn.MultiheadAttention(**opts, dtype=getattr(T, np.dtype(dtype).name))
        xs = [leaf(T, q)]
        xs += xs * 2 if sz["self_attn"] else [leaf(T, k), leaf(T, v)]
        kw = dict(call)
        if sz["kpm"] != "none":
            kw["key_padding_mask"] = T.from_numpy(kinds[sz["kpm"]](keep_k))
        if sz["am"] != "none":
            am = kinds[sz["am"]](keep_a)
            kw["attn_mask"] = T.from_numpy(np.broadcast_to(am, (heads, L, S)).copy() if sz["am3d"] else am)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # mixed mask types: torch's deprecation warning, tested below
            out = m(*xs, **kw)
        return out, list(dict.fromkeys(xs)) + list(m.parameters())

    ours, theirs = run_both(run, seed)
    assert_same_run(ours, theirs)
    assert_same_graphs(ours[0], theirs[0], max_depth=0)
    if min(L, S, N, E // opts["num_heads"]) > 1 and not sz["unbatched"] and not opts["batch_first"]:
        # The whole graph. (F.linear on a non-contiguous input -- batch-first inputs are
        # transposed -- and reshapes with dimensions of size 1 are recorded by torch with
        # stride-dependent nodes that _ops/linalg.py and shape.py do not model.)
        assert_same_graphs(ours[0], theirs[0])


@pytest.mark.parametrize("need_weights", [True, False])
@pytest.mark.parametrize("grad", [True, False])
def test_multihead_attention_query_that_sees_nothing(need_weights, grad):
    """torch's fused inference kernel (eval, no grad, batch_first self-attention) gives NaN
    for a query that may attend to nothing; the ordinary path's scaled_dot_product_attention
    gives zeros (with need_weights=False). Both engines agree in every case."""
    x = np.random.default_rng(0).standard_normal((2, 5, 8)).astype(np.float32)
    kpm = np.zeros((2, 5), bool)
    kpm[1] = True
    kpm[0, 3:] = True
    res = []
    for T in (mt, torch):
        T.manual_seed(0)
        m = T.nn.MultiheadAttention(8, 2, batch_first=True).eval()
        with T.set_grad_enabled(grad):
            xs = T.from_numpy(x.copy())
            res.append(m(xs, xs, xs, key_padding_mask=T.from_numpy(kpm), need_weights=need_weights))
    for o, t in zip(*res):
        if t is None:
            assert o is None
        else:
            assert_close(o, t)


def test_mismatched_mask_types_warn_like_torch():
    got = []
    for T in (torch, mt):
        m = T.nn.MultiheadAttention(4, 2)
        x = T.zeros(3, 1, 4)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            m(x, x, x, key_padding_mask=T.zeros(1, 3, dtype=T.bool), attn_mask=T.zeros(3, 3))
        got.append([str(x.message) for x in w])
    assert got[0] == got[1] and got[0]


MHA_BAD = [
    lambda T: T.nn.MultiheadAttention(5, 2),
    lambda T: T.nn.MultiheadAttention(0, 2),
    lambda T: T.nn.MultiheadAttention(4, 2)(T.zeros(3, 1, 4), T.zeros(3, 4), T.zeros(3, 4)),
    lambda T: T.nn.MultiheadAttention(4, 2)(T.zeros(3, 1, 4), T.zeros(3, 1, 4), T.zeros(3, 1, 4),
                                            key_padding_mask=T.zeros(1, 3, dtype=T.int64)),
    lambda T: T.nn.MultiheadAttention(4, 2)(T.zeros(3, 1, 4), T.zeros(3, 1, 4), T.zeros(3, 1, 4),
                                            attn_mask=T.zeros(2, 3)),
    lambda T: T.nn.MultiheadAttention(4, 2)(T.zeros(3, 1, 4), T.zeros(3, 1, 4), T.zeros(3, 1, 4),
                                            attn_mask=T.zeros(3, 3, 3)),
    lambda T: T.nn.MultiheadAttention(4, 2)(T.zeros(3, 1, 4), T.zeros(3, 1, 4), T.zeros(3, 1, 4),
                                            key_padding_mask=T.zeros(2, 3, dtype=T.bool)),
    lambda T: T.nn.MultiheadAttention(4, 2)(T.zeros(3, 1, 4), T.zeros(3, 1, 4), T.zeros(3, 1, 4), is_causal=True),
    lambda T: T.nn.MultiheadAttention(4, 2)(T.zeros(3, 1, 4), T.zeros(3, 1, 4), T.zeros(2, 1, 4)),
    lambda T: T.nn.MultiheadAttention(4, 2)(T.zeros(3, 1, 5), T.zeros(3, 1, 5), T.zeros(3, 1, 5)),
    lambda T: T.nn.MultiheadAttention(4, 2)(T.zeros(1, 3, 1, 4), T.zeros(3, 1, 4), T.zeros(3, 1, 4)),
]


@pytest.mark.parametrize("call", SDPA_BAD + MHA_BAD)
def test_bad_input_raises_like_torch(call):
    raises_like(call, match_message=True)


# ------------------------------------------------------------------------------ F.pad modes
@st.composite
def pad_case(draw):
    k = draw(st.integers(1, 3))
    batched = draw(st.booleans())
    spatial = draw(st.lists(st.integers(1, 4), min_size=k, max_size=k))
    shape = ((2,) if batched else ()) + (draw(st.integers(1, 2)),) + tuple(spatial)
    mode = draw(st.sampled_from(["reflect", "replicate", "circular"]))
    pad = []
    for size in spatial[::-1]:
        # reflect: less than the size; circular: up to the size, and no cropping (torch's
        # circular crop-and-wrap is exercised in PAD_BAD); others may crop, leaving >= 1
        top = size - 1 if mode == "reflect" else size
        crop = 0 if mode == "circular" else (size - 1) // 2
        pad += [draw(st.integers(-crop, top)), draw(st.integers(-crop, top))]
    return shape, pad, mode


@given(pad_case(), st.sampled_from([np.float32, np.float64]), st.integers(0, 2 ** 16))
def test_pad_modes_match_torch(case, dtype, seed):
    shape, pad, mode = case
    x = np.random.default_rng(seed).standard_normal(shape).astype(dtype)

    def run(T):
        xs = leaf(T, x)
        return T.nn.functional.pad(xs, pad, mode=mode), [xs]

    ours, theirs = run_both(run, seed)
    assert_same_run(ours, theirs)
    assert_same_graphs([ours[0]], [theirs[0]])


def test_pad_modes_on_integers():
    x = np.arange(24).reshape(2, 3, 4)
    for mode in ("reflect", "replicate", "circular"):
        assert_close(mt.nn.functional.pad(mt.from_numpy(x), (2, 1), mode=mode),
                     torch.nn.functional.pad(torch.from_numpy(x), (2, 1), mode=mode))


PAD_BAD = [(shape, pad, mode) for mode in ("reflect", "replicate", "circular") for shape, pad in [
    ((2, 3, 5), (5, 2)), ((2, 3, 4, 5), (1, 5, 1, 1)), ((2, 3, 4, 5), (1, 1, 4, 1)), ((1, 2, 3, 4, 5), (1, 1, 1, 1, 3, 1)),
    ((2, 3, 5), (1, 2, 1, 1, 1, 1)), ((2, 3, 4, 5), (1, 2)), ((5,), (1, 2)), ((2, 3, 5), (1,)), ((2, 0, 5), (1, 1)),
    ((2, 3, 2), (-1, -1)), ((2, 3, 4, 5), (-3, -3, 1, 1)), ((2, 3, 4, 5), (1, 1, -3, -1)), ((2, 3, 4, 5), (6, 1, 1, 1)),
    ((1, 3, 1), (1, 1)), ((1, 1, 3), (-1, 2)), ((1, 1, 4), (2, -1)), ((1, 1, 3), (-2, 1)), ((1, 1, 1), (-2, 1)),
    ((1, 1, 3), (-1, -1))]]


@pytest.mark.parametrize("shape,pad,mode", PAD_BAD)
def test_pad_bad_input_like_torch(shape, pad, mode):
    """Each case fails in torch (with its type and message) or gives torch's result."""
    x = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    try:
        expected = torch.nn.functional.pad(torch.from_numpy(x), pad, mode=mode)
    except Exception:
        raises_like(lambda T, a: T.nn.functional.pad(a, pad, mode=mode), x, match_message=True)
    else:
        assert_close(mt.nn.functional.pad(mt.from_numpy(x), pad, mode=mode), expected)


@pytest.mark.parametrize("mode,value", [("reflect", 1.0), ("foo", None)])
def test_pad_mode_errors(mode, value):
    raises_like(lambda T, a: T.nn.functional.pad(a, (1, 1), mode=mode, value=value), np.zeros((1, 2, 3)),
                match_message=True)
