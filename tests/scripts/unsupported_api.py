"""Reaches an API minitorch_compat lacks on purpose: the runner must name it in one line."""
import sys

import torch
from torch import nn

print("before")
if sys.argv[1] == "attr":
    layer = nn.Conv2d(1, 4, 3)
elif sys.argv[1] == "module":
    import torchvision.models
elif sys.argv[1] == "from":
    from torch.nn.functional import conv_nd_for_testing
elif sys.argv[1] == "method":
    torch.zeros(2, 2).no_such_method_for_testing()
elif sys.argv[1] == "hasattr":
    print(hasattr(torch, "no_such_thing_for_testing"), getattr(torch.backends, "no_such_backend", None))
    raise ValueError("an ordinary error")
