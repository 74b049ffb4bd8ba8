"""``torchvision.models``: classification architectures with torchvision's structure,
printing and initialisation -- ``resnet18/34/50``, ``vgg11/16`` (and ``_bn``),
``alexnet``, ``mobilenet_v2`` -- plus the weights enums and the registry
(``get_model``, ``list_models``...). ``weights=None`` builds a randomly initialised
model identical to torchvision's under the same seed; pretrained weights are fetched
exactly as torchvision fetches them (see ``_api.py``).
"""
from .alexnet import *  # noqa: F401,F403
from .mobilenet import *  # noqa: F401,F403
from .resnet import *  # noqa: F401,F403
from .vgg import *  # noqa: F401,F403
from ._api import Weights, WeightsEnum, get_model, get_model_builder, get_model_weights, get_weight, list_models
