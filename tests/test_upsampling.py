"""Resizing against real torch: ``F.interpolate`` in every mode, ``nn.Upsample`` and its
legacy variants, and ``F.pixel_shuffle`` / ``F.pixel_unshuffle``.

The property tests draw an input shape, a mode, ``size`` or ``scale_factor`` (up and
down, integral and not), ``align_corners`` and ``recompute_scale_factor``, and compare
the output, the input gradient and the node name with torch's. Tolerances are
``helpers.check_op``'s (float32 1e-5, float64 1e-10); measured worst cases over the
modes were ~3e-6 absolute for float32 bicubic and ~6e-15 for float64 (torch's kernels
fuse multiply-adds and accumulate the backward in another order, see
``_ops/upsampling.py``).
"""
import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import minitorch_compat as mt
from helpers import FLOAT_DTYPES, arrays, check_op, raises_like


def F(T):
    return T.nn.functional


MODES = {1: ["nearest", "nearest-exact", "linear", "area"], 2: ["nearest", "nearest-exact", "bilinear", "bicubic", "area"],
         3: ["nearest", "nearest-exact", "trilinear"]}


@st.composite
def interpolate_case(draw):
    dim = draw(st.sampled_from([1, 2, 2, 3]))
    mode = draw(st.sampled_from(MODES[dim]))
    spatial = tuple(draw(st.integers(1, 6 if dim < 3 else 3)) for _ in range(dim))
    x = draw(arrays(draw(st.sampled_from(FLOAT_DTYPES)), (draw(st.integers(1, 2)), draw(st.integers(1, 2))) + spatial))
    kw = {"mode": mode}
    if mode not in ("nearest", "nearest-exact", "area"):
        kw["align_corners"] = draw(st.sampled_from([None, False, True]))
    if draw(st.booleans()):
        size = tuple(draw(st.integers(1, 9 if dim < 3 else 4)) for _ in range(dim))
        kw["size"] = size if dim > 1 and draw(st.booleans()) else size[0]
    else:
        factors = st.sampled_from([0.5, 0.75, 1.0, 1.3, 2.0, 2.5, 3.0])
        scale = tuple(draw(factors) for _ in range(dim))
        # every output size must stay positive, as torch demands
        scale = tuple(max(f, 1.0 / s) for f, s in zip(scale, spatial))
        kw["scale_factor"] = scale if draw(st.booleans()) else scale[0] if len(set(scale)) == 1 else scale
        kw["recompute_scale_factor"] = draw(st.sampled_from([None, False, True]))
    return x, kw


@given(interpolate_case())
def test_interpolate_matches_torch(case):
    x, kw = case
    ours, theirs = check_op(lambda T, x: F(T).interpolate(x, **kw), x)
    if kw["mode"] != "area":   # torch routes 1x1 'area' outputs through mean() (see the report)
        assert ours.grad_fn.name() == theirs.grad_fn.name()


@pytest.mark.parametrize("mode", ["nearest", "bilinear", "bicubic"])
def test_common_image_resizes_match_torch(mode):
    """The cases scripts use most: 2x up, to a fixed size, and a non-integral factor."""
    x = np.random.default_rng(0).standard_normal((2, 3, 8, 7)).astype(np.float32)
    ac = None if mode == "nearest" else False
    for kw in (dict(scale_factor=2), dict(size=(5, 12)), dict(scale_factor=1.5)):
        check_op(lambda T, x: F(T).interpolate(x, mode=mode, align_corners=ac, **kw), x)


