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


def same_sample(ours, theirs):
    """(image, target) pairs: PIL images compared by mode, size and pixels; tensors by value."""
    (o_img, o_target), (t_img, t_target) = ours, theirs
    assert type(o_target) is type(t_target) and o_target == t_target
    if isinstance(t_img, torch.Tensor):
        assert repr(o_img.dtype) == str(t_img.dtype) and tuple(o_img.shape) == tuple(t_img.shape)
        np.testing.assert_array_equal(o_img.numpy(), t_img.numpy())
    else:
        assert (o_img.mode, o_img.size) == (t_img.mode, t_img.size)
        np.testing.assert_array_equal(np.array(o_img), np.array(t_img))


def same_error(fn_ours, fn_theirs):
    with pytest.raises(Exception) as theirs:
        fn_theirs()
    with pytest.raises(Exception) as ours:
        fn_ours()
    assert type(ours.value) is type(theirs.value)
    assert str(ours.value) == str(theirs.value)


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
