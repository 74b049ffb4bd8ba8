"""minitorch_compat.vision.datasets against torchvision.datasets, on files written here.

Each test builds a small dataset on disk in its real format (PNG/JPEG files in class
folders, CIFAR's pickled batches, IDX files), opens it with torchvision and with us, and
requires the same samples (pixels, labels, dtypes), the same attributes (``classes``,
``class_to_idx``, ``samples``, ``targets``), the same ``repr`` and, for bad input, the
same exception types and messages. FakeData needs no files: its samples come from
torch's generator, which ours reproduces.
"""
import numpy as np
import pytest
import torch
import torchvision
from hypothesis import given
from hypothesis import strategies as st

import minitorch_compat as mt
from minitorch_compat.vision import datasets, transforms
from test_vision import same_error


def same_sample(ours, theirs):
    """(sample, target) pairs: PIL images compared by mode, size and pixels; tensors by value; others by ==."""
    (o_img, o_target), (t_img, t_target) = ours, theirs
    assert type(o_target) is type(t_target) and o_target == t_target
    if isinstance(t_img, torch.Tensor):
        assert repr(o_img.dtype) == str(t_img.dtype) and tuple(o_img.shape) == tuple(t_img.shape)
        np.testing.assert_array_equal(o_img.numpy(), t_img.numpy())
    elif hasattr(t_img, "getbands"):
        assert (o_img.mode, o_img.size) == (t_img.mode, t_img.size)
        np.testing.assert_array_equal(np.array(o_img), np.array(t_img))
    else:
        assert o_img == t_img


# ----------------------------------------------------------------------------- FakeData

@given(st.integers(1, 4).flatmap(lambda c: st.tuples(st.just(c), st.integers(1, 9), st.integers(1, 9))),
       st.integers(1, 12), st.integers(0, 1000))
def test_fakedata_samples_are_torchvisions(image_size, num_classes, offset):
    ours = datasets.FakeData(4, image_size, num_classes, random_offset=offset)
    theirs = torchvision.datasets.FakeData(4, image_size, num_classes, random_offset=offset)
    for i in range(4):
        same_sample(ours[i], theirs[i])


def test_fakedata_leaves_the_global_generator_alone_and_applies_transforms():
    mt.manual_seed(5)
    torch.manual_seed(5)
    shift = lambda t: t + 100  # noqa: E731 - one object, so both reprs print the same address
    ours = datasets.FakeData(3, (3, 6, 5), transform=transforms.ToTensor(), target_transform=shift)
    theirs = torchvision.datasets.FakeData(3, (3, 6, 5), transform=torchvision.transforms.ToTensor(),
                                           target_transform=shift)
    for i in range(3):
        same_sample(ours[i], theirs[i])
    assert mt.rand(1).item() == torch.rand(1).item()
    assert repr(ours) == repr(theirs)
    same_error(lambda: ours[3], lambda: theirs[3])


def test_fakedata_through_a_dataloader():
    ours = mt.utils.data.DataLoader(datasets.FakeData(6, (1, 4, 4), transform=transforms.ToTensor()), batch_size=4)
    theirs = torch.utils.data.DataLoader(torchvision.datasets.FakeData(6, (1, 4, 4), transform=torchvision.transforms.ToTensor()),
                                         batch_size=4)
    for (ox, oy), (tx, ty) in zip(ours, theirs):
        np.testing.assert_array_equal(ox.numpy(), tx.numpy())
        np.testing.assert_array_equal(oy.numpy(), ty.numpy())


# ----------------------------------------------------------------------------- ImageFolder / DatasetFolder

