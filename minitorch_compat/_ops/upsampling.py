"""``F.interpolate``: resize the spatial dimensions of an ``(N, C, *spatial)`` tensor.

What torch does (``torch/nn/functional.py`` for the argument checks,
``aten/src/ATen/native/UpSample.h`` and ``cpu/UpSampleKernel.cpp`` for the arithmetic):
every mode is *separable*. Along each spatial axis, output position ``i`` reads a few
input positions ("taps") with fixed weights, and the 2-d/3-d result is the 1-d rule
applied axis after axis (the kernel nests the loops with the last axis innermost):

* ``nearest``: one tap, ``floor(i * scale)`` computed in float32 (an exact copy when the
  size is unchanged or doubled). ``nearest-exact``: ``floor((i + 0.5) * scale)``.
* ``linear`` / ``bilinear`` / ``trilinear``: two taps around the source coordinate
  ``x = scale * (i + 0.5) - 0.5`` (clamped at 0), or ``x = scale * i`` with
  ``align_corners``, weighted ``1 - t`` and ``t`` where ``t = x - floor(x)``.
* ``bicubic``: four taps ``floor(x) - 1 .. floor(x) + 2`` (clamped to the edge) with
  Keys' cubic-convolution weights, ``A = -0.75``.

``scale`` is ``1 / scale_factor`` when the caller gave a scale factor (and did not ask
to recompute it), else ``in / out`` (``(in - 1) / (out - 1)`` with ``align_corners``).

How we do it: ``_taps`` builds, per axis, an ``(out, taps)`` table of input indices and
weights with torch's formulas in torch's precision (float32 arithmetic for float32
tensors), and one Function, ``Interpolate``, applies the tables: forward gathers
(``np.take``) and sums the weighted taps, last axis first; backward runs the adjoint, axis
by axis in reverse, adding each output's weighted gradient back to its taps. Each tap's
index column never decreases along the output, so the adds are one ``np.add.reduceat`` per
tap over runs of equal index, never a Python loop over positions.

Values agree with torch's to an ulp or two: the weights and the order of the sums are
torch's, but torch's compiled kernels fuse multiply-adds (one rounding instead of two)
and its backward accumulates in another order. ``area`` is adaptive average pooling, as
in torch.

Where we differ: ``antialias=True`` and integer tensors (torch also resizes ``uint8``
images) raise ``NotImplementedError``.
"""
import numpy as np

from .._tensor import _wrap
from ..autograd.function import ArrayFunction
from .pointwise import _operand

_A = -0.75  # Keys' cubic-convolution parameter, as in torch's non-antialiased bicubic


# ---------------------------------------------------------------------------- the taps of one axis

def _scale(in_size, out_size, align_corners, scale, dt):
    """torch's ``area_pixel_compute_scale`` in the compute dtype ``dt``."""
    if align_corners:
        return dt.type(in_size - 1) / dt.type(out_size - 1) if out_size > 1 else dt.type(0)
    if scale is not None and scale > 0:
        return dt.type(1.0 / scale)
    return dt.type(in_size) / dt.type(out_size)


def _source(ratio, out_size, align_corners, dt):
    """Source coordinate of each output position; C++ computes ``(i + 0.5)`` in double."""
    i = np.arange(out_size)
    if align_corners:
        return ratio * i.astype(dt)
    return (np.float64(ratio) * (i + 0.5) - 0.5).astype(dt)


def _nearest(in_size, out_size, scale, exact):
    i = np.arange(out_size)
    if not exact and out_size == in_size:
        return i[:, None], None
    if not exact and out_size == 2 * in_size:
        return (i >> 1)[:, None], None
    s = np.float32(1.0 / scale) if scale is not None and scale > 0 else np.float32(in_size) / np.float32(out_size)
    src = ((i + 0.5) * np.float64(s)).astype(np.float32) if exact else i.astype(np.float32) * s
    return np.minimum(np.floor(src).astype(np.int64), in_size - 1)[:, None], None


def _guard(src, in_size, dt):
    """torch's ``guard_index_and_lambda``: the tap below, and the distance to it in [0, 1]."""
    idx = np.minimum(np.floor(src.astype(np.float32)).astype(np.int64), in_size - 1)
    return idx, np.clip(src - idx.astype(dt), 0, 1).astype(dt)


def _linear(in_size, out_size, align_corners, scale, dt):
    if out_size == in_size:
        i = np.arange(out_size)
        return np.stack([i, i], 1), np.stack([np.ones(out_size, dt), np.zeros(out_size, dt)], 1)
    src = _source(_scale(in_size, out_size, align_corners, scale, dt), out_size, align_corners, dt)
    idx0, t = _guard(np.maximum(src, 0), in_size, dt)
    idx1 = idx0 + (idx0 < in_size - 1)
    return np.stack([idx0, idx1], 1), np.stack([1 - t, t], 1)


