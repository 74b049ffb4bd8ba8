"""The bridge between our Tensors and the NumPy arrays that hold their values.

torch's data pipeline moves samples around as tensors and lets ``torch.stack`` build
batches. Ours does the same through the public API, except on the hot paths (stacking a
batch, gathering rows of a TensorDataset), where one NumPy call on the underlying arrays
replaces a stack of Python-level tensor operations. These helpers keep that shortcut in
one place and make it safe: it is only taken for *plain* tensors, i.e. exactly
``minitorch_compat.Tensor`` objects that do not take part in autograd, where the
shortcut is indistinguishable from the public route.
"""
import numpy as np


def _core():
    # Imported late: ``minitorch_compat/__init__`` may import this package while the
    # tensor module is still being set up.
    import minitorch_compat as torch

    return torch


def tensor_type():
    """``minitorch_compat.Tensor``."""
    return _core().Tensor


def is_plain(t):
    """True for a Tensor whose values can be read and rebuilt without losing anything:
    exactly the Tensor class (no subclass such as Parameter) and not tracked by autograd."""
    return type(t) is _core().Tensor and not t.requires_grad


def wrap(array):
    """A Tensor viewing ``array`` without a copy (its dtype is the array's)."""
    from minitorch_compat._tensor import _wrap

    return _wrap(array)


def as_index_array(indices):
    """``indices`` as a 1-D int64 array, or None when NumPy fancy indexing could mean
    something other than "take these rows" (booleans, nested lists, tensors, empty)."""
    try:
        idx = np.asarray(indices)
    except Exception:
        return None
    if idx.ndim != 1 or idx.size == 0 or idx.dtype.kind not in "iu":
        return None
    return idx
