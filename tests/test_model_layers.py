"""The small layers torchvision's models lean on, against real torch: ``Hardtanh`` /
``ReLU6`` (MobileNetV2's activation, in place or not) and ``nn.DataParallel`` on a
machine without GPUs (torch's behaviour there: a transparent wrapper; its use from a
script under ``run`` is in ``test_vision_models.py``), and the determinism flag.
"""
import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import minitorch_compat as mt
from helpers import FLOAT_DTYPES, arrays, check_op, make, raises_like, shapes


def F(T):
    return T.nn.functional


bounds = st.tuples(st.integers(-3, 2), st.integers(1, 4)).filter(lambda b: b[0] < b[1]).map(
    lambda b: (float(b[0]), float(b[1])))


@given(st.sampled_from(FLOAT_DTYPES).flatmap(lambda d: arrays(d, shapes(max_dims=3))), bounds)
def test_hardtanh_matches_torch_including_the_bounds(x, b):
    """Small integers in the draws hit the bounds exactly, where the gradient is 0."""
    ours, theirs = check_op(lambda T, x: F(T).hardtanh(x, *b), x)
    if theirs.grad_fn is not None:
        assert ours.grad_fn.name() == theirs.grad_fn.name() == "HardtanhBackward0"
    check_op(lambda T, x: F(T).relu6(x), x)


@pytest.mark.parametrize("fn", [
    lambda T, x: F(T).relu6(x * 1, inplace=True),
    lambda T, x: F(T).hardtanh(x * 1, -0.5, 0.5, inplace=True),
    lambda T, x: T.nn.ReLU6(inplace=True)(x * 1),
    lambda T, x: F(T).hardtanh_(x * 1),
])
def test_in_place_forms_match_torch(fn):
    x = np.array([-7.0, -0.5, 0.0, 0.25, 1.0, 6.0, 8.0])
    ours, theirs = check_op(fn, x)
    assert ours.grad_fn.name() == theirs.grad_fn.name()


def test_integer_inputs_truncate_the_bounds_like_torch():
    check_op(lambda T, x: F(T).hardtanh(x, -1.5, 2), np.arange(-4, 5, dtype=np.int32))
    check_op(lambda T, x: F(T).relu6(x), np.arange(-4, 9, dtype=np.int64))


@pytest.mark.parametrize("call", [
    lambda T: F(T).hardtanh(T.zeros(2), 2, 1),
    lambda T: F(T).hardtanh(T.tensor([True]), -1, 1),
    lambda T: T.nn.Hardtanh(2, 1),
])
def test_bad_bounds_raise_torchs_errors(call):
    raises_like(call, match_message=True)


@pytest.mark.parametrize("make_layer", [
    lambda T: T.nn.ReLU6(), lambda T: T.nn.ReLU6(inplace=True), lambda T: T.nn.Hardtanh(),
    lambda T: T.nn.Hardtanh(-2, 3, True), lambda T: T.nn.Hardtanh(-0.5, 0.5),
])
def test_activation_layers_print_like_torch(make_layer):
    assert repr(make_layer(mt)) == repr(make_layer(torch))


def test_deprecated_hardtanh_keywords_warn_like_torch():
    for T in (mt, torch):
        with pytest.warns(FutureWarning, match="`min_value` is deprecated and renamed to `min_val`"):
            m = T.nn.Hardtanh(min_value=-2.0)
        assert m.min_val == -2.0


# ------------------------------------------------------------------------------ DataParallel

def test_data_parallel_without_gpus_is_a_transparent_wrapper():
    """What torch does here (no accelerator): store the module, ``device_ids = []``, call through."""
    x = np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32)
    results = []
    for T in (mt, torch):
        T.manual_seed(0)
        inner = T.nn.Linear(3, 2)
        dp = T.nn.parallel.DataParallel(inner, device_ids=[0, 1], output_device=1)
        assert T.nn.DataParallel is T.nn.parallel.DataParallel and dp.module is inner
        assert not hasattr(dp, "output_device") and not hasattr(dp, "dim")
        results.append((repr(dp), dp.device_ids, list(dp.state_dict()), dp(make(T, x)).detach().numpy()))
    (o_repr, o_ids, o_keys, o_y), (t_repr, t_ids, t_keys, t_y) = results
    assert (o_repr, o_ids, o_keys) == (t_repr, t_ids, t_keys) == (o_repr, [], ["module.weight", "module.bias"])
    np.testing.assert_allclose(o_y, t_y, rtol=1e-6)


def test_functional_data_parallel_refuses_without_a_device():
    raises_like(lambda T: T.nn.parallel.data_parallel(T.nn.Linear(3, 2), T.zeros(1, 3)), match_message=True)


# ------------------------------------------------------------------------------ determinism flag

def test_use_deterministic_algorithms_flag_like_torch():
    """The DCGAN tutorial sets it; ours is always deterministic, so it is only recorded."""
    try:
        for call in ((True,), (False,), (True, True), (False, True)):
            flags = []
            for T in (mt, torch):
                T.use_deterministic_algorithms(call[0], warn_only=call[1] if len(call) > 1 else False)
                flags.append((T.are_deterministic_algorithms_enabled(), T.is_deterministic_algorithms_warn_only_enabled()))
            assert flags[0] == flags[1]
        raises_like(lambda T: T.use_deterministic_algorithms(1), match_message=True)
    finally:
        for T in (mt, torch):
            T.use_deterministic_algorithms(False)
