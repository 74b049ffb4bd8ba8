"""``torch.nn.functional``: the stateless functions behind the layers and losses.

What torch does: every ``nn`` layer's ``forward`` calls one of these functions with its
own parameters (``nn.Linear`` -> ``F.linear``, ``nn.CrossEntropyLoss`` ->
``F.cross_entropy``). Losses are C++ kernels with hand-written backward formulas, and
many of them are *one* node in the autograd graph (``cross_entropy`` ends in
``NllLossBackward0``).

How we do it: activations and losses are ``Function`` subclasses with ``_raw = True``
(see ``autograd/function.py``): ``forward`` and ``backward`` work on NumPy arrays and sit
side by side. Each loss is a single fused node, so ``cross_entropy`` costs one graph node
and a handful of NumPy calls instead of a chain of small ops; its ``name()`` reports the
node torch would show last (``NllLossBackward0``, ``AddBackward0`` with label smoothing,
``DivBackward1`` for probability targets...). Argument checks run before any math and
raise torch's exception types with torch's messages.

Numerical stability: ``log_softmax`` subtracts the row maximum before exponentiating;
``binary_cross_entropy_with_logits`` uses ``max(-x, 0) + log(exp(-max) + exp(-x - max))``;
``binary_cross_entropy`` clamps its logs at -100, as torch does. Logits of magnitude 1e4
therefore give torch's finite values.
"""
import math
import warnings

import numpy as np

from .._tensor import _wrap
from ..autograd.function import Function
from .._ops.linalg import linear
from .._ops.pointwise import relu as _relu, sigmoid, tanh, unbroadcast, promote, _operand
from .._ops.activation import softmax, log_softmax

__all__ = ["linear", "relu", "relu_", "leaky_relu", "gelu", "silu", "elu", "softplus", "sigmoid", "tanh",
           "softmax", "log_softmax", "dropout", "one_hot", "cross_entropy", "nll_loss", "mse_loss", "l1_loss",
           "binary_cross_entropy", "binary_cross_entropy_with_logits"]


# ======================================================================================
# Activations
# ======================================================================================
def relu(input, inplace=False):
    """``max(x, 0)`` elementwise (node ``ReluBackward0``)."""
    return input.relu_() if inplace else _relu(input)


def relu_(input):
    return input.relu_()


class _LeakyRelu(Function):
    _raw, _backward_name = True, "LeakyReluBackward0"

    @staticmethod
    def forward(ctx, x, slope):
        ctx.save_for_backward(x)
        ctx.slope = slope
        return np.where(x > 0, x, x * slope)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return np.where(x > 0, g, g * ctx.slope), None


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """``x`` where ``x > 0``, else ``negative_slope * x``."""
    out = _LeakyRelu.apply(input, negative_slope)
    return input.copy_(out) if inplace else out


_SQRT_HALF = math.sqrt(0.5)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
# NumPy has no erf ufunc: ``_ops/special.py`` computes it for whole arrays (~1e-15 relative).
from .._ops.special import erf_float64 as _erf  # noqa: E402


class _Gelu(Function):
    """GELU(x) = x * Phi(x), Phi the standard normal CDF; ``tanh`` approximates Phi."""
    _raw, _backward_name = True, "GeluBackward0"

    @staticmethod
    def forward(ctx, x, approximate):
        ctx.save_for_backward(x)
        ctx.approximate = approximate
        if approximate == "tanh":
            t = np.tanh(_SQRT_2_OVER_PI * (x + 0.044715 * x * x * x))
            return (0.5 * x * (1 + t)).astype(x.dtype, copy=False)
        cdf = 0.5 * (1.0 + _erf(x.astype(np.float64) * _SQRT_HALF))
        return (x * cdf).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        if ctx.approximate == "tanh":
            inner = _SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)
            t = np.tanh(inner)
            d = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * _SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x)
        else:
            x64 = x.astype(np.float64)
            d = 0.5 * (1.0 + _erf(x64 * _SQRT_HALF)) + x64 * _INV_SQRT_2PI * np.exp(-0.5 * x64 * x64)
        return (g * d).astype(g.dtype, copy=False), None


def gelu(input, approximate="none"):
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    return _Gelu.apply(input, approximate)


class _Silu(Function):
    _raw, _backward_name = True, "SiluBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        with np.errstate(over="ignore"):
            return x / (1 + np.exp(-x))

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        with np.errstate(over="ignore"):
            s = 1 / (1 + np.exp(-x))
        return g * s * (1 + x * (1 - s))


def silu(input, inplace=False):
    """``x * sigmoid(x)`` (a.k.a. swish)."""
    out = _Silu.apply(input)
    return input.copy_(out) if inplace else out


class _Elu(Function):
    _raw, _backward_name = True, "EluBackward0"

    @staticmethod
    def forward(ctx, x, alpha):
        ctx.save_for_backward(x)
        ctx.alpha = alpha
        return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return np.where(x > 0, g, g * ctx.alpha * np.exp(np.minimum(x, 0))), None


def elu(input, alpha=1.0, inplace=False):
    """``x`` where ``x > 0``, else ``alpha * (exp(x) - 1)``."""
    out = _Elu.apply(input, alpha)
    return input.copy_(out) if inplace else out


