"""Rearranging ops: ``roll``, ``rot90``, ``tril``/``triu``, ``diff``, ``repeat_interleave``,
``meshgrid``, ``cartesian_prod`` and ``block_diag``.

torch implements the first four as kernels with their own backward nodes (``RollBackward0``
is a roll by ``-shifts``, ``Rot90Backward0`` a rotation by ``-k``, ``TrilBackward0`` the same
mask applied to the gradient), and so does this file. ``block_diag`` is one node too: each
input's gradient is its block of the output gradient. The others are, in torch as here,
compositions of views and arithmetic (``diff`` is ``x[1:] - x[:-1]``, ``meshgrid`` a
``view`` then ``expand`` per input...), so their graphs come out as torch's.
"""
import warnings

import numpy as np

from .. import _dtype
from .._tensor import Tensor, _wrap, _wrap_dim
from ..autograd.function import ArrayFunction
from .pointwise import _operand, _out, logical_xor, sub
from .creation import empty_like
from .shape import cat, clone, expand, flatten, index_select, narrow, reshape, stack, unsqueeze, view


def _dims(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v,)


class Roll(ArrayFunction):
    _backward_name = "RollBackward0"

    @staticmethod
    def forward(ctx, x, shifts, dims):
        ctx.shifts, ctx.dims = shifts, dims
        if dims is None:  # roll the flattened tensor
            return np.roll(x.reshape(-1), shifts).reshape(x.shape)
        return np.roll(x, shifts, dims)

    @staticmethod
    def backward(ctx, g):
        back = tuple(-s for s in ctx.shifts)
        return np.roll(g.reshape(-1), back).reshape(g.shape) if ctx.dims is None else np.roll(g, back, ctx.dims)


def roll(input, shifts, dims=None):
    x = _operand(input)
    shifts = _dims(shifts)
    if not shifts:
        raise RuntimeError("`shifts` required")
    if dims is not None:
        dims = _dims(dims)
        if len(shifts) != len(dims):
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
        dims = tuple(_wrap_dim(d, x._data.ndim) for d in dims)
    elif len(shifts) != 1:
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:0")
    return Roll.apply(x, shifts=shifts, dims=dims)


class Rot90(ArrayFunction):
    _backward_name = "Rot90Backward0"

    @staticmethod
    def forward(ctx, x, k, dims):
        ctx.k, ctx.dims = k, dims
        d0, d1 = dims
        if k % 2 == 0:
            return np.flip(x, dims).copy() if k else x.copy()
        # torch flips one dimension into a new tensor and transposes it: the result's layout
        # (strides) is that of the transpose, as here
        return np.swapaxes(np.flip(x, d1 if k == 1 else d0).copy(), d0, d1)

    @staticmethod
    def backward(ctx, g):
        return np.rot90(g, -ctx.k, ctx.dims)


def rot90(input, k=1, dims=(0, 1)):
    x = _operand(input)
    dims, n = _dims(dims), x._data.ndim
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if n < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {n}")
    wrapped = tuple(_wrap_dim(d, n) for d in dims)
    if wrapped[0] == wrapped[1]:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {dims[0]} and dim1 = {dims[1]}")
    return Rot90.apply(x, k=k % 4, dims=wrapped)


class Triangle(ArrayFunction):
    """The lower (``tril``) or upper (``triu``) triangle of the last two dimensions,
    counted from ``diagonal``; the gradient keeps the same triangle."""

    @staticmethod
    def forward(ctx, x, diagonal, lower):
        ctx.diagonal, ctx.lower = diagonal, lower
        ctx._backward_name = "TrilBackward0" if lower else "TriuBackward0"
        return (np.tril if lower else np.triu)(x, diagonal)

    @staticmethod
    def backward(ctx, g):
        return (np.tril if ctx.lower else np.triu)(g, ctx.diagonal)


def _triangle(input, diagonal, lower, out):
    x = _operand(input)
    if x._data.ndim < 2:
        raise RuntimeError(f"{'tril' if lower else 'triu'}: input tensor must have at least 2 dimensions")
    return _out(Triangle.apply(x, diagonal=diagonal, lower=lower), out)


def tril(input, diagonal=0, *, out=None):
    return _triangle(input, diagonal, True, out)


def triu(input, diagonal=0, *, out=None):
    return _triangle(input, diagonal, False, out)


