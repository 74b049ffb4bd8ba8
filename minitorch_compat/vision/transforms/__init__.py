"""``torchvision.transforms``: image transforms for data pipelines (the v1 API).

The classes live in :mod:`.transforms` (``Compose``, ``RandomCrop``, ``ColorJitter``...),
the functions that do the image work in :mod:`.functional` (``import
torchvision.transforms.functional as F``), split into a Pillow backend
(``_functional_pil``) and a tensor backend (``_functional_tensor``), as in torchvision.
"""
from . import functional
from .functional import normalize, to_tensor  # kept at this level for older imports of ours
from .transforms import *  # noqa: F401,F403
from .transforms import __all__ as _transforms_all

__all__ = list(_transforms_all)