class _Softplus(Function):
    _raw, _backward_name = True, "SoftplusBackward0"

    @staticmethod
    def forward(ctx, x, beta, threshold):
        ctx.save_for_backward(x)
        ctx.beta, ctx.threshold = beta, threshold
        bx = x * beta
        with np.errstate(over="ignore"):
            return np.where(bx > threshold, x, np.log1p(np.exp(bx)) / beta)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        bx = x * ctx.beta
        with np.errstate(over="ignore"):
            s = 1 / (1 + np.exp(-bx))
        return np.where(bx > ctx.threshold, g, g * s), None, None


def softplus(input, beta=1.0, threshold=20.0):
    """``log(1 + exp(beta * x)) / beta``, linear above ``threshold`` for stability."""
    return _Softplus.apply(input, beta, threshold)


# ======================================================================================
# Dropout
# ======================================================================================
class _Dropout(Function):
    """``x * noise`` with ``noise = bernoulli(1 - p) / (1 - p)``; torch records a MulBackward0."""
    _raw, _backward_name = True, "MulBackward0"

    @staticmethod
    def forward(ctx, x, noise):
        ctx.noise = noise
        return x * noise

    @staticmethod
    def backward(ctx, g):
        return g * ctx.noise, None


def dropout(input, p=0.5, training=True, inplace=False):
    """Zero each element with probability ``p`` and scale the survivors by ``1 / (1 - p)``.

    The mask comes from the torch-exact generator (``Tensor.bernoulli_(1 - p)``), so with
    the same seed the same elements are dropped as in torch (on CPUs where torch uses
    its portable bernoulli kernel; Intel MKL builds differ, see ``_generator.py``).
    In eval mode, or with ``p == 0``, the input itself is returned, as in torch.
    """
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    x = _operand(input)
    if not training or p == 0 or x._data.size == 0:
        return input
    dt = x._data.dtype
    if p == 1:
        noise = np.zeros((), dtype=dt)  # torch multiplies by a zero scalar; no random draw
    else:
        from .._ops.sampling import _gen
        noise = _gen(None)._bernoulli(1 - p, x._data.shape, dt)
        noise /= dt.type(1 - p)
    out = _Dropout.apply(x, noise)
    return input.copy_(out) if inplace else out


# ======================================================================================
# Misc
# ======================================================================================
def one_hot(tensor, num_classes=-1):
    """Class indices ``(*)`` -> int64 ``(*, num_classes)`` of zeros and ones."""
    t = tensor._data
    if t.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if num_classes == -1:
        if t.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(t.max()) + 1
    if t.size and t.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if t.size and t.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    return _wrap((t[..., None] == np.arange(num_classes)).astype(np.int64))


# ======================================================================================
# Losses: shared helpers
# ======================================================================================
_REDUCTIONS = ("none", "mean", "sum")


def _legacy_reduction(size_average, reduce, emit_warning=True):
    """Map the pre-1.0 ``size_average``/``reduce`` flags to a ``reduction`` string."""
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    ret = "none" if not reduce else ("mean" if size_average else "sum")
    if emit_warning:
        warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{ret}' instead.",
                      stacklevel=3)
    return ret


def _check_reduction(reduction, size_average=None, reduce=None):
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _reduce(loss, reduction):
    """Apply ``reduction`` to an elementwise loss array (keeping its dtype)."""
    if reduction == "none":
        return loss
    if reduction == "sum":
        return np.asarray(loss.sum(dtype=loss.dtype))
    return np.asarray(loss.mean(dtype=loss.dtype))


def _upstream(g, reduction, n):
    """The gradient reaching each element of the unreduced loss."""
    if reduction == "mean":
        return g / g.dtype.type(n) if n else g * np.nan
    return g


_TYPE_WORD = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
              "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}


def _word(arr):
    return _TYPE_WORD.get(arr.dtype.name, arr.dtype.name)


def _rows(a):
    """(N, C, d1, ...) -> (N*d1*..., C); (N, C) unchanged; (C,) -> (1, C)."""
    if a.ndim == 2:
        return a
    if a.ndim == 1:
        return a[None, :]
    return np.moveaxis(a, 1, -1).reshape(-1, a.shape[1])


def _unrows(g, shape):
    """Inverse of ``_rows`` for a gradient."""
    if len(shape) == 2:
        return g
    if len(shape) == 1:
        return g[0]
    return np.moveaxis(g.reshape((shape[0],) + tuple(shape[2:]) + (shape[1],)), -1, 1)


def _log_softmax_rows(x):
    """Stable log-softmax along axis 1: ``x - max - log(sum(exp(x - max)))``.

    Written for speed on small batches: reductions without ``keepdims`` and the row sums
    as a matrix-vector product (one BLAS call instead of a slower axis reduction).
    """
    m = x.max(axis=1)
    if not np.isfinite(m).all():  # inf/nan logits: torch returns nan/-inf silently, so do we
        with np.errstate(invalid="ignore", divide="ignore"):
            shifted = x - m[:, None]
            shifted -= np.log(np.exp(shifted).sum(axis=1))[:, None]
        return shifted
    shifted = x - m[:, None]
    sums = np.dot(np.exp(shifted), np.ones(x.shape[1], dtype=x.dtype)) if x.dtype != np.float16 \
        else np.exp(shifted).sum(axis=1)
    shifted -= np.log(sums)[:, None]
    return shifted


