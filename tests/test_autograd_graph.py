"""The backward graph as torch prints it: node names, ``next_functions`` and what a
second backward does, compared with torch over random chains of ops.

Tutorials print ``grad_fn`` and walk ``next_functions`` (the 60-minute blitz follows
``loss.grad_fn.next_functions[0][0]...`` down to an ``AccumulateGrad``); learners compare
what they see with torch. ``graph(t)`` turns a tensor's history into a nested tuple of
node names, with each leaf as ``("AccumulateGrad", leaf_number)`` and ``None`` for an
input that needs no gradient, so the whole structure is compared at once.
"""
import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import minitorch_compat as mt


def graph(t, leaves):
    def node(fn):
        if fn is None:
            return None
        if fn.name() == "torch::autograd::AccumulateGrad":
            return ("AccumulateGrad", [i for i, leaf in enumerate(leaves) if fn.variable is leaf])
        return (fn.name(),) + tuple(node(f) for f, _ in fn.next_functions)
    return node(t.grad_fn)


# Each op: (current tensor x, leaves a, b) -> new tensor of shape (3, 3).
OPS = {
    "add": lambda T, x, a, b: x + a,
    "add_scalar": lambda T, x, a, b: x + 2,
    "radd_scalar": lambda T, x, a, b: 2 + x,
    "add_alpha": lambda T, x, a, b: T.add(x, b, alpha=2),
    "sub": lambda T, x, a, b: x - b,
    "sub_scalar": lambda T, x, a, b: x - 1,
    "rsub_scalar": lambda T, x, a, b: 1 - x,
    "mul": lambda T, x, a, b: x * a,
    "mul_scalar": lambda T, x, a, b: x * 3,
    "div": lambda T, x, a, b: x / (b * b + 1),
    "div_scalar": lambda T, x, a, b: x / 2,
    "rdiv_scalar": lambda T, x, a, b: 2 / (x * x + 1),
    "pow_scalar": lambda T, x, a, b: x ** 2,
    "rpow_scalar": lambda T, x, a, b: 2 ** x,
    "pow_tensor": lambda T, x, a, b: (x * x + 1) ** a,
    "neg": lambda T, x, a, b: -x,
    "exp": lambda T, x, a, b: (x / 10).exp(),
    "tanh": lambda T, x, a, b: x.tanh(),
    "sigmoid": lambda T, x, a, b: x.sigmoid(),
    "relu": lambda T, x, a, b: x.relu(),
    "abs": lambda T, x, a, b: x.abs(),
    "sqrt": lambda T, x, a, b: (x * x + 1).sqrt(),
    "clamp": lambda T, x, a, b: x.clamp(-1, 1),
    "clamp_min_tensor": lambda T, x, a, b: x.clamp(min=a),
    "clamp_tensors": lambda T, x, a, b: T.clamp(x, a, b),
    "where": lambda T, x, a, b: T.where(x > 0, x, b),
    "where_scalar": lambda T, x, a, b: T.where(x > 0, x, 0.0),
    "maximum": lambda T, x, a, b: T.maximum(x, a),
    "softmax": lambda T, x, a, b: x.softmax(1),
    "log_softmax": lambda T, x, a, b: T.log_softmax(x, dim=0),
    "matmul": lambda T, x, a, b: x @ a,
    "mm_transposed": lambda T, x, a, b: x.mm(b.t()),
    "linear": lambda T, x, a, b: T.nn.functional.linear(x, a),
    "linear_bias": lambda T, x, a, b: T.nn.functional.linear(x, a, b[0]),
    "t": lambda T, x, a, b: x.t(),
    "transpose": lambda T, x, a, b: x.transpose(0, 1),
    "view": lambda T, x, a, b: x.view(9).view(3, 3),
    "reshape_t": lambda T, x, a, b: x.t().reshape(9).reshape(3, 3),
    "flatten": lambda T, x, a, b: x.flatten().unflatten(0, (3, 3)),
    "unsqueeze_squeeze": lambda T, x, a, b: x.unsqueeze(0).squeeze(0),
    "select_expand": lambda T, x, a, b: x[1].expand(3, 3),
    "slice_cat": lambda T, x, a, b: T.cat([x[1:], a[:1]]),
    "select2": lambda T, x, a, b: x[:, 1][None, :] * b,
    "index_list": lambda T, x, a, b: x[[2, 0, 1]],
    "index_select": lambda T, x, a, b: T.index_select(x, 1, T.tensor([2, 0, 1])),
    "reshape_alias": lambda T, x, a, b: x[:, ::2].reshape(6).repeat(2)[:9].reshape(3, 3) * a,
    "mask": lambda T, x, a, b: T.where(x > 0, x, a).masked_fill(a > 0, 0.5),
    "sum_keep": lambda T, x, a, b: x.sum(1, keepdim=True) * a,
    "sum_all": lambda T, x, a, b: x.sum() * a,
    "mean": lambda T, x, a, b: x.mean(0) + a,
    "max_dim": lambda T, x, a, b: x.max(1, keepdim=True).values + a,
    "stack_unbind": lambda T, x, a, b: T.stack(list(x.unbind(0))),
    "dropout_eval": lambda T, x, a, b: T.nn.functional.dropout(x, 0.5, training=False),
    "norm_dim": lambda T, x, a, b: x.norm(dim=1, keepdim=True) * b,
    "inplace_add": lambda T, x, a, b: (x * 1).add_(a),
    "inplace_mul_scalar": lambda T, x, a, b: (x + 0).mul_(2),
    "cast_roundtrip": lambda T, x, a, b: x.float().double(),
    "addcmul": lambda T, x, a, b: T.addcmul(x, a, b, value=0.5),
    "addcdiv": lambda T, x, a, b: T.addcdiv(x, a, b * b + 1),
    "lerp_scalar": lambda T, x, a, b: T.lerp(x, a, 0.3),
    "lerp_tensor": lambda T, x, a, b: T.lerp(x, a, b),
    "pad_reflect": lambda T, x, a, b: T.nn.functional.pad(x[None], (2, 1), mode="reflect")[0, :, 1:4],
    "pad_replicate": lambda T, x, a, b: T.nn.functional.pad(x[None, None], (1, 0, 0, 1), mode="replicate")[0, 0, 1:, 1:],
    "pad_circular": lambda T, x, a, b: T.nn.functional.pad(x[None], (1, 1), mode="circular")[0, :, :3],
    "sdpa_math": lambda T, x, a, b: T.nn.functional.scaled_dot_product_attention(x, a, b),
    "sdpa_fused": lambda T, x, a, b: T.nn.functional.scaled_dot_product_attention(
        x[None, None], a[None, None], b[None, None], is_causal=True)[0, 0],
    # issue 17: more math and tensor API
    "asin": lambda T, x, a, b: (x / 10).asin(),
    "sinc": lambda T, x, a, b: x.sinc(),
    "atan2": lambda T, x, a, b: T.atan2(x, a),
    "hypot": lambda T, x, a, b: T.hypot(x, b),
    "xlogy_scalar": lambda T, x, a, b: T.xlogy(x, 2.0),
    "lerp_sigmoid_weight": lambda T, x, a, b: T.lerp(x, a, b.sigmoid()),
    "clamp_min_tensor2": lambda T, x, a, b: T.clamp_min(x, a),
    "fmod_scalar": lambda T, x, a, b: T.fmod(x, 1.5),
    "nan_to_num": lambda T, x, a, b: T.nan_to_num(x),
    "cumprod": lambda T, x, a, b: x.cumprod(1),
    "cummax": lambda T, x, a, b: x.cummax(0).values,
    "logcumsumexp": lambda T, x, a, b: x.logcumsumexp(1),
    "roll": lambda T, x, a, b: x.roll(1, 0),
    "rot90": lambda T, x, a, b: x.rot90(),
    "tril": lambda T, x, a, b: x.tril(),
    "diff_prepend": lambda T, x, a, b: T.diff(x, dim=0, prepend=a[:1]),
    "index_add": lambda T, x, a, b: x.index_add(0, T.tensor([2, 0]), a[:2]),
    "index_select_repeat": lambda T, x, a, b: x.index_select(1, T.tensor([2, 0, 0])),
    "take_along_dim": lambda T, x, a, b: T.take_along_dim(x, T.tensor([[0, 2, 1], [1, 1, 0], [2, 0, 2]]), 0),
    "masked_scatter": lambda T, x, a, b: x.masked_scatter(a > 0, b),
    "cdist": lambda T, x, a, b: T.cdist(x, a),
    "tensordot": lambda T, x, a, b: T.tensordot(x, a, dims=([1], [1])),
    "reshape_alias_t": lambda T, x, a, b: x.t().reshape(3, 1, 3).reshape(3, 3),
    "linalg_inv": lambda T, x, a, b: T.linalg.inv(x + 4 * T.eye(3, dtype=T.float64)),
    "linalg_solve": lambda T, x, a, b: T.linalg.solve(a + 4 * T.eye(3, dtype=T.float64), x),
    "linalg_pinv": lambda T, x, a, b: T.linalg.pinv(x + 4 * T.eye(3, dtype=T.float64)),
    # convolutions and pooling: one ConvolutionBackward0 (with a None edge for a missing
    # bias) whether 1-d or 2-d, batched or not; a 1x1 adaptive pool is a mean
    "linear_batch_copied": lambda T, x, a, b: T.nn.functional.linear(x.t()[None], a)[0],
    "linear_batch_copied_bias": lambda T, x, a, b: T.nn.functional.linear(x.t()[None], a, b[1])[0],
    "conv1d": lambda T, x, a, b: T.nn.functional.conv1d(x[None], a[:, :, None])[0],
    "conv1d_unbatched_bias": lambda T, x, a, b: T.nn.functional.conv1d(x, a[:, :, None], b[0], padding="same"),
    "conv2d": lambda T, x, a, b: T.nn.functional.conv2d(x[None, None], a[None, None], padding=1)[0, 0],
    "conv_transpose1d": lambda T, x, a, b: T.nn.functional.conv_transpose1d(x[None], a[:, :, None])[0],
    "adaptive_avg_pool_1x1": lambda T, x, a, b: T.nn.functional.adaptive_avg_pool2d(x[None], 1)[0] * a,
    "adaptive_avg_pool": lambda T, x, a, b: T.nn.functional.adaptive_avg_pool2d(x[None], (3, 3))[0],
    # nn.utils.parametrizations: the ops under orthogonal and weight_norm
    "diagonal": lambda T, x, a, b: x.diagonal().unsqueeze(0) * a,
    "matrix_exp": lambda T, x, a, b: T.matrix_exp(x / 4),
    "householder_product": lambda T, x, a, b: T.linalg.householder_product(x, b[0].sigmoid()),
    "weight_norm": lambda T, x, a, b: T._weight_norm(x, b[:, :1], 0),
}


