"""MobileNetV2 (``torchvision/models/mobilenetv2.py``; Sandler et al., "MobileNetV2:
Inverted Residuals and Linear Bottlenecks", 2018).

The architecture: a 3x3 stride-2 stem (``Conv2dNormActivation`` with ReLU6), seventeen
``InvertedResidual`` blocks, a 1x1 conv to 1280 channels, global average pooling and
dropout + ``Linear``. An inverted residual *expands* the channels ``t``-fold with a 1x1
conv (ReLU6), filters each channel separately with a 3x3 *depthwise* conv
(``groups = channels``, ReLU6), and projects back with a linear 1x1 conv + BN; when the
stride is 1 and the width unchanged, the input is added back. The table
``[t, c, n, s]`` (expansion, channels, repeats, first stride) describes the stages;
``width_mult`` scales every width, rounded by ``_make_divisible``.

Initialisation, as torchvision: default draws at construction, then in ``modules()``
order convs ``kaiming_normal_(mode="fan_out")`` (torchvision leaves the nonlinearity at
its default, ``leaky_relu`` with slope 0, the same gain as ReLU's), BN ones/zeros, Linear
``normal_(0, 0.01)`` with zero bias.
"""
from ... import flatten, nn
from ..ops.misc import Conv2dNormActivation
from ._api import WeightsEnum, imagenet_weights
from ._utils import _build, _make_divisible, builder

__all__ = ["MobileNetV2", "MobileNet_V2_Weights", "mobilenet_v2"]


class InvertedResidual(nn.Module):
    def __init__(self, inp, oup, stride, expand_ratio, norm_layer=None):
        super().__init__()
        self.stride = stride
        if stride not in [1, 2]:
            raise ValueError(f"stride should be 1 or 2 instead of {stride}")
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        hidden_dim = int(round(inp * expand_ratio))
        self.use_res_connect = self.stride == 1 and inp == oup
        layers = []
        if expand_ratio != 1:   # pointwise expansion
            layers.append(Conv2dNormActivation(inp, hidden_dim, kernel_size=1, norm_layer=norm_layer,
                                               activation_layer=nn.ReLU6))
        layers.extend([
            # depthwise 3x3, then the linear pointwise projection
            Conv2dNormActivation(hidden_dim, hidden_dim, stride=stride, groups=hidden_dim, norm_layer=norm_layer,
                                 activation_layer=nn.ReLU6),
            nn.Conv2d(hidden_dim, oup, 1, 1, 0, bias=False),
            norm_layer(oup),
        ])
        self.conv = nn.Sequential(*layers)
        self.out_channels = oup
        self._is_cn = stride > 1

    def forward(self, x):
        return x + self.conv(x) if self.use_res_connect else self.conv(x)


class MobileNetV2(nn.Module):
    """MobileNetV2.

    Args:
        num_classes: outputs of the classifier. Default: 1000.
        width_mult: multiplier of every layer's width. Default: 1.0.
        inverted_residual_setting: the ``[t, c, n, s]`` stage table.
        round_nearest: round widths to a multiple of this (1 turns rounding off). Default: 8.
        block, norm_layer: the block and normalisation classes.
        dropout: dropout probability before the classifier. Default: 0.2.
    """

    def __init__(self, num_classes=1000, width_mult=1.0, inverted_residual_setting=None, round_nearest=8, block=None,
                 norm_layer=None, dropout=0.2):
        super().__init__()
        if block is None:
            block = InvertedResidual
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        input_channel = 32
        last_channel = 1280
        if inverted_residual_setting is None:
            inverted_residual_setting = [
                # t, c, n, s
                [1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2],
                [6, 320, 1, 1],
            ]
        if len(inverted_residual_setting) == 0 or len(inverted_residual_setting[0]) != 4:
            raise ValueError("inverted_residual_setting should be non-empty or a 4-element list, "
                             f"got {inverted_residual_setting}")
        input_channel = _make_divisible(input_channel * width_mult, round_nearest)
        self.last_channel = _make_divisible(last_channel * max(1.0, width_mult), round_nearest)
        features = [Conv2dNormActivation(3, input_channel, stride=2, norm_layer=norm_layer, activation_layer=nn.ReLU6)]
        for t, c, n, s in inverted_residual_setting:
            output_channel = _make_divisible(c * width_mult, round_nearest)
            for i in range(n):
                features.append(block(input_channel, output_channel, s if i == 0 else 1, expand_ratio=t,
                                      norm_layer=norm_layer))
                input_channel = output_channel
        features.append(Conv2dNormActivation(input_channel, self.last_channel, kernel_size=1, norm_layer=norm_layer,
                                             activation_layer=nn.ReLU6))
        self.features = nn.Sequential(*features)
        self.classifier = nn.Sequential(nn.Dropout(p=dropout), nn.Linear(self.last_channel, num_classes))

        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out")
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, nn.BatchNorm2d):   # torchvision also resets GroupNorm, which we lack
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0, 0.01)
                nn.init.zeros_(m.bias)

    def _forward_impl(self, x):
        x = nn.functional.adaptive_avg_pool2d(self.features(x), (1, 1))
        return self.classifier(flatten(x, 1))

    def forward(self, x):
        return self._forward_impl(x)


class MobileNet_V2_Weights(WeightsEnum):
    IMAGENET1K_V1 = imagenet_weights("https://download.pytorch.org/models/mobilenet_v2-b0353104.pth", 3504872, (1, 1))
    IMAGENET1K_V2 = imagenet_weights("https://download.pytorch.org/models/mobilenet_v2-7ebf99e0.pth", 3504872, (1, 1))
    DEFAULT = IMAGENET1K_V2


@builder(MobileNet_V2_Weights, MobileNet_V2_Weights.IMAGENET1K_V1)
def mobilenet_v2(*, weights=None, progress=True, **kwargs):
    """MobileNetV2, 3.5M parameters at 1000 classes."""
    weights = MobileNet_V2_Weights.verify(weights)
    return _build(MobileNetV2, weights, progress, **kwargs)
