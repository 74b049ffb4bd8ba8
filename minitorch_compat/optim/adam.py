"""``torch.optim.Adam`` (and, with ``decoupled_weight_decay=True``, AdamW).

For each parameter ``p`` with gradient ``g``, at step ``t`` (torch's ``_single_tensor_adam``)::

    g = -g                                      if maximize
    t = t + 1
    p = p * (1 - lr * weight_decay)             if decoupled (AdamW)
    g = g + weight_decay * p                    elif weight_decay != 0 (Adam's L2)
    m = lerp(m, g, 1 - beta1)                   # m + (1 - beta1) (g - m)
    v = beta2 * v + (1 - beta2) * g * g
    v_max = max(v_max, v)                       if amsgrad (then used instead of v)
    denom = sqrt(v) / sqrt(1 - beta2^t) + eps
    p = p - lr / (1 - beta1^t) * m / denom

State per parameter, as in torch: ``step`` (a 0-d tensor in the scalar dtype),
``exp_avg`` (m), ``exp_avg_sq`` (v) and, with amsgrad, ``max_exp_avg_sq``. ``_update``
is those lines on the NumPy arrays in place, rounded as ``_pointwise.py`` documents;
complex parameters are updated through a real view, as torch does.
"""
import numpy as np

from .._tensor import Tensor
from . import _pointwise as P
from ._checks import _check_betas, _check_fused, _check_nonnegative, _check_tensor_betas
from .optimizer import Optimizer, _real, _scalar, _to_scalar, _zeros_like

__all__ = ["Adam"]


class Adam(Optimizer):
    """Adam: adaptive moment estimation (Kingma & Ba, 2014).

    Args:
        params: parameters or parameter groups to optimize.
        lr: learning rate. Default: 1e-3.
        betas: decay rates of the first and second moment averages. Default: (0.9, 0.999).
        eps: added to the denominator for stability. Default: 1e-8.
        weight_decay: L2 penalty (or decoupled decay, see below). Default: 0.
        amsgrad: use the running maximum of ``v`` (AMSGrad). Default: False.
        maximize: maximize the objective. Default: False.
        decoupled_weight_decay: shrink parameters directly (AdamW) instead of adding
            ``weight_decay * p`` to the gradient. Default: False.
        foreach, capturable, differentiable, fused: as torch's (see ``optimizer.py``: the single-tensor
            algorithm runs; ``capturable``/``differentiable`` raise torch's CPU errors).
    """

    _group_defaults = {"amsgrad": False, "maximize": False, "foreach": None, "capturable": False,
                       "differentiable": False, "fused": None, "decoupled_weight_decay": False}

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 foreach=None, maximize=False, capturable=False, differentiable=False, fused=None,
                 decoupled_weight_decay=False):
        if isinstance(lr, Tensor) and foreach and not capturable:
            raise ValueError("lr as a Tensor is not supported for capturable=False and foreach=True")
        _check_nonnegative(lr=lr, eps=eps)
        _check_betas(betas)
        _check_nonnegative(weight_decay=weight_decay)
        betas = _check_tensor_betas(betas, foreach, capturable)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "amsgrad": amsgrad,
                    "maximize": maximize, "foreach": foreach, "capturable": capturable,
                    "differentiable": differentiable, "fused": fused,
                    "decoupled_weight_decay": decoupled_weight_decay}
        super().__init__(params, defaults)
        _check_fused(fused, foreach, differentiable)

    def _init_state(self, p, group):
        state = {"step": _scalar(0.0), "exp_avg": _zeros_like(p), "exp_avg_sq": _zeros_like(p)}
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = _zeros_like(p)
        return state

    def _update(self, p, grad, group):
        state = self._state(p, group)
        lr, eps = _to_scalar(group["lr"]), group["eps"]
        beta1, beta2 = (_to_scalar(b) for b in group["betas"])
        if group["maximize"]:
            grad = -grad
        state["step"]._data += 1
        grad = _decay_weights(p._data, grad, lr, group)
        param, grad = _real(p._data), _real(grad)
        exp_avg, exp_avg_sq = _real(state["exp_avg"]._data), _real(state["exp_avg_sq"]._data)
        _update_moments(exp_avg, exp_avg_sq, grad, beta1, beta2)
        step = state["step"].item()
        bias_correction1 = 1 - beta1 ** step
        bias_correction2 = 1 - beta2 ** step
        step_size = lr / bias_correction1
        bias_correction2_sqrt = bias_correction2 ** 0.5
        if group["amsgrad"]:
            max_exp_avg_sq = _real(state["max_exp_avg_sq"]._data)
            np.maximum(max_exp_avg_sq, exp_avg_sq, out=max_exp_avg_sq)
            denom = np.sqrt(max_exp_avg_sq)
        else:
            denom = np.sqrt(exp_avg_sq)
        denom /= P.scalar(denom, bias_correction2_sqrt)
        denom += P.in_dtype(denom, eps)
        P.addcdiv_(param, exp_avg, denom, -step_size)


def _decay_weights(param, grad, lr, group):
    """``p = p * (1 - lr * weight_decay)`` (decoupled, AdamW) or ``g = g + weight_decay * p``
    (L2, Adam); returns ``g``. Shared by Adam, NAdam and RAdam."""
    weight_decay = group["weight_decay"]
    if weight_decay != 0:
        if group["decoupled_weight_decay"]:
            param *= P.scalar(param.real, 1 - lr * weight_decay)
        else:
            grad = P.added(grad, param, weight_decay)
    return grad


def _update_moments(exp_avg, exp_avg_sq, grad, beta1, beta2):
    """``m = lerp(m, g, 1 - beta1)``, ``v = beta2 * v + (1 - beta2) * g * g``: Adam's two
    running averages, as torch writes them (``lerp_``, ``mul_``, ``addcmul_``)."""
    P.lerp_(exp_avg, grad, 1 - beta1)
    exp_avg_sq *= P.scalar(exp_avg_sq, beta2)
    P.addcmul_(exp_avg_sq, grad, grad, 1 - beta2)
