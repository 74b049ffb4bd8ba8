"""Learning-rate schedulers against real torch: the learning rates (and cycled momentums)
they write into the optimizer's groups, step by step, their ``state_dict`` (exchanged
with torch's in both directions), the deprecated ``step(epoch)``, warnings and errors.

Schedules are Python-float arithmetic, so the sequences must be *equal* to torch's, not
close. Each scheduler is exercised over 30 steps with hypothesis-drawn options, two
parameter groups (different lrs) and a manual lr edit halfway that chainable schedules
must carry on.
"""
import copy
import inspect
import math
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import minitorch_compat as mt
from helpers import raises_like
from optim_helpers import convert

STEPS = 30
POSITIVE = st.sampled_from([0.9, 0.5, 0.1, 1.0])


class Scale:
    """A callable object for ``lr_lambda``/``scale_fn``: its ``__dict__`` goes into the state_dict."""

    def __init__(self, base):
        self.base = base

    def __call__(self, x):
        return self.base ** x


# name -> (strategy of constructor options, optimizer: "SGD" (momentum) or "Adam" (betas))
CATALOGUE = {
    "LambdaLR": st.fixed_dictionaries({"lr_lambda": st.sampled_from([lambda e: 0.95 ** e, Scale(0.9),
                                                                     [lambda e: 1 / (e + 1), lambda e: e % 3]])}),
    "MultiplicativeLR": st.fixed_dictionaries({"lr_lambda": st.sampled_from([lambda e: 0.95, Scale(0.99)])}),
    "StepLR": st.fixed_dictionaries({"step_size": st.integers(1, 7), "gamma": POSITIVE}),
    "MultiStepLR": st.fixed_dictionaries({"milestones": st.lists(st.integers(0, 25), max_size=5),
                                          "gamma": POSITIVE}),
    "ConstantLR": st.fixed_dictionaries({"factor": st.sampled_from([1 / 3, 0.5, 1.0, 0.1]),
                                         "total_iters": st.integers(0, 12)}),
    "LinearLR": st.fixed_dictionaries({"start_factor": st.sampled_from([1 / 3, 0.5, 1.0, 0.01]),
                                       "end_factor": st.sampled_from([1.0, 0.5, 0.0]),
                                       "total_iters": st.integers(1, 12)}),
    "ExponentialLR": st.fixed_dictionaries({"gamma": POSITIVE}),
    "PolynomialLR": st.fixed_dictionaries({"total_iters": st.integers(1, 12),
                                           "power": st.sampled_from([1.0, 2.0, 0.5])}),
    "CosineAnnealingLR": st.fixed_dictionaries({"T_max": st.integers(1, 12), "eta_min": st.sampled_from([0.0, 0.01])}),
    "CosineAnnealingWarmRestarts": st.fixed_dictionaries({"T_0": st.integers(1, 8), "T_mult": st.integers(1, 3),
                                                          "eta_min": st.sampled_from([0.0, 0.001])}),
    "CyclicLR": st.fixed_dictionaries({
        "base_lr": st.sampled_from([0.001, [0.001, 0.002]]), "max_lr": st.sampled_from([0.1, [0.05, 0.2]]),
        "step_size_up": st.integers(1, 6), "step_size_down": st.sampled_from([None, 3]),
        "mode": st.sampled_from(["triangular", "triangular2", "exp_range"]), "gamma": st.sampled_from([1.0, 0.9]),
        "scale_fn": st.sampled_from([None, Scale(0.8)]), "scale_mode": st.sampled_from(["cycle", "iterations"]),
        "cycle_momentum": st.booleans(), "base_momentum": st.sampled_from([0.8, 0.5]),
        "max_momentum": st.sampled_from([0.9, [0.95, 0.9]])}),
    "OneCycleLR": st.fixed_dictionaries({
        "max_lr": st.sampled_from([0.1, [0.1, 1.0]]), "total_steps": st.just(STEPS),
        "pct_start": st.sampled_from([0.3, 0.5, 0.1]), "anneal_strategy": st.sampled_from(["cos", "linear"]),
        "cycle_momentum": st.booleans(), "base_momentum": st.sampled_from([0.85, [0.8, 0.7]]),
        "max_momentum": st.sampled_from([0.95, 0.9]), "div_factor": st.sampled_from([25.0, 10.0]),
        "final_div_factor": st.sampled_from([1e4, 100.0]), "three_phase": st.booleans()}),
}
SEQUENTIAL = {  # schedulers of schedulers: built from two of the above
    "SequentialLR": lambda T, o, m: T.optim.lr_scheduler.SequentialLR(
        o, [T.optim.lr_scheduler.LinearLR(o, start_factor=0.1, total_iters=m),
            T.optim.lr_scheduler.ExponentialLR(o, gamma=0.9)], milestones=[m]),
    "SequentialLR3": lambda T, o, m: T.optim.lr_scheduler.SequentialLR(
        o, [T.optim.lr_scheduler.ConstantLR(o, factor=0.5, total_iters=m),
            T.optim.lr_scheduler.CosineAnnealingLR(o, T_max=5),
            T.optim.lr_scheduler.StepLR(o, step_size=2, gamma=0.5)], milestones=[m, m + 7]),
    "ChainedScheduler": lambda T, o, m: T.optim.lr_scheduler.ChainedScheduler(
        [T.optim.lr_scheduler.ConstantLR(o, factor=0.1, total_iters=m),
         T.optim.lr_scheduler.ExponentialLR(o, gamma=0.9)]),
}


