"""Learning-rate schedulers against real torch: the learning-rate sequences they write into
the optimizer's groups, their state, warnings and errors.
"""
import math
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import minitorch_compat as mt
from helpers import raises_like


def make_params(T, dtype=np.float32, shapes=((3, 4), (5,), (2, 1, 3))):
    rng = np.random.default_rng(0)
    return [T.nn.Parameter(T.tensor(rng.standard_normal(s).astype(dtype))) for s in shapes]

SCHEDULERS = [
    lambda T, o: T.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5),
    lambda T, o: T.optim.lr_scheduler.MultiStepLR(o, milestones=[2, 5, 5, 8], gamma=0.1),
    lambda T, o: T.optim.lr_scheduler.LambdaLR(o, lambda e: 0.95 ** e),
    lambda T, o: T.optim.lr_scheduler.LambdaLR(o, [lambda e: 1 / (e + 1), lambda e: e % 3]),
    lambda T, o: T.optim.lr_scheduler.ExponentialLR(o, gamma=0.9),
]


@pytest.mark.parametrize("i", range(len(SCHEDULERS)))
def test_scheduler_lr_sequences_match_torch(i):
    runs = []
    for T in (mt, torch):
        ps = make_params(T, np.float32)
        opt = T.optim.SGD([{"params": ps[:1]}, {"params": ps[1:], "lr": 0.3}], lr=0.1, momentum=0.9)
        sched = SCHEDULERS[i](T, opt)
        lrs = [sched.get_last_lr()]
        for epoch in range(12):
            opt.step()
            sched.step()
            lrs.append(sched.get_last_lr())
            if epoch == 6:  # a manual edit in the middle is carried by chainable schedules
                opt.param_groups[0]["lr"] *= 2
        state = sched.state_dict()
        runs.append((lrs, [g["lr"] for g in opt.param_groups], sorted(state), sched.last_epoch,
                     [g["initial_lr"] for g in opt.param_groups]))
    assert runs[0] == runs[1]


def test_scheduler_closed_form_and_warnings():
    runs = []
    for T in (mt, torch):
        opt = T.optim.SGD(make_params(T, np.float32), lr=1.0)
        sched = T.optim.lr_scheduler.MultiStepLR(opt, [2, 4], gamma=0.5)
        with warnings.catch_warnings(record=True) as rec:
            warnings.simplefilter("always")
            sched.step()  # before optimizer.step(): torch warns
            sched.step(5)  # the deprecated epoch argument: closed form, with a warning
            sched.get_lr()
        runs.append(([str(w.message)[:60] for w in rec], sched.get_last_lr()))
        sd = sched.state_dict()
        sched2 = T.optim.lr_scheduler.MultiStepLR(T.optim.SGD(make_params(T, np.float32), lr=1.0), [2, 4])
        sched2.load_state_dict(sd)
        runs.append((sched2.last_epoch, sched2.get_last_lr()))
    assert runs[:2] == runs[2:]


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
