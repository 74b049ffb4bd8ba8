"""Batch and layer normalisation.

``batch_norm`` normalises each channel over the batch (and spatial) dimensions:
``y = (x - mean) / sqrt(var + eps) * weight + bias``. In training it uses the batch's
statistics (biased variance) and updates the running estimates in place with
``running = (1 - momentum) * running + momentum * batch_stat`` (unbiased variance
there, as torch does); in evaluation it uses the running estimates. ``layer_norm``
normalises each sample over its last dimensions. Both backwards are the classic
closed forms, with ``xhat`` the normalised input and ``m`` the number of values per
statistic: ``dx = (m * dxhat - sum(dxhat) - xhat * sum(dxhat * xhat)) / (m * std)``.
"""
import numpy as np

from .._tensor import Size
from .._opmath import stored
from ..autograd.function import ArrayFunction
from .pointwise import _operand


def _check_mixed(x, *params):
    """torch's CPU kernels accept float32 parameters with a reduced-precision input only."""
    for t in params:
        if t is not None and t._data.dtype != x._data.dtype:
            if x._data.dtype == np.float32:
                raise RuntimeError("mixed dtype (CPU): expect parameter to have scalar type of Float")
            raise RuntimeError("mixed dtype (CPU): all inputs must share same datatype.")


def _normalize(x, axes, eps):
    """``(xhat, invstd, mean, var)`` of ``x`` over ``axes``: ``xhat = (x - mean) * invstd``
    with ``invstd = 1 / sqrt(var + eps)`` (biased variance). Also run on graph tensors, to
    put ``xhat`` and ``invstd`` in a higher-order gradient's graph."""
    mean = x.mean(axis=axes, keepdims=True)
    var = np.var(x, axis=axes, keepdims=True)
    invstd = 1 / np.sqrt(var + eps)
    return (x - mean) * invstd, invstd, mean, var


def _normalize_backward(g_xhat, xhat, invstd, axes, m):
    s1 = g_xhat.sum(axis=axes, keepdims=True)
    s2 = (g_xhat * xhat).sum(axis=axes, keepdims=True)
    return (m * g_xhat - s1 - xhat * s2) * (invstd / m)


class BatchNorm(ArrayFunction):
    _backward_name = "NativeBatchNormBackward0"

    @staticmethod
    def forward(ctx, x, weight, bias, *, running_mean, running_var, training, momentum, eps):
        axes = (0,) + tuple(range(2, x.ndim))
        shape = (1, x.shape[1]) + (1,) * (x.ndim - 2)
        if training:
            mean, var = x.mean(axis=axes, keepdims=True), x.var(axis=axes, keepdims=True)
            m = x.size // x.shape[1]
            if running_mean is not None:
                running_mean *= 1 - momentum
                running_mean += momentum * mean.reshape(-1)
            if running_var is not None:
                running_var *= 1 - momentum
                running_var += momentum * var.reshape(-1) * (m / max(m - 1, 1))
        else:
            mean, var = running_mean.reshape(shape).copy(), running_var.reshape(shape)  # (kept: see _graph_saved)
        # torch keeps the statistics it saves for backward in the input's dtype (_opmath.stored)
        mean, invstd = stored(ctx, mean), stored(ctx, 1 / np.sqrt(var + eps))
        xhat = (x - mean) * invstd
        w = weight.reshape(shape) if weight is not None else None
        y = xhat * w if w is not None else xhat
        if bias is not None:
            y = y + bias.reshape(shape)
        ctx.save_for_backward(xhat, invstd, w, None if training else mean)  # (the running mean: for create_graph)
        ctx.training, ctx.axes, ctx.eps, ctx.m = training, axes, eps, x.size // max(x.shape[1], 1)
        return y.astype(x.dtype, copy=False)

    def _graph_saved(ctx, values):
        """create_graph: ``xhat`` (and in training ``invstd``) recomputed from the input, in
        the graph; the weight, reshaped as it was saved."""
        x, w = ctx._inputs[0], ctx._inputs[1]
        xhat, invstd = _normalize(x, ctx.axes, ctx.eps)[:2] if ctx.training else ((x - values[3]) * values[1], values[1])
        return {0: xhat, 1: invstd, 2: None if w is None else w.reshape(values[2].shape), 3: values[3]}

    @staticmethod
    def backward(ctx, g):
        xhat, invstd, w, _ = ctx.saved_tensors
        axes = ctx.axes
        g_xhat = g * w if w is not None else g
        if ctx.training:
            gx = _normalize_backward(g_xhat, xhat, invstd, axes, ctx.m)
        else:
            gx = g_xhat * invstd
        gw = (g * xhat).sum(axis=axes) if ctx.needs_input_grad[1] else None
        gb = g.sum(axis=axes) if ctx.needs_input_grad[2] else None
        return gx, gw, gb


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-05):
    x = _operand(input)
    if training:
        per_channel = x._data.size // x._data.shape[1] if x._data.ndim > 1 else x._data.size
        if per_channel == 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input size {Size(x._data.shape)}")
    c = x._data.shape[1] if x._data.ndim > 1 else None
    if c is None:
        raise IndexError(f"Dimension out of range (expected to be in range of [-1, 0], but got 1)")
    # torch's order of checks: running_mean, running_var, weight, bias
    for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight), ("bias", bias)):
        if t is not None and t._data.size != c:
            raise RuntimeError(f"{name} should contain {c} elements not {t._data.size}")
        if t is None and not training and name.startswith("running"):
            raise RuntimeError(f"{name} must be defined in evaluation mode")
    _check_mixed(x, weight, bias, running_mean, running_var)
    rm = running_mean._data if running_mean is not None else None
    rv = running_var._data if running_var is not None else None
    return BatchNorm.apply(x, weight, bias, running_mean=rm, running_var=rv, training=training, momentum=momentum,
                           eps=eps)


class LayerNorm(ArrayFunction):
    _backward_name = "NativeLayerNormBackward0"

    @staticmethod
    def forward(ctx, x, weight, bias, *, k, eps):
        axes = tuple(range(x.ndim - k, x.ndim))
        xhat, invstd = _normalize(x, axes, eps)[:2]
        y = xhat * weight if weight is not None else xhat
        if bias is not None:
            y = y + bias
        ctx.save_for_backward(xhat, invstd, weight)
        ctx.axes, ctx.eps = axes, eps
        return y.astype(x.dtype, copy=False)

    def _graph_saved(ctx, values):  # create_graph: xhat and invstd recomputed from the input, in the graph
        xhat, invstd = _normalize(ctx._inputs[0], ctx.axes, ctx.eps)[:2]
        return {0: xhat, 1: invstd}

    @staticmethod
    def backward(ctx, g):
        xhat, invstd, w = ctx.saved_tensors
        axes = ctx.axes
        lead = tuple(range(g.ndim - len(axes)))
        g_xhat = g * w if w is not None else g
        m = int(np.prod([g.shape[a] for a in axes]))
        gx = _normalize_backward(g_xhat, xhat, invstd, axes, m)
        gw = (g * xhat).sum(axis=lead) if ctx.needs_input_grad[1] else None
        gb = g.sum(axis=lead) if ctx.needs_input_grad[2] else None
        return gx, gw, gb


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05):
    x = _operand(input)
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if tuple(x._data.shape[x._data.ndim - len(shape):]) != shape:
        raise RuntimeError(
            f"Given normalized_shape={list(shape)}, expected input with shape [*, {', '.join(map(str, shape))}], "
            f"but got input of size{list(x._data.shape)}")
    _check_mixed(x, weight, bias)
    return LayerNorm.apply(x, weight, bias, k=len(shape), eps=eps)
