"""The optimizer tests' one pattern: the same starting parameters and the same gradient
sequence go through torch's optimizer and ours; after every step the parameters must
agree, then the final ``state_dict()``s.

Tolerances (``TOL``, relative to the tensor's largest magnitude, so that an element near
a zero crossing is judged at its tensor's scale): float32 2e-6, float64 1e-12. They
cover what ``minitorch_compat/optim/_pointwise.py`` documents: float32 rounds exactly as
torch except for torch's MKL ``sqrt`` (a few ulps over 30 steps, measured max 26 ulps of
an element, 6e-8 of the tensor scale, for centered RMSprop), float64 rounds each fused
multiply-add twice (measured max 5e-16 of the tensor scale). ``exact=True`` asks for bit
equality: float32 optimizers without a square root (``test_optim_rounding.py``).
"""
import numpy as np
import torch

import minitorch_compat as mt

TOL = {np.float32: 2e-6, np.float64: 1e-12}
SHAPES = [(3, 4), (5,), (2, 1, 3)]


def factory(name, kw, groups=False):
    """``make_opt(T, params)`` building ``T.optim.<name>(params, **kw)``; with ``groups``,
    the parameters after the first form a second group at half the learning rate."""
    def make_opt(T, params):
        if groups:
            params = [{"params": params[:1]}, {"params": params[1:], "lr": kw.get("lr", 0.01) / 2}]
        return getattr(T.optim, name)(params, **kw)
    return make_opt


def problem(dtype, seed=0, steps=30, shapes=SHAPES):
    """Starting parameters and a gradient sequence; every fourth step the second
    parameter has no gradient (``None``: the optimizer must skip it, as torch does)."""
    rng = np.random.default_rng(seed)
    params0 = [rng.standard_normal(s).astype(dtype) for s in shapes]
    grads = [[None if (k % 4 == 3 and i == 1) else rng.standard_normal(s).astype(dtype)
              for i, s in enumerate(shapes)] for k in range(steps)]
    return params0, grads


def run(T, make_opt, params0, grads, edit=None):
    """``make_opt(T, params)`` applied to ``grads`` step by step (``edit(opt, k)`` before
    step ``k``, if given); returns (parameters after every step, optimizer, parameters)."""
    params = [T.nn.Parameter(T.from_numpy(p.copy())) for p in params0]
    opt = make_opt(T, params)
    history = []
    for k, step_grads in enumerate(grads):
        for p, g in zip(params, step_grads):
            p.grad = None if g is None else T.from_numpy(g.copy())
        if edit is not None:
            edit(opt, k)
        opt.step()
        history.append([p.detach().numpy().copy() for p in params])
    return history, opt, params


def assert_close_arrays(ours, theirs, dtype, exact=False, what="value", tol=None):
    if exact:
        np.testing.assert_array_equal(ours, theirs, err_msg=what)
    else:
        tol = TOL[dtype] if tol is None else tol
        scale = max(1.0, float(np.abs(theirs).max(initial=0.0)))
        np.testing.assert_allclose(ours, theirs, rtol=tol, atol=tol * scale, err_msg=what)


def assert_same_state(ours, theirs, dtype, exact=False, what="state", tol=None):
    """Same structure, keys and types; tensors with the same dtype and values (to ``tol``,
    default ``TOL[dtype]``)."""
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, mt.Tensor), f"{what}: {type(ours).__name__} is not a Tensor"
        assert str(ours.dtype) == str(theirs.dtype) and tuple(ours.shape) == tuple(theirs.shape), what
        if theirs.is_floating_point():
            assert_close_arrays(ours.numpy(), theirs.numpy(), np.dtype(theirs.numpy().dtype).type, exact, what, tol)
        else:
            np.testing.assert_array_equal(ours.numpy(), theirs.numpy(), err_msg=what)
    elif isinstance(theirs, dict):
        assert list(ours) == list(theirs), f"{what}: keys {list(ours)} != {list(theirs)}"
        for key in theirs:
            assert_same_state(ours[key], theirs[key], dtype, exact, f"{what}[{key!r}]", tol)
    elif isinstance(theirs, (list, tuple)):
        assert type(ours) is type(theirs) and len(ours) == len(theirs), what
        for i, (o, t) in enumerate(zip(ours, theirs)):
            assert_same_state(o, t, dtype, exact, f"{what}[{i}]", tol)
    elif isinstance(theirs, float) and not exact:
        rtol = TOL[dtype] if tol is None else tol
        assert isinstance(ours, float) and np.isclose(ours, theirs, rtol=rtol, atol=0), f"{what}: {ours} != {theirs}"
    else:
        assert type(ours) is type(theirs) and ours == theirs, f"{what}: {ours!r} != {theirs!r}"


def compare(make_opt, dtype, seed=0, steps=30, exact=False, edit=None, shapes=SHAPES):
    """Run both libraries and compare every step and the final state_dict; returns
    (our optimizer, torch's optimizer)."""
    params0, grads = problem(dtype, seed, steps, shapes)
    ours, o_opt, _ = run(mt, make_opt, params0, grads, edit)
    theirs, t_opt, _ = run(torch, make_opt, params0, grads, edit)
    for k, (po, pt) in enumerate(zip(ours, theirs)):
        for i, (a, b) in enumerate(zip(po, pt)):
            assert_close_arrays(a, b, dtype, exact, what=f"step {k}, parameter {i}")
    assert_same_state(o_opt.state_dict(), t_opt.state_dict(), dtype, exact)
    return o_opt, t_opt


def convert(obj, T):
    """A state_dict (nested dicts/lists of tensors and numbers) rebuilt with library ``T``'s tensors."""
    if isinstance(obj, (torch.Tensor, mt.Tensor)):
        return T.from_numpy(obj.detach().numpy().copy())
    if isinstance(obj, dict):
        return {k: convert(v, T) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(convert(v, T) for v in obj)
    return obj


def check_checkpoint_exchange(make_opt, dtype, seed=0, steps=4):
    """``state_dict()`` round trips across the libraries: after ``steps`` steps each
    library's checkpoint is loaded into a fresh optimizer of the *other* library (over
    parameters holding the same values); both then continue with the same gradients and
    must stay together, state included."""
    params0, grads = problem(dtype, seed, 2 * steps)
    _, o_opt, o_params = run(mt, make_opt, params0, grads[:steps])
    _, t_opt, t_params = run(torch, make_opt, params0, grads[:steps])
    assert_same_state(o_opt.state_dict(), t_opt.state_dict(), dtype)
    now = [p.detach().numpy().copy() for p in t_params]
    loaded = []
    for T, source in ((mt, t_opt), (torch, o_opt)):
        def make_loaded(T2, params, source=source):
            opt = make_opt(T2, params)
            opt.load_state_dict(convert(source.state_dict(), T2))
            return opt
        loaded.append(run(T, make_loaded, now, grads[steps:]))
    (ours, o2, _), (theirs, t2, _) = loaded
    for k, (po, pt) in enumerate(zip(ours, theirs)):
        for i, (a, b) in enumerate(zip(po, pt)):
            assert_close_arrays(a, b, dtype, what=f"step {steps + k} after loading, parameter {i}")
    assert_same_state(o2.state_dict(), t2.state_dict(), dtype)
