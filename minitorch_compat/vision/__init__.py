"""``torchvision``'s beginner-facing parts: ``transforms`` and ``datasets``.

torchvision is a separate package from torch; here it lives inside minitorch_compat as
``minitorch_compat.vision`` so the project keeps one runtime dependency (NumPy). Under
``python -m minitorch_compat run script.py`` the names ``torchvision``,
``torchvision.transforms`` and ``torchvision.datasets`` resolve to these modules (see
``minitorch_compat/_run.py``).

What is here: ``transforms.ToTensor``, ``Lambda``, ``Compose``, ``Normalize`` (plus their
functional forms ``to_tensor`` and ``normalize``), and ``datasets.MNIST``,
``datasets.FashionMNIST`` and ``datasets.Digits`` (scikit-learn's bundled 8x8 digits,
which torchvision does not have); ``models`` (ResNet-18/34/50, VGG-11/16, AlexNet,
MobileNetV2) and ``ops.Conv2dNormActivation``.
"""
from . import datasets, models, ops, transforms

__all__ = ["datasets", "models", "ops", "transforms"]
