"""``torch.optim.RAdam``: Adam with a rectified adaptive learning rate (Liu et al., 2019).

Early in training Adam's second-moment estimate ``v`` rests on few samples, so its
adaptive step is unreliable. RAdam estimates the length ``rho_t`` of the moving average
``v`` approximates; while it is at most 5 it takes a plain momentum step, afterwards
Adam's step scaled by a rectification term ``r``. For each parameter ``p`` with gradient
``g``, at step ``t`` (torch's ``_single_tensor_radam``)::

    g = -g                                      if maximize
    t = t + 1
    p = p * (1 - lr * weight_decay)             if decoupled_weight_decay (RAdamW)
    g = g + weight_decay * p                    elif weight_decay != 0
    m = lerp(m, g, 1 - beta1)
    v = beta2 * v + (1 - beta2) * g * g
    m_hat = m / (1 - beta1^t)
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 t beta2^t / (1 - beta2^t)
    if rho_t > 5:
        adaptive = sqrt(1 - beta2^t) / (sqrt(v) + eps)
        r = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))
        p = p - m_hat * lr * adaptive * r
    else:
        p = p - m_hat * lr

State per parameter: ``step`` (0-d tensor in the scalar dtype), ``exp_avg`` (m),
``exp_avg_sq`` (v). ``_update`` is those lines on the NumPy arrays, rounded as
``_pointwise.py`` documents (``s / x`` of a scalar by a tensor is torch's
``x.reciprocal() * s``).
"""
import numpy as np

from . import _pointwise as P
from .adam import _decay_weights, _update_moments
from ._checks import _check_betas, _check_nonnegative
from .optimizer import Optimizer, _real, _scalar, _to_scalar, _zeros_like

__all__ = ["RAdam"]


class RAdam(Optimizer):
    """RAdam: rectified Adam.

    Args:
        params: parameters or parameter groups to optimize.
        lr: learning rate. Default: 1e-3.
        betas: decay rates of the first and second moment averages. Default: (0.9, 0.999).
        eps: added to the denominator for stability. Default: 1e-8.
        weight_decay: L2 penalty (or decoupled decay, see below). Default: 0.
        decoupled_weight_decay: shrink parameters directly (RAdamW). Default: False.
        maximize: maximize the objective. Default: False.
        foreach, capturable, differentiable: as torch's (see ``optimizer.py``: the single-tensor
            algorithm runs; ``capturable``/``differentiable`` raise torch's CPU errors).
    """

    _group_defaults = {"foreach": None, "maximize": False, "differentiable": False,
                       "decoupled_weight_decay": False, "capturable": False}

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, decoupled_weight_decay=False,
                 *, foreach=None, maximize=False, capturable=False, differentiable=False):
        _check_nonnegative(lr=lr, eps=eps)
        _check_betas(betas)
        _check_nonnegative(weight_decay=weight_decay)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "maximize": maximize,
                    "foreach": foreach, "capturable": capturable, "decoupled_weight_decay": decoupled_weight_decay,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def _init_state(self, p, group):
        return {"step": _scalar(0.0), "exp_avg": _zeros_like(p), "exp_avg_sq": _zeros_like(p)}

    def _update(self, p, grad, group):
        state = self._state(p, group)
        lr, (beta1, beta2) = _to_scalar(group["lr"]), group["betas"]
        if group["maximize"]:
            grad = -grad
        param, grad = _real(p._data), _real(grad)
        exp_avg, exp_avg_sq = _real(state["exp_avg"]._data), _real(state["exp_avg_sq"]._data)
        state["step"]._data += 1
        step = state["step"].item()
        grad = _decay_weights(param, grad, lr, group)
        _update_moments(exp_avg, exp_avg_sq, grad, beta1, beta2)
        bias_correction1 = 1 - beta1 ** step
        bias_correction2 = 1 - beta2 ** step
        bias_corrected_exp_avg = P.divided(exp_avg, bias_correction1)
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
        if rho_t > 5.0:
            exp_avg_sq_sqrt = np.sqrt(exp_avg_sq)
            exp_avg_sq_sqrt += P.in_dtype(exp_avg_sq_sqrt, group["eps"])
            adaptive_lr = P.times(P.in_dtype(param, 1) / exp_avg_sq_sqrt, bias_correction2 ** 0.5)
            rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            P.add_(param, P.times(P.times(bias_corrected_exp_avg, lr) * adaptive_lr, rect), -1.0)
        else:
            P.add_(param, P.times(bias_corrected_exp_avg, lr), -1.0)
