"""RMSprop, Adagrad and Adadelta against real torch.

Each test runs the same sequence of gradients through torch's optimizer and ours, from
the same starting parameters, and compares every parameter after every step and the
final ``state_dict()`` (``optim_helpers.compare``, tolerances explained there).
"""
import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import minitorch_compat as mt
from helpers import FLOAT_DTYPES, assert_close, raises_like
from optim_helpers import check_checkpoint_exchange, compare, factory

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


@pytest.mark.parametrize("name", ["RMSprop", "Adagrad", "Adadelta"])
@given(data=st.data())
def test_trajectories_match_torch(name, data):
    kw = {k: data.draw(v, label=k) for k, v in HYPER[name].items()}
    compare(factory(name, kw, groups=data.draw(st.booleans(), label="groups")),
            data.draw(st.sampled_from(FLOAT_DTYPES)), seed=data.draw(st.integers(0, 2 ** 16), label="seed"),
            steps=data.draw(st.integers(1, 8), label="steps"))


@pytest.mark.parametrize("name", ["RMSprop", "Adagrad", "Adadelta"])
def test_repr_defaults_and_state_dict_round_trip(name):
    oopt, topt = compare(factory(name, {}), np.float64, steps=1)
    assert repr(oopt) == repr(topt)
    for dtype in (np.float32, np.float64):
        check_checkpoint_exchange(factory(name, {"weight_decay": 0.1}), dtype)


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
