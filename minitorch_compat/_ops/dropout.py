"""Dropout: multiply by a random mask of zeros and ``1 / (1 - p)`` (torch: ``Dropout.cpp``).

The mask comes from the torch-exact generator (``bernoulli_(1 - p)``, then divided by
``1 - p``), so with the same seed the same elements are dropped as in torch. torch
records a plain ``MulBackward0`` with the mask as its second, non-differentiable input;
so does this node.
"""
import numpy as np

from .._dtype import as_dtype
from ..autograd.function import ArrayFunction
from .sampling import _gen


class Dropout(ArrayFunction):
    """``x * mask``; backward ``g * mask``. The mask is saved, so it is freed after backward."""
    _backward_name = "MulBackward0"

    @staticmethod
    def forward(ctx, x, mask):
        ctx.save_for_backward(mask)
        return x * mask

    def _graph_saved(ctx, values):
        return {0: values[0]}  # the mask: a constant

    @staticmethod
    def backward(ctx, g):
        mask, = ctx.saved_tensors
        return g * mask


def dropout_mask(x, p, mask_shape):
    """torch's scaled Bernoulli mask: ``bernoulli(1 - p) / (1 - p)`` (all zeros for p = 1).
    The division runs in float32 for a 16-bit ``x`` and is rounded once (``_opmath.py``)."""
    dt = x.dtype
    compute = np.dtype(np.float32) if dt.itemsize == 2 else dt._np
    if p == 1:
        return as_dtype(np.zeros((), dtype=compute), dt)  # torch multiplies by a zero scalar; no random draw
    mask = _gen(None)._bernoulli(1 - p, mask_shape, compute)
    mask /= compute.type(1 - p)
    return as_dtype(mask, dt)


def dropout(x, p, mask_shape=None):
    """``x`` times a fresh mask of ``mask_shape`` (default: x's shape; ``(N, C, 1, 1)`` drops
    whole channels, as ``dropout2d`` does)."""
    return Dropout.apply(x, dropout_mask(x, p, x._data.shape if mask_shape is None else mask_shape))
