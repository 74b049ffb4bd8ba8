"""Elementwise math of issue 17 against real torch: the trigonometric and hyperbolic
functions, erf/erfinv, rounding, the two-input ops (atan2, hypot, logaddexp, xlogy, fmod,
remainder, lerp, clamp_min/max) and every in-place form.

For each name: values and gradients over float32/float64 (``check_op``), the dtype of
integer and bool inputs (or torch's error), the node torch records and whether a second
backward is refused (``check_graph``), and the in-place method and ``torch.X_`` function.
"""
import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import minitorch_compat as mt
from helpers import FLOAT_DTYPES, assert_close, both, broadcast_pair, check_graph, check_op, graph_of, raises_like, shapes

# name: the interval inputs are drawn from (inside the op's domain, away from its poles)
UNARY = {
    "tan": (-1.2, 1.2), "asin": (-0.95, 0.95), "acos": (-0.95, 0.95), "atan": (-10, 10),
    "sinh": (-5, 5), "cosh": (-5, 5), "asinh": (-10, 10), "acosh": (1.05, 10), "atanh": (-0.95, 0.95),
    "arcsin": (-0.95, 0.95), "arctanh": (-0.95, 0.95),
    "log1p": (-0.9, 10), "expm1": (-5, 5), "log2": (0.1, 10), "log10": (0.1, 10), "exp2": (-5, 5),
    "erf": (-4, 4), "erfc": (-4, 4), "erfinv": (-0.99, 0.99), "sinc": (-3, 3),
    "deg2rad": (-400, 400), "rad2deg": (-7, 7),
    "sign": (-5, 5), "sgn": (-5, 5), "frac": (-5, 5), "trunc": (-5, 5), "fix": (-5, 5),
    "floor": (-5, 5), "ceil": (-5, 5), "round": (-5, 5),
}


def values(dtype, lo, hi):
    """Floats in [lo, hi], with quarter-integers mixed in (exact zeros, ties for rounding)."""
    width = 32 if dtype == np.float32 else 64
    quarters = st.integers(int(np.ceil(lo * 4)), int(np.floor(hi * 4))).map(lambda k: k / 4)
    lo, hi = (float(np.float32(v)) for v in (lo, hi)) if width == 32 else (lo, hi)
    return st.one_of(quarters, st.floats(lo, hi, width=width, allow_nan=False, allow_subnormal=False))


def float_inputs(lo, hi, shape=None):
    shape = shapes(max_dims=3) if shape is None else shape
    return st.sampled_from(FLOAT_DTYPES).flatmap(lambda d: hnp.arrays(d, shape, elements=values(d, lo, hi)))


def same_outcome(fn, *arrays):
    """torch's result (values, dtype) or torch's exception, type and message."""
    try:
        fn(torch, *[torch.from_numpy(a.copy()) for a in arrays])
    except Exception:
        raises_like(fn, *arrays, match_message=True)
        return
    check_op(fn, *arrays, grad=False)


# ---------------------------------------------------------------------------- unary
@pytest.mark.parametrize("name", UNARY)
@given(data=st.data())
def test_unary_values_and_gradients(name, data):
    a = data.draw(float_inputs(*UNARY[name]))
    if name in ("acosh", "atanh", "asin", "acos", "erfinv", "arcsin", "arctanh"):
        check_op(lambda T, x: getattr(T, name)(x), a, rtol=1e-4 if a.dtype == np.float32 else None)
    else:
        check_op(lambda T, x: getattr(T, name)(x), a)
    check_op(lambda T, x: getattr(x, name)(), a, rtol=1e-4 if a.dtype == np.float32 else None)


@pytest.mark.parametrize("name", UNARY)
@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8, np.bool_])
def test_unary_integer_and_bool_inputs(name, dtype):
    """Float-valued math promotes integers to the default dtype; sign/trunc/round keep them."""
    lo, hi = UNARY[name]
    a = np.clip(np.array([0, 1, 2, 3]), max(lo, 0), hi).astype(dtype)
    same_outcome(lambda T, x: getattr(T, name)(x), a)


@pytest.mark.parametrize("name", UNARY)
def test_unary_node_and_second_backward(name):
    lo, hi = UNARY[name]
    a = np.linspace(lo * 0.9, hi * 0.9, 6).reshape(2, 3)
    check_graph(lambda T, x: getattr(T, name)(x * 1), a)


