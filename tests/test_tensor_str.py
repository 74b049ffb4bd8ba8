"""Tensor printing (minitorch_compat/_tensor_str.py) must equal real torch's repr exactly.

Every test builds one NumPy array, hands it to real torch and to minitorch_compat
(``from_numpy`` in both) and compares the two reprs character for character.
"""
import contextlib

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import minitorch_compat as mt
from minitorch_compat import _dtype, _tensor_str

SETTINGS = settings(deadline=None, max_examples=100,
                    suppress_health_check=[HealthCheck.too_slow])

FLOAT_DTYPES = [np.float32, np.float64, np.float16]
INT_DTYPES = [np.int64, np.int32, np.int16, np.int8, np.uint8]
COMPLEX_DTYPES = [np.complex64, np.complex128]
ALL_DTYPES = FLOAT_DTYPES + INT_DTYPES + [np.bool_] + COMPLEX_DTYPES


def ours(arr, requires_grad=False):
    return repr(mt.from_numpy(np.array(arr, copy=True)).requires_grad_(requires_grad))


def theirs(arr):
    return repr(torch.from_numpy(np.array(arr, copy=True)))


def check(arr):
    expected = theirs(arr)
    assert ours(arr) == expected, f"\n{ours(arr)}\n!=\n{expected}"


@contextlib.contextmanager
def both_printoptions(**kwargs):
    """Apply the same print options to torch and to us; restore both to default afterwards."""
    torch.set_printoptions(**kwargs)
    _tensor_str.set_printoptions(**kwargs)
    try:
        yield
    finally:
        torch.set_printoptions(profile="default")
        _tensor_str.set_printoptions(profile="default")


# ---------------------------------------------------------------------------- strategies

shapes = st.one_of(
    st.lists(st.integers(0, 5), min_size=0, max_size=4).map(tuple),      # small, incl. 0-d/empty
    st.lists(st.integers(1, 14), min_size=1, max_size=4).map(tuple),     # around the threshold
    st.sampled_from([(1001,), (2000,), (7, 200), (3, 400), (40, 30), (11, 10, 10), (2, 3, 5, 40),
                     (1000,), (10, 100), (0, 2000), (1, 1, 1500)]),
)

# how the values are spread: each one pushes the formatter into a different mode
REGIMES = ["ints", "unit", "wide", "tiny", "huge", "wide_ints", "zeros", "specials_only"]


def _values(rng, regime, size, np_dtype):
    if regime == "ints":
        v = rng.integers(-20, 20, size).astype(np.float64)
    elif regime == "unit":
        v = rng.uniform(-1, 1, size)
    elif regime == "wide":  # magnitudes 1e-8 .. 1e12: scientific notation
        v = np.sign(rng.uniform(-1, 1, size)) * 10.0 ** rng.uniform(-8, 12, size)
    elif regime == "tiny":
        v = rng.uniform(-1, 1, size) * 1e-5
    elif regime == "huge":
        v = rng.uniform(-1, 1, size) * 1e9
    elif regime == "wide_ints":  # integers whose ratio triggers sci mode
        v = rng.integers(-100000, 100000, size).astype(np.float64)
    elif regime == "zeros":
        v = np.zeros(size)
    else:
        v = np.full(size, np.nan)
    with np.errstate(over="ignore"):  # float16 overflowing to inf is a case we want
        return v.astype(np_dtype)


@st.composite
def arrays(draw, dtypes=ALL_DTYPES):
    shape = draw(shapes)
    np_dtype = np.dtype(draw(st.sampled_from(dtypes)))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    size = int(np.prod(shape))
    if np_dtype.kind == "b":
        return rng.integers(0, 2, size).astype(bool).reshape(shape)
    if np_dtype.kind in "iu":
        info = np.iinfo(np_dtype)
        lo, hi = draw(st.sampled_from([(0, 10), (-5, 5), (int(info.min), int(info.max))]))
        lo = max(lo, int(info.min))
        return rng.integers(lo, hi, size, endpoint=True).astype(np_dtype).reshape(shape)
    real_dtype = np.float32 if np_dtype == np.complex64 else (
        np.float64 if np_dtype == np.complex128 else np_dtype)
    values = _values(rng, draw(st.sampled_from(REGIMES)), size, real_dtype)
    if draw(st.booleans()) and size:  # sprinkle nan / inf / -inf / 0 / -0
        specials = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0], dtype=real_dtype)
        where = rng.random(size) < draw(st.sampled_from([0.05, 0.3, 1.0]))
        values[where] = rng.choice(specials, int(where.sum()))
    if np_dtype.kind == "c":
        imag = _values(rng, draw(st.sampled_from(REGIMES)), size, real_dtype)
        values = values.astype(np_dtype) + 1j * imag.astype(np_dtype)
        values = values.astype(np_dtype)
    return values.reshape(shape)


# ---------------------------------------------------------------------------- tests

@SETTINGS
@given(arrays())
def test_repr_matches_torch(arr):
    check(arr)


