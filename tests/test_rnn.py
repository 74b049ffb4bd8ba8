"""nn.RNN / nn.LSTM / nn.GRU and their cells against real torch.

* construction: same seed -> the same parameter names, order, shapes and bit-identical
  values; ``print`` gives torch's text;
* forward and backward, over sizes and every constructor option, with and without initial
  states, batched and unbatched, padded and packed input: outputs, ``h_n``, ``c_n`` and the
  gradients of the input, the initial states and every parameter;
* dropout between layers (p = 1 in training, any p in eval: the Bernoulli masks of torch's
  Intel builds come from MKL and cannot be compared, see ``_ops/dropout.py``);
* the nodes torch shows (``MkldnnRnnLayerBackward0`` for a float32 LSTM layer...);
* bad input: torch's exception types and messages.

Tolerances: float64 as everywhere (1e-10). float32 (1e-5): over the sequences drawn here
(at most 5 steps, 3 layers) the largest difference measured against torch was about 1.5e-6
relative to the largest value compared. Longer sequences, measured: the benchmark's
2-layer LSTM (batch 32, 35 steps) gives outputs within 1.2e-7 absolute of torch's and
weight gradients within 2e-6 of their largest value (they sum over every step); an LSTM's
outputs do not drift with length (300 steps: still 1.2e-7 absolute).
"""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import assume, given, settings, strategies as st

import minitorch_compat as mt
from helpers import assert_close, assert_same_result, raises_like

MODES = {"RNN_TANH": ("RNN", {}), "RNN_RELU": ("RNN", {"nonlinearity": "relu"}), "LSTM": ("LSTM", {}),
         "GRU": ("GRU", {})}


@st.composite
def rnn_options(draw):
    mode = draw(st.sampled_from(sorted(MODES)))
    hidden = draw(st.integers(1, 4))
    opts = dict(input_size=draw(st.integers(1, 4)), hidden_size=hidden, num_layers=draw(st.integers(1, 3)),
                bias=draw(st.booleans()), batch_first=draw(st.booleans()), bidirectional=draw(st.booleans()))
    if mode == "LSTM" and hidden > 1 and draw(st.booleans()):
        opts["proj_size"] = draw(st.integers(1, hidden - 1))
    name, extra = MODES[mode]
    return name, dict(opts, **extra)


def build(T, name, opts, dtype=np.float32, seed=0):
    T.manual_seed(seed)
    return getattr(T.nn, name)(**opts, dtype=getattr(T, np.dtype(dtype).name))


def leaf(T, a):
    return T.from_numpy(a.copy()).requires_grad_()


def _tensors(x):
    """The tensors in a (nested) result, PackedSequences included, in order."""
    if isinstance(x, (torch.Tensor, mt.Tensor)):
        return [x]
    if isinstance(x, (tuple, list)):
        return [t for item in x if item is not None for t in _tensors(item)]
    return []


def run_both(fn, seed=0):
    """``fn(T) -> (result, leaves)`` on both engines; backward from the same random
    gradients of every floating output; returns ((our result, our grads), (torch's...))."""
    out = []
    for T in (mt, torch):
        result, leaves = fn(T)
        outs = [t for t in _tensors(result) if t.is_floating_point() and t.requires_grad]
        rng = np.random.default_rng(seed)
        grads = [T.from_numpy(rng.uniform(-1, 1, tuple(t.shape)).astype(t.detach().numpy().dtype)) for t in outs]
        if outs:
            T.autograd.backward(outs, grads)
        out.append((result, [p.grad for p in leaves]))
    return out


def assert_same_run(ours, theirs, what=""):
    """The results of ``run_both``: outputs (any nesting) and the gradients of the leaves."""
    (o_res, o_grads), (t_res, t_grads) = ours, theirs
    assert_same_result(o_res, t_res)
    for i, (a, b) in enumerate(zip(o_grads, t_grads)):
        if b is None:
            assert a is None or not np.any(a.numpy()), f"{what} grad {i}: torch has none"
        else:
            assert a is not None, f"{what} grad {i}: ours is None"
            assert_close(a, b, what=f"{what} grad {i}")


def state_shapes(opts, batch):
    layers = opts["num_layers"] * (2 if opts["bidirectional"] else 1)
    h = opts.get("proj_size") or opts["hidden_size"]
    return ((layers, batch, h), (layers, batch, opts["hidden_size"]))


