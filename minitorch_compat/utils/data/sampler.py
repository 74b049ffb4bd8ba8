"""Samplers: which keys of a map-style dataset to read, and in what order.

A sampler is any iterable of keys (or, for a batch sampler, of lists of keys). The
random ones draw from the same generator streams, in the same order, as torch's, so a
given seed gives torch's order:

* ``RandomSampler`` without a generator first draws a 63-bit seed from the global
  generator and shuffles with a fresh Generator seeded with it. This happens at the
  first ``next()``, not at ``iter()`` (``__iter__`` is a generator function), which is
  why a DataLoader draws its workers' base seed *before* the shuffle seed.
* Shuffles are ``randperm`` calls; sampling with replacement draws ``randint`` in
  chunks of 32, as torch does, because the chunking changes which numbers come out.

Each class stays a few lines of plain Python, like torch's.
"""
import itertools
from typing import Generic, TypeVar

import minitorch_compat as torch

__all__ = [
    "BatchSampler",
    "RandomSampler",
    "Sampler",
    "SequentialSampler",
    "SubsetRandomSampler",
    "WeightedRandomSampler",
]

_T_co = TypeVar("_T_co", covariant=True)


class Sampler(Generic[_T_co]):
    """Base class: subclasses define ``__iter__`` and, optionally, ``__len__``.

    There is no default ``__len__`` on purpose (as in torch): a sampler without one
    makes ``len()`` raise TypeError, while ``list(sampler)`` still works."""

    def __iter__(self):
        raise NotImplementedError


class SequentialSampler(Sampler[int]):
    """``0, 1, ..., len(data_source) - 1``."""

    def __init__(self, data_source):
        self.data_source = data_source

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self):
        return len(self.data_source)


class RandomSampler(Sampler[int]):
    """Random keys: a fresh permutation per pass, or draws with replacement.

    Args:
        data_source (Sized): what to sample from; only its length is used.
        replacement (bool): draw with replacement (default False).
        num_samples (int): how many keys to yield (default ``len(data_source)``); without
            replacement, whole permutations are chained and the last one truncated.
        generator (Generator): the stream to draw from; default: a Generator seeded
            from the global one at the start of every pass.
    """

    def __init__(self, data_source, replacement=False, num_samples=None, generator=None):
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(self.replacement, bool):
            raise TypeError(
                f"replacement should be a boolean value, but got replacement={self.replacement}")
        if not isinstance(self.num_samples, int) or self.num_samples <= 0:
            raise ValueError(
                f"num_samples should be a positive integer value, but got num_samples={self.num_samples}")

    @property
    def num_samples(self):
        # Read on every use: the dataset may grow or shrink between epochs.
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self):
        n = len(self.data_source)
        generator = self.generator
        if generator is None:
            seed = int(torch.empty((), dtype=torch.int64).random_().item())
            generator = torch.Generator()
            generator.manual_seed(seed)
        if self.replacement:
            yield from self._draws_with_replacement(n, generator)
        else:
            for _ in range(self.num_samples // n):
                yield from torch.randperm(n, generator=generator).tolist()
            # torch draws this last permutation even when nothing of it is used.
            yield from torch.randperm(n, generator=generator).tolist()[:self.num_samples % n]

    def _draws_with_replacement(self, n, generator):
        # In chunks of 32, as torch draws them: the chunking changes which numbers come out.
        for _ in range(self.num_samples // 32):
            yield from torch.randint(high=n, size=(32,), dtype=torch.int64, generator=generator).tolist()
        yield from torch.randint(high=n, size=(self.num_samples % 32,), dtype=torch.int64,
                                 generator=generator).tolist()

    def __len__(self):
        return self.num_samples


class SubsetRandomSampler(Sampler[int]):
    """The given ``indices`` in random order (one ``randperm`` per pass; with no
    generator it draws straight from the global one, without a seeding step)."""

    def __init__(self, indices, generator=None):
        self.indices = indices
        self.generator = generator

    def __iter__(self):
        for i in torch.randperm(len(self.indices), generator=self.generator).tolist():
            yield self.indices[i]

    def __len__(self):
        return len(self.indices)


class WeightedRandomSampler(Sampler[int]):
    """``num_samples`` keys in ``[0, len(weights))`` drawn with probability proportional
    to ``weights`` (``torch.multinomial``), with or without replacement."""

    def __init__(self, weights, num_samples, replacement=True, generator=None):
        if not isinstance(num_samples, int) or isinstance(num_samples, bool) or num_samples <= 0:
            raise ValueError(
                f"num_samples should be a positive integer value, but got num_samples={num_samples}")
        if not isinstance(replacement, bool):
            raise ValueError(
                f"replacement should be a boolean value, but got replacement={replacement}")
        weights_tensor = torch.as_tensor(weights, dtype=torch.float64)
        if len(weights_tensor.shape) != 1:
            raise ValueError("weights should be a 1d sequence but given "
                             f"weights have shape {tuple(weights_tensor.shape)}")
        self.weights = weights_tensor
        self.num_samples = num_samples
        self.replacement = replacement
        self.generator = generator

    def __iter__(self):
        drawn = torch.multinomial(self.weights, self.num_samples, self.replacement, generator=self.generator)
        yield from drawn.tolist()

    def __len__(self):
        return self.num_samples


class BatchSampler(Sampler[list]):
    """Groups the keys of ``sampler`` into lists of ``batch_size``; with ``drop_last``
    a short final batch is dropped.

    ``sampler`` may be any iterable (no isinstance check, as in torch). Batches are
    cut with C-level iteration (``islice``/``zip``), so this costs no Python loop per
    key.
    """

    def __init__(self, sampler, batch_size, drop_last):
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size <= 0:
            raise ValueError(
                f"batch_size should be a positive integer value, but got batch_size={batch_size}")
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self):
        sampler_iter = iter(self.sampler)
        if self.drop_last:
            # zip over batch_size references to one iterator yields only full batches.
            for batch in zip(*([sampler_iter] * self.batch_size)):
                yield list(batch)
        else:
            while batch := list(itertools.islice(sampler_iter, self.batch_size)):
                yield batch

    def __len__(self):
        if self.drop_last:
            return len(self.sampler) // self.batch_size
        return (len(self.sampler) + self.batch_size - 1) // self.batch_size
