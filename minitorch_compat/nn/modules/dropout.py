"""``nn.Dropout``: random zeroing while training, identity in eval mode."""
from .. import functional as F
from .module import Module

__all__ = ["Dropout", "Dropout2d"]


class Dropout(Module):
    """During training, zero each element with probability ``p`` and scale the rest by
    ``1 / (1 - p)``; after ``model.eval()`` return the input unchanged.

    The mask comes from the torch-exact generator, so with the same seed the same
    elements are dropped as in torch (see ``F.dropout`` for the one platform caveat).
    """

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def forward(self, input):
        return F.dropout(input, self.p, self.training, self.inplace)

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"


class Dropout2d(Dropout):
    """During training, zero whole channels: each ``(sample, channel)`` plane of an
    ``(N, C, H, W)`` input is dropped with probability ``p`` (and the kept ones scaled by
    ``1 / (1 - p)``). Adjacent pixels are strongly correlated, so dropping single pixels
    regularises little; dropping feature maps does (Tompson et al., 2015).

    One Bernoulli draw per plane through the torch-exact generator (see ``F.dropout2d``).
    """

    def forward(self, input):
        return F.dropout2d(input, self.p, self.training, self.inplace)
