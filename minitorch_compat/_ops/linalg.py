"""Products: matmul (and its spellings mm, bmm, mv, dot), outer, linear, tensordot, kron
and the cross product.

For ``C = A @ B`` the backward is ``dA = dC @ B^T`` and ``dB = A^T @ dC``; batch
dimensions that were broadcast are summed away, and 1-d operands are treated as a row
(left) or a column (right) and squeezed back, exactly as ``torch.matmul`` documents.
torch does not promote dtypes in matrix products: mixed dtypes are an error.
"""
import math
import warnings

import numpy as np

from .. import _checks, _dtype
from ..autograd.function import ArrayFunction
from ..autograd.graph import shown_node, shown_edges
from . import matmul_graph
from .pointwise import _operand, _out
from .shape import Reshape, permute, reshape, unsqueeze

_NAMES = {(1, 1): "DotBackward0", (2, 1): "MvBackward0", (2, 2): "MmBackward0", (1, 2): "SqueezeBackward4"}


class MatMul(ArrayFunction):
    """``a @ b`` as one node. For operands of 3+ dims torch records reshapes around an
    ``mm`` or ``bmm``; ``grad_fn`` and ``next_functions`` show those (``matmul_graph.py``)."""
    layouts = None
    _save_for = _pack_order = (1, 0)

    _save_names_all = ("self", "mat2", "tensor", "vec")  # (each node's own are below)

    @property
    def _save_names(self):  # torch's names for the node it records
        return {"DotBackward0": ("self", "tensor"), "MvBackward0": ("self", "vec")}.get(self._backward_name, ("self", "mat2"))

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        ctx._name = _NAMES.get((a.ndim, b.ndim))
        if ctx._name is None:
            ctx.layouts = matmul_graph.layout(a), matmul_graph.layout(b)
        return np.matmul(a, b)

    @property
    def _backward_name(self):
        return self._name if self.layouts is None else matmul_graph.graph(self)._backward_name

    @property
    def next_functions(self):
        return shown_edges(self._next if self.layouts is None else matmul_graph.graph(self)._next)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        a2 = a[None, :] if a.ndim == 1 else a
        b2 = b[:, None] if b.ndim == 1 else b
        if a.ndim == 1 and b.ndim == 1:  # a dot product: g is 0-d
            g = g.reshape(1, 1)
        elif a.ndim == 1:
            g = np.expand_dims(g, -2)
        elif b.ndim == 1:
            g = np.expand_dims(g, -1)
        # A 1-d operand's row/column dimension is squeezed back out; batch dimensions that
        # were broadcast are summed away by the engine.
        ga = gb = None
        if ctx.needs_input_grad[0]:
            ga = np.matmul(g, np.swapaxes(b2, -1, -2))
            ga = ga[..., 0, :] if a.ndim == 1 else ga
        if ctx.needs_input_grad[1]:
            gb = np.matmul(np.swapaxes(a2, -1, -2), g)
            gb = gb[..., 0] if b.ndim == 1 else gb
        return ga, gb


class Bmm(MatMul):
    """``torch.bmm``: the same product, recorded under its own node name."""
    _backward_name = "BmmBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.matmul(a, b)


