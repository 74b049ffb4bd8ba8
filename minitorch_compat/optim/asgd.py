"""``torch.optim.ASGD``: averaged stochastic gradient descent (Polyak & Juditsky, 1992).

Plain SGD with a decaying step size ``eta`` and a shrink term ``lambd``, plus a running
average ``ax`` of the iterates, which starts once ``t0`` steps have passed (before that
``ax`` simply copies ``p``). The average is kept in the state; the parameters themselves
follow the SGD iterates. For each parameter ``p`` with gradient ``g``, at step ``t``
(torch's ``_single_tensor_asgd``)::

    g = -g                                      if maximize
    t = t + 1
    g = g + weight_decay * p                    if weight_decay != 0
    p = p * (1 - lambd * eta)
    p = p - eta * g
    ax = ax + mu * (p - ax)     if mu != 1    else    ax = p
    eta = lr / (1 + lambd * lr * t)^alpha
    mu = 1 / max(1, t - t0)

State per parameter: ``step``, ``eta`` and ``mu`` (0-d tensors in the scalar dtype) and
``ax``. ``_update`` is those lines on the NumPy arrays, rounded as ``_pointwise.py``
documents. As in torch, the new ``eta`` and ``mu`` pass through a tensor of the default
dtype (``torch.as_tensor``) before they are copied into the state.
"""
import numpy as np

from .. import _dtype
from . import _pointwise as P
from ._checks import _check_nonnegative
from .optimizer import Optimizer, _real, _scalar, _to_scalar, _zeros_like

__all__ = ["ASGD"]


class ASGD(Optimizer):
    """Averaged stochastic gradient descent.

    Args:
        params: parameters or parameter groups to optimize.
        lr: learning rate. Default: 1e-2.
        lambd: decay term. Default: 1e-4.
        alpha: power for the ``eta`` update. Default: 0.75.
        t0: the step at which averaging starts. Default: 1e6.
        weight_decay: L2 penalty. Default: 0.
        maximize: maximize the objective. Default: False.
        foreach, capturable, differentiable: as torch's (see ``optimizer.py``: the single-tensor
            algorithm runs; ``capturable``/``differentiable`` raise torch's CPU errors).
    """

    _capturable_tensors = "params, mus, etas, and state_steps"
    _group_defaults = {"foreach": None, "maximize": False, "differentiable": False, "capturable": False}

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0, foreach=None,
                 maximize=False, differentiable=False, capturable=False):
        _check_nonnegative(lr=lr, weight_decay=weight_decay)
        defaults = {"lr": lr, "lambd": lambd, "alpha": alpha, "t0": t0, "weight_decay": weight_decay,
                    "foreach": foreach, "maximize": maximize, "differentiable": differentiable,
                    "capturable": capturable}
        super().__init__(params, defaults)

    def _init_state(self, p, group):
        return {"step": _scalar(0.0), "eta": _scalar(_to_scalar(group["lr"])), "mu": _scalar(1.0),
                "ax": _zeros_like(p)}

    def _update(self, p, grad, group):
        state = self._state(p, group)
        lr, lambd, alpha = _to_scalar(group["lr"]), group["lambd"], group["alpha"]
        if group["maximize"]:
            grad = -grad
        param, grad, ax = _real(p._data), _real(grad), _real(state["ax"]._data)
        state["step"]._data += 1
        if group["weight_decay"] != 0:
            grad = P.added(grad, param, group["weight_decay"])
        eta = state["eta"].item()
        param *= P.scalar(param, 1 - lambd * eta)
        P.add_(param, grad, -eta)
        mu = state["mu"]._data
        if mu.item() != 1:
            ax += (param - ax) * mu.astype(param.dtype)
        else:
            ax[...] = param
        step = state["step"].item()
        state["eta"]._data[...] = _as_default_dtype(lr / ((1 + lambd * lr * step) ** alpha))
        state["mu"]._data[...] = _as_default_dtype(1 / max(1, step - group["t0"]))


def _as_default_dtype(x):
    """``torch.as_tensor(x)`` for a Python float: rounded to the default dtype."""
    return np.asarray(x, dtype=_dtype.get_default_dtype()._np)