def diff(input, n=1, dim=-1, prepend=None, append=None):
    """The ``n``-th forward difference ``x[i+1] - x[i]`` along ``dim`` (``!=`` for bools),
    after joining ``prepend`` and ``append`` on either side."""
    x = _operand(input)
    if x._data.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    if n == 0:  # torch returns a copy of the input, without prepend or append
        return empty_like(x).copy_(x)
    for extra in (prepend, append):
        if extra is not None and extra._data.ndim != x._data.ndim:
            raise RuntimeError("diff expects prepend or append to be the same dimension as input")
    d = _wrap_dim(dim, x._data.ndim)
    if prepend is not None or append is not None:
        x = cat([t for t in (prepend, x, append) if t is not None], d)
    minus = logical_xor if x._data.dtype == np.bool_ else sub
    for _ in range(n):
        size = x._data.shape[d]
        if size == 0:
            break
        x = minus(narrow(x, d, 1, size - 1), narrow(x, d, 0, size - 1))
    return x


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Each element (each slice along ``dim``) repeated ``repeats`` times, in place:
    ``[a, b] -> [a, a, b, b]``. With a tensor of repeats, an ``index_select``; with one
    number, torch's ``unsqueeze``, ``expand``, ``clone`` and ``flatten``. Alone,
    ``repeat_interleave(repeats)`` gives the indices ``0, 0, 1, 1, ...``."""
    if repeats is None:
        return _wrap(_repeated_indices(_operand(input)))
    x = _operand(input)
    if dim is None:
        x, dim = flatten(x), 0
    d = _wrap_dim(dim, x._data.ndim)
    if isinstance(repeats, Tensor):
        if repeats._data.ndim == 0 or repeats._data.shape == (1,):
            repeats = int(repeats._data.reshape(()))
        else:
            n = x._data.shape[d]
            if repeats._data.shape[0] != n:
                raise RuntimeError(f"repeats must have the same size as input along dim, but got repeats.size(0) = "
                                   f"{repeats._data.shape[0]} and input.size({d}) = {n}")
            return index_select(x, d, _wrap(_repeated_indices(repeats)))
    if repeats < 0:
        raise RuntimeError("Repeats must be non-negative")
    if x._data.ndim == 0:
        x = reshape(x, 1)
    shape = x._data.shape
    spread = expand(unsqueeze(x, d + 1), shape[:d + 1] + (repeats,) + shape[d + 1:])
    return flatten(clone(spread), d, d + 1)


def _repeated_indices(repeats):
    r = repeats._data
    if r.dtype.kind not in "iu":
        raise NotImplementedError(f"\"repeat_interleave_cpu\" not implemented for '{repeats.dtype._scalar_name}'")
    if r.ndim != 1:
        raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
    if r.size and r.min() < 0:
        raise RuntimeError("repeats can not be negative")
    return np.repeat(np.arange(r.shape[0], dtype=np.int64), r)


def meshgrid(*tensors, indexing=None):
    """Coordinate grids: output ``i`` holds input ``i`` along dimension ``i`` (dimensions
    0 and 1 swapped for ``indexing="xy"``), repeated over the others."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing is None:
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument.",
                      UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("xy", "ij"):
        raise RuntimeError(f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}')
    tensors = [_operand(t) for t in tensors]
    for t in tensors:
        if t._data.ndim > 1:
            raise RuntimeError("torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: "
                               f"{t._data.ndim}D tensor")
        if t._data.dtype != tensors[0]._data.dtype:
            raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    axes = list(range(len(tensors)))
    if indexing == "xy" and len(tensors) >= 2:
        axes[0], axes[1] = 1, 0
    shape = [0] * len(tensors)
    for t, a in zip(tensors, axes):
        shape[a] = t._data.size
    grids = []
    for t, a in zip(tensors, axes):
        along = [1] * len(tensors)
        along[a] = -1
        grids.append(expand(view(t, along), shape))
    return tuple(grids)


def cartesian_prod(*tensors):
    """Every combination of one element from each 1-d input, one per row (torch:
    ``meshgrid``, each grid flattened, stacked as columns)."""
    if len(tensors) == 1:
        return tensors[0]
    return stack([flatten(g) for g in meshgrid(*tensors, indexing="ij")], dim=1)


class BlockDiag(ArrayFunction):
    """Inputs of any dtypes, each placed as a block on the diagonal (in their common
    dtype); each input's gradient is its block, in its own dtype."""
    _backward_name = "BlockDiagBackward0"

    @staticmethod
    def forward(ctx, *blocks, np_dtype):
        ctx.shapes, ctx.dtypes = [b.shape for b in blocks], [b.dtype for b in blocks]
        blocks = [b.reshape(1, -1) if b.ndim < 2 else b for b in blocks]  # a 0-d block is 1x1, a 1-d one a row
        rows = np.cumsum([0] + [b.shape[0] for b in blocks])
        cols = np.cumsum([0] + [b.shape[1] for b in blocks])
        out = np.zeros((rows[-1], cols[-1]), np_dtype)
        for b, r, c in zip(blocks, rows, cols):
            out[r:r + b.shape[0], c:c + b.shape[1]] = b
        ctx.corners = list(zip(rows, rows[1:], cols, cols[1:]))
        return out

    @staticmethod
    def backward(ctx, g):
        return tuple(g[r0:r1, c0:c1].reshape(s).astype(dt, copy=False)
                     for (r0, r1, c0, c1), s, dt in zip(ctx.corners, ctx.shapes, ctx.dtypes))


def block_diag(*tensors):
    tensors = [_operand(t) for t in tensors]
    for i, t in enumerate(tensors):
        if t._data.ndim > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. Input {i} has "
                               f"{t._data.ndim} dimensions")
    if not tensors:
        return _wrap(np.zeros((1, 0), _dtype.get_default_dtype()._np))
    return BlockDiag.apply(*tensors, np_dtype=_dtype.result_type(*tensors)._np)
