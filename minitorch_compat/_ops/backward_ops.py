"""torch's ``*_backward`` kernels as ops of their own, so a gradient taken with
``create_graph=True`` records the node torch records.

torch writes the backward of ``relu`` not as ``grad * (result > 0)`` but as a call of a
kernel, ``threshold_backward(grad, result, 0)``; under ``create_graph`` that call is a node
(``ThresholdBackwardBackward0``) with an edge to ``grad`` *and* one to ``result``. So the
first gradient of ``relu(x).sum()`` requires grad, and differentiating it again gives
zeros (the kernel is piecewise constant in the saved value), where a formula that only
multiplies ``grad`` by a constant mask would give a gradient that requires no grad at all.

Each op here is such a kernel: ``forward(ctx, grad, saved, **options)`` is the array
formula the first-order backward runs (through ``.call``: on arrays, just the forward),
and its ``backward`` is torch's double backward: the same kernel applied to the incoming
gradient for ``grad`` (each kernel is linear in ``grad`` and is its own adjoint), and
zeros for ``saved`` -- except ``elu_backward`` and the robust losses' kernels, whose
derivatives in ``self`` are not zero.
"""
import numpy as np

from ..autograd.function import ArrayFunction


class _MaskKernel(ArrayFunction):
    """``grad`` times a mask (or slope) that depends on ``saved`` only: ``kernel(grad, saved, **options)``."""
    _save_names = ("self",)

    @staticmethod
    def kernel(g, saved, **options):
        raise NotImplementedError

    @classmethod
    def call(cls, g, saved, **options):  # (on arrays, a first-order backward: just the formula)
        return cls.kernel(g, saved, **options) if type(g) is type(saved) is np.ndarray else cls.apply(g, saved, **options)

    @classmethod
    def forward(cls, ctx, g, saved, **options):
        ctx.save_for_backward(saved)
        ctx.options = options
        return cls.kernel(g, saved, **options)

    @classmethod
    def backward(cls, ctx, gg):
        saved, = ctx.saved_tensors
        return cls.call(gg, saved, **ctx.options), np.zeros_like(saved)


class ThresholdBackward(_MaskKernel):
    """``threshold_backward(grad, self, threshold)``: ``grad`` where ``self > threshold``, else 0
    (relu's backward, with its result as ``self``). A product with the mask rather than
    torch's select, which NumPy runs several times slower on large arrays: the two differ
    only where ``self`` is NaN or ``grad`` infinite."""
    _backward_name = "ThresholdBackwardBackward0"

    @staticmethod
    def kernel(g, saved, threshold=0):
        return g * (saved > threshold)


class HardtanhBackward(_MaskKernel):
    """``hardtanh_backward(grad, self, min_val, max_val)``: ``grad`` strictly inside the interval."""
    _backward_name = "HardtanhBackwardBackward0"

    @staticmethod
    def kernel(g, saved, min_val, max_val):
        return np.where((saved <= min_val) | (saved >= max_val), 0, g)


class LeakyReluBackward(_MaskKernel):
    """``leaky_relu_backward(grad, self, negative_slope)``: ``grad`` where ``self > 0``, else ``slope * grad``."""
    _backward_name = "LeakyReluBackwardBackward0"

    @staticmethod
    def kernel(g, saved, negative_slope):
        return np.where(saved > 0, g, g * negative_slope)


class EluBackward(ArrayFunction):
    """``elu_backward(grad, alpha, ..., self)``: ``grad`` where ``self > 0``, else
    ``grad * alpha * exp(self)``; its derivative in ``self`` is torch's ``elu_double_backward``,
    ``grad * grad_output * alpha * exp(self)`` where ``self < 0``, else 0 (so at ``self == 0``
    the first derivative is ``alpha`` and the second 0, as in torch)."""
    _backward_name = "EluBackwardBackward0"
    _save_names = ("grad_output", "self_or_result")

    @staticmethod
    def forward(ctx, g, x, alpha):
        ctx.save_for_backward(g, x)
        ctx.alpha = alpha
        return np.where(x > 0, g, g * alpha * np.exp(np.minimum(x, 0)))

    @staticmethod
    def backward(ctx, gg):
        g, x = ctx.saved_tensors
        return EluBackward.call(gg, x, alpha=ctx.alpha), np.where(x < 0, gg * g * ctx.alpha * np.exp(np.minimum(x, 0)), 0)


