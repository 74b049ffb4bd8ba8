"""Every loss, every reduction: values and gradients (input and, where differentiable,
target) equal torch's; extreme logits stay finite exactly where torch's do; bad targets
raise torch's exception types (and messages).
"""
import contextlib
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import minitorch_compat as mt
from helpers import assert_close, check_op, raises_like

REDUCTIONS = ["mean", "sum", "none"]
FLOATS = st.sampled_from([np.float32, np.float64])


def F(T):
    return T.nn.functional


@st.composite
def class_problem(draw, max_classes=6):
    """Logits of shape (C), (N, C) or (N, C, d1[, d2]) and matching class indices."""
    dtype = draw(FLOATS)
    c = draw(st.integers(1, max_classes))
    kind = draw(st.sampled_from(["1d", "2d", "2d", "nd"]))
    n = draw(st.integers(1, 5))
    extra = tuple(draw(st.lists(st.integers(1, 3), min_size=1, max_size=2))) if kind == "nd" else ()
    shape = (c,) if kind == "1d" else (n, c) + extra
    scale = draw(st.sampled_from([1.0, 10.0]))
    seed = draw(st.integers(0, 10 ** 6))
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal(shape) * scale).astype(dtype)
    tshape = () if kind == "1d" else (n,) + extra
    t = rng.integers(0, c, tshape).astype(np.int64)
    return x, t, c, rng


@given(class_problem(), st.sampled_from(REDUCTIONS), st.booleans(), st.booleans(),
       st.sampled_from([0.0, 0.0, 0.1, 0.9]))
def test_cross_entropy_class_indices(problem, reduction, use_weight, use_ignore, smoothing):
    x, t, c, rng = problem
    weight = rng.uniform(0.1, 2.0, c).astype(x.dtype) if use_weight else None
    ignore = -100
    if use_ignore and t.size:
        ignore = int(t.reshape(-1)[0])  # at least one target is ignored
    check_op(lambda T, a: F(T).cross_entropy(a, T.tensor(t), weight=None if weight is None else T.tensor(weight),
                                              ignore_index=ignore, reduction=reduction,
                                              label_smoothing=smoothing), x)


@given(class_problem(), st.sampled_from(REDUCTIONS), st.booleans(), st.sampled_from([0.0, 0.2]))
def test_cross_entropy_class_probabilities(problem, reduction, use_weight, smoothing):
    x, _, c, rng = problem
    p = rng.uniform(0, 1, x.shape).astype(x.dtype)
    p /= p.sum(axis=1 if x.ndim > 1 else 0, keepdims=True)
    # the probabilities and the weight require grad too: torch differentiates both here
    if use_weight:
        weight = rng.uniform(0.1, 2.0, c).astype(x.dtype)
        check_op(lambda T, a, q, w: F(T).cross_entropy(a, q, weight=w, reduction=reduction,
                                                        label_smoothing=smoothing), x, p, weight)
    else:
        check_op(lambda T, a, q: F(T).cross_entropy(a, q, reduction=reduction, label_smoothing=smoothing), x, p)