def test_special_values_like_torch():
    """Poles, the edges of each domain, infinities and NaN."""
    a = np.array([-np.inf, -2.0, -1.0, -0.5, -0.0, 0.0, 0.5, 1.0, 2.0, np.inf, np.nan])
    for name in UNARY:
        check_op(lambda T, x: getattr(T, name)(x), a, grad=False)
    check_op(lambda T, x: T.erfinv(x), np.array([1 - 1e-12, -1 + 1e-15, 1e-300, 0.9999999]), grad=False)


@pytest.mark.parametrize("decimals", [-2, -1, 1, 2, 3])
@given(a=float_inputs(-500, 500))
def test_round_decimals(decimals, a):
    check_op(lambda T, x: T.round(x, decimals=decimals), a)
    check_graph(lambda T, x: (x * 1).round(decimals=decimals), np.array([1.25, -3.5]))


def test_round_decimals_of_integers_raises_like_torch():
    raises_like(lambda T, x: T.round(x, decimals=1), np.array([1, 2]), match_message=True)


# ---------------------------------------------------------------------------- in place
INPLACE = [n for n in UNARY if n not in ("arcsin", "arctanh")] + ["abs", "neg", "exp", "log", "sqrt", "sigmoid",
                                                                 "tanh", "relu", "sin", "cos", "reciprocal",
                                                                 "rsqrt", "square", "arccos", "absolute",
                                                                 "negative"]


@pytest.mark.parametrize("name", INPLACE)
def test_inplace_method_values_graph_and_grads(name):
    lo, hi = UNARY.get(name, (0.5, 3))
    a = np.linspace(lo * 0.9 + 0.01, hi * 0.9, 6).reshape(2, 3)
    if name in ("asinh", "acosh", "atanh"):  # torch records these in place, but cannot differentiate them
        check_op(lambda T, x: getattr(x * 1, name + "_")(), a, grad=False)
        raises_like(lambda T, x: getattr(x.requires_grad_() * 1, name + "_")().sum().backward(), a,
                    match_message=True)
        (ours, _), (theirs, _) = both(lambda T, x: getattr(x * 1, name + "_")(), a)
        assert graph_of(ours) == graph_of(theirs)
    else:
        check_op(lambda T, x: getattr(x * 1, name + "_")(), a)
        check_graph(lambda T, x: getattr(x * 1, name + "_")(), a)
    # the method returns the tensor itself, changed in place
    t = mt.tensor(a)
    assert getattr(t, name + "_")() is t
    np.testing.assert_allclose(t.numpy(), getattr(torch, name)(torch.from_numpy(a)).numpy(), rtol=1e-12)


@pytest.mark.parametrize("name", sorted({n.rstrip("_") for n in dir(torch.Tensor) if n.endswith("_")} & set(
    INPLACE + ["atan2", "arctan2", "hypot", "xlogy", "fmod", "remainder", "clamp_min", "clamp_max", "nan_to_num",
               "clamp", "clip", "lerp"])))
def test_torch_namespace_has_exactly_torchs_inplace_functions(name):
    assert hasattr(mt.Tensor, name + "_")
    assert hasattr(mt, name + "_") == hasattr(torch, name + "_")


def test_inplace_float_result_into_integer_tensor_raises_like_torch():
    raises_like(lambda T, x: x.sin_(), np.array([1, 2]), match_message=True)
    raises_like(lambda T, x: x.frac_(), np.array([1, 2]), match_message=True)
    same_outcome(lambda T, x: x.sign_(), np.array([-3, 0, 2]))
    same_outcome(lambda T, x: x.clamp_min_(1), np.array([-3, 0, 2]))


def test_torch_inplace_functions():
    a = np.array([0.25, 0.5, 0.75])
    for name in ("sin_", "asin_", "atan_", "erf_", "exp2_", "trunc_", "deg2rad_", "sinc_"):
        check_op(lambda T, x: getattr(T, name)(x * 1), a)
    check_op(lambda T, x: T.xlogy_(x * 1, 2.0), a)
    check_op(lambda T, x: T.clamp_min_(x * 1, 0.5), a)


# ---------------------------------------------------------------------------- two inputs
BINARY = {
    "atan2": lambda T, a, b: T.atan2(a, b),
    "arctan2": lambda T, a, b: T.arctan2(a, b),
    "hypot": lambda T, a, b: T.hypot(a, b),
    "logaddexp": lambda T, a, b: T.logaddexp(a, b),
    "xlogy": lambda T, a, b: T.xlogy(a, b),
    "fmod": lambda T, a, b: T.fmod(a, b),
    "remainder": lambda T, a, b: T.remainder(a, b),
    "clamp_min": lambda T, a, b: T.clamp_min(a, b),
    "clamp_max": lambda T, a, b: T.clamp_max(a, b),
    "method.atan2": lambda T, a, b: a.atan2(b),
    "method.fmod": lambda T, a, b: a.fmod(b),
    "method.xlogy": lambda T, a, b: a.xlogy(b),
    "method.clamp_min": lambda T, a, b: a.clamp_min(b),
}


