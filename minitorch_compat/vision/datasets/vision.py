"""``torchvision.datasets.vision``: the base class every vision dataset shares.

A vision dataset is a map-style :class:`~minitorch_compat.utils.data.Dataset`
(``__getitem__`` + ``__len__``) that also remembers where its files live (``root``) and
which transforms to apply to each sample. torchvision keeps two equivalent ways of
passing them: ``transform``/``target_transform`` (image and label separately), or one
joint ``transforms(image, target)``; the first pair is wrapped in a
:class:`StandardTransform` so both end up in ``self.transforms``. The ``repr`` lists all
of it, line for line as torchvision prints it.
"""
import os

from ...utils.data import Dataset

__all__ = ["VisionDataset", "StandardTransform"]


class VisionDataset(Dataset):
    """Base class: stores ``root``, ``transform``, ``target_transform`` and ``transforms``.

    Subclasses implement ``__getitem__`` and ``__len__`` and may add ``extra_repr``.
    """

    _repr_indent = 4

    def __init__(self, root=None, transforms=None, transform=None, target_transform=None):
        if isinstance(root, str):
            root = os.path.expanduser(root)
        self.root = root
        separate = transform is not None or target_transform is not None
        if transforms is not None and separate:
            raise ValueError("Only transforms or transform/target_transform can be passed as argument")
        self.transform = transform
        self.target_transform = target_transform
        if separate:
            transforms = StandardTransform(transform, target_transform)
        self.transforms = transforms

    def __getitem__(self, index):
        raise NotImplementedError

    def __len__(self):
        raise NotImplementedError

    def extra_repr(self):
        return ""

    def __repr__(self):
        body = [f"Number of datapoints: {len(self)}"]
        if self.root is not None:
            body.append(f"Root location: {self.root}")
        body += self.extra_repr().splitlines()
        if self.transforms is not None:
            body += [repr(self.transforms)]
        pad = " " * self._repr_indent
        return "\n".join([f"Dataset {type(self).__name__}"] + [pad + line for line in body])


class StandardTransform:
    """``(image, target) -> (transform(image), target_transform(target))``."""

    def __init__(self, transform=None, target_transform=None):
        self.transform = transform
        self.target_transform = target_transform

    def __call__(self, input, target):
        if self.transform is not None:
            input = self.transform(input)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return input, target

    @staticmethod
    def _indent(transform, head):
        lines = repr(transform).splitlines()
        return [head + lines[0]] + [" " * len(head) + line for line in lines[1:]]

    def __repr__(self):
        body = [type(self).__name__]
        if self.transform is not None:
            body += self._indent(self.transform, "Transform: ")
        if self.target_transform is not None:
            body += self._indent(self.target_transform, "Target transform: ")
        return "\n".join(body)
