"""``torch.autograd.functional`` (jacobian, hessian, vjp, jvp, hvp, vhp) against real torch.

Each test draws a function from a small table (elementwise, matmul, reductions, several
inputs and outputs, an input the function ignores), small float64 inputs and the
options, and runs the same call on both libraries. ``same_results`` then compares the
whole answer: the nesting of tuples, every tensor's shape, dtype, values (float64
tolerance) and ``requires_grad``. With ``create_graph=True`` it also backpropagates the
sum of the results into the inputs that require grad and compares those gradients: the
graph the functions return must be torch's, not just its values.

Only ``vjp`` and the row-by-row ``jacobian`` without ``create_graph`` are first-order;
everything else needs the engine's ``create_graph=True`` (``jvp``, ``hvp``, ``vhp`` and
``hessian`` differentiate twice internally) or ``grad``'s ``is_grads_batched``
(``vectorize=True``).
"""
import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import minitorch_compat as mt
from helpers import arrays, assert_close, raises_like

F64 = np.float64

# name: (input shapes from two sizes n and m, func(T, *inputs))
FUNCS = {
    "exp": (lambda n, m: [(n, m)], lambda T, x: x.exp()),
    "matmul": (lambda n, m: [(n, m), (m, n)], lambda T, a, b: (a @ b).tanh()),
    "softmax": (lambda n, m: [(n, m)], lambda T, x: T.softmax(x, dim=-1)),
    "reductions": (lambda n, m: [(n, m)], lambda T, x: (x.sum(0) * x.mean(), (x * x).mean(1))),
    "two in, three out": (lambda n, m: [(n,), (n,)], lambda T, x, y: (x * y, (x ** 2).sum(), y.sin())),
    "second input unused": (lambda n, m: [(n,), (m,)], lambda T, x, y: x.exp() * 2),
    "linear": (lambda n, m: [(n, m)], lambda T, x: 3 * x - 1),
    "an output independent of the input": (lambda n, m: [(n,)], lambda T, x: (x.sin(), T.ones(2, dtype=x.dtype))),
}
# functions returning one element, for hessian, hvp and vhp
SCALAR_FUNCS = {
    "cube sum": (lambda n, m: [(n, m)], lambda T, x: (x ** 3).sum()),
    "sin times exp": (lambda n, m: [(n,), (n,)], lambda T, x, y: (x.sin() * y.exp()).sum()),
    "matmul squared": (lambda n, m: [(n, m), (m, n)], lambda T, a, b: ((a @ b) ** 2).sum()),
    "logsumexp": (lambda n, m: [(n * m,)], lambda T, x: x.exp().sum().log().reshape(1, 1)),
    "second input unused": (lambda n, m: [(n,), (m,)], lambda T, x, y: (x ** 2).sum() * x.exp().sum()),
    "linear": (lambda n, m: [(n, m)], lambda T, x: (2 * x).sum()),
}


@st.composite
def calls(draw, table):
    """A function of ``table``, its input arrays (mostly float64), whether they require
    grad, and whether a single input is passed as a Tensor or as a 1-tuple."""
    name = draw(st.sampled_from(sorted(table)))
    n, m = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    shapes, func = table[name]
    dtype = draw(st.sampled_from([F64, F64, F64, np.float32]))
    xs = [draw(arrays(dtype, s, lo=-2, hi=2)) for s in shapes(n, m)]
    return func, xs, draw(st.booleans()), len(xs) > 1 or draw(st.booleans())


def run_both(call, func, xs, requires_grad, as_tuple, vs=()):
    """``call(F, f, inputs, *vs)`` on torch and on us (``F``: the library's
    ``autograd.functional``); returns ``[(result, leaves)]``, ours first."""
    out = []
    for T in (mt, torch):
        leaves = [T.tensor(x, requires_grad=requires_grad) for x in xs]
        inputs = tuple(leaves) if as_tuple else leaves[0]
        vv = [tuple(T.tensor(a) for a in v) if isinstance(v, list) else T.tensor(v) for v in vs]
        out.append((call(T.autograd.functional, lambda *a: func(T, *a), inputs, *vv), leaves))
    return out


