"""Elementwise operations: arithmetic, unary math, comparisons and dtype casts.

Binary ops first bring their operands to torch's result dtype (``_dtype.result_type``)
so NumPy's own promotion rules never decide a visible dtype; Python scalars stay Python
scalars, which NumPy 2 treats as "weak" exactly like torch's wrapped numbers. Broadcast
operands need nothing special in backward: the engine sums each gradient back to its
input's shape (``autograd/engine.py``, ``sum_to``).

A Python number is passed to ``apply`` the way torch's overload takes it: positionally
where torch wraps it into a tensor input (``x * 2`` is ``mul(Tensor, Tensor)``, so its
node shows ``(None, 0)`` for the 2), as a keyword where torch keeps it as a scalar
attribute of the node (``x ** 2``, ``2 - x``, ``clamp(x, 0, 1)``).
"""
import numpy as np

from .. import _dtype
from .._dtype import result_type, _scalar_dtype
from .._tensor import Tensor, _wrap
from ..autograd.function import ArrayFunction
from ..autograd.grad_mode import _state
from .. import _checks


def _is_scalar(x):
    return isinstance(x, (int, float, bool, complex)) and not isinstance(x, np.ndarray)


def _operand(x):
    """Tensors and Python numbers as they are; a NumPy scalar as a number, an array as a Tensor."""
    if isinstance(x, Tensor) or _is_scalar(x):
        return x
    if isinstance(x, (np.generic, np.ndarray)):
        return x.item() if isinstance(x, np.generic) else _wrap(x)
    raise TypeError(f"unsupported operand type: '{type(x).__name__}'")


def _scalar_tensor(x):
    """A 0-dim tensor for a Python number on the left of ``2 / t``; same dtype rules as a wrapped number."""
    if isinstance(x, Tensor):
        return x
    x = _operand(x)
    return _wrap(np.asarray(x, dtype=_scalar_dtype(x)._np))


def promote(a, b, floating=False):
    """Bring two operands to torch's result dtype (``floating``: ints become the default float)."""
    a, b = _operand(a), _operand(b)
    ta, tb = isinstance(a, Tensor), isinstance(b, Tensor)
    if ta and tb and a._data.dtype == b._data.dtype and (not floating or a._data.dtype.kind in "fc"):
        return a, b
    rt = result_type(a, b)
    if floating and not (rt.is_floating_point or rt.is_complex):
        rt = _dtype.get_default_dtype()
    return _to(a, rt), _to(b, rt)


def _to(x, dt):
    if isinstance(x, Tensor):
        return x if x._data.dtype == dt._np else cast(x, dt)
    if dt.is_floating_point and not isinstance(x, complex):
        return float(x)
    if type(x) is int and dt._category == 1:
        lo, hi = _INT_RANGE[dt._np.type]
        if not lo <= x <= hi:  # torch wraps (uint8 tensor + -2 adds 254); NumPy 2 would raise
            return np.array(x).astype(dt._np)[()]
    return x


_INT_RANGE = {t: (int(np.iinfo(t).min), int(np.iinfo(t).max))
              for t in (np.uint8, np.int8, np.int16, np.int32, np.int64, np.uint16, np.uint32, np.uint64)}


def _floating(x):
    """Unary math on an integer tensor computes in the default float dtype, as torch does."""
    x = _operand(x)
    return x if x._data.dtype.kind in "fc" else cast(x, _dtype.get_default_dtype())


def _out(result, out):
    """``result``, or written into a user-given ``out=`` tensor (torch's out= variants)."""
    return result if out is None else _checks.write_out(result, out)


# ---- dtype cast ---------------------------------------------------------------------
class ToCopy(ArrayFunction):
    _backward_name = "ToCopyBackward0"

    @staticmethod
    def forward(ctx, x, np_dtype):
        ctx.in_dtype = x.dtype
        return x.astype(np_dtype)

    @staticmethod
    def backward(ctx, g):
        return g.astype(ctx.in_dtype, copy=False)


def cast(x, dtype):
    return ToCopy.apply(x, np_dtype=dtype._np)


