"""``torch.nn.parallel``: multi-device wrappers. Only ``DataParallel`` (and
``data_parallel``) are here, with the behaviour torch has on a machine without GPUs."""
from .data_parallel import DataParallel, data_parallel

__all__ = ["DataParallel", "data_parallel"]
