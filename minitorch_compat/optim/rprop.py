"""``torch.optim.Rprop``: resilient backpropagation (Riedmiller & Braun, 1993).

Only the *sign* of the gradient is used. Each element has its own step size, which grows
by ``etaplus`` while the gradient keeps its sign and shrinks by ``etaminus`` when the sign
flips (the minimum was overshot: that element then skips one update). For each parameter
``p`` with gradient ``g`` (torch's ``_single_tensor_rprop``)::

    g = -g                                          if maximize
    t = t + 1
    s = sign(g * prev)                              # +1 same sign, -1 flipped, 0 either is 0
    factor = etaplus where s > 0, etaminus where s < 0, 1 where s == 0
    step_size = clamp(step_size * factor, step_size_min, step_size_max)
    g = 0 where factor == etaminus
    p = p - sign(g) * step_size
    prev = g

State per parameter: ``step`` (0-d tensor in the scalar dtype), ``prev`` and
``step_size`` (filled with ``lr`` at first). ``_update`` is those lines on the NumPy
arrays; there is no rounding to emulate beyond the products, so float32 trajectories are
bit-identical to torch's.
"""
import numpy as np

from .._tensor import _wrap
from . import _pointwise as P
from ._checks import _check_nonnegative
from .optimizer import Optimizer, _real, _scalar, _to_scalar, _zeros_like

__all__ = ["Rprop"]


class Rprop(Optimizer):
    """The resilient backpropagation algorithm.

    Args:
        params: parameters or parameter groups to optimize.
        lr: the initial step size of every element. Default: 1e-2.
        etas: ``(etaminus, etaplus)``, the factors that shrink and grow step sizes.
            Default: (0.5, 1.2).
        step_sizes: the minimal and maximal step sizes. Default: (1e-6, 50).
        maximize: maximize the objective. Default: False.
        capturable, foreach, differentiable: as torch's (see ``optimizer.py``: the single-tensor
            algorithm runs; ``capturable``/``differentiable`` raise torch's CPU errors).
    """

    _group_defaults = {"foreach": None, "maximize": False, "differentiable": False, "capturable": False}

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *, capturable=False, foreach=None,
                 maximize=False, differentiable=False):
        _check_nonnegative(lr=lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = {"lr": lr, "etas": etas, "step_sizes": step_sizes, "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable, "capturable": capturable}
        super().__init__(params, defaults)

    def _init_state(self, p, group):
        lr = _to_scalar(group["lr"])
        return {"step": _scalar(0.0), "prev": _zeros_like(p),
                "step_size": _wrap(np.full_like(p._data, complex(lr, lr) if p._data.dtype.kind == "c" else lr))}

    def _update(self, p, grad, group):
        state = self._state(p, group)
        (etaminus, etaplus), (step_size_min, step_size_max) = group["etas"], group["step_sizes"]
        if group["maximize"]:
            grad = -grad
        state["step"]._data += 1
        param, grad = _real(p._data), _real(grad)
        prev, step_size = _real(state["prev"]._data), _real(state["step_size"]._data)
        f = param.dtype.type
        sign = np.sign(grad * prev)
        sign[sign > 0] = f(etaplus)
        sign[sign < 0] = f(etaminus)
        sign[sign == 0] = 1
        step_size *= sign
        np.clip(step_size, f(step_size_min), f(step_size_max), out=step_size)
        grad = grad.copy()
        grad[sign == P.in_dtype(sign, etaminus)] = 0
        P.addcmul_(param, np.sign(grad), step_size, -1)
        prev[...] = grad