def same_results(both, create_graph=False):
    (ours, our_leaves), (theirs, their_leaves) = both
    _same(ours, theirs, "result")
    if not create_graph:
        return
    ours, theirs = _flat(ours), _flat(theirs)
    t_roots = [t.sum() for t in theirs if t.requires_grad]
    if not t_roots:
        return
    torch.autograd.backward(t_roots)
    mt.autograd.backward([o.sum() for o, t in zip(ours, theirs) if t.requires_grad])
    for i, (o, t) in enumerate(zip(our_leaves, their_leaves)):
        if t.grad is None:
            assert o.grad is None, f"grad of input {i}: torch has none"
        else:
            assert_close(o.grad, t.grad, what=f"grad of input {i}")


def _same(ours, theirs, where, flags=True):
    if isinstance(theirs, torch.Tensor):
        assert_close(ours, theirs, what=where)
        assert not flags or ours.requires_grad == theirs.requires_grad, f"{where}: requires_grad"
    else:
        assert type(ours) is type(theirs) and type(theirs) in (tuple, list), \
            f"{where}: {type(ours)}, torch {type(theirs)}"
        assert len(ours) == len(theirs), f"{where}: {len(ours)} entries, torch {len(theirs)}"
        for i, (o, t) in enumerate(zip(ours, theirs)):
            _same(o, t, f"{where}[{i}]", flags)


def _flat(res):
    return [res] if not isinstance(res, (tuple, list)) else [t for r in res for t in _flat(r)]


def _like(draw, shapes, dtype):
    return [draw(arrays(dtype, s, lo=-2, hi=2)) for s in shapes]


def _like_outputs(draw, func, xs):
    """A ``v`` for ``vjp``: arrays shaped as ``func``'s outputs (a list for a tuple)."""
    outs = func(torch, *map(torch.tensor, xs))
    v = _like(draw, [tuple(o.shape) for o in (outs if isinstance(outs, tuple) else (outs,))], xs[0].dtype)
    return v if isinstance(outs, tuple) else v[0]


# ---------------------------------------------------------------------------- values

@given(call=calls(FUNCS))
def test_jacobian_row_by_row(call):
    same_results(run_both(lambda F, f, x: F.jacobian(f, x), *call))


@given(call=calls(FUNCS), data=st.data())
def test_vjp(call, data):
    func, xs, requires_grad, as_tuple = call
    v = _like_outputs(data.draw, func, xs)
    same_results(run_both(lambda F, f, x, v: F.vjp(f, x, v), *call, vs=[v]))


@given(call=calls(FUNCS), create_graph=st.booleans())
def test_jacobian_vectorized(call, create_graph):
    same_results(run_both(lambda F, f, x: F.jacobian(f, x, create_graph, vectorize=True), *call), create_graph)


@given(call=calls(FUNCS), create_graph=st.booleans(), data=st.data())
def test_jvp_by_the_double_backward_trick(call, create_graph, data):
    func, xs, requires_grad, as_tuple = call
    v = _like(data.draw, [x.shape for x in xs], xs[0].dtype)
    v = v if as_tuple else v[0]
    same_results(run_both(lambda F, f, x, v: F.jvp(f, x, v, create_graph), *call, vs=[v]), create_graph)


@given(call=calls(SCALAR_FUNCS), create_graph=st.booleans(), vectorize=st.booleans())
def test_hessian(call, create_graph, vectorize):
    same_results(run_both(lambda F, f, x: F.hessian(f, x, create_graph, vectorize=vectorize), *call),
                 create_graph)


