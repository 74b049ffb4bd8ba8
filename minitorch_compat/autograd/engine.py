"""The backward engine: from a root's gradient to every leaf's ``.grad``.

torch's engine lives in C++ (``torch/csrc/autograd/engine.cpp``) and runs nodes with a
dependency count per node on worker threads. The result is the same as this file's plain
algorithm:

1. Collect the nodes reachable from the roots and sort them topologically (a node runs
   only after every node that feeds gradient into it).
2. Walk that order once. Each node's incoming gradients have been summed in ``buffers``;
   its ``backward`` turns them into one gradient per input edge, which is added into the
   buffer of the next node, or accumulated into ``.grad`` for a leaf.
3. Unless ``retain_graph``, each node frees its saved arrays once it has run, so a second
   backward through it raises torch's error.
"""
import sys

import numpy as np

from .function import Function


def _topological_order(roots):
    """Nodes reachable from ``roots``, each before all the nodes it sends gradient to."""
    order, seen = [], set()
    for root in roots:
        if root in seen:
            continue
        seen.add(root)
        stack = [(root, iter(root._next))]
        while stack:
            node, edges = stack[-1]
            for edge in edges:
                if edge is not None and isinstance(edge[0], Function) and edge[0] not in seen:
                    seen.add(edge[0])
                    stack.append((edge[0], iter(edge[0]._next)))
                    break
            else:
                stack.pop()
                order.append(node)
    order.reverse()
    return order


def _run_hooks(hooks, grad):
    for hook in hooks:
        res = hook(_wrap(grad))
        if res is not None:
            grad = res._data
    return grad


def run_backward(roots, root_grads, retain_graph, capture=None):
    """Propagate ``root_grads`` (arrays) from ``roots`` (tensors) through the graph.

    With ``capture`` (a dict keyed by the edges of the tensors passed to
    ``autograd.grad``), gradients reaching those tensors are stored there instead of
    being accumulated into ``.grad``.
    """
    buffers = {}
    for t, g in zip(roots, root_grads):
        _send(buffers, (t.grad_fn, t._output_nr) if t.grad_fn is not None else (t, 0), g, capture)
    nodes = [t.grad_fn for t in roots if t.grad_fn is not None]
    for node in _topological_order(nodes):
        grads = buffers.pop(node, None)
        if grads is None:
            continue
        if node._hooks:
            for i, hooks in node._hooks.items():
                if grads[i] is not None:
                    grads[i] = _run_hooks(hooks, grads[i])
        if capture is not None:
            for i, g in enumerate(grads):
                if (node, i) in capture and g is not None:
                    capture[(node, i)] = g
        if node._saved is None:
            from .function import _FREED
            raise RuntimeError(_FREED)
        input_grads = node._run_backward(grads)
        for edge, g in zip(node._next, input_grads):
            if edge is not None and g is not None:
                _send(buffers, edge, g, capture)
        if not retain_graph:
            node._saved = None


def _send(buffers, edge, grad, capture):
    target, index = edge
    if isinstance(target, Function):
        slots = buffers.get(target)
        if slots is None:
            slots = buffers[target] = [None] * target._n_out
        old = slots[index]
        slots[index] = grad if old is None else old + grad
    elif capture is not None:
        if edge in capture:
            old = capture[edge]
            capture[edge] = grad if old is None else old + grad
    else:
        _accumulate(target, grad, may_steal=True)


def _accumulate(leaf, grad, may_steal=False):
    """AccumulateGrad: the first gradient becomes ``.grad``, later ones are added.

    The first one is copied, so that ``.grad`` never aliases an array anyone else holds,
    unless ``may_steal`` (the engine's own call) and nothing else can reach it.
    """
    if leaf._hooks:
        grad = _run_hooks(leaf._hooks, grad)
        may_steal = False  # a hook may return an array its author keeps
    data = leaf._data
    if grad.shape != data.shape:
        grad = np.broadcast_to(grad, data.shape)
    if leaf._grad is None:
        if may_steal and _unshared(grad, sys.getrefcount(grad)) and grad.dtype == data.dtype:
            leaf._grad = _wrap(grad)
        else:
            leaf._grad = _wrap(np.array(grad, dtype=data.dtype))
    else:
        leaf._grad._data = leaf._grad._data + grad


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
# the interpreter, so it is measured once below instead of written down.
_ENGINE_REFS = 0  # sys.getrefcount(grad) in _accumulate when only the engine holds grad; 0: never steal


def _unshared(grad, refcount):
    return (refcount <= _ENGINE_REFS and type(grad) is np.ndarray and grad.flags.owndata
            and grad.flags.c_contiguous and grad.flags.writeable)


def _measure_engine_refs():
    """The smallest ``_ENGINE_REFS`` at which a gradient that nothing else holds is stolen,
    both for a gradient a node returns and for a root gradient sent straight to a leaf."""
    global _ENGINE_REFS
    made = []

    class _Fresh(Function):
        _raw = True

        @staticmethod
        def backward(ctx, g):
            out = np.ones(1)
            made.append(id(out))  # the id, not the array: holding it would add a reference
            return out

    def stolen_via_node():
        leaf = _wrap(np.zeros(1))
        leaf._requires_grad = True
        node = object.__new__(_Fresh)
        node._next, node.needs_input_grad = ((leaf, 0),), (True,)
        root = _wrap(np.zeros(1))
        root._requires_grad, root.grad_fn = True, node
        run_backward([root], [np.ones(1)], False)
        return id(leaf._grad._data) == made[-1]

    def stolen_as_root():
        leaf = _wrap(np.zeros(1))
        leaf._requires_grad = True
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


from .._tensor import _wrap  # noqa: E402

_measure_engine_refs()