# ======================================================================================
# nll_loss and cross_entropy (class-index targets): one fused node each
# ======================================================================================
class _NllCore(Function):
    """Negative log-likelihood of class indices, optionally after a log_softmax.

    Forward (``logp`` = the input, or ``log_softmax(input)`` when ``from_logits``), per row
    ``i`` with target class ``t_i`` and weight ``w`` (1 if not given)::

        wt_i   = w[t_i] * (t_i != ignore_index)
        loss_i = (1 - eps) * (-logp[i, t_i]) * wt_i  +  eps / C * (-sum_c w_c logp[i, c])
        mean   = sum_i loss_i / sum_i wt_i

    ``eps`` (label smoothing) is 0 for ``nll_loss``. Backward, with ``s_i`` the gradient
    reaching ``loss_i`` and ``p = exp(logp)``::

        from logits:  dx_ic = s_i * ((1-eps) wt_i (p_ic - [c == t_i]) + eps/C * valid_i (W p_ic - w_c))
        from logp:    dx_ic = -s_i * (1-eps) * wt_i * [c == t_i]

    where ``W = sum_c w_c``.
    """
    _raw = True

    @staticmethod
    def forward(ctx, x, target, weight, ignore_index, reduction, eps, from_logits):
        shape = x.shape
        rows = _rows(x)
        n, c = rows.shape
        t = target.reshape(-1)
        if t.dtype != np.int64:
            t = t.astype(np.int64)
        lo, hi = (t.min(), t.max()) if n else (0, 0)
        if ignore_index < lo or ignore_index > hi:  # the usual case: nothing to ignore
            valid, ts = None, t
        else:
            valid = t != ignore_index
            ts = np.where(valid, t, 0)
            lo, hi = (ts.min(), ts.max()) if n else (0, 0)
        if lo < 0 or hi >= c:
            bad = t[((t < 0) | (t >= c)) & (True if valid is None else valid)][0]
            raise IndexError(f"Target {bad} is out of bounds.")
        logp = _log_softmax_rows(rows) if from_logits else rows
        ar = np.arange(n)
        if weight is None:
            wt = None if valid is None else valid.astype(x.dtype)
        else:
            wt = weight[ts] if valid is None else weight[ts] * valid
        picked = logp[ar, ts]
        if wt is not None:
            picked = picked * wt
        if eps > 0:
            smooth = logp.sum(axis=1) if weight is None else np.dot(logp, weight)
            if valid is not None:
                smooth *= valid
            loss = (1 - eps) * picked + (eps / c) * smooth  # the negated loss
        else:
            loss = picked
        denom = n if wt is None else wt.sum(dtype=x.dtype)
        if reduction == "none":
            out = -loss.reshape(target.shape if len(shape) > 1 else ()).astype(x.dtype, copy=False)
        elif reduction == "sum":
            out = np.asarray(-loss.sum(dtype=x.dtype))
        elif denom:
            out = np.asarray(-loss.sum(dtype=x.dtype) / x.dtype.type(denom))
        else:  # nothing counted (empty batch, every target ignored): torch's 0/0 = nan
            out = np.asarray(np.nan, dtype=x.dtype)
        ctx.shape, ctx.reduction, ctx.eps, ctx.from_logits = shape, reduction, eps, from_logits
        ctx.ts, ctx.wt, ctx.valid, ctx.weight, ctx.denom = ts, wt, valid, weight, denom
        ctx.save_for_backward(logp)
        return out

    @staticmethod
    def backward(ctx, g):
        logp, = ctx.saved_tensors
        n, c = logp.shape
        dt = logp.dtype
        ar = np.arange(n)
        eps, wt = ctx.eps, ctx.wt
        if ctx.reduction != "none" and wt is None and ctx.valid is None and not eps:
            # the common case (mean/sum, no weights, nothing ignored): one scalar scale
            scale = (g / dt.type(ctx.denom) if ctx.denom else g * np.nan) if ctx.reduction == "mean" else g
            if ctx.from_logits:
                grad = np.exp(logp)
                grad[ar, ctx.ts] -= 1
            else:
                grad = np.zeros_like(logp)
                grad[ar, ctx.ts] = -1
            grad *= scale
            return _unrows(grad, ctx.shape), None, None, None, None, None, None
        if ctx.reduction == "none":
            s = g.reshape(-1).astype(dt, copy=False)
        else:
            with np.errstate(invalid="ignore", divide="ignore"):
                s = np.full(n, g / dt.type(ctx.denom) if ctx.reduction == "mean" else g, dtype=dt)
        if ctx.valid is not None:
            s = np.where(ctx.valid, s, dt.type(0))  # ignored rows get no gradient (even if the mean is nan)
        hit = s * (1 - eps) if eps else s      # coefficient of the target column
        if wt is not None:
            hit = hit * wt
        if ctx.from_logits:
            coef = hit
            if eps:
                total_w = c if ctx.weight is None else ctx.weight.sum()
                coef = hit + (eps / c) * total_w * s
            grad = np.exp(logp)
            grad *= coef[:, None]
            grad[ar, ctx.ts] -= hit
            if eps:
                w = 1 if ctx.weight is None else ctx.weight
                grad -= ((eps / c) * s)[:, None] * w
        else:
            grad = np.zeros_like(logp)
            grad[ar, ctx.ts] = -hit
        return _unrows(grad.astype(dt, copy=False), ctx.shape), None, None, None, None, None, None

    def name(self):
        return "AddBackward0" if self.eps else "NllLossBackward0"


