"""``torch.layout`` and ``torch.memory_format`` values (C++ enums in torch).

Factory functions accept ``layout=torch.strided`` (the only layout here) and
``memory_format=``; NumPy arrays have one dense strided layout, so a memory format is
accepted and changes nothing.
"""


class _Enum:
    def __init__(self, name):
        self._name = name

    def __repr__(self):
        return "torch." + self._name


class layout(_Enum):
    __module__ = "minitorch_compat"  # torch.layout


class memory_format(_Enum):
    __module__ = "minitorch_compat"  # torch.memory_format


strided = layout("strided")
sparse_coo = layout("sparse_coo")
contiguous_format = memory_format("contiguous_format")
preserve_format = memory_format("preserve_format")
channels_last = memory_format("channels_last")
channels_last_3d = memory_format("channels_last_3d")
