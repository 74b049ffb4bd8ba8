"""``torch.nn.functional``: the stateless functions behind the layers and losses.

What torch does: every ``nn`` layer's ``forward`` calls one of these functions with its
own parameters (``nn.Linear`` -> ``F.linear``, ``nn.CrossEntropyLoss`` ->
``F.cross_entropy``), and these call into ATen (``torch._C._nn``), where the kernels and
their backward formulas live.

Here it is the same split: this file checks arguments the way torch's Python does and
picks the op; the ops themselves -- forward and backward side by side -- are in
``_ops/`` (``activation.py``, ``dropout.py``, ``loss.py``, ``loss_nll.py``, ``conv.py``...),
and the argument checks with torch's exact messages in ``_checks.py``.
"""
import warnings

import numpy as np

from .. import _checks
from .._ops import activation as _act, dropout as _drop, loss as _loss, loss_nll as _nll
from .._ops.activation import softmax, log_softmax
from .._ops.conv import conv1d, conv2d
from .._ops.linalg import linear
from .._ops.normalization import batch_norm, layer_norm
from .._ops.padding import pad
from .._ops.pointwise import relu as _relu, sigmoid, tanh, promote, _operand
from .._ops.pooling import max_pool2d, avg_pool2d, adaptive_avg_pool2d
from .._ops.scatter import one_hot, embedding as _embedding
from .._ops.inplace import inplace as _inplace

__all__ = ["linear", "relu", "relu_", "leaky_relu", "gelu", "silu", "elu", "softplus", "sigmoid", "tanh",
           "softmax", "log_softmax", "dropout", "dropout2d", "one_hot", "cross_entropy", "nll_loss", "mse_loss",
           "l1_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits", "smooth_l1_loss", "huber_loss",
           "kl_div", "conv1d", "conv2d", "max_pool2d", "max_pool2d_with_indices", "avg_pool2d",
           "adaptive_avg_pool2d", "batch_norm", "layer_norm", "pad", "embedding"]


# ---- activations ----------------------------------------------------------------------------
def relu(input, inplace=False):
    """``max(x, 0)`` elementwise (node ``ReluBackward0``)."""
    return input.relu_() if inplace else _relu(input)


def relu_(input):
    return input.relu_()


def _maybe_inplace(input, op, inplace):
    """``op(input)``, or with ``inplace`` an in-place op on ``input`` (its node reads a
    snapshot of the input, which the write cannot spoil: see ``_ops/inplace.py``)."""
    return _inplace(input, op) if inplace else op(input)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """``x`` where ``x > 0``, else ``negative_slope * x``."""
    return _maybe_inplace(input, lambda x: _act.LeakyRelu.apply(x, slope=negative_slope), inplace)


def elu(input, alpha=1.0, inplace=False):
    """``x`` where ``x > 0``, else ``alpha * (exp(x) - 1)``."""
    return _maybe_inplace(input, lambda x: _act.Elu.apply(x, alpha=alpha), inplace)


def silu(input, inplace=False):
    """``x * sigmoid(x)`` (a.k.a. swish)."""
    return _maybe_inplace(input, _act.Silu.apply, inplace)


def softplus(input, beta=1.0, threshold=20.0):
    """``log(1 + exp(beta * x)) / beta``, linear above ``threshold`` for stability."""
    return _act.Softplus.apply(input, beta=beta, threshold=threshold)


