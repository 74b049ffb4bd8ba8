"""Higher-order gradients (``create_graph=True``) compared with torch: second derivatives
over chains of ops, nn ops, a gradient-penalty training loop step by step,
``gradgradcheck``, and the errors of ``grad``/``backward`` on bad input.

The second derivative of a chain is taken as torch users take it: ``g = grad(sum(out *
w), leaves, create_graph=True)``, then ``grad(sum(g * g + sin(g)), leaves)`` (a nonlinear
function of the first gradients, so every term of the double backward matters). Values
in float64 must agree to ~1e-10.
"""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import minitorch_compat as mt
from helpers import assert_close, raises_like
from test_autograd_graph import OPS, graph

# sdpa_fused: torch has no double backward either (test_fused_attention_refuses_as_torch).
SUPPORTED = sorted(set(OPS) - {"sdpa_fused"})


def _second(T, build, n_leaves=3, seed=0):
    rng = np.random.default_rng(seed)
    leaves = [T.from_numpy(rng.normal(size=(3, 3))).requires_grad_() for _ in range(n_leaves)]
    out = build(T, *leaves)
    w = T.from_numpy(rng.normal(size=tuple(out.shape)))
    grads = T.autograd.grad((out * w).sum(), leaves, create_graph=True, allow_unused=True)
    live = [g for g in grads if g is not None and g.requires_grad]
    second = None
    if live:
        s = sum((g * g).sum() + g.sin().sum() for g in live)
        second = T.autograd.grad(s, leaves, allow_unused=True)
    return grads, second


def _compare(build, **kw):
    """(Whether each first gradient requires grad is not compared: torch's multi-output
    double-backward nodes, such as a convolution's, make even the bias gradient require
    grad, with a zero derivative; here it does not. The values agree either way.)"""
    ours, theirs = _second(mt, build, **kw), _second(torch, build, **kw)
    for o_list, t_list in zip(ours, theirs):
        assert (o_list is None) == (t_list is None), "torch's first gradients require grad and ours do not (or back)"
        for o, t in zip(o_list or (), t_list or ()):
            if t is None or o is None:
                assert (o is None or not np.any(o.detach().numpy())) and (t is None or not torch.any(t))
            else:
                assert_close(o, t, rtol=1e-10, atol=1e-10)


def _chain(names):
    def build(T, x, a, b):
        for name in names:
            x = OPS[name](T, x, a, b)
        return x
    return build


@pytest.mark.parametrize("name", SUPPORTED)
def test_second_derivative_of_each_op(name):
    _compare(_chain([name]))


@settings(max_examples=15)
@given(st.lists(st.sampled_from(SUPPORTED), min_size=2, max_size=4))
def test_second_derivative_of_op_chains(names):
    _compare(_chain(names))


NN = {
    "linear": lambda T, x, w, b: T.nn.functional.linear(x, w, b[0]),
    "linear_bias_of_rows": lambda T, x, w, b: T.nn.functional.linear(x, w, b),
    "conv2d": lambda T, x, w, b: T.nn.functional.conv2d(x.reshape(1, 1, 3, 3), w.reshape(1, 1, 3, 3)[..., :2, :2], b[0, :1]),
    "conv_transpose2d": lambda T, x, w, b: T.nn.functional.conv_transpose2d(
        x.reshape(1, 1, 3, 3), w.reshape(1, 1, 3, 3)[..., :2, :2], b[0, :1], stride=2),
    "conv_transpose1d": lambda T, x, w, b: T.nn.functional.conv_transpose1d(x.reshape(1, 3, 3), w.reshape(3, 3, 1)),
    "conv1d": lambda T, x, w, b: T.nn.functional.conv1d(x.reshape(1, 3, 3), w.reshape(3, 3, 1)),
    "batch_norm_train": lambda T, x, w, b: T.nn.functional.batch_norm(x * w, None, None, b[0], b[1], training=True),
    "batch_norm_eval": lambda T, x, w, b: T.nn.functional.batch_norm(
        x * w, T.zeros(3, dtype=T.float64), T.full((3,), 2.0, dtype=T.float64), b[0], b[1]),
    "layer_norm": lambda T, x, w, b: T.nn.functional.layer_norm(x * w, (3,), b[0], b[1]),
    "cross_entropy": lambda T, x, w, b: T.nn.functional.cross_entropy(x @ w, T.tensor([0, 2, 1])),
    "cross_entropy_soft": lambda T, x, w, b: T.nn.functional.cross_entropy(x @ w, b.softmax(1), label_smoothing=0.1),
    "nll_log_softmax": lambda T, x, w, b: T.nn.functional.nll_loss(T.log_softmax(x @ w, 1), T.tensor([0, 2, 1])),
    "mse": lambda T, x, w, b: T.nn.functional.mse_loss(x @ w, b),
    "smooth_l1": lambda T, x, w, b: T.nn.functional.smooth_l1_loss(x @ w, b),
    "bce_logits": lambda T, x, w, b: T.nn.functional.binary_cross_entropy_with_logits(x @ w, b.sigmoid()),
    "bce": lambda T, x, w, b: T.nn.functional.binary_cross_entropy((x @ w).sigmoid(), b.sigmoid()),
    "kl_div": lambda T, x, w, b: T.nn.functional.kl_div(T.log_softmax(x @ w, 1), b.softmax(1), reduction="batchmean"),
    "softplus": lambda T, x, w, b: T.nn.functional.softplus(x @ w),
    "gelu": lambda T, x, w, b: T.nn.functional.gelu(x @ w),
    "gelu_tanh": lambda T, x, w, b: T.nn.functional.gelu(x @ w, approximate="tanh"),
    "silu": lambda T, x, w, b: T.nn.functional.silu(x @ w),
    "elu": lambda T, x, w, b: T.nn.functional.elu(x @ w),
    "leaky_relu": lambda T, x, w, b: T.nn.functional.leaky_relu(x @ w, 0.1) * b,
    "hardtanh": lambda T, x, w, b: T.nn.functional.hardtanh(x @ w) * b,
    "embedding": lambda T, x, w, b: T.nn.functional.embedding(T.tensor([0, 2, 2]), x @ w),
    "std_var": lambda T, x, w, b: (x * w).std(1) + (x * w).var(0),
    "logsumexp_prod": lambda T, x, w, b: (x * w).logsumexp(1) * (x * b).prod(1),
    "max_amax": lambda T, x, w, b: (x * w).max() + (x * b).amax(1),
    "gather": lambda T, x, w, b: (x * w).gather(1, T.tensor([[0], [2], [1]])),
    "bmm_outer": lambda T, x, w, b: T.bmm((x * w)[None], b[None])[0] + T.outer(x[0], w[1]),
    "trig": lambda T, x, w, b: (x * w).erf() + (x * 0.3).tan() + (x * b).cosh() + (x * x + 1).rsqrt(),
    "norm": lambda T, x, w, b: (x * w).norm() + (x * b).std(),
    "setitem": lambda T, x, w, b: _setitem(x * w, b),
    "inplace_on_views": lambda T, x, w, b: _inplace_on_views(x * w),
    "chunk_cat": lambda T, x, w, b: T.cat(list((x * w).chunk(3, 1))[::-1], 1),
}


