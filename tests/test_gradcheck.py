"""``torch.autograd.gradcheck`` against real torch: the verdict, the exception type and
message, and the options (``fast_mode``, ``raise_exception``, ``eps``/``atol``/``rtol``,
``nondet_tol``, ``check_undefined_grad``).

Each scenario ``fn(T)`` runs on both libraries; ``outcome`` turns it into what a user
sees: the return value, or the exception's type and message. Fast mode prints the
scalars ``v^T J u`` with all their digits, which depend on the summation order of a
dot product; those numbers are compared to 9 significant digits.
"""
import re
import warnings

import numpy as np
import pytest
import torch

import minitorch_compat as mt


def outcome(fn, T):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = fn(T)
        except Exception as e:  # noqa: BLE001 - compared below
            result = (type(e).__name__, type(e).__mro__[1].__name__, _digits(str(e)))
    return result, [str(w.message) for w in caught]


def _digits(text):
    return re.sub(r"-?\d+\.\d{10,}", lambda m: f"{float(m.group()):.9g}", text)


def same(fn):
    assert outcome(fn, mt) == outcome(fn, torch)


def _x(T, dtype=None):
    return T.tensor([0.3, -1.2, 2.0], dtype=dtype or T.float64, requires_grad=True)


def _functions(T):
    """Custom Functions with a right, a wrong, a non-linear and a random backward."""
    def fn(name, backward):
        return type(name, (T.autograd.Function,), {
            "forward": staticmethod(lambda ctx, a: a * 2),
            "backward": staticmethod(lambda ctx, g: backward(T, g))})
    return {"Double": fn("Double", lambda T, g: g * 2),
            "Wrong": fn("Wrong", lambda T, g: g * 3),
            "Affine": fn("Affine", lambda T, g: g * 2 + 1e-12),
            "SlightlyOff": fn("SlightlyOff", lambda T, g: g * 2 * (1 + 1e-4)),
            "Noisy": fn("Noisy", lambda T, g: g * 2 + T.rand(1, dtype=T.float64) * 1e-3)}


SCENARIOS = {
    "non-leaf input": lambda T: T.autograd.gradcheck(T.sin, (_x(T) * 2,)),
    "non-leaf input, fast": lambda T: T.autograd.gradcheck(T.sin, (_x(T) * 2,), fast_mode=True),
    "two inputs and outputs": lambda T: T.autograd.gradcheck(lambda a, b: (a * b, (a - b).exp().sum()),
                                                             (_x(T), _x(T) + 1)),
    "two inputs and outputs, fast": lambda T: T.autograd.gradcheck(lambda a, b: (a * b, (a - b).exp().sum()),
                                                                   (_x(T), _x(T).detach() + 1), fast_mode=True),
    "non-tensor argument": lambda T: T.autograd.gradcheck(lambda a, k: a ** k, (_x(T), 3)),
    "matrix": lambda T: T.autograd.gradcheck(lambda a: a @ a.t(), (T.tensor([[0.5, 1.0], [2.0, -1.0]],
                                             dtype=T.float64, requires_grad=True),)),
    "custom Function": lambda T: T.autograd.gradcheck(_functions(T)["Double"].apply, (_x(T),)),
    "wrong backward": lambda T: T.autograd.gradcheck(_functions(T)["Wrong"].apply, (_x(T),)),
    "wrong backward, fast": lambda T: T.autograd.gradcheck(_functions(T)["Wrong"].apply, (_x(T),), fast_mode=True),
    "wrong backward, no raise": lambda T: T.autograd.gradcheck(_functions(T)["Wrong"].apply, (_x(T),),
                                                               raise_exception=False),
    "wrong backward, fast, no raise": lambda T: T.autograd.gradcheck(_functions(T)["Wrong"].apply, (_x(T),),
                                                                     fast_mode=True, raise_exception=False),
    "not multiplied by grad_output": lambda T: T.autograd.gradcheck(_functions(T)["Affine"].apply, (_x(T),)),
    "slightly off, default tolerance": lambda T: T.autograd.gradcheck(_functions(T)["SlightlyOff"].apply, (_x(T),)),
    "slightly off, tight rtol": lambda T: T.autograd.gradcheck(_functions(T)["SlightlyOff"].apply, (_x(T),),
                                                               rtol=1e-6, atol=1e-9),
    "slightly off, tight rtol, fast": lambda T: T.autograd.gradcheck(_functions(T)["SlightlyOff"].apply, (_x(T),),
                                                                     rtol=1e-6, atol=1e-9, fast_mode=True),
    "large eps": lambda T: T.autograd.gradcheck(lambda a: a ** 3, (_x(T),), eps=1e-1),
    "large eps, loose atol": lambda T: T.autograd.gradcheck(lambda a: a ** 3, (_x(T),), eps=1e-1, atol=0.1),
    "non-reentrant backward": lambda T: T.manual_seed(0) and T.autograd.gradcheck(_functions(T)["Noisy"].apply,
                                                                                   (_x(T),)),
    "non-reentrant backward, nondet_tol": lambda T: T.manual_seed(0) and T.autograd.gradcheck(
        _functions(T)["Noisy"].apply, (_x(T),), nondet_tol=1e-2),
    "non-reentrant backward, nondet_tol and atol": lambda T: T.manual_seed(0) and T.autograd.gradcheck(
        _functions(T)["Noisy"].apply, (_x(T),), nondet_tol=1e-2, atol=1e-2),
    "no undefined-grad check": lambda T: T.autograd.gradcheck(T.tanh, (_x(T),), check_undefined_grad=False),
    "no input requires grad": lambda T: T.autograd.gradcheck(T.sin, (_x(T).detach(),)),
    "float32 input": lambda T: T.autograd.gradcheck(lambda a: a * 2, (_x(T, T.float32),)),
    "stride-0 input": lambda T: T.autograd.gradcheck(T.sin, (T.ones(1, dtype=T.float64).expand(3).requires_grad_(),)),
    "output without grad": lambda T: T.autograd.gradcheck(lambda a: a.detach() * 2, (_x(T),)),
    "constant output": lambda T: T.autograd.gradcheck(lambda a: T.zeros(2, dtype=T.float64), (_x(T),)),
    "one output without grad": lambda T: T.autograd.gradcheck(lambda a: (a.detach(), a * 2), (_x(T),)),
    "single tensor, not a tuple": lambda T: T.autograd.gradcheck(T.exp, _x(T)),
    "list of inputs": lambda T: T.autograd.gradcheck(T.mul, [_x(T), _x(T) * 3]),
    "no backward checks": lambda T: T.autograd.gradcheck(T.sin, (_x(T),), check_backward_ad=False),
}


