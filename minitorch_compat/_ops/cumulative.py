"""Running reductions along one dimension: ``cumsum``, ``cumprod``, ``cummax``, ``cummin``
and ``logcumsumexp`` (torch's ``aten/src/ATen/native/ReduceOps.cpp``).

Each output element ``j`` reduces the inputs ``0..j``, so each input ``k`` feeds every
output ``j >= k``, and the backward passes are *reversed* running sums:

* cumsum: ``grad_k = sum_{j>=k} g_j``.
* cumprod: ``grad_k = sum_{j>=k} g_j out_j / x_k`` while no zero came before ``k``; at the
  first zero ``z``, ``grad_z = sum_{j>=z} g_j prod_{i<=j, i!=z} x_i`` (the running product
  with that zero taken out), and 0 after it (every product there keeps the zero).
* cummax/cummin: each output came from one input (``indices``); its gradient goes there.
* logcumsumexp: ``grad_k = sum_{j>=k} g_j exp(x_k - out_j)``, computed as torch does in log
  space, positive and negative gradients apart, so no ``exp`` overflows.

Integer and bool inputs of ``cumsum``/``cumprod`` accumulate in int64, as in torch.
``cummax`` keeps the index of the *last* of equal maxima, and a NaN, once seen, wins.
"""
import numpy as np

from .. import return_types
from .._tensor import _wrap, _wrap_dim
from .. import _checks
from ..autograd.function import ArrayFunction
from .pointwise import _operand
from .reduction import _sum_dtype


def _reverse_cumulative(ufunc, a, dim):
    return np.flip(ufunc.accumulate(np.flip(a, dim), axis=dim), dim)


class _Running(ArrayFunction):
    """``ufunc.accumulate`` along ``dim`` (a 0-d input, ``dim=None`` here, is its own result);
    each subclass gives the backward of its running reduction as ``grad(g, x, out, dim)``."""
    ufunc = None
    saves = True  # whether the backward needs the input and output

    @classmethod
    def forward(cls, ctx, x, dim, np_dtype=None):
        if dim is None:
            out = np.array(x, dtype=np_dtype or x.dtype)
        else:
            out = cls.ufunc.accumulate(x, axis=dim, dtype=np_dtype)
        if cls.saves:
            ctx.save_for_backward(x, out)
        ctx.dim = dim
        return out

    @classmethod
    def backward(cls, ctx, g):
        if ctx.dim is None:
            return g
        return cls.grad(g, *(ctx.saved_tensors if cls.saves else (None, None)), ctx.dim)


class CumSum(_Running):
    _backward_name, ufunc, saves = "CumsumBackward0", np.add, False

    @staticmethod
    def grad(g, x, out, d):
        return _reverse_cumulative(np.add, g, d)


class CumProd(_Running):
    """(Under create_graph the same formula runs on Tensors: its running sums and products as
    cumsum and cumprod, the first zero's position computed on the data.)"""
    _backward_name, ufunc = "CumprodBackward0", np.multiply
    _save_names = ("self", "result")

    @staticmethod
    def grad(g, x, out, d):
        if x.shape[d] == 1:  # (as torch: the gradient itself, with no division by a tiny x)
            return g
        zero = x == 0
        if not zero.any():
            return _reverse_cumulative(np.add, g * out, d) / x
        n = x.shape[d]
        first_zero = np.expand_dims(np.where(np.any(zero, axis=d), np.argmax(zero, axis=d), n), d)
        k = np.arange(n).reshape((n,) + (1,) * (x.ndim - d - 1))
        before = k < first_zero
        safe_x = np.where(before, x, 1)
        grad = np.where(before, _reverse_cumulative(np.add, g * out, d) / safe_x, 0)
        # at the first zero: the running product with that zero replaced by 1
        without_zero = np.cumprod(np.where(k == first_zero, 1, x), axis=d)
        at_zero = _reverse_cumulative(np.add, g * without_zero, d)
        return np.where(k == first_zero, at_zero, grad)


def cumsum(input, dim, *, dtype=None, out=None):
    return _cumulative(CumSum, input, dim, dtype, out)


