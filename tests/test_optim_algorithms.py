"""NAdam, RAdam, Adamax, ASGD and Rprop against real torch, and what every optimizer
shares: signatures, ``repr``, checkpoints exchanged with torch, complex parameters,
torch's errors for bad hyperparameters and for CPU-only options.

Trajectories follow ``optim_helpers.compare``: 30 steps of the same gradients, random
hyperparameters (every option of the constructor), one or two parameter groups. Adamax,
ASGD and Rprop have no square root, so float32 must be bit-identical to torch
(``_pointwise.py``); NAdam and RAdam agree to ``optim_helpers.TOL``.
"""
import inspect

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import minitorch_compat as mt
from helpers import FLOAT_DTYPES, raises_like
from optim_helpers import assert_close_arrays, check_checkpoint_exchange, compare, factory, problem, run

BETAS = st.sampled_from([(0.9, 0.999), (0.5, 0.9), (0.0, 0.99), (0.8, 0.0)])
HYPER = {
    "NAdam": dict(lr=st.sampled_from([2e-3, 0.05]), betas=BETAS, eps=st.sampled_from([1e-8, 1e-3]),
                  weight_decay=st.sampled_from([0, 0.1]), momentum_decay=st.sampled_from([4e-3, 0.1, 0.0]),
                  decoupled_weight_decay=st.booleans(), maximize=st.booleans()),
    "RAdam": dict(lr=st.sampled_from([1e-3, 0.05]), betas=BETAS, eps=st.sampled_from([1e-8, 1e-3]),
                  weight_decay=st.sampled_from([0, 0.1]), decoupled_weight_decay=st.booleans(),
                  maximize=st.booleans()),
    "Adamax": dict(lr=st.sampled_from([2e-3, 0.05]), betas=BETAS, eps=st.sampled_from([1e-8, 1e-3]),
                   weight_decay=st.sampled_from([0, 0.1]), maximize=st.booleans()),
    "ASGD": dict(lr=st.sampled_from([1e-2, 0.1]), lambd=st.sampled_from([1e-4, 1e-2]),
                 alpha=st.sampled_from([0.75, 0.5]), t0=st.sampled_from([1e6, 5, 0]),
                 weight_decay=st.sampled_from([0, 0.1]), maximize=st.booleans()),
    "Rprop": dict(lr=st.sampled_from([1e-2, 0.1]), etas=st.sampled_from([(0.5, 1.2), (0.3, 1.5)]),
                  step_sizes=st.sampled_from([(1e-6, 50), (1e-3, 0.05)]), maximize=st.booleans()),
}
WITHOUT_SQRT = {"Adamax", "ASGD", "Rprop"}
ALL = ["SGD", "Adam", "AdamW", "NAdam", "RAdam", "Adamax", "ASGD", "Rprop", "RMSprop", "Adagrad", "Adadelta"]


@pytest.mark.parametrize("name", sorted(HYPER))
@given(data=st.data())
def test_trajectories_match_torch(name, data):
    kw = {k: data.draw(v, label=k) for k, v in HYPER[name].items()}
    dtype = data.draw(st.sampled_from(FLOAT_DTYPES), label="dtype")
    compare(factory(name, kw, groups=data.draw(st.booleans(), label="groups")), dtype,
            seed=data.draw(st.integers(0, 2 ** 16), label="seed"), exact=name in WITHOUT_SQRT and dtype is np.float32)


@pytest.mark.parametrize("name", sorted(HYPER))
def test_defaults_repr_and_checkpoints_with_torch(name):
    o_opt, t_opt = compare(factory(name, {}, groups=True), np.float32)
    assert repr(o_opt) == repr(t_opt)
    for dtype in FLOAT_DTYPES:
        check_checkpoint_exchange(factory(name, {"weight_decay": 0.1} if "weight_decay" in HYPER[name] else {}), dtype)


@pytest.mark.parametrize("name", ALL + ["LBFGS", "Optimizer"])
def test_signatures_match_torch(name):
    """Every constructor option, in torch's order, with torch's defaults and kinds (keyword-only or not)."""
    def sig(cls):
        return [(p.name, p.kind, p.default) for p in inspect.signature(cls).parameters.values()]
    assert sig(getattr(mt.optim, name)) == sig(getattr(torch.optim, name))


