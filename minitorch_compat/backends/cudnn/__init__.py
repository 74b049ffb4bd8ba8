"""``torch.backends.cudnn``: NVIDIA's cuDNN convolution library; never available here.

Its flags are the ones reproducibility recipes set (``deterministic = True``,
``benchmark = False``); they are checked and stored (see ``backends/__init__.py``).
``flags(...)`` sets several for the duration of a ``with`` block.
"""
import contextlib
import sys

from .. import flag_module


def is_available():
    """Return a bool indicating if CUDNN is currently available."""
    return False


def version():
    """Return the version of cuDNN (None: there is none)."""
    return None


def is_acceptable(tensor):
    return False


_NAMES = ("enabled", "benchmark", "benchmark_limit", "deterministic", "allow_tf32")


def set_flags(_enabled=None, _benchmark=None, _benchmark_limit=None, _deterministic=None, _allow_tf32=None,
              _fp32_precision="none", _depthwise_kernel=None):
    """Set the given flags; returns the previous values (torch's tuple, in torch's order)."""
    module = sys.modules[__name__]
    orig = tuple(getattr(module, n) for n in _NAMES) + ("none", "auto")
    for n, v in zip(_NAMES, (_enabled, _benchmark, _benchmark_limit, _deterministic, _allow_tf32)):
        if v is not None:
            setattr(module, n, v)
    return orig


@contextlib.contextmanager
def flags(enabled=False, benchmark=False, benchmark_limit=10, deterministic=False, allow_tf32=True,
          fp32_precision="none", depthwise_kernel="auto"):
    orig = set_flags(enabled, benchmark, benchmark_limit, deterministic, allow_tf32)
    try:
        yield
    finally:
        set_flags(*orig[:5])


flag_module(__name__, enabled=("set_enabled_cudnn", bool, True), benchmark=("set_benchmark_cudnn", bool, False),
            benchmark_limit=("set_benchmark_limit_cudnn", int, 10),
            deterministic=("set_deterministic_cudnn", bool, False), allow_tf32=("set_allow_tf32_cublas", bool, True))
