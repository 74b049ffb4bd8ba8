"""``torch.autograd.graph``: the type of the nodes in the backward graph.

In torch, ``Node`` is the abstract base of every ``grad_fn``. Here every node is an
instance of a ``Function`` subclass, so ``Node`` is simply that base class.
"""
from .function import Function as Node  # noqa: F401