@pytest.mark.parametrize("call", [
    lambda T, x: F(T).interpolate(x, scale_factor=0.2),
    lambda T, x: F(T).interpolate(x[0], scale_factor=0.2),
    lambda T, x: F(T).interpolate(x[None], scale_factor=0.2),
    lambda T, x: F(T).interpolate(x, size=0),
    lambda T, x: F(T).interpolate(x, size=2, scale_factor=2),
    lambda T, x: F(T).interpolate(x, size=(2, 2.0)),
    lambda T, x: F(T).interpolate(x, size=(2, 2, 2)),
    lambda T, x: F(T).interpolate(x, scale_factor=(2, 2, 2)),
    lambda T, x: F(T).interpolate(x),
    lambda T, x: F(T).interpolate(x, size=2, align_corners=True),
    lambda T, x: F(T).interpolate(x, size=2, mode="linear"),
    lambda T, x: F(T).interpolate(x[0], size=2, mode="bilinear"),
    lambda T, x: F(T).interpolate(x, size=2, mode="foo"),
    lambda T, x: F(T).interpolate(x[0, 0], size=2),
    lambda T, x: F(T).interpolate(x, size=2, mode="nearest", antialias=True),
    lambda T, x: F(T).interpolate(x, scale_factor=2, mode="bilinear", recompute_scale_factor=True, size=3),
    lambda T, x: F(T).interpolate(x[:, :0], size=5, mode="bilinear"),
    lambda T, x: F(T).interpolate(x[:, :, :0], size=5, mode="bilinear"),
    lambda T, x: F(T).interpolate(x.long(), size=5, mode="bicubic"),
    lambda T, x: F(T).pixel_shuffle(x, 3),
    lambda T, x: F(T).pixel_shuffle(x, 0),
    lambda T, x: F(T).pixel_shuffle(x[0, 0], 2),
    lambda T, x: F(T).pixel_shuffle(x, 2.0),
    lambda T, x: F(T).pixel_unshuffle(x, 2),
    lambda T, x: F(T).pixel_unshuffle(x, -1),
])
def test_bad_arguments_raise_torchs_errors(call):
    x = np.random.default_rng(0).standard_normal((1, 8, 3, 3)).astype(np.float32)
    ours, expected = raises_like(call, x)
    if not str(expected).startswith('"compute_indices'):   # ours adds why we stop there
        assert str(ours) == str(expected)


def test_interpolate_keeps_the_batch_when_it_is_empty():
    check_op(lambda T, x: F(T).interpolate(x, size=5, mode="bilinear"), np.zeros((0, 2, 3, 3), np.float32))


# ------------------------------------------------------------------------------ the layers

@pytest.mark.parametrize("make_layer", [
    lambda T: T.nn.Upsample(scale_factor=2),
    lambda T: T.nn.Upsample(size=5, mode="bilinear"),
    lambda T: T.nn.Upsample(size=(5, 3), mode="bicubic", align_corners=True),
    lambda T: T.nn.Upsample(scale_factor=(1.5, 2), mode="nearest-exact"),
    lambda T: T.nn.Upsample(scale_factor=2.5, mode="bilinear", recompute_scale_factor=True),
    lambda T: T.nn.UpsamplingNearest2d(scale_factor=2),
    lambda T: T.nn.UpsamplingBilinear2d(size=(2, 3)),
    lambda T: T.nn.PixelShuffle(2),
    lambda T: T.nn.PixelUnshuffle(2),
])
def test_layers_print_and_compute_like_torch(make_layer):
    assert repr(make_layer(mt)) == repr(make_layer(torch))
    x = np.random.default_rng(1).standard_normal((2, 4, 4, 6)).astype(np.float32)
    check_op(lambda T, x: make_layer(T)(x), x)


# ------------------------------------------------------------------------------ pixel shuffle

@st.composite
def shuffle_case(draw):
    r = draw(st.integers(1, 3))
    lead = tuple(draw(st.integers(1, 2)) for _ in range(draw(st.integers(0, 2))))
    c, h, w = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    return draw(arrays(draw(st.sampled_from(FLOAT_DTYPES)), lead + (c * r * r, h, w))), r


@given(shuffle_case())
def test_pixel_shuffle_and_unshuffle_match_torch(case):
    x, r = case
    ours, theirs = check_op(lambda T, x: F(T).pixel_shuffle(x, r), x)
    assert ours.grad_fn.name() == theirs.grad_fn.name() == "PixelShuffleBackward0"
    y = theirs.detach().numpy()
    ours, theirs = check_op(lambda T, y: F(T).pixel_unshuffle(y, r), y)
    assert ours.grad_fn.name() == theirs.grad_fn.name() == "PixelUnshuffleBackward0"
    np.testing.assert_array_equal(ours.detach().numpy(), x)   # the exact inverse


def test_pixel_shuffle_keeps_integer_dtypes():
    check_op(lambda T, x: F(T).pixel_shuffle(x, 2), np.arange(32, dtype=np.int64).reshape(1, 8, 2, 2))