def _cubic(in_size, out_size, align_corners, scale, dt):
    src = _source(_scale(in_size, out_size, align_corners, scale, dt), out_size, align_corners, dt)
    idx, t = _guard(src, in_size, dt)

    a = dt.type(_A)

    def near(x):   # the kernel on |x| <= 1
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x):    # the kernel on 1 < |x| < 2
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    u = (1.0 - t).astype(dt)
    weights = np.stack([far((t + 1.0).astype(dt)), near(t), near(u), far((u + 1.0).astype(dt))], 1)
    taps = np.clip(idx[:, None] + np.arange(-1, 3), 0, in_size - 1)
    return taps, weights


def _taps(mode, in_size, out_size, align_corners, scale, dt):
    if mode in ("nearest", "nearest-exact"):
        return _nearest(in_size, out_size, scale, mode == "nearest-exact")
    if mode == "bicubic":
        return _cubic(in_size, out_size, align_corners, scale, dt)
    return _linear(in_size, out_size, align_corners, scale, dt)


# ---------------------------------------------------------------------------- the op

class Interpolate(ArrayFunction):
    """Apply one ``(indices, weights)`` table per spatial axis (``weights`` None: one tap of
    weight 1). torch has one node per mode and dimension; ``node`` is its name."""

    @staticmethod
    def forward(ctx, x, *, tables, node):
        ctx._backward_name = node
        ctx.tables, ctx.in_shape = tables, x.shape
        for axis in reversed(range(len(tables))):   # last axis innermost, as torch nests its loops
            idx, w = tables[axis]
            x = _gather(x, idx, w, axis + 2)
        return x

    @staticmethod
    def backward(ctx, g):
        for axis in range(len(ctx.tables)):
            idx, w = ctx.tables[axis]
            g = _scatter(g, idx, w, axis + 2, ctx.in_shape[axis + 2])
        return g

    @staticmethod
    def _graph_backward(ctx, g):  # under create_graph: each axis's taps as one matrix product, recorded
        for axis in range(len(ctx.tables)):
            idx, w = ctx.tables[axis]
            taps = np.zeros((idx.shape[0], ctx.in_shape[axis + 2]), dtype=g._data.dtype)
            np.add.at(taps, (np.arange(idx.shape[0])[:, None], idx), 1 if w is None else w)
            g = (g.transpose(axis + 2, -1) @ _wrap(taps)).transpose(axis + 2, -1)
        return g


def _along(w, axis, ndim):
    """A weight column shaped to broadcast along ``axis``."""
    return w.reshape((-1,) + (1,) * (ndim - axis - 1))


def _gather(x, idx, w, axis):
    if w is None:
        return np.take(x, idx[:, 0], axis=axis)
    out = np.take(x, idx[:, 0], axis=axis) * _along(w[:, 0], axis, x.ndim)
    for k in range(1, idx.shape[1]):
        out += np.take(x, idx[:, k], axis=axis) * _along(w[:, k], axis, x.ndim)
    return out


def _scatter(g, idx, w, axis, in_size):
    """The adjoint of ``_gather``: add each output's (weighted) gradient to its taps."""
    shape = list(g.shape)
    shape[axis] = in_size
    out = np.zeros(shape, dtype=g.dtype)
    where = (slice(None),) * axis
    for k in range(idx.shape[1]):
        col = idx[:, k]
        starts = np.flatnonzero(np.r_[True, col[1:] != col[:-1]])   # runs of one input index
        contrib = g if w is None else g * _along(w[:, k], axis, g.ndim)
        out[where + (col[starts],)] += np.add.reduceat(contrib, starts, axis=axis)
    return out


# torch's node for each (mode, number of spatial dimensions)
_NODES = {("nearest", 1): "UpsampleNearest1DBackward0", ("nearest", 2): "UpsampleNearest2DBackward0",
          ("nearest", 3): "UpsampleNearest3DBackward0", ("nearest-exact", 1): "UpsampleNearestExact1DBackward0",
          ("nearest-exact", 2): "UpsampleNearestExact2DBackward0",
          ("nearest-exact", 3): "UpsampleNearestExact3DBackward0", ("linear", 1): "UpsampleLinear1DBackward0",
          ("bilinear", 2): "UpsampleBilinear2DBackward0", ("trilinear", 3): "UpsampleTrilinear3DBackward0",
          ("bicubic", 2): "UpsampleBicubic2DBackward0"}


# ---------------------------------------------------------------------------- F.interpolate

def _sizes_error(in_sizes, out_sizes):
    names = "DHW"[3 - len(in_sizes):]
    fmt = lambda s: ", ".join(f"{n}: {v}" for n, v in zip(names, s))  # noqa: E731
    sep = " and output" if len(in_sizes) == 1 else " output"
    return RuntimeError(f"Input and output sizes should be greater than 0, but got input ({fmt(in_sizes)}){sep} "
                        f"({fmt(out_sizes)})")


