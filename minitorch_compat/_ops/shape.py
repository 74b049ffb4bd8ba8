"""Views, reshapes, indexing and joining.

Most of these return NumPy *views*, so they share memory with their input exactly where
torch's do (``view``, ``transpose``, basic slicing...). Their backward only moves
gradient values around: reshape it back, transpose it back, scatter it into zeros.
Several torch ops share one Function here (view, reshape, flatten, squeeze... are all
``Reshape``); the wrapper passes the node name torch would record as ``name=``.
"""
import functools
import math

import numpy as np

from .. import _checks, _dtype
from .._tensor import Tensor, _wrap, _wrap_dim, _size_args
from ..autograd.function import ArrayFunction, ViewFunction, MultiViewFunction
from ..autograd.grad_mode import _state
from ..autograd.graph import shown_chain, shown_edges, shown_node
from .pointwise import _operand, _out
from .inplace import inplace, bump_version, _VIEW_LEAF


# ---- one node for every "same numbers, different shape" op -------------------------
class Reshape(ViewFunction):
    """view / reshape / flatten / unflatten / squeeze / unsqueeze: backward reshapes back.

    ``name=None`` is ``reshape``'s rule: a view when the strides allow one (ViewBackward0, or
    ReshapeAliasBackward0 for a non-contiguous input), else a copy, which torch records as a
    clone followed by ``_unsafe_view``."""
    _is_view = True  # may return a view of its input (see inplace._viewed_leaf)
    _cloned = False

    @staticmethod
    def forward(ctx, x, shape, name=None):
        ctx.in_shape = x.shape
        ctx._backward_name = name or ("ViewBackward0" if x.flags.c_contiguous else "ReshapeAliasBackward0")
        try:
            return np.reshape(x, shape, copy=False)
        except ValueError:
            if name is not None:
                raise RuntimeError(
                    "view size is not compatible with input tensor's size and stride (at least one dimension "
                    "spans across two contiguous subspaces). Use .reshape(...) instead.") from None
        ctx._backward_name, ctx._cloned = "UnsafeViewBackward0", True
        return x.reshape(shape)

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx.in_shape)

    @property
    def next_functions(self):
        return shown_chain(["CloneBackward0"] if self._cloned else [], self._next[0])


def _infer_shape(shape, numel):
    """Resolve one ``-1`` in a requested shape, with torch's errors."""
    shape = list(shape)
    unknown = [i for i, s in enumerate(shape) if s == -1]
    if len(unknown) > 1:
        raise RuntimeError("only one dimension can be inferred")
    for s in shape:
        if s < -1:
            raise RuntimeError(f"invalid shape dimension {s}")
    known = 1
    for i, s in enumerate(shape):
        if i not in unknown:
            known *= s
    if unknown:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{_fmt(shape)}' is invalid for input of size {numel}")
        shape[unknown[0]] = numel // known
    elif known != numel:
        raise RuntimeError(f"shape '{_fmt(shape)}' is invalid for input of size {numel}")
    return tuple(shape)


def _fmt(shape):
    return "[" + ", ".join(str(s) for s in shape) + "]"


def view(input, *shape):
    shape = _infer_shape(_size_args(shape), input._data.size)
    return Reshape.apply(input, shape=shape, name="ViewBackward0")


def reshape(input, *shape):
    return Reshape.apply(input, shape=_infer_shape(_size_args(shape), input._data.size))


def flatten(input, start_dim=0, end_dim=-1):
    """Merge dims ``start_dim..end_dim`` into one: a reshape (a view when the data allows)."""
    shape = input._data.shape
    if not shape:
        return reshape(input, 1)
    s, e = _wrap_dim(start_dim, len(shape)), _wrap_dim(end_dim, len(shape))
    if s >= e:
        if s > e:
            raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
        return input
    return Reshape.apply(input, shape=shape[:s] + (math.prod(shape[s:e + 1]),) + shape[e + 1:])


