"""Gradient clipping, applied in place to ``p.grad`` after ``backward()``.

``clip_grad_norm_`` treats all gradients as one long vector: it computes the vector's
``norm_type``-norm (the norm of the per-tensor norms, as torch does) and, when that
exceeds ``max_norm``, multiplies every gradient by ``max_norm / (total_norm + 1e-6)``.
It returns the total norm measured *before* clipping.
"""
import numpy as np

from ..._tensor import Tensor, _wrap


def _grads(parameters):
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p._grad for p in parameters if p._grad is not None]


def _norm(a, norm_type):
    a = np.abs(a.reshape(-1))
    if norm_type == float("inf"):
        return a.max() if a.size else a.dtype.type(0)
    if norm_type == float("-inf"):
        return a.min() if a.size else a.dtype.type(0)
    if norm_type == 0:
        return a.dtype.type(np.count_nonzero(a))
    if norm_type == 2:
        return np.sqrt(np.dot(a, a))
    return (a ** norm_type).sum() ** (1.0 / norm_type)


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Scale all gradients so their total ``norm_type``-norm is at most ``max_norm``."""
    norm_type = float(norm_type)
    grads = _grads(parameters)
    if not grads:
        return _wrap(np.array(0.0, dtype=np.float32))
    per_tensor = np.array([_norm(g._data, norm_type) for g in grads], dtype=grads[0]._data.dtype)
    total = _norm(per_tensor, norm_type)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, so it "
                           "cannot be clipped. To disable this error and scale the gradients by the non-finite norm "
                           "anyway, set `error_if_nonfinite=False`")
    coef = min(total.dtype.type(max_norm) / (total + total.dtype.type(1e-6)), total.dtype.type(1.0))
    for g in grads:
        g._data *= coef
    return _wrap(np.asarray(total))


def clip_grad_norm(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Deprecated alias of ``clip_grad_norm_``."""
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamp every gradient element into ``[-clip_value, clip_value]``."""
    clip_value = float(clip_value)
    for g in _grads(parameters):
        np.clip(g._data, -clip_value, clip_value, out=g._data)

