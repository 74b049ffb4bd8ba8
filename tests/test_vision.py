"""minitorch_compat.vision against torchvision: transforms and IDX datasets, same inputs.

Each test builds one input (a NumPy array, a PIL image, or small IDX files written here),
runs torchvision's transform or dataset and ours on it, and requires identical results:
same dtype, same shape, bit-identical values (ToTensor divides by 255 in float32 exactly
as torch does, and Normalize does the same two float32 operations), same reprs and the
same exception types and messages.
"""
import gzip
import os
import sys

import numpy as np
import pytest
import torch
import torchvision
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from PIL import Image

import minitorch_compat as mt
from helpers import assert_exact
from minitorch_compat.vision import datasets, transforms
from minitorch_compat.vision.datasets import mnist as our_mnist

tvt = torchvision.transforms


def same_error(fn_ours, fn_theirs):
    with pytest.raises(Exception) as theirs:
        fn_theirs()
    with pytest.raises(Exception) as ours:
        fn_ours()
    assert type(ours.value) is type(theirs.value)
    assert str(ours.value) == str(theirs.value)


# ----------------------------------------------------------------------------- ToTensor

image_shapes = st.one_of(hnp.array_shapes(min_dims=2, max_dims=2, max_side=6),
                         st.tuples(st.integers(1, 6), st.integers(1, 6), st.sampled_from([1, 3, 4])))


@given(hnp.arrays(np.uint8, image_shapes))
def test_to_tensor_uint8_arrays_scale_to_unit_interval(arr):
    assert_exact(transforms.ToTensor()(arr), tvt.ToTensor()(arr))


@given(st.sampled_from([np.float64, np.float32, np.int32, np.int16, np.bool_]).flatmap(
    lambda d: hnp.arrays(d, image_shapes, elements=st.integers(0, 1) if d == np.bool_ else st.integers(-50, 300))))
def test_to_tensor_other_dtypes_are_only_transposed(arr):
    assert_exact(transforms.ToTensor()(arr), tvt.ToTensor()(arr))


@pytest.mark.parametrize("mode", ["L", "RGB", "RGBA", "1", "I", "F", "P"])
def test_to_tensor_pil_images(mode):
    rng = np.random.default_rng(0)
    img = Image.fromarray(rng.integers(0, 256, (5, 7, 3), dtype=np.uint8), "RGB").convert(mode)
    assert_exact(transforms.to_tensor(img), tvt.functional.to_tensor(img))


def test_to_tensor_errors():
    same_error(lambda: transforms.ToTensor()(np.zeros(4, np.uint8)), lambda: tvt.ToTensor()(np.zeros(4, np.uint8)))
    same_error(lambda: transforms.ToTensor()(np.zeros((1, 2, 2, 1))), lambda: tvt.ToTensor()(np.zeros((1, 2, 2, 1))))
    same_error(lambda: transforms.ToTensor()([[1, 2]]), lambda: tvt.ToTensor()([[1, 2]]))


# ----------------------------------------------------------------------------- Normalize, Compose, Lambda

@given(hnp.arrays(np.float32, st.sampled_from([(3, 4, 5), (2, 3, 2, 2)]), elements=st.floats(-2, 2, width=32)),
       st.sampled_from([((0.5,), (0.5,)), ([0.1, 0.2, 0.3], [0.9, 1.1, 2.0]), (0.25, 3.0)]),
       st.booleans())
def test_normalize(arr, mean_std, inplace):
    mean, std = mean_std
    ours_in, theirs_in = mt.from_numpy(arr.copy()), torch.from_numpy(arr.copy())
    ours = transforms.Normalize(mean, std, inplace=inplace)(ours_in)
    theirs = tvt.Normalize(mean, std, inplace=inplace)(theirs_in)
    assert_exact(ours, theirs)
    assert_exact(ours_in, theirs_in)  # modified only when inplace