@pytest.mark.parametrize("name", ALL)
def test_complex_parameters(name):
    """torch optimises a complex parameter as its real and imaginary parts (``view_as_real``)."""
    rng = np.random.default_rng(0)
    z0 = (rng.standard_normal(6) + 1j * rng.standard_normal(6)).astype(np.complex64)
    grads = [(rng.standard_normal(6) + 1j * rng.standard_normal(6)).astype(np.complex64) for _ in range(6)]
    kw = {"lr": 0.05, **({"weight_decay": 0.1} if name != "Rprop" else {}),
          **({"momentum": 0.9} if name == "SGD" else {})}
    out = []
    for T in (mt, torch):
        p = T.nn.Parameter(T.from_numpy(z0.copy()))
        opt = getattr(T.optim, name)([p], **kw)
        for g in grads:
            p.grad = T.from_numpy(g.copy())
            opt.step()
        out.append(p.detach().numpy())
    np.testing.assert_allclose(out[0], out[1], rtol=2e-6, atol=2e-6)


@pytest.mark.parametrize("name,kw", [
    ("NAdam", dict(lr=-1)), ("NAdam", dict(eps=-1)), ("NAdam", dict(betas=(1.0, 0.9))),
    ("NAdam", dict(betas=(0.9, -0.1))), ("NAdam", dict(weight_decay=-1)), ("NAdam", dict(momentum_decay=-1)),
    ("RAdam", dict(lr=-1)), ("RAdam", dict(eps=-1)), ("RAdam", dict(betas=(0.9, 1.0))),
    ("RAdam", dict(weight_decay=-0.5)), ("Adamax", dict(lr=-1)), ("Adamax", dict(eps=-1e-8)),
    ("Adamax", dict(betas=(-0.1, 0.9))), ("Adamax", dict(weight_decay=-1)), ("ASGD", dict(lr=-1)),
    ("ASGD", dict(weight_decay=-1)), ("Rprop", dict(lr=-1)), ("Rprop", dict(etas=(1.5, 1.2))),
    ("Rprop", dict(etas=(0.5, 0.9))), ("Rprop", dict(etas=(0.0, 1.2))), ("Adam", dict(lr=float("nan"))),
    ("SGD", dict(lr=torch.ones(2))), ("Adam", dict(amsgrad=True, fused=True, foreach=True)),
    ("SGD", dict(fused=True, differentiable=True)), ("Adagrad", dict(fused=True, foreach=True)),
])
def test_bad_hyperparameters(name, kw):
    def build(T):
        kw_T = {k: (T.ones(2) if isinstance(v, torch.Tensor) else v) for k, v in kw.items()}
        return getattr(T.optim, name)([T.nn.Parameter(T.zeros(2))], **kw_T)
    raises_like(build, match_message=True)


CPU_OPTIONS = [(name, option) for name in ALL for option in ("capturable", "differentiable", "foreach", "fused")
               if option in inspect.signature(getattr(torch.optim, name)).parameters]


@pytest.mark.parametrize("name,option", CPU_OPTIONS)
def test_cpu_options(name, option):
    """``capturable``/``differentiable`` raise torch's CPU errors at the first step.
    ``foreach``/``fused`` are stored and the step is torch's default (single-tensor) one,
    bit for bit in float32 (``optimizer.py`` lists how torch's other kernels differ)."""
    if option in ("capturable", "differentiable"):
        def stepped(T):
            p = T.nn.Parameter(T.ones(3))
            opt = getattr(T.optim, name)([p], lr=0.1, **{option: True})
            p.grad = T.ones(3)
            opt.step()
        raises_like(stepped, match_message=True)
        return
    params0, grads = problem(np.float32, steps=10)
    ours, o_opt, _ = run(mt, lambda T, ps: getattr(T.optim, name)(ps, **{option: True}), params0, grads)
    theirs, _, _ = run(torch, lambda T, ps: getattr(T.optim, name)(ps), params0, grads)
    assert o_opt.param_groups[0][option] is True
    exact = name in WITHOUT_SQRT | {"SGD"}  # the others meet torch's MKL sqrt
    for po, pt in zip(ours, theirs):
        for a, b in zip(po, pt):
            assert_close_arrays(a, b, np.float32, exact=exact)