def _leaves(T):
    rng = np.random.default_rng(0)
    return [T.from_numpy(rng.normal(size=(3, 3))).requires_grad_() for _ in range(3)]


def _run(T, names):
    x, a, b = leaves = _leaves(T)
    for name in names:
        x = OPS[name](T, x, a, b)
    return x, leaves


@pytest.mark.parametrize("name", sorted(OPS))
def test_each_op_graph_and_second_backward(name):
    _check_chain([name])


@given(st.lists(st.sampled_from(sorted(OPS)), min_size=2, max_size=5))
def test_op_chain_graph_and_second_backward(names):
    _check_chain(names)


def _check_chain(names):
    ours, our_leaves = _run(mt, names)
    theirs, their_leaves = _run(torch, names)
    assert graph(ours, our_leaves) == graph(theirs, their_leaves)
    ours.sum().backward()
    theirs.sum().backward()
    for o, t in zip(our_leaves, their_leaves):
        if t.grad is None:
            assert o.grad is None
        else:
            np.testing.assert_allclose(o.grad.numpy(), t.grad.numpy(), rtol=1e-6, atol=1e-6)
    # torch refuses a second backward only through a node whose saved values were freed
    try:
        theirs.sum().backward()
        torch_ok = True
    except RuntimeError:
        torch_ok = False
    if torch_ok:
        ours.sum().backward()
    else:
        with pytest.raises(RuntimeError, match="backward through the graph a second time"):
            ours.sum().backward()


