"""Regression and binary losses (torch: ``aten/src/ATen/native/Loss.cpp``).

Each loss is one node whose forward computes the elementwise loss and reduces it
(``reduction`` = ``'mean'``, ``'sum'`` or ``'none'``), and whose backward sends
``_upstream(g)`` -- the gradient reaching each element of the unreduced loss -- through
the elementwise derivative. The engine sums gradients of broadcast inputs back to their
shapes. Argument checks and torch's messages are in ``_checks.py``; the ``F.*`` wrappers
in ``nn/functional.py``.
"""
import numpy as np

from .._opmath import stored
from ..autograd.function import ArrayFunction
from .backward_ops import RobustLossBackward, upstream as _upstream


def _reduce(loss, reduction):
    """Apply ``reduction`` to an elementwise loss array (keeping its dtype)."""
    if reduction == "none":
        return loss
    if reduction == "sum":
        return np.asarray(loss.sum(dtype=loss.dtype))
    if loss.size == 0:  # the mean of nothing: torch's nan, without NumPy's warning
        return np.asarray(np.nan, dtype=loss.dtype)
    return np.asarray(loss.mean(dtype=loss.dtype))


class PairLoss(ArrayFunction):
    """mse_loss ``d^2`` and l1_loss ``|d|`` of ``d = input - target``, reduced.
    Backward: ``2 d`` and ``sign(d)`` for the input, the negation for the target."""

    @staticmethod
    def forward(ctx, x, t, kind, reduction):
        d = stored(ctx, x - t)  # torch's kernel stores d and d * d in the input's dtype (_opmath.stored)
        ctx.kind, ctx.reduction, ctx.n = kind, reduction, d.size
        ctx._backward_name = "MseLossBackward0" if kind == "mse" else {
            "none": "AbsBackward0", "sum": "SumBackward0", "mean": "MeanBackward0"}[reduction]
        ctx.save_for_backward(d)
        return _reduce(stored(ctx, d * d) if kind == "mse" else np.abs(d), reduction)

    def _graph_saved(ctx, values):  # create_graph: d recomputed from the inputs, in the graph
        return {0: ctx._inputs[0] - ctx._inputs[1]}

    @staticmethod
    def backward(ctx, g):
        d, = ctx.saved_tensors
        s = _upstream(g, ctx.reduction, ctx.n)
        gd = ((2 * d) * s if ctx.kind == "mse" else s * np.sign(d)).astype(d.dtype, copy=False)
        return gd, -gd


class RobustPairLoss(ArrayFunction):
    """smooth_l1_loss and huber_loss: quadratic for small ``|d|``, linear beyond ``beta``.

    With ``d = input - target`` and ``z = |d|``::

        smooth_l1: 0.5 z^2 / beta  if z < beta  else  z - 0.5 beta            (slope 1 outside)
        huber:     0.5 z^2         if z < beta  else  beta (z - 0.5 beta)     (slope beta outside)

    so ``huber = beta * smooth_l1``. Backward: ``d / beta`` (``d``) inside, the clipped
    slope ``+-1`` (``+-beta``) outside.
    """

    @staticmethod
    def forward(ctx, x, t, kind, beta, reduction):
        d = x - t
        z = np.abs(d)
        f = d.dtype.type
        if kind == "huber":
            loss = np.where(z < beta, f(0.5) * z * z, f(beta) * (z - f(0.5) * f(beta)))
        else:
            loss = np.where(z < beta, f(0.5) * z * z / f(beta), z - f(0.5) * f(beta))
        ctx.kind, ctx.beta, ctx.reduction, ctx.n = kind, beta, reduction, d.size
        ctx._backward_name = "HuberLossBackward0" if kind == "huber" else "SmoothL1LossBackward0"
        ctx.save_for_backward(d)
        return _reduce(loss.astype(d.dtype, copy=False), reduction)

    @staticmethod
    def backward(ctx, g):
        d, = ctx.saved_tensors
        gd = RobustLossBackward.kernel(g, d, ctx.kind, ctx.beta, ctx.reduction, ctx.n)
        return gd, -gd

    @staticmethod
    def _graph_backward(ctx, g):  # under create_graph: torch's kernel as a node, the target's with the operands swapped
        x, t = ctx._inputs[:2]
        options = dict(kind=ctx.kind, beta=ctx.beta, reduction=ctx.reduction)
        return RobustLossBackward.apply(g, x, t, **options), RobustLossBackward.apply(g, t, x, **options)


class BinaryCrossEntropy(ArrayFunction):
    """``-w (t log x + (1 - t) log(1 - x))`` with each log clamped at -100 (torch's choice).

    Backward: ``dx = w (x - t) / max(x (1 - x), 1e-12)``, ``dt = w (log(1 - x) - log(x))``.
    """
    _backward_name = "BinaryCrossEntropyBackward0"

    _save_names = ("self", "target", "weight")

    @staticmethod
    def forward(ctx, x, t, weight, reduction):
        log_x = np.maximum(np.log(x), -100)
        log_1mx = np.maximum(np.log1p(-x), -100)
        loss = -(t * log_x + (1 - t) * log_1mx)
        if weight is not None:
            loss = loss * weight
        ctx.save_for_backward(x, t, weight)
        ctx.reduction, ctx.n = reduction, x.size
        return _reduce(loss.astype(x.dtype, copy=False), reduction)

    def _graph_saved(ctx, values):
        return {2: values[2]}  # the weight: a constant

    @staticmethod
    def backward(ctx, g):
        x, t, w = ctx.saved_tensors
        s = _upstream(g, ctx.reduction, ctx.n)
        if w is not None:
            s = s * w
        gx = gt = None
        if ctx.needs_input_grad[0]:
            gx = (s * (x - t) / np.maximum((1 - x) * x, 1e-12)).astype(x.dtype, copy=False)
        if ctx.needs_input_grad[1]:
            gt = (s * (np.log1p(-x) - np.log(x))).astype(t.dtype, copy=False)
        return gx, gt


