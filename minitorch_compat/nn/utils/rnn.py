"""``torch.nn.utils.rnn``: batches of sequences of different lengths.

What torch does: a ``PackedSequence`` is a named tuple ``(data, batch_sizes,
sorted_indices, unsorted_indices)``. ``data`` holds the real time steps of every
sequence, time-major, longest sequence first: ``batch_sizes[t]`` rows for step ``t``.
RNN modules accept it and skip the padding entirely. ``pack_padded_sequence`` builds one
from a padded batch and its lengths (sorting the batch first when
``enforce_sorted=False``, remembering the permutation in ``sorted_indices`` and its
inverse in ``unsorted_indices``); ``pad_packed_sequence`` goes back, in the caller's
order. ``pad_sequence`` pads a list of tensors into one batch.

How we do it: this file is torch's Python; the C++ kernels it calls
(``_pack_padded_sequence``, ``_pad_packed_sequence``, ``pad_sequence``) are the ops in
``_ops/packed_sequence.py``, with torch's checks and messages here.

Where we differ: ``unpad_sequence`` leaves its argument as it was (torch transposes a
time-major argument in place).
"""
from collections.abc import Iterable
from typing import NamedTuple, Optional

import numpy as np

from ... import _dtype
from ..._ops import packed_sequence as _packing
from ..._ops.creation import as_tensor, empty_like
from ..._ops.range_factories import arange
from ..._ops.sorting import sort
from ..._tensor import Tensor, _wrap

__all__ = ["PackedSequence", "invert_permutation", "pack_padded_sequence", "pad_packed_sequence", "pad_sequence",
           "unpad_sequence", "pack_sequence", "unpack_sequence"]


class PackedSequence_(NamedTuple):
    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Optional[Tensor]
    unsorted_indices: Optional[Tensor]


def bind(optional, fn):
    return None if optional is None else fn(optional)


class PackedSequence(PackedSequence_):
    """The packed steps of a batch of sequences (build it with ``pack_padded_sequence`` or
    ``pack_sequence``, not by hand)."""

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        return super().__new__(cls, *_packed_sequence_init_args(data, batch_sizes, sorted_indices, unsorted_indices))

    def pin_memory(self):
        return type(self)(self.data.pin_memory(), self.batch_sizes, bind(self.sorted_indices, lambda t: t.pin_memory()),
                          bind(self.unsorted_indices, lambda t: t.pin_memory()))

    def to(self, *args, **kwargs):
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        return type(self)(data, self.batch_sizes, self.sorted_indices, self.unsorted_indices)

    def cuda(self, *args, **kwargs):
        return self.to("cuda", *args, **kwargs)

    def cpu(self, *args, **kwargs):
        return self.to("cpu", *args, **kwargs)

    def double(self):
        return self.to(dtype=_dtype.float64)

    def float(self):
        return self.to(dtype=_dtype.float32)

    def half(self):
        return self.to(dtype=_dtype.float16)

    def long(self):
        return self.to(dtype=_dtype.int64)

    def int(self):
        return self.to(dtype=_dtype.int32)

    def short(self):
        return self.to(dtype=_dtype.int16)

    def char(self):
        return self.to(dtype=_dtype.int8)

    def byte(self):
        return self.to(dtype=_dtype.uint8)

    @property
    def is_cuda(self):
        return self.data.is_cuda

    def is_pinned(self):
        return self.data.is_pinned()


