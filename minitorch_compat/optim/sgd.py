"""``torch.optim.SGD``: stochastic gradient descent with optional momentum.

The update for each parameter ``p`` with gradient ``g`` (torch's ``_single_tensor_sgd``)::

    g = -g                                  if maximize
    g = g + weight_decay * p                if weight_decay != 0
    if momentum != 0:
        b = g (first step)  or  b = momentum * b + (1 - dampening) * g
        g = g + momentum * b   if nesterov   else   b
    p = p - lr * g

How we do it: ``_update`` is those lines, on the NumPy arrays in place; the momentum
buffer (state ``momentum_buffer``, created only when ``momentum != 0``) has its own
method, so the plain ``p = p - lr * g`` step reads in four lines. Rounding follows
torch's kernels (``_pointwise.py``): float32 trajectories are bit-identical to torch's.
"""
from .._tensor import _wrap
from . import _pointwise as P
from ._checks import _check_fused, _check_nonnegative
from .optimizer import Optimizer, _to_scalar

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
        foreach, differentiable, fused: as torch's (see ``optimizer.py``: the single-tensor
            algorithm runs; ``capturable``/``differentiable`` raise torch's CPU errors).

    Example::

        >>> optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        >>> optimizer.zero_grad(); loss_fn(model(x), y).backward(); optimizer.step()
    """

    _group_defaults = {"nesterov": False, "maximize": False, "foreach": None, "differentiable": False,
                       "fused": False}

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *, maximize=False,
                 foreach=None, differentiable=False, fused=None):
        _check_nonnegative(nan_ok=True, lr=lr, momentum=momentum, weight_decay=weight_decay)
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening, "weight_decay": weight_decay,
                    "nesterov": nesterov, "maximize": maximize, "foreach": foreach,
                    "differentiable": differentiable, "fused": fused}
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)
        _check_fused(fused, foreach, differentiable)

    def _update(self, p, g, group):
        if group["maximize"]:
            g = -g
        if group["weight_decay"] != 0:
            g = P.added(g, p._data, group["weight_decay"])
        if group["momentum"] != 0:
            g = self._momentum(p, g, group)
        P.add_(p._data, g, -_to_scalar(group["lr"]))

    def _momentum(self, p, g, group):
        """Update the momentum buffer ``b``; return the direction (``b``, or ``g + momentum * b``)."""
        momentum, state = group["momentum"], self.state[p]
        buf = state.get("momentum_buffer")
        if buf is None:
            buf = state["momentum_buffer"] = _wrap(g.copy())
        else:
            buf._data *= P.scalar(buf._data, momentum)
            P.add_(buf._data, g, 1 - group["dampening"])
        return P.added(g, buf._data, momentum) if group["nesterov"] else buf._data

