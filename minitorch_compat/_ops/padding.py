"""``F.pad``: grow (or, with negative amounts, crop) the last dimensions.

``pad`` lists (left, right) amounts starting from the *last* dimension, as torch's does;
negative amounts crop. Modes:

* ``constant``: the new border holds ``value``; the backward cuts the border's gradient away.
* ``reflect`` (mirror without repeating the edge: ``[a b c] -> b [a b c] b``),
  ``replicate`` (repeat the edge: ``a [a b c] c``) and ``circular`` (wrap around:
  ``c [a b c] a``) pad the last 1, 2 or 3 dimensions of a batched or unbatched input.
  Each is a gather: along every padded dimension, output position ``j`` reads input
  position ``source[j]``. The backward scatters the gradient back along the same indices,
  adding up where several output positions read one input position.
"""
import numpy as np

from .._tensor import _wrap
from ..autograd.function import ArrayFunction
from ..autograd.graph import shown_edges, shown_node
from .backward_ops import pool_graph_backward
from .pointwise import _operand


class ConstantPad(ArrayFunction):
    _backward_name = "ConstantPadNdBackward0"

    @staticmethod
    def forward(ctx, x, widths, value):
        grow = [(max(a, 0), max(b, 0)) for a, b in widths]
        out = np.pad(x, grow, constant_values=value) if any(a or b for a, b in grow) else x.copy()
        out = out[tuple(slice(-min(a, 0), out.shape[i] + min(b, 0)) for i, (a, b) in enumerate(widths))]
        ctx.widths = widths
        return np.ascontiguousarray(out)

    @staticmethod
    def backward(ctx, g):
        # undo: crop what was added, zero-pad what was cropped
        undo = [(-a, -b) for a, b in ctx.widths]
        grow = [(max(a, 0), max(b, 0)) for a, b in undo]
        g = np.pad(g, grow) if any(a or b for a, b in grow) else g
        return g[tuple(slice(-min(a, 0), g.shape[i] + min(b, 0)) for i, (a, b) in enumerate(undo))]


def _adder(src, n, dtype):
    """The 0/1 matrix whose row ``j`` marks input position ``src[j]``."""
    matrix = np.zeros((src.size, n), dtype=dtype)
    matrix[np.arange(src.size), src] = 1
    return matrix


class IndexPad(ArrayFunction):
    """Reflect, replicate or circular padding: ``sources`` holds, per padded trailing
    dimension, the input index each output position reads."""

    @staticmethod
    def forward(ctx, x, sources, name, copies=0):
        ctx.axes, ctx.shape, ctx._backward_name, ctx.copies = [axis for axis, _ in sources], x.shape, name, copies
        ctx.save_for_backward(*[src for _, src in sources])
        out = x
        for axis, src in sources:
            out = np.take(out, src, axis=axis)
        return out

    @staticmethod
    def backward(ctx, g):
        for axis, src in reversed(list(zip(ctx.axes, ctx.saved_tensors))):
            # one product with a 0/1 matrix adds every output position into its source
            g = np.moveaxis(np.moveaxis(g, axis, -1) @ _adder(src, ctx.shape[axis], g.dtype), -1, axis)
        return g

    @staticmethod
    def _graph_backward(ctx, g):
        """Under create_graph: torch's reflection/replication_pad backward kernel as a node
        (``backward_ops.PoolBackward``), whose adjoint is the padding; circular padding's
        copies, the same products recorded."""
        if ctx._backward_name != _NAMES["circular"]:
            return pool_graph_backward(ctx, g)
        for axis, src in reversed(list(zip(ctx.axes, ctx.saved_tensors))):
            g = (g.transpose(axis, -1) @ _wrap(_adder(src, ctx.shape[axis], g._data.dtype))).transpose(axis, -1)
        return g

    @staticmethod
    def _adjoint(ctx, gg):
        return IndexPad.call(gg, sources=list(zip(ctx.axes, ctx.saved_tensors)), name=ctx._backward_name)

    @property
    def next_functions(self):
        """Circular padding is, in torch, copies into an empty tensor: the input (a slice per
        padded dimension) first, then one copy per border from the result so far, each a
        ``CopySlices`` node on top of the previous one; this node shows that chain."""
        if self._backward_name != _NAMES["circular"]:
            return shown_edges(self._next)
        source = self._next[0]
        for _ in self.axes:
            source = shown_node("SliceBackward0", source)
        edges = (None, source)
        for _ in range(self.copies):
            edge = shown_node(_NAMES["circular"], *edges)
            edges = (edge, shown_node("SliceBackward0", edge))
        return shown_edges(edges)


