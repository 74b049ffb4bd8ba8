"""The rebuild functions a checkpoint calls: ``torch/_utils.py``'s ``_rebuild_*``.

What torch does
---------------
``torch.save`` pickles a tensor as a call to one of these functions, and ``torch.load``
makes that call: ``_rebuild_tensor_v2(storage, storage_offset, size, stride,
requires_grad, backward_hooks)`` views the storage with the given geometry (through
``Tensor.set_``), ``_rebuild_tensor_v3`` does the same with an explicit dtype (for dtypes
without a legacy storage class, such as uint16), and ``_rebuild_parameter`` wraps a
tensor in a ``Parameter``. A tensor carrying Python attributes goes through
``_rebuild_from_type_v2``, which rebuilds it and sets the attributes back.

How we do it
------------
The same names and signatures (``save`` writes them by these names). A tensor is a
strided NumPy view of its storage's array, so tensors that shared a storage share one
array again. The geometry is checked first, as ``Tensor.set_`` checks it and with the
same exception types: a number that is not an int64 is a ``TypeError`` (an offset:
``ValueError``); a shape that does not fit its storage is a ``RuntimeError``. That check is
what keeps a forged checkpoint from viewing memory outside its storage.
"""
import math

import numpy as np

from ._dtype import as_dtype, dtype as _dtype_cls
from ._tensor import Tensor, _wrap
from .nn.parameter import Parameter
from .storage import TypedStorage

_INT64 = range(-2 ** 63, 2 ** 63)


def _int64s(values, what):
    if not isinstance(values, tuple) or not all(type(v) is int for v in values):
        raise TypeError(f"set_(): argument '{what}' must be tuple of ints, but got {values!r}")
    if not all(v in _INT64 for v in values):
        raise TypeError(f"set_(): argument '{what}' holds a value outside int64: {values}")
    return values


def _strided_view(storage, storage_offset, size, stride):
    """``storage``'s elements seen with ``size`` and ``stride`` from ``storage_offset``."""
    if not isinstance(storage, TypedStorage):
        raise TypeError(f"a tensor must be rebuilt from a storage, not from {type(storage).__name__}")
    size, stride = _int64s(size, "size"), _int64s(stride, "stride")
    if type(storage_offset) is not int:
        raise TypeError(f"set_(): argument 'storage_offset' must be int, but got {type(storage_offset).__name__}")
    if storage_offset not in _INT64:
        raise ValueError(f"storage offset {storage_offset} does not fit in int64")
    if len(size) != len(stride):
        raise RuntimeError(f"unequal size length ({len(size)}) and stride length ({len(stride)})")
    if storage_offset < 0:
        raise RuntimeError(f"Tensor: invalid storage offset {storage_offset}")
    if min(size + stride, default=0) < 0:
        raise RuntimeError(f"invalid tensor geometry: size {list(size)} and stride {list(stride)} must not be negative")
    if math.prod(size) >= 2 ** 63:
        raise RuntimeError(f"numel: integer multiplication overflow (size {list(size)})")
    np_dtype = storage.dtype._np
    if 0 in size:
        return as_dtype(np.empty(size, dtype=np_dtype), storage.dtype)
    elements = storage._elements()
    needed = storage_offset + sum((n - 1) * s for n, s in zip(size, stride)) + 1
    if needed > elements.size:
        raise RuntimeError(f"a tensor of size {list(size)} and stride {list(stride)} at offset {storage_offset} "
                           f"needs {needed} elements, but its storage holds {elements.size}")
    return np.lib.stride_tricks.as_strided(elements[storage_offset:], shape=size,
                                           strides=tuple(s * np_dtype.itemsize for s in stride), subok=True)


def _rebuild_tensor(storage, storage_offset, size, stride):
    return _wrap(_strided_view(storage, storage_offset, size, stride))


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks, metadata=None):
    tensor = _rebuild_tensor(storage, storage_offset, size, stride)
    tensor.requires_grad = requires_grad
    return tensor


def _rebuild_tensor_v3(storage, storage_offset, size, stride, requires_grad, backward_hooks, dtype, metadata=None):
    if not isinstance(storage, TypedStorage) or not isinstance(dtype, _dtype_cls):
        raise TypeError(f"_rebuild_tensor_v3 expects a storage and a dtype, got {type(storage).__name__} "
                        f"and {type(dtype).__name__}")
    untyped = TypedStorage(wrap_storage=storage._untyped_storage, dtype=dtype)
    return _rebuild_tensor_v2(untyped, storage_offset, size, stride, requires_grad, backward_hooks)


def _rebuild_parameter(data, requires_grad, backward_hooks):
    if not isinstance(data, Tensor):
        raise TypeError(f"a Parameter must wrap a tensor, not {type(data).__name__}")
    return Parameter(data, requires_grad)


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    return _set_obj_state(_rebuild_parameter(data, requires_grad, backward_hooks), state)


def _rebuild_from_type_v2(func, new_type, args, state):
    """A tensor with Python attributes (or of a Tensor subclass): ``func(*args)``, then the attributes.

    torch keeps this one in ``torch/_tensor.py``."""
    ret = func(*args)
    if not isinstance(ret, Tensor) or not (isinstance(new_type, type) and issubclass(new_type, Tensor)):
        raise TypeError(f"_rebuild_from_type_v2 rebuilds tensors, got {type(ret).__name__} and {new_type!r}")
    if type(ret) is not new_type:
        ret.__class__ = new_type  # torch: ret.as_subclass(new_type)
    if getattr(new_type, "__setstate__", None) is not None:
        ret.__setstate__(state)
        return ret
    return _set_obj_state(ret, state)


def _set_obj_state(obj, state):
    """Set a tensor's saved Python attributes: ``state`` is a dict, or ``(dict, slots dict)``.

    Unlike torch, an attribute may not replace one the tensor already has: our Tensor keeps
    its data and autograd state in Python attributes (``_data``...), which a file must not
    overwrite."""
    if isinstance(state, tuple):
        if len(state) != 2:
            raise RuntimeError(f"Invalid serialized state: {state}")
        dict_state, slots_state = state
    else:
        dict_state, slots_state = state, None
    for part in (dict_state, slots_state):
        for name, value in (part or {}).items():
            if type(name) is not str or hasattr(obj, name):
                raise RuntimeError(f"cannot restore the attribute {name!r} of a tensor: minitorch_compat's "
                                   "Tensor already has an attribute of that name")
            setattr(obj, name, value)
    return obj
