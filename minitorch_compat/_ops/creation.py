"""Creating tensors: ``tensor``, ``zeros``, ``full``, ``eye``... and the ``*_like`` variants.

The visible subtlety is dtype inference. ``torch.tensor`` makes Python floats the
default dtype (float32) and Python ints int64, while a NumPy array keeps its own dtype;
NumPy itself would turn ``[1.5]`` into float64, so the result is corrected here.

Every factory ends in ``_new``, which does what torch's Python binding does around the
kernel: pick the device (the ``device=`` argument, else the default device of
``torch.set_default_device`` / ``with torch.device(...)``), and either make a new tensor or
write into ``out=``. With ``out=``, the result takes ``out``'s dtype (a different
``dtype=`` is an error) and ``out`` is resized to the result's shape and returned.
``arange``/``linspace``/``logspace`` live in ``range_factories.py``, random tensors in
``sampling.py``.
"""
import numbers
import warnings

import numpy as np

from .. import _dtype
from .._dtype import from_numpy_dtype, get_default_dtype
from .._tensor import Tensor, _wrap, _check_device, device as _device
from ..autograd.grad_mode import _state
from ._arg_checks import _alloc, _alloc_error, _is_int, _shape, _to_c


# ---- what every factory shares ------------------------------------------------------------
def _new(values, dtype, *, default=None, out=None, requires_grad=False, device=None, layout=None, op,
         resize_warning=None, like=False):
    """Run a factory: ``values(dtype)`` computes the array, here it becomes a tensor.

    ``dtype`` is the user's (``None`` when not given), ``default`` the dtype to use then;
    with ``out=``, ``out``'s dtype is used instead. ``like``: a ``*_like`` function, which
    takes its device from its input rather than from the default device.
    """
    if device is not None or not like and (device := _device._current()) is not None:
        _check_device(device)
    if layout is not None and repr(layout) != "torch.strided":
        raise RuntimeError(f"{op}(...) is not implemented for sparse layout")
    if out is not None:
        if dtype is not None and dtype is not out.dtype:
            raise RuntimeError(f"dtype {dtype._scalar_name} does not match dtype of out parameter "
                               f"({out.dtype._scalar_name})")
        if out._requires_grad and _state.enabled:
            raise RuntimeError(f"aten::{op}(): functions with out=... arguments don't support automatic "
                               "differentiation, but one of the arguments requires grad.")
    dt = out.dtype if out is not None else dtype or default or get_default_dtype()
    try:
        arr = _dtype.as_dtype(values(dt), dt)  # (bfloat16: computed as float32, then rounded; see _bfloat16.py)
    except MemoryError:  # the kernels' own buffers (random draws) did not fit
        raise _alloc_error() from None
    t = _wrap(arr) if out is None else _write_out(out, arr, resize_warning)
    if requires_grad:
        if not (t.dtype.is_floating_point or t.dtype.is_complex):
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        t.requires_grad = True
    return t


def _write_out(out, arr, resize_warning=None):
    """Put ``arr`` into ``out``: in place when the shape matches (views of ``out`` see it),
    else ``out`` is resized (it takes a new array), as torch's ``resize_`` does."""
    if out._data.shape == arr.shape:
        out._data[...] = arr
    else:
        if resize_warning is not None and out._data.size:
            warnings.warn(resize_warning(out._data.shape, arr.shape), UserWarning, stacklevel=3)
        out._data = np.ascontiguousarray(arr, dtype=out._data.dtype)
    out._version += 1
    return out


# ---- from data ----------------------------------------------------------------------------
def _infer_array(data):
    """A NumPy array holding ``data`` with torch's dtype inference rules."""
    if isinstance(data, Tensor):
        return data._data.copy()
    if isinstance(data, np.ndarray):
        from_numpy_dtype(data.dtype)  # TypeError for str/object arrays, as torch
        return np.array(data)
    if isinstance(data, np.generic):
        return np.array(data)
    first = _first_leaf(data)
    if isinstance(first, Tensor) and first._data.size != 1:  # a list of tensors is not stacked
        raise ValueError("only one element tensors can be converted to Python scalars")
    try:
        arr = np.array(data)
    except ValueError as e:
        raise ValueError(f"expected sequence of equal length: {e}") from None
    kind = arr.dtype.kind
    if kind == "f":
        # NumPy makes Python floats float64; torch makes them the default dtype --
        # unless every leaf was already a typed array/tensor (then NumPy kept its dtype).
        if arr.dtype == np.float64 and not _has_typed_leaves(data):
            arr = _dtype.as_dtype(arr, get_default_dtype())
    elif kind == "c":
        if arr.dtype == np.complex128 and not _has_typed_leaves(data):
            arr = arr.astype(_dtype.complex64._np if get_default_dtype() is _dtype.float32 else np.complex128)
    elif kind in "iu":
        if not _has_typed_leaves(data):
            if arr.dtype == np.uint64:  # NumPy's choice for ints in [2**63, 2**64): too big for int64
                raise ValueError("Overflow when unpacking long long")
            arr = arr.astype(np.int64)
    elif kind == "O":
        bad = _bad_leaf(data)
        if bad is None:  # only numbers, but ints too big for any NumPy integer type
            raise ValueError("Overflow when unpacking long long")
        if isinstance(bad, Tensor):
            raise ValueError("only one element tensors can be converted to Python scalars")
        if isinstance(bad, str):
            raise TypeError(f"new(): invalid data type '{type(bad).__name__}'")
        raise RuntimeError(f"Could not infer dtype of {type(bad).__name__}")
    elif kind in "USV":
        if isinstance(_first_leaf(data), str) and not isinstance(data, str):  # torch reads a str as a sequence
            raise ValueError("too many dimensions 'str'")
        raise TypeError(f"new(): invalid data type '{type(_bad_leaf(data)).__name__}'")
    return arr


