"""softmax and log_softmax along one dimension, computed the numerically stable way.

Both subtract the row maximum before exponentiating (so logits of 1e4 stay finite), as
torch's kernels do. Backward, with ``y`` the output:
softmax: ``dx = y * (g - sum(g * y))``; log_softmax: ``dx = g - exp(y) * sum(g)``.
"""
import warnings

import numpy as np

from .. import _dtype
from .._tensor import _wrap_dim
from ..autograd.function import Function
from .pointwise import _operand


def _softmax_dim(ndim, name):
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X as an argument.", UserWarning, stacklevel=4)
    return 0 if ndim in (0, 1, 3) else 1


class Softmax(Function):
    _raw, _backward_name = True, "SoftmaxBackward0"

    @staticmethod
    def forward(ctx, x, dim):
        e = np.exp(x - np.max(x, axis=dim, keepdims=True))
        y = e / np.sum(e, axis=dim, keepdims=True)
        ctx.save_for_backward(y)
        ctx.dim = dim
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return y * (g - np.sum(g * y, axis=ctx.dim, keepdims=True)), None


class LogSoftmax(Function):
    _raw, _backward_name = True, "LogSoftmaxBackward0"

    @staticmethod
    def forward(ctx, x, dim):
        shifted = x - np.max(x, axis=dim, keepdims=True)
        y = shifted - np.log(np.sum(np.exp(shifted), axis=dim, keepdims=True))
        ctx.save_for_backward(y)
        ctx.dim = dim
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g - np.exp(y) * np.sum(g, axis=ctx.dim, keepdims=True), None


def _prepare(input, dim, dtype, name):
    x = _operand(input)
    if dtype is not None:
        x = x.to(dtype)
    elif x._data.dtype.kind not in "fc":
        raise NotImplementedError(f"\"{name}_lastdim_kernel_impl\" not implemented for '{_LONG.get(x.dtype._name, x.dtype._name)}'")
    if dim is None:
        dim = _softmax_dim(x._data.ndim, name)
    d = _wrap_dim(dim, x._data.ndim) if x._data.ndim else None
    return x, d


_LONG = {"int64": "Long", "int32": "Int", "bool": "Bool", "uint8": "Byte"}


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    x, d = _prepare(input, dim, dtype, "softmax")
    return Softmax.apply(x, d)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    x, d = _prepare(input, dim, dtype, "log_softmax")
    return LogSoftmax.apply(x, d)


# ---------------------------------------------------------------------------- hardtanh / relu6

class Hardtanh(Function):
    """``clamp(x, min_val, max_val)``; the gradient passes strictly inside the interval
    (torch's ``hardtanh_backward`` zeroes it where ``x <= min_val`` or ``x >= max_val``)."""
    _raw, _backward_name = True, "HardtanhBackward0"

    @staticmethod
    def forward(ctx, x, *, min_val, max_val):
        ctx.save_for_backward(x)
        ctx.bounds = (min_val, max_val)
        lo, hi = (x.dtype.type(min_val), x.dtype.type(max_val))  # an int tensor truncates the bounds, as torch
        return np.clip(x, lo, hi)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        lo, hi = ctx.bounds
        return np.where((x <= lo) | (x >= hi), np.zeros((), g.dtype), g)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """``torch.nn.functional.hardtanh`` (``relu6`` is ``hardtanh(x, 0, 6)``, same node)."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    x = _operand(input)
    if x.dtype._name == "bool":
        raise NotImplementedError("Bool inputs not supported for hardtanh")
    if inplace:
        from .inplace import inplace as _inplace
        return _inplace(x, lambda t: Hardtanh.apply(t, min_val=min_val, max_val=max_val))
    return Hardtanh.apply(x, min_val=min_val, max_val=max_val)
