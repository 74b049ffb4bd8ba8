"""Hooks on the backward graph, compared with torch: ``Node.register_hook`` and
``register_prehook``, ``Tensor.register_hook`` (leaf and non-leaf),
``register_post_accumulate_grad_hook``, ``retain_grad``, the order they run in, hooks that
replace gradients, and ``handle.remove()``; plus the ``autograd.Function`` extras
(``set_materialize_grads``, ``jvp``/``vmap`` messages).
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
