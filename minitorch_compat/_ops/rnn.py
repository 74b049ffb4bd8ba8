"""Recurrent networks: one autograd node per cell step, and the loop over time and layers.

What torch does (``aten/src/ATen/native/RNN.cpp``): for each layer and direction it first
computes the input's share of every gate for the whole sequence in one matrix product,
``gi = x W_ih^T + b_ih``, then walks the time steps; each step adds the hidden state's
share ``h W_hh^T + b_hh`` and applies the cell's formula. On CPU torch records each step
as a handful of small nodes (or, for float32 LSTMs, hands the whole layer to oneDNN).

How we do it: the same two products, but each step is ONE node below, forward and
backward side by side -- the formulas a textbook writes for a cell (gate order as torch:
LSTM ``i, f, g, o``; GRU ``r, z, n``):

    RNN   h' = tanh(gi + h W_hh^T + b_hh)                  (or relu)
    LSTM  i, f, g, o = sigma, sigma, tanh, sigma of (gi + h W_hh^T + b_hh)
          c' = f * c + i * g          h' = o * tanh(c')    (h' = h' W_hr^T with proj_size)
    GRU   r, z = sigma(gi_rz + gh_rz)  with gh = h W_hh^T + b_hh
          n = tanh(gi_n + r * gh_n)   h' = (h - n) * z + n

``rnn`` below is torch's ``_VF.rnn_tanh``/``_VF.lstm``/``_VF.gru``: every layer and
direction over a padded or packed sequence, dropout between layers. Node names: a step is
shown as torch's fused cell nodes (``ThnnFusedLstmCellBackward0``,
``ThnnFusedGruCellBackward0``; ``TanhBackward0``/``ReluBackward0`` for a plain RNN, the
last op of torch's step); where torch records a whole float32 LSTM layer as one oneDNN
node, ``MkldnnRnnLayerBackward0``, our layer output shows that node and its inputs.
"""
import warnings

import numpy as np

from ..autograd.function import ArrayFunction, _edge
from ..autograd.graph import shown_edges, shown_node
from .linalg import linear
from .shape import Stack, cat, getitem, stack, unbind
from . import dropout as _dropout


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _zeros_if_none(g, like):
    return np.zeros_like(like) if g is None else g


def _chunks(gates, n):
    """The ``n`` gates side by side in ``gates`` (views; ``np.split`` is slower)."""
    H = gates.shape[1] // n
    return [gates[:, k * H:(k + 1) * H] for k in range(n)]


def _hidden_share(h, w_hh, b_hh, w_hh_t):
    """``h W_hh^T + b_hh``. ``w_hh_t``, when given, is ``W_hh^T`` copied contiguously once
    per layer by the caller: NumPy multiplies by a transposed view markedly slower, and
    this product is most of a step's time."""
    out = h @ (w_hh.T if w_hh_t is None else w_hh_t)
    if b_hh is not None:
        out += b_hh
    return out


# ---- one time step each -------------------------------------------------------------------
def _step_recomputed(ctx, values):
    """create_graph: a fused step's saved intermediates (gates...) recomputed by its own
    forward on Tensors (NumPy's dispatch makes each line a differentiable op), in the graph."""
    again = object.__new__(type(ctx))
    type(ctx).forward(again, *ctx._inputs)
    return dict(enumerate(again._saved))


class RNNCell(ArrayFunction):
    """``h' = tanh(gi + h W_hh^T + b_hh)`` (``nonlinearity='relu'``: ``max(., 0)``)."""
    _save_names = (None, None, "result")  # (torch's TanhBackward0/ReluBackward0 save only their result)

    @staticmethod
    def forward(ctx, gi, h, w_hh, b_hh=None, *, nonlinearity="tanh", w_hh_t=None):
        pre = _hidden_share(h, w_hh, b_hh, w_hh_t)
        pre += gi
        out = np.tanh(pre) if nonlinearity == "tanh" else np.maximum(pre, 0)
        ctx._backward_name = "TanhBackward0" if nonlinearity == "tanh" else "ReluBackward0"
        ctx.save_for_backward(h, w_hh, out)
        return out

    @staticmethod
    def backward(ctx, g):
        h, w_hh, out = ctx.saved_tensors
        d = g * (1 - out * out) if ctx._backward_name == "TanhBackward0" else g * (out > 0)
        return d, d @ w_hh, d.T @ h, d.sum(0)


