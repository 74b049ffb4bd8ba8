"""``torch.optim.Adadelta``: step sizes from running averages of squared gradients *and*
squared updates, so the update has the units of the parameter.

For each parameter ``p`` with gradient ``g`` (torch's documented algorithm)::

    g = -g                                          if maximize
    g = g + weight_decay * p                        if weight_decay != 0
    v = rho * v + (1 - rho) * g * g                 # square_avg
    d = sqrt(u + eps) / sqrt(v + eps) * g           # the update
    u = rho * u + (1 - rho) * d * d                 # acc_delta
    p = p - lr * d

State per parameter: ``step`` (0-d tensor in the scalar dtype), ``square_avg`` and
``acc_delta``. ``_update`` is torch's ``_single_tensor_adadelta`` body: the same
operations in the same order on the NumPy arrays, in place, rounded as ``_pointwise.py``
documents.
"""
import numpy as np

from . import _pointwise as P
from ._checks import _check_nonnegative
from .optimizer import Optimizer, _real, _scalar, _to_scalar, _zeros_like

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
        foreach, capturable, differentiable: as torch's (see ``optimizer.py``: the single-tensor
            algorithm runs; ``capturable``/``differentiable`` raise torch's CPU errors).
    """

    _capturable_devices = ["cuda", "xpu", "hpu", "privateuseone"]
    _group_defaults = {"foreach": None, "maximize": False, "differentiable": False, "capturable": False}

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *, capturable=False,
                 maximize=False, differentiable=False):
        _check_nonnegative(lr=lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        _check_nonnegative(eps=eps, weight_decay=weight_decay)
        defaults = {"lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay, "maximize": maximize,
                    "capturable": capturable, "foreach": foreach, "differentiable": differentiable}
        super().__init__(params, defaults)

    def _init_state(self, p, group):
        return {"step": _scalar(0.0), "square_avg": _zeros_like(p), "acc_delta": _zeros_like(p)}

    def _update(self, p, grad, group):
        state = self._state(p, group)
        rho, eps = group["rho"], group["eps"]
        state["step"]._data += 1
        if group["maximize"]:
            grad = -grad
        if group["weight_decay"] != 0:
            grad = P.added(grad, p._data, group["weight_decay"])
        grad = _real(grad)
        square_avg, acc_delta = _real(state["square_avg"]._data), _real(state["acc_delta"]._data)
        square_avg *= P.scalar(square_avg, rho)
        P.addcmul_(square_avg, grad, grad, 1 - rho)
        std = np.sqrt(square_avg + P.in_dtype(square_avg, eps))
        delta = np.sqrt(acc_delta + P.in_dtype(acc_delta, eps))
        delta /= std
        delta *= grad
        acc_delta *= P.scalar(acc_delta, rho)
        P.addcmul_(acc_delta, delta, delta, 1 - rho)
        P.add_(p._data, delta.view(p._data.dtype), -_to_scalar(group["lr"]))