MATMUL_SHAPES = [((2, 3, 4), (2, 4, 5)), ((2, 3, 4), (4, 5)), ((2, 3, 4), (4,)), ((2, 2, 3, 4), (2, 2, 4, 5)),
                 ((2, 3, 4), (1, 4, 5)), ((1, 3, 4), (2, 4, 5)), ((4, 3), (2, 3, 5)), ((3,), (2, 3, 5)),
                 ((2, 1, 3, 4), (5, 4, 2)), ((1, 3), (2, 3, 1)), ((3, 4), (2, 4, 1)), ((2, 3, 4), (3, 2, 4, 5)),
                 ((2, 3, 4, 5), (5,)), ((2, 3, 1, 4), (4, 1)), ((3, 2, 4), (1, 4, 3)), ((2, 1, 3, 4), (4, 5))]


def _matmul_operand(T, shape, layout, grad):
    """A leaf of ``shape`` laid out contiguously ("c"), with its last two dims transposed
    ("t"), or its first two swapped ("p"); the view ops are part of the graph."""
    swap = {"c": None, "t": (-1, -2), "p": (0, 1)}[layout]
    if swap is None or len(shape) < (2 if layout == "t" else 3):
        return T.ones(shape, requires_grad=grad)
    base = list(shape)
    base[swap[0]], base[swap[1]] = base[swap[1]], base[swap[0]]
    return T.ones(base, requires_grad=grad).transpose(*swap)


