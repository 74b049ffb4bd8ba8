"""In-place operations: ``x.add_(y)``, ``x[idx] = v``, ``x.copy_(src)``...

torch writes the result into ``x``'s own memory (so every view of ``x`` sees it) and, if
autograd is recording, *rebases* ``x``'s history: ``x.grad_fn`` becomes the in-place op's
node, whose input edge points at what ``x`` was before. This file does the same in two
steps: compute the op out of place (on a snapshot of the old values, so the new node's
saved values stay correct), then copy the result into ``x``'s buffer and move ``x`` onto
the new node. Every in-place write bumps ``x._version`` (shared with its views), which is
how a node that saved ``x`` earlier knows to refuse it (``autograd/saved_variable.py``).

When ``x`` is a view of another tensor, the *base's* values changed too, so the base's
history is rewritten as well: torch records ``CopySlices``, "the base as it was, with the
view's region replaced by the op's result", and the view becomes ``AsStridedBackward0`` of
the base's new history. ``y = x * 2; y[0].mul_(3)`` then sends ``6`` to ``x.grad[0]``.

Rules torch enforces and we keep: a leaf that requires grad may not be modified in
place while grad mode is on, and the result dtype must be castable to ``x``'s dtype
(``int_tensor.add_(0.5)`` is an error).
"""
import numpy as np

from .._dtype import scalar_name
from .._tensor import Tensor, _wrap
from ..autograd import saved_variable
from ..autograd import numpy_dispatch
from ..autograd.function import ArrayFunction, ViewFunction
from ..autograd.graph import Node, shown_edges
from ..autograd.grad_mode import _state

_LEAF = "a leaf Variable that requires grad is being used in an in-place operation."
_VIEW_LEAF = "a view of a leaf Variable that requires grad is being used in an in-place operation."


def check_inplace(t):
    if _state.enabled and t._requires_grad:
        node = t.grad_fn
        if node is None:
            raise RuntimeError(_LEAF)
        if getattr(node, "_multi_view", False):
            raise RuntimeError(
                f"Output {t._output_nr} of {node.name()[:-len('Backward0')]} is a view and is being modified inplace. "
                "This view is the output of a function that returns multiple views. Such functions do not allow "
                "the output views to be modified inplace. You should replace the inplace operation by an "
                "out-of-place one.")
        if getattr(node, "_returns_inputs", False):
            raise RuntimeError(
                f"Output {t._output_nr} of {type(node).__name__} is a view and is being modified inplace. This view "
                "was created inside a custom Function (or because an input was returned as-is) and the autograd "
                "logic to handle view+inplace would override the custom backward associated with the custom "
                "Function, leading to incorrect gradients. This behavior is forbidden. You can fix this by cloning "
                "the output of the custom Function.")
        if _viewed_leaf(t) is not None:
            raise RuntimeError(_VIEW_LEAF)


def _viewed_leaf(t):
    """The leaf requiring grad that ``t`` is a view of, if any. torch records each view's
    ``_base``; here the chain of view nodes (``_is_view``) is followed up to a leaf, and
    NumPy's memory-overlap test decides whether ``t`` still looks at that leaf's storage."""
    node = t.grad_fn
    while getattr(node, "_is_view", False):
        edge = node._next[0]
        if edge is None:
            return None
        target = edge[0]
        if isinstance(target, Tensor):
            return target if np.may_share_memory(target._data, t._data) else None
        node = target
    return None


def _can_cast(src, dst):
    """torch's canCast: no complex->real, floating->integral or non-bool->bool."""
    if src.kind == "c" and dst.kind != "c":
        return False
    if src.kind == "f" and dst.kind in "iub":
        return False
    if src.kind != "b" and dst.kind == "b":
        return False
    return True


def inplace(self, op, *args, **kwargs):
    """Run ``op(self, *args)`` and store its result in ``self``."""
    check_inplace(self)
    tracking = _state.enabled and (self._requires_grad or any(isinstance(a, Tensor) and a._requires_grad for a in args))
    if tracking and self._base is None and numpy_dispatch.recording():
        return _replace(self, op(self, *args, **kwargs))
    if tracking and self._base is not None:
        return _inplace_on_view(self, op, args, kwargs)
    if tracking:
        result = op(_snapshot(self), *args, **kwargs)
    else:
        result = op(self, *args, **kwargs)
    _store(self, result)
    if tracking:
        self.grad_fn, self._output_nr, self._requires_grad = result.grad_fn, result._output_nr, True
    return self


def _snapshot(t):
    """A copy of ``t``'s values with ``t``'s history: what the op reads (and may save)."""
    before = _wrap(t._data.copy())
    before._requires_grad, before.grad_fn, before._output_nr = t._requires_grad, t.grad_fn, t._output_nr
    return before


def _store(self, result):
    r = result._data
    if r.shape != self._data.shape:
        raise RuntimeError(f"output with shape {list(self._data.shape)} doesn't match the broadcast shape {list(r.shape)}")
    if not _can_cast(r.dtype, self._data.dtype):
        raise RuntimeError(f"result type {scalar_name(r.dtype)} can't be cast to the desired output type {scalar_name(self._data.dtype)}")
    with np.errstate(over="ignore", invalid="ignore"):  # a float64 result stored in float16 may overflow
        np.copyto(self._data, r, casting="unsafe")
    bump_version(self)


def bump_version(t):
    """``t``'s data changed in place: a node that saved it as its output must know (the
    nodes that saved it as an input compare versions), then count the change."""
    saved_variable.note_inplace(t)
    t._version += 1


