"""DataLoader with worker processes: the same batches, order and per-worker random
streams as torch, and torch's behaviour when workers fail, hang or are abandoned.

Kept few and small (each loader forks real processes). Waits are bounded: hangs are
provoked with events that the test itself releases, never with racing sleeps.
"""
import gc
import multiprocessing
import os
import random
import re
import warnings

import numpy as np
import pytest
import torch

import minitorch_compat as mt
from helpers import assert_same_structure
import minitorch_compat.utils.data as mud


pytestmark = pytest.mark.filterwarnings("ignore:This DataLoader will create:UserWarning")


class Probe:
    """Each sample reports who loaded it and the first draws of every global RNG there."""

    def __init__(self, lib, n=11):
        self.lib, self.n = lib, n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        info = self.lib.utils.data.get_worker_info()
        wid, seed = (-1, -1) if info is None else (info.id, info.seed)
        return i, wid, seed, random.random(), np.random.rand(), self.lib.rand(1)


def run_epochs(lib, dataset, n_epochs=2, seed=123, **kwargs):
    lib.manual_seed(seed)
    random.seed(seed)
    np.random.seed(seed)
    loader = lib.utils.data.DataLoader(dataset, **kwargs)
    out = [list(loader) for _ in range(n_epochs)]
    del loader
    return out, lib.rand(1)


@pytest.mark.parametrize("num_workers", [0, 1, 2, 3])
def test_worker_seeds_and_order_match_torch(num_workers):
    kwargs = dict(batch_size=2, shuffle=True, num_workers=num_workers)
    assert_same_structure(run_epochs(mt, Probe(mt), **kwargs), run_epochs(torch, Probe(torch), **kwargs))


def test_persistent_workers_prefetch_and_generator_match_torch():
    def kwargs(lib):
        return dict(batch_size=3, shuffle=True, num_workers=2, persistent_workers=True, prefetch_factor=1,
                    generator=lib.Generator().manual_seed(99))

    assert_same_structure(run_epochs(mt, Probe(mt), n_epochs=3, **kwargs(mt)),
                run_epochs(torch, Probe(torch), n_epochs=3, **kwargs(torch)))


def test_worker_init_fn_and_tensor_dataset_match_torch():
    def init(worker_id):
        random.seed(1000 + worker_id)

    x = np.random.default_rng(0).standard_normal((13, 4)).astype(np.float32)

    def make(lib):
        return lib.utils.data.StackDataset(lib.utils.data.TensorDataset(lib.tensor(x)), Probe(lib, 13))

    kwargs = dict(batch_size=4, num_workers=2, worker_init_fn=init, drop_last=True)
    assert_same_structure(run_epochs(mt, make(mt), **kwargs), run_epochs(torch, make(torch), **kwargs))


def test_out_of_order_yields_the_same_batches():
    """in_order=False: which worker serves which batch depends on timing (in torch too),
    so only the batches themselves are compared."""
    def batches(lib):
        (epoch,), _ = run_epochs(lib, list(range(11)), n_epochs=1, batch_size=2, shuffle=True, num_workers=2,
                                 in_order=False)
        return sorted(b.tolist() for b in epoch)

    assert batches(mt) == batches(torch)


def make_stream(lib, shard):
    class Stream(lib.utils.data.IterableDataset):
        def __iter__(self):
            info = lib.utils.data.get_worker_info()
            keys = range(10)
            if shard and info is not None:
                keys = keys[info.id::info.num_workers]
            return iter([(k, info.id if info else -1) for k in keys])
    return Stream()


@pytest.mark.parametrize("shard", [False, True])
def test_iterable_dataset_with_workers(shard):
    kwargs = dict(batch_size=3, num_workers=2)
    assert_same_structure(run_epochs(mt, make_stream(mt, shard), n_epochs=1, **kwargs),
                run_epochs(torch, make_stream(torch, shard), n_epochs=1, **kwargs))


class Failing:
    def __init__(self, lib):
        self.lib = lib

    def __len__(self):
        return 8

    def __getitem__(self, i):
        if i in (3, 6):
            raise KeyError("bad key %d" % i)
        if i == 4:
            raise ValueError("bad value")
        return i