def _check(a, b, what):
    """matmul's argument checks, with the message torch gives for each way of failing."""
    if a._data.dtype != b._data.dtype or _dtype.low_precision_seen and a.dtype is not b.dtype:  # (bfloat16 vs float32)
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {a.dtype._cpp_name} != {b.dtype._cpp_name}")
    sa, sb = a._data.shape, b._data.shape
    if a._data.ndim == 0 or b._data.ndim == 0:
        raise RuntimeError(f"both arguments to {what} need to be at least 1D, but they are {a._data.ndim}D and {b._data.ndim}D")
    k_a = sa[-1]
    k_b = sb[0] if len(sb) == 1 else sb[-2]
    if len(sa) > 2 or len(sb) > 2:
        batch = (sa[:-2] if len(sa) > 2 else (), sb[:-2] if len(sb) > 2 else ())
        err = _checks.broadcast_error(batch)
        if err is not None:
            raise err
    if k_a == k_b:
        return
    rows = int(np.prod(sa[:-1]))
    if len(sa) == 1 and len(sb) == 1:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{sa[0]}] and src [{sb[0]}] to have the same number of elements, but got {sa[0]} and {sb[0]} elements respectively")
    if len(sb) == 1:  # matrix (or folded batch) @ vector
        raise RuntimeError(f"size mismatch, got input ({rows}), mat ({rows}x{k_a}), vec ({k_b})")
    if len(sb) == 2:  # vector/matrix/folded batch @ matrix
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{k_a} and {k_b}x{sb[-1]})")
    n_batch = int(np.prod(np.broadcast_shapes(sa[:-2], sb[:-2])))
    raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{n_batch}, {k_a}] but got: [{n_batch}, {k_b}].")


def matmul(input, other, *, out=None):
    a, b = _operand(input), _operand(other)
    _check(a, b, "matmul")
    return _out(MatMul.apply(a, b), out)


def mm(input, mat2, *, out=None):
    if input._data.ndim != 2 or mat2._data.ndim != 2:
        raise RuntimeError(f"{'self' if input._data.ndim != 2 else 'mat2'} must be a matrix")
    return matmul(input, mat2, out=out)


def bmm(input, mat2, *, out=None):
    if input._data.ndim != 3 or mat2._data.ndim != 3:
        raise RuntimeError(f"batch{'1' if input._data.ndim != 3 else '2'} must be a 3D tensor")
    if input._data.shape[0] != mat2._data.shape[0]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{input._data.shape[0]}, {input._data.shape[2]}] but got: [{mat2._data.shape[0]}, {mat2._data.shape[1]}].")
    _check(input, mat2, "bmm")
    return _out(Bmm.apply(input, mat2), out)


def mv(input, vec, *, out=None):
    if input._data.ndim != 2 or vec._data.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {input._data.ndim}, {vec._data.ndim}")
    return matmul(input, vec, out=out)


def dot(input, other, *, out=None):
    if input._data.ndim != 1 or other._data.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input._data.ndim}D and {other._data.ndim}D tensors")
    return matmul(input, other, out=out)


inner = dot


def outer(input, vec2):
    return unsqueeze(input, 1) * unsqueeze(vec2, 0)


ger = outer


class Linear(ArrayFunction):
    """``x @ W^T + b`` as one node. torch records ``addmm(b, x, W.t())`` for a matrix ``x``
    (``mm`` without a bias, views around it for other ranks); ``next_functions`` shows that."""
    _save_for = (1, 0)

    @staticmethod
    def forward(ctx, x, w, b=None):
        ctx.save_for_backward(x, w)
        ctx.folded = None if x.ndim < 3 or x.flags.c_contiguous else matmul_graph.layout(x)  # see _linear_graph
        out = np.matmul(x, w.T)
        if b is not None:
            out += b  # out is a fresh array, so adding in place is safe
        return out

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        gx = np.matmul(g, w) if ctx.needs_input_grad[0] else None
        g2 = g.reshape(-1, g.shape[-1])
        gw = np.matmul(g2.T, x.reshape(-1, x.shape[-1])) if ctx.needs_input_grad[1] else None
        gb = g2.sum(axis=0) if len(ctx._next) > 2 and ctx.needs_input_grad[2] else None
        return gx, gw, gb

    @property
    def _backward_name(self):
        return _linear_graph(self)[0]

    @property
    def next_functions(self):
        return shown_edges(_linear_graph(self)[1])

    def _hook_view(self, grads, grad_input, run_backward):
        """For a hook on this node (legacy module hooks, ``utils/hooks.py``): the gradients
        of torch's last node, ``addmm``'s ``(bias, x, weight.t())`` for a matrix ``x``, else
        the view's ``(grad.view(-1, out_features),)``, or for a non-contiguous batch the
        separate bias add's ``(grad, bias_grad)``; and how to map a replacement back."""
        g = grads[0]
        if g.ndim != 2 and self.folded and len(self._next) > 2:  # torch's last node: the add of the bias
            def back(r):  # the replaced output gradient through the product's backward, and the bias's
                return (*(run_backward((r[0],))[:2] if r[0] is not None else (None, None)), r[1])
            return (g, grad_input[2]), back
        if g.ndim != 2:
            def back(r):  # the replaced output gradient, through the whole backward again
                return (None,) * len(self._next) if r[0] is None else run_backward((r[0].reshape(g.shape),))
            return (g.reshape(-1, g.shape[-1]),), back
        gx, gw, *gb = grad_input
        return (*gb, gx, None if gw is None else gw.T), lambda r: (r[-2], None if r[-1] is None else r[-1].T, *r[:-2])


