"""``torchvision.ops``: only the building block the classification models use,
``Conv2dNormActivation`` (``ops/misc.py``)."""
from .misc import Conv2dNormActivation

__all__ = ["Conv2dNormActivation"]
