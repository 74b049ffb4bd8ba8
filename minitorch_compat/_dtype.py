"""dtypes and torch's type-promotion rules.

torch's dtypes are C++ ``ScalarType`` values exposed as ``torch.float32`` and friends;
here each one is a small Python object that remembers the NumPy dtype used to store it.

Type promotion is where torch and NumPy visibly disagree, so it is spelled out here
instead of being left to NumPy:

* ``promote_types``: a floating type always wins over an integer or bool type *as is*
  (``int64 + float32 -> float32``; NumPy would say ``float64``).
* ``result_type``: operands are ranked in three classes -- tensors with dimensions,
  zero-dim tensors, and Python scalars ("wrapped numbers"). A lower class only changes
  the result when it belongs to a higher *category* (bool < integer < floating < complex),
  e.g. ``int32 tensor + 5 -> int32`` but ``int32 tensor + 2.5 -> float32``
  (the default dtype). This mirrors ``c10``'s ``ResultTypeState``.

Every dtype but one is stored as the NumPy dtype of the same name. ``bfloat16`` has no
NumPy counterpart: it is stored as float32 values rounded to bfloat16, in a marked
array class (``_bfloat16.py`` explains how); ``of_array`` and ``as_dtype`` are the two
places that tell it apart.
"""
import numpy as np

from ._bfloat16 import BFloat16Array, round_to_bfloat16

__all__ = ["dtype", "promote_types", "result_type", "get_default_dtype", "set_default_dtype"]


class dtype:
    """One scalar type, e.g. ``torch.float32``. Compare with ``==`` or ``is``."""

    __module__ = "minitorch_compat"  # torch.Tensor, torch.Size...: torch names them at the top level

    __slots__ = ("_name", "_np", "is_floating_point", "is_complex", "is_signed", "itemsize", "_category",
                 "_scalar_name", "_cpp_name")

    def __init__(self, name, np_dtype, category, scalar_name, cpp_name):
        self._name = name
        self._np = np.dtype(np_dtype)
        self._category = category  # 0 bool, 1 integer, 2 floating, 3 complex
        # torch's two other spellings, both seen in its error messages: the ScalarType name
        # ("expected scalar type Float but found Long") and the C++ type ("long int").
        self._scalar_name, self._cpp_name = scalar_name, cpp_name
        self.is_floating_point = category == 2
        self.is_complex = category == 3
        self.is_signed = name not in ("uint8", "bool", "uint16", "uint32", "uint64")
        self.itemsize = self._np.itemsize

    def __repr__(self):
        return "torch." + self._name

    def __reduce__(self):  # pickles as the singleton, so workers and checkpoints agree
        return (_by_name, (self._name,))

    @property
    def _legacy_type(self):
        """The pre-0.4 tensor type name, ``x.type()``: 'torch.FloatTensor'."""
        return f"torch.{self._scalar_name}Tensor"

    def to_real(self):
        return {"complex64": float32, "complex128": float64}.get(self._name, self)

    def to_complex(self):
        return {"float32": complex64, "float64": complex128}.get(self._name, self)


bool_ = dtype("bool", np.bool_, 0, "Bool", "bool")
uint8 = dtype("uint8", np.uint8, 1, "Byte", "unsigned char")
int8 = dtype("int8", np.int8, 1, "Char", "signed char")
int16 = dtype("int16", np.int16, 1, "Short", "short int")
int32 = dtype("int32", np.int32, 1, "Int", "int")
int64 = dtype("int64", np.int64, 1, "Long", "long int")
uint16 = dtype("uint16", np.uint16, 1, "UInt16", "unsigned short")
uint32 = dtype("uint32", np.uint32, 1, "UInt32", "unsigned int")
uint64 = dtype("uint64", np.uint64, 1, "UInt64", "unsigned long")
float16 = dtype("float16", np.float16, 2, "Half", "c10::Half")
bfloat16 = dtype("bfloat16", np.float32, 2, "BFloat16", "c10::BFloat16")  # stored as float32: see _bfloat16.py
bfloat16.itemsize = 2
float32 = dtype("float32", np.float32, 2, "Float", "float")
float64 = dtype("float64", np.float64, 2, "Double", "double")
complex64 = dtype("complex64", np.complex64, 3, "ComplexFloat", "c10::complex<float>")
complex128 = dtype("complex128", np.complex128, 3, "ComplexDouble", "c10::complex<double>")

_ALL = (bool_, uint8, int8, int16, int32, int64, uint16, uint32, uint64,
        float16, bfloat16, float32, float64, complex64, complex128)
class _FromNumpy(dict):
    """NumPy dtype -> torch dtype. float16 is filled in on its first lookup: that is when the
    first float16 array is met, which turns on the 16-bit path (``low_precision_seen``)."""

    def __missing__(self, np_dtype):
        if np_dtype != np.float16:
            raise KeyError(np_dtype)
        self[np_dtype] = note_dtype(float16)
        return float16


