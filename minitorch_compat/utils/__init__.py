"""``torch.utils``: helpers that sit around the tensor library rather than inside it.

The data-loading package (``minitorch_compat.utils.data``) is imported eagerly so that
``torch.utils.data.DataLoader`` works after a plain ``import minitorch_compat as torch``,
as it does with torch. ``swap_tensors`` is torch/utils/__init__.py's.
"""
import weakref

from . import data

__all__ = ["data", "swap_tensors"]


def swap_tensors(t1, t2):
    """Swap the contents of two tensors: afterwards ``t1`` holds what ``t2`` held (values,
    dtype, ``requires_grad``, ``.grad``, class, attributes) and the reverse, while each keeps
    its identity (``id``), so references to ``t1`` see the new contents.

    torch swaps the C++ TensorImpl and then the Python class and ``__dict__``; here every
    piece of a tensor's state lives in its ``__dict__`` (``_data``, ``grad_fn``, ...), so
    swapping the class and ``__dict__`` is the whole operation. Like torch, a tensor that
    has a weak reference cannot be swapped. (torch also refuses tensors referenced from
    elsewhere in the autograd graph, through C++ use counts that Python does not have.)
    """
    if weakref.getweakrefs(t1):
        raise RuntimeError("Cannot swap t1 because it has weakref associated with it")
    if weakref.getweakrefs(t2):
        raise RuntimeError("Cannot swap t2 because it has weakref associated with it")
    for t in (t1, t2):
        if not hasattr(t, "_data"):
            raise AttributeError(f"'{type(t).__name__}' object has no attribute '_use_count'")
    t1.__class__, t2.__class__ = t2.__class__, t1.__class__
    t1.__dict__, t2.__dict__ = t2.__dict__, t1.__dict__
