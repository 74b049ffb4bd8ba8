"""Sorting and what is built on it: ``sort``, ``argsort``, ``topk``, ``kthvalue``,
``unique``, ``unique_consecutive``, ``searchsorted`` and ``bucketize``.

All sort along one dimension with NumPy's *stable* sort, so equal values keep their
original order (torch's CPU sort does the same when ``stable=True``; for the default
it also happens to keep order on CPU). NaN sorts as the largest value, as in torch. The
backward of sort/topk puts each output gradient back at the index it came from.

``unique`` is ``np.unique`` with every NaN kept apart (NaN != NaN, as in torch), always
sorted (torch's CPU kernel sorts even with ``sorted=False``). torch records a node for a
floating ``unique`` but has no derivative for it: backward raises, as here.
``searchsorted`` over a batch of sorted rows counts, for each value, the row's elements
below it (``<``, or ``<=`` for ``side="right"``): a vectorised binary search.
"""
import numpy as np

from .. import return_types
from .._tensor import Tensor, _wrap, _wrap_dim
from ..autograd.function import ArrayFunction
from .pointwise import _operand, _out


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

    @staticmethod
    def _graph_backward(ctx, g):  # under create_graph: the same sends (each index once) with scatter_add
        from .creation import zeros
        return zeros(ctx.shape, dtype=g.dtype).scatter_add(ctx.dim, _wrap(ctx.saved_tensors[0]), g)


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


# ---- unique ---------------------------------------------------------------------------
class Unique(ArrayFunction):
    """The unique values (plus inverse indices and counts): a node without a derivative."""

    @staticmethod
    def forward(ctx, x, dim, consecutive):
        ctx._backward_name, ctx.op = (("UniqueConsecutiveBackward0", "unique_consecutive") if consecutive else
                                      ("Unique2Backward0", "_unique2") if dim is None else
                                      ("UniqueDimBackward0", "unique_dim"))
        return (_unique_consecutive if consecutive else _unique)(x, dim)

    @staticmethod
    def backward(ctx, *grads):
        raise NotImplementedError(f"the derivative for '{ctx.op}' is not implemented.")


def _unique(x, dim):
    if dim is None:
        values, inverse, counts = np.unique(x.reshape(-1), return_inverse=True, return_counts=True, equal_nan=False)
        return values, inverse.reshape(x.shape).astype(np.int64), counts.astype(np.int64)
    if x.size == 0:
        if x.shape[dim] != 0:
            raise RuntimeError("There are 0 sized dimensions, and they aren't selected, so unique cannot be applied")
        return x.copy(), np.zeros(0, np.int64), np.zeros(0, np.int64)
    values, inverse, counts = np.unique(x, axis=dim, return_inverse=True, return_counts=True, equal_nan=False)
    return values, inverse.reshape(-1).astype(np.int64), counts.astype(np.int64)


def _unique_consecutive(x, dim):
    """Runs of equal values (slices, along ``dim``): a new run starts where a value differs
    from the one before it."""
    flat = x.reshape(-1) if dim is None else np.moveaxis(x, dim, 0).reshape(x.shape[dim], -1)
    differs = flat[1:] != flat[:-1]
    if flat.ndim == 2:
        differs = differs.any(axis=1)
    new_run = np.concatenate([np.ones(min(flat.shape[0], 1), bool), differs])
    starts = np.flatnonzero(new_run)
    inverse = np.cumsum(new_run) - 1
    counts = np.diff(np.append(starts, flat.shape[0]))
    values = x.reshape(-1)[starts] if dim is None else np.take(x, starts, axis=dim)
    return values, inverse.reshape(x.shape if dim is None else -1), counts.astype(np.int64)


def _unique_results(input, dim, consecutive, return_inverse, return_counts):
    x = _operand(input)
    if dim is not None:
        if x._data.ndim == 0:
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        dim = _wrap_dim(dim, x._data.ndim)
    values, inverse, counts = Unique.apply(x, dim=dim, consecutive=consecutive)
    if values.ndim == 0:  # torch's unique of a 0-d tensor is 1-d, its inverse index 0-d
        values = values.reshape(1)
    out = (values,) + ((inverse,) if return_inverse else ()) + ((counts,) if return_counts else ())
    return out if len(out) > 1 else values


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    return _unique_results(input, dim, False, return_inverse, return_counts)


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    return _unique_results(input, dim, True, return_inverse, return_counts)


# ---- searchsorted / bucketize ---------------------------------------------------------------
def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None, out=None):
    """For each value, the index where inserting it keeps its row of ``sorted_sequence``
    sorted: the first such index, or with ``right``/``side="right"`` the last."""
    seq = _operand(sorted_sequence)._data
    scalar = not isinstance(input, Tensor)
    values = np.asarray(input) if scalar else input._data
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}")
        if right and side == "left":
            raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, got side of left "
                               "while right was True")
        right = side == "right"
    if sorter is not None:
        if sorter.shape != seq.shape:
            raise RuntimeError(f"torch.searchsorted(): boundary and sorter must have the same size, but got boundary "
                               f"tensor {list(seq.shape)}and got sorter tensor {list(sorter.shape)}")
        seq = np.take_along_axis(seq, sorter._data, axis=-1)
    if seq.ndim == 1:
        idx = np.searchsorted(seq, values, side="right" if right else "left")
    else:
        if seq.shape[:-1] != values.shape[:-1]:
            raise RuntimeError("torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
                               "dimensions of boundaries tensor and input value tensor must match, but we got "
                               f"boundaries tensor {list(seq.shape)} and input value tensor {list(values.shape)}")
        below = seq[..., None, :] <= values[..., :, None] if right else seq[..., None, :] < values[..., :, None]
        idx = below.sum(axis=-1)
    return _out(_wrap(np.asarray(idx, dtype=np.int32 if out_int32 else np.int64)), out)


def bucketize(input, boundaries, *, out_int32=False, right=False, out=None):
    """The bucket of each value: ``i`` with ``boundaries[i-1] < x <= boundaries[i]``
    (``<=`` then ``<`` with ``right=True``): ``searchsorted`` of a 1-d ``boundaries``."""
    if boundaries._data.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries._data.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right, out=out)
