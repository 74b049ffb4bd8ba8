"""``torchvision``: ``datasets``, ``transforms``, ``utils``, ``models`` and ``ops``.

torchvision is a separate package from torch; here it lives inside minitorch_compat as
``minitorch_compat.vision``. Under ``python -m minitorch_compat run script.py`` the names
``torchvision``, ``torchvision.transforms``, ``torchvision.datasets``... resolve to these
modules (see ``minitorch_compat/_run.py``).

The models side: ``models`` (ResNet-18/34/50, VGG-11/16 with and without BatchNorm,
AlexNet, MobileNetV2, their weights enums and registry) and ``ops.Conv2dNormActivation``.

Pillow is needed as soon as PIL images are involved (image files, PIL transforms,
``save_image``), as in torchvision; NumPy arrays and tensors work without it.
"""
from . import datasets, models, ops, transforms, utils

__all__ = ["datasets", "models", "ops", "transforms", "utils"]
