"""Optimizers and lr schedulers follow torch step by step.

Trajectories: the same parameters receive the same gradient sequence in both libraries
(random hyperparameters, 30 steps); after every step the parameters must agree: float64
to 1e-12 relative, float32 to 2e-6 relative to the tensor's largest magnitude. (torch's
kernels fuse ``p + alpha * g`` into one FMA rounding where NumPy rounds twice, so single
float32 elements differ by an ulp of the operands; near a zero crossing that is a large
*relative* error of the element, hence the tensor-scale tolerance.)

Structures -- ``param_groups``, ``state_dict()``, ``repr``, argument errors, scheduler
learning-rate sequences -- are compared with torch's directly.
"""
import copy
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import minitorch_compat as mt

TOL = {np.float32: 2e-6, np.float64: 1e-12}
SHAPES = [(3, 4), (5,), (2, 1, 3)]


def make_params(T, dtype, seed=0, shapes=SHAPES):
    rng = np.random.default_rng(seed)
    return [T.nn.Parameter(T.tensor(rng.standard_normal(s).astype(dtype))) for s in shapes]


def run_trajectory(make_opt, dtype, steps, seed=0, edit=None):
    """Apply ``steps`` random gradients with optimizers from ``make_opt(T, params)``;
    return the parameters of both libraries after every step."""
    rng = np.random.default_rng(seed + 1)
    grads = [[rng.standard_normal(s).astype(dtype) for s in SHAPES] for _ in range(steps)]
    history = []
    for T in (mt, torch):
        params = make_params(T, dtype, seed)
        opt = make_opt(T, params)
        h = []
        for k in range(steps):
            opt.zero_grad()
            for p, g in zip(params, grads[k]):
                if k % 4 != 3 or p is not params[1]:  # sometimes a parameter has no grad this step
                    p.grad = T.tensor(g)
            if edit is not None:
                edit(opt, k)
            opt.step()
            h.append([p.detach().numpy().copy() for p in params])
        history.append((h, opt))
    return history


def assert_trajectories_equal(history, dtype):
    (ours, _), (theirs, _) = history
    for k, (po, pt) in enumerate(zip(ours, theirs)):
        for a, b in zip(po, pt):
            scale = max(1.0, float(np.abs(b).max()))
            np.testing.assert_allclose(a, b, rtol=TOL[dtype], atol=TOL[dtype] * scale, err_msg=f"step {k}")


@given(st.sampled_from([np.float32, np.float64]), st.floats(1e-4, 0.5), st.sampled_from([0.0, 0.5, 0.9]),
       st.sampled_from([0.0, 0.1]), st.sampled_from([0.0, 1e-2]), st.booleans(), st.booleans(),
       st.integers(0, 1000))
def test_sgd_trajectories(dtype, lr, momentum, dampening, weight_decay, nesterov, maximize, seed):
    if nesterov and (momentum == 0 or dampening != 0):
        nesterov = False
    history = run_trajectory(lambda T, ps: T.optim.SGD(ps, lr=lr, momentum=momentum, dampening=dampening,
                                                       weight_decay=weight_decay, nesterov=nesterov,
                                                       maximize=maximize), dtype, 30, seed)
    assert_trajectories_equal(history, dtype)


@given(st.sampled_from([np.float32, np.float64]), st.sampled_from(["Adam", "AdamW"]), st.floats(1e-4, 0.1),
       st.sampled_from([(0.9, 0.999), (0.5, 0.9), (0.0, 0.99), (0.8, 0.0)]), st.sampled_from([1e-8, 1e-3]),
       st.sampled_from([0.0, 1e-2]), st.booleans(), st.booleans(), st.integers(0, 1000))
def test_adam_trajectories(dtype, name, lr, betas, eps, weight_decay, amsgrad, maximize, seed):
    history = run_trajectory(lambda T, ps: getattr(T.optim, name)(ps, lr=lr, betas=betas, eps=eps,
                                                                 weight_decay=weight_decay, amsgrad=amsgrad,
                                                                 maximize=maximize), dtype, 30, seed)
    assert_trajectories_equal(history, dtype)
    (_, o_opt), (_, t_opt) = history
    for so, st_ in zip(o_opt.state_dict()["state"].values(), t_opt.state_dict()["state"].values()):
        assert list(so) == list(st_)
        assert so["step"].dtype == mt.float32 and so["step"].item() == st_["step"].item()
        np.testing.assert_allclose(so["exp_avg_sq"].numpy(), st_["exp_avg_sq"].numpy(), rtol=10 * TOL[dtype])


