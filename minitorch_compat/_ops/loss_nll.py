"""Negative log-likelihood and cross entropy (torch: ``aten/src/ATen/native/LossNLL.cpp``).

torch computes ``cross_entropy(x, t)`` as ``nll_loss(log_softmax(x, 1), t)``: two nodes.
Here the common case -- a batch of logits ``(N, C)``, class indices, no class weights, no
label smoothing -- is one plain node, ``CrossEntropy``, whose backward is the textbook
"softmax minus one-hot". Everything else (class weights, ``ignore_index`` hits, label
smoothing, spatial ``(N, C, d1, ...)`` inputs, probability targets, ``nll_loss`` on
log-probabilities) goes through the general nodes further down: skim them.
"""
import numpy as np

from .. import _checks
from ..autograd.function import ArrayFunction
from ..autograd.graph import shown_chain, shown_node, shown_edges
from .._opmath import stored
from .activation import log_softmax_array, log_softmax_lastdim_16bit, log_softmax
from .pointwise import _operand, promote


class CrossEntropy(ArrayFunction):
    """Cross entropy of logits ``x`` (N, C) against class indices ``target`` (N,)::

        loss_i = -log_softmax(x)[i, target_i]           then the mean (or sum) over i
        dx     = (softmax(x) - onehot(target)) / N      times the incoming gradient

    torch records this as NllLossBackward0 after LogSoftmaxBackward0; ``next_functions``
    shows that pair.
    """
    _backward_name = "NllLossBackward0"

    @staticmethod
    def forward(ctx, x, target, reduction):
        logp = log_softmax_array(x, axis=1) if ctx._low is None else log_softmax_lastdim_16bit(ctx, x)
        loss = -logp[np.arange(len(target)), target]
        ctx.save_for_backward(logp, target)
        ctx.reduction = reduction
        if reduction == "none":
            return loss
        total = loss.sum(dtype=x.dtype)
        return np.asarray(total if reduction == "sum" else total / x.dtype.type(len(target)))

    @staticmethod
    def backward(ctx, g):
        logp, target = ctx.saved_tensors
        grad = np.exp(logp)                                # softmax(x)
        grad[np.arange(len(target)), target] -= 1          # minus one-hot(target)
        if ctx.reduction == "none":
            return grad * g[:, None]
        return grad * (g / len(target) if ctx.reduction == "mean" else g)

    @property
    def next_functions(self):
        return shown_chain(["LogSoftmaxBackward0"], self._next[0])

    def _graph_saved(ctx, values):  # create_graph: log_softmax(x), in the graph
        return {0: log_softmax(ctx._inputs[0], 1)}


def _log_softmax_rows(ctx, rows, ndim):
    """log_softmax over the classes of ``rows`` (N, C); for a 16-bit input, as torch computes
    it for a 2-d one (its class dimension is the last) and stores it (``_opmath.stored``)."""
    if ctx._low is None:
        return log_softmax_array(rows, axis=1)
    return log_softmax_lastdim_16bit(ctx, rows) if ndim == 2 else stored(ctx, log_softmax_array(rows, axis=1))


def is_plain(x, target, ignore_index):
    """True when ``cross_entropy(x, target)`` is the common case ``CrossEntropy`` handles:
    float logits (N, C) with N > 0, int64 class indices (N,) all in [0, C), none ignored."""
    xd, t = x._data, target._data
    if xd.ndim != 2 or xd.dtype.kind != "f" or t.dtype != np.int64 or t.shape != xd.shape[:1] or not t.size:
        return False
    lo, hi = t.min(), t.max()
    return 0 <= lo and hi < xd.shape[1] and not lo <= ignore_index <= hi


# ---- the general case -------------------------------------------------------------------
def _rows(a):
    """(N, C, d1, ...) -> (N*d1*..., C); (N, C) unchanged; (C,) -> (1, C)."""
    if a.ndim == 2:
        return a
    if a.ndim == 1:
        return a[None, :]
    return np.moveaxis(a, 1, -1).reshape(-1, a.shape[1])


def _unrows(g, shape):
    """Inverse of ``_rows`` for a gradient."""
    if len(shape) == 2:
        return g
    if len(shape) == 1:
        return g[0]
    return np.moveaxis(g.reshape((shape[0],) + tuple(shape[2:]) + (shape[1],)), -1, 1)


