"""``torchvision.utils``: ``make_grid`` and ``save_image``, for looking at a batch.

``make_grid`` tiles a ``B x C x H x W`` batch into one ``C x H' x W'`` image: ``nrow``
images per row, ``padding`` pixels of ``pad_value`` around and between them. With
``normalize=True`` the values are first clamped to ``value_range`` (default: the batch's
own min and max, or each image's with ``scale_each``) and mapped to [0, 1]. One-channel
images are repeated to three channels, so the grid is always RGB(A)-shaped.

``save_image`` makes the grid, converts it to 8 bits exactly as torchvision does
(``x * 255 + 0.5``, clamped, truncated) and lets Pillow write the file, so the image
written is the one torchvision writes.

torchvision copies image after image into the grid; here the batch is padded into cells
and the cells are laid out with one reshape (no loop over images).
"""
import math

import numpy as np

from .._ops.creation import from_numpy
from .._tensor import Tensor
from ._pil import pil

__all__ = ["make_grid", "save_image"]


def _normalized(arr, value_range, scale_each):
    """Clamp to (low, high) and map to [0, 1]; low/high from the data when not given."""
    f = arr.dtype.type

    def norm(x, low, high):
        return (np.clip(x, f(low), f(high)) - f(low)) / f(max(high - low, 1e-5))

    if value_range is not None and not isinstance(value_range, tuple):
        raise TypeError("value_range has to be a tuple (min, max) if specified. min and max are numbers")
    if scale_each is True:
        return np.stack([norm(x, *(value_range or (float(x.min()), float(x.max())))) for x in arr])
    return norm(arr, *(value_range or (float(arr.min()), float(arr.max()))))


def make_grid(tensor, nrow=8, padding=2, normalize=False, value_range=None, scale_each=False, pad_value=0.0):
    """Tile a batch (``B x C x H x W`` tensor or list of ``C x H x W`` tensors) into one image.

    Returns a ``C x (rows * (H + padding) + padding) x (cols * (W + padding) + padding)``
    tensor (``cols = min(nrow, B)``), or the single image itself when ``B == 1``.
    """
    if not isinstance(tensor, Tensor):
        if isinstance(tensor, list):
            for t in tensor:
                if not isinstance(t, Tensor):
                    raise TypeError(f"tensor or list of tensors expected, got a list containing {type(t)}")
        else:
            raise TypeError(f"tensor or list of tensors expected, got {type(tensor)}")
    arr = np.stack([t.detach().numpy() for t in tensor]) if isinstance(tensor, list) else tensor.detach().numpy()
    if arr.ndim == 2:
        arr = arr[None]
    if arr.ndim == 3:
        arr = arr[None] if arr.shape[0] != 1 else np.concatenate([arr] * 3)[None]
    if arr.ndim == 4 and arr.shape[1] == 1:
        arr = np.concatenate([arr] * 3, axis=1)
    if normalize is True:
        arr = _normalized(arr, value_range, scale_each)
    if arr.shape[0] == 1:
        return from_numpy(np.array(arr[0]))
    nmaps, channels, h, w = arr.shape
    xmaps = min(nrow, nmaps)
    ymaps = int(math.ceil(float(nmaps) / xmaps))
    cell_h, cell_w = h + padding, w + padding
    # every cell: the image at offset (padding, padding), pad_value around it; empty cells
    # at the end of the last row are all pad_value
    cells = np.full((ymaps * xmaps, channels, cell_h, cell_w), pad_value, dtype=arr.dtype)
    cells[:nmaps, :, padding:, padding:] = arr
    grid = np.full((channels, ymaps * cell_h + padding, xmaps * cell_w + padding), pad_value, dtype=arr.dtype)
    grid[:, :ymaps * cell_h, :xmaps * cell_w] = (cells.reshape(ymaps, xmaps, channels, cell_h, cell_w)
                                                 .transpose(2, 0, 3, 1, 4).reshape(channels, ymaps * cell_h, -1))
    return from_numpy(grid)


def save_image(tensor, fp, format=None, **kwargs):
    """Write ``make_grid(tensor, **kwargs)`` (values in [0, 1]) as an 8-bit image file.

    ``format`` is needed when ``fp`` is a file object; otherwise Pillow takes it from the
    file name's extension.
    """
    grid = make_grid(tensor, **kwargs).numpy()
    f = grid.dtype.type
    ndarr = np.clip(grid * f(255) + f(0.5), 0, 255).transpose(1, 2, 0).astype(np.uint8)
    image = pil().fromarray(ndarr)
    image.save(fp, format=format)