# ------------------------------------------------------------------------------ construction
@given(rnn_options(), st.integers(0, 2 ** 31))
def test_parameters_names_shapes_values_and_repr(config, seed):
    name, opts = config
    t, o = build(torch, name, opts, seed=seed), build(mt, name, opts, seed=seed)
    assert repr(o) == repr(t)
    assert [n for n, _ in o.named_parameters()] == [n for n, _ in t.named_parameters()]
    for (n, a), (_, b) in zip(o.named_parameters(), t.named_parameters()):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy(), err_msg=n)
    assert o._flat_weights_names == t._flat_weights_names
    assert [[w.shape for w in ws] for ws in o.all_weights] == [[w.shape for w in ws] for ws in t.all_weights]
    o.flatten_parameters()


@pytest.mark.parametrize("build_fn", [
    lambda nn: nn.RNN(3, 4, 2, "relu", False, True, 0.5, True),
    lambda nn: nn.LSTM(3, 4, proj_size=2, num_layers=2, batch_first=True, bidirectional=True),
    lambda nn: nn.GRU(3, 4, bias=False, dropout=0.25, num_layers=3),
    lambda nn: nn.RNNCell(3, 4, bias=False, nonlinearity="relu"),
    lambda nn: nn.LSTMCell(3, 4),
    lambda nn: nn.GRUCell(3, 4, bias=False),
])
def test_print_like_torch(build_fn):
    assert repr(build_fn(mt.nn)) == repr(build_fn(torch.nn))


def test_dropout_with_one_layer_warns_like_torch():
    for T in (torch, mt):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            T.nn.GRU(3, 4, dropout=0.5)
        if T is torch:
            expected = [str(x.message) for x in w]
        else:
            assert [str(x.message) for x in w] == expected


# ------------------------------------------------------------------------------ forward/backward
@given(rnn_options(), st.sampled_from([np.float32, np.float64]), st.integers(1, 5), st.integers(1, 3),
       st.booleans(), st.booleans(), st.integers(0, 2 ** 16))
def test_forward_backward_match_torch(config, dtype, steps, batch, with_state, unbatched, seed):
    name, opts = config
    rng = np.random.default_rng(seed)
    shape = (steps, opts["input_size"]) if unbatched else \
        (batch, steps, opts["input_size"]) if opts["batch_first"] else (steps, batch, opts["input_size"])
    x = rng.standard_normal(shape).astype(dtype)
    states = [rng.standard_normal(s[:1] + s[2:] if unbatched else s).astype(dtype) for s in state_shapes(opts, batch)]
    ours, theirs = run_both(module_run(name, opts, dtype, x, states if with_state else []), seed)
    assert_same_run(ours, theirs, name)


@given(rnn_options(), st.sampled_from([np.float32, np.float64]), st.lists(st.integers(1, 5), min_size=1, max_size=4),
       st.booleans(), st.booleans(), st.integers(0, 2 ** 16))
def test_packed_sequences_match_torch(config, dtype, lengths, enforce_sorted, with_state, seed):
    """pack_padded_sequence -> module -> pad_packed_sequence, sorted or not, gradients included."""
    name, opts = config
    if enforce_sorted:
        lengths = sorted(lengths, reverse=True)
    rng = np.random.default_rng(seed)
    batch, steps = len(lengths), max(lengths)
    bf = opts["batch_first"]
    x = rng.standard_normal((batch, steps, opts["input_size"]) if bf else (steps, batch, opts["input_size"]))
    x = x.astype(dtype)
    states = [rng.standard_normal(s).astype(dtype) for s in state_shapes(opts, batch)]

    def pack(T, xs):
        return T.nn.utils.rnn.pack_padded_sequence(xs, T.tensor(lengths), batch_first=bf, enforce_sorted=enforce_sorted)

    def unpack(T, result):
        padded, out_lengths = T.nn.utils.rnn.pad_packed_sequence(result[0], batch_first=bf, total_length=steps + 1)
        return result + (padded, out_lengths)

    ours, theirs = run_both(module_run(name, opts, dtype, x, states if with_state else [], pack, unpack), seed)
    assert_same_run(ours, theirs, name)
    assert type(ours[0][0]).__name__ == "PackedSequence"
    assert ours[0][0].data.grad_fn.name() == theirs[0][0].data.grad_fn.name()