class NllLoss(ArrayFunction):
    """Negative log-likelihood of class indices, optionally after a log_softmax.

    Forward (``logp`` = the input, or ``log_softmax(input)`` when ``from_logits``), per row
    ``i`` with target class ``t_i`` and weight ``w`` (1 if not given)::

        wt_i   = w[t_i] * (t_i != ignore_index)
        loss_i = (1 - eps) * (-logp[i, t_i]) * wt_i  +  eps / C * (-sum_c w_c logp[i, c])
        mean   = sum_i loss_i / sum_i wt_i

    ``eps`` (label smoothing) is 0 for ``nll_loss``. Backward, with ``s_i`` the gradient
    reaching ``loss_i`` and ``p = exp(logp)``::

        from logits:  dx_ic = s_i * ((1-eps) wt_i (p_ic - [c == t_i]) + eps/C * valid_i (W p_ic - w_c))
        from logp:    dx_ic = -s_i * (1-eps) * wt_i * [c == t_i]

    where ``W = sum_c w_c``.
    """

    @staticmethod
    def forward(ctx, x, target, weight, ignore_index, reduction, eps, from_logits):
        shape = x.shape
        rows = _rows(x)
        n, c = rows.shape
        t = target.reshape(-1)
        if t.dtype != np.int64:
            t = t.astype(np.int64)
        lo, hi = (t.min(), t.max()) if n else (0, 0)
        if ignore_index < lo or ignore_index > hi:  # nothing to ignore
            valid, ts = None, t
        else:
            valid = t != ignore_index
            ts = np.where(valid, t, 0)
            lo, hi = (ts.min(), ts.max()) if n else (0, 0)
        if lo < 0 or hi >= c:
            bad = t[((t < 0) | (t >= c)) & (True if valid is None else valid)][0]
            raise IndexError(f"Target {bad} is out of bounds.")
        logp = _log_softmax_rows(ctx, rows, x.ndim) if from_logits else rows
        ar = np.arange(n)
        if weight is None:
            wt = None if valid is None else valid.astype(x.dtype)
        else:
            wt = weight[ts] if valid is None else weight[ts] * valid
        picked = logp[ar, ts]
        if wt is not None:
            picked = picked * wt
        if eps > 0:
            smooth = logp.sum(axis=1) if weight is None else np.dot(logp, weight)
            if valid is not None:
                smooth *= valid
            loss = (1 - eps) * picked + (eps / c) * smooth  # the negated loss
        else:
            loss = picked
        denom = n if wt is None else wt.sum(dtype=x.dtype)
        if reduction == "none":
            out = -loss.reshape(target.shape if len(shape) > 1 else ()).astype(x.dtype, copy=False)
        elif reduction == "sum":
            out = np.asarray(-loss.sum(dtype=x.dtype))
        elif denom:
            out = np.asarray(-loss.sum(dtype=x.dtype) / x.dtype.type(denom))
        else:  # nothing counted (empty batch, every target ignored): torch's 0/0 = nan
            out = np.asarray(np.nan, dtype=x.dtype)
        ctx.shape, ctx.reduction, ctx.eps, ctx.from_logits, ctx.denom = shape, reduction, eps, from_logits, denom
        ctx._backward_name = "AddBackward0" if eps else "NllLossBackward0"
        ctx.save_for_backward(logp, ts, wt, valid, weight)
        return out

    def _graph_saved(ctx, values):  # create_graph: the log-probabilities in the graph; weights are constants
        rows = _rows(ctx._inputs[0])
        return {0: log_softmax(rows, 1) if ctx.from_logits else rows, 2: values[2], 4: values[4]}

    @staticmethod
    def backward(ctx, g):
        logp, ts, wt, valid, weight = ctx.saved_tensors
        n, c = logp.shape
        dt = logp.dtype
        eps = ctx.eps
        if ctx.reduction == "none":
            s = g.reshape(-1).astype(dt, copy=False)
        else:
            s = np.broadcast_to(g / ctx.denom if ctx.reduction == "mean" else g, (n,))
        if valid is not None:
            s = np.where(valid, s, 0)  # ignored rows get no gradient (even if the mean is nan)
        hit = s * (1 - eps) if eps else s      # coefficient of the target column
        if wt is not None:
            hit = hit * wt
        if ctx.from_logits:
            coef = hit
            if eps:
                total_w = c if weight is None else weight.sum()
                coef = hit + (eps / c) * total_w * s
            grad = np.exp(logp)
            grad *= coef[:, None]
            grad[np.arange(n), ts] -= hit
            if eps:
                grad -= ((eps / c) * s)[:, None] * (1 if weight is None else weight)
        else:
            grad = np.zeros_like(logp)
            grad[np.arange(n), ts] = -hit
        return _unrows(grad.astype(dt, copy=False), ctx.shape)

    @property
    def next_functions(self):
        if self.from_logits and not self.eps:
            return shown_chain(["LogSoftmaxBackward0"], self._next[0])
        return shown_edges(self._next)


