"""``torch.optim.SGD``: stochastic gradient descent with optional momentum.

The update for each parameter ``p`` with gradient ``g`` (torch's documented algorithm)::

    g = -g                                  if maximize
    g = g + weight_decay * p                if weight_decay != 0
    if momentum != 0:
        b = g (first step)  or  b = momentum * b + (1 - dampening) * g
        g = g + momentum * b   if nesterov   else   b
    p = p - lr * g

How we do it: the same steps on the NumPy arrays, updating ``p._data`` and the momentum
buffer in place with ``out=`` ufuncs. Arithmetic stays in the parameter's dtype, with the
Python-float hyperparameters rounded to it, as torch's kernels do (torch may fuse a
multiply-add into one rounding; results then differ in the last bit, ~1e-7 relative).
"""
import numpy as np

from .._tensor import _wrap
from .optimizer import Optimizer, _run_closure, _to_scalar

__all__ = ["SGD"]


class SGD(Optimizer):
    """Stochastic gradient descent (optionally with momentum / Nesterov momentum).

    Args:
        params: parameters or parameter groups to optimize.
        lr: learning rate. Default: 1e-3.
        momentum: momentum factor. Default: 0.
        dampening: dampening for momentum. Default: 0.
        weight_decay: L2 penalty. Default: 0.
        nesterov: use Nesterov momentum. Default: False.
        maximize: maximize the objective instead of minimizing. Default: False.

    Example::

        >>> optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        >>> optimizer.zero_grad(); loss_fn(model(x), y).backward(); optimizer.step()
    """

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *, maximize=False,
                 foreach=None, differentiable=False, fused=None):
        if hasattr(lr, "numel") and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening, "weight_decay": weight_decay,
                    "nesterov": nesterov, "maximize": maximize, "foreach": foreach,
                    "differentiable": differentiable, "fused": fused}
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("nesterov", False)
            group.setdefault("maximize", False)
            group.setdefault("foreach", None)
            group.setdefault("differentiable", False)
            group.setdefault("fused", False)

    def step(self, closure=None):
        """One update of every parameter that has a gradient; returns ``closure()``'s loss."""
        loss = _run_closure(closure)
        for group in self.param_groups:
            lr = _to_scalar(group["lr"])
            momentum, dampening = group["momentum"], group["dampening"]
            weight_decay, nesterov, maximize = group["weight_decay"], group["nesterov"], group["maximize"]
            for p in group["params"]:
                if p._grad is None:
                    continue
                param = p._data
                grad = p._grad._data
                if maximize:
                    grad = -grad
                if weight_decay != 0:
                    grad = grad + param * param.dtype.type(weight_decay)  # a new array: .grad is untouched
                if momentum != 0:
                    state = self.state[p]
                    buf = state.get("momentum_buffer")
                    if buf is None:
                        buf = state["momentum_buffer"] = _wrap(np.array(grad, copy=True))
                    else:
                        b = buf._data
                        b *= b.dtype.type(momentum)
                        if dampening == 0:
                            b += grad
                        else:
                            b += grad * b.dtype.type(1 - dampening)
                    if nesterov:
                        grad = grad + buf._data * param.dtype.type(momentum)
                    else:
                        grad = buf._data
                # p -= lr * g, without touching g (it may be the momentum buffer or .grad)
                param -= grad * param.dtype.type(lr)
                p._version += 1
        return loss
