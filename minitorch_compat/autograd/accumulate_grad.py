"""AccumulateGrad: where the backward pass ends, in a leaf's ``.grad``.

torch gives every leaf that requires grad an ``AccumulateGrad`` node
(``torch/csrc/autograd/functions/accumulate_grad.cpp``): the first gradient that reaches
it becomes ``.grad``, later ones are added. ``accumulate`` is that rule.

Skim below it: ``AccumulateGrad`` is only what ``next_functions`` shows for a leaf, and the
rest of the file is a speed detail (taking over the first gradient instead of copying it).
"""
import sys

import numpy as np

from .graph import Node


def accumulate(leaf, grad, may_steal=False, hooks_done=False):
    """The first gradient becomes ``leaf.grad`` (a copy, unless ``may_steal`` and nothing
    else holds it: see below); later ones are added to it."""
    if (leaf._hooks and not hooks_done) or type(grad) is Tensor:
        return _accumulate_special(leaf, grad)
    if leaf._grad is not None:
        leaf._grad._data = leaf._grad._data + grad
    elif may_steal and _unshared(grad, sys.getrefcount(grad)) and grad.dtype == leaf._data.dtype:
        leaf._grad = _wrap(grad)
    else:
        # (subok: a bfloat16 gradient stays one, see _bfloat16.py)
        leaf._grad = _wrap(np.array(np.broadcast_to(grad, leaf._data.shape, subok=True), dtype=leaf._data.dtype, subok=True))


def _accumulate_special(leaf, grad):
    """A leaf with hooks (``graph_hooks.py``: before and after the accumulation), or a
    gradient that is a Tensor with a history (``create_graph``): then ``.grad`` records a
    graph too, as torch's does -- a copy of the first gradient, ``grad + new`` after it. A
    None gradient (torch's undefined one) accumulates nothing, but the hooks still run."""
    if leaf._hooks:
        grad = graph_hooks.accumulate_grad_pre_hooks(leaf, grad)
    if grad is None:
        pass
    elif isinstance(grad, Tensor) and grad._requires_grad:
        from .._ops.inplace import Copy
        grad = grad.to(leaf.dtype)
        leaf._grad = Copy.apply(_wrap(np.empty_like(leaf._data)), grad) if leaf._grad is None else leaf._grad + grad
    else:
        accumulate(leaf, np.asarray(grad._data if isinstance(grad, Tensor) else grad), hooks_done=True)
    if leaf._hooks:
        graph_hooks.after_accumulate(leaf, grad)


class AccumulateGrad(Node):
    """What ``next_functions`` shows for a leaf: ``<AccumulateGrad object at ...>``."""

    _backward_name = "torch::autograd::AccumulateGrad"
    _next = ()

    def __init__(self, variable):
        self.variable = variable

    @staticmethod
    def of(leaf):
        """The leaf's one AccumulateGrad node (torch keeps one per leaf, too)."""
        node = leaf.__dict__.get("_grad_accumulator")
        if node is None:
            node = leaf._grad_accumulator = AccumulateGrad(leaf)
        return node

    def register_prehook(self, fn):
        """``fn(grad_outputs)`` before the leaf's gradient is accumulated (after its tensor hooks)."""
        return graph_hooks.add(graph_hooks.leaf_hooks_of(self.variable).pre, fn)

    def register_hook(self, fn):
        """``fn((), (grad,))`` after the leaf's gradient was accumulated."""
        return graph_hooks.add(graph_hooks.leaf_hooks_of(self.variable).post, fn)

    def __repr__(self):
        return f"<AccumulateGrad object at {hex(id(self))}>"


# ---- stealing the first gradient --------------------------------------------------------
# Copying the first gradient into ``.grad`` is one memory pass over every parameter per
# training step (``zero_grad()`` sets ``.grad`` to None, so every step has a first
# gradient): ~5% of the quickstart MLP's step. torch skips the copy when the incoming
# gradient tensor has no other user (``use_count() == 1`` in AccumulateGrad), and so do
# we. An ndarray that owns its memory and that only the engine's call frames refer to
# cannot be reached by anyone else -- not by a saved tensor, not by another node's
# gradient (Add's backward returns the same array for both inputs: the tuple then holds
# it twice), not through a view (a view references its base) -- so it can become
# ``.grad`` as it is. The number of references the engine's own frames hold depends on
# the interpreter, so it is measured once, by ``measure_engine_refs`` (called by
# engine.py when it is imported), instead of written down.
_ENGINE_REFS = 0  # sys.getrefcount(grad) in accumulate() when only the engine holds grad; 0: never steal


def _unshared(grad, refcount):
    return refcount <= _ENGINE_REFS and type(grad) is np.ndarray and grad.flags.owndata and grad.flags.carray


def measure_engine_refs(run_backward, function_base):
    """Set ``_ENGINE_REFS`` to the smallest count at which a gradient that nothing else
    holds is stolen, both for a gradient a node returns and for a root gradient sent
    straight to a leaf (the two ways the engine reaches ``accumulate``)."""
    global _ENGINE_REFS
    made = []

    class _Fresh(function_base):
        @staticmethod
        def backward(ctx, g):
            out = np.ones(1)
            made.append(id(out))  # the id, not the array: holding it would add a reference
            return out

    def stolen_via_node():
        leaf = _wrap(np.zeros(1), requires_grad=True)
        node = object.__new__(_Fresh)
        node._next, node._out_shapes = ((leaf, 0),), ((1,),)
        root = _wrap(np.zeros(1))
        root._requires_grad, root.grad_fn = True, node
        run_backward([root], [np.ones(1)], False)
        return id(leaf._grad._data) == made[-1]

    def stolen_as_root():
        leaf = _wrap(np.zeros(1), requires_grad=True)
        grads = [np.ones(1)]
        sent = id(grads[0])
        run_backward([leaf], grads, False)
        return id(leaf._grad._data) == sent

    found = []
    for check in (stolen_via_node, stolen_as_root):
        for n in range(1, 16):
            _ENGINE_REFS = n
            if check():
                found.append(n)
                break
    _ENGINE_REFS = min(found) if len(found) == 2 else 0


from .._tensor import Tensor, _wrap  # noqa: E402  (_tensor imports the autograd package)
from . import graph_hooks  # noqa: E402
