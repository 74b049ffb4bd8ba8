"""``torchvision.models.mobilenet``: where torchvision gathers its MobileNets (only V2 here)."""
from .mobilenetv2 import *  # noqa: F401,F403
from .mobilenetv2 import __all__  # noqa: F401