class BCEWithLogits(ArrayFunction):
    """``(1 - t) x + l (max(-x, 0) + log(exp(-max(-x, 0)) + exp(-x - max(-x, 0))))``, times ``w``,
    where ``l = 1 + (pos_weight - 1) t`` (1 without ``pos_weight``). No exp ever overflows.

    Backward: ``dx = w (sigmoid(x) l - pos_weight t)`` (``sigmoid(x) - t`` without
    pos_weight), ``dt = w ((pos_weight - 1) softplus(-x) - x)``.
    """
    _backward_name = "BinaryCrossEntropyWithLogitsBackward0"

    @staticmethod
    def forward(ctx, x, t, weight, pos_weight, reduction):
        softplus_neg = _softplus_neg(x)
        if pos_weight is None:
            loss = (1 - t) * x + softplus_neg
        else:
            loss = (1 - t) * x + (1 + (pos_weight - 1) * t) * softplus_neg
        if weight is not None:
            loss = loss * weight
        ctx.save_for_backward(x, t, weight, pos_weight, softplus_neg)
        ctx.reduction, ctx.n = reduction, loss.size
        return _reduce(loss.astype(np.result_type(x, t), copy=False), reduction)

    def _graph_saved(ctx, values):  # the weights are constants; softplus(-x) is recomputed
        return {2: values[2], 3: values[3], 4: _softplus_neg(ctx._inputs[0])}

    @staticmethod
    def backward(ctx, g):
        x, t, w, pw, softplus_neg = ctx.saved_tensors
        s = _upstream(g, ctx.reduction, ctx.n)
        if w is not None:
            s = s * w
        gx = gt = None
        if ctx.needs_input_grad[0]:
            sig = 1 / (1 + np.exp(-x))
            d = sig - t if pw is None else sig * (1 + (pw - 1) * t) - pw * t
            gx = (s * d).astype(x.dtype, copy=False)
        if ctx.needs_input_grad[1]:
            d = -x if pw is None else (pw - 1) * softplus_neg - x
            gt = (s * d).astype(t.dtype, copy=False)
        return gx, gt


def _softplus_neg(x):
    """``log(1 + exp(-x))`` without overflow: ``m + log(exp(-m) + exp(-x - m))``, ``m = max(-x, 0)``."""
    max_val = np.maximum(-x, 0)
    return max_val + np.log(np.exp(-max_val) + np.exp(-x - max_val))


class KLDiv(ArrayFunction):
    """Pointwise KL divergence with ``input`` = log-probabilities ``x`` and target ``t``::

        log_target=False:  t * log(t) - t * x     (0 where t == 0, as torch's xlogy)
        log_target=True:   exp(t) * (t - x)

    Backward: ``dx = -t`` (``-exp(t)``); ``dt = log(t) + 1 - x`` (``exp(t) (t - x + 1)``).
    At ``t == 0`` torch's ``dt`` is NaN (from ``t / t`` in xlogy's derivative); so is ours.
    """

    @staticmethod
    def forward(ctx, x, t, reduction, log_target):
        if log_target:
            loss = np.exp(t) * (t - x)
        else:
            loss = np.where(t == 0, t.dtype.type(0), t * np.log(t)) - t * x
        ctx.save_for_backward(x, t)
        ctx.reduction, ctx.log_target, ctx.n = reduction, log_target, loss.size
        ctx._backward_name = {"mean": "MeanBackward0", "sum": "SumBackward0", "batchmean": "DivBackward0",
                              "none": "MulBackward0" if log_target else "SubBackward0"}[reduction]
        if reduction == "batchmean":
            total = loss.sum(dtype=loss.dtype)
            return np.asarray(total / loss.dtype.type(x.shape[0])) if x.ndim else np.asarray(total)
        return _reduce(loss, reduction)

    @staticmethod
    def backward(ctx, g):
        x, t = ctx.saved_tensors
        if ctx.reduction == "batchmean":
            s = g / x.shape[0] if x.ndim else g
        else:
            s = _upstream(g, ctx.reduction, ctx.n)
        gx = gt = None
        if ctx.needs_input_grad[0]:
            gx = ((-np.exp(t) if ctx.log_target else -t) * s).astype(x.dtype, copy=False)
        if ctx.needs_input_grad[1]:
            if ctx.log_target:
                d = np.exp(t) * (t - x) + np.exp(t)
            else:
                d = np.where(t != 0, np.log(t), 0) + t / t - x
            gt = (d * s).astype(t.dtype, copy=False)
        return gx, gt
