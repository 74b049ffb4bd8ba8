"""``torchvision.datasets``: MNIST and FashionMNIST from IDX files, plus scikit-learn's
8x8 ``Digits`` (which torchvision does not have). See each module's docstring."""
from .digits import Digits
from .mnist import MNIST, FashionMNIST
from .vision import StandardTransform, VisionDataset

__all__ = ["MNIST", "FashionMNIST", "Digits", "VisionDataset", "StandardTransform"]