def test_normalize_errors():
    for arr in (np.zeros((1, 2, 2), np.uint8), np.zeros((2, 2), np.float32), np.zeros((1, 2, 2), np.float32)):
        std = 0.0 if arr.ndim == 3 and arr.dtype == np.float32 else 1.0
        same_error(lambda: transforms.Normalize(0.0, std)(mt.from_numpy(arr)),
                   lambda: tvt.Normalize(0.0, std)(torch.from_numpy(arr)))


def test_compose_lambda_repr_and_order():
    ours = transforms.Compose([transforms.ToTensor(), transforms.Lambda(lambda x: x * 2),
                               transforms.Normalize((0.5,), (0.25,))])
    theirs = tvt.Compose([tvt.ToTensor(), tvt.Lambda(lambda x: x * 2), tvt.Normalize((0.5,), (0.25,))])
    assert repr(ours) == repr(theirs)
    arr = np.arange(12, dtype=np.uint8).reshape(3, 4) * 20
    assert_exact(ours(arr), theirs(arr))
    same_error(lambda: transforms.Lambda(3), lambda: tvt.Lambda(3))
    # Normalize is a Module in both, so it can also sit inside a model
    assert isinstance(tvt.Normalize(0, 1), torch.nn.Module)
    assert isinstance(transforms.Normalize(0, 1), mt.nn.Module)
    x = np.ones((1, 2, 2), np.float32)
    assert_exact(mt.nn.Sequential(transforms.Normalize(0.5, 2.0))(mt.from_numpy(x)),
                torch.nn.Sequential(tvt.Normalize(0.5, 2.0))(torch.from_numpy(x)))


# ----------------------------------------------------------------------------- IDX files and datasets

def idx_bytes(arr, code):
    """An IDX file: magic (0, 0, type code, ndim), big-endian sizes, big-endian data."""
    header = bytes([0, 0, code, arr.ndim]) + np.array(arr.shape, ">u4").tobytes()
    return header + arr.astype(arr.dtype.newbyteorder(">")).tobytes()


def write_split(folder, prefix, images, labels, gz):
    os.makedirs(folder, exist_ok=True)
    for name, data in ((f"{prefix}-images-idx3-ubyte", idx_bytes(images, 0x08)),
                       (f"{prefix}-labels-idx1-ubyte", idx_bytes(labels, 0x08))):
        if gz:
            with gzip.open(os.path.join(folder, name + ".gz"), "wb") as f:
                f.write(data)
        else:
            with open(os.path.join(folder, name), "wb") as f:
                f.write(data)


@pytest.fixture(scope="module")
def idx_roots(tmp_path_factory):
    """Two roots with the same tiny FashionMNIST/MNIST splits: plain files and gzipped."""
    rng = np.random.default_rng(1)
    splits = {p: (rng.integers(0, 256, (n, 28, 28), dtype=np.uint8), rng.integers(0, 10, n).astype(np.uint8))
              for p, n in (("train", 7), ("t10k", 5))}
    roots = {}
    for kind in ("raw", "gz"):
        root = tmp_path_factory.mktemp(kind)
        for cls in ("FashionMNIST", "MNIST"):
            for prefix, (images, labels) in splits.items():
                write_split(root / cls / "raw", prefix, images, labels, gz=(kind == "gz"))
        roots[kind] = str(root)
    return roots


@pytest.mark.parametrize("kind", ["raw", "gz"])
@pytest.mark.parametrize("name", ["FashionMNIST", "MNIST"])
@pytest.mark.parametrize("train", [True, False])
def test_mnist_datasets_match_torchvision(idx_roots, kind, name, train):
    # torchvision reads only the decompressed files, so it always reads the "raw" root.
    theirs = getattr(torchvision.datasets, name)(idx_roots["raw"], train=train, transform=tvt.ToTensor())
    ours = getattr(datasets, name)(idx_roots[kind], train=train, transform=transforms.ToTensor())
    assert_exact(ours.data, theirs.data)
    assert_exact(ours.targets, theirs.targets)
    assert len(ours) == len(theirs)
    assert ours.classes == theirs.classes and ours.class_to_idx == theirs.class_to_idx
    assert repr(ours).replace(idx_roots[kind], "ROOT") == repr(theirs).replace(idx_roots["raw"], "ROOT")
    for i in range(len(theirs)):
        (x, y), (tx, ty) = ours[i], theirs[i]
        assert_exact(x, tx)
        assert type(y) is type(ty) and y == ty


