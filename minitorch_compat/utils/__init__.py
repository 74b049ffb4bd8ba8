"""``torch.utils``: helpers that sit around the tensor library rather than inside it.

Only the data-loading package is mirrored here (``minitorch_compat.utils.data``); it is
imported eagerly so that ``torch.utils.data.DataLoader`` works after a plain
``import minitorch_compat as torch``, as it does with torch.
"""
from . import data

__all__ = ["data"]
