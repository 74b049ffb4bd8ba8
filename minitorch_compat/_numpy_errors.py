"""NumPy's floating-point warnings, off while our ops compute.

torch computes ``1 / 0 = inf``, ``sqrt(-1) = nan`` and float16 overflow silently; NumPy
warns (``RuntimeWarning: divide by zero encountered``). So every op runs its forward with
NumPy's error state set to "ignore" (``ArrayFunction.apply``), and the engine does the same for
the whole backward pass.

``np.errstate`` does exactly that but costs about 2 microseconds per call, as much as a
small op. NumPy 2 keeps the error state in a context variable, ``state``, which ``apply``
sets to ``IGNORE`` and resets directly (about 0.2 microseconds); on a NumPy without it,
``state`` is a stand-in with the same two methods around ``np.errstate``.
"""
import numpy as np

try:
    from numpy._core._ufunc_config import _extobj_contextvar as state
    with np.errstate(all="ignore"):
        IGNORE = state.get()
except ImportError:  # NumPy 1.x
    class _ErrState:
        @staticmethod
        def set(settings):
            token = np.errstate(**settings)
            token.__enter__()
            return token

        @staticmethod
        def reset(token):
            token.__exit__(None, None, None)

    state, IGNORE = _ErrState(), {"all": "ignore"}

