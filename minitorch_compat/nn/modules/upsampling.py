"""``nn.Upsample`` (and its two fixed-mode ancestors): a layer around ``F.interpolate``.

What torch does: the layer stores ``size`` or ``scale_factor`` (a number becomes a
``float``; a tuple becomes a tuple of floats), ``mode``, ``align_corners`` and
``recompute_scale_factor``, and its forward is one ``F.interpolate`` call. It prints only
the size or the factor and the mode: ``Upsample(scale_factor=2.0, mode='nearest')``.
``UpsamplingNearest2d`` and ``UpsamplingBilinear2d`` are the same layer with the mode
fixed (bilinear with ``align_corners=True``), kept by torch for old code.

How we do it: the same; the arithmetic is in ``_ops/upsampling.py``.
"""
from .. import functional as F
from .module import Module

__all__ = ["Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d"]


class Upsample(Module):
    """Resize the spatial dimensions of ``(N, C, L)``, ``(N, C, H, W)`` or ``(N, C, D, H, W)``.

    Args:
        size: output spatial size (int or tuple); give this or ``scale_factor``.
        scale_factor: multiplier of each spatial size (float or tuple of floats).
        mode: ``'nearest'`` (default), ``'nearest-exact'``, ``'linear'`` (3-d input),
            ``'bilinear'`` (4-d), ``'bicubic'`` (4-d) or ``'trilinear'`` (5-d).
        align_corners: for the interpolating modes, map the corner pixels' centres onto
            each other instead of the corners' edges. Default: ``False``.
        recompute_scale_factor: interpolate with ``in / out`` instead of the given factor.

    Example::

        >>> nn.Upsample(scale_factor=2, mode='bilinear')(torch.randn(1, 3, 4, 4)).shape
        torch.Size([1, 3, 8, 8])
    """

    def __init__(self, size=None, scale_factor=None, mode="nearest", align_corners=None, recompute_scale_factor=None):
        super().__init__()
        self.name = type(self).__name__
        self.size = size
        if isinstance(scale_factor, tuple):
            self.scale_factor = tuple(float(factor) for factor in scale_factor)
        else:
            self.scale_factor = float(scale_factor) if scale_factor else None
        self.mode = mode
        self.align_corners = align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input):
        return F.interpolate(input, self.size, self.scale_factor, self.mode, self.align_corners,
                             recompute_scale_factor=self.recompute_scale_factor)

    def __setstate__(self, state):
        state.setdefault("recompute_scale_factor", True)
        super().__setstate__(state)

    def extra_repr(self):
        info = f"scale_factor={self.scale_factor!r}" if self.scale_factor is not None else f"size={self.size!r}"
        return info + f", mode={self.mode!r}"


class UpsamplingNearest2d(Upsample):
    """``Upsample(size, scale_factor, mode='nearest')`` for 4-d input (torch's legacy layer)."""

    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """``Upsample(size, scale_factor, mode='bilinear', align_corners=True)`` (torch's legacy layer)."""

    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)
