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

State per parameter, as in torch: ``step`` (0-d tensor in the scalar dtype),
``square_avg`` and, when used, ``momentum_buffer`` and ``grad_avg``. ``_update`` is
torch's ``_single_tensor_rmsprop`` body: the same operations in the same order on the
NumPy arrays, in place, rounded as ``_pointwise.py`` documents.
"""
import numpy as np

from . import _pointwise as P
from ._checks import _check_nonnegative
from .optimizer import Optimizer, _real, _scalar, _to_scalar, _zeros_like

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
        capturable, foreach, differentiable: as torch's (see ``optimizer.py``: the single-tensor
            algorithm runs; ``capturable``/``differentiable`` raise torch's CPU errors).

    Example::

        >>> opt = torch.optim.RMSprop(model.parameters(), lr=0.01, momentum=0.9)
    """

    _group_defaults = {"momentum": 0, "centered": False, "foreach": None, "maximize": False,
                       "differentiable": False, "capturable": False}

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        _check_nonnegative(lr=lr, eps=eps, momentum=momentum, weight_decay=weight_decay, alpha=alpha)
        defaults = {"lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps, "centered": centered,
                    "weight_decay": weight_decay, "capturable": capturable, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable}
        super().__init__(params, defaults)

    def _init_state(self, p, group):
        state = {"step": _scalar(0.0), "square_avg": _zeros_like(p)}
        if group["momentum"] > 0:
            state["momentum_buffer"] = _zeros_like(p)
        if group["centered"]:
            state["grad_avg"] = _zeros_like(p)
        return state

    def _update(self, p, grad, group):
        state = self._state(p, group)
        lr, alpha, eps, momentum = _to_scalar(group["lr"]), group["alpha"], group["eps"], group["momentum"]
        if group["maximize"]:
            grad = -grad
        state["step"]._data += 1
        if group["weight_decay"] != 0:
            grad = P.added(grad, p._data, group["weight_decay"])
        param, grad, square_avg = _real(p._data), _real(grad), _real(state["square_avg"]._data)
        square_avg *= P.scalar(square_avg, alpha)
        P.addcmul_(square_avg, grad, grad, 1 - alpha)
        if group["centered"]:
            grad_avg = _real(state["grad_avg"]._data)
            P.lerp_(grad_avg, grad, 1 - alpha)
            avg = np.sqrt(P.addcmul_(square_avg.copy(), grad_avg, grad_avg, -1))
        else:
            avg = np.sqrt(square_avg)
        avg += P.in_dtype(avg, eps)
        if momentum > 0:
            buf = _real(state["momentum_buffer"]._data)
            buf *= P.scalar(buf, momentum)
            P.addcdiv_(buf, grad, avg)
            P.add_(param, buf, -lr)
        else:
            P.addcdiv_(param, grad, avg, -lr)
