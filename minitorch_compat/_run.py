"""``python -m minitorch_compat run script.py [args]``: an unmodified PyTorch script on our engine.

How it works, in three pieces:

1. **An import hook.** :class:`_AliasFinder` sits first on ``sys.meta_path`` and answers
   for every module named ``torch``, ``torch.*``, ``torchvision`` or ``torchvision.*``.
   It maps the name onto ours (``torch.nn`` -> ``minitorch_compat.nn``,
   ``torchvision.transforms`` -> ``minitorch_compat.vision.transforms``), imports that,
   and hands Python an *alias module* for it. So ``import torch``,
   ``from torch.utils.data import DataLoader`` and ``from torchvision import datasets``
   all work without touching the script.

2. **Alias modules.** An :class:`_AliasModule` is an empty module object whose
   ``__getattr__`` (the module-level hook of PEP 562) forwards each lookup to our real
   module. When the name is not there, it raises :class:`NotImplementedInMinitorch`,
   an ``AttributeError`` whose message names the torch API: "minitorch_compat does not
   implement torch.nn.Conv2d yet". Being an ``AttributeError``, ``hasattr`` and
   ``getattr(torch, "x", None)`` still behave as scripts expect; importing a torch module
   we lack raises the ``ModuleNotFoundError`` flavour, :class:`MissingModule`. Submodules
   reached by attribute (``torch.nn.functional``) are alias modules too, and attribute
   writes (``torch.backends.cudnn.deterministic = True``) go through to our module. The
   real modules are never edited, so the hook lives entirely in this file.

3. **The runner.** :func:`run_script` installs the hook, sets ``sys.argv`` and
   ``sys.path[0]`` as ``python script.py`` would, and executes the file with
   :func:`runpy.run_path` as ``__main__``. If the script dies because it reached an API
   we lack (directly, via ``from torch.x import y``, or via a missing ``Tensor`` method),
   it prints that one line, with the script's file and line and a pointer to
   ``docs/coverage.md`` (the list of what exists), and exits with status 1.
   Any other error prints its usual traceback, starting at the script's own frames.

Where we differ: ``torch.__version__`` is ours ("0.1.0"), and the script runs in the
same process as the runner (as ``python -m`` does), not in a fresh interpreter.
"""
import importlib
import importlib.abc
import importlib.util
import os
import re
import runpy
import sys
import traceback
import types

# torch's public names -> ours. Longest prefix first.
_PREFIXES = [("torchvision", "minitorch_compat.vision"), ("torch", "minitorch_compat")]


# torchvision modules whose names live in one of our files under another name (none at
# present: ``minitorch_compat.vision`` mirrors torchvision's layout module for module).
_MOVED = {}


def _real_name(alias):
    """'torch.nn' -> 'minitorch_compat.nn'; None for names that are not torch's."""
    if alias in _MOVED:
        return _MOVED[alias]
    for public, ours in _PREFIXES:
        if alias == public or alias.startswith(public + "."):
            return ours + alias[len(public):]
    return None


def _alias_name(real):
    """'minitorch_compat.vision.transforms' -> 'torchvision.transforms' (the inverse)."""
    for public, ours in _PREFIXES:
        if real == ours or real.startswith(ours + "."):
            return public + real[len(ours):]
    return None


class _Unsupported:
    """Marker for the two "not implemented yet" errors below."""


class NotImplementedInMinitorch(_Unsupported, AttributeError):
    """A torch attribute we do not have (``torch.nn.Conv2d``). An ``AttributeError``."""


class MissingModule(_Unsupported, ModuleNotFoundError):
    """A torch module we do not have (``torchvision.models``). A ``ModuleNotFoundError``."""


def _unsupported(api):
    return f"minitorch_compat does not implement {api} yet"


# Said once, after the script's file and line, when a run stops at a missing API.
_SEE_COVERAGE = "; docs/coverage.md (python -m minitorch_compat coverage) lists what exists"


class _AliasModule(types.ModuleType):
    """A module named like torch's that forwards every lookup to one of ours."""

    def __init__(self, alias, real):
        super().__init__(alias, real.__doc__)
        self.__dict__["__minitorch_module__"] = real
        # Every alias is a package, so ``import torch.x.y`` always reaches our finder (which
        # names what is missing) even where our module is a plain file.
        self.__dict__["__path__"] = []

    def __getattr__(self, name):  # only called when ``name`` is not in our own __dict__
        real = self.__dict__["__minitorch_module__"]
        try:
            value = getattr(real, name)
        except AttributeError:
            if name.startswith("__") and name.endswith("__"):
                raise  # import machinery probes dunders; those must stay plain AttributeErrors
            try:  # a submodule of ours that nobody has imported yet?
                value = importlib.import_module(f"{real.__name__}.{name}")
            except ModuleNotFoundError as e:
                if e.name is None or not f"{real.__name__}.{name}".startswith(e.name):
                    raise  # a genuine import error inside one of our modules: show it
                raise NotImplementedInMinitorch(_unsupported(f"{self.__name__}.{name}"), name=name, obj=self) from None
        if isinstance(value, types.ModuleType) and _alias_name(value.__name__):
            return importlib.import_module(_alias_name(value.__name__))
        return value

    def __setattr__(self, name, value):
        # Module bookkeeping (dunders) and child alias modules stay on the alias; everything
        # else (``torch.backends.cudnn.benchmark = False``) is a write to our real module.
        if (name.startswith("__") and name.endswith("__")) or isinstance(value, _AliasModule):
            self.__dict__[name] = value
        else:
            setattr(self.__dict__["__minitorch_module__"], name, value)

    def __delattr__(self, name):
        if name in self.__dict__:
            del self.__dict__[name]
        else:
            delattr(self.__dict__["__minitorch_module__"], name)

    def __dir__(self):
        return sorted(set(dir(self.__dict__["__minitorch_module__"])) | set(self.__dict__))


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, real):
        self.real = real

    def create_module(self, spec):
        return _AliasModule(spec.name, self.real)

    def exec_module(self, module):
        pass  # nothing to run: the real module is already imported


