"""Datasets: the objects a DataLoader reads samples from.

torch knows two kinds of dataset. A *map-style* dataset (``Dataset``) answers
``ds[i]`` and usually ``len(ds)``; a sampler decides which keys to read. An
*iterable-style* dataset (``IterableDataset``) is a stream: the loader just iterates it.
Anything with ``__getitem__``/``__len__`` works as a map-style dataset, a plain list
included; the classes here only add conveniences (``+`` builds a ConcatDataset or a
ChainDataset) and ready-made wrappers.

Batched reads. A map-style dataset may define ``__getitems__(indices) -> list of
samples``; the loader then calls it once per batch instead of ``__getitem__`` per
sample. We add one more, private, hook on top: ``_collated_getitems(indices)`` returns
the batch *already collated*, exactly as ``default_collate(self.__getitems__(indices))``
would, or ``NotImplemented`` when it cannot promise that. TensorDataset implements it
with one NumPy fancy-index per tensor, which is where our loader gets its speed on
in-memory data; Subset and StackDataset forward it to the datasets they wrap. The hook
is only used when the loader collates with ``default_collate``; any custom
``collate_fn`` still receives a real list of samples.
"""
import bisect
import itertools
import math
import warnings
from collections.abc import Iterable
from typing import Generic, TypeVar

import minitorch_compat as torch
from minitorch_compat._tensor import _wrap

from ._utils import arrays
from ._utils.collate import default_collate

__all__ = [
    "Dataset",
    "IterableDataset",
    "TensorDataset",
    "StackDataset",
    "ConcatDataset",
    "ChainDataset",
    "Subset",
    "random_split",
]

_T_co = TypeVar("_T_co", covariant=True)


class Dataset(Generic[_T_co]):
    """A map from keys to samples: subclasses define ``__getitem__`` (and usually
    ``__len__``, which samplers need). ``a + b`` concatenates two datasets.

    Like torch, there is deliberately no default ``__len__``: ``len()`` on a dataset that
    has none raises the ordinary TypeError, and ``list(ds)`` can still fall back to
    ``__getitem__`` until IndexError.
    """

    def __getitem__(self, index):
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    # No ``__getitems__`` here on purpose: the loader's fetcher looks for it with
    # ``hasattr``, so a default would shadow every subclass's ``__getitem__``.

    def __add__(self, other):
        return ConcatDataset([self, other])


class IterableDataset(Dataset[_T_co], Iterable):
    """A stream of samples: subclasses define ``__iter__``. ``a + b`` chains two streams.

    With ``num_workers > 0`` every worker iterates its own copy of the dataset, so
    each sample appears once per worker unless ``__iter__`` (or ``worker_init_fn``) uses
    ``get_worker_info()`` to give each worker its own shard, exactly as in torch.
    """

    def __add__(self, other):
        return ChainDataset([self, other])


class TensorDataset(Dataset):
    """Samples are rows: ``ds[i] == tuple(t[i] for t in tensors)``.

    Args:
        *tensors (Tensor): tensors with the same size along dimension 0.

    ``__getitems__`` and the collated hook gather a whole batch with one fancy-index per
    tensor, so batch ``k`` costs one NumPy gather instead of ``batch_size`` tensor
    indexings plus a stack. Where we differ on purpose: the samples ``__getitems__``
    returns are views of that freshly gathered batch rather than of the original
    tensors (torch, having no ``__getitems__`` here, hands out views of the originals).
    A subclass that overrides ``__getitem__`` gets torch's per-sample behaviour back.
    """

    def __init__(self, *tensors):
        if any(tensors[0].size(0) != t.size(0) for t in tensors):
            raise AssertionError("Size mismatch between tensors")
        self.tensors = tensors

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)

    def __len__(self):
        return self.tensors[0].size(0)

    def _gather(self, indices):
        """One gathered array per tensor, or None when the shortcut does not apply
        (customised sample access, autograd, odd indices, an out-of-range index whose
        torch error message the per-sample path should produce)."""
        if type(self).__getitem__ is not TensorDataset.__getitem__:
            return None
        if not all(arrays.is_plain(t) for t in self.tensors):
            return None
        idx = arrays.as_index_array(indices)
        if idx is None:
            return None
        try:
            return [t._data[idx] for t in self.tensors]
        except IndexError:
            return None

    def __getitems__(self, indices):
        columns = self._gather(indices)
        if columns is None:
            return [self[i] for i in indices]
        # Rows of each gathered column, as tensors; ``arr[i, ...]`` keeps 0-d rows as
        # arrays (iterating a 1-D array would give NumPy scalars instead).
        per_tensor = [[_wrap(col[i, ...]) for i in range(len(col))] for col in columns]
        return list(zip(*per_tensor))

    def _collated_getitems(self, indices):
        if type(self).__getitems__ is not TensorDataset.__getitems__:
            return NotImplemented
        columns = self._gather(indices)
        if columns is None:
            return NotImplemented
        # default_collate turns a list of tuples into a *list* of stacked tensors.
        return [_wrap(col) for col in columns]