def module_run(name, opts, dtype, x, states, prepare=None, finish=None, train=True):
    """``run(T)`` for ``run_both``: the module on ``x`` (``prepare(T, x)`` first, ``finish(T,
    result)`` after, when given), with initial ``states`` unless empty; the leaves are the
    input, the states and the parameters."""
    def run(T):
        m = build(T, name, opts, dtype).train(train)
        xs = leaf(T, x)
        hs = [leaf(T, s) for s in states]
        hx = None if not hs else tuple(hs) if name == "LSTM" else hs[0]
        result = m(xs if prepare is None else prepare(T, xs), hx)
        return (result if finish is None else finish(T, result)), [xs] + hs + list(m.parameters())
    return run


@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dropout_between_layers(name, dtype):
    """p = 1 in training drops every value between layers (no random draw needed); in eval
    mode any p is ignored."""
    x = np.random.default_rng(0).standard_normal((4, 2, 3)).astype(dtype)
    for p, train in ((1.0, True), (0.5, False)):
        opts = dict(input_size=3, hidden_size=4, num_layers=3, dropout=p)
        ours, theirs = run_both(module_run(name, opts, dtype, x, [], train=train))
        assert_same_run(ours, theirs, f"{name} p={p} train={train}")


def test_lstm_projection_warning_like_torch():
    """torch warns (once per process) that oneDNN cannot run a float32 LSTM with projections."""
    from minitorch_compat._ops import rnn as ours
    ours._PROJ_WARNED.clear()
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        m = mt.nn.LSTM(3, 4, proj_size=2)
        m(mt.randn(2, 1, 3))
        m(mt.randn(2, 1, 3))
    assert [str(x.message) for x in w] == [
        "LSTM with projections is not supported with oneDNN. Using default implementation. (Triggered internally "
        "at /__w/pytorch/pytorch/aten/src/ATen/native/RNN.cpp:1512.)"]


# ------------------------------------------------------------------------------ cells
@given(st.sampled_from(["RNNCell", "RNNCell-relu", "LSTMCell", "GRUCell"]), st.sampled_from([np.float32, np.float64]),
       st.integers(1, 4), st.integers(1, 4), st.integers(1, 3), st.booleans(), st.booleans(), st.booleans(),
       st.integers(0, 2 ** 16))
def test_cells_match_torch(kind, dtype, input_size, hidden, batch, bias, with_state, unbatched, seed):
    name, _, nl = kind.partition("-")
    rng = np.random.default_rng(seed)
    lead = () if unbatched else (batch,)
    x = rng.standard_normal(lead + (input_size,)).astype(dtype)
    states = [rng.standard_normal(lead + (hidden,)).astype(dtype) for _ in range(2)]

    def run(T):
        T.manual_seed(seed)
        extra = {"nonlinearity": nl} if nl else {}
        m = getattr(T.nn, name)(input_size, hidden, bias, **extra, dtype=getattr(T, np.dtype(dtype).name))
        xs = leaf(T, x)
        hs = [leaf(T, s) for s in states]
        hx = None if not with_state else tuple(hs) if name == "LSTMCell" else hs[0]
        return m(xs, hx), [xs] + (hs if with_state else []) + list(m.parameters())

    ours, theirs = run_both(run, seed)
    assert_same_run(ours, theirs, kind)


# ------------------------------------------------------------------------------ the graph
def test_nodes_torch_shows():
    """An LSTM layer in float32 is one oneDNN node in torch, with the layer's input, weights
    and initial states as inputs; GRU and RNN outputs are stacks of their steps."""
    shown = []
    for T in (torch, mt):
        T.manual_seed(0)
        x = T.randn(4, 2, 3, requires_grad=True)
        h0 = T.randn(2, 2, 5, requires_grad=True)
        lstm = T.nn.LSTM(3, 5, 2)
        out, (h, c) = lstm(x, (h0, h0))
        names = [out.grad_fn.name(), [f and f.name() for f, _ in out.grad_fn.next_functions], h.grad_fn.name()]
        names += [T.nn.GRU(3, 5)(x)[0].grad_fn.name(), T.nn.RNN(3, 5)(x)[1].grad_fn.name()]
        names += [T.nn.LSTM(3, 5, bidirectional=True, batch_first=True)(x)[0].grad_fn.name()]
        names += [T.nn.LSTM(3, 5).double()(x.double())[0].grad_fn.name()]
        shown.append(names)
    assert shown[1] == shown[0]


# ------------------------------------------------------------------------------ bad input
def _lstm(T):
    T.manual_seed(0)
    return T.nn.LSTM(3, 4, 2)


def _gru(T):
    T.manual_seed(0)
    return T.nn.GRU(3, 4)


