"""DataLoader: an iterable over batches of a dataset, optionally loaded by worker processes.

What torch does, and so do we:

* The constructor validates its arguments in torch's order with torch's messages, picks
  a sampler (RandomSampler if ``shuffle`` else SequentialSampler; an endless dummy for an
  IterableDataset), wraps it in a BatchSampler unless ``batch_size=None``, and picks
  ``default_collate`` (batching) or ``default_convert`` (no batching). After that the
  attributes that define the batches (``dataset``, ``batch_size``, ``sampler``,
  ``batch_sampler``, ``drop_last``, ``persistent_workers``) cannot be reassigned.
* Every ``iter(loader)`` builds an iterator that first draws a 63-bit ``base_seed``
  from ``generator`` (the global generator by default) -- every epoch, even with no
  workers and no shuffling -- and only then, at the first ``next()``, lets the sampler
  draw. This order is why a second loader iterated between epochs changes the shuffle
  of the first, in torch and here alike.
* With ``num_workers > 0`` batch ``k`` is sent to worker ``k % num_workers`` (with
  ``in_order=False``, to the next worker with room), ``prefetch_factor`` batches per
  worker are kept in flight, and results are yielded in batch order unless
  ``in_order=False``. See ``_utils/worker.py`` for the worker's side.

Where we differ on purpose:

* No accelerator: ``pin_memory=True`` only warns, as torch does on a CPU-only machine.
* A dead worker is noticed at once (the main process waits on the result queue *and*
  on every live worker's process sentinel), without torch's SIGCHLD handler or its
  five-second polling; the error is torch's "DataLoader worker (pid(s) ...) exited
  unexpectedly".
* Batches travel through the result queue pickled, not through shared memory.
* DataPipes and ``torch.distributed`` are not supported.
"""
import itertools
import math
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import warnings
from typing import Generic, TypeVar

import minitorch_compat as torch

from . import _utils
from ._utils.collate import default_collate, default_convert
from ._utils.fetch import _DatasetKind
from ._utils.worker import _IterableDatasetStopIteration, _ResultQueue, _ResumeIteration, get_worker_info
from .dataset import IterableDataset
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler

__all__ = ["DataLoader", "get_worker_info", "default_collate", "default_convert"]

_T_co = TypeVar("_T_co", covariant=True)


class _InfiniteConstantSampler(Sampler):
    """``None`` forever: the 'keys' for an IterableDataset, whose fetcher ignores them.
    Endless on purpose -- a worker's stream ends when its dataset copy is exhausted."""

    def __iter__(self):
        while True:
            yield None


def _default_context():
    """torch's default start method: the platform's, which is 'fork' on Linux (we keep
    'fork' there even on Pythons whose default moved on, unless the user chose)."""
    if multiprocessing.get_start_method(allow_none=True) is None and sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


