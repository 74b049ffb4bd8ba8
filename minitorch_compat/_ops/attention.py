"""Scaled dot-product attention (torch: ``aten/src/ATen/native/transformers/attention.cpp``).

``F.scaled_dot_product_attention(q, k, v)`` is ``softmax(q k^T * scale + mask) v`` over
the last two dimensions, ``scale = 1/sqrt(E)`` by default. A boolean mask marks the keys
that *take part*; it becomes 0 / -inf before being added (``is_causal`` is the
lower-triangular one). The softmax is a "safe" one: a row whose entries are all ``-inf``
(a query allowed to see nothing) gives zeros instead of NaN.

torch picks one of two CPU implementations, and records it in the graph:

* its fused kernel (4-d inputs with one head size, no dropout, a mask needing no
  gradient): one node, ``ScaledDotProductFlashAttentionForCpuBackward0`` -- here
  ``FlashAttention``, the formula and its gradient in a dozen lines;
* otherwise the "math" path, ordinary ops in this order (so node names and rounding
  follow torch's): ``q * sqrt(scale)``, ``k^T * sqrt(scale)``, ``q @ k^T``, ``+ mask``,
  ``safe_softmax``, dropout, ``@ v``.

Two ops torch has that the rest of this package lacked live here: ``MulBackward1``
(a tensor times a C++ scalar) and ``baddbmm`` (used by ``F.multi_head_attention_forward``).
"""
import math

import numpy as np

from .. import _dtype
from .._tensor import _wrap, _wrap_dim
from ..autograd.function import ArrayFunction, DelayedError
from .activation import Softmax, softmax_backward
from .dropout import dropout as _dropout
from .linalg import matmul
from .pointwise import _operand
from .shape import index_select, squeeze, unsqueeze


class MulScalar(ArrayFunction):
    """``x * s`` for a scalar ``s`` kept as an attribute of the node (torch's ``mul.Scalar``)."""
    _backward_name = "MulBackward1"

    @staticmethod
    def forward(ctx, x, scalar):
        ctx.scalar = scalar
        return x * x.dtype.type(scalar)

    @staticmethod
    def backward(ctx, g):
        return g * ctx.scalar  # (a Python number takes g's dtype, as NumPy's weak scalars do)


def _safe_softmax(x, dim):
    """Softmax along ``dim``; a slice that is entirely ``-inf`` gives zeros (not NaN)."""
    m = np.max(x, axis=dim, keepdims=True)
    masked = m == -np.inf
    e = np.exp(x - np.where(masked, 0, m))
    s = np.sum(e, axis=dim, keepdims=True)
    return np.where(masked, 0, e / np.where(masked, 1, s)).astype(x.dtype, copy=False)


class SafeSoftmax(Softmax):
    """``_safe_softmax`` as a node (the math path's): softmax's backward, a safe forward."""
    _backward_name = "SafeSoftmaxBackward0"

    @staticmethod
    def forward(ctx, x, dim):
        y = _safe_softmax(x, dim)
        ctx.save_for_backward(y)
        ctx.dim = dim
        return y


class FlashAttention(ArrayFunction):
    """The whole attention as one node, as torch records its fused CPU kernel::

        P = safe_softmax(q k^T * scale + mask)      out = P v     (causal: -inf above the diagonal)
        dv = P^T g    dP = g v^T    dS = P * (dP - rowsum(dP * P))    dq = dS k * scale    dk = dS^T q * scale

    ``mask`` (float, broadcastable) is an option, not an input: torch's kernel gives it no gradient."""
    _backward_name = "ScaledDotProductFlashAttentionForCpuBackward0"

    @staticmethod
    def forward(ctx, q, k, v, mask, scale, causal):
        s = q @ k.swapaxes(-1, -2)
        if causal:  # torch's kernel masks before scaling: a negative scale turns -inf into +inf (NaN rows)
            s += _bool_mask_to_float(np.tril(np.ones(s.shape[-2:], dtype=bool)), _dtype.float64)._data
        s *= q.dtype.type(scale)
        if mask is not None:
            s += mask
        p = _safe_softmax(s, -1)
        ctx.save_for_backward(q, k, v, p)
        ctx.scale = q.dtype.type(scale)
        # torch's kernel lays its output out in memory like the query, and so which later
        # reshapes are views (the node names) depends on it: empty_like keeps the layout
        return np.matmul(p, v, out=np.empty_like(q))

    @staticmethod
    def backward(ctx, g):
        q, k, v, p = ctx.saved_tensors
        ds = softmax_backward(p, g @ v.swapaxes(-1, -2), -1) * ctx.scale
        return ds @ k, ds.swapaxes(-1, -2) @ q, p.swapaxes(-1, -2) @ g

    @staticmethod
    def _graph_backward(ctx, g):
        """torch's fused kernel has no double backward: under create_graph the first gradients
        come from a ``NotImplemented`` node, which raises torch's error when a second backward
        reaches it. (Its edges here lead to no input, where torch's lead to q, k, v and out.)"""
        grads = [_wrap(a).requires_grad_() for a in FlashAttention.backward(ctx, g._data)]
        return DelayedError.apply(*grads, name="torch::autograd::NotImplemented", message=(
            "derivative for aten::_scaled_dot_product_flash_attention_for_cpu_backward is not implemented"))


