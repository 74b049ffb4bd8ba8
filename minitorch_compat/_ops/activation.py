"""Activations: softmax and log_softmax, and the nonlinearities beyond the pointwise table.

(``relu``, ``sigmoid`` and ``tanh`` are one-line entries of the unary table in
``pointwise.py``; the ones here take options or need a few lines.)

softmax and log_softmax subtract the maximum before exponentiating, so logits of 1e4
stay finite, as torch's kernels do. Backward, with ``y`` the output:
softmax ``dx = y * (g - sum(g * y))``; log_softmax ``dx = g - exp(y) * sum(g)``.
"""
import math
import warnings

import numpy as np

from .. import _checks
from .._opmath import stored
from .._tensor import _wrap_dim
from ..autograd.function import ArrayFunction
from .backward_ops import EluBackward, HardtanhBackward, LeakyReluBackward
from .pointwise import _operand
from .special import erf_float64


def log_softmax_array(x, axis):
    """``x - max - log(sum(exp(x - max)))`` along ``axis``: the stable log-softmax of an array."""
    shifted = x - x.max(axis=axis, keepdims=True)
    shifted -= np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
    return shifted


def log_softmax_lastdim_16bit(ctx, x):
    """``log_softmax_array`` over the last dimension of a float16/bfloat16 input, as torch's
    kernel for that case computes it: the sum of exponentials, its log and the output are
    kept in the input's dtype (``_opmath.stored``)."""
    shifted = x - x.max(axis=-1, keepdims=True)
    shifted -= stored(ctx, np.log(stored(ctx, np.exp(shifted).sum(axis=-1, keepdims=True))))
    return stored(ctx, shifted)


class Softmax(ArrayFunction):
    _backward_name = "SoftmaxBackward0"
    _save_names = ("result",)

    @staticmethod
    def forward(ctx, x, dim, dim_given=None):
        e = np.exp(x - np.max(x, axis=dim, keepdims=True))
        y = e / np.sum(e, axis=dim, keepdims=True)
        ctx.save_for_backward(y)
        ctx.dim, ctx.dim_given = dim, dim_given  # (as the user gave it: grad_fn._saved_dim)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return softmax_backward(y, g, ctx.dim)


def softmax_backward(y, g, dim):
    """The gradient through ``y = softmax(x)``: ``y * (g - sum(g * y))`` along ``dim``."""
    return y * (g - np.sum(g * y, axis=dim, keepdims=True))


class LogSoftmax(ArrayFunction):
    _backward_name = "LogSoftmaxBackward0"
    _save_names = ("result",)

    @staticmethod
    def forward(ctx, x, dim, dim_given=None):
        y = log_softmax_array(x, dim) if ctx._low is None or dim % x.ndim != x.ndim - 1 else log_softmax_lastdim_16bit(ctx, x)
        ctx.save_for_backward(y)
        ctx.dim, ctx.dim_given = dim, dim_given
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g - np.exp(y) * np.sum(g, axis=ctx.dim, keepdims=True)


def _prepare(input, dim, dtype, name):
    x = _operand(input)
    if dtype is not None:
        x = x.to(dtype)
    else:
        _checks.floating_input(x._data, f"{name}_lastdim_kernel_impl")
    if dim is None:
        warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X "
                      "as an argument.", UserWarning, stacklevel=4)
        dim = 0 if x._data.ndim in (0, 1, 3) else 1
    return x, (_wrap_dim(dim, x._data.ndim) if x._data.ndim else None)


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    x, d = _prepare(input, dim, dtype, "softmax")
    return Softmax.apply(x, dim=d, dim_given=dim)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    x, d = _prepare(input, dim, dtype, "log_softmax")
    return LogSoftmax.apply(x, dim=d, dim_given=dim)


# ---- nonlinearities with options ------------------------------------------------------
class LeakyRelu(ArrayFunction):
    """``x`` where ``x > 0``, else ``slope * x``."""
    _backward_name = "LeakyReluBackward0"
    _save_names = ("self",)

    @staticmethod
    def forward(ctx, x, slope):
        ctx.save_for_backward(x)
        ctx.slope = slope
        return np.where(x > 0, x, x * slope)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return LeakyReluBackward.call(g, x, negative_slope=ctx.slope)