@pytest.mark.parametrize("call", [
    lambda F, x, t, c, w: F.binary_cross_entropy(x.sigmoid(), t, weight=w),
    lambda F, x, t, c, w: F.binary_cross_entropy_with_logits(x, t, weight=w),
    lambda F, x, t, c, w: F.binary_cross_entropy_with_logits(x, t, weight=w.detach(), pos_weight=w),
    lambda F, x, t, c, w: F.binary_cross_entropy_with_logits(x, t, weight=w, pos_weight=w),
    lambda F, x, t, c, w: F.cross_entropy(x, c, weight=w),
    lambda F, x, t, c, w: F.cross_entropy(x, c, weight=w, label_smoothing=0.1),
    lambda F, x, t, c, w: F.nll_loss(x, c, weight=w),
    lambda F, x, t, c, w: F.nll_loss(x[0], c[0], weight=w),
    lambda F, x, t, c, w: F.nll_loss(x.reshape(2, 3, 2), c.reshape(2, 2)[:, :2] % 3, weight=w),
    lambda F, x, t, c, w: F.cross_entropy(x.reshape(1, 3, 2, 2), c.reshape(1, 2, 2) % 3, weight=w),
])
def test_a_weight_that_requires_grad_is_refused_where_torch_has_no_derivative(call):
    """torch's kernels have no derivative for these weights: a weight that requires grad
    raises while grad mode is on (the message names the kernel), and is fine under no_grad."""
    def run(T, no_grad=False):
        x = T.tensor([[0.5, -1.0, 2.0], [0.1, 0.2, -0.3], [1.0, 0.0, 0.5], [0.3, 0.3, 0.3]])
        t = x.sigmoid().flip(0)
        c, w = T.tensor([0, 2, 1, 0]), T.tensor([0.5, 1.0, 2.0], requires_grad=True)
        with T.no_grad() if no_grad else contextlib.nullcontext():
            return call(T.nn.functional, x, t, c, w)
    raises_like(run, match_message=True)
    assert_close(run(mt, no_grad=True), run(torch, no_grad=True))


@given(class_problem(), st.sampled_from(REDUCTIONS), st.booleans())
def test_nll_loss(problem, reduction, use_weight):
    x, t, c, rng = problem
    weight = rng.uniform(0.1, 2.0, c).astype(x.dtype) if use_weight else None
    check_op(lambda T, a: F(T).nll_loss(a.log_softmax(1 if a.dim() > 1 else 0), T.tensor(t),
                                        weight=None if weight is None else T.tensor(weight), reduction=reduction), x)
    check_op(lambda T, a: F(T).nll_loss(a, T.tensor(t), reduction=reduction, ignore_index=0), x)


def test_loss_modules_and_grad_fn_names():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 3)).astype(np.float32)
    t = np.array([0, 2, 1, 2])
    p = rng.uniform(0, 1, (4, 3)).astype(np.float32)
    cases = [
        (lambda T: T.nn.CrossEntropyLoss(), lambda T: T.tensor(t)),
        (lambda T: T.nn.CrossEntropyLoss(reduction="none", label_smoothing=0.1), lambda T: T.tensor(t)),
        (lambda T: T.nn.CrossEntropyLoss(weight=T.tensor([1.0, 2.0, 0.5])), lambda T: T.tensor(t)),
        (lambda T: T.nn.CrossEntropyLoss(), lambda T: T.tensor(p)),
        (lambda T: T.nn.CrossEntropyLoss(reduction="sum"), lambda T: T.tensor(p)),
        (lambda T: T.nn.NLLLoss(ignore_index=2), lambda T: T.tensor(t)),
        (lambda T: T.nn.MSELoss(), lambda T: T.tensor(p)),
        (lambda T: T.nn.L1Loss(), lambda T: T.tensor(p)),
        (lambda T: T.nn.L1Loss(reduction="sum"), lambda T: T.tensor(p)),
        (lambda T: T.nn.L1Loss(reduction="none"), lambda T: T.tensor(p)),
        (lambda T: T.nn.BCEWithLogitsLoss(pos_weight=T.tensor([1.0, 2.0, 3.0])), lambda T: T.tensor(p)),
    ]
    for make_loss, make_target in cases:
        (lo, _), (lt, _) = [(make_loss(T)(T.tensor(x, requires_grad=True), make_target(T)), T) for T in (mt, torch)]
        assert lo.grad_fn.name() == lt.grad_fn.name()
        np.testing.assert_allclose(lo.detach().numpy(), lt.detach().numpy(), rtol=1e-5, atol=1e-6)
    with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
        assert mt.nn.CrossEntropyLoss(size_average=False).reduction == "sum"


@given(FLOATS.flatmap(lambda d: st.tuples(st.just(d), st.sampled_from([(3,), (2, 4), (2, 3, 2)]))),
       st.sampled_from(REDUCTIONS), st.sampled_from(["mse_loss", "l1_loss"]), st.integers(0, 10 ** 6))
