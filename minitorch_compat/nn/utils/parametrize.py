"""``torch.nn.utils.parametrize``: make ``module.weight`` the output of a small module.

What torch does
---------------
``register_parametrization(m, "weight", P())`` moves the tensor into
``m.parametrizations.weight.original`` (a ``ParametrizationList``, itself a
``ModuleList`` holding ``P()``) and makes ``m.weight`` a *property* that computes
``P()(original)`` on every access, so gradients flow through ``P`` into ``original``.
A property lives on the class, not the instance, so torch swaps the module's class for a
fresh subclass named ``Parametrized<Name>`` that carries it; removing the last
parametrization swaps the class back. In short:

1. Registration: ``original = right_inverse(weight)`` (identity when ``P`` has none;
   a tuple becomes ``original0``, ``original1``...), stored with ``set_`` so the
   Parameter keeps its identity (optimizers holding it keep working).
2. Access: ``m.weight`` runs ``P_k(...P_1(P_0(original)))``; inside ``cached()`` the
   result is computed once per ``(module, name)``.
3. Assignment: ``m.weight = X`` runs the ``right_inverse`` chain backwards and writes
   the result into ``original``.
4. Removal: ``remove_parametrizations`` stores either the current parametrized value or
   the untouched ``original`` back as a plain parameter or buffer.

How this file does it
---------------------
The same steps and names. ``set_`` is replaced by rebinding the tensor's array
(``Tensor.data = ...``), which keeps the Parameter object.
"""
import collections.abc
from contextlib import contextmanager
from copy import deepcopy

from ..._tensor import Tensor
from ...autograd.grad_mode import no_grad
from ..modules.container import ModuleDict, ModuleList
from ..parameter import Parameter

__all__ = ["cached", "ParametrizationList", "register_parametrization", "is_parametrized",
           "remove_parametrizations", "type_before_parametrizations", "transfer_parametrizations_and_params"]

_cache_enabled = 0
_cache = {}


@contextmanager
def cached():
    """Within this context each parametrized tensor is computed once and reused (useful when
    one forward reads ``m.weight`` many times, as an RNN cell does)."""
    global _cache, _cache_enabled
    _cache_enabled += 1
    try:
        yield
    finally:
        _cache_enabled -= 1
        if not _cache_enabled:
            _cache = {}


def _register_parameter_or_buffer(module, name, X):
    if isinstance(X, Parameter):
        module.register_parameter(name, X)
    else:
        module.register_buffer(name, X)


def _maybe_set(dest, src):
    """torch's ``dest.set_(src)``: ``dest`` now holds ``src``'s values, and stays the same object."""
    dest.data = src
    dest._version += 1


def _check_result(Z, shape, dtype, labels, flag):
    """The unsafe=False checks: a parametrization keeps the tensor's dtype and shape. ``labels``
    name the tensor before and after, ``flag`` is how the message names the ``unsafe`` flag
    (torch words the two places that check this slightly differently)."""
    if not isinstance(Z, Tensor):
        raise ValueError(f"A parametrization must return a tensor. Got {type(Z).__name__}.")
    for what, before, after in (("dtype", dtype, Z.dtype), ("shape", shape, Z.shape)):
        if before != after:
            raise ValueError(f"Registering a parametrization may not change the {what} of the tensor, unless {flag} "
                             f"flag is enabled.\n{labels[0]}{what}: {before}\n{labels[1]}{what}: {after}")


