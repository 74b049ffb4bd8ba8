"""Convolutions (``conv2d``, ``conv1d``) and their adjoints (``conv_transpose2d``,
``conv_transpose1d``) as one matrix product over image patches.

torch's CPU kernels (oneDNN, or im2col + GEMM in ``aten/src/ATen/native/ConvolutionMM2d.cpp``)
compute the same sums. Here, for a convolution:

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

A *transposed* convolution is the adjoint of a convolution: ``conv_transpose2d(x, w)``
is exactly the input-gradient that ``conv2d`` would send back if ``x`` were its output
gradient (same weight tensor, read as ``(C_in, C_out/groups, kh, kw)``). So the two
Functions below are one pair of computations run in opposite directions:

=====================  ===============================  ===============================
                       ``Conv2d``                       ``ConvTranspose2d``
forward                ``W @ im2col(x)``                ``col2im(W^T @ x)``
input gradient         ``col2im(W^T @ dY)``             ``W @ im2col(dY)``
weight gradient        ``dY @ im2col(x)^T``             ``x @ im2col(dY)^T``
=====================  ===============================  ===============================

The transposed output size is ``(H - 1) * stride - 2 * padding + dilation * (k - 1) +
output_padding + 1``: ``output_padding`` only adds rows at the bottom/right that no
patch reaches (they get the bias alone), which is why torch asks it to be smaller than
the stride or the dilation.

Where we differ: torch may pick a different algorithm (and summation order) per shape, so
float32 results agree to rounding (~1e-6 relative), float64 to ~1e-15.
"""
import contextlib
import functools
import operator

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .. import _dtype
from .._tensor import Tensor, _wrap
from ..autograd.function import ArrayFunction
from ..autograd.grad_mode import no_grad
from .padding import pad as pad_input
from .pointwise import _operand
from .shape import cat


def _pair(v, n=2):
    return tuple(v) if isinstance(v, (tuple, list)) else (v,) * n


def _out_size(size, k, s, p, d):
    return (size + 2 * p - d * (k - 1) - 1) // s + 1


# ---------------------------------------------------------------------------- the machinery
# Shapes: x (N, C, H, W); weight (O, C/groups, kh, kw) for a convolution from C to O
# channels; "channel-major" arrays put channels first so one GEMM covers the whole batch.

def _padded(x, padding):
    ph, pw = padding
    return np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw))) if ph or pw else x


def _im2col(xp, kernel, stride, dilation, groups, out):
    """``cols[g, (i, j, c'), (n, y, x)] = xp[n, g*cg + c', y*sh + i*dh, x*sw + j*dw]``
    for an already padded ``xp``: a strided view, then one copy."""
    (kh, kw), (sh, sw), (dh, dw), (oh, ow) = kernel, stride, dilation, out
    n, c = xp.shape[:2]
    cg = c // groups
    s_n, s_c, s_h, s_w = xp.strides
    win = as_strided(xp, (groups, kh, kw, cg, n, oh, ow),
                     (s_c * cg, s_h * dh, s_w * dw, s_c, s_n, s_h * sh, s_w * sw), writeable=False)
    return np.ascontiguousarray(win).reshape(groups, kh * kw * cg, n * oh * ow)


def _col2im(cols, shape, kernel, stride, padding, dilation, groups, out):
    """The adjoint of ``_im2col``: add every patch back where it came from, and crop the
    padding. Returns the ``(C, N, H, W)`` result (channel-major, a view)."""
    (n, c, h, w), (kh, kw), (sh, sw), (ph, pw), (dh, dw), (oh, ow) = shape, kernel, stride, padding, dilation, out
    cg = c // groups
    cols = cols.reshape(groups, kh, kw, cg, n, oh, ow)
    xp = np.zeros((groups, cg, n, h + 2 * ph, w + 2 * pw), dtype=cols.dtype)
    # offset-major rows: each kernel offset's (C, N, OH, OW) slab is one contiguous block
    for i in range(kh):
        for j in range(kw):
            xp[:, :, :, i * dh:i * dh + sh * (oh - 1) + 1:sh, j * dw:j * dw + sw * (ow - 1) + 1:sw] += cols[:, i, j]
    return xp.reshape(c, n, h + 2 * ph, w + 2 * pw)[:, :, ph:ph + h, pw:pw + w]