# ---- arithmetic ---------------------------------------------------------------------
class Add(ArrayFunction):
    """``a + alpha * b``; ``a - b`` is the same node with ``alpha = -1`` (``Sub`` below).
    (Negating is exact, so ``a + (-1) * b`` is ``a - b`` to the last bit.)"""
    _backward_name = "AddBackward0"

    @staticmethod
    def forward(ctx, a, b, alpha=1):
        ctx.alpha = alpha
        if alpha == 1 or alpha == -1:
            return np.add(a, b) if alpha == 1 else np.subtract(a, b)
        if type(alpha) is int and alpha < 0:  # an unsigned b cannot be scaled by a negative int
            return np.subtract(a, b * -alpha)
        return np.add(a, b * alpha)

    @staticmethod
    def backward(ctx, g):
        return g, (g if ctx.alpha == 1 else -g if ctx.alpha == -1 else g * ctx.alpha)


class Sub(Add):
    _backward_name = "SubBackward0"


class Rsub(ArrayFunction):
    """``other - alpha * x`` (what ``2 - x`` calls): ``other`` is an input when it is a
    tensor (RsubBackward0), a scalar attribute when it is a number (RsubBackward1)."""

    @staticmethod
    def forward(ctx, x, other, alpha=1):
        ctx.alpha = alpha
        ctx._backward_name = "RsubBackward0" if isinstance(other, np.ndarray) else "RsubBackward1"
        return np.subtract(other, x if alpha == 1 else x * alpha)

    @staticmethod
    def backward(ctx, g):
        return (-g if ctx.alpha == 1 else g * -ctx.alpha), g


class Mul(ArrayFunction):
    _backward_name = "MulBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.multiply(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        return (g * b if ctx.needs_input_grad[0] else None), (g * a if ctx.needs_input_grad[1] else None)


class Div(ArrayFunction):
    _backward_name = "DivBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.true_divide(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        ga = g / b if ctx.needs_input_grad[0] else None
        gb = -g * ((a / b) / b) if ctx.needs_input_grad[1] else None  # torch's order: no b*b underflow
        return ga, gb


class Pow(ArrayFunction):
    """``x ** exponent``: a tensor exponent is an input (PowBackward1), a number is a scalar
    attribute (PowBackward0). ``number ** tensor`` is ``PowScalarBase`` below."""

    @staticmethod
    def forward(ctx, x, exponent):
        ctx._backward_name = "PowBackward1" if isinstance(exponent, np.ndarray) else "PowBackward0"
        out = np.power(x, exponent)
        ctx.save_for_backward(x, exponent, out)
        return out

    @staticmethod
    def backward(ctx, g):
        x, e, out = ctx.saved_tensors
        gx = _pow_grad_base(g, x, e) if ctx.needs_input_grad[0] else None
        ge = _pow_grad_exponent(g, x, e, out) if len(ctx.needs_input_grad) > 1 and ctx.needs_input_grad[1] else None
        return gx, ge


class PowScalarBase(ArrayFunction):
    """``base ** exponent`` for a number ``base`` (torch's pow.Scalar: PowBackward2)."""
    _backward_name = "PowBackward2"

    @staticmethod
    def forward(ctx, exponent, base):
        out = np.power(base, exponent)
        ctx.save_for_backward(base, exponent, out)
        return out

    @staticmethod
    def backward(ctx, g):
        base, e, out = ctx.saved_tensors
        return _pow_grad_exponent(g, base, e, out)


def _pow_grad_base(g, x, e):
    """d(x ** e)/dx = e * x ** (e - 1), and 0 wherever the exponent is 0 (torch's rule)."""
    if _is_scalar(e):
        return np.zeros_like(g) if e == 0 else g * e * np.power(x, e - 1)
    return np.where(e == 0, 0, g * e * np.power(x, e - 1)).astype(g.dtype, copy=False)


def _pow_grad_exponent(g, x, e, out):
    """d(x ** e)/de = x ** e * log(x), and 0 where x == 0 and e >= 0 (torch's rule)."""
    return (g * np.where((x == 0) & (e >= 0), 0, out * np.log(x))).astype(g.dtype, copy=False)


