"""Pretrained-weight descriptions and the model registry (``torchvision/models/_api.py``).

What torchvision does: each architecture has a ``WeightsEnum`` (``ResNet18_Weights``)
whose members (``IMAGENET1K_V1``, and the alias ``DEFAULT``) are ``Weights`` records: the
checkpoint's URL, a preprocessing preset and metadata. A builder
(``resnet18(weights=...)``) accepts a member, its name as a string
(``"DEFAULT"``, ``"ResNet18_Weights.DEFAULT"``) or ``None``; ``verify`` turns strings into
members and rejects members of another enum with a ``TypeError``. With weights, the
builder fixes ``num_classes`` to the checkpoint's (a different explicit value is a
``ValueError``), builds the model and loads ``weights.get_state_dict()``, which goes
through ``torch.hub.load_state_dict_from_url`` (cache, else download). Builders are
registered by name for ``get_model("resnet18")`` and ``list_models()``.

How we do it: the same classes and the same flow; downloads go through our
``minitorch_compat.hub`` (so with no network the error is urllib's ``URLError``, as with
torchvision, and a checkpoint already in ``$TORCH_HOME/hub/checkpoints`` loads as it
would there).

Where we differ on purpose: ``Weights.transforms`` is ``None`` (torchvision's
``ImageClassification`` preset is not built here) and ``meta`` keeps only
``num_params``, ``min_size`` and ``num_classes`` -- not the 1000 ImageNet category names.
"""
import fnmatch
from dataclasses import dataclass, field
from enum import Enum

from ...hub import load_state_dict_from_url

__all__ = ["WeightsEnum", "Weights", "get_model", "get_model_builder", "get_model_weights", "get_weight",
           "list_models"]

IMAGENET_CLASSES = 1000


@dataclass
class Weights:
    """One pretrained checkpoint: where it lives and what it was trained for."""

    url: str
    transforms: object = None
    meta: dict = field(default_factory=dict)


class WeightsEnum(Enum):
    """Base of every ``<Model>_Weights`` enum; members' values are ``Weights``."""

    @classmethod
    def verify(cls, obj):
        if obj is not None:
            if type(obj) is str:
                obj = cls[obj.replace(cls.__name__ + ".", "")]
            elif not isinstance(obj, cls):
                raise TypeError(f"Invalid Weight class provided; expected {cls.__name__} but received "
                                f"{obj.__class__.__name__}.")
        return obj

    def get_state_dict(self, *args, **kwargs):
        return load_state_dict_from_url(self.url, *args, **kwargs)

    def __repr__(self):
        return f"{self.__class__.__name__}.{self._name_}"

    @property
    def url(self):
        return self.value.url

    @property
    def transforms(self):
        return self.value.transforms

    @property
    def meta(self):
        return self.value.meta


def imagenet_weights(url, num_params, min_size):
    """A ``Weights`` record for an ImageNet-1K classification checkpoint."""
    return Weights(url, None, {"num_params": num_params, "min_size": min_size, "num_classes": IMAGENET_CLASSES})


BUILTIN_MODELS = {}


def register_model(name=None):
    def wrapper(fn):
        key = name if name is not None else fn.__name__
        if key in BUILTIN_MODELS:
            raise ValueError(f"An entry is already registered under the name '{key}'.")
        BUILTIN_MODELS[key] = fn
        return fn
    return wrapper


def list_models(module=None, include=None, exclude=None):
    """Sorted names of the registered builders, filtered by ``fnmatch`` patterns."""
    names = {k for k, fn in BUILTIN_MODELS.items() if module is None or fn.__module__.rsplit(".", 1)[0] == module.__name__}
    if include:
        patterns = [include] if isinstance(include, str) else include
        names = set().union(*(fnmatch.filter(names, p) for p in patterns))
    for pattern in ([exclude] if isinstance(exclude, str) else exclude or []):
        names -= set(fnmatch.filter(names, pattern))
    return sorted(names)


def get_model_builder(name):
    name = name.lower()
    try:
        return BUILTIN_MODELS[name]
    except KeyError:
        raise ValueError(f"Unknown model {name}") from None


def get_model(name, **config):
    return get_model_builder(name)(**config)


def get_model_weights(name):
    """The ``WeightsEnum`` of a builder (or of the builder registered under ``name``)."""
    fn = get_model_builder(name) if isinstance(name, str) else name
    return fn._weights_enum


def get_weight(name):
    """``get_weight("ResNet50_Weights.IMAGENET1K_V1")`` -> that member."""
    try:
        enum_name, value_name = name.split(".")
    except ValueError:
        raise ValueError(f"Invalid weight name provided: '{name}'.") from None
    for fn in BUILTIN_MODELS.values():
        if fn._weights_enum.__name__ == enum_name:
            return fn._weights_enum[value_name]
    raise ValueError(f"The weight enum '{enum_name}' for the specific method couldn't be retrieved.")
