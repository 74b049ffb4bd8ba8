"""Creating tensors: ``tensor``, ``zeros``, ``arange``... and the ``*_like`` variants.

The visible subtlety is dtype inference. ``torch.tensor`` makes Python floats the
default dtype (float32) and Python ints int64, while a NumPy array keeps its own dtype;
NumPy itself would turn ``[1.5]`` into float64, so the result is corrected here.
"""
import numbers
import warnings

import numpy as np

from .. import _dtype
from .._dtype import from_numpy_dtype, get_default_dtype
from .._tensor import Tensor, _wrap, _size_args, _check_device


def _finish(array, requires_grad=False, device=None):
    _check_device(device)
    t = _wrap(array)
    if requires_grad:
        t.requires_grad = True
    return t


def _infer_array(data):
    """A NumPy array holding ``data`` with torch's dtype inference rules."""
    if isinstance(data, Tensor):
        return data._data.copy()
    if isinstance(data, np.ndarray):
        from_numpy_dtype(data.dtype)  # TypeError for str/object arrays, as torch
        return np.array(data)
    if isinstance(data, np.generic):
        return np.array(data)
    try:
        arr = np.array(data)
    except ValueError as e:
        raise ValueError(f"expected sequence of equal length: {e}") from None
    kind = arr.dtype.kind
    if kind == "f":
        # NumPy makes Python floats float64; torch makes them the default dtype --
        # unless every leaf was already a typed array/tensor (then NumPy kept its dtype).
        if arr.dtype == np.float64 and not _has_typed_leaves(data):
            arr = arr.astype(get_default_dtype()._np)
    elif kind == "c":
        if arr.dtype == np.complex128 and not _has_typed_leaves(data):
            arr = arr.astype(_dtype.complex64._np if get_default_dtype() is _dtype.float32 else np.complex128)
    elif kind in "iu":
        if not _has_typed_leaves(data):
            arr = arr.astype(np.int64)
    elif kind == "O":
        first = _first_leaf(data)
        if isinstance(first, Tensor):
            raise ValueError("only one element tensors can be converted to Python scalars")
        raise TypeError(f"new(): invalid data type '{type(first).__name__}'")
    elif kind in "USV":
        raise TypeError(f"new(): invalid data type '{type(_first_leaf(data)).__name__}'")
    return arr


def _first_leaf(data):
    while isinstance(data, (list, tuple)) and data:
        data = data[0]
    return data


def _has_typed_leaves(data):
    leaf = _first_leaf(data)
    return isinstance(leaf, (Tensor, np.ndarray, np.generic))


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """Always copies ``data`` into a new leaf tensor."""
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() "
            "or sourceTensor.detach().clone().requires_grad_(True), rather than torch.tensor(sourceTensor).",
            UserWarning, stacklevel=2)
    if dtype is not None and not isinstance(data, (Tensor, np.ndarray)):
        # Convert straight to the requested dtype: going through the default float
        # dtype first would round float64 data to float32.
        try:
            arr = np.array(data, dtype=dtype._np)
        except (TypeError, ValueError):
            arr = _infer_array(data).astype(dtype._np)
    else:
        arr = _infer_array(data)
        if dtype is not None:
            arr = arr.astype(dtype._np, copy=False)
    return _finish(arr, requires_grad, device)


def as_tensor(data, dtype=None, device=None):
    """Shares memory with a Tensor or an ndarray when no conversion is needed."""
    _check_device(device)
    if isinstance(data, Tensor):
        return data if dtype is None else data.to(dtype)
    if isinstance(data, np.ndarray):
        t = from_numpy(data)
        return t if dtype is None or dtype._np == data.dtype else t.to(dtype)
    return tensor(data, dtype=dtype)


asarray = as_tensor


def from_numpy(ndarray):
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


def _np_dtype(dtype):
    return (dtype or get_default_dtype())._np


def _filled(value, size, dtype, requires_grad, device):
    return _finish(np.full(_size_args(size), value, dtype=_np_dtype(dtype)), requires_grad, device)


def zeros(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    return _filled(0, size, dtype, requires_grad, device)


def ones(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    return _filled(1, size, dtype, requires_grad, device)


def empty(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False, memory_format=None):
    # torch leaves the memory uninitialised; zeros keep our results reproducible.
    return _filled(0, size, dtype, requires_grad, device)


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    if dtype is None:
        dtype = (_dtype.bool_ if isinstance(fill_value, bool) else
                 _dtype.int64 if isinstance(fill_value, numbers.Integral) else
                 _dtype._scalar_dtype(complex(fill_value)) if isinstance(fill_value, complex) else
                 get_default_dtype())
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    return _filled(fill_value, (size,), dtype, requires_grad, device)


def _like(input, dtype):
    return dtype or input.dtype


def zeros_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    return _filled(0, input.shape, _like(input, dtype), requires_grad, device)


def ones_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    return _filled(1, input.shape, _like(input, dtype), requires_grad, device)


def empty_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    return _filled(0, input.shape, _like(input, dtype), requires_grad, device)


def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    return _filled(fill_value, input.shape, _like(input, dtype), requires_grad, device)


def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    return _finish(np.eye(n, n if m is None else m, dtype=_np_dtype(dtype)), requires_grad, device)


def arange(start, end=None, step=1, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    if end is None:
        start, end = 0, start
    vals = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (vals[1] - vals[0]) * vals[2] < 0:
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    if dtype is None:
        dtype = _dtype.int64 if all(isinstance(v, numbers.Integral) for v in vals) else get_default_dtype()
    n = int(np.ceil((vals[1] - vals[0]) / vals[2]))
    # torch computes start + i * step in double precision, then rounds to the dtype
    arr = (vals[0] + np.arange(n, dtype=np.float64) * vals[2]) if dtype.is_floating_point else np.arange(*vals)
    return _finish(arr.astype(dtype._np), requires_grad, device)


def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """torch's kernel fills the first half forwards from ``start`` and the second half
    backwards from ``end``, both in the output dtype; doing the same gives equal bits."""
    dtype = dtype or get_default_dtype()
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    ct = dtype._np if dtype.is_floating_point else np.float64
    s, e = ct.type(start), ct.type(end)
    if steps == 1:
        return _finish(np.array([s], dtype=dtype._np), requires_grad, device)
    step = (e - s) / ct.type(max(steps - 1, 1))
    i = np.arange(steps)
    half = steps // 2
    vals = np.where(i < half, s + step * i.astype(ct), e - step * (steps - i - 1).astype(ct))
    return _finish(vals.astype(dtype._np), requires_grad, device)


def logspace(start, end, steps, base=10.0, *, dtype=None, device=None, requires_grad=False):
    lin = linspace(start, end, steps, dtype=_dtype.float64)._data
    return _finish(np.power(base, lin).astype(_np_dtype(dtype)), requires_grad, device)


def scalar_tensor(s, *, dtype=None, device=None, requires_grad=False):
    return _finish(np.asarray(s, dtype=_np_dtype(dtype)), requires_grad, device)
