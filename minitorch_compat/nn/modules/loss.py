"""Loss modules: thin holders of options around the ``nn.functional`` losses.

Every loss takes ``reduction`` = ``'mean'`` (default), ``'sum'`` or ``'none'``; the
pre-1.0 arguments ``size_average``/``reduce`` are still accepted and translated (with
torch's deprecation warning). Class weights and ``pos_weight`` are registered as
buffers, as in torch, so they appear in ``state_dict()`` and follow ``.to(dtype)``.
"""
from ... import _checks
from .. import functional as F
from .module import Module

__all__ = ["CrossEntropyLoss", "NLLLoss", "MSELoss", "L1Loss", "BCELoss", "BCEWithLogitsLoss",
           "SmoothL1Loss", "HuberLoss", "KLDivLoss"]


class _Loss(Module):
    def __init__(self, size_average=None, reduce=None, reduction="mean"):
        super().__init__()
        if size_average is not None or reduce is not None:
            self.reduction = _checks.legacy_reduction(size_average, reduce)
        else:
            self.reduction = reduction


class _WeightedLoss(_Loss):
    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)


class CrossEntropyLoss(_WeightedLoss):
    """Cross entropy between logits ``input`` and class indices or class probabilities.

    For class indices ``y`` (``ignore_index`` entries skipped) and optional class
    ``weight`` ``w``: ``loss_n = -w[y_n] * log_softmax(x_n)[y_n]``; ``'mean'`` divides the
    sum by ``sum_n w[y_n]``. ``label_smoothing`` mixes the one-hot target with the uniform
    distribution. Logits may be any size (values of 1e4 are fine: computed stably).

    Shape: input ``(N, C)`` or ``(N, C, d1, ...)`` or ``(C)``; target ``(N)`` /
    ``(N, d1, ...)`` / ``()`` of int64 indices, or the input's shape for probabilities.

    Example::

        >>> loss_fn = nn.CrossEntropyLoss()
        >>> loss = loss_fn(model(X), y)
    """

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean",
                 label_smoothing=0.0):
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input, target):
        return F.cross_entropy(input, target, weight=self.weight, ignore_index=self.ignore_index,
                               reduction=self.reduction, label_smoothing=self.label_smoothing)


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood of class indices given log-probabilities (e.g. a LogSoftmax)."""

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index

    def forward(self, input, target):
        return F.nll_loss(input, target, weight=self.weight, ignore_index=self.ignore_index,
                          reduction=self.reduction)


class MSELoss(_Loss):
    """Squared error ``(x - y)^2``, averaged (or summed) over all elements."""

    def forward(self, input, target):
        return F.mse_loss(input, target, reduction=self.reduction)


class L1Loss(_Loss):
    """Absolute error ``|x - y|``, averaged (or summed) over all elements."""

    def forward(self, input, target):
        return F.l1_loss(input, target, reduction=self.reduction)


class BCELoss(_WeightedLoss):
    """Binary cross entropy for probabilities in [0, 1] (logs clamped at -100, as torch)."""

    def forward(self, input, target):
        return F.binary_cross_entropy(input, target, weight=self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Sigmoid + binary cross entropy in one numerically stable step.

    ``pos_weight`` (one value per class, broadcast over the last dimension) scales the
    loss of positive examples.
    """

    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean", pos_weight=None):
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)
        self.weight = weight
        self.pos_weight = pos_weight

    def forward(self, input, target):
        return F.binary_cross_entropy_with_logits(input, target, self.weight, pos_weight=self.pos_weight,
                                                  reduction=self.reduction)


class SmoothL1Loss(_Loss):
    """``0.5 d^2 / beta`` where ``|d| < beta``, else ``|d| - 0.5 beta``, with ``d = input - target``.

    Less sensitive to outliers than ``MSELoss`` (linear tails) and smooth at 0 unlike
    ``L1Loss`` (Fast R-CNN's box regression loss). ``beta=0`` gives ``L1Loss``.
    """

    def __init__(self, size_average=None, reduce=None, reduction="mean", beta=1.0):
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input, target):
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class HuberLoss(_Loss):
    """``0.5 d^2`` where ``|d| < delta``, else ``delta (|d| - 0.5 delta)``: ``delta`` times
    ``SmoothL1Loss(beta=delta)``, so the linear part has slope ``delta``."""

    def __init__(self, reduction="mean", delta=1.0):
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input, target):
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class KLDivLoss(_Loss):
    """KL divergence ``t (log t - input)``; ``input`` holds log-probabilities (e.g. from
    ``log_softmax``), ``target`` probabilities (or log-probabilities with ``log_target``).

    Use ``reduction='batchmean'`` for the mathematical KL divergence; the default
    ``'mean'`` divides by the number of elements (and warns), as in torch.
    """

    def __init__(self, size_average=None, reduce=None, reduction="mean", log_target=False):
        super().__init__(size_average, reduce, reduction)
        self.log_target = log_target

    def forward(self, input, target):
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)