def _setitem(y, b):
    y = y.clone()
    y[0] = b[0] * 2
    return y


def _inplace_on_views(y):
    y[0].mul_(3)
    y[:, 1].exp_()
    return y


@pytest.mark.parametrize("name", sorted(NN))
def test_second_derivative_of_nn_ops(name):
    _compare(NN[name], seed=1)


POOLS = {
    "max_overlapping": lambda T, x: T.nn.functional.max_pool2d(x * x, 2, 1),
    "max_disjoint": lambda T, x: T.nn.functional.max_pool2d(x * x, 2),
    "max_padded_dilated": lambda T, x: T.nn.functional.max_pool2d(x.sin(), 2, 2, padding=1, dilation=2),
    "max_ceil_indices": lambda T, x: T.nn.functional.max_pool2d(x * x, 2, 2, padding=1, ceil_mode=True,
                                                                return_indices=True)[0],
    "max_unbatched": lambda T, x: T.nn.functional.max_pool2d((x * x)[0], 3, 1, padding=1),
    "avg_overlapping": lambda T, x: T.nn.functional.avg_pool2d(x * x, 2, 1),
    "avg_ceil_no_pad_count": lambda T, x: T.nn.functional.avg_pool2d(x * x, 2, 2, padding=1, ceil_mode=True,
                                                                     count_include_pad=False),
    "avg_rows_unreached": lambda T, x: T.nn.functional.avg_pool2d(x * x, 2, 3),
    "avg_divisor": lambda T, x: T.nn.functional.avg_pool2d(x * x, 3, 2, padding=1, divisor_override=4),
    "adaptive_avg": lambda T, x: T.nn.functional.adaptive_avg_pool2d(x * x, (2, 3)),
    "adaptive_avg_unbatched": lambda T, x: T.nn.functional.adaptive_avg_pool2d((x * x)[0], (3, 2)),
    # (not pooling, but the same kind of formula: rows gathered and added back)
    "index_select_add": lambda T, x: (x * x).index_select(2, T.tensor([4, 0, 4])).index_add(
        3, T.tensor([1, 1, 0, 2, 3]), x[:, :, :3].sin(), alpha=0.5),
    "index_copy": lambda T, x: (x * x).index_copy(1, T.tensor([2, 0]), x[:, :2].cos()),
    # (src shaped like the index: torch's own backward refuses a larger src)
    "scatter_add": lambda T, x: (x * x).scatter_add(3, T.tensor([[[[1, 1, 0, 4, 2]]]]).expand(2, 3, 4, 5),
                                                    x[:, :, :4].sin()),
    "scatter": lambda T, x: (x * x).scatter(2, T.tensor([[[[3], [0]]]]).expand(2, 3, 2, 5), x[:, :, :2].cos()),
    "masked_scatter": lambda T, x: (x * x).masked_scatter((x > 0.3)[0], x.sin().flip(3)),
    "sort_topk": lambda T, x: (x * x).sort(3).values[..., 1:] * x[..., :4] + (x.sin()).topk(2, 2).values.sum(),
    "cummax_cummin": lambda T, x: (x * x).cummax(3).values + x.sin().cummin(2).values,
    "diagonal": lambda T, x: (x * x).diagonal(1, 2, 3) * x[:, :, 0, :4],
    "pad_reflect": lambda T, x: T.nn.functional.pad(x * x, (2, 1, 1, 3), mode="reflect"),
    "pad_replicate": lambda T, x: T.nn.functional.pad(x.sin(), (1, 2, 0, 2), mode="replicate"),
    "pad_circular": lambda T, x: T.nn.functional.pad(x * x, (2, 2, 1, 0), mode="circular"),
    "cumprod": lambda T, x: (x.sin() + 1.5).cumprod(3) * x,
    "logcumsumexp": lambda T, x: (x * x).logcumsumexp(2) * x.cos(),
    # (2-d query/key/value: torch's math path, whose softmax has a double backward; its
    # fused CPU kernel, taken for 4-d inputs, has none in torch either)
    "attention_masked": lambda T, x: T.nn.functional.scaled_dot_product_attention(
        x[0, 0] * x[0, 1], x[1, 0].sin(), x[1, 1].cos(), attn_mask=T.tensor([[True, False, True, True, False]])),
    "attention_float_mask": lambda T, x: T.nn.functional.scaled_dot_product_attention(
        x[0, 0] * x[0, 0], x[1, 2], x[0, 2].sin(), attn_mask=x[1, 1].detach()),
    "einsum": lambda T, x: T.einsum("abij,abjk->abik", x * x, x.sin()) + T.einsum("abij->ab", x.cos())[..., None, None],
    "einsum_three": lambda T, x: T.einsum("nchw,cw,h->nc", x * x, x[0, :, 0].sin(), x[1, 0, :, 1]),
    "upsample_nearest": lambda T, x: T.nn.functional.interpolate(x * x, scale_factor=2, mode="nearest"),
    "upsample_bilinear": lambda T, x: T.nn.functional.interpolate(x.sin(), size=(7, 3), mode="bilinear"),
    "upsample_bilinear_corners": lambda T, x: T.nn.functional.interpolate(x * x, size=(8, 8), mode="bilinear",
                                                                          align_corners=True),
    "upsample_bicubic": lambda T, x: T.nn.functional.interpolate(x * x, scale_factor=1.5, mode="bicubic"),
    "upsample_linear_1d": lambda T, x: T.nn.functional.interpolate((x * x)[0], size=9, mode="linear"),
    "linalg_inv": lambda T, x: T.linalg.inv(x * x + 3 * T.eye(5, dtype=T.float64)),
    "linalg_solve": lambda T, x: T.linalg.solve(x * x + 3 * T.eye(5, dtype=T.float64), x.sin()),
    "linalg_solve_vector": lambda T, x: T.linalg.solve(x * x + 3 * T.eye(5, dtype=T.float64), x[..., 0].cos()),
    "linalg_solve_right": lambda T, x: T.linalg.solve(x * x + 3 * T.eye(5, dtype=T.float64), x.sin(), left=False),
    # (distances to itself: 0 on the diagonal, where the first derivative divides by nothing)
    "cdist_self": lambda T, x: T.cdist(x, x, compute_mode="donot_use_mm_for_euclid_dist"),
    "cdist_self_p1.5": lambda T, x: T.cdist(x, x, p=1.5),
    "cdist_mm": lambda T, x: T.cdist(x.sin(), x[:, :, :3] * x[:, :, :3], compute_mode="use_mm_for_euclid_dist"),
    **{f"cdist_p{p}": (lambda p: lambda T, x: T.cdist(x.sin(), x[:, :, :3] * x[:, :, :3], p=p))(p)
       for p in (0.5, 1, 3, float("inf"))},
    "linalg_pinv_tall": lambda T, x: T.linalg.pinv(x[..., :3] * x[..., :3]),
    "linalg_pinv_wide": lambda T, x: T.linalg.pinv(x[..., :3, :].sin()),
    "linalg_pinv_hermitian": lambda T, x: T.linalg.pinv(x @ x.mT + T.eye(5, dtype=T.float64), hermitian=True),
    "matrix_exp": lambda T, x: T.linalg.matrix_exp(x.sin() / 2),
    "householder_product": lambda T, x: T.linalg.householder_product(x.sin(), x[..., 0, :4].cos()),
    "householder_product_tall": lambda T, x: T.linalg.householder_product(x[..., :2] * x[..., :2], x[..., 0, :2].cos()),
    "weight_norm_first": lambda T, x: T._weight_norm(x.sin(), x[:, :1, :1, :1].cos(), 0),
    "weight_norm_last": lambda T, x: T._weight_norm(x.sin(), x[:1, :1, :1, :].cos(), 3),
    "weight_norm_middle": lambda T, x: T._weight_norm(x.sin(), x[:1, :, :1, :1].cos(), 1),
    "einsum_diagonal": lambda T, x: T.einsum("abii->abi", x.sin()) + T.einsum("iii", x[0, :3, :3, :3] ** 3),
    "einsum_diagonal_two": lambda T, x: T.einsum("ii,ij->j", x[0, 0] ** 2, x[1, 1].sin()),
    "rnn_tanh": lambda T, x: _seeded(T, T.nn.RNN, 5, 4, num_layers=2)(x[0])[0],
    "rnn_relu_bidirectional": lambda T, x: _seeded(T, T.nn.RNN, 5, 4, nonlinearity="relu", bidirectional=True)(x[0].sin())[0],
    "lstm_proj": lambda T, x: _seeded(T, T.nn.LSTM, 5, 4, proj_size=2, batch_first=True)(x[0])[0],
    "lstm_cell_state": lambda T, x: _seeded(T, T.nn.LSTMCell, 5, 4)(x[0, 0])[1],
    "gru_bidirectional": lambda T, x: _seeded(T, T.nn.GRU, 5, 4, bidirectional=True)(x[0])[0],
    "dropout": lambda T, x: (T.manual_seed(0), T.nn.functional.dropout(x.sin(), 0.3))[1],
    "erfinv_exp2": lambda T, x: (x.tanh() * 0.9).erfinv() + x.exp2(),
    "take": lambda T, x: x.sin().take(T.tensor([[0, 7], [7, -1], [149, 3]])),
    "cross": lambda T, x: T.linalg.cross(x[..., :3].sin(), x[..., 1:4] ** 2),
    "pixel_shuffle": lambda T, x: T.nn.functional.pixel_shuffle((x * x)[:, :, :4].reshape(2, 12, 1, 5), 2),
    "pixel_unshuffle": lambda T, x: T.nn.functional.pixel_unshuffle(x[..., :4, :4].sin(), 2),
    "cumsum": lambda T, x: (x * x).cumsum(2),
    "cumprod_zeros": lambda T, x: (x * T.tensor([1.0, 0.0, 1.0, 0.0, 1.0], dtype=T.float64)).cumprod(3) * x,
    "prod_zeros": lambda T, x: (x * x * T.tensor([1.0, 0.0, 1.0, 1.0, 1.0], dtype=T.float64)).prod(3)
                               + (x[0, 0] * T.tensor([1.0, 0.0, 1.0, 1.0, 1.0], dtype=T.float64)).prod(),
    # Decompositions, on 5x5 (or 5x3, 3x5) matrices whose eigen/singular values are distinct.
    # Eigenvectors and singular vectors are defined up to sign, so the losses use only what
    # does not depend on it (as torch's gradcheck does): U f(S) Vh, V f(w) V^T, squares.
    "linalg_det": lambda T, x: T.linalg.det(x.sin() + 2 * T.eye(5, dtype=T.float64)),
    "det_of_product": lambda T, x: T.det(x * x + x.mT) * x[..., 0, 0],
    "linalg_slogdet": lambda T, x: T.linalg.slogdet(x.sin() + 2 * T.eye(5, dtype=T.float64)).logabsdet,
    "slogdet": lambda T, x: T.slogdet(x * x)[1],
    "logdet": lambda T, x: T.logdet(_spd(T, x)),
    "cholesky": lambda T, x: T.linalg.cholesky(_spd(T, x)),
    "cholesky_upper": lambda T, x: T.linalg.cholesky(_spd(T, x.sin()), upper=True),
    "eigh": lambda T, x: (lambda w, V: (V * w.sin()[..., None, :]) @ V.mT + V * V)(*T.linalg.eigh(_spd(T, x))),
    "eigh_upper": lambda T, x: (lambda w, V: V * V * w[..., None, :])(*T.linalg.eigh(_spd(T, x.sin()), UPLO="U")),
    "eigvalsh": lambda T, x: T.linalg.eigvalsh(_spd(T, x)),
    "svd_square": lambda T, x: _svd_loss(*T.linalg.svd(x.sin())),
    "svd_tall": lambda T, x: _svd_loss(*T.linalg.svd(x[..., :3] * x[..., :3] + x[..., 1:4], full_matrices=False)),
    "svd_wide_full": lambda T, x: (lambda U, S, Vh: _svd_loss(U, S, Vh[..., :3, :]))(
        *T.linalg.svd(x[..., :3, :].sin())),
    "svd_tall_full": lambda T, x: (lambda U, S, Vh: _svd_loss(U[..., :3], S, Vh))(*T.linalg.svd(x[..., :3].sin())),
    "svdvals": lambda T, x: T.linalg.svdvals(x[..., :4, :] * x[..., 1:, :]),
    "matrix_norm_nuc": lambda T, x: T.linalg.matrix_norm(x.sin(), "nuc"),
    "matrix_norm_2": lambda T, x: T.linalg.matrix_norm(x * x, 2, dim=(1, 2)),
    "qr_square": lambda T, x: (lambda Q, R: Q * R.sin())(*T.linalg.qr(x)),
    "qr_tall": lambda T, x: (lambda Q, R: Q @ R.exp())(*T.linalg.qr(x[..., :3].sin())),
    "qr_wide": lambda T, x: (lambda Q, R: Q @ R.sin())(*T.linalg.qr(x[..., :3, :] * x[..., 1:4, :])),
    "qr_complete_wide": lambda T, x: (lambda Q, R: Q @ R.sin())(*T.linalg.qr(x[..., :3, :].sin(), mode="complete")),
    "lstsq": lambda T, x: T.linalg.lstsq(x[..., :3].sin(), x[..., 3:] * x[..., 3:]).solution,
    "lstsq_vector": lambda T, x: T.linalg.lstsq(x[..., :3] * x[..., :3], x[..., 4].sin()).solution,
    "lstsq_residuals": lambda T, x: (lambda r: r.solution.sum(-2) * r.residuals)(
        T.linalg.lstsq(x[..., :3].sin(), x[..., 3:] * x[..., 3:], driver="gelsd")),
}


