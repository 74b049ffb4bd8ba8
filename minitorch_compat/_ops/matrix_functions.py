"""The matrix pieces of ``parametrizations.orthogonal``: ``diagonal``, ``matrix_exp``,
``geqrf`` and ``linalg.householder_product``.

* ``diagonal(x, offset, dim1, dim2)`` is a view (writing into it writes into ``x``); its
  backward writes the gradient onto the same diagonal of zeros.
* ``matrix_exp(A) = sum_k A^k / k!``, computed by scaling and squaring:
  ``exp(A) = exp(A / 2^s)^(2^s)`` with ``exp(A / 2^s)`` a degree-13 Pade approximant
  (Higham 2005; torch uses Taylor polynomials of degree up to 18, Bader et al. 2019:
  the two agree to rounding). Its backward uses the identity (Mathias 1996)::

      exp([[A^T, G], [0, A^T]]) = [[exp(A^T), dA], [0, exp(A^T)]]

  so ``dA``, the gradient for ``A``, is the top-right block of one larger exponential.
* ``geqrf(A)`` is LAPACK's QR in compact form: ``R`` on and above the diagonal, below it
  the Householder vectors ``v_i`` (with an implicit 1 on the diagonal), and their
  scales ``tau``. NumPy's ``qr(mode="raw")`` calls the same LAPACK routine.
* ``householder_product(A, tau)`` multiplies the reflectors back together:
  ``Q = H_0 H_1 ... H_{k-1}``, ``H_i = I - tau_i v_i v_i^T``, keeping the first ``n``
  columns. Backward: with ``L_i = H_0...H_{i-1}``, ``R_i = H_{i+1}...H_{k-1}`` and ``G``
  the gradient of the full product, ``M_i = L_i^T G R_i^T`` is the gradient of ``H_i``, so
  ``d tau_i = -v_i^T M_i v_i`` and ``d v_i = -tau_i (M_i + M_i^T) v_i`` (below the diagonal).
Real dtypes only.
"""
import math

import numpy as np

from .. import return_types
from .._tensor import _wrap, _wrap_dim
from ..autograd.function import ArrayFunction, ViewFunction
from .pointwise import _operand


# ---- diagonal --------------------------------------------------------------------------
def _diagonal_view(x, offset, d1, d2):
    """A writable NumPy view of the diagonal (``np.diagonal`` returns a read-only one)."""
    x = np.moveaxis(x, (d1, d2), (-2, -1))
    x = x[..., :, offset:] if offset >= 0 else x[..., -offset:, :]
    return np.lib.stride_tricks.as_strided(x, x.shape[:-2] + (min(x.shape[-2:]),),
                                           x.strides[:-2] + (x.strides[-2] + x.strides[-1],))


class Diagonal(ViewFunction):
    _backward_name = "DiagonalBackward0"
    _is_view = True

    @staticmethod
    def forward(ctx, x, offset, dim1, dim2):
        ctx.shape, ctx.dtype, ctx.args = x.shape, x.dtype, (offset, dim1, dim2)
        return _diagonal_view(x, offset, dim1, dim2)

    @staticmethod
    def backward(ctx, g):
        return _diagonal_backward(g, ctx.shape, ctx.args)

    @staticmethod
    def _graph_backward(ctx, g):  # under create_graph: torch's diagonal_backward, as a node
        return DiagonalBackward.apply(g, shape=ctx.shape, args=ctx.args)


def _diagonal_backward(g, shape, args):
    """``g`` written onto the same diagonal of zeros."""
    grad = np.zeros(shape, g.dtype)
    _diagonal_view(grad, *args)[...] = g
    return grad


class DiagonalBackward(ArrayFunction):
    """torch's ``diagonal_backward`` kernel; its own backward takes the diagonal again."""
    _backward_name = "DiagonalBackwardBackward0"

    @staticmethod
    def forward(ctx, g, shape, args):
        ctx.args = args
        return _diagonal_backward(g, shape, args)

    @staticmethod
    def backward(ctx, gg):
        offset, dim1, dim2 = ctx.args
        return Diagonal.call(gg, offset=offset, dim1=dim1, dim2=dim2)


def diagonal(input, offset=0, dim1=0, dim2=1):
    """The diagonal (``offset`` above it when positive) of the matrices in ``dim1``, ``dim2``,
    as the last dimension of a view."""
    n = input.ndim
    d1, d2 = _wrap_dim(dim1, n), _wrap_dim(dim2, n)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return Diagonal.apply(input, offset=offset, dim1=d1, dim2=d2)


# ---- matrix_exp --------------------------------------------------------------------------
_PADE13 = (64764752532480000., 32382376266240000., 7771770303897600., 1187353796428800., 129060195264000.,
           10559470521600., 670442572800., 33522128640., 1323241920., 40840800., 960960., 16380., 182., 1.)


def _expm(a):
    """``exp`` of each matrix in ``a`` (float64 inside, cast back to ``a``'s dtype)."""
    x = a.astype(np.float64)
    norm = np.abs(x).sum(axis=-2).max() if x.size else 0.0
    s = max(0, math.ceil(math.log2(norm / 5.371920351148152))) if norm > 0 else 0
    x = x / 2.0 ** s
    b = _PADE13
    eye = np.broadcast_to(np.eye(x.shape[-1]), x.shape)
    x2 = x @ x
    x4 = x2 @ x2
    x6 = x4 @ x2
    u = x @ (x6 @ (b[13] * x6 + b[11] * x4 + b[9] * x2) + b[7] * x6 + b[5] * x4 + b[3] * x2 + b[1] * eye)
    v = x6 @ (b[12] * x6 + b[10] * x4 + b[8] * x2) + b[6] * x6 + b[4] * x4 + b[2] * x2 + b[0] * eye
    r = np.linalg.solve(v - u, v + u)
    for _ in range(s):
        r = r @ r
    return r.astype(a.dtype)


