"""``F.pixel_shuffle`` and ``F.pixel_unshuffle``: trade channels for resolution.

What torch does (``aten/src/ATen/native/PixelShuffle.cpp``): ``pixel_shuffle(x, r)`` turns
``(*, C * r * r, H, W)`` into ``(*, C, H * r, W * r)``; output pixel ``(c, h * r + i,
w * r + j)`` is input channel ``c * r * r + i * r + j`` at ``(h, w)``. It is a reshape to
``(*, C, r, r, H, W)``, a permutation to ``(*, C, H, r, W, r)`` and a reshape back.
``pixel_unshuffle`` is exactly the inverse rearrangement.

How we do it: the same reshape-permute-reshape on the NumPy array. The two ops are each
other's adjoint (a permutation's adjoint is its inverse), so each backward is the other op.
"""
import numpy as np

from ..autograd.function import ArrayFunction
from .pointwise import _operand


def _shuffle(x, r):
    *lead, c, h, w = x.shape
    y = x.reshape(*lead, c // (r * r), r, r, h, w)
    n = len(lead)
    y = y.transpose(*range(n), n, n + 3, n + 1, n + 4, n + 2)   # (*, C, H, r, W, r)
    return np.ascontiguousarray(y).reshape(*lead, c // (r * r), h * r, w * r)


def _unshuffle(x, r):
    *lead, c, h, w = x.shape
    y = x.reshape(*lead, c, h // r, r, w // r, r)
    n = len(lead)
    y = y.transpose(*range(n), n, n + 2, n + 4, n + 1, n + 3)   # (*, C, r, r, H/r, W/r)
    return np.ascontiguousarray(y).reshape(*lead, c * r * r, h // r, w // r)


class _Rearrange(ArrayFunction):
    """A fixed rearrangement ``there`` whose backward is its ``inverse`` op (on Tensors,
    under create_graph, that op recorded)."""
    inverse = None

    @classmethod
    def forward(cls, ctx, x, *, factor):
        ctx.factor = factor
        return cls.there(x, factor)

    @classmethod
    def backward(cls, ctx, g):
        return cls.inverse.call(g, factor=ctx.factor)


class PixelShuffle(_Rearrange):
    _backward_name, there = "PixelShuffleBackward0", staticmethod(_shuffle)


class PixelUnshuffle(_Rearrange):
    _backward_name, there = "PixelUnshuffleBackward0", staticmethod(_unshuffle)


PixelShuffle.inverse, PixelUnshuffle.inverse = PixelUnshuffle, PixelShuffle


def _check(name, what, x, factor):
    if not isinstance(factor, (int, np.integer)) or isinstance(factor, bool):
        raise TypeError(f"{name}(): argument '{what}' (position 2) must be int, not {type(factor).__name__}")
    if x._data.ndim < 3:
        raise RuntimeError(f"{name} expects input to have at least 3 dimensions, but got input with "
                           f"{x._data.ndim} dimension(s)")
    if factor <= 0:
        raise RuntimeError(f"{name} expects a positive {what}, but got {factor}")


def pixel_shuffle(input, upscale_factor):
    x = _operand(input)
    _check("pixel_shuffle", "upscale_factor", x, upscale_factor)
    c = x._data.shape[-3]
    if c % (upscale_factor * upscale_factor):
        raise RuntimeError("pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of "
                           f"upscale_factor, but input.size(-3)={c} is not divisible by {upscale_factor * upscale_factor}")
    return PixelShuffle.apply(x, factor=int(upscale_factor))


def pixel_unshuffle(input, downscale_factor):
    x = _operand(input)
    _check("pixel_unshuffle", "downscale_factor", x, downscale_factor)
    for axis, name in ((-2, "height"), (-1, "width")):
        if x._data.shape[axis] % downscale_factor:
            raise RuntimeError(f"pixel_unshuffle expects {name} to be divisible by downscale_factor, but "
                               f"input.size({axis})={x._data.shape[axis]} is not divisible by {downscale_factor}")
    return PixelUnshuffle.apply(x, factor=int(downscale_factor))
