"""In-place ops and autograd, compared with torch: the version counter, the error for a
saved tensor modified in place (exact message), in-place ops on views of non-leaves
(torch's CopySlices and the view's new grad_fn), the errors for leaves, ``backward``
twice, and ``ctx.mark_dirty``.
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import minitorch_compat as mt
from helpers import assert_close, raises_like


# ---- the version counter ----------------------------------------------------------------------
def test_version_counter_counts_inplace_ops_and_is_shared_with_views():
    def run(T):
        x = T.ones(2, 3, requires_grad=True)
        y = x * 2
        seen = [y._version]
        y.add_(1)
        y.mul_(2)
        seen.append(y._version)
        v = y[0]
        v.sub_(1)
        seen += [y._version, v._version]
        y[1] = 5.0
        seen += [y._version, v._version, x._version]
        d = y.detach()
        d.zero_()
        seen += [y._version, d._version]
        with T.no_grad():
            x.mul_(2)
        seen.append(x._version)
        z = T.zeros(3)
        z.copy_(T.ones(3))
        z.clamp_(0, 0.5)
        z.exp_()
        seen.append(z._version)
        return seen
    assert run(mt) == run(torch)


# ---- a saved tensor modified in place ----------------------------------------------------------
MODIFIED = {
    "saved_input_of_mul": lambda T, x: _then_modify(T, x, lambda y: y * y, lambda y: y.add_(1)),
    "saved_result_of_exp": lambda T, x: _modify_result(T, x, lambda y: y.exp(), lambda r: r.mul_(2)),
    "saved_result_of_sigmoid": lambda T, x: _modify_result(T, x, lambda y: y.sigmoid(), lambda r: r.zero_()),
    "saved_result_of_tanh_twice": lambda T, x: _modify_result(T, x, lambda y: y.tanh(), lambda r: r.add_(1).add_(1)),
    "saved_input_via_view": lambda T, x: _then_modify(T, x, lambda y: y.sin(), lambda y: y[0].mul_(2)),
    "saved_input_of_matmul": lambda T, x: _then_modify(T, x, lambda y: y @ y.t(), lambda y: y.div_(2)),
    "saved_leaf_in_no_grad": lambda T, x: _leaf_modified(T, x),
    "saved_input_of_pow": lambda T, x: _then_modify(T, x, lambda y: y ** 3, lambda y: y.sub_(1)),
    "saved_output_of_svd": lambda T, x: _modify_result(T, x, lambda y: T.linalg.svd(y, full_matrices=False).Vh,
                                                       lambda r: r.mul_(2)),
    "saved_output_of_cholesky": lambda T, x: _modify_result(T, x, lambda y: T.linalg.cholesky(y @ y.mT),
                                                            lambda r: r.add_(1)),
    "saved_result_of_det": lambda T, x: _modify_result(T, x, lambda y: T.linalg.det(y[:, :2]), lambda r: r.mul_(2)),
}


def _then_modify(T, x, op, modify):
    y = x * 1
    out = op(y)
    modify(y)
    out.sum().backward()


def _modify_result(T, x, op, modify):
    r = op(x * 1)
    modify(r)
    r.sum().backward()


def _leaf_modified(T, x):
    out = (x * x).sum()
    with T.no_grad():
        x.add_(1)
    out.backward()


@pytest.mark.parametrize("case", sorted(MODIFIED))
def test_modified_saved_tensor_raises_torch_message(case):
    raises_like(MODIFIED[case], np.arange(6.0).reshape(2, 3) / 7, match_message=True)


def test_modifying_what_is_not_saved_is_allowed():
    def run(T):
        x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = x * 2
        z = y + 1   # add saves nothing
        y.mul_(3)
        w = x * T.tensor([1.0, 2.0, 3.0])  # saves the constant only when it needs it
        (z.sum() + w.sum()).backward()
        return x.grad
    assert_close(run(mt), run(torch))


# ---- in-place ops on views of non-leaves -------------------------------------------------------
VIEWS = {
    "row": lambda y: y[0],
    "column": lambda y: y[:, 1],
    "slice": lambda y: y[1:],
    "step_slice": lambda y: y[:, ::2],
    "transpose": lambda y: y.t(),
    "view": lambda y: y.view(6),
    "narrow": lambda y: y.narrow(1, 1, 2),
    "unsqueeze": lambda y: y.unsqueeze(0),
    "select_then_slice": lambda y: y[1][1:],
    "diagonal": lambda y: y.diagonal(),
    "diagonal_offset": lambda y: y.diagonal(1),
}
INPLACE = {
    "mul_": lambda v, a: v.mul_(3),
    "add_tensor": lambda v, a: v.add_(a[: v.shape[-1]] if v.dim() else a[0]),
    "exp_": lambda v, a: v.exp_(),
    "sigmoid_": lambda v, a: v.sigmoid_(),
    "zero_": lambda v, a: v.zero_(),
    "copy_": lambda v, a: v.copy_(a.sum() * (v.detach() * 0 + 1)),
    "clamp_": lambda v, a: v.clamp_(-0.2, 0.3),
    "setitem": lambda v, a: v.__setitem__(0, a[0] * 2),
}


def _view_inplace(T, view, op):
    x = T.tensor([[0.1, -0.5, 0.3], [0.7, 0.2, -0.4]], dtype=T.float64, requires_grad=True)
    a = T.tensor([0.5, -1.0, 2.0], dtype=T.float64, requires_grad=True)
    y = x * 2
    v = VIEWS[view](y)
    INPLACE[op](v, a)
    names = (y.grad_fn.name(), v.grad_fn.name(), [f.name() if f else None for f, _ in y.grad_fn.next_functions])
    (y * y.detach().cos()).sum().backward()
    return names, x.grad, a.grad, y


@pytest.mark.parametrize("view", sorted(VIEWS))
@pytest.mark.parametrize("op", ["mul_", "exp_", "setitem"])
def test_inplace_on_view_of_non_leaf(view, op):
    _check_view_inplace(view, op)


@settings(max_examples=20)
@given(st.sampled_from(sorted(VIEWS)), st.sampled_from(sorted(INPLACE)))
def test_inplace_on_view_of_non_leaf_any_op(view, op):
    _check_view_inplace(view, op)


def _check_view_inplace(view, op):
    """torch's node names (the base's CopySlices, the view's new node) and gradients."""
    ours, theirs = _view_inplace(mt, view, op), _view_inplace(torch, view, op)
    assert ours[0] == theirs[0]
    for o, t in zip(ours[1:], theirs[1:]):
        if t is None:
            assert o is None
        else:
            assert_close(o, t)


