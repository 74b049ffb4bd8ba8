"""``.grad`` never aliases an array anyone else can reach, against real torch.

The engine hands a leaf the gradient array it received, without copying, when nothing
else refers to it (``autograd/accumulate_grad.py``, "stealing the first gradient"). These
scenarios are the ways an array can be shared: each one writes into ``.grad`` in place
and checks that nothing else changed, on both libraries.
"""
import numpy as np
import torch

import minitorch_compat as mt
from minitorch_compat.autograd import accumulate_grad
from helpers import assert_same_result, same


def test_stealing_is_enabled_on_this_interpreter():
    # measured at import; 0 would mean every first gradient is copied again (slower, still right)
    assert accumulate_grad._ENGINE_REFS > 0


def test_fresh_gradient_becomes_grad_and_later_ones_add():
    def fn(T):
        x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
        (x * 2).sum().backward()
        first = x.grad.clone()
        (x * x).sum().backward()
        return first, x.grad
    same(fn)


def test_user_gradient_is_not_aliased():
    def fn(T):
        x = T.tensor([1.0, 2.0], requires_grad=True)
        g = T.tensor([5.0, 7.0])
        x.backward(g)  # a leaf root: the gradient goes straight to .grad
        x.grad.mul_(10)
        y = T.tensor([1.0, 2.0], requires_grad=True)
        h = T.tensor([1.0, 1.0])
        (y * 1).backward(h)
        y.grad.add_(1)
        return g, x.grad, h, y.grad
    same(fn)


def test_scalar_root_gradient_on_a_leaf():
    def fn(T):
        x = T.tensor(3.0, requires_grad=True)
        x.backward()
        x.grad.add_(1)
        x.backward()
        return x.grad
    same(fn)


def test_one_gradient_for_two_inputs_gives_two_buffers():
    # Add's backward returns the same array for both inputs (and the upstream buffer holds it)
    def fn(T):
        a = T.tensor([1.0, 2.0], requires_grad=True)
        b = T.tensor([3.0, 4.0], requires_grad=True)
        (a + b).backward(T.tensor([1.0, 1.0]))
        a.grad.mul_(5)
        c = T.tensor([1.0, 2.0], requires_grad=True)
        d = T.tensor([3.0, 4.0], requires_grad=True)
        ((c * 2) + (d - 1)).sum().backward()
        c.grad.add_(100)
        return a.grad, b.grad, c.grad, d.grad, np.shares_memory(a.grad.numpy(), b.grad.numpy())
    same(fn)


def test_leaf_used_twice_gets_the_sum():
    def fn(T):
        x = T.tensor([1.0, 2.0], requires_grad=True)
        (x * 3 + x * x).sum().backward()
        return x.grad
    same(fn)


def test_gradient_saved_by_a_custom_function_is_copied():
    def fn(T):
        class Scale(T.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(T.full_like(x, 2.0))
                return x * 2

            @staticmethod
            def backward(ctx, g):
                saved, = ctx.saved_tensors
                return saved  # the saved tensor itself (valid for g of ones)

        x = T.tensor([1.0, 1.0], requires_grad=True)
        y = Scale.apply(x).sum()
        y.backward(retain_graph=True)
        x.grad.mul_(100)      # must not reach the saved tensor
        y.backward()
        return x.grad
    same(fn)


def test_gradient_kept_by_a_hook_is_copied():
    def fn(T):
        kept = []
        x = T.tensor([1.0, 2.0], requires_grad=True)
        x.register_hook(lambda g: kept.append(g * 3) or kept[-1])
        (x * 2).sum().backward()
        x.grad.add_(1)
        return kept[0], x.grad
    same(fn)


def test_retained_intermediate_gradient_is_not_shared_with_the_leaf():
    def fn(T):
        x = T.tensor([1.0, 2.0], requires_grad=True)
        y = x * 1
        y.retain_grad()
        z = y + 0  # AddBackward passes its incoming gradient on unchanged
        z.sum().backward()
        x.grad.mul_(7)
        return y.grad, x.grad
    same(fn)


def test_broadcast_and_view_gradients():
    def fn(T):
        b = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
        m = T.ones(4, 3, requires_grad=True)
        (m * b).sum().backward()
        w = T.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        w.t().sum().backward()  # the transpose's backward returns a view
        w.grad.add_(1)
        b.grad.add_(1)
        return b.grad, m.grad, w.grad, w.grad.is_contiguous(), w.grad.stride()
    same(fn)


def test_training_step_grads_are_fresh_each_step():
    def fn(T):
        T.manual_seed(0)
        lin = T.nn.Linear(3, 2)
        with T.no_grad():
            lin.weight.copy_(T.tensor([[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]]))
            lin.bias.zero_()
        opt = T.optim.SGD(lin.parameters(), lr=0.1)
        x = T.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        grads = []
        for _ in range(3):
            opt.zero_grad()
            lin(x).pow(2).sum().backward()
            grads.append(lin.weight.grad)
            opt.step()
        return grads, [g.data_ptr() == grads[0].data_ptr() for g in grads[1:]], lin.weight
    same(fn)