def gelu(input, approximate="none"):
    """``x * Phi(x)``, Phi the standard normal CDF (``approximate='tanh'``: torch's tanh formula)."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    return _act.Gelu.apply(input, approximate=approximate)


# ---- dropout ----------------------------------------------------------------------------------
def dropout(input, p=0.5, training=True, inplace=False):
    """Zero each element with probability ``p`` and scale the survivors by ``1 / (1 - p)``.
    In eval mode, or with ``p == 0``, the input itself is returned, as in torch."""
    _checks.dropout_p(p)
    x = _operand(input)
    if not training or p == 0 or x._data.size == 0:
        return input
    return _maybe_inplace(x, lambda t: _drop.dropout(t, p), inplace)


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels: one Bernoulli draw per ``(sample, channel)`` plane, the mask of
    shape ``(N, C, 1, 1)`` drawn as torch draws it. A 3-d input is treated as ``(N, C, L)``
    (channel-wise 1-d dropout), with torch's warning."""
    _checks.dropout_p(p)
    x = _operand(input)
    nd = x._data.ndim
    if nd not in (3, 4):
        warnings.warn(f"dropout2d: Received a {nd}-D input to dropout2d, which is deprecated and will result in an "
                      "error in a future release. To retain the behavior and silence this warning, please use "
                      "dropout instead. Note that dropout2d exists to provide channel-wise dropout on inputs with 2 "
                      "spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 3D or 4D "
                      "inputs).", stacklevel=2)
    if nd == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout "
                      "behavior is desired - input is interpreted as shape (N, C, L), where C is the channel dim. "
                      "This behavior will change in a future release to interpret the input as one without a batch "
                      "dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout behavior, please "
                      "switch to using dropout1d instead.", stacklevel=2)
    if not training or p == 0 or x._data.size == 0:
        return input
    if nd < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    return _maybe_inplace(x, lambda t: _drop.dropout(t, p, t._data.shape[:2] + (1,) * (nd - 2)), inplace)