def _source_index(n, left, right, mode):
    """For one dimension of size ``n`` padded by ``(left, right)``: the input position of each output position."""
    j = np.arange(-left, n + right)
    if mode == "reflect":
        j = np.abs(j)
        return np.where(j > n - 1, 2 * (n - 1) - j, j)
    if mode == "replicate":
        return np.clip(j, 0, n - 1)
    lo, hi = max(-left, 0), n - max(-right, 0)  # circular: crop first, then wrap the rest
    if n + left + right == 0:
        return np.zeros(0, dtype=np.intp)
    return lo + (np.arange(-max(left, 0), hi - lo + max(right, 0)) % (hi - lo))


_NAMES = {"reflect": "ReflectionPad{}DBackward0", "replicate": "ReplicationPad{}DBackward0",
          "circular": "torch::autograd::CopySlices"}


def _check_non_constant(x, pad, mode, value):
    """torch's checks for reflect/replicate/circular, in its order and words."""
    ndim, k = x._data.ndim, len(pad) // 2
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    if not (len(pad) in (2, 4, 6) and ndim in (k + 1, k + 2)):
        raise NotImplementedError(
            f"Padding size {len(pad)} is not supported for {ndim}D input tensor.\n"
            "Supported combinations for non-constant padding:\n"
            "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
            "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
            "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")
    shape = x._data.shape
    if mode == "circular":
        for i in range(k):
            size, (left, right) = shape[ndim - 1 - i], pad[2 * i:2 * i + 2]
            if left > size or right > size:
                raise RuntimeError("Padding value causes wrapping around more than once.")
            if size + left + right < 0:
                raise RuntimeError("Negative padding value is resulting in an empty dimension")
        for i in range(k):
            size, (left, right) = shape[ndim - 1 - i], pad[2 * i:2 * i + 2]
            kept = size - max(-left, 0) - max(-right, 0)
            if size + left + right > 0 and max(left, right) > kept:  # torch copies overlapping slices of its output (or, with
                # nothing kept, reads uninitialised memory: we raise the overlap error then too)
                raise RuntimeError("unsupported operation: some elements of the input tensor and the written-to "
                                   "tensor refer to a single memory location. Please clone() the tensor before "
                                   "performing the operation.")
        return
    if 0 in shape[ndim - k:] or (ndim == k + 2 and shape[1] == 0):
        raise RuntimeError(f"Expected {k + 1}D or {k + 2}D (batch mode) tensor with possibly 0 batch size and other "
                           f"non-zero dimensions for input, but got: {list(shape)}")
    for i in range(k):
        size, (left, right) = shape[ndim - 1 - i], pad[2 * i:2 * i + 2]
        if mode == "reflect" and not (left < size and right < size):
            raise RuntimeError(f"Argument #{4 + 2 * i}: Padding size should be less than the corresponding input "
                               f"dimension, but got: padding ({left}, {right}) at dimension {ndim - 1 - i} of input "
                               f"{list(shape)}")
    out = [shape[ndim - 1 - i] + pad[2 * i] + pad[2 * i + 1] for i in range(k)][::-1]  # (D,) H, W
    names, sizes = "DHW"[3 - k:], shape[ndim - k:]
    if k == 1 and out[0] < 1:
        raise RuntimeError(f"input (W: {sizes[0]}) is too small. Calculated output W: {out[0]}")
    if mode == "replicate" and min(out) < 1:
        raise RuntimeError(f"Calculated output {' '.join(f'{n}: {o}' for n, o in zip(names, out))} must be >= 1 in "
                           f"every dimension (input {', '.join(f'{n}: {s}' for n, s in zip(names, sizes))})")
    if min(out) < 0:  # reflect lets an empty result through, and fails this way below it
        raise RuntimeError("numel: integer multiplication overflow")


def pad(input, pad, mode="constant", value=None):
    x = _operand(input)
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if mode != "constant":
        if mode not in _NAMES:
            raise NotImplementedError(f"Unrecognised padding mode {mode}")
        pad = [int(p) for p in pad]
        _check_non_constant(x, pad, mode, value)
        k, ndim = len(pad) // 2, x._data.ndim
        sources = [(ndim - 1 - i, _source_index(x._data.shape[ndim - 1 - i], pad[2 * i], pad[2 * i + 1], mode))
                   for i in range(k)]
        return IndexPad.apply(x, sources=sources, name=_NAMES[mode].format(k), copies=sum(p > 0 for p in pad))
    if len(pad) // 2 > x._data.ndim:
        raise RuntimeError("Padding length should be less than or equal to two times the input dimension but got padding length "
                           f"{len(pad)} and input of dimension {x._data.ndim}")
    widths = [(0, 0)] * x._data.ndim
    for i in range(len(pad) // 2):
        widths[x._data.ndim - 1 - i] = (int(pad[2 * i]), int(pad[2 * i + 1]))
    return ConstantPad.apply(x, widths=widths, value=0 if value is None else value)
