"""Samplers must yield torch's keys, in torch's order, for the same seed or generator,
and leave the global generator where torch leaves it."""
import numpy as np
import pytest
import torch
import torch.utils.data as tud
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import minitorch_compat as mt
import minitorch_compat.utils.data as mud
from test_data_common import outcome

SETTINGS = settings(deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow])


def run_both(make, seed, use_generator, passes=2):
    """Keys from ``passes`` passes over ``make(lib, generator)`` after seeding, plus the
    next global draw (to check how much of the global stream was consumed)."""
    results = []
    for lib in (mt, torch):
        lib.manual_seed(seed)
        g = None
        if use_generator:
            g = lib.Generator()
            g.manual_seed(seed + 1)
        sampler = make(lib, g)
        keys = [list(sampler) for _ in range(passes)]
        results.append((keys, lib.randint(0, 2**31 - 1, (2,)).tolist()))
    assert results[0] == results[1]
    return results[0][0]


@SETTINGS
@given(n=st.integers(1, 70), num_samples=st.one_of(st.none(), st.integers(1, 150)),
       replacement=st.booleans(), seed=st.integers(0, 2**32 - 1), use_generator=st.booleans())
def test_random_sampler(n, num_samples, replacement, seed, use_generator):
    keys = run_both(lambda lib, g: lib.utils.data.RandomSampler(
        range(n), replacement=replacement, num_samples=num_samples, generator=g), seed, use_generator)
    assert len(keys[0]) == (num_samples or n)


@SETTINGS
@given(indices=st.lists(st.integers(-5, 100), max_size=40), seed=st.integers(0, 2**32 - 1),
       use_generator=st.booleans())
def test_subset_random_sampler(indices, seed, use_generator):
    run_both(lambda lib, g: lib.utils.data.SubsetRandomSampler(indices, generator=g), seed, use_generator)


@SETTINGS
@given(n=st.integers(0, 50), batch_size=st.integers(1, 12), drop_last=st.booleans())
def test_batch_sampler(n, batch_size, drop_last):
    ours = mud.BatchSampler(mud.SequentialSampler(range(n)), batch_size, drop_last)
    theirs = tud.BatchSampler(tud.SequentialSampler(range(n)), batch_size, drop_last)
    assert list(ours) == list(theirs)
    assert len(ours) == len(theirs)


@SETTINGS
@given(n=st.integers(0, 40), replicas=st.integers(1, 5), data=st.data(), shuffle=st.booleans(),
       drop_last=st.booleans(), seed=st.integers(0, 2**31), epoch=st.integers(0, 3))
def test_distributed_sampler(n, replicas, data, shuffle, drop_last, seed, epoch):
    rank = data.draw(st.integers(0, replicas - 1))

    def keys(lib):
        s = lib.utils.data.DistributedSampler(range(n), num_replicas=replicas, rank=rank, shuffle=shuffle,
                                              seed=seed, drop_last=drop_last)
        s.set_epoch(epoch)
        return outcome(lambda: (list(s), len(s), s.total_size))

    assert keys(mt) == keys(torch)


@pytest.mark.parametrize("weights,num_samples,replacement", [
    ([0.1, 0.9, 0.4, 0.7, 3.0, 0.6], 5, True),
    ([0.9, 0.4, 0.05, 0.2, 0.3, 0.1], 5, False),
    ([1.0, 1.0], 20, True),
    (np.linspace(0.1, 2.0, 50), 50, False),
])
@pytest.mark.parametrize("use_generator", [False, True])
def test_weighted_random_sampler(weights, num_samples, replacement, use_generator):
    run_both(lambda lib, g: lib.utils.data.WeightedRandomSampler(weights, num_samples, replacement, generator=g),
             seed=7, use_generator=use_generator)


@pytest.mark.parametrize("make", [
    lambda u: u.RandomSampler(range(3), replacement=1),
    lambda u: u.RandomSampler(range(3), num_samples=0),
    lambda u: u.RandomSampler(range(3), num_samples=2.0),
    lambda u: u.RandomSampler([]),
    lambda u: u.WeightedRandomSampler([1.0], 0),
    lambda u: u.WeightedRandomSampler([1.0], True),
    lambda u: u.WeightedRandomSampler([1.0], 2, replacement=1),
    lambda u: u.WeightedRandomSampler([[1.0, 2.0]], 2),
    lambda u: u.BatchSampler(range(3), 0, False),
    lambda u: u.BatchSampler(range(3), 2.0, False),
    lambda u: u.BatchSampler(range(3), True, False),
    lambda u: u.BatchSampler(range(3), 2, 1),
    lambda u: u.DistributedSampler(range(3), num_replicas=2, rank=2),
    lambda u: u.DistributedSampler(range(3), num_replicas=2, rank=-1),
])
def test_sampler_argument_errors(make):
    ours, theirs = outcome(lambda: make(mud)), outcome(lambda: make(tud))
    assert ours[0] == theirs[0] == "raise"
    assert ours == theirs


def test_random_sampler_draws_its_seed_lazily():
    """Nothing is drawn at iter(); the seed is drawn at the first next()."""
    for lib in (mt, torch):
        lib.manual_seed(3)
        it = iter(lib.utils.data.RandomSampler(range(5)))
        before = lib.rand(1).item()
        lib.manual_seed(3)
        assert lib.rand(1).item() == before
        lib.manual_seed(3)
        it = iter(lib.utils.data.RandomSampler(range(5)))
        next(it)
        assert lib.rand(1).item() != before


def test_sequential_sampler_and_lengths():
    assert list(mud.SequentialSampler(range(4))) == [0, 1, 2, 3]
    assert len(mud.RandomSampler(range(4), replacement=True, num_samples=9)) == 9
    with pytest.raises(TypeError):
        len(mud.Sampler())