def test_manual_lr_schedule_and_param_groups():
    """The seed tutorial's adjust_learning_rate: writing group["lr"] between steps."""
    def edit(opt, k):
        for group in opt.param_groups:
            group["lr"] = 0.1 / (10 ** (k // 5))
    history = run_trajectory(lambda T, ps: T.optim.SGD(ps, lr=0.1, momentum=0.9), np.float32, 15, edit=edit)
    assert_trajectories_equal(history, np.float32)

    def groups(T, ps):
        return T.optim.SGD([{"params": ps[:1]}, {"params": ps[1:], "lr": 0.5, "momentum": 0.5}], lr=0.05)
    assert_trajectories_equal(run_trajectory(groups, np.float64, 10), np.float64)


def test_state_dict_structure_repr_and_resume():
    for make in (lambda T, ps: T.optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True),
                 lambda T, ps: T.optim.Adam([{"params": ps[:2]}, {"params": ps[2:], "lr": 0.01}], amsgrad=True),
                 lambda T, ps: T.optim.AdamW(ps)):
        (_, o_opt), (_, t_opt) = run_trajectory(make, np.float32, 3)
        so, st_ = o_opt.state_dict(), t_opt.state_dict()
        assert so["param_groups"] == st_["param_groups"]
        assert list(so["state"]) == list(st_["state"])
        assert {k: list(v) for k, v in so["state"].items()} == {k: list(v) for k, v in st_["state"].items()}
        assert repr(o_opt) == repr(t_opt)

    # resuming from a state_dict continues exactly where the first optimizer left off
    rng = np.random.default_rng(5)
    grads = [[rng.standard_normal(s).astype(np.float32) for s in SHAPES] for _ in range(6)]
    params = make_params(mt, np.float32)
    opt = mt.optim.Adam(params, lr=0.01)
    for g in grads[:3]:
        for p, gg in zip(params, g):
            p.grad = mt.tensor(gg)
        opt.step()
    saved_params = [p.detach().clone() for p in params]
    saved = copy.deepcopy(opt.state_dict())  # state_dict() shares its tensors with the optimizer, as in torch
    resumed_params = [mt.nn.Parameter(p.clone()) for p in saved_params]
    resumed = mt.optim.Adam(resumed_params, lr=0.5)
    resumed.load_state_dict(saved)
    assert resumed.param_groups[0]["lr"] == 0.01 and resumed.param_groups[0]["params"][0] is resumed_params[0]
    for g in grads[3:]:
        for ps in (params, resumed_params):
            for p, gg in zip(ps, g):
                p.grad = mt.tensor(gg)
        opt.step()
        resumed.step()
    for a, b in zip(params, resumed_params):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


@pytest.mark.parametrize("make", [
    lambda T, ps: T.optim.SGD(ps, lr=-1),
    lambda T, ps: T.optim.SGD(ps, lr=0.1, momentum=-0.5),
    lambda T, ps: T.optim.SGD(ps, lr=0.1, weight_decay=-1),
    lambda T, ps: T.optim.SGD(ps, lr=0.1, nesterov=True),
    lambda T, ps: T.optim.SGD(ps, lr=0.1, momentum=0.9, dampening=0.1, nesterov=True),
    lambda T, ps: T.optim.SGD([], lr=0.1),
    lambda T, ps: T.optim.SGD(ps[0], lr=0.1),
    lambda T, ps: T.optim.SGD([{"params": set(ps)}], lr=0.1),
    lambda T, ps: T.optim.SGD([ps[0] * 2], lr=0.1),
    lambda T, ps: T.optim.SGD([1.0], lr=0.1),
    lambda T, ps: T.optim.SGD([{"params": ps[:1]}, {"params": ps[:1]}], lr=0.1),
    lambda T, ps: T.optim.Adam(ps, lr=-0.1),
    lambda T, ps: T.optim.Adam(ps, eps=-1.0),
    lambda T, ps: T.optim.Adam(ps, betas=(1.0, 0.9)),
    lambda T, ps: T.optim.Adam(ps, betas=(0.9, -0.1)),
    lambda T, ps: T.optim.Adam(ps, betas=(0, 0.9)),
    lambda T, ps: T.optim.AdamW(ps, weight_decay=-1),
    lambda T, ps: T.optim.Adam(ps).add_param_group([1]),
    lambda T, ps: T.optim.SGD(ps).load_state_dict({"state": {}, "param_groups": []}),
    lambda T, ps: T.optim.lr_scheduler.StepLR(None, 2),
    lambda T, ps: T.optim.lr_scheduler.LambdaLR(T.optim.SGD(ps), [lambda e: 1, lambda e: 2]),
    lambda T, ps: T.optim.lr_scheduler.StepLR(T.optim.SGD(ps), 2, last_epoch=3),
])
def test_argument_errors_match_torch(make):
    caught = []
    for T in (mt, torch):
        with pytest.raises(Exception) as e:
            make(T, make_params(T, np.float32))
        caught.append((type(e.value).__name__, str(e.value)))
    assert caught[0] == caught[1]


def test_zero_grad():
    params = make_params(mt, np.float32)
    opt = mt.optim.SGD(params, lr=0.1)
    for p in params:
        p.grad = mt.ones(p.shape)
    opt.zero_grad(set_to_none=False)
    assert all(p.grad is not None and not p.grad.numpy().any() for p in params)
    opt.zero_grad()
    assert all(p.grad is None for p in params)


def test_step_hooks_and_closure():
    params = make_params(mt, np.float32)
    opt = mt.optim.SGD(params, lr=0.1)
    seen = []
    h = opt.register_step_pre_hook(lambda o, a, k: seen.append("pre"))
    opt.register_step_post_hook(lambda o, a, k: seen.append("post"))

    def closure():
        opt.zero_grad()
        loss = sum((p * p).sum() for p in params)
        loss.backward()
        return loss
    loss = opt.step(closure)
    assert seen == ["pre", "post"] and loss.item() > 0
    h.remove()
    opt.step(closure)
    assert seen == ["pre", "post", "post"]


# ------------------------------------------------------------------------- lr_scheduler
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