def _spd(T, x):
    return x @ x.mT + T.eye(5, dtype=T.float64)


def _svd_loss(U, S, Vh):
    return (U * S.cos()[..., None, :]) @ Vh + (U * U) @ (Vh * Vh)


def _seeded(T, module, *args, **kwargs):
    T.manual_seed(0)
    return module(*args, **kwargs).double()


@pytest.mark.parametrize("name", sorted(POOLS))
def test_second_derivative_of_pooling(name):
    """Pooling's backward said with differentiable ops (scatter_add, a transposed
    convolution with ones, two matrix products; index_add and index_select for each other)
    under create_graph, on 2x3x5x5 inputs; and other ops of one input, the same way
    (the linear algebra on batches of 2x3 matrices)."""
    def second(T):
        x = T.from_numpy(np.random.default_rng(1).normal(size=(2, 3, 5, 5))).requires_grad_()
        y = POOLS[name](T, x)
        w = T.from_numpy(np.random.default_rng(2).normal(size=tuple(y.shape)))
        g, = T.autograd.grad((y * w).sum(), x, create_graph=True)
        return g, T.autograd.grad((g * g).sum() + g.sin().sum(), x)[0]
    for o, t in zip(second(mt), second(torch)):
        assert_close(o, t, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("batch_first", [True, False])
def test_packed_sequences(batch_first):
    """pack_padded_sequence's backward is pad_packed_sequence's forward, and back."""
    def build(T, x, w, b):
        packed = T.nn.utils.rnn.pack_padded_sequence(x * w, T.tensor([3, 2, 1]), batch_first=batch_first)
        return T.nn.utils.rnn.pad_packed_sequence(T.nn.utils.rnn.PackedSequence(packed.data.sin(), packed.batch_sizes),
                                                  batch_first=batch_first)[0] * b
    _compare(build)


def test_a_formula_that_cannot_record_refuses_instead_of_giving_wrong_values():
    """A backward formula that fills a NumPy buffer in place cannot record a graph: under
    create_graph it raises NotImplementedError naming its node (never a silently wrong
    second derivative). Every built-in op records now; this one is written to refuse."""
    from minitorch_compat.autograd.function import ArrayFunction

    class Doubled(ArrayFunction):
        _backward_name = "DoubledBackward0"

        @staticmethod
        def forward(ctx, x):
            return 2 * x

        @staticmethod
        def backward(ctx, g):
            out = np.zeros(g.shape, g.dtype)
            np.multiply(g, 2, out=out)
            return out

    x = mt.ones(3, dtype=mt.float64, requires_grad=True)
    assert mt.autograd.grad(Doubled.apply(x).sum(), x)[0].tolist() == [2.0, 2.0, 2.0]
    with pytest.raises(NotImplementedError, match="DoubledBackward0 does not support create_graph=True"):
        mt.autograd.grad(Doubled.apply(x).sum(), x, create_graph=True)


# Ops whose backward torch calls as a kernel of its own (``threshold_backward(grad, result,
# 0)`` for relu, ``max_pool2d_with_indices_backward``...): under create_graph that call is a
# node with an edge to the saved value too, so even the gradient of a leaf requires grad.
KERNEL_BACKWARDS = {
    "relu": lambda T, x: x.relu(),
    "relu6": lambda T, x: T.nn.functional.relu6(x * 4),
    "hardtanh": lambda T, x: T.nn.functional.hardtanh(x, -0.5, 0.5),
    "leaky_relu": lambda T, x: T.nn.functional.leaky_relu(x, 0.1),
    "elu": lambda T, x: T.nn.functional.elu(x, 0.7),
    "abs": lambda T, x: x.abs(),
    "max_pool2d": lambda T, x: T.nn.functional.max_pool2d(x, 2, 1),
    "avg_pool2d": lambda T, x: T.nn.functional.avg_pool2d(x, 2, 2, padding=1, count_include_pad=False),
    "adaptive_avg_pool2d": lambda T, x: T.nn.functional.adaptive_avg_pool2d(x, (2, 3)),
}


@pytest.mark.parametrize("name", sorted(KERNEL_BACKWARDS))
@pytest.mark.parametrize("chained", [False, True])
def test_first_gradient_of_kernel_backwards_is_torchs_node(name, chained):
    """The first gradient's requires_grad, grad_fn and next_functions are torch's, and the
    second derivative too (zero where the op is piecewise linear; also through a gradient
    that requires grad itself, ``chained``), on values with zeros and ties at the kinks."""
    def run(T):
        x = T.from_numpy(np.random.default_rng(3).integers(-4, 5, size=(1, 2, 4, 4)) / 4).requires_grad_()
        y = KERNEL_BACKWARDS[name](T, x.sin() * 2 if chained else x)
        w = T.from_numpy(np.random.default_rng(4).normal(size=tuple(y.shape)))
        g, = T.autograd.grad((y * w).sum(), x, create_graph=True)
        shown = (g.requires_grad, graph(g, [x]))
        return shown, g, (T.autograd.grad((g * g).sum() + g.sin().sum(), x)[0] if g.requires_grad else None)
    (o_shown, o_g, o_gg), (t_shown, t_g, t_gg) = run(mt), run(torch)
    assert o_shown == t_shown
    assert_close(o_g, t_g, rtol=1e-10, atol=1e-10)
    assert (o_gg is None) == (t_gg is None)
    if t_gg is not None:
        assert_close(o_gg, t_gg, rtol=1e-10, atol=1e-10)


def test_fused_attention_refuses_as_torch():
    """torch's fused CPU attention kernel has no double backward: the first gradients (right
    values, requiring grad) come from a NotImplemented node, and the second backward raises."""
    def first(T):
        x = T.from_numpy(np.random.default_rng(0).normal(size=(1, 2, 3, 4))).requires_grad_()
        y = T.nn.functional.scaled_dot_product_attention(x, x.sin(), x.cos(), is_causal=True)
        g, = T.autograd.grad((y * y).sum(), x, create_graph=True)
        return g
    o, t = first(mt), first(torch)
    assert_close(o, t, rtol=1e-10, atol=1e-10)
    assert o.requires_grad and t.requires_grad
    raises_like(lambda T: first(T).sum().backward(), match_message=True)


def test_first_gradient_has_torch_graph():
    """The gradient returned with create_graph has a history of torch's nodes' kind."""
    def run(T):
        x = T.tensor([0.5, 1.0, 2.0], dtype=T.float64, requires_grad=True)
        g, = T.autograd.grad((x.sin() * x).sum(), x, create_graph=True)
        return g.requires_grad, g.is_leaf, g.grad_fn is not None
    assert run(mt) == run(torch)


@pytest.mark.parametrize("order", [2, 3])
def test_higher_orders_of_a_scalar_function(order):
    def run(T):
        x = T.tensor([0.3, -1.2, 2.0], dtype=T.float64, requires_grad=True)
        y = (x.tanh() * x.exp() + x ** 3).sum()
        out = []
        for _ in range(order):
            y, = T.autograd.grad(y, x, create_graph=True)
            out.append(y)
            y = y.sum()
        return out
    for o, t in zip(run(mt), run(torch)):
        assert_close(o, t, rtol=1e-10, atol=1e-10)


def test_backward_create_graph_warns_and_grad_is_differentiable():
    def run(T):
        x = T.tensor([0.5, 1.0, 2.0], dtype=T.float64, requires_grad=True)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            (x ** 3).sum().backward(create_graph=True)
        g = x.grad
        x.grad = None
        g.sum().backward()
        return g, x.grad, [str(w.message) for w in caught if "reference cycle" in str(w.message)]
    ours, theirs = run(mt), run(torch)
    assert_close(ours[0], theirs[0])
    assert_close(ours[1], theirs[1])
    assert ours[2] == theirs[2] or not theirs[2]  # torch warns once per process


def test_backward_create_graph_warning_text():
    from minitorch_compat.autograd import higher_order
    higher_order._warned.clear()
    x = mt.tensor([1.0], requires_grad=True)
    with pytest.warns(UserWarning) as ours:
        (x * x).sum().backward(create_graph=True)
    expected = ("Using backward() with create_graph=True will create a reference cycle between the parameter and its "
                "gradient which can cause a memory leak. We recommend using autograd.grad when creating the graph to "
                "avoid this. If you have to use this function, make sure to reset the .grad fields of your parameters "
                "to None after use to break the cycle and avoid the leak. (Triggered internally at "
                "/__w/pytorch/pytorch/torch/csrc/autograd/engine.cpp:1382.)")
    assert str(ours[0].message) == expected
    with warnings.catch_warnings(record=True) as caught:  # torch's text, checked against torch itself
        warnings.simplefilter("always")
        t = torch.tensor([1.0], requires_grad=True)
        (t * t).sum().backward(create_graph=True)
    assert not caught or str(caught[0].message) == expected


def _penalty_training(T, steps=4):
    """WGAN-GP style: the critic's loss includes ||d critic / d input|| penalised towards 1."""
    T.manual_seed(0)
    critic = T.nn.Sequential(T.nn.Linear(3, 8), T.nn.Tanh(), T.nn.Linear(8, 4), T.nn.Softplus(),
                             T.nn.Linear(4, 1)).double()
    opt = T.optim.Adam(critic.parameters(), lr=0.01)
    real = T.randn(6, 3, dtype=T.float64)
    fake = T.randn(6, 3, dtype=T.float64) + 1
    history = []
    for _ in range(steps):
        eps = T.rand(6, 1, dtype=T.float64)
        mix = (eps * real + (1 - eps) * fake).requires_grad_(True)
        g, = T.autograd.grad(critic(mix).sum(), mix, create_graph=True)
        penalty = ((g.norm(2, dim=1) - 1) ** 2).mean()
        loss = critic(fake).mean() - critic(real).mean() + 10 * penalty
        opt.zero_grad()
        loss.backward()
        opt.step()
        history.append((loss.detach().clone(), [p.grad.clone() for p in critic.parameters()]))
    return history, [p.detach().clone() for p in critic.parameters()]


def test_gradient_penalty_training_matches_torch_step_by_step():
    (ours, our_params), (theirs, their_params) = _penalty_training(mt), _penalty_training(torch)
    for (o_loss, o_grads), (t_loss, t_grads) in zip(ours, theirs):
        assert_close(o_loss, t_loss, rtol=1e-10, atol=1e-10)
        for o, t in zip(o_grads, t_grads):
            assert_close(o, t, rtol=1e-9, atol=1e-10)
    for o, t in zip(our_params, their_params):
        assert_close(o, t, rtol=1e-9, atol=1e-10)


# ---- gradgradcheck -------------------------------------------------------------------------------
def _bad_double_backward(T):
    """x ** 2 whose backward is right but whose double backward is wrong (it is built from
    a detached x, so d/dx of the gradient misses a term)."""
    class Square(T.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return 2 * x.detach() * g
    return Square.apply


@pytest.mark.parametrize("case", ["smooth", "two_inputs", "bad_double_backward"])
def test_gradgradcheck_agrees_with_torch(case):
    def run(T):
        x = T.tensor([0.3, 0.7, -0.4], dtype=T.float64, requires_grad=True)
        y = T.tensor([1.1, -0.2, 0.5], dtype=T.float64, requires_grad=True)
        T.manual_seed(0)
        if case == "smooth":
            return T.autograd.gradgradcheck(lambda t: (t.sin() * t).tanh(), (x,))
        if case == "two_inputs":
            return T.autograd.gradgradcheck(lambda a, b: (a * b.exp()).sum(0) + a.pow(3), (x, y))
        return T.autograd.gradgradcheck(_bad_double_backward(T), (x,), raise_exception=False)
    assert run(mt) == run(torch)


def test_gradgradcheck_raises_gradcheck_error():
    x = mt.tensor([0.3, 0.7], dtype=mt.float64, requires_grad=True)
    from minitorch_compat.autograd.gradcheck import GradcheckError
    with pytest.raises(GradcheckError, match="Jacobian mismatch"):
        mt.autograd.gradgradcheck(_bad_double_backward(mt), (x,))


# ---- once_differentiable ------------------------------------------------------------------------
def test_once_differentiable_refuses_double_backward_as_torch():
    def run(T):
        class Cube(T.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x ** 3

            @staticmethod
            @T.autograd.function.once_differentiable
            def backward(ctx, g):
                x, = ctx.saved_tensors
                return 3 * x * x * g
        x = T.tensor([1.0, 2.0], dtype=T.float64, requires_grad=True)
        g, = T.autograd.grad(Cube.apply(x).pow(2).sum(), x, create_graph=True)  # (an incoming gradient with a graph)
        return g, g.requires_grad, g.grad_fn.name()
    ours, theirs = run(mt), run(torch)
    assert_close(ours[0], theirs[0])
    assert ours[1:] == theirs[1:]
    raises_like(lambda T: run(T)[0].sum().backward(), match_message=True)


# ---- bad input ---------------------------------------------------------------------------------
BAD = {
    "integer_output": lambda T: T.autograd.grad(T.tensor([1, 2]).sum(), T.tensor([1.0], requires_grad=True),
                                                create_graph=True),
    "integer_input": lambda T: T.autograd.grad(T.tensor([1.0, 2.0], requires_grad=True).sum(), T.tensor([1, 2]),
                                               create_graph=True),
    "integer_backward": lambda T: T.tensor([1, 2]).sum().backward(create_graph=True),
    "integer_cast_output": lambda T: _cast_output(T),
    "integer_requires_grad": lambda T: T.tensor([1, 2], requires_grad=True),
    "non_scalar_without_grad_outputs": lambda T: _non_scalar(T),
    "unused_input": lambda T: _unused(T, None),
    "unused_input_disallowed": lambda T: _unused(T, False),
    "materialize_with_allow_unused_false": lambda T: _unused(T, False, materialize_grads=True),
    "wrong_grad_output_shape": lambda T: _wrong_shape(T),
}


def _cast_output(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    return T.autograd.grad(x.long().sum(), x, create_graph=True)


def _non_scalar(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    return T.autograd.grad(x * 2, x, create_graph=True)


def _unused(T, allow_unused, **kw):
    x, z = T.tensor([1.0, 2.0], requires_grad=True), T.tensor([3.0], requires_grad=True)
    return T.autograd.grad((x * x).sum(), [x, z], allow_unused=allow_unused, create_graph=True, **kw)


def _wrong_shape(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    return T.autograd.grad(x * 2, x, T.ones(3), create_graph=True)


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_raises_as_torch(case):
    raises_like(BAD[case], match_message=True)


@pytest.mark.parametrize("create_graph", [False, True])
def test_allow_unused_and_materialize_grads(create_graph):
    def run(T):
        x, z = T.tensor([1.0, 2.0], requires_grad=True), T.tensor([3.0], requires_grad=True)
        a = T.autograd.grad((x * x).sum(), [x, z], allow_unused=True, create_graph=create_graph)
        b = T.autograd.grad((x * x).sum(), [x, z], materialize_grads=True, create_graph=create_graph)
        return a[1] is None, a[0], b[1], a[0].requires_grad
    ours, theirs = run(mt), run(torch)
    assert ours[0] == theirs[0] and ours[3] == theirs[3]
    assert_close(ours[1], theirs[1])
    assert_close(ours[2], theirs[2])


def test_integer_grad_outputs_are_cast_as_torch():
    def run(T):
        x = T.tensor([1.0, 2.0], requires_grad=True)
        return T.autograd.grad((x * x).sum(), x, T.tensor(3), create_graph=True)[0]
    assert_close(run(mt), run(torch))


@pytest.mark.parametrize("create_graph", [False, True])
def test_is_grads_batched(create_graph):
    def run(T):
        x = T.tensor([[1.0, 2.0], [0.5, -1.0]], dtype=T.float64, requires_grad=True)
        y = (x * x).sin()
        basis = T.eye(4, dtype=T.float64).reshape(4, 2, 2)
        return T.autograd.grad(y, x, basis, is_grads_batched=True, create_graph=create_graph)[0]
    assert_close(run(mt), run(torch))


# The first gradient's graph (requires_grad, grad_fn names and next_functions) for ops
# whose backward torch records as kernels or chains of its own: indexing undone step by
# step (SelectBackwardBackward0, SliceBackwardBackward0, IndexPutImplBackward0...), the
# divisor of remainder/fmod through DivBackward2, the robust losses' kernels, reflect and
# replicate pads' kernels, pooling of an unbatched input (no unsqueeze/squeeze).
FIRST_GRADIENT_GRAPHS = {
    "select": lambda T, x, w, b: x[0].relu() * w[1],
    "slice_step": lambda T, x, w, b: x[:, ::2].relu(),
    "index_tensor": lambda T, x, w, b: x[T.tensor([2, 0, 2])].relu(),
    "index_mask": lambda T, x, w, b: x[x > 0].relu(),
    "none_select": lambda T, x, w, b: x[None, 1].relu(),
    "slice_select": lambda T, x, w, b: x[1:, 0].relu(),
    "slice_list": lambda T, x, w, b: x[1:, [0, 2]].relu(),
    "ellipsis_alias": lambda T, x, w, b: x[...].relu(),
    "narrow_select": lambda T, x, w, b: x.narrow(1, 1, 2).relu() + x.select(0, 2)[:2].relu(),
    "diagonal": lambda T, x, w, b: x.diagonal().relu(),
    "t_permute": lambda T, x, w, b: x.t().relu() + x[None].permute(2, 0, 1).relu()[:, 0],
    "remainder": lambda T, x, w, b: T.remainder(x, w),
    "fmod": lambda T, x, w, b: T.fmod(x, w),
    "div_floor": lambda T, x, w, b: T.div(x, w, rounding_mode="floor") * b + T.div(x, 2, rounding_mode="trunc"),
    "smooth_l1": lambda T, x, w, b: T.nn.functional.smooth_l1_loss(x, w, beta=0.5),
    "huber_none": lambda T, x, w, b: T.nn.functional.huber_loss(x, w, reduction="none", delta=0.7),
    "l1": lambda T, x, w, b: T.nn.functional.l1_loss(x, w),
    "norm_inf": lambda T, x, w, b: x.norm(p=float("inf")) + x.norm(p=-float("inf"), dim=1).sum(),
    "pad_reflect": lambda T, x, w, b: T.nn.functional.pad(x[None], (1, 1), mode="reflect"),
    "pad_replicate_2d": lambda T, x, w, b: T.nn.functional.pad(x[None, None], (1, 2, 0, 1), mode="replicate"),
    "max_pool_unbatched": lambda T, x, w, b: T.nn.functional.max_pool2d(x[None], 2, 1),
    "avg_pool_unbatched": lambda T, x, w, b: T.nn.functional.avg_pool2d(x[None], 2, 1, padding=1),
}


@pytest.mark.parametrize("name", sorted(FIRST_GRADIENT_GRAPHS))
def test_first_gradient_graph_is_torchs(name):
    def run(T):
        rng = np.random.default_rng(0)
        leaves = [T.from_numpy(rng.normal(size=(3, 3))).requires_grad_() for _ in range(3)]
        out = FIRST_GRADIENT_GRAPHS[name](T, *leaves)
        w = T.from_numpy(rng.normal(size=tuple(out.shape)))
        grads = T.autograd.grad((out * w).sum(), leaves, create_graph=True, allow_unused=True)
        return [None if g is None else (g.requires_grad, graph(g, leaves)) for g in grads], grads
    (o_shown, o_grads), (t_shown, t_grads) = run(mt), run(torch)
    assert o_shown == t_shown
    for o, t in zip(o_grads, t_grads):
        assert (o is None) == (t is None)
        if t is not None:
            assert_close(o, t, rtol=1e-10, atol=1e-10)
    _compare(FIRST_GRADIENT_GRAPHS[name])


CONVOLUTIONS = {  # (function, input shape, weight shape, options)
    "conv2d": ("conv2d", (2, 4, 6, 5), (6, 2, 3, 2), dict(stride=(2, 1), padding=1, dilation=(1, 2), groups=2)),
    "conv1d": ("conv1d", (2, 3, 7), (4, 3, 3), dict(stride=2, padding=1)),
    "conv_transpose2d": ("conv_transpose2d", (2, 4, 4, 5), (4, 3, 3, 2), dict(stride=(2, 1), padding=1, dilation=(1, 2),
                                                                            groups=2)),
    "conv_transpose1d": ("conv_transpose1d", (2, 3, 5), (3, 2, 3), dict(stride=2, padding=1)),
}


@pytest.mark.parametrize("name", sorted(CONVOLUTIONS))
def test_convolution_gradients_come_from_one_node_as_torchs(name):
    """Under create_graph a convolution's three first gradients (the bias's too) come from
    one ConvolutionBackwardBackward0 node with edges to the output gradient, the input and
    the weight; the second and third derivatives (through every one of them) are torch's."""
    fn, xs, ws, options = CONVOLUTIONS[name]

    def run(T):
        rng = np.random.default_rng(1)
        x, w = (T.from_numpy(rng.normal(size=s)).requires_grad_() for s in (xs, ws))
        channels = getattr(T.nn.functional, fn)(x, w, **options).shape[1]
        b = T.from_numpy(rng.normal(size=(channels,))).requires_grad_()
        y = getattr(T.nn.functional, fn)(x, w, b, **options)
        gy = T.from_numpy(rng.normal(size=tuple(y.shape))).requires_grad_()
        grads = T.autograd.grad((y * gy).sum(), (x, w, b), create_graph=True)
        shown = [(g.requires_grad, graph(g, [x, w, b, gy])) for g in grads]
        gx, gw, gb = grads
        second = T.autograd.grad(gx.sin().sum() + (gw * gw).sum() + (gb ** 3).sum(), (x, w, gy), create_graph=True)
        third = T.autograd.grad(sum((s * s).sum() for s in second), (x, w, gy))
        return shown, grads, second, third
    ours, theirs = run(mt), run(torch)
    assert ours[0] == theirs[0]
    for o_list, t_list in zip(ours[1:], theirs[1:]):
        for o, t in zip(o_list, t_list):
            assert_close(o, t, rtol=1e-10, atol=1e-8)
