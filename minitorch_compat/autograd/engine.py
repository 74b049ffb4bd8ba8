"""The backward engine: from a root's gradient to every leaf's ``.grad``.

torch's engine lives in C++ (``torch/csrc/autograd/engine.cpp``) and runs nodes with a
dependency count per node on worker threads. The result is the same as this file's plain
algorithm:

1. Collect the nodes reachable from the roots and sort them topologically (a node runs
   only after every node that feeds gradient into it).
2. Walk that order once. Each node's incoming gradients have been summed in ``buffers``;
   its ``backward`` turns them into one gradient per input edge, which is added into the
   buffer of the next node, or accumulated into ``.grad`` for a leaf. A gradient is first
   summed back to the shape of the tensor it belongs to (``sum_to``), so backward formulas
   never undo broadcasting themselves: ``Add.backward`` is ``return g, g``. A gradient may
   be None (torch's undefined tensor: an unused output, a hook that returned None for it);
   it is sent on all the same, so every node below still runs its hooks, but a built-in
   node that received nothing else skips its formula and sends None on (``_run_special``).
3. Unless ``retain_graph``, each node frees what it saved once it has run, so a second
   backward through a node that needs saved values raises torch's error.

The walk runs with NumPy's floating-point warnings off: torch's backward never warns
about an inf or a nan, it just produces them.

With ``create_graph`` the walk is the same, but the gradients are Tensors and each node's
backward runs on Tensors too (``Function._run_backward``), so every step of it -- the
formulas, the sums in ``_send``, the accumulation into ``.grad`` -- records a graph that
can be differentiated again. Hooks (``graph_hooks.py``) run around a node that has them;
a leaf with hooks is a node of the walk too (torch's ``AccumulateGrad``), so its hooks
see the sum of its gradients once, after the last node sending to it ran.
"""
import numpy as np

from . import accumulate_grad
from .function import Function, ArrayFunction


def run_backward(roots, root_grads, retain_graph, capture=None, create_graph=False):
    """Propagate ``root_grads`` (arrays; Tensors with ``create_graph``) from ``roots``
    (tensors) through the graph.

    With ``capture`` (a dict keyed by the edges of the tensors passed to
    ``autograd.grad``), gradients reaching those tensors are stored there instead of
    being accumulated into ``.grad``.
    """
    buffers = {}
    for t, g in zip(roots, root_grads):
        _send(buffers, *((t.grad_fn, t._output_nr) if t.grad_fn is not None else (t, 0)), g, capture)
    with np.errstate(all="ignore"):  # (see the module docstring)
        for node in _topological_order([t.grad_fn or t for t in roots if t.grad_fn or t._hooks]):  # step 1
            grads = buffers.pop(node, None)                                                   # step 2
            if grads is None:
                continue
            if node._hooks or capture is not None or type(grads) is _Undefined:  # (rarer cases: see _run_special)
                grad_inputs = _run_special(node, grads, capture, create_graph)
                if grad_inputs is None:  # (a leaf with hooks: its gradient is accumulated now)
                    continue
            else:
                grad_inputs = node._run_backward(grads, create_graph)
            for edge, g in zip(node._next, grad_inputs):
                if edge is not None:
                    _send(buffers, *edge, g, capture)
            if not retain_graph:                                                              # step 3
                node._release()


def _topological_order(roots):
    """Nodes reachable from ``roots``, each before all the nodes it sends gradient to: a
    depth-first search lists every node after all the nodes below it; reversed."""
    order, seen, stack = [], set(), [(root, False) for root in reversed(roots)]
    while stack:
        node, below_done = stack.pop()
        if below_done:
            order.append(node)
        elif node not in seen:
            seen.add(node)
            stack.append((node, True))
            stack += [(e[0], False) for e in reversed(node._next) if e is not None and (isinstance(e[0], Function) or e[0]._hooks)]
    return order[::-1]


def _send(buffers, target, index, grad, capture):
    """Deliver ``grad`` along the edge ``(target, index)``: into the next node's buffer, or a
    leaf's ``.grad``."""
    node = isinstance(target, Function)
    if grad is None:  # (nothing to add, but the target still runs, for its hooks: see step 2)
        if node or target._hooks and capture is None:
            buffers.setdefault(target, _Undefined([None] * (len(target._out_shapes) if node else 1)))
        return
    shape = target._out_shapes[index] if node else target._data.shape
    if grad.shape != shape:
        grad = sum_to(grad, shape)
    if node or target._hooks and capture is None:  # (a leaf with hooks waits too: see _before_node)
        slots = buffers.setdefault(target, [None] * (len(target._out_shapes) if node else 1))  # one per output
        slots[index] = grad if slots[index] is None else slots[index] + grad
    elif capture is not None:
        if (target, index) in capture:
            capture[target, index] = grad if capture[target, index] is None else capture[target, index] + grad
    else:
        accumulate_grad.accumulate(target, grad, may_steal=True)


class _Undefined(list):
    """The buffer of a node that a None gradient reached first: it runs by ``_run_special``."""


def sum_to(grad, shape):
    """Sum ``grad`` over the dimensions that broadcasting added or stretched from 1."""
    lead = grad.ndim - len(shape)
    if lead < 0:  # a gradient smaller than its tensor (e.g. a 0-d one): broadcast it up
        return grad.expand(shape) if isinstance(grad, Tensor) else np.broadcast_to(grad, shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(shape) if s == 1 and grad.shape[lead + i] != 1)
    return grad.sum(axis=axes, keepdims=True).reshape(shape)


def _run_special(node, grads, capture, create_graph):
    """Run a node that has hooks, or that ``autograd.grad`` watches, or that a None gradient
    reached; return its gradients for its inputs (None for a leaf: nothing more to do).

    Hooks (``Tensor.register_hook``, ``retain_grad``, ``grad_fn.register_prehook``) see the
    incoming gradients first, and ``autograd.grad`` captures the gradient of a non-leaf
    input. A leaf with hooks is a node of the walk too, as torch's ``AccumulateGrad`` is:
    its gradients wait in a buffer until every node sending to it has run, so its hooks see
    their sum once; here it is accumulated. A built-in node whose gradients are all None
    runs no formula (torch's generated nodes give an undefined gradient for each input),
    but its ``register_hook`` hooks see the Nones; a user's Function runs its backward
    (with zeros, unless it turned ``materialize_grads`` off)."""
    if isinstance(node, Tensor):
        accumulate_grad.accumulate(node, grads[0], may_steal=True)
        return None
    if node._hooks:
        grads = graph_hooks.before_node(node, grads)
    if capture is not None:
        for i, g in enumerate(grads):
            if (node, i) in capture and g is not None:
                capture[(node, i)] = g
    if node._on_arrays and all(g is None for g in grads):
        return graph_hooks.run_post_hooks(node, grads, (None,) * len(node._next))
    return node._run_backward(grads, create_graph)


from .._tensor import Tensor  # noqa: E402
from . import graph_hooks  # noqa: E402
accumulate_grad.measure_engine_refs(run_backward, ArrayFunction)
