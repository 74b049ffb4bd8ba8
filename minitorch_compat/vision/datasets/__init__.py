"""``torchvision.datasets``: image datasets read from files on disk.

``MNIST``/``FashionMNIST``/``KMNIST``/``EMNIST`` (IDX files), ``CIFAR10``/``CIFAR100``
(python pickle batches), ``ImageFolder``/``DatasetFolder`` (one folder per class),
``FakeData`` (seeded random images), and scikit-learn's 8x8 ``Digits`` (not in
torchvision). See each module's docstring.
"""
from .cifar import CIFAR10, CIFAR100
from .digits import Digits
from .fakedata import FakeData
from .folder import DatasetFolder, ImageFolder
from .mnist import EMNIST, KMNIST, MNIST, FashionMNIST
from .vision import StandardTransform, VisionDataset

__all__ = ["MNIST", "FashionMNIST", "KMNIST", "EMNIST", "CIFAR10", "CIFAR100", "DatasetFolder", "ImageFolder",
           "FakeData", "Digits", "VisionDataset", "StandardTransform"]