def _weight_matrix(w, groups):
    """(O, cg, kh, kw) -> (groups, O/groups, kh*kw*cg): columns in im2col's (i, j, c') order."""
    o, cg, kh, kw = w.shape
    return w.reshape(groups, o // groups, cg, kh, kw).transpose(0, 1, 3, 4, 2).reshape(groups, o // groups, kh * kw * cg)


def _weight_grad(gm, cols, shape):
    """``gm @ cols^T`` back in the weight's (O, cg, kh, kw) layout; sums over batch and positions."""
    o, cg, kh, kw = shape
    return np.matmul(gm, cols.transpose(0, 2, 1)).reshape(o, kh, kw, cg).transpose(0, 3, 1, 2)


def _channel_major(a, groups):
    """(N, C, H, W) -> (groups, C/groups, N*H*W), the layout the GEMMs produce and consume."""
    n, c, h, w = a.shape
    return np.ascontiguousarray(a.transpose(1, 0, 2, 3)).reshape(groups, c // groups, n * h * w)


def _batch_major(a, bias=None):
    """(C, N, H, W) -> a new contiguous (N, C, H, W), adding a per-channel bias on the way."""
    y = np.empty((a.shape[1], a.shape[0]) + a.shape[2:], dtype=a.dtype)
    if bias is None:
        np.copyto(y, a.transpose(1, 0, 2, 3))
    else:
        np.add(a.transpose(1, 0, 2, 3), bias.reshape(1, -1, 1, 1), out=y)
    return y


# ---------------------------------------------------------------------------- the two ops

class Conv2d(ArrayFunction):
    _backward_name = "ConvolutionBackward0"

    @staticmethod
    def forward(ctx, x, w, b=None, *, stride, padding, dilation, groups):
        ctx.flat = x.ndim == 3
        if ctx.flat:
            x, w = x[:, :, None], w[:, :, None]
        kernel = w.shape[2:]
        out = tuple(_out_size(s, k, st, p, d) for s, k, st, p, d in zip(x.shape[2:], kernel, stride, padding, dilation))
        cols = _im2col(_padded(x, padding), kernel, stride, dilation, groups, out)
        wmat = _weight_matrix(w, groups)
        y = np.matmul(wmat, cols).reshape((w.shape[0], x.shape[0]) + out)   # one GEMM per group
        ctx.save_for_backward(cols, wmat)
        ctx.geom = (x.shape, w.shape, stride, padding, dilation, groups, out)
        y = _batch_major(y, b)
        return y[:, :, 0] if ctx.flat else y

    @staticmethod
    def backward(ctx, g):
        cols, wmat = ctx.saved_tensors
        xshape, wshape, stride, padding, dilation, groups, out = ctx.geom
        if ctx.flat:
            g = g[:, :, None]
        gm = _channel_major(g, groups)
        gx = gw = None
        if ctx.needs_input_grad[0]:
            gcols = np.matmul(wmat.transpose(0, 2, 1), gm)          # the gradient of every patch
            gx = _batch_major(_col2im(gcols, xshape, wshape[2:], stride, padding, dilation, groups, out))
        if ctx.needs_input_grad[1]:
            gw = _weight_grad(gm, cols, wshape)
        if ctx.flat:
            gx, gw = (None if a is None else a[:, :, 0] for a in (gx, gw))
        return gx, gw, g.sum(axis=(0, 2, 3)) if ctx.needs_input_grad[2] else None

    @staticmethod
    def _graph_backward(ctx, g):
        """Under ``create_graph``: the three gradients come from one node, torch's
        ``ConvolutionBackwardBackward0`` (``ConvolutionBackward`` below)."""
        x, w = ctx._inputs[0], ctx._inputs[1]
        grads = ConvolutionBackward.apply(g, x, w, node=ctx)
        return tuple(gr if need else None for gr, need in zip(grads, ctx.needs_input_grad))

    @staticmethod
    def _input_grad(ctx, w, g):
        """The input's gradient as a differentiable op: a transposed convolution of ``g``
        with the weight ``w`` (4-d Tensors)."""
        xshape, wshape, stride, padding, dilation, groups, out = ctx.geom
        extra = tuple(s - ((o - 1) * st - 2 * p + d * (k - 1) + 1)  # rows the convolution never reached
                      for s, o, st, p, d, k in zip(xshape[2:], out, stride, padding, dilation, wshape[2:]))
        return conv_transpose2d(g, w, stride=stride, padding=padding, output_padding=extra, groups=groups,
                                dilation=dilation)

    @staticmethod
    def _weight_grad(ctx, x, g):
        """The weight's gradient as a differentiable op: per group, a convolution of the input
        (channels as the batch) with ``g`` (channels as the batch), cut to the kernel's size."""
        xshape, wshape, stride, padding, dilation, groups, out = ctx.geom
        return _weight_grad_by_conv(x, g, wshape[2:], stride, padding, dilation, groups)

    @staticmethod
    def _output(ctx, x, w):  # (the convolution itself, on other operands: for the double backward)
        xshape, wshape, stride, padding, dilation, groups, out = ctx.geom
        return conv2d(x, w, stride=stride, padding=padding, dilation=dilation, groups=groups)


class ConvolutionBackward(ArrayFunction):
    """torch's ``convolution_backward`` as an op of its own (``backward_ops.py`` says why):
    under ``create_graph`` a convolution's first gradients come from one node,
    ``ConvolutionBackwardBackward0``, with edges to the output gradient ``g``, the input
    and the weight -- so even the bias's gradient requires grad, as in torch.

    Forward: the convolution ``node``'s own backward formula (zeros where the node needs no
    gradient). Backward, torch's double backward, from the gradients ``(ggx, ggw, ggb)`` of
    ``(gx, gw, gb)``: ``conv(ggx, w) + conv(x, ggw) + ggb`` for ``g`` (each first gradient is
    linear in ``g``), the input gradient of ``conv(x, ggw)`` for ``x`` (``gw`` is linear in
    ``x``), and the weight gradient of ``conv(ggx, w)`` for ``w``. They are written once,
    with differentiable ops on Tensors; on arrays (a plain second backward) the same ops run
    without recording."""
    _backward_name = "ConvolutionBackwardBackward0"

    @staticmethod
    def forward(ctx, g, x, w, *, node):
        ctx.node = node
        ctx.save_for_backward(g, x, w)
        shapes = (x.shape, w.shape, node._out_shapes[0][1:2])  # (the bias: one per output channel)
        return tuple(np.zeros(s, g.dtype) if r is None else r for r, s in zip(type(node).backward(node, g), shapes))

    @staticmethod
    def backward(ctx, ggx, ggw, ggb):  # (an output nobody used sends None: its terms drop out)
        on_arrays = not any(isinstance(a, Tensor) for a in (ggx, ggw, ggb))
        with no_grad() if on_arrays else contextlib.nullcontext():
            g, x, w, ggx, ggw, ggb = (a if a is None or isinstance(a, Tensor) else _wrap(a)
                                      for a in (*ctx.saved_tensors, ggx, ggw, ggb))
            node, flat = ctx.node, x.ndim == 3
            if flat:  # a 1-d convolution as a 2-d one of height 1
                g, x, w, ggx, ggw = (a if a is None else a.unsqueeze(2) for a in (g, x, w, ggx, ggw))
            terms = [node._output(node, ggx, w) if ggx is not None else None,
                     node._output(node, x, ggw) if ggw is not None else None,
                     ggb.reshape(1, -1, 1, 1).expand(g.shape) if ggb is not None else None]
            gg = functools.reduce(operator.add, [t for t in terms if t is not None])
            gx = node._input_grad(node, ggw, g) if ggw is not None else None
            gw = node._weight_grad(node, ggx, g) if ggx is not None else None
            if flat:
                gg, gx, gw = (a if a is None else a[:, :, 0] for a in (gg, gx, gw))
        return tuple(a if a is None else a._data for a in (gg, gx, gw)) if on_arrays else (gg, gx, gw)


def _weight_grad_by_conv(a, g, kernel, stride, padding, dilation, groups):
    """The weight gradient of ``conv2d(a, w)`` given the output gradient ``g``, as a
    convolution (differentiable, for higher-order gradients)."""
    parts = []
    for ai, gi in zip(a.chunk(groups, 1), g.chunk(groups, 1)):
        full = conv2d(ai.transpose(0, 1), gi.transpose(0, 1), stride=dilation, padding=padding, dilation=stride)
        parts.append(full.transpose(0, 1)[:, :, :kernel[0], :kernel[1]])
    return cat(parts, 0)


class ConvTranspose2d(ArrayFunction):
    """``Conv2d`` run backwards: its forward is Conv2d's input gradient and vice versa.
    A 1-d input ``(N, C, L)`` runs as an image of height 1 inside the node (the options
    come already lifted to 2-d), so the 1-d op is one ``ConvolutionBackward0`` too."""
    _backward_name = "ConvolutionBackward0"

    @staticmethod
    def forward(ctx, x, w, b=None, *, stride, padding, output_padding, dilation, groups):
        ctx.flat = x.ndim == 3
        if ctx.flat:
            x, w = x[:, :, None], w[:, :, None]
        kernel = w.shape[2:]
        size = tuple((s - 1) * st - 2 * p + d * (k - 1) + op + 1
                     for s, k, st, p, op, d in zip(x.shape[2:], kernel, stride, padding, output_padding, dilation))
        yshape = (x.shape[0], w.shape[1] * groups) + size
        xm = _channel_major(x, groups)
        wmat = _weight_matrix(w, groups)
        gcols = np.matmul(wmat.transpose(0, 2, 1), xm)
        ctx.save_for_backward(xm, wmat)
        ctx.geom, ctx.output_padding = (x.shape, w.shape, stride, padding, dilation, groups), output_padding
        y = _batch_major(_col2im(gcols, yshape, kernel, stride, padding, dilation, groups, x.shape[2:]), b)
        return y[:, :, 0] if ctx.flat else y

    @staticmethod
    def backward(ctx, g):
        xm, wmat = ctx.saved_tensors
        xshape, wshape, stride, padding, dilation, groups = ctx.geom
        if ctx.flat:
            g = g[:, :, None]
        # the patches of dY that each input position fed (dY's extra output_padding rows
        # lie beyond every patch, so the im2col is cut to the input's size)
        cols = _im2col(_padded(g, padding), wshape[2:], stride, dilation, groups, xshape[2:])
        gx = gw = None
        if ctx.needs_input_grad[0]:
            gx = _batch_major(np.matmul(wmat, cols).reshape((xshape[1], xshape[0]) + xshape[2:]))
        if ctx.needs_input_grad[1]:
            gw = _weight_grad(xm, cols, wshape)
        if ctx.flat:
            gx, gw = (None if a is None else a[:, :, 0] for a in (gx, gw))
        return gx, gw, g.sum(axis=(0, 2, 3)) if ctx.needs_input_grad[2] else None

    _graph_backward = Conv2d._graph_backward  # (one ConvolutionBackwardBackward0 node, as torch)

    @staticmethod
    def _input_grad(ctx, w, g):
        """The input's gradient as a differentiable op: a convolution of ``g`` with the weight."""
        xshape, wshape, stride, padding, dilation, groups = ctx.geom
        return conv2d(g, w, stride=stride, padding=padding, dilation=dilation, groups=groups)

    @staticmethod
    def _weight_grad(ctx, x, g):
        """The weight's: that of a convolution whose input is ``g`` and whose output gradient
        is the input (the transposed convolution is that convolution's backward)."""
        xshape, wshape, stride, padding, dilation, groups = ctx.geom
        return _weight_grad_by_conv(g, x, wshape[2:], stride, padding, dilation, groups)

    @staticmethod
    def _output(ctx, x, w):  # (the transposed convolution itself, on other operands)
        xshape, wshape, stride, padding, dilation, groups = ctx.geom
        return conv_transpose2d(x, w, stride=stride, padding=padding, output_padding=ctx.output_padding,
                                groups=groups, dilation=dilation)


# ---------------------------------------------------------------------------- checks and entry points

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
    if x._data.dtype != w._data.dtype or _dtype.low_precision_seen and x.dtype is not w.dtype:  # (bfloat16 vs float32)
        raise RuntimeError(f"expected scalar type {x.dtype._scalar_name} but found {w.dtype._scalar_name}")


def _check_args(stride, dilation, groups):
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError(f"dilation should be greater than zero, but got {list(dilation)}")


def _conv(nd, input, weight, bias, stride, padding, dilation, groups):
    """``conv{nd}d``'s checks, then one ``Conv2d`` node: a 1-d input runs as an image of
    height 1 inside the node, so torch's graph (one ``ConvolutionBackward0``) is ours too."""
    x, w = _operand(input), _operand(weight)
    stride, dilation = _pair(stride, nd), _pair(dilation, nd)
    _check_args(stride, dilation, groups)
    _check(x, w, groups, nd)
    unbatched = x._data.ndim == nd + 1
    if unbatched:
        x = x.unsqueeze(0)
    kernel = w._data.shape[2:]
    pad, extra = _resolve_padding(padding, kernel, dilation, stride)
    if extra is not None and extra != pad:  # asymmetric 'same' padding: pad the input explicitly
        x = pad_input(x, sum(((0, e - p) for e, p in zip(reversed(extra), reversed(pad))), ()))
    padded = [s + 2 * p for s, p in zip(x._data.shape[2:], pad)]
    spans = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
    if any(s < k for s, k in zip(padded, spans)):
        raise RuntimeError(f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). "
                           f"Kernel size: ({' x '.join(map(str, spans))}). Kernel size can't be greater than actual input size")
    lift = (1,) * (2 - nd)
    out = Conv2d.apply(x, w, bias, stride=lift + stride, padding=(0,) * (2 - nd) + pad,
                       dilation=lift + dilation, groups=groups)
    return out.squeeze(0) if unbatched else out


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return _conv(2, input, weight, bias, stride, padding, dilation, groups)


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """A 1-d convolution is a 2-d one over an image of height 1."""
    return _conv(1, input, weight, bias, stride, padding, dilation, groups)


def _transpose_options(nd, **options):
    """Each option as an ``nd``-tuple, with torch's message when a list has the wrong length."""
    out = {}
    for name, v in options.items():
        if isinstance(v, str):
            raise TypeError(f"conv_transpose{nd}d(): argument '{name}' must be tuple of ints, not str")
        v = _pair(v, nd)
        if len(v) != nd:
            raise RuntimeError(f"expected {name} to be a single integer value or a list of {nd} values to match "
                               f"the convolution dimensions, but got {name}={list(v)}")
        out[name] = v
    return out


def _check_transpose(x, w, b, groups, o):
    """torch's checks for a transposed convolution, in torch's order and words."""
    if any(p < 0 for p in o["padding"]):
        raise RuntimeError("negative padding is not supported")
    if any(p < 0 for p in o["output_padding"]):
        raise RuntimeError("negative output_padding is not supported")
    _check_args(o["stride"], o["dilation"], groups)
    wshape, xshape = list(w._data.shape), list(x._data.shape)
    if wshape[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, "
                           f"but got weight of size [{wshape}] instead")
    if xshape[-len(wshape) + 1] != wshape[0]:
        raise RuntimeError(f"Given transposed=1, weight of size {wshape}, expected input{xshape} to have {wshape[0]} "
                           f"channels, but got {xshape[-len(wshape) + 1]} channels instead")
    if b is not None and list(b.shape) != [wshape[1] * groups]:
        raise RuntimeError(f"Given transposed=1, weight of size {wshape}, expected bias to be 1-dimensional with "
                           f"{wshape[1] * groups} elements, but got bias of size {list(b.shape)} instead")
    if x._data.dtype != w._data.dtype:
        raise RuntimeError(f"Input type ({x.dtype._legacy_type}) and weight type ({w.dtype._legacy_type}) should be "
                           "the same or input should be a MKLDNN tensor and weight is a dense tensor")
    if x._data.dtype.kind != "f":
        raise NotImplementedError(f"\"slow_conv_transpose2d_out_cpu\" not implemented for '{x.dtype._scalar_name}'")
    if b is not None and b._data.dtype != x._data.dtype:
        raise RuntimeError(f"Input type ({x.dtype._cpp_name}) and bias type ({b.dtype._cpp_name}) should be the same")


def _conv_transpose(nd, input, weight, bias, stride, padding, output_padding, groups, dilation):
    x, w = _operand(input), _operand(weight)
    b = None if bias is None else _operand(bias)
    if x._data.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to conv_transpose{nd}d, "
                           f"but got input of size: {list(x._data.shape)}")
    o = _transpose_options(nd, stride=stride, padding=padding, output_padding=output_padding, dilation=dilation)
    _check_transpose(x, w, b, groups, o)
    unbatched = x._data.ndim == nd + 1
    if unbatched:
        x = x.unsqueeze(0)
    if nd == 1:  # a 1-d transposed convolution is a 2-d one over an image of height 1
        o = {"stride": (1,) + o["stride"], "padding": (0,) + o["padding"],
             "output_padding": (0,) + o["output_padding"], "dilation": (1,) + o["dilation"]}
    (oph, opw), (sh, sw), (dh, dw) = o["output_padding"], o["stride"], o["dilation"]
    if not (oph < sh or oph < dh) or not (opw < sw or opw < dw):
        raise RuntimeError(
            "output padding must be smaller than either stride or dilation, but got "
            f"output_padding_height: {oph} output_padding_width: {opw} stride_height: {sh} stride_width: {sw} "
            f"dilation_height: {dh} dilation_width: {dw}")
    size = [(s - 1) * st - 2 * p + d * (k - 1) + op + 1 for s, k, st, p, op, d in
            zip((1,) * (2 - nd) + x._data.shape[2:], (1,) * (2 - nd) + w._data.shape[2:], o["stride"], o["padding"], o["output_padding"], o["dilation"])]
    if min(size) <= 0:  # torch (oneDNN) fails here with an internal message
        raise RuntimeError(f"conv_transpose{nd}d: the computed output size {size[2 - nd:]} is not positive")
    out = ConvTranspose2d.apply(x, w, b, groups=groups, **o)
    return out.squeeze(0) if unbatched else out


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """``torch.nn.functional.conv_transpose2d``: the adjoint of ``conv2d`` (see the module docstring)."""
    return _conv_transpose(2, input, weight, bias, stride, padding, output_padding, groups, dilation)


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """``torch.nn.functional.conv_transpose1d``: the 2-d op over an image of height 1."""
    return _conv_transpose(1, input, weight, bias, stride, padding, output_padding, groups, dilation)
