"""Argument checks shared by many ops, each raising torch's exception type and message.

torch validates arguments in C++ (``TORCH_CHECK`` in ATen) before any math; a script that
passes bad input must fail here the way it fails there, so the messages are torch's,
word for word. They are fidelity detail, kept out of the op files so that an op reads as
its math: skim this file.
"""
import sys
import warnings

import numpy as np

from . import _dtype
from ._dtype import scalar_name
from .autograd.grad_mode import _state


def broadcast_error(shapes):
    """torch's RuntimeError for shapes that do not broadcast (the rightmost clash is named),
    or None when they do."""
    cur = ()
    for nxt in shapes:
        n = max(len(cur), len(nxt))
        a, b = (1,) * (n - len(cur)) + tuple(cur), (1,) * (n - len(nxt)) + tuple(nxt)
        for i in range(n - 1, -1, -1):
            if a[i] != b[i] and a[i] != 1 and b[i] != 1:
                return RuntimeError(f"The size of tensor a ({a[i]}) must match the size of tensor b ({b[i]}) at non-singleton dimension {i}")
        cur = tuple(max(x, y) if min(x, y) != 0 else 0 for x, y in zip(a, b))
    return None


def broadcast_error_or(error, shapes):
    """NumPy's broadcasting ValueError reworded as torch's RuntimeError; others unchanged."""
    if "broadcast" in str(error):
        err = broadcast_error(shapes)
        if err is not None:
            return err
    return error


def write_out(result, out):
    """Write ``result`` into a user-given ``out=`` tensor, as torch's out= variants do:
    same shape -> copied in place; else ``out`` is resized to the result."""
    if result._requires_grad or out._requires_grad and _state.enabled:
        caller = sys._getframe(2).f_code.co_name
        raise RuntimeError(f"{caller}(): functions with out=... arguments don't support automatic differentiation, but one of the arguments requires grad.")
    if out._data.shape == result._data.shape:
        out._data[...] = result._data
    else:
        out._data = result._data.astype(out._data.dtype, copy=True)
    out._version += 1
    return out


def alpha(a, b, alpha):
    """torch refuses an alpha its result dtype cannot hold (``int + 1.5 * int``)."""
    if alpha == 1 and type(alpha) is int:
        return
    kind = (a if hasattr(a, "_data") else b)._data.dtype.kind
    if isinstance(alpha, bool) and kind != "b":
        raise RuntimeError("Boolean alpha only supported for Boolean results.")
    if isinstance(alpha, float) and kind in "iub":
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")


def no_bool_sub(input, other):
    """torch refuses ``-`` with a bool operand (tensor or Python bool), before promoting."""
    a_bool = input is True or input is False or hasattr(input, "_data") and input._data.dtype.kind == "b"
    b_bool = other is True or other is False or hasattr(other, "_data") and other._data.dtype.kind == "b"
    if a_bool and b_bool:
        raise NotImplementedError("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.")
    if a_bool or b_bool:
        raise NotImplementedError("Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")


def no_integer_division_by_zero(divisor):
    """Integer ``//``, ``%``, ``fmod`` and ``div(rounding_mode=...)`` by zero: torch raises."""
    d = divisor._data if hasattr(divisor, "_data") else divisor
    if np.any(np.asarray(d) == 0):
        raise RuntimeError("ZeroDivisionError")


def tensor_operands(fn_name, input, other):
    """Ops whose both operands must be tensors (``atan2``, ``hypot``...): torch's TypeError
    for a Python number in either place."""
    for pos, (name, value) in enumerate((("input", input), ("other", other)), 1):
        if not hasattr(value, "_data"):
            raise TypeError(f"{fn_name}(): argument '{name}' (position {pos}) must be Tensor, not {type(value).__name__}")


def floating_input(arr, kernel):
    """A floating-point-only kernel given another dtype: torch's NotImplementedError."""
    if arr.dtype.kind != "f":
        raise NotImplementedError(f'"{kernel}" not implemented for \'{scalar_name(arr.dtype)}\'')


def linalg_matrix(fn, A, square=True, kernel=None, kernel_checks_ints=False, half_ok=False):
    """torch's checks of a ``torch.linalg`` function's matrix argument, in its order: at least
    2-d, (batches of) square matrices, a floating dtype, not float16 (unless ``half_ok``).
    ``kernel`` names the CPU kernel whose NotImplementedError torch raises for float16 (and,
    with ``kernel_checks_ints``, for integers); without one, torch's own RuntimeErrors."""
    a = A._data
    if a.ndim < 2:
        raise RuntimeError(f"{fn}: The input tensor A must have at least 2 dimensions.")
    if square and a.shape[-1] != a.shape[-2]:
        raise RuntimeError(f"{fn}: A must be batches of square matrices, but they are {a.shape[-2]} by {a.shape[-1]} "
                           "matrices")
    if kernel is not None and (a.dtype == np.float16 or kernel_checks_ints and a.dtype.kind not in "fc"):
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{scalar_name(a.dtype)}'")
    if a.dtype.kind not in "fc":
        raise RuntimeError(f"{fn}: Expected a floating point or complex tensor as input. Got {scalar_name(a.dtype)}")
    if a.dtype == np.float16 and not half_ok:
        raise RuntimeError(f"{fn}: Low precision dtypes not supported. Got {scalar_name(a.dtype)}")