def test_mse_and_l1(dt_shape, reduction, name, seed):
    dtype, shape = dt_shape
    rng = np.random.default_rng(seed)
    x, y = rng.standard_normal(shape).astype(dtype), rng.standard_normal(shape).astype(dtype)
    check_op(lambda T, a, b: getattr(F(T), name)(a, b, reduction=reduction), x, y)


def test_mse_broadcast_warns_like_torch():
    x = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)
    y = np.random.default_rng(1).standard_normal((4,)).astype(np.float32)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        check_op(lambda T, a, b: F(T).mse_loss(a, b), x, y)
    msgs = [str(w.message) for w in rec]
    assert len(msgs) == 2 and msgs[0] == msgs[1]
    assert all(w.filename == __file__ for w in rec)  # the warning points at the caller, as torch's does
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        raises_like(lambda T, a, b: F(T).mse_loss(a, b), x, np.zeros(3, np.float32), match_message=True)


@given(FLOATS, st.sampled_from([(3,), (2, 4), (2, 3, 2)]), st.sampled_from(REDUCTIONS), st.booleans(),
       st.integers(0, 10 ** 6))
def test_binary_cross_entropy(dtype, shape, reduction, use_weight, seed):
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.02, 0.98, shape).astype(dtype)
    y = rng.uniform(0, 1, shape).astype(dtype)
    w = rng.uniform(0.1, 2, shape[-1:]).astype(dtype) if use_weight else None
    check_op(lambda T, a, b: F(T).binary_cross_entropy(a, b, weight=None if w is None else T.tensor(w),
                                                       reduction=reduction), x, y)


@given(FLOATS, st.sampled_from([(3,), (2, 4), (2, 3, 2)]), st.sampled_from(REDUCTIONS), st.booleans(),
       st.booleans(), st.sampled_from([1.0, 30.0]), st.integers(0, 10 ** 6))
def test_binary_cross_entropy_with_logits(dtype, shape, reduction, use_weight, use_pos, scale, seed):
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal(shape) * scale).astype(dtype)
    y = rng.uniform(0, 1, shape).astype(dtype)
    w = rng.uniform(0.1, 2, shape[-1:]).astype(dtype) if use_weight else None
    pw = rng.uniform(0.1, 3, shape[-1:]).astype(dtype) if use_pos else None
    check_op(lambda T, a, b: F(T).binary_cross_entropy_with_logits(
        a, b, weight=None if w is None else T.tensor(w), pos_weight=None if pw is None else T.tensor(pw),
        reduction=reduction), x, y)


# ------------------------------------------------------------------------- extremes
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_extreme_logits_stay_finite_like_torch(dtype, reduction):
    x = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, 1e4], [5e3, 5e3, -5e3], [0.0, 0.0, 0.0]], dtype=dtype)
    t = np.array([1, 2, 0, 1])
    for kw in ({}, {"label_smoothing": 0.1}, {"weight": np.array([1.0, 2.0, 3.0], dtype)}):
        kw2 = lambda T: {k: (T.tensor(v) if isinstance(v, np.ndarray) else v) for k, v in kw.items()}  # noqa: E731
        ours, _ = check_op(lambda T, a: F(T).cross_entropy(a, T.tensor(t), reduction=reduction, **kw2(T)), x)
        assert np.isfinite(ours.detach().numpy()).all()
    p = np.full(x.shape, 1 / 3, dtype)
    check_op(lambda T, a: F(T).cross_entropy(a, T.tensor(p), reduction=reduction), x)
    y = np.array([[1.0, 0.0, 0.5]] * 4, dtype)
    ours, _ = check_op(lambda T, a: F(T).binary_cross_entropy_with_logits(a, T.tensor(y), reduction=reduction), x)
    assert np.isfinite(ours.detach().numpy()).all()
    ours, _ = check_op(lambda T, a: F(T).binary_cross_entropy_with_logits(
        a, T.tensor(y), pos_weight=T.tensor(np.array([2.0, 0.5, 1.0], dtype)), reduction=reduction), x)
    assert np.isfinite(ours.detach().numpy()).all()
    # probabilities at exactly 0 and 1: the logs are clamped at -100, as torch does
    q = np.array([0.0, 1.0, 0.5, 1e-30], dtype)
    check_op(lambda T, a: F(T).binary_cross_entropy(T.tensor(q), a, reduction=reduction),
             np.array([0.3, 0.7, 1.0, 0.0], dtype), grad=False)