def add(input, other, *, alpha=1, out=None):
    a, b = promote(input, other)
    _checks.alpha(a, b, alpha)
    return _out(Add.apply(a, b, alpha=alpha), out)


def sub(input, other, *, alpha=1, out=None):
    _checks.no_bool_sub(input, other)
    a, b = promote(input, other)
    _checks.alpha(a, b, alpha)
    return _out(Sub.apply(a, b, alpha=-alpha), out)


subtract = sub


def rsub(input, other, alpha=1):
    """``other - alpha * input`` (what ``2 - t`` calls). A Python number ``other`` stays a weak
    scalar, so ``2.5 - float64_tensor`` keeps full precision and ``5 - int32_tensor`` is int32."""
    _checks.no_bool_sub(input, other)
    x, o = promote(input, other)
    _checks.alpha(o, x, alpha)
    if isinstance(o, Tensor):
        return Rsub.apply(x, o, alpha=alpha)
    return Rsub.apply(x, other=o, alpha=alpha)


def mul(input, other, *, out=None):
    a, b = promote(input, other)
    return _out(Mul.apply(a, b), out)


multiply = mul


def div(input, other, *, rounding_mode=None, out=None):
    if rounding_mode is None:
        a, b = promote(input, other, floating=True)
        return _out(Div.apply(a, b), out)
    if rounding_mode not in ("trunc", "floor"):
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{rounding_mode}'")
    a, b = promote(input, other)
    dt = _result_np_dtype(a, b)
    if dt == np.bool_:
        raise NotImplementedError(f"\"div_{rounding_mode}_cpu\" not implemented for 'Bool'")
    if dt.kind in "iu":
        _checks.no_integer_division_by_zero(b)
    with np.errstate(divide="ignore", invalid="ignore"):
        if dt.kind in "iu":
            q = np.floor_divide(_data(a), _data(b))
            if rounding_mode == "trunc":  # floor and trunc differ when the signs differ
                q = np.where((q < 0) & (q * _data(b) != _data(a)), q + 1, q)
        elif rounding_mode == "floor":  # Python's divmod rule, as torch: -1 // 0.01 == -101
            q = np.floor_divide(_data(a), _data(b))
        else:
            q = np.trunc(np.true_divide(_data(a), _data(b)))
    return _out(_wrap(np.asarray(q, dtype=dt)), out)


true_divide = divide = div


def floor_divide(input, other, *, out=None):
    return div(input, other, rounding_mode="floor", out=out)


def remainder(input, other, *, out=None):
    """``a - floor(a / b) * b`` (the sign of ``b``, as Python's ``%``)."""
    a, b = promote(input, other)
    dt = _result_np_dtype(a, b)
    if dt == np.bool_:
        raise NotImplementedError("\"remainder_cpu\" not implemented for 'Bool'")
    if dt.kind in "iu":
        _checks.no_integer_division_by_zero(b)
    with np.errstate(divide="ignore", invalid="ignore"):
        return _out(_wrap(np.asarray(np.remainder(_data(a), _data(b)), dtype=dt)), out)


def fmod(input, other, *, out=None):
    """``a - trunc(a / b) * b`` (the sign of ``a``, as C's ``fmod``)."""
    a, b = promote(input, other)
    dt = _result_np_dtype(a, b)
    if dt.kind in "iu":
        _checks.no_integer_division_by_zero(b)
    with np.errstate(divide="ignore", invalid="ignore"):
        return _out(_wrap(np.asarray(np.fmod(_data(a), _data(b)), dtype=dt)), out)


def pow(input, exponent, *, out=None):
    a, e = promote(input, exponent)
    if (isinstance(a, Tensor) and a._data.dtype.kind in "iu" and not isinstance(e, Tensor)
            and not isinstance(exponent, complex) and exponent < 0):
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    if _result_np_dtype(a, e) == np.bool_:  # only bool_tensor ** True/False is defined
        if isinstance(a, Tensor) and not isinstance(e, Tensor):
            return _out(_wrap(a._data.copy() if e else np.ones_like(a._data)), out)
        raise NotImplementedError("\"pow\" not implemented for 'Bool'")
    if not isinstance(a, Tensor):
        return _out(PowScalarBase.apply(e, base=a), out)
    if not isinstance(e, Tensor):
        return _out(Pow.apply(a, exponent=e), out)
    return _out(Pow.apply(a, e), out)


