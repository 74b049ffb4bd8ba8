"""bfloat16: how it is stored here, and how its values are rounded.

What bfloat16 is
----------------
A bfloat16 number is the top half of a float32: the same sign bit and the same 8-bit
exponent (so the same range, up to ~3.4e38), but only 7 stored mantissa bits instead of
23 (8 bits of precision with the implicit leading 1)::

    float32   s eeeeeeee mmmmmmm mmmmmmmmmmmmmmmm
    bfloat16  s eeeeeeee mmmmmmm

torch stores each element in 2 bytes (``c10::BFloat16``). To turn a float32 ``f`` into a
bfloat16 it rounds to nearest, ties to even, on the bits (``round_to_nearest_even`` in
``c10/util/BFloat16.h``)::

    bits = f as uint32
    bits = bits + 0x7FFF + ((bits >> 16) & 1)     # add just under half, plus 1 on a tie to odd
    bf16 = bits >> 16                             # keep the top half
    (a NaN becomes 0xFFFF in the vectorised kernels, 0x7FC0 in scalar code)

A double (a Python float) is first converted to float32 and then rounded as above, so
``torch.tensor(x, dtype=torch.bfloat16)`` rounds twice; so do we.

How torch computes with it
--------------------------
torch's CPU kernels load bfloat16 values as float32, compute in float32 (the "opmath
type"), and round the result to bfloat16 once per op. Sums and matrix products
accumulate in float32 too. So a bfloat16 result is always "the float32 result, rounded".

How this file stores it
-----------------------
NumPy has no bfloat16 type. Since every bfloat16 value is exactly a float32 value, a
bfloat16 tensor's ``_data`` here is a float32 array whose values are all already rounded
to bfloat16, marked by its class, :class:`BFloat16Array` (an ``np.ndarray`` subclass).
Reading the values needs no conversion; views (slicing, reshape, transpose) keep the
class and share memory as in torch. The price: 4 bytes per element instead of 2
(``element_size()`` still reports torch's 2).

To keep "every value is a bfloat16" true whatever NumPy code touches the array, the class
intercepts NumPy's entry points: ufuncs (``+``, ``np.exp``, reductions, ``out=``
writes), other NumPy functions (``np.concatenate``...), item assignment and ``fill``.
Each computes on the plain float32 values and rounds the float32 result back to
bfloat16 -- one rounding per NumPy call, the same rule NumPy applies to float16. The ops
of ``_ops/`` do better still: ``_opmath.py`` runs a whole op in float32 and rounds once,
as torch's kernels do.
"""
import numpy as np

__all__ = ["BFloat16Array", "round_to_bfloat16", "to_bits", "from_bits"]

_HALF_MINUS_ONE = np.uint32(0x7FFF)
_TOP_HALF = np.uint32(0xFFFF0000)
_NAN = np.array(0xFFFF0000, dtype=np.uint32).view(np.float32)[()]


def round_to_bfloat16(values):
    """``values`` (any real array or number) rounded to bfloat16: a new BFloat16Array."""
    f32 = np.array(values, dtype=np.float32)  # a double goes through float32 first, as in torch
    bits = f32.reshape(-1).view(np.uint32)  # (1-d: NumPy turns 0-d results into scalars)
    tie_to_even = (bits >> 16) & np.uint32(1)
    rounded = np.empty(f32.shape, dtype=np.float32)  # a float32 base: views of it stay one storage
    np.bitwise_and(bits + _HALF_MINUS_ONE + tie_to_even, _TOP_HALF, out=rounded.reshape(-1).view(np.uint32))
    nan = np.isnan(f32)
    if nan.any():  # torch's vectorised conversion writes every NaN as 0xFFFF (we do not
        rounded[nan] = _NAN  # follow its scalar paths' 0x7FC0: only the saved bytes differ)
    return rounded.view(BFloat16Array)


def to_bits(array):
    """The 2-byte bfloat16 encoding of each value, as torch stores it (uint16)."""
    return (np.ascontiguousarray(array, dtype=np.float32).view(np.uint32) >> 16).astype(np.uint16)


