"""``torch.UntypedStorage``, ``torch.TypedStorage`` and the legacy storage names.

What torch does
---------------
Every tensor looks into a *storage*: a flat block of bytes on one device. The tensor adds
the dtype, the shape, the strides and an offset; views of one tensor share its storage.
Checkpoints are written storage by storage: a persistent id in ``data.pkl`` names each one
with a legacy storage class (``torch.FloatStorage`` means "float32 elements") or with
``torch.storage.UntypedStorage`` plus an explicit dtype. When loading, a ``map_location``
callable receives each storage as an ``UntypedStorage`` on the CPU.

How we do it
------------
A tensor here is a NumPy array, so storages exist only while loading: an
``UntypedStorage`` wraps the 1-d ``uint8`` array a checkpoint record is read into, and a
``TypedStorage`` pairs it with the dtype its elements have. The tensors built from it
are views of that same array, so storage sharing survives the round trip. Only what
loading and a ``map_location`` callable need is here: sizes, the device, ``cpu()``, and
``cuda()``, which fails with a RuntimeError as in a CPU-only torch.

``StorageType`` is what a legacy class name (``torch.FloatStorage``) unpickles to when
loading; torch keeps the same helper in ``torch/serialization.py``. ``MISSING_DTYPES``
lists torch's dtypes this library lacks (``complex32``...), so a checkpoint holding them
is refused with the dtype's name.

bfloat16 is the one dtype whose elements here (float32 values, see ``_bfloat16.py``) are
not the checkpoint's bytes (2-byte bfloat16s): its storage's elements are converted once,
and every tensor of that storage views the converted array.
"""
import numpy as np

from . import _dtype
from ._bfloat16 import from_bits
from ._tensor import device as _device, _check_device

__all__ = ["UntypedStorage", "TypedStorage", "StorageType"]


class UntypedStorage:
    """A flat block of bytes on the CPU (``torch.UntypedStorage``).

    ``UntypedStorage(n)`` allocates ``n`` zero bytes, as in torch.
    """

    def __init__(self, size=0, *, device=None):
        _check_device(device)
        self._data = np.zeros(int(size), dtype=np.uint8)

    @classmethod
    def _from_array(cls, data):
        """Wrap an existing 1-d ``uint8`` array (no copy)."""
        self = object.__new__(cls)
        self._data = data
        return self

    device = property(lambda self: _device("cpu"))
    is_cuda = False

    def nbytes(self):
        return self._data.nbytes

    def size(self):
        return self._data.nbytes

    __len__ = size

    def element_size(self):
        return 1

    def data_ptr(self):
        return self._data.__array_interface__["data"][0]

    def cpu(self):
        return self

    def cuda(self, device=None, non_blocking=False):
        # a RuntimeError, as torch's storage raises on a CPU-only build (Tensor.cuda's is an AssertionError)
        raise RuntimeError("cannot move a storage to cuda: Torch not compiled with CUDA enabled")

    def to(self, *, device=None, non_blocking=False):
        _check_device(device)
        return self

    def __repr__(self):
        return f"<minitorch_compat UntypedStorage of {self.nbytes()} bytes on cpu>"


class TypedStorage:
    """An ``UntypedStorage`` read as elements of ``dtype`` (what ``data.pkl`` refers to)."""

    def __init__(self, *, wrap_storage, dtype):
        if not isinstance(wrap_storage, UntypedStorage):
            raise TypeError(f"Argument 'wrap_storage' must be UntypedStorage, but got {type(wrap_storage)}")
        self._untyped_storage = wrap_storage
        self.dtype = dtype

    def _elements(self):
        """The bytes as a 1-d array of ``dtype`` (a view); a trailing partial element is dropped.
        (bfloat16: the elements converted to float32, once per storage.)"""
        raw = self._untyped_storage._data
        itemsize = _dtype.note_dtype(self.dtype).itemsize
        raw = raw[: raw.nbytes - raw.nbytes % itemsize]
        if self.dtype is _dtype.bfloat16:
            untyped = self._untyped_storage
            if getattr(untyped, "_bfloat16", None) is None:
                untyped._bfloat16 = from_bits(raw.view(np.uint16))
            return untyped._bfloat16
        return raw.view(self.dtype._np)

    def size(self):
        return self._untyped_storage.nbytes() // self.dtype.itemsize

    __len__ = size


# torch's legacy storage class names -> the element dtype.
LEGACY_STORAGE_DTYPES = {
    "FloatStorage": _dtype.float32, "DoubleStorage": _dtype.float64, "HalfStorage": _dtype.float16,
    "LongStorage": _dtype.int64, "IntStorage": _dtype.int32, "ShortStorage": _dtype.int16,
    "CharStorage": _dtype.int8, "ByteStorage": _dtype.uint8, "BoolStorage": _dtype.bool_,
    "ComplexFloatStorage": _dtype.complex64, "ComplexDoubleStorage": _dtype.complex128,
    "BFloat16Storage": _dtype.bfloat16,
}
# torch dtypes (and their legacy storage names) that do not exist here yet.
MISSING_DTYPES = {"complex32": "ComplexHalfStorage", "qint8": "QInt8Storage",
                  "quint8": "QUInt8Storage", "qint32": "QInt32Storage", "quint4x2": "QUInt4x2Storage",
                  "quint2x4": "QUInt2x4Storage", "float8_e4m3fn": None, "float8_e5m2": None,
                  "float8_e4m3fnuz": None, "float8_e5m2fnuz": None}


class StorageType:
    """What ``torch.FloatStorage`` (etc.) unpickles to: just the element dtype."""

    def __init__(self, name):
        self.name = name
        self.dtype = LEGACY_STORAGE_DTYPES[name]

    def __str__(self):
        return f"StorageType(dtype={self.dtype})"


# One instance per name, so ``save`` writes each by name and ``load`` hands out the same objects.
STORAGE_TYPES = {name: StorageType(name) for name in LEGACY_STORAGE_DTYPES}
