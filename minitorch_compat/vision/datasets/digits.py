"""``Digits``: scikit-learn's bundled handwritten digits as an MNIST-like dataset.

torchvision has no such dataset; it is here because the project's main job needs real
images that come inside an installed package, with no download. scikit-learn ships the
UCI "optical recognition of handwritten digits" test set: 1,797 grey 8x8 images of the
digits 0-9, with pixel values 0..16 (``sklearn.datasets.load_digits``).

To make it a drop-in replacement for MNIST we store the pixels as 8-bit images, scaled
``round(v * 255 / 16)`` (so 16 becomes 255), and return samples exactly as
:class:`~minitorch_compat.vision.datasets.MNIST` does: a PIL ``L`` image (or an ``8 x 8``
uint8 array without Pillow) and an ``int`` label. ``ToTensor()`` then gives a
``1 x 8 x 8`` float32 tensor in [0, 1], and the quickstart network only changes its
input size from 28*28 to 8*8.

The split is fixed, not random: the first 1,437 images (80 %) are the training set
(``train=True``), the last 360 the test set.

scikit-learn is not a dependency of minitorch_compat: it is imported only when a
``Digits`` is created, and a clear ``RuntimeError`` says how to install it if missing.
The samples are plain NumPy/PIL objects, so the same class also feeds real torch's
DataLoader (with torchvision's ``ToTensor``); ``reference/`` uses it that way.
"""
import numpy as np

from ..._ops.creation import from_numpy
from .mnist import LabelledImages

__all__ = ["Digits"]

TRAIN_SIZE = 1437


def load_digits_arrays():
    """``(images, labels)``: uint8 ``1797 x 8 x 8`` in 0..255 and int64 ``1797``."""
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        raise RuntimeError("the Digits dataset needs scikit-learn, which is not installed: "
                           "pip install scikit-learn") from None
    bunch = load_digits()
    images = np.rint(bunch.images * (255.0 / 16.0)).astype(np.uint8)
    return images, bunch.target.astype(np.int64)


class Digits(LabelledImages):
    """scikit-learn's 8x8 handwritten digits (1,437 train / 360 test), MNIST-style.

    Args:
        root (str, optional): unused (the data comes with scikit-learn); kept so the
            signature matches the other datasets.
        train (bool): the first 1,437 images if True, else the last 360.
        transform (callable, optional): applied to each image (e.g. ``ToTensor()``).
        target_transform (callable, optional): applied to each ``int`` label.
        download (bool): ignored; nothing to download.

    Attributes: ``data`` (uint8 ``N x 8 x 8`` tensor), ``targets`` (int64 ``N``),
    ``classes``, ``class_to_idx``.
    """

    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four",
               "5 - five", "6 - six", "7 - seven", "8 - eight", "9 - nine"]

    def __init__(self, root=None, train=True, transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        images, labels = load_digits_arrays()
        part = slice(0, TRAIN_SIZE) if train else slice(TRAIN_SIZE, None)
        self.data = from_numpy(np.ascontiguousarray(images[part]))
        self.targets = from_numpy(np.ascontiguousarray(labels[part]))
