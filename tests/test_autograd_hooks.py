"""Hooks on the backward graph, compared with torch: ``Node.register_hook`` and
``register_prehook``, ``Tensor.register_hook`` (leaf and non-leaf),
``register_post_accumulate_grad_hook``, ``retain_grad``, the order they run in, hooks that
replace gradients (checked as torch checks them), None gradients (torch's undefined ones),
the hooks of a leaf's ``AccumulateGrad`` node, and ``handle.remove()``; plus the
``autograd.Function`` extras (``set_materialize_grads``, ``jvp``/``vmap`` messages).
"""
import pytest
import torch

import minitorch_compat as mt
from helpers import assert_close, raises_like


def _values(x):
    return None if x is None else [round(v, 10) for v in x.detach().double().reshape(-1).tolist()]


def _scenario(T, replace, remove):
    log = []
    x = T.tensor([1.0, 2.0, 3.0], dtype=T.float64, requires_grad=True)
    y = x * 2
    y.retain_grad()
    z = y.exp()
    handles = [
        z.grad_fn.register_prehook(lambda go: log.append(("pre", [_values(g) for g in go]))
                                   or ((go[0] * 2,) if replace else None)),
        z.grad_fn.register_hook(lambda gi, go: log.append(("post", [_values(g) for g in gi], [_values(g) for g in go]))
                                or ((gi[0] + 1,) if replace else None)),
        y.register_hook(lambda g: log.append(("tensor", _values(g))) or (g * 3 if replace else None)),
        x.register_hook(lambda g: log.append(("leaf", _values(g))) or (g - 1 if replace else None)),
        x.register_post_accumulate_grad_hook(lambda t: log.append(("accumulated", _values(t.grad)))),
        y.grad_fn.register_prehook(lambda go: log.append(("pre_mul", [_values(g) for g in go]))),
    ]
    z.sum().backward(retain_graph=True)
    first = (_values(x.grad), _values(y.grad))
    if remove:
        for h in handles:
            h.remove()
        x.grad = None
        z.sum().backward()
    return log, first, _values(x.grad)


@pytest.mark.parametrize("replace", [False, True])
@pytest.mark.parametrize("remove", [False, True])
def test_hooks_order_values_and_removal(replace, remove):
    assert _scenario(mt, replace, remove) == _scenario(torch, replace, remove)


def test_node_hook_sees_none_for_inputs_not_requiring_grad():
    def run(T):
        seen = []
        x = T.tensor([1.0, 2.0], requires_grad=True)
        c = T.tensor([3.0, 4.0])
        y = x * c
        y.grad_fn.register_hook(lambda gi, go: seen.append([g is None for g in gi]))
        y.sum().backward()
        return seen, _values(x.grad)
    assert run(mt) == run(torch)


def test_hooks_with_multiple_outputs():
    def run(T):
        log = []
        x = T.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=T.float64, requires_grad=True)
        a, b = (x * 1).unbind(0)
        node = a.grad_fn
        node.register_prehook(lambda go: log.append([_values(g) for g in go]))
        (a * 2 + b * 3).sum().backward()
        return log, _values(x.grad)
    assert run(mt) == run(torch)


def test_post_accumulate_grad_hook_can_step_the_parameter():
    """The optimizer-in-backward pattern: update each parameter as soon as its gradient is ready."""
    def run(T):
        w = T.tensor([1.0, -2.0, 0.5], requires_grad=True)

        def step(p):
            with T.no_grad():
                p.sub_(0.1 * p.grad)
            p.grad = None
        w.register_post_accumulate_grad_hook(step)
        for _ in range(3):
            ((w * w).sum() + w.sum()).backward()
        return w
    assert_close(run(mt), run(torch))


HOOK_ERRORS = {
    "post_accumulate_on_non_leaf": lambda T: (T.ones(2, requires_grad=True) * 2).register_post_accumulate_grad_hook(
        lambda t: None),
    "hook_on_tensor_without_grad": lambda T: T.ones(2).register_hook(lambda g: g),
    "post_accumulate_without_grad": lambda T: T.ones(2).register_post_accumulate_grad_hook(lambda t: None),
}


@pytest.mark.parametrize("case", sorted(HOOK_ERRORS))
def test_hook_registration_errors(case):
    raises_like(HOOK_ERRORS[case], match_message=True)


def test_handle_remove_twice_and_context_manager():
    def run(T):
        log = []
        x = T.tensor([1.0], requires_grad=True)
        h = x.register_hook(lambda g: log.append(1))
        h.remove()
        h.remove()
        y = x * 2
        with y.grad_fn.register_prehook(lambda go: log.append(2)):
            pass
        y.backward()
        return log
    assert run(mt) == run(torch)


