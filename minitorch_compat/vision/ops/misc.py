"""``Conv2dNormActivation``: the conv -> norm -> activation block of MobileNet and friends
(``torchvision/ops/misc.py``).

What torchvision does: the block *is* an ``nn.Sequential`` (so it prints as
``Conv2dNormActivation(\\n  (0): Conv2d(...)\\n  (1): BatchNorm2d(...)\\n  (2): ReLU6(...)``)
holding a convolution, an optional norm layer and an optional activation built with
``inplace=True``. Unless given, ``padding`` keeps the size at stride 1,
``(kernel_size - 1) // 2 * dilation``, and the convolution has a bias only when there
is no norm layer (the norm's shift would make it redundant).

How we do it: the same, for the 2-d case.
"""
import warnings

from ... import nn

__all__ = ["ConvNormActivation", "Conv2dNormActivation"]


class ConvNormActivation(nn.Sequential):
    def __init__(self, in_channels, out_channels, kernel_size=3, stride=1, padding=None, groups=1,
                 norm_layer=nn.BatchNorm2d, activation_layer=nn.ReLU, dilation=1, inplace=True, bias=None,
                 conv_layer=nn.Conv2d):
        if padding is None:
            if isinstance(kernel_size, int) and isinstance(dilation, int):
                padding = (kernel_size - 1) // 2 * dilation
            else:
                n = len(kernel_size) if isinstance(kernel_size, (tuple, list)) else len(dilation)
                kernel_size = tuple(kernel_size) if isinstance(kernel_size, (tuple, list)) else (kernel_size,) * n
                dilation = tuple(dilation) if isinstance(dilation, (tuple, list)) else (dilation,) * n
                padding = tuple((k - 1) // 2 * d for k, d in zip(kernel_size, dilation))
        if bias is None:
            bias = norm_layer is None
        layers = [conv_layer(in_channels, out_channels, kernel_size, stride, padding, dilation=dilation, groups=groups,
                             bias=bias)]
        if norm_layer is not None:
            layers.append(norm_layer(out_channels))
        if activation_layer is not None:
            layers.append(activation_layer(**({} if inplace is None else {"inplace": inplace})))
        super().__init__(*layers)
        self.out_channels = out_channels
        if type(self) is ConvNormActivation:
            warnings.warn("Don't use ConvNormActivation directly, please use Conv2dNormActivation and "
                          "Conv3dNormActivation instead.")


class Conv2dNormActivation(ConvNormActivation):
    """Conv2d, then ``norm_layer`` (default ``BatchNorm2d``), then ``activation_layer``
    (default ``ReLU``); ``None`` leaves a stage out."""

    def __init__(self, in_channels, out_channels, kernel_size=3, stride=1, padding=None, groups=1,
                 norm_layer=nn.BatchNorm2d, activation_layer=nn.ReLU, dilation=1, inplace=True, bias=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, groups, norm_layer, activation_layer,
                         dilation, inplace, bias, nn.Conv2d)