def _packed_sequence_init_args(data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
    if unsorted_indices is None:
        unsorted_indices = invert_permutation(sorted_indices)
    if batch_sizes is not None:
        if batch_sizes.device.type != "cpu":
            raise ValueError("batch_sizes should always be on CPU. Instances of PackedSequence should never be "
                             "created manually. They should be instantiated by functions like pack_sequence and "
                             "pack_padded_sequences in nn.utils.rnn. "
                             "https://pytorch.org/docs/stable/nn.html#torch.nn.utils.rnn.pack_sequence")
        return data, batch_sizes, sorted_indices, unsorted_indices
    if not (isinstance(data, (list, tuple)) and len(data) == 2):
        raise AssertionError("Expected data to be a list or tuple of length 2")
    return data[0], data[1], sorted_indices, unsorted_indices


def invert_permutation(permutation):
    """The inverse permutation: ``output[permutation[i]] = i``."""
    if permutation is None:
        return None
    output = empty_like(permutation)
    output.scatter_(0, permutation, arange(0, permutation.numel(), device=permutation.device))
    return output


def _check_index_tensor(t, what):
    if t.device.type != "cpu" or t.dim() != 1 or t.dtype != _dtype.int64:
        raise RuntimeError(f"'{what}' argument should be a 1D CPU int64 tensor, but got {t.dim()}D "
                           f"{t.device.type} {t.dtype._scalar_name} tensor")


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """Pack a padded batch ``(T, B, *)`` (``(B, T, *)`` with ``batch_first``) of sequences
    with the given ``lengths``. With ``enforce_sorted`` (the default) the lengths must
    already be in decreasing order; otherwise the batch is sorted here."""
    if not isinstance(lengths, Tensor):
        lengths = as_tensor(lengths, dtype=_dtype.int64, device="cpu")
    else:
        lengths = lengths.to(dtype=_dtype.int64)
    if enforce_sorted:
        sorted_indices = None
    else:
        lengths, sorted_indices = sort(lengths, descending=True)
        batch_dim = 0 if batch_first else 1
        input = input.index_select(batch_dim, sorted_indices)
    data, batch_sizes = _pack_padded_sequence(input, lengths, batch_first)
    return PackedSequence(data, batch_sizes, sorted_indices, None)


def _pack_padded_sequence(input, lengths, batch_first):
    """torch's C++ ``_pack_padded_sequence``: its checks, then the packing op."""
    _check_index_tensor(lengths, "lengths")
    batch_size = input.shape[0 if batch_first else 1]
    if input.numel() == 0:
        raise RuntimeError("Cannot pack empty tensors.")
    n = lengths._data
    if n.shape[0] != batch_size:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got {n.shape[0]} "
                           f"(batch_size={batch_size})")
    if n[-1] <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an element in 'lengths' "
                           "that is <= 0")
    if np.any(n[1:] > n[:-1]):
        raise RuntimeError("`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You "
                           "can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to "
                           "sidestep this requirement if you do not need ONNX exportability.")
    data = _packing.PackPaddedSequence.apply(input, lengths=n, batch_first=batch_first)
    return data, _wrap(_packing.batch_sizes_of(n))


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """Undo ``pack_padded_sequence``: ``(padded, lengths)``, the batch in its original order,
    padded with ``padding_value`` to the longest length (or ``total_length``)."""
    max_seq_length = sequence.batch_sizes.size(0)
    if total_length is not None:
        if total_length < max_seq_length:
            raise ValueError("Expected total_length to be at least the length of the longest sequence in input, "
                             f"but got total_length={total_length} and max sequence length being {max_seq_length}")
        max_seq_length = total_length
    _check_index_tensor(sequence.batch_sizes, "batch_sizes")
    batch_sizes = sequence.batch_sizes._data
    lengths = (batch_sizes[None, :] > np.arange(batch_sizes[0])[:, None]).sum(1).astype(np.int64)
    padded_output = _packing.PadPackedSequence.apply(sequence.data, lengths=lengths, total_length=max_seq_length,
                                                     padding_value=padding_value)
    if batch_first:
        padded_output = padded_output.transpose(0, 1)
    lengths = _wrap(lengths)
    unsorted_indices = sequence.unsorted_indices
    if unsorted_indices is not None:
        batch_dim = 0 if batch_first else 1
        return padded_output.index_select(batch_dim, unsorted_indices), lengths[unsorted_indices.cpu()]
    return padded_output, lengths


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Stack tensors ``(L_i, *)`` into ``(max L, B, *)`` (``(B, max L, *)`` with ``batch_first``),
    padding each to the longest with ``padding_value`` on ``padding_side``."""
    if not isinstance(sequences, Iterable):
        raise RuntimeError(f"pad_sequence: Expected iterable for input sequences, but got arg of type: "
                           f"{type(sequences)}")
    sequences = tuple(sequences)
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    return _packing.PadSequence.apply(*sequences, batch_first=batch_first, padding_value=padding_value,
                                      padding_side=padding_side)


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """Split a padded batch back into its sequences (the inverse of ``pad_sequence``)."""
    unpadded_sequences = []
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    max_length = padded_sequences.shape[1]
    idx = arange(max_length, device=lengths.device)
    for seq, length in zip(padded_sequences, lengths):
        mask = idx < length
        unpadded_sequences.append(seq[mask])
    return unpadded_sequences


def pack_sequence(sequences, enforce_sorted=True):
    """Pack a list of tensors ``(L_i, *)`` (``pad_sequence`` then ``pack_padded_sequence``)."""
    lengths = as_tensor([v.size(0) for v in sequences])
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences):
    """The list of tensors a ``PackedSequence`` holds, in the original order."""
    padded_sequences, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded_sequences, lengths, batch_first=True)
