"""What runs inside a DataLoader worker process, and what it can tell the dataset.

Protocol (torch's). Each worker owns an *index queue* and shares one *result queue*
with the others. The main process puts ``(task_idx, keys)`` on worker ``k``'s index
queue; the worker fetches and collates that batch and puts ``(task_idx, batch)`` on the
result queue. Special messages:

* ``None`` on the index queue: exit.
* ``_ResumeIteration()``: a new epoch with persistent workers; the worker rebuilds its
  fetcher (restarting an IterableDataset's iterator) and acknowledges.
* ``_IterableDatasetStopIteration(worker_id)`` on the result queue: this worker's copy of
  an IterableDataset is exhausted.
* An ``ExceptionWrapper`` instead of a batch: fetching failed; the main process
  re-raises it and can carry on with the next batch.

Seeding (bit-for-bit torch's, so augmentations draw the same numbers): worker ``i``
gets ``seed = base_seed + i`` for Python's ``random`` and for our global generator, and
NumPy's legacy global RNG is seeded with four 32-bit words hashed from
``[i, base_seed & 0xffffffff, base_seed >> 32, 0]``. torch's ``_generate_state`` is a
transcription of NumPy's ``SeedSequence`` for a 4-word pool; we simply ask NumPy's
``SeedSequence`` for the same four words (checked equal to torch's).

Where we differ on purpose: a batch that cannot be pickled (or an exception whose type
cannot) reaches the main process as an error for that batch; torch's queue thread would
print a traceback and drop it, leaving the loader waiting.
"""
import multiprocessing.queues
import os
import queue
import random
from dataclasses import dataclass

import numpy as np

import minitorch_compat as torch

from . import MP_STATUS_CHECK_INTERVAL
from .exception_wrapper import ExceptionWrapper
from .fetch import _DatasetKind

__all__ = ["WorkerInfo", "get_worker_info"]


@dataclass(frozen=True, slots=True)
class WorkerInfo:
    """What a worker knows about itself: ``id`` (0 .. num_workers - 1),
    ``num_workers``, ``seed`` (``base_seed + id``) and ``dataset`` (this worker's copy)."""

    id: int
    num_workers: int
    seed: int
    dataset: object
    rng: object = None
    worker_method: str = "multiprocessing"


_worker_info = None
_worker_id = None  # kept after _worker_info is cleared, for late pickling errors


def get_worker_info():
    """The current worker's ``WorkerInfo`` inside a DataLoader worker, None elsewhere.

    Use it in ``IterableDataset.__iter__`` or ``worker_init_fn`` to give each worker its
    own shard, or its ``seed`` to seed other libraries.
    """
    return _worker_info


@dataclass(frozen=True)
class _IterableDatasetStopIteration:
    worker_id: int


@dataclass(frozen=True)
class _ResumeIteration:
    seed: object = None


def _generate_state(base_seed, worker_id):
    """The 4 uint32 words that seed NumPy's legacy RNG in worker ``worker_id``."""
    entropy = [worker_id, base_seed & 0xFFFFFFFF, base_seed >> 32, 0]
    return np.random.SeedSequence(entropy).generate_state(4, np.uint32).tolist()


class ManagerWatchdog:
    """Notices when the process that started this worker has gone away (the worker is
    then re-parented), so an orphaned worker stops instead of waiting forever."""

    def __init__(self):
        self.manager_pid = os.getppid()
        self.manager_dead = False

    def is_alive(self):
        if not self.manager_dead:
            self.manager_dead = os.getppid() != self.manager_pid
        return not self.manager_dead


class _ResultQueue(multiprocessing.queues.Queue):
    """The shared result queue. Pickling happens in the queue's background thread; if it
    fails, ``_on_queue_feeder_error`` (the hook ``concurrent.futures`` also uses) sends an
    ExceptionWrapper for that task instead, so the main process gets an error, not a
    missing batch."""

    def _on_queue_feeder_error(self, e, obj):
        if not (isinstance(obj, tuple) and len(obj) == 2):
            return super()._on_queue_feeder_error(e, obj)
        where = f"in DataLoader worker process {_worker_id}"
        wrapper = ExceptionWrapper((type(e), e, e.__traceback__), where=where)
        if isinstance(obj[1], ExceptionWrapper):
            # The exception itself would not pickle (a class defined in a function, say):
            # keep its text, send it as a RuntimeError.
            wrapper = obj[1]
            wrapper.exc_type = RuntimeError
        self.put((obj[0], wrapper))


def _worker_loop(dataset_kind, dataset, index_queue, data_queue, done_event, auto_collation,
                 collate_fn, drop_last, base_seed, init_fn, worker_id, num_workers, persistent_workers):
    """Body of worker process ``worker_id``: seed, run ``init_fn``, serve batches."""
    global _worker_info, _worker_id
    _worker_id = worker_id
    try:
        seed = base_seed + worker_id
        random.seed(seed)
        torch.manual_seed(seed)
        np.random.seed(_generate_state(base_seed, worker_id))
        _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed, dataset=dataset)

        # A failing init_fn (or dataset iterator) is reported as the result of this
        # worker's first task rather than killing the worker.
        init_exception = None
        try:
            if init_fn is not None:
                init_fn(worker_id)
            fetcher = _DatasetKind.create_fetcher(dataset_kind, dataset, auto_collation, collate_fn, drop_last)
        except Exception:
            init_exception = ExceptionWrapper(where=f"in DataLoader worker process {worker_id}")

        # Once this worker's stream is exhausted (or shutdown began) it answers nothing
        # more, but keeps reading until it receives None.
        iteration_end = False
        watchdog = ManagerWatchdog()
        while watchdog.is_alive():
            try:
                r = index_queue.get(timeout=MP_STATUS_CHECK_INTERVAL)
            except queue.Empty:
                continue
            if isinstance(r, _ResumeIteration):
                data_queue.put((r, None))
                iteration_end = False
                fetcher = _DatasetKind.create_fetcher(dataset_kind, dataset, auto_collation, collate_fn, drop_last)
                continue
            if r is None:
                break
            if done_event.is_set() or iteration_end:
                continue
            idx, index = r
            if init_exception is not None:
                data, init_exception = init_exception, None
            else:
                try:
                    data = fetcher.fetch(index)
                except Exception as e:
                    if isinstance(e, StopIteration) and dataset_kind == _DatasetKind.Iterable:
                        data = _IterableDatasetStopIteration(worker_id)
                        iteration_end = True
                    else:
                        data = ExceptionWrapper(where=f"in DataLoader worker process {worker_id}")
            data_queue.put((idx, data))
            del data, idx, index, r  # do not hold the last batch while waiting
    except KeyboardInterrupt:
        pass  # the main process got the same Ctrl-C and reports it
    finally:
        _worker_info = None
    if done_event.is_set():
        # The main process reads no more: exit without flushing unread results.
        data_queue.cancel_join_thread()
        data_queue.close()