class ParametrizationList(ModuleList):
    """``module.parametrizations[name]``: the parametrizations of one tensor, in order, and
    the unconstrained tensor(s) they start from, ``original`` (or ``original0``, ``original1``...
    when the first ``right_inverse`` returns a sequence). Not meant to be built by hand.
    """

    def __init__(self, modules, original, unsafe=False):
        if len(modules) == 0:
            raise ValueError("ParametrizationList requires one or more modules.")
        super().__init__(modules)
        self.unsafe = unsafe
        original_shape, original_dtype = original.shape, original.dtype

        with no_grad():
            new = original
            for module in reversed(self):
                if hasattr(module, "right_inverse"):
                    try:
                        new = module.right_inverse(new)
                    except NotImplementedError:
                        pass  # then right_inverse is taken to be the identity
        if not isinstance(new, (Tensor, collections.abc.Sequence)):
            raise ValueError("'right_inverse' must return a Tensor or a Sequence of tensors (list, tuple...). "
                             f"Got {type(new).__name__}")
        self.is_tensor = isinstance(new, Tensor)
        self.ntensors = 1 if self.is_tensor else len(new)

        if self.is_tensor:
            if original.dtype != new.dtype:
                raise ValueError("When `right_inverse` outputs one tensor, it may not change the dtype.\n"
                                 f"original.dtype: {original.dtype}\n"
                                 f"right_inverse(original).dtype: {new.dtype}")
            with no_grad():
                _maybe_set(original, new)  # same object: an optimizer holding it keeps working
            _register_parameter_or_buffer(self, "original", original)
        else:
            for i, originali in enumerate(new):
                if not isinstance(originali, Tensor):
                    raise ValueError("'right_inverse' must return a Tensor or a Sequence of tensors (list, tuple...). "
                                     f"Got element {i} of the sequence with type {type(originali).__name__}.")
                if isinstance(original, Parameter):
                    originali = Parameter(originali, original.requires_grad)
                originali.requires_grad_(original.requires_grad)
                _register_parameter_or_buffer(self, f"original{i}", originali)

        if not self.unsafe:
            _check_result(self(), original_shape, original_dtype, ("unparametrized ", "parametrized "),
                          "`unsafe`")

    def right_inverse(self, value):
        """``module.weight = value``: run each ``right_inverse`` from the last parametrization to
        the first and store the result in ``original`` (or ``original0``, ...)."""
        with no_grad():
            for module in reversed(self):
                if not hasattr(module, "right_inverse"):
                    raise RuntimeError(f"parametrization {type(module).__name__} does not implement right_inverse.")
                value = module.right_inverse(value)
            if self.is_tensor:
                if not isinstance(value, Tensor):
                    raise ValueError(f"`right_inverse` should return a tensor. Got {type(value).__name__}")
                if value.dtype != self.original.dtype:
                    raise ValueError(f"The tensor returned by `right_inverse` has dtype {value.dtype} "
                                     f"while `original` has dtype {self.original.dtype}")
                _maybe_set(self.original, value)
            else:
                if not isinstance(value, collections.abc.Sequence):
                    raise ValueError(f"'right_inverse' must return a sequence of tensors. Got {type(value).__name__}.")
                if len(value) != self.ntensors:
                    raise ValueError(f"'right_inverse' must return a sequence of tensors of length {self.ntensors}. "
                                     f"Got a sequence of length {len(value)}.")
                for i, tensor in enumerate(value):
                    original_i = getattr(self, f"original{i}")
                    if not isinstance(tensor, Tensor):
                        raise ValueError("'right_inverse' must return a sequence of tensors or reference-type "
                                         f"opaques. Got element {i} of type {type(tensor).__name__}.")
                    if original_i.dtype != tensor.dtype:
                        raise ValueError(f"Tensor {i} returned by `right_inverse` has dtype {tensor.dtype} "
                                         f"while `original{i}` has dtype {original_i.dtype}")
                    _maybe_set(original_i, tensor)

    def forward(self):
        """``P_k(...P_1(P_0(original)))``; ``P_0`` gets every ``original<i>`` when there are several."""
        if self.is_tensor:
            x = self[0](self.original)
        else:
            x = self[0](*(getattr(self, f"original{i}") for i in range(self.ntensors)))
        for module in list(self)[1:]:
            x = module(x)
        return x


def _inject_new_class(module):
    """Swap ``module``'s class for ``Parametrized<Name>``, a subclass that can carry properties.

    Pickling a parametrized module is refused (torch supports only its ``state_dict``);
    ``deepcopy`` still works by copying the instance dict.
    """
    cls = module.__class__

    def default_deepcopy(self, memo):
        obj = memo.get(id(self), None)
        if obj is not None:
            return obj
        replica = self.__new__(self.__class__)
        memo[id(self)] = replica
        replica.__dict__ = deepcopy(self.__dict__, memo)
        return replica

    def getstate(self):
        raise RuntimeError("Serialization of parametrized modules is only supported through state_dict(). See:\n"
                           "https://pytorch.org/tutorials/beginner/saving_loading_models.html"
                           "#saving-loading-a-general-checkpoint-for-inference-and-or-resuming-training")

    dct = {"__getstate__": getstate}
    if not hasattr(cls, "__deepcopy__"):
        dct["__deepcopy__"] = default_deepcopy
    module.__class__ = type(f"Parametrized{cls.__name__}", (cls,), dct)


def _inject_property(module, tensor_name):
    """Make ``module.<tensor_name>`` a property: reading evaluates the parametrization (once per
    ``cached()`` block), assigning runs its ``right_inverse``."""
    if hasattr(module, tensor_name):
        raise AssertionError(f"Module already has an attribute named '{tensor_name}'")

    def get_parametrized(self):
        parametrization = self.parametrizations[tensor_name]
        if not _cache_enabled:
            return parametrization()
        key = (id(module), tensor_name)
        tensor = _cache.get(key)
        if tensor is None:
            tensor = _cache[key] = parametrization()
        return tensor

    def set_original(self, value):
        self.parametrizations[tensor_name].right_inverse(value)

    setattr(module.__class__, tensor_name, property(get_parametrized, set_original))