@pytest.mark.parametrize("name", BINARY)
@given(data=st.data())
def test_binary_values_and_gradients(name, data):
    sa, sb = data.draw(broadcast_pair(max_dims=3))
    da, db = data.draw(st.sampled_from(FLOAT_DTYPES)), data.draw(st.sampled_from(FLOAT_DTYPES))
    a = data.draw(hnp.arrays(da, sa, elements=values(da, -4, 4)))
    lo = 0 if "xlogy" in name else -4  # xlogy: log of a negative is NaN, whose gradient is NaN too
    b = data.draw(hnp.arrays(db, sb, elements=values(db, lo, 4)))
    if name.split(".")[-1] in ("fmod", "remainder"):
        b = np.where(np.abs(b) < 0.5, 1.5, b).astype(b.dtype)  # a jump of the result at every multiple of b
        a = np.asarray(a + 0.1 * (a == np.round(a)), a.dtype)  # off those jumps (the gradient is torch's choice there)
    # No tiny nonzero values: where dtypes are mixed, torch's kernel casts inside and its backward works on the
    # uncast operands (a float64 0-d value that is 0 in float32, a float32 square that underflows), while we
    # record the cast (ToCopy) first and differentiate in the promoted dtype.
    a, b = (np.where((0 < np.abs(v)) & (np.abs(v) < 1e-3), 1e-3, v).astype(v.dtype) for v in (a, b))
    check_op(BINARY[name], a, b)


@pytest.mark.parametrize("name", ["xlogy", "fmod", "remainder", "clamp_min", "clamp_max"])
@given(a=float_inputs(0.1, 4), s=st.sampled_from([2, 2.5, -1.5, 0, 1]), first=st.booleans())
def test_binary_with_a_python_number(name, a, s, first):
    if name in ("fmod", "remainder") and s == 0:
        s = 3
    if first and name in ("xlogy", "remainder"):
        # (torch has no derivative for remainder(number, tensor): tested below)
        check_op(lambda T, x: getattr(T, name)(s, x), a, grad=name == "xlogy")
    else:
        check_op(lambda T, x: getattr(T, name)(x, s), a)


@pytest.mark.parametrize("name", ["atan2", "hypot", "logaddexp", "xlogy", "fmod", "remainder", "clamp_min",
                                  "clamp_max"])
@pytest.mark.parametrize("dtypes", [(np.int64, np.int64), (np.int32, np.int64), (np.uint8, np.uint8),
                                    (np.bool_, np.bool_), (np.float32, np.float64), (np.int64, np.float32)])
def test_binary_dtypes(name, dtypes):
    a = np.array([3, 1, 0, 2]).astype(dtypes[0])
    b = np.array([2, 1, 1, 3]).astype(dtypes[1])
    same_outcome(BINARY[name], a, b)


@pytest.mark.parametrize("call", [
    lambda T, x, y: T.atan2(x, y), lambda T, x, y: T.atan2(x, 2), lambda T, x, y: T.atan2(2.5, y),
    lambda T, x, y: T.hypot(x, 1), lambda T, x, y: T.logaddexp(x, 0.5),
    lambda T, x, y: T.xlogy(2, y), lambda T, x, y: T.xlogy(x, 3.0),
    lambda T, x, y: T.fmod(x, 2), lambda T, x, y: T.fmod(x, y), lambda T, x, y: T.remainder(x, y),
    lambda T, x, y: T.clamp_min(x, 0.5), lambda T, x, y: T.clamp_min(x, y), lambda T, x, y: T.clamp_max(x, 0.5),
    lambda T, x, y: T.clamp_max(x, y), lambda T, x, y: T.lerp(x, y, 0.3), lambda T, x, y: T.lerp(x, y, y),
    lambda T, x, y: T.hypot(x, y), lambda T, x, y: T.logaddexp(x, y),
])
def test_binary_nodes_errors_and_second_backward(call):
    a, b = np.array([0.5, -1.5, 2.0]), np.array([0.25, 2.0, 0.5])
    try:
        call(torch, torch.from_numpy(a), torch.from_numpy(b))
    except TypeError:
        raises_like(call, a, b, match_message=True)
        return
    check_graph(lambda T, x, y: call(T, x * 1, y * 1), a, b)


