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
            arr = arr.astype(get_default_dtype()._np)
    elif kind == "c":
        if arr.dtype == np.complex128 and not _has_typed_leaves(data):
            arr = arr.astype(_dtype.complex64._np if get_default_dtype() is _dtype.float32 else np.complex128)
    elif kind in "iu":
        if not _has_typed_leaves(data):
            arr = arr.astype(np.int64)
    elif kind == "O":
        bad = _bad_leaf(data)
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
    shape = _size_args(size)
    if shape and min(shape) < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(shape)}: {list(shape)}")
    return _finish(np.full(shape, value, dtype=_np_dtype(dtype)), requires_grad, device)


def zeros(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    if _size_args(size) and min(_size_args(size)) < 0:
        raise RuntimeError("zeros: Dimension size must be non-negative.")
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
    """``[start, start + step, ...)`` up to ``end``; floating values reproduce torch's bits.

    torch's CPU kernel works in double and is vectorised: over whole blocks of two SIMD
    vectors it computes each vector's first value ``fma(step, i0, start)``, rounds it to
    the output dtype, and fills the vector with ``fma(step, j, base)``; the remaining tail
    elements are ``fma(step, i, start)``. ``_torch_ramp`` does exactly that with NumPy.
    """
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
    if dtype.is_floating_point:
        arr = _torch_ramp(float(vals[0]), float(vals[2]), n, dtype._np)
    else:
        arr = np.arange(*vals)
    return _finish(arr.astype(dtype._np, copy=False), requires_grad, device)


def _simd_bytes():
    """The SIMD vector width torch's CPU kernels use here: 64 bytes with AVX-512, else 32."""
    global _SIMD_BYTES
    if _SIMD_BYTES is None:
        import os
        cap = os.environ.get("ATEN_CPU_CAPABILITY", "").lower()
        try:
            with open("/proc/cpuinfo") as f:
                flags = set(next((line for line in f if line.startswith("flags")), "").split())
        except OSError:
            flags = set()
        avx512 = {"avx512f", "avx512bw", "avx512vl", "avx512dq"} <= flags
        _SIMD_BYTES = 64 if avx512 and cap in ("", "avx512") else 32
    return _SIMD_BYTES


_SIMD_BYTES = None


def _torch_ramp(start, step, n, np_dtype):
    """torch's vectorised arange kernel in float64 (see ``arange``), rounded to ``np_dtype``."""
    idx = np.arange(n, dtype=np.float64)
    out = _fma(idx, step, start)  # the scalar formula, used for the tail
    lanes = _simd_bytes() // np.dtype(np_dtype).itemsize
    n_vec = n // (2 * lanes) * (2 * lanes)
    if n_vec:
        first = idx[:n_vec:lanes]  # each vector's first index
        base = _fma(first, step, start).astype(np_dtype).astype(np.float64)
        j = np.arange(lanes, dtype=np.float64)
        out[:n_vec] = _fma(j[None, :], step, base[:, None]).reshape(-1)
    return out.astype(np_dtype)


def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """``steps`` values from ``start`` to ``end``, with torch's bits: the first half is
    ``fma(step, i, start)`` and the second half ``fma(-step, steps - 1 - i, end)``, each
    rounded once to the output dtype (``step`` computed in that dtype; in double for integers)."""
    dtype = dtype or get_default_dtype()
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    if dtype.is_floating_point:
        ct = dtype._np
        s, e = ct.type(start), ct.type(end)
    else:  # integer output: the ends are converted first, the ramp runs in double, then truncates
        ct = np.dtype(np.float64)
        s, e = ct.type(int(start)), ct.type(int(end))
    if steps <= 1:
        return _finish(np.array([s] * steps).astype(dtype._np), requires_grad, device)
    step = (e - s) / ct.type(steps - 1)
    i = np.arange(steps, dtype=np.float64)
    half = steps // 2
    if ct == np.float64:
        vals = np.concatenate([_fma(i[:half], float(step), float(s)),
                               _fma(steps - 1 - i[half:], -float(step), float(e))])
    else:
        vals = np.concatenate([_fma_to(i[:half], step, s, ct), _fma_to(steps - 1 - i[half:], -step, e, ct)])
    return _finish(vals.astype(dtype._np), requires_grad, device)


# ---- fused multiply-add, as torch's kernels compute (one rounding) -------------------------
def _two_sum(a, b):
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _split(x):
    t = 134217729.0 * x  # 2**27 + 1: Veltkamp's split into two 26-bit halves
    hi = t - (t - x)
    return hi, x - hi


def _fma(k, step, start):
    """``k * step + start`` in float64 with one rounding, like C's ``fma``: the product and
    the sum are made exact with Dekker's error-free transformations, and the last bits left
    over only decide exact ties of the final rounding."""
    p = k * step
    kh, kl = _split(np.asarray(k, dtype=np.float64))
    sh, sl = _split(np.asarray(step, dtype=np.float64))
    p_err = ((kh * sh - p) + kh * sl + kl * sh) + kl * sl  # k * step == p + p_err exactly
    s, s_err = _two_sum(p, start)
    t, t_err = _two_sum(s_err, p_err)
    r, r_err = _two_sum(s, t)  # exact value: r + r_err + t_err
    neighbour = np.nextafter(r, np.where(r_err < 0, -np.inf, np.inf))
    past_tie = (2 * r_err == neighbour - r) & (np.signbit(r_err) == np.signbit(t_err)) & (t_err != 0)
    return np.where(past_tie, neighbour, r)


def _fma_to(k, step, start, np_dtype):
    """``k * step + start`` rounded once to a narrower float type (float32/float16): exact
    in float64 up to one rounding, whose error decides the rare ties of the final rounding."""
    p = k * np.float64(step)  # exact: a 24-bit mantissa times an integer below 2**29
    s, err = _two_sum(p, np.float64(start))
    r = s.astype(np_dtype)
    up = np.nextafter(r, np_dtype.type(np.inf))
    down = np.nextafter(r, np_dtype.type(-np.inf))
    r64 = r.astype(np.float64)
    r = np.where((r64 + up.astype(np.float64)) / 2 == s, np.where(err > 0, up, r), r)
    return np.where((r64 + down.astype(np.float64)) / 2 == s, np.where(err < 0, down, r), r)


def logspace(start, end, steps, base=10.0, *, dtype=None, device=None, requires_grad=False):
    lin = linspace(start, end, steps, dtype=_dtype.float64)._data
    return _finish(np.power(base, lin).astype(_np_dtype(dtype)), requires_grad, device)


def scalar_tensor(s, *, dtype=None, device=None, requires_grad=False):
    return _finish(np.asarray(s, dtype=_np_dtype(dtype)), requires_grad, device)