def write_image_tree(root, layout, rng):
    """``layout``: {class: [file names]}; .png/.jpg/.bmp files get real images, others junk bytes."""
    from PIL import Image
    for cls, names in layout.items():
        (root / cls).mkdir(parents=True, exist_ok=True)
        for name in names:
            path = root / cls / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if name.lower().endswith((".png", ".jpg", ".jpeg", ".bmp")):
                mode = ["RGB", "L", "RGBA", "P"][int(rng.integers(4))] if not name.lower().endswith((".jpg", ".jpeg")) else "RGB"
                arr = rng.integers(0, 256, (int(rng.integers(2, 7)), int(rng.integers(2, 7)), 3), dtype=np.uint8)
                Image.fromarray(arr, "RGB").convert(mode).save(path)
            else:
                path.write_bytes(b"not an image")
    return root


def check_folder_datasets(ours, theirs):
    assert ours.classes == theirs.classes and ours.class_to_idx == theirs.class_to_idx
    assert ours.samples == theirs.samples and ours.targets == theirs.targets
    assert repr(ours) == repr(theirs) and len(ours) == len(theirs)
    for i in range(len(theirs)):
        same_sample(ours[i], theirs[i])


@given(st.dictionaries(st.sampled_from(["cat", "dog", "Zebra", "bird_2"]),
                       st.lists(st.sampled_from(["a.png", "B.PNG", "c.jpg", "d.bmp", "notes.txt", "sub/e.png",
                                                 "sub/deeper/f.jpeg"]), min_size=1, max_size=4, unique=True),
                       min_size=1, max_size=3), st.integers(0, 100))
def test_image_folder(tmp_path_factory, layout, seed):
    root = write_image_tree(tmp_path_factory.mktemp("imgs"), layout, np.random.default_rng(seed))
    if all(not n.lower().endswith((".png", ".jpg", ".jpeg", ".bmp")) for names in layout.values() for n in names):
        return same_error(lambda: datasets.ImageFolder(root), lambda: torchvision.datasets.ImageFolder(root))
    try:
        theirs = torchvision.datasets.ImageFolder(str(root), transform=torchvision.transforms.ToTensor())
    except FileNotFoundError:  # a class folder without images
        return same_error(lambda: datasets.ImageFolder(str(root)), lambda: torchvision.datasets.ImageFolder(str(root)))
    ours = datasets.ImageFolder(str(root), transform=transforms.ToTensor())
    check_folder_datasets(ours, theirs)
    assert ours.imgs == theirs.imgs


def test_image_folder_pil_samples_and_allow_empty(tmp_path):
    root = write_image_tree(tmp_path, {"a": ["1.png", "2.jpg"], "b": ["x.txt"], "c": ["3.bmp"]}, np.random.default_rng(0))
    same_error(lambda: datasets.ImageFolder(root), lambda: torchvision.datasets.ImageFolder(root))
    check_folder_datasets(datasets.ImageFolder(root, allow_empty=True),
                          torchvision.datasets.ImageFolder(root, allow_empty=True))


def test_dataset_folder_options(tmp_path):
    root = write_image_tree(tmp_path, {"x": ["1.txt", "2.dat", "3.png"], "y": ["4.txt", "5.TXT"]},
                            np.random.default_rng(1))
    loader = lambda path: open(path, "rb").read()  # noqa: E731
    shift = lambda y: y + 10  # noqa: E731
    for kwargs in ({"extensions": (".txt",)}, {"extensions": ".txt"}, {"extensions": (".txt", ".dat")},
                   {"is_valid_file": lambda p: "4" in p or "2" in p, "allow_empty": True},
                   {"extensions": (".png",), "allow_empty": True, "target_transform": shift}):
        ours = datasets.DatasetFolder(root, loader, **kwargs)
        theirs = torchvision.datasets.DatasetFolder(root, loader, **kwargs)
        check_folder_datasets(ours, theirs)
    for kwargs in ({}, {"extensions": (".txt",), "is_valid_file": bool}, {"extensions": (".png",)}):
        same_error(lambda: datasets.DatasetFolder(root, loader, **kwargs),
                   lambda: torchvision.datasets.DatasetFolder(root, loader, **kwargs))