def _first_leaf(data):
    while isinstance(data, (list, tuple)) and data:
        data = data[0]
    return data


def _bad_leaf(data):
    """The first leaf of nested lists that is not a number (what torch's error names)."""
    if isinstance(data, (list, tuple)):
        for item in data:
            bad = _bad_leaf(item)
            if bad is not None:
                return bad
        return None
    return None if isinstance(data, (numbers.Number, np.generic)) else data


def _has_typed_leaves(data):
    leaf = _first_leaf(data)
    return isinstance(leaf, (Tensor, np.ndarray, np.generic))


def _to_dtype(data, dtype):
    """Python data converted to ``dtype`` as torch converts each element: floats straight
    to the dtype (through float64 they would be rounded twice) -- except float16, which
    c10 reaches through float --, integers range-checked."""
    if dtype.is_floating_point or dtype.is_complex or dtype is _dtype.bool_:
        try:
            with np.errstate(over="ignore"):
                if dtype is _dtype.float16:
                    return np.array(data, dtype=np.float32).astype(np.float16)
                return np.array(data, dtype=dtype._np)
        except (TypeError, ValueError, OverflowError):
            return _infer_array(data).astype(dtype._np)
    if dtype is _dtype.uint64:
        return np.array(data, dtype=np.uint64)
    arr = _infer_array(data)
    lim = np.iinfo(dtype._np)
    if arr.dtype.kind == "f":  # the rules of ``_to_c``
        ok = (arr >= lim.min) & (arr < lim.max + 1)
    else:
        ok = (arr >= (lim.min if lim.min < 0 else -int(lim.max))) & (arr <= lim.max)
    if not np.all(ok):
        raise RuntimeError(f"value cannot be converted to type {dtype._name} without overflow")
    with np.errstate(invalid="ignore"):
        return arr.astype(dtype._np)


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """Always copies ``data`` into a new leaf tensor."""
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() "
            "or sourceTensor.detach().clone().requires_grad_(True), rather than torch.tensor(sourceTensor).",
            UserWarning, stacklevel=2)
    if dtype is not None and not isinstance(data, (Tensor, np.ndarray)):
        arr = _to_dtype(data, dtype)
    else:
        arr = _infer_array(data)
        if dtype is not None:
            arr = arr.astype(dtype._np, copy=False)
    return _new(lambda dt: arr, dtype or _dtype.of_array(arr), requires_grad=requires_grad, device=device,
                op="tensor")


def as_tensor(data, *, dtype=None, device=None):
    """Shares memory with a Tensor or an ndarray when no conversion is needed."""
    _check_device(device if device is not None else _device._current())
    if isinstance(data, Tensor):
        return data if dtype is None else data.to(dtype)
    if isinstance(data, np.ndarray):
        t = from_numpy(data)
        return t if dtype is None or dtype._np == data.dtype else t.to(dtype)
    return tensor(data, dtype=dtype)


asarray = as_tensor