def _data(x):
    return x._data if isinstance(x, Tensor) else x


def _result_np_dtype(a, b):
    """The NumPy dtype of promoted operands (at least one of them is a Tensor)."""
    return (a if isinstance(a, Tensor) else b)._data.dtype


class Addcmul(ArrayFunction):
    """``x + value * t1 * t2`` as one node (what optimizers use for running averages)."""
    _backward_name = "AddcmulBackward0"

    @staticmethod
    def forward(ctx, x, t1, t2, value):
        ctx.save_for_backward(t1, t2)
        ctx.value = value
        return x + value * t1 * t2

    @staticmethod
    def backward(ctx, g):
        t1, t2 = ctx.saved_tensors
        return g, g * ctx.value * t2, g * ctx.value * t1


class Addcdiv(ArrayFunction):
    """``x + value * t1 / t2`` as one node."""
    _backward_name = "AddcdivBackward0"

    @staticmethod
    def forward(ctx, x, t1, t2, value):
        ctx.save_for_backward(t1, t2)
        ctx.value = value
        return x + value * t1 / t2

    @staticmethod
    def backward(ctx, g):
        t1, t2 = ctx.saved_tensors
        return g, g * ctx.value / t2, -g * ctx.value * t1 / (t2 * t2)


class Lerp(ArrayFunction):
    """``x + weight * (end - x)``, computed as torch does for accuracy near weight = 1:
    ``end - (end - x) * (1 - weight)`` when ``|weight| >= 0.5``. A number ``weight`` is an
    attribute (LerpBackward0), a tensor one an input (LerpBackward1)."""

    @staticmethod
    def forward(ctx, x, end, weight):
        if isinstance(weight, np.ndarray):
            ctx._backward_name = "LerpBackward1"
            ctx.save_for_backward(x, end, weight)
        else:
            ctx._backward_name, ctx.weight = "LerpBackward0", weight
        diff = end - x
        return np.where(np.abs(weight) < 0.5, x + weight * diff, end - diff * (1 - weight)).astype(diff.dtype)

    @staticmethod
    def backward(ctx, g):
        if ctx._backward_name == "LerpBackward0":
            return g * (1 - ctx.weight), g * ctx.weight
        x, end, w = ctx.saved_tensors
        return g * (1 - w), g * w, g * (end - x)


def _three(input, tensor1, tensor2):
    rt = result_type(_operand(input), _operand(tensor1), _operand(tensor2))
    return _to(_operand(input), rt), _to(_operand(tensor1), rt), _to(_operand(tensor2), rt)


def addcmul(input, tensor1, tensor2, *, value=1, out=None):
    return _out(Addcmul.apply(*_three(input, tensor1, tensor2), value=value), out)


def addcdiv(input, tensor1, tensor2, *, value=1, out=None):
    x, t1, t2 = _three(input, tensor1, tensor2)
    if t1._data.dtype.kind in "iub" and t2._data.dtype.kind in "iub":
        raise RuntimeError("Integer division with addcdiv is no longer supported, and in a future release addcdiv "
                           "will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can "
                           "be implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for "
                           "integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The future "
                           "addcdiv behavior is just the latter implementation: (input + value * tensor1 / tensor2), "
                           "for all dtypes.")
    return _out(Addcdiv.apply(x, t1, t2, value=value), out)


def lerp(input, end, weight, *, out=None):
    x, e = promote(input, end)
    if isinstance(weight, Tensor):
        return _out(Lerp.apply(x, e, weight), out)
    return _out(Lerp.apply(x, e, weight=weight), out)


