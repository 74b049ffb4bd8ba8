"""``torch.nn``: layers (``Module`` subclasses), ``Parameter``, ``functional`` and ``init``.

Layout mirrors torch: ``nn/modules/*.py`` hold the layer classes, ``nn/functional.py``
the stateless ops they call, ``nn/init.py`` the initialisers, ``nn/utils`` gradient
clipping, ``nn/parallel`` the (CPU-only) ``DataParallel`` wrapper.
"""
from .modules import *  # noqa: F401,F403
from .modules import __all__ as _modules_all
from .parameter import Parameter, Buffer
from . import functional, init, utils, parallel  # noqa: F401
from .parallel import DataParallel

__all__ = list(_modules_all) + ["Parameter", "Buffer", "functional", "init", "utils", "parallel", "DataParallel"]
