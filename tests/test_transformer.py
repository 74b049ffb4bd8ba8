"""Transformer layers and stacks against real torch: construction (bit-identical weights,
``print``), forward and backward over options and masks, torch's inference fast path
(eval mode without grad) where it is visible, warnings and errors.
"""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import minitorch_compat as mt
from helpers import assert_close, raises_like
from test_attention import assert_same_graphs
from test_rnn import assert_same_run, leaf, run_both


def causal(n):
    return np.triu(np.full((n, n), -np.inf, dtype=np.float32), 1)


@st.composite
def layer_options(draw):
    heads = draw(st.integers(1, 2))
    train = draw(st.booleans())
    # (d_model >= 3: a LayerNorm over 2 features is so ill-conditioned that float32 gradients
    # differ from the float64 truth by 1e-4 relative, torch's more than ours)
    return dict(d_model=heads * draw(st.sampled_from([3, 4] if heads == 1 else [2, 3])), nhead=heads, dim_feedforward=draw(st.integers(1, 4)),
                dropout=0.0 if train else draw(st.sampled_from([0.0, 0.3])),
                activation=draw(st.sampled_from(["relu", "gelu", "F.gelu", "Tanh"])),
                layer_norm_eps=draw(st.sampled_from([1e-5, 1e-3])), batch_first=draw(st.booleans()),
                norm_first=draw(st.booleans()), bias=draw(st.booleans())), train


def activation(T, name):
    return {"F.gelu": T.nn.functional.gelu, "Tanh": T.nn.Tanh()}.get(name, name)


def sequence(rng, opts, n, batch, unbatched=False):
    shape = (n, opts["d_model"]) if unbatched else \
        (batch, n, opts["d_model"]) if opts["batch_first"] else (n, batch, opts["d_model"])
    return rng.standard_normal(shape).astype(np.float32)


def padding_mask(rng, batch, n, kind, unbatched=False):
    if kind == "none":
        return None
    pad = rng.random(((n,) if unbatched else (batch, n))) > 0.6
    pad[..., 0] = False
    return pad if kind == "bool" else np.where(pad, -np.inf, 0).astype(np.float32)


@given(layer_options(), st.integers(1, 3), st.integers(1, 2), st.sampled_from(["none", "causal", "is_causal"]),
       st.sampled_from(["none", "bool", "float"]), st.booleans(), st.integers(0, 2 ** 16))
def test_encoder_layer_and_stack(config, n, batch, mask, kpm, stacked, seed):
    opts, train = config
    rng = np.random.default_rng(seed)
    x = sequence(rng, opts, n, batch)
    pad = padding_mask(rng, batch, n, kpm)

    def run(T):
        T.manual_seed(seed)
        layer = T.nn.TransformerEncoderLayer(**dict(opts, activation=activation(T, opts["activation"])))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # enable_nested_tensor: tested below
            m = T.nn.TransformerEncoder(layer, 2, norm=T.nn.LayerNorm(opts["d_model"])) if stacked else layer
        m.train(train)
        xs = leaf(T, x)
        kw = {}
        if mask != "none":
            kw["mask" if stacked else "src_mask"] = T.from_numpy(causal(n))
        if mask == "is_causal":
            kw["is_causal"] = True
        if pad is not None:
            kw["src_key_padding_mask"] = T.from_numpy(pad)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # mismatched mask types: tested in test_attention.py
            return m(xs, **kw), [xs] + list(m.parameters())

    ours, theirs = run_both(run, seed)
    assert_same_run(ours, theirs)
    assert_same_graphs([ours[0]], [theirs[0]], max_depth=0 if opts["batch_first"] or min(n, batch) < 2 else 100)


@given(layer_options(), st.integers(1, 3), st.integers(1, 3), st.integers(1, 2), st.booleans(),
       st.sampled_from(["none", "bool"]), st.booleans(), st.integers(0, 2 ** 16))
