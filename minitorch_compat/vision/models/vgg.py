"""VGG-11 and VGG-16, with and without batch norm (``torchvision/models/vgg.py``;
Simonyan & Zisserman, "Very Deep Convolutional Networks for Large-Scale Image
Recognition", 2014).

The architecture: ``features``, a stack of 3x3 "same" convolutions (each followed by
ReLU, or by BatchNorm then ReLU in the ``_bn`` variants) and 2x2 max-pools, described by
a config list (a number is a conv with that many channels, ``"M"`` a pool): config "A"
is VGG-11, "D" VGG-16. Then ``AdaptiveAvgPool2d((7, 7))`` and a three-layer classifier
``512*7*7 -> 4096 -> 4096 -> num_classes`` with ReLU and dropout.

Initialisation (``init_weights=True``, as torchvision): after construction, in
``modules()`` order, convs get ``kaiming_normal_(fan_out, relu)`` and zero bias, BN
weight 1 / bias 0, Linear ``normal_(0, 0.01)`` and zero bias -- on top of each layer's
own default draws, so the random stream advances exactly as in torchvision.

The five max-pools need inputs of at least 32x32.
"""
from ... import flatten, nn
from ._api import WeightsEnum, imagenet_weights
from ._utils import _build, builder

__all__ = ["VGG", "VGG11_Weights", "VGG11_BN_Weights", "VGG16_Weights", "VGG16_BN_Weights", "vgg11", "vgg11_bn",
           "vgg16", "vgg16_bn"]


class VGG(nn.Module):
    """``features`` (from ``make_layers``), a 7x7 adaptive average pool and the classifier."""

    def __init__(self, features, num_classes=1000, init_weights=True, dropout=0.5):
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096), nn.ReLU(True), nn.Dropout(p=dropout),
            nn.Linear(4096, 4096), nn.ReLU(True), nn.Dropout(p=dropout),
            nn.Linear(4096, num_classes),
        )
        if init_weights:
            for m in self.modules():
                if isinstance(m, nn.Conv2d):
                    nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                    if m.bias is not None:
                        nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.BatchNorm2d):
                    nn.init.constant_(m.weight, 1)
                    nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.Linear):
                    nn.init.normal_(m.weight, 0, 0.01)
                    nn.init.constant_(m.bias, 0)

    def forward(self, x):
        x = self.avgpool(self.features(x))
        return self.classifier(flatten(x, 1))


def make_layers(cfg, batch_norm=False):
    """The ``features`` stack for a config list (numbers: conv widths, "M": 2x2 max-pool)."""
    layers = []
    in_channels = 3
    for v in cfg:
        if v == "M":
            layers += [nn.MaxPool2d(kernel_size=2, stride=2)]
        else:
            conv2d = nn.Conv2d(in_channels, v, kernel_size=3, padding=1)
            layers += [conv2d, nn.BatchNorm2d(v), nn.ReLU(inplace=True)] if batch_norm else [conv2d, nn.ReLU(inplace=True)]
            in_channels = v
    return nn.Sequential(*layers)


cfgs = {
    "A": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "D": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
}


def _vgg(cfg, batch_norm, weights, progress, **kwargs):
    if weights is not None:
        kwargs["init_weights"] = False   # the checkpoint overwrites everything anyway
    # (the features are built only after the num_classes check, as torchvision does)
    return _build(lambda **kw: VGG(make_layers(cfgs[cfg], batch_norm=batch_norm), **kw), weights, progress, **kwargs)


_URL = "https://download.pytorch.org/models/"


class VGG11_Weights(WeightsEnum):
    IMAGENET1K_V1 = imagenet_weights(_URL + "vgg11-8a719046.pth", 132863336, (32, 32))
    DEFAULT = IMAGENET1K_V1


class VGG11_BN_Weights(WeightsEnum):
    IMAGENET1K_V1 = imagenet_weights(_URL + "vgg11_bn-6002323d.pth", 132868840, (32, 32))
    DEFAULT = IMAGENET1K_V1


class VGG16_Weights(WeightsEnum):
    IMAGENET1K_V1 = imagenet_weights(_URL + "vgg16-397923af.pth", 138357544, (32, 32))
    # the features-only port of the original weights: no classifier classes
    IMAGENET1K_FEATURES = imagenet_weights(_URL + "vgg16_features-amdegroot-88682ab5.pth", 138357544, (32, 32))
    IMAGENET1K_FEATURES.meta["num_classes"] = None
    DEFAULT = IMAGENET1K_V1


class VGG16_BN_Weights(WeightsEnum):
    IMAGENET1K_V1 = imagenet_weights(_URL + "vgg16_bn-6c64b313.pth", 138365992, (32, 32))
    DEFAULT = IMAGENET1K_V1


@builder(VGG11_Weights, VGG11_Weights.IMAGENET1K_V1)
def vgg11(*, weights=None, progress=True, **kwargs):
    """VGG-11 (config "A"), 132.9M parameters at 1000 classes."""
    weights = VGG11_Weights.verify(weights)
    return _vgg("A", False, weights, progress, **kwargs)


@builder(VGG11_BN_Weights, VGG11_BN_Weights.IMAGENET1K_V1)
def vgg11_bn(*, weights=None, progress=True, **kwargs):
    """VGG-11 with BatchNorm after every convolution."""
    weights = VGG11_BN_Weights.verify(weights)
    return _vgg("A", True, weights, progress, **kwargs)


@builder(VGG16_Weights, VGG16_Weights.IMAGENET1K_V1)
def vgg16(*, weights=None, progress=True, **kwargs):
    """VGG-16 (config "D"), 138.4M parameters at 1000 classes."""
    weights = VGG16_Weights.verify(weights)
    return _vgg("D", False, weights, progress, **kwargs)


@builder(VGG16_BN_Weights, VGG16_BN_Weights.IMAGENET1K_V1)
def vgg16_bn(*, weights=None, progress=True, **kwargs):
    """VGG-16 with BatchNorm after every convolution."""
    weights = VGG16_BN_Weights.verify(weights)
    return _vgg("D", True, weights, progress, **kwargs)