_FROM_NP = _FromNumpy({d._np: d for d in _ALL if d not in (float16, bfloat16)})
_NAMES = {d._name: d for d in _ALL}


def _by_name(name):
    return _NAMES[name]


def scalar_name(np_dtype):
    """torch's ScalarType name of a NumPy dtype (or of a storage array), as its messages
    spell it: 'Float', 'Long'."""
    return (of_array(np_dtype) if isinstance(np_dtype, np.ndarray) else from_numpy_dtype(np_dtype))._scalar_name


# False until a float16 or bfloat16 array first appears in this process. Every way one can
# appear calls ``note_dtype``: conversions (``as_dtype``), a float16 NumPy dtype met for the
# first time (``_FROM_NP``), loading, the default dtype. Until then ``Function.apply`` does
# not look for 16-bit inputs: float32/float64 ops pay nothing for them (see _opmath.py).
low_precision_seen = False


def forget_low_precision():
    """Back to a fresh process's state: no 16-bit array seen (for tests, which run many
    programs in one process)."""
    global low_precision_seen
    low_precision_seen = False
    _FROM_NP.pop(np.dtype(np.float16), None)


def note_dtype(dt):
    """Record that a tensor of dtype ``dt`` is being made (see ``low_precision_seen``)."""
    global low_precision_seen
    if dt is float16 or dt is bfloat16:
        low_precision_seen = True
    return dt


def of_array(array):
    """The torch dtype of a tensor's storage array (the one place bfloat16 is recognised)."""
    return bfloat16 if type(array) is BFloat16Array else _FROM_NP[array.dtype]


def as_dtype(array, dt, copy=False):
    """``array`` converted to ``dt``'s storage: NumPy's ``astype``, or rounding to bfloat16."""
    note_dtype(dt)
    if dt is bfloat16:
        return array if type(array) is BFloat16Array and not copy else round_to_bfloat16(array)
    if type(array) is BFloat16Array:
        array = array.view(np.ndarray)
    array = np.asarray(array)
    if dt is float16 and array.dtype == np.float64:  # torch's double -> half goes through float
        array = array.astype(np.float32)
    return array.astype(dt._np, copy=copy)


def from_numpy_dtype(np_dtype):
    """The torch dtype that stores like ``np_dtype`` (TypeError for str/object arrays)."""
    try:
        return _FROM_NP[np.dtype(np_dtype)]
    except KeyError:
        raise TypeError(
            f"can't convert np.ndarray of type numpy.{np.dtype(np_dtype).name}. The only supported "
            "types are: float64, float32, float16, complex64, complex128, int64, int32, int16, "
            "int8, uint64, uint32, uint16, uint8, and bool.") from None


_default_dtype = float32


def get_default_dtype():
    """The dtype Python floats become (``float32`` unless changed)."""
    return _default_dtype


def set_default_dtype(d):
    global _default_dtype
    if d not in (float16, bfloat16, float32, float64):
        raise TypeError("only floating-point types are supported as the default type")
    _default_dtype = note_dtype(d)


def promote_types(a, b):
    """torch.promote_types: the smallest dtype both ``a`` and ``b`` fit in, torch's way."""
    if a is b:
        return a
    if a._category != b._category and max(a._category, b._category) >= 2:
        hi, lo = (a, b) if a._category > b._category else (b, a)
        if hi.is_complex and lo.is_floating_point:  # complex64 + float64 -> complex128
            return complex128 if lo is float64 or hi is complex128 else hi
        return hi
    return _FROM_NP[np.promote_types(a._np, b._np)]


def _scalar_dtype(x):
    """The dtype a Python number takes when it meets a tensor (a 'wrapped number')."""
    if isinstance(x, bool):
        return bool_
    if isinstance(x, int):
        return int64
    if isinstance(x, complex):
        return complex64 if _default_dtype is float32 else complex128
    return _default_dtype


def _combine_categories(higher, lower):
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher.is_complex:
        return higher
    if lower.is_complex:  # a float tensor meeting a complex 0-d/scalar: complex of the float's width
        return (complex128 if higher is float64 else complex64) if higher.is_floating_point else lower
    if higher.is_floating_point:
        return higher
    if higher is bool_ or lower.is_floating_point:
        return promote_types(higher, lower)
    return higher


def result_type(*operands):
    """torch.result_type for any mix of Tensors and Python numbers."""
    dim = zero = wrapped = None
    for x in operands:
        d = getattr(x, "dtype", None)
        if d is None:
            d = _scalar_dtype(x)
            wrapped = d if wrapped is None else promote_types(wrapped, d)
        elif x.ndim == 0:
            zero = d if zero is None else promote_types(zero, d)
        else:
            dim = d if dim is None else promote_types(dim, d)
    return _combine_categories(dim, _combine_categories(zero, wrapped))