# ---- unary math ---------------------------------------------------------------------
def _unary(name, fn, grad, save="input", floating=True, bool_error=None):
    """Build a one-input Function: ``fn`` computes the output, ``grad(g, saved)`` its backward,
    where ``saved`` is the input, the output (``save="output"``) or nothing (``save=None``:
    torch saves nothing for these, so a second backward through them is allowed).
    ``bool_error``: the NotImplementedError message torch gives for a bool input."""

    class Unary(ArrayFunction):
        _backward_name = name

        @staticmethod
        def forward(ctx, x):
            y = fn(x)
            if save is not None:
                ctx.save_for_backward(x if save == "input" else y)
            return y

        @staticmethod
        def backward(ctx, g):
            return grad(g, ctx.saved_tensors[0] if save is not None else None)

    Unary.__name__ = Unary.__qualname__ = name.replace("Backward0", "")

    def op(input, *, out=None):
        x = _floating(input) if floating else _operand(input)
        if bool_error is not None and x._data.dtype == np.bool_:
            raise NotImplementedError(bool_error)
        return _out(Unary.apply(x), out)
    op.Function = Unary
    return op


# Each line: torch's node name, the forward, and the backward in terms of (grad, saved).
exp = _unary("ExpBackward0", np.exp, lambda g, y: g * y, save="output")
log = _unary("LogBackward0", np.log, lambda g, x: g / x)
log2 = _unary("Log2Backward0", np.log2, lambda g, x: g / (x * np.log(2).astype(x.dtype)))
log10 = _unary("Log10Backward0", np.log10, lambda g, x: g / (x * np.log(10).astype(x.dtype)))
log1p = _unary("Log1PBackward0", np.log1p, lambda g, x: g / (x + 1))
expm1 = _unary("Expm1Backward0", np.expm1, lambda g, y: g * (y + 1), save="output")
sqrt = _unary("SqrtBackward0", np.sqrt, lambda g, y: g / (2 * y), save="output")
rsqrt = _unary("RsqrtBackward0", lambda x: 1 / np.sqrt(x), lambda g, y: g * -0.5 * y * y * y, save="output")
reciprocal = _unary("ReciprocalBackward0", np.reciprocal, lambda g, y: -g * y * y, save="output")
sin = _unary("SinBackward0", np.sin, lambda g, x: g * np.cos(x))
cos = _unary("CosBackward0", np.cos, lambda g, x: -g * np.sin(x))
tanh = _unary("TanhBackward0", np.tanh, lambda g, y: g * (1 - y * y), save="output")
sigmoid = _unary("SigmoidBackward0", lambda x: 1 / (1 + np.exp(-x)), lambda g, y: g * (1 - y) * y, save="output")
neg = _unary("NegBackward0", np.negative, lambda g, _: -g, save=None, floating=False,
             bool_error="Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")
negative = neg
abs = _unary("AbsBackward0", np.abs, lambda g, x: g * np.sign(x), floating=False,
             bool_error="\"abs_cpu\" not implemented for 'Bool'")
absolute = abs
_square = _unary("PowBackward0", np.square, lambda g, x: g * 2 * x, floating=False)
relu = _unary("ReluBackward0", lambda x: np.maximum(x, 0), lambda g, y: g * (y > 0), save="output", floating=False,
              bool_error="Boolean inputs not supported for relu")
sign = _unary("SignBackward0", np.sign, lambda g, _: np.zeros_like(g), save=None, floating=False)
floor = _unary("FloorBackward0", np.floor, lambda g, _: np.zeros_like(g), save=None, floating=False)
ceil = _unary("CeilBackward0", np.ceil, lambda g, _: np.zeros_like(g), save=None, floating=False)
trunc = _unary("TruncBackward0", np.trunc, lambda g, _: np.zeros_like(g), save=None, floating=False)
frac = _unary("FracBackward0", lambda x: x - np.trunc(x), lambda g, _: g, save=None, floating=False)
_round0 = _unary("RoundBackward0", np.round, lambda g, _: np.zeros_like(g), save=None, floating=False)


def square(input, *, out=None):
    """``input * input``; torch computes it as ``pow(input, 2)``, so a bool input gives int64."""
    x = _operand(input)
    return _square(cast(x, _dtype.int64) if x._data.dtype == np.bool_ else x, out=out)


