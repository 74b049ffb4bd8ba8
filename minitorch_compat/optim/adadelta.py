"""``torch.optim.Adadelta``: step sizes from running averages of squared gradients *and*
squared updates, so the update has the units of the parameter.

For each parameter ``p`` with gradient ``g`` (torch's documented algorithm)::

    g = -g                                          if maximize
    g = g + weight_decay * p                        if weight_decay != 0
    v = rho * v + (1 - rho) * g * g                 # square_avg
    d = sqrt(u + eps) / sqrt(v + eps) * g           # the update
    u = rho * u + (1 - rho) * d * d                 # acc_delta
    p = p - lr * d

State per parameter: ``step`` (0-d float tensor), ``square_avg`` and ``acc_delta``.
How we do it: the same operations in the same order on the NumPy arrays, in place,
rounded as torch's kernels round (``_pointwise.py``).
"""
import numpy as np

from .._tensor import Tensor, _wrap
from . import _pointwise as P
from .optimizer import Optimizer, _real, _run_closure, _scalar_dtype, _to_scalar

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    """Adadelta (Zeiler, 2012).

    Args:
        params: parameters or parameter groups to optimize.
        lr: scale applied to each update. Default: 1.0.
        rho: decay of the running averages. Default: 0.9.
        eps: added inside both square roots. Default: 1e-6.
        weight_decay: L2 penalty. Default: 0.
        maximize: maximize the objective. Default: False.
        foreach, capturable, differentiable: accepted for compatibility.
    """

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *, capturable=False,
                 maximize=False, differentiable=False):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {"lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay, "maximize": maximize,
                    "capturable": capturable, "foreach": foreach, "differentiable": differentiable}
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            for key, default in (("foreach", None), ("maximize", False), ("differentiable", False),
                                 ("capturable", False)):
                group.setdefault(key, default)

    def step(self, closure=None):
        """One Adadelta update of every parameter that has a gradient."""
        loss = _run_closure(closure)
        for group in self.param_groups:
            lr = _to_scalar(group["lr"])
            rho, eps, wd = group["rho"], group["eps"], group["weight_decay"]
            for p in group["params"]:
                if p._grad is None:
                    continue
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = _wrap(np.zeros((), dtype=_scalar_dtype()))
                    state["square_avg"] = _wrap(np.zeros_like(p._data))
                    state["acc_delta"] = _wrap(np.zeros_like(p._data))
                state["step"]._data += 1
                grad = p._grad._data
                if group["maximize"]:
                    grad = -grad
                if wd != 0:
                    grad = P.added(grad, p._data, wd)
                param, grad = _real(p._data), _real(grad)
                square_avg, acc_delta = _real(state["square_avg"]._data), _real(state["acc_delta"]._data)
                f = square_avg.dtype.type
                square_avg *= f(rho)
                P.addcmul_(square_avg, grad, grad, 1 - rho)
                std = np.sqrt(square_avg + f(eps))
                delta = np.sqrt(acc_delta + f(eps))
                delta /= std
                delta *= grad
                acc_delta *= f(rho)
                P.addcmul_(acc_delta, delta, delta, 1 - rho)
                P.add_(param, delta, -lr)
                p._version += 1
        return loss
