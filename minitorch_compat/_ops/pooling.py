"""Pooling: ``max_pool2d``, ``avg_pool2d`` and ``adaptive_avg_pool2d``.

Max and average pooling look at the same strided windows as convolution
(``sliding_window_view``). Max pooling scans the ``kh*kw`` window offsets in order, each
one elementwise comparison over all windows at once, keeping each window's largest value
and where it was (torch's ``return_indices``: the flat position ``h * W + w`` in the
input, computed only when asked for); the backward sends each gradient to exactly that
element (one strided write per window offset when the windows do not overlap,
``np.bincount`` on the flat indices to add them up when they do). Adaptive average
pooling is written as two small matrix products, ``A_h @ x @ A_w^T``, where row ``i`` of
``A_h`` marks the input rows of output row ``i``.

Where we differ: when dilation and padding leave a window with no input element at all,
torch returns ``-inf`` and an index outside that window, and its backward then writes
out of bounds (memory corruption); we return the same value and index and send that
window's gradient nowhere.

An unbatched input ``(C, H, W)`` goes to the kernels as it is, as in torch (no
unsqueeze/squeeze nodes): they pool it as one sample (``_as_batch``).
"""
import functools

import numpy as np
from numpy.lib.stride_tricks import as_strided, sliding_window_view

from .._tensor import _wrap
from ..autograd.function import ArrayFunction
from .backward_ops import pool_graph_backward
from .conv import _pair
from .pointwise import _operand