def make_optimizer(T, kind):
    rng = np.random.default_rng(0)
    ps = [T.nn.Parameter(T.from_numpy(rng.standard_normal(s).astype(np.float32))) for s in ((3, 2), (4,))]
    groups = [{"params": ps[:1]}, {"params": ps[1:], "lr": 0.3}]
    return T.optim.SGD(groups, lr=0.1, momentum=0.9) if kind == "SGD" else T.optim.Adam(groups, lr=0.1)


def groups_now(opt):
    """What a schedule controls: each group's lr and momentum (or beta1)."""
    return [(g["lr"], g.get("momentum"), g["betas"][0] if "betas" in g else None) for g in opt.param_groups]


def history(T, build, kind, steps=STEPS, edit_at=None, start=None):
    """``build(T, optimizer)``, then ``steps`` rounds of optimizer.step() + scheduler.step();
    returns the groups after each, the scheduler and the optimizer. ``edit_at``: double
    group 0's lr before that round (chainable schedules carry the edit on). ``start``: the
    optimizer's and the scheduler's state_dicts, loaded right after construction."""
    opt = make_optimizer(T, kind)
    sched = build(T, opt)
    if start is not None:
        opt.load_state_dict(start[0])
        sched.load_state_dict(start[1])
    out = [groups_now(opt) + [sched.get_last_lr()]]
    for k in range(steps):
        if k == edit_at:
            opt.param_groups[0]["lr"] *= 2
        opt.step()
        sched.step()
        out.append(groups_now(opt) + [sched.get_last_lr()])
    return out, sched, opt


def same_state(ours, theirs):
    """state_dicts hold plain Python values: equal keys (in torch's order) and equal values."""
    assert list(ours) == list(theirs)
    for key in theirs:
        if key in ("_scale_fn_ref",):
            continue
        if isinstance(theirs[key], list) and theirs[key] and isinstance(theirs[key][0], dict) and key == "_schedulers":
            for o, t in zip(ours[key], theirs[key]):
                same_state(o, t)
        else:
            assert ours[key] == theirs[key], key


def builder(name, kw):
    return lambda T, o: getattr(T.optim.lr_scheduler, name)(o, **kw)


@pytest.mark.parametrize("name", sorted(CATALOGUE))
@given(data=st.data())
def test_sequences_and_state_match_torch(name, data):
    kw = data.draw(CATALOGUE[name], label="options")
    kind = data.draw(st.sampled_from(["SGD", "Adam"]), label="optimizer")
    edit_at = None if name in ("OneCycleLR", "CyclicLR") else data.draw(st.sampled_from([None, 10]), label="edit_at")
    (ours, o_sched, o_opt), (theirs, t_sched, t_opt) = (history(T, builder(name, kw), kind, edit_at=edit_at)
                                                        for T in (mt, torch))
    assert ours == theirs
    same_state(o_sched.state_dict(), t_sched.state_dict())
    assert [sorted(g) for g in o_opt.param_groups] == [sorted(g) for g in t_opt.param_groups]


@pytest.mark.parametrize("name", sorted(SEQUENTIAL))
@given(milestone=st.integers(1, 8), kind=st.sampled_from(["SGD", "Adam"]))
def test_sequential_and_chained_match_torch(name, milestone, kind):
    build = lambda T, o: SEQUENTIAL[name](T, o, milestone)  # noqa: E731
    (ours, o_sched, _), (theirs, t_sched, _) = (history(T, build, kind) for T in (mt, torch))
    assert ours == theirs
    same_state(o_sched.state_dict(), t_sched.state_dict())


