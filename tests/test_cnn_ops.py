"""Functional CNN ops against real torch: conv, pooling, normalisation, padding, erf and
the "next" tensor ops (scatter, one_hot, embedding, sort/topk).

Each property test draws a shape and hyperparameters, runs ``F.<op>`` on torch and on
minitorch_compat from the same arrays, and compares the output and every input gradient
(``helpers.check_op``: float64 to 1e-10, float32 to 1e-5 relative).
"""
import math

import numpy as np
import pytest
import torch
from hypothesis import assume, given, strategies as st

import minitorch_compat as mt
from helpers import FLOAT_DTYPES, arrays, assert_close, check_op, make, raises_like


def F(T):
    return T.nn.functional


dtypes = st.sampled_from(FLOAT_DTYPES)


def _out(size, k, s, p, d):
    return (size + 2 * p - d * (k - 1) - 1) // s + 1


def _pool_out_size(size, k, s, p, d, ceil):
    num = size + 2 * p - d * (k - 1) - 1
    out = (-(-num // s) if ceil else num // s) + 1
    return out - 1 if ceil and (out - 1) * s >= size + p else out


# ------------------------------------------------------------------------------ conv2d
@st.composite
def conv2d_case(draw):
    groups = draw(st.integers(1, 3))
    cin, cout = groups * draw(st.integers(1, 3)), groups * draw(st.integers(1, 3))
    n = draw(st.integers(1, 3))
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    dil = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = draw(st.one_of(st.tuples(st.integers(0, 2), st.integers(0, 2)), st.sampled_from(["same", "valid"])))
    stride = (1, 1) if padding == "same" else (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    h, w = draw(st.integers(1, 8)), draw(st.integers(1, 8))
    p = (0, 0) if padding in ("same", "valid") else padding
    if padding != "same":
        assume(_out(h, kh, stride[0], p[0], dil[0]) >= 1 and _out(w, kw, stride[1], p[1], dil[1]) >= 1)
    dt = draw(dtypes)
    x = draw(arrays(dt, (n, cin, h, w)))
    wt = draw(arrays(dt, (cout, cin // groups, kh, kw)))
    b = draw(st.one_of(st.none(), arrays(dt, (cout,))))
    return x, wt, b, dict(stride=stride, padding=padding, dilation=dil, groups=groups)


@pytest.mark.filterwarnings("ignore:Using padding=.same. with even kernel")
@given(conv2d_case())
def test_conv2d_matches_torch(case):
    x, w, b, kw = case
    check_op(lambda T, x, w, b: F(T).conv2d(x, w, b, **kw), x, w, b)


@pytest.mark.filterwarnings("ignore:Using padding=.same. with even kernel")
@given(conv2d_case())
def test_conv2d_float64_tight(case):
    x, w, b, kw = case
    x, w = x.astype(np.float64), w.astype(np.float64)
    b = None if b is None else b.astype(np.float64)
    check_op(lambda T, x, w, b: F(T).conv2d(x, w, b, **kw), x, w, b, rtol=1e-10, atol=1e-10)


def test_conv2d_unbatched_and_int_args():
    rng = np.random.default_rng(0)
    x, w, b = rng.standard_normal((3, 7, 6)), rng.standard_normal((4, 3, 3, 3)), rng.standard_normal(4)
    check_op(lambda T, x, w, b: F(T).conv2d(x, w, b, 2, 1), x, w, b)
    check_op(lambda T, x, w: T.conv2d(x, w, None, 1, "same", 2), x, w)


@st.composite
def conv1d_case(draw):
    groups = draw(st.integers(1, 2))
    cin, cout = groups * draw(st.integers(1, 3)), groups * draw(st.integers(1, 3))
    k, d = draw(st.integers(1, 4)), draw(st.integers(1, 2))
    padding = draw(st.one_of(st.integers(0, 2), st.sampled_from(["same", "valid"])))
    s = 1 if padding == "same" else draw(st.integers(1, 3))
    length = draw(st.integers(1, 10))
    if padding != "same":
        assume(_out(length, k, s, 0 if padding == "valid" else padding, d) >= 1)
    dt = draw(dtypes)
    return (draw(arrays(dt, (draw(st.integers(1, 3)), cin, length))), draw(arrays(dt, (cout, cin // groups, k))),
            draw(st.one_of(st.none(), arrays(dt, (cout,)))), dict(stride=s, padding=padding, dilation=d, groups=groups))


@given(conv1d_case())
def test_conv1d_matches_torch(case):
    x, w, b, kw = case
    check_op(lambda T, x, w, b: F(T).conv1d(x, w, b, **kw), x, w, b)


def test_conv_bad_inputs_raise_torch_errors():
    x4, x2 = np.zeros((1, 3, 5, 5)), np.zeros((3, 5))
    w = np.zeros((2, 3, 3, 3))
    raises_like(lambda T, x, w: F(T).conv2d(x, w), np.zeros((1, 4, 5, 5)), w)      # wrong channels
    raises_like(lambda T, x, w: F(T).conv2d(x, w), x2, w)                          # wrong dims
    raises_like(lambda T, x, w: F(T).conv2d(x, w), np.zeros((1, 3, 2, 2)), w)      # kernel > input
    raises_like(lambda T, x, w: F(T).conv2d(x, w, padding="full"), x4, w)
    raises_like(lambda T, x, w: F(T).conv2d(x, w, stride=2, padding="same"), x4, w)
    raises_like(lambda T, x, w: F(T).conv2d(x, w), x4.astype(np.float32), w)         # dtype mismatch
    raises_like(lambda T, x, w: F(T).conv1d(x, w), np.zeros((1, 2, 5)), np.zeros((2, 3, 3)))
    err, _ = raises_like(lambda T, x, w: F(T).conv2d(x, w), np.zeros((1, 4, 5, 5)), w)
    assert "expected input[1, 4, 5, 5] to have 3 channels, but got 4 channels instead" in str(err)
    for x, w, kw in [(np.zeros((1, 3, 2, 2)), w, {}), (np.zeros((1, 2, 3)), np.zeros((1, 2, 5)), {}),
                     (np.zeros((2, 4)), np.zeros((1, 2, 3)), {"dilation": 2})]:
        conv = F(torch).conv2d if x.ndim == 4 else F(torch).conv1d
        with pytest.raises(RuntimeError) as theirs:
            conv(torch.from_numpy(x), torch.from_numpy(w), **kw)
        conv = F(mt).conv2d if x.ndim == 4 else F(mt).conv1d
        with pytest.raises(RuntimeError) as ours:
            conv(mt.from_numpy(x), mt.from_numpy(w), **kw)
        assert str(ours.value) == str(theirs.value)   # "Calculated padded input size per channel: (3). ..."


# ------------------------------------------------------------------------------ pooling
@st.composite
def pool_case(draw, dilation=True):
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    d = (draw(st.integers(1, 2)), draw(st.integers(1, 2))) if dilation else (1, 1)
    p = (draw(st.integers(0, kh // 2)), draw(st.integers(0, kw // 2)))
    s = draw(st.one_of(st.none(), st.tuples(st.integers(1, 3), st.integers(1, 3))))
    ceil = draw(st.booleans())
    h, w = draw(st.integers(1, 8)), draw(st.integers(1, 8))
    ss = s or (kh, kw)
    assume(_out(h, kh, ss[0], p[0], d[0]) >= 1 and _out(w, kw, ss[1], p[1], d[1]) >= 1)
    # torch's max_pool2d backward writes out of bounds (heap corruption, then abort) when a
    # window holds no input element at all (possible with dilation + padding): avoid those
    for size, k_, s_, p_, d_ in ((h, kh, ss[0], p[0], d[0]), (w, kw, ss[1], p[1], d[1])):
        n_out = _pool_out_size(size, k_, s_, p_, d_, ceil)
        assume(all(any(0 <= o * s_ - p_ + a * d_ < size for a in range(k_)) for o in range(n_out)))
    shape = draw(st.sampled_from([(draw(st.integers(1, 2)), draw(st.integers(1, 3)), h, w), (2, h, w)]))
    x = draw(arrays(draw(dtypes), shape))
    return x, (kh, kw), s, p, d, ceil


@given(pool_case())
def test_max_pool2d_values_indices_and_grad(case):
    x, k, s, p, d, ceil = case
    check_op(lambda T, x: F(T).max_pool2d(x, k, s, p, d, ceil_mode=ceil, return_indices=True), x)


@given(pool_case(dilation=False), st.booleans(), st.sampled_from([None, 3]))
def test_avg_pool2d(case, count_include_pad, divisor):
    x, k, s, p, _, ceil = case
    check_op(lambda T, x: F(T).avg_pool2d(x, k, s, p, ceil, count_include_pad, divisor), x)


@given(st.integers(1, 9), st.integers(1, 9), st.integers(1, 5), st.one_of(st.integers(1, 5), st.none()),
       dtypes, st.data())
def test_adaptive_avg_pool2d(h, w, oh, ow, dt, data):
    x = data.draw(arrays(dt, (2, 3, h, w)))
    check_op(lambda T, x: F(T).adaptive_avg_pool2d(x, (oh, ow)), x)
    check_op(lambda T, x: F(T).adaptive_avg_pool2d(x, oh), x[0])


def test_pool_bad_inputs():
    x = np.zeros((1, 1, 4, 4))
    raises_like(lambda T, x: F(T).max_pool2d(x, 3, padding=2), x)     # pad > half kernel
    raises_like(lambda T, x: F(T).max_pool2d(x, 5), x)                # output too small
    raises_like(lambda T, x: F(T).max_pool2d(x, 2), np.zeros((4, 4)))  # 2-d input
    raises_like(lambda T, x: F(T).avg_pool2d(x, 5), x)


def test_max_pool2d_window_without_input_elements():
    """Dilation + padding can leave a window with no input element: torch returns -inf and
    the index its scan starts at (its backward then writes out of bounds, so only the
    forward is compared); our gradient for such a window simply vanishes."""
    x = np.zeros((1, 1, 1, 1))
    check_op(lambda T, x: F(T).max_pool2d(x, (1, 2), None, (0, 1), (1, 2), return_indices=True), x, grad=False)
    ours = mt.tensor(x, requires_grad=True)
    F(mt).max_pool2d(ours, (1, 2), None, (0, 1), (1, 2)).sum().backward()
    assert ours.grad.tolist() == [[[[0.0]]]]


def test_max_pool2d_propagates_nan_like_torch():
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    x[0, 0, 1, 1] = np.nan
    check_op(lambda T, x: F(T).max_pool2d(x, 2, return_indices=True), x)


# ------------------------------------------------------------------------------ batch / layer norm
@st.composite
def bn_case(draw):
    c = draw(st.integers(1, 4))
    shape = draw(st.sampled_from([(draw(st.integers(2, 4)), c), (draw(st.integers(1, 3)), c, draw(st.integers(2, 5))),
                                  (draw(st.integers(1, 3)), c, draw(st.integers(1, 4)), draw(st.integers(2, 4)))]))
    dt = draw(dtypes)
    x = draw(arrays(dt, shape))
    assume(np.all(x.reshape(x.shape[0], c, -1).transpose(1, 0, 2).reshape(c, -1).std(axis=1) > 1e-3))
    affine = draw(st.booleans())
    wb = (draw(arrays(dt, (c,))), draw(arrays(dt, (c,)))) if affine else (None, None)
    rm, rv = draw(arrays(dt, (c,))), np.abs(draw(arrays(dt, (c,)))) + 0.5
    return x, wb, rm, rv, draw(st.sampled_from([0.1, 0.5, 0.0, 1.0])), draw(st.sampled_from([1e-5, 1e-3]))


@given(bn_case(), st.booleans())
def test_batch_norm_functional_and_running_stats(case, training):
    x, (w, b), rm, rv, momentum, eps = case
    stats = {}

    def fn(T, x, w, b):
        r_m, r_v = make(T, rm), make(T, rv)
        stats[T] = (r_m, r_v)
        return F(T).batch_norm(x, r_m, r_v, w, b, training, momentum, eps)
    check_op(fn, x, w, b)
    for ours, theirs in zip(stats[mt], stats[torch]):
        assert_close(ours, theirs, what="running stat")


@given(st.lists(st.integers(1, 4), min_size=1, max_size=4), st.integers(1, 3), st.booleans(), dtypes, st.data())
def test_layer_norm(shape, k, affine, dt, data):
    k = min(k, len(shape))
    x = data.draw(arrays(dt, tuple(shape)))
    norm = tuple(shape[len(shape) - k:])
    # two elements normalise to exactly +-1: the gradient is then only rounding noise
    assume(np.prod(norm) > 2 and np.all(x.reshape(-1, int(np.prod(norm))).std(axis=1) > 1e-3))
    w = data.draw(arrays(dt, norm)) if affine else None
    b = data.draw(arrays(dt, norm)) if affine else None
    check_op(lambda T, x, w, b: F(T).layer_norm(x, norm, w, b, 1e-5), x, w, b)


def test_norm_bad_inputs():
    raises_like(lambda T, x: F(T).batch_norm(x, None, None, training=True), np.zeros((1, 3)))
    raises_like(lambda T, x: F(T).batch_norm(x, None, None, training=True), np.zeros((1, 3, 1, 1)))
    raises_like(lambda T, x: F(T).layer_norm(x, (4,)), np.zeros((2, 3)))


# ------------------------------------------------------------------------------ pad, dropout2d
@given(st.lists(st.integers(1, 4), min_size=1, max_size=4), st.data())
def test_constant_pad(shape, data):
    x = data.draw(arrays(data.draw(dtypes), tuple(shape)))
    n = data.draw(st.integers(1, len(shape)))
    widths = [data.draw(st.integers(-(shape[-1 - i // 2] // 2), 2)) for i in range(2 * n)]
    value = data.draw(st.sampled_from([0.0, 1.5]))
    check_op(lambda T, x: F(T).pad(x, widths, value=value), x)


@given(st.integers(0, 2 ** 31), st.sampled_from([0.2, 0.5, 0.9]), dtypes)
def test_dropout_masks_bit_exact(seed, p, dt):
    x = np.random.default_rng(seed % 1000).standard_normal((3, 4, 5, 2)).astype(dt) + 2

    def fn(T, x):
        T.manual_seed(seed)
        return F(T).dropout(x, p), F(T).dropout2d(x, p)
    (a, b), (c, d) = check_op(fn, x)
    np.testing.assert_array_equal(a.detach().numpy() == 0, c.detach().numpy() == 0)
    np.testing.assert_array_equal(b.detach().numpy() == 0, d.detach().numpy() == 0)


# ------------------------------------------------------------------------------ erf and friends
def test_erf_accuracy_against_math():
    x = np.concatenate([np.linspace(-7, 7, 20001), [0.0, -0.0, 1e-300, 30.0, -30.0, np.inf, -np.inf]])
    ours = mt.erf(mt.tensor(x)).numpy()
    ref = np.array([math.erf(v) for v in x])
    np.testing.assert_allclose(ours, ref, rtol=3e-15, atol=0)
    ours_c = mt.erfc(mt.tensor(x)).numpy()
    ref_c = np.array([math.erfc(v) for v in x])
    np.testing.assert_allclose(ours_c, ref_c, rtol=1e-12, atol=0)
    assert np.isnan(mt.erf(mt.tensor([np.nan])).item())


@given(arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 5)), lo=-6, hi=6), dtypes)
def test_erf_gelu_leaky_softplus(a, dt):
    a = a.astype(dt)
    check_op(lambda T, x: (T.erf(x), x.erf(), T.erfc(x)), a)
    check_op(lambda T, x: (F(T).gelu(x), F(T).gelu(x, approximate="tanh")), a)
    check_op(lambda T, x: (F(T).leaky_relu(x, 0.2), F(T).softplus(x, 2.0, 3.0), F(T).elu(x), F(T).silu(x)), a)


# ------------------------------------------------------------------------------ gather/scatter family
@given(st.integers(1, 4), st.integers(1, 5), st.integers(0, 1), dtypes, st.data())
def test_scatter_scatter_add_gather(n, m, dim, dt, data):
    x = data.draw(arrays(dt, (n, m)))
    src = data.draw(arrays(dt, (n, m)))
    size = (n, m)[dim]
    # a permutation per row/column keeps scatter deterministic (no duplicate targets)
    perm = np.stack([np.random.default_rng(i).permutation(size) for i in range((m, n)[dim])], axis=1 - dim)
    idx = perm.astype(np.int64)
    check_op(lambda T, x, s: (x.scatter(dim, T.tensor(idx), s), x.scatter_add(dim, T.tensor(idx), s),
                              x.gather(dim, T.tensor(idx))), x, src)
    check_op(lambda T, x: x.scatter(dim, T.tensor(idx), 2.5), x)
    dup = np.zeros_like(idx)
    check_op(lambda T, x, s: T.scatter_add(x, dim, T.tensor(dup), s), x, src)


def test_scatter_inplace_value_and_one_hot():
    for T in (torch, mt):
        t = T.zeros(3, 4)
        t.scatter_(1, T.tensor([[1], [0], [3]]), value=7.0)
        assert t.tolist() == [[0, 7, 0, 0], [7, 0, 0, 0], [0, 0, 0, 7]]
    check_op(lambda T: F(T).one_hot(T.tensor([0, 2, 1, 2])), grad=False)
    check_op(lambda T: F(T).one_hot(T.tensor([[0], [1]]), 4), grad=False)
    raises_like(lambda T: F(T).one_hot(T.tensor([0, 5]), 3))


@given(st.integers(1, 6), st.integers(1, 4), st.sampled_from([None, 0, 2, -1]), dtypes, st.data())
def test_embedding(num, dim, padding_idx, dt, data):
    assume(padding_idx is None or -num <= padding_idx < num)
    w = data.draw(arrays(dt, (num, dim)))
    idx = np.asarray(data.draw(st.lists(st.integers(0, num - 1), min_size=1, max_size=8)), dtype=np.int64)
    idx = idx.reshape(1, -1) if len(idx) % 2 else idx.reshape(2, -1)
    check_op(lambda T, w: F(T).embedding(T.tensor(idx), w, padding_idx), w)
    check_op(lambda T, w: F(T).embedding(T.tensor(idx), w, scale_grad_by_freq=True), w)


def test_embedding_max_norm_renormalises_in_place():
    w0 = np.random.default_rng(0).standard_normal((5, 3)) * 3
    outs = []
    for T in (torch, mt):
        w = T.tensor(w0.copy())
        out = F(T).embedding(T.tensor([0, 2, 2]), w, max_norm=1.0)
        outs.append((out, w))
    assert_close(outs[1][0], outs[0][0])
    assert_close(outs[1][1], outs[0][1], what="renormalised weight")


@given(st.lists(st.integers(-3, 3), min_size=1, max_size=9), st.booleans())
def test_sort_argsort_topk_values(values, descending):
    a = np.asarray(values, dtype=np.float64)
    check_op(lambda T, x: T.sort(x, descending=descending, stable=True), a)
    check_op(lambda T, x: x.argsort(descending=descending, stable=True), a, grad=False)
    k = len(values) // 2 + 1
    for T_res in [(torch.topk(torch.tensor(a), k), mt.topk(mt.tensor(a), k))]:
        assert_close(T_res[1].values, T_res[0].values)
    # with distinct values the indices are unique, hence equal too
    b = np.arange(len(values), dtype=np.float64)[::-1].copy()
    check_op(lambda T, x: T.topk(x, k, largest=not descending), b)


def test_cumsum_masked_fill_view_as_eq():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((3, 4))
    check_op(lambda T, x: (x.cumsum(1), T.cumsum(x, 0), x.masked_fill(x > 0, -1.0),
                           x.view_as(T.zeros(4, 3)), x.eq(x.round())), a)