def _check_class_weight(weight, x, c):
    if weight is None:
        return None
    w = weight._data
    if w.ndim != 1 or w.shape[0] != c:
        raise RuntimeError(f"weight tensor should be defined either for all {c} classes or no classes but got "
                           f"weight tensor of shape: [{', '.join(map(str, w.shape))}]")
    if w.dtype != x._data.dtype:
        raise RuntimeError(f"expected scalar type {_word(x._data)} but found {_word(w)}")
    return w


def _check_nll_shapes(x, target):
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
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {_word(target._data)}")


def _check_float_input(x, kernel="log_softmax_lastdim_kernel_impl"):
    if x._data.dtype.kind != "f":
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_word(x._data)}\'')


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
    """Negative log-likelihood of class ``target`` given log-probabilities ``input``.

    Shapes: input ``(C)``, ``(N, C)`` or ``(N, C, d1, ...)``; target ``()``, ``(N)`` or
    ``(N, d1, ...)`` of class indices (int64).
    """
    reduction = _check_reduction(reduction, size_average, reduce)
    x, target = _operand(input), _operand(target)
    _check_nll_shapes(x, target)
    c = x._data.shape[1] if x._data.ndim > 1 else x._data.shape[0]
    w = _check_class_weight(weight, x, c)
    return _NllCore.apply(x, target, w, ignore_index, reduction, 0.0, False)


class _SoftTargetCrossEntropy(Function):
    """Cross entropy against class *probabilities* ``q`` (same shape as the input).

    ``loss_i = -sum_c w_c q_ic logp_ic`` (``q`` smoothed to ``(1-eps) q + eps/C`` first);
    mean divides by the number of rows. Backward:
    ``dx_ic = s_i (p_ic sum_k w_k q_ik - w_c q_ic)``, ``dq_ic = -s_i (1-eps) w_c logp_ic``.
    """
    _raw = True

    @staticmethod
    def forward(ctx, x, q, weight, reduction, eps):
        rows, qr = _rows(x), _rows(q)
        n, c = rows.shape
        logp = _log_softmax_rows(rows)
        if eps > 0:
            qr = qr * (1 - eps) + eps / c
        wq = qr if weight is None else qr * weight
        loss = -(logp * wq).sum(axis=1)
        ctx.shape, ctx.reduction, ctx.eps, ctx.weight, ctx.n = x.shape, reduction, eps, weight, n
        ctx.save_for_backward(logp, wq)
        if reduction == "none":
            return loss.reshape(x.shape[:1] + x.shape[2:]) if x.ndim > 1 else loss.reshape(())
        return _reduce(loss, reduction)

    @staticmethod
    def backward(ctx, g):
        logp, wq = ctx.saved_tensors
        s = _upstream(g, ctx.reduction, ctx.n)
        s = s.reshape(-1) if ctx.reduction == "none" else np.full(logp.shape[0], s, dtype=logp.dtype)
        gx = gq = None
        if ctx.needs_input_grad[0]:
            gx = np.exp(logp) * wq.sum(axis=1, keepdims=True) - wq
            gx *= s[:, None]
            gx = _unrows(gx, ctx.shape)
        if ctx.needs_input_grad[1]:
            wlogp = logp if ctx.weight is None else logp * ctx.weight
            gq = _unrows(-(1 - ctx.eps) * s[:, None] * wlogp, ctx.shape)
        return gx, gq, None, None, None

    def name(self):
        return "DivBackward1" if self.reduction == "mean" else "NegBackward0"


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction="mean", label_smoothing=0.0):
    """Cross entropy between ``log_softmax(input)`` along dim 1 and ``target``.

    ``target`` is either class indices (int64, shape ``input.shape`` without dim 1) or
    class probabilities (floating, same shape as ``input``). This is what
    ``nn.CrossEntropyLoss`` computes; with indices and no label smoothing it equals
    ``nll_loss(log_softmax(input, 1), target)``, computed here as one fused node.
    """
    reduction = _check_reduction(reduction, size_average, reduce)
    x, target = _operand(input), _operand(target)
    _check_float_input(x)
    xs = x._data.shape
    c = xs[1] if len(xs) > 1 else (xs[0] if xs else 1)
    if xs == target._data.shape:  # class probabilities
        if target._data.dtype.kind != "f":
            raise RuntimeError(f"Expected floating point type for target with class probabilities, got "
                               f"{_word(target._data)}")
        if ignore_index >= 0:
            raise RuntimeError("ignore_index is not supported for floating point target")
        if not 0.0 <= label_smoothing <= 1.0:
            raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing:g}")
        w = None
        if weight is not None:
            x, weight = promote(x, weight)
            w = weight._data
        if x._data.dtype != target._data.dtype:
            x, target = promote(x, target)
            if w is not None:
                w = w.astype(x._data.dtype)
        return _SoftTargetCrossEntropy.apply(x, target, w, reduction, label_smoothing)
    if label_smoothing > 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing:g}")
    _check_nll_shapes(x, target)
    w = _check_class_weight(weight, x, c)
    eps = label_smoothing if label_smoothing > 0.0 else 0.0
    return _NllCore.apply(x, target, w, ignore_index, reduction, eps, True)


