"""Scatter-style ops: ``scatter`` / ``scatter_add``, ``index_add`` / ``index_copy`` /
``index_fill``, ``masked_scatter``, ``take``, ``one_hot`` and ``embedding``.

``scatter(dim, index, src)`` writes ``src[i][j]`` to ``out[index[i][j]][j]`` (for
dim=0): the inverse of ``gather``. Its backward gathers the output gradient back for
``src`` and zeroes it for the overwritten places of ``input``. ``embedding`` is a row
lookup ``weight[indices]`` whose backward adds each row's gradients (``add_rows``, since
the same index may appear many times), except at ``padding_idx``.

The ``index_*`` ops write whole slices along ``dim`` (``out[:, index[i]] = source[:, i]``
for dim=1): ``index_add`` adds (its ``self`` gradient passes unchanged), ``index_copy``
and ``index_fill`` overwrite (the overwritten slices get no gradient); the ``source`` of
each gets the output gradient at the slices it went to. ``masked_scatter`` writes the
elements of ``source`` in order at the places the mask is True. ``take`` indexes the
flattened input. Their in-place forms (``x.index_add_(...)``) are these run through
``inplace`` (see ``_tensor.py``).
"""
import numpy as np

from .. import _checks, _dtype
from .._tensor import Tensor, _wrap, _wrap_dim
from ..autograd.function import ArrayFunction
from .pointwise import _operand, _out
from .shape import add_rows, broadcast_to, gather, reshape


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

    @staticmethod
    def _graph_backward(ctx, g):  # under create_graph: the same indexing, on Tensors, recorded
        from .creation import zeros
        where, = ctx.saved_tensors
        gx = g
        if not ctx.reduce_add:
            gx = g.clone()
            gx[where] = 0
        gsrc = None
        if len(ctx.needs_input_grad) > 1 and ctx.needs_input_grad[1]:
            taken = g[where]
            gsrc = zeros(ctx.src_shape, dtype=g.dtype)
            gsrc[tuple(slice(0, s) for s in taken.shape)] = taken
        return gx, gsrc


def _scatter(input, dim, index, src, value, reduce_add):
    x = _operand(input)
    index = _operand(index)
    if index._data.dtype != np.int64:
        raise RuntimeError("scatter(): Expected dtype int64 for index")
    d = _wrap_dim(dim, max(x._data.ndim, 1))
    if src is None:
        src = value
    if isinstance(src, Tensor) and src.dtype is not x.dtype:
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
        return EmbeddingBackward.call(g, shape=ctx.shape, idx=idx, padding_idx=ctx.padding_idx, scale=ctx.scale)


class EmbeddingBackward(ArrayFunction):
    """``Embedding``'s backward as an op (so it can record a graph): each gradient row added
    into the weight row it came from; the padding row gets none. Its backward picks rows again."""
    _backward_name = "EmbeddingDenseBackwardBackward0"

    @staticmethod
    def forward(ctx, g, shape, idx, padding_idx, scale):
        flat = idx.reshape(-1)
        ctx.idx, ctx.padding_idx, ctx.shape = idx, padding_idx, g.shape
        ctx.freq = np.bincount(flat, minlength=shape[0])[flat, None].astype(g.dtype) if scale else None
        gw = np.zeros(shape, dtype=g.dtype)
        rows = g.reshape(-1, shape[1])
        if scale:  # each occurrence counts 1/(occurrences of its index in the batch)
            rows = rows / ctx.freq
        add_rows(gw, flat, rows)
        if padding_idx >= 0:
            gw[padding_idx] = 0
        return gw

    @staticmethod
    def backward(ctx, gg):
        rows = Embedding.call(gg, idx=ctx.idx, padding_idx=-1, scale_grad_by_freq=False)
        rows = rows.reshape(-1, rows.shape[-1])
        if ctx.freq is not None:
            rows = rows / ctx.freq
        if ctx.padding_idx >= 0:
            rows = np.where((ctx.idx.reshape(-1) == ctx.padding_idx)[:, None], 0, rows)
        return rows.reshape(ctx.shape)


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


