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
import math

import numpy as np

from .. import _dtype
from .._dtype import result_type, _scalar_dtype
from .._tensor import Tensor, _wrap
from ..autograd.function import ArrayFunction
from ..autograd.saved_variable import graph_values
from .backward_ops import ThresholdBackward
from ..autograd.grad_mode import _state
from ..autograd.graph import shown_edges
from .. import _checks, _opmath
from .fused import fma
from .._type_info import finfo


def _is_scalar(x):
    return isinstance(x, (int, float, bool, complex)) and not isinstance(x, np.ndarray)


def _operand(x):
    """Tensors and Python numbers as they are; a NumPy scalar as a number, an array as a Tensor."""
    if isinstance(x, Tensor) or _is_scalar(x) and not isinstance(x, np.generic):  # (np.float64 is a float)
        return x
    if isinstance(x, (np.generic, np.ndarray)):
        return x.item() if isinstance(x, np.generic) else _wrap(x)
    raise TypeError(f"unsupported operand type: '{type(x).__name__}'")


def _scalar_tensor(x):
    """A 0-dim tensor for a Python number on the left of ``2 / t``; same dtype rules as a wrapped number."""
    if isinstance(x, Tensor):
        return x
    x = _operand(x)
    dt = _scalar_dtype(x)
    return _wrap(_dtype.as_dtype(np.asarray(x, dtype=dt._np), dt))


def promote(a, b, floating=False, exact_scalar=False):
    """Bring two operands to torch's result dtype (``floating``: ints become the default float).

    A Python number meeting a float16/bfloat16 tensor is rounded to that dtype, as torch
    wraps it in a tensor of the common dtype -- except in the kernels that read it in
    float32 instead (``exact_scalar``: mul and div)."""
    a, b = _operand(a), _operand(b)
    ta, tb = isinstance(a, Tensor), isinstance(b, Tensor)
    if (ta and tb and a._data.dtype == b._data.dtype and (not floating or a._data.dtype.kind in "fc")
            and (not _dtype.low_precision_seen or type(a._data) is type(b._data))):  # (bfloat16 vs float32)
        return a, b
    rt = result_type(a, b)
    if floating and not (rt.is_floating_point or rt.is_complex):
        rt = _dtype.get_default_dtype()
    return _to(a, rt, exact_scalar), _to(b, rt, exact_scalar)


def _to(x, dt, exact_scalar=False):
    if isinstance(x, Tensor):
        same = x._data.dtype == dt._np and (not _dtype.low_precision_seen or x.dtype is dt)  # (bfloat16 vs float32)
        return x if same else cast(x, dt)
    if dt.is_floating_point and not isinstance(x, complex):
        if exact_scalar and type(x) in (int, bool) and -2**53 <= x <= 2**53:
            return x  # (NumPy converts it exactly as float(x); the node keeps it: grad_fn._saved_other is int64)
        return float(x) if dt.itemsize > 2 or exact_scalar else _opmath.wrapped_number(x, dt)
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
    _opmath = False  # a cast sets its output dtype itself (see _opmath.py)

    @staticmethod
    def forward(ctx, x, dtype):
        ctx.in_dtype = _dtype.of_array(x)
        return _dtype.as_dtype(x, dtype, copy=True)

    @staticmethod
    def backward(ctx, g):  # (under create_graph ``g`` is a Tensor: the cast back, recorded)
        return g.to(ctx.in_dtype) if isinstance(g, Tensor) else _dtype.as_dtype(g, ctx.in_dtype)


def cast(x, dtype):
    return ToCopy.apply(x, dtype=dtype)


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
        if a.dtype.kind == "f" and b.dtype == a.dtype:  # torch's kernel fuses: one rounding
            return fma(a.dtype.type(alpha), b, a)
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
    _save_names, _save_for, _pack_order = ("self", "other"), (1, 0), (1, 0)

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
    _save_names, _save_for, _pack_order = ("self", "other"), (1, None), (1, 0)

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
    _save_names = ("self", "exponent", "result")

    @staticmethod
    def forward(ctx, x, exponent):
        ctx._backward_name = "PowBackward1" if isinstance(exponent, np.ndarray) else "PowBackward0"
        ctx.exponent = exponent  # (a number stays readable as grad_fn._saved_exponent after backward)
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
    _save_names = ("self", "exponent", "result")

    @staticmethod
    def forward(ctx, exponent, base, number=None):
        out = np.power(base, exponent)
        ctx.save_for_backward(base, exponent, out)
        ctx.number = number  # (the base as given: grad_fn._saved_self)
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
    a, b = promote(input, other, exact_scalar=True)
    return _out(Mul.apply(a, b), out)


