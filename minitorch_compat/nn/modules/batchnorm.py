"""``nn.BatchNorm1d`` and ``nn.BatchNorm2d``.

What torch does: batch normalisation normalises each channel ``c`` with statistics taken
over the batch and all spatial positions, then scales and shifts it::

    y = (x - mean_c) / sqrt(var_c + eps) * weight_c + bias_c

* training (``model.train()``): ``mean_c`` / ``var_c`` are the batch's (biased variance),
  and the running estimates are updated in place:
  ``running = (1 - momentum) * running + momentum * batch_stat`` (with the *unbiased*
  variance). ``num_batches_tracked`` counts the updates; with ``momentum=None`` the
  factor is ``1 / num_batches_tracked``, which makes the running stats a plain
  cumulative average of all batches seen.
* evaluation (``model.eval()``): ``running_mean`` / ``running_var`` are used instead, so
  a single sample gives a deterministic answer.
* ``track_running_stats=False``: no buffers at all; batch statistics are used in both modes.
* ``affine=False``: no ``weight``/``bias`` parameters.

State dict: ``weight``, ``bias`` (parameters), ``running_mean``, ``running_var`` and the
int64 0-d ``num_batches_tracked`` (buffers), in that order, and the module's version is 2
(checkpoints written before ``num_batches_tracked`` existed load with it set to 0).

How we do it: the same decisions in the same order, then ``F.batch_norm``
(``_ops/normalization.py``), which updates the running buffers' arrays in place.

Where we differ: float32 batch statistics are summed by NumPy (pairwise) rather than by
torch's kernel, so they agree to float32 rounding, not bit for bit.
"""
from ..._ops.creation import empty, ones, tensor, zeros
from ... import _dtype
from .. import functional as F, init
from ..parameter import Parameter
from .module import Module

__all__ = ["BatchNorm1d", "BatchNorm2d"]


class _NormBase(Module):
    """Parameters, buffers, reset and printing shared by the batch-norm layers."""

    _version = 2

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True,
                 device=None, dtype=None, *, bias=True):
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        if self.affine:
            self.weight = Parameter(empty(num_features, device=device, dtype=dtype))
            if bias:
                self.bias = Parameter(empty(num_features, device=device, dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if self.track_running_stats:
            self.register_buffer("running_mean", zeros(num_features, device=device, dtype=dtype))
            self.register_buffer("running_var", ones(num_features, device=device, dtype=dtype))
            self.register_buffer("num_batches_tracked", tensor(0, dtype=_dtype.int64))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        self.reset_parameters()

    def reset_running_stats(self):
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_var.fill_(1)
            self.num_batches_tracked.zero_()

    def reset_parameters(self):
        self.reset_running_stats()
        if self.affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def _check_input_dim(self, input):
        raise NotImplementedError

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}")

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        version = local_metadata.get("version", None)
        if (version is None or version < 2) and self.track_running_stats:
            # version 2 added num_batches_tracked; older checkpoints start the count at 0
            key = prefix + "num_batches_tracked"
            if key not in state_dict:
                state_dict[key] = (self.num_batches_tracked if self.num_batches_tracked is not None
                                   else tensor(0, dtype=_dtype.int64))
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                                      error_msgs)


class _BatchNorm(_NormBase):
    def forward(self, input):
        self._check_input_dim(input)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats and self.num_batches_tracked is not None:
            self.num_batches_tracked.add_(1)
            if self.momentum is None:   # cumulative moving average
                factor = 1.0 / float(self.num_batches_tracked)
        # batch statistics in training, and in eval when there are no running stats
        use_batch_stats = self.training or (self.running_mean is None and self.running_var is None)
        # running buffers are passed only where they are read (eval) or updated (tracked training)
        pass_buffers = not self.training or self.track_running_stats
        return F.batch_norm(input,
                            self.running_mean if pass_buffers else None,
                            self.running_var if pass_buffers else None,
                            self.weight, self.bias, use_batch_stats, factor, self.eps)


class BatchNorm1d(_BatchNorm):
    """Batch normalisation over a 2-d ``(N, C)`` or 3-d ``(N, C, L)`` input (statistics per ``C``).

    Args:
        num_features: ``C``.
        eps: added to the variance for stability. Default: 1e-5.
        momentum: running-average factor; ``None`` for a cumulative average. Default: 0.1.
        affine: learnable ``weight`` (init 1) and ``bias`` (init 0). Default: ``True``.
        track_running_stats: keep running estimates for eval mode. Default: ``True``.
        bias (keyword): with ``affine``, whether to have the ``bias``. Default: ``True``.

    Example::

        >>> m = nn.BatchNorm1d(100)
        >>> m(torch.randn(20, 100)).shape
        torch.Size([20, 100])
    """

    def _check_input_dim(self, input):
        if input.dim() != 2 and input.dim() != 3:
            raise ValueError(f"expected 2D or 3D input (got {input.dim()}D input)")


class BatchNorm2d(_BatchNorm):
    """Batch normalisation over a 4-d ``(N, C, H, W)`` input (statistics per channel ``C``
    over ``N``, ``H`` and ``W``). Arguments as for ``BatchNorm1d``.

    Example::

        >>> m = nn.BatchNorm2d(16)
        >>> m(torch.randn(8, 16, 5, 5)).shape
        torch.Size([8, 16, 5, 5])
    """

    def _check_input_dim(self, input):
        if input.dim() != 4:
            raise ValueError(f"expected 4D input (got {input.dim()}D input)")