def _pool_out(size, k, s, p, d, ceil_mode):
    eff = d * (k - 1) + 1
    num = size + 2 * p - eff
    out = (-(-num // s) if ceil_mode else num // s) + 1
    if ceil_mode and (out - 1) * s >= size + p:  # the last window must start inside the input
        out -= 1
    return out


def _as_batch(formula):
    """A formula of a pooling node written for ``(N, C, ...)`` arrays, run on an unbatched
    node's ``(C, ...)`` gradient as a batch of one."""
    @functools.wraps(formula)
    def run(ctx, g, *rest):
        return formula(ctx, g[None], *rest)[0] if ctx.unbatched else formula(ctx, g, *rest)
    return run


def _windows(x, k, s, p, d, out, fill):
    """Padded strided windows, shape (N, C, OH, OW, kh, kw); extra right padding for ceil_mode."""
    (kh, kw), (sh, sw), (ph, pw), (dh, dw), (oh, ow) = k, s, p, d, out
    need_h = (oh - 1) * sh + (kh - 1) * dh + 1
    need_w = (ow - 1) * sw + (kw - 1) * dw + 1
    h, w = x.shape[2:]
    extra_h, extra_w = max(need_h - (h + 2 * ph), 0), max(need_w - (w + 2 * pw), 0)
    if ph or pw or extra_h or extra_w:
        x = np.pad(x, ((0, 0), (0, 0), (ph, ph + extra_h), (pw, pw + extra_w)), constant_values=fill)
    win = sliding_window_view(x, ((kh - 1) * dh + 1, (kw - 1) * dw + 1), axis=(2, 3))
    return win[:, :, :oh * sh:sh, :ow * sw:sw, ::dh, ::dw]


class MaxPool2d(ArrayFunction):
    _backward_name = "MaxPool2DWithIndicesBackward0"
    _save_names = (None, None, "self")

    @staticmethod
    def forward(ctx, x, k, s, p, d, out_hw, return_indices, call=None):
        ctx.unbatched, ctx.call = x.ndim == 3, call  # (stride as given and ceil_mode: what grad_fn._saved_* shows)
        batch = x[None] if ctx.unbatched else x
        n, c, h, w = batch.shape
        floating = x.dtype.kind == "f"
        win = _windows(batch, k, s, p, d, out_hw, -np.inf if floating else np.iinfo(x.dtype).min)
        # scan the window offsets in row-major order, as torch's kernel does: a value
        # replaces the running maximum when it is larger, or NaN (so NaN propagates);
        # ``arg`` keeps the offset number of each window's winner
        values = win[..., 0, 0].copy()
        arg = np.zeros(values.shape, dtype=np.int8 if k[0] * k[1] < 128 else np.int32)
        for a in range(k[0]):
            for b in range(k[1]):
                if a == 0 and b == 0:
                    continue
                v = win[..., a, b]
                better = v > values
                if floating:
                    better |= np.isnan(v)
                np.maximum(values, v, out=values)
                arg += better * arg.dtype.type(a * k[1] + b) - better * arg   # where(better, offset, arg)
        ctx.geom = (batch.shape, k, s, p, d, out_hw)
        ctx.dtype = x.dtype
        # non-overlapping windows inside the input: the backward needs only ``arg``
        ctx.simple = (all(ss >= (kk - 1) * dd + 1 for ss, kk, dd in zip(s, k, d)) and p == (0, 0)
                      and (out_hw[0] - 1) * s[0] + (k[0] - 1) * d[0] < h
                      and (out_hw[1] - 1) * s[1] + (k[1] - 1) * d[1] < w)
        indices = _flat_indices(ctx, arg) if (return_indices or not ctx.simple) else None
        ctx.save_for_backward(arg, indices, x)  # (torch saves the input and the indices)
        if ctx.unbatched:
            values, indices = values[0], None if indices is None else indices[0]
        return (values, indices) if return_indices else values

    @staticmethod
    @_as_batch
    def backward(ctx, g, g_indices=None):
        arg, indices, _ = ctx.saved_tensors
        (n, c, h, w), k, s, p, d, out_hw = ctx.geom
        if ctx.simple:   # each window owns its elements: write g at its winner, one pass per offset
            gx = np.zeros((n, c, h, w), dtype=g.dtype)
            view = as_strided(gx, (n, c) + tuple(out_hw) + tuple(k),
                              gx.strides[:2] + (gx.strides[2] * s[0], gx.strides[3] * s[1],
                                                gx.strides[2] * d[0], gx.strides[3] * d[1]))
            for a in range(k[0]):
                for b in range(k[1]):
                    view[..., a, b] = g * (arg == a * k[1] + b)
            return gx
        flat = indices + (np.arange(n * c, dtype=np.int64) * (h * w)).reshape(n, c, 1, 1)
        if getattr(ctx, "escaped", False):   # gradients of windows without any input element vanish
            inside = (indices >= 0) & (indices < h * w)
            flat, g = flat[inside], g[inside]
        # overlapping windows (or padding): add up; np.bincount sums in float64
        gx = np.bincount(flat.ravel(), weights=g.ravel(), minlength=n * c * h * w).astype(ctx.dtype, copy=False)
        return gx.reshape(n, c, h, w)

    _graph_backward = pool_graph_backward

    def _flat_indices_shown(ctx):
        """``grad_fn._saved_result1``: the indices torch keeps (ours only when the backward needs them)."""
        arg, indices, _ = ctx.saved_tensors
        indices = _flat_indices(ctx, arg) if indices is None else indices
        return indices[0] if ctx.unbatched else indices

    @staticmethod
    @_as_batch
    def _adjoint(ctx, gg):
        """torch's ``max_pool_double_backward``: ``gg`` read at each window's winner (a gather)."""
        arg, indices, _ = ctx.saved_tensors
        n, c, h, w = ctx.geom[0]
        flat = (_flat_indices(ctx, arg) if indices is None else indices).reshape(n, c, -1)
        inside = (flat >= 0) & (flat < h * w)  # (windows without an input element read nothing)
        picked = np.take_along_axis(gg.reshape(n, c, -1), np.where(inside, flat, 0), 2)
        return (picked if inside.all() else picked * inside.astype(ctx.dtype)).reshape(arg.shape)


def _flat_indices(ctx, arg):
    """torch's ``return_indices``: the flat position ``row * W + col`` of each maximum."""
    (n, c, h, w), k, s, p, d, (oh, ow) = ctx.geom
    # index of the window's top-left corner + the chosen offset's
    r0 = np.arange(oh, dtype=np.int64) * s[0] - p[0]
    c0 = np.arange(ow, dtype=np.int64) * s[1] - p[1]
    offsets = np.array([a * d[0] * w + b * d[1] for a in range(k[0]) for b in range(k[1])], dtype=np.int64)
    indices = offsets[arg]
    indices += r0[:, None] * w + c0[None, :]
    if not ctx.simple:
        rows = r0[:, None] + (arg // k[1]) * d[0]
        cols = c0[None, :] + (arg % k[1]) * d[1]
        outside = (rows < 0) | (cols < 0) | (rows >= h) | (cols >= w)
        if outside.any():
            # a window holding only -inf (or no input element at all): torch reports the
            # first position its scan would visit, stepping the start inside by dilations
            r1 = np.where(r0 < 0, r0 - (r0 // d[0]) * d[0], r0)
            c1 = np.where(c0 < 0, c0 - (c0 // d[1]) * d[1], c0)
            indices = np.where(outside, r1[:, None] * w + c1[None, :], indices)
            ctx.escaped = True   # such an index may even lie outside the input
    return indices


def _pool_args(x, kernel_size, stride, padding, dilation, ceil_mode, name):
    if x._data.ndim not in (3, 4):
        raise RuntimeError(f"{name}: Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:{list(x._data.shape)}")
    k = _pair(kernel_size)
    s = _pair(stride) if stride not in (None, [], ()) else k
    p, d = _pair(padding), _pair(dilation)
    for kk, pp, dd in zip(k, p, d):
        if pp > ((kk - 1) * dd + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={pp}, kernel_size={kk} and dilation={dd}")
    if p[0] > k[0] // 2 or p[1] > k[1] // 2:   # the kernels' own, stricter check (ignores dilation)
        raise RuntimeError(f"pad should be smaller than or equal to half of kernel size, but got padW = {p[1]}, "
                           f"padH = {p[0]}, kW = {k[1]}, kH = {k[0]}")
    h, w = x._data.shape[-2:]
    out = (_pool_out(h, k[0], s[0], p[0], d[0], ceil_mode), _pool_out(w, k[1], s[1], p[1], d[1], ceil_mode))
    if out[0] <= 0 or out[1] <= 0:
        raise RuntimeError(f"Given input size: ({'x'.join(str(v) for v in x._data.shape[-3:])}). Calculated output size: "
                           f"({x._data.shape[-3]}x{out[0]}x{out[1]}). Output size is too small")
    return k, s, p, d, out


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    x = _operand(input)
    k, s, p, d, out = _pool_args(x, kernel_size, stride, padding, dilation, ceil_mode, "max_pool2d")
    return MaxPool2d.apply(x, k=k, s=s, p=p, d=d, out_hw=out, return_indices=return_indices, call=(stride, ceil_mode))


class AvgPool2d(ArrayFunction):
    _backward_name = "AvgPool2DBackward0"
    _save_names = ("self",)

    @staticmethod
    def forward(ctx, x, k, s, p, out_hw, count_include_pad, divisor_override, call=None):
        ctx.unbatched, ctx.call = x.ndim == 3, call
        batch = x[None] if ctx.unbatched else x
        n, c, h, w = batch.shape
        win = _windows(batch, k, s, p, (1, 1), out_hw, 0)
        total = win.sum(axis=(-2, -1), dtype=x.dtype)
        if divisor_override:
            div = np.asarray(divisor_override, dtype=x.dtype)
        else:
            div = np.outer(_counts(h, k[0], s[0], p[0], out_hw[0], count_include_pad),
                           _counts(w, k[1], s[1], p[1], out_hw[1], count_include_pad)).astype(x.dtype)
        ctx.div, ctx.geom = div, (batch.shape, k, s, p, out_hw)
        ctx.count_include_pad, ctx.divisor_override = count_include_pad, divisor_override
        ctx.save_for_backward(x)  # (torch saves the input, and checks its version, though its formula needs none of it)
        return (total / div)[0] if ctx.unbatched else total / div

    @staticmethod
    @_as_batch
    def backward(ctx, g):
        ctx.saved_tensors  # (unused, but unpacked: torch's checks on the saved input apply)
        (n, c, h, w), (kh, kw), (sh, sw), (ph, pw), (oh, ow) = ctx.geom
        share = g / ctx.div
        gxp = np.zeros((n, c, h + 2 * ph + kh + sh, w + 2 * pw + kw + sw), dtype=g.dtype)
        for i in range(kh):     # each kernel offset receives its share of every window
            for j in range(kw):
                gxp[:, :, i:i + sh * (oh - 1) + 1:sh, j:j + sw * (ow - 1) + 1:sw] += share
        return gxp[:, :, ph:ph + h, pw:pw + w]

    _graph_backward = pool_graph_backward

    @staticmethod
    def _adjoint(ctx, gg):  # (torch: avg_pool2d_backward's gradient is avg_pool2d)
        (n, c, h, w), k, s, p, out_hw = ctx.geom
        return AvgPool2d.call(gg, k=k, s=s, p=p, out_hw=out_hw, count_include_pad=ctx.count_include_pad,
                              divisor_override=ctx.divisor_override)


def _counts(size, k, s, p, out, include_pad):
    """How many elements each window divides by, along one axis (torch's rule)."""
    start = np.arange(out) * s - p
    end = np.minimum(start + k, size + p)
    if include_pad:
        return end - start
    return np.minimum(end, size) - np.maximum(start, 0)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None):
    x = _operand(input)
    k, s, p, d, out = _pool_args(x, kernel_size, stride, padding, 1, ceil_mode, "avg_pool2d")
    return AvgPool2d.apply(x, k=k, s=s, p=p, out_hw=out, count_include_pad=count_include_pad,
                           divisor_override=divisor_override, call=(stride, ceil_mode))


def _adaptive_matrix(size, out):
    """Row i marks input positions floor(i*size/out) .. ceil((i+1)*size/out) - 1."""
    i = np.arange(out)
    start = (i * size) // out
    end = -((-(i + 1) * size) // out)
    pos = np.arange(size)
    return ((pos >= start[:, None]) & (pos < end[:, None])).astype(np.float64)


class AdaptiveAvgPool2d(ArrayFunction):
    _backward_name = "AdaptiveAvgPool2DBackward0"
    _save_names = (None, None, None, "self")

    @staticmethod
    def forward(ctx, x, out_hw):  # any leading dims: (C, H, W) or (N, C, H, W)
        ah = _adaptive_matrix(x.shape[-2], out_hw[0]).astype(x.dtype)
        aw = _adaptive_matrix(x.shape[-1], out_hw[1]).astype(x.dtype)
        area = np.outer(ah.sum(1), aw.sum(1))
        ctx.save_for_backward(ah, aw, area, x)  # (torch saves the input only)
        return (ah @ x @ aw.T) / area

    @staticmethod
    def backward(ctx, g):
        ah, aw, area, _ = ctx.saved_tensors
        return ah.T @ (g / area) @ aw

    _graph_backward = pool_graph_backward

    @staticmethod
    def _adjoint(ctx, gg):  # (torch: adaptive_avg_pool2d_backward's gradient is adaptive_avg_pool2d)
        ah, aw, _, _ = ctx.saved_tensors
        return AdaptiveAvgPool2d.call(gg, out_hw=(ah.shape[0], aw.shape[0]))


def adaptive_avg_pool2d(input, output_size):
    x = _operand(input)
    if x._data.ndim not in (3, 4):
        raise RuntimeError(f"adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got {list(x._data.shape)}")
    out = list(_pair(output_size))
    for i in range(2):
        if out[i] is None:
            out[i] = x._data.shape[-2 + i]
    if out == [1, 1]:  # torch takes a plain mean here (the graph shows MeanBackward1)
        return x.mean((-1, -2), keepdim=True)
    return AdaptiveAvgPool2d.apply(x, out_hw=tuple(out))