def _linear_graph(node):
    """(name, input edges) of the nodes torch records for ``F.linear``: see ``Linear``."""
    x, w = node._next[0], node._next[1] and shown_node("TBackward0", node._next[1])
    bias = tuple(node._next[2:])
    ndim = len(node._out_shapes[0])
    if ndim == 2:
        return ("AddmmBackward0", bias + (x, w)) if bias else ("MmBackward0", (x, w))
    if node.folded:  # a non-contiguous batch: torch reshapes it as reshape does, then adds the bias apart
        shape, strides = node.folded
        x = matmul_graph.reshaped((shape, strides, x), (math.prod(shape[:-1]), shape[-1]))[2]
        product = shown_node("UnsafeViewBackward0", shown_node("MmBackward0", x, w))
        return ("AddBackward0", (product,) + bias) if bias else ("UnsafeViewBackward0", product[0]._next)
    x = x and shown_node("ViewBackward0" if bias or ndim > 1 else "UnsqueezeBackward0", x)
    inner = shown_node("AddmmBackward0", *bias, x, w) if bias else shown_node("MmBackward0", x, w)
    return ("ViewBackward0" if bias else "SqueezeBackward4" if ndim == 1 else "UnsafeViewBackward0"), (inner,)


def linear(input, weight, bias=None):
    """``torch.nn.functional.linear``: y = x W^T + b."""
    x, w = _operand(input), _operand(weight)
    _checks.linear(x, w)
    # (a bias of several rows is added by its own node: the engine sums its gradient back)
    return Linear.apply(x, w) if bias is None else Linear.apply(x, w, bias) if bias._data.ndim < 2 else Linear.apply(x, w) + bias


# ---- tensordot and kron: compositions, as in torch ---------------------------------------
def tensordot(a, b, dims=2, out=None):
    """Sum of products over ``dims`` of ``a`` paired with ``dims`` of ``b`` (an int n: the
    last n of ``a`` with the first n of ``b``). As torch: the contracted dimensions are
    permuted last in ``a`` and first in ``b``, both reshaped to matrices, multiplied
    (``dot`` when nothing is left free), and the result reshaped to the free dimensions."""
    a, b = _operand(a), _operand(b)
    if hasattr(dims, "_data"):
        dims = dims._data.tolist()
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        dims_a, dims_b = list(range(a._data.ndim - dims, a._data.ndim)), list(range(dims))
    else:
        dims_a, dims_b = ([d] if isinstance(d, int) else list(d) for d in dims)
    if len(dims_a) != len(dims_b):
        raise RuntimeError("both dimension lists should have same length")
    if a._data.dtype != b._data.dtype:
        raise RuntimeError("both inputs should have same dtype")
    dims_a = [d % a._data.ndim for d in dims_a]
    dims_b = [d % b._data.ndim for d in dims_b]
    for da, db in zip(dims_a, dims_b):
        if a._data.shape[da] != b._data.shape[db]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {a._data.shape[da]} in dim "
                               f"{da} and second has size {b._data.shape[db]} in dim {db}")
    free_a = [d for d in range(a._data.ndim) if d not in dims_a]
    free_b = [d for d in range(b._data.ndim) if d not in dims_b]
    k = int(np.prod([a._data.shape[d] for d in dims_a]))
    shape_a, shape_b = [a._data.shape[d] for d in free_a], [b._data.shape[d] for d in free_b]
    pa, pb = permute(a, *(free_a + dims_a)), permute(b, *(dims_b + free_b))
    if not free_a and not free_b:
        product = MatMul.apply(reshape(pa, k), reshape(pb, k))
    else:
        product = MatMul.apply(reshape(pa, int(np.prod(shape_a)), k), reshape(pb, k, int(np.prod(shape_b))))
    return _out(reshape(product, shape_a + shape_b), out)