def test_autograd_grad_runs_tensor_hooks_of_its_inputs():
    def run(T):
        x = T.tensor([1.0, 2.0], requires_grad=True)
        x.register_hook(lambda g: g * 10)
        y = x * 2
        y.register_hook(lambda g: g + 1)
        return T.autograd.grad((x * x).sum(), x)[0], T.autograd.grad((y * y).sum(), y)[0], x.grad
    ours, theirs = run(mt), run(torch)
    assert_close(ours[0], theirs[0])
    assert_close(ours[1], theirs[1])
    assert ours[2] is None and theirs[2] is None


def test_hooks_under_create_graph():
    """A hook's replacement gradient joins the graph of a higher-order gradient."""
    def run(T):
        x = T.tensor([0.5, 1.5], dtype=T.float64, requires_grad=True)
        y = x.sin()
        y.register_hook(lambda g: g * x)
        g, = T.autograd.grad(y.sum(), x, create_graph=True)
        h, = T.autograd.grad(g.sum(), x)
        return g, h
    for o, t in zip(run(mt), run(torch)):
        assert_close(o, t, rtol=1e-10, atol=1e-10)


# ---- None gradients and what a hook may return ------------------------------------------------------
def _values_or_none(gs):
    return [_values(g) for g in gs]


def _none_scenario(T, case):
    """torch's undefined gradient: a hook returning None keeps the gradient; ``(None,)``
    replaces it by None, which still reaches every node below (their hooks see None), a
    built-in node that got only None runs no formula, and a user's Function gets zeros."""
    log = []
    x = T.tensor([[1.0, 2.0], [3.0, 0.5]], dtype=T.float64, requires_grad=True)
    w = T.tensor([[0.5, -1.0], [2.0, 1.5]], dtype=T.float64, requires_grad=True)
    x.register_hook(lambda g: log.append(("x hook", _values(g))))
    x.register_post_accumulate_grad_hook(lambda t: log.append(("x accumulated", _values(t.grad))))

    class Twice(T.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            ctx.set_materialize_grads(case != "user function, no materialize")
            return a * 2

        @staticmethod
        def backward(ctx, g):
            log.append(("Twice.backward", _values(g)))
            return None if g is None else g * 2
    y = Twice.apply(x) if case.startswith("user function") else x * w
    y.register_hook(lambda g: log.append(("y hook", _values(g))))
    y.retain_grad()
    y.grad_fn.register_prehook(lambda go: log.append(("y pre", _values_or_none(go))))
    y.grad_fn.register_hook(lambda gi, go: log.append(("y post", _values_or_none(gi), _values_or_none(go))))
    if case == "unbind, one output None":
        a, b = y.unbind(0)
        a.grad_fn.register_prehook(lambda go: (None, go[1]))
        z = a * 2 + b.exp()
    elif case == "unbind, all None":
        a, b = y.unbind(0)
        a.grad_fn.register_prehook(lambda go: (None, None))
        z = a * 2 + b.exp()
    elif case == "unused output":
        a, b = y.unbind(0)
        b.register_hook(lambda g: log.append(("unused b hook", _values(g))))
        z = a * 2
    else:
        z = y.exp()
        z.grad_fn.register_prehook(lambda go: None if case == "pre-hook returns None" else (None,))
    z.sum().backward()
    return log, _values(x.grad), _values(w.grad), _values(y.grad)


@pytest.mark.parametrize("case", ["pre-hook returns None", "pre-hook returns (None,)", "unbind, one output None",
                                  "unbind, all None", "unused output", "user function",
                                  "user function, no materialize"])
def test_none_gradients_reach_the_hooks_below_as_in_torch(case):
    assert _none_scenario(mt, case) == _none_scenario(torch, case)


def test_none_gradient_under_autograd_grad():
    def run(T, **kw):
        x = T.tensor([1.0, 2.0], requires_grad=True)
        y = (x * 2).exp()
        y.grad_fn.register_prehook(lambda go: (None,))
        return [_values(g) for g in T.autograd.grad(y.sum(), x, **kw)]
    for kw in ({"allow_unused": True}, {"materialize_grads": True}):
        assert run(mt, **kw) == run(torch, **kw)
    raises_like(run, match_message=True)


def _bad_hook(T, where, value):
    """A hook of kind ``where`` (its name shows in torch's messages) returning ``value``."""
    x = T.tensor([1.0, 2.0], requires_grad=True)
    results = {"two": lambda g: (g, g), "empty": lambda g: (), "bare tensor": lambda g: g * 2,
               "list": lambda g: [g], "int": lambda g: (5,), "double": lambda g: (g.double(),),
               "long": lambda g: (T.tensor([1, 2]),), "0-d": lambda g: (T.tensor(1.0),),
               "wider": lambda g: (T.ones(3),)}
    ret = results[value]

    def my_hook(*grads):
        g = grads[0] if where in ("tensor", "leaf") else grads[0][0]  # (the gradient, or the first of a tuple)
        r = ret(g)
        return r[0] if where in ("tensor", "leaf") and isinstance(r, tuple) and len(r) == 1 else r
    y = x.exp()
    if where == "pre":
        y.grad_fn.register_prehook(my_hook)
    elif where == "post":
        y.grad_fn.register_hook(my_hook)
    elif where == "tensor":
        y.register_hook(my_hook)
    elif where == "leaf":
        x.register_hook(my_hook)
    elif where == "AccumulateGrad pre":
        y.grad_fn.next_functions[0][0].register_prehook(my_hook)
    y.sum().backward()
    return x.grad


@pytest.mark.parametrize("where", ["pre", "post", "tensor", "leaf", "AccumulateGrad pre"])
@pytest.mark.parametrize("value", ["two", "empty", "bare tensor", "list", "int", "double", "long", "0-d", "wider"])
def test_wrong_hook_results_raise_torchs_errors(where, value):
    try:
        expected = _bad_hook(torch, where, value)
    except Exception:
        raises_like(lambda T: _bad_hook(T, where, value), match_message=True)
    else:
        assert_close(_bad_hook(mt, where, value), expected)


def test_a_hook_cannot_replace_a_none_gradient():
    def run(T, where):
        x = T.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        a, b = (x * 1).unbind(0)
        if where == "pre":
            a.grad_fn.register_prehook(lambda go: (go[0], T.ones(2)))
        elif where == "post":
            x.register_hook(lambda g: None)
            z = (x * 2).exp()
            z.grad_fn.register_prehook(lambda go: (None,))
            z.grad_fn.register_hook(lambda gi, go: (T.ones(2, 2), None))
            return z.sum().backward()
        else:
            b.register_hook(lambda g: T.ones(2))
        (a * 2).sum().backward()
    for where in ("pre", "post", "tensor"):
        raises_like(lambda T: run(T, where), match_message=True)


def test_accumulate_grad_node_hooks_and_post_accumulate_hook_result():
    def run(T):
        log = []
        x = T.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        node = y.grad_fn.next_functions[0][0]
        handles = [node.register_hook(lambda gi, go: log.append(("node post", len(gi), _values_or_none(go),
                                                                  _values(x.grad)))),
                   node.register_prehook(lambda go: log.append(("node pre", _values_or_none(go))) or (go[0] * 10,)),
                   x.register_hook(lambda g: log.append(("leaf", _values(g))) or g * 3),
                   x.register_post_accumulate_grad_hook(lambda t: log.append(("accumulated", _values(t.grad))))]
        y.sum().backward()
        for h in handles:
            h.remove()
        y = x * 2
        y.sum().backward()
        return log, _values(x.grad), [type(h).__module__.split(".", 1)[1] + "." + type(h).__name__ for h in handles]
    assert run(mt) == run(torch)

    def returns_value(T):
        x = T.tensor([1.0, 2.0], requires_grad=True)
        x.register_post_accumulate_grad_hook(lambda t: t * 2)
        (x * 2).sum().backward()
    raises_like(returns_value, match_message=True)


# ---- autograd.Function extras ---------------------------------------------------------------------
def test_set_materialize_grads():
    def run(T, materialize):
        seen = []

        class Two(T.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.set_materialize_grads(materialize)
                return x * 2, x * 3

            @staticmethod
            def backward(ctx, g1, g2):
                seen.append([g is None for g in (g1, g2)])
                return g1 * 2 if g2 is None else g1 * 2 + g2 * 3
        x = T.tensor([1.0, 2.0], requires_grad=True)
        a, b = Two.apply(x)
        a.sum().backward()
        return seen, _values(x.grad)
    for materialize in (True, False):
        assert run(mt, materialize) == run(torch, materialize)


@pytest.mark.parametrize("method", ["jvp", "vmap"])
def test_function_jvp_and_vmap_messages(method):
    def run(T):
        F = type("F", (T.autograd.Function,), {"forward": staticmethod(lambda ctx, x: x * 2),
                                               "backward": staticmethod(lambda ctx, g: g)})
        return F.jvp(None, None) if method == "jvp" else F.vmap(None, None, None)
    raises_like(run, match_message=True)
