"""``arange``, ``linspace`` and ``logspace`` with torch's exact bits.

torch: ``aten/src/ATen/native/RangeFactories.cpp`` (sizes, checks) and
``aten/src/ATen/native/cpu/RangeFactoriesKernel.cpp`` (the values). A float ramp is not
``start + i * step`` in any one precision: each element's bits depend on where torch
computes it, so this file replays torch's arithmetic step by step.

arange
  1. Check the bounds in double: ``step != 0``; finite ``start``/``end``; ``end - start``
     has the sign of ``step``.
  2. Size: ``ceil((end - start) / step)`` in double -- except int64 output from three
     integers, which uses exact integer arithmetic.
  3. Values, in the "accumulate type" (double for float32/float64, float for float16,
     int64 for every integer type: a float ``start``/``step`` is truncated first):
     ``at::parallel_for`` cuts ``[0, n)`` into one chunk per thread (see ``_parallel.py``);
     each chunk is a ``vectorized_loop``, which fills whole
     pairs of 32-byte SIMD vectors and leaves the rest to the scalar loop:

     * a vector starting at index ``i``: ``base = fma(step, i, start)`` rounded to the
       output dtype, then lane ``j`` is ``fma(step, j, base)``;
     * a scalar-loop element ``i``: ``fma(step, i, start)``.

     Every ``fma`` is the compiler's fused multiply-add (one rounding), then a cast to
     the output dtype. NumPy has none, so ``_generator._fma64``/``_fma32`` emulate it.

linspace
  ``step = (end - start) / (steps - 1)`` in the output dtype (double for integers); the
  first half is ``fma(step, i, start)``, the second half counts back from the end,
  ``fma(-step, steps - 1 - i, end)``, so both ends are exact. float16 arithmetic rounds
  to float16 after every operation (``c10::Half``'s operators), so it has no fma.
  One step or none: ``fill_(start)``.

logspace
  ``end - start`` in the output dtype, then ``step`` in double; ``base ** v`` with ``v =
  start + step * i`` (first half) or ``end - step * (steps - 1 - i)`` -- here with a
  separate multiply and add, no fma -- and ``pow`` from the C library (NumPy's ``power``
  differs from it in the last bit for ~5% of inputs), then a cast to the dtype.

Which operations the compiler fused was read off torch's results: the tests compare
every dtype bit for bit over thousands of random ranges.
"""
import math

import numpy as np

from .. import _dtype
from .._dtype import get_default_dtype
from .._generator import _fma32, _fma64
from .._parallel import parallel_chunks
from .._tensor import Tensor
from ._arg_checks import _alloc, _bind, _not_implemented, _to_c
from .creation import _new

_VEC_BYTES = 32  # torch's Vectorized<T> width for these kernels (AVX2, and the portable build)

_INTEGER = (_dtype.uint8, _dtype.int8, _dtype.int16, _dtype.int32, _dtype.int64)
_UNSUPPORTED = (_dtype.bool_, _dtype.uint16, _dtype.uint32, _dtype.uint64)  # not compiled for these


def arange(*args, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False,
           **kwargs):
    """``arange(end)`` or ``arange(start, end, step=1)``: ``[start, start + step, ...)`` below ``end``."""
    bound = _bind(("end",), args, kwargs) or _bind(("start", "end", "step"), args, kwargs, {"step": 1})
    if bound is None:
        raise TypeError("arange() received an invalid combination of arguments - expected (Number end) or "
                        "(Number start, Number end, Number step=1)")
    start, end, step = (_number(v) for v in (bound.get("start", 0), bound["end"], bound.get("step", 1)))
    integral = all(isinstance(v, int) for v in (start, end, step))

    def values(dt):
        if dt.is_complex or dt in _UNSUPPORTED:
            raise _not_implemented("arange_cpu", dt)
        n = _arange_size(start, end, step, dt)
        if dt in _INTEGER:
            first, inc = _to_c(start, _dtype.int64), _to_c(step, _dtype.int64)
            with np.errstate(over="ignore"):  # int64 wraps in C; so does the final cast
                return (np.arange(n, dtype=np.int64) * np.int64(inc) + np.int64(first)).astype(dt._np)
        acc = _dtype.float32 if dt is _dtype.float16 else _dtype.float64
        return _arange_float(_to_c(start, acc), _to_c(step, acc), n, dt._np, acc._np)

    return _new(values, dtype, default=_dtype.int64 if integral else None, out=out, requires_grad=requires_grad,
                device=device, layout=layout, op="arange", resize_warning=_arange_resize_warning)


