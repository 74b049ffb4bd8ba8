"""``F.pad`` in constant mode: surround the last dimensions with a fill value.

``pad`` lists (left, right) amounts starting from the *last* dimension, as torch's does;
negative amounts crop. The backward simply cuts the gradient of the padded region away.
"""
import numpy as np

from ..autograd.function import ArrayFunction
from .pointwise import _operand


class ConstantPad(ArrayFunction):
    _backward_name = "ConstantPadNdBackward0"

    @staticmethod
    def forward(ctx, x, widths, value):
        grow = [(max(a, 0), max(b, 0)) for a, b in widths]
        out = np.pad(x, grow, constant_values=value) if any(a or b for a, b in grow) else x.copy()
        out = out[tuple(slice(-min(a, 0), out.shape[i] + min(b, 0)) for i, (a, b) in enumerate(widths))]
        ctx.widths = widths
        return np.ascontiguousarray(out)

    @staticmethod
    def backward(ctx, g):
        # undo: crop what was added, zero-pad what was cropped
        undo = [(-a, -b) for a, b in ctx.widths]
        grow = [(max(a, 0), max(b, 0)) for a, b in undo]
        g = np.pad(g, grow) if any(a or b for a, b in grow) else g
        return g[tuple(slice(-min(a, 0), g.shape[i] + min(b, 0)) for i, (a, b) in enumerate(undo))]


def pad(input, pad, mode="constant", value=None):
    x = _operand(input)
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > x._data.ndim:
        raise RuntimeError("Padding length should be less than or equal to two times the input dimension but got padding length "
                           f"{len(pad)} and input of dimension {x._data.ndim}")
    if mode != "constant":
        raise NotImplementedError(f"minitorch_compat does not implement F.pad(mode='{mode}') yet")
    widths = [(0, 0)] * x._data.ndim
    for i in range(len(pad) // 2):
        widths[x._data.ndim - 1 - i] = (int(pad[2 * i]), int(pad[2 * i + 1]))
    return ConstantPad.apply(x, widths=widths, value=0 if value is None else value)