def test_decoder_layer_and_stack(config, n_tgt, n_mem, batch, tgt_causal, kpm, stacked, seed):
    opts, train = config
    rng = np.random.default_rng(seed)
    tgt, memory = sequence(rng, opts, n_tgt, batch), sequence(rng, opts, n_mem, batch)
    pads = padding_mask(rng, batch, n_tgt, kpm), padding_mask(rng, batch, n_mem, kpm)

    def run(T):
        T.manual_seed(seed)
        layer = T.nn.TransformerDecoderLayer(**dict(opts, activation=activation(T, opts["activation"])))
        m = T.nn.TransformerDecoder(layer, 2) if stacked else layer
        m.train(train)
        xs = [leaf(T, tgt), leaf(T, memory)]
        kw = {}
        if tgt_causal:
            kw.update(tgt_mask=T.from_numpy(causal(n_tgt)), tgt_is_causal=True)
        if kpm != "none":
            kw.update(tgt_key_padding_mask=T.from_numpy(pads[0]), memory_key_padding_mask=T.from_numpy(pads[1]))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # mismatched mask types: tested in test_attention.py
            return m(*xs, **kw), xs + list(m.parameters())

    ours, theirs = run_both(run, seed)
    assert_same_run(ours, theirs)
    assert_same_graphs([ours[0]], [theirs[0]], max_depth=0)


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("norm_first", [False, True])
def test_transformer(batch_first, norm_first):
    rng = np.random.default_rng(0)
    opts = dict(d_model=4, nhead=2, num_encoder_layers=2, num_decoder_layers=1, dim_feedforward=6, dropout=0.0,
                batch_first=batch_first, norm_first=norm_first)
    src, tgt = sequence(rng, opts, 3, 2), sequence(rng, opts, 4, 2)

    def run(T):
        T.manual_seed(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m = T.nn.Transformer(**opts)
        xs = [leaf(T, src), leaf(T, tgt)]
        return m(*xs, tgt_mask=T.nn.Transformer.generate_square_subsequent_mask(4)), xs + list(m.parameters())

    ours, theirs = run_both(run)
    assert_same_run(ours, theirs)


@pytest.mark.parametrize("build", [
    lambda nn: nn.TransformerEncoderLayer(8, 2, 16),
    lambda nn: nn.TransformerEncoderLayer(8, 2, 16, 0.2, "gelu", 1e-6, True, True, False),
    lambda nn: nn.TransformerDecoderLayer(8, 2, 16),
    lambda nn: nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16), 3, nn.LayerNorm(8)),
    lambda nn: nn.TransformerDecoder(nn.TransformerDecoderLayer(8, 2, 16), 2),
    lambda nn: nn.Transformer(8, 2, 1, 1, 16),
    lambda nn: nn.MultiheadAttention(8, 2, kdim=3, vdim=5, add_bias_kv=True),
])
def test_init_and_print_like_torch(build):
    built = []
    for T in (torch, mt):
        T.manual_seed(3)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            built.append(build(T.nn))
    t, o = built
    assert repr(o) == repr(t)
    assert [n for n, _ in o.named_parameters()] == [n for n, _ in t.named_parameters()]
    for (n, a), (_, b) in zip(o.named_parameters(), t.named_parameters()):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy(), err_msg=n)


@pytest.mark.parametrize("build", [
    lambda nn: nn.TransformerEncoderLayer(8, 2, 16),
    lambda nn: nn.TransformerEncoderLayer(8, 2, 16, batch_first=True, norm_first=True),
    lambda nn: nn.TransformerEncoderLayer(8, 3 - 2, 16, batch_first=True),
    lambda nn: nn.TransformerEncoderLayer(8, 2, 16, batch_first=True, bias=False),
    lambda nn: nn.TransformerEncoderLayer(8, 2, 16, batch_first=True, activation=nn.Tanh()),
    lambda nn: nn.TransformerEncoderLayer(8, 2, 16, batch_first=True),
])
def test_encoder_nested_tensor_warning_like_torch(build):
    got = []
    for T in (torch, mt):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            T.nn.TransformerEncoder(build(T.nn), 2)
        got.append([str(x.message) for x in w])
    assert got[0] == got[1]


@pytest.mark.parametrize("grad", [False, True])
@pytest.mark.parametrize("train", [False, True])
def test_encoder_fast_path_zeros_padding(grad, train):
    """In eval mode without grad, torch runs a padded batch as a nested tensor: the output
    at padded positions is zero before the final norm. Elsewhere it is the ordinary result."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 5, 8)).astype(np.float32)
    pad = np.arange(5)[None, :] >= np.array([[5], [3]])
    outs = []
    for T in (mt, torch):
        T.manual_seed(0)
        m = T.nn.TransformerEncoder(T.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True), 2)
        m.train(train)
        with T.set_grad_enabled(grad):
            outs.append(m(T.from_numpy(x), src_key_padding_mask=T.from_numpy(pad)))
    assert_close(*outs)
    assert bool((outs[0].detach().numpy()[1, 3:] == 0).all()) == (not grad and not train)


def test_generate_square_subsequent_mask_and_causal_detection():
    for args in [(3,), (1,), (4, None, mt.float64)]:
        targs = args[:2] + tuple(torch.float64 for a in args[2:])
        assert_close(mt.nn.Transformer.generate_square_subsequent_mask(*args),
                     torch.nn.Transformer.generate_square_subsequent_mask(*targs))
    from minitorch_compat.nn.modules.transformer import _detect_is_causal_mask as ours
    from torch.nn.modules.transformer import _detect_is_causal_mask as theirs
    for mask in [causal(3), np.zeros((3, 3), np.float32), causal(4)]:
        for is_causal in (None, True, False):
            assert ours(mt.from_numpy(mask), is_causal, 3) == theirs(torch.from_numpy(mask), is_causal, 3)


BAD = [
    lambda T: T.nn.TransformerEncoderLayer(8, 2, activation="tanh"),
    lambda T: T.nn.Transformer(8, 2, 1, 1, 16)(T.zeros(3, 2, 8), T.zeros(4, 3, 8)),
    lambda T: T.nn.Transformer(8, 2, 1, 1, 16, batch_first=True)(T.zeros(2, 3, 8), T.zeros(3, 4, 8)),
    lambda T: T.nn.Transformer(8, 2, 1, 1, 16)(T.zeros(3, 2, 8), T.zeros(4, 2, 6)),
    lambda T: T.nn.TransformerEncoderLayer(8, 2, 16)(T.zeros(3, 2, 8), src_key_padding_mask=T.zeros(2, 3, dtype=T.int64)),
]


@pytest.mark.parametrize("call", BAD)
def test_bad_input_raises_like_torch(call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        raises_like(call, match_message=True)
