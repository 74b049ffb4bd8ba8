"""``torchvision.datasets.MNIST`` and ``FashionMNIST``, read from the standard IDX files.

Both datasets ship as four IDX files (images and labels, train and test). An IDX file is
a tiny self-describing binary format::

    bytes 0-1   zero
    byte  2     element type: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32,
                0x0D float32, 0x0E float64
    byte  3     number of dimensions n
    then        n big-endian uint32 sizes, then the elements, big-endian, row-major

so reading one is ``np.frombuffer`` with a big-endian dtype and a reshape
(:func:`read_sn3_pascalvincent_array`; "SN3 / Pascal Vincent" is the format's old name).

Where the files live is torchvision's convention: ``root/<ClassName>/raw/``, e.g.
``data/FashionMNIST/raw/train-images-idx3-ubyte``. A folder prepared for torchvision
works here unchanged, and the other way round.

Where we differ from torchvision, on purpose:

* We also read the ``.gz`` files directly (torchvision only reads the decompressed files
  and decompresses during ``download``), and we only need the two files of the requested
  split, not all four.
* ``data``/``targets`` are minitorch_compat tensors (uint8 ``N x 28 x 28`` and int64
  ``N``), as torchvision's are torch tensors. Samples are PIL images when Pillow is
  installed (exactly torchvision's behaviour); without Pillow, ``H x W`` uint8 NumPy
  arrays, which ``ToTensor`` turns into the same tensors.
* ``download=True`` fetches the ``.gz`` files with the standard library when the network
  is reachable; otherwise it raises one ``RuntimeError`` naming the files to place and
  the folder to place them in. The legacy ``processed/*.pt`` caches are not read.
"""
import gzip
import os
import string
import zipfile

import numpy as np

from ..._ops.creation import from_numpy
from .utils import fetch, verify_str_arg
from .vision import VisionDataset

__all__ = ["MNIST", "FashionMNIST", "KMNIST", "EMNIST", "read_sn3_pascalvincent_array", "read_image_file", "read_label_file"]

# IDX element-type code -> big-endian NumPy dtype.
_IDX_DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def _read_bytes(path):
    """The file's bytes; ``path`` may name the plain file or its ``.gz``, either existing."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        return f.read()


def read_sn3_pascalvincent_array(path):
    """Read one IDX file (plain or gzipped) into a native-endian NumPy array."""
    data = _read_bytes(path)
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in _IDX_DTYPES:
        raise ValueError(f"{path} is not an IDX file (bad magic number {data[:4].hex()})")
    ndim = data[3]
    dims = np.frombuffer(data, dtype=">u4", count=ndim, offset=4).astype(np.int64)
    dtype = np.dtype(_IDX_DTYPES[data[2]])
    flat = np.frombuffer(data, dtype=dtype, offset=4 * (ndim + 1))
    if flat.size != int(np.prod(dims)):
        raise ValueError(f"{path}: header says {tuple(dims.tolist())} but holds {flat.size} elements")
    return flat.reshape(dims.tolist()).astype(dtype.newbyteorder("="))


def read_image_file(path):
    """An ``N x H x W`` uint8 image file, as a NumPy array."""
    x = read_sn3_pascalvincent_array(path)
    if x.dtype != np.uint8:
        raise TypeError(f"x should be of dtype torch.uint8 instead of {x.dtype}")
    if x.ndim != 3:
        raise ValueError(f"x should have 3 dimension instead of {x.ndim}")
    return x


def read_label_file(path):
    """An ``N`` uint8 label file, as an int64 NumPy array (torchvision returns ``long``)."""
    x = read_sn3_pascalvincent_array(path)
    if x.dtype != np.uint8:
        raise TypeError(f"x should be of dtype torch.uint8 instead of {x.dtype}")
    if x.ndim != 1:
        raise ValueError(f"x should have 1 dimension instead of {x.ndim}")
    return x.astype(np.int64)


_PIL_IMAGE = None


def _as_image(arr):
    """A PIL ``L`` image when Pillow is installed (as torchvision), else the array itself."""
    global _PIL_IMAGE
    if _PIL_IMAGE is None:
        try:
            from PIL import Image
            _PIL_IMAGE = Image
        except ImportError:
            _PIL_IMAGE = False
    return _PIL_IMAGE.fromarray(arr) if _PIL_IMAGE else arr


class LabelledImages(VisionDataset):
    """What MNIST-style datasets share: ``data`` (uint8 ``N x H x W``), ``targets`` (int64
    ``N``), ``classes`` and a ``train`` flag; samples are ``(PIL image, int label)``."""

    @property
    def class_to_idx(self):
        return {name: i for i, name in enumerate(self.classes)}

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        """``(image, label)``: the image through ``transform``, the int label through ``target_transform``."""
        img, target = _as_image(self.data.numpy()[index]), int(self.targets.numpy()[index])
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def extra_repr(self):
        return f"Split: {'Train' if self.train is True else 'Test'}"


class MNIST(LabelledImages):
    """The MNIST handwritten digits: 60,000 training and 10,000 test 28x28 grey images.

    Args:
        root (str): folder holding ``MNIST/raw/`` (``FashionMNIST/raw/`` for the subclass).
        train (bool): the ``train-*`` files if True, else the ``t10k-*`` files.
        transform (callable, optional): applied to each image (e.g. ``ToTensor()``).
        target_transform (callable, optional): applied to each label (an ``int``).
        download (bool): fetch missing files (see the module docstring).

    Attributes: ``data`` (uint8 ``N x 28 x 28`` tensor), ``targets`` (int64 ``N``),
    ``classes`` (the label names) and ``class_to_idx``.

    Example::

        >>> train = FashionMNIST(root="data", train=True, transform=ToTensor())
        >>> image, label = train[0]        # image: 1 x 28 x 28 float32 in [0, 1]
    """

    mirrors = ["https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
        ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
        ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
        ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
    ]
    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four",
               "5 - five", "6 - six", "7 - seven", "8 - eight", "9 - nine"]

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        super().__init__(os.fspath(root), transform=transform, target_transform=target_transform)
        self.train = train
        if download and self._missing():
            self.download()
        missing = self._missing()
        if missing:
            raise RuntimeError(f"Dataset not found. You can use download=True to download it, or place "
                               f"{', '.join(missing)} (gzipped or not) in {os.path.abspath(self.raw_folder)}")
        images, labels = (self._find(name) for name in self._split_files())
        self.data = from_numpy(read_image_file(images))
        self.targets = from_numpy(read_label_file(labels))

    # ------------------------------------------------------------------ files
    @property
    def raw_folder(self):
        return os.path.join(self.root, type(self).__name__, "raw")

    @property
    def processed_folder(self):
        return os.path.join(self.root, type(self).__name__, "processed")

    def _split_files(self):
        prefix = "train" if self.train else "t10k"
        return [f"{prefix}-images-idx3-ubyte", f"{prefix}-labels-idx1-ubyte"]

    def _find(self, name):
        """Path of ``name`` or ``name.gz`` under ``raw_folder`` (plain file preferred), or None."""
        for candidate in (name, name + ".gz"):
            path = os.path.join(self.raw_folder, candidate)
            if os.path.isfile(path):
                return path
        return None

    def _missing(self):
        return [name for name in self._split_files() if self._find(name) is None]

    def download(self):
        """Fetch each missing ``.gz`` (md5-checked) into ``raw_folder``; one clear error if we can't."""
        for filename, md5 in self.resources:
            if self._find(filename[:-3]) is not None:
                continue
            errors = []
            for mirror in self.mirrors:
                try:
                    fetch(mirror + filename, os.path.join(self.raw_folder, filename), md5)
                    break
                except RuntimeError as e:
                    errors.append(str(e).removeprefix("could not download "))
            else:
                names = ", ".join(name for name, _ in self.resources)
                raise RuntimeError(f"could not download {filename} ({'; '.join(errors)}); place {names} "
                                   f"(gzipped or not) in {os.path.abspath(self.raw_folder)}")