@given(call=calls(SCALAR_FUNCS), create_graph=st.booleans(), hvp=st.booleans(), data=st.data())
def test_hvp_and_vhp(call, create_graph, hvp, data):
    func, xs, requires_grad, as_tuple = call
    v = _like(data.draw, [x.shape for x in xs], xs[0].dtype)
    v = v if as_tuple else v[0]
    product = "hvp" if hvp else "vhp"
    same_results(run_both(lambda F, f, x, v: getattr(F, product)(f, x, v, create_graph), *call, vs=[v]),
                 create_graph)


@given(call=calls(FUNCS), create_graph=st.booleans())
def test_create_graph_row_by_row(call, create_graph):
    same_results(run_both(lambda F, f, x: F.jacobian(f, x, create_graph), *call), create_graph)


@given(call=calls(FUNCS), data=st.data())
def test_vjp_create_graph(call, data):
    func, xs, requires_grad, as_tuple = call
    v = _like_outputs(data.draw, func, xs)
    same_results(run_both(lambda F, f, x, v: F.vjp(f, x, v, create_graph=True), *call, vs=[v]), True)


@given(call=calls(FUNCS))
def test_forward_mode_gives_the_same_jacobian(call):
    # (requires_grad aside: our forward mode is computed in reverse, see the module docstring)
    (ours, _), (theirs, _) = run_both(lambda F, f, x: F.jacobian(f, x, vectorize=True, strategy="forward-mode"),
                                      *call)
    _same(ours, theirs, "result", flags=False)


@given(call=calls(SCALAR_FUNCS))
def test_forward_over_reverse_hessian_gives_the_same_numbers(call):
    hess = lambda F, f, x: F.hessian(f, x, vectorize=True, outer_jacobian_strategy="forward-mode")  # noqa: E731
    (ours, _), (theirs, _) = run_both(hess, *call)
    _same(ours, theirs, "result", flags=False)


def test_defaults_for_one_element_inputs_and_outputs_and_grad_mode():
    """``v`` may be omitted around a single element; under ``no_grad`` ``vjp`` and
    ``vhp`` compute their last backward without recording, ``jvp`` without enabling."""
    x = np.array([0.7])
    for call in (lambda F, f, x: F.vjp(f, x), lambda F, f, x: F.jvp(f, x), lambda F, f, x: F.hvp(f, x),
                 lambda F, f, x: F.vhp(f, x)):
        same_results(run_both(call, lambda T, x: (x ** 3).sum() * x.exp(), [x], True, False))
        with mt.no_grad(), torch.no_grad():
            same_results(run_both(call, lambda T, x: (x ** 3).sum() * x.exp(), [x], True, False))


# ---------------------------------------------------------------------------- errors

def _sq(T, x):
    return (x ** 2).sum()


