"""The single-process DataLoader must give torch's batches, lengths, errors, warnings and
random-stream consumption, epoch after epoch."""
import collections
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
from test_data_common import normalise, outcome

SETTINGS = settings(deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow])
Pair = collections.namedtuple("Pair", ["x", "y"])


def epochs(lib, make_dataset, seed, use_generator, n_epochs=2, between=None, **kwargs):
    """Batches of ``n_epochs`` epochs, after ``manual_seed(seed)``; ``between(lib)`` runs
    between epochs (e.g. a validation loader). Ends with one global draw."""
    lib.manual_seed(seed)
    if use_generator:
        kwargs["generator"] = lib.Generator().manual_seed(seed ^ 0x5EED)
    loader = lib.utils.data.DataLoader(make_dataset(lib), **kwargs)
    out = []
    for _ in range(n_epochs):
        out.append(list(loader))
        if between is not None:
            between(lib)
    return out, len(loader), lib.rand(2)


def assert_epochs_alike(make_dataset, seed=0, use_generator=False, **kwargs):
    ours = epochs(mt, make_dataset, seed, use_generator, **kwargs)
    theirs = epochs(torch, make_dataset, seed, use_generator, **kwargs)
    assert_same_structure(ours, theirs)
    return ours


def tensor_dataset(n, dtype, seed):
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal((n, 2, 3)) * 10).astype(dtype)
    y = rng.integers(0, 100, n)
    return lambda lib: lib.utils.data.TensorDataset(lib.tensor(x), lib.tensor(y))


@SETTINGS
@given(n=st.integers(1, 40), batch_size=st.one_of(st.none(), st.integers(1, 9)), drop_last=st.booleans(),
       shuffle=st.booleans(), seed=st.integers(0, 2**63 - 1), use_generator=st.booleans(),
       dtype=st.sampled_from([np.float32, np.float64, np.int32, np.uint8, np.bool_]))
def test_tensor_dataset_batches_match(n, batch_size, drop_last, shuffle, seed, use_generator, dtype):
    assert_epochs_alike(tensor_dataset(n, dtype, seed % 1000), seed, use_generator,
                        batch_size=batch_size, drop_last=drop_last and batch_size is not None, shuffle=shuffle)


class PythonSamples:
    """A per-sample Python dataset returning mixed containers (no __getitems__)."""

    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return {"i": i, "x": np.full(2, i, dtype=np.float32), "pair": Pair(float(i) / 3, [i % 2 == 0, str(i)])}


@SETTINGS
@given(n=st.integers(1, 30), batch_size=st.one_of(st.none(), st.integers(1, 7)), drop_last=st.booleans(),
       shuffle=st.booleans(), seed=st.integers(0, 2**32), use_generator=st.booleans())
def test_python_dataset_batches_match(n, batch_size, drop_last, shuffle, seed, use_generator):
    assert_epochs_alike(lambda lib: PythonSamples(n), seed, use_generator, batch_size=batch_size,
                        drop_last=drop_last and batch_size is not None, shuffle=shuffle)


def test_list_dataset_and_validation_loader_between_epochs():
    """A second loader iterated between epochs consumes the global stream (its
    base_seed) and therefore changes the next shuffle -- in torch and here alike."""
    def validate(lib):
        list(lib.utils.data.DataLoader(list(range(5)), batch_size=2))

    ours = assert_epochs_alike(lambda lib: list(range(23)), seed=11, n_epochs=3, between=validate,
                               batch_size=4, shuffle=True)
    plain = epochs(mt, lambda lib: list(range(23)), 11, False, n_epochs=3, batch_size=4, shuffle=True)
    assert [[b.tolist() for b in e] for e in ours[0]] != [[b.tolist() for b in e] for e in plain[0]]


@pytest.mark.parametrize("kwargs", [
    dict(sampler=mud.SequentialSampler(range(7)), batch_size=3),
    dict(batch_size=3, shuffle=True, drop_last=True),
    dict(batch_size=None, shuffle=True),
])
def test_sampler_variants(kwargs):
    def make(lib):
        return list(range(7))
    kw = lambda lib: {k: (lib.utils.data.SequentialSampler(range(7)) if k == "sampler" else v) for k, v in kwargs.items()}
    ours = epochs(mt, make, 5, False, **kw(mt))
    theirs = epochs(torch, make, 5, False, **kw(torch))
    assert_same_structure(ours, theirs)