# ---- index_add / index_copy / index_fill --------------------------------------------------
def _slices(a, dim):
    """``a`` with ``dim`` moved first: a view in which ``[i]`` is the i-th slice along ``dim``."""
    return np.moveaxis(a, dim, 0) if a.ndim else a.reshape(1)


class IndexAdd(ArrayFunction):
    """``x`` with ``alpha * source[i]`` added to slice ``index[i]``; ``copy`` overwrites instead."""

    @staticmethod
    def forward(ctx, x, source, dim, index, alpha=1, copy=False):
        ctx._backward_name = "IndexCopyBackward0" if copy else "IndexAddBackward0"
        ctx.dim, ctx.alpha, ctx.copy, ctx.source_shape = dim, alpha, copy, source.shape
        ctx.save_for_backward(index)
        out = x.copy()
        rows = _slices(source, dim) if source.ndim else source.reshape(1)
        if copy:
            _slices(out, dim)[index] = rows
        else:
            add_rows(_slices(out, dim), index, rows if alpha == 1 else rows * alpha)
        return out

    @staticmethod
    def backward(ctx, g):
        index, = ctx.saved_tensors
        gx = g
        if ctx.copy:
            gx = g.copy()
            _slices(gx, ctx.dim)[index] = 0
        gsource = np.take(g.reshape(1) if g.ndim == 0 else g, index, axis=ctx.dim) * ctx.alpha
        return gx, gsource.reshape(ctx.source_shape)

    @staticmethod
    def _graph_backward(ctx, g):  # under create_graph: the same two gradients, recorded
        index = _wrap(ctx.saved_tensors[0])
        gx = g.index_fill(ctx.dim, index, 0) if ctx.copy else g
        gsource = (g.reshape(1) if g.ndim == 0 else g).index_select(ctx.dim, index) * ctx.alpha
        return gx, gsource.reshape(ctx.source_shape)


def _index_args(op, x, dim, index, source, long_only):
    """torch's checks of ``index_add`` / ``index_copy``: the index (a vector of indices
    inside ``x`` along ``dim``) and the ``source`` (same dtype and slice shapes)."""
    index = _operand(index)
    d = _wrap_dim(dim, max(x._data.ndim, 1))
    if long_only and index._data.dtype != np.int64:
        raise RuntimeError(f"{op}_(): Expected a long tensor for index, but got {index.dtype._scalar_name}")
    if index._data.dtype not in (np.int32, np.int64):
        raise RuntimeError(f"{op}_(): Expected dtype int32/int64 for index but got: {index.dtype._scalar_name}")
    if index._data.ndim > 1:
        raise IndexError(f"{op}_(): Index is supposed to be a vector")
    idx = index._data.reshape(-1)
    n = x._data.shape[d] if x._data.ndim else 1
    if source._data.dtype != x._data.dtype:
        if op == "index_copy":
            raise RuntimeError(f"index_copy_(): self and source expected to have the same dtype, but got (self) "
                               f"{x.dtype._scalar_name} and (source) {source.dtype._scalar_name}")
        raise RuntimeError(f"index_add_(): self ({x.dtype._scalar_name}) and source ({source.dtype._scalar_name}) "
                           "must have the same scalar type")
    src_shape = source._data.shape or (1,)
    x_shape = x._data.shape or (1,)
    slice_pairs = [(a, b) for k, (a, b) in enumerate(zip(x_shape, src_shape)) if k != d]
    for k, (a, b) in enumerate(slice_pairs):  # (torch numbers the dimensions of the slices)
        if a != b:
            raise RuntimeError(f"{op}_(): Source/destination tensor must have same slice shapes. Destination slice "
                               f"shape: {a} at dimension {k} and source slice shape: {b} at dimension {k}.")
    if idx.size != src_shape[d]:
        raise IndexError(f"{op}_(): Number of indices ({idx.size}) should be equal to source.size(dim) ({src_shape[d]})")
    bad = idx[(idx < 0) | (idx >= n)]
    if bad.size:
        prefix = "index_copy_(): " if op == "index_copy" else ""
        error = IndexError if op == "index_copy" else RuntimeError
        raise error(f"{prefix}index {int(bad[0])} is out of bounds for dimension {d} with size {n}")
    return d, idx