# ======================================================================================
# Regression and binary losses
# ======================================================================================
def _warn_size(input, target):
    if input._data.shape != target._data.shape:
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input size ({input.shape}). "
                      "This will likely lead to incorrect results due to broadcasting. Please ensure they have the "
                      "same size.", stacklevel=4)


def _broadcast_shape(a, b):
    try:
        return np.broadcast_shapes(a, b)
    except ValueError:
        n = max(len(a), len(b))
        pa, pb = (1,) * (n - len(a)) + tuple(a), (1,) * (n - len(b)) + tuple(b)
        for d in range(n - 1, -1, -1):
            if pa[d] != pb[d] and 1 not in (pa[d], pb[d]):
                raise RuntimeError(f"The size of tensor a ({pa[d]}) must match the size of tensor b ({pb[d]}) at "
                                   f"non-singleton dimension {d}") from None
        raise


class _PairLoss(Function):
    """mse_loss and l1_loss: an elementwise function of ``d = input - target``, reduced."""
    _raw = True

    @staticmethod
    def forward(ctx, x, t, kind, reduction):
        d = x - t
        ctx.kind, ctx.reduction, ctx.shapes, ctx.n = kind, reduction, (x.shape, t.shape), d.size
        ctx.save_for_backward(d)
        return _reduce(d * d if kind == "mse" else np.abs(d), reduction)

    @staticmethod
    def backward(ctx, g):
        d, = ctx.saved_tensors
        s = _upstream(g, ctx.reduction, ctx.n)
        gd = (2 * d) * s if ctx.kind == "mse" else np.sign(d) * s
        gd = gd.astype(d.dtype, copy=False)
        sx, st = ctx.shapes
        gx = unbroadcast(gd, sx) if ctx.needs_input_grad[0] else None
        gt = -unbroadcast(gd, st) if ctx.needs_input_grad[1] else None
        return gx, gt, None, None

    def name(self):
        if self.kind == "mse":
            return "MseLossBackward0"
        return {"none": "AbsBackward0", "sum": "SumBackward0", "mean": "MeanBackward0"}[self.reduction]


