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
            slots = buffers[target] = [None] * _num_outputs(target)
        old = slots[index]
        slots[index] = grad if old is None else old + grad
    elif capture is not None:
        if edge in capture:
            old = capture[edge]
            capture[edge] = grad if old is None else old + grad
    else:
        _accumulate(target, grad)


def _num_outputs(node):
    meta = getattr(node, "_out_meta", None)
    return len(meta) if meta else getattr(node, "_n_out", 1)


def _accumulate(leaf, grad):
    """AccumulateGrad: the first gradient is copied (never aliased), later ones are added."""
    if leaf._hooks:
        grad = _run_hooks(leaf._hooks, grad)
    data = leaf._data
    if grad.shape != data.shape:
        grad = np.broadcast_to(grad, data.shape)
    if leaf._grad is None:
        leaf._grad = _wrap(np.array(grad, dtype=data.dtype))
    else:
        leaf._grad._data = leaf._grad._data + grad


from .._tensor import _wrap  # noqa: E402
