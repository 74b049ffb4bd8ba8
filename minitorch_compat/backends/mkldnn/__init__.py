"""``torch.backends.mkldnn``: Intel's oneDNN kernels for CPU ops; not used here.

Its flags are checked and stored (see ``backends/__init__.py``); ``is_available()`` is
False because no op here goes through oneDNN. ``allow_tf32`` reads None, as in a torch
built without Intel GPU support.
"""
import contextlib
import sys

from .. import flag_module


def is_available():
    """Return whether PyTorch is built with MKL-DNN support."""
    return False


_NAMES = ("enabled", "deterministic")
allow_tf32 = None


def set_flags(_enabled=None, _deterministic=None, _allow_tf32=None, _fp32_precision="none"):
    module = sys.modules[__name__]
    orig = tuple(getattr(module, n) for n in _NAMES) + (None, "none")
    for n, v in zip(_NAMES, (_enabled, _deterministic)):
        if v is not None:
            setattr(module, n, v)
    return orig


@contextlib.contextmanager
def flags(enabled=False, deterministic=False, allow_tf32=True, fp32_precision="none"):
    orig = set_flags(enabled, deterministic, allow_tf32)
    try:
        yield
    finally:
        set_flags(*orig[:2])


flag_module(__name__, enabled=("set_enabled_mkldnn", bool, True),
            deterministic=("set_deterministic_mkldnn", bool, False))
