"""``nn.LayerNorm``: normalise each sample over its last dimensions.

What torch does: for an input whose trailing dimensions equal ``normalized_shape``, each
sample (everything in front of those dimensions) is normalised with its own mean and
biased variance over them::

    y = (x - mean) / sqrt(var + eps) * weight + bias

``weight`` (init 1) and ``bias`` (init 0) have shape ``normalized_shape`` and act
elementwise (``elementwise_affine=False`` drops both; ``bias=False`` drops the bias).
Unlike batch norm there are no running statistics: train and eval behave the same.

How we do it: the same parameters, then ``F.layer_norm`` (``_ops/normalization.py``).
"""
import numbers

from ..._ops.creation import empty
from .. import functional as F, init
from ..parameter import Parameter
from .module import Module

__all__ = ["LayerNorm"]


class LayerNorm(Module):
    """Layer normalisation over the last ``len(normalized_shape)`` dimensions.

    Args:
        normalized_shape: int or tuple, the trailing shape to normalise over.
        eps: added to the variance. Default: 1e-5.
        elementwise_affine: learnable per-element ``weight`` and ``bias``. Default: ``True``.
        bias: with ``elementwise_affine``, whether to have the ``bias``. Default: ``True``.

    Shape: ``(*, *normalized_shape)`` -> same shape.

    Example::

        >>> ln = nn.LayerNorm(10)
        >>> ln(torch.randn(20, 5, 10)).shape
        torch.Size([20, 5, 10])
    """

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True, device=None, dtype=None):
        super().__init__()
        if isinstance(normalized_shape, numbers.Integral):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if self.elementwise_affine:
            self.weight = Parameter(empty(self.normalized_shape, device=device, dtype=dtype))
            if bias:
                self.bias = Parameter(empty(self.normalized_shape, device=device, dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        if self.elementwise_affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def forward(self, input):
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
                f"bias={self.bias is not None}")
