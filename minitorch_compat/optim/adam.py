"""``torch.optim.Adam`` (and, with ``decoupled_weight_decay=True``, AdamW).

For each parameter ``p`` with gradient ``g``, at step ``t`` (torch's documented algorithm)::

    g = -g                                      if maximize
    p = p * (1 - lr * weight_decay)             if decoupled (AdamW)
    g = g + weight_decay * p                    elif weight_decay != 0 (Adam's L2)
    m = lerp(m, g, 1 - beta1)                   # m + (1 - beta1) (g - m)
    v = beta2 * v + (1 - beta2) * g * g
    v_max = max(v_max, v)                       if amsgrad (then used instead of v)
    p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)

State per parameter, as in torch: ``step`` (a float32 0-d tensor), ``exp_avg`` (m),
``exp_avg_sq`` (v) and, with amsgrad, ``max_exp_avg_sq``. We compute on the NumPy arrays
in place in the parameter's dtype, with the same operation order as torch's single-tensor
CPU path; complex parameters are updated through a real view, as torch does. Where torch's
kernels fuse a multiply-add (``lerp_``, ``addcmul_``) into one rounding, NumPy rounds twice:
single elements may differ by an ulp (~1e-7 relative in float32), never systematically.
"""
import numpy as np

from .._dtype import float32
from .._tensor import Tensor, _wrap
from .optimizer import Optimizer, _run_closure, _to_scalar

__all__ = ["Adam"]


def _lerp_(a, b, w):
    """``a = lerp(a, b, w)`` in place, with torch's two formulas (exact at both ends)."""
    w = a.dtype.type(w)
    if w < 0.5:
        a += (b - a) * w
    else:
        np.subtract(b, (b - a) * (a.dtype.type(1) - w), out=a)


def _real(a):
    return a.view(a.real.dtype) if a.dtype.kind == "c" else a


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
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 foreach=None, maximize=False, capturable=False, differentiable=False, fused=None,
                 decoupled_weight_decay=False):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not ((isinstance(betas[0], float) and isinstance(betas[1], float))
                or (isinstance(betas[0], Tensor) and isinstance(betas[1], Tensor))):
            raise ValueError("betas must be either both floats or both Tensors")
        betas = tuple(b.squeeze() if isinstance(b, Tensor) and b.dim() != 0 else b for b in betas)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "amsgrad": amsgrad,
                    "maximize": maximize, "foreach": foreach, "capturable": capturable,
                    "differentiable": differentiable, "fused": fused,
                    "decoupled_weight_decay": decoupled_weight_decay}
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("amsgrad", False)
            group.setdefault("maximize", False)
            group.setdefault("foreach", None)
            group.setdefault("capturable", False)
            group.setdefault("differentiable", False)
            group.setdefault("fused", None)
            group.setdefault("decoupled_weight_decay", False)

    def step(self, closure=None):
        """One Adam update of every parameter that has a gradient."""
        loss = _run_closure(closure)
        for group in self.param_groups:
            lr = _to_scalar(group["lr"])
            beta1, beta2 = (_to_scalar(b) for b in group["betas"])
            eps, weight_decay, amsgrad = group["eps"], group["weight_decay"], group["amsgrad"]
            maximize, decoupled = group["maximize"], group["decoupled_weight_decay"]
            for p in group["params"]:
                if p._grad is None:
                    continue
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = _wrap(np.array(0.0, dtype=float32._np))
                    state["exp_avg"] = _wrap(np.zeros_like(p._data))
                    state["exp_avg_sq"] = _wrap(np.zeros_like(p._data))
                    if amsgrad:
                        state["max_exp_avg_sq"] = _wrap(np.zeros_like(p._data))
                param, grad = _real(p._data), _real(p._grad._data)
                exp_avg, exp_avg_sq = _real(state["exp_avg"]._data), _real(state["exp_avg_sq"]._data)
                f = param.dtype.type
                if maximize:
                    grad = -grad
                state["step"]._data += 1
                if weight_decay != 0:
                    if decoupled:
                        param *= f(1 - lr * weight_decay)
                    else:
                        grad = grad + param * f(weight_decay)
                _lerp_(exp_avg, grad, 1 - beta1)
                exp_avg_sq *= f(beta2)
                exp_avg_sq += grad * f(1 - beta2) * grad  # addcmul: value * g * g
                step = state["step"]._data.item()
                bias_correction1 = 1 - beta1 ** step
                bias_correction2 = 1 - beta2 ** step
                step_size = lr / bias_correction1
                bias_correction2_sqrt = bias_correction2 ** 0.5
                if amsgrad:
                    max_sq = _real(state["max_exp_avg_sq"]._data)
                    np.maximum(max_sq, exp_avg_sq, out=max_sq)
                    denom = np.sqrt(max_sq)
                else:
                    denom = np.sqrt(exp_avg_sq)
                denom /= f(bias_correction2_sqrt)
                denom += f(eps)
                update = np.divide(exp_avg, denom, out=denom)
                update *= f(step_size)
                param -= update
                p._version += 1
        return loss
