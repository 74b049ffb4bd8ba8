"""``torch.nn.utils.weight_norm`` (deprecated): ``w = g * v / ||v||`` via a forward pre-hook.

What torch does
---------------
``weight_norm(m)`` replaces the parameter ``weight`` by two parameters, ``weight_g`` (the
norm of each output slice, ``norm_except_dim(weight, 2, dim)``) and ``weight_v`` (the
direction, initially ``weight`` itself), and registers a ``WeightNorm`` object as a
forward pre-hook that recomputes the plain attribute ``m.weight = _weight_norm(v, g, dim)``
before every forward. ``dim=None`` normalises over the whole tensor. Calling it warns
(``FutureWarning``) that ``torch.nn.utils.parametrizations.weight_norm`` replaces it.
``remove_weight_norm`` folds the current weight back into a single parameter.
"""
import warnings

from ..._ops.weight_norm import _weight_norm, norm_except_dim
from ..parameter import Parameter

__all__ = ["WeightNorm", "weight_norm", "remove_weight_norm"]


class WeightNorm:
    """The forward pre-hook: ``module.<name> = _weight_norm(<name>_v, <name>_g, dim)``."""

    def __init__(self, name, dim):
        self.name = name
        self.dim = -1 if dim is None else dim

    def compute_weight(self, module):
        g = getattr(module, self.name + "_g")
        v = getattr(module, self.name + "_v")
        return _weight_norm(v, g, self.dim)

    @staticmethod
    def apply(module, name, dim):
        warnings.warn("`torch.nn.utils.weight_norm` is deprecated in favor of "
                      "`torch.nn.utils.parametrizations.weight_norm`.", FutureWarning, stacklevel=3)
        for hook in module._forward_pre_hooks.values():
            if isinstance(hook, WeightNorm) and hook.name == name:
                raise RuntimeError(f"Cannot register two weight_norm hooks on the same parameter {name}")
        fn = WeightNorm(name, dim)
        weight = getattr(module, name)
        del module._parameters[name]
        module.register_parameter(name + "_g", Parameter(norm_except_dim(weight, 2, fn.dim).data))
        module.register_parameter(name + "_v", Parameter(weight.data))
        setattr(module, name, fn.compute_weight(module))
        module.register_forward_pre_hook(fn)
        return fn

    def remove(self, module):
        weight = self.compute_weight(module)
        delattr(module, self.name)
        del module._parameters[self.name + "_g"]
        del module._parameters[self.name + "_v"]
        setattr(module, self.name, Parameter(weight.data))

    def __call__(self, module, inputs):
        setattr(module, self.name, self.compute_weight(module))


def weight_norm(module, name="weight", dim=0):
    """Split ``module.<name>`` into ``<name>_g`` and ``<name>_v`` (see the module docstring)."""
    WeightNorm.apply(module, name, dim)
    return module


def remove_weight_norm(module, name="weight"):
    """Undo ``weight_norm``: ``module.<name>`` becomes one parameter holding the current weight."""
    if not _remove_pre_hook(module, lambda hook: isinstance(hook, WeightNorm) and hook.name == name):
        raise ValueError(f"weight_norm of '{name}' not found in {module}")
    return module


def _remove_pre_hook(module, matches):
    """Undo (``hook.remove(module)``) and unregister the first forward pre-hook that ``matches``;
    False if there is none. Shared by the hook-based reparametrizations: weight norm,
    spectral norm and pruning."""
    for k, hook in module._forward_pre_hooks.items():
        if matches(hook):
            hook.remove(module)
            del module._forward_pre_hooks[k]
            return True
    return False