def _number(v):
    """A Python number from a number, a NumPy scalar or a one-element tensor (torch's Scalar)."""
    if isinstance(v, Tensor):
        v = v.item()
    if isinstance(v, (bool, np.bool_)):
        return int(v)
    if isinstance(v, (int, np.integer)):
        v = int(v)
        if not -2 ** 63 <= v < 2 ** 64:
            raise OverflowError("int too big to convert")
        return v
    return float(v) if not isinstance(v, complex) else v


def _arange_size(start, end, step, dt):
    """RangeUtils.h: ``arange_check_bounds`` then ``compute_arange_size``."""
    if not (step > 0 or step < 0):
        raise RuntimeError("step must be nonzero")
    if not (math.isfinite(start) and math.isfinite(end)):
        raise RuntimeError(f"unsupported range: {_fmt(start)} -> {_fmt(end)}")
    if not ((step > 0 and end >= start) or (step < 0 and end <= start)):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    if dt is _dtype.int64 and all(isinstance(v, int) for v in (start, end, step)):
        start, end, step = (_to_c(v, _dtype.int64) for v in (start, end, step))
        sgn = (step > 0) - (step < 0)
        size = (end - start + step - sgn) // step  # exact; the quotient is >= 0, so // truncates as C does
    else:
        size = math.ceil((float(end) - float(start)) / float(step))
    if not 0 <= size <= 2 ** 63 - 1:
        raise RuntimeError("invalid size, possible overflow?")
    return int(size)


def _fmt(v):
    """A double as C++'s ``operator<<`` prints it (6 significant digits)."""
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return f"{v:g}"


def _arange_resize_warning(old_shape, new_shape):
    n = new_shape[0]
    return (f"The number of elements in the out tensor of shape {list(old_shape)} is {math.prod(old_shape)} "
            f"which does not match the computed number of elements {n}. Note that this may occur as a "
            f"result of rounding error. The out tensor will be resized to a tensor of shape ({n},).")


def _arange_float(start, step, n, np_dtype, acc):
    """torch's arange kernel for floating dtypes (steps 3 in the module docstring)."""
    fma = _fma64 if acc == np.float64 else _fma32
    out = np.empty(n, np_dtype)
    lanes = _VEC_BYTES // np.dtype(np_dtype).itemsize
    for begin, stop in parallel_chunks(n):
        n_vec = (stop - begin) // (2 * lanes) * (2 * lanes)
        firsts = np.arange(begin, begin + n_vec, lanes, dtype=acc)
        base = fma(step, firsts, start).astype(np_dtype).astype(acc)
        lane = np.arange(lanes, dtype=acc)
        out[begin:begin + n_vec] = fma(step, lane[None, :], base[:, None]).reshape(-1)
        tail = np.arange(begin + n_vec, stop, dtype=np.int64).astype(acc)
        out[begin + n_vec:stop] = fma(step, tail, start)
    return out