class DataLoader(Generic[_T_co]):
    """Combines a dataset and a sampler into an iterable over batches.

    Args:
        dataset (Dataset): map-style or iterable-style dataset to load from.
        batch_size (int, optional): samples per batch (default 1); None disables
            auto-batching (each sample is passed through ``default_convert``).
        shuffle (bool, optional): reshuffle every epoch (map-style datasets only).
        sampler (Sampler or Iterable, optional): the keys to load; excludes ``shuffle``.
        batch_sampler (Sampler or Iterable, optional): yields lists of keys; excludes
            ``batch_size``, ``shuffle``, ``sampler`` and ``drop_last``.
        num_workers (int): worker processes; 0 loads in the main process (default).
        collate_fn (Callable, optional): merges a list of samples into a batch.
        pin_memory (bool): accepted; warns that no accelerator is available.
        drop_last (bool): drop the last incomplete batch (default False).
        timeout (float): seconds to wait for a batch from the workers; 0 waits forever.
        worker_init_fn (Callable, optional): called with the worker id in each worker,
            after seeding and before loading.
        multiprocessing_context (str or context, optional): start method for workers.
        generator (Generator, optional): draws ``base_seed`` and, through the default
            RandomSampler, the shuffle.
        prefetch_factor (int, optional): batches in flight per worker (default 2 with
            workers; must be None without).
        persistent_workers (bool): keep the workers (and their dataset copies) alive
            across epochs.
        pin_memory_device (str): deprecated in torch; warns when set with pin_memory.
        in_order (bool): yield batches in order (default True) or as they arrive.

    Example::

        >>> ds = TensorDataset(torch.arange(10.).view(5, 2), torch.arange(5))
        >>> for x, y in DataLoader(ds, batch_size=2, shuffle=True):
        ...     pass
    """

    __initialized = False

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None,
                 num_workers=0, collate_fn=None, pin_memory=False, drop_last=False, timeout=0,
                 worker_init_fn=None, multiprocessing_context=None, generator=None, *,
                 prefetch_factor=None, persistent_workers=False, pin_memory_device="", in_order=True):
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; "
                             "use num_workers=0 to disable multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError(
                "prefetch_factor option could only be specified in multiprocessing."
                "let num_workers > 0 to enable multiprocessing, otherwise set prefetch_factor to None.")
        elif num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        elif prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")

        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context  # validated by the setter
        self.in_order = in_order

        # Dataset-kind errors come before sampler errors, as in torch: a user with an
        # IterableDataset should learn first that samplers do not apply at all.
        if isinstance(dataset, IterableDataset):
            self._dataset_kind = _DatasetKind.Iterable
            if shuffle not in {False, None}:
                raise ValueError(
                    f"DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle={shuffle}")
            if sampler is not None:
                raise ValueError(
                    f"DataLoader with IterableDataset: expected unspecified sampler option, but got sampler={sampler}")
            if batch_sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified "
                                 f"batch_sampler option, but got batch_sampler={batch_sampler}")
        else:
            shuffle = bool(shuffle)
            self._dataset_kind = _DatasetKind.Map

        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive "
                                 "with batch_size, shuffle, sampler, and drop_last")
            batch_size = None
            drop_last = False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching "
                             "and is mutually exclusive with drop_last")

        if sampler is None:
            if self._dataset_kind == _DatasetKind.Iterable:
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)

        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self.persistent_workers = persistent_workers

        self.__initialized = True
        self._IterableDataset_len_called = None  # len(dataset) as seen by len(loader)
        self._iterator = None
        self.check_worker_number_rationality()

    def _get_iterator(self):
        if self.num_workers == 0:
            return _SingleProcessDataLoaderIter(self)
        self.check_worker_number_rationality()
        return _MultiProcessingDataLoaderIter(self)

    @property
    def multiprocessing_context(self):
        return self.__multiprocessing_context

    @multiprocessing_context.setter
    def multiprocessing_context(self, multiprocessing_context):
        if multiprocessing_context is not None:
            if self.num_workers <= 0:
                raise ValueError("multiprocessing_context can only be used with "
                                 "multi-process loading (num_workers > 0), but got "
                                 f"num_workers={self.num_workers}")
            if isinstance(multiprocessing_context, str):
                valid = multiprocessing.get_all_start_methods()
                if multiprocessing_context not in valid:
                    raise ValueError(
                        "multiprocessing_context option "
                        f"should specify a valid start method in {valid!r}, but got "
                        f"multiprocessing_context={multiprocessing_context!r}")
                multiprocessing_context = multiprocessing.get_context(multiprocessing_context)
            if not isinstance(multiprocessing_context, multiprocessing.context.BaseContext):
                raise TypeError("multiprocessing_context option should be a valid context "
                                "object or a string specifying the start method, but got "
                                f"multiprocessing_context={multiprocessing_context}")
        self.__multiprocessing_context = multiprocessing_context

    def __setattr__(self, attr, val):
        if self.__initialized and attr in (
                "batch_size", "batch_sampler", "sampler", "drop_last", "dataset", "persistent_workers"):
            raise ValueError(f"{attr} attribute should not be set after {self.__class__.__name__} is initialized")
        super().__setattr__(attr, val)

    def __iter__(self):
        # Persistent workers: one iterator for the loader's life, reset each epoch so
        # the worker processes (and their dataset copies) survive.
        if self.persistent_workers and self.num_workers > 0:
            if self._iterator is None:
                self._iterator = self._get_iterator()
            else:
                self._iterator._reset(self)
            return self._iterator
        return self._get_iterator()

    @property
    def _auto_collation(self):
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        # What the iterator draws from: lists of keys when batching, single keys when not.
        return self.batch_sampler if self._auto_collation else self.sampler

    def __len__(self):
        if self._dataset_kind == _DatasetKind.Iterable:
            # Only an estimate from len(dataset): with several workers the real count
            # depends on how the dataset shards itself. Remembered so the iterator can
            # warn if more batches than this come out.
            length = self._IterableDataset_len_called = len(self.dataset)
            if self.batch_size is not None:
                length = length // self.batch_size if self.drop_last else math.ceil(length / self.batch_size)
            return length
        return len(self._index_sampler)

    def check_worker_number_rationality(self):
        """Warn (as torch does) when asking for more workers than usable CPUs."""
        if not self.num_workers:
            return
        cpuset_checked = hasattr(os, "sched_getaffinity")
        max_workers = len(os.sched_getaffinity(0)) if cpuset_checked else os.cpu_count()
        if max_workers is None or self.num_workers > max_workers:
            if max_workers is not None:
                suggestion = (f"Our suggested max number of worker in current system is {max_workers}"
                              f"{'' if cpuset_checked else ' (`cpuset` is not taken into account)'}, "
                              "which is smaller than what this DataLoader is going to create.")
            else:
                suggestion = "DataLoader is not able to compute a suggested max number of worker in current system."
            warnings.warn(
                f"This DataLoader will create {self.num_workers} worker processes in total. {suggestion} "
                "Please be aware that excessive worker creation might get DataLoader running slow or even freeze, "
                "lower the worker number to avoid potential slowness/freeze if necessary.", stacklevel=2)


