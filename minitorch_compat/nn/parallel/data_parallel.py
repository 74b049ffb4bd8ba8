"""``nn.DataParallel``: split each batch across GPUs, run one replica of the module per GPU.

What torch does: on a machine with GPUs, ``forward`` scatters the inputs along ``dim``,
replicates the module onto each device, runs the replicas in threads and gathers the
outputs on ``output_device``. When no accelerator is available (torch's
``_get_available_device_type()`` is ``None``), the constructor only stores ``module`` and
``device_ids = []`` -- whatever ``device_ids`` were asked for, and without setting
``dim`` or ``output_device`` -- and ``forward`` is a plain call of the module. The
wrapper still shows in ``print`` and prefixes ``state_dict`` keys with ``module.``,
which is why checkpoints saved from a wrapped model need that prefix stripped.

How we do it: minitorch_compat has no accelerator, so only that CPU behaviour exists.
"""
from ..modules.module import Module

__all__ = ["DataParallel", "data_parallel"]


class DataParallel(Module):
    """Wraps ``module``; without GPUs, ``forward`` just calls it.

    Args:
        module: the module to run.
        device_ids, output_device, dim: accepted and ignored without GPUs, as in torch.

    Example::

        >>> model = nn.DataParallel(nn.Linear(3, 2))
        >>> list(model.state_dict())
        ['module.weight', 'module.bias']
    """

    def __init__(self, module, device_ids=None, output_device=None, dim=0):
        super().__init__()
        self.module = module
        self.device_ids = []

    def forward(self, *inputs, **kwargs):
        return self.module(*inputs, **kwargs)


def data_parallel(module, inputs, device_ids=None, output_device=None, dim=0, module_kwargs=None):
    """The functional form; torch refuses it outright when there is no accelerator."""
    raise RuntimeError("device type could not be determined")
