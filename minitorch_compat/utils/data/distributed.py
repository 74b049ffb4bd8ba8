"""DistributedSampler: each of ``num_replicas`` processes reads its own share.

torch pads (or trims, with ``drop_last``) the key list so it divides evenly, then rank
``r`` takes every ``num_replicas``-th key starting at ``r``. With ``shuffle`` the key list
is ``randperm(len(dataset))`` from a Generator seeded with ``seed + epoch``: every rank
computes the same permutation without talking to the others, and ``set_epoch`` changes
it between epochs.

Where we differ on purpose: there is no ``torch.distributed`` here, so ``num_replicas``
and ``rank`` must be given explicitly; leaving them out raises the RuntimeError torch
raises when its distributed package is unavailable.
"""
import math

import minitorch_compat as torch

from .sampler import Sampler

__all__ = ["DistributedSampler"]


class DistributedSampler(Sampler):
    """Keys for one rank of a data-parallel job.

    Args:
        dataset: the dataset to split (only ``len`` is used).
        num_replicas (int): number of processes; required here.
        rank (int): this process's rank in ``[0, num_replicas)``; required here.
        shuffle (bool): shuffle with ``seed + epoch`` (default True).
        seed (int): shared shuffle seed (default 0).
        drop_last (bool): trim the tail instead of padding with repeated keys.
    """

    def __init__(self, dataset, num_replicas=None, rank=None, shuffle=True, seed=0, drop_last=False):
        if num_replicas is None or rank is None:
            raise RuntimeError("Requires distributed package to be available")
        if rank >= num_replicas or rank < 0:
            raise ValueError(
                f"Invalid rank {rank}, rank should be in the interval [0, {num_replicas - 1}]")
        self.dataset = dataset
        self.num_replicas = num_replicas
        self.rank = rank
        self.epoch = 0
        self.drop_last = drop_last
        n = len(self.dataset)
        if self.drop_last and n % self.num_replicas != 0:
            self.num_samples = math.ceil((n - self.num_replicas) / self.num_replicas)
        else:
            self.num_samples = math.ceil(n / self.num_replicas)
        self.total_size = self.num_samples * self.num_replicas
        self.shuffle = shuffle
        self.seed = seed

    def __iter__(self):
        n = len(self.dataset)
        if self.shuffle:
            g = torch.Generator()
            g.manual_seed(self.seed + self.epoch)
            keys = torch.randperm(n, generator=g).tolist()
        else:
            keys = list(range(n))
        if self.drop_last:
            keys = keys[:self.total_size]
        else:
            missing = self.total_size - len(keys)
            # Repeat the whole list as often as needed: a tiny dataset may have fewer
            # keys than the padding needs.
            keys += (keys * math.ceil(missing / len(keys)))[:missing] if missing > 0 else []
        if len(keys) != self.total_size:
            raise AssertionError(
                f"Number of indices ({len(keys)}) does not match total_size ({self.total_size})")
        mine = keys[self.rank:self.total_size:self.num_replicas]
        if len(mine) != self.num_samples:
            raise AssertionError(
                f"Number of subsampled indices ({len(mine)}) does not match num_samples ({self.num_samples})")
        return iter(mine)

    def __len__(self):
        return self.num_samples

    def set_epoch(self, epoch):
        """Use ``seed + epoch`` for the next shuffle; call before each epoch's ``iter()``."""
        self.epoch = epoch