def index_add(input, dim, index, source, *, alpha=1, out=None):
    x = _operand(input)
    d, idx = _index_args("index_add", x, dim, index, source, long_only=False)
    return _out(IndexAdd.apply(x, source, dim=d, index=idx, alpha=alpha), out)


def index_copy(input, dim, index, source, *, out=None):
    x = _operand(input)
    d, idx = _index_args("index_copy", x, dim, index, source, long_only=True)
    return _out(IndexAdd.apply(x, source, dim=d, index=idx, copy=True), out)


class IndexFill(ArrayFunction):
    """``x`` with the slices at ``index`` along ``dim`` set to ``value``; a tensor value's
    gradient is the sum of the output gradient over those slices (each counted once)."""

    @staticmethod
    def forward(ctx, x, value, dim, index):
        ctx._backward_name = "IndexFillBackward1" if isinstance(value, np.ndarray) else "IndexFillBackward0"
        ctx.dim = dim
        ctx.save_for_backward(index)
        out = x.copy()
        _slices(out, dim)[index] = value
        return out

    @staticmethod
    def backward(ctx, g):
        index, = ctx.saved_tensors
        gx = g.copy()
        _slices(gx, ctx.dim)[index] = 0
        return gx, _slices(g, ctx.dim)[np.unique(index)].sum()


