"""Layers compute torch's outputs and gradients (inputs and parameters) for random shapes.

Each test builds the layer in both libraries, copies torch's parameters into ours, feeds
the same random input, backpropagates the same random output gradient, and compares the
output, the input gradient and every parameter gradient (float64 tight, float32 ~1e-5).
"""
import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import minitorch_compat as mt
from helpers import assert_close, arrays, check_op, shapes


def copy_params(ours, theirs):
    ours.load_state_dict({k: mt.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()})


def run_both(ours, theirs, x, seed=0):
    """Forward both modules on ``x``, backward a random gradient, return the pairs to compare."""
    xo, xt = mt.tensor(x, requires_grad=x.dtype.kind == "f"), torch.tensor(x, requires_grad=x.dtype.kind == "f")
    yo, yt = ours(xo), theirs(xt)
    assert_close(yo, yt, what="output")
    if yt.requires_grad:
        g = np.random.default_rng(seed).uniform(-1, 1, tuple(yt.shape)).astype(x.dtype)
        yt.backward(torch.tensor(g))
        yo.backward(mt.tensor(g))
        assert_close(xo.grad, xt.grad, what="input grad")
        for (n, po), (_, pt) in zip(ours.named_parameters(), theirs.named_parameters()):
            assert_close(po.grad, pt.grad, what=f"grad of {n}")
    return yo, yt


@given(st.integers(1, 6), st.integers(1, 6), st.sampled_from([np.float32, np.float64]),
       shapes(min_dims=0, max_dims=2), st.booleans(), st.integers(0, 1000))
def test_linear_outputs_and_grads(fin, fout, dtype, lead, bias, seed):
    torch.manual_seed(seed)
    theirs = torch.nn.Linear(fin, fout, bias=bias, dtype=torch.float64 if dtype == np.float64 else torch.float32)
    ours = mt.nn.Linear(fin, fout, bias=bias, dtype=mt.float64 if dtype == np.float64 else mt.float32)
    copy_params(ours, theirs)
    x = np.random.default_rng(seed).standard_normal(tuple(lead) + (fin,)).astype(dtype)
    run_both(ours, theirs, x, seed)


ACTIVATIONS = [
    lambda T: T.nn.ReLU(), lambda T: T.nn.Sigmoid(), lambda T: T.nn.Tanh(), lambda T: T.nn.Identity(),
    lambda T: T.nn.LeakyReLU(0.1), lambda T: T.nn.GELU(), lambda T: T.nn.GELU("tanh"), lambda T: T.nn.SiLU(),
    lambda T: T.nn.ELU(0.7), lambda T: T.nn.Softplus(2.0, 5.0), lambda T: T.nn.Softmax(dim=-1),
    lambda T: T.nn.LogSoftmax(dim=0),
]


@given(st.sampled_from(range(len(ACTIVATIONS))), st.sampled_from([np.float32, np.float64]).flatmap(
    lambda d: arrays(d, shapes(min_dims=1, max_dims=3))))
def test_activation_layers(i, x):
    run_both(ACTIVATIONS[i](mt), ACTIVATIONS[i](torch), x)


def test_activations_extreme_inputs():
    x = np.array([-1e4, -100.0, -20.0, -1e-3, 0.0, 1e-3, 20.0, 100.0, 1e4], dtype=np.float32)
    for make in ACTIVATIONS:
        yo, _ = run_both(make(mt), make(torch), x)
        assert np.isfinite(yo.detach().numpy()).all()


@given(shapes(min_dims=1, max_dims=4), st.data())
def test_flatten_unflatten(shape, data):
    n = len(shape)
    start = data.draw(st.integers(-n, n - 1))
    end = data.draw(st.integers(-n, n - 1))
    x = np.random.default_rng(0).standard_normal(shape)
    s, e = start % n, end % n
    if s <= e:
        run_both(mt.nn.Flatten(start, end), torch.nn.Flatten(start, end), x)
    dim = data.draw(st.integers(0, n - 1))
    size = shape[dim]
    split = (1, size) if data.draw(st.booleans()) else (size, 1)
    run_both(mt.nn.Unflatten(dim, split), torch.nn.Unflatten(dim, split), x)


def test_flatten_quickstart_input_is_a_view():
    x = mt.rand(64, 1, 28, 28)
    y = mt.nn.Flatten()(x)
    assert y.shape == (64, 784) and np.shares_memory(y.numpy(), x.numpy())


