"""Reaches an API minitorch_compat lacks on purpose: the runner must name it in one line.

Each case uses a real torch API that is far outside the project's scope, so the test
keeps meaning something as the project grows."""
import sys

import torch
from torch import nn

print("before")
if sys.argv[1] == "attr":
    layer = nn.LazyConvTranspose3d(4, 3)
elif sys.argv[1] == "module":
    import torchvision.models.detection
elif sys.argv[1] == "from":
    from torch.nn.functional import conv_tbc
elif sys.argv[1] == "method":
    torch.zeros(64).stft(16)
elif sys.argv[1] == "hasattr":
    print(hasattr(torch, "no_such_thing_for_testing"), getattr(torch.backends, "no_such_backend", None))
    raise ValueError("an ordinary error")