class LSTMCell(ArrayFunction):
    """One LSTM step: ``(h, c) -> (h', c')`` (see the module docstring)."""
    _backward_name = "ThnnFusedLstmCellBackward0"

    @staticmethod
    def forward(ctx, gi, h, c, w_hh, b_hh=None, w_hr=None, *, w_hh_t=None):
        gates = _hidden_share(h, w_hh, b_hh, w_hh_t)
        gates += gi
        i, f, g, o = _chunks(gates, 4)
        i, f, g, o = _sigmoid(i), _sigmoid(f), np.tanh(g), _sigmoid(o)
        c_new = f * c + i * g
        tanh_c = np.tanh(c_new)
        m = o * tanh_c
        h_new = m if w_hr is None else m @ w_hr.T
        ctx.save_for_backward(h, c, w_hh, w_hr, i, f, g, o, tanh_c, m)
        return h_new, c_new

    _graph_saved = _step_recomputed

    @staticmethod
    def backward(ctx, gh_new, gc_new):
        h, c, w_hh, w_hr, i, f, g, o, tanh_c, m = ctx.saved_tensors
        gm = _zeros_if_none(gh_new, m) if w_hr is None or gh_new is None else gh_new @ w_hr
        gw_hr = None if w_hr is None or gh_new is None else gh_new.T @ m
        gc = gm * o * (1 - tanh_c * tanh_c)
        if gc_new is not None:
            gc += gc_new
        d = np.concatenate([gc * g * i * (1 - i),      # through i = sigma(.)
                            gc * c * f * (1 - f),      # through f
                            gc * i * (1 - g * g),      # through g = tanh(.)
                            gm * tanh_c * o * (1 - o)], axis=1)  # through o
        return d, d @ w_hh, gc * f, d.T @ h, d.sum(0), gw_hr


class GRUCell(ArrayFunction):
    """One GRU step: ``h -> h'`` (see the module docstring)."""
    _backward_name = "ThnnFusedGruCellBackward0"

    @staticmethod
    def forward(ctx, gi, h, w_hh, b_hh=None, *, w_hh_t=None):
        gh = _hidden_share(h, w_hh, b_hh, w_hh_t)
        gi_r, gi_z, gi_n = _chunks(gi, 3)
        gh_r, gh_z, gh_n = _chunks(gh, 3)
        r, z = _sigmoid(gi_r + gh_r), _sigmoid(gi_z + gh_z)
        n = np.tanh(gi_n + r * gh_n)
        ctx.save_for_backward(h, w_hh, r, z, n, gh_n)
        return (h - n) * z + n

    _graph_saved = _step_recomputed

    @staticmethod
    def backward(ctx, g):
        h, w_hh, r, z, n, gh_n = ctx.saved_tensors
        dn = g * (1 - z) * (1 - n * n)
        dr = dn * gh_n * r * (1 - r)
        dz = g * (h - n) * z * (1 - z)
        d_gi = np.concatenate([dr, dz, dn], axis=1)
        d_gh = np.concatenate([dr, dz, dn * r], axis=1)
        return d_gi, d_gh @ w_hh + g * z, d_gh.T @ h, d_gh.sum(0)