# one fixed option set per scheduler for the state_dict exchange
EXAMPLES = {
    "LambdaLR": {"lr_lambda": Scale(0.9)}, "MultiplicativeLR": {"lr_lambda": Scale(0.95)},
    "StepLR": {"step_size": 3, "gamma": 0.5}, "MultiStepLR": {"milestones": [3, 14, 20], "gamma": 0.5},
    "ConstantLR": {"factor": 0.5, "total_iters": 15}, "LinearLR": {"start_factor": 0.1, "total_iters": 20},
    "ExponentialLR": {"gamma": 0.9}, "PolynomialLR": {"total_iters": 20, "power": 2.0},
    "CosineAnnealingLR": {"T_max": 10}, "CosineAnnealingWarmRestarts": {"T_0": 5, "T_mult": 2},
    "CyclicLR": {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 4, "scale_fn": Scale(0.9)},
    "OneCycleLR": {"max_lr": 0.1, "total_steps": STEPS},
}


@pytest.mark.parametrize("name", sorted(CATALOGUE) + sorted(SEQUENTIAL))
@pytest.mark.parametrize("source", [torch, mt], ids=["from torch", "from ours"])
def test_state_dict_exchange(name, source):
    """Stop one library's run after 12 steps and resume it in the other library from the
    optimizer's and the scheduler's state_dicts: the rest of the schedule is the same."""
    build = (lambda T, o: SEQUENTIAL[name](T, o, 4)) if name in SEQUENTIAL else builder(name, EXAMPLES[name])
    target = mt if source is torch else torch
    reference, _, _ = history(source, build, "SGD")
    _, sched, opt = history(source, build, "SGD", steps=12)
    resumed, _, _ = history(target, build, "SGD", steps=STEPS - 12,
                            start=(convert(opt.state_dict(), target), copy.deepcopy(sched.state_dict())))
    assert resumed == reference[12:]


def test_cosine_annealing_follows_its_closed_form():
    """The recursive rule agrees with the textbook formula (to rounding), as torch's does."""
    for T_max, eta_min in ((3, 0.0), (7, 0.01)):
        lrs, _, _ = history(mt, builder("CosineAnnealingLR", {"T_max": T_max, "eta_min": eta_min}), "SGD")
        closed = [eta_min + (0.1 - eta_min) * (1 + math.cos(math.pi * e / T_max)) / 2 for e in range(STEPS + 1)]
        np.testing.assert_allclose([row[0][0] for row in lrs], closed, rtol=1e-9, atol=1e-12)


def test_closed_form_steps_and_warnings():
    """``step(epoch)`` (deprecated: warns) jumps with the closed form; calling
    ``scheduler.step()`` before ``optimizer.step()``, replacing ``optimizer.step`` after
    the scheduler was built, or calling ``get_lr()`` yourself warn as in torch."""
    runs = []
    for T in (mt, torch):
        rows = []
        for name in sorted(EXAMPLES):
            opt = make_optimizer(T, "SGD")
            sched = builder(name, EXAMPLES[name])(T, opt)
            with warnings.catch_warnings(record=True) as rec:
                warnings.simplefilter("always")
                sched.step()  # before optimizer.step()
                opt.step()
                sched.step(7)
                if name == "CosineAnnealingWarmRestarts":
                    sched.step(7.5)  # fractional epochs: per-batch annealing
                sched.get_lr()
            rows.append((name, [(w.category.__name__, str(w.message)) for w in rec], groups_now(opt),
                         sched.get_last_lr(), sched.last_epoch))
        opt = make_optimizer(T, "SGD")
        sched = T.optim.lr_scheduler.StepLR(opt, 2)
        opt.step = lambda *a, **k: None  # overridden after the scheduler was built
        with warnings.catch_warnings(record=True) as rec:
            warnings.simplefilter("always")
            sched.step()
        rows.append([str(w.message) for w in rec])
        runs.append(rows)
    assert runs[0] == runs[1]


def test_tensor_learning_rates():
    """A group whose lr is a Tensor is updated in place (``fill_``); ``get_last_lr`` holds clones."""
    out = []
    for T in (mt, torch):
        p = T.nn.Parameter(T.ones(2))
        opt = T.optim.Adam([p], lr=T.tensor(0.01))
        lr = opt.param_groups[0]["lr"]
        sched = T.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
        for _ in range(3):
            opt.step()
            sched.step()
        assert opt.param_groups[0]["lr"] is lr
        out.append((lr.item(), [x.item() for x in sched.get_last_lr()], type(sched.get_last_lr()[0]).__name__))
    assert out[0] == out[1]


