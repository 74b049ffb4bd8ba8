"""Pooling layers: ``nn.MaxPool2d``, ``nn.AvgPool2d``, ``nn.AdaptiveAvgPool2d``.

What torch does: each layer only stores its arguments and calls the matching function
(``F.max_pool2d``, ``F.avg_pool2d``, ``F.adaptive_avg_pool2d``). ``stride`` defaults to
``kernel_size`` (non-overlapping windows). Output size per spatial dimension::

    out = floor_or_ceil((in + 2 * padding - dilation * (kernel_size - 1) - 1) / stride) + 1

with ``ceil`` under ``ceil_mode=True`` (and then the last window must start inside the
input or the left padding). Adaptive pooling chooses the windows itself: output cell
``i`` of ``out`` averages input rows ``floor(i * in / out)`` to ``ceil((i + 1) * in / out) - 1``.

How we do it: the same; the layers keep the arguments exactly as given (an int stays an
int), so they print like torch's. The arithmetic is in ``_ops/pooling.py``.
"""
from .. import functional as F
from .module import Module

__all__ = ["MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d"]


class MaxPool2d(Module):
    """The maximum over each ``kernel_size`` window of each channel.

    Args:
        kernel_size: window size (int or pair).
        stride: window step. Default: ``kernel_size``.
        padding: implicit ``-inf`` border on both sides (at most half the kernel). Default: 0.
        dilation: spacing between window elements. Default: 1.
        return_indices: also return, for every output, the flat index ``h * W + w`` of the
            maximum in its input plane (what ``nn.MaxUnpool2d`` consumes). Default: ``False``.
        ceil_mode: round the output size up instead of down. Default: ``False``.

    Shape: ``(N, C, H_in, W_in)`` -> ``(N, C, H_out, W_out)`` (the batch dimension is optional).

    Example::

        >>> nn.MaxPool2d(2)(torch.randn(1, 3, 8, 8)).shape
        torch.Size([1, 3, 4, 4])
    """

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if (stride is not None) else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def forward(self, input):
        return F.max_pool2d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            ceil_mode=self.ceil_mode, return_indices=self.return_indices)

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class AvgPool2d(Module):
    """The mean over each ``kernel_size`` window of each channel.

    Args:
        kernel_size, stride, padding, ceil_mode: as for ``MaxPool2d`` (zero padding here).
        count_include_pad: divide by the whole window, padded zeros included. Default: ``True``.
        divisor_override: divide every window's sum by this number instead. Default: ``None``.

    Shape: ``(N, C, H_in, W_in)`` -> ``(N, C, H_out, W_out)`` (the batch dimension is optional).
    """

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                 divisor_override=None):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if (stride is not None) else kernel_size
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def forward(self, input):
        return F.avg_pool2d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad, self.divisor_override)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool2d(Module):
    """Average pooling to a fixed output size, whatever the input size.

    Args:
        output_size: ``H_out`` and ``W_out`` (an int for a square; ``None`` keeps the input's size).

    ``nn.AdaptiveAvgPool2d(1)`` is the "global average pooling" that ends many CNNs.
    """

    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def forward(self, input):
        return F.adaptive_avg_pool2d(input, self.output_size)

    def extra_repr(self):
        return f"output_size={self.output_size}"