def collect_with_errors(lib, **kwargs):
    """Iterate to the end, recording each batch or (error type, first line, last line)."""
    it = iter(lib.utils.data.DataLoader(Failing(lib), batch_size=2, **kwargs))
    out = []
    while True:
        try:
            out.append(next(it).tolist())
        except StopIteration:
            return out
        except Exception as e:  # noqa: BLE001
            lines = str(e).strip().splitlines()
            out.append((type(e).__name__, lines[0], lines[-1]))


@pytest.mark.parametrize("num_workers", [0, 2])
def test_worker_exception_is_reraised_and_iteration_continues(num_workers):
    ours = collect_with_errors(mt, num_workers=num_workers)
    theirs = collect_with_errors(torch, num_workers=num_workers)
    assert ours == theirs
    if num_workers:
        assert ours[1] == ("KeyError", "Caught KeyError in DataLoader worker process 1.", "KeyError: 'bad key 3'")


class Blocking:
    """Index 0 blocks until ``release`` is set (bounded, so nothing can hang for good)."""

    def __init__(self):
        self.release = multiprocessing.get_context("fork").Event()

    def __len__(self):
        return 4

    def __getitem__(self, i):
        if i == 0:
            self.release.wait(30)
        return i


@pytest.mark.parametrize("lib", [mt, torch], ids=["ours", "torch"])
def test_timeout(lib):
    ds = Blocking()
    it = iter(lib.utils.data.DataLoader(ds, num_workers=1, timeout=0.5))
    with pytest.raises(RuntimeError, match=r"^DataLoader timed out after 0.5 seconds$"):
        next(it)
    ds.release.set()
    workers = list(it._workers)
    del it
    gc.collect()
    for w in workers:
        w.join(10)
        assert not w.is_alive()


class Dying:
    def __len__(self):
        return 8

    def __getitem__(self, i):
        if i == 3:
            os._exit(1)
        return i


@pytest.mark.parametrize("lib", [mt, torch], ids=["ours", "torch"])
def test_dead_worker_raises_instead_of_hanging(lib):
    it = iter(lib.utils.data.DataLoader(Dying(), num_workers=2))
    with pytest.raises(RuntimeError, match=r"^DataLoader worker \(pid\(s\) \d+\) exited unexpectedly$"):
        for _ in it:
            pass
    del it


def test_no_orphans_after_early_break_or_garbage_collection():
    loader = mud.DataLoader(Probe(mt, 40), batch_size=2, num_workers=2)
    it = iter(loader)
    for step, _ in enumerate(it):
        if step == 1:
            break
    workers = list(it._workers)
    assert all(w.is_alive() for w in workers)
    del it
    gc.collect()
    assert not any(w.is_alive() for w in workers)

    persistent = mud.DataLoader(Probe(mt, 40), batch_size=2, num_workers=2, persistent_workers=True)
    next(iter(persistent))
    workers = list(persistent._iterator._workers)
    del persistent
    gc.collect()
    assert not any(w.is_alive() for w in workers)
    assert not [p for p in multiprocessing.active_children() if p in workers]


def test_unpicklable_batch_is_an_error_not_a_hang():
    """Where we improve on torch (whose queue thread drops such a batch and hangs)."""
    def collate(batch):
        return lambda: batch  # lambdas cannot be pickled

    it = iter(mud.DataLoader(list(range(4)), batch_size=2, num_workers=1, collate_fn=collate, timeout=20))
    with pytest.raises(Exception, match=r"Caught .* in DataLoader worker process 0"):
        next(it)
    del it


def test_worker_info_outside_workers_and_frozen():
    assert mud.get_worker_info() is None
    info = mud._utils.worker.WorkerInfo(id=0, num_workers=1, seed=3, dataset=None)
    with pytest.raises(Exception):
        info.id = 2
    assert re.match(r"WorkerInfo\(id=0, num_workers=1, seed=3", repr(info))


def test_generate_state_matches_torch():
    from torch.utils.data._utils.worker import _generate_state as theirs

    from minitorch_compat.utils.data._utils.worker import _generate_state as ours

    rng = random.Random(0)
    for _ in range(200):
        base, wid = rng.getrandbits(63), rng.randrange(16)
        assert ours(base, wid) == theirs(base, wid)
    assert ours(0, 0) == theirs(0, 0)


def test_warns_about_too_many_workers_like_torch():
    def warns(lib):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            lib.utils.data.DataLoader([1], num_workers=10_000)
        return [str(w.message) for w in caught]

    assert warns(mt) == warns(torch) != []