multiply = mul


def div(input, other, *, rounding_mode=None, out=None):
    if rounding_mode is None:
        a, b = promote(input, other, floating=True, exact_scalar=True)
        return _out(Div.apply(a, b), out)
    if rounding_mode not in ("trunc", "floor"):
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{rounding_mode}'")
    return _rounded(DivRounded, input, other, rounding_mode, out)


def _rounded(op, input, other, rounding_mode, out):
    a, b = promote(input, other)
    dt = _result_np_dtype(a, b)
    if dt == np.bool_:
        raise NotImplementedError(f"\"div_{rounding_mode}_cpu\" not implemented for 'Bool'")
    if dt.kind in "iu":
        _checks.no_integer_division_by_zero(b)
    return _out(op.apply(a, b, rounding_mode=rounding_mode, dtype=dt), out)


class DivRounded(ArrayFunction):
    """``div(a, b, rounding_mode=...)``: a step function of both operands, so both gradients
    are zeros (torch's DivBackward2; a number divisor is an input that needs no gradient)."""
    _backward_name = "DivBackward2"

    @staticmethod
    def forward(ctx, a, b, rounding_mode, dtype=None):
        dt = np.result_type(a, b) if dtype is None else dtype
        if dt.kind in "iu":
            q = np.floor_divide(a, b)
            if rounding_mode == "trunc":  # floor and trunc differ when the signs differ
                q = np.where((q < 0) & (q * b != a), q + 1, q)
        elif rounding_mode == "floor":  # Python's divmod rule, as torch: -1 // 0.01 == -101
            q = np.floor_divide(a, b)
        else:
            q = np.trunc(np.true_divide(a, b))
        return np.asarray(q, dtype=dt)

    @staticmethod
    def backward(ctx, g):
        return np.zeros_like(g), np.zeros_like(g)


true_divide = divide = div


class FloorDivide(DivRounded):
    """``floor_divide`` (``//``): the same quotient, but torch defines no derivative for it:
    its node (``NotImplemented``) records the operands that require grad and raises when a
    backward reaches it."""
    _backward_name = "torch::autograd::NotImplemented"

    @staticmethod
    def backward(ctx, g):
        raise RuntimeError("derivative for aten::floor_divide is not implemented")

    @property
    def next_functions(self):  # (torch's node keeps only the operands that require grad)
        return shown_edges(tuple(e for e in self._next if e is not None))


def floor_divide(input, other, *, out=None):
    return _rounded(FloorDivide, input, other, "floor", out)


def remainder(input, other, *, out=None):
    """``a - floor(a / b) * b`` (the sign of ``b``, as Python's ``%``)."""
    a, b = promote(input, other)
    dt = _result_np_dtype(a, b)
    if dt == np.bool_:
        raise NotImplementedError("\"remainder_cpu\" not implemented for 'Bool'")
    if dt.kind in "iu":
        _checks.no_integer_division_by_zero(b)
    return _out(_apply2(Remainder, a, b), out)


def fmod(input, other, *, out=None):
    """``a - trunc(a / b) * b`` (the sign of ``a``, as C's ``fmod``)."""
    a, b = promote(input, other)
    dt = _result_np_dtype(a, b)
    if dt == np.bool_:
        raise NotImplementedError("\"fmod_cpu\" not implemented for 'Bool'")
    if dt.kind in "iu":
        _checks.no_integer_division_by_zero(b)
    return _out(_apply2(Fmod, a, b), out)


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
        return _out(PowScalarBase.apply(e, base=a, number=input), out)
    if not isinstance(e, Tensor):  # (an int exponent stays an int: grad_fn._saved_exponent shows it)
        return _out(Pow.apply(a, exponent=exponent if type(exponent) is int and type(e) is float else e), out)
    return _out(Pow.apply(a, e), out)


def _data(x):
    return x._data if isinstance(x, Tensor) else x


def _result_np_dtype(a, b):
    """The NumPy dtype of promoted operands (at least one of them is a Tensor)."""
    return (a if isinstance(a, Tensor) else b)._data.dtype