def from_bits(bits):
    """A BFloat16Array from 2-byte bfloat16 encodings (uint16): exact, no rounding."""
    bits = np.asarray(bits, dtype=np.uint16)
    out = np.empty(bits.shape, dtype=np.float32)
    np.left_shift(bits, 16, out=out.reshape(-1).view(np.uint32).reshape(bits.shape), dtype=np.uint32)
    return out.view(BFloat16Array)


def _plain(x):
    return x.view(np.ndarray) if type(x) is BFloat16Array else x


def _only_bfloat16(args):
    """True when every floating-point array among ``args`` is a BFloat16Array (numbers and
    integer arrays may be mixed in): then a float32 result means a bfloat16 one."""
    for a in args:
        if isinstance(a, (list, tuple)):
            if not _only_bfloat16(a):
                return False
        elif isinstance(a, np.ndarray) and type(a) is not BFloat16Array and a.dtype.kind in "fc":
            return False
    return True


def _relabel(result, to_bf16, sources=()):
    """Round float32 results back to bfloat16 (recursively through tuples and lists). A
    result that is a view of one of the ``sources`` holds bfloat16 values already: it is
    only marked, so that it stays a view."""
    if isinstance(result, (tuple, list)):
        return type(result)(_relabel(r, to_bf16, sources) for r in result)
    if not (to_bf16 and isinstance(result, (np.ndarray, np.float32)) and result.dtype == np.float32):
        return result
    if not isinstance(result, np.ndarray):
        return round_to_bfloat16(result)[()]
    if any(np.may_share_memory(result, s) for s in sources):
        return result.view(BFloat16Array)
    return round_to_bfloat16(result)


class BFloat16Array(np.ndarray):
    """float32 storage whose every value is a bfloat16 (see the module docstring)."""

    def __array_ufunc__(self, ufunc, method, *inputs, out=None, **kwargs):
        to_bf16 = _only_bfloat16(inputs)
        args = [_plain(x) for x in inputs]
        if method == "at":  # in place on the first argument: compute, then round it whole
            getattr(ufunc, method)(*args, **kwargs)
            if type(inputs[0]) is BFloat16Array:
                inputs[0][...] = args[0]
            return None
        result = getattr(ufunc, method)(*args, **kwargs)
        result = _relabel(result, to_bf16)
        if out is None:
            return result
        results = result if isinstance(result, tuple) else (result,)
        for target, value in zip(out, results):
            if type(target) is BFloat16Array:
                target[...] = value  # rounds (see __setitem__)
            else:
                np.copyto(target, _plain(value), casting="unsafe")
        return out[0] if len(out) == 1 else out

    def __array_function__(self, func, types, args, kwargs):
        if func is np.copyto:  # writes into its first argument
            dst, src = args[0], args[1]
            if type(dst) is BFloat16Array:
                src = round_to_bfloat16(np.broadcast_to(_plain(src), dst.shape).astype(np.float32))
                return np.copyto(dst.view(np.ndarray), src.view(np.ndarray), **kwargs)
        plain_args = [[_plain(a) for a in x] if isinstance(x, (list, tuple)) else _plain(x) for x in args]
        result = func(*plain_args, **{k: _plain(v) for k, v in kwargs.items()})
        out = kwargs.get("out")
        if type(out) is BFloat16Array:  # written unrounded through the plain view: round it now
            out[...] = out.view(np.ndarray)
            return out
        sources = [a for a in args if type(a) is BFloat16Array]
        return _relabel(result, _only_bfloat16(list(args) + list(kwargs.values())), sources)

    def __setitem__(self, key, value):
        value = value if type(value) is BFloat16Array else round_to_bfloat16(_plain(value))
        self.view(np.ndarray)[key] = value.view(np.ndarray)

    def fill(self, value):
        self.view(np.ndarray).fill(round_to_bfloat16(value)[()])

    def astype(self, dtype, order="K", casting="unsafe", subok=True, copy=True):
        """To another NumPy dtype: a plain array (a float32 copy is the same values)."""
        return self.view(np.ndarray).astype(dtype, order=order, casting=casting, copy=copy)

    def __repr__(self):
        return f"BFloat16Array({self.view(np.ndarray)!r})"