class SoftTargetCrossEntropy(ArrayFunction):
    """Cross entropy against class *probabilities* ``q`` (same shape as the input).

    ``loss_i = -sum_c w_c q_ic logp_ic`` (``q`` smoothed to ``(1-eps) q + eps/C`` first);
    mean divides by the number of rows. Backward:
    ``dx_ic = s_i (p_ic sum_k w_k q_ik - w_c q_ic)``, ``dq_ic = -s_i (1-eps) w_c logp_ic``,
    ``dw_c = -sum_i s_i q_ic logp_ic`` (torch builds this case from ordinary ops, so the
    weight gets a gradient too).
    """

    @staticmethod
    def forward(ctx, x, q, weight, reduction, eps):
        rows = _rows(x)
        n, c = rows.shape
        logp = _log_softmax_rows(ctx, rows, x.ndim)
        qs = _smoothed_targets(q, eps)
        loss = -(logp * (qs if weight is None else qs * weight)).sum(axis=1)
        ctx.shape, ctx.reduction, ctx.eps, ctx.n = x.shape, reduction, eps, n
        ctx._backward_name = "DivBackward1" if reduction == "mean" else "NegBackward0"
        ctx.save_for_backward(logp, qs, weight)
        if reduction == "none":
            return loss.reshape(x.shape[:1] + x.shape[2:]) if x.ndim > 1 else loss.reshape(())
        return np.asarray(loss.sum(dtype=loss.dtype) if reduction == "sum" else loss.mean(dtype=loss.dtype))

    @staticmethod
    def backward(ctx, g):
        logp, qs, weight = ctx.saved_tensors
        wq = qs if weight is None else qs * weight
        s = g / ctx.n if ctx.reduction == "mean" else g
        s = s.reshape(-1) if ctx.reduction == "none" else np.broadcast_to(s, (logp.shape[0],))
        gx = gq = gw = None
        if ctx.needs_input_grad[0]:
            gx = np.exp(logp) * wq.sum(axis=1, keepdims=True) - wq
            gx *= s[:, None]
            gx = _unrows(gx, ctx.shape)
        if ctx.needs_input_grad[1]:
            wlogp = logp if weight is None else logp * weight
            gq = _unrows(-(1 - ctx.eps) * s[:, None] * wlogp, ctx.shape)
        if ctx.needs_input_grad[2]:
            gw = -(s[:, None] * qs * logp).sum(axis=0)
        return gx, gq, gw

    def _graph_saved(ctx, values):  # create_graph: both recomputed in the graph, from the inputs
        x, q, weight = ctx._inputs
        return {0: log_softmax(_rows(x), 1), 1: _smoothed_targets(q, ctx.eps), 2: weight}

    @property
    def next_functions(self):
        # torch: -(log_softmax(x) * q).sum(...), then / N for the mean
        mul = shown_node("MulBackward0", shown_node("LogSoftmaxBackward0", self._next[0]), self._next[1])
        total = shown_node("SumBackward1" if self.reduction == "none" else "SumBackward0", mul)
        return (shown_node("NegBackward0", total),) if self.reduction == "mean" else shown_edges((total,))


def _smoothed_targets(q, eps):
    """The target probabilities as rows, smoothed by ``eps``."""
    qr = _rows(q)
    return qr * (1 - eps) + eps / qr.shape[1] if eps > 0 else qr


def nll_loss(input, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0,
             from_logits=False):
    """The general node for ``F.nll_loss`` and the rarer cases of ``F.cross_entropy``."""
    x, target = _operand(input), _operand(target)
    _checks.nll_shapes(x, target)
    _checks.not_differentiable("nll_loss2d_forward" if x._data.ndim > 2 else "nll_loss_forward", weight=weight)
    c = x._data.shape[1] if x._data.ndim > 1 else x._data.shape[0]
    w = _checks.class_weight(weight, x, c)
    eps = label_smoothing if label_smoothing > 0.0 else 0.0
    return NllLoss.apply(x, target=target._data, weight=w, ignore_index=ignore_index, reduction=reduction,
                         eps=eps, from_logits=from_logits)


def soft_target_cross_entropy(x, target, weight, ignore_index, reduction, label_smoothing):
    """``F.cross_entropy`` with class probabilities as the target."""
    if target._data.dtype.kind != "f":
        raise RuntimeError(f"Expected floating point type for target with class probabilities, got "
                           f"{target.dtype._scalar_name}")
    if ignore_index >= 0:
        raise RuntimeError("ignore_index is not supported for floating point target")
    _checks.label_smoothing(label_smoothing)
    if weight is not None:
        x, weight = promote(x, weight)
    if x.dtype is not target.dtype:
        x, target = promote(x, target)
        weight = weight if weight is None else weight.to(x.dtype)
    return SoftTargetCrossEntropy.apply(x, target, weight, reduction=reduction, eps=label_smoothing)
