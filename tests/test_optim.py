"""SGD, Adam, AdamW and the ``Optimizer`` base class follow torch step by step.

Trajectories (``optim_helpers.compare``): the same parameters receive the same gradient
sequence in both libraries (random hyperparameters, 30 steps); after every step the
parameters must agree, then the ``state_dict()``s. SGD in float32 must be bit-identical
(``_pointwise.py``); the rest agrees to ``optim_helpers.TOL``.

Structures -- ``param_groups``, ``state_dict()``, ``repr``, argument errors -- are
compared with torch's directly.
"""
import copy

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import minitorch_compat as mt
from optim_helpers import SHAPES, compare


def make_params(T, dtype, seed=0, shapes=SHAPES):
    rng = np.random.default_rng(seed)
    return [T.nn.Parameter(T.tensor(rng.standard_normal(s).astype(dtype))) for s in shapes]


@given(st.sampled_from([np.float32, np.float64]), st.floats(1e-4, 0.5), st.sampled_from([0.0, 0.5, 0.9]),
       st.sampled_from([0.0, 0.1]), st.sampled_from([0.0, 1e-2]), st.booleans(), st.booleans(),
       st.integers(0, 1000))
def test_sgd_trajectories(dtype, lr, momentum, dampening, weight_decay, nesterov, maximize, seed):
    if nesterov and (momentum == 0 or dampening != 0):
        nesterov = False
    compare(lambda T, ps: T.optim.SGD(ps, lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov, maximize=maximize),
            dtype, seed, exact=dtype is np.float32)


@given(st.sampled_from([np.float32, np.float64]), st.sampled_from(["Adam", "AdamW"]), st.floats(1e-4, 0.1),
       st.sampled_from([(0.9, 0.999), (0.5, 0.9), (0.0, 0.99), (0.8, 0.0)]), st.sampled_from([1e-8, 1e-3]),
       st.sampled_from([0.0, 1e-2]), st.booleans(), st.booleans(), st.integers(0, 1000))
def test_adam_trajectories(dtype, name, lr, betas, eps, weight_decay, amsgrad, maximize, seed):
    o_opt, _ = compare(lambda T, ps: getattr(T.optim, name)(ps, lr=lr, betas=betas, eps=eps,
                                                            weight_decay=weight_decay, amsgrad=amsgrad,
                                                            maximize=maximize), dtype, seed)
    assert all(s["step"].dtype == mt.float32 for s in o_opt.state.values())


def test_step_counter_follows_the_default_dtype():
    """torch keeps ``step`` in float64 when that is the default dtype (``_get_scalar_dtype``)."""
    for name in ("Adam", "AdamW", "RMSprop", "Adadelta", "Adagrad"):
        dtypes = []
        for T in (mt, torch):
            T.set_default_dtype(T.float64)
            try:
                (p,) = make_params(T, np.float64, shapes=[(2,)])
                opt = getattr(T.optim, name)([p])
                p.grad = T.ones(2)
                opt.step()
                dtypes.append(str(opt.state[p]["step"].dtype))
            finally:
                T.set_default_dtype(T.float32)
        assert dtypes[0] == dtypes[1] == "torch.float64", name


def test_manual_lr_schedule_and_param_groups():
    """The seed tutorial's adjust_learning_rate: writing group["lr"] between steps."""
    def edit(opt, k):
        for group in opt.param_groups:
            group["lr"] = 0.1 / (10 ** (k // 5))
    compare(lambda T, ps: T.optim.SGD(ps, lr=0.1, momentum=0.9), np.float32, steps=15, edit=edit, exact=True)

    def groups(T, ps):
        return T.optim.SGD([{"params": ps[:1]}, {"params": ps[1:], "lr": 0.5, "momentum": 0.5}], lr=0.05)
    compare(groups, np.float64, steps=10)


def test_state_dict_structure_repr_and_resume():
    for make in (lambda T, ps: T.optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True),
                 lambda T, ps: T.optim.Adam([{"params": ps[:2]}, {"params": ps[2:], "lr": 0.01}], amsgrad=True),
                 lambda T, ps: T.optim.AdamW(ps)):
        o_opt, t_opt = compare(make, np.float32, steps=3)
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
