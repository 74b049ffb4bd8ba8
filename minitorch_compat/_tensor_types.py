"""The legacy tensor types: ``torch.FloatTensor``, ``torch.LongTensor``... and the legacy
constructor ``torch.Tensor(...)``.

In torch these are C++ objects (``torch/csrc/tensor/python_tensor.cpp`` and
``torch/csrc/utils/tensor_new.cpp``'s ``legacy_tensor_ctor``). What a script sees:

* ``torch.LongTensor([1, 2])`` copies data into an int64 tensor; ``torch.LongTensor(2, 3)``
  (ints, or a ``torch.Size``) makes an uninitialised one of that shape (zeros here);
  ``torch.LongTensor()`` is empty; ``torch.LongTensor(t)`` returns a tensor sharing
  ``t``'s memory when ``t`` already has that dtype (a TypeError otherwise).
* ``torch.Tensor(...)`` is the same with the default dtype, except that any tensor is
  accepted and aliased whatever its dtype.
* The result is a plain ``torch.Tensor``: ``type(torch.LongTensor([1]))`` is ``torch.Tensor``,
  and ``torch.LongTensor`` is no subclass of it. ``isinstance(t, torch.LongTensor)`` asks
  whether ``t`` is an int64 CPU tensor.
"""
import numbers

import numpy as np

from . import _dtype
from ._tensor import Tensor, Size, _wrap, _check_device


def legacy_new(cls, dtype, args, kwargs, any_tensor=False):
    """A ``cls`` instance built the way torch's legacy constructors build one."""
    device = kwargs.pop("device", None)
    if "size" in kwargs and not args:  # the size as a keyword: always a shape, never data
        args = tuple(kwargs.pop("size"))
    if kwargs:
        names = ", ".join(f"{k}={type(v).__name__}" for k, v in kwargs.items())
        raise TypeError(f"new() received an invalid combination of arguments - got ({names})")
    _check_device(device)
    data = _legacy_data(dtype, args, any_tensor)
    if not (args and isinstance(args[0], Tensor)):  # (a tensor argument is aliased as it is)
        data = _dtype.as_dtype(data, dtype)  # bfloat16: rounded (see _bfloat16.py)
    if cls is Tensor:
        return _wrap(data)
    t = object.__new__(cls)
    t._data = data
    return t


def _legacy_data(dtype, args, any_tensor):
    from ._ops._arg_checks import _alloc
    from ._ops.creation import _to_dtype
    if not args:
        return _alloc((0,), dtype._np)
    if len(args) == 1:
        arg = args[0]
        if isinstance(arg, Tensor):
            if not any_tensor and arg.dtype is not dtype:
                raise TypeError(f"expected TensorOptions(dtype={dtype}, device=cpu, layout=Strided) "
                                f"(got TensorOptions(dtype={arg.dtype}, device=cpu, layout=Strided))")
            return arg._data  # an alias: same memory
        if isinstance(arg, Size):
            return _alloc(tuple(arg), dtype._np)
        if isinstance(arg, (list, tuple, np.ndarray)):
            return _to_dtype(arg, dtype) if not isinstance(arg, np.ndarray) else arg.astype(dtype._np)
        if isinstance(arg, str):
            raise TypeError(f"new(): invalid data type '{type(arg).__name__}'")
        if not isinstance(arg, numbers.Integral) or isinstance(arg, bool):
            raise TypeError(f"new(): data must be a sequence (got {type(arg).__name__})")
    if not all(isinstance(a, numbers.Integral) and not isinstance(a, bool) for a in args):
        raise TypeError("new() received an invalid combination of arguments - got "
                        f"({', '.join(type(a).__name__ for a in args)})")
    return _alloc(tuple(int(a) for a in args), dtype._np)


class tensortype(type):
    """The metaclass of ``torch.FloatTensor`` & co. (``torch.tensortype`` in torch)."""

    def __call__(cls, *args, **kwargs):
        return legacy_new(Tensor, cls.dtype, args, kwargs)

    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.dtype is cls.dtype


def _legacy_type(name, dtype):
    return tensortype(name, (), {"dtype": dtype, "is_cuda": False, "is_sparse": False,
                                 "__module__": "minitorch_compat", "__doc__": f"The legacy ``{dtype}`` tensor type."})


FloatTensor = _legacy_type("FloatTensor", _dtype.float32)
DoubleTensor = _legacy_type("DoubleTensor", _dtype.float64)
HalfTensor = _legacy_type("HalfTensor", _dtype.float16)
ByteTensor = _legacy_type("ByteTensor", _dtype.uint8)
CharTensor = _legacy_type("CharTensor", _dtype.int8)
ShortTensor = _legacy_type("ShortTensor", _dtype.int16)
IntTensor = _legacy_type("IntTensor", _dtype.int32)
LongTensor = _legacy_type("LongTensor", _dtype.int64)
BoolTensor = _legacy_type("BoolTensor", _dtype.bool_)
