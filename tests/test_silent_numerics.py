"""Where torch computes inf and nan silently, so do we: no NumPy RuntimeWarning escapes.

Each case runs on both engines with every warning turned into an error, and the values
must agree (nan where torch has nan). The whole suite also runs with
``error::RuntimeWarning:minitorch_compat`` (pyproject.toml), so any op a test reaches is
held to the same rule.
"""
import warnings

import numpy as np
import pytest
import torch

import minitorch_compat as mt
from helpers import assert_close

CASES = {
    "div_by_zero": lambda T: T.tensor([1.0, -1.0, 0.0]) / 0,
    "div_by_zero_tensor": lambda T: T.tensor([1.0, 0.0]) / T.tensor([0.0, 0.0]),
    "sqrt_of_negative": lambda T: T.tensor([-1.0, 4.0]) ** 0.5,
    "pow_zero_negative": lambda T: T.tensor([0.0, 2.0]) ** -1,
    "div_inplace_zero": lambda T: T.tensor([1.0, 2.0]).div_(0),
    "float32_overflow_mul": lambda T: T.tensor([3e38], dtype=T.float32) * 10,
    "float32_overflow_add": lambda T: T.tensor([3e38], dtype=T.float32) + T.tensor([3e38], dtype=T.float32),
    "float16_overflow": lambda T: T.tensor([60000.0], dtype=T.float16) * 2,
    "float16_cast_overflow": lambda T: T.tensor([1e6], dtype=T.float64).half(),
    "float16_inplace_overflow": lambda T: T.ones(2, dtype=T.float16).mul_(T.tensor([1e6, 1.0], dtype=T.float64)),
    "exp_overflow": lambda T: T.tensor([1000.0]).exp(),
    "log_zero_negative": lambda T: T.tensor([0.0, -1.0]).log(),
    "softmax_all_neg_inf": lambda T: T.tensor([[-float("inf"), -float("inf")]]).softmax(1),
    "log_softmax_all_neg_inf": lambda T: T.tensor([[-float("inf"), -float("inf")]]).log_softmax(1),
    "mean_of_empty": lambda T: T.zeros(0).mean(),
    "mean_of_empty_dim": lambda T: T.zeros(0, 3).mean(0),
    "var_one_element": lambda T: T.tensor([1.0]).var(),
    "inf_minus_inf": lambda T: T.tensor([float("inf")]) - T.tensor([float("inf")]),
    "zero_times_inf": lambda T: T.tensor([0.0]) * float("inf"),
    "sigmoid_large": lambda T: T.tensor([-1000.0, 1000.0]).sigmoid(),
    "reciprocal_zero": lambda T: T.tensor([0.0]).reciprocal(),
    "rsqrt_zero": lambda T: T.tensor([0.0]).rsqrt(),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_no_warning_and_same_value(name):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        ours = CASES[name](mt)
        theirs = CASES[name](torch)
    assert_close(ours, theirs)


def test_tiny_divisor_in_backward_is_silent():
    def run(T):
        x = T.tensor([1.0, 2.0], requires_grad=True)
        y = T.tensor([1e-30, 1e-45], requires_grad=True)
        (x / y).sum().backward()
        return x.grad, y.grad
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours, theirs = run(mt), run(torch)
    for o, t in zip(ours, theirs):
        assert_close(o, t)


@pytest.mark.parametrize("op", ["%", "fmod", "//", "div_trunc"])
def test_integer_division_by_zero_raises_like_torch(op):
    f = {"%": lambda T, a: a % 0, "fmod": lambda T, a: T.fmod(a, 0), "//": lambda T, a: a // 0,
         "div_trunc": lambda T, a: T.div(a, T.tensor([1, 0]), rounding_mode="trunc")}[op]
    with pytest.raises(RuntimeError, match="^ZeroDivisionError$"):
        f(torch, torch.tensor([1, 2]))
    with pytest.raises(RuntimeError, match="^ZeroDivisionError$"):
        f(mt, mt.tensor([1, 2]))


@pytest.mark.parametrize("loss", ["mse_loss", "smooth_l1_loss", "huber_loss", "l1_loss"])
def test_regression_losses_on_int64_fail_like_torch(loss):
    def run(T):
        return getattr(T.nn.functional, loss)(T.tensor([1, 2]), T.tensor([1, 3]))
    with pytest.raises(Exception) as theirs:
        run(torch)
    with pytest.raises(Exception) as ours:
        run(mt)
    assert type(ours.value) is type(theirs.value)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("call", [lambda t: t.argmax(), lambda t: t.argmin(), lambda t: t.reshape(2, 0).argmax(1)])
def test_argmax_of_nothing_raises_index_error(call):
    with pytest.raises(IndexError) as theirs:
        call(torch.zeros(0))
    with pytest.raises(IndexError) as ours:
        call(mt.zeros(0))
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("p", [2, 1, 3, 1.5, 0.5, float("inf"), "fro"])
@pytest.mark.parametrize("dim", [None, 1])
def test_norm_gradient_at_zero_is_zero_like_torch(p, dim):
    def run(T):
        x = T.tensor([[0.0, 0.0, 0.0], [1.0, -2.0, 3.0]], dtype=T.float64, requires_grad=True)
        y = x.norm(p=p, dim=dim)
        y.sum().backward()
        return y, x.grad
    (y1, g1), (y2, g2) = run(mt), run(torch)
    assert_close(y1, y2)
    assert_close(g1, g2)
    assert y1.grad_fn.name() == y2.grad_fn.name()
