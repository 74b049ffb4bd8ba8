"""Helpers the model builders share (``torchvision/models/_utils.py``).

* ``_make_divisible``: round a channel count to a multiple of 8 (MobileNet's rule: to the
  nearest multiple, never below the divisor, never more than 10% below the request).
* ``_ovewrite_named_param`` (sic, torchvision's spelling): pretrained weights dictate
  ``num_classes``; a different explicit value is a ``ValueError``.
* ``_build``: what every builder does with ``weights``: fix ``num_classes``, construct,
  load the checkpoint.
* ``builder``: registers a builder under its name and keeps torchvision's pre-0.13
  calling conventions alive, with torchvision's deprecation warnings: positional
  ``weights``/``progress`` and ``pretrained=True/False`` (``True`` means the enum's
  legacy checkpoint, usually ``IMAGENET1K_V1``).
"""
import functools
import warnings

from ._api import WeightsEnum, register_model

__all__ = ["_make_divisible", "_ovewrite_named_param", "_build", "builder"]


def _make_divisible(v, divisor, min_value=None):
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


def _ovewrite_named_param(kwargs, param, new_value):
    if param in kwargs:
        if kwargs[param] != new_value:
            raise ValueError(f"The parameter '{param}' expected value {new_value} but got {kwargs[param]} instead.")
    else:
        kwargs[param] = new_value


def _build(model_class, weights, progress, *args, **kwargs):
    """``model_class(*args, **kwargs)``; with ``weights``, sized for and loaded with that checkpoint."""
    if weights is not None and weights.meta["num_classes"] is not None:
        _ovewrite_named_param(kwargs, "num_classes", weights.meta["num_classes"])
    model = model_class(*args, **kwargs)
    if weights is not None:
        model.load_state_dict(weights.get_state_dict(progress=progress, check_hash=True))
    return model


def _quoted(names):
    """('weights', 'progress') -> "'weights' and 'progress'" (torchvision's sequence_to_str)."""
    return " and ".join(f"'{n}'" for n in names)


def _legacy_weights(kwargs, legacy):
    """Map ``pretrained=...`` (or a non-enum positional ``weights``) to a weights member, warning as torchvision."""
    sentinel = object()
    arg = kwargs.get("weights", sentinel)
    if ("weights" not in kwargs and "pretrained" not in kwargs) or isinstance(arg, WeightsEnum) \
            or (isinstance(arg, str) and arg != "legacy") or arg is None:
        return
    positional = arg is not sentinel
    pretrained = kwargs.pop("weights") if positional else kwargs.pop("pretrained")
    new = legacy if pretrained else None
    if not positional:
        warnings.warn("The parameter 'pretrained' is deprecated since 0.13 and may be removed in the future, "
                      "please use 'weights' instead.")
    msg = ("Arguments other than a weight enum or `None` for 'weights' are deprecated since 0.13 and may be removed "
           f"in the future. The current behavior is equivalent to passing `weights={new}`.")
    if pretrained:
        msg += f" You can also use `weights={type(new).__name__}.DEFAULT` to get the most up-to-date weights."
    warnings.warn(msg)
    kwargs["weights"] = new


def builder(weights_enum, legacy):
    """Decorate a model builder ``fn(*, weights=None, progress=True, **kwargs)``."""
    def wrap(fn):
        @functools.wraps(fn)
        def build(*args, **kwargs):
            if args:
                names = ("weights", "progress")[:len(args)]
                warnings.warn(f"Using {_quoted(names)} as positional parameter(s) is deprecated since 0.13 and may be "
                              "removed in the future. Please use keyword parameter(s) instead.")
                kwargs.update(zip(names, args))
            _legacy_weights(kwargs, legacy)
            return fn(**kwargs)

        build._weights_enum = weights_enum
        return register_model()(build)
    return wrap