def test_remainder_of_number_by_tensor_has_no_derivative_like_torch():
    (ours, _), (theirs, _) = both(lambda T, y: T.remainder(2, y * 1), np.array([0.5, 1.5]))
    assert graph_of(ours) == graph_of(theirs)
    raises_like(lambda T, y: T.remainder(2, y.requires_grad_()).sum().backward(), np.array([0.5, 1.5]),
                match_message=True)


def test_clamp_min_max_ties_and_nan():
    x = np.array([0.0, 1.0, -1.0, np.nan, 0.5])
    m = np.array([0.0, 0.0, 0.0, 0.0, np.nan])
    for fn in (lambda T, a, b: T.clamp_min(a, b), lambda T, a, b: T.clamp_max(a, b),
               lambda T, a, b: T.clamp_min(a, 0.0), lambda T, a, b: T.clamp_max(a, 1.0)):
        check_op(fn, x, m)


@given(data=st.data())
def test_lerp(data):
    sa, sb = data.draw(broadcast_pair(max_dims=3))
    dt = data.draw(st.sampled_from(FLOAT_DTYPES))
    a = data.draw(hnp.arrays(dt, sa, elements=values(dt, -4, 4)))
    b = data.draw(hnp.arrays(dt, sb, elements=values(dt, -4, 4)))
    w = data.draw(st.sampled_from([0.0, 0.3, 0.5, 0.75, 1.0, -0.5, 2.0]))
    check_op(lambda T, x, y: T.lerp(x, y, w), a, b)
    check_op(lambda T, x, y: x.lerp(y, T.full_like(y, w).requires_grad_()), a, b)
    check_op(lambda T, x, y: T.lerp(x, y, x), a, b)


@pytest.mark.parametrize("dtypes", [(np.int64, np.int64, None), (np.float32, np.float64, None),
                                    (np.float32, np.float32, np.float64)])
def test_lerp_dtype_errors(dtypes):
    a, b = np.array([1, 2]).astype(dtypes[0]), np.array([3, 4]).astype(dtypes[1])
    if dtypes[2] is None:
        raises_like(lambda T, x, y: T.lerp(x, y, 0.5), a, b, match_message=True)
    else:
        raises_like(lambda T, x, y, w: T.lerp(x, y, w), a, b, np.array([0.5, 0.5]), match_message=True)


def test_inplace_two_input_forms():
    a, b = np.array([0.5, -1.5, 2.0]), np.array([0.25, 2.0, 0.5])
    for name in ("atan2_", "arctan2_", "hypot_", "xlogy_", "fmod_", "remainder_", "clamp_min_", "clamp_max_"):
        check_op(lambda T, x, y: getattr(x * 1, name)(y), a, b)
    check_op(lambda T, x, y: (x * 1).lerp_(y, 0.25), a, b)


# ---------------------------------------------------------------------------- nan_to_num
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kw", [{}, {"nan": 1.5}, {"posinf": 7.0, "neginf": -3.0}, {"nan": -1, "posinf": 1}])
def test_nan_to_num(dtype, kw):
    a = np.array([np.nan, np.inf, -np.inf, 1.5, -2.0], dtype=dtype)
    check_op(lambda T, x: T.nan_to_num(x, **kw), a)
    check_op(lambda T, x: x.nan_to_num(**kw), a)
    check_op(lambda T, x: (x * 1).nan_to_num_(**kw), a)
    check_graph(lambda T, x: T.nan_to_num(x * 1, **kw), a)
    same_outcome(lambda T, x: T.nan_to_num(x, **kw), np.array([1, 2, 3]))


@pytest.mark.parametrize("call", [
    lambda T, x, y: T.floor_divide(x, y),
    lambda T, x, y: x // y,
    lambda T, x, y: x // 2,
    lambda T, x, y: 2.5 // x,
    lambda T, x, y: x // y.detach(),
])
def test_floor_divide_records_a_node_that_refuses_backward(call):
    """torch defines no derivative for floor_divide: the result requires grad through a
    NotImplemented node whose edges are the tensor operands, and backward raises."""
    def run(T):
        x = T.tensor([3.5, -2.0, 7.0], requires_grad=True)
        y = T.tensor([2.0, 3.0, -2.0], requires_grad=True)
        r = call(T, x, y)
        return r, r.requires_grad, graph_of(r)
    ours, theirs = run(mt), run(torch)
    assert ours[1:] == theirs[1:]
    assert_close(ours[0], theirs[0])
    raises_like(lambda T: run(T)[0].sum().backward(), match_message=True)
