"""``torch.nn.Parameter`` and ``torch.nn.Buffer``: tensors that a Module registers.

What torch does: ``Parameter`` is a Tensor subclass whose only job is to be recognised by
``Module.__setattr__``. Assigning one to a module attribute puts it into
``module._parameters``, so it shows up in ``parameters()``, ``state_dict()`` and the
optimizer. A Parameter shares storage with the tensor it wraps and requires grad by
default. Results of operations on it are plain tensors, not Parameters.

How we do it: the same. ``Parameter(t)`` is a new Tensor object holding *the same* NumPy
array as ``t`` (``_data``), so writes through either are seen by both, exactly like
torch's storage sharing.

``Buffer`` (torch >= 2.5) marks a tensor to be registered as a buffer on assignment
(``self.running_mean = nn.Buffer(torch.zeros(3))``). As in torch, ``Buffer(t)`` returns a
plain tensor carrying a flag; ``isinstance(x, Buffer)`` checks that flag.
"""
from .._ops.creation import empty
from .._tensor import Tensor, _wrap

__all__ = ["Parameter", "Buffer"]


class Parameter(Tensor):
    """A Tensor that is a module parameter (requires grad unless told otherwise).

    Args:
        data (Tensor): the values; storage is shared, not copied. Default: an empty tensor.
        requires_grad (bool): whether the parameter requires gradient. Default: ``True``.
    """

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            data = empty(0)
        self = object.__new__(cls)
        self._data = data._data
        if requires_grad:
            if self._data.dtype.kind not in "fc":
                raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
            self._requires_grad = True
        return self

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    def __reduce_ex__(self, proto):
        # copy/pickle: rebuild a Parameter (not a plain Tensor) with the same flag.
        return (_rebuild_parameter, (self._data, self._requires_grad))


def _rebuild_parameter(data, requires_grad):
    return Parameter(_wrap(data), requires_grad)


class _BufferMeta(type):
    # isinstance(t, Buffer) is true for tensors that Buffer() marked.
    def __instancecheck__(cls, instance):
        return isinstance(instance, Tensor) and getattr(instance, "_is_buffer", False)


class Buffer(metaclass=_BufferMeta):
    """Marks a tensor as a buffer: ``Buffer(data, persistent=True)`` returns a plain tensor.

    Assigning it to a module attribute registers it with ``register_buffer(name, t,
    persistent)``; non-persistent buffers are left out of ``state_dict()``.
    """

    def __new__(cls, data=None, *, persistent=True):
        if data is None:
            data = empty(0)
        t = _wrap(data._data)  # detached, like torch's data.detach()
        t.persistent = persistent
        t._is_buffer = True
        return t
