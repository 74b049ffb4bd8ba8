"""``torch.finfo`` and ``torch.iinfo``: the limits of floating-point and integer dtypes.

torch builds these in C++ (``torch/csrc/TypeInfo.cpp``) from ``std::numeric_limits``;
here NumPy's ``finfo``/``iinfo`` give the same numbers, except for bfloat16, which
NumPy lacks: 8 bits of precision and float32's exponent range (see ``_bfloat16.py``).

``finfo(dtype)`` has ``bits``, ``eps`` (the gap between 1 and the next value), ``max``,
``min``, ``tiny`` = ``smallest_normal`` (the smallest positive normal number),
``resolution`` (``10 ** -precision``, the decimal digits the type resolves) and ``dtype``
(the dtype's name, a str). A complex dtype describes its real part. ``iinfo`` has
``bits``, ``max``, ``min`` and ``dtype``. Both print as torch's, numbers with ``%g``.
"""
import math

import numpy as np

from . import _dtype

__all__ = ["finfo", "iinfo"]

# bfloat16's numeric_limits: 8 significant bits, exponents as float32's.
_BFLOAT16 = dict(bits=16, eps=2.0 ** -7, max=(2 - 2.0 ** -7) * 2.0 ** 127, tiny=2.0 ** -126)


_DEFAULT = object()  # finfo() means the default dtype; finfo(None) is an error


def _argument(name, type):
    if not isinstance(type, _dtype.dtype):
        raise TypeError(f"{name}(): argument 'type' (position 1) must be torch.dtype, not {type.__class__.__name__}")


class finfo:  # noqa: N801 - torch's name
    """Machine limits of a floating-point dtype (the default dtype when called without one)."""

    __module__ = "minitorch_compat"

    def __init__(self, type=_DEFAULT):
        type = _dtype.get_default_dtype() if type is _DEFAULT else type
        _argument("finfo", type)
        if not (type.is_floating_point or type.is_complex):
            raise TypeError("torch.finfo() requires a floating point input type. Use torch.iinfo to handle 'torch.finfo'")
        real = type.to_real()
        if real is _dtype.bfloat16:
            bits, eps, largest, tiny = (_BFLOAT16[k] for k in ("bits", "eps", "max", "tiny"))
        else:
            info = np.finfo(real._np)
            bits, eps, largest, tiny = info.bits, float(info.eps), float(info.max), float(info.smallest_normal)
        self.bits, self.eps, self.max, self.min = bits, eps, largest, -largest
        self.tiny = self.smallest_normal = tiny
        self.resolution = 10.0 ** -math.floor(-math.log10(eps))
        self.dtype = real._name

    def __eq__(self, other):
        return isinstance(other, finfo) and (self.dtype, self.bits) == (other.dtype, other.bits)

    __hash__ = None  # torch's finfo is unhashable too

    def __repr__(self):
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, "
                f"smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, dtype={self.dtype})")


class iinfo:  # noqa: N801 - torch's name
    """Machine limits of an integer dtype."""

    __module__ = "minitorch_compat"

    def __init__(self, type):
        _argument("iinfo", type)
        if type is _dtype.bool_:
            raise TypeError("torch.bool is not supported by torch.iinfo")
        if type._category != 1:
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo to handle 'torch.iinfo'")
        info = np.iinfo(type._np)
        self.bits, self.max, self.min, self.dtype = info.bits, int(info.max), int(info.min), type._name

    def __eq__(self, other):
        return isinstance(other, iinfo) and self.dtype == other.dtype

    __hash__ = None

    def __repr__(self):
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"