class _BaseDataLoaderIter:
    """State shared by both iterators; draws ``base_seed`` for this epoch."""

    def __init__(self, loader):
        self._dataset = loader.dataset
        self._dataset_kind = loader._dataset_kind
        self._IterableDataset_len_called = loader._IterableDataset_len_called
        self._auto_collation = loader._auto_collation
        self._drop_last = loader.drop_last
        self._index_sampler = loader._index_sampler
        self._num_workers = loader.num_workers
        if loader.pin_memory and loader.pin_memory_device:
            warnings.warn("pin_memory_device is deprecated, the current accelerator will be used as the device,"
                          f"ignore pin_memory_device='{loader.pin_memory_device}'.", stacklevel=2)
        if loader.pin_memory:
            warnings.warn("'pin_memory' argument is set as true but no accelerator is found, "
                          "then device pinned memory won't be used.", stacklevel=2)
        self._pin_memory = False
        self._timeout = loader.timeout
        self._collate_fn = loader.collate_fn
        # iter() first, then the seed: a sampler whose __iter__ draws eagerly draws
        # before base_seed, one written as a generator (all of ours) after it.
        self._sampler_iter = iter(self._index_sampler)
        self._base_seed = torch.empty((), dtype=torch.int64).random_(generator=loader.generator).item()
        self._persistent_workers = loader.persistent_workers
        self._num_yielded = 0

    def __iter__(self):
        return self

    def _reset(self, loader, first_iter=False):
        self._sampler_iter = iter(self._index_sampler)
        self._num_yielded = 0
        self._IterableDataset_len_called = loader._IterableDataset_len_called

    def _next_index(self):
        return next(self._sampler_iter)  # StopIteration ends the epoch

    def _next_data(self):
        raise NotImplementedError

    def __next__(self):
        data = self._next_data()
        self._num_yielded += 1
        if self._IterableDataset_len_called is not None:  # set only by len() of an IterableDataset's loader
            self._check_iterable_length()
        return data

    def _check_iterable_length(self):
        """torch's warning when an IterableDataset yields more batches than ``len(loader)`` said."""
        if self._num_yielded > self._IterableDataset_len_called:
            msg = (f"Length of IterableDataset {self._dataset} was reported to be {self._IterableDataset_len_called}"
                   f"(when accessing len(dataloader)), but {self._num_yielded} samples have been fetched. ")
            if self._num_workers > 0:
                msg += ("For multiprocessing data-loading, this could be caused by not properly configuring the "
                        "IterableDataset replica at each worker. Please see "
                        "https://pytorch.org/docs/stable/data.html#torch.utils.data.IterableDataset for examples.")
            warnings.warn(msg, stacklevel=3)

    def __len__(self):
        return len(self._index_sampler)

    def __getstate__(self):
        raise NotImplementedError("{} cannot be pickled", self.__class__.__name__)


class _SingleProcessDataLoaderIter(_BaseDataLoaderIter):
    """Loads in the calling process: next keys, fetch, collate."""

    def __init__(self, loader):
        super().__init__(loader)
        if self._timeout != 0:
            raise AssertionError("_SingleProcessDataLoaderIter requires timeout == 0")
        self._dataset_fetcher = _DatasetKind.create_fetcher(
            self._dataset_kind, self._dataset, self._auto_collation, self._collate_fn, self._drop_last)

    def _next_data(self):
        index = self._next_index()
        return self._dataset_fetcher.fetch(index)  # an IterableDataset may end here too