def _pair_loss(kind, input, target, size_average, reduce, reduction):
    reduction = _check_reduction(reduction, size_average, reduce)
    x, t = _operand(input), _operand(target)
    _warn_size(x, t)
    _broadcast_shape(x._data.shape, t._data.shape)
    x, t = promote(x, t)
    return _PairLoss.apply(x, t, kind, reduction)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean squared error ``(input - target) ** 2``, reduced (broadcasts, with torch's warning)."""
    if weight is not None:
        raise NotImplementedError("minitorch_compat: mse_loss(weight=...) is not implemented")
    return _pair_loss("mse", input, target, size_average, reduce, reduction)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean absolute error ``|input - target|``, reduced."""
    if weight is not None:
        raise NotImplementedError("minitorch_compat: l1_loss(weight=...) is not implemented")
    return _pair_loss("l1", input, target, size_average, reduce, reduction)


class _BinaryCrossEntropy(Function):
    """``-w (t log x + (1 - t) log(1 - x))`` with each log clamped at -100 (torch's choice).

    Backward: ``dx = w (x - t) / max(x (1 - x), 1e-12)``, ``dt = w (log(1 - x) - log(x))``.
    """
    _raw, _backward_name = True, "BinaryCrossEntropyBackward0"

    @staticmethod
    def forward(ctx, x, t, w, reduction):
        with np.errstate(divide="ignore"):
            log_x = np.maximum(np.log(x), -100)
            log_1mx = np.maximum(np.log1p(-x), -100)
        loss = -(t * log_x + (1 - t) * log_1mx)
        if w is not None:
            loss = loss * w
        ctx.save_for_backward(x, t, w)
        ctx.reduction, ctx.n = reduction, x.size
        return _reduce(loss.astype(x.dtype, copy=False), reduction)

    @staticmethod
    def backward(ctx, g):
        x, t, w = ctx.saved_tensors
        s = _upstream(g, ctx.reduction, ctx.n)
        if w is not None:
            s = s * w
        gx = gt = None
        if ctx.needs_input_grad[0]:
            gx = (s * (x - t) / np.maximum((1 - x) * x, x.dtype.type(1e-12))).astype(x.dtype, copy=False)
        if ctx.needs_input_grad[1]:
            with np.errstate(divide="ignore"):
                gt = (s * (np.log1p(-x) - np.log(x))).astype(t.dtype, copy=False)
        return gx, gt, None, None


def _expand_weight(weight, shape):
    w = weight._data
    try:
        return np.broadcast_to(w, shape)
    except ValueError:
        raise RuntimeError(f"Attempting to broadcast a dimension of length {w.shape[-1]} at -1! Mismatching argument "
                           f"at index 1 had torch.Size({list(w.shape)}); but expected shape should be broadcastable "
                           f"to [{', '.join(map(str, shape))}]") from None


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """Binary cross entropy between probabilities ``input`` (in [0, 1]) and ``target``."""
    reduction = _check_reduction(reduction, size_average, reduce)
    x, t = _operand(input), _operand(target)
    if t._data.shape != x._data.shape:
        raise ValueError(f"Using a target size ({t.shape}) that is different to the input size ({x.shape}) is "
                         "deprecated. Please ensure they have the same size.")
    if t._data.dtype != x._data.dtype:
        raise RuntimeError(f"Found dtype {_word(t._data)} but expected {_word(x._data)}")
    w = None if weight is None else _expand_weight(weight, x._data.shape)
    xd = x._data
    if xd.size and ((xd < 0) | (xd > 1)).any():
        raise RuntimeError("all elements of input should be between 0 and 1")
    return _BinaryCrossEntropy.apply(x, t, w, reduction)


class _BCEWithLogits(Function):
    """``(1 - t) x + l (max(-x, 0) + log(exp(-max(-x, 0)) + exp(-x - max(-x, 0))))``, times ``w``,
    where ``l = 1 + (pos_weight - 1) t`` (1 without ``pos_weight``). No exp ever overflows.

    Backward: ``dx = w (sigmoid(x) l - pos_weight t)`` (``sigmoid(x) - t`` without
    pos_weight), ``dt = w ((pos_weight - 1) softplus(-x) - x)``.
    """
    _raw, _backward_name = True, "BinaryCrossEntropyWithLogitsBackward0"

    @staticmethod
    def forward(ctx, x, t, w, pw, reduction):
        max_val = np.maximum(-x, 0)
        softplus_neg = max_val + np.log(np.exp(-max_val) + np.exp(-x - max_val))  # log(1 + exp(-x))
        if pw is None:
            loss = (1 - t) * x + softplus_neg
        else:
            loss = (1 - t) * x + (1 + (pw - 1) * t) * softplus_neg
        if w is not None:
            loss = loss * w
        ctx.save_for_backward(x, t, w, pw, softplus_neg)
        ctx.reduction, ctx.n = reduction, loss.size
        return _reduce(loss.astype(np.result_type(x, t), copy=False), reduction)

    @staticmethod
    def backward(ctx, g):
        x, t, w, pw, softplus_neg = ctx.saved_tensors
        s = _upstream(g, ctx.reduction, ctx.n)
        if w is not None:
            s = s * w
        gx = gt = None
        if ctx.needs_input_grad[0]:
            with np.errstate(over="ignore"):
                sig = 1 / (1 + np.exp(-x))
            d = sig - t if pw is None else sig * (1 + (pw - 1) * t) - pw * t
            gx = unbroadcast((s * d).astype(x.dtype, copy=False), x.shape)
        if ctx.needs_input_grad[1]:
            d = -x if pw is None else (pw - 1) * softplus_neg - x
            gt = unbroadcast((s * d).astype(t.dtype, copy=False), t.shape)
        return gx, gt, None, None, None


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None, reduction="mean",
                                     pos_weight=None):
    """``binary_cross_entropy(sigmoid(input), target)`` computed stably from logits.

    ``pos_weight`` (broadcast along the last dimension, one value per class) multiplies
    the loss of positive targets.
    """
    reduction = _check_reduction(reduction, size_average, reduce)
    x, t = _operand(input), _operand(target)
    if t._data.shape != x._data.shape:
        raise ValueError(f"Target size ({t.shape}) must be the same as input size ({x.shape})")
    if t._data.dtype.kind not in "fc":
        raise RuntimeError(f"result type {_word(x._data)} can't be cast to the desired output type {_word(t._data)}")
    w = None if weight is None else weight._data
    pw = None if pos_weight is None else pos_weight._data
    return _BCEWithLogits.apply(x, t, w, pw, reduction)


# ======================================================================================
# Convolutional-network ops: convolution, pooling, normalisation, padding, embedding
# (the arithmetic lives in ``_ops/``; these are the ``F.`` names torch scripts call)
# ======================================================================================
from .._ops.conv import conv1d, conv2d  # noqa: E402
from .._ops.pooling import max_pool2d, avg_pool2d, adaptive_avg_pool2d  # noqa: E402
from .._ops.normalization import batch_norm, layer_norm  # noqa: E402
from .._ops.padding import pad  # noqa: E402
from .._ops import scatter as _scatter  # noqa: E402


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):
    """``F.max_pool2d(..., return_indices=True)``: the values and the flat input index of each maximum."""
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices=True)


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels: one Bernoulli draw per ``(sample, channel)`` plane.

    torch draws a noise tensor of shape ``(N, C, 1, 1)`` with ``bernoulli_(1 - p)``,
    divides it by ``1 - p`` and multiplies the input by it, so with the same seed the
    same channels are dropped here. A 3-d input is treated as ``(N, C, L)`` (channel-wise
    1-d dropout), with torch's warning.
    """
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    x = _operand(input)
    nd = x._data.ndim
    if nd not in (3, 4):
        warnings.warn(f"dropout2d: Received a {nd}-D input to dropout2d, which is deprecated and will result in an "
                      "error in a future release. To retain the behavior and silence this warning, please use "
                      "dropout instead. Note that dropout2d exists to provide channel-wise dropout on inputs with 2 "
                      "spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 3D or 4D "
                      "inputs).", stacklevel=2)
    if nd == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout "
                      "behavior is desired - input is interpreted as shape (N, C, L), where C is the channel dim. "
                      "This behavior will change in a future release to interpret the input as one without a batch "
                      "dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout behavior, please "
                      "switch to using dropout1d instead.", stacklevel=2)
    if not training or p == 0 or x._data.size == 0:
        return input
    if nd < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    dt = x._data.dtype
    if p == 1:
        noise = np.zeros((), dtype=dt)
    else:
        from .._ops.sampling import _gen
        noise = _gen(None)._bernoulli(1 - p, x._data.shape[:2] + (1,) * (nd - 2), dt)
        noise /= dt.type(1 - p)
    out = _Dropout.apply(x, noise)
    return input.copy_(out) if inplace else out


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
              sparse=False):
    """Look up rows of ``weight`` (``nn.Embedding``'s forward).

    A negative ``padding_idx`` counts from the end; that row gets no gradient. With
    ``max_norm``, every row that is looked up and whose ``norm_type``-norm exceeds
    ``max_norm`` is first rescaled *in place* to norm ``max_norm`` (torch scales by
    ``max_norm / (norm + 1e-7)``), outside autograd.
    """
    n = weight._data.shape[0]
    if padding_idx is not None:
        if padding_idx > 0:
            if padding_idx >= n:
                raise AssertionError("Padding_idx must be within num_embeddings")
        elif padding_idx < 0:
            if padding_idx < -n:
                raise AssertionError("Padding_idx must be within num_embeddings")
            padding_idx = n + padding_idx
    else:
        padding_idx = -1
    if max_norm is not None:
        idx = np.unique(_operand(input)._data.reshape(-1))
        rows = weight._data[idx]
        norms = np.linalg.norm(rows, ord=norm_type, axis=1) if norm_type != 2 else np.sqrt((rows * rows).sum(1))
        big = norms > max_norm
        if big.any():
            scale = (max_norm / (norms[big] + 1e-7)).astype(rows.dtype)
            weight._data[idx[big]] = rows[big] * scale[:, None]
            weight._version += 1
    return _scatter.embedding(weight, input, padding_idx, scale_grad_by_freq, sparse)


