"""``torch.optim.Adagrad``: per-coordinate learning rates from the sum of squared gradients.

For each parameter ``p`` with gradient ``g`` at step ``t`` (torch's documented algorithm)::

    g = -g                                   if maximize
    g = g + weight_decay * p                 if weight_decay != 0
    clr = lr / (1 + (t - 1) * lr_decay)
    s = s + g * g                            # state "sum"
    p = p - clr * g / (sqrt(s) + eps)

Unlike most optimizers, torch creates Adagrad's state in the *constructor*, for every
parameter: ``step`` (0-d float tensor, 0) and ``sum`` (filled with
``initial_accumulator_value``), so ``state_dict()`` has entries before the first step.
``_update`` is torch's ``_single_tensor_adagrad`` body, on the NumPy arrays in place,
rounded as ``_pointwise.py`` documents.

Where we differ: there are no sparse gradients here, so the sparse branch does not exist.
"""
import numpy as np

from .._tensor import _wrap
from . import _pointwise as P
from ._checks import _check_fused, _check_nonnegative
from .optimizer import Optimizer, _real, _scalar, _to_scalar

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    """Adagrad (Duchi et al., 2011).

    Args:
        params: parameters or parameter groups to optimize.
        lr: learning rate. Default: 1e-2.
        lr_decay: learning-rate decay per step. Default: 0.
        weight_decay: L2 penalty. Default: 0.
        initial_accumulator_value: starting value of the squared-gradient sums. Default: 0.
        eps: added to the denominator. Default: 1e-10.
        maximize: maximize the objective. Default: False.
        foreach, differentiable, fused: as torch's (see ``optimizer.py``: the single-tensor
            algorithm runs; ``capturable``/``differentiable`` raise torch's CPU errors).
    """

    _group_defaults = {"foreach": None, "maximize": False, "differentiable": False, "fused": None}

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 foreach=None, *, maximize=False, differentiable=False, fused=None):
        _check_nonnegative(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                           initial_accumulator_value=initial_accumulator_value, eps=eps)
        defaults = {"lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
                    "initial_accumulator_value": initial_accumulator_value, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable, "fused": fused}
        super().__init__(params, defaults)
        _check_fused(fused, foreach, differentiable)
        for group in self.param_groups:
            for p in group["params"]:
                init = initial_accumulator_value
                if p._data.dtype.kind == "c":
                    init = complex(init, init)
                self.state[p].update(step=_scalar(0.0), sum=_wrap(np.full_like(p._data, init)))

    def share_memory(self):
        """Accepted for compatibility (there is one process's memory here)."""

    def _update(self, p, grad, group):
        state = self.state[p]
        state["step"]._data += 1
        step = state["step"].item()
        if group["maximize"]:
            grad = -grad
        if group["weight_decay"] != 0:
            grad = P.added(grad, p._data, group["weight_decay"])
        clr = _to_scalar(group["lr"]) / (1 + (step - 1) * group["lr_decay"])
        param, grad, state_sum = _real(p._data), _real(grad), _real(state["sum"]._data)
        P.addcmul_(state_sum, grad, grad)
        std = np.sqrt(state_sum)
        std += P.in_dtype(std, group["eps"])
        P.addcdiv_(param, grad, std, -clr)
