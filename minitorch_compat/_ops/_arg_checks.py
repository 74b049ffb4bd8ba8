"""What torch checks on the way into a factory function, with torch's errors.

Fidelity machinery, kept out of ``creation.py``: a reader of torch's factories can skip it.

* Argument parsing (``torch/csrc/utils/python_arg_parser.cpp``): ``_shape`` reads a size
  given as varargs, a tuple/list/``torch.Size`` or ``size=``; ``_bind`` matches arguments
  to one overload of a function; ``_is_int`` is what counts as an int there.
* Scalar conversion (``c10/core/Scalar.h``): ``_to_c`` converts a Python number to a
  dtype's C type, with c10's overflow checks.
* ``_not_implemented``: the AT_DISPATCH error for a dtype a kernel was not compiled for.
* Allocation (``c10/core/CPUAllocator.cpp``): ``_check_dims`` and ``_alloc``.
"""
import math

import numpy as np

from .. import _dtype
from .._tensor import Size, Tensor

# The C++ type names of ``Scalar::to<T>()``'s overflow message.
_C_TYPE = {"uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t", "int32": "int", "int64": "int64_t",
           "uint16": "uint16_t", "uint32": "uint32_t", "uint64": "uint64_t", "float16": "c10::Half",
           "bfloat16": "c10::BFloat16",
           "float32": "float", "float64": "double", "complex64": "c10::complex<float>",
           "complex128": "c10::complex<double>", "bool": "bool"}


def _not_implemented(kernel, dtype):
    """The error of torch's AT_DISPATCH macros for a dtype a kernel was not compiled for."""
    return NotImplementedError(f'"{kernel}" not implemented for \'{dtype._scalar_name}\'')


def _to_c(v, dtype, fill=False):
    """``Scalar::to<T>()``: a number converted to ``dtype``'s C type, checked as c10 does.

    A value outside the type's range is an error -- except that an *integer* may wrap
    into an unsigned type (two's complement), and infinities/NaN pass into float types.
    A float going to an integer type fits when ``lowest <= v < max + 1`` (it is truncated).
    ``fill``: the conversion of ``fill_`` and ``scalar_tensor``, where a float too large
    for a floating dtype becomes inf instead of an error.
    """
    if dtype.is_complex:
        return complex(v)
    if isinstance(v, complex):
        if v.imag != 0:
            raise _overflow(dtype)
        v = v.real
    if dtype is _dtype.bool_:
        return bool(v)
    if dtype.is_floating_point:
        if not fill and math.isfinite(v) and abs(v) > _FLOAT_MAX[dtype]:
            raise _overflow(dtype)
        if dtype is _dtype.float16:  # c10's double -> Half goes through float: rounded twice
            with np.errstate(over="ignore"):
                return float(np.float32(v))
        return float(v)
    lo, hi = _INT_RANGE[dtype]
    if isinstance(v, float):  # truncated toward zero; NaN and infinities never fit
        ok = lo <= v < hi + 1
    else:
        ok = v <= hi and (v >= lo if lo < 0 else -v <= hi)
    if not ok:
        raise _overflow(dtype)
    return int(v)


def _overflow(dtype):
    return RuntimeError(f"value cannot be converted to type {_C_TYPE[dtype._name]} without overflow")


_INT_RANGE = {d: (int(np.iinfo(d._np).min), int(np.iinfo(d._np).max)) for d in _dtype._ALL if d._category == 1}
_FLOAT_MAX = {d: float(np.finfo(d._np).max) for d in (_dtype.float16, _dtype.float32, _dtype.float64)}
_FLOAT_MAX[_dtype.bfloat16] = (2 - 2 ** -7) * 2.0 ** 127  # float32's range, 8 bits of precision


def _shape(name, args, size_kw):
    """torch's parsing of a ``size``: ``f(2, 3)``, ``f((2, 3))``, ``f([2, 3])``,
    ``f(torch.Size([2, 3]))`` or ``f(size=(2, 3))``; a 0-d integer tensor counts as an int."""
    if len(args) == 1 and type(args[0]) in (tuple, Size) and not size_kw:  # the usual call, checked fast
        args = args[0]
        if all(type(d) is int and 0 <= d < 2 ** 63 for d in args):
            return tuple(args)
        args = (args,)
    elif args and not size_kw and all(type(d) is int and 0 <= d < 2 ** 63 for d in args):
        return args
    if size_kw:
        unknown = set(size_kw) - {"size"}
        if unknown:
            raise TypeError(f"{name}() got an unexpected keyword argument '{sorted(unknown)[0]}'")
        if args:
            raise TypeError(f"{name}() got multiple values for argument 'size'")
        args = (size_kw["size"],)
    if not args:
        raise TypeError(f'{name}() missing 1 required positional arguments: "size"')
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        dims = args[0]
    elif len(args) == 1 and not _is_int(args[0]):
        raise TypeError(f"{name}(): argument 'size' (position 1) must be tuple of ints, not {type(args[0]).__name__}")
    else:
        dims = args
    for i, d in enumerate(dims):
        if not _is_int(d):
            raise TypeError(f"{name}(): argument 'size' failed to unpack the object at pos {i + 1} with error "
                            f"\"type must be tuple of ints,but got {type(d).__name__}\"")
    shape = tuple(int(d) for d in dims)
    if any(not -2 ** 63 <= d < 2 ** 63 for d in shape):
        raise TypeError(f"{name}(): argument 'size' failed to unpack the object at pos 1 with error "
                        "\"Overflow when unpacking long long\"")
    return shape


def _bind(names, args, kwargs, defaults=None):
    """``args``/``kwargs`` bound to the parameters ``names`` -- one overload of a torch
    function -- or None when they do not fit it. ``defaults`` fills optional ones."""
    if len(args) > len(names):
        return None
    bound = dict(zip(names, args))
    for k, v in kwargs.items():
        if k not in names or k in bound:
            return None
        bound[k] = v
    bound = {**(defaults or {}), **bound}
    return bound if len(bound) == len(names) else None


def _is_int(v):
    if isinstance(v, Tensor):
        return v.dim() == 0 and v._data.dtype.kind in "iu"
    return hasattr(v, "__index__") and not isinstance(v, (bool, np.bool_))


def _check_dims(shape, np_dtype):
    """torch's checks before allocating: no negative dimension, a byte count within int64."""
    neg = [d for d in shape if d < 0]
    if neg:
        raise RuntimeError(f"Trying to create tensor with negative dimension {neg[0]}: {list(shape)}")
    nbytes = math.prod(shape) * np.dtype(np_dtype).itemsize
    if nbytes >= 2 ** 63:
        raise RuntimeError(f"Storage size calculation overflowed with sizes={list(shape)}")
    return nbytes


def _alloc_error(nbytes=None):
    asked = f"you tried to allocate {nbytes} bytes. " if nbytes is not None else ""
    return RuntimeError(f"[enforce fail at alloc_cpu.cpp:127] err == 0. DefaultCPUAllocator: can't allocate memory: "
                        f"{asked}Error code 12 (Cannot allocate memory)")


def _alloc(shape, np_dtype, fill=0):
    """``np.full`` with torch's errors (see ``_check_dims``; and more memory than the
    machine can give is a RuntimeError). ``fill`` is cast as C casts: -1 is 255 in uint8."""
    nbytes = _check_dims(shape, np_dtype)
    try:
        if fill == 0:
            return np.zeros(shape, np_dtype)
        with np.errstate(over="ignore"):
            return np.full(shape, np.asarray(fill).astype(np_dtype), dtype=np_dtype)
    except MemoryError:
        raise _alloc_error(nbytes) from None
