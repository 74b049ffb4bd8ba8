"""The edges of ``autograd.grad``/``backward`` that higher-order gradients bring with them.

* ``is_grads_batched=True``: ``grad_outputs`` carry a leading batch dimension and the
  result is one vector-Jacobian product per row, stacked. torch computes them at once
  with ``vmap``; here they are computed row by row (the graph is kept between rows), which
  gives the same numbers.
* ``backward(create_graph=True)``: torch warns once per process that a parameter and its
  ``.grad`` (which now has a history leading back to the parameter) form a reference cycle.
"""
import warnings

from .._tensor import Tensor

_warned = []


def warn_backward_cycle():
    if not _warned:
        _warned.append(True)
        warnings.warn("Using backward() with create_graph=True will create a reference cycle between the parameter "
                      "and its gradient which can cause a memory leak. We recommend using autograd.grad when "
                      "creating the graph to avoid this. If you have to use this function, make sure to reset the "
                      ".grad fields of your parameters to None after use to break the cycle and avoid the leak. "
                      "(Triggered internally at /__w/pytorch/pytorch/torch/csrc/autograd/engine.cpp:1382.)",
                      UserWarning, stacklevel=4)


def batched_grad(grad, outputs, inputs, grad_outputs, retain_graph, create_graph, allow_unused, materialize_grads):
    """``grad(..., is_grads_batched=True)``: one ``grad`` call per row of ``grad_outputs``."""
    from .._ops.shape import stack
    outputs = (outputs,) if isinstance(outputs, Tensor) else tuple(outputs)
    grad_outputs = (grad_outputs,) if isinstance(grad_outputs, Tensor) else tuple(grad_outputs)
    n = grad_outputs[0].shape[0]
    rows = []
    for b in range(n):
        row = [None if g is None else g[b] for g in grad_outputs]
        rows.append(grad(outputs, inputs, row, retain_graph=True if b < n - 1 else retain_graph,
                         create_graph=create_graph, allow_unused=allow_unused, materialize_grads=materialize_grads))
    single = isinstance(inputs, Tensor)
    n_in = 1 if single else len(inputs)
    return tuple(None if rows[0][i] is None else stack([r[i] for r in rows]) for i in range(n_in))