class Elu(ArrayFunction):
    """``x`` where ``x > 0``, else ``alpha * (exp(x) - 1)``."""
    _backward_name = "EluBackward0"
    _save_names = ("self",)

    @staticmethod
    def forward(ctx, x, alpha):
        ctx.save_for_backward(x)
        ctx.alpha = alpha
        return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return EluBackward.call(g, x, alpha=ctx.alpha)


class Silu(ArrayFunction):
    """``x * sigmoid(x)`` (a.k.a. swish); backward ``s (1 + x (1 - s))`` with ``s = sigmoid(x)``."""
    _backward_name = "SiluBackward0"
    _save_names = ("self",)

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x / (1 + np.exp(-x))

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        s = 1 / (1 + np.exp(-x))
        return g * s * (1 + x * (1 - s))


class Softplus(ArrayFunction):
    """``log(1 + exp(beta x)) / beta``, and ``x`` itself where ``beta x > threshold``."""
    _backward_name = "SoftplusBackward0"
    _save_names = ("self",)

    @staticmethod
    def forward(ctx, x, beta, threshold):
        ctx.save_for_backward(x)
        ctx.beta, ctx.threshold = beta, threshold
        bx = x * beta
        return np.where(bx > threshold, x, np.log1p(np.exp(bx)) / beta)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        bx = x * ctx.beta
        return np.where(bx > ctx.threshold, g, g / (1 + np.exp(-bx)))


_SQRT_HALF = math.sqrt(0.5)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)


class Gelu(ArrayFunction):
    """GELU(x) = x * Phi(x), Phi the standard normal CDF (computed in float64 from ``erf``);
    ``approximate='tanh'`` uses ``0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))``."""
    _backward_name = "GeluBackward0"
    _save_names = ("self",)

    @staticmethod
    def forward(ctx, x, approximate):
        ctx.save_for_backward(x)
        ctx.approximate = approximate
        if approximate == "tanh":
            t = np.tanh(_SQRT_2_OVER_PI * (x + 0.044715 * x * x * x))
            return (0.5 * x * (1 + t)).astype(x.dtype, copy=False)
        cdf = 0.5 * (1.0 + erf_float64(x.astype(np.float64) * _SQRT_HALF))
        return (x * cdf).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        if ctx.approximate == "tanh":
            t = np.tanh(_SQRT_2_OVER_PI * (x + 0.044715 * x * x * x))
            d = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * _SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x)
        else:
            x64 = x.astype(np.float64)
            d = 0.5 * (1.0 + erf_float64(x64 * _SQRT_HALF)) + x64 * _INV_SQRT_2PI * np.exp(-0.5 * x64 * x64)
        return (g * d).astype(g.dtype, copy=False)


# ---- hardtanh / relu6 -----------------------------------------------------------------
class Hardtanh(ArrayFunction):
    """``clamp(x, min_val, max_val)``; the gradient passes strictly inside the interval
    (torch's ``hardtanh_backward`` zeroes it where ``x <= min_val`` or ``x >= max_val``)."""
    _backward_name = "HardtanhBackward0"
    _save_names = ("self",)

    @staticmethod
    def forward(ctx, x, *, min_val, max_val):
        ctx.save_for_backward(x)
        ctx.bounds = (min_val, max_val)
        # an integer tensor truncates the bounds, as torch converts them to its dtype
        return np.clip(x, x.dtype.type(min_val), x.dtype.type(max_val))

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        lo, hi = ctx.bounds
        return HardtanhBackward.call(g, x, min_val=lo, max_val=hi)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """``torch.nn.functional.hardtanh`` (``relu6`` is ``hardtanh(x, 0, 6)``, the same node)."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    x = _operand(input)
    if x.dtype._name == "bool":
        raise NotImplementedError("Bool inputs not supported for hardtanh")
    if inplace:
        from .inplace import inplace as _inplace
        return _inplace(x, lambda t: Hardtanh.apply(t, min_val=min_val, max_val=max_val))
    return Hardtanh.apply(x, min_val=min_val, max_val=max_val)
