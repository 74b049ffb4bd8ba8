"""``torch.cdist``: the p-norm distance between each row of ``x1`` and each row of ``x2``.

For ``x1`` of shape (B, P, M) and ``x2`` of shape (B, R, M) the result is (B, P, R) with
``out[b, i, j] = ||x1[b, i] - x2[b, j]||_p`` (batch dimensions broadcast). torch has two
ways to compute it, and each gives its own rounding and its own graph:

* directly, from the (B, P, R, M) differences (``CdistBackward0``). The gradient of each
  distance with respect to a difference ``d`` is ``sign(d) |d|^(p-1) / dist^(p-1)``
  (``d / dist`` for p = 2, ``sign(d)`` for p = 1, ``sign(d)`` where ``|d| == dist`` for
  p = inf, 0 for p = 0), 0 where the distance is 0; ``x1`` gets its sum over ``j``, ``x2``
  minus its sum over ``i``.
* for p = 2, through one matrix product (``EuclideanDistBackward0``):
  ``||a - b||^2 = -2 a.b + ||a||^2 + ||b||^2``, clamped at 0 before the square root. torch
  takes this path when ``compute_mode`` asks for it, and by default when P or R exceeds 25.
  Its backward, with ``r = grad / dist`` (0 where dist is 0), is
  ``x1 * sum_j r - r @ x2`` and ``x2 * sum_i r - r^T @ x1``.
"""
import numpy as np

from ..autograd.function import ArrayFunction
from ..autograd.graph import shown_edges, shown_node
from .pointwise import _operand

_MODES = ("use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist", "donot_use_mm_for_euclid_dist")


class Cdist(ArrayFunction):
    _backward_name = "CdistBackward0"
    _save_names = ("x1", "x2", "result")

    @staticmethod
    def forward(ctx, x1, x2, p):
        diff = x1[..., :, None, :] - x2[..., None, :, :]
        a = np.abs(diff)
        if p == 2:
            out = np.sqrt(np.sum(diff * diff, axis=-1))
        elif p == 1:
            out = np.sum(a, axis=-1)
        elif p == np.inf:
            out = np.max(a, axis=-1, initial=0)
        elif p == 0:
            out = np.count_nonzero(diff, axis=-1).astype(x1.dtype)
        else:
            out = np.power(np.sum(np.power(a, p), axis=-1), 1 / p)
        ctx.save_for_backward(x1, x2, out)
        ctx.p = p
        return np.asarray(out, x1.dtype)

    @staticmethod
    def backward(ctx, g):
        x1, x2, out = ctx.saved_tensors
        p = ctx.p
        diff = x1[..., :, None, :] - x2[..., None, :, :]
        dist = out[..., None]
        if p == 0:
            coef = np.zeros_like(diff)
        elif p == 1:
            coef = np.sign(diff)
        elif p == 2:  # (diff is 0 wherever dist is: dividing by 1 there gives 0, and no 0/0 in a double backward)
            coef = diff / np.where(dist == 0, 1, dist)
        elif p == np.inf:
            coef = np.sign(diff) * (np.abs(diff) == dist)
        else:  # (the powers of 1 where the result is 0: finite, so a double backward through them stays finite)
            zero = (dist == 0) | ((diff == 0) & (p < 1))
            coef = np.where(zero, 0, np.sign(diff) * np.power(np.where(zero, 1, np.abs(diff)), p - 1)
                            / np.power(np.where(zero, 1, dist), p - 1))
        weighted = coef * g[..., None]
        return weighted.sum(axis=-2), -weighted.sum(axis=-3)


class EuclideanDist(ArrayFunction):
    """The p = 2 distance through one matrix product (torch's ``_euclidean_dist``); torch
    shows it under a ``view`` of the result, as ``next_functions`` does here."""
    _backward_name = "ViewBackward0"
    _save_names = (None, None, "result")  # (the result, for create_graph; torch's ViewBackward0 shows no tensor)

    @staticmethod
    def forward(ctx, x1, x2):
        n1, n2 = np.sum(x1 * x1, axis=-1, keepdims=True), np.sum(x2 * x2, axis=-1, keepdims=True)
        a = np.concatenate([x1 * -2, n1, np.ones_like(n1)], axis=-1)
        b = np.concatenate([x2, np.ones_like(n2), n2], axis=-1)
        out = np.sqrt(np.maximum(np.matmul(a, np.swapaxes(b, -1, -2)), 0))
        ctx.save_for_backward(x1, x2, out)
        return out

    @staticmethod
    def backward(ctx, g):
        x1, x2, out = ctx.saved_tensors
        r = np.where(out == 0, 0, g / np.where(out == 0, 1, out))  # (no 0/0, even in a double backward)
        g1 = x1 * r.sum(-1, keepdims=True) - np.matmul(r, x2)
        g2 = x2 * r.sum(-2)[..., None] - np.matmul(np.swapaxes(r, -1, -2), x1)
        return g1, g2

    @property
    def next_functions(self):
        return shown_edges((shown_node("EuclideanDistBackward0", *self._next),))


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    x1, x2 = _operand(x1), _operand(x2)
    for name, t in (("X1", x1), ("X2", x2)):
        if t._data.ndim < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {name} got: {t._data.ndim}D")
    for name, t in (("X1", x1), ("X2", x2)):
        if t._data.dtype.kind != "f":
            raise RuntimeError(f"cdist only supports floating-point dtypes, {name} got: {t.dtype._scalar_name}")
    if x1._data.shape[-1] != x2._data.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {x1._data.shape[-1]} "
                           f"X2: {x2._data.shape[-1]}")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    if compute_mode not in _MODES:
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    if x1._data.dtype != x2._data.dtype:
        raise RuntimeError(f"expected scalar type {x1.dtype._scalar_name} but found {x2.dtype._scalar_name}")
    rows = max(x1._data.shape[-2], x2._data.shape[-2])
    if p == 2 and (compute_mode == _MODES[1] or compute_mode == _MODES[0] and rows > 25):
        return EuclideanDist.apply(x1, x2)
    if x1._data.itemsize < 4 or x1.dtype._scalar_name == "BFloat16":  # torch's direct kernel has no 16-bit version
        raise NotImplementedError(f"\"cdist\" not implemented for '{x1.dtype._scalar_name}'")
    return Cdist.apply(x1, x2, p=float(p))
