"""LBFGS against real torch: a small nonlinear least-squares problem, minimised with a
closure, with and without the strong-Wolfe line search.

LBFGS is driven by dot products and sums, whose summation order differs between torch
and NumPy, and by comparisons of the loss against tolerances, so near convergence a
last-bit difference can change a decision (stop now or one iteration later), and the
line search's cubic interpolation divides differences of nearly equal losses. So the
tests compare before convergence (at most 8 iterations): float64 losses, parameters and
the whole state to 1e-10; float32 the first ``step`` to 1e-5. Run to convergence, both
reach the same minimum (``test_converges_to_the_same_minimum``).
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import minitorch_compat as mt
from helpers import raises_like
from optim_helpers import assert_same_state, convert

RNG = np.random.default_rng(0)
A, B = RNG.standard_normal((8, 5)), RNG.standard_normal(8)
W0, C0 = RNG.standard_normal(5), RNG.standard_normal((2, 1))


def problem(T, dtype):
    """Parameters and a closure: ``|A w - b|^2 + sum (c - 1)^4 + 0.1 sum w^4``."""
    w, c = (T.nn.Parameter(T.from_numpy(x.astype(dtype))) for x in (W0, C0))
    At, bt = T.from_numpy(A.astype(dtype)), T.from_numpy(B.astype(dtype))

    def loss_fn():
        r = At @ w - bt
        return (r * r).sum() + ((c - 1.0) ** 4).sum() + (w ** 4).sum() * 0.1
    return [w, c], loss_fn


def run(T, dtype, steps, kw, maximize_sign=1.0):
    params, loss_fn = problem(T, dtype)
    opt = T.optim.LBFGS(params, **kw)

    def closure():
        opt.zero_grad()
        loss = maximize_sign * loss_fn()
        loss.backward()
        return loss
    losses = [opt.step(closure).item() for _ in range(steps)]
    return losses, [p.detach().numpy().copy() for p in params], opt


OPTIONS = dict(lr=st.sampled_from([1, 0.5, 0.1]), max_iter=st.sampled_from([4, 3, 1]),
               history_size=st.sampled_from([100, 3, 1]), line_search_fn=st.sampled_from([None, "strong_wolfe"]),
               tolerance_change=st.sampled_from([1e-9, 1e-5]), maximize=st.booleans())


@settings(max_examples=12)
@given(data=st.data())
def test_float64_trajectories_and_state(data):
    kw = {k: data.draw(v, label=k) for k, v in OPTIONS.items()}
    sign = -1.0 if kw["maximize"] else 1.0  # maximize the negated loss: the same minimum
    (lo, po, oo), (lt, pt, ot) = (run(T, np.float64, 2, kw, sign) for T in (mt, torch))
    np.testing.assert_allclose(lo, lt, rtol=1e-10, atol=1e-12)
    for a, b in zip(po, pt):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    so, st_ = oo.state_dict(), ot.state_dict()
    assert so["param_groups"] == st_["param_groups"]
    assert list(so["state"]) == list(st_["state"]) == [0]
    assert list(so["state"][0]) == list(st_["state"][0])
    assert so["state"][0]["func_evals"] == st_["state"][0]["func_evals"]
    assert so["state"][0]["n_iter"] == st_["state"][0]["n_iter"]
    assert_same_state(so["state"][0], st_["state"][0], np.float64, tol=1e-10)


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_converges_to_the_same_minimum(line_search_fn):
    (lo, po, _), (lt, pt, _) = (run(T, np.float64, 3, dict(line_search_fn=line_search_fn)) for T in (mt, torch))
    np.testing.assert_allclose(lo, lt, rtol=1e-10)
    for a, b in zip(po, pt):
        np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_float32_first_step(line_search_fn):
    kw = dict(max_iter=4, line_search_fn=line_search_fn)
    (lo, po, oo), (lt, pt, ot) = (run(T, np.float32, 1, kw) for T in (mt, torch))
    np.testing.assert_allclose(lo, lt, rtol=1e-6)
    for a, b in zip(po, pt):
        assert a.dtype == b.dtype == np.float32
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)
    assert oo.state_dict()["state"][0]["func_evals"] == ot.state_dict()["state"][0]["func_evals"]
    assert str(oo.state_dict()["state"][0]["d"].dtype) == "torch.float32"


def test_checkpoint_exchange_and_repr():
    """Resume from the other library's state_dict: the history (old_dirs, ro, H_diag...)
    carries over, so the next step continues the same quasi-Newton iteration."""
    kw = dict(max_iter=2, history_size=3, lr=0.5)
    (_, _, oo), (_, pt, ot) = (run(T, np.float64, 2, kw) for T in (mt, torch))
    assert repr(oo) == repr(ot)
    results = []
    for T, source in ((mt, ot), (torch, oo)):
        params, loss_fn = problem(T, np.float64)
        for p, value in zip(params, pt):
            p.data = T.from_numpy(value.copy())
        opt = T.optim.LBFGS(params, **kw)
        opt.load_state_dict(convert(source.state_dict(), T))

        def closure():
            opt.zero_grad()
            loss = loss_fn()
            loss.backward()
            return loss
        opt.step(closure)
        results.append(([p.detach().numpy() for p in params], opt.state_dict()["state"][0]["n_iter"]))
    (po, no), (pt2, nt) = results
    assert (no, nt) == (3, 3)  # one iteration per step (max_eval = 2), two before loading
    for a, b in zip(po, pt2):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_errors():
    raises_like(lambda T: T.optim.LBFGS([{"params": [T.nn.Parameter(T.zeros(2))]},
                                         {"params": [T.nn.Parameter(T.zeros(2))]}]), match_message=True)
    raises_like(lambda T: T.optim.LBFGS([T.nn.Parameter(T.zeros(2))], lr=-1.0), match_message=True)

    def bad_line_search(T):
        p = T.nn.Parameter(T.ones(2))
        opt = T.optim.LBFGS([p], line_search_fn="backtracking")

        def closure():
            opt.zero_grad()
            loss = (p * p).sum()
            loss.backward()
            return loss
        opt.step(closure)
    raises_like(bad_line_search, match_message=True)