def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None, requires_grad=False,
             pin_memory=False):
    start, end = _endpoint(start, "start", "linspace"), _endpoint(end, "end", "linspace")
    _check_steps(steps, "linspace")
    default = get_default_dtype().to_complex() if complex in (type(start), type(end)) else None

    def values(dt):
        if dt in _UNSUPPORTED:
            raise _not_implemented("linspace_cpu", dt)
        if steps <= 1:  # torch: result.fill_(start) (start is not even converted for 0 steps)
            return _alloc((steps,), dt._np, _to_c(start, dt, fill=True) if steps else 0)
        i = np.arange(steps, dtype=np.int64)
        head, back = i[:steps // 2], steps - 1 - i[steps // 2:]
        if dt.is_complex:
            s, e = dt._np.type(start), dt._np.type(end)
            step = (e - s) / dt._np.type(steps - 1)
            return np.concatenate([s + step * head, e - step * back]).astype(dt._np)
        if dt is _dtype.float16:  # c10::Half: every operation rounds to half
            h = np.float16
            s, e = h(_to_c(start, dt)), h(_to_c(end, dt))
            step = h(h(e - s) / h(steps - 1))
            with np.errstate(over="ignore"):
                return np.concatenate([s + step * head.astype(h), e - step * back.astype(h)])
        if dt.is_floating_point:
            fma, s, e = (_fma64, _to_c(start, dt), _to_c(end, dt)) if dt is _dtype.float64 else \
                (_fma32, np.float32(_to_c(start, dt)), np.float32(_to_c(end, dt)))
            step = (e - s) / (steps - 1) if dt is _dtype.float64 else (e - s) / np.float32(steps - 1)
            return np.concatenate([fma(step, head.astype(np.float64), s),
                                   fma(-step, back.astype(np.float64), e)]).astype(dt._np)
        s, e = _in_dtype(start, dt), _in_dtype(end, dt)  # integers: the ends in the dtype, the ramp in double
        step = (float(e) - float(s)) / (steps - 1)
        ramp = np.concatenate([_fma64(step, head.astype(np.float64), float(s)),
                               _fma64(-step, back.astype(np.float64), float(e))])
        return _float_to_int(ramp, dt)

    return _new(values, dtype, default=default, out=out, requires_grad=requires_grad, device=device, layout=layout,
                op="linspace")


def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False, pin_memory=False):
    start, end = _endpoint(start, "start", "logspace"), _endpoint(end, "end", "logspace")
    _check_steps(steps, "logspace")
    base = float(base)

    def values(dt):
        if dt in _UNSUPPORTED:
            raise _not_implemented("logspace_cpu", dt)
        if dt.is_complex:
            ramp = linspace(start, end, steps, dtype=_dtype.complex128)._data
            return np.power(base, ramp).astype(dt._np)
        if steps <= 1:  # torch: result.fill_(pow(base, start))
            return _alloc((steps,), dt._np, _to_c(_pow(base, float(start)), dt, fill=True) if steps else 0)
        s, e = _in_dtype(start, dt), _in_dtype(end, dt)
        step = _difference(s, e, dt) / (steps - 1)
        i = np.arange(steps, dtype=np.float64)
        half = steps // 2
        exps = np.concatenate([s + step * i[:half], e - step * (steps - 1 - i[half:])])
        powers = np.array([_pow(base, v) for v in exps.tolist()], dtype=np.float64)
        if dt in _INTEGER:
            return _float_to_int(powers, dt)
        with np.errstate(over="ignore"):  # too big: inf, as in C; c10::Half converts through float
            return powers.astype(np.float32 if dt is _dtype.float16 else dt._np).astype(dt._np)

    return _new(values, dtype, out=out, requires_grad=requires_grad, device=device, layout=layout, op="logspace")


def _in_dtype(v, dt):
    """``Scalar::to<scalar_t>()``: the number as the dtype holds it (rounded, or wrapped
    into an unsigned type), returned as a Python number."""
    return np.array(_to_c(v, dt)).astype(dt._np).item()


def _difference(s, e, dt):
    """``static_cast<double>(end - start)`` with both in the dtype's C type: float and
    half subtract in their own precision, int64 wraps, smaller integers promote to int."""
    if dt.is_floating_point:
        with np.errstate(over="ignore"):
            return float(dt._np.type(e) - dt._np.type(s))
    d = e - s
    bits = 64 if dt is _dtype.int64 else 32
    return float((d + 2 ** (bits - 1)) % 2 ** bits - 2 ** (bits - 1))


def _pow(base, x):
    """C's ``pow``, which returns inf/nan where Python's raises."""
    try:
        return math.pow(base, x)
    except OverflowError:
        return math.inf
    except ValueError:  # 0 ** negative, or negative ** fraction
        return math.inf if base == 0 else math.nan


def _endpoint(v, what, op):
    if isinstance(v, Tensor) and v.dim() != 0:
        raise RuntimeError(f"{op} only supports 0-dimensional start and end tensors, but got {what} with "
                           f"{v.dim()} dimension(s).")
    return _number(v)


def _check_steps(steps, op):
    if isinstance(steps, (bool, float)) or not hasattr(steps, "__index__"):
        raise TypeError(f"{op}(): argument 'steps' must be int, not {type(steps).__name__}")
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")


def _float_to_int(values, dt):
    """C's double -> integer conversion: truncation toward zero. Out of range (or NaN) it
    is undefined; x86's ``cvttsd2si`` gives the lowest value of the int32 or int64 it
    converts through (narrower types go through int32, then wrap)."""
    width = 64 if dt is _dtype.int64 else 32
    with np.errstate(invalid="ignore"):
        t = np.trunc(values)
        ok = (t >= -2.0 ** (width - 1)) & (t < 2.0 ** (width - 1))
        ints = np.where(ok, t, 0).astype(np.int64)
    ints[~ok] = -2 ** (width - 1)
    return ints.astype(dt._np)
