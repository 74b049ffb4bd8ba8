"""Autograd semantics against real torch: leaves, accumulation, grad modes, autograd.grad,
custom Functions, hooks, and gradcheck on every differentiable op.

Most tests run one scenario ``fn(T)`` with ``T`` = torch and ``T`` = minitorch_compat and
compare what it returns (tensors, flags, gradients).
"""
import math
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import minitorch_compat as mt
from helpers import assert_close, assert_same_result, check_op, float_arrays, make, same, shapes


# ---------------------------------------------------------------------------- leaves and flags

def test_requires_grad_and_is_leaf():
    def fn(T):
        a = T.tensor([1.0, 2.0], requires_grad=True)
        b = T.tensor([3.0, 4.0])
        c = a * b
        d = b * 2
        e = c.detach()
        f = T.ones(2).requires_grad_()
        return (a.requires_grad, a.is_leaf, b.requires_grad, b.is_leaf, c.requires_grad, c.is_leaf,
                d.requires_grad, d.is_leaf, e.requires_grad, e.is_leaf, f.requires_grad, f.is_leaf,
                c.grad_fn is not None, a.grad_fn is None, (a + 1).sum().requires_grad)
    same(fn)


def test_integer_and_bool_results_never_require_grad():
    def fn(T):
        a = T.tensor([1.0, -2.0, 3.0], requires_grad=True)
        return ((a > 0).requires_grad, a.argmax().requires_grad, a.max(0).indices.requires_grad,
                a.long().requires_grad, (a == a).all().requires_grad)
    same(fn)


def test_requires_grad_on_int_tensor_raises():
    for T in (torch, mt):
        with pytest.raises(RuntimeError, match="floating point"):
            T.tensor([1, 2]).requires_grad_()
        with pytest.raises(RuntimeError):
            T.tensor([1, 2], requires_grad=True)


def test_setting_requires_grad_false_on_non_leaf_raises():
    for T in (torch, mt):
        y = T.ones(2, requires_grad=True) * 2
        with pytest.raises(RuntimeError, match="leaf"):
            y.requires_grad = False


def test_detach_shares_storage_and_detach_():
    def fn(T):
        a = T.tensor([1.0, 2.0], requires_grad=True)
        b = a * 3
        d = b.detach()
        d[0] = 10.0  # writes through to b
        c = a * 1
        c.detach_()
        return b.detach().clone(), d.requires_grad, c.requires_grad, c.is_leaf, c.grad_fn is None
    same(fn)


# ---------------------------------------------------------------------------- backward

def test_grad_accumulates_over_two_backwards_with_retain_graph():
    def fn(T):
        x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = (x * x).sum()
        y.backward(retain_graph=True)
        first = x.grad.clone()
        y.backward()
        return first, x.grad
    same(fn)


def test_second_backward_without_retain_graph_raises():
    for T in (torch, mt):
        x = T.tensor([1.0, 2.0], requires_grad=True)
        y = (x * x).sum()
        y.backward()
        with pytest.raises(RuntimeError, match="backward through the graph a second time"):
            y.backward()


def test_backward_with_gradient_argument():
    def fn(T):
        x = T.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        y = x * x
        y.backward(T.tensor([[1.0, 0.5], [0.0, -1.0]]))
        return x.grad
    same(fn)


def test_shared_subgraph_and_diamond():
    def fn(T):
        x = T.tensor([0.5, -1.5, 2.0], requires_grad=True)
        a = x.exp()
        b = a * x
        c = a + b.sin()
        d = (c * a).sum() + b.mean()
        d.backward()
        return d, x.grad
    same(fn)


def test_grad_reset_and_zero():
    def fn(T):
        x = T.tensor([1.0, 2.0], requires_grad=True)
        (x * 2).sum().backward()
        x.grad.zero_()
        (x * 3).sum().backward()
        g1 = x.grad.clone()
        x.grad = None
        (x * 4).sum().backward()
        return g1, x.grad
    same(fn)