class MatrixExp(ArrayFunction):
    _backward_name = "LinalgMatrixExpBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _expm(a)

    @staticmethod
    def backward(ctx, g):  # (on Tensors, under create_graph, the block's exp is this op again, recorded)
        a, = ctx.saved_tensors
        n = a.shape[-1]
        at = np.swapaxes(a, -1, -2)
        block = np.concatenate([np.concatenate([at, g], -1), np.concatenate([np.zeros_like(g), at], -1)], -2)
        return MatrixExp.call(block)[..., :n, n:]


def matrix_exp(A):
    """``torch.matrix_exp`` / ``torch.linalg.matrix_exp`` of a square matrix or a batch of them."""
    A = _operand(A)
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise RuntimeError("linalg.matrix_exp: A must be batches of square matrices, "
                           f"but they are {A.shape[-2] if A.ndim > 1 else 1} by {A.shape[-1]} matrices")
    return MatrixExp.apply(A)


# ---- geqrf and householder_product ------------------------------------------------------------
def geqrf(input):
    """LAPACK's compact QR: ``(a, tau)``, ``R`` above the diagonal of ``a`` and the reflectors below."""
    h, tau = np.linalg.qr(input._data, mode="raw")  # (LAPACK's column-major result, transposed)
    return return_types.geqrf(_wrap(np.ascontiguousarray(np.swapaxes(h, -1, -2))), _wrap(tau))


def _reflectors(a):
    """The Householder vectors ``v_i`` (columns): ``a`` below the diagonal, 1 on it, 0 above."""
    m, k = a.shape[-2:]
    return np.tril(a, -1) + np.eye(m, k, dtype=np.result_type(a))  # (result_type: a Tensor's too)


def _reflector_matrices(v, tau):
    """``H_i = I - tau_i v_i v_i^T`` for each column ``i`` of ``v``, stacked in axis -3."""
    m = v.shape[-2]
    vi = np.moveaxis(v, -1, -2)[..., :, :, None]  # (..., k, m, 1)
    return np.eye(m, dtype=np.result_type(v)) - tau[..., :, None, None] * (vi @ np.swapaxes(vi, -1, -2))


class HouseholderProduct(ArrayFunction):
    _backward_name = "LinalgHouseholderProductBackward0"

    @staticmethod
    def forward(ctx, a, tau):
        ctx.save_for_backward(a, tau)
        h = _reflector_matrices(_reflectors(a)[..., :tau.shape[-1]], tau)
        q = np.broadcast_to(np.eye(a.shape[-2], dtype=a.dtype), a.shape[:-2] + (a.shape[-2],) * 2)
        for i in range(tau.shape[-1]):
            q = q @ h[..., i, :, :]
        return np.ascontiguousarray(q[..., :a.shape[-1]])

    @staticmethod
    def backward(ctx, g):  # (built from lists of columns, not written in place: it runs on Tensors under create_graph)
        a, tau = ctx.saved_tensors
        m, n = a.shape[-2:]
        k = tau.shape[-1]
        if k == 0:  # (no reflector: Q is the identity's first columns)
            return np.zeros_like(a), np.zeros_like(tau)
        v = _reflectors(a)[..., :k]
        h = _reflector_matrices(v, tau)
        gfull = np.concatenate([g, np.zeros_like(g, shape=tuple(g.shape[:-1]) + (m - n,))], -1) if m > n else g
        eye = np.broadcast_to(np.eye(m, dtype=np.result_type(a)), gfull.shape)
        lefts = [eye]
        for i in range(k - 1):
            lefts.append(lefts[-1] @ h[..., i, :, :])
        right = eye
        below = np.arange(m)[:, None] > np.arange(k)  # (where each column's reflector is stored in a)
        ga, gtau = [None] * k, [None] * k
        for i in range(k - 1, -1, -1):
            mi = np.swapaxes(lefts[i], -1, -2) @ gfull @ np.swapaxes(right, -1, -2)
            vi = v[..., :, i]
            mv = (mi @ vi[..., None])[..., 0]
            mtv = (np.swapaxes(mi, -1, -2) @ vi[..., None])[..., 0]
            gtau[i] = -np.sum(vi * mv, axis=-1)
            ga[i] = np.where(below[:, i], -tau[..., i, None] * (mv + mtv), 0)
            right = h[..., i, :, :] @ right
        ga = np.stack(ga, -1)
        if n > k:
            ga = np.concatenate([ga, np.zeros_like(a[..., k:])], -1)
        return ga, np.stack(gtau, -1)


def householder_product(A, tau):
    """``torch.linalg.householder_product``: the first ``n`` columns of ``H_0 ... H_{k-1}``."""
    A, tau = _operand(A), _operand(tau)
    if A.ndim < 2:
        raise RuntimeError("torch.linalg.householder_product: input must have at least 2 dimensions.")
    if A.shape[-2] < A.shape[-1]:
        raise RuntimeError("torch.linalg.householder_product: input.shape[-2] must be greater than or equal to "
                           "input.shape[-1]")
    if A.shape[-1] < tau.shape[-1]:
        raise RuntimeError("torch.linalg.householder_product: input.shape[-1] must be greater than or equal to "
                           "tau.shape[-1]")
    return HouseholderProduct.apply(A, tau)