ERRORS = {
    # inputs, outputs and v of the wrong kind
    "inputs a list": lambda F, T, x: F.jacobian(lambda a: a, [x]),
    "inputs a number": lambda F, T, x: F.vjp(lambda a: a, 3.0),
    "integer inputs": lambda F, T, x: F.jacobian(lambda a: a, x.long()),
    "output a number": lambda F, T, x: F.jacobian(lambda a: 1.0, x),
    "output tuple holds a list": lambda F, T, x: F.vjp(lambda a: (a, [a]), x, (x, x)),
    "v holds a number": lambda F, T, x: F.jvp(lambda a, b: a, (x, x), (x, 1.0)),
    "vjp without v": lambda F, T, x: F.vjp(lambda a: a * 2, x),
    "jvp without v": lambda F, T, x: F.jvp(lambda a: a * 2, x),
    "hvp without v": lambda F, T, x: F.hvp(lambda a: _sq(T, a), x),
    "vhp without v": lambda F, T, x: F.vhp(lambda a: _sq(T, a), x),
    "vjp v wrong size": lambda F, T, x: F.vjp(lambda a: a * 2, x, x[:2]),
    "vjp v wrong size in tuple": lambda F, T, x: F.vjp(lambda a: (a, a), x, (x, x[:1])),
    "vjp v tuple length": lambda F, T, x: F.vjp(lambda a: (a, a), x, (x,)),
    "jvp v for a single input": lambda F, T, x: F.jvp(lambda a: a, x, (x, x)),
    "hvp v wrong size": lambda F, T, x: F.hvp(lambda a, b: _sq(T, a * b), (x, x), (x, x[:2])),
    # hessian, hvp, vhp need one element
    "hessian non-scalar": lambda F, T, x: F.hessian(lambda a: a * 2, x),
    "hessian tuple output": lambda F, T, x: F.hessian(lambda a: (_sq(T, a),), x),
    "hvp non-scalar": lambda F, T, x: F.hvp(lambda a: a * 2, x, x),
    "vhp tuple output": lambda F, T, x: F.vhp(lambda a: (_sq(T, a),), x, x),
    # strict
    "strict output independent": lambda F, T, x: F.jacobian(lambda a: x * 2, x, strict=True),
    "strict vjp input unused": lambda F, T, x: F.vjp(lambda a, b: a.sum(), (x, x), strict=True),
    "strict jacobian input unused": lambda F, T, x: F.jacobian(lambda a, b: (a.exp(), b * a), (x, x),
                                                               strict=True),
    "strict jacobian linear, create_graph": lambda F, T, x: F.jacobian(lambda a: a * 2, x, create_graph=True,
                                                                       strict=True),
    "strict jvp input unused": lambda F, T, x: F.jvp(lambda a, b: a * 2, (x, x), (x, x), strict=True),
    "strict jvp linear, create_graph": lambda F, T, x: F.jvp(lambda a: a * 2, x, x, create_graph=True,
                                                             strict=True),
    "strict hessian of linear": lambda F, T, x: F.hessian(lambda a: (a * 2).sum(), x, strict=True),
    "strict hessian input unused": lambda F, T, x: F.hessian(lambda a, b: _sq(T, a) * b.sum(), (x, x),
                                                             strict=True),
    "strict vhp, create_graph": lambda F, T, x: F.vhp(lambda a: (a * a).sum(), x, x, create_graph=True,
                                                      strict=True),
    "strict hvp, create_graph": lambda F, T, x: F.hvp(lambda a: (a * a).sum(), x, x, create_graph=True,
                                                      strict=True),
    "strict vhp of linear": lambda F, T, x: F.vhp(lambda a: (a * 2).sum(), x, x, strict=True),
    "strict hvp input unused": lambda F, T, x: F.hvp(lambda a, b: _sq(T, a), (x, x), (x, x), strict=True),
    "strict vectorized": lambda F, T, x: F.jacobian(lambda a: a.exp(), x, strict=True, vectorize=True),
    # strategies
    "unknown strategy": lambda F, T, x: F.jacobian(lambda a: a, x, strategy="mixed"),
    "unknown hessian strategy": lambda F, T, x: F.hessian(lambda a: _sq(T, a), x, outer_jacobian_strategy="fwd"),
    "forward-mode with create_graph": lambda F, T, x: F.jacobian(lambda a: a, x, True, strategy="forward-mode"),
    "forward-mode strict": lambda F, T, x: F.jacobian(lambda a: a, x, strict=True, strategy="forward-mode"),
    "forward-mode not vectorized": lambda F, T, x: F.jacobian(lambda a: a, x, strategy="forward-mode"),
    "forward-over-reverse not vectorized": lambda F, T, x: F.hessian(lambda a: _sq(T, a), x,
                                                                     outer_jacobian_strategy="forward-mode"),
}


@pytest.mark.parametrize("name", ERRORS)
def test_errors_as_torch(name):
    raises_like(lambda T, x: ERRORS[name](T.autograd.functional, T, x), np.array([0.5, -1.0, 2.0]),
                match_message=True)