class Addcmul(ArrayFunction):
    """``x + value * t1 * t2`` as one node (what optimizers use for running averages)."""
    _backward_name = "AddcmulBackward0"
    _save_names, _save_for = ("tensor1", "tensor2"), (2, 1)

    @staticmethod
    def forward(ctx, x, t1, t2, value):
        ctx.save_for_backward(t1, t2)
        ctx.value = value
        if x.dtype.kind == "f" and x.dtype == t1.dtype == t2.dtype:  # torch: fma(value * t1, t2, x)
            return fma(x.dtype.type(value) * t1, t2, x)
        return x + value * t1 * t2

    @staticmethod
    def backward(ctx, g):
        t1, t2 = ctx.saved_tensors
        return g, g * ctx.value * t2, g * ctx.value * t1


class Addcdiv(ArrayFunction):
    """``x + value * t1 / t2`` as one node."""
    _backward_name = "AddcdivBackward0"
    _save_names = ("tensor1", "tensor2")

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
    """``input + weight * (end - input)``, computed as torch computes it: from ``input`` when
    ``|weight| < 0.5``, else as ``end - (end - input) * (1 - weight)``, so both ends are exact.
    A number ``weight`` is an attribute of the node (LerpBackward0), a tensor one an input
    (LerpBackward1)."""
    _save_names = ("self", "end", "weight")

    @staticmethod
    def forward(ctx, x, end, weight):
        if isinstance(weight, np.ndarray):
            ctx._backward_name = "LerpBackward1"
            ctx.save_for_backward(x, end, weight)
        else:
            ctx._backward_name, ctx.weight = "LerpBackward0", weight
        diff = end - x  # torch's two fused formulas: fma(w, diff, x) or fma(-diff, 1 - w, end)
        small = np.abs(weight) < 0.5
        if np.ndim(small) == 0:
            return fma(weight, diff, x) if small else fma(-diff, 1 - weight, end)
        return np.where(small, fma(weight, diff, x), fma(-diff, 1 - weight, end)).astype(diff.dtype)

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
    x, end = _operand(input), _operand(end)
    tensor_weight = isinstance(weight, Tensor)
    _checks.floating_input(x._data, "lerp_kernel_tensor" if tensor_weight else "lerp_kernel_scalar")
    for name, t in (("end", end),) + ((("weight", weight),) if tensor_weight else ()):
        if t._data.dtype != x._data.dtype:
            raise RuntimeError(f"expected dtype {x.dtype._cpp_name} for `{name}` but got dtype {t.dtype._cpp_name}")
    if tensor_weight:
        return _out(Lerp.apply(x, end, weight), out)
    opmath = np.float32 if x._data.dtype == np.float16 else x._data.dtype.type  # float16 reads it in float32
    return _out(Lerp.apply(x, end, weight=opmath(weight)), out)


# ---- two-input math with gradients ---------------------------------------------------
def _binary(names, fn, grad, save_with_number=True):
    """Build a two-input Function: ``fn(a, b)`` the forward, ``grad(g, a, b, out)`` the
    gradients of both operands.

    ``names``: torch's node name for (tensor, tensor), (tensor, number) and (number, tensor).
    A Python-number operand is a scalar attribute of torch's node, not an input, so it is
    passed as a keyword (``other=`` or ``input=``; ``_apply2`` does this). Without
    ``save_with_number``, the calls with a number save nothing (torch's backward then
    needs none of the values) and ``grad`` gets ``None`` for them."""

    class Binary(ArrayFunction):
        _save_names = ("self", "other", "result")

        @staticmethod
        def forward(ctx, *tensors, input=None, other=None):
            if len(tensors) == 2:
                (a, b), ctx.kind = tensors, 0
            elif input is None:
                (a,), b, ctx.kind = tensors, other, 1
            else:
                a, (b,), ctx.kind = input, tensors, 2
            ctx._backward_name = names[ctx.kind]
            out = fn(a, b)
            if ctx.kind == 0 or save_with_number:
                ctx.save_for_backward(a, b, out)
            return out

        @staticmethod
        def backward(ctx, g):
            if ctx._backward_name == _NOT_IMPLEMENTED:
                raise RuntimeError(f"derivative for aten::{Binary.__name__.lower()} is not implemented")
            ga, gb = grad(g, *(ctx.saved_tensors if ctx.kind == 0 or save_with_number else (None,) * 3))
            return (ga, gb) if ctx.kind == 0 else ga if ctx.kind == 1 else gb

    Binary.__name__ = Binary.__qualname__ = names[0][:names[0].index("Backward")]
    return Binary


