"""Switching gradient recording on and off: ``no_grad``, ``enable_grad``, ``set_grad_enabled``.

torch keeps a thread-local "grad mode" flag; every differentiable op checks it before
recording a node in the graph. Here the flag is one attribute on a module-level object,
read by ``Function.apply`` on every call. All three classes work both as context managers
and as decorators, like torch's.
"""
import functools


class _GradState:
    enabled = True


_state = _GradState()


def is_grad_enabled():
    """True when new operations are recorded for autograd."""
    return _state.enabled


class _DecoratorContextManager:
    """Lets a context-manager class also decorate functions (``@torch.no_grad()``)."""

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.clone():
                return fn(*args, **kwargs)
        return wrapper

    def clone(self):
        return self.__class__()


class no_grad(_DecoratorContextManager):
    """Inside this block, results never require grad and no graph is built."""

    def __new__(cls, orig_func=None):
        # torch also allows the bare decorator form ``@torch.no_grad``.
        if callable(orig_func):
            return cls()(orig_func)
        return super().__new__(cls)

    def __enter__(self):
        self.prev = _state.enabled
        _state.enabled = False

    def __exit__(self, *exc):
        _state.enabled = self.prev


class enable_grad(no_grad):
    """Re-enables recording inside a ``no_grad`` block."""

    def __enter__(self):
        self.prev = _state.enabled
        _state.enabled = True


class inference_mode(no_grad):
    """torch's faster no_grad; here simply no_grad (``mode=False`` leaves grad mode alone)."""

    def __init__(self, mode=True):
        self.mode = mode

    def __new__(cls, mode=True):
        if callable(mode):
            return cls()(mode)
        return object.__new__(cls)

    def __enter__(self):
        self.prev = _state.enabled
        if self.mode:
            _state.enabled = False

    def clone(self):
        return self.__class__(self.mode)


class set_grad_enabled(_DecoratorContextManager):
    """Sets grad mode to ``mode`` immediately; as a context manager, restores it on exit."""

    def __init__(self, mode):
        self.prev = _state.enabled
        self.mode = bool(mode)
        _state.enabled = self.mode

    def __call__(self, fn):
        # Used as a decorator: undo the switch __init__ made; the mode applies per call.
        _state.enabled = self.prev
        return super().__call__(fn)

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        _state.enabled = self.prev

    def clone(self):
        return self.__class__(self.mode)
