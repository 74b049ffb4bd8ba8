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
How we do it: the same, on the NumPy arrays in place, rounded as torch's kernels round
(``_pointwise.py``).

Where we differ: there are no sparse gradients here, so the sparse branch does not exist.
"""
import numpy as np

from .._tensor import Tensor, _wrap
from . import _pointwise as P
from .optimizer import Optimizer, _real, _run_closure, _scalar_dtype, _to_scalar

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
        foreach, differentiable, fused: accepted for compatibility (CPU single-tensor path).
    """

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 foreach=None, *, maximize=False, differentiable=False, fused=None):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= lr_decay:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= initial_accumulator_value:
            raise ValueError(f"Invalid initial_accumulator_value value: {initial_accumulator_value}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        defaults = {"lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
                    "initial_accumulator_value": initial_accumulator_value, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable, "fused": fused}
        super().__init__(params, defaults)
        if fused:
            if differentiable:
                raise RuntimeError("`fused` does not support `differentiable`")
            if foreach:
                raise RuntimeError("`fused` and `foreach` cannot be `True` together.")
        for group in self.param_groups:
            for p in group["params"]:
                state = self.state[p]
                state["step"] = _wrap(np.zeros((), dtype=_scalar_dtype()))
                init = initial_accumulator_value
                if p._data.dtype.kind == "c":
                    init = complex(init, init)
                state["sum"] = _wrap(np.full_like(p._data, init))

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("foreach", None)
            group.setdefault("maximize", False)
            group.setdefault("differentiable", False)
            group.setdefault("fused", None)

    def share_memory(self):
        """Accepted for compatibility (there is one process's memory here)."""

    def step(self, closure=None):
        """One Adagrad update of every parameter that has a gradient."""
        loss = _run_closure(closure)
        for group in self.param_groups:
            lr = _to_scalar(group["lr"])
            wd, lr_decay, eps = group["weight_decay"], group["lr_decay"], group["eps"]
            for p in group["params"]:
                if p._grad is None:
                    continue
                state = self.state[p]
                state["step"]._data += 1
                step = state["step"]._data.item()
                grad = p._grad._data
                if group["maximize"]:
                    grad = -grad
                if wd != 0:
                    grad = P.added(grad, p._data, wd)
                clr = lr / (1 + (step - 1) * lr_decay)
                param, grad, state_sum = _real(p._data), _real(grad), _real(state["sum"]._data)
                P.addcmul_(state_sum, grad, grad)
                std = np.sqrt(state_sum)
                std += std.dtype.type(eps)
                P.addcdiv_(param, grad, std, -clr)
                p._version += 1
        return loss