# ======================================================================================
# Robust regression losses and KL divergence
# ======================================================================================
class _RobustPairLoss(Function):
    """smooth_l1_loss and huber_loss: quadratic for small ``|d|``, linear beyond ``t``.

    With ``d = input - target``, ``z = |d|`` and threshold ``t`` (``beta`` / ``delta``)::

        smooth_l1: 0.5 z^2 / t  if z < t  else  z - 0.5 t        (slope 1 outside)
        huber:     0.5 z^2      if z < t  else  t (z - 0.5 t)     (slope t outside)

    so ``huber = t * smooth_l1`` for ``t > 0``. Backward: ``d / t`` (``d``) inside, the
    clipped slope ``+-1`` (``+-t``) outside.
    """
    _raw = True

    @staticmethod
    def forward(ctx, x, t, kind, thr, reduction):
        d = x - t
        z = np.abs(d)
        f = d.dtype.type
        if kind == "huber":
            loss = np.where(z < thr, f(0.5) * z * z, f(thr) * (z - f(0.5) * f(thr)))
        else:
            loss = np.where(z < thr, f(0.5) * z * z / f(thr), z - f(0.5) * f(thr))
        ctx.kind, ctx.thr, ctx.reduction, ctx.shapes, ctx.n = kind, thr, reduction, (x.shape, t.shape), d.size
        ctx.save_for_backward(d)
        return _reduce(loss.astype(d.dtype, copy=False), reduction)

    @staticmethod
    def backward(ctx, g):
        d, = ctx.saved_tensors
        f, thr = d.dtype.type, ctx.thr
        slope = f(thr) if ctx.kind == "huber" else f(1)
        inner = d if ctx.kind == "huber" else d / f(thr)
        gd = np.where(d <= -thr, -slope, np.where(d >= thr, slope, inner)) * _upstream(g, ctx.reduction, ctx.n)
        gd = gd.astype(d.dtype, copy=False)
        sx, st = ctx.shapes
        gx = unbroadcast(gd, sx) if ctx.needs_input_grad[0] else None
        gt = -unbroadcast(gd, st) if ctx.needs_input_grad[1] else None
        return gx, gt, None, None, None

    def name(self):
        return "HuberLossBackward0" if self.kind == "huber" else "SmoothL1LossBackward0"