@pytest.mark.parametrize("build", [
    lambda T, o: T.optim.lr_scheduler.StepLR(None, 2),
    lambda T, o: T.optim.lr_scheduler.StepLR(o, 2, last_epoch=3),
    lambda T, o: T.optim.lr_scheduler.StepLR(o, 2, verbose=True),  # removed in torch 2.x
    lambda T, o: T.optim.lr_scheduler.LambdaLR(o, [lambda e: 1.0]),
    lambda T, o: T.optim.lr_scheduler.MultiplicativeLR(o, [lambda e: 1.0, 0.5]),
    lambda T, o: T.optim.lr_scheduler.ConstantLR(o, factor=1.5),
    lambda T, o: T.optim.lr_scheduler.LinearLR(o, start_factor=0),
    lambda T, o: T.optim.lr_scheduler.LinearLR(o, end_factor=1.5),
    lambda T, o: T.optim.lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=0),
    lambda T, o: T.optim.lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=2.0),
    lambda T, o: T.optim.lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=0),
    lambda T, o: T.optim.lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=2, eta_min="0"),
    lambda T, o: T.optim.lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=2).step(-1),
    lambda T, o: T.optim.lr_scheduler.CyclicLR(o, 0.1, 1.0, mode="sawtooth"),
    lambda T, o: T.optim.lr_scheduler.CyclicLR(o, [0.1], 1.0),
    lambda T, o: T.optim.lr_scheduler.CyclicLR(T.optim.Adagrad(o.param_groups[0]["params"]), 0.1, 1.0),
    lambda T, o: T.optim.lr_scheduler.CyclicLR(None, 0.1, 1.0),
    lambda T, o: T.optim.lr_scheduler.OneCycleLR(o, 0.1),
    lambda T, o: T.optim.lr_scheduler.OneCycleLR(o, 0.1, total_steps=0),
    lambda T, o: T.optim.lr_scheduler.OneCycleLR(o, 0.1, epochs=0, steps_per_epoch=2),
    lambda T, o: T.optim.lr_scheduler.OneCycleLR(o, 0.1, epochs=2, steps_per_epoch=1.5),
    lambda T, o: T.optim.lr_scheduler.OneCycleLR(o, 0.1, total_steps=10, pct_start=1),
    lambda T, o: T.optim.lr_scheduler.OneCycleLR(o, 0.1, total_steps=10, anneal_strategy="exp"),
    lambda T, o: T.optim.lr_scheduler.OneCycleLR(o, 0.1, total_steps=10, max_momentum=[0.9, 0.9, 0.9]),
    lambda T, o: (lambda s: [(o.step(), s.step()) for _ in range(3)])(T.optim.lr_scheduler.OneCycleLR(o, 0.1, 2)),
    lambda T, o: T.optim.lr_scheduler.SequentialLR(o, [], []),
    lambda T, o: T.optim.lr_scheduler.SequentialLR(o, [T.optim.lr_scheduler.StepLR(o, 2)], [3]),
    lambda T, o: T.optim.lr_scheduler.SequentialLR(o, [T.optim.lr_scheduler.ReduceLROnPlateau(o)], []),
    lambda T, o: T.optim.lr_scheduler.SequentialLR(o, [object()], []),
    lambda T, o: T.optim.lr_scheduler.ChainedScheduler([]),
    lambda T, o: T.optim.lr_scheduler.ChainedScheduler([T.optim.lr_scheduler.StepLR(o, 2)],
                                                       optimizer=T.optim.SGD([T.nn.Parameter(T.ones(1))])),
])
def test_errors_match_torch(build):
    raises_like(lambda T: build(T, make_optimizer(T, "SGD")), match_message=True)


def test_names_and_signatures_match_torch():
    assert mt.optim.lr_scheduler.__all__ == torch.optim.lr_scheduler.__all__

    def sig(f):
        return [(p.name, p.kind, p.default) for p in inspect.signature(f).parameters.values()]
    for name in torch.optim.lr_scheduler.__all__:
        ours, theirs = getattr(mt.optim.lr_scheduler, name), getattr(torch.optim.lr_scheduler, name)
        assert sig(ours) == sig(theirs), name
        for method in ("step", "get_lr", "get_last_lr", "state_dict", "load_state_dict"):
            assert sig(getattr(ours, method)) == sig(getattr(theirs, method)), f"{name}.{method}"


# ---------------------------------------------------------------------------- ReduceLROnPlateau
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
