"""``torch.nn.utils``: gradient clipping (``clip_grad_norm_``, ``clip_grad_value_``) and ``rnn``
(packed sequences)."""
from .clip_grad import clip_grad_norm_, clip_grad_value_, clip_grad_norm
from . import rnn  # noqa: F401

__all__ = ["clip_grad_norm_", "clip_grad_value_", "clip_grad_norm"]
