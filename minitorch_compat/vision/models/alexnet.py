"""AlexNet (``torchvision/models/alexnet.py``), in the single-tower form of Krizhevsky's
"One weird trick for parallelizing convolutional neural networks" (2014).

Five convolutions (11x11 stride 4, 5x5, then three 3x3) with ReLU and three 3x3 stride-2
max-pools, ``AdaptiveAvgPool2d((6, 6))``, and a dropout/Linear/ReLU classifier
``256*6*6 -> 4096 -> 4096 -> num_classes``. Unlike ResNet and VGG, torchvision does not
re-initialise anything: every layer keeps its default init (``kaiming_uniform_(a=sqrt(5))``
and a matching uniform bias), drawn in construction order. Inputs must be at least 63x63.
"""
from ... import flatten, nn
from ._api import WeightsEnum, imagenet_weights
from ._utils import _build, builder

__all__ = ["AlexNet", "AlexNet_Weights", "alexnet"]


class AlexNet(nn.Module):
    def __init__(self, num_classes=1000, dropout=0.5):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 64, kernel_size=11, stride=4, padding=2), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(64, 192, kernel_size=5, padding=2), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(192, 384, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(256, 256, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
        )
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.classifier = nn.Sequential(
            nn.Dropout(p=dropout), nn.Linear(256 * 6 * 6, 4096), nn.ReLU(inplace=True),
            nn.Dropout(p=dropout), nn.Linear(4096, 4096), nn.ReLU(inplace=True),
            nn.Linear(4096, num_classes),
        )

    def forward(self, x):
        x = self.avgpool(self.features(x))
        return self.classifier(flatten(x, 1))


class AlexNet_Weights(WeightsEnum):
    IMAGENET1K_V1 = imagenet_weights("https://download.pytorch.org/models/alexnet-owt-7be5be79.pth", 61100840,
                                     (63, 63))
    DEFAULT = IMAGENET1K_V1


@builder(AlexNet_Weights, AlexNet_Weights.IMAGENET1K_V1)
def alexnet(*, weights=None, progress=True, **kwargs):
    """AlexNet, 61.1M parameters at 1000 classes."""
    weights = AlexNet_Weights.verify(weights)
    return _build(AlexNet, weights, progress, **kwargs)
