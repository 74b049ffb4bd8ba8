"""``CIFAR10`` and ``CIFAR100``, read from the "python version" pickle batches.

The CIFAR archives unpack to a folder of pickled dicts (``cifar-10-batches-py/`` with
``data_batch_1`` ... ``data_batch_5``, ``test_batch``, ``batches.meta``; CIFAR-100 has
``train``, ``test``, ``meta``). Each batch holds ``data``, a uint8 ``N x 3072`` array
(1024 red, 1024 green, then 1024 blue values of a 32x32 image, row by row), and the
labels (``labels``, or ``fine_labels`` for CIFAR-100); the meta file names the classes.

Loading is torchvision's: first every file's MD5 is checked (all of them, train and test
-- a missing or altered file is "Dataset not found or corrupted"), then the split's
batches are stacked and reshaped to ``N x 32 x 32 x 3`` (``data``, a NumPy array, as in
torchvision) with ``targets`` a list of ints. ``dataset[i]`` is a PIL RGB image and an int.

``download=True`` fetches and unpacks the archive when the network is reachable.
"""
import os
import pickle
import tarfile

import numpy as np

from .._pil import pil
from .utils import check_integrity, fetch
from .vision import VisionDataset

__all__ = ["CIFAR10", "CIFAR100"]


class CIFAR10(VisionDataset):
    """CIFAR-10: 50,000 training and 10,000 test 32x32 colour images in 10 classes.

    Args:
        root (str or Path): the folder that contains ``cifar-10-batches-py``.
        train (bool): the five training batches if True, else the test batch.
        transform, target_transform (callable, optional): applied to image and label.
        download (bool): fetch the archive first if the files are not there.
    """

    base_folder = "cifar-10-batches-py"
    url = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
    filename = "cifar-10-python.tar.gz"
    tgz_md5 = "c58f30108f718f92721af3b95e74349a"
    train_list = [
        ["data_batch_1", "c99cafc152244af753f735de768cd75f"],
        ["data_batch_2", "d4bba439e000b95fd0a9bffe97cbabec"],
        ["data_batch_3", "54ebc095f3ab1f0389bbae665268c751"],
        ["data_batch_4", "634d18415352ddfa80567beed471001a"],
        ["data_batch_5", "482c414d41f54cd18b22e5b47cb7c3cb"],
    ]
    test_list = [["test_batch", "40351d587109b95175f43aff81a1287e"]]
    meta = {"filename": "batches.meta", "key": "label_names", "md5": "5ff9c542aee3614f3951f8cda6e48888"}

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        if download:
            self.download()
        if not self._check_integrity():
            raise RuntimeError("Dataset not found or corrupted. You can use download=True to download it")
        batches = [self._unpickle(name) for name, _ in (self.train_list if train else self.test_list)]
        self.data = np.vstack([b["data"] for b in batches]).reshape(-1, 3, 32, 32).transpose((0, 2, 3, 1))
        self.targets = [label for b in batches for label in b["labels" if "labels" in b else "fine_labels"]]
        self._load_meta()

    def _unpickle(self, name):
        with open(os.path.join(self.root, self.base_folder, name), "rb") as f:
            return pickle.load(f, encoding="latin1")  # the batches were pickled by Python 2

    def _load_meta(self):
        path = os.path.join(self.root, self.base_folder, self.meta["filename"])
        if not check_integrity(path, self.meta["md5"]):
            raise RuntimeError("Dataset metadata file not found or corrupted. You can use download=True to download it")
        self.classes = self._unpickle(self.meta["filename"])[self.meta["key"]]
        self.class_to_idx = {name: i for i, name in enumerate(self.classes)}

    def __getitem__(self, index):
        img, target = pil().fromarray(self.data[index]), self.targets[index]
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self):
        return len(self.data)

    def _check_integrity(self):
        return all(check_integrity(os.path.join(self.root, self.base_folder, name), md5)
                   for name, md5 in self.train_list + self.test_list)

    def download(self):
        if self._check_integrity():
            return
        archive = fetch(self.url, os.path.join(self.root, self.filename), self.tgz_md5)
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(self.root, filter="data")

    def extra_repr(self):
        return f"Split: {'Train' if self.train is True else 'Test'}"


class CIFAR100(CIFAR10):
    """CIFAR-100: like CIFAR-10 with 100 classes (the 'fine' labels); files in ``cifar-100-python``."""

    base_folder = "cifar-100-python"
    url = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
    filename = "cifar-100-python.tar.gz"
    tgz_md5 = "eb9058c3a382ffc7106e4002c42a8d85"
    train_list = [["train", "16019d7e3df5f24257cddd939b257f8d"]]
    test_list = [["test", "f0ef6b0ae62326f3e7ffdfab6717acfc"]]
    meta = {"filename": "meta", "key": "fine_label_names", "md5": "7973b15100ade9c7d40fb424638fde48"}
