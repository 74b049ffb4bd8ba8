"""``torchvision.utils.make_grid`` and ``save_image`` against torchvision, same inputs.

make_grid only copies values (and, with ``normalize``, does one clamp, one subtraction
and one division per value in the tensor's dtype), so grids must be identical, bit for
bit. save_image's files are decoded and compared pixel by pixel (PNG is lossless; the
file bytes could differ only through zlib settings, which both leave to Pillow).
"""
import io

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
from minitorch_compat.vision import utils


batches = st.tuples(st.integers(1, 7), st.sampled_from([1, 3, 4]), st.integers(1, 5), st.integers(1, 5))
grid_options = st.fixed_dictionaries({
    "nrow": st.integers(1, 5), "padding": st.integers(0, 3), "normalize": st.booleans(),
    "value_range": st.none() | st.sampled_from([(0, 1), (-1, 1), (0.25, 0.5)]), "scale_each": st.booleans(),
    "pad_value": st.sampled_from([0.0, 1.0, 0.5])})


@given(st.sampled_from([np.float32, np.float64]).flatmap(
    lambda d: hnp.arrays(d, batches, elements=st.floats(-2, 2, width=32))), grid_options)
def test_make_grid_of_a_batch(arr, options):
    assert_exact(utils.make_grid(mt.from_numpy(arr.copy()), **options),
                torchvision.utils.make_grid(torch.from_numpy(arr.copy()), **options))


@pytest.mark.parametrize("shape", [(4, 5), (1, 4, 5), (3, 4, 5), (1, 3, 4, 5), (2, 1, 3, 3)])
def test_make_grid_of_single_images_and_lists(shape):
    arr = np.random.default_rng(0).random(shape, dtype=np.float32)
    assert_exact(utils.make_grid(mt.from_numpy(arr)), torchvision.utils.make_grid(torch.from_numpy(arr)))
    if len(shape) == 4:
        ours = utils.make_grid([mt.from_numpy(a) for a in arr], nrow=1, padding=1)
        assert_exact(ours, torchvision.utils.make_grid([torch.from_numpy(a) for a in arr], nrow=1, padding=1))


def test_make_grid_does_not_modify_its_input():
    arr = np.linspace(-3, 3, 2 * 3 * 4 * 4, dtype=np.float32).reshape(2, 3, 4, 4)
    x = mt.from_numpy(arr.copy())
    utils.make_grid(x, normalize=True)
    np.testing.assert_array_equal(x.numpy(), arr)


@pytest.mark.parametrize("call", [
    lambda u, T: u.make_grid("image"),
    lambda u, T: u.make_grid([np.zeros((3, 2, 2))]),
    lambda u, T: u.make_grid(T.zeros(2, 3, 2, 2), normalize=True, value_range=[0, 1]),
])
def test_make_grid_errors(call):
    with pytest.raises(Exception) as theirs:
        call(torchvision.utils, torch)
    with pytest.raises(Exception) as ours:
        call(utils, mt)
    assert type(ours.value) is type(theirs.value) and str(ours.value) == str(theirs.value)


@given(hnp.arrays(np.float32, batches, elements=st.floats(-0.5, 1.5, width=32)), st.integers(1, 4), st.booleans())
def test_save_image_writes_torchvisions_pixels(arr, nrow, normalize):
    files = []
    for save, T in ((utils.save_image, mt), (torchvision.utils.save_image, torch)):
        buffer = io.BytesIO()
        save(T.from_numpy(arr.copy()), buffer, format="png", nrow=nrow, normalize=normalize)
        files.append(buffer.getvalue())
    ours, theirs = (Image.open(io.BytesIO(f)) for f in files)
    assert ours.mode == theirs.mode and ours.size == theirs.size
    np.testing.assert_array_equal(np.array(ours), np.array(theirs))
    assert files[0] == files[1]


def test_save_image_to_a_path(tmp_path):
    arr = np.random.default_rng(1).random((3, 3, 5, 4), dtype=np.float32)
    utils.save_image(mt.from_numpy(arr), tmp_path / "ours.png", padding=1)
    torchvision.utils.save_image(torch.from_numpy(arr), tmp_path / "theirs.png", padding=1)
    assert (tmp_path / "ours.png").read_bytes() == (tmp_path / "theirs.png").read_bytes()