@pytest.mark.parametrize("shapes", MATMUL_SHAPES, ids=str)
def test_batched_matmul_graph_is_torchs_plan(shapes):
    """torch folds a batched product into one mm, or expands to a bmm, depending on ranks,
    strides and which operand requires grad (matmul_graph.py): every combination here."""
    for la in "ctp":
        for lb in "ctp":
            for grads in ((True, True), (True, False), (False, True)):
                def run(T):
                    a = _matmul_operand(T, shapes[0], la, grads[0])
                    b = _matmul_operand(T, shapes[1], lb, grads[1])
                    leaves = [t if t.is_leaf else t.grad_fn.next_functions[0][0].variable for t in (a, b) if t.requires_grad]
                    return graph(a @ b, leaves)
                assert run(mt) == run(torch), (la, lb, grads)


def test_blitz_walk_reaches_accumulate_grad():
    """The 60-minute blitz: loss.grad_fn, then next_functions[0][0] twice."""
    def walk(T):
        T.manual_seed(0)
        net = T.nn.Sequential(T.nn.Linear(4, 3), T.nn.ReLU(), T.nn.Linear(3, 2))
        loss = T.nn.MSELoss()(net(T.randn(5, 4)), T.randn(5, 2))
        mse = loss.grad_fn
        addmm = mse.next_functions[0][0]
        acc = addmm.next_functions[0][0]
        return [mse.name(), addmm.name(), repr(acc).split(" object at")[0], tuple(acc.variable.shape)]
    assert walk(mt) == walk(torch)


def test_accumulate_grad_is_one_node_per_leaf():
    x = mt.ones(2, requires_grad=True)
    y = x * 2
    z = x * 3
    assert y.grad_fn.next_functions[0][0] is z.grad_fn.next_functions[0][0]
    assert y.grad_fn.next_functions[0][0].next_functions == ()


def test_copy_nodes_print_without_namespace():
    def reprs(T):
        a = T.ones(3, requires_grad=True) * 1
        a[0] = 5
        b = T.ones(3, requires_grad=True) * 1
        b.copy_(T.zeros(3))
        return [repr(n.grad_fn).split(" object at")[0] for n in (a, b)] + [a.grad_fn.name(), b.grad_fn.name()]
    assert reprs(mt) == reprs(torch)


def test_custom_function_node_prints_like_torch():
    def make(T):
        class Twice(T.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return g * 2
        return Twice.apply(T.ones(2, requires_grad=True))
    ours, theirs = make(mt), make(torch)
    assert ours.grad_fn.name() == theirs.grad_fn.name() == "TwiceBackward"
    assert repr(ours.grad_fn).startswith("<minitorch_compat.autograd.function.TwiceBackward object at 0x")
    assert repr(theirs.grad_fn).startswith("<torch.autograd.function.TwiceBackward object at 0x")


@pytest.mark.parametrize("make", [
    lambda T, x: (x + 1).sum(),
    lambda T, x: x.view(6).sum(),
    lambda T, x: x[0].sum(),
    lambda T, x: (x * 2).sum(),
    lambda T, x: x.exp().sum(),
    lambda T, x: T.nn.functional.cross_entropy(x, T.tensor([0, 2])),
])
def test_backward_twice_refused_only_when_torch_refuses(make):
    def run(T):
        x = T.ones(2, 3, requires_grad=True)
        y = make(T, x)
        y.backward()
        try:
            y.backward()
        except RuntimeError as e:
            return "raised", "second time" in str(e)
        return "ok", x.grad.tolist()
    assert run(mt) == run(torch)


def test_backward_frees_everything_nodes_saved():
    """After a backward without retain_graph, no node of a kept loss holds an array
    (torch frees its SavedVariables; a training loop that keeps ``losses.append(loss)``
    must not keep every step's activations alive)."""
    mt.manual_seed(0)
    model = mt.nn.Sequential(
        mt.nn.Conv2d(1, 4, 3), mt.nn.BatchNorm2d(4), mt.nn.ReLU(), mt.nn.MaxPool2d(2), mt.nn.Dropout(0.3),
        mt.nn.Flatten(), mt.nn.Linear(4 * 3 * 3, 8), mt.nn.GELU(), mt.nn.LayerNorm(8), mt.nn.Linear(8, 3))
    x = mt.randn(5, 1, 8, 8)
    loss = mt.nn.functional.cross_entropy(model(x).softmax(1).log(), mt.tensor([0, 1, 2, 0, 1]))
    loss = loss + model[0].weight.norm() + (x[:, 0, :2] ** 2).mean()
    loss.backward()

    held, seen, stack = [], set(), [loss.grad_fn]
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen or isinstance(node, mt.Tensor):
            continue
        seen.add(id(node))
        values = list(vars(node).values()) + list(node._saved or ())
        held += [(node.name(), v.shape) for v in values if isinstance(v, np.ndarray) and v.size > 1]
        stack += [e[0] for e in node._next if e is not None]
    assert len(seen) > 15
    assert not held