BAD_CALLS = [
    lambda T: _lstm(T)(T.zeros(5, 2, 4)),
    lambda T: _lstm(T)(T.zeros(5, 2, 3), (T.zeros(2, 3, 4), T.zeros(2, 2, 4))),
    lambda T: _lstm(T)(T.zeros(5, 2, 3), (T.zeros(2, 2, 4), T.zeros(2, 3, 4))),
    lambda T: _lstm(T)(T.zeros(5, 2, 3), (T.zeros(2, 4), T.zeros(2, 4))),
    lambda T: _lstm(T)(T.zeros(5, 3), (T.zeros(2, 2, 4), T.zeros(2, 2, 4))),
    lambda T: _lstm(T)(T.zeros(5, 3, 2, 3)),
    lambda T: _lstm(T)(T.zeros(5, 2, 3, dtype=T.float64)),
    lambda T: _gru(T)(T.zeros(5, 2, 3), T.zeros(1, 3, 4)),
    lambda T: _gru(T)(T.zeros(5, 2, 3), T.zeros(2, 4)),
    lambda T: _gru(T)(T.zeros(5, 3), T.zeros(1, 1, 4)),
    lambda T: _gru(T)(T.zeros(5, 2, 2)),
    lambda T: _gru(T)(T.zeros(5, 2, 2, 3)),
    lambda T: T.nn.RNN(3, 4)(T.zeros(5, 2, 3), T.zeros(1, 2, 5)),
    lambda T: T.nn.RNN(3, 4)(T.zeros(5, 2, 2, 3)),
    lambda T: T.nn.RNN(3, 4, nonlinearity="sigmoid"),
    lambda T: T.nn.GRU(3, 4, proj_size=2),
    lambda T: T.nn.RNN(3, 4, proj_size=2),
    lambda T: T.nn.LSTM(3, 4, proj_size=4),
    lambda T: T.nn.LSTM(3, 4, proj_size=-1),
    lambda T: T.nn.LSTM(3, 4, dropout=1.5),
    lambda T: T.nn.LSTM(3, 4, dropout=True),
    lambda T: T.nn.LSTM(3, 0),
    lambda T: T.nn.LSTM(0, 3),
    lambda T: T.nn.LSTM(3, 3, num_layers=0),
    lambda T: T.nn.LSTM(3.0, 3),
    lambda T: T.nn.LSTM(3, 3.0),
    lambda T: T.nn.LSTM(3, 3, bias=1),
    lambda T: T.nn.LSTM(3, 3, batch_first=1),
    lambda T: T.nn.LSTMCell(3, 4)(T.zeros(2, 4)),
    lambda T: T.nn.LSTMCell(3, 4)(T.zeros(2, 3), (T.zeros(3, 4), T.zeros(3, 4))),
    lambda T: T.nn.LSTMCell(3, 4)(T.zeros(2, 3), (T.zeros(2, 5), T.zeros(2, 4))),
    lambda T: T.nn.LSTMCell(3, 4)(T.zeros(2, 3), (T.zeros(2, 4), T.zeros(2, 5))),
    lambda T: T.nn.LSTMCell(3, 4)(T.zeros(2, 2, 3)),
    lambda T: T.nn.LSTMCell(3, 4)(T.zeros(2, 3), (T.zeros(2, 2, 4), T.zeros(2, 4))),
    lambda T: T.nn.GRUCell(3, 4)(T.zeros(2, 3), T.zeros(3, 4)),
    lambda T: T.nn.GRUCell(3, 4)(T.zeros(3), T.zeros(2, 4)),
    lambda T: T.nn.GRUCell(3, 4)(T.zeros(2, 3, dtype=T.float64)),
    lambda T: T.nn.GRUCell(3, 4)(T.zeros(2, 3), T.zeros(2, 2, 4)),
    lambda T: T.nn.RNNCell(3, 4)(T.zeros(2, 4)),
    lambda T: T.nn.RNNCell(3, 4)(T.zeros(2, 3), T.zeros(3, 4)),
]


@pytest.mark.parametrize("call", BAD_CALLS)
def test_bad_input_raises_like_torch(call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        raises_like(call, match_message=True)


def test_unknown_cell_nonlinearity_raises_at_call():
    for T in (torch, mt):
        cell = T.nn.RNNCell(3, 4)
        cell.nonlinearity = "x"
        with pytest.raises(RuntimeError, match="Unknown nonlinearity: x"):
            cell(T.zeros(2, 3))