def test_folder_functions(tmp_path):
    from minitorch_compat.vision.datasets import folder
    from torchvision.datasets import folder as tv_folder
    root = write_image_tree(tmp_path, {"b": ["1.png"], "a": ["2.JPG", "3.gif"]}, np.random.default_rng(2))
    assert folder.find_classes(root) == tv_folder.find_classes(root)
    assert folder.make_dataset(root, extensions=folder.IMG_EXTENSIONS) == \
        tv_folder.make_dataset(root, extensions=tv_folder.IMG_EXTENSIONS)
    assert folder.make_dataset(root, {"a": 5}, is_valid_file=folder.is_image_file) == \
        tv_folder.make_dataset(root, {"a": 5}, is_valid_file=tv_folder.is_image_file)
    assert folder.IMG_EXTENSIONS == tv_folder.IMG_EXTENSIONS
    for name in ("x.PNG", "y.tiff", "z.gif", "w"):
        assert folder.is_image_file(name) == tv_folder.is_image_file(name)
    for ours, theirs in ((lambda: folder.make_dataset(root, {}), lambda: tv_folder.make_dataset(root, {})),
                         (lambda: folder.DatasetFolder.make_dataset(root, None),
                          lambda: tv_folder.DatasetFolder.make_dataset(root, None))):
        same_error(ours, theirs)


def test_folder_bad_input(tmp_path):
    (tmp_path / "empty").mkdir()
    for path in (tmp_path / "missing", tmp_path / "empty"):
        same_error(lambda: datasets.ImageFolder(path), lambda: torchvision.datasets.ImageFolder(path))
    root = tmp_path / "broken"
    (root / "cls").mkdir(parents=True)
    (root / "cls" / "bad.png").write_bytes(b"\x89PNG but not really")
    ours, theirs = datasets.ImageFolder(root), torchvision.datasets.ImageFolder(root)
    same_error(lambda: ours[0], lambda: theirs[0])


# ----------------------------------------------------------------------------- CIFAR

def write_cifar(root, kind, rng, n=5):
    """CIFAR's python batches (pickled dicts) with random pixels; returns {file: md5}."""
    import hashlib
    import pickle
    folder, files, label_key, meta = (
        ("cifar-10-batches-py", ["data_batch_1", "data_batch_2", "test_batch"], "labels",
         ("batches.meta", "label_names", 10)) if kind == 10 else
        ("cifar-100-python", ["train", "test"], "fine_labels", ("meta", "fine_label_names", 100)))
    (root / folder).mkdir(parents=True)
    md5 = {}
    for name in files:
        batch = {"data": rng.integers(0, 256, (n, 3072), dtype=np.uint8),
                 label_key: [int(v) for v in rng.integers(0, meta[2], n)], "batch_label": name}
        (root / folder / name).write_bytes(pickle.dumps(batch, protocol=2))
    (root / folder / meta[0]).write_bytes(pickle.dumps({meta[1]: [f"class{i}" for i in range(meta[2])]}))
    for name in files + [meta[0]]:
        md5[name] = hashlib.md5((root / folder / name).read_bytes()).hexdigest()
    return md5


def cifar_class(base, md5, kind):
    """The dataset class with the checksums of the files written here (the real ones are fixed)."""
    train, test, meta = (["data_batch_1", "data_batch_2"], ["test_batch"], "batches.meta") if kind == 10 else \
        (["train"], ["test"], "meta")
    return type(base.__name__, (base,), {"train_list": [[n, md5[n]] for n in train],
                                         "test_list": [[n, md5[n]] for n in test],
                                         "meta": dict(base.meta, md5=md5[meta])})


