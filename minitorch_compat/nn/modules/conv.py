"""``nn.Conv1d``, ``nn.Conv2d``, ``nn.ConvTranspose1d``, ``nn.ConvTranspose2d``: learnable
convolution layers.

What torch does: a convolution layer owns ``weight`` of shape
``(out_channels, in_channels / groups, *kernel_size)`` and an optional ``bias`` of shape
``(out_channels,)``, and its forward calls ``F.conv1d`` / ``F.conv2d``. Output size per
spatial dimension::

    out = floor((in + 2 * padding - dilation * (kernel_size - 1) - 1) / stride) + 1

Initialisation (``reset_parameters``): ``kaiming_uniform_(weight, a=sqrt(5))``, which is
``U(-1/sqrt(fan_in), 1/sqrt(fan_in))`` with ``fan_in = in_channels / groups * prod(kernel_size)``,
then the bias from the same range -- weight first, bias second.

How we do it: the same attributes, the same checks in the same order, and the same two
``nn.init`` calls through the torch-exact generator, so after ``torch.manual_seed(s)`` a
``Conv2d`` holds torch's weights bit for bit. The arithmetic lives in ``_ops/conv.py``
(one im2col matrix product; see its docstring).

A transposed convolution (``ConvTranspose*``, the adjoint of a convolution, see
``_ops/conv.py``) stores its weight the other way round, ``(in_channels, out_channels /
groups, *kernel_size)``, so its ``fan_in`` (and hence its init range) is ``out_channels /
groups * prod(kernel_size)``. Its output size per spatial dimension is::

    out = (in - 1) * stride - 2 * padding + dilation * (kernel_size - 1) + output_padding + 1

and ``forward(input, output_size=...)`` picks the ``output_padding`` that reaches a
requested size, as torch does. Like torch, transposed layers accept only
``padding_mode='zeros'``.

Where we differ: for the plain convolutions only ``padding_mode='zeros'`` runs; ``'reflect'``, ``'replicate'`` and
``'circular'`` are accepted (and printed) like torch, but forward raises
``NotImplementedError``.
"""

from ..._ops.creation import empty
from ..._ops.conv import _pair
from .. import functional as F, init
from ..parameter import Parameter
from .module import Module

__all__ = ["Conv1d", "Conv2d", "ConvTranspose1d", "ConvTranspose2d"]

_PADDING_STRINGS = {"same", "valid"}
_PADDING_MODES = {"zeros", "reflect", "replicate", "circular"}


