"""Optimizers on float16 and bfloat16 parameters, against torch bit for bit.

torch's CPU kernels compute a 16-bit tensor's update in float32 and round once per kernel
(``_opmath.py``); how each kernel reads its Python-number hyperparameter differs: ``mul``,
``div``, ``addcmul``, ``addcdiv`` and ``lerp`` read it in float32, ``add`` (a scalar, or
``alpha``) rounds it to the tensor's dtype first (``optim/_pointwise.py``). Ten steps of
the same gradients; every parameter and state tensor must have the same bits.
"""
import numpy as np
import pytest
import torch

import minitorch_compat as mt

CONFIGS = [
    ("SGD", dict(lr=0.1)), ("SGD", dict(lr=0.1, momentum=0.9, weight_decay=0.01)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, dampening=0)), ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, weight_decay=0.1, amsgrad=True)), ("AdamW", dict(lr=0.01)),
    ("NAdam", dict(lr=0.01)), ("RAdam", dict(lr=0.01)), ("Adamax", dict(lr=0.01)), ("ASGD", dict(lr=0.01)),
    ("Rprop", dict(lr=0.01)), ("RMSprop", dict(lr=0.01, momentum=0.5, centered=True)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01)), ("Adadelta", dict(lr=1.0, weight_decay=0.1)),
]


def _trajectory(T, name, kw, dtype):
    rng = np.random.default_rng(0)
    p = T.nn.Parameter(T.from_numpy(rng.standard_normal(64)).to(getattr(T, dtype)))
    grads = [T.from_numpy(rng.standard_normal(64)).to(getattr(T, dtype)) for _ in range(10)]
    opt = getattr(T.optim, name)([p], **kw)
    for g in grads:
        p.grad = g.clone()
        opt.step()
    state = [v for v in opt.state[p].values() if isinstance(v, T.Tensor) and v.is_floating_point()]
    return [t.detach().float().numpy() for t in [p] + state]


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("name, kw", CONFIGS, ids=lambda c: str(c))
def test_16_bit_trajectories_are_torchs(name, kw, dtype):
    ours, theirs = _trajectory(mt, name, kw, dtype), _trajectory(torch, name, kw, dtype)
    assert len(ours) == len(theirs)
    for k, (o, t) in enumerate(zip(ours, theirs)):
        np.testing.assert_array_equal(o, t, err_msg=f"tensor {k} (0: the parameter, then the state)")