_NOT_IMPLEMENTED = "torch::autograd::NotImplemented"  # torch's node for an op without a derivative


def _apply2(function, a, b):
    """Apply a ``_binary`` Function, each Python-number operand as its keyword."""
    if not isinstance(b, Tensor):
        return function.apply(a, other=b)
    if not isinstance(a, Tensor):
        return function.apply(b, input=a)
    return function.apply(a, b)


def _xlogy(x, y):
    """``x * log(y)``, 0 where x == 0 unless y is NaN (torch's rule)."""
    return np.where(np.isnan(y), np.nan, np.where(x == 0, 0, x * np.log(y))).astype(np.result_type(x, y), copy=False)


def _atan2_grad(g, a, b, out):
    """torch's atan2_backward, with 0 where a = b = 0 (the formula would give 0 * inf)."""
    r2 = a * a + b * b
    r = np.where(r2 == 0, 0, 1 / r2)
    return g * b * r, g * -a * r


def _xlogy_grad(g, a, b, out):
    ga = np.where((a == 0) & (b <= 0), 0, _xlogy(g, b))
    return ga, g * a / b


# Each line: torch's node names, the forward, and the backward in terms of (grad, a, b, out).
Atan2 = _binary(("Atan2Backward0",), np.arctan2, _atan2_grad)
Hypot = _binary(("HypotBackward0",), np.hypot, lambda g, a, b, out: (g * a / out, g * b / out))
Logaddexp = _binary(("LogaddexpBackward0",), np.logaddexp,
                    lambda g, a, b, out: (g / (1 + np.exp(b - a)), g / (1 + np.exp(a - b))))
Xlogy = _binary(("XlogyBackward0", "XlogyBackward2", "XlogyBackward1"), _xlogy, _xlogy_grad)
Fmod = _binary(("FmodBackward1", "FmodBackward0"), np.fmod,
               lambda g, a, b, out: (g, None if b is None else -g * DivRounded.call(a, b, rounding_mode="trunc")),
               save_with_number=False)
Remainder = _binary(("RemainderBackward1", "RemainderBackward0", _NOT_IMPLEMENTED), np.remainder,
                    lambda g, a, b, out: (g, None if b is None else -g * DivRounded.call(a, b, rounding_mode="floor")),
                    save_with_number=False)


def atan2(input, other, *, out=None):
    _checks.tensor_operands("atan2", input, other)
    return _out(Atan2.apply(*promote(input, other, floating=True)), out)


arctan2 = atan2


def hypot(input, other, *, out=None):
    _checks.tensor_operands("hypot", input, other)
    a, b = promote(input, other)
    _checks.floating_input(a._data, "hypot_cpu")
    return _out(Hypot.apply(a, b), out)


def logaddexp(input, other, *, out=None):
    _checks.tensor_operands("logaddexp", input, other)
    a, b = promote(input, other)
    _checks.floating_input(a._data, "logaddexp_cpu")
    return _out(Logaddexp.apply(a, b), out)


def xlogy(input, other, *, out=None):
    return _out(_apply2(Xlogy, *promote(input, other, floating=True)), out)


# ---- unary math ---------------------------------------------------------------------
def _unary(name, fn, grad, save="input", floating=True, bool_error=None):
    """Build a one-input Function: ``fn`` computes the output, ``grad(g, saved)`` its backward,
    where ``saved`` is the input, the output (``save="output"``) or nothing (``save=None``:
    torch saves nothing for these, so a second backward through them is allowed).
    ``grad`` may be one of torch's backward kernels instead (``backward_ops.py``): its
    formula is the backward, and under ``create_graph`` it records its own node, as torch's.
    ``bool_error``: the NotImplementedError message torch gives for a bool input."""
    kernel, grad = (grad, grad.kernel) if isinstance(grad, type) else (None, grad)

    class Unary(ArrayFunction):
        _backward_name = name
        _save_names = {"input": ("self",), "output": ("result",), None: None}[save]

        @staticmethod
        def forward(ctx, x):
            y = fn(x)
            if save is not None:
                ctx.save_for_backward(x if save == "input" else y)
            return y

        @staticmethod
        def backward(ctx, g):
            return grad(g, ctx.saved_tensors[0] if save is not None else None)

    Unary.__qualname__ = name.replace("Backward0", "")  # (its __name__ is torch's node name: ArrayFunction)
    if kernel is not None:
        Unary._graph_backward = staticmethod(lambda ctx, g: kernel.apply(g, graph_values(ctx)[0]))

    def op(input, *, out=None):
        x = _floating(input) if floating else _operand(input)
        if bool_error is not None and x._data.dtype == np.bool_:
            raise NotImplementedError(bool_error)
        return _out(Unary.apply(x), out)
    op.Function = Unary
    return op