class StackDataset(Dataset):
    """Zips datasets of equal length: ``StackDataset(a, b)[i] == (a[i], b[i])`` and
    ``StackDataset(x=a, y=b)[i] == {"x": a[i], "y": b[i]}``.

    Batched reads use each part's ``__getitems__`` when it has one, as torch does; the
    collated hook collates each part separately, which is what ``default_collate`` of
    the zipped samples amounts to.
    """

    def __init__(self, *args, **kwargs):
        if args and kwargs:
            raise ValueError(
                "Supported either ``tuple``- (via ``args``) or"
                "``dict``- (via ``kwargs``) like input/output, but both types are given.")
        if not args and not kwargs:
            raise ValueError("At least one dataset should be passed")
        parts = list(args) if args else list(kwargs.values())
        self._length = len(parts[0])
        if any(self._length != len(d) for d in parts):
            raise ValueError("Size mismatch between datasets")
        self.datasets = args if args else kwargs

    def _named_parts(self):
        if isinstance(self.datasets, dict):
            return list(self.datasets.items())
        return list(enumerate(self.datasets))

    def __getitem__(self, index):
        if isinstance(self.datasets, dict):
            return {k: d[index] for k, d in self.datasets.items()}
        return tuple(d[index] for d in self.datasets)

    @staticmethod
    def _part_samples(dataset, indices):
        getitems = getattr(dataset, "__getitems__", None)
        if not callable(getitems):
            return [dataset[i] for i in indices]
        items = getitems(indices)
        if len(items) != len(indices):
            raise ValueError("Nested dataset's output size mismatch."
                             f" Expected {len(indices)}, got {len(items)}")
        return items

    def __getitems__(self, indices):
        columns = [(k, self._part_samples(d, indices)) for k, d in self._named_parts()]
        if isinstance(self.datasets, dict):
            return [dict(zip([k for k, _ in columns], row))
                    for row in zip(*[col for _, col in columns])]
        return [tuple(row) for row in zip(*[col for _, col in columns])]

    def _collated_getitems(self, indices):
        cls = type(self)
        if cls.__getitem__ is not StackDataset.__getitem__ or cls.__getitems__ is not StackDataset.__getitems__:
            return NotImplemented
        if len(indices) == 0:
            return NotImplemented
        out = {}
        for key, d in self._named_parts():
            hook = getattr(d, "_collated_getitems", None)
            part = hook(indices) if hook is not None else NotImplemented
            out[key] = default_collate(self._part_samples(d, indices)) if part is NotImplemented else part
        return out if isinstance(self.datasets, dict) else list(out.values())

    def __len__(self):
        return self._length