class _AliasFinder(importlib.abc.MetaPathFinder):
    """Answers for ``torch*``/``torchvision*`` imports with alias modules of ours."""

    def find_spec(self, fullname, path=None, target=None):
        real_name = _real_name(fullname)
        if real_name is None:
            return None
        try:
            real = importlib.import_module(real_name)
        except ModuleNotFoundError as e:
            if e.name and (real_name == e.name or real_name.startswith(e.name + ".")):
                # ``name=None`` on purpose: Python's ``from pkg import x`` silently skips a
                # ModuleNotFoundError whose name is ``pkg.x``, and we want the clear message.
                raise MissingModule(_unsupported(fullname)) from None
            raise
        _publish_class_names()  # the classes of any module this import brought in
        spec = importlib.util.spec_from_loader(fullname, _AliasLoader(real), is_package=True)
        if getattr(real, "__file__", None):  # so the alias prints as "<module 'torch' from '.../minitorch_compat/...'>"
            spec.origin, spec.has_location = real.__file__, True
        return spec


def install():
    """Make ``torch``/``torchvision`` imports resolve to minitorch_compat in this process."""
    for name in [n for n in sys.modules if _real_name(n) is not None]:
        del sys.modules[name]  # forget any real torch imported earlier
    if not any(isinstance(f, _AliasFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _AliasFinder())
    _publish_class_names()


def uninstall():
    """Undo :func:`install` (used by tests running several scripts in one process)."""
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _AliasFinder)]
    for name in [n for n, m in sys.modules.items() if isinstance(m, _AliasModule)]:
        del sys.modules[name]
    for cls, module in _RENAMED.items():
        cls.__module__ = module
    _RENAMED.clear()


# Under ``run``, our classes carry torch's module names, so that ``print(type(t))`` shows
# ``<class 'torch.Tensor'>`` and ``print(model.fc)``'s class is ``torch.nn.modules.linear.Linear``,
# as the script would print on torch. (As a library they keep their own names.)
_RENAMED = {}  # class -> its own __module__


def _publish_class_names():
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] != "minitorch_compat" or module is None:
            continue
        for value in list(vars(module).values()):
            if isinstance(value, type) and value not in _RENAMED and _alias_name(value.__module__):
                _RENAMED[value] = value.__module__
                value.__module__ = _alias_name(value.__module__)


# ----------------------------------------------------------------------------- errors

_CANNOT_IMPORT = re.compile(r"cannot import name '([^']+)' from '([^']+)'")


def unsupported_api(exc):
    """The torch API named by ``exc`` if it means "minitorch_compat lacks X", else None."""
    seen = set()
    e = exc
    while e is not None and id(e) not in seen:  # our error may be the cause of another
        seen.add(id(e))
        if isinstance(e, _Unsupported):
            return str(e).removeprefix("minitorch_compat does not implement ").removesuffix(" yet")
        e = e.__cause__ or e.__context__
    if isinstance(exc, ImportError) and not isinstance(exc, ModuleNotFoundError):
        m = _CANNOT_IMPORT.match(str(exc))  # ``from torch.nn.functional import conv9d``
        if m and _real_name(m.group(2)) and isinstance(sys.modules.get(m.group(2)), _AliasModule):
            return f"{m.group(2)}.{m.group(1)}"
    if isinstance(exc, AttributeError) and getattr(exc, "obj", None) is not None:
        cls = type(exc.obj)  # a method missing on one of our classes: ``x.unfold(...)``
        public = cls.__module__ if cls in _RENAMED else _alias_name(cls.__module__)
        if public is not None:
            from ._tensor import Tensor
            owner = "torch.Tensor" if isinstance(exc.obj, Tensor) else f"{public}.{cls.__qualname__}"
            return f"{owner}.{exc.name}"
    return None


def _script_traceback(tb, script):
    """Drop the runner's own frames so the traceback starts in the script, as ``python`` shows."""
    start = tb
    while start is not None and os.path.abspath(start.tb_frame.f_code.co_filename) != script:
        start = start.tb_next
    return start or tb


def _where(tb, script):
    """'script.py, line 12': the deepest frame of the script itself."""
    line = None
    while tb is not None:
        if os.path.abspath(tb.tb_frame.f_code.co_filename) == script:
            line = tb.tb_lineno
        tb = tb.tb_next
    return f" ({os.path.basename(script)}, line {line})" if line is not None else ""


def run_script(path, args=()):
    """Run ``path`` as ``__main__`` with ``sys.argv = [path, *args]``; returns an exit status."""
    script = os.path.abspath(path)
    install()
    sys.argv = [path, *args]
    sys.path[0] = os.path.dirname(script)
    try:
        runpy.run_path(script, run_name="__main__")
    except Exception as exc:  # SystemExit and KeyboardInterrupt pass through unchanged
        api = unsupported_api(exc)
        if api is not None:
            print(_unsupported(api) + _where(exc.__traceback__, script) + _SEE_COVERAGE, file=sys.stderr)
        else:
            traceback.print_exception(type(exc), exc, _script_traceback(exc.__traceback__, script))
        return 1
    return 0
