"""Fetchers: read one batch (or one sample) from a dataset and collate it.

The same fetcher runs in the main process (``num_workers=0``) and inside each worker.

* Map-style: auto-batching reads the batch's keys with ``__getitems__`` when the
  dataset has one, else ``__getitem__`` per key, then calls ``collate_fn``. When the
  loader collates with an unmodified ``default_collate`` and the dataset offers the
  private ``_collated_getitems`` hook (TensorDataset, and Subset/StackDataset over it),
  the hook returns the finished batch directly: one NumPy gather instead of
  ``batch_size`` reads and a stack. The result is the same batch either way.
* Iterable-style: pulls up to ``batch_size`` samples from the dataset's iterator; a
  short final batch is kept unless ``drop_last``; StopIteration ends the stream.
"""
from . import collate as _collate


class _BaseDatasetFetcher:
    def __init__(self, dataset, auto_collation, collate_fn, drop_last):
        self.dataset = dataset
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        self.drop_last = drop_last

    def fetch(self, possibly_batched_index):
        raise NotImplementedError


class _IterableDatasetFetcher(_BaseDatasetFetcher):
    def __init__(self, dataset, auto_collation, collate_fn, drop_last):
        super().__init__(dataset, auto_collation, collate_fn, drop_last)
        self.dataset_iter = iter(dataset)
        self.ended = False

    def fetch(self, possibly_batched_index):
        if self.ended:
            raise StopIteration
        if not self.auto_collation:
            return self.collate_fn(next(self.dataset_iter))
        data = []
        for _ in possibly_batched_index:  # one slot per sample of the batch
            try:
                data.append(next(self.dataset_iter))
            except StopIteration:
                self.ended = True
                break
        if not data or (self.drop_last and len(data) < len(possibly_batched_index)):
            raise StopIteration
        return self.collate_fn(data)


class _MapDatasetFetcher(_BaseDatasetFetcher):
    def __init__(self, dataset, auto_collation, collate_fn, drop_last):
        super().__init__(dataset, auto_collation, collate_fn, drop_last)
        hook = getattr(dataset, "_collated_getitems", None)
        self._collated = hook if auto_collation and collate_fn is _collate.default_collate else None

    def fetch(self, possibly_batched_index):
        if not self.auto_collation:
            return self.collate_fn(self.dataset[possibly_batched_index])
        if self._collated is not None and _collate._default_map_untouched():
            batch = self._collated(possibly_batched_index)
            if batch is not NotImplemented:
                return batch
        if hasattr(self.dataset, "__getitems__") and self.dataset.__getitems__:
            data = self.dataset.__getitems__(possibly_batched_index)
        else:
            data = [self.dataset[i] for i in possibly_batched_index]
        return self.collate_fn(data)


class _DatasetKind:
    """Which fetcher a dataset needs: map-style (keys) or iterable-style (a stream)."""

    Map = 0
    Iterable = 1

    @staticmethod
    def create_fetcher(kind, dataset, auto_collation, collate_fn, drop_last):
        fetcher = _MapDatasetFetcher if kind == _DatasetKind.Map else _IterableDatasetFetcher
        return fetcher(dataset, auto_collation, collate_fn, drop_last)
