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
from . import engine, function, graph, accumulate_grad  # noqa: F401
from . import functional  # noqa: F401

__all__ = ["Function", "FunctionCtx", "backward", "grad", "no_grad", "enable_grad",
           "set_grad_enabled", "is_grad_enabled", "inference_mode", "gradcheck", "Variable"]


def _as_tuple(x):
    return (x,) if isinstance(x, Tensor) else tuple(x)


def _root_grads(outputs, grad_outputs):
    """The gradients to start from: ones for a scalar output (torch's implicit gradient),
    else what the user gave, checked against its output."""
    if grad_outputs is None:
        return [_implicit(i, out) for i, out in enumerate(outputs)]
    if isinstance(grad_outputs, Tensor):
        grad_outputs = (grad_outputs,)
    if len(grad_outputs) != len(outputs):
        raise RuntimeError(f"grad can be implicitly created only for scalar outputs" if not grad_outputs else
                           f"Mismatch in number of gradients and outputs ({len(grad_outputs)} vs {len(outputs)})")
    return [_implicit(i, out) if g is None else _given(i, out, g)
            for i, (out, g) in enumerate(zip(outputs, grad_outputs))]


def _implicit(i, out):
    if not out._requires_grad:
        raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
    if out._data.size != 1:
        raise RuntimeError("grad can be implicitly created only for scalar outputs")
    if out._data.dtype.kind not in "fc":
        raise RuntimeError(f"grad can be implicitly created only for real scalar outputs but got {out.dtype}")
    return np.ones_like(out._data)


def _given(i, out, g):
    if not out._requires_grad:
        raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
    g = g._data if isinstance(g, Tensor) else np.asarray(g)
    if g.shape != out._data.shape:
        raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of {Size(g.shape)} and output[{i}] has a shape of {Size(out._data.shape)}.")
    return as_dtype(g, out.dtype)  # torch's engine casts each gradient to its tensor's dtype


def _check_create_graph(create_graph):
    if create_graph:
        raise NotImplementedError("minitorch_compat does not implement create_graph=True (higher-order gradients) yet")


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, grad_variables=None, inputs=None):
    """Accumulate d(tensors)/d(leaf) into every reachable leaf's ``.grad``."""
    _check_create_graph(create_graph)
    outputs = _as_tuple(tensors)
    grads = _root_grads(outputs, grad_tensors if grad_tensors is not None else grad_variables)
    if inputs is not None:
        return _backward_into(outputs, grads, _as_tuple(inputs), retain_graph)
    engine.run_backward(outputs, grads, bool(retain_graph))


def _backward_into(outputs, grads, inputs, retain_graph):
    """``backward(inputs=...)``: only these tensors receive ``.grad``; their gradients are
    computed as ``grad`` computes them, then accumulated."""
    results = grad(outputs, inputs, [_wrap(g) for g in grads], retain_graph, allow_unused=True)
    for t, g in zip(inputs, results):
        if g is not None:
            accumulate_grad.accumulate(t, g._data)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         only_inputs=True, allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """Return d(outputs)/d(inputs) without touching any ``.grad``."""
    _check_create_graph(create_graph)
    outputs, single = _as_tuple(outputs), isinstance(inputs, Tensor)
    inputs = _as_tuple(inputs)
    for t in inputs:
        if not t._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    grads = _root_grads(outputs, grad_outputs)
    edges = [(t.grad_fn, t._output_nr) if t.grad_fn is not None else (t, 0) for t in inputs]
    capture = {e: None for e in edges}
    engine.run_backward(outputs, grads, bool(retain_graph), capture=capture)
    result = []
    for i, (t, e) in enumerate(zip(inputs, edges)):
        g = capture[e]
        if g is None:
            if materialize_grads:
                g = np.zeros_like(t._data)
            elif not allow_unused:
                raise RuntimeError("One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.")
        result.append(None if g is None else _wrap(np.array(g, dtype=t._data.dtype)))
    return tuple(result)


from .._tensor import Tensor, Size, _wrap  # noqa: E402

Variable = Tensor  # the pre-0.4 name, still importable from torch.autograd
