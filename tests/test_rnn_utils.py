"""``nn.utils.rnn`` against real torch: padding, packing, unpacking, their gradients,
orderings (``sorted_indices``/``unsorted_indices``), printing and errors.

(Packed sequences going through the RNN modules are in ``test_rnn.py``.)
"""
import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import minitorch_compat as mt
from helpers import assert_close, raises_like
from test_rnn import assert_same_run, leaf, run_both

lengths_lists = st.lists(st.integers(1, 5), min_size=1, max_size=5)


@given(lengths_lists, st.sampled_from([(), (2,), (2, 3)]), st.sampled_from([np.float32, np.float64]), st.booleans(),
       st.sampled_from([0.0, -1.5, float("nan")]), st.sampled_from(["right", "left"]), st.integers(0, 2 ** 16))
def test_pad_sequence(lengths, trailing, dtype, batch_first, padding_value, padding_side, seed):
    rng = np.random.default_rng(seed)
    seqs = [rng.standard_normal((n,) + trailing).astype(dtype) for n in lengths]

    def run(T):
        xs = [leaf(T, s) for s in seqs]
        return T.nn.utils.rnn.pad_sequence(xs, batch_first, padding_value, padding_side), xs

    ours, theirs = run_both(run, seed)
    assert_same_run(ours, theirs)
    assert ours[0].grad_fn.name() == theirs[0].grad_fn.name()
    names = [[f and f.name() for f, _ in r[0].grad_fn.next_functions] for r in (ours, theirs)]
    assert names[0] == names[1]


@given(lengths_lists, st.booleans(), st.booleans(), st.booleans(), st.integers(0, 2 ** 16))
def test_pack_and_pad_round_trip(lengths, batch_first, enforce_sorted, as_list, seed):
    """pack_padded_sequence: data, batch_sizes, sorted/unsorted indices; pad_packed_sequence:
    the padded batch back in the caller's order and the lengths; gradients through both."""
    if enforce_sorted:
        lengths = sorted(lengths, reverse=True)
    rng = np.random.default_rng(seed)
    shape = (len(lengths), max(lengths), 2) if batch_first else (max(lengths), len(lengths), 2)
    x = rng.standard_normal(shape)

    def run(T):
        xs = leaf(T, x)
        lens = lengths if as_list else T.tensor(lengths, dtype=T.int32)
        packed = T.nn.utils.rnn.pack_padded_sequence(xs, lens, batch_first, enforce_sorted)
        padded, out_lengths = T.nn.utils.rnn.pad_packed_sequence(packed, batch_first, padding_value=7.0)
        return (packed, padded, out_lengths), [xs]

    ours, theirs = run_both(run, seed)
    assert_same_run(ours, theirs)
    assert repr(ours[0][0]) == repr(theirs[0][0])
    assert ours[0][0].data.grad_fn.name() == theirs[0][0].data.grad_fn.name()
    if enforce_sorted:  # (unsorted, torch's top node is index_select's, which this package names IndexBackward0)
        assert ours[0][1].grad_fn.name() == theirs[0][1].grad_fn.name()


@given(st.lists(st.integers(1, 4), min_size=1, max_size=4), st.booleans(), st.integers(0, 2 ** 16))
def test_pack_sequence_unpack_unpad(lengths, enforce_sorted, seed):
    if enforce_sorted:
        lengths = sorted(lengths, reverse=True)
    rng = np.random.default_rng(seed)
    seqs = [rng.standard_normal((n, 3)) for n in lengths]

    def run(T):
        xs = [leaf(T, s) for s in seqs]
        rnn = T.nn.utils.rnn
        packed = rnn.pack_sequence(xs, enforce_sorted)
        padded, lens = rnn.pad_packed_sequence(packed, batch_first=True)
        return (packed, rnn.unpack_sequence(packed), rnn.unpad_sequence(padded, lens, batch_first=True)), xs

    ours, theirs = run_both(run, seed)
    assert_same_run(ours, theirs)


def test_invert_permutation_and_packed_sequence_methods():
    for T in (mt, torch):
        perm = T.tensor([2, 0, 3, 1])
        inv = T.nn.utils.rnn.invert_permutation(perm)
        packed = T.nn.utils.rnn.pack_sequence([T.ones(3, 2), T.ones(1, 2)])
        res = (inv, packed.double().data.dtype, packed.to(T.float64).data.dtype, packed.to(T.float32) is packed,
               packed.is_cuda, packed.cpu().data.dtype, T.nn.utils.rnn.invert_permutation(None))
        if T is mt:
            ours = res
    assert_close(ours[0], res[0])
    assert [str(r) for r in ours[1:]] == [str(r) for r in res[1:]]


BAD = [
    lambda T: T.nn.utils.rnn.pack_padded_sequence(T.zeros(4, 3, 2), [2, 4, 1]),
    lambda T: T.nn.utils.rnn.pack_padded_sequence(T.zeros(4, 3, 2), [4, 2, 0]),
    lambda T: T.nn.utils.rnn.pack_padded_sequence(T.zeros(4, 3, 2), [0, 2, 1]),
    lambda T: T.nn.utils.rnn.pack_padded_sequence(T.zeros(4, 3, 2), [4, 2]),
    lambda T: T.nn.utils.rnn.pack_padded_sequence(T.zeros(4, 3, 2), [4, 2, 1], batch_first=True),
    lambda T: T.nn.utils.rnn.pack_padded_sequence(T.zeros(4, 3, 2), T.tensor([[4, 2, 1]])),
    lambda T: T.nn.utils.rnn.pack_padded_sequence(T.zeros(4, 3, 2), [4, 2, -1], enforce_sorted=False),
    lambda T: T.nn.utils.rnn.pack_padded_sequence(T.zeros(4, 0, 2), []),
    lambda T: T.nn.utils.rnn.pad_packed_sequence(T.nn.utils.rnn.pack_padded_sequence(T.zeros(4, 3, 2), [4, 2, 1]),
                                                  total_length=2),
    lambda T: T.nn.utils.rnn.pad_sequence([T.zeros(2, 3), T.zeros(1, 4)]),
    lambda T: T.nn.utils.rnn.pad_sequence([]),
    lambda T: T.nn.utils.rnn.pad_sequence([T.zeros(2, 3)], padding_side="middle"),
    lambda T: T.nn.utils.rnn.pad_sequence(3),
    lambda T: T.nn.utils.rnn.pack_sequence([T.zeros(2, 3), T.zeros(3, 3)]),
]


@pytest.mark.parametrize("call", BAD)
def test_bad_input_raises_like_torch(call):
    raises_like(call, match_message=True)


def test_float_lengths_are_truncated_like_torch():
    for T in (mt, torch):
        packed = T.nn.utils.rnn.pack_padded_sequence(T.zeros(4, 3, 2), T.tensor([4.7, 2.0, 1.2]))
        if T is mt:
            ours = packed.batch_sizes
    assert_close(ours, packed.batch_sizes)