# ---- the loop over time, layers and directions ---------------------------------------------
def rnn(mode, input, hx, weights, *, num_layers, dropout, train, bidirectional, batch_first, batch_sizes=None):
    """torch's ``_VF.rnn_tanh`` / ``_VF.rnn_relu`` / ``_VF.lstm`` / ``_VF.gru``.

    ``input``: ``(T, B, I)`` (``(B, T, I)`` with ``batch_first``), or with ``batch_sizes``
    the ``(N, I)`` data of a PackedSequence; ``hx``: ``h0`` or ``(h0, c0)``, each
    ``(num_layers * directions, B, H)``; ``weights``: one tuple ``(w_ih, w_hh, b_ih, b_hh,
    w_hr)`` per layer and direction (``None`` where absent). Returns ``(output, h_n)`` or
    ``(output, h_n, c_n)``.

    1. Each layer runs each direction over the previous layer's output (directions are
       concatenated along the features); dropout is applied between layers in training.
    2. Each direction: ``gi`` for all steps in one product, then one cell node per step.
    """
    lstm = mode == "LSTM"
    dense = batch_sizes is None
    if not dense and _onednn_lstm(mode, input, weights) and min(batch_sizes) == max(batch_sizes):
        # torch hands a packed batch of equal lengths to oneDNN as a padded one
        steps = input.view(len(batch_sizes), batch_sizes[0], input.shape[-1])
        output, *states = rnn(mode, steps, hx, weights, num_layers=num_layers, dropout=dropout, train=train,
                              bidirectional=bidirectional, batch_first=False)
        return (output.view(-1, output.shape[-1]), *states)
    if dense and batch_first:
        input = input.transpose(0, 1)
    h0 = unbind(hx[0] if lstm else hx, 0)
    c0 = unbind(hx[1], 0) if lstm else [None] * len(h0)
    dirs = 2 if bidirectional else 1
    h_n, c_n = [], []
    layer_input = input
    for layer in range(num_layers):
        outputs = []
        for d in range(dirs):
            k = layer * dirs + d
            out, h, c = _direction(mode, layer_input, h0[k], c0[k], weights[k], batch_sizes, reverse=d == 1)
            outputs.append(out)
            h_n.append(h)
            c_n.append(c)
        layer_input = outputs[0] if dirs == 1 else cat(outputs, -1)
        if dropout and train and layer < num_layers - 1:
            layer_input = _dropout.dropout(layer_input, dropout)
    output = layer_input.transpose(0, 1) if dense and batch_first else layer_input
    return (output, stack(h_n, 0), stack(c_n, 0)) if lstm else (output, stack(h_n, 0))


def _direction(mode, x, h0, c0, weights, batch_sizes, reverse):
    """One layer in one direction: ``(output, h_last, c_last)`` (``c_last`` None unless LSTM)."""
    w_ih, w_hh, b_ih, b_hh, w_hr = weights
    # every step's input share in one matrix product, on the steps' rows one after another
    # (a padded (T, B, I) input is T steps of B rows), then cut into one piece per step
    sizes = [x.shape[1]] * x.shape[0] if batch_sizes is None else list(batch_sizes)
    steps = linear(x.reshape(-1, x.shape[-1]), w_ih, b_ih).split(sizes)
    step = _step_function(mode, w_hh, b_hh, w_hr)
    run = _run_backward_in_time if reverse else _run_forward_in_time
    outs, h, c = run(step, steps, sizes, h0, c0)
    if batch_sizes is not None:
        return cat(outs, 0), h, c
    if _onednn_lstm(mode, x, [weights]):
        return _mkldnn_layer_output(outs, x, h0, c0, weights), h, c
    return stack(outs, 0), h, c


def _onednn_lstm(mode, x, weights):
    """Whether torch runs this on oneDNN (and records one node per layer): a float32 LSTM
    without projections."""
    return mode == "LSTM" and weights[0][4] is None and x._data.dtype == np.float32 and x._data.size > 0


