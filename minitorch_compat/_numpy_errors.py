"""NumPy's floating-point warnings, off while our ops compute.

torch computes ``1 / 0 = inf``, ``sqrt(-1) = nan`` and float16 overflow silently; NumPy
warns (``RuntimeWarning: divide by zero encountered``). So every op runs its forward with
NumPy's error state set to "ignore" (``Function.apply``), and the engine does the same for
the whole backward pass.

``np.errstate`` does exactly that but costs about 2 microseconds per call, as much as a
small op. NumPy 2 keeps the error state in a context variable, which is set and reset
here directly (about 0.2 microseconds); on a NumPy without it, ``np.errstate`` is used.
"""
import numpy as np

try:
    from numpy._core._ufunc_config import _extobj_contextvar as _state
    with np.errstate(all="ignore"):
        _IGNORE = _state.get()

    def silence():
        """Turn NumPy's floating-point warnings off; returns the token for ``restore``."""
        return _state.set(_IGNORE)

    def restore(token):
        _state.reset(token)
except ImportError:  # NumPy 1.x
    def silence():
        state = np.errstate(all="ignore")
        state.__enter__()
        return state

    def restore(token):
        token.__exit__(None, None, None)