class _ConvNd(Module):
    """What all convolution layers share: arguments, parameters, init and printing."""

    _n = 2  # spatial dimensions

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True, padding_mode="zeros", device=None, dtype=None, transposed=False, output_padding=0):
        super().__init__()
        n = self._n
        kernel_size, stride, dilation = _pair(kernel_size, n), _pair(stride, n), _pair(dilation, n)
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        if isinstance(padding, str):
            if padding not in _PADDING_STRINGS:
                raise ValueError(f"Invalid padding string {padding!r}, should be one of {_PADDING_STRINGS}")
            if padding == "same" and any(s != 1 for s in stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
        else:
            padding = _pair(padding, n)
        if padding_mode not in _PADDING_MODES:
            raise ValueError(f"padding_mode must be one of {_PADDING_MODES}, but got padding_mode='{padding_mode}'")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = kernel_size
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.transposed = transposed
        self.output_padding = _pair(output_padding, n)
        self.groups = groups
        self.padding_mode = padding_mode
        channels = (in_channels, out_channels // groups) if transposed else (out_channels, in_channels // groups)
        self.weight = Parameter(empty(channels + kernel_size, device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(empty(out_channels, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        init._default_layer_init_(self.weight, self.bias)

    def extra_repr(self):
        n = self._n
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0,) * n:
            s += f", padding={self.padding}"
        if self.dilation != (1,) * n:
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * n:
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s

    def __setstate__(self, state):
        super().__setstate__(state)
        if not hasattr(self, "padding_mode"):
            self.padding_mode = "zeros"

    def _check_mode(self):
        if self.padding_mode != "zeros":
            raise NotImplementedError(f"minitorch_compat: padding_mode='{self.padding_mode}' is not implemented "
                                      "(only 'zeros')")


class Conv1d(_ConvNd):
    """A 1-d convolution over an input of shape ``(N, C_in, L)`` (or unbatched ``(C_in, L)``).

    Args:
        in_channels, out_channels: channels of the input and of the output.
        kernel_size, stride, padding, dilation: ints or 1-tuples; ``padding`` may also be
            ``'valid'`` (no padding) or ``'same'`` (output length = input length, stride 1).
        groups: split the channels into this many independent convolutions. Default: 1.
        bias: add a learnable bias per output channel. Default: ``True``.

    Shape: ``(N, C_in, L_in)`` -> ``(N, C_out, L_out)``.

    Example::

        >>> m = nn.Conv1d(16, 33, 3, stride=2)
        >>> m(torch.randn(20, 16, 50)).shape
        torch.Size([20, 33, 24])
    """

    _n = 1

    def _conv_forward(self, input, weight, bias):
        self._check_mode()
        return F.conv1d(input, weight, bias, self.stride, self.padding, self.dilation, self.groups)

    def forward(self, input):
        return self._conv_forward(input, self.weight, self.bias)


class Conv2d(_ConvNd):
    """A 2-d convolution over an input of shape ``(N, C_in, H, W)`` (or unbatched ``(C_in, H, W)``).

    ``out[n, o] = bias[o] + sum_c sum_{i,j} weight[o, c, i, j] * x_pad[n, g*C_in/groups + c,
    h*stride + i*dilation, w*stride + j*dilation]`` (a cross-correlation, like torch's).

    Args:
        in_channels, out_channels: channels of the input and of the output.
        kernel_size, stride, padding, dilation: ints or pairs; ``padding`` may also be
            ``'valid'`` or ``'same'`` (stride 1 only; an odd total goes to the bottom/right).
        groups: split the channels into this many independent convolutions. Default: 1.
        bias: add a learnable bias per output channel. Default: ``True``.
        padding_mode: only ``'zeros'`` computes here (see the module docstring).

    Shape: ``(N, C_in, H_in, W_in)`` -> ``(N, C_out, H_out, W_out)``.

    Example::

        >>> m = nn.Conv2d(3, 16, 3, 2, 1)
        >>> m(torch.randn(8, 3, 32, 32)).shape
        torch.Size([8, 16, 16, 16])
    """

    _n = 2

    def _conv_forward(self, input, weight, bias):
        self._check_mode()
        return F.conv2d(input, weight, bias, self.stride, self.padding, self.dilation, self.groups)

    def forward(self, input):
        return self._conv_forward(input, self.weight, self.bias)


class _ConvTransposeNd(_ConvNd):
    """What ConvTranspose1d and ConvTranspose2d share: the weight layout and ``output_size``."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
                 bias=True, dilation=1, padding_mode="zeros", device=None, dtype=None):
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {type(self).__name__}')
        n = self._n
        super().__init__(in_channels, out_channels, kernel_size, stride, _pair(padding, n), dilation, groups, bias,
                         padding_mode, device, dtype, transposed=True, output_padding=output_padding)

    def _output_padding(self, input, output_size):
        """The ``output_padding`` that makes the output ``output_size`` (torch's checks and words)."""
        if output_size is None:
            return self.output_padding
        n = self._n
        lead = 2 if input.dim() == n + 2 else 1
        output_size = list(output_size)
        if len(output_size) == lead + n:
            output_size = output_size[lead:]
        if len(output_size) != n:
            raise ValueError(f"ConvTranspose{n}D: for {input.dim()}D input, output_size must have {n} "
                             f"or {lead + n} elements (got {len(output_size)})")
        smallest = [(input.shape[lead + d] - 1) * self.stride[d] - 2 * self.padding[d]
                    + self.dilation[d] * (self.kernel_size[d] - 1) + 1 for d in range(n)]
        largest = [s + self.stride[d] - 1 for d, s in enumerate(smallest)]
        for size, lo, hi in zip(output_size, smallest, largest):
            if size < lo or size > hi:
                raise ValueError(f"requested an output size of {output_size}, but valid sizes range from {smallest} "
                                 f"to {largest} (for an input of {input.shape[lead:]})")
        return tuple(size - lo for size, lo in zip(output_size, smallest))

    def forward(self, input, output_size=None):
        return self._transpose(input, self.weight, self.bias, self.stride, self.padding,
                               self._output_padding(input, output_size), self.groups, self.dilation)


class ConvTranspose1d(_ConvTransposeNd):
    """A 1-d transposed convolution over ``(N, C_in, L)`` (or unbatched ``(C_in, L)``): the
    gradient of ``Conv1d`` with respect to its input, used to upsample learnably.

    Args:
        in_channels, out_channels: channels of the input and of the output.
        kernel_size, stride, padding, dilation: ints or 1-tuples; ``padding`` removes
            ``dilation * (kernel_size - 1) - padding`` zero-padding from both ends.
        output_padding: extra length added at the end of the output (smaller than the
            stride or the dilation). Default: 0.
        groups: independent groups of channels. Default: 1.
        bias: add a learnable bias per output channel. Default: ``True``.

    Shape: ``(N, C_in, L_in)`` -> ``(N, C_out, L_out)`` with
    ``L_out = (L_in - 1) * stride - 2 * padding + dilation * (kernel_size - 1) + output_padding + 1``.

    Example::

        >>> nn.ConvTranspose1d(16, 8, 3, stride=2)(torch.randn(4, 16, 10)).shape
        torch.Size([4, 8, 21])
    """

    _n = 1
    _transpose = staticmethod(F.conv_transpose1d)


class ConvTranspose2d(_ConvTransposeNd):
    """A 2-d transposed convolution over ``(N, C_in, H, W)`` (or unbatched ``(C_in, H, W)``):
    the gradient of ``Conv2d`` with respect to its input. Each input pixel scatters a
    ``kernel_size`` stamp of weights into the output, ``stride`` pixels apart -- the
    learnable upsampling of DCGAN generators and U-Net decoders.

    Args:
        in_channels, out_channels: channels of the input and of the output.
        kernel_size, stride, padding, dilation: ints or pairs.
        output_padding: extra rows/columns added at the bottom/right of the output
            (smaller than the stride or the dilation). Default: 0.
        groups: independent groups of channels. Default: 1.
        bias: add a learnable bias per output channel. Default: ``True``.

    Shape: ``(N, C_in, H_in, W_in)`` -> ``(N, C_out, H_out, W_out)``, each
    ``(in - 1) * stride - 2 * padding + dilation * (kernel_size - 1) + output_padding + 1``.

    Example::

        >>> up = nn.ConvTranspose2d(64, 32, 4, stride=2, padding=1)   # doubles H and W
        >>> up(torch.randn(8, 64, 16, 16)).shape
        torch.Size([8, 32, 32, 32])
    """

    _n = 2
    _transpose = staticmethod(F.conv_transpose2d)