# ---- classification losses --------------------------------------------------------------------
def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction="mean", label_smoothing=0.0):
    """Cross entropy between ``log_softmax(input)`` along dim 1 and ``target``: class indices
    (int64, shape ``input.shape`` without dim 1) or class probabilities (input's shape).

    The common case (logits ``(N, C)``, indices, no weight, no smoothing) is one plain node,
    ``_ops/loss_nll.py`` ``CrossEntropy``; the rest goes through the general ``NllLoss``.
    """
    reduction = _checks.reduction(reduction, size_average, reduce)
    x, target = _operand(input), _operand(target)
    if weight is None and label_smoothing == 0.0 and _nll.is_plain(x, target, ignore_index):
        return _nll.CrossEntropy.apply(x, target=target._data, reduction=reduction)
    _checks.floating_input(x._data, "log_softmax_lastdim_kernel_impl")
    if x._data.shape == target._data.shape:
        return _nll.soft_target_cross_entropy(x, target, weight, ignore_index, reduction, label_smoothing)
    _checks.label_smoothing(label_smoothing)
    return _nll.nll_loss(x, target, weight, ignore_index, reduction, label_smoothing, from_logits=True)


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
    """Negative log-likelihood of class ``target`` given log-probabilities ``input``.

    Shapes: input ``(C)``, ``(N, C)`` or ``(N, C, d1, ...)``; target ``()``, ``(N)`` or
    ``(N, d1, ...)`` of class indices (int64).
    """
    reduction = _checks.reduction(reduction, size_average, reduce)
    return _nll.nll_loss(input, target, weight, ignore_index, reduction)


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """Binary cross entropy between probabilities ``input`` (in [0, 1]) and ``target``."""
    reduction = _checks.reduction(reduction, size_average, reduce)
    x, t = _operand(input), _operand(target)
    _checks.not_differentiable("binary_cross_entropy", weight=weight)
    if t._data.shape != x._data.shape:
        raise ValueError(f"Using a target size ({t.shape}) that is different to the input size ({x.shape}) is "
                         "deprecated. Please ensure they have the same size.")
    if t.dtype is not x.dtype:
        raise RuntimeError(f"Found dtype {t.dtype._scalar_name} but expected {x.dtype._scalar_name}")
    w = None if weight is None else _checks.loss_weight(weight, x._data.shape)
    xd = x._data
    if xd.size and ((xd < 0) | (xd > 1)).any():
        raise RuntimeError("all elements of input should be between 0 and 1")
    return _loss.BinaryCrossEntropy.apply(x, t, weight=w, reduction=reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None, reduction="mean",
                                     pos_weight=None):
    """``binary_cross_entropy(sigmoid(input), target)`` computed stably from logits.

    ``pos_weight`` (broadcast along the last dimension, one value per class) multiplies
    the loss of positive targets.
    """
    reduction = _checks.reduction(reduction, size_average, reduce)
    x, t = _operand(input), _operand(target)
    if t._data.shape != x._data.shape:
        raise ValueError(f"Target size ({t.shape}) must be the same as input size ({x.shape})")
    if t._data.dtype.kind not in "fc":
        raise RuntimeError(f"result type {x.dtype._scalar_name} can't be cast to the desired output type "
                           f"{t.dtype._scalar_name}")
    _checks.not_differentiable("binary_cross_entropy_with_logits", weight=weight, pos_weight=pos_weight)
    w = None if weight is None else weight._data
    pw = None if pos_weight is None else pos_weight._data
    return _loss.BCEWithLogits.apply(x, t, weight=w, pos_weight=pw, reduction=reduction)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """KL divergence ``sum t (log t - x)`` between target ``t`` and log-probabilities ``input``.

    ``reduction='batchmean'`` (sum over everything divided by the batch size) is the
    mathematical KL divergence; ``'mean'`` divides by the number of elements and warns,
    exactly as torch does.
    """
    if size_average is not None or reduce is not None:
        reduction = _checks.legacy_reduction(size_average, reduce)
    elif reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                      "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                      "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
                      stacklevel=2)
    if reduction not in ("none", "mean", "sum", "batchmean"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    x, t = promote(_operand(input), _operand(target))
    return _loss.KLDiv.apply(x, t, reduction=reduction, log_target=log_target)


# ---- regression losses ------------------------------------------------------------------------
def _pair_operands(input, target, kernel):
    x, t = _operand(input), _operand(target)
    _checks.pair_loss_operands(x, t, kernel)
    return promote(x, t)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean squared error ``(input - target) ** 2``, reduced (broadcasts, with torch's warning)."""
    reduction = _checks.reduction(reduction, size_average, reduce)
    if weight is not None:
        raise NotImplementedError("minitorch_compat does not implement mse_loss(weight=...) yet")
    x, t = _pair_operands(input, target, "mse_cpu")
    return _loss.PairLoss.apply(x, t, kind="mse", reduction=reduction)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean absolute error ``|input - target|``, reduced."""
    reduction = _checks.reduction(reduction, size_average, reduce)
    if weight is not None:
        raise NotImplementedError("minitorch_compat does not implement l1_loss(weight=...) yet")
    x, t = _pair_operands(input, target, None)
    if x._data.dtype.kind not in "fc":  # torch computes (x - t).abs() and reduces: an int result, or mean's error
        d = (x - t).abs()
        return d if reduction == "none" else d.sum() if reduction == "sum" else d.mean()
    return _loss.PairLoss.apply(x, t, kind="l1", reduction=reduction)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """``0.5 d^2 / beta`` where ``|d| < beta``, else ``|d| - 0.5 beta`` (``d = input - target``).

    ``beta=0`` is exactly ``l1_loss``, as in torch.
    """
    reduction = _checks.reduction(reduction, size_average, reduce)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    if beta == 0.0:
        return l1_loss(input, target, reduction=reduction)
    x, t = _pair_operands(input, target, "smooth_l1_cpu")
    return _loss.RobustPairLoss.apply(x, t, kind="smooth_l1", beta=beta, reduction=reduction)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """``0.5 d^2`` where ``|d| < delta``, else ``delta (|d| - 0.5 delta)``.

    With ``weight`` (same shape as ``input``) the elementwise loss is multiplied by it
    before the reduction, as torch does (then the last node is ``MeanBackward0``...).
    """
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    x, t = _pair_operands(input, target, "huber_cpu")
    if weight is None:
        return _loss.RobustPairLoss.apply(x, t, kind="huber", beta=delta, reduction=reduction)
    if tuple(weight.shape) != tuple(input.shape):
        raise ValueError("Weights and input must have the same size.")
    loss = _loss.RobustPairLoss.apply(x, t, kind="huber", beta=delta, reduction="none") * weight
    if reduction == "none":
        return loss
    return loss.mean() if reduction == "mean" else loss.sum()


# ---- convolutional-network extras -------------------------------------------------------------
def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):
    """``F.max_pool2d(..., return_indices=True)``: the values and the flat input index of each maximum."""
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices=True)


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
              sparse=False):
    """Look up rows of ``weight`` (``nn.Embedding``'s forward).

    A negative ``padding_idx`` counts from the end; that row gets no gradient. With
    ``max_norm``, every row that is looked up and whose ``norm_type``-norm exceeds
    ``max_norm`` is first rescaled *in place* to norm ``max_norm`` (torch scales by
    ``max_norm / (norm + 1e-7)``), outside autograd.
    """
    n = weight._data.shape[0]
    if padding_idx is not None:
        if not -n <= padding_idx < n:
            raise AssertionError("Padding_idx must be within num_embeddings")
        padding_idx = padding_idx % n
    else:
        padding_idx = -1
    if max_norm is not None:
        _embedding_renorm_(weight, _operand(input), max_norm, norm_type)
    return _embedding(weight, input, padding_idx, scale_grad_by_freq, sparse)


def _embedding_renorm_(weight, idx, max_norm, norm_type):
    """torch.embedding_renorm_: rescale, in place, the looked-up rows whose norm exceeds max_norm."""
    idx = np.unique(idx._data.reshape(-1))
    rows = weight._data[idx]
    norms = np.linalg.norm(rows, ord=norm_type, axis=1) if norm_type != 2 else np.sqrt((rows * rows).sum(1))
    big = norms > max_norm
    if big.any():
        scale = (max_norm / (norms[big] + 1e-7)).astype(rows.dtype)
        weight._data[idx[big]] = rows[big] * scale[:, None]
        weight._version += 1


# ---- transposed convolutions, resizing, pixel shuffling, hardtanh (ops in _ops/) ------------
from .._ops.activation import hardtanh  # noqa: E402
from .._ops.conv import conv_transpose1d, conv_transpose2d  # noqa: E402
from .._ops.pixel_shuffle import pixel_shuffle, pixel_unshuffle  # noqa: E402
from .._ops.upsampling import interpolate, upsample, upsample_bilinear, upsample_nearest  # noqa: E402


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    return hardtanh(input, min_val, max_val, inplace=True)


def relu6(input, inplace=False):
    """``min(max(x, 0), 6)``: torch computes it as ``hardtanh(x, 0, 6)`` (node ``HardtanhBackward0``)."""
    return hardtanh(input, 0.0, 6.0, inplace)


__all__ += ["conv_transpose1d", "conv_transpose2d", "interpolate", "upsample", "upsample_nearest",
            "upsample_bilinear", "pixel_shuffle", "pixel_unshuffle", "hardtanh", "hardtanh_", "relu6"]


# ---- sequence models: attention (nn/_multi_head_attention.py, _ops/attention.py) --------------
from .._ops.attention import scaled_dot_product_attention  # noqa: E402
from ._multi_head_attention import (multi_head_attention_forward, _canonical_mask, _none_or_dtype,  # noqa: E402
                                    _in_projection_packed, _in_projection, _mha_shape_check)

__all__ += ["scaled_dot_product_attention", "multi_head_attention_forward"]


# ---- normalize (used by spectral norm) ---------------------------------------------------------
from .._ops.pointwise import div as _div  # noqa: E402


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """``input / max(||input||_p, eps)`` along ``dim``; with ``out=`` the quotient is written into
    ``out`` in place (spectral norm's power iteration updates its ``u``/``v`` buffers this way)."""
    denom = input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    if out is None:
        return input / denom
    return _div(input, denom, out=out)


__all__ += ["normalize"]
