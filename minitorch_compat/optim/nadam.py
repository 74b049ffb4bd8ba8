"""``torch.optim.NAdam``: Adam with Nesterov momentum (Dozat, 2016).

For each parameter ``p`` with gradient ``g``, at step ``t`` (torch's ``_single_tensor_nadam``)::

    g = -g                                          if maximize
    t = t + 1
    p = p * (1 - lr * weight_decay)                 if decoupled_weight_decay (NAdamW)
    g = g + weight_decay * p                        elif weight_decay != 0
    mu      = beta1 * (1 - 0.5 * 0.96^(t * momentum_decay))
    mu_next = beta1 * (1 - 0.5 * 0.96^((t + 1) * momentum_decay))
    mu_product = mu_product * mu                    # the product of every mu so far
    m = lerp(m, g, 1 - beta1)
    v = beta2 * v + (1 - beta2) * g * g
    denom = sqrt(v / (1 - beta2^t)) + eps
    p = p - lr * (1 - mu) / (1 - mu_product) * g / denom
    p = p - lr * mu_next / (1 - mu_product * mu_next) * m / denom

The last two lines are Nesterov's look-ahead: the gradient's share of the step, then the
momentum's share with next step's ``mu``. State per parameter: ``step`` and
``mu_product`` (0-d tensors in the scalar dtype), ``exp_avg`` (m), ``exp_avg_sq`` (v).
``_update`` is those lines on the NumPy arrays, rounded as ``_pointwise.py`` documents.
"""
import numpy as np

from . import _pointwise as P
from .adam import _decay_weights, _update_moments
from ._checks import _check_betas, _check_nonnegative
from .optimizer import Optimizer, _real, _scalar, _to_scalar, _zeros_like

__all__ = ["NAdam"]


class NAdam(Optimizer):
    """NAdam: Adam with Nesterov momentum.

    Args:
        params: parameters or parameter groups to optimize.
        lr: learning rate. Default: 2e-3.
        betas: decay rates of the first and second moment averages. Default: (0.9, 0.999).
        eps: added to the denominator for stability. Default: 1e-8.
        weight_decay: L2 penalty (or decoupled decay, see below). Default: 0.
        momentum_decay: how fast ``mu`` approaches ``beta1``. Default: 4e-3.
        decoupled_weight_decay: shrink parameters directly (NAdamW). Default: False.
        maximize: maximize the objective. Default: False.
        foreach, capturable, differentiable: as torch's (see ``optimizer.py``: the single-tensor
            algorithm runs; ``capturable``/``differentiable`` raise torch's CPU errors).
    """

    _capturable_tensors = "params, mu_products and state_steps"
    _group_defaults = {"maximize": False, "foreach": None, "capturable": False, "differentiable": False,
                       "decoupled_weight_decay": False}

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False):
        _check_nonnegative(lr=lr, eps=eps)
        _check_betas(betas)
        _check_nonnegative(weight_decay=weight_decay, momentum_decay=momentum_decay)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "momentum_decay": momentum_decay, "decoupled_weight_decay": decoupled_weight_decay,
                    "maximize": maximize, "foreach": foreach, "capturable": capturable,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def _init_state(self, p, group):
        return {"step": _scalar(0.0), "mu_product": _scalar(1.0), "exp_avg": _zeros_like(p),
                "exp_avg_sq": _zeros_like(p)}

    def _update(self, p, grad, group):
        state = self._state(p, group)
        lr, eps = _to_scalar(group["lr"]), group["eps"]
        (beta1, beta2), momentum_decay = group["betas"], group["momentum_decay"]
        if group["maximize"]:
            grad = -grad
        param, grad = _real(p._data), _real(grad)
        exp_avg, exp_avg_sq = _real(state["exp_avg"]._data), _real(state["exp_avg_sq"]._data)
        state["step"]._data += 1
        step = state["step"].item()
        bias_correction2 = 1 - beta2 ** step
        grad = _decay_weights(param, grad, lr, group)
        mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
        mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
        mu_product = state["mu_product"]._data
        mu_product *= mu_product.dtype.type(mu)
        _update_moments(exp_avg, exp_avg_sq, grad, beta1, beta2)
        denom = np.sqrt(P.divided(exp_avg_sq, bias_correction2))
        mu_product_next = mu_product.item() * mu_next
        denom += P.in_dtype(denom, eps)
        P.addcdiv_(param, grad, denom, -lr * (1.0 - mu) / (1.0 - mu_product.item()))
        P.addcdiv_(param, exp_avg, denom, (-lr * mu_next) / (1.0 - mu_product_next))
