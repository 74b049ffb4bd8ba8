"""RMSprop, Adagrad, Adadelta and the CosineAnnealingLR / ReduceLROnPlateau / ExponentialLR
schedulers against real torch.

An optimizer test runs the same sequence of gradients through torch's optimizer and ours,
from the same starting parameters, and compares every parameter after every step and the
final ``state_dict()``. Our updates round like torch's kernels (fused multiply-adds), so
float64 trajectories agree to ~1e-15 (often bit for bit: only torch's MKL ``sqrt`` is not
correctly rounded) and float32 ones to ~1e-6.
"""
import math

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import minitorch_compat as mt
from helpers import FLOAT_DTYPES, assert_close, raises_like

TRAJ_TOL = {np.float64: dict(rtol=1e-13, atol=1e-15), np.float32: dict(rtol=2e-5, atol=1e-6)}

HYPER = {
    "RMSprop": dict(lr=st.sampled_from([1e-2, 1e-3, 0.1]), alpha=st.sampled_from([0.99, 0.9, 0.3]),
                    eps=st.sampled_from([1e-8, 1e-3]), weight_decay=st.sampled_from([0, 0.1]),
                    momentum=st.sampled_from([0, 0.5, 0.9]), centered=st.booleans(), maximize=st.booleans()),
    "Adagrad": dict(lr=st.sampled_from([1e-2, 0.1]), lr_decay=st.sampled_from([0, 0.1]),
                    weight_decay=st.sampled_from([0, 0.1]), initial_accumulator_value=st.sampled_from([0, 0.5]),
                    eps=st.sampled_from([1e-10, 1e-3]), maximize=st.booleans()),
    "Adadelta": dict(lr=st.sampled_from([1.0, 0.1]), rho=st.sampled_from([0.9, 0.5, 0.99]),
                     eps=st.sampled_from([1e-6, 1e-3]), weight_decay=st.sampled_from([0, 0.1]),
                     maximize=st.booleans()),
}


def run_optimizer(T, name, kw, params0, grads, groups=False):
    params = [T.nn.Parameter(T.from_numpy(p.copy())) for p in params0]
    if groups:
        opt = getattr(T.optim, name)([{"params": params[:1]}, {"params": params[1:], "lr": kw.get("lr", 0.01) / 2}],
                                     **kw)
    else:
        opt = getattr(T.optim, name)(params, **kw)
    history = []
    for step_grads in grads:
        for p, g in zip(params, step_grads):
            p.grad = None if g is None else T.from_numpy(g.copy())
        opt.step()
        history.append([p.detach().numpy().copy() for p in params])
    return params, opt, history


def compare_runs(name, kw, params0, grads, dt, groups=False):
    tp, topt, th = run_optimizer(torch, name, kw, params0, grads, groups)
    op, oopt, oh = run_optimizer(mt, name, kw, params0, grads, groups)
    for step, (t_step, o_step) in enumerate(zip(th, oh)):
        for t, o in zip(t_step, o_step):
            np.testing.assert_allclose(o, t, err_msg=f"step {step}", **TRAJ_TOL[dt])
    tsd, osd = topt.state_dict(), oopt.state_dict()
    assert tsd["param_groups"] == osd["param_groups"]
    assert list(tsd["state"]) == list(osd["state"])
    for i in tsd["state"]:
        assert list(tsd["state"][i]) == list(osd["state"][i])
        for key, t in tsd["state"][i].items():
            assert_close(osd["state"][i][key], t, what=f"state[{i}][{key}]", **TRAJ_TOL[dt])
    return topt, oopt


@st.composite
def problem(draw, name):
    kw = {k: draw(v) for k, v in HYPER[name].items()}
    dt = draw(st.sampled_from(FLOAT_DTYPES))
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 16)))
    shapes = [(3, 4), (5,)]
    params0 = [rng.standard_normal(s).astype(dt) for s in shapes]
    steps = draw(st.integers(1, 6))
    # the second parameter sometimes has no gradient (skipped, as torch skips it)
    grads = [[rng.standard_normal(s).astype(dt) if i == 0 or rng.random() < 0.7 else None
              for i, s in enumerate(shapes)] for _ in range(steps)]
    return kw, dt, params0, grads


@pytest.mark.parametrize("name", ["RMSprop", "Adagrad", "Adadelta"])
@given(data=st.data())
def test_trajectories_match_torch(name, data):
    kw, dt, params0, grads = data.draw(problem(name))
    compare_runs(name, kw, params0, grads, dt, groups=data.draw(st.booleans()))


@pytest.mark.parametrize("name", ["RMSprop", "Adagrad", "Adadelta"])
def test_repr_defaults_and_state_dict_round_trip(name):
    p0 = [np.linspace(-1, 1, 6).reshape(2, 3)]
    grads = [[np.full((2, 3), 0.5)], [np.linspace(1, 2, 6).reshape(2, 3)]]
    topt, oopt = compare_runs(name, {}, p0, grads[:1], np.float64)
    assert repr(oopt) == repr(topt)
    # continue both from a reloaded checkpoint: same trajectory
    tp = torch.nn.Parameter(torch.from_numpy(p0[0].copy()))
    op = mt.nn.Parameter(mt.from_numpy(p0[0].copy()))
    t2, o2 = getattr(torch.optim, name)([tp]), getattr(mt.optim, name)([op])
    t2.load_state_dict(topt.state_dict())
    o2.load_state_dict(oopt.state_dict())
    for opt, p, T in ((t2, tp, torch), (o2, op, mt)):
        p.grad = T.from_numpy(grads[1][0].copy())
        opt.step()
    assert_close(op.detach(), tp.detach())