class PoolBackward(ArrayFunction):
    """``max_pool2d_with_indices_backward``, ``avg_pool2d_backward``,
    ``adaptive_avg_pool2d_backward``, ``reflection_pad2d_backward``...: the pooling (or
    padding) ``node``'s own backward formula, as a node with edges to ``grad`` and to the
    input ``self``. Its backward is the pooling itself applied to the incoming gradient (the
    node's ``_adjoint``: each window's gathered or averaged elements, the padded gather) for
    ``grad``, and zeros for ``self``. Only a backward recording a graph builds it (the
    node's ``_graph_backward``); the first-order path runs the formula."""

    @staticmethod
    def forward(ctx, g, x, *, node):
        ctx.save_for_backward(x)
        ctx.node, ctx._backward_name = node, node.name().replace("Backward0", "BackwardBackward0")
        return np.ascontiguousarray(type(node).backward(node, g))  # (a new tensor, as torch's kernels give)

    @staticmethod
    def backward(ctx, gg):
        x, = ctx.saved_tensors
        return type(ctx.node)._adjoint(ctx.node, gg), np.zeros_like(x)


def pool_graph_backward(ctx, g, g_indices=None):
    """A pooling or padding node's ``_graph_backward``: its formula as a ``PoolBackward`` node."""
    return PoolBackward.apply(g, ctx._inputs[0], node=ctx)


def upstream(g, reduction, n):
    """The gradient reaching each element of a loss before its ``reduction``."""
    if reduction == "mean":
        return g / n if n else g * np.nan  # (NumPy divides in g's dtype: n is a weak Python int)
    return g


class RobustLossBackward(ArrayFunction):
    """``smooth_l1_loss_backward(grad, self, target, reduction, beta)`` and
    ``huber_loss_backward(grad, self, target, reduction, delta)``: with ``d = self - target``,
    ``grad`` times ``d / beta`` (huber: ``d``) inside ``|d| < beta`` and the clipped slope
    ``+-1`` (``+-beta``) outside. Its backward is torch's double backward: the same kernel
    for ``grad``; for ``self`` the curvature, ``grad * gg / beta`` (huber: ``grad * gg``)
    inside and 0 outside, and its negation for ``target``."""
    _save_names = ("grad_output", "self", "target")

    @staticmethod
    def kernel(g, d, kind, beta, reduction, n):
        slope = beta if kind == "huber" else 1
        inner = d if kind == "huber" else d / beta
        gd = np.where(d <= -beta, -slope, np.where(d >= beta, slope, inner)) * upstream(g, reduction, n)
        return gd.astype(d.dtype, copy=False)

    @staticmethod
    def forward(ctx, g, x, t, kind, beta, reduction):
        ctx.save_for_backward(g, x, t)
        d = x - t
        ctx.kind, ctx.beta, ctx.reduction, ctx.n = kind, beta, reduction, d.size
        ctx._backward_name = "HuberLossBackwardBackward0" if kind == "huber" else "SmoothL1LossBackwardBackward0"
        return RobustLossBackward.kernel(g, d, kind, beta, reduction, d.size)

    @staticmethod
    def backward(ctx, gg):
        g, x, t = ctx.saved_tensors
        d = x - t
        inside = (d > -ctx.beta) & (d < ctx.beta)
        gx = np.where(inside, gg * upstream(g, ctx.reduction, ctx.n) * (1 if ctx.kind == "huber" else 1 / ctx.beta), 0)
        return RobustLossBackward.kernel(gg, d, ctx.kind, ctx.beta, ctx.reduction, ctx.n), gx, -gx
