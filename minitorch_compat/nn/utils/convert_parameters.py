"""``parameters_to_vector`` / ``vector_to_parameters``: a model's parameters as one flat vector
and back (the vector is their flattened values concatenated in order). CPU only here, so
torch's check that all parameters share one device has nothing to check."""
from ..._ops.shape import cat
from ..._tensor import Tensor
from ..modules.module import _typename

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def parameters_to_vector(parameters):
    """``cat([p.view(-1) for p in parameters])``; differentiable, like any ``cat``."""
    return cat([param.view(-1) for param in parameters])


def vector_to_parameters(vec, parameters):
    """Give each parameter in turn the next ``numel()`` values of ``vec`` (as its new ``.data``)."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {_typename(vec)}")
    pointer = 0
    for param in parameters:
        num_param = param.numel()
        param.data = vec[pointer:pointer + num_param].view_as(param).data
        pointer += num_param
