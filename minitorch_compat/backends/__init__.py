"""``torch.backends``: switches for the libraries torch's kernels call (cuDNN, cuBLAS, oneDNN...).

Scripts set these for speed or reproducibility (``torch.backends.cudnn.benchmark = True``,
``torch.backends.cudnn.deterministic = True``). None of those libraries exists here, so
no flag changes a result: each is stored, checked and read back as in torch, and every
``is_available()`` answers False (a CPU-only build without MKL, oneDNN or OpenMP).

torch turns ``cudnn`` and ``mkldnn`` into module objects with properties (its
``PropModule``), so that an assignment goes through a setter that checks the type;
``flag_module`` does the same here.
"""
import sys
import types


class FlagModule(types.ModuleType):
    """A module whose flags are properties (torch's PropModule): assignments are checked."""


def _flag(attr, setter, kind):
    def get(module):
        return module.__dict__["_" + attr]

    def put(module, value):
        ok = isinstance(value, bool) if kind is bool else isinstance(value, int) and not isinstance(value, bool)
        if not ok:
            raise RuntimeError(f"{setter} expects {'a bool' if kind is bool else 'an int'}, but got {type(value).__name__}")
        module.__dict__["_" + attr] = value

    return property(get, put)


def flag_module(name, **flags):
    """Make module ``name`` a FlagModule; ``flags``: attribute -> (torch's setter name, type, default)."""
    module = sys.modules[name]
    cls = type(name.rsplit(".", 1)[-1].capitalize() + "Module", (FlagModule,), {})
    for attr, (setter, kind, default) in flags.items():
        setattr(cls, attr, _flag(attr, setter, kind))
        module.__dict__["_" + attr] = default
    module.__class__ = cls


from . import cuda, cudnn, mha, mkl, mkldnn, mps, openmp, opt_einsum  # noqa: E402,F401