def test_adagrad_state_exists_before_first_step():
    p = np.ones(3)
    t = torch.optim.Adagrad([torch.nn.Parameter(torch.from_numpy(p))], initial_accumulator_value=0.25)
    o = mt.optim.Adagrad([mt.nn.Parameter(mt.from_numpy(p.copy()))], initial_accumulator_value=0.25)
    ts, os_ = t.state_dict()["state"][0], o.state_dict()["state"][0]
    assert list(ts) == list(os_) == ["step", "sum"]
    assert_close(os_["step"], ts["step"])
    assert_close(os_["sum"], ts["sum"])


def test_closure_and_step_dtype():
    for name in ("RMSprop", "Adagrad", "Adadelta"):
        losses = []
        for T in (torch, mt):
            w = T.nn.Parameter(T.tensor([1.0, -2.0]))
            opt = getattr(T.optim, name)([w], lr=0.1)

            def closure():
                opt.zero_grad()
                loss = (w * w).sum()
                loss.backward()
                return loss
            losses.append([opt.step(closure).item() for _ in range(3)])
            assert str(opt.state[w]["step"].dtype).endswith("float32")
        np.testing.assert_allclose(losses[1], losses[0], rtol=1e-6)


@pytest.mark.parametrize("name,kw", [("RMSprop", dict(lr=-1)), ("RMSprop", dict(alpha=-0.1)),
                                     ("RMSprop", dict(momentum=-1)), ("RMSprop", dict(eps=-1)),
                                     ("Adagrad", dict(lr_decay=-1)), ("Adagrad", dict(initial_accumulator_value=-1)),
                                     ("Adadelta", dict(rho=1.5)), ("Adadelta", dict(weight_decay=-1))])
def test_bad_hyperparameters(name, kw):
    raises_like(lambda T: getattr(T.optim, name)([T.nn.Parameter(T.zeros(2))], **kw), match_message=True)


# ------------------------------------------------------------------------------ schedulers
def lr_sequence(T, make_sched, steps, metrics=None):
    p = T.nn.Parameter(T.zeros(2))
    opt = T.optim.SGD([p, ], lr=0.5)
    opt.add_param_group({"params": [T.nn.Parameter(T.zeros(1))], "lr": 0.05})
    sched = make_sched(T, opt)
    out = [[g["lr"] for g in opt.param_groups]]
    for i in range(steps):
        opt.step()
        if metrics is None:
            sched.step()
        else:
            sched.step(metrics[i])
        out.append([g["lr"] for g in opt.param_groups])
        assert sched.get_last_lr() == out[-1]
    return out, sched


@given(st.integers(1, 8), st.sampled_from([0.0, 0.01]), st.integers(1, 25))
def test_cosine_annealing(T_max, eta_min, steps):
    a, _ = lr_sequence(torch, lambda T, o: T.optim.lr_scheduler.CosineAnnealingLR(o, T_max, eta_min), steps)
    b, s = lr_sequence(mt, lambda T, o: T.optim.lr_scheduler.CosineAnnealingLR(o, T_max, eta_min), steps)
    np.testing.assert_allclose(b, a, rtol=1e-12, atol=1e-15)
    closed = [eta_min + (0.5 - eta_min) * (1 + math.cos(math.pi * e / T_max)) / 2 for e in range(steps + 1)]
    np.testing.assert_allclose([r[0] for r in b], closed, rtol=1e-9, atol=1e-12)


@given(st.sampled_from([0.5, 0.9, 0.99]), st.integers(1, 10))
def test_exponential_lr(gamma, steps):
    a, _ = lr_sequence(torch, lambda T, o: T.optim.lr_scheduler.ExponentialLR(o, gamma), steps)
    b, _ = lr_sequence(mt, lambda T, o: T.optim.lr_scheduler.ExponentialLR(o, gamma), steps)
    assert a == b


@given(st.sampled_from(["min", "max"]), st.sampled_from(["rel", "abs"]), st.integers(0, 3), st.integers(0, 2),
       st.sampled_from([0.5, 0.1]), st.sampled_from([0, 0.01, [0.2, 0.0]]),
       st.lists(st.sampled_from([1.0, 0.9, 0.95, 1.1, 0.5, 0.99995]), min_size=1, max_size=20))
def test_reduce_lr_on_plateau(mode, threshold_mode, patience, cooldown, factor, min_lr, metrics):
    def make(T, o):
        return T.optim.lr_scheduler.ReduceLROnPlateau(o, mode=mode, factor=factor, patience=patience,
                                                      threshold_mode=threshold_mode, cooldown=cooldown,
                                                      min_lr=min_lr)
    a, ts = lr_sequence(torch, make, len(metrics), metrics)
    b, os_ = lr_sequence(mt, make, len(metrics), metrics)
    assert a == b
    for key in ("best", "num_bad_epochs", "cooldown_counter", "last_epoch", "mode_worse"):
        assert getattr(os_, key) == getattr(ts, key), key
    sd = os_.state_dict()
    assert "optimizer" not in sd and sd["best"] == ts.state_dict()["best"]


def test_reduce_lr_on_plateau_bad_args_and_tensor_metric():
    raises_like(lambda T: T.optim.lr_scheduler.ReduceLROnPlateau(T.optim.SGD([T.nn.Parameter(T.zeros(1))], lr=1),
                                                                 factor=1.0), match_message=True)
    raises_like(lambda T: T.optim.lr_scheduler.ReduceLROnPlateau(T.optim.SGD([T.nn.Parameter(T.zeros(1))], lr=1),
                                                                 mode="avg"), match_message=True)
    for T in (torch, mt):
        opt = T.optim.SGD([T.nn.Parameter(T.zeros(1))], lr=1.0)
        s = T.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=0)
        s.step(T.tensor(1.0))
        s.step(T.tensor(2.0))
        assert opt.param_groups[0]["lr"] == pytest.approx(0.1)
