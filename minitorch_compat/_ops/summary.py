"""Counting ops: ``bincount`` and ``histc`` (torch's ``aten/src/ATen/native/SummaryOps.cpp``).

``bincount`` counts each non-negative integer (or sums its ``weights``): ``np.bincount``,
with torch's dtypes (int64 counts; float32 weights sum in float32, any other weights in
float64). ``histc`` counts values into ``bins`` equal-width bins between ``min`` and ``max``
(the data's own range when both are 0), ignoring values outside; like torch's kernel, the
bin is ``int((x - min) * bins / (max - min))`` computed in the input's dtype, and ``x == max``
goes into the last bin. Neither has a derivative in torch: ``histc``'s result does not
require grad, and a weighted ``bincount`` records a node whose backward raises.
"""
import numpy as np

from .._tensor import _wrap
from .. import _checks
from ..autograd.function import ArrayFunction
from .pointwise import _operand, _NOT_IMPLEMENTED


class BinCount(ArrayFunction):
    """Summed ``weights`` per value: torch records the node but has no derivative for it."""
    _backward_name = _NOT_IMPLEMENTED

    @staticmethod
    def forward(ctx, weights, x, minlength):
        dt = np.float32 if weights.dtype == np.float32 else np.float64
        return np.bincount(x, weights=weights.astype(dt), minlength=minlength).astype(dt)

    @staticmethod
    def backward(ctx, g):
        raise RuntimeError("derivative for aten::bincount is not implemented")


def bincount(input, weights=None, minlength=0):
    x = _operand(input)
    if x._data.dtype.kind not in "iub":
        raise NotImplementedError(f"\"bincount_cpu\" not implemented for '{x.dtype._scalar_name}'")
    if x._data.ndim != 1 or (x._data.size and x._data.min() < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if weights is None or x._data.size == 0:  # (torch: no input, no weights, int64 zeros)
        return _wrap(np.bincount(x._data, minlength=minlength).astype(np.int64))
    if weights._data.ndim != 1 or weights._data.shape[0] != x._data.shape[0]:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    return BinCount.apply(weights, x=x._data, minlength=minlength)


def histc(input, bins=100, min=0, max=0, *, out=None):
    x = _operand(input)._data
    _checks.floating_input(x, "histogram_cpu")
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
    if max < min:
        raise RuntimeError("torch.histc: max must be larger than min")
    lo, hi = x.dtype.type(min), x.dtype.type(max)
    if lo == hi and x.size:
        lo, hi = np.min(x), np.max(x)
    if lo == hi:  # (an empty input, or constant data) torch widens the range by 1 both ways
        lo, hi = lo - 1, hi + 1
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise RuntimeError(f"torch.histc: range of [{_c_float(lo)}, {_c_float(hi)}] is not finite")
    v = x.reshape(-1)
    v = v[(v >= lo) & (v <= hi)]
    pos = ((v - lo) * x.dtype.type(bins) / (hi - lo)).astype(np.int64)
    pos[pos == bins] = bins - 1
    counts = np.bincount(pos, minlength=bins).astype(x.dtype)
    result = _wrap(counts)
    return result if out is None else _checks.write_out(result, out)


def _c_float(v):
    """A number as C++'s ``<<`` prints it in torch's messages (``1``, ``2.5``, ``inf``, ``-nan``)."""
    if np.isnan(v):
        return "-nan"
    return f"{float(v):g}"