def test_samples_without_transform_are_pil_images(idx_roots):
    ours = datasets.FashionMNIST(idx_roots["gz"])[0][0]
    theirs = torchvision.datasets.FashionMNIST(idx_roots["raw"])[0][0]
    assert isinstance(ours, Image.Image) and ours.mode == theirs.mode == "L"
    np.testing.assert_array_equal(np.array(ours), np.array(theirs))


@pytest.mark.parametrize("dtype,code", [(np.uint8, 0x08), (np.int8, 0x09), (np.int16, 0x0B), (np.int32, 0x0C),
                                        (np.float32, 0x0D), (np.float64, 0x0E)])
def test_idx_element_types(tmp_path, dtype, code):
    from torchvision.datasets.mnist import read_sn3_pascalvincent_tensor
    arr = (np.arange(24).reshape(2, 3, 4) * 7 - 40).astype(dtype)
    path = tmp_path / "x-idx3"
    path.write_bytes(idx_bytes(arr, code))
    theirs = read_sn3_pascalvincent_tensor(str(path))
    ours = our_mnist.read_sn3_pascalvincent_array(str(path))
    assert str(theirs.dtype) == f"torch.{np.dtype(dtype).name}" and ours.dtype == dtype
    np.testing.assert_array_equal(ours, theirs.numpy())


def test_bad_idx_file(tmp_path):
    path = tmp_path / "bad"
    path.write_bytes(b"\x12\x34\x08\x01" + bytes(8))
    with pytest.raises(ValueError, match="not an IDX file"):
        our_mnist.read_sn3_pascalvincent_array(str(path))


def test_missing_files_say_what_to_place_where(tmp_path):
    with pytest.raises(RuntimeError) as e:
        datasets.FashionMNIST(str(tmp_path), train=False)
    msg = str(e.value)
    assert msg.startswith("Dataset not found. You can use download=True to download it")
    assert "t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte" in msg
    assert os.path.join(str(tmp_path), "FashionMNIST", "raw") in msg and "\n" not in msg


def test_download_without_network_is_one_clear_error(tmp_path, monkeypatch):
    # A closed local port: the connection is refused at once, as with no network at all.
    monkeypatch.setattr(datasets.FashionMNIST, "mirrors", ["http://127.0.0.1:9/"])
    with pytest.raises(RuntimeError) as e:
        datasets.FashionMNIST(str(tmp_path), download=True)
    msg = str(e.value)
    assert msg.startswith("could not download train-images-idx3-ubyte.gz")
    assert "train-labels-idx1-ubyte.gz" in msg and os.path.join("FashionMNIST", "raw") in msg and "\n" not in msg


# ----------------------------------------------------------------------------- Digits

def test_digits_dataset():
    from sklearn.datasets import load_digits
    bunch = load_digits()
    train = datasets.Digits(train=True, transform=transforms.ToTensor())
    test = datasets.Digits(train=False)
    assert (len(train), len(test)) == (1437, 360)
    assert repr(train.data.dtype) == "torch.uint8" and tuple(train.data.shape) == (1437, 8, 8)
    np.testing.assert_array_equal(test.targets.numpy(), bunch.target[1437:])
    x, y = train[5]
    assert tuple(x.shape) == (1, 8, 8) and repr(x.dtype) == "torch.float32" and y == bunch.target[5]
    np.testing.assert_allclose(x.numpy()[0], bunch.images[5] / 16, atol=0.5 / 255 + 1e-7)
    # torchvision's ToTensor reads our samples too: that is how reference/ feeds real torch.
    assert_exact(x, tvt.ToTensor()(train.data.numpy()[5]))


def test_digits_without_sklearn_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)  # makes the import fail
    with pytest.raises(RuntimeError, match="needs scikit-learn.*pip install scikit-learn"):
        datasets.Digits()
