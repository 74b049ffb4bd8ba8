"""``torchvision``'s data side: ``datasets``, ``transforms`` and ``utils``.

torchvision is a separate package from torch; here it lives inside minitorch_compat as
``minitorch_compat.vision``. Under ``python -m minitorch_compat run script.py`` the names
``torchvision``, ``torchvision.transforms``, ``torchvision.datasets``... resolve to these
modules (see ``minitorch_compat/_run.py``).

Pillow is needed as soon as PIL images are involved (image files, PIL transforms,
``save_image``), as in torchvision; NumPy arrays and tensors work without it.
"""
from . import datasets, transforms, utils

__all__ = ["datasets", "transforms", "utils"]
