"""The layer classes of ``torch.nn``, one file per family as in torch."""
from .module import Module
from .linear import Identity, Linear
from .activation import ReLU, LeakyReLU, GELU, SiLU, ELU, Softplus, Sigmoid, Tanh, Softmax, LogSoftmax
from .container import Sequential, ModuleList, ModuleDict
from .flatten import Flatten, Unflatten
from .dropout import Dropout
from .loss import CrossEntropyLoss, NLLLoss, MSELoss, L1Loss, BCELoss, BCEWithLogitsLoss

__all__ = ["Module", "Identity", "Linear", "ReLU", "LeakyReLU", "GELU", "SiLU", "ELU", "Softplus", "Sigmoid",
           "Tanh", "Softmax", "LogSoftmax", "Sequential", "ModuleList", "ModuleDict", "Flatten", "Unflatten",
           "Dropout", "CrossEntropyLoss", "NLLLoss", "MSELoss", "L1Loss", "BCELoss", "BCEWithLogitsLoss"]
