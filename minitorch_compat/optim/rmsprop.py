"""``torch.optim.RMSprop``: divide each gradient by a running RMS of recent gradients.

For each parameter ``p`` with gradient ``g`` (torch's documented algorithm)::

    g = -g                                           if maximize
    g = g + weight_decay * p                         if weight_decay != 0
    v = alpha * v + (1 - alpha) * g * g              # square_avg
    if centered:
        m = lerp(m, g, 1 - alpha)                    # grad_avg
        avg = sqrt(v - m * m) + eps
    else:
        avg = sqrt(v) + eps
    if momentum > 0:
        b = momentum * b + g / avg;  p = p - lr * b  # momentum_buffer
    else:
        p = p - lr * g / avg

State per parameter, as in torch: ``step`` (0-d float tensor), ``square_avg`` and,
when used, ``momentum_buffer`` and ``grad_avg``. How we do it: the same operations in
the same order on the NumPy arrays, in place, rounded as torch's kernels round them
(``_pointwise.py``), so trajectories match torch's step for step.
"""
import numpy as np

from .._tensor import Tensor, _wrap
from . import _pointwise as P
from .optimizer import Optimizer, _real, _run_closure, _scalar_dtype, _to_scalar

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """RMSprop (Hinton's lecture notes; centered version from Graves, 2013).

    Args:
        params: parameters or parameter groups to optimize.
        lr: learning rate. Default: 1e-2.
        alpha: smoothing constant of the squared-gradient average. Default: 0.99.
        eps: added to the denominator. Default: 1e-8.
        weight_decay: L2 penalty. Default: 0.
        momentum: momentum factor. Default: 0.
        centered: normalise by the estimated variance instead of the second moment. Default: False.
        maximize: maximize the objective. Default: False.
        capturable, foreach, differentiable: accepted for compatibility (CPU single-tensor path).

    Example::

        >>> opt = torch.optim.RMSprop(model.parameters(), lr=0.01, momentum=0.9)
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= momentum:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= alpha:
            raise ValueError(f"Invalid alpha value: {alpha}")
        defaults = {"lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps, "centered": centered,
                    "weight_decay": weight_decay, "capturable": capturable, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable}
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            for key, default in (("momentum", 0), ("centered", False), ("foreach", None), ("maximize", False),
                                 ("differentiable", False), ("capturable", False)):
                group.setdefault(key, default)

    def step(self, closure=None):
        """One RMSprop update of every parameter that has a gradient."""
        loss = _run_closure(closure)
        for group in self.param_groups:
            lr = _to_scalar(group["lr"])
            alpha, eps, wd = group["alpha"], group["eps"], group["weight_decay"]
            momentum, centered = group["momentum"], group["centered"]
            for p in group["params"]:
                if p._grad is None:
                    continue
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = _wrap(np.zeros((), dtype=_scalar_dtype()))
                    state["square_avg"] = _wrap(np.zeros_like(p._data))
                    if momentum > 0:
                        state["momentum_buffer"] = _wrap(np.zeros_like(p._data))
                    if centered:
                        state["grad_avg"] = _wrap(np.zeros_like(p._data))
                param, grad = _real(p._data), _real(p._grad._data)
                if group["maximize"]:
                    grad = -grad
                state["step"]._data += 1
                if wd != 0:
                    grad = P.added(grad, param, wd)
                square_avg = _real(state["square_avg"]._data)
                square_avg *= square_avg.dtype.type(alpha)
                P.addcmul_(square_avg, grad, grad, 1 - alpha)
                if centered:
                    grad_avg = _real(state["grad_avg"]._data)
                    P.lerp_(grad_avg, grad, 1 - alpha)
                    avg = np.sqrt(P.addcmul_(square_avg.copy(), grad_avg, grad_avg, -1))
                else:
                    avg = np.sqrt(square_avg)
                avg += avg.dtype.type(eps)
                if momentum > 0:
                    buf = _real(state["momentum_buffer"]._data)
                    buf *= buf.dtype.type(momentum)
                    P.addcdiv_(buf, grad, avg)
                    P.add_(param, buf, -lr)
                else:
                    P.addcdiv_(param, grad, avg, -lr)
                p._version += 1
        return loss
