"""Scatter-style ops: ``scatter`` / ``scatter_add``, ``one_hot`` and ``embedding``.

``scatter(dim, index, src)`` writes ``src[i][j]`` to ``out[index[i][j]][j]`` (for
dim=0): the inverse of ``gather``. Its backward gathers the output gradient back for
``src`` and zeroes it for the overwritten places of ``input``. ``embedding`` is a row
lookup ``weight[indices]`` whose backward adds each row's gradients (``add_rows``, since
the same index may appear many times), except at ``padding_idx``.
"""
import numpy as np

from .. import _dtype
from .._tensor import Tensor, _wrap, _wrap_dim
from ..autograd.function import ArrayFunction
from .pointwise import _operand
from .shape import add_rows


def _full_index(index, dim):
    idx = list(np.indices(index.shape, sparse=True))
    idx[dim] = index
    return tuple(idx)


class Scatter(ArrayFunction):
    """``x`` with ``src`` written (or, ``reduce_add``, added) at ``index`` along ``dim``."""

    @staticmethod
    def forward(ctx, x, src, dim, index, reduce_add):
        out = x.copy()
        where = _full_index(index, dim)
        vals = src[tuple(slice(0, s) for s in index.shape)] if isinstance(src, np.ndarray) and src.ndim else src
        if reduce_add:
            np.add.at(out, where, vals)
        else:
            out[where] = vals
        ctx.save_for_backward(where)
        ctx.reduce_add, ctx.src_shape = reduce_add, np.shape(src)
        ctx._backward_name = "ScatterAddBackward0" if reduce_add else "ScatterBackward0"
        return out

    @staticmethod
    def backward(ctx, g):
        where, = ctx.saved_tensors
        gx = g if ctx.reduce_add else g.copy()
        if not ctx.reduce_add:
            gx[where] = 0
        gsrc = None
        if len(ctx.needs_input_grad) > 1 and ctx.needs_input_grad[1]:
            gsrc = np.zeros(ctx.src_shape, dtype=g.dtype)
            gsrc[tuple(slice(0, s) for s in g[where].shape)] = g[where]
        return gx, gsrc


def _scatter(input, dim, index, src, value, reduce_add):
    x = _operand(input)
    index = _operand(index)
    if index._data.dtype != np.int64:
        raise RuntimeError("scatter(): Expected dtype int64 for index")
    d = _wrap_dim(dim, max(x._data.ndim, 1))
    if src is None:
        src = value
    if isinstance(src, Tensor) and src._data.dtype != x._data.dtype:
        raise RuntimeError(f"scatter(): Expected self.dtype to be equal to src.dtype")
    n = x._data.shape[d] if x._data.ndim else 1
    if index._data.size and (index._data.max() >= n or index._data.min() < -n):
        raise RuntimeError(f"index {int(index._data.max())} is out of bounds for dimension {d} with size {n}")
    idx = index._data.reshape(1) if index._data.ndim == 0 else index._data  # torch: a 0-d index acts as [i]
    if isinstance(src, Tensor):
        return Scatter.apply(x, src, dim=d, index=idx, reduce_add=reduce_add)
    return Scatter.apply(x, src=src, dim=d, index=idx, reduce_add=reduce_add)


def scatter(input, dim, index, src=None, *, value=None, reduce=None):
    if reduce is not None:
        raise NotImplementedError("minitorch_compat does not implement scatter(reduce=...) yet")
    return _scatter(input, dim, index, src, value, False)


def scatter_add(input, dim, index, src):
    return _scatter(input, dim, index, src, None, True)


def one_hot(tensor, num_classes=-1):
    """``F.one_hot``: int64 indices -> int64 one-hot rows (classes = max + 1 by default)."""
    t = _operand(tensor)
    if t._data.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if t._data.size and t._data.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if num_classes == -1:
        num_classes = int(t._data.max()) + 1 if t._data.size else 0
    elif t._data.size and t._data.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    return _wrap((t._data[..., None] == np.arange(num_classes)).astype(np.int64))


class Embedding(ArrayFunction):
    _backward_name = "EmbeddingBackward0"

    @staticmethod
    def forward(ctx, weight, idx, padding_idx, scale_grad_by_freq):
        ctx.save_for_backward(idx)
        ctx.shape, ctx.padding_idx, ctx.scale = weight.shape, padding_idx, scale_grad_by_freq
        return weight[idx]

    @staticmethod
    def backward(ctx, g):
        idx, = ctx.saved_tensors
        gw = np.zeros(ctx.shape, dtype=g.dtype)
        flat = idx.reshape(-1)
        rows = g.reshape(-1, ctx.shape[1])
        if ctx.scale:  # each occurrence counts 1/(occurrences of its index in the batch)
            rows = rows / np.bincount(flat, minlength=ctx.shape[0])[flat, None].astype(g.dtype)
        add_rows(gw, flat, rows)
        if ctx.padding_idx >= 0:
            gw[ctx.padding_idx] = 0
        return gw


def embedding(weight, input, padding_idx=-1, scale_grad_by_freq=False, sparse=False):
    """``torch.embedding(weight, indices)``: rows of ``weight``; a negative ``padding_idx``
    means none (``F.embedding`` normalises its own ``padding_idx`` before calling this)."""
    idx = _operand(input)
    if idx._data.dtype.kind not in "iu":
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got {idx.dtype._legacy_type} instead (while checking arguments for embedding)")
    n = weight._data.shape[0]
    if idx._data.size and (idx._data.max() >= n or idx._data.min() < 0):
        raise IndexError("index out of range in self")
    return Embedding.apply(weight, idx=idx._data, padding_idx=padding_idx, scale_grad_by_freq=scale_grad_by_freq)
