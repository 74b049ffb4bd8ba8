"""``torch.nn.utils``: gradient clipping (``clip_grad_norm_``, ``clip_grad_value_``), ``rnn``
(packed sequences), ``parametrize``/``parametrizations`` (a tensor computed by a module on each
access), ``prune`` (masks on parameters) and the hook versions of ``weight_norm`` and
``spectral_norm``."""
from .clip_grad import clip_grad_norm_, clip_grad_value_, clip_grad_norm
from . import rnn, parametrize, parametrizations  # noqa: F401
from .convert_parameters import parameters_to_vector, vector_to_parameters
from .spectral_norm import remove_spectral_norm, spectral_norm
from .weight_norm import remove_weight_norm, weight_norm

__all__ = ["clip_grad_norm_", "clip_grad_value_", "clip_grad_norm", "parameters_to_vector", "parametrizations",
           "parametrize", "remove_spectral_norm", "remove_weight_norm", "rnn", "spectral_norm", "vector_to_parameters",
           "weight_norm"]