def _robust(kind, input, target, thr, reduction):
    x, t = _operand(input), _operand(target)
    _warn_size(x, t)
    _broadcast_shape(x._data.shape, t._data.shape)
    x, t = promote(x, t)
    return _RobustPairLoss.apply(x, t, kind, thr, reduction)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """``0.5 d^2 / beta`` where ``|d| < beta``, else ``|d| - 0.5 beta`` (``d = input - target``).

    ``beta=0`` is exactly ``l1_loss``, as in torch.
    """
    reduction = _check_reduction(reduction, size_average, reduce)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    if beta == 0.0:
        return l1_loss(input, target, reduction=reduction)
    return _robust("smooth_l1", input, target, beta, reduction)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """``0.5 d^2`` where ``|d| < delta``, else ``delta (|d| - 0.5 delta)``.

    With ``weight`` (same shape as ``input``) the elementwise loss is multiplied by it
    before the reduction, as torch does (then the last node is ``MeanBackward0``...).
    """
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    if weight is None:
        return _robust("huber", input, target, delta, reduction)
    if tuple(weight.shape) != tuple(input.shape):
        raise ValueError("Weights and input must have the same size.")
    loss = _robust("huber", input, target, delta, "none") * weight
    if reduction == "none":
        return loss
    return loss.mean() if reduction == "mean" else loss.sum()


class _KLDiv(Function):
    """Pointwise KL divergence with ``input`` = log-probabilities ``x`` and target ``t``::

        log_target=False:  t * log(t) - t * x     (0 where t == 0, as torch's xlogy)
        log_target=True:   exp(t) * (t - x)

    Backward: ``dx = -t`` (``-exp(t)``); ``dt = log(t) + 1 - x`` (``exp(t) (t - x + 1)``).
    At ``t == 0`` torch's ``dt`` is NaN (from ``t / t`` in xlogy's derivative); so is ours.
    """
    _raw = True

    @staticmethod
    def forward(ctx, x, t, reduction, log_target):
        with np.errstate(divide="ignore", invalid="ignore"):
            if log_target:
                loss = np.exp(t) * (t - x)
            else:
                tlogt = np.where(t == 0, t.dtype.type(0), t * np.log(t))
                loss = tlogt - t * x
        ctx.save_for_backward(x, t)
        ctx.reduction, ctx.log_target, ctx.n = reduction, log_target, loss.size
        if reduction == "batchmean":
            total = loss.sum(dtype=loss.dtype)
            return np.asarray(total / loss.dtype.type(x.shape[0])) if x.ndim else np.asarray(total)
        return _reduce(loss, reduction)

    @staticmethod
    def backward(ctx, g):
        x, t = ctx.saved_tensors
        if ctx.reduction == "batchmean":
            s = g / g.dtype.type(x.shape[0]) if x.ndim else g
        else:
            s = _upstream(g, ctx.reduction, ctx.n)
        gx = gt = None
        with np.errstate(divide="ignore", invalid="ignore"):
            if ctx.needs_input_grad[0]:
                gx = ((-np.exp(t) if ctx.log_target else -t) * s).astype(x.dtype, copy=False)
            if ctx.needs_input_grad[1]:
                if ctx.log_target:
                    d = np.exp(t) * (t - x) + np.exp(t)
                else:
                    d = np.where(t != 0, np.log(t), t.dtype.type(0)) + t / t - x
                gt = (d * s).astype(t.dtype, copy=False)
        return gx, gt, None, None

    def name(self):
        return {"mean": "MeanBackward0", "sum": "SumBackward0", "batchmean": "DivBackward0",
                "none": "MulBackward0" if self.log_target else "SubBackward0"}[self.reduction]


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """KL divergence ``sum t (log t - x)`` between target ``t`` and log-probabilities ``input``.

    ``reduction='batchmean'`` (sum over everything divided by the batch size) is the
    mathematical KL divergence; ``'mean'`` divides by the number of elements and warns,
    exactly as torch does.
    """
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    elif reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                      "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                      "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
                      stacklevel=2)
    if reduction not in _REDUCTIONS + ("batchmean",):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    x, t = promote(_operand(input), _operand(target))
    return _KLDiv.apply(x, t, reduction, log_target)


__all__ += ["conv1d", "conv2d", "max_pool2d", "max_pool2d_with_indices", "avg_pool2d", "adaptive_avg_pool2d",
            "batch_norm", "layer_norm", "pad", "dropout2d", "embedding", "smooth_l1_loss", "huber_loss", "kl_div"]


# ======================================================================================
# Transposed convolutions, resizing, pixel shuffling, hardtanh (ops in _ops/)
# ======================================================================================
from .._ops.conv import conv_transpose1d, conv_transpose2d  # noqa: E402
from .._ops.upsampling import interpolate, upsample, upsample_nearest, upsample_bilinear  # noqa: E402
from .._ops.pixel_shuffle import pixel_shuffle, pixel_unshuffle  # noqa: E402
from .._ops.activation import hardtanh  # noqa: E402


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    return hardtanh(input, min_val, max_val, inplace=True)


def relu6(input, inplace=False):
    """``min(max(x, 0), 6)``: torch computes it as ``hardtanh(x, 0, 6)`` (node ``HardtanhBackward0``)."""
    return hardtanh(input, 0.0, 6.0, inplace)


__all__ += ["conv_transpose1d", "conv_transpose2d", "interpolate", "upsample", "upsample_nearest",
            "upsample_bilinear", "pixel_shuffle", "pixel_unshuffle", "hardtanh", "hardtanh_", "relu6"]