def test_issue_example_and_second_inplace():
    def run(T):
        x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = x * 2
        y[0].mul_(3)
        y[1:].exp_()
        names = [y.grad_fn.name(), y.grad_fn.next_functions[0][0].name()]
        y.sum().backward()
        return names, x.grad, x.grad.sum().item() > 0
    ours, theirs = run(mt), run(torch)
    assert ours[0] == theirs[0] and ours[2] == theirs[2]
    assert_close(ours[1], theirs[1])


def test_view_base_and_is_view():
    def run(T):
        x = T.ones(2, 3, requires_grad=True)
        y = x * 2
        v = y[0]
        w = v[1:]
        return [v._base is y, w._base is y, y._base is None, x[0]._base is x]
    assert run(mt) == run(torch)


# ---- leaves ---------------------------------------------------------------------------------------
LEAF = {
    "inplace_on_leaf": lambda T: T.ones(3, requires_grad=True).mul_(2),
    "inplace_on_leaf_view": lambda T: T.ones(3, requires_grad=True)[0].mul_(2),
    "setitem_on_leaf": lambda T: T.ones(3, requires_grad=True).__setitem__(0, 1.0),
    "inplace_on_leaf_view_t": lambda T: T.ones(2, 3, requires_grad=True).t().add_(1),
    "view_of_leaf_then_inplace_later": lambda T: _leaf_view_after(T),
}


def _leaf_view_after(T):
    x = T.ones(3, requires_grad=True)
    v = x[1:]
    v.exp_()


@pytest.mark.parametrize("case", sorted(LEAF))
def test_leaf_inplace_errors(case):
    raises_like(LEAF[case], match_message=True)