@pytest.mark.parametrize("name", SCENARIOS)
def test_gradcheck_like_torch(name):
    same(SCENARIOS[name])


def test_gradcheck_error_class():
    from minitorch_compat.autograd.gradcheck import GradcheckError
    from torch.autograd.gradcheck import GradcheckError as TorchGradcheckError
    assert GradcheckError.__name__ == TorchGradcheckError.__name__
    assert [c.__name__ for c in GradcheckError.__mro__[1:]] == [c.__name__ for c in TorchGradcheckError.__mro__[1:]]
    with pytest.raises(GradcheckError, match="Jacobian mismatch for output 0 with respect to input 0"):
        mt.autograd.gradcheck(_functions(mt)["Wrong"].apply, (_x(mt),))


def test_non_leaf_input_keeps_its_graph():
    """gradcheck on ``x * 2`` leaves the caller's graph usable, as in torch."""
    def fn(T):
        x = _x(T)
        y = x * 2
        ok = T.autograd.gradcheck(T.sin, (y,))
        y.sum().backward()
        return ok, x.grad.tolist(), y.grad_fn.name()
    assert fn(mt) == fn(torch)


def test_inputs_are_restored():
    def fn(T):
        x = _x(T)
        before = x.detach().clone()
        T.autograd.gradcheck(T.sin, (x,))
        return bool((x.detach() == before).all()), x.grad
    assert fn(mt) == fn(torch)


def test_user_random_stream_untouched_by_fast_mode():
    def fn(T):
        T.manual_seed(0)
        T.autograd.gradcheck(T.sin, (_x(T),), fast_mode=True)
        return T.rand(3).tolist()
    assert fn(mt) == fn(torch)


@pytest.mark.parametrize("op", ["sin", "exp", "tanh", "sigmoid", "log_softmax", "mean", "norm"])
def test_gradcheck_ops_on_non_leaf_inputs(op):
    rng = np.random.default_rng(0)
    data = rng.uniform(0.5, 2.0, (2, 3))

    def fn(T):
        x = T.from_numpy(data.copy()).requires_grad_()
        f = {"log_softmax": lambda a: a.log_softmax(-1), "mean": lambda a: a.mean(0),
             "norm": lambda a: a.norm()}.get(op, getattr(T, op, None))
        return T.autograd.gradcheck(f, (x * 1.5 + 0.1,)), T.autograd.gradcheck(f, (x * 1.5,), fast_mode=True)
    assert fn(mt) == fn(torch) == (True, True)
