"""Fetchers: read one batch (or one sample) from a dataset and collate it.

The same fetcher runs in the main process (``num_workers=0``) and inside each worker.

* Map-style (``_MapDatasetFetcher``, torch's): with auto-batching, read the batch's keys
  with ``__getitems__`` when the dataset has one, else ``__getitem__`` per key, then call
  ``collate_fn`` on the list of samples.
* Iterable-style: pull up to ``batch_size`` samples from the dataset's iterator; a short
  final batch is kept unless ``drop_last``; StopIteration ends the stream.

Where we differ on purpose, for speed: a dataset offering the private
``_collated_getitems`` hook (TensorDataset, and Subset/StackDataset over one) gets
``_CollatedMapDatasetFetcher`` when the loader collates with ``default_collate``. The
hook returns the finished batch in one NumPy gather per tensor, so neither
``__getitem__`` nor ``default_collate`` runs; the batch is the same either way.
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
        if self.auto_collation:
            data = []
            for _ in possibly_batched_index:  # one slot per sample of the batch
                try:
                    data.append(next(self.dataset_iter))
                except StopIteration:
                    self.ended = True
                    break
            if not data or (self.drop_last and len(data) < len(possibly_batched_index)):
                raise StopIteration
        else:
            data = next(self.dataset_iter)
        return self.collate_fn(data)


class _MapDatasetFetcher(_BaseDatasetFetcher):
    def fetch(self, possibly_batched_index):
        if self.auto_collation:
            if hasattr(self.dataset, "__getitems__") and self.dataset.__getitems__:
                data = self.dataset.__getitems__(possibly_batched_index)
            else:
                data = [self.dataset[idx] for idx in possibly_batched_index]
        else:
            data = self.dataset[possibly_batched_index]
        return self.collate_fn(data)


class _CollatedMapDatasetFetcher(_MapDatasetFetcher):
    """Asks the dataset for the finished batch; falls back to the plain fetch when the
    hook declines (``NotImplemented``) or ``default_collate_fn_map`` was edited."""

    def fetch(self, possibly_batched_index):
        if _collate._default_map_untouched():
            batch = self.dataset._collated_getitems(possibly_batched_index)
            if batch is not NotImplemented:
                return batch
        return super().fetch(possibly_batched_index)


class _DatasetKind:
    """Which fetcher a dataset needs: map-style (keys) or iterable-style (a stream)."""

    Map = 0
    Iterable = 1

    @staticmethod
    def create_fetcher(kind, dataset, auto_collation, collate_fn, drop_last):
        if kind == _DatasetKind.Iterable:
            fetcher = _IterableDatasetFetcher
        elif auto_collation and collate_fn is _collate.default_collate and hasattr(dataset, "_collated_getitems"):
            fetcher = _CollatedMapDatasetFetcher
        else:
            fetcher = _MapDatasetFetcher
        return fetcher(dataset, auto_collation, collate_fn, drop_last)
