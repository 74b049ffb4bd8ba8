"""Packing padded batches of sequences, and back (torch: ``aten/src/ATen/native/PackedSequence.cpp``).

A padded batch ``(T, B, *)`` holds ``B`` sequences of different lengths, sorted longest
first. Packing keeps only the real steps, time-major: the data is the ``batch_sizes[0]``
rows of step 0, then the ``batch_sizes[1]`` rows of step 1, ..., where ``batch_sizes[t]``
counts the sequences longer than ``t``. In NumPy that is one boolean mask ``(T, B)``,
``mask[t, b] = t < lengths[b]``: ``x[mask]`` packs (row-major order is exactly time-major),
``out[mask] = data`` unpacks, and each op's backward is the other one.
"""
import numpy as np

from .._checks import broadcast_error
from ..autograd.function import ArrayFunction
from ..autograd.graph import shown_edges, shown_node


def _mask(lengths, steps):
    return np.arange(steps)[:, None] < np.asarray(lengths)[None, :]


def batch_sizes_of(lengths):
    """``batch_sizes[t]``: how many of the (sorted) ``lengths`` exceed ``t``."""
    return _mask(lengths, int(max(lengths))).sum(1).astype(np.int64)


class PackPaddedSequence(ArrayFunction):
    """``x (T, B, *) -> data (N, *)``: the rows of ``x`` whose step is within their length."""
    _backward_name = "PackPaddedSequenceBackward0"

    @staticmethod
    def forward(ctx, x, lengths, batch_first):
        if batch_first:
            x = x.swapaxes(0, 1)
        ctx.save_for_backward(np.asarray(lengths))  # (torch saves the batch sizes: one backward only)
        ctx.steps, ctx.batch_first = x.shape[0], batch_first
        return x[_mask(lengths, x.shape[0])]

    @staticmethod
    def backward(ctx, g):  # the other op: the rows back in place, zeros past each length
        lengths, = ctx.saved_tensors
        gx = PadPackedSequence.call(g, lengths=lengths, total_length=ctx.steps, padding_value=0)
        return gx.swapaxes(0, 1) if ctx.batch_first else gx


class PadPackedSequence(ArrayFunction):
    """``data (N, *) -> (total_length, B, *)`` filled with ``padding_value`` past each length.
    torch copies step by step into a ``full`` tensor, so its node is ``CopySlices``."""
    _backward_name = "torch::autograd::CopySlices"

    @staticmethod
    def forward(ctx, data, lengths, total_length, padding_value):
        mask = _mask(lengths, total_length)
        out = np.full(mask.shape + data.shape[1:], padding_value, dtype=data.dtype)
        out[mask] = data
        ctx.save_for_backward(mask)
        return out

    @staticmethod
    def backward(ctx, g):
        mask, = ctx.saved_tensors
        return g[mask]


def _place(n, longest, padding_side):
    """Where a sequence of length ``n`` goes in its padded column."""
    return slice(0, n) if padding_side == "right" else slice(longest - n, longest)


class PadSequence(ArrayFunction):
    """``pad_sequence``: sequences ``(L_i, *)`` into one ``(max L, B, *)`` (or ``(B, max L, *)``),
    each copied to the start (``padding_side='left'``: the end) of its column."""
    _backward_name = "torch::autograd::CopySlices"

    @staticmethod
    def forward(ctx, *seqs, batch_first, padding_value, padding_side):
        lengths = np.array([s.shape[0] for s in seqs])
        longest = lengths.max()
        out = np.full((len(seqs), longest) + seqs[0].shape[1:], padding_value, dtype=seqs[0].dtype)
        for i, s in enumerate(seqs):
            target = out[i, _place(s.shape[0], longest, padding_side)]
            if np.broadcast_shapes(target.shape, s.shape) != target.shape:
                raise broadcast_error([target.shape, s.shape])
            target[...] = s
        ctx.save_for_backward(lengths)
        ctx.dtypes, ctx.batch_first, ctx.padding_side = [s.dtype for s in seqs], batch_first, padding_side
        return out if batch_first else np.ascontiguousarray(out.swapaxes(0, 1))

    @staticmethod
    def backward(ctx, g):
        lengths, = ctx.saved_tensors
        g = g if ctx.batch_first else g.swapaxes(0, 1)
        return tuple(g[i, _place(n, g.shape[1], ctx.padding_side)].astype(dtype, copy=False)
                     for i, (n, dtype) in enumerate(zip(lengths, ctx.dtypes)))

    @property
    def next_functions(self):
        """torch's chain: one ``CopySlices`` per sequence, each on top of the previous."""
        edge = None
        for e in self._next[:-1]:
            edge = shown_node("torch::autograd::CopySlices", edge, e)
        return shown_edges((edge, self._next[-1]))