def from_numpy(ndarray, /):
    """A tensor sharing memory with ``ndarray``: writes through either are seen by both."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    from_numpy_dtype(ndarray.dtype)
    if not ndarray.flags.writeable:
        warnings.warn("The given NumPy array is not writable, and PyTorch does not support non-writable tensors.", UserWarning, stacklevel=2)
    return _wrap(ndarray)


def is_tensor(obj):
    return isinstance(obj, Tensor)


def numel(input):
    return input._data.size


def scalar_tensor(s, *, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    if not isinstance(s, (numbers.Number, np.generic, Tensor)):
        raise TypeError(f"scalar_tensor(): argument 's' (position 1) must be Number, not {type(s).__name__}")
    s = s.item() if isinstance(s, Tensor) else s

    def values(dt):
        with np.errstate(over="ignore"):
            return np.asarray(_to_c(s, dt, fill=True), dtype=dt._np)
    return _new(values, dtype, requires_grad=requires_grad, device=device, layout=layout, op="scalar_tensor")



# ---- filled with one value ----------------------------------------------------------------
def zeros(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False,
          **size_kw):
    shape = _shape("zeros", size, size_kw)
    if any(d < 0 for d in shape):
        raise RuntimeError("zeros: Dimension size must be non-negative.")
    return _new(lambda dt: _alloc(shape, dt._np, 0), dtype, out=out, requires_grad=requires_grad, device=device,
                layout=layout, op="zeros")


def ones(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False,
         **size_kw):
    shape = _shape("ones", size, size_kw)
    return _new(lambda dt: _alloc(shape, dt._np, 1), dtype, out=out, requires_grad=requires_grad, device=device,
                layout=layout, op="ones")


def empty(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False,
          memory_format=None, **size_kw):
    """Uninitialised memory in torch; zeros here, so our results stay reproducible."""
    shape = _shape("empty", size, size_kw)
    return _new(lambda dt: _alloc(shape, dt._np, 0), dtype, out=out, requires_grad=requires_grad, device=device,
                layout=layout, op="empty")


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None, requires_grad=False,
         pin_memory=False):
    """``size`` filled with ``fill_value``; without ``dtype``, the value's type decides
    (bool, int64, complex, else the default float dtype)."""
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"full(): argument 'size' (position 1) must be tuple of ints, not {type(size).__name__}")
    shape = _shape("full", (size,), {})
    fill_value = _fill_number(fill_value, "full")
    return _new(lambda dt: _alloc(shape, dt._np, _to_c(fill_value, dt)), dtype, default=_number_dtype(fill_value),
                out=out, requires_grad=requires_grad, device=device, layout=layout, op="full")


def _fill_number(v, op):
    if isinstance(v, Tensor):
        return v.item()
    if not isinstance(v, (numbers.Number, np.generic)):
        raise TypeError(f"{op}(): argument 'fill_value' (position 2) must be Number, not {type(v).__name__}")
    return v.item() if isinstance(v, np.generic) else v


def _number_dtype(v):
    if isinstance(v, bool):
        return _dtype.bool_
    if isinstance(v, numbers.Integral):
        return _dtype.int64
    if isinstance(v, complex):
        return _dtype._scalar_dtype(v)
    return get_default_dtype()


def _like(name, input, fill, dtype, requires_grad, device, layout):
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")

    def values(dt):
        v = _to_c(fill, dt) if fill is not None else 0
        return np.full_like(input._data, v, dtype=dt._np)  # keeps the input's memory layout, as torch
    return _new(values, dtype, default=input.dtype, requires_grad=requires_grad, device=device, layout=layout,
                op=name, like=True)


def zeros_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    return _like("zeros_like", input, 0, dtype, requires_grad, device, layout)


def ones_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    return _like("ones_like", input, 1, dtype, requires_grad, device, layout)


def empty_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    return _like("empty_like", input, None, dtype, requires_grad, device, layout)


def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    return _like("full_like", input, _fill_number(fill_value, "full_like"), dtype, requires_grad, device, layout)


_SQUARE = object()  # eye(n): torch's overload without m (an explicit m=None is an error there)


def eye(n, m=_SQUARE, *, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """The ``n x m`` identity matrix; ``m`` defaults to ``n``."""
    m = n if m is _SQUARE else m
    for name, v in (("n", n), ("m", m)):
        if not _is_int(v):
            raise TypeError(f"eye(): argument '{name}' must be int, not {type(v).__name__}")
        if v < 0:
            raise RuntimeError(f"{name} must be greater or equal to 0, got {v}")
    return _new(lambda dt: np.eye(int(n), int(m), dtype=dt._np), dtype, out=out, requires_grad=requires_grad,
                device=device, layout=layout, op="eye")


# ---- the default device (torch/__init__.py) ------------------------------------------------
def set_default_device(device):
    """Make factory functions called without ``device=`` create on ``device`` (``None``
    clears it). ``with torch.device(d):`` does the same for one block."""
    _device._default = None if device is None else _device(device)


def get_default_device():
    """The device factory functions use now. Like torch, a device without an index is
    resolved by creating an empty tensor there -- which fails for ``cuda`` here."""
    current = _device._current()
    if current is None:
        return _device("cpu")
    return current if current.index is not None else tensor([]).device