@pytest.mark.parametrize("kind", [10, 100])
def test_cifar(tmp_path, kind):
    md5 = write_cifar(tmp_path, kind, np.random.default_rng(kind))
    ours_cls = cifar_class(getattr(datasets, f"CIFAR{kind}"), md5, kind)
    theirs_cls = cifar_class(getattr(torchvision.datasets, f"CIFAR{kind}"), md5, kind)
    for train in (True, False):
        ours, theirs = ours_cls(tmp_path, train=train), theirs_cls(tmp_path, train=train)
        np.testing.assert_array_equal(ours.data, theirs.data)
        assert ours.data.shape == theirs.data.shape and ours.targets == theirs.targets
        assert ours.classes == theirs.classes and ours.class_to_idx == theirs.class_to_idx
        assert repr(ours) == repr(theirs)
        for i in range(len(theirs)):
            same_sample(ours[i], theirs[i])
    ours = ours_cls(tmp_path, transform=transforms.ToTensor(), target_transform=float)
    theirs = theirs_cls(tmp_path, transform=torchvision.transforms.ToTensor(), target_transform=float)
    same_sample(ours[3], theirs[3])


@pytest.mark.parametrize("kind", [10, 100])
def test_cifar_missing_or_corrupt(tmp_path, kind):
    ours_cls, theirs_cls = getattr(datasets, f"CIFAR{kind}"), getattr(torchvision.datasets, f"CIFAR{kind}")
    same_error(lambda: ours_cls(tmp_path), lambda: theirs_cls(tmp_path))  # nothing there
    md5 = write_cifar(tmp_path, kind, np.random.default_rng(0))
    same_error(lambda: ours_cls(tmp_path), lambda: theirs_cls(tmp_path))  # real checksums do not match
    meta = "batches.meta" if kind == 10 else "meta"
    md5[meta] = "0" * 32  # only the metadata file is wrong
    same_error(lambda: cifar_class(ours_cls, md5, kind)(tmp_path),
               lambda: cifar_class(theirs_cls, md5, kind)(tmp_path))


# ----------------------------------------------------------------------------- KMNIST / EMNIST

def test_kmnist(tmp_path):
    from test_vision import write_split
    rng = np.random.default_rng(3)
    for prefix, n in (("train", 6), ("t10k", 4)):
        write_split(tmp_path / "KMNIST" / "raw", prefix, rng.integers(0, 256, (n, 28, 28), dtype=np.uint8),
                    rng.integers(0, 10, n).astype(np.uint8), gz=False)
    for train in (True, False):
        ours, theirs = datasets.KMNIST(tmp_path, train=train), torchvision.datasets.KMNIST(tmp_path, train=train)
        assert ours.classes == theirs.classes and ours.class_to_idx == theirs.class_to_idx
        assert repr(ours) == repr(theirs)
        for i in range(len(theirs)):
            same_sample(ours[i], theirs[i])


@pytest.mark.parametrize("split", ["byclass", "balanced", "letters", "digits"])
def test_emnist(tmp_path, split):
    from test_vision import write_split
    rng = np.random.default_rng(4)
    for part in ("train", "test"):
        write_split(tmp_path / "EMNIST" / "raw", f"emnist-{split}-{part}", rng.integers(0, 256, (5, 28, 28), dtype=np.uint8),
                    rng.integers(0, 10, 5).astype(np.uint8), gz=False)
    for train in (True, False):
        ours = datasets.EMNIST(tmp_path, split, train=train, transform=transforms.ToTensor())
        theirs = torchvision.datasets.EMNIST(tmp_path, split, train=train, transform=torchvision.transforms.ToTensor())
        assert ours.classes == theirs.classes and ours.class_to_idx == theirs.class_to_idx
        assert repr(ours) == repr(theirs)
        np.testing.assert_array_equal(ours.data.numpy(), theirs.data.numpy())
        for i in range(len(theirs)):
            same_sample(ours[i], theirs[i])
    for bad in ("all", 3):
        same_error(lambda: datasets.EMNIST(tmp_path, bad), lambda: torchvision.datasets.EMNIST(tmp_path, bad))