def register_parametrization(module, tensor_name, parametrization, *, unsafe=False):
    """Make ``module.<tensor_name>`` equal ``parametrization(original)`` (see the module docstring).

    Registering again on the same name appends to the chain. Unless ``unsafe=True``, the
    parametrization (and its ``right_inverse``, if any) must keep the tensor's dtype and shape.
    Returns ``module``.
    """
    parametrization.train(module.training)
    if is_parametrized(module, tensor_name):
        if not unsafe:
            Y = getattr(module, tensor_name)
            X = parametrization(Y)
            _check_result(X, Y.shape, Y.dtype, (f"module.{tensor_name}.", f"parametrization(module.{tensor_name})."),
                          "the `unsafe`")
            if hasattr(parametrization, "right_inverse"):
                try:
                    Z = parametrization.right_inverse(X)
                except NotImplementedError:
                    pass
                else:
                    _check_right_inverse(Z, Y, tensor_name)
        module.parametrizations[tensor_name].append(parametrization)
        module.parametrizations[tensor_name].unsafe |= unsafe
    elif tensor_name in module._buffers or tensor_name in module._parameters:
        original = getattr(module, tensor_name)
        parametrizations = ParametrizationList([parametrization], original, unsafe=unsafe)  # checks first
        delattr(module, tensor_name)
        if not is_parametrized(module):
            _inject_new_class(module)
            module.parametrizations = ModuleDict()
        _inject_property(module, tensor_name)
        module.parametrizations[tensor_name] = parametrizations
    else:
        raise ValueError(f"Module '{module}' does not have a parameter, a buffer, or a "
                         f"parametrized element with name '{tensor_name}'")
    return module


def _check_right_inverse(Z, Y, tensor_name):
    if not isinstance(Z, Tensor):
        raise ValueError(f"parametrization.right_inverse must return a tensor. Got: {type(Z).__name__}")
    for what, mine, theirs in (("dtype", Y.dtype, Z.dtype), ("shape", Y.shape, Z.shape)):
        if mine != theirs:
            raise ValueError(f"The tensor returned by parametrization.right_inverse must have the same {what} "
                             f"as module.{tensor_name}, unless the `unsafe` flag is enabled.\n"
                             f"module.{tensor_name}.{what}: {mine}\nreturned {what}: {theirs}")


def is_parametrized(module, tensor_name=None):
    """Whether ``module`` has any parametrization (or one on ``tensor_name``)."""
    parametrizations = getattr(module, "parametrizations", None)
    if parametrizations is None or not isinstance(parametrizations, ModuleDict):
        return False
    if tensor_name is None:
        return len(parametrizations) > 0
    return tensor_name in parametrizations


def remove_parametrizations(module, tensor_name, leave_parametrized=True):
    """Undo ``register_parametrization`` on ``tensor_name``.

    ``leave_parametrized=True`` keeps the current parametrized value (written into the
    original Parameter object, so optimizers keep it); ``False`` restores ``original``
    itself, which needs a single original tensor. The class is swapped back once no
    parametrization is left. Returns ``module``.
    """
    if not is_parametrized(module, tensor_name):
        raise ValueError(f"Module {module} does not have a parametrization on {tensor_name}")
    parametrizations = module.parametrizations[tensor_name]
    if parametrizations.is_tensor:
        original = parametrizations.original
        if leave_parametrized:
            with no_grad():
                t = getattr(module, tensor_name)
                _maybe_set(original, t)
    else:
        if not leave_parametrized:
            raise ValueError("Cannot leave unparametrized (`leave_parametrized=False`) a tensor "
                             "that is parametrized in terms of a sequence of tensors.")
        t = getattr(module, tensor_name)  # with grad: it tells whether the originals required it
        original = Parameter(t) if t.requires_grad else t

    delattr(module.__class__, tensor_name)
    del module.parametrizations[tensor_name]
    _register_parameter_or_buffer(module, tensor_name, original)
    if not is_parametrized(module):
        delattr(module, "parametrizations")
        module.__class__ = module.__class__.__bases__[0]
    return module


def type_before_parametrizations(module):
    """The module's class before ``Parametrized<Name>`` was swapped in."""
    if is_parametrized(module):
        return module.__class__.__bases__[0]
    return type(module)


def transfer_parametrizations_and_params(from_module, to_module, tensor_name=None):
    """Register ``from_module``'s parametrizations (all, or those of ``tensor_name``) on
    ``to_module`` too, creating the parameter there if it lacks it, and share the original
    tensors (``to_module``'s ``original`` becomes the same object). Returns ``to_module``."""
    if is_parametrized(from_module):
        parameters_to_transfer = from_module.parametrizations if tensor_name is None else [tensor_name]
        for parameter_name in parameters_to_transfer:
            if not hasattr(to_module, parameter_name):
                setattr(to_module, parameter_name, Parameter(getattr(from_module, parameter_name)))
            for param_func in from_module.parametrizations[parameter_name]:
                register_parametrization(to_module, parameter_name, param_func)
            source, target = from_module.parametrizations[parameter_name], to_module.parametrizations[parameter_name]
            if hasattr(source, "original"):
                target.original = source.original
            else:
                num = 0
                while hasattr(source, f"original{num}"):
                    setattr(target, f"original{num}", getattr(source, f"original{num}"))
                    num += 1
    return to_module
