"""Bad inputs raise what torch raises.

Every case calls torch and minitorch_compat with the same input (``raises_like`` in
helpers.py) and asserts the same exception type; cases marked ``msg`` also require the
same message, word for word.
"""
import numpy as np
import pytest
import torch

import minitorch_compat as mt
from helpers import raises_like

A23 = np.arange(6, dtype=np.float32).reshape(2, 3)
A4 = np.arange(4, dtype=np.float32)
A3 = np.arange(3, dtype=np.float32)
I3 = np.arange(3)


def _grad_leaf(T, arr=A3):
    return T.tensor(arr, requires_grad=True)


def _freed_graph(T):
    x = _grad_leaf(T)
    y = (x * x).sum()
    y.backward()
    y.backward()


def _freed_graph_grad(T):
    x = _grad_leaf(T)
    y = (x.exp() * 2).sum()
    T.autograd.grad(y, x)
    T.autograd.grad(y, x)


def _setitem(key, value=0.0):
    def f(T, a):
        a[key] = value
    return f


def _inplace_leaf(op):
    def f(T):
        x = _grad_leaf(T)
        op(T, x)
    return f


def _out_requires_grad(T):
    x = _grad_leaf(T)
    T.mul(x, x, out=T.empty(3))


CASES = {
    # -- broadcasting
    "add_broadcast": (lambda T, a, b: a + b, (A23, A4), "msg"),
    "mul_broadcast": (lambda T, a, b: a * b, (A23, A4), "msg"),
    "sub_broadcast": (lambda T, a, b: T.sub(a, b), (A4, A23), "msg"),
    "div_broadcast": (lambda T, a, b: a / b, (A23, A4), "msg"),
    "eq_broadcast": (lambda T, a, b: a == b, (A23, A4), "msg"),
    "lt_broadcast": (lambda T, a, b: a < b, (A4, A3), "msg"),
    "maximum_broadcast": (lambda T, a, b: T.maximum(a, b), (A23, A4), "msg"),
    "where_broadcast": (lambda T, a, b: T.where(a > 0, a, b), (A23, A4), None),
    "pow_broadcast": (lambda T, a, b: a ** b, (A23, A4), "msg"),
    "inplace_broadcast_output": (lambda T, a, b: a.add_(b), (A3, A23), "msg"),
    "inplace_broadcast_mismatch": (lambda T, a, b: a.mul_(b), (A23, A4), "msg"),
    "expand_bad": (lambda T, a: a.expand(3, 4), (A3,), "msg"),
    "expand_fewer_dims": (lambda T, a: a.expand(3), (A23,), None),
    "copy_bad_shape": (lambda T, a, b: a.copy_(b), (A3, A4), None),
    # -- matmul
    "matmul_2d": (lambda T, a, b: a @ b, (A23, A23), "msg"),
    "matmul_1d": (lambda T, a, b: T.matmul(a, b), (A3, A4), "msg"),
    "matmul_2d_1d": (lambda T, a, b: a @ b, (A23, A4), "msg"),
    "matmul_batched": (lambda T, a, b: a @ b, (np.ones((2, 2, 3), np.float32), np.ones((2, 2, 3), np.float32)), None),
    "matmul_batch_broadcast": (lambda T, a, b: a @ b, (np.ones((2, 2, 3), np.float32), np.ones((3, 3, 2), np.float32)), None),
    "matmul_0d": (lambda T, a, b: T.matmul(a, b), (np.array(2.0, np.float32), A3), "msg"),
    "matmul_dtype": (lambda T, a, b: a @ b, (A23, A23.T.astype(np.float64)), "msg"),
    "mm_3d": (lambda T, a: T.mm(a, a), (np.ones((2, 2, 2), np.float32),), "msg"),
    "mm_mismatch": (lambda T, a: T.mm(a, a), (A23,), "msg"),
    "bmm_2d": (lambda T, a: T.bmm(a, a), (A23,), "msg"),
    "bmm_batch": (lambda T, a, b: T.bmm(a, b), (np.ones((2, 2, 2), np.float32), np.ones((3, 2, 2), np.float32)), None),
    "dot_2d": (lambda T, a: T.dot(a, a), (A23,), "msg"),
    # -- autograd
    "backward_freed_graph": (_freed_graph, (), "msg"),
    "grad_freed_graph": (_freed_graph_grad, (), "msg"),
    "backward_non_scalar": (lambda T: (_grad_leaf(T) * 2).backward(), (), "msg"),
    "backward_no_grad": (lambda T, a: a.sum().backward(), (A3,), "msg"),
    "backward_bad_gradient_shape": (lambda T: (_grad_leaf(T) * 2).backward(T.ones(4)), (), "msg"),
    "autograd_grad_no_grad_input": (lambda T, a: T.autograd.grad(_grad_leaf(T).sum(), a), (A3,), "msg"),
    "requires_grad_int": (lambda T, a: a.requires_grad_(), (I3,), "msg"),
    "retain_grad_no_grad": (lambda T, a: a.retain_grad(), (A3,), "msg"),
    "numpy_requires_grad": (lambda T: _grad_leaf(T).numpy(), (), "msg"),
    "out_requires_grad": (_out_requires_grad, (), None),
    "inplace_leaf_add_": (_inplace_leaf(lambda T, x: x.add_(1)), (), "msg"),
    "inplace_leaf_mul_": (_inplace_leaf(lambda T, x: x.mul_(2)), (), "msg"),
    "inplace_leaf_sub_": (_inplace_leaf(lambda T, x: x.sub_(x)), (), "msg"),
    "inplace_leaf_iadd": (_inplace_leaf(lambda T, x: x.__iadd__(1)), (), "msg"),
    "inplace_leaf_zero_": (_inplace_leaf(lambda T, x: x.zero_()), (), "msg"),
    "inplace_leaf_fill_": (_inplace_leaf(lambda T, x: x.fill_(1)), (), "msg"),
    "inplace_leaf_copy_": (_inplace_leaf(lambda T, x: x.copy_(T.ones(3))), (), "msg"),
    "inplace_leaf_clamp_": (_inplace_leaf(lambda T, x: x.clamp_(0, 1)), (), "msg"),
    "inplace_leaf_setitem": (_inplace_leaf(lambda T, x: x.__setitem__(0, 5.0)), (), "msg"),
    "inplace_leaf_view": (_inplace_leaf(lambda T, x: x[:2].add_(1)), (), "msg"),
    "inplace_leaf_element_view": (_inplace_leaf(lambda T, x: x[0].add_(1)), (), "msg"),
    "inplace_leaf_reshaped_view": (_inplace_leaf(lambda T, x: x.view(3, 1).t().mul_(2)), (), "msg"),
    "inplace_leaf_unbind_view": (_inplace_leaf(lambda T, x: x.unbind()[1].zero_()), (), "msg"),
    "inplace_unbind_output": (lambda T: (_grad_leaf(T) * 1).unbind()[1].add_(1), (), "msg"),
    "inplace_split_output": (lambda T: (_grad_leaf(T, A4) * 1).split(2)[1].mul_(2), (), "msg"),
    "inplace_split_sizes_output": (lambda T: (_grad_leaf(T, A4) * 1).split([1, 3])[0].clamp_(0, 1), (), "msg"),
    # -- conversion
    "item_many": (lambda T, a: a.item(), (A3,), "msg"),
    "bool_many": (lambda T, a: bool(a), (A3,), "msg"),
    "float_many": (lambda T, a: float(a), (A3,), None),
    "len_0d": (lambda T, a: len(a), (np.ones((), np.float32),), "msg"),
    "iter_0d": (lambda T, a: iter(a), (np.ones((), np.float32),), "msg"),
    "index_float_tensor": (lambda T, a: int(a), (A23,), None),
    # -- indexing
    "index_out_of_range": (lambda T, a: a[5], (A3,), "msg"),
    "index_negative_out_of_range": (lambda T, a: a[-4], (A3,), "msg"),
    "index_dim1_out_of_range": (lambda T, a: a[0, 3], (A23,), "msg"),
    "index_too_many": (lambda T, a: a[0, 0, 0], (A23,), "msg"),
    "index_tensor_out_of_range": (lambda T, a: a[T.tensor([0, 5])], (A3,), None),
    "index_list_out_of_range": (lambda T, a: a[[0, -7]], (A3,), None),
    "index_float": (lambda T, a: a[T.tensor([0.0])], (A3,), "msg"),
    "index_mask_shape": (lambda T, a: a[T.tensor([True, False, True])], (A23,), None),
    "setitem_out_of_range": (_setitem(7), (A3,), "msg"),
    "setitem_tensor_out_of_range": (lambda T, a: a.__setitem__(T.tensor([3]), 1.0), (A3,), None),
    "setitem_bad_value_shape": (lambda T, a: a.__setitem__(0, T.ones(4)), (A23,), None),
    "select_out_of_range": (lambda T, a: a.select(1, 3), (A23,), "msg"),
    "narrow_out_of_range": (lambda T, a: a.narrow(0, 2, 2), (A3,), None),
    # -- shapes
    "view_bad_numel": (lambda T, a: a.view(4, 2), (A23,), "msg"),
    "view_two_inferred": (lambda T, a: a.view(-1, -1), (A23,), "msg"),
    "view_non_contiguous": (lambda T, a: a.t().view(6), (A23,), "msg"),
    "view_bad_infer": (lambda T, a: a.view(4, -1), (A23,), "msg"),
    "reshape_bad": (lambda T, a: a.reshape(5), (A23,), "msg"),
    "flatten_bad_dims": (lambda T, a: a.flatten(1, 0), (A23,), "msg"),
    "permute_wrong_len": (lambda T, a: a.permute(0), (A23,), None),
    "permute_repeated": (lambda T, a: a.permute(0, 0), (A23,), None),
    "t_3d": (lambda T, a: a.t(), (np.ones((2, 2, 2), np.float32),), "msg"),
    "cat_mismatch": (lambda T, a, b: T.cat([a, b], 0), (A23, np.ones((2, 2), np.float32)), "msg"),
    "cat_ndim_mismatch": (lambda T, a, b: T.cat([a, b]), (A23, A3), "msg"),
    "cat_empty_list": (lambda T: T.cat([]), (), None),
    "stack_mismatch": (lambda T, a, b: T.stack([a, b]), (A3, A4), "msg"),
    "stack_empty_list": (lambda T: T.stack([]), (), None),
    "stack_not_a_tensor": (lambda T, a: T.stack([a, 3]), (A3,), "msg"),
    "cat_not_a_tensor": (lambda T, a: T.cat([a, 3]), (A3,), "msg"),
    "stack_third_differs": (lambda T, a, b: T.stack([a, a, b]), (A3, A4), "msg"),
    "split_sizes_bad_sum": (lambda T, a: a.split([1, 1], 1), (A23,), "msg"),
    "chunk_zero": (lambda T, a: a.chunk(0), (A3,), None),
    "repeat_fewer_dims": (lambda T, a: a.repeat(2), (A23,), "msg"),
    # -- dims out of range
    "sum_dim": (lambda T, a: a.sum(2), (A23,), "msg"),
    "mean_dim": (lambda T, a: a.mean(-3), (A23,), "msg"),
    "max_dim": (lambda T, a: a.max(2), (A23,), "msg"),
    "argmax_dim": (lambda T, a: a.argmax(5), (A23,), "msg"),
    "softmax_dim": (lambda T, a: T.softmax(a, 2), (A23,), "msg"),
    "transpose_dim": (lambda T, a: a.transpose(0, 2), (A23,), "msg"),
    "squeeze_dim": (lambda T, a: a.squeeze(3), (A23,), "msg"),
    "unsqueeze_dim": (lambda T, a: a.unsqueeze(4), (A23,), "msg"),
    "cat_dim": (lambda T, a: T.cat([a, a], 2), (A23,), "msg"),
    "var_dim": (lambda T, a: a.var(3), (A23,), "msg"),
    "sum_repeated_dim": (lambda T, a: a.sum((0, 0)), (A23,), None),
    # -- dtype rules
    "sub_bool": (lambda T, a: a - a, (np.array([True, False]),), "msg"),
    "sub_bool_float": (lambda T, a, b: a - b, (A3, np.array([True, False, True])), "msg"),
    "neg_bool": (lambda T, a: -a, (np.array([True]),), "msg"),
    "abs_bool": (lambda T, a: a.abs(), (np.array([True]),), None),
    "int_neg_pow": (lambda T, a: a ** -1, (I3,), "msg"),
    "float_alpha_int": (lambda T, a: T.add(a, a, alpha=0.5), (I3,), "msg"),
    "mean_int": (lambda T, a: a.mean(), (I3,), "msg"),
    "var_int": (lambda T, a: a.var(), (I3,), "msg"),
    "std_int_dim": (lambda T, a: a.std(0), (I3,), "msg"),
    "inplace_float_into_int": (lambda T, a: a.add_(1.5), (I3,), "msg"),
    "inplace_float_tensor_into_int": (lambda T, a, b: a.mul_(b), (I3, A3), "msg"),
    "where_non_bool": (lambda T, a: T.where(a, a, a), (A3,), None),
    "clamp_no_bounds": (lambda T, a: T.clamp(a), (A3,), None),
    "softmax_int": (lambda T, a: T.softmax(a, 0), (I3,), None),
    "bitwise_not_float": (lambda T, a: ~a, (A3,), None),
    # -- reductions
    "max_empty": (lambda T, a: a.max(), (np.zeros(0, np.float32),), "msg"),
    "max_dim_empty": (lambda T, a: a.max(0), (np.zeros((0, 2), np.float32),), None),
    # -- creation
    "tensor_ragged": (lambda T: T.tensor([[1, 2], [3]]), (), None),
    "tensor_strings": (lambda T: T.tensor(["a"]), (), None),
    "zeros_bad_size": (lambda T: T.zeros(-1), (), None),
    "arange_zero_step": (lambda T: T.arange(0, 5, 0), (), None),
    "arange_wrong_sign": (lambda T: T.arange(0, 5, -1), (), None),
    "full_like_shape": (lambda T: T.ones(2, 3).view(7), (), None),
}


@pytest.mark.parametrize("name", CASES)
def test_error_matches_torch(name):
    fn, args, msg = CASES[name]
    got, expected = raises_like(fn, *args)
    if msg == "msg":
        assert str(got) == str(expected), f"\nours:  {got}\ntorch: {expected}"


def test_no_error_when_torch_has_none():
    """The mirror image: inputs close to the error cases above that torch accepts."""
    for T in (torch, mt):
        a = T.ones(2, 3)
        a + T.ones(3)
        a + T.ones(2, 1)
        a @ T.ones(3)
        a[-2, -3]
        a[1:100]
        a.view(3, -1)
        a.view(-1)
        a.sum(-2)
        T.cat([a, T.zeros(0)], 1)
        x = T.ones(3, requires_grad=True)
        with T.no_grad():
            x.add_(1)
        y = x * 1
        y.add_(1)
        y[0] = 2.0
        y.sum().backward()
        T.zeros(0).view(0, 3)