def unflatten(input, dim, sizes):
    shape = input._data.shape
    d = _wrap_dim(dim, len(shape))
    sizes = _infer_shape(sizes, shape[d])
    return reshape(input, shape[:d] + sizes + shape[d + 1:])


class Squeeze(Reshape):
    """squeeze / unsqueeze: a reshape that keeps the ``dim`` given (``grad_fn._saved_dim``)."""

    @staticmethod
    def forward(ctx, x, shape, name, dim_given):
        ctx.dim_given = dim_given
        return Reshape.forward(ctx, x, shape, name)


def squeeze(input, dim=None):
    shape = input._data.shape
    if dim is None:
        new, name = tuple(s for s in shape if s != 1), "SqueezeBackward0"
    else:
        dims = {_wrap_dim(d, len(shape)) for d in (dim if isinstance(dim, (tuple, list)) else (dim,))}
        new = tuple(s for i, s in enumerate(shape) if not (i in dims and s == 1))
        name = "SqueezeBackward1" if not isinstance(dim, (tuple, list)) else "SqueezeBackward2"
    return Squeeze.apply(input, shape=new, name=name, dim_given=dim)


def unsqueeze(input, dim):
    shape = input._data.shape
    d = _wrap_dim(dim, len(shape) + 1)
    return Squeeze.apply(input, shape=shape[:d] + (1,) + shape[d:], name="UnsqueezeBackward0", dim_given=dim)


# ---- permutations -----------------------------------------------------------------------
class Permute(ViewFunction):
    _is_view = True

    @staticmethod
    def forward(ctx, x, dims, name, dims_given=None):
        ctx.dims, ctx._backward_name, ctx.dims_given = dims, name, dims_given  # (as given: grad_fn._saved_dim0)
        return np.transpose(x, dims)

    @staticmethod
    def backward(ctx, g):
        return np.transpose(g, np.argsort(ctx.dims))

    @staticmethod
    def _graph_backward(ctx, g):  # under create_graph: the inverse permutation, named as the forward (TBackward0...)
        return Permute.apply(g, dims=tuple(np.argsort(ctx.dims).tolist()), name=ctx._backward_name)


def permute(input, *dims):
    dims = _size_args(dims)
    n = input._data.ndim
    if len(dims) != n:
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = {n} is not equal to len(dims) = {len(dims)}")
    dims = tuple(_wrap_dim(d, n) for d in dims)
    if len(set(dims)) != n:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return Permute.apply(input, dims=dims, name="PermuteBackward0")


def transpose(input, dim0, dim1):
    n = input._data.ndim
    d0, d1 = _wrap_dim(dim0, n), _wrap_dim(dim1, n)
    dims = list(range(n))
    dims[d0], dims[d1] = d1, d0
    return Permute.apply(input, dims=tuple(dims), name="TransposeBackward0", dims_given=(dim0, dim1))


swapaxes = swapdims = transpose


def t(input):
    n = input._data.ndim
    if n > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {n}D")
    return Permute.apply(input, dims=tuple(range(n))[::-1], name="TBackward0")


# ---- expand / repeat / clone -------------------------------------------------------------
class Expand(ViewFunction):
    """A read-only broadcast view. Its backward is the identity: the engine sums the
    gradient back over the expanded dimensions, as it does for every broadcast."""
    _backward_name = "ExpandBackward0"
    _is_view = True

    @staticmethod
    def forward(ctx, x, shape):
        return np.broadcast_to(x, shape)

    @staticmethod
    def backward(ctx, g):
        return g


def expand(input, *sizes):
    sizes = _size_args(sizes)
    shape = input._data.shape
    if len(sizes) < len(shape):
        raise RuntimeError(f"expand(torch.FloatTensor{{{list(shape)}}}, size={list(sizes)}): the number of sizes provided ({len(sizes)}) must be greater or equal to the number of dimensions in the tensor ({len(shape)})")
    lead = len(sizes) - len(shape)
    target = []
    for i, s in enumerate(sizes):
        cur = shape[i - lead] if i >= lead else None
        if s == -1:
            if cur is None:
                raise RuntimeError(f"The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension {i}")
            s = cur
        elif cur is not None and cur != 1 and cur != s:
            raise RuntimeError(f"The expanded size of the tensor ({s}) must match the existing size ({cur}) at non-singleton dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: {list(shape)}")
        target.append(s)
    return Expand.apply(input, shape=tuple(target))