@given(st.integers(0, 2 ** 31), st.sampled_from([0.0, 0.1, 0.5, 0.9, 1.0]), shapes(min_dims=1, max_dims=3, max_side=9),
       st.sampled_from([np.float32, np.float64]))
def test_dropout_masks_match_torch(seed, p, shape, dtype):
    x = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    torch.manual_seed(seed)
    mt.manual_seed(seed)
    run_both(mt.nn.Dropout(p), torch.nn.Dropout(p), x)
    # and the generator advanced by the same amount
    np.testing.assert_array_equal(mt.rand(2).numpy(), torch.rand(2).numpy())


def test_dropout_eval_and_errors():
    d = mt.nn.Dropout(0.5)
    x = mt.randn(4, 4)
    assert d.eval()(x) is x
    assert mt.nn.functional.dropout(x, 0.0) is x
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but got 1.5"):
        mt.nn.Dropout(1.5)
    with pytest.raises(ValueError, match="but got -0.1"):
        mt.nn.functional.dropout(x, -0.1)
    assert repr(mt.nn.functional.dropout(mt.ones(2, requires_grad=True), 0.3).grad_fn).startswith("<MulBackward0")


@given(arrays(np.float32, shapes(min_dims=1, max_dims=3)), st.booleans())
def test_functional_relu_inplace(x, inplace):
    check_op(lambda T, a: T.nn.functional.relu(a * 1, inplace=inplace), x)


@given(st.integers(1, 8), st.integers(1, 6))
def test_one_hot(n, c):
    idx = np.random.default_rng(n).integers(0, c, n)
    assert_close(mt.nn.functional.one_hot(mt.tensor(idx), c), torch.nn.functional.one_hot(torch.tensor(idx), c))
    assert_close(mt.nn.functional.one_hot(mt.tensor(idx)), torch.nn.functional.one_hot(torch.tensor(idx)))


def test_init_functions_bit_exact():
    def fill(T):
        out = []
        T.manual_seed(7)
        init = T.nn.init
        for fn in (lambda w: init.xavier_uniform_(w, gain=init.calculate_gain("relu")),
                   lambda w: init.xavier_normal_(w), lambda w: init.kaiming_uniform_(w, mode="fan_out"),
                   lambda w: init.kaiming_normal_(w, nonlinearity="relu"), lambda w: init.uniform_(w, -2, 3),
                   lambda w: init.normal_(w, 1.0, 0.5), lambda w: init.constant_(w, 0.3), init.ones_, init.zeros_,
                   init.eye_, lambda w: init.trunc_normal_(w, std=0.5), lambda w: init.trunc_normal_(w, 3.0, 1.0, -1.0, 1.0)):
            w = T.empty(17, 23)
            out.append(fn(w).numpy().copy())
        return out
    for a, b in zip(fill(mt), fill(torch)):
        np.testing.assert_array_equal(a, b)
    for name, param in [("tanh", None), ("leaky_relu", 0.2), ("selu", None), ("conv2d", None)]:
        assert mt.nn.init.calculate_gain(name, param) == torch.nn.init.calculate_gain(name, param)
    with pytest.raises(ValueError, match="Fan in and fan out can not be computed"):
        mt.nn.init.xavier_uniform_(mt.empty(3))


def test_clip_grad_norm_and_value_match_torch():
    rng = np.random.default_rng(0)
    grads = [rng.standard_normal(s).astype(np.float32) for s in [(3, 4), (5,), (2, 2, 2)]]
    for norm_type, max_norm in [(2.0, 1.0), (1.0, 0.5), (float("inf"), 0.3), (2.0, 100.0)]:
        res = []
        for T in (mt, torch):
            ps = [T.nn.Parameter(T.zeros(g.shape)) for g in grads]
            for p, g in zip(ps, grads):
                p.grad = T.tensor(g)
            total = T.nn.utils.clip_grad_norm_(ps, max_norm, norm_type)
            res.append((total.item(), [p.grad.numpy().copy() for p in ps]))
        np.testing.assert_allclose(res[0][0], res[1][0], rtol=1e-6)
        for a, b in zip(res[0][1], res[1][1]):
            np.testing.assert_allclose(a, b, rtol=1e-6)
    ps = [mt.nn.Parameter(mt.zeros(3))]
    ps[0].grad = mt.tensor([-2.0, 0.5, 3.0])
    mt.nn.utils.clip_grad_value_(ps, 1.0)
    assert ps[0].grad.tolist() == [-1.0, 0.5, 1.0]