class _MultiProcessingDataLoaderIter(_BaseDataLoaderIter):
    """Loads with worker processes.

    Bookkeeping (torch's): tasks are numbered in sending order. ``_send_idx`` is the next
    number to send, ``_rcvd_idx`` the next to yield. ``_task_info[i]`` is ``(worker,)``
    while task ``i`` is out and ``(worker, data)`` once it arrived early (out of order).
    ``_workers_status[w]`` turns False when worker ``w`` must get no more tasks (its
    IterableDataset copy is exhausted, or it is shutting down).
    """

    def __init__(self, loader):
        super().__init__(loader)
        self._prefetch_factor = loader.prefetch_factor
        self._in_order = loader.in_order
        if self._num_workers <= 0:
            raise AssertionError("num_workers must be greater than 0 for MultiProcessingDataLoaderIter")
        if self._prefetch_factor <= 0:
            raise AssertionError("prefetch_factor must be greater than 0 for MultiProcessingDataLoaderIter")
        ctx = loader.multiprocessing_context or _default_context()
        self._worker_init_fn = loader.worker_init_fn
        self._shutdown = False
        self._index_queues = []
        self._workers = []
        self._worker_result_queue = _ResultQueue(ctx=ctx)
        self._data_queue = self._worker_result_queue
        self._workers_done_event = ctx.Event()
        for i in range(self._num_workers):
            index_queue = ctx.Queue()
            # Our puts must not block interpreter exit if a worker died unread.
            index_queue.cancel_join_thread()
            w = ctx.Process(
                target=_utils.worker._worker_loop,
                args=(self._dataset_kind, self._dataset, index_queue, self._worker_result_queue,
                      self._workers_done_event, self._auto_collation, self._collate_fn, self._drop_last,
                      self._base_seed, self._worker_init_fn, i, self._num_workers, self._persistent_workers),
                daemon=True)  # terminated when the main process exits (the watchdog covers a killed one)
            w.start()
            self._index_queues.append(index_queue)
            self._workers.append(w)
        self._reset(loader, first_iter=True)

    def _reset(self, loader, first_iter=False):
        super()._reset(loader, first_iter)
        self._send_idx = 0
        self._rcvd_idx = 0
        self._task_info = {}
        self._tasks_outstanding = 0
        self._workers_status = [True] * self._num_workers
        self._workers_num_tasks = [0] * self._num_workers
        self._worker_queue_idx_cycle = itertools.cycle(range(self._num_workers))
        if not first_iter:
            # Persistent workers: tell each to restart, and discard results of the
            # previous epoch still in the queue until every worker has acknowledged.
            for q in self._index_queues:
                q.put(_ResumeIteration())
            pending = self._num_workers
            while pending > 0:
                idx, _ = self._get_data()
                if isinstance(idx, _ResumeIteration):
                    pending -= 1
        for _ in range(self._prefetch_factor * self._num_workers):
            self._try_put_index()

    def _try_get_data(self, timeout=_utils.MP_STATUS_CHECK_INTERVAL):
        """``(True, item)`` from the result queue, or ``(False, None)`` after ``timeout``
        seconds; RuntimeError as soon as a worker that still owes work has died."""
        reader = self._worker_result_queue._reader
        active = [(i, w) for i, w in enumerate(self._workers) if self._workers_status[i]]
        ready = multiprocessing.connection.wait([reader] + [w.sentinel for _, w in active], timeout)
        if reader in ready:  # data first: a worker may have sent its result, then died
            return True, self._data_queue.get()
        failed = [(i, w) for i, w in active if w.sentinel in ready]
        if not failed:
            return False, None
        for i, w in failed:
            w.join(_utils.MP_STATUS_CHECK_INTERVAL)  # its sentinel fired: this reaps it
            self._mark_worker_as_unavailable(i)
        causes = []
        for _, w in failed:
            if w.exitcode is not None and w.exitcode < 0:
                causes.append(f"DataLoader worker (pid {w.pid}) is killed by signal: {signal.strsignal(-w.exitcode)}.")
            else:
                causes.append(f"DataLoader worker (pid {w.pid}) exited with code {w.exitcode}.")
        pids = ", ".join(str(w.pid) for _, w in failed)
        raise RuntimeError(f"DataLoader worker (pid(s) {pids}) exited unexpectedly") from RuntimeError(" ".join(causes))

    def _get_data(self):
        if self._timeout > 0:
            success, data = self._try_get_data(self._timeout)
            if not success:
                raise RuntimeError(f"DataLoader timed out after {self._timeout} seconds")
            return data
        while True:
            success, data = self._try_get_data()
            if success:
                return data

    def _next_data(self):
        while True:
            # Skip tasks that will never arrive: sent to a worker whose stream has ended.
            while self._rcvd_idx < self._send_idx:
                info = self._task_info.get(self._rcvd_idx)
                if info:
                    if len(info) == 2 or self._workers_status[info[0]]:
                        break
                    del self._task_info[self._rcvd_idx]
                self._rcvd_idx += 1
            else:
                # Nothing left in flight: the epoch is over.
                if not self._persistent_workers:
                    self._shutdown_workers()
                raise StopIteration

            if len(self._task_info[self._rcvd_idx]) == 2:  # arrived earlier, kept in order
                worker_id, data = self._task_info.pop(self._rcvd_idx)
                self._rcvd_idx += 1
                return self._process_data(data, worker_id)

            if self._shutdown or self._tasks_outstanding <= 0:
                raise AssertionError("Invalid iterator state: shutdown or no outstanding tasks when fetching next data")
            idx, data = self._get_data()
            self._tasks_outstanding -= 1
            if self._dataset_kind == _DatasetKind.Iterable and isinstance(data, _IterableDatasetStopIteration):
                if self._persistent_workers:
                    self._workers_status[data.worker_id] = False
                else:
                    self._mark_worker_as_unavailable(data.worker_id)
                self._try_put_index()
                continue
            if idx != self._rcvd_idx:
                if not self._in_order:
                    worker_id = self._task_info.pop(idx)[0]
                    return self._process_data(data, worker_id)
                self._task_info[idx] += (data,)  # early: hold until its turn
            else:
                worker_id = self._task_info.pop(idx)[0]
                self._rcvd_idx += 1
                return self._process_data(data, worker_id)

    def _try_put_index(self):
        max_tasks = self._prefetch_factor * self._num_workers
        if self._tasks_outstanding >= max_tasks:
            raise AssertionError("Number of outstanding tasks exceeded maximum allowed tasks")
        try:
            index = self._next_index()
        except StopIteration:
            return
        for _ in range(self._num_workers):  # the next active worker (with room, if out of order)
            worker_id = next(self._worker_queue_idx_cycle)
            if self._workers_status[worker_id]:
                if self._in_order or self._workers_num_tasks[worker_id] < max_tasks // sum(self._workers_status):
                    break
        else:
            return  # no active worker: the keys are dropped, as in torch
        self._index_queues[worker_id].put((self._send_idx, index))
        self._task_info[self._send_idx] = (worker_id,)
        self._workers_num_tasks[worker_id] += 1
        self._tasks_outstanding += 1
        self._send_idx += 1

    def _process_data(self, data, worker_id):
        self._workers_num_tasks[worker_id] -= 1
        self._try_put_index()  # refill before raising, so iteration can go on after an error
        if isinstance(data, _utils.ExceptionWrapper):
            data.reraise()
        return data

    def _mark_worker_as_unavailable(self, worker_id):
        # Ask the worker to exit; it may still have results in the queue, which the
        # bookkeeping in _next_data accounts for.
        self._index_queues[worker_id].put(None)
        self._workers_status[worker_id] = False

    def _shutdown_workers(self):
        # At interpreter exit the queue machinery may be half torn down; daemonic workers
        # are then terminated by multiprocessing itself.
        if _utils is None or _utils.python_exit_status is not False:
            return
        if self._shutdown:
            return
        self._shutdown = True
        status = getattr(self, "_workers_status", [True] * len(self._workers))
        try:
            self._workers_done_event.set()
            for worker_id in range(len(self._workers)):
                if self._persistent_workers or status[worker_id]:
                    self._mark_worker_as_unavailable(worker_id)
            for w in self._workers:
                w.join(timeout=_utils.MP_STATUS_CHECK_INTERVAL)
            for q in self._index_queues:
                q.cancel_join_thread()
                q.close()
        finally:
            for w in self._workers:
                if w.is_alive():
                    w.terminate()
                    w.join(timeout=_utils.MP_STATUS_CHECK_INTERVAL)

    def __del__(self):
        # Early ``break`` or garbage collection of the loader: stop the workers now.
        if getattr(self, "_workers", None) is not None:  # None: __init__ failed before any start
            self._shutdown_workers()
