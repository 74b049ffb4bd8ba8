"""Convolutions (``conv2d``, ``conv1d``) as one matrix product over image patches.

torch's CPU kernels (oneDNN, or im2col + GEMM in ``aten/src/ATen/native/ConvolutionMM2d.cpp``)
compute the same sums. Here:

* forward: every ``kh x kw`` patch of the (zero-padded) input is a strided view of it
  (``as_strided``: stride and dilation are just larger steps), and one copy lays the
  patches out as ``cols`` of shape ``(groups, kh*kw*C/groups, N*OH*OW)`` -- the classic
  "im2col", with rows offset-major ``(i, j, c)``. The weight, reordered the same way to
  ``(groups, O/groups, kh*kw*C/groups)``, times ``cols`` is the output: one BLAS call
  per group for the whole batch (many small per-sample calls would each pay BLAS's
  thread start-up, which is ruinous on a busy machine).
* backward: ``dW = dY @ cols^T`` (the product sums over batch and positions) and
  ``db = sum(dY)``; for ``dX``, ``W^T @ dY`` gives the gradient of every patch, and
  "col2im" adds each kernel offset's slab back where its patches came from: a loop over
  the ``kh*kw`` offsets, each one strided add of a whole ``(C, N, OH, OW)`` slab (never
  a loop over pixels or channels).

Where we differ: torch may pick a different algorithm (and summation order) per shape, so
float32 results agree to rounding (~1e-6 relative), float64 to ~1e-15.
"""
import numpy as np
from numpy.lib.stride_tricks import as_strided

from .._tensor import _wrap
from ..autograd.function import ArrayFunction
from .padding import pad as pad_input
from .pointwise import _operand


def _pair(v, n=2):
    return tuple(v) if isinstance(v, (tuple, list)) else (v,) * n


def _out_size(size, k, s, p, d):
    return (size + 2 * p - d * (k - 1) - 1) // s + 1


class Conv2d(ArrayFunction):
    _backward_name = "ConvolutionBackward0"

    @staticmethod
    def forward(ctx, x, w, b=None, *, stride, padding, dilation, groups):
        (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
        n, c, h, wd = x.shape
        o, cg, kh, kw = w.shape
        og = o // groups
        oh, ow = _out_size(h, kh, sh, ph, dh), _out_size(wd, kw, sw, pw, dw)
        xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw))) if ph or pw else x
        s_n, s_c, s_h, s_w = xp.strides
        # im2col as a strided view, then one copy:
        # cols[g, i, j, c', n, y, x] = xp[n, g*cg + c', y*sh + i*dh, x*sw + j*dw]
        win = as_strided(xp, (groups, kh, kw, cg, n, oh, ow),
                         (s_c * cg, s_h * dh, s_w * dw, s_c, s_n, s_h * sh, s_w * sw), writeable=False)
        cols = np.ascontiguousarray(win).reshape(groups, kh * kw * cg, n * oh * ow)
        # the weight with its columns in the same (i, j, c') order: (g, O/g, kh*kw*cg)
        wmat = w.reshape(groups, og, cg, kh, kw).transpose(0, 1, 3, 4, 2).reshape(groups, og, kh * kw * cg)
        out = np.matmul(wmat, cols).reshape(o, n, oh, ow)   # one GEMM per group
        # one pass back to NCHW memory order, adding the bias on the way
        y = np.empty((n, o, oh, ow), dtype=out.dtype)
        if b is None:
            np.copyto(y, out.transpose(1, 0, 2, 3))
        else:
            np.add(out.transpose(1, 0, 2, 3), b.reshape(1, o, 1, 1), out=y)
        ctx.save_for_backward(cols, wmat)
        ctx.geom = (x.shape, w.shape, stride, padding, dilation, groups, oh, ow)
        ctx.has_bias = b is not None
        return y

    @staticmethod
    def backward(ctx, g):
        cols, wmat = ctx.saved_tensors
        (n, c, h, wd), (o, cg, kh, kw), (sh, sw), (ph, pw), (dh, dw), groups, oh, ow = ctx.geom
        og = o // groups
        # the output gradient channel-major, like the GEMM's output: (g, O/g, N*OH*OW)
        gm = np.ascontiguousarray(g.transpose(1, 0, 2, 3)).reshape(groups, og, n * oh * ow)
        gx = gw = gb = None
        if ctx.needs_input_grad[1]:
            # dW = dY @ cols^T: the product sums over the batch and all positions at once
            gw = np.matmul(gm, cols.transpose(0, 2, 1))                         # (g, O/g, kh*kw*cg)
            gw = gw.reshape(o, kh, kw, cg).transpose(0, 3, 1, 2)
        if ctx.has_bias and len(ctx.needs_input_grad) > 2 and ctx.needs_input_grad[2]:
            gb = g.sum(axis=(0, 2, 3))
        if ctx.needs_input_grad[0]:
            # gradient of every patch: W^T @ dY, shaped like cols
            gcols = np.matmul(wmat.transpose(0, 2, 1), gm).reshape(groups, kh, kw, cg, n, oh, ow)
            # col2im: add each kernel offset's (C, N, OH, OW) slab -- one contiguous block,
            # thanks to the offset-major rows -- back where its patches came from
            gxp = np.zeros((groups, cg, n, h + 2 * ph, wd + 2 * pw), dtype=g.dtype)
            for i in range(kh):
                for j in range(kw):
                    rows = slice(i * dh, i * dh + sh * (oh - 1) + 1, sh)
                    colsl = slice(j * dw, j * dw + sw * (ow - 1) + 1, sw)
                    gxp[:, :, :, rows, colsl] += gcols[:, i, j]
            gxp = gxp.reshape(c, n, h + 2 * ph, wd + 2 * pw)[:, :, ph:ph + h, pw:pw + wd]
            gx = np.ascontiguousarray(gxp.transpose(1, 0, 2, 3))
        return gx, gw, gb


