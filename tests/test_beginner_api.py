"""Small pieces of the beginner API checked against torch: formatting 0-d tensors,
``torch.device`` objects and ``torch.accelerator`` on a machine without one."""
import pytest
import torch
from hypothesis import given, strategies as st

import minitorch_compat as mt

SPECS = ["", "+.2f", ".4f", ">10.3f", "e", ".3g", "%", "08.2f"]


@given(st.floats(-1e6, 1e6, allow_nan=False, width=32), st.sampled_from(SPECS))
def test_format_zero_dim_float(value, spec):
    assert format(mt.tensor(value), spec) == format(torch.tensor(value), spec)


@pytest.mark.parametrize("spec", ["", "d", "+d", ">5d", ".2f"])
def test_format_zero_dim_int(spec):
    assert format(mt.tensor(42), spec) == format(torch.tensor(42), spec)


def test_format_of_tensor_with_elements():
    for T in (torch, mt):
        x = T.tensor([1.5, 2.0])
        assert format(x, "") == str(x)
        with pytest.raises(TypeError):
            format(x, "+.2f")
    assert f"{mt.tensor([1.5, 2.0])}" == f"{torch.tensor([1.5, 2.0])}"


@pytest.mark.parametrize("spec", ["cpu", "cuda", "cuda:1", "mps"])
def test_device_objects(spec):
    ours, theirs = mt.device(spec), torch.device(spec)
    assert (ours.type, ours.index, str(ours), repr(ours)) == (theirs.type, theirs.index, str(theirs), repr(theirs))
    assert (ours == spec) == (theirs == spec)


def test_accelerator_absent():
    if torch.accelerator.is_available():
        pytest.skip("torch sees an accelerator on this machine")
    assert mt.accelerator.is_available() is torch.accelerator.is_available() is False
    # A CUDA build of torch names its compiled-in accelerator even without a GPU; asked to
    # check availability it answers None, which is what a CPU-only build (and we) always say.
    assert mt.accelerator.current_accelerator(check_available=True) is None
    assert torch.accelerator.current_accelerator(check_available=True) is None
    assert mt.accelerator.current_accelerator() is None
    assert mt.cuda.is_available() is torch.cuda.is_available()