def broadcast_to(input, size):
    return expand(input, size)


class Repeat(ArrayFunction):
    _backward_name = "RepeatBackward0"

    @staticmethod
    def forward(ctx, x, reps):
        ctx.orig_shape = x.shape
        x = x.reshape((1,) * (len(reps) - x.ndim) + x.shape)
        ctx.in_shape, ctx.reps = x.shape, reps
        return np.tile(x, reps)

    @staticmethod
    def backward(ctx, g):
        # Split every axis into (repeat, size) and sum the repeat axes away.
        split = [v for pair in zip(ctx.reps, ctx.in_shape) for v in pair]
        g = g.reshape(split).sum(axis=tuple(range(0, len(split), 2)))
        return g.reshape(ctx.orig_shape)


def repeat(input, *sizes):
    sizes = _size_args(sizes)
    if len(sizes) < input._data.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor")
    return Repeat.apply(input, reps=sizes)


class Clone(ArrayFunction):
    _backward_name = "CloneBackward0"

    @staticmethod
    def forward(ctx, x):
        return x.copy()

    @staticmethod
    def backward(ctx, g):
        return g


def clone(input, *, memory_format=None):
    return Clone.apply(input)


# ---- joining and splitting -----------------------------------------------------------------
class Cat(ArrayFunction):
    """Concatenation. Like torch, legacy empty 1-d inputs of shape (0,) are skipped (they
    may meet tensors of any shape) and get an empty gradient."""
    _backward_name = "CatBackward0"

    @staticmethod
    def forward(ctx, *xs, dim, dim_given=None):
        kept = [x for x in xs if x.shape != (0,)]
        if not kept:
            kept = xs
        ctx.dim, ctx.sizes, ctx.dim_given = dim, [x.shape[dim] for x in kept], dim_given  # (dim_given: _saved_dim)
        ctx.skipped = [x.shape == (0,) and len(kept) < len(xs) for x in xs]
        return np.concatenate(kept, axis=dim)

    @staticmethod
    def backward(ctx, g):
        parts = iter(np.split(g, np.cumsum(ctx.sizes)[:-1], axis=ctx.dim))
        return tuple(np.zeros((0,), g.dtype) if skip else next(parts) for skip in ctx.skipped)


def _same_dtype(tensors):
    """The tensors of a cat/stack, cast to their common dtype when they differ, as torch does."""
    if not all(isinstance(x, Tensor) for x in tensors):
        _checks.tensor_list(tensors)
    if len({x._data.dtype for x in tensors}) > 1:
        rt = functools.reduce(_dtype.promote_types, [x.dtype for x in tensors])
        tensors = [x.to(rt) for x in tensors]
    return tensors


def cat(tensors, dim=0, *, out=None):
    if isinstance(tensors, Tensor):
        raise TypeError("cat(): argument 'tensors' (position 1) must be tuple of Tensors, not Tensor")
    if len(tensors) == 0:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    tensors = _same_dtype(tensors)
    # torch skips legacy empty 1-d tensors of shape (0,) when checking shapes
    checked = [x for x in tensors if x._data.shape != (0,)] or tensors[:1]
    ref = checked[0]._data
    d = _wrap_dim(dim, ref.ndim)
    for i, x in enumerate(checked[1:], 1):
        s = x._data.shape
        if len(s) != ref.ndim:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {ref.ndim} and {len(s)}")
        for k in range(ref.ndim):
            if k != d and s[k] != ref.shape[k]:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. Expected size {ref.shape[k]} but got size {s[k]} for tensor number {i} in the list.")
    return _out(Cat.apply(*tensors, dim=d, dim_given=dim), out)