def test_inplace_on_leaf_under_no_grad_is_allowed():
    def run(T):
        x = T.ones(3, requires_grad=True)
        with T.no_grad():
            x[0].mul_(5)
            x.add_(1)
        (x * x).sum().backward()
        return x.grad, x._version
    ours, theirs = run(mt), run(torch)
    assert_close(ours[0], theirs[0])
    assert ours[1] == theirs[1]


# ---- backward twice ---------------------------------------------------------------------------------
TWICE = {
    "add_saves_nothing": lambda T, x: (x + 1).sum(),
    "mul_by_number": lambda T, x: (x * 3).sum(),
    "mul_saves": lambda T, x: (x * x).sum(),
    "exp_saves_result": lambda T, x: x.exp().sum(),
    "view_and_sum": lambda T, x: x.view(6).sum(),
    "neg_then_mean": lambda T, x: (-x).mean(),
    "relu_saves": lambda T, x: x.relu().sum(),
    "matmul_saves": lambda T, x: (x @ x.t()).sum(),
}


@pytest.mark.parametrize("case", sorted(TWICE))
def test_backward_twice_refuses_only_with_freed_saved_tensors(case):
    def run(T):
        x = T.tensor([[0.1, -0.5, 0.3], [0.7, 0.2, -0.4]], requires_grad=True)
        out = TWICE[case](T, x)
        out.backward()
        try:
            out.backward()
        except RuntimeError as e:
            return str(e), None
        return None, x.grad
    ours, theirs = run(mt), run(torch)
    assert ours[0] == theirs[0]
    if theirs[1] is not None:
        assert_close(ours[1], theirs[1])


def test_retain_graph_then_free():
    def run(T):
        x = T.tensor([1.0, 2.0], requires_grad=True)
        out = (x * x).sum()
        out.backward(retain_graph=True)
        out.backward()
        return x.grad
    assert_close(run(mt), run(torch))
    raises_like(lambda T: _three_times(T), match_message=True)


def _three_times(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    out = (x * x).sum()
    out.backward(retain_graph=True)
    out.backward()
    out.backward()


# ---- ctx.mark_dirty -----------------------------------------------------------------------------------
def _dirty_function(T):
    class MulTwoInPlace(T.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            x.mul_(2)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, g):
            return 2 * g
    return MulTwoInPlace


def test_mark_dirty_bumps_version_and_rewrites_history():
    def run(T):
        x = T.tensor([1.0, 2.0], requires_grad=True)
        y = x * 1
        v0 = y._version
        z = _dirty_function(T).apply(y)
        names = (z is y, y.grad_fn.name().split(".")[-1], v0, y._version)
        (z * z).sum().backward()
        return names, x.grad
    ours, theirs = run(mt), run(torch)
    assert ours[0] == theirs[0]
    assert_close(ours[1], theirs[1])


def test_mark_dirty_on_a_leaf_raises_as_torch():
    raises_like(lambda T: _dirty_function(T).apply(T.tensor([1.0, 2.0], requires_grad=True)), match_message=True)


def test_mark_dirty_then_saved_input_check():
    def run(T):
        x = T.tensor([1.0, 2.0], requires_grad=True)
        y = x * 1
        s = y * y              # saves y
        _dirty_function(T).apply(y)
        s.sum().backward()
    raises_like(run, match_message=True)


@pytest.mark.parametrize("view", sorted(VIEWS))
def test_copy_into_view_of_tensor_without_grad(view):
    """A value that requires grad copied into a view of a plain tensor: the base takes
    its history (CopySlices), as in torch; ``diagonal`` once missed it."""
    def run(T):
        x = T.tensor([0.5, -1.0, 2.0, 0.25, 3.0, -2.0], dtype=T.float64, requires_grad=True)
        base = T.zeros(2, 3, dtype=T.float64)
        v = VIEWS[view](base)
        v.copy_((x[: v.numel()] * 2).reshape(v.shape))
        (base * T.arange(6.0, dtype=T.float64).reshape(2, 3)).sum().backward()
        return base.grad_fn.name(), x.grad
    ours, theirs = run(mt), run(torch)
    assert ours[0] == theirs[0]
    assert_close(ours[1], theirs[1])
