"""``torch.optim.lr_scheduler``: learning-rate schedules that edit ``param_group["lr"]``.

torch's epoch semantics, which every scheduler here keeps exactly:

* Constructing a scheduler records each group's ``initial_lr`` (``base_lrs``) and makes
  one ``step()`` at once, so ``last_epoch`` becomes 0 and the lr for epoch 0 is set.
* Each later ``scheduler.step()`` (normally once per epoch, *after*
  ``optimizer.step()``; the other order warns) increments ``last_epoch`` and writes the
  new lr into every group.
* Most schedules are *chainable*: ``get_lr()`` computes the new lr from the group's
  current one (``StepLR`` multiplies it by ``gamma`` at its milestones), so a user's own
  edits to ``group["lr"]`` and other schedulers' carry on. ``step(epoch)`` (deprecated,
  warns) jumps to ``epoch`` with the closed form (``_get_closed_form_lr``) instead.
* ``get_last_lr()`` returns the lrs the last step set; calling ``get_lr()`` yourself
  warns.

torch keeps all of them in one file; here each family has its own, read in this order:
``scheduler.py`` (the base class), ``multiplicative.py`` (a factor per epoch: Lambda,
Multiplicative, Step, MultiStep, Constant, Linear, Exponential, Polynomial),
``cosine.py``, ``cyclic.py`` (CyclicLR, OneCycleLR), ``plateau.py``
(ReduceLROnPlateau) and ``combined.py`` (SequentialLR, ChainedScheduler).
"""
from .scheduler import EPOCH_DEPRECATION_WARNING, LRScheduler, _LRScheduler  # noqa: F401
from .multiplicative import (ConstantLR, ExponentialLR, LambdaLR, LinearLR, MultiplicativeLR, MultiStepLR,
                             PolynomialLR, StepLR)
from .cosine import CosineAnnealingLR, CosineAnnealingWarmRestarts
from .cyclic import CyclicLR, OneCycleLR
from .plateau import ReduceLROnPlateau
from .combined import ChainedScheduler, SequentialLR

__all__ = ["LambdaLR", "MultiplicativeLR", "StepLR", "MultiStepLR", "ConstantLR", "LinearLR", "ExponentialLR",
           "SequentialLR", "CosineAnnealingLR", "ChainedScheduler", "ReduceLROnPlateau", "CyclicLR",
           "CosineAnnealingWarmRestarts", "OneCycleLR", "PolynomialLR", "LRScheduler"]