concat = concatenate = cat


class Stack(ArrayFunction):
    _backward_name = "StackBackward0"

    @staticmethod
    def forward(ctx, *xs, dim, dim_given=None):
        ctx.dim, ctx.dim_given = dim, dim_given  # (dim_given: grad_fn._saved_dim)
        return np.stack(xs, axis=dim)

    @staticmethod
    def backward(ctx, g):
        return tuple(np.moveaxis(g, ctx.dim, 0))


def stack(tensors, dim=0, *, out=None):
    """Join tensors of equal shape along a new dimension ``dim``."""
    if len(tensors) == 0:
        raise RuntimeError("stack expects a non-empty TensorList")
    tensors = _same_dtype(tensors)
    d = _wrap_dim(dim, tensors[0]._data.ndim + 1)
    try:
        return _out(Stack.apply(*tensors, dim=d, dim_given=dim), out)
    except ValueError:  # NumPy refused shapes that differ: torch's message names the first mismatch
        raise _checks.stack_sizes(tensors) from None


class Split(MultiViewFunction):
    """Several outputs (views); gradients of outputs that were not used count as zeros."""
    _is_view = _multi_view = True  # torch forbids in-place changes to these outputs

    @staticmethod
    def forward(ctx, x, sizes, dim, name="SplitWithSizesBackward0"):
        ctx.shape, ctx.sizes, ctx.dim, ctx.dtype = x.shape, sizes, dim, x.dtype
        ctx._backward_name = name
        bounds = np.cumsum(sizes)[:-1]
        return tuple(np.split(x, bounds, axis=dim))

    @staticmethod
    def backward(ctx, *grads):
        parts = []
        for g, n in zip(grads, ctx.sizes):
            if g is None:
                shape = list(ctx.shape)
                shape[ctx.dim] = n
                g = np.zeros(shape, dtype=ctx.dtype)
            parts.append(g)
        return np.concatenate(parts, axis=ctx.dim)


class Unbind(MultiViewFunction):
    """All slices along ``dim`` at once (views), as one node."""
    _backward_name = "UnbindBackward0"
    _is_view = _multi_view = True

    @staticmethod
    def forward(ctx, x, dim):
        ctx.shape, ctx.dim, ctx.dtype = x.shape, dim, x.dtype
        lead = (slice(None),) * dim
        return tuple(x[lead + (i, Ellipsis)] for i in range(x.shape[dim]))  # views, 0-d ones included

    @staticmethod
    def backward(ctx, *grads):
        shape = ctx.shape[:ctx.dim] + ctx.shape[ctx.dim + 1:]
        return np.stack([np.zeros(shape, ctx.dtype) if g is None else g for g in grads], axis=ctx.dim)


def split(tensor, split_size_or_sections, dim=0):
    d = _wrap_dim(dim, tensor._data.ndim)
    n = tensor._data.shape[d]
    if isinstance(split_size_or_sections, int):
        step = split_size_or_sections
        if step <= 0 and not (step == 0 and n == 0):
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}" if step == 0 else f"split expects split_size be non-negative, but got split_size={step}")
        sizes = [step] * (n // step) + ([n % step] if n % step else []) if step else [0]
        return Split.apply(tensor, sizes=sizes, dim=d, name="SplitBackward0")
    sizes = list(split_size_or_sections)
    if sum(sizes) != n:
        raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size at dimension {d}), but got split_sizes={sizes}")
    return Split.apply(tensor, sizes=sizes, dim=d)