def cumprod(input, dim, *, dtype=None, out=None):
    return _cumulative(CumProd, input, dim, dtype, out)


def _cumulative(function, input, dim, dtype, out):
    x = _operand(input)
    x = x if dtype is None else x.to(dtype)
    d = _wrap_dim(dim, x._data.ndim)
    result = function.apply(x, dim=d if x._data.ndim else None, np_dtype=_sum_dtype(x, None))
    return result if out is None else _checks.write_out(result, out)


class CumMaxMin(ArrayFunction):
    """(values, indices) of the running max (or min); the gradient goes back to ``indices``."""

    @staticmethod
    def forward(ctx, x, dim, is_max):
        ctx._backward_name = "CummaxBackward0" if is_max else "CumminBackward0"
        ctx.dim, ctx.shape = dim, x.shape
        if x.ndim == 0:
            ctx.save_for_backward(None)
            return x.copy(), np.zeros((), np.int64)
        values = (np.maximum if is_max else np.minimum).accumulate(x, axis=dim)
        # a new record where x equals the running value (so ties move the index on) or is NaN
        record = (x == values) | (x != x)
        positions = np.arange(x.shape[dim]).reshape((-1,) + (1,) * (x.ndim - dim - 1))
        indices = np.maximum.accumulate(np.where(record, positions, 0), axis=dim).astype(np.int64)
        ctx.save_for_backward(indices)
        return values, indices

    @staticmethod
    def backward(ctx, g, g_indices=None):
        indices, = ctx.saved_tensors
        if indices is None:
            return g
        gx = np.zeros(ctx.shape, g.dtype)
        where = list(np.indices(indices.shape, sparse=True))
        where[ctx.dim] = indices
        np.add.at(gx, tuple(where), g)
        return gx

    @staticmethod
    def _graph_backward(ctx, g, g_indices=None):  # under create_graph: the same sums with scatter_add
        from .creation import zeros
        indices, = ctx.saved_tensors
        return g if indices is None else zeros(ctx.shape, dtype=g.dtype).scatter_add(ctx.dim, _wrap(indices), g)


def cummax(input, dim):
    x = _operand(input)
    return return_types.cummax(*CumMaxMin.apply(x, dim=_wrap_dim(dim, x._data.ndim), is_max=True))


def cummin(input, dim):
    x = _operand(input)
    return return_types.cummin(*CumMaxMin.apply(x, dim=_wrap_dim(dim, x._data.ndim), is_max=False))


class LogCumSumExp(_Running):
    _backward_name, ufunc = "LogcumsumexpBackward0", np.logaddexp

    @staticmethod
    def grad(g, x, out, d):
        lowest = np.finfo(g.dtype).min  # torch's stand-in for log(0): finite, so no inf - inf
        log_abs = np.log(np.abs(g))
        positive = np.where(g > 0, log_abs, lowest)
        negative = np.where(g < 0, log_abs, lowest)
        return (np.exp(_reverse_cumulative(np.logaddexp, positive - out, d) + x)
                - np.exp(_reverse_cumulative(np.logaddexp, negative - out, d) + x))

    @staticmethod
    def _graph_backward(ctx, g):  # under create_graph: the same formula, the reverse running sums as logcumsumexp
        from .pointwise import where
        x, d = ctx._inputs[0], ctx.dim
        if d is None:
            return g
        out, lowest, log_abs = x.logcumsumexp(d), float(np.finfo(g._data.dtype).min), g.abs().log()
        def reverse(a):
            return (a - out).flip(d).logcumsumexp(d).flip(d) + x
        return reverse(where(g > 0, log_abs, lowest)).exp() - reverse(where(g < 0, log_abs, lowest)).exp()


def logcumsumexp(input, dim, *, out=None):
    x = _operand(input)
    _checks.floating_input(x._data, "logcumsumexp_out_cpu")
    d = _wrap_dim(dim, x._data.ndim)
    result = LogCumSumExp.apply(x, dim=d if x._data.ndim else None)
    return result if out is None else _checks.write_out(result, out)
