"""``torch._weight_norm`` and ``torch.norm_except_dim``: ``w = g * v / ||v||``.

What torch does (``aten/src/ATen/native/WeightNorm.cpp``)
-------------------------------------------------------
``norm_except_dim(v, 2, dim)`` is the 2-norm of ``v`` over every dimension but ``dim``,
shaped to broadcast against ``v`` (size 1 everywhere except ``dim``); ``dim=-1`` means
the norm of the whole tensor, a scalar. ``_weight_norm(v, g, dim)`` is
``v * (g / norm_except_dim(v, 2, dim))``. When ``dim`` is the first or the last
dimension torch runs one fused kernel, a single ``WeightNormInterfaceBackward0`` node,
whose backward with ``n = ||v||`` (over the other dimensions) and ``gw`` the incoming
gradient is::

    grad_g = sum(gw * v) / n
    grad_v = (g / n) * (gw - v * grad_g / n)

Any other ``dim`` is the composite expression, recorded op by op.
"""
import numpy as np

from ..autograd.function import ArrayFunction
from .reduction import VectorNorm


def _other_axes(ndim, dim):
    return tuple(a for a in range(ndim) if a != dim)


class Norm(VectorNorm):
    """``at::norm`` as torch's C++ code calls it: ``vector_norm`` under the node names
    ``NormBackward0`` (whole tensor) and ``NormBackward1`` (over ``dim``)."""

    @staticmethod
    def forward(ctx, x, p, axes, keepdim):
        ctx._backward_name = "NormBackward0" if axes is None else "NormBackward1"
        return VectorNorm.forward(ctx, x, p, axes, keepdim)


def norm_except_dim(v, pow=2, dim=0):
    """The ``pow``-norm of ``v`` over all dimensions but ``dim`` (keeping them as size 1),
    composed as torch composes it: flatten the other dimensions, take the norm, view back."""
    pow = float(pow)
    if dim == -1:
        return Norm.apply(v, p=pow, axes=None, keepdim=False)
    keep = [1] * v.ndim
    if dim == 0:
        keep[0] = v.size(0)
        return Norm.apply(v.contiguous().view(v.size(0), -1), p=pow, axes=(1,), keepdim=False).view(keep)
    if dim == v.ndim - 1:
        keep[-1] = v.size(-1)
        return Norm.apply(v.contiguous().view(-1, v.size(-1)), p=pow, axes=(0,), keepdim=False).view(keep)
    return norm_except_dim(v.transpose(0, dim), pow, 0).transpose(0, dim)


class WeightNormInterface(ArrayFunction):
    _backward_name = "WeightNormInterfaceBackward0"

    @staticmethod
    def forward(ctx, v, g, dim):
        axes = _other_axes(v.ndim, dim)
        norm = np.sqrt(np.sum(v * v, axis=axes, keepdims=True))
        ctx.save_for_backward(v, g, norm)
        ctx.axes = axes
        return v * (g / norm)

    def _graph_saved(ctx, values):
        """create_graph: the norm stays a constant. torch saves it as the node's second output,
        whose gradient the node's backward drops, so its double backward misses the norm's
        dependence on ``v`` (``gradgradcheck`` fails on it); this gives torch's numbers."""
        return {2: values[2]}

    @staticmethod
    def backward(ctx, gw):
        v, g, norm = ctx.saved_tensors
        grad_g = np.sum(gw * v, axis=ctx.axes, keepdims=True) / norm
        grad_v = (g / norm) * (gw - v * (grad_g / norm))
        return grad_v, grad_g.reshape(g.shape)


def _weight_norm(v, g, dim=0):
    """``v * (g / norm_except_dim(v, 2, dim))``; one fused node when ``dim`` is the first or last."""
    v, g = v.contiguous(), g.contiguous()  # (as torch: a non-contiguous input gets a CloneBackward0 node)
    if dim in (0, v.ndim - 1):
        return WeightNormInterface.apply(v, g, dim=dim)
    return v * (g / norm_except_dim(v, 2, dim))
