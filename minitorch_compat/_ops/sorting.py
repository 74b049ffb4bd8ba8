"""Sorting and selection: ``sort``, ``argsort``, ``topk``.

All three sort along one dimension with NumPy's *stable* sort, so equal values keep their
original order (torch's CPU sort does the same when ``stable=True``; for the default
it also happens to keep order on CPU). NaN sorts as the largest value, as in torch. The
backward of sort/topk puts each output gradient back at the index it came from.
"""
import numpy as np

from .. import return_types
from .._tensor import _wrap, _wrap_dim
from ..autograd.function import ArrayFunction
from .pointwise import _operand


def _order(x, dim, descending):
    if descending:
        # stable descending order: sort the reversed array ascending, then flip back
        # (keeps equal elements in their original order, NaN first like torch).
        rev = np.flip(x, dim)
        idx = np.flip(np.argsort(rev, axis=dim, kind="stable"), dim)
        return x.shape[dim] - 1 - idx
    return np.argsort(x, axis=dim, kind="stable")


class TakeAlong(ArrayFunction):
    """values = x gathered at ``idx`` along ``dim``; the gradient goes back to ``idx``."""

    @staticmethod
    def forward(ctx, x, idx, dim, name):
        ctx.save_for_backward(idx)
        ctx.dim, ctx.shape, ctx._backward_name = dim, x.shape, name
        return np.take_along_axis(x, idx, axis=dim)

    @staticmethod
    def backward(ctx, g):
        idx, = ctx.saved_tensors
        gx = np.zeros(ctx.shape, dtype=g.dtype)
        np.put_along_axis(gx, idx, g, axis=ctx.dim)
        return gx


def sort(input, dim=-1, descending=False, stable=False):
    x = _operand(input)
    if x._data.ndim == 0:
        return return_types.sort(x.clone(), _wrap(np.zeros((), dtype=np.int64)))
    d = _wrap_dim(dim, x._data.ndim)
    idx = _order(x._data, d, descending)
    return return_types.sort(TakeAlong.apply(x, idx=idx, dim=d, name="SortBackward0"), _wrap(idx.astype(np.int64)))


def argsort(input, dim=-1, descending=False, stable=False):
    return sort(input, dim, descending, stable).indices


def topk(input, k, dim=-1, largest=True, sorted=True):
    x = _operand(input)
    d = _wrap_dim(dim, max(x._data.ndim, 1))
    n = x._data.shape[d] if x._data.ndim else 1
    if not 0 <= k <= n:
        raise RuntimeError("selected index k out of range")
    idx = _order(x._data, d, largest) if x._data.ndim else np.zeros((), dtype=np.int64)
    idx = np.take(idx, np.arange(k), axis=d) if x._data.ndim else idx
    return return_types.topk(TakeAlong.apply(x, idx=idx, dim=d, name="TopkBackward0"), _wrap(idx.astype(np.int64)))


def kthvalue(input, k, dim=-1, keepdim=False):
    s = sort(input, dim)
    d = _wrap_dim(dim, input._data.ndim)
    values, indices = s.values.narrow(d, k - 1, 1), s.indices.narrow(d, k - 1, 1)
    if not keepdim:
        values, indices = values.squeeze(d), indices.squeeze(d)
    return return_types.kthvalue(values, indices)
