"""Pooling: ``max_pool2d``, ``avg_pool2d`` and ``adaptive_avg_pool2d``.

Max and average pooling look at the same strided windows as convolution
(``sliding_window_view``): max pooling keeps each window's largest value and remembers
where it was (torch's ``return_indices``: the flat position ``h * W + w`` in the input), so
the backward can send each gradient to exactly that element (``np.bincount`` adds them up
when windows overlap). Adaptive average pooling is written as two small matrix products,
``A_h @ x @ A_w^T``, where row ``i`` of ``A_h`` marks the input rows of output row ``i``.
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..autograd.function import Function
from .conv import _pair
from .pointwise import _operand


def _pool_out(size, k, s, p, d, ceil_mode):
    eff = d * (k - 1) + 1
    num = size + 2 * p - eff
    out = (-(-num // s) if ceil_mode else num // s) + 1
    if ceil_mode and (out - 1) * s >= size + p:  # the last window must start inside the input
        out -= 1
    return out


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


class MaxPool2d(Function):
    _raw, _backward_name = True, "MaxPool2DWithIndicesBackward0"

    @staticmethod
    def forward(ctx, x, k, s, p, d, out_hw):
        n, c, h, w = x.shape
        fill = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
        win = _windows(x, k, s, p, d, out_hw, fill)
        oh, ow = out_hw
        flat = win.reshape(n, c, oh, ow, k[0] * k[1])
        arg = np.argmax(flat, axis=-1)
        values = np.take_along_axis(flat, arg[..., None], axis=-1)[..., 0]
        # window offset -> position in the unpadded input
        rows = np.arange(oh)[:, None] * s[0] + (arg // k[1]) * d[0] - p[0]
        cols = np.arange(ow)[None, :] * s[1] + (arg % k[1]) * d[1] - p[1]
        indices = (rows * w + cols).astype(np.int64)
        ctx.save_for_backward(indices)
        ctx.shape, ctx.dtype = x.shape, x.dtype
        return values, indices

    @staticmethod
    def backward(ctx, g, g_indices=None):
        indices, = ctx.saved_tensors
        n, c, h, w = ctx.shape
        plane = (np.arange(n * c, dtype=np.int64) * (h * w)).reshape(n, c, 1, 1)
        gx = np.bincount((indices + plane).ravel(), weights=g.ravel(), minlength=n * c * h * w)
        return gx.astype(ctx.dtype, copy=False).reshape(ctx.shape), None, None, None, None, None


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
    unbatched = x._data.ndim == 3
    if unbatched:
        x = x.unsqueeze(0)
    values, indices = MaxPool2d.apply(x, k, s, p, d, out)
    if unbatched:
        values, indices = values.squeeze(0), indices.squeeze(0)
    return (values, indices) if return_indices else values


class AvgPool2d(Function):
    _raw, _backward_name = True, "AvgPool2DBackward0"

    @staticmethod
    def forward(ctx, x, k, s, p, out_hw, count_include_pad, divisor_override):
        n, c, h, w = x.shape
        win = _windows(x, k, s, p, (1, 1), out_hw, 0)
        total = win.sum(axis=(-2, -1), dtype=x.dtype)
        if divisor_override:
            div = np.asarray(divisor_override, dtype=x.dtype)
        else:
            div = np.outer(_counts(h, k[0], s[0], p[0], out_hw[0], count_include_pad),
                           _counts(w, k[1], s[1], p[1], out_hw[1], count_include_pad)).astype(x.dtype)
        ctx.div, ctx.geom = div, (x.shape, k, s, p, out_hw)
        return total / div

    @staticmethod
    def backward(ctx, g):
        (n, c, h, w), (kh, kw), (sh, sw), (ph, pw), (oh, ow) = ctx.geom
        share = g / ctx.div
        gxp = np.zeros((n, c, h + 2 * ph + kh + sh, w + 2 * pw + kw + sw), dtype=g.dtype)
        for i in range(kh):     # each kernel offset receives its share of every window
            for j in range(kw):
                gxp[:, :, i:i + sh * (oh - 1) + 1:sh, j:j + sw * (ow - 1) + 1:sw] += share
        return gxp[:, :, ph:ph + h, pw:pw + w], None, None, None, None, None, None


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
    unbatched = x._data.ndim == 3
    if unbatched:
        x = x.unsqueeze(0)
    y = AvgPool2d.apply(x, k, s, p, out, count_include_pad, divisor_override)
    return y.squeeze(0) if unbatched else y


def _adaptive_matrix(size, out):
    """Row i marks input positions floor(i*size/out) .. ceil((i+1)*size/out) - 1."""
    i = np.arange(out)
    start = (i * size) // out
    end = -((-(i + 1) * size) // out)
    pos = np.arange(size)
    return ((pos >= start[:, None]) & (pos < end[:, None])).astype(np.float64)


class AdaptiveAvgPool2d(Function):
    _raw, _backward_name = True, "AdaptiveAvgPool2DBackward0"

    @staticmethod
    def forward(ctx, x, out_hw):
        ah = _adaptive_matrix(x.shape[2], out_hw[0]).astype(x.dtype)
        aw = _adaptive_matrix(x.shape[3], out_hw[1]).astype(x.dtype)
        area = np.outer(ah.sum(1), aw.sum(1))
        ctx.ah, ctx.aw, ctx.area = ah, aw, area
        return (ah @ x @ aw.T) / area

    @staticmethod
    def backward(ctx, g):
        return ctx.ah.T @ (g / ctx.area) @ ctx.aw, None


def adaptive_avg_pool2d(input, output_size):
    x = _operand(input)
    if x._data.ndim not in (3, 4):
        raise RuntimeError(f"adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got {list(x._data.shape)}")
    out = list(_pair(output_size))
    for i in range(2):
        if out[i] is None:
            out[i] = x._data.shape[-2 + i]
    unbatched = x._data.ndim == 3
    if unbatched:
        x = x.unsqueeze(0)
    y = AdaptiveAvgPool2d.apply(x, tuple(out))
    return y.squeeze(0) if unbatched else y
