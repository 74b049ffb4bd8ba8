"""Dataset helpers (TensorDataset, Subset, ConcatDataset, ChainDataset, StackDataset,
random_split) must behave like torch's, batched reads included."""
import warnings

import numpy as np
import pytest
import torch
import torch.utils.data as tud
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import minitorch_compat as mt
from helpers import assert_same_structure
import minitorch_compat.utils.data as mud
from test_data_common import outcome

SETTINGS = settings(deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow])


def tensor_datasets(n, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 3)).astype(np.float32)
    y = rng.integers(0, 10, n)
    return (mud.TensorDataset(mt.tensor(x), mt.tensor(y)),
            tud.TensorDataset(torch.tensor(x), torch.tensor(y)))


def test_tensor_dataset_items_and_errors():
    ours, theirs = tensor_datasets(5)
    assert len(ours) == len(theirs) == 5
    for i in (0, 4, -1):
        assert_same_structure(ours[i], theirs[i])
    assert_same_structure(ours.__getitems__([3, 0, 3]), [theirs[3], theirs[0], theirs[3]])
    assert outcome(lambda: mud.TensorDataset(mt.zeros(2), mt.zeros(3))) == \
        outcome(lambda: tud.TensorDataset(torch.zeros(2), torch.zeros(3)))


def test_tensor_dataset_subclass_keeps_its_getitem():
    """A subclass overriding __getitem__ (a transform) must see every sample, as in torch."""
    class Doubled(mud.TensorDataset):
        def __getitem__(self, i):
            x, = super().__getitem__(i)
            return (x * 2,)

    ds = Doubled(mt.arange(6))
    batch, = next(iter(mud.DataLoader(ds, batch_size=4)))
    assert batch.tolist() == [0, 2, 4, 6]


def test_subset_and_subclass_rule():
    ours, theirs = tensor_datasets(8)
    idx = [5, 1, 7, 7]
    s_ours, s_theirs = mud.Subset(ours, idx), tud.Subset(theirs, idx)
    assert len(s_ours) == 4
    assert_same_structure(s_ours[2], s_theirs[2])
    assert_same_structure(s_ours.__getitems__([0, 3]), s_theirs.__getitems__([0, 3]))
    assert_same_structure(list(mud.DataLoader(s_ours, batch_size=3)), list(tud.DataLoader(s_theirs, batch_size=3)))

    def make(u):
        class Bad(u.Subset):
            def __getitem__(self, i):
                return 0
        return Bad(range(3), [0])
    assert outcome(lambda: make(mud)) == outcome(lambda: make(tud))


@SETTINGS
@given(sizes=st.lists(st.integers(0, 5), min_size=1, max_size=4), data=st.data())
def test_concat_dataset(sizes, data):
    parts = [list(range(100 * k, 100 * k + n)) for k, n in enumerate(sizes)]
    ours, theirs = mud.ConcatDataset(parts), tud.ConcatDataset(parts)
    assert ours.cumulative_sizes == theirs.cumulative_sizes
    total = sum(sizes)
    i = data.draw(st.integers(-total - 2, total + 1))
    assert outcome(lambda: ours[i]) == outcome(lambda: theirs[i])


def test_dataset_addition_and_concat_errors():
    class Ds(mud.Dataset):
        def __len__(self):
            return 2

        def __getitem__(self, i):
            return i

    both = Ds() + Ds()
    assert isinstance(both, mud.ConcatDataset) and [both[i] for i in range(4)] == [0, 1, 0, 1]
    assert outcome(lambda: mud.ConcatDataset([])) == outcome(lambda: tud.ConcatDataset([]))

    class It(mud.IterableDataset):
        def __iter__(self):
            return iter([1, 2])

        def __len__(self):
            return 2

    assert outcome(lambda: mud.ConcatDataset([It()]))[:2] == ("raise", "AssertionError")
    chained = It() + It()
    assert isinstance(chained, mud.ChainDataset) and list(chained) == [1, 2, 1, 2] and len(chained) == 4
    with pytest.raises(AssertionError, match="ChainDataset only supports IterableDataset"):
        list(mud.ChainDataset([It(), [1]]))
    with pytest.warns(FutureWarning):
        assert both.cummulative_sizes == [2, 4]


def test_stack_dataset():
    ours, theirs = tensor_datasets(6)
    extra = list(range(10, 16))
    for args, kwargs in [((ours, extra), {}), ((), {"a": ours, "b": extra})]:
        t_args = tuple(theirs if a is ours else a for a in args)
        t_kwargs = {k: theirs if v is ours else v for k, v in kwargs.items()}
        s_ours, s_theirs = mud.StackDataset(*args, **kwargs), tud.StackDataset(*t_args, **t_kwargs)
        assert len(s_ours) == len(s_theirs) == 6
        assert_same_structure(s_ours[4], s_theirs[4])
        assert_same_structure(s_ours.__getitems__([1, 5]), s_theirs.__getitems__([1, 5]))
        assert_same_structure(list(mud.DataLoader(s_ours, batch_size=4)), list(tud.DataLoader(s_theirs, batch_size=4)))
    for args, kwargs in [((), {}), ((extra,), {"a": extra}), ((extra, [1]), {})]:
        assert outcome(lambda: mud.StackDataset(*args, **kwargs)) == outcome(lambda: tud.StackDataset(*args, **kwargs))


@SETTINGS
@given(n=st.integers(0, 30), fractions=st.booleans(), k=st.integers(1, 4), seed=st.integers(0, 2**32 - 1),
       use_generator=st.booleans(), data=st.data())
def test_random_split(n, fractions, k, seed, use_generator, data):
    if fractions:
        cuts = sorted(data.draw(st.lists(st.integers(0, 100), min_size=k - 1, max_size=k - 1)))
        lengths = [(b - a) / 100 for a, b in zip([0] + cuts, cuts + [100])]
    else:
        lengths = data.draw(st.lists(st.integers(0, n), min_size=k, max_size=k))

    def split(lib):
        lib.manual_seed(seed)
        g = lib.Generator().manual_seed(seed + 1) if use_generator else None
        kwargs = {"generator": g} if use_generator else {}
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = outcome(lambda: [s.indices for s in lib.utils.data.random_split(range(n), lengths, **kwargs)])
        return result, [str(w.message) for w in caught], lib.randint(0, 1000, (1,)).item()

    assert split(mt) == split(torch)
