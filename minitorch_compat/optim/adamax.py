"""``torch.optim.Adamax``: Adam with the infinity norm in place of the second moment
(Kingma & Ba, 2014, section 7.1).

For each parameter ``p`` with gradient ``g``, at step ``t`` (torch's ``_single_tensor_adamax``)::

    g = -g                                      if maximize
    t = t + 1
    g = g + weight_decay * p                    if weight_decay != 0
    m = lerp(m, g, 1 - beta1)
    u = max(beta2 * u, |g| + eps)               # exp_inf: a decaying running maximum
    p = p - lr / (1 - beta1^t) * m / u

State per parameter: ``step`` (0-d tensor in the scalar dtype), ``exp_avg`` (m) and
``exp_inf`` (u). ``_update`` is those lines on the NumPy arrays, rounded as
``_pointwise.py`` documents; there is no square root, so float32 trajectories are
bit-identical to torch's.
"""
import numpy as np

from . import _pointwise as P
from ._checks import _check_betas, _check_nonnegative
from .optimizer import Optimizer, _real, _scalar, _to_scalar, _zeros_like

__all__ = ["Adamax"]


class Adamax(Optimizer):
    """Adamax: Adam based on the infinity norm.

    Args:
        params: parameters or parameter groups to optimize.
        lr: learning rate. Default: 2e-3.
        betas: decay rates of the first moment and of the infinity norm. Default: (0.9, 0.999).
        eps: added to ``|g|`` for stability. Default: 1e-8.
        weight_decay: L2 penalty. Default: 0.
        maximize: maximize the objective. Default: False.
        foreach, capturable, differentiable: as torch's (see ``optimizer.py``: the single-tensor
            algorithm runs; ``capturable``/``differentiable`` raise torch's CPU errors).
    """

    _group_defaults = {"foreach": None, "maximize": False, "differentiable": False, "capturable": False}

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None, *,
                 maximize=False, differentiable=False, capturable=False):
        _check_nonnegative(lr=lr, eps=eps)
        _check_betas(betas)
        _check_nonnegative(weight_decay=weight_decay)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable, "capturable": capturable}
        super().__init__(params, defaults)

    def _init_state(self, p, group):
        return {"step": _scalar(0.0), "exp_avg": _zeros_like(p), "exp_inf": _zeros_like(p)}

    def _update(self, p, grad, group):
        state = self._state(p, group)
        (beta1, beta2), weight_decay = group["betas"], group["weight_decay"]
        if group["maximize"]:
            grad = -grad
        state["step"]._data += 1
        if weight_decay != 0:
            grad = P.added(grad, p._data, weight_decay)
        param, grad = _real(p._data), _real(grad)
        exp_avg, exp_inf = _real(state["exp_avg"]._data), _real(state["exp_inf"]._data)
        P.lerp_(exp_avg, grad, 1 - beta1)
        exp_inf *= P.scalar(exp_inf, beta2)
        np.maximum(exp_inf, np.abs(grad) + P.in_dtype(grad, group["eps"]), out=exp_inf)
        clr = _to_scalar(group["lr"]) / (1 - beta1 ** state["step"].item())
        P.addcdiv_(param, exp_avg, exp_inf, -clr)
