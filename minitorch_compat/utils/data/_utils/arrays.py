"""When a data-loading shortcut may read a Tensor's NumPy array directly.

torch's data pipeline moves samples around as tensors. Ours does the same through the
public API, except where one NumPy call on the underlying arrays replaces many
Python-level tensor operations (TensorDataset gathering a batch of rows). These helpers
keep that shortcut safe: it is only taken for *plain* tensors, i.e. exactly
``minitorch_compat.Tensor`` objects that do not take part in autograd, and for keys
that mean "take these rows", where the shortcut is indistinguishable from the public
route.
"""
import numpy as np

from minitorch_compat._tensor import Tensor


def is_plain(t):
    """True for a Tensor whose values can be read and rebuilt without losing anything:
    exactly the Tensor class (no subclass such as Parameter) and not tracked by autograd."""
    return type(t) is Tensor and not t.requires_grad


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
