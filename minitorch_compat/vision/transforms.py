"""``torchvision.transforms``: the four transforms every beginner pipeline uses.

A transform is any callable that takes a sample and returns a new one; a dataset applies
``transform`` to each image it returns and ``target_transform`` to each label. The usual
image pipeline is ``Compose([ToTensor(), Normalize(mean, std)])``:

* ``ToTensor`` turns a PIL image or an ``H x W x C`` NumPy array into a ``C x H x W``
  tensor, scaling 8-bit pixels to floats in ``[0, 1]``;
* ``Normalize`` then maps each channel ``c`` to ``(x[c] - mean[c]) / std[c]``.

torchvision splits this into ``transforms/transforms.py`` (the classes) and
``transforms/functional.py`` (``to_tensor``, ``normalize``); both live in this one file.
The rules below (which inputs are scaled, which dtypes come out, which errors are raised)
are torchvision's, checked against it in ``tests/test_vision.py``.

As in torchvision, ``Normalize`` is an ``nn.Module`` (so it can also sit inside a model)
and the other three are plain callables. PIL is never imported here: an object is treated as a PIL image only when PIL is already
loaded and the object is an instance of ``PIL.Image.Image``.
"""
import sys

import numpy as np

from .._dtype import get_default_dtype
from .._ops.creation import as_tensor, from_numpy
from .._tensor import Tensor
from ..nn.modules.module import Module

__all__ = ["Compose", "ToTensor", "Lambda", "Normalize", "to_tensor", "normalize"]


def _is_pil_image(obj):
    pil_image = sys.modules.get("PIL.Image")
    return pil_image is not None and isinstance(obj, pil_image.Image)


# PIL modes whose pixels are not 8-bit, and the NumPy dtype torchvision reads them as.
# Every other mode ("L", "RGB", "RGBA", "P", "1", ...) is read as uint8.
_PIL_MODE_DTYPE = {"I": np.int32, "I;16" if sys.byteorder == "little" else "I;16B": np.int16, "F": np.float32}


def to_tensor(pic):
    """Convert a PIL image or a NumPy array to a ``C x H x W`` tensor (torchvision's rules).

    * ndarray ``H x W x C`` -> ``C x H x W``; a 2-D ``H x W`` array gets one channel.
    * Only **uint8** data is converted to the default float dtype and divided by 255; any
      other dtype (float64, int32, bool...) keeps its dtype and values, just transposed.
    * PIL images: modes ``I``/``I;16``/``F`` are read as int32/int16/float32 (not scaled),
      every other mode as uint8 (scaled); mode ``1`` (1-bit) is first multiplied by 255 so
      that white becomes 1.0.
    """
    if not (_is_pil_image(pic) or isinstance(pic, np.ndarray)):
        raise TypeError(f"pic should be PIL Image or ndarray. Got {type(pic)}")
    if isinstance(pic, np.ndarray):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        arr = pic[:, :, None] if pic.ndim == 2 else pic
    else:
        arr = np.array(pic, _PIL_MODE_DTYPE.get(pic.mode, np.uint8), copy=True)
        if pic.mode == "1":
            arr = 255 * arr
        arr = arr.reshape(pic.size[1], pic.size[0], len(pic.getbands()))
    # from_numpy keeps the dtype (and rejects what torch.from_numpy rejects); the copy makes
    # the C x H x W result contiguous, as torchvision's ``.contiguous()`` does.
    img = from_numpy(arr.transpose((2, 0, 1))).contiguous()
    if arr.dtype == np.uint8:
        return img.to(dtype=get_default_dtype()).div(255)
    return img


def normalize(tensor, mean, std, inplace=False):
    """``(tensor - mean[c]) / std[c]`` per channel of a float ``(..., C, H, W)`` tensor.

    ``mean`` and ``std`` are converted to the tensor's dtype first; a ``std`` that becomes
    zero in that dtype is an error (torchvision checks this too). Out of place unless
    ``inplace=True``.
    """
    if not isinstance(tensor, Tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(tensor)}")
    if tensor.ndim < 2:
        raise TypeError("Tensor is not a torch image.")
    if not tensor.is_floating_point():
        raise TypeError(f"Input tensor should be a float tensor. Got {tensor.dtype}.")
    if tensor.ndim < 3:
        raise ValueError(f"Expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = {tensor.size()}")
    if not inplace:
        tensor = tensor.clone()
    mean = as_tensor(mean, dtype=tensor.dtype)
    std = as_tensor(std, dtype=tensor.dtype)
    if (std == 0).any():
        raise ValueError(f"std evaluated to zero after conversion to {tensor.dtype}, leading to division by zero.")
    if mean.ndim == 1:
        mean = mean.view(-1, 1, 1)
    if std.ndim == 1:
        std = std.view(-1, 1, 1)
    return tensor.sub_(mean).div_(std)


class Compose:
    """Chain transforms: ``Compose([f, g])(x) == g(f(x))``.

    Example::

        >>> transform = Compose([ToTensor(), Normalize((0.5,), (0.5,))])
    """

    def __init__(self, transforms):
        self.transforms = transforms

    def __call__(self, img):
        for t in self.transforms:
            img = t(img)
        return img

    def __repr__(self):
        lines = [f"    {t}" for t in self.transforms]
        return "\n".join([f"{type(self).__name__}("] + lines + [")"])


class ToTensor:
    """PIL image / ``H x W x C`` ndarray -> ``C x H x W`` tensor; uint8 scaled to [0, 1].

    See :func:`to_tensor` for the exact rules (they depend on the input's dtype or mode).
    """

    def __call__(self, pic):
        return to_tensor(pic)

    def __repr__(self):
        return f"{type(self).__name__}()"


class Lambda:
    """Wrap any function as a transform, e.g. one-hot targets::

        Lambda(lambda y: torch.zeros(10).scatter_(0, torch.tensor(y), value=1))
    """

    def __init__(self, lambd):
        if not callable(lambd):
            raise TypeError(f"Argument lambd should be callable, got {repr(type(lambd).__name__)}")
        self.lambd = lambd

    def __call__(self, img):
        return self.lambd(img)

    def __repr__(self):
        return f"{type(self).__name__}()"


class Normalize(Module):
    """Per-channel ``output[c] = (input[c] - mean[c]) / std[c]`` on a float tensor image.

    Args:
        mean (sequence): one mean per channel.
        std (sequence): one standard deviation per channel.
        inplace (bool): overwrite the input instead of returning a new tensor.

    Shape: ``(..., C, H, W)`` in and out.
    """

    def __init__(self, mean, std, inplace=False):
        super().__init__()
        self.mean = mean
        self.std = std
        self.inplace = inplace

    def forward(self, tensor):
        return normalize(tensor, self.mean, self.std, self.inplace)

    def __repr__(self):
        return f"{type(self).__name__}(mean={self.mean}, std={self.std})"