def _exact(fn):
    """``fn`` for floats; integers and bools are already exact (NumPy's floor would make floats)."""
    return lambda x: fn(x) if x.dtype.kind in "fc" else x.copy()


def _sign(x):
    """-1, 0 or 1 (0 for NaN, as torch's ``(0 < x) - (x < 0)``); a bool is its own sign."""
    return x.copy() if x.dtype == np.bool_ else np.where(x != x, 0, np.sign(x)).astype(x.dtype, copy=False)


def _underivable(what):
    """The backward of a node torch records but cannot differentiate."""
    def grad(g, _):
        raise NotImplementedError(f"the derivative for '{what}' is not implemented.")
    return grad


def _frac(x):
    _checks.floating_input(x, "frac_cpu")  # (torch has no frac for integers)
    return x - np.trunc(x)


def _zero(g, _):
    return np.zeros_like(g)


def _no_bool(kernel):
    return f"\"{kernel}\" not implemented for 'Bool'"


def _sinc(x):
    """sin(pi x) / (pi x), and 1 at x = 0."""
    px = x * math.pi
    return np.where(x == 0, 1, np.sin(px) / px).astype(x.dtype, copy=False)


def _sinc_grad(g, x):
    """torch's sinc_backward: (pi x cos(pi x) - sin(pi x)) / (pi x^2), 0 where pi x^2 is 0."""
    px, pxx = x * math.pi, x * x * math.pi
    return np.where(pxx == 0, 0, g * (px * np.cos(px) - np.sin(px)) / pxx).astype(g.dtype, copy=False)


# Each line: torch's node name, the forward, and the backward in terms of (grad, saved).
exp = _unary("ExpBackward0", np.exp, lambda g, y: g * y, save="output")
log = _unary("LogBackward0", np.log, lambda g, x: g / x)
log2 = _unary("Log2Backward0", np.log2, lambda g, x: g / (x * math.log(2)))
log10 = _unary("Log10Backward0", np.log10, lambda g, x: g / (x * math.log(10)))
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
relu = _unary("ReluBackward0", lambda x: np.maximum(x, 0), ThresholdBackward,
              save="output", floating=False,
              bool_error="Boolean inputs not supported for relu")
