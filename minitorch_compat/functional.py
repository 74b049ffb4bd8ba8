"""``torch.functional``: the tensor functions torch writes in Python (``torch/functional.py``).

torch defines ``norm``, ``split``, ``einsum``, ``meshgrid``... in that file and re-exports
them as ``torch.norm`` and so on; scripts sometimes import them from here
(``import torch.functional as F``). The ones minitorch_compat implements are the same
objects as ``minitorch_compat.norm`` / ``minitorch_compat.split``.
"""
from . import norm, split

__all__ = ["norm", "split"]