def chunk(input, chunks, dim=0):
    if chunks <= 0:
        raise RuntimeError("chunk expects `chunks` to be greater than 0, got: " + str(chunks))
    n = input._data.shape[_wrap_dim(dim, input._data.ndim)]
    return split(input, max(-(-n // chunks), 1) if n else 1, dim) if n else split(input, [0], dim)


def unbind(input, dim=0):
    d = _wrap_dim(dim, input._data.ndim)
    return Unbind.apply(input, dim=d) if input._data.shape[d] else ()


def narrow(input, dim, start, length):
    d = _wrap_dim(dim, input._data.ndim)
    n = input._data.shape[d]
    start = int(start)
    if start < 0:
        start += n
    if not (0 <= start and start + length <= n):
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({n}).")
    return getitem(input, (slice(None),) * d + (slice(start, start + length),), dim_given=dim)


def select(input, dim, index):
    d = _wrap_dim(dim, input._data.ndim)
    n = input._data.shape[d]
    if not -n <= index < n:
        raise IndexError(f"select(): index {index} out of range for tensor of size {list(input._data.shape)} at dimension {d}")
    return getitem(input, (slice(None),) * d + (index,), dim_given=dim)


def flip(input, dims):
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    return Flip.apply(input, dims=tuple(_wrap_dim(d, input._data.ndim) for d in dims))


class Flip(ArrayFunction):
    _backward_name = "FlipBackward0"

    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return np.flip(x, dims).copy()

    @staticmethod
    def backward(ctx, g):
        return np.flip(g, ctx.dims)


# ---- indexing -------------------------------------------------------------------------
def _index_key(key):
    """Translate a torch index (ints, slices, None, ..., tensors, lists) into NumPy's."""
    if type(key) is int or type(key) is slice:
        return key, True
    if not isinstance(key, tuple):
        key = (key,)
    out, basic = [], True
    for k in key:
        if isinstance(k, Tensor):
            a = k._data
            if a.dtype.kind == "f":
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            if a.ndim == 0 and a.dtype.kind in "iu":
                k = int(a)
            else:
                k, basic = a, False
        elif isinstance(k, (list, np.ndarray)):
            k, basic = np.asarray(k), False
            if k.size == 0 and k.dtype.kind == "f":  # x[[]]: an empty integer index
                k = k.astype(np.int64)
            if k.dtype.kind == "f":
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        elif isinstance(k, slice) and any(isinstance(v, Tensor) for v in (k.start, k.stop, k.step)):
            k = slice(*(int(v) if v is not None else None for v in (k.start, k.stop, k.step)))
        elif isinstance(k, bool):
            k, basic = np.asarray(k), False
        elif isinstance(k, float):
            raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices (got float)")
        if isinstance(k, slice) and k.step is not None and k.step <= 0:
            raise ValueError("step must be greater than zero")
        out.append(k)
    return tuple(out), basic


def _np_index(x, key):
    try:
        r = x[key]
    except IndexError as e:
        raise _index_error(e, x.ndim) from None
    if not isinstance(r, np.ndarray):  # NumPy returns a scalar copy; torch returns a 0-d view
        r = x[(key if type(key) is tuple else (key,)) + (Ellipsis,)]
    return r


def _index_error(e, ndim):
    """NumPy's IndexError, worded as torch's."""
    msg = str(e)
    if msg.startswith("too many indices"):
        return IndexError(f"too many indices for tensor of dimension {ndim}")
    return IndexError(msg.replace("axis", "dimension"))


def add_rows(out, rows, values):
    """``out[rows[i]] += values[i]`` for every i, repeated rows adding up.

    The same as ``np.add.at(out, rows, values)``, which is slow on large arrays: sort the
    rows (stably, so repeated rows are summed in their original order), sum each run of
    equal rows with one ``np.add.reduceat`` and add every sum once.
    """
    if rows.size == 0:
        return
    rows = np.where(rows < 0, rows + out.shape[0], rows)
    order = np.argsort(rows, kind="stable")
    sorted_rows = rows[order]
    starts = np.flatnonzero(np.concatenate(([True], sorted_rows[1:] != sorted_rows[:-1])))
    out[sorted_rows[starts]] += np.add.reduceat(values[order], starts, axis=0)


class Index(ViewFunction):
    """``x[key]``. A basic key (ints, slices, None, ...) gives a view; an advanced one
    (index arrays, masks) a copy, whose backward adds up repeated indices."""

    @property
    def _is_view(self):  # basic indexing returns a view, advanced indexing a copy
        return self.basic

    _torch_name = None  # set when the op is not x[key] itself (index_select)

    @staticmethod
    def forward(ctx, x, key, basic, torch_name=None, dim_given=None):  # (dim_given: select/narrow's, _saved_dim)
        ctx.basic, ctx.shape, ctx.dtype, ctx._torch_name, ctx.dim_given = basic, x.shape, x.dtype, torch_name, dim_given
        if basic:
            ctx.key = key
        else:
            ctx.save_for_backward(key)  # index arrays are saved tensors in torch, too
            ctx.key = tuple(_ARRAY if isinstance(k, np.ndarray) else k for k in key)  # for the node's name
        return _np_index(x, key)

    @staticmethod
    def backward(ctx, g):
        return IndexBackward.call(g, shape=ctx.shape, key=ctx.key if ctx.basic else ctx.saved_tensors[0],
                                  basic=ctx.basic)

    # torch records one node per step of the key (``w[0, 1:3]`` is SliceBackward0 after
    # SelectBackward0); this one node shows that chain when printed (see autograd/graph.py).
    def _steps(self):
        return [self._torch_name] if self._torch_name else _torch_index_steps(self.key, self.shape)

    @property
    def _backward_name(self):
        return self._steps()[-1]

    @property
    def next_functions(self):
        return shown_chain(self._steps()[:-1], self._next[0])

    @staticmethod
    def _graph_backward(ctx, g):
        """Under ``create_graph``: the same op, shown as the chain of backward kernels torch
        records, one per step undone (last step first); an alias (``x[...]``) records none."""
        steps = [s for s in ctx._steps() if s != "AliasBackward0"]
        if not steps:
            return g
        return IndexBackward.apply(g, shape=ctx.shape, key=ctx.key if ctx.basic else ctx.saved_tensors[0],
                                   basic=ctx.basic, steps=steps)


_ARRAY = object()  # marks an index array's place in a key kept only for naming
# the node torch records when differentiating each step's backward (``select_backward``...)
_UNDO = {"SelectBackward0": "SelectBackwardBackward0", "SliceBackward0": "SliceBackwardBackward0",
         "UnsqueezeBackward0": "SqueezeBackward1", "IndexBackward0": "IndexPutImplBackward0"}


class IndexBackward(ArrayFunction):
    """``Index``'s backward, an op of its own so that it can record a graph: zeros of the
    indexed tensor's shape with ``g`` added where ``x[key]`` read (repeated indices add
    up). Its own backward is indexing again."""
    steps = None  # under create_graph, the indexing steps it undoes (``Index._graph_backward``)

    @staticmethod
    def forward(ctx, g, shape, key, basic, steps=None):
        ctx.key, ctx.basic, ctx.steps = key, basic, steps
        gx = np.zeros(shape, dtype=g.dtype)
        if basic:
            gx[key] = g
        elif type(key) is tuple and len(key) == 1 and key[0].dtype == np.bool_:
            gx[key] = g  # a mask selects each element at most once: nothing to add up
        elif type(key) is tuple and len(key) == 1 and key[0].ndim == 1 and key[0].dtype.kind in "iu":
            add_rows(gx, key[0], g)  # x[idx]: the common case, done without np.add.at
        else:
            np.add.at(gx, key, g)  # repeated indices must add up
        return gx

    @staticmethod
    def backward(ctx, gg):
        return Index.call(gg, key=ctx.key, basic=ctx.basic)

    @property
    def _backward_name(self):  # torch: ``index_put_`` into zeros, or the first step's kernel
        return "IndexPutBackward0" if self.steps is None else _UNDO[self.steps[0]]

    @property
    def next_functions(self):
        """The later steps' kernels, undone first; ``IndexPutImplBackward0``'s first input
        is its zeros, which need no gradient."""
        edge = self._next[0]
        for step in self.steps[:0:-1] if self.steps else ():
            edge = shown_node(_UNDO[step], *((None, edge) if step == "IndexBackward0" else (edge,)))
        return shown_edges((None, edge) if self.name() == "IndexPutImplBackward0" else (edge,))


def _torch_index_steps(key, shape):
    """The nodes torch records for ``x[key]``, first applied first: a Select per integer,
    a Slice per slice that does not cover its whole dimension, an Unsqueeze per None,
    then one Index for all index arrays. (A lone ``x[:]`` is still a Slice in torch.)"""
    if type(key) is not tuple:
        return ["SelectBackward0" if isinstance(key, int) else "SliceBackward0" if isinstance(key, slice)
                else "IndexBackward0"]
    steps, dim, advanced = [], 0, False
    real = sum(1 for k in key if k is not None and k is not Ellipsis)
    for k in key:
        if k is Ellipsis:
            dim += len(shape) - real
        elif k is None:
            steps.append("UnsqueezeBackward0")
        elif isinstance(k, slice):
            if k.indices(shape[dim]) != (0, shape[dim], 1):
                steps.append("SliceBackward0")
            dim += 1
        elif k is _ARRAY or isinstance(k, np.ndarray):
            advanced = True
            dim += 1
        else:
            steps.append("SelectBackward0")
            dim += 1
    if advanced:
        steps.append("IndexBackward0")
    return steps or ["AliasBackward0"]


def getitem(input, key, dim_given=None):
    key, basic = _index_key(key)
    return Index.apply(input, key=key, basic=basic, dim_given=dim_given)


class IndexPut(ArrayFunction):
    """``x[key] = v`` written out-of-place, so the in-place machinery can record it.
    torch names the node CopySlices for a basic key and IndexPutBackward0 for an advanced one."""

    @staticmethod
    def forward(ctx, x, v, key, basic):
        ctx._backward_name = "torch::autograd::CopySlices" if basic else "IndexPutBackward0"
        ctx.key = key
        out = x.copy()
        out[key] = v
        return out

    @staticmethod
    def backward(ctx, g):
        gx = g.copy()
        gx[ctx.key] = 0
        return gx, g[ctx.key]


def setitem(input, key, value):
    if _state.enabled and input._requires_grad and input.grad_fn is None:
        raise RuntimeError(_VIEW_LEAF)  # torch writes through a view of x: x[key].copy_(value)
    key, basic = _index_key(key)
    v = _operand(value)
    if isinstance(v, Tensor) and v.dtype is not input.dtype:
        v = v.to(input.dtype)
    if not input._requires_grad and not (isinstance(v, Tensor) and v._requires_grad):
        try:
            input._data[key] = v._data if isinstance(v, Tensor) else v
        except IndexError as e:
            raise _index_error(e, input._data.ndim) from None
        except ValueError as e:
            raise RuntimeError(str(e)) from None
        bump_version(input)
        return
    inplace(input, lambda x, v: IndexPut.apply(x, v, key=key, basic=basic), v)


class MaskedFill(ArrayFunction):
    _backward_name = "MaskedFillBackward0"

    @staticmethod
    def forward(ctx, x, value, mask):
        ctx.save_for_backward(mask)
        return np.where(mask, value, x).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        mask, = ctx.saved_tensors
        return np.where(mask, 0, g), np.where(mask, g, 0)


def masked_fill(input, mask, value):
    mask = _operand(mask)
    if mask._data.dtype != np.bool_:
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype {mask.dtype}")
    if isinstance(value, Tensor) and value._data.ndim != 0:
        raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with {value._data.ndim} dimension(s).")
    if isinstance(value, Tensor):
        return MaskedFill.apply(input, value, mask=mask._data)
    return MaskedFill.apply(input, value=value, mask=mask._data)


class Gather(ArrayFunction):
    _backward_name = "GatherBackward0"

    @staticmethod
    def forward(ctx, x, dim, index):
        ctx.shape, ctx.dtype, ctx.dim = x.shape, x.dtype, dim
        ctx.save_for_backward(index)
        # torch lets index be smaller than x in the other dimensions: trim x to match.
        x = x[tuple(slice(0, s) if i != dim else slice(None) for i, s in enumerate(index.shape))]
        return np.take_along_axis(x, index, axis=dim)

    @staticmethod
    def backward(ctx, g):
        index, = ctx.saved_tensors
        return GatherBackward.call(g, shape=ctx.shape, dim=ctx.dim, index=index)


class GatherBackward(ArrayFunction):
    """``gather``'s backward as an op (torch's ``scatter_add`` into zeros): ``g`` added into
    zeros of ``shape`` at ``index`` along ``dim``. Its own backward gathers again."""
    _backward_name = "ScatterAddBackward0"

    @staticmethod
    def forward(ctx, g, shape, dim, index):
        ctx.dim, ctx.index = dim, index
        gx = np.zeros(shape, dtype=g.dtype)
        idx = list(np.indices(index.shape, sparse=True))
        idx[dim] = index
        np.add.at(gx, tuple(idx), g)
        return gx

    @staticmethod
    def backward(ctx, gg):
        return Gather.call(gg, dim=ctx.dim, index=ctx.index)


def gather(input, dim, index, *, sparse_grad=False):
    index = _operand(index)
    if index._data.dtype != np.int64:
        raise RuntimeError("gather(): Expected dtype int64 for index")
    d = _wrap_dim(dim, input._data.ndim)
    if index._data.ndim != input._data.ndim:
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
    n = input._data.shape[d]
    if index._data.size and (index._data.min() < -n or index._data.max() >= n):
        raise RuntimeError(f"index {int(index._data.max())} is out of bounds for dimension {d} with size {n}")
    return Gather.apply(input, dim=d, index=index._data)


class IndexSelect(ArrayFunction):
    """The slices at ``index`` along ``dim``; backward adds each slice's gradient back
    (an index may repeat)."""
    _backward_name = "IndexSelectBackward0"

    @staticmethod
    def forward(ctx, x, dim, index):
        ctx.save_for_backward(index)
        ctx.dim, ctx.shape = dim, x.shape
        if x.ndim == 0:  # a 0-d tensor gives its one value, 0-d too
            return x.reshape(1)[index].reshape(())
        return np.take(x, index, axis=dim)

    @staticmethod
    def backward(ctx, g):
        index, = ctx.saved_tensors
        gx = np.zeros(ctx.shape or (1,), g.dtype)
        add_rows(np.moveaxis(gx, ctx.dim, 0), index, np.moveaxis(g.reshape(index.shape) if g.ndim == 0 else g, ctx.dim, 0))
        return gx.reshape(ctx.shape)

    @staticmethod
    def _graph_backward(ctx, g):
        """Under ``create_graph``: the slices added back by ``index_add``, whose own
        backward is this ``index_select`` again."""
        from .creation import zeros
        index, = ctx.saved_tensors
        gx = zeros(ctx.shape or (1,), dtype=g.dtype)
        return gx.index_add(ctx.dim, _wrap(index.reshape(-1)), g.reshape(index.shape) if g.ndim == 0 else g).reshape(ctx.shape)


def index_select(input, dim, index, *, out=None):
    x, index = _operand(input), _operand(index)
    if index._data.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    if index._data.dtype not in (np.int32, np.int64):
        raise RuntimeError("index_select(): Expected dtype int32 or int64 for index")
    idx = index._data.reshape(-1)
    if x._data.ndim == 0 and idx.size != 1:
        raise RuntimeError(f"index_select(): Index to scalar can have only 1 value, got {idx.size} value(s)")
    d = _wrap_dim(dim, x._data.ndim)
    n = x._data.shape[d] if x._data.ndim else 1
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        raise IndexError("index out of range in self")
    return _out(IndexSelect.apply(x, dim=d, index=idx), out)