def test_custom_batch_sampler_and_weighted_sampler():
    def run(lib):
        lib.manual_seed(1)
        u = lib.utils.data
        a = list(u.DataLoader(list(range(10)), batch_sampler=[[3, 1], [0, 9, 9]]))
        b = list(u.DataLoader(list(range(10)), batch_size=4,
                              sampler=u.WeightedRandomSampler([1.0] * 10, 10, generator=lib.Generator().manual_seed(2))))
        return a, b

    assert_same_structure(run(mt), run(torch))


def pad_collate(batch):
    """A typical padding collate_fn for variable-length sequences."""
    lib = mt if isinstance(batch[0][0], mt.Tensor) else torch
    seqs, labels = zip(*batch)
    longest = max(len(s) for s in seqs)
    out = lib.zeros(len(seqs), longest, dtype=lib.int64)
    for i, s in enumerate(seqs):
        out[i, :len(s)] = s
    return out, lib.tensor([len(s) for s in seqs]), lib.tensor(labels)


def test_padding_collate_fn():
    class Ragged:
        def __init__(self, lib):
            self.lib = lib

        def __len__(self):
            return 9

        def __getitem__(self, i):
            return self.lib.arange(i % 4 + 1), i

    assert_epochs_alike(lambda lib: Ragged(lib), seed=4, batch_size=4, shuffle=True, collate_fn=pad_collate)
    # Without it, default_collate refuses ragged samples the way torch does.
    assert normalise(str(outcome(lambda: list(mud.DataLoader(Ragged(mt), batch_size=4))))) == \
        normalise(str(outcome(lambda: list(tud.DataLoader(Ragged(torch), batch_size=4)))))


class Stream(mud.IterableDataset):
    def __init__(self, n, lib):
        self.n, self.lib = n, lib

    def __iter__(self):
        return iter(self.lib.tensor([float(i)]) for i in range(self.n))

    def __len__(self):
        return self.n


class TorchStream(tud.IterableDataset):
    def __init__(self, n, lib):
        self.n, self.lib = n, lib

    def __iter__(self):
        return iter(self.lib.tensor([float(i)]) for i in range(self.n))

    def __len__(self):
        return self.n


@pytest.mark.parametrize("batch_size,drop_last", [(1, False), (3, False), (3, True), (None, False)])
def test_iterable_dataset(batch_size, drop_last):
    ours = epochs(mt, lambda lib: Stream(7, lib), 0, False, batch_size=batch_size, drop_last=drop_last)
    theirs = epochs(torch, lambda lib: TorchStream(7, lib), 0, False, batch_size=batch_size, drop_last=drop_last)
    assert_same_structure(ours, theirs)


def test_iterable_dataset_len_and_overrun_warning():
    def run(lib, base):
        class Sized(base):
            def __iter__(self):
                return iter(range(5))

            def __len__(self):
                return 3

        loader = lib.utils.data.DataLoader(Sized(), batch_size=2)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            n = len(loader)
            batches = [b.tolist() for b in loader]
        return n, batches, [normalise(str(w.message)) for w in caught]

    ours, theirs = run(mt, mud.IterableDataset), run(torch, tud.IterableDataset)
    assert ours[:2] == theirs[:2]
    assert [m.split(" was reported")[1] for m in ours[2]] == [m.split(" was reported")[1] for m in theirs[2]]


@SETTINGS
@given(n=st.integers(0, 30), batch_size=st.integers(1, 8), drop_last=st.booleans())
def test_len(n, batch_size, drop_last):
    ours = mud.DataLoader(list(range(n)), batch_size=batch_size, drop_last=drop_last)
    theirs = tud.DataLoader(list(range(n)), batch_size=batch_size, drop_last=drop_last)
    assert len(ours) == len(theirs)
    assert len(iter(ours)) == len(iter(theirs))


def no_len_stream(lib):
    class NoLen(lib.utils.data.IterableDataset):
        def __iter__(self):
            return iter([])
    return NoLen()


