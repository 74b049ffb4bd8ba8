"""The nodes torch records for a batched ``matmul`` -- for display only.

Here ``a @ b`` is one node whatever the ranks (``linalg.MatMul``: one ``np.matmul``
forward, two backward). torch's ``_matmul_impl`` (``aten/src/ATen/native/LinearAlgebra.cpp``)
builds a product of 3+ dimensions out of other ops, and ``grad_fn.next_functions``
shows them. It picks one of two plans:

1. *Fold* -- the bigger operand has 3+ dims and the other 1 or 2 (``should_fold``: when
   the smaller one requires grad, or the bigger one's batch dimensions merge without a
   copy): reshape the bigger one to a matrix, one ``mm``/``mv``, ``_unsafe_view`` back.
   When the bigger one is on the right, torch multiplies the transposes and transposes
   the result back (``(b^T a^T)^T``), copying it to be contiguous.
2. *Batch* -- ``expand`` both to the broadcast batch, reshape each to 3 dims, one
   ``bmm``, ``_unsafe_view`` to the output shape (a vector on the right is unsqueezed
   to a column first and squeezed after). A 3-d operand with batch 1 against another
   batch size is squeezed instead, when it requires grad, and the plan chosen again.

Which nodes a ``reshape`` records depends on strides (``shape.Reshape``: a view, or a
copy recorded as clone + ``_unsafe_view``), so ``MatMul.forward`` keeps each operand's
shape and strides (in elements) -- not the arrays: a finished graph must not hold them.
The functions below replay torch's plan on those layouts; an operand is
``(shape, strides, edge)``, where ``edge`` is the internal edge (``None``: no gradient).
"""
import math

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..autograd.graph import shown_node


def layout(x):
    """An array's (shape, strides in elements)."""
    return x.shape, tuple(s // x.itemsize for s in x.strides)


def graph(node):
    """The top display node torch would have recorded for the batched product ``node``."""
    (sa, ta), (sb, tb) = node.layouts
    return _matmul((sa, ta, node._next[0]), (sb, tb, node._next[1]))[0]


def _matmul(a, b):
    nda, ndb = len(a[0]), len(b[0])
    if _should_fold(a, b):
        transpose = ndb > nda
        t1 = _view("TransposeBackward0", _mT(b)) if transpose else a
        t2 = (_view("TBackward0", _mT(a)) if nda == 2 else a) if transpose else b
        folded = reshaped(t1, (math.prod(t1[0][:-1]), t1[0][-1]))
        product = shown_node("MmBackward0" if len(t2[0]) == 2 else "MvBackward0", folded[2], t2[2])
        out = shown_node("UnsafeViewBackward0", product)
        if transpose and len(t2[0]) == 2:
            out = shown_node("TransposeBackward0", out)
            if a[0][0] != 1 and b[0][-1] != 1:  # the transposed result is not contiguous: .contiguous() copies
                out = shown_node("CloneBackward0", out)
        return out
    if nda == 3 and ndb == 3 and a[0][0] != b[0][0]:
        if a[0][0] == 1 and a[2] is not None:
            return _matmul(_squeezed(a), b)
        if b[0][0] == 1 and b[2] is not None:
            return _matmul(a, _squeezed(b))
    batch = np.broadcast_shapes(a[0][:-2], b[0][:-2] if ndb > 1 else ())
    n, m1 = (a[0][-2] if nda > 1 else 1), a[0][-1]
    left = reshaped(_expand(a, batch + (n, m1)), (math.prod(batch), n, m1))
    if ndb == 1:
        right = reshaped(_expand(b, batch + b[0]), (math.prod(batch), b[0][0]))
        right = _view("UnsqueezeBackward0", right)
        product = shown_node("SqueezeBackward1", shown_node("BmmBackward0", left[2], right[2]))
    else:
        right = reshaped(_expand(b, batch + b[0][-2:]), (math.prod(batch),) + b[0][-2:])
        product = shown_node("BmmBackward0", left[2], right[2])
    return shown_node("UnsafeViewBackward0", product)


def _should_fold(a, b):
    """torch's ``should_fold``: multiply as one matrix product instead of a batched one?"""
    larger = len(a[0]) >= len(b[0])
    t1, small = (a, b) if larger else (_mT(b), a)
    if not (len(t1[0]) >= 3 and len(small[0]) <= 2):
        return False
    if small[2] is not None:  # it requires grad
        return True
    if len(a[0]) == 2:
        return False
    # torch compares strides of neighbouring batch dimensions; its 2.14 build passes the
    # same cases as "reshape to a matrix is a view" (size-1 dimensions do not count)
    return math.prod(t1[0]) == 0 or _view_strides(t1, (-1, t1[0][-1])) is not None


def _view(name, o):
    """``o`` after a view op that records node ``name`` (none when ``o`` needs no grad)."""
    return o[0], o[1], o[2] and shown_node(name, o[2])


def _mT(o):
    shape, strides, edge = o
    return shape[:-2] + shape[:-3:-1], strides[:-2] + strides[:-3:-1], edge


def _squeezed(o):
    return _view("SqueezeBackward1", (o[0][1:], o[1][1:], o[2]))


def _expand(o, shape):
    shape, (old, strides, edge) = tuple(shape), o
    pad = len(shape) - len(old)
    new = (0,) * pad + tuple(0 if n == 1 and m != 1 else s for n, m, s in zip(old, shape[pad:], strides))
    return _view("ExpandBackward0", (shape, new, edge))


def _view_strides(o, shape):
    """The strides of ``o`` reshaped to ``shape`` without a copy, or None when it needs one."""
    probe = as_strided(np.empty(1, np.uint8), o[0], o[1], writeable=False)  # a layout only: never read
    try:
        return layout(np.reshape(probe, shape, copy=False))[1]
    except ValueError:
        return None


def reshaped(o, shape):
    """``o.reshape(shape)``: a view when the strides allow one, else a copy (``shape.Reshape``)."""
    strides = _view_strides(o, shape)
    if strides is None:
        copied = _view("UnsafeViewBackward0", _view("CloneBackward0", o))
        return shape, layout(np.empty(shape, np.uint8))[1], copied[2]
    contiguous = as_strided(np.empty(1, np.uint8), o[0], o[1], writeable=False).flags.c_contiguous
    return _view("ViewBackward0" if contiguous else "ReshapeAliasBackward0", (shape, strides, o[2]))