def kron(input, other, *, out=None):
    """The Kronecker product: ``other`` scaled by each element of ``input``, tiled. torch
    reshapes both with their dimensions interleaved, multiplies (broadcasting does the
    tiling) and reshapes the result, each reshape an ``_unsafe_view``."""
    a, b = _operand(input), _operand(other)
    n = max(a._data.ndim, b._data.ndim)
    sa = (1,) * (n - a._data.ndim) + a._data.shape
    sb = (1,) * (n - b._data.ndim) + b._data.shape
    spread_a = [s for d in sa for s in (d, 1)]
    spread_b = [s for d in sb for s in (1, d)]
    product = _unsafe_view(a, spread_a) * _unsafe_view(b, spread_b)
    return _out(_unsafe_view(product, [x * y for x, y in zip(sa, sb)]), out)


def _unsafe_view(x, shape):
    return Reshape.apply(x, shape=tuple(shape), name="UnsafeViewBackward0") if x._data.flags.c_contiguous \
        else reshape(x, shape)


class Cross(ArrayFunction):
    """The cross product of 3-vectors along ``dim``; ``d(a x b) = da x b + a x db`` gives
    ``ga = b x g`` and ``gb = g x a``."""
    _backward_name = "LinalgCrossBackward0"

    @staticmethod
    def forward(ctx, a, b, dim):
        ctx.save_for_backward(a, b)
        ctx.dim = dim
        return np.cross(a, b, axis=dim)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        ga = np.cross(b, g, axis=ctx.dim) if ctx.needs_input_grad[0] else None
        gb = np.cross(g, a, axis=ctx.dim) if ctx.needs_input_grad[1] else None
        return ga, gb


def cross(input, other, *, dim=-1, out=None):
    """``torch.linalg.cross``: the cross product along ``dim`` (default the last), inputs broadcast."""
    a, b = _operand(input), _operand(other)
    if a._data.ndim != b._data.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    n = a._data.ndim
    sa, sb = a._data.shape[dim % n], b._data.shape[dim % n]
    if sa != 3 or sb != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got {sa} and {sb}")
    err = _checks.broadcast_error([a._data.shape, b._data.shape])
    if err is not None:
        raise err
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(f"expected scalar type {a.dtype._scalar_name} but found {b.dtype._scalar_name}")
    return _out(Cross.apply(a, b, dim=dim % n), out)


def torch_cross(input, other, dim=None, *, out=None):
    """``torch.cross``: as ``linalg.cross``, but without ``dim`` it takes the first dimension
    of size 3, with torch's deprecation warning."""
    if dim is None:
        warnings.warn("Using torch.cross without specifying the dim arg is deprecated.\nPlease either pass the dim "
                      "explicitly or simply use torch.linalg.cross.\nThe default value of dim will change to agree "
                      "with that of linalg.cross in a future release.", UserWarning, stacklevel=2)
        sizes = np.broadcast_shapes(input._data.shape, other._data.shape)
        if 3 not in sizes:
            raise RuntimeError("no dimension of size 3 in input")
        dim = sizes.index(3)
    return cross(input, other, dim=dim, out=out)
