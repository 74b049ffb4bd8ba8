"""NumPy's argument names, accepted where torch accepts them.

torch's argument parser treats ``axis`` as another spelling of ``dim`` and ``keepdims`` of
``keepdim`` (so ``torch.cat(xs, axis=0)`` and ``x.sum(axis=1, keepdims=True)`` work, as in
the seed template scripts). Rather than adding the aliases to every signature, the
functions that have a ``dim``/``keepdim`` parameter are wrapped once, at import, by
``numpy_aliases``; the wrapper only renames keyword arguments, so calls without keywords
pay one extra function call.
"""
import functools
import inspect

_ALIASES = (("axis", "dim"), ("keepdims", "keepdim"))


def numpy_aliases(fn):
    """``fn`` accepting ``axis=``/``keepdims=``; returned unchanged if it has neither parameter."""
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return fn
    if "dim" not in params and "keepdim" not in params:
        return fn

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return fn(*args, **(_renamed(fn, kwargs) if kwargs else kwargs))
    return wrapper


def _renamed(fn, kwargs):
    for numpy_name, torch_name in _ALIASES:
        if numpy_name in kwargs:
            if torch_name in kwargs:
                raise TypeError(f"{fn.__name__}() received both '{torch_name}' and its alias '{numpy_name}'")
            kwargs[torch_name] = kwargs.pop(numpy_name)
    return kwargs


def add_numpy_aliases(namespace):
    """Wrap every plain function in ``namespace`` (a module's globals or a class's dict)."""
    items = namespace.items() if isinstance(namespace, dict) else vars(namespace).items()
    for name, obj in list(items):
        if inspect.isfunction(obj) and not name.startswith("__"):
            wrapped = numpy_aliases(obj)
            if wrapped is not obj:
                if isinstance(namespace, dict):
                    namespace[name] = wrapped
                else:
                    setattr(namespace, name, wrapped)