def round(input, *, decimals=0, out=None):
    if decimals == 0:
        return _round0(input, out=out)
    return _out(_wrap(np.round(_operand(input)._data, decimals)), out)


def bitwise_not(input):
    x = _operand(input)
    if x._data.dtype.kind not in "iub":
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
    return _wrap(np.invert(x._data))


def _bitwise(np_fn):
    def op(input, other):
        a, b = promote(input, other)
        return _wrap(np.asarray(np_fn(a._data, _data(b)), dtype=a._data.dtype))
    return op


bitwise_and, bitwise_or, bitwise_xor = _bitwise(np.bitwise_and), _bitwise(np.bitwise_or), _bitwise(np.bitwise_xor)


# ---- clamp / maximum / minimum / where ------------------------------------------------
class Clamp(ArrayFunction):
    """``min(max(x, lo), hi)`` (``hi`` wins when ``lo > hi``), as torch's two overloads:

    * number bounds (ClampBackward1): the gradient passes only strictly inside (lo, hi);
      an element sitting exactly on a bound gets 0.
    * tensor bounds (ClampBackward0): each bound is differentiable and a tie splits the
      gradient in half, as in ``maximum``/``minimum``; when ``x == lo == hi``, x takes it all,
      and when ``lo > hi``, hi does.

    Number bounds are passed as keywords (attributes of the node), tensor bounds
    positionally (inputs), as in torch.
    """

    @staticmethod
    def forward(ctx, x, lo=None, hi=None):
        ctx.save_for_backward(x, lo, hi)
        ctx._backward_name = ("ClampBackward0" if isinstance(lo, np.ndarray) or isinstance(hi, np.ndarray)
                              else "ClampBackward1")
        y = x
        if lo is not None:
            y = np.maximum(y, lo)
        if hi is not None:
            y = np.minimum(y, hi)
        return y if y is not x else x.copy()

    @staticmethod
    def backward(ctx, g):
        x, lo, hi = ctx.saved_tensors
        if ctx._backward_name == "ClampBackward1":
            keep = True
            if lo is not None:
                keep = x > lo
            if hi is not None:
                keep = keep & (x < hi)
            return g * keep
        one, half, zero = np.ones((), g.dtype), np.asarray(0.5, g.dtype), np.zeros((), g.dtype)
        wlo = whi = None
        if lo is not None and hi is not None:
            # torch's two-bound rule (checked against it case by case, NaNs included)
            lo_tie, hi_tie = (x == lo) & (x < hi), (x == hi) & (x > lo)
            wx = np.where((x < lo) | (x > hi), zero, np.where(lo_tie | hi_tie, half, one))
            wlo = np.where((x < lo) & (lo <= hi), one, np.where(lo_tie, half, zero))
            whi = np.where((lo > hi) | (x > hi) & (lo <= hi), one, np.where(hi_tie, half, zero))
        elif lo is not None:  # maximum(x, lo): each side loses only where strictly smaller
            tie = x == lo
            wx = np.where(x < lo, zero, np.where(tie, half, one))
            wlo = np.where(x > lo, zero, np.where(tie, half, one))
        else:  # minimum(x, hi)
            tie = x == hi
            wx = np.where(x > hi, zero, np.where(tie, half, one))
            whi = np.where(x < hi, zero, np.where(tie, half, one))
        glo = g * wlo if ctx.needs_input_grad[1] else None
        ghi = g * whi if ctx.needs_input_grad[2] else None
        return g * wx, glo, ghi


def clamp(input, min=None, max=None, *, out=None):
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    x = _operand(input)
    operands = [x] + [m for m in (min, max) if m is not None]
    rt = result_type(*[_operand(o) for o in operands])
    x = _to(x, rt)
    lo = _to(_operand(min), rt) if min is not None else None
    hi = _to(_operand(max), rt) if max is not None else None
    if isinstance(lo, Tensor) or isinstance(hi, Tensor):
        return _out(Clamp.apply(x, lo, hi), out)
    return _out(Clamp.apply(x, lo=lo, hi=hi), out)


clip = clamp


