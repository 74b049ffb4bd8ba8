"""``torchvision.datasets``: image datasets read from files on disk (no downloads here).

``MNIST``/``FashionMNIST``/``KMNIST``/``EMNIST`` (IDX files), ``CIFAR10``/``CIFAR100``
(python pickle batches), ``ImageFolder``/``DatasetFolder`` (one folder per class),
``FakeData`` (seeded random images), and scikit-learn's 8x8 ``Digits`` (not in
torchvision). See each module's docstring.
"""
from .digits import Digits
from .fakedata import FakeData
from .mnist import MNIST, FashionMNIST
from .vision import StandardTransform, VisionDataset

__all__ = ["MNIST", "FashionMNIST", "FakeData", "Digits", "VisionDataset", "StandardTransform"]
