"""Convolutions (``conv2d``, ``conv1d``) as one matrix product over image patches.

torch's CPU kernels (mkldnn / im2col + GEMM in ``aten/src/ATen/native/ConvolutionMM2d.cpp``)
compute the same sums. Here:

* forward: pad the input, take every ``kh x kw`` patch with a strided view
  (``sliding_window_view``; dilation and stride are slices of that view), copy the
  patches into a matrix ``cols`` of shape ``(N, groups, OH*OW, C/groups*kh*kw)`` and
  multiply it by the weight matrix -- one BLAS call does all the work.
* backward: ``dW = cols^T @ dY`` and ``db = sum(dY)``; for ``dX``, ``dY @ W`` gives the
  gradient of every patch, and "col2im" adds each patch gradient back where the patch
  came from: a loop over the ``kh*kw`` kernel offsets (never over pixels or channels).
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .._tensor import _wrap
from ..autograd.function import Function
from .pointwise import _operand


def _pair(v, n=2):
    return tuple(v) if isinstance(v, (tuple, list)) else (v,) * n


def _out_size(size, k, s, p, d):
    return (size + 2 * p - d * (k - 1) - 1) // s + 1


class Conv2d(Function):
    _raw, _backward_name = True, "ConvolutionBackward0"

    @staticmethod
    def forward(ctx, x, w, b, stride, padding, dilation, groups):
        (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
        n, c, h, wd = x.shape
        o, cg, kh, kw = w.shape
        oh, ow = _out_size(h, kh, sh, ph, dh), _out_size(wd, kw, sw, pw, dw)
        xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw))) if ph or pw else x
        win = sliding_window_view(xp, ((kh - 1) * dh + 1, (kw - 1) * dw + 1), axis=(2, 3))
        win = win[:, :, :oh * sh:sh, :ow * sw:sw, ::dh, ::dw]            # (N, C, OH, OW, kh, kw)
        win = win.reshape(n, groups, cg, oh, ow, kh, kw)
        cols = win.transpose(0, 1, 3, 4, 2, 5, 6).reshape(n, groups, oh * ow, cg * kh * kw)
        wmat = w.reshape(groups, o // groups, cg * kh * kw).transpose(0, 2, 1)  # (g, C/g*k*k, O/g)
        out = np.matmul(cols, wmat)                                          # (N, g, OH*OW, O/g)
        out = out.transpose(0, 1, 3, 2).reshape(n, o, oh, ow)
        if b is not None:
            out = out + b.reshape(1, o, 1, 1)
        ctx.save_for_backward(cols, w)
        ctx.geom = (x.shape, xp.shape, stride, padding, dilation, groups, oh, ow)
        ctx.has_bias = b is not None
        return np.ascontiguousarray(out)

    @staticmethod
    def backward(ctx, g):
        cols, w = ctx.saved_tensors
        x_shape, xp_shape, (sh, sw), (ph, pw), (dh, dw), groups, oh, ow = ctx.geom
        n, c, h, wd = x_shape
        o, cg, kh, kw = w.shape
        gm = g.reshape(n, groups, o // groups, oh * ow).transpose(0, 1, 3, 2)  # (N, g, OH*OW, O/g)
        gx = gw = gb = None
        if ctx.needs_input_grad[1]:
            # sum over the batch and positions: (g, C/g*k*k, N*OH*OW) @ (g, N*OH*OW, O/g)
            a = cols.transpose(1, 3, 0, 2).reshape(groups, cg * kh * kw, n * oh * ow)
            bm = gm.transpose(1, 0, 2, 3).reshape(groups, n * oh * ow, o // groups)
            gw = np.matmul(a, bm).transpose(0, 2, 1).reshape(o, cg, kh, kw)
        if ctx.has_bias and ctx.needs_input_grad[2]:
            gb = g.sum(axis=(0, 2, 3))
        if ctx.needs_input_grad[0]:
            wmat = w.reshape(groups, o // groups, cg * kh * kw)
            gcols = np.matmul(gm, wmat).reshape(n, groups, oh, ow, cg, kh, kw)
            gxp = np.zeros((n, groups, cg) + xp_shape[2:], dtype=g.dtype)
            for i in range(kh):      # col2im: one strided add per kernel offset
                for j in range(kw):
                    rows = slice(i * dh, i * dh + sh * (oh - 1) + 1, sh)
                    colsl = slice(j * dw, j * dw + sw * (ow - 1) + 1, sw)
                    gxp[:, :, :, rows, colsl] += gcols[:, :, :, :, :, i, j].transpose(0, 1, 4, 2, 3)
            gxp = gxp.reshape((n, c) + xp_shape[2:])
            gx = gxp[:, :, ph:ph + h, pw:pw + wd]
        return gx, gw, gb, None, None, None, None


def _resolve_padding(padding, kernel, dilation, stride):
    if isinstance(padding, str):
        if padding == "valid":
            return (0,) * len(kernel), None
        if padding == "same":
            if any(s != 1 for s in stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
            total = [d * (k - 1) for k, d in zip(kernel, dilation)]
            # torch pads the extra element (odd total) on the right/bottom side
            return tuple(t // 2 for t in total), tuple(t - t // 2 for t in total)
        raise ValueError(f"Invalid padding string '{padding}', should be one of {{'valid', 'same'}}")
    return _pair(padding, len(kernel)), None


def _check(x, w, groups, nd):
    if x._data.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to conv{nd}d, but got input of size: {list(x._data.shape)}")
    c = x._data.shape[-nd - 1]
    if c != w._data.shape[1] * groups:
        raise RuntimeError(
            f"Given groups={groups}, weight of size {list(w._data.shape)}, expected input{list(x._data.shape)} "
            f"to have {w._data.shape[1] * groups} channels, but got {c} channels instead")
    if x._data.dtype != w._data.dtype:
        raise RuntimeError(f"Input type ({_TN.get(x.dtype._name, x.dtype._name)}) and weight type ({_TN.get(w.dtype._name, w.dtype._name)}) should be the same")


_TN = {"float32": "float", "float64": "double"}


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    x, w = _operand(input), _operand(weight)
    _check(x, w, groups, 2)
    unbatched = x._data.ndim == 3
    if unbatched:
        x = x.unsqueeze(0)
    stride, dilation = _pair(stride), _pair(dilation)
    kernel = w._data.shape[2:]
    pad, extra = _resolve_padding(padding, kernel, dilation, stride)
    if extra is not None and extra != pad:  # asymmetric 'same' padding: pad the input explicitly
        from .padding import pad as _pad_fn
        x = _pad_fn(x, (0, extra[1] - pad[1], 0, extra[0] - pad[0]))
    h, wd = x._data.shape[2:]
    for size, k, p, d, name in ((h, kernel[0], pad[0], dilation[0], "H"), (wd, kernel[1], pad[1], dilation[1], "W")):
        if size + 2 * p < d * (k - 1) + 1:
            raise RuntimeError(
                f"Calculated padded input size per channel: ({h + 2 * pad[0]} x {wd + 2 * pad[1]}). "
                f"Kernel size: ({dilation[0] * (kernel[0] - 1) + 1} x {dilation[1] * (kernel[1] - 1) + 1}). "
                "Kernel size can't be greater than actual input size")
    out = Conv2d.apply(x, w, bias, stride, pad, dilation, groups)
    return out.squeeze(0) if unbatched else out


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """A 1-d convolution is a 2-d one over an image of height 1."""
    x, w = _operand(input), _operand(weight)
    _check(x, w, groups, 1)
    unbatched = x._data.ndim == 2
    if unbatched:
        x = x.unsqueeze(0)
    if isinstance(padding, str):
        pad2 = padding
    else:
        pad2 = (0, _pair(padding, 1)[0])
    out = conv2d(x.unsqueeze(2), w.unsqueeze(2), bias, (1, _pair(stride, 1)[0]), pad2, (1, _pair(dilation, 1)[0]), groups)
    out = out.squeeze(2)
    return out.squeeze(0) if unbatched else out