class FashionMNIST(MNIST):
    """Zalando's Fashion-MNIST: MNIST's format and sizes, ten kinds of clothing instead of digits.

    Same arguments as :class:`MNIST`; the files live in ``root/FashionMNIST/raw/``.
    """

    mirrors = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
        ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
        ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
        ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"),
    ]
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


class KMNIST(MNIST):
    """Kuzushiji-MNIST: MNIST's format and sizes, ten cursive Japanese (hiragana) characters.

    Same arguments as :class:`MNIST`; the files live in ``root/KMNIST/raw/``.
    """

    mirrors = ["http://codh.rois.ac.jp/kmnist/dataset/kmnist/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "bdb82020997e1d708af4cf47b453dcf7"),
        ("train-labels-idx1-ubyte.gz", "e144d726b3acfaa3e44228e80efcd344"),
        ("t10k-images-idx3-ubyte.gz", "5c965bf0a639b31b8f53240b1b52f4d7"),
        ("t10k-labels-idx1-ubyte.gz", "7320c461ea6c1c855c0b718fb2a4b134"),
    ]
    classes = ["o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"]


class EMNIST(MNIST):
    """Extended MNIST: handwritten digits and letters in six ``split`` s of MNIST's format.

    Args:
        root (str): folder holding ``EMNIST/raw/emnist-<split>-<train|test>-*-idx?-ubyte``.
        split (str): ``byclass``, ``bymerge``, ``balanced``, ``letters``, ``digits`` or
            ``mnist``; it decides the files read and the ``classes``.
        **kwargs: ``train``, ``transform``, ``target_transform``, ``download`` as for MNIST.

    As in torchvision the images are stored transposed (as in the NIST source) and come
    out that way; ``download`` fetches the one zip that holds all splits.
    """

    url = "https://biometrics.nist.gov/cs_links/EMNIST/gzip.zip"
    md5 = "58c8d27c78d21e728a6bc7b3cc06412e"
    splits = ("byclass", "bymerge", "balanced", "letters", "digits", "mnist")
    # "bymerge"/"balanced" merge the letters whose upper and lower case look alike
    _merged_classes = {"c", "i", "j", "k", "l", "m", "o", "p", "s", "u", "v", "w", "x", "y", "z"}
    _all_classes = set(string.digits + string.ascii_letters)
    classes_split_dict = {
        "byclass": sorted(_all_classes),
        "bymerge": sorted(_all_classes - _merged_classes),
        "balanced": sorted(_all_classes - _merged_classes),
        "letters": ["N/A"] + list(string.ascii_lowercase),
        "digits": list(string.digits),
        "mnist": list(string.digits),
    }

    def __init__(self, root, split, **kwargs):
        self.split = verify_str_arg(split, "split", self.splits)
        super().__init__(root, **kwargs)
        self.classes = self.classes_split_dict[self.split]

    def _split_files(self):
        prefix = f"emnist-{self.split}-{'train' if self.train else 'test'}"
        return [f"{prefix}-images-idx3-ubyte", f"{prefix}-labels-idx1-ubyte"]

    def download(self):
        archive = fetch(self.url, os.path.join(self.raw_folder, "gzip.zip"), self.md5)
        with zipfile.ZipFile(archive) as z:
            for member in z.namelist():
                if member.endswith(".gz"):
                    with open(os.path.join(self.raw_folder, os.path.basename(member)), "wb") as f:
                        f.write(z.read(member))