def _step_function(mode, w_hh, b_hh, w_hr):
    """``step(gi_t, h, c) -> (h', c')`` for the cell of ``mode``."""
    w_hh_t = np.ascontiguousarray(w_hh._data.T)  # (see _hidden_share)
    if mode == "LSTM":
        return lambda g, h, c: LSTMCell.apply(g, h, c, w_hh, b_hh, w_hr, w_hh_t=w_hh_t)
    if mode == "GRU":
        return lambda g, h, c: (GRUCell.apply(g, h, w_hh, b_hh, w_hh_t=w_hh_t), None)
    nonlinearity = "tanh" if mode == "RNN_TANH" else "relu"
    return lambda g, h, c: (RNNCell.apply(g, h, w_hh, b_hh, nonlinearity=nonlinearity, w_hh_t=w_hh_t), None)


def _run_forward_in_time(step, steps, sizes, h, c):
    """Steps ``0..T-1``. In a packed batch (sorted by length, longest first) the batch
    shrinks over time: the rows of sequences that have ended are set aside as their final
    states, and the last states are those pieces in batch order."""
    outs, done_h, done_c = [], [], []
    for g, n in zip(steps, sizes):
        if n < h.shape[0]:
            done_h.append(getitem(h, slice(n, None)))
            h = getitem(h, slice(None, n))
            if c is not None:
                done_c.append(getitem(c, slice(n, None)))
                c = getitem(c, slice(None, n))
        h, c = step(g, h, c)
        outs.append(h)
    if done_h:
        h = cat([h] + done_h[::-1], 0)
        c = c if c is None else cat([c] + done_c[::-1], 0)
    return outs, h, c


def _run_backward_in_time(step, steps, sizes, h0, c0):
    """Steps ``T-1..0``. In a packed batch the batch grows: a sequence joins, with its
    initial state, at its own last step."""
    n = sizes[-1]
    h = h0 if n == h0.shape[0] else getitem(h0, slice(None, n))
    c = c0 if c0 is None or n == c0.shape[0] else getitem(c0, slice(None, n))
    outs = []
    for g, n in zip(steps[::-1], sizes[::-1]):
        if n > h.shape[0]:
            h = cat([h, getitem(h0, slice(h.shape[0], n))], 0)
            c = c if c is None else cat([c, getitem(c0, slice(c.shape[0], n))], 0)
        h, c = step(g, h, c)
        outs.append(h)
    return outs[::-1], h, c


# ---- how torch shows a float32 LSTM layer ---------------------------------------------------
class _MkldnnLayerStack(Stack):
    """The step outputs stacked, shown as torch's one oneDNN node for the layer, whose
    inputs are the layer's input, its four weights and its initial ``h`` and ``c``."""
    _backward_name = "MkldnnRnnLayerBackward0"

    @property
    def next_functions(self):
        return shown_edges(self._shown_inputs)


def _mkldnn_layer_output(outs, x, h0, c0, weights):
    out = _MkldnnLayerStack.apply(*outs, dim=0)
    if out.grad_fn is not None:
        w_ih, w_hh, b_ih, b_hh, _ = weights
        out.grad_fn._shown_inputs = tuple([_shown_edge(t) for t in (x, w_ih, w_hh, b_ih, b_hh)]
                                          + [_shown_select(t) for t in (h0, c0)])
    return out


def _shown_edge(t):
    return _edge(t) if t is not None and t.requires_grad else None


def _shown_select(t):
    """``hx[k]``: torch selects it (``SelectBackward0``); here it came out of ``unbind``."""
    return shown_node("SelectBackward0", t.grad_fn._next[0]) if t.requires_grad else None


_PROJ_WARNED = []


def warn_lstm_projections():
    """torch warns once per process that oneDNN cannot run float32 LSTMs with projections."""
    if not _PROJ_WARNED:
        _PROJ_WARNED.append(True)
        warnings.warn("LSTM with projections is not supported with oneDNN. Using default implementation. "
                      "(Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/native/RNN.cpp:1512.)",
                      stacklevel=3)
