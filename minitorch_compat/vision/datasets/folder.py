"""``ImageFolder`` and ``DatasetFolder``: one sub-folder per class, the class is the folder name.

The layout every "train on your own pictures" tutorial uses::

    root/cat/001.png
    root/cat/kitten/002.jpg      (sub-folders belong to their top-level class)
    root/dog/003.png

Building the dataset is two steps, both torchvision's:

1. :func:`find_classes`: the sorted names of the folders directly under ``root`` are the
   classes; ``class_to_idx`` numbers them 0, 1, 2... in that order.
2. :func:`make_dataset`: for each class (sorted), walk its folder (sorted, following
   links) and keep every file that passes ``is_valid_file`` -- by default, whose name
   ends with one of ``extensions`` (case-insensitive). Each kept file becomes a sample
   ``(path, class_index)``. A class without any file is an error unless ``allow_empty``.

``dataset[i]`` then loads ``samples[i]``'s path with ``loader`` (for ``ImageFolder``,
Pillow, converted to RGB) and applies the transforms. Files are read lazily, one sample
at a time, so a ``DataLoader`` with workers parallelises the decoding.
"""
import os

from .._pil import pil
from .vision import VisionDataset

__all__ = ["DatasetFolder", "ImageFolder", "IMG_EXTENSIONS", "default_loader", "pil_loader", "find_classes",
           "make_dataset", "has_file_allowed_extension", "is_image_file"]

IMG_EXTENSIONS = (".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp")


def has_file_allowed_extension(filename, extensions):
    return filename.lower().endswith(extensions if isinstance(extensions, str) else tuple(extensions))


def is_image_file(filename):
    return has_file_allowed_extension(filename, IMG_EXTENSIONS)


def find_classes(directory):
    """``(classes, class_to_idx)`` from the folders directly inside ``directory``."""
    classes = sorted(entry.name for entry in os.scandir(directory) if entry.is_dir())
    if not classes:
        raise FileNotFoundError(f"Couldn't find any class folder in {directory}.")
    return classes, {name: i for i, name in enumerate(classes)}


def make_dataset(directory, class_to_idx=None, extensions=None, is_valid_file=None, allow_empty=False):
    """The ``(path, class_index)`` samples: exactly one of ``extensions``/``is_valid_file`` picks files."""
    directory = os.path.expanduser(directory)
    if class_to_idx is None:
        _, class_to_idx = find_classes(directory)
    elif not class_to_idx:
        raise ValueError("'class_to_index' must have at least one entry to collect any samples.")
    if (extensions is None) == (is_valid_file is None):
        raise ValueError("Both extensions and is_valid_file cannot be None or not None at the same time")
    if extensions is not None:
        def is_valid_file(path):
            return has_file_allowed_extension(path, extensions)
    instances, found = [], set()
    for target_class in sorted(class_to_idx):
        target_dir = os.path.join(directory, target_class)
        if not os.path.isdir(target_dir):
            continue
        for root, _, fnames in sorted(os.walk(target_dir, followlinks=True)):
            for fname in sorted(fnames):
                path = os.path.join(root, fname)
                if is_valid_file(path):
                    instances.append((path, class_to_idx[target_class]))
                    found.add(target_class)
    empty_classes = set(class_to_idx) - found
    if empty_classes and not allow_empty:
        msg = f"Found no valid file for the classes {', '.join(sorted(empty_classes))}. "
        if extensions is not None:
            msg += f"Supported extensions are: {extensions if isinstance(extensions, str) else ', '.join(extensions)}"
        raise FileNotFoundError(msg)
    return instances


class DatasetFolder(VisionDataset):
    """Samples ``(loader(path), class_index)`` from a folder-per-class tree (see the module docstring).

    Args:
        root (str or Path): the folder holding one sub-folder per class.
        loader (callable): turns a file path into a sample.
        extensions (tuple of str, optional): file endings to keep.
        transform, target_transform (callable, optional): applied to sample and class index.
        is_valid_file (callable, optional): ``path -> bool``, instead of ``extensions``.
        allow_empty (bool): accept classes without files.

    Attributes: ``classes``, ``class_to_idx``, ``samples`` (list of ``(path, index)``),
    ``targets`` (the indices), ``extensions``, ``loader``. Subclasses may override
    :meth:`find_classes` and :meth:`make_dataset` to use another layout.
    """

    def __init__(self, root, loader, extensions=None, transform=None, target_transform=None, is_valid_file=None,
                 allow_empty=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        classes, class_to_idx = self.find_classes(self.root)
        samples = self.make_dataset(self.root, class_to_idx=class_to_idx, extensions=extensions,
                                    is_valid_file=is_valid_file, allow_empty=allow_empty)
        self.loader = loader
        self.extensions = extensions
        self.classes = classes
        self.class_to_idx = class_to_idx
        self.samples = samples
        self.targets = [s[1] for s in samples]

    @staticmethod
    def make_dataset(directory, class_to_idx, extensions=None, is_valid_file=None, allow_empty=False):
        if class_to_idx is None:
            # the module-level function would fall back to *its* find_classes, bypassing an override
            raise ValueError("The class_to_idx parameter cannot be None.")
        return make_dataset(directory, class_to_idx, extensions=extensions, is_valid_file=is_valid_file,
                            allow_empty=allow_empty)

    def find_classes(self, directory):
        return find_classes(directory)

    def __getitem__(self, index):
        path, target = self.samples[index]
        sample = self.loader(path)
        if self.transform is not None:
            sample = self.transform(sample)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return sample, target

    def __len__(self):
        return len(self.samples)


def pil_loader(path):
    """Open an image file with Pillow and convert it to RGB (decoding it now, while the file is open)."""
    with open(path, "rb") as f:
        return pil().open(f).convert("RGB")


def default_loader(path):
    """torchvision's default: :func:`pil_loader` (its optional ``accimage`` backend is not provided)."""
    return pil_loader(path)


class ImageFolder(DatasetFolder):
    """``DatasetFolder`` for images: keeps files with an image extension, loads them as RGB PIL images.

    ``imgs`` is another name for ``samples``.

    Example::

        >>> data = ImageFolder("photos/train", transform=Compose([RandomResizedCrop(224), ToTensor()]))
        >>> image, label = data[0]          # label indexes data.classes
    """

    def __init__(self, root, transform=None, target_transform=None, loader=default_loader, is_valid_file=None,
                 allow_empty=False):
        super().__init__(root, loader, IMG_EXTENSIONS if is_valid_file is None else None, transform=transform,
                         target_transform=target_transform, is_valid_file=is_valid_file, allow_empty=allow_empty)
        self.imgs = self.samples