def _resolve_padding(padding, kernel, dilation, stride):
    if isinstance(padding, str):
        if padding == "valid":
            return (0,) * len(kernel), None
        if padding == "same":
            if any(s != 1 for s in stride):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            total = [d * (k - 1) for k, d in zip(kernel, dilation)]
            # torch pads the extra element (odd total) on the right/bottom side
            return tuple(t // 2 for t in total), tuple(t - t // 2 for t in total)
        raise RuntimeError(f"Invalid padding string: '{padding}'")
    padding = _pair(padding, len(kernel))
    if any(p < 0 for p in padding):
        raise RuntimeError("negative padding is not supported")
    return padding, None


def _check(x, w, groups, nd):
    if x._data.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to conv{nd}d, but got input of size: {list(x._data.shape)}")
    c = x._data.shape[-nd - 1]
    if c != w._data.shape[1] * groups:
        raise RuntimeError(
            f"Given groups={groups}, weight of size {list(w._data.shape)}, expected input{list(x._data.shape)} "
            f"to have {w._data.shape[1] * groups} channels, but got {c} channels instead")
    if x._data.dtype != w._data.dtype:
        raise RuntimeError(f"expected scalar type {x.dtype._scalar_name} but found {w.dtype._scalar_name}")


def _check_args(stride, dilation, groups):
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError(f"dilation should be greater than zero, but got {list(dilation)}")


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    x, w = _operand(input), _operand(weight)
    stride, dilation = _pair(stride), _pair(dilation)
    _check_args(stride, dilation, groups)
    _check(x, w, groups, 2)
    unbatched = x._data.ndim == 3
    if unbatched:
        x = x.unsqueeze(0)
    kernel = w._data.shape[2:]
    pad, extra = _resolve_padding(padding, kernel, dilation, stride)
    if extra is not None and extra != pad:  # asymmetric 'same' padding: pad the input explicitly
        x = pad_input(x, (0, extra[1] - pad[1], 0, extra[0] - pad[0]))
    h, wd = x._data.shape[2:]
    for size, k, p, d, name in ((h, kernel[0], pad[0], dilation[0], "H"), (wd, kernel[1], pad[1], dilation[1], "W")):
        if size + 2 * p < d * (k - 1) + 1:
            raise RuntimeError(
                f"Calculated padded input size per channel: ({h + 2 * pad[0]} x {wd + 2 * pad[1]}). "
                f"Kernel size: ({dilation[0] * (kernel[0] - 1) + 1} x {dilation[1] * (kernel[1] - 1) + 1}). "
                "Kernel size can't be greater than actual input size")
    out = Conv2d.apply(x, w, *(() if bias is None else (bias,)), stride=stride, padding=pad, dilation=dilation,
                       groups=groups)
    return out.squeeze(0) if unbatched else out


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """A 1-d convolution is a 2-d one over an image of height 1."""
    x, w = _operand(input), _operand(weight)
    _check_args(_pair(stride, 1), _pair(dilation, 1), groups)
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
