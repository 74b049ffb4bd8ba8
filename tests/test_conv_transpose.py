"""Transposed convolutions against real torch: ``F.conv_transpose1d/2d`` and the
``nn.ConvTranspose1d/2d`` layers (init under a seed, printing, ``output_size``, errors).

Each property test draws a shape and every option (stride, padding, output_padding,
groups, dilation, bias), runs both libraries on the same arrays and compares the output
and the gradients of input, weight and bias (``helpers.check_op``: float32 to 1e-5
relative, float64 to 1e-10).
"""
import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import minitorch_compat as mt
from helpers import FLOAT_DTYPES, arrays, check_op, make, raises_like


def F(T):
    return T.nn.functional


@st.composite
def transpose_case(draw, nd):
    groups = draw(st.integers(1, 3))
    cin, cout = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 3))
    kernel = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(nd))
    # torch asks output_padding < stride or < dilation, and a positive output size
    output_padding = tuple(draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation))
    spatial = tuple(draw(st.integers(1, 5)) for _ in range(nd))
    padding = tuple(draw(st.integers(0, (d * (k - 1) + (n - 1) * s + op) // 2))
                    for k, s, d, op, n in zip(kernel, stride, dilation, output_padding, spatial))
    dt = draw(st.sampled_from(FLOAT_DTYPES))
    batch = draw(st.sampled_from([(), (1,), (2,)]))   # () is an unbatched input
    x = draw(arrays(dt, batch + (cin,) + spatial))
    w = draw(arrays(dt, (cin, cout // groups) + kernel))
    b = draw(st.one_of(st.none(), arrays(dt, (cout,))))
    return x, w, b, dict(stride=stride, padding=padding, output_padding=output_padding, groups=groups,
                         dilation=dilation)


@pytest.mark.parametrize("nd", [1, 2])
@given(data=st.data())
def test_conv_transpose_matches_torch(nd, data):
    x, w, b, kw = data.draw(transpose_case(nd))
    ours, theirs = check_op(lambda T, x, w, b: getattr(F(T), f"conv_transpose{nd}d")(x, w, b, **kw), x, w, b)
    if theirs.grad_fn is not None:
        assert ours.grad_fn.name() == theirs.grad_fn.name()


@given(transpose_case(2))
def test_conv_transpose2d_float64_tight(case):
    x, w, b, kw = case
    x, w, b = (None if a is None else a.astype(np.float64) for a in (x, w, b))
    check_op(lambda T, x, w, b: F(T).conv_transpose2d(x, w, b, **kw), x, w, b, rtol=1e-10, atol=1e-10)


def test_conv_transpose_is_the_adjoint_of_conv():
    """<conv2d(y, w), x> == <y, conv_transpose2d(x, w)> for the same weight: the defining identity."""
    rng = np.random.default_rng(1)
    w = mt.tensor(rng.standard_normal((4, 3, 3, 2)))
    y = mt.tensor(rng.standard_normal((2, 3, 7, 6)))
    x = mt.nn.functional.conv2d(y, w, stride=2, padding=1, dilation=(1, 2))
    x2 = mt.tensor(rng.standard_normal(tuple(x.shape)))
    back = mt.nn.functional.conv_transpose2d(x2, w, stride=2, padding=1, dilation=(1, 2), output_padding=(0, 1))
    assert tuple(back.shape) == tuple(y.shape)
    assert abs((x * x2).sum().item() - (y * back).sum().item()) < 1e-10


@pytest.mark.parametrize("call", [
    lambda T, x, w: F(T).conv_transpose2d(x, w, stride=2, output_padding=2),
    lambda T, x, w: F(T).conv_transpose2d(x, w, stride=0),
    lambda T, x, w: F(T).conv_transpose2d(x, w, padding=-1),
    lambda T, x, w: F(T).conv_transpose2d(x, w, output_padding=-1),
    lambda T, x, w: F(T).conv_transpose2d(x, w, stride=0, padding=-1),
    lambda T, x, w: F(T).conv_transpose2d(x, w, groups=0),
    lambda T, x, w: F(T).conv_transpose2d(x, w, groups=3),
    lambda T, x, w: F(T).conv_transpose2d(x[:, :3], w),
    lambda T, x, w: F(T).conv_transpose2d(x[0, 0], w),
    lambda T, x, w: F(T).conv_transpose2d(x, w.double()),
    lambda T, x, w: F(T).conv_transpose2d(x, w, T.zeros(5)),
    lambda T, x, w: F(T).conv_transpose2d(x, w, stride=(1, 1, 1)),
    lambda T, x, w: F(T).conv_transpose2d(x, w, padding="same"),
    lambda T, x, w: F(T).conv_transpose2d(x.int(), w.int()),
    lambda T, x, w: F(T).conv_transpose1d(x[:, :, 0], w[:, :, 0], stride=2, output_padding=2),
    lambda T, x, w: F(T).conv_transpose1d(x[:, :, 0], w[:, :, 0], padding=(1, 1)),
    lambda T, x, w: F(T).conv_transpose1d(x, w[:, :, 0]),
])
def test_bad_arguments_raise_torchs_errors(call):
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((2, 4, 5, 5)).astype(np.float32), rng.standard_normal((4, 3, 3, 3)).astype(np.float32)
    raises_like(call, x, w, match_message=True)


@pytest.mark.parametrize("call", [
    lambda T, x, w: F(T).conv_transpose2d(x, w, padding=5),      # oneDNN's message: an output size <= 0
    lambda T, x, w: F(T).conv_transpose2d(x, w, dilation=0),
])
def test_errors_torch_words_in_onednn_terms_raise_the_same_type(call):
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((2, 4, 5, 5)).astype(np.float32), rng.standard_normal((4, 3, 3, 3)).astype(np.float32)
    raises_like(call, x, w)


# ------------------------------------------------------------------------------ the layers

@pytest.mark.parametrize("args,kwargs", [
    ((4, 8, 3), dict(stride=2, padding=1, output_padding=1)),
    ((4, 6, (2, 3)), dict(groups=2, bias=False, dilation=(2, 1))),
    ((3, 2, 4), dict(stride=(2, 1), padding=(1, 0))),
])
def test_conv_transpose2d_layer_init_print_and_forward(args, kwargs):
    outs = []
    for T in (mt, torch):
        T.manual_seed(7)
        m = T.nn.ConvTranspose2d(*args, **kwargs)
        outs.append((m, repr(m), m.weight.detach().numpy(), None if m.bias is None else m.bias.detach().numpy()))
    (ours, o_repr, o_w, o_b), (theirs, t_repr, t_w, t_b) = outs
    assert o_repr == t_repr
    np.testing.assert_array_equal(o_w, t_w)             # same draws from the same generator
    assert (o_b is None) == (t_b is None)
    if t_b is not None:
        np.testing.assert_array_equal(o_b, t_b)
    x = np.random.default_rng(0).standard_normal((2, args[0], 4, 5)).astype(np.float32)
    np.testing.assert_allclose(ours(mt.tensor(x)).detach().numpy(), theirs(torch.tensor(x)).detach().numpy(),
                               rtol=1e-5, atol=1e-5)


def test_conv_transpose1d_layer_matches_torch():
    outs = []
    for T in (mt, torch):
        T.manual_seed(3)
        m = T.nn.ConvTranspose1d(4, 6, 3, stride=2, groups=2, dilation=2)
        x = T.tensor(np.linspace(-1, 1, 40, dtype=np.float32).reshape(4, 10))   # unbatched
        outs.append((repr(m), m(x).detach().numpy()))
    assert outs[0][0] == outs[1][0]
    np.testing.assert_allclose(outs[0][1], outs[1][1], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("output_size", [[12, 12], [11, 12], [2, 3, 12, 11], torch.Size([11, 11])])
def test_output_size_picks_output_padding(output_size):
    x = np.ones((2, 4, 5, 5), np.float32)
    shapes = []
    for T in (mt, torch):
        T.manual_seed(0)
        m = T.nn.ConvTranspose2d(4, 3, 3, stride=2)
        size = T.Size(output_size) if isinstance(output_size, torch.Size) else output_size
        shapes.append(tuple(m(T.tensor(x), output_size=size).shape))
    assert shapes[0] == shapes[1]


@pytest.mark.parametrize("output_size", [[13, 12], [12], [1, 2, 3]])
def test_output_size_out_of_range_raises_like_torch(output_size):
    def call(T, x):
        T.manual_seed(0)
        return T.nn.ConvTranspose2d(4, 3, 3, stride=2)(x, output_size=output_size)
    raises_like(call, np.ones((2, 4, 5, 5), np.float32), match_message=True)


@pytest.mark.parametrize("make_layer", [
    lambda T: T.nn.ConvTranspose2d(4, 3, 3, padding_mode="reflect"),
    lambda T: T.nn.ConvTranspose2d(4, 3, 3, groups=2),
    lambda T: T.nn.ConvTranspose1d(3, 4, 3, groups=2),
])
def test_layer_construction_errors(make_layer):
    raises_like(make_layer, match_message=True)


def test_transposed_layer_is_not_a_conv2d_and_trains():
    """torchvision's init loops test ``isinstance(m, nn.Conv2d)``: a ConvTranspose2d is not one."""
    assert not issubclass(mt.nn.ConvTranspose2d, mt.nn.Conv2d)
    m = mt.nn.ConvTranspose2d(2, 3, 4, 2, 1)
    x = make(mt, np.ones((1, 2, 3, 3), np.float32), requires_grad=True)
    m(x).sum().backward()
    assert x.grad.shape == x.shape and m.weight.grad.shape == m.weight.shape and m.bias.grad.shape == (3,)