def test_all_targets_ignored():
    x = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)
    t = np.full(3, -100)
    for reduction in REDUCTIONS:
        check_op(lambda T, a: F(T).cross_entropy(a, T.tensor(t), reduction=reduction), x)


# ------------------------------------------------------------------------- errors
X = np.random.default_rng(0).standard_normal((3, 5)).astype(np.float32)
X4 = np.random.default_rng(0).standard_normal((2, 5, 3, 4)).astype(np.float32)
X3 = np.random.default_rng(0).standard_normal((2, 5, 3)).astype(np.float32)


@pytest.mark.parametrize("call", [
    lambda T, x: F(T).cross_entropy(x, T.tensor([1, 2, 5])),
    lambda T, x: F(T).cross_entropy(x, T.tensor([1, -1, 2])),
    lambda T, x: F(T).cross_entropy(x, T.tensor([1, 2, 3], dtype=T.int32)),
    lambda T, x: F(T).cross_entropy(x, T.tensor([1.0, 2.0, 3.0])),
    lambda T, x: F(T).cross_entropy(x, T.tensor([1, 2])),
    lambda T, x: F(T).cross_entropy(x, T.tensor([[1, 2, 3]])),
    lambda T, x: F(T).cross_entropy(x, T.tensor([[1, 2, 3]]).t()),
    lambda T, x: F(T).cross_entropy(x, T.ones(3, 4)),
    lambda T, x: F(T).cross_entropy(x, T.ones(3, 5), ignore_index=1),
    lambda T, x: F(T).cross_entropy(x, T.ones(3, 5, dtype=T.int64)),
    lambda T, x: F(T).cross_entropy(x, T.tensor([1, 2, 3]), weight=T.ones(4)),
    lambda T, x: F(T).cross_entropy(x, T.tensor([1, 2, 3]), weight=T.ones(5, dtype=T.float64)),
    lambda T, x: F(T).cross_entropy(x, T.tensor([1, 2, 3]), reduction="avg"),
    lambda T, x: F(T).cross_entropy(x, T.tensor([1, 2, 3]), label_smoothing=1.5),
    lambda T, x: F(T).cross_entropy(x.long(), T.tensor([1, 2, 3])),
    lambda T, x: F(T).cross_entropy(T.tensor(X4), T.full((2, 3, 4), 7)),
    lambda T, x: F(T).cross_entropy(T.tensor(X4), T.full((2, 3, 5), 1)),
    lambda T, x: F(T).cross_entropy(T.tensor(X4), T.full((2, 3), 1)),
    lambda T, x: F(T).cross_entropy(T.tensor(X3), T.zeros(2, 4, dtype=T.int64)),
    lambda T, x: F(T).nll_loss(T.tensor(1.0), T.tensor(0)),
    lambda T, x: F(T).nll_loss(x, T.ones(3, 5)),
    lambda T, x: F(T).binary_cross_entropy(T.rand(3), T.rand(3, 1)),
    lambda T, x: F(T).binary_cross_entropy(T.tensor([1.5]), T.rand(1)),
    lambda T, x: F(T).binary_cross_entropy(T.rand(3), T.rand(3, dtype=T.float64)),
    lambda T, x: F(T).binary_cross_entropy_with_logits(T.rand(3), T.rand(3, 1)),
    lambda T, x: F(T).mse_loss(x, T.ones(4)),
])
def test_bad_targets_raise_torchs_errors(call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        raises_like(call, X, match_message=True)
