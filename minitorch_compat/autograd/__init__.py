"""``torch.autograd``: computing gradients of tensors with respect to graph leaves.

``backward`` accumulates into the leaves' ``.grad``; ``grad`` returns the gradients
instead. Both check their arguments the way torch does and hand the graph walk to
``engine.run_backward``.
"""
import numpy as np

from .._dtype import as_dtype
from .function import Function, FunctionCtx, once_differentiable
from .grad_mode import no_grad, enable_grad, set_grad_enabled, is_grad_enabled, inference_mode
from .gradcheck import gradcheck, gradgradcheck
from . import engine, function, graph, graph_hooks, accumulate_grad, higher_order  # noqa: F401
from . import functional  # noqa: F401

__all__ = ["Function", "FunctionCtx", "backward", "grad", "no_grad", "enable_grad",
           "set_grad_enabled", "is_grad_enabled", "inference_mode", "gradcheck", "Variable"]


def _as_tuple(x):
    return (x,) if isinstance(x, Tensor) else tuple(x)


def _root_grads(outputs, grad_outputs, create_graph=False):
    """The gradients to start from: ones for a scalar output (torch's implicit gradient),
    else what the user gave, checked against its output (kept as a Tensor under
    ``create_graph``: a ``grad_outputs`` that requires grad is differentiated through)."""
    if grad_outputs is None:
        return [_implicit(i, out, create_graph) for i, out in enumerate(outputs)]
    if isinstance(grad_outputs, Tensor):
        grad_outputs = (grad_outputs,)
    if len(grad_outputs) != len(outputs):
        raise RuntimeError(f"grad can be implicitly created only for scalar outputs" if not grad_outputs else
                           f"Mismatch in number of gradients and outputs ({len(grad_outputs)} vs {len(outputs)})")
    return [_implicit(i, out, create_graph) if g is None else _given(i, out, g, create_graph)
            for i, (out, g) in enumerate(zip(outputs, grad_outputs))]


def _implicit(i, out, create_graph=False):
    if not out._requires_grad:
        raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
    if out._data.size != 1:
        raise RuntimeError("grad can be implicitly created only for scalar outputs")
    if out._data.dtype.kind not in "fc":
        raise RuntimeError(f"grad can be implicitly created only for real scalar outputs but got {out.dtype}")
    return np.ones_like(out._data) if not create_graph else _wrap(np.ones_like(out._data))


def _given(i, out, g, create_graph=False):
    if not out._requires_grad:
        raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
    t = g if isinstance(g, Tensor) else _wrap(np.asarray(g))
    if t._data.shape != out._data.shape:
        raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of {Size(t._data.shape)} and output[{i}] has a shape of {Size(out._data.shape)}.")
    if create_graph:
        return t if t._data.dtype == out._data.dtype else t.to(out.dtype)
    return as_dtype(t._data, out.dtype)  # torch's engine casts each gradient to its tensor's dtype


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, grad_variables=None, inputs=None):
    """Accumulate d(tensors)/d(leaf) into every reachable leaf's ``.grad``."""
    outputs = _as_tuple(tensors)
    grads = _root_grads(outputs, grad_tensors if grad_tensors is not None else grad_variables, create_graph)
    if inputs is not None or create_graph:
        return _backward_special(outputs, grads, inputs, retain_graph, create_graph)
    engine.run_backward(outputs, grads, bool(retain_graph))


def _backward_special(outputs, grads, inputs, retain_graph, create_graph):
    """``backward(inputs=...)``: only these tensors receive ``.grad``, their gradients
    computed as ``grad`` computes them, then accumulated. ``create_graph``: the walk records
    a graph, so ``.grad`` can be differentiated again (torch warns once about the cycle a
    parameter and its ``.grad`` then form)."""
    retain = create_graph if retain_graph is None else retain_graph
    if create_graph:
        higher_order.warn_backward_cycle()
    if inputs is None:
        with enable_grad():
            return engine.run_backward(outputs, grads, retain, create_graph=True)
    inputs = _as_tuple(inputs)
    results = grad(outputs, inputs, [g if isinstance(g, Tensor) else _wrap(g) for g in grads], retain,
                   create_graph=create_graph, allow_unused=True)
    for t, g in zip(inputs, results):
        if g is not None:
            accumulate_grad.accumulate(t, g if create_graph else g._data)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         only_inputs=True, allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """Return d(outputs)/d(inputs) without touching any ``.grad``."""
    if materialize_grads and allow_unused is False:
        raise ValueError("Expected allow_unused to be True or not passed when materialize_grads=True, "
                         "but got: allow_unused=False.")
    if is_grads_batched:
        return higher_order.batched_grad(grad, outputs, inputs, grad_outputs, retain_graph, create_graph,
                                         allow_unused, materialize_grads)
    outputs, single = _as_tuple(outputs), isinstance(inputs, Tensor)
    inputs = _as_tuple(inputs)
    grads = _root_grads(outputs, grad_outputs, create_graph)  # (torch checks the outputs first)
    for t in inputs:
        if not t._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    edges = [(t.grad_fn, t._output_nr) if t.grad_fn is not None else (t, 0) for t in inputs]
    capture = {e: None for e in edges}
    retain = create_graph if retain_graph is None else retain_graph
    with enable_grad() if create_graph else no_grad():
        engine.run_backward(outputs, grads, retain, capture=capture, create_graph=create_graph)
    result = []
    for i, (t, e) in enumerate(zip(inputs, edges)):
        g = capture[e]
        if t.grad_fn is None and t._hooks:  # a leaf's hooks see its whole gradient, as in backward
            g = graph_hooks.leaf_hooks(t, g)
        if g is None:
            if materialize_grads:
                g = np.zeros_like(t._data)
            elif not allow_unused:
                raise RuntimeError(f"The differentiated Tensor at index {i} appears to not have been used in the "
                                   "graph. Set allow_unused=True if this is the desired behavior.")
        if isinstance(g, Tensor):
            result.append(g if g.dtype == t.dtype else g.to(t.dtype))
        else:
            result.append(None if g is None else _wrap(np.array(g, dtype=t._data.dtype)))
    return tuple(result)


from .._tensor import Tensor, Size, _wrap  # noqa: E402

Variable = Tensor  # the pre-0.4 name, still importable from torch.autograd