def test_retain_grad_and_non_leaf_grad_warning():
    def fn(T):
        x = T.tensor([1.0, 2.0], requires_grad=True)
        y = x * 3
        y.retain_grad()
        z = y * y
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert z.grad is None
        z.sum().backward()
        return y.grad, x.grad, len([w for w in caught if issubclass(w.category, UserWarning)])
    same(fn)


def test_retain_grad_accumulates():
    def fn(T):
        x = T.tensor([1.0, 2.0], requires_grad=True)
        y = x * 3
        y.retain_grad()
        z = (y * y).sum()
        z.backward(retain_graph=True)
        z.backward()
        return y.grad, x.grad
    same(fn)


def test_backward_inputs_argument():
    def fn(T):
        a = T.tensor([1.0, 2.0], requires_grad=True)
        b = T.tensor([3.0, 4.0], requires_grad=True)
        (a * b).sum().backward(inputs=[a])
        return a.grad, b.grad is None
    same(fn)


def test_next_functions_graph():
    for T in (torch, mt):
        a = T.tensor([1.0], requires_grad=True)
        b = T.tensor([2.0])
        y = a * b + a
        names = [(f.name() if f is not None else None) for f, _ in y.grad_fn.next_functions[:2]]
        assert names == ["MulBackward0", "torch::autograd::AccumulateGrad"], (T, names)
        mul = y.grad_fn.next_functions[0][0]
        assert [f.name() if f is not None else None for f, _ in mul.next_functions] == \
            ["torch::autograd::AccumulateGrad", None]
        assert mul.next_functions[0][0].variable is a


# ---------------------------------------------------------------------------- grad modes

def test_no_grad_context_and_nesting():
    def fn(T):
        x = T.ones(2, requires_grad=True)
        flags = [T.is_grad_enabled()]
        with T.no_grad():
            y = x * 2
            flags.append(T.is_grad_enabled())
            with T.enable_grad():
                z = x * 2
                flags.append(T.is_grad_enabled())
            flags.append(T.is_grad_enabled())
        flags.append(T.is_grad_enabled())
        return y.requires_grad, y.grad_fn is None, z.requires_grad, tuple(flags)
    same(fn)


def test_no_grad_decorators():
    def fn(T):
        x = T.ones(2, requires_grad=True)

        @T.no_grad()
        def f(a):
            return a * 2, T.is_grad_enabled()

        @T.no_grad
        def g(a):
            return a * 2

        @T.enable_grad()
        def h(a):
            return a * 2

        with T.no_grad():
            hy = h(x)
        return f(x)[0].requires_grad, f(x)[1], g(x).requires_grad, hy.requires_grad, T.is_grad_enabled()
    same(fn)


def test_set_grad_enabled():
    def fn(T):
        x = T.ones(2, requires_grad=True)
        with T.set_grad_enabled(False):
            a = x * 2
        with T.set_grad_enabled(True):
            b = x * 2
        T.set_grad_enabled(False)  # as a plain function call it stays switched
        c = x * 2
        off = T.is_grad_enabled()
        T.set_grad_enabled(True)

        @T.set_grad_enabled(False)
        def f(t):
            return t * 2
        return a.requires_grad, b.requires_grad, c.requires_grad, off, f(x).requires_grad, T.is_grad_enabled()
    same(fn)


def test_grad_mode_restored_after_exception():
    for T in (torch, mt):
        with pytest.raises(ValueError):
            with T.no_grad():
                raise ValueError
        assert T.is_grad_enabled()


def test_inplace_on_leaf_allowed_under_no_grad():
    """The SGD step pattern: ``w -= lr * w.grad`` inside no_grad."""
    def fn(T):
        w = T.tensor([1.0, -2.0], requires_grad=True)
        (w * w).sum().backward()
        with T.no_grad():
            w -= 0.1 * w.grad
            w.add_(1.0)
            w.mul_(2.0)
        return w.detach().clone(), w.requires_grad, w.is_leaf
    same(fn)