def linear(x, w):
    """``F.linear``'s checks, in torch's order and words."""
    if x._data.ndim == 0:
        raise RuntimeError("both arguments to linear need to be at least 1D, but they are 0D and 2D")
    if x._data.shape[-1] != w._data.shape[-1]:
        rows = int(np.prod(x._data.shape[:-1])) if x._data.ndim > 1 else 1
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{x._data.shape[-1]} and {w._data.shape[-1]}x{w._data.shape[0]})")
    if x._data.dtype != w._data.dtype or _dtype.low_precision_seen and x.dtype is not w.dtype:  # (bfloat16 vs float32)
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {x.dtype._scalar_name} and {w.dtype._scalar_name}")


# ---- losses --------------------------------------------------------------------------------
def reduction(reduction, size_average=None, reduce=None):
    """The ``reduction`` string, translating torch's pre-1.0 ``size_average``/``reduce``
    flags (with its deprecation warning)."""
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def legacy_reduction(size_average, reduce, emit_warning=True):
    """Map the pre-1.0 ``size_average``/``reduce`` flags to a ``reduction`` string."""
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    ret = "none" if not reduce else ("mean" if size_average else "sum")
    if emit_warning:
        warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{ret}' instead.",
                      stacklevel=3)
    return ret


def label_smoothing(value):
    if not 0.0 <= value <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {value:g}")


def class_weight(weight, x, c):
    """A per-class ``weight`` for nll_loss/cross_entropy, as an array (or None)."""
    if weight is None:
        return None
    w = weight._data
    if w.ndim != 1 or w.shape[0] != c:
        raise RuntimeError(f"weight tensor should be defined either for all {c} classes or no classes but got "
                           f"weight tensor of shape: [{', '.join(map(str, w.shape))}]")
    if w.dtype != x._data.dtype:
        raise RuntimeError(f"expected scalar type {scalar_name(x._data.dtype)} but found {scalar_name(w.dtype)}")
    return w


def nll_shapes(x, target):
    """torch's nll_loss_nd checks: batch size, then spatial sizes, then the target dtype."""
    xs, ts = x._data.shape, target._data.shape
    if len(xs) < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {len(xs)})")
    if len(xs) != 1 and (len(ts) == 0 or xs[0] != ts[0]):
        raise ValueError(f"Expected input batch_size ({xs[0]}) to match target batch_size ({ts[0] if ts else 1}).")
    if len(xs) <= 2:
        if len(ts) > 1:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    elif len(xs) == 4:
        if len(ts) != 3:
            raise RuntimeError(f"only batches of spatial targets supported (3D tensors) but got targets of "
                               f"dimension: {len(ts)}")
        if ts != (xs[0],) + xs[2:]:
            raise RuntimeError(f"size mismatch (got input: [{', '.join(map(str, xs))}] , target: "
                               f"[{', '.join(map(str, ts))}]")
    elif ts != (xs[0],) + xs[2:]:
        raise RuntimeError(f"Expected target size [{', '.join(map(str, (xs[0],) + xs[2:]))}], got "
                           f"[{', '.join(map(str, ts))}]")
    if target._data.dtype not in (np.int64, np.uint8):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {scalar_name(target._data.dtype)}")


def pair_loss_operands(input, target, kernel):
    """mse/smooth_l1/huber/l1: floats only (torch's ``kernel`` has no integer version),
    torch's warning when the shapes differ, and its error when they do not broadcast."""
    if kernel and input._data.dtype.kind not in "fc" and target._data.dtype.kind not in "fc":
        raise NotImplementedError(f'"{kernel}" not implemented for \'{scalar_name(input._data.dtype)}\'')
    if input._data.shape != target._data.shape:
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input size ({input.shape}). "
                      "This will likely lead to incorrect results due to broadcasting. Please ensure they have the "
                      "same size.", stacklevel=4)
    err = broadcast_error([input._data.shape, target._data.shape])
    if err is not None:
        raise err


def not_differentiable(function, **arguments):
    """torch refuses, while grad mode is on, a weight that requires grad where the kernel
    has no derivative for it (``function`` is the kernel's name, as torch's message says)."""
    for name, value in arguments.items():
        if value is not None and value.requires_grad and _state.enabled:
            raise RuntimeError(f"The function '{function}' is not differentiable with respect to argument "
                               f"'{name}'. This input cannot have requires_grad True.")


def loss_weight(weight, shape):
    """A BCE ``weight`` broadcast to the input's shape, with torch's error when it does not fit."""
    w = weight._data
    try:
        return np.broadcast_to(w, shape)
    except ValueError:
        raise RuntimeError(f"Attempting to broadcast a dimension of length {w.shape[-1]} at -1! Mismatching argument "
                           f"at index 1 had torch.Size({list(w.shape)}); but expected shape should be broadcastable "
                           f"to [{', '.join(map(str, shape))}]") from None


def dropout_p(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


# ---- joining ----------------------------------------------------------------------------------
def tensor_list(tensors):
    """cat/stack got something that is not a Tensor: torch's TypeError."""
    for i, x in enumerate(tensors):
        if not hasattr(x, "_data"):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {type(x).__name__}")


def stack_sizes(tensors):
    """torch.stack with tensors of different shapes: the RuntimeError naming the first one."""
    first = tensors[0]._data.shape
    i = next(i for i, x in enumerate(tensors) if x._data.shape != first)
    return RuntimeError(f"stack expects each tensor to be equal size, but got {list(first)} at entry 0 and "
                        f"{list(tensors[i]._data.shape)} at entry {i}")