def _validation_cases():
    ds = list(range(4))
    return [
        dict(dataset=ds, num_workers=-1),
        dict(dataset=ds, timeout=-1),
        dict(dataset=ds, prefetch_factor=2),
        dict(dataset=ds, num_workers=1, prefetch_factor=-1),
        dict(dataset=ds, persistent_workers=True),
        dict(dataset="iterable", shuffle=True),
        dict(dataset="iterable", shuffle=0),
        dict(dataset="iterable", sampler=[0, 1]),
        dict(dataset="iterable", batch_sampler=[[0, 1]]),
        dict(dataset="iterable", shuffle=True, num_workers=-1),
        dict(dataset=ds, sampler=[0, 1], shuffle=True),
        dict(dataset=ds, batch_sampler=[[0]], batch_size=2),
        dict(dataset=ds, batch_sampler=[[0]], shuffle=True),
        dict(dataset=ds, batch_sampler=[[0]], sampler=[0]),
        dict(dataset=ds, batch_sampler=[[0]], drop_last=True),
        dict(dataset=ds, batch_size=None, drop_last=True),
        dict(dataset=ds, batch_size=0),
        dict(dataset=ds, batch_size=2.0),
        dict(dataset=ds, batch_size=True),
        dict(dataset=ds, drop_last=1),
        dict(dataset=[], shuffle=True),
        dict(dataset=ds, multiprocessing_context="fork"),
        dict(dataset=ds, num_workers=1, multiprocessing_context="bogus"),
        dict(dataset=ds, num_workers=1, multiprocessing_context=5),
        dict(dataset=ds, num_workers=1, multiprocessing_context="bogus", batch_size=0),
    ]


@pytest.mark.parametrize("case", _validation_cases(), ids=lambda c: ",".join(f"{k}={v!r}" for k, v in c.items() if k != "dataset"))
def test_constructor_validation(case):
    def build(lib):
        kwargs = dict(case)
        if kwargs["dataset"] == "iterable":
            kwargs["dataset"] = no_len_stream(lib)
        return outcome(lambda: lib.utils.data.DataLoader(**kwargs) and None)

    ours, theirs = build(mt), build(torch)
    assert ours == theirs
    assert theirs[0] == "raise"


def test_timeout_without_workers_fails_at_iter_like_torch():
    assert outcome(lambda: iter(mud.DataLoader([1], timeout=1))) == outcome(lambda: iter(tud.DataLoader([1], timeout=1)))


@pytest.mark.parametrize("attr", ["batch_size", "batch_sampler", "sampler", "drop_last", "dataset", "persistent_workers"])
def test_attributes_frozen_after_init(attr):
    def assign(lib):
        loader = lib.utils.data.DataLoader(list(range(3)))
        return outcome(lambda: setattr(loader, attr, None))

    assert assign(mt) == assign(torch)
    loader = mud.DataLoader(list(range(3)))
    loader.num_workers = 0  # not frozen
    loader.collate_fn = mud.default_collate


def test_defaults_and_attributes():
    ours, theirs = mud.DataLoader(list(range(3))), tud.DataLoader(list(range(3)))
    for name in ["batch_size", "drop_last", "num_workers", "pin_memory", "timeout", "prefetch_factor",
                 "persistent_workers", "pin_memory_device", "in_order", "worker_init_fn", "multiprocessing_context",
                 "generator"]:
        assert getattr(ours, name) == getattr(theirs, name), name
    assert type(ours.sampler).__name__ == type(theirs.sampler).__name__
    assert ours.collate_fn is mud.default_collate
    assert mud.DataLoader([1], batch_size=None).collate_fn is mud.default_convert
    assert mud.DataLoader([1], num_workers=2).prefetch_factor == 2


def test_pin_memory_warns_like_torch_on_cpu():
    def warnings_of(lib, **kwargs):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            batches = list(lib.utils.data.DataLoader(list(range(3)), batch_size=2, **kwargs))
        return [str(w.message) for w in caught], [b.tolist() for b in batches]

    if torch.accelerator.is_available():
        pytest.skip("torch sees an accelerator here; its warning differs")
    for kwargs in [dict(pin_memory=True), dict(pin_memory=True, pin_memory_device="cuda")]:
        assert warnings_of(mt, **kwargs) == warnings_of(torch, **kwargs)


def test_fast_path_falls_back_for_out_of_range_keys():
    ds = mud.TensorDataset(mt.arange(4))
    with pytest.raises(IndexError):
        list(mud.DataLoader(ds, batch_sampler=[[0, 7]]))
    assert [b[0].tolist() for b in mud.DataLoader(ds, batch_sampler=[[3, -1, 0]])] == [[3, 3, 0]]