# ---------------------------------------------------------------------------- autograd.grad

def test_autograd_grad():
    def fn(T):
        x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
        w = T.tensor([0.5, -1.0, 2.0], requires_grad=True)
        y = (x * w).sum() + (x * x).sum()
        gx, gw = T.autograd.grad(y, [x, w], retain_graph=True)
        gx_only, = T.autograd.grad(y, x, retain_graph=True)
        z = x * 2
        gz, = T.autograd.grad(z, x, grad_outputs=T.ones(3))
        return gx, gw, gx_only, gz, x.grad is None, w.grad is None
    same(fn)


def test_autograd_grad_multiple_outputs_and_unused():
    def fn(T):
        x = T.tensor([1.0, 2.0], requires_grad=True)
        u = T.tensor([5.0], requires_grad=True)
        a, b = (x * 2).sum(), (x ** 3).sum()
        gx, gu = T.autograd.grad([a, b], [x, u], allow_unused=True)
        return gx, gu is None
    same(fn)


def test_autograd_grad_unused_raises():
    for T in (torch, mt):
        x = T.tensor([1.0], requires_grad=True)
        u = T.tensor([1.0], requires_grad=True)
        with pytest.raises(RuntimeError, match="appears to not have been used"):
            T.autograd.grad((x * 2).sum(), [x, u])


def test_autograd_grad_of_intermediate():
    def fn(T):
        x = T.tensor([1.0, 2.0], requires_grad=True)
        h = x.exp()
        y = (h * h).sum()
        gh, = T.autograd.grad(y, h)
        return gh
    same(fn)


# ---------------------------------------------------------------------------- custom Function

def _legendre(T):
    class LegendrePolynomial3(T.autograd.Function):
        """The torch tutorial's example: P3(x) = (5x^3 - 3x) / 2."""

        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return 0.5 * (5 * input ** 3 - 3 * input)

        @staticmethod
        def backward(ctx, grad_output):
            input, = ctx.saved_tensors
            return grad_output * 1.5 * (5 * input ** 2 - 1)
    return LegendrePolynomial3


def _my_relu(T):
    class MyReLU(T.autograd.Function):
        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return input.clamp(min=0)

        @staticmethod
        def backward(ctx, grad_output):
            input, = ctx.saved_tensors
            grad_input = grad_output.clone()
            grad_input[input < 0] = 0
            return grad_input
    return MyReLU


def test_legendre_tutorial_training_loop():
    """The tutorial's fit of sin(x) with a + b * P3(c + d x), 200 steps of SGD."""
    def fn(T):
        x = T.from_numpy(np.linspace(-math.pi, math.pi, 200))
        y = T.sin(x)
        a, b, c, d = (T.full((), v, dtype=T.float64, requires_grad=True) for v in (0.0, -1.0, 0.0, 0.3))
        P3 = _legendre(T).apply
        lr = 5e-6
        for _ in range(200):
            y_pred = a + b * P3(c + d * x)
            loss = (y_pred - y).pow(2).sum()
            loss.backward()
            with T.no_grad():
                for p in (a, b, c, d):
                    p -= lr * p.grad
                    p.grad = None
        return loss.detach(), a.detach(), b.detach(), c.detach(), d.detach()
    ours, theirs = fn(mt), fn(torch)
    for o, t in zip(ours, theirs):
        assert_close(o, t, rtol=1e-9, atol=1e-12)


@given(a=float_arrays(shape=shapes(max_dims=3), lo=-3, hi=3))
def test_custom_functions_match_builtin_grads(a):
    check_op(lambda T, x: _legendre(T).apply(x), a)
    check_op(lambda T, x: _my_relu(T).apply(x * 2), a)