def _upsample(x, mode, output_size, scale_factors, align_corners):
    dim = x._data.ndim - 2
    in_sizes = x._data.shape[2:]
    if output_size is None:
        output_size = [int(s * f) for s, f in zip(in_sizes, scale_factors)]
    output_size = [int(s) for s in output_size]
    if min(in_sizes) <= 0 or min(output_size) <= 0:
        raise _sizes_error(in_sizes, output_size)
    if x._data.shape[1] == 0:
        raise RuntimeError(f"Non-empty {dim + 2}D data tensor expected but got a tensor with sizes "
                           f"{list(x._data.shape)}")
    if x._data.dtype.kind != "f":
        kernel = {"bicubic": "compute_indices_weights_cubic"}.get(mode, "compute_indices_weights_linear") \
            if mode not in ("nearest", "nearest-exact") else f"upsample_{mode.replace('-', '_')}{dim}d"
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{x.dtype._scalar_name}' "
                                  "(minitorch_compat resizes floating-point tensors only)")
    dt = x._data.dtype
    scales = scale_factors if scale_factors is not None else [None] * dim
    tables = [_taps(mode, i, o, align_corners, s, dt) for i, o, s in zip(in_sizes, output_size, scales)]
    return Interpolate.apply(x, tables=tables, node=_NODES[(mode, dim)])


_MODES = "nearest | linear | bilinear | bicubic | trilinear | lanczos | area | nearest-exact"
_NEEDS = {"linear": 3, "bilinear": 4, "trilinear": 5}


def _per_dim(value, dim, spatial, name, described, fmt, letter):
    """``size`` or ``scale_factor`` as one value per spatial dimension (torch's message on a wrong length)."""
    if not isinstance(value, (list, tuple)):
        return [value] * dim
    if len(value) != dim:
        raise ValueError(
            f"Input and {name} must have the same number of spatial dimensions, but got input with spatial dimensions "
            f"of {spatial} and {described} {value}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and "
            f"{fmt} in ({letter}1, {letter}2, ...,{letter}K) format.")
    return list(value)


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """``torch.nn.functional.interpolate``: torch's argument checks, in torch's order."""
    x = _operand(input)
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: "
                             "linear | bilinear | bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    dim = x._data.ndim - 2
    spatial = list(x._data.shape[2:])
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        scale_factors = None
        output_size = _per_dim(size, dim, spatial, "output", "output size of", "output size", "o")
        if isinstance(size, (list, tuple)) and not all(isinstance(s, (int, np.integer)) for s in size):
            raise TypeError("expected size to be one of int or Tuple[int] or Tuple[int, int] or Tuple[int, int, int], "
                            f"but got size with types {[type(s) for s in size]}")
    elif scale_factor is not None:
        output_size = None
        scale_factors = [float(f) for f in _per_dim(scale_factor, dim, spatial, "scale_factor", "scale_factor of shape",
                                                    "scale_factor", "s")]
    else:
        raise ValueError("either size or scale_factor should be defined")
    if recompute_scale_factor and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    if mode == "area" and output_size is None:
        recompute_scale_factor = True
    if recompute_scale_factor:
        # the output size from the factors; the kernel then uses in/out, not the factors
        output_size = [int(s * f) for s, f in zip(spatial, scale_factors)]
        scale_factors = None
    if antialias and not (mode in ("bilinear", "bicubic", "lanczos") and x._data.ndim == 4):
        raise ValueError("Anti-alias option is restricted to bilinear, bicubic, and lanczos modes and requires a "
                         "4-D tensor as input")
    if antialias:
        raise NotImplementedError("minitorch_compat does not implement F.interpolate(antialias=True) yet")
    if mode == "area" and dim in (1, 2):
        from .pooling import adaptive_avg_pool2d
        if dim == 2:
            return adaptive_avg_pool2d(x, output_size)
        return adaptive_avg_pool2d(x.unsqueeze(2), [1] + list(output_size)).squeeze(2)
    if (mode, dim) in _NODES:
        return _upsample(x, mode, output_size, scale_factors, align_corners)
    if mode in _NEEDS and dim in (1, 2, 3):
        raise NotImplementedError(f"Got {dim + 2}D input, but {mode} mode needs {_NEEDS[mode]}D input")
    if mode == "area" and dim == 3:
        raise NotImplementedError("minitorch_compat does not implement 3-d adaptive average pooling yet")
    raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {dim + 2}D) for the modes: "
                              f"{_MODES} (got {mode})")


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None, recompute_scale_factor=None):
    """Deprecated alias of ``interpolate`` (torch warns; see ``upsample_nearest``)."""
    import warnings
    warnings.warn("`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners, recompute_scale_factor)


def upsample_nearest(input, size=None, scale_factor=None):
    import warnings
    warnings.warn("`nn.functional.upsample_nearest` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    import warnings
    warnings.warn("`nn.functional.upsample_bilinear` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)