class ConcatDataset(Dataset):
    """Datasets one after another: index ``i`` is found by bisecting the running totals
    of their lengths (``cumulative_sizes``). Negative indices count from the end."""

    @staticmethod
    def cumsum(sequence):
        return list(itertools.accumulate(len(d) for d in sequence))

    def __init__(self, datasets):
        super().__init__()
        self.datasets = list(datasets)
        if len(self.datasets) == 0:
            raise AssertionError("datasets should not be an empty iterable")
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                raise AssertionError("ConcatDataset does not support IterableDataset")
        self.cumulative_sizes = self.cumsum(self.datasets)

    def __len__(self):
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx):
        if idx < 0:
            if -idx > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            idx = len(self) + idx
        which = bisect.bisect_right(self.cumulative_sizes, idx)
        start = self.cumulative_sizes[which - 1] if which > 0 else 0
        return self.datasets[which][idx - start]

    @property
    def cummulative_sizes(self):
        warnings.warn("`cummulative_sizes` attribute is renamed to `cumulative_sizes`",
                      FutureWarning, stacklevel=2)
        return self.cumulative_sizes


class ChainDataset(IterableDataset):
    """Iterable datasets one after another, chained lazily while iterating."""

    def __init__(self, datasets):
        super().__init__()
        self.datasets = datasets

    def __iter__(self):
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise AssertionError("ChainDataset only supports IterableDataset")
            yield from d

    def __len__(self):
        total = 0
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise AssertionError("ChainDataset only supports IterableDataset")
            total += len(d)
        return total


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``: ``Subset(ds, idx)[i] == ds[idx[i]]``.

    As in torch, a subclass that overrides ``__getitem__`` must also override
    ``__getitems__`` (the loader reads batches through the latter), and is refused
    otherwise.
    """

    def __init__(self, dataset, indices):
        self.dataset = dataset
        self.indices = indices
        cls = type(self)
        if cls.__getitem__ is not Subset.__getitem__ and cls.__getitems__ is Subset.__getitems__:
            raise NotImplementedError(
                f"{cls.__name__} overrides __getitem__ but not __getitems__. "
                "When subclassing Subset and overriding __getitem__, you must also override "
                "__getitems__ to ensure DataLoader works correctly with your custom logic. "
                "A simple implementation:\n\n"
                "def __getitems__(self, indices):\n"
                "    return [self.__getitem__(idx) for idx in indices]")

    def __getitem__(self, idx):
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __getitems__(self, indices):
        inner = [self.indices[i] for i in indices]
        getitems = getattr(self.dataset, "__getitems__", None)
        if callable(getitems):
            return getitems(inner)
        return [self.dataset[i] for i in inner]

    def _collated_getitems(self, indices):
        cls = type(self)
        if cls.__getitem__ is not Subset.__getitem__ or cls.__getitems__ is not Subset.__getitems__:
            return NotImplemented
        hook = getattr(self.dataset, "_collated_getitems", None)
        if hook is None:
            return NotImplemented
        return hook([self.indices[i] for i in indices])

    def __len__(self):
        return len(self.indices)


def random_split(dataset, lengths, generator=None):
    """Split ``dataset`` into non-overlapping Subsets of the given lengths.

    ``lengths`` may be fractions summing to 1: each becomes ``floor(len * frac)`` and the
    leftover samples are handed out one at a time from the first split on. The split
    itself is ``randperm(len(dataset), generator=generator)`` cut into consecutive
    pieces, so with the same generator state the Subsets hold the same indices as
    torch's. ``generator=None`` means the global default generator (torch spells that
    default as ``default_generator``; the effect is the same).
    """
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        sizes = []
        for i, frac in enumerate(lengths):
            if frac < 0 or frac > 1:
                raise ValueError(f"Fraction at index {i} is not between 0 and 1")
            sizes.append(math.floor(len(dataset) * frac))
        for i in range(len(dataset) - sum(sizes)):
            sizes[i % len(sizes)] += 1
        lengths = sizes
        for i, n in enumerate(lengths):
            if n == 0:
                warnings.warn(f"Length of split at index {i} is 0. "
                              f"This might result in an empty dataset.", stacklevel=2)
    if sum(lengths) != len(dataset):
        raise ValueError("Sum of input lengths does not equal the length of the input dataset!")
    perm = torch.randperm(sum(lengths), generator=generator).tolist()
    ends = list(itertools.accumulate(lengths))
    return [Subset(dataset, perm[end - n:end]) for end, n in zip(ends, lengths)]