sign = _unary("SignBackward0", _sign, _zero, save=None, floating=False)
sgn = _unary("SgnBackward0", _sign, _zero, floating=False)  # (torch saves for complex sgn)
floor = _unary("FloorBackward0", _exact(np.floor), _zero, save=None, floating=False, bool_error=_no_bool("floor_vml_cpu"))
ceil = _unary("CeilBackward0", _exact(np.ceil), _zero, save=None, floating=False, bool_error=_no_bool("ceil_vml_cpu"))
trunc = _unary("TruncBackward0", _exact(np.trunc), _zero, save=None, floating=False, bool_error=_no_bool("trunc_vml_cpu"))
fix = trunc
frac = _unary("FracBackward0", _frac, lambda g, _: g, save=None, floating=False)
_round0 = _unary("RoundBackward0", _exact(np.round), _zero, save=None, floating=False, bool_error=_no_bool("round_vml_cpu"))
# trigonometric and hyperbolic functions and their inverses (torch's formulas, derivatives.yaml)
tan = _unary("TanBackward0", np.tan, lambda g, y: g * (1 + y * y), save="output")
asin = _unary("AsinBackward0", np.arcsin, lambda g, x: g / np.sqrt(1 - x * x))
acos = _unary("AcosBackward0", np.arccos, lambda g, x: -g / np.sqrt(1 - x * x))
atan = _unary("AtanBackward0", np.arctan, lambda g, x: g / (x * x + 1))
sinh = _unary("SinhBackward0", np.sinh, lambda g, x: g * np.cosh(x))
cosh = _unary("CoshBackward0", np.cosh, lambda g, x: g * np.sinh(x))
asinh = _unary("AsinhBackward0", np.arcsinh, lambda g, x: g / np.sqrt(x * x + 1))
acosh = _unary("AcoshBackward0", np.arccosh, lambda g, x: g / np.sqrt(x * x - 1))
atanh = _unary("AtanhBackward0", np.arctanh, lambda g, x: g / (1 - x * x))
arcsin, arccos, arctan, arcsinh, arccosh, arctanh = asin, acos, atan, asinh, acosh, atanh
# torch has no derivative for these three in place (``x.asinh_()``): their nodes raise in backward
asinh_inplace = _unary("AsinhBackward1", np.arcsinh, _underivable("inplace version of asinh"), save=None)
acosh_inplace = _unary("AcoshBackward1", np.arccosh, _underivable("inplace version of acosh"), save=None)
atanh_inplace = _unary("AtanhBackward1", np.arctanh, _underivable("inplace version of atanh"), save=None)
sinc = _unary("SincBackward0", _sinc, _sinc_grad)
exp2 = _unary("Exp2Backward0", np.exp2, lambda g, y: g * y * np.log(2).astype(np.result_type(y)), save="output")
deg2rad = _unary("Deg2RadBackward0", lambda x: x * (math.pi / 180), lambda g, _: g * (math.pi / 180), save=None)
rad2deg = _unary("Rad2DegBackward0", lambda x: x * (180 / math.pi), lambda g, _: g * (180 / math.pi), save=None)


def square(input, *, out=None):
    """``input * input``; torch computes it as ``pow(input, 2)``, so a bool input gives int64."""
    x = _operand(input)
    return _square(cast(x, _dtype.int64) if x._data.dtype == np.bool_ else x, out=out)


class RoundDecimals(ArrayFunction):
    """``round(x, decimals=d)``: torch scales by ``10**|d|`` in the input's dtype, rounds half
    to even, and scales back (dividing first when ``d < 0``). Its gradient is 0."""
    _backward_name = "RoundBackward1"

    @staticmethod
    def forward(ctx, x, decimals):
        p = np.asarray(10.0 ** np.abs(decimals), dtype=x.dtype)
        return np.rint(x / p) * p if decimals < 0 else np.rint(x * p) / p

    @staticmethod
    def backward(ctx, g):
        return np.zeros_like(g)


def round(input, *, decimals=0, out=None):
    if decimals == 0:
        return _round0(input, out=out)
    x = _operand(input)
    _checks.floating_input(x._data, "round_cpu")
    return _out(RoundDecimals.apply(x, decimals=decimals), out)


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
    _save_names = ("self", "min", "max")

    @staticmethod
    def forward(ctx, x, lo=None, hi=None, name="ClampBackward1", given=(None, None)):
        ctx.save_for_backward(x, lo, hi)
        ctx.given = given  # (number bounds as the user gave them: grad_fn._saved_min)
        ctx.number_bounds = not (isinstance(lo, np.ndarray) or isinstance(hi, np.ndarray))
        ctx._backward_name = name if ctx.number_bounds else "ClampBackward0"
        y = x
        if lo is not None:
            y = np.maximum(y, lo)
        if hi is not None:
            y = np.minimum(y, hi)
        return y if y is not x else x.copy()

    @staticmethod
    def backward(ctx, g):
        x, lo, hi = ctx.saved_tensors
        if ctx.number_bounds:
            keep = True
            if lo is not None:
                keep = x > lo
            if hi is not None:
                keep = keep & (x < hi)
            return g * keep
        def share(nothing, half):  # the gradient: none where ``nothing``, half where ``half``
            return np.where(nothing, 0, np.where(half, g / 2, g))

        glo = ghi = None
        if lo is not None and hi is not None:
            # torch's two-bound rule (checked against it case by case, NaNs included)
            lo_tie, hi_tie = (x == lo) & (x < hi), (x == hi) & (x > lo)
            lo_wins, hi_wins = (x < lo) & (lo <= hi), (lo > hi) | (x > hi) & (lo <= hi)
            gx = share((x < lo) | (x > hi), lo_tie | hi_tie)
            glo = share(~(lo_wins | lo_tie), lo_tie)
            ghi = share(~(hi_wins | hi_tie), hi_tie)
        elif lo is not None:  # maximum(x, lo): each side loses only where strictly smaller
            gx, glo = share(x < lo, x == lo), share(x > lo, x == lo)
        else:  # minimum(x, hi)
            gx, ghi = share(x > hi, x == hi), share(x < hi, x == hi)
        return gx, glo if ctx.needs_input_grad[1] else None, ghi if ctx.needs_input_grad[2] else None


