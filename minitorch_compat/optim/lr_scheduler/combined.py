"""Schedulers made of schedulers: ``SequentialLR`` runs them one after another (switching at
``milestones``), ``ChainedScheduler`` steps all of them every epoch, so that their
chainable factors multiply.
"""
from bisect import bisect_right
from operator import methodcaller

from .plateau import ReduceLROnPlateau
from .scheduler import (LRScheduler, _load_state_dict_with, _param_groups_val_list, _state_dict_with,
                        _update_param_group_val)

__all__ = ["SequentialLR", "ChainedScheduler"]


class _Composite(LRScheduler):
    """What both share: checking the schedulers, and checkpoints holding each one's ``state_dict``."""

    def _check_schedulers(self, schedulers, optimizer, no_scheduler_message):
        if len(schedulers) < 1:
            raise ValueError(f"{self.__class__.__name__} expects at least one scheduler{no_scheduler_message}")
        optimizer = optimizer or schedulers[0].optimizer
        for scheduler_idx, scheduler in enumerate(schedulers):
            if not hasattr(scheduler, "optimizer"):
                raise TypeError(f"{self.__class__.__name__} at index {scheduler_idx} should have `optimizer` as its "
                                "attribute.")
            if isinstance(scheduler, ReduceLROnPlateau):
                raise ValueError(f"{self.__class__.__name__} does not support `ReduceLROnPlateau` scheduler as it "
                                 "requires additional kwargs to be specified when calling `step`, but got one at "
                                 f"index {scheduler_idx} in the given schedulers sequence.")
            if optimizer != scheduler.optimizer:
                raise ValueError(f"{self.__class__.__name__} expects all schedulers to belong to the same optimizer, "
                                 f"but got scheduler {scheduler.__class__.__name__} at index {scheduler_idx} has "
                                 f"{scheduler.optimizer}, which is different from {optimizer.__class__.__name__}.")

    def state_dict(self):
        return _state_dict_with(self, "_schedulers", methodcaller("state_dict"))

    def load_state_dict(self, state_dict):
        _load_state_dict_with(self, state_dict, "_schedulers", lambda sched, state: sched.load_state_dict(state))


class SequentialLR(_Composite):
    """Run ``schedulers[0]`` until ``milestones[0]``, then ``schedulers[1]``, and so on.

    At construction every group's lr goes back to ``initial_lr`` and the schedulers'
    epoch counters back by one (their constructors already stepped once), then the first
    scheduler makes its initial step. At a milestone the next scheduler restarts from
    epoch 0 (``_update_lr(0)``, its closed form).
    """

    def __init__(self, optimizer, schedulers, milestones, last_epoch=-1):
        self._check_schedulers(schedulers, optimizer, ", but got no scheduler.")
        if len(milestones) != len(schedulers) - 1:
            raise ValueError("Sequential Schedulers expects number of schedulers provided to be one more than the "
                             f"number of milestone points, but got number of schedulers {len(schedulers)} and the "
                             f"number of milestones to be equal to {len(milestones)}")
        self._schedulers = schedulers
        self._milestones = milestones
        self.last_epoch = last_epoch + 1
        self.optimizer = optimizer
        for group in self.optimizer.param_groups:
            _update_param_group_val(group, "lr", group["initial_lr"])
        self.recursive_undo()
        idx = bisect_right(self._milestones, 0)
        self._schedulers[idx]._initial_step()
        self._last_lr = schedulers[idx].get_last_lr()

    def recursive_undo(self, sched=None):
        """Take back the initial step of every scheduler inside (nested ones included)."""
        scheds = self if sched is None else sched
        if hasattr(scheds, "_schedulers"):
            for s in scheds._schedulers:
                self.recursive_undo(s)
        elif hasattr(scheds, "last_epoch"):
            scheds.last_epoch -= 1

    def step(self):
        self.last_epoch += 1
        idx = bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[idx]
        if idx > 0 and self._milestones[idx - 1] == self.last_epoch:
            scheduler._update_lr(0)
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()


class ChainedScheduler(_Composite):
    """Step every scheduler in ``schedulers`` at each ``step()``."""

    def __init__(self, schedulers, optimizer=None):
        self._check_schedulers(schedulers, optimizer, " to be chained, but got no scheduler.")
        self._schedulers = schedulers
        self.optimizer = optimizer or schedulers[0].optimizer
        self._last_lr = _param_groups_val_list(self._schedulers[-1].optimizer, "lr")

    def step(self):
        for scheduler in self._schedulers:
            scheduler.step()
        self._last_lr = _param_groups_val_list(self._schedulers[-1].optimizer, "lr")
