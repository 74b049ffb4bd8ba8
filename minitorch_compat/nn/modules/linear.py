"""``nn.Identity`` and ``nn.Linear``.

``Linear`` computes ``y = x W^T + b`` with ``W`` of shape ``(out_features, in_features)``.
torch initialises it with ``kaiming_uniform_(W, a=sqrt(5))`` -- which works out to
U(-1/sqrt(in_features), 1/sqrt(in_features)) -- and then ``b`` from the same uniform range,
in that order. We make the same calls in the same order through the torch-exact
generator, so ``torch.manual_seed(s); nn.Linear(...)`` gives torch's weights bit for bit.
The forward is one fused node (``_ops.linalg.Linear``: matmul plus bias, ``AddmmBackward0``).
"""

from ..._ops.creation import empty
from .. import functional as F, init
from ..parameter import Parameter
from .module import Module

__all__ = ["Identity", "Linear"]


class Identity(Module):
    """Returns its input unchanged; constructor arguments are accepted and ignored."""

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):
        return input


class Linear(Module):
    """Applies ``y = x W^T + b``.

    Args:
        in_features: size of each input sample.
        out_features: size of each output sample.
        bias: if ``False``, no additive bias. Default: ``True``.

    Shape:
        input ``(*, in_features)`` -> output ``(*, out_features)``.

    Example::

        >>> m = nn.Linear(20, 30)
        >>> m(torch.randn(128, 20)).size()
        torch.Size([128, 30])
    """

    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(empty((out_features, in_features), device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(empty(out_features, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        init._default_layer_init_(self.weight, self.bias)

    def forward(self, input):
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