def test_needs_input_grad_and_none_gradients():
    def fn(T):
        seen = []

        class Scale(T.autograd.Function):
            @staticmethod
            def forward(ctx, x, y, k):
                ctx.save_for_backward(x, y)
                ctx.k = k
                return x * y * k

            @staticmethod
            def backward(ctx, g):
                x, y = ctx.saved_tensors
                seen.append(tuple(ctx.needs_input_grad))
                gx = g * y * ctx.k if ctx.needs_input_grad[0] else None
                gy = g * x * ctx.k if ctx.needs_input_grad[1] else None
                return gx, gy, None

        x = T.tensor([1.0, 2.0], requires_grad=True)
        y = T.tensor([3.0, 4.0])
        out = Scale.apply(x, y, 2.0)
        out.sum().backward()
        return out, x.grad, tuple(seen), out.requires_grad, out.grad_fn.name()
    ours, theirs = fn(mt), fn(torch)
    assert_close(ours[0], theirs[0])
    assert_close(ours[1], theirs[1])
    assert ours[2] == theirs[2] == ((True, False, False),)
    assert ours[3] is theirs[3] is True
    assert ours[4] == theirs[4] == "ScaleBackward"


def test_custom_function_multiple_outputs():
    def fn(T):
        class SplitSq(T.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x * x, x * 3

            @staticmethod
            def backward(ctx, g1, g2):
                x, = ctx.saved_tensors
                return g1 * 2 * x + g2 * 3

        x = T.tensor([1.0, -2.0], requires_grad=True)
        p, q = SplitSq.apply(x)
        (p.sum() + (q * q).sum()).backward()
        g_both = x.grad.clone()
        x.grad = None
        p, q = SplitSq.apply(x)
        p.sum().backward()  # q unused: its gradient arrives as zeros
        return g_both, x.grad
    same(fn)


def test_custom_function_without_grad_inputs_runs_forward_only():
    def fn(T):
        out = _legendre(T).apply(T.tensor([0.5, 1.0]))
        return out, out.requires_grad, out.grad_fn is None
    same(fn)


def test_custom_function_mark_non_differentiable():
    def fn(T):
        class WithMask(T.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                vals = x * 1
                mask = (x > 0).float()
                ctx.mark_non_differentiable(mask)
                return vals, mask

            @staticmethod
            def backward(ctx, g, g_mask):
                return g

        x = T.tensor([1.0, -1.0], requires_grad=True)
        v, m = WithMask.apply(x)
        return v.requires_grad, m.requires_grad
    same(fn)


# ---------------------------------------------------------------------------- hooks

def test_register_hook_on_leaf_and_non_leaf():
    def fn(T):
        seen = []
        x = T.tensor([1.0, 2.0], requires_grad=True)
        y = x * 3
        h1 = x.register_hook(lambda g: seen.append(("x", g.clone())))
        y.register_hook(lambda g: g * 10)  # replaces the gradient flowing on
        (y * y).sum().backward()
        h1.remove()
        (x * 1).sum().backward()
        return x.grad, len(seen), seen[0][1]
    same(fn)


def test_hook_on_intermediate_sees_summed_gradient():
    def fn(T):
        seen = []
        x = T.tensor([1.0, 2.0], requires_grad=True)
        h = x * 2
        h.register_hook(lambda g: seen.append(g.clone()))
        (h.sum() + (h * h).sum()).backward()
        return seen[0], len(seen), x.grad
    same(fn)


def test_register_hook_on_tensor_without_grad_raises():
    for T in (torch, mt):
        with pytest.raises(RuntimeError):
            T.ones(2).register_hook(lambda g: g)


# ---------------------------------------------------------------------------- gradcheck

def _r(*shape, seed=0, positive=False):
    rng = np.random.default_rng(seed + sum(shape))
    a = rng.uniform(0.5, 2.0, shape) if positive else rng.uniform(-2, 2, shape)
    return mt.from_numpy(a).requires_grad_()


GRADCHECK = {
    "add": (lambda a, b: a + b, lambda: (_r(2, 3), _r(3, seed=1))),
    "sub_alpha": (lambda a, b: mt.sub(a, b, alpha=2), lambda: (_r(2, 1), _r(3, seed=1))),
    "mul": (lambda a, b: a * b, lambda: (_r(2, 3), _r(2, 1, seed=1))),
    "div": (lambda a, b: a / b, lambda: (_r(2, 3), _r(3, seed=1, positive=True))),
    "rdiv": (lambda a: 2 / a, lambda: (_r(3, positive=True),)),
    "rsub": (lambda a: 2 - a, lambda: (_r(3),)),
    "pow_scalar": (lambda a: a ** 3, lambda: (_r(4),)),
    "pow_tensor": (lambda a, b: a ** b, lambda: (_r(3, positive=True), _r(3, seed=1))),
    "rpow": (lambda a: 2.5 ** a, lambda: (_r(3),)),
    "matmul": (lambda a, b: a @ b, lambda: (_r(2, 3), _r(3, 2, seed=1))),
    "matmul_batched": (lambda a, b: a @ b, lambda: (_r(2, 1, 2, 3), _r(3, 3, 2, seed=1))),
    "matmul_vec": (lambda a, b: a @ b, lambda: (_r(3), _r(3, seed=1))),
    "mv": (lambda a, b: mt.mv(a, b), lambda: (_r(2, 3), _r(3, seed=1))),
    "mm": (lambda a, b: mt.mm(a, b), lambda: (_r(2, 3), _r(3, 2, seed=1))),
    "bmm": (lambda a, b: mt.bmm(a, b), lambda: (_r(2, 2, 3), _r(2, 3, 2, seed=1))),
    "sum": (lambda a: a.sum(), lambda: (_r(2, 3),)),
    "sum_dim": (lambda a: a.sum((0, 2), keepdim=True), lambda: (_r(2, 3, 2),)),
    "mean_dim": (lambda a: a.mean(1), lambda: (_r(2, 3),)),
    "max": (lambda a: a.max(), lambda: (_r(2, 3),)),
    "max_dim": (lambda a: a.max(1).values, lambda: (_r(2, 3),)),
    "min_dim": (lambda a: a.min(0, keepdim=True)[0], lambda: (_r(2, 3),)),
    "amax": (lambda a: a.amax((0, 1)), lambda: (_r(2, 3, 2),)),
    "var": (lambda a: a.var(1), lambda: (_r(2, 4),)),
    "std": (lambda a: a.std(), lambda: (_r(2, 4),)),
    "std_correction0": (lambda a: a.std(0, correction=0), lambda: (_r(3, 2),)),
    "exp": (lambda a: a.exp(), lambda: (_r(3),)),
    "log": (lambda a: a.log(), lambda: (_r(3, positive=True),)),
    "sqrt": (lambda a: a.sqrt(), lambda: (_r(3, positive=True),)),
    "abs": (lambda a: a.abs(), lambda: (_r(3),)),
    "neg": (lambda a: -a, lambda: (_r(3),)),
    "clamp": (lambda a: a.clamp(-1, 1), lambda: (_r(6),)),
    "clamp_tensor": (lambda a, lo: mt.clamp(a, min=lo), lambda: (_r(6), _r(6, seed=1))),
    "relu": (lambda a: mt.relu(a), lambda: (_r(6),)),
    "sigmoid": (lambda a: a.sigmoid(), lambda: (_r(3),)),
    "tanh": (lambda a: a.tanh(), lambda: (_r(3),)),
    "softmax": (lambda a: mt.softmax(a, 1), lambda: (_r(2, 3),)),
    "log_softmax": (lambda a: a.log_softmax(0), lambda: (_r(2, 3),)),
    "where": (lambda a, b: mt.where(a > 0, a, b), lambda: (_r(4), _r(4, seed=1))),
    "maximum": (lambda a, b: mt.maximum(a, b), lambda: (_r(4), _r(4, seed=1))),
    "reshape_view": (lambda a: a.reshape(3, 2).view(6) * mt.arange(6.0, dtype=mt.float64), lambda: (_r(2, 3),)),
    "flatten": (lambda a: a.flatten(1) * 2, lambda: (_r(2, 2, 2),)),
    "squeeze_unsqueeze": (lambda a: a.unsqueeze(0).squeeze(2) * 2, lambda: (_r(2, 1, 3),)),
    "t_T_transpose": (lambda a: a.t() @ a.T.transpose(0, 1), lambda: (_r(2, 3),)),
    "permute": (lambda a: a.permute(2, 0, 1) * 3, lambda: (_r(2, 3, 2),)),
    "expand": (lambda a: a.expand(2, 3, 2) * mt.arange(12.0, dtype=mt.float64).view(2, 3, 2), lambda: (_r(3, 1),)),
    "index_basic": (lambda a: a[1:, ::2] * 2, lambda: (_r(3, 4),)),
    "index_int_tensor": (lambda a: a[mt.tensor([0, 2, 0])] * 2, lambda: (_r(3, 2),)),
    "index_mask": (lambda a: a[a > 0] * 2, lambda: (_r(3, 2),)),
    "setitem": (lambda a, v: _setitem(a, v), lambda: (_r(3, 2), _r(2, seed=1))),
    "cat": (lambda a, b: mt.cat([a, b], 1) * 2, lambda: (_r(2, 1), _r(2, 3, seed=1))),
    "stack": (lambda a, b: mt.stack([a, b], 1) * 2, lambda: (_r(2, 3), _r(2, 3, seed=1))),
    "split": (lambda a: a.split(2, 1)[1] * 2, lambda: (_r(2, 5),)),
    "chunk": (lambda a: a.chunk(2)[0] * 3, lambda: (_r(3, 2),)),
    "clone_to": (lambda a: a.clone().to(mt.float64) * 2, lambda: (_r(3),)),
    "inplace": (lambda a, b: (a * 1).add_(b).mul_(b).sub_(a).clamp_(-1, 1), lambda: (_r(4), _r(4, seed=1))),
    "prod": (lambda a: a.prod(), lambda: (_r(4),)),
    "cumsum": (lambda a: a.cumsum(1), lambda: (_r(2, 3),)),
    "logsumexp": (lambda a: a.logsumexp(1), lambda: (_r(2, 3),)),
}


def _setitem(a, v):
    y = a * 2
    y[1] = v * 3
    return y


@pytest.mark.parametrize("name", GRADCHECK)
def test_gradcheck(name):
    fn, make_inputs = GRADCHECK[name]
    assert mt.autograd.gradcheck(fn, make_inputs())


def test_gradcheck_rejects_a_wrong_backward():
    class Wrong(mt.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * x

        @staticmethod
        def backward(ctx, g):
            return g * 3  # should be 2x

    x = _r(3)
    assert mt.autograd.gradcheck(Wrong.apply, (x,), raise_exception=False) is False
    with pytest.raises(RuntimeError, match="Jacobian mismatch"):
        mt.autograd.gradcheck(Wrong.apply, (x,))


def test_gradcheck_tutorial_function():
    x = _r(4)
    assert mt.autograd.gradcheck(_legendre(mt).apply, (x,), eps=1e-6, atol=1e-4)
    assert mt.autograd.gradcheck(_my_relu(mt).apply, (_r(5, positive=True),))


# ---------------------------------------------------------------------------- an MLP step

def test_tiny_mlp_step_matches_torch():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(8, 5)).astype(np.float32)
    W1 = rng.normal(size=(5, 7)).astype(np.float32) * 0.3
    W2 = rng.normal(size=(7, 3)).astype(np.float32) * 0.3
    b1 = np.zeros(7, np.float32)
    target = rng.integers(0, 3, 8)

    def fn(T):
        w1, w2, bias = make(T, W1, True), make(T, W2, True), make(T, b1, True)
        x = make(T, X)
        for _ in range(3):
            h = (x @ w1 + bias).relu()
            logp = T.log_softmax(h @ w2, dim=1)
            loss = -logp[T.arange(8), make(T, target)].mean()
            loss.backward()
            with T.no_grad():
                for p in (w1, w2, bias):
                    p -= 0.1 * p.grad
                    p.grad.zero_()
        return loss.detach(), w1.detach(), w2.detach(), bias.detach()
    for o, t in zip(fn(mt), fn(torch)):
        assert_close(o, t)


# ---------------------------------------------------------------------------- repr of results

REPR_CASES = [
    "x + 1", "x - y", "2 - x", "x * y", "x / 2", "2 / x", "x ** 2", "x ** y", "2 ** x", "-x", "x.sum()", "x.sum(0)",
    "x.mean()", "x.mean(1)", "x.max()", "x.max(0).values", "x.min(1)[0]", "x.amax(0)", "x.var()", "x.std(1)",
    "x @ y.t()", "x[0] @ y[0]", "x @ y[0]", "x.mm(y.t())", "x.unsqueeze(0).bmm(y.t().unsqueeze(0))",
    "x.view(3, 2)", "x.reshape(-1)", "x.t().reshape(-1)", "x.flatten()", "x.unsqueeze(1)", "x.unsqueeze(0).squeeze()",
    "x.unsqueeze(0).squeeze(0)", "x.t()", "x.T", "x.transpose(0, 1)", "x.permute(1, 0)", "x.expand(2, 2, 3)",
    "x[0]", "x[:, 1:]", "x[[0, 1, 0]]", "x[x > 0]", "x.exp()", "x.log()", "x.sqrt()", "x.abs()", "x.clamp(0, 1)",
    "x.clamp(min=y)", "x.relu()", "x.sigmoid()", "x.tanh()", "T.softmax(x, 1)", "T.log_softmax(x, 0)",
    "T.where(x > 0, x, y)", "T.cat([x, y])", "T.stack([x, y])", "x.split(1)[1]", "x.split([1, 1])[0]",
    "x.chunk(3, 1)[2]", "x.unbind()[1]", "x.clone()", "x.double()", "T.maximum(x, y)", "x.prod()",
    "(x * 1).add_(1)", "(x * 1).mul_(y)", "(x * 1).clamp_(0, 1)", "(x * 1).zero_()", "x.detach()",
    "(x * 1).fill_(2.0)", "(x * 1).fill_(y.sum())", "(x * 1).copy_(y)", "(x * 1).sub_(y)", "(x * 1).div_(2)",
    "_setitem(x * 1, 0, 5.0)", "_setitem(x * 1, x > 0, y[x > 0])",
    "T.tensor([1.5, 2.0], dtype=T.float64, requires_grad=True)", "T.ones(2, 2).long()", "x.sum() > 0",
]


@pytest.mark.parametrize("expr", REPR_CASES)
def test_repr_with_grad_fn(expr):
    def build(T):
        x = T.tensor([[0.5, -1.25, 2.0], [3.0, -0.5, 1.0]], requires_grad=True)
        y = T.tensor([[1.5, 0.25, -2.0], [1.0, 2.0, -1.0]], requires_grad=True)
        return eval(expr, {"T": T, "x": x, "y": y, "_setitem": _setitem_returning})
    ours, theirs = build(mt), build(torch)
    if isinstance(theirs, torch.Tensor):
        assert repr(ours) == repr(theirs)
        if theirs.grad_fn is not None:
            assert ours.grad_fn.name() == theirs.grad_fn.name()
    else:
        assert repr(ours) == repr(theirs)


def _setitem_returning(t, key, value):
    t[key] = value
    return t


def test_repr_after_backward_keeps_names():
    for T in (torch, mt):
        x = T.tensor([1.0, 2.0], requires_grad=True)
        ys = [x ** 2, x ** x, x @ x, x.max(), x.unsqueeze(0) @ x.unsqueeze(1)]
        sum(y.sum() for y in ys).backward()
        assert [y.grad_fn.name() for y in ys] == ["PowBackward0", "PowBackward1", "DotBackward0", "MaxBackward1",
                                                  "MmBackward0"], T
