"""``torch.optim``: optimizers and learning-rate schedulers (``lr_scheduler``).

Every optimizer is the same loop (``Optimizer.step`` in ``optimizer.py``) around its own
``_update``, torch's algorithm for one parameter; ``_pointwise.py`` holds the rounding
policy they all share.
"""
from .optimizer import Optimizer
from .sgd import SGD
from .adam import Adam
from .adamw import AdamW
from .nadam import NAdam
from .radam import RAdam
from .adamax import Adamax
from .rmsprop import RMSprop
from .adagrad import Adagrad
from .adadelta import Adadelta
from .asgd import ASGD
from .rprop import Rprop
from .lbfgs import LBFGS
from . import lr_scheduler  # noqa: F401

__all__ = ["Adadelta", "Adagrad", "Adam", "Adamax", "AdamW", "ASGD", "LBFGS", "lr_scheduler", "NAdam", "Optimizer",
           "RAdam", "RMSprop", "Rprop", "SGD"]