def _clamp_operands(input, min, max):
    """``input`` and the bounds given, all in their common result dtype."""
    x = _operand(input)
    operands = [x] + [m for m in (min, max) if m is not None]
    rt = result_type(*[_operand(o) for o in operands])
    lo = _to(_operand(min), rt) if min is not None else None
    hi = _to(_operand(max), rt) if max is not None else None
    return _to(x, rt), lo, hi


def clamp(input, min=None, max=None, *, out=None):
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    x, lo, hi = _clamp_operands(input, min, max)
    if isinstance(lo, Tensor) or isinstance(hi, Tensor):
        return _out(Clamp.apply(x, lo, hi), out)
    return _out(Clamp.apply(x, lo=lo, hi=hi, given=(min, max)), out)


clip = clamp


def clamp_min(input, min, *, out=None):
    """``maximum(input, min)``: a number bound lets the gradient through only where
    ``input > min`` (ClampMinBackward0); a tensor bound splits ties as ``maximum`` does."""
    x, lo, _ = _clamp_operands(input, min, None)
    if isinstance(lo, Tensor):
        return _out(ClampMinTensor.apply(x, lo), out)
    return _out(Clamp.apply(x, lo=lo, name="ClampMinBackward0", given=(min, None)), out)


def clamp_max(input, max, *, out=None):
    """``minimum(input, max)``, with the gradient rules of ``clamp_min``."""
    x, _, hi = _clamp_operands(input, None, max)
    if isinstance(hi, Tensor):
        return _out(ClampMaxTensor.apply(x, hi), out)
    return _out(Clamp.apply(x, hi=hi, name="ClampMaxBackward0", given=(None, max)), out)


class _MaxMin(ArrayFunction):
    np_fn = None
    _save_names = ("self", "other")

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


class ClampMinTensor(Maximum):
    _backward_name = "ClampMinBackward1"


class ClampMaxTensor(Minimum):
    _backward_name = "ClampMaxBackward1"


def maximum(input, other, *, out=None):
    a, b = promote(input, other)
    return _out(Maximum.apply(a, b), out)


def minimum(input, other, *, out=None):
    a, b = promote(input, other)
    return _out(Minimum.apply(a, b), out)


class Where(ArrayFunction):
    """``x`` where ``condition`` else ``y``; the condition is an attribute, not an input."""
    _backward_name = "WhereBackward0"
    _save_names = ("condition",)

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
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype {cond.dtype._scalar_name}")
    x, y = promote(input, other)
    if not isinstance(x, Tensor) and not isinstance(y, Tensor):
        x = _scalar_tensor(x)
    return _out(Where.apply(x, y, condition=cond._data), out)


class NanToNum(ArrayFunction):
    """NaN, +inf and -inf replaced by numbers (by default 0 and the dtype's largest and
    smallest finite values); the gradient passes where the input was finite."""
    _backward_name = "NanToNumBackward0"

    @staticmethod
    def forward(ctx, x, nan, posinf, neginf):
        ctx.save_for_backward(x)
        return np.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * np.isfinite(x)


def nan_to_num(input, nan=0.0, posinf=None, neginf=None, *, out=None):
    x = _operand(input)
    if x._data.dtype.kind not in "fc":  # integers and bools have nothing to replace
        return _out(_wrap(x._data.copy()), out)
    limits = finfo(x.dtype)  # the tensor's (a bfloat16 is float32 to NumPy; float16 runs in float32)
    posinf, neginf = limits.max if posinf is None else posinf, limits.min if neginf is None else neginf
    return _out(NanToNum.apply(x, nan=nan, posinf=posinf, neginf=neginf), out)


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