def index_fill(input, dim, index, value):
    x, index = _operand(input), _operand(index)
    if index._data.dtype != np.int64:
        raise IndexError("index_fill_(): Expected dtype int64 for index.")
    d = _wrap_dim(dim, max(x._data.ndim, 1))
    n = x._data.shape[d] if x._data.ndim else 1
    idx = index._data.reshape(-1)
    bad = idx[(idx < -n) | (idx >= n)]
    if bad.size:
        raise IndexError(f"index {int(bad[0])} is out of bounds for dimension {d} with size {n}")
    idx = np.where(idx < 0, idx + n, idx)
    if isinstance(value, Tensor):
        if value._data.ndim != 0:
            raise RuntimeError("index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                               f"{value._data.ndim} dimension(s).")
        return IndexFill.apply(x, value, dim=d, index=idx)
    return IndexFill.apply(x, value=value, dim=d, index=idx)


# ---- masked_scatter / take -----------------------------------------------------------------
class MaskedScatter(ArrayFunction):
    """The elements of ``source``, in order, written where ``mask`` is True."""
    _backward_name = "MaskedScatterBackward0"

    @staticmethod
    def forward(ctx, x, source, mask):
        ctx.save_for_backward(mask)
        ctx.source_shape = source.shape
        out = x.copy()
        out[mask] = source.reshape(-1)[:np.count_nonzero(mask)]
        return out

    @staticmethod
    def backward(ctx, g):
        mask, = ctx.saved_tensors
        taken = g[mask]
        gsource = np.zeros(int(np.prod(ctx.source_shape)), g.dtype)
        gsource[:taken.size] = taken
        return np.where(mask, 0, g), gsource.reshape(ctx.source_shape)

    @staticmethod
    def _graph_backward(ctx, g):  # under create_graph: the same selection, on Tensors, recorded
        from .creation import zeros
        mask = _wrap(ctx.saved_tensors[0])
        taken = g[mask]
        gsource = zeros(int(np.prod(ctx.source_shape)), dtype=g.dtype)
        gsource[:taken.shape[0]] = taken
        return g.masked_fill(mask, 0), gsource.reshape(ctx.source_shape)


def masked_scatter(input, mask, source):
    x, mask = _operand(input), _operand(mask)
    if mask._data.dtype != np.bool_:
        raise RuntimeError(f"masked_scatter_ only supports boolean masks, but got mask with dtype {mask.dtype._scalar_name}")
    if source._data.dtype != x._data.dtype:
        raise RuntimeError("masked_scatter: expected self and source to have same dtypes but got"
                           f"{x.dtype._scalar_name} and {source.dtype._scalar_name}")
    shape = np.broadcast_shapes(x._data.shape, mask._data.shape)
    m = np.broadcast_to(mask._data, shape)
    if np.count_nonzero(m) > source._data.size:
        raise RuntimeError("Number of elements of source < number of ones in mask")
    if x._data.shape != shape:
        x = broadcast_to(x, shape)
    return MaskedScatter.apply(x, source, mask=m)


class Take(ArrayFunction):
    """``input.flatten()[index]``, in the index's shape."""
    _backward_name = "TakeBackward0"

    @staticmethod
    def forward(ctx, x, index):
        ctx.save_for_backward(index)
        ctx.shape = x.shape
        return x.reshape(-1)[index]

    @staticmethod
    def backward(ctx, g):
        index, = ctx.saved_tensors
        gx = np.zeros(int(np.prod(ctx.shape)), g.dtype)
        np.add.at(gx, index, g)
        return gx.reshape(ctx.shape)

    @staticmethod
    def _graph_backward(ctx, g):  # under create_graph: the same sums with index_add, recorded
        from .creation import zeros
        n = int(np.prod(ctx.shape))
        index = _wrap((ctx.saved_tensors[0] % max(n, 1)).reshape(-1))  # (index_add takes no negative index)
        return zeros(n, dtype=g.dtype).index_add(0, index, g.reshape(-1)).reshape(ctx.shape)


def take(input, index):
    x, index = _operand(input), _operand(index)
    if index._data.dtype != np.int64:
        raise RuntimeError(f"take(): Expected a long tensor for index, but got {index.dtype._scalar_name}")
    n = x._data.size
    bad = index._data[(index._data < -n) | (index._data >= n)]
    if bad.size:
        raise IndexError(f"out of range: tried to access index {int(bad.reshape(-1)[0])} on a tensor of {n} elements.")
    return Take.apply(x, index=np.where(index._data < 0, index._data + n, index._data))


def take_along_dim(input, indices, dim=None):
    """``gather`` with broadcasting: ``input`` and ``indices`` are first expanded to a common
    shape in every dimension but ``dim`` (torch records that ``expand`` even when it is a
    no-op); without ``dim``, both are flattened."""
    x, indices = _operand(input), _operand(indices)
    if indices._data.dtype != np.int64:
        raise RuntimeError(f"torch.take_along_dim(): dtype of indices should be Long but got {indices.dtype._scalar_name}")
    if dim is None:
        return gather(reshape(x, -1), 0, reshape(indices, -1))
    if x._data.ndim != indices._data.ndim:
        raise RuntimeError("torch.take_along_dim(): input and indices should have the same number of dimensions, but "
                           f"got {x._data.ndim} dimensions for input, and {indices._data.ndim} dimensions for indices")
    d = _wrap_dim(dim, x._data.ndim)
    xs, ids = list(x._data.shape), list(indices._data.shape)
    xs[d] = ids[d] = 1
    err = _checks.broadcast_error([xs, ids])
    if err is not None:
        raise err
    common = list(np.broadcast_shapes(tuple(xs), tuple(ids)))
    x_shape, i_shape = list(common), list(common)
    x_shape[d], i_shape[d] = x._data.shape[d], indices._data.shape[d]
    return gather(broadcast_to(x, x_shape), d, broadcast_to(indices, i_shape))