class _MaxMin(ArrayFunction):
    np_fn = None

    @classmethod
    def forward(cls, ctx, a, b):
        ctx.save_for_backward(a, b)
        return cls.np_fn(a, b)

    @classmethod
    def backward(cls, ctx, g):
        # torch: a tie splits the gradient in half; an operand gets nothing only where it
        # strictly loses (so both get the full gradient where a NaN is involved).
        a, b = ctx.saved_tensors
        a_loses, b_loses = (a < b, a > b) if cls.np_fn is np.maximum else (a > b, a < b)
        g = np.where(a == b, g / 2, g)
        ga = np.where(a_loses, 0, g) if ctx.needs_input_grad[0] else None
        gb = np.where(b_loses, 0, g) if ctx.needs_input_grad[1] else None
        return ga, gb


class Maximum(_MaxMin):
    _backward_name, np_fn = "MaximumBackward0", staticmethod(np.maximum)


class Minimum(_MaxMin):
    _backward_name, np_fn = "MinimumBackward0", staticmethod(np.minimum)


def maximum(input, other, *, out=None):
    a, b = promote(input, other)
    return _out(Maximum.apply(a, b), out)


def minimum(input, other, *, out=None):
    a, b = promote(input, other)
    return _out(Minimum.apply(a, b), out)


class Where(ArrayFunction):
    """``x`` where ``condition`` else ``y``; the condition is an attribute, not an input."""
    _backward_name = "WhereBackward0"

    @staticmethod
    def forward(ctx, x, y, condition):
        ctx.save_for_backward(condition)
        return np.where(condition, x, y)

    @staticmethod
    def backward(ctx, g):
        cond, = ctx.saved_tensors
        gx = np.where(cond, g, 0) if ctx.needs_input_grad[0] else None
        gy = np.where(cond, 0, g) if len(ctx.needs_input_grad) > 1 and ctx.needs_input_grad[1] else None
        return gx, gy


def where(condition, input=None, other=None, *, out=None):
    if input is None and other is None:
        return tuple(_wrap(i) for i in np.nonzero(_operand(condition)._data))
    cond = _operand(condition)
    if cond._data.dtype != np.bool_:
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype {cond.dtype}")
    x, y = promote(input, other)
    if not isinstance(x, Tensor) and not isinstance(y, Tensor):
        x = _scalar_tensor(x)
    return _out(Where.apply(x, y, condition=cond._data), out)


# ---- comparisons and predicates (no gradient) ------------------------------------------
def _compare(np_fn):
    def op(input, other, *, out=None):
        a, b = promote(input, other)
        try:
            return _out(_wrap(np.asarray(np_fn(_data(a), _data(b)))), out)
        except ValueError as e:
            raise _checks.broadcast_error_or(e, [np.shape(_data(a)), np.shape(_data(b))]) from None
    return op


eq, ne, lt, le, gt, ge = (_compare(f) for f in (np.equal, np.not_equal, np.less, np.less_equal, np.greater, np.greater_equal))
greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne


def logical_not(input):
    return _wrap(np.logical_not(_operand(input)._data))


def logical_and(input, other):
    return _wrap(np.logical_and(_data(_operand(input)), _data(_operand(other))))


def logical_or(input, other):
    return _wrap(np.logical_or(_data(_operand(input)), _data(_operand(other))))


def logical_xor(input, other):
    return _wrap(np.logical_xor(_data(_operand(input)), _data(_operand(other))))


def isnan(input):
    return _wrap(np.isnan(input._data))


def isinf(input):
    return _wrap(np.isinf(input._data))


def isfinite(input):
    return _wrap(np.isfinite(input._data))


def equal(input, other):
    """True when both tensors have the same shape and the same values."""
    return input._data.shape == other._data.shape and bool(np.array_equal(input._data, other._data))


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    a, b = promote(input, other)
    return _wrap(np.isclose(a._data, _data(b), rtol=rtol, atol=atol, equal_nan=equal_nan))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    a, b = promote(input, other)
    return bool(np.allclose(a._data, _data(b), rtol=rtol, atol=atol, equal_nan=equal_nan))