@SETTINGS
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True, width=32), max_size=30),
       st.sampled_from([(-1,), (1, -1), (-1, 1)]))
def test_arbitrary_float32_values(values, shape):
    arr = np.array(values, dtype=np.float32)
    check(arr.reshape(shape) if arr.size else arr)


@SETTINGS
@given(st.lists(st.floats(width=64), min_size=1, max_size=20))
def test_arbitrary_float64_values(values):
    check(np.array(values, dtype=np.float64))


@pytest.mark.parametrize("arr", [
    np.array(3.5, dtype=np.float32), np.array(-0.0, dtype=np.float32), np.array(np.nan),
    np.array(7), np.array(True), np.array(2 - 3j, dtype=np.complex64),
    np.array([-0.0, 0.0, 1.5], dtype=np.float32), np.array([1.0, np.nan, -np.inf], dtype=np.float32),
    np.array([1e-5, 1.0], dtype=np.float32), np.array([1e9], dtype=np.float32),
    np.array([1.0, 1000.0], dtype=np.float32), np.array([1.0, 1001.0], dtype=np.float32),
    np.zeros((0, 3), dtype=np.float32), np.zeros((0,), dtype=np.int64), np.zeros((2, 0, 1), dtype=bool),
    np.zeros((0,), dtype=np.float64), np.zeros((0,), dtype=np.complex64),
    np.arange(1000, dtype=np.float32), np.arange(1001, dtype=np.float32),
    np.arange(10000, dtype=np.int64).reshape(100, 100), np.arange(24).reshape(2, 3, 4),
    np.array([[True, False], [False, False]]),
    np.linspace(-3, 3, 90, dtype=np.float32).reshape(3, 30),
], ids=lambda a: f"{a.dtype}{a.shape}")
def test_examples(arr):
    check(arr)


@SETTINGS
@given(arrays(dtypes=FLOAT_DTYPES + COMPLEX_DTYPES + INT_DTYPES + [np.bool_]),
       st.sampled_from([
           dict(precision=2), dict(precision=0), dict(precision=8), dict(sci_mode=True),
           dict(sci_mode=False), dict(profile="full"), dict(profile="short"),
           dict(linewidth=40), dict(linewidth=120), dict(threshold=10), dict(threshold=10, edgeitems=1),
           dict(threshold=5, edgeitems=0), dict(profile="short", precision=6, sci_mode=True),
       ]))
def test_printoptions(arr, options):
    with both_printoptions(**options):
        check(arr)


def test_get_and_set_printoptions():
    assert _tensor_str.get_printoptions() == torch._tensor_str.get_printoptions()
    with both_printoptions(profile="full", precision=3, sci_mode=False):
        assert _tensor_str.get_printoptions() == torch._tensor_str.get_printoptions()
        assert _tensor_str.PRINT_OPTS.threshold == float("inf")
    assert _tensor_str.get_printoptions() == torch._tensor_str.get_printoptions()
    with _tensor_str.printoptions(precision=1):
        assert _tensor_str.PRINT_OPTS.precision == 1
    assert _tensor_str.PRINT_OPTS.precision == 4


@SETTINGS
@given(arrays(dtypes=[np.float32, np.float64]),
       st.sampled_from(["leaf", "mul", "sum", "exp", "view"]))
def test_requires_grad_and_grad_fn_suffixes(arr, op):
    fn = {"leaf": lambda t: t, "mul": lambda t: t * 2, "sum": lambda t: t.sum(),
          "exp": lambda t: t.exp(), "view": lambda t: t.reshape(-1)}[op]
    expected = repr(fn(torch.from_numpy(np.array(arr, copy=True)).requires_grad_()))
    assert repr(fn(mt.from_numpy(np.array(arr, copy=True)).requires_grad_())) == expected


def test_parameter_repr_reuses_str():
    p = torch.nn.Parameter(torch.linspace(-1, 1, 12, dtype=torch.float64).reshape(3, 4))
    assert repr(mt.nn.Parameter(mt.from_numpy(p.detach().numpy().copy()))) == repr(p)


def test_tensor_contents_override():
    t = torch.arange(6, dtype=torch.int32).reshape(2, 3)
    expected = torch._tensor_str._str(t, tensor_contents="[...]")
    assert _tensor_str._str(mt.from_numpy(t.numpy()), tensor_contents="[...]") == expected


@pytest.mark.parametrize("arr", [
    np.array([1.5, 2.0]), np.array([1.5, 2.0], dtype=np.float32), np.array([1 + 1j]),
    np.array([1 + 1j], dtype=np.complex64), np.zeros((0,)), np.zeros((0,), dtype=np.float32),
])
def test_default_dtype_float64(arr):
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    _dtype.set_default_dtype(_dtype.float64)
    try:
        assert ours(arr) == theirs(arr)
    finally:
        torch.set_default_dtype(old)
        _dtype.set_default_dtype(_dtype.float32)


