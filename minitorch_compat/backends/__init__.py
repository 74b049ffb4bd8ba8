"""``torch.backends``: flags that tune accelerator libraries; kept so scripts can set them."""
from . import cudnn, mha, mps  # noqa: F401