class Baddbmm(ArrayFunction):
    """``beta * input + alpha * (batch1 @ batch2)``, batched matrix products."""
    _backward_name = "BaddbmmBackward0"

    @staticmethod
    def forward(ctx, input, batch1, batch2, beta=1, alpha=1):
        ctx.save_for_backward(batch1, batch2)
        ctx.beta, ctx.alpha = beta, alpha
        prod = np.matmul(batch1, batch2)
        return (input if beta == 1 else beta * input) + (prod if alpha == 1 else alpha * prod)

    @staticmethod
    def backward(ctx, g):
        b1, b2 = ctx.saved_tensors
        ga = g if ctx.alpha == 1 else g * ctx.alpha
        return (g if ctx.beta == 1 else g * ctx.beta), ga @ b2.swapaxes(1, 2), b1.swapaxes(1, 2) @ ga


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):
    return Baddbmm.apply(input, batch1, batch2, beta=beta, alpha=alpha)


def _check(q, k, v, attn_mask):
    """torch's ``validate_sdpa_input``."""
    if not q.dtype == k.dtype == v.dtype:
        raise RuntimeError(f"Expected query, key, and value to have the same dtype, but got query.dtype: "
                           f"{q.dtype._cpp_name} key.dtype: {k.dtype._cpp_name} and value.dtype: "
                           f"{v.dtype._cpp_name} instead.")
    if q.dim() < 2 or k.dim() < 2 or v.dim() < 2:
        raise RuntimeError(f"Expected query, key, and value to all be  at least 2 dimensional, but got query.dim: "
                           f"{q.dim()} key.dim: {k.dim()} and value.dim: {v.dim()} instead.")
    if attn_mask is not None and attn_mask.dtype not in (_dtype.bool_, _dtype.float32, q.dtype):
        raise RuntimeError(f"Expected attn_mask dtype to be bool or float or to match query dtype, but got "
                           f"attn_mask.dtype: {attn_mask.dtype._cpp_name} and  query.dtype: {q.dtype._cpp_name} "
                           "instead.")
    if attn_mask is not None and q.dim() == 4:
        _wrap_dim(-2, attn_mask.dim())  # torch's fused-kernel check reads the mask's size(-2)


def _bool_mask_to_float(mask, dtype):
    """``True`` (take part) -> 0, ``False`` -> -inf."""
    return _wrap(np.where(mask, 0, -np.inf).astype(dtype._np))


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None,
                                 enable_gqa=False):
    """``softmax(query @ key^T * scale + attn_mask) @ value`` (see the module docstring).

    Shapes: query ``(N, ..., L, E)``, key ``(N, ..., S, E)``, value ``(N, ..., S, Ev)`` ->
    ``(N, ..., L, Ev)``; ``attn_mask`` broadcastable to ``(N, ..., L, S)``.
    """
    q, k, v = _operand(query), _operand(key), _operand(value)
    _check(q, k, v, attn_mask)
    if is_causal and attn_mask is not None:
        raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True")
    if attn_mask is not None and attn_mask.dtype == _dtype.bool_:
        attn_mask = _bool_mask_to_float(attn_mask._data, q.dtype)
    three_d = q.dim() == 3  # torch's CPU path runs 3-d inputs as one batch of 4-d ones
    if three_d:
        q, k, v = unsqueeze(q, 0), unsqueeze(k, 0), unsqueeze(v, 0)
    if enable_gqa:  # each key/value head serves q.size(-3) // k.size(-3) query heads
        k = index_select(k, -3, _wrap(np.repeat(np.arange(k.size(-3)), q.size(-3) // k.size(-3))))
        v = index_select(v, -3, _wrap(np.repeat(np.arange(v.size(-3)), q.size(-3) // v.size(-3))))
    if _fused_kernel_applies(q, k, v, attn_mask, dropout_p):
        scale = scale if scale is not None else 1.0 / math.sqrt(q.size(-1))
        out = FlashAttention.apply(q, k, v, mask=None if attn_mask is None else attn_mask._data, scale=scale,
                                   causal=is_causal)
    else:
        out = _math(q, k, v, attn_mask, dropout_p, is_causal, scale)
    return squeeze(out, 0) if three_d else out


def _fused_kernel_applies(q, k, v, attn_mask, dropout_p):
    """torch's choice of its fused CPU kernel over the math path (``select_sdp_backend_cpp``):
    4-d inputs with one batch size and one head size, no dropout, a 2-d or 4-d mask that
    needs no gradient."""
    return (q.dim() == k.dim() == v.dim() == 4 and q.size(0) == k.size(0) == v.size(0)
            and q.size(-1) == k.size(-1) == v.size(-1) and q.size(-2) > 0 and k.size(-2) > 0 and dropout_p == 0.0
            and (attn_mask is None or attn_mask.dim() in (2, 4) and not attn_mask.requires_grad))


def _math(q, k, v, attn_mask, dropout_p, is_causal, scale):
    """torch's ``_scaled_dot_product_attention_math``: ordinary ops, each its own node."""
    negative = scale is not None and scale < 0
    factor = math.sqrt(abs(scale) if negative else scale if scale is not None else 1.0 / math.sqrt(q.size(-1)))
    q = MulScalar.apply(q, scalar=-factor if negative else factor)
    if is_causal:
        attn_mask = _bool_mask_to_float(np.tril(np.ones((q.size(-2), k.size(-2)), dtype=bool)), q.dtype)
    attn = matmul(q, MulScalar.apply(k.transpose(-2, -1), scalar=factor))
    if attn_mask is not None:
        attn = attn + attn_mask
    attn = SafeSoftmax.apply(attn, dim=attn.dim() - 1)
    if dropout_p > 0.0:
        if dropout_p > 1:
            raise RuntimeError(f"dropout probability has to be between 0 and 1, but got {dropout_p}")
        attn = _dropout(attn, dropout_p)
    return matmul(attn, v)