def _replace(self, result):
    """Inside a backward formula running on Tensors (``create_graph``), an in-place step
    (``grad[rows, target] -= 1``) works on a temporary of the formula that a node may have
    saved (``exp``'s output): the new values replace the data instead of overwriting it."""
    if result._data.shape != self._data.shape:
        _store(self, result)  # (raises torch's error)
    self._data = result._data.astype(self._data.dtype, copy=False)
    self._version += 1
    self.grad_fn, self._output_nr, self._requires_grad = result.grad_fn, result._output_nr, result._requires_grad
    return self


# ---- in place through a view: CopySlices -----------------------------------------------------
def _inplace_on_view(view, op, args, kwargs):
    base = view._base
    region = _region(base._data, view._data)
    base_before = _snapshot(base)
    result = op(_snapshot(view), *args, **kwargs)
    _store(view, result)  # (writes into the base's memory; the version is shared)
    rebased = CopySlices.apply(base_before, result, region=region)
    base.grad_fn, base._output_nr, base._requires_grad = rebased.grad_fn, 0, True
    view.grad_fn, view._output_nr, view._requires_grad = AsStrided.apply(rebased, region=region).grad_fn, 0, True
    return view


def _region(base, view):
    """Where ``view``'s elements sit in ``base``: their flat (C-order) indices in ``base``,
    shaped like ``view``. Found from memory: lay the numbers 0..n-1 out with ``base``'s
    strides in a scratch buffer, and read them back with ``view``'s."""
    from numpy.lib.array_utils import byte_bounds
    lo, hi = byte_bounds(base)
    item = base.itemsize
    scratch = np.full(max(hi - lo, item) // item, -1, np.int64)

    def laid_out(a):
        start = (a.__array_interface__["data"][0] - lo) // item
        return np.lib.stride_tricks.as_strided(scratch[start:], a.shape, [s // item * 8 for s in a.strides])
    laid_out(base)[...] = np.arange(base.size).reshape(base.shape)
    return laid_out(view).copy()


class CopySlices(ArrayFunction):
    """The base of a view after an in-place op on the view: ``base`` with the view's
    ``region`` replaced by ``values`` (the op's result). Backward: the region's gradient
    goes to ``values``, the rest to ``base``. torch's node wraps the op's own node, so its
    ``next_functions`` list the base, then the op's other inputs."""
    _backward_name = "torch::autograd::CopySlices"

    @staticmethod
    def forward(ctx, base, values, region):
        ctx.region = region
        ctx.mask = np.zeros(base.shape, bool)
        ctx.mask.reshape(-1)[region.reshape(-1)] = True
        out = base.copy()
        out.reshape(-1)[region] = values
        return out

    @staticmethod
    def backward(ctx, g):
        return np.where(ctx.mask, 0, g), g.reshape(-1)[ctx.region]

    @property
    def next_functions(self):
        op = self._next[1] and self._next[1][0]
        return shown_edges(self._next[:1]) + (op.next_functions[1:] if isinstance(op, Node) else ())


class AsStrided(ViewFunction):
    """A view after an in-place op on it: its ``region`` of the (rebased) base."""
    _backward_name = "AsStridedBackward0"

    @staticmethod
    def forward(ctx, base, region):
        ctx.region, ctx.shape = region, base.shape
        return base.reshape(-1)[region]

    @staticmethod
    def backward(ctx, g):
        from .shape import IndexBackward
        return IndexBackward.call(g, shape=(int(np.prod(ctx.shape)),), key=(ctx.region,), basic=False).reshape(ctx.shape)


def fill_(self, value, _node="FillBackward2"):
    if isinstance(value, Tensor) and not value._requires_grad:
        value, _node = value.item(), "FillBackward3" if _node == "FillBackward2" else _node
    if isinstance(value, Tensor):
        return inplace(self, lambda x, v: Fill.apply(x, v, name="FillBackward3"), value)
    check_inplace(self)
    if self._requires_grad and _state.enabled:
        return inplace(self, lambda x: Fill.apply(x, value=value, name=_node))
    self._data.fill(np.float32(value) if self._data.dtype == np.float16 else value)  # (c10: double -> float -> Half)
    bump_version(self)
    return self


def zero_(self):
    return fill_(self, 0, "ZeroBackward0")


def copy_(self, src):
    src = src if isinstance(src, Tensor) else _wrap(np.asarray(src))
    if self._requires_grad or (src._requires_grad and _state.enabled):
        return inplace(self, lambda x, s: Copy.apply(x, s), src)
    try:
        np.copyto(self._data, np.broadcast_to(src._data, self._data.shape), casting="unsafe")
    except ValueError:
        raise RuntimeError(f"The size of tensor a ({self._data.shape[-1] if self._data.ndim else 1}) must match the size of tensor b ({src._data.shape[-1] if src._data.ndim else 1}) at non-singleton dimension {max(self._data.ndim - 1, 0)}") from None
    bump_version(self)
    return self


class Fill(ArrayFunction):
    """``x.fill_(v)`` / ``x.zero_()``: the gradient stops at x; a tensor ``v`` gets the sum."""

    @staticmethod
    def forward(ctx, x, value, name):
        ctx._backward_name = name
        return np.full_like(x, value)

    @staticmethod
    def backward(ctx, g):
        return np.zeros_like(g), g.sum()


class Copy(ArrayFunction):
    _backward_name = "torch::autograd::CopyBackwards"

    @staticmethod
    def forward(ctx, x, src):
        ctx.src_dtype = src.dtype
        return np.broadcast_to(src, x.shape).astype(x.dtype)

    @staticmethod
    def backward(ctx, g):
        return np.zeros_like(g), g.astype(ctx.src_dtype, copy=False)
