"""Inverses, determinants and linear systems of ``torch.linalg``, with their gradients:
``inv``, ``det``, ``slogdet``, ``solve``, ``lstsq``, ``pinv`` and ``matrix_rank``.

Forward: NumPy's LAPACK routines (LU for inv/det/solve), or the SVD for the pseudo-inverse
and ranks. Backward (torch's formulas, real matrices, batched):

* inv, ``X = A^-1``: ``gA = -X^T g X^T``.
* det: ``gA = g det(A) A^-T`` (the cofactor matrix); torch computes it from the LU factors
  with zero pivots nudged to epsilon, which makes it 0 where ``det`` is exactly 0.
* slogdet: ``gA = g_logabsdet A^-T`` (the sign of a real determinant has no gradient).
* solve, ``AX = B``: ``gB = A^-T g``, ``gA = -gB X^T`` (for ``XA = B``: ``gB = g A^-T``,
  ``gA = -X^T gB``).
* pinv (torch's ``pinv_backward``), and lstsq through it: ``X = pinv(A) B``.

Under ``create_graph=True`` the det, slogdet and lstsq formulas run as they are, on Tensors:
their ``np.linalg.inv`` and matrix products are answered by ``Inv`` and ``matmul``
(``autograd/numpy_dispatch.py``). Where we differ: for a singular matrix (det exactly 0) torch's
create_graph path takes det's gradient from the SVD (the cofactor matrix); ours stays 0,
the value both give without create_graph.

Singular inputs raise torch's ``LinAlgError``, naming (as LAPACK's ``getrf`` does) the
first zero diagonal element of the LU factorization.
"""
import numpy as np

from .. import return_types, _checks
from .._tensor import _wrap
from ..autograd.function import ArrayFunction
from .linalg_decomp import batch_error, column_major, _eye, _t
from .pointwise import _operand, where


def _first_zero_pivot(a):
    """Per matrix, LAPACK ``getrf``'s ``info``: the 1-based index of the first exactly zero
    pivot of LU with partial pivoting, 0 if none (only run to word an error)."""
    n = a.shape[-1]
    lu = a.reshape(-1, n, n).astype(np.float64)
    rows = np.arange(lu.shape[0])
    info = np.zeros(lu.shape[0], np.int64)
    for j in range(n):
        p = j + np.argmax(np.abs(lu[:, j:, j]), axis=1)
        lu[rows, j], lu[rows, p] = lu[rows, p], lu[rows, j].copy()
        pivot = lu[:, j, j]
        info[(pivot == 0) & (info == 0)] = j + 1
        factors = lu[:, j + 1:, j] / np.where(pivot == 0, 1, pivot)[:, None]
        lu[:, j + 1:, j + 1:] -= factors[:, :, None] * lu[:, j, None, j + 1:]
    return info.reshape(a.shape[:-2])


def _inverse(a, fn):
    try:
        return np.linalg.inv(a)
    except np.linalg.LinAlgError:
        info = _first_zero_pivot(a)
        first = info.reshape(-1)[np.flatnonzero(info.reshape(-1))[0]]
        raise batch_error(fn, info > 0, a.shape, f"The diagonal element {first} is zero, the inversion could not be "
                                                 "completed because the input matrix is singular.") from None


class Inv(ArrayFunction):
    _backward_name = "LinalgInvExBackward0"

    @staticmethod
    def forward(ctx, a):
        inv = column_major(_inverse(a, "linalg.inv"))
        ctx.save_for_backward(inv)
        return inv

    @staticmethod
    def backward(ctx, g):
        inv, = ctx.saved_tensors
        return -(_t(inv) @ g @ _t(inv))

    @staticmethod
    def _graph_backward(ctx, g):  # under create_graph: the same product, with the inverse recomputed in the graph
        inv = Inv.apply(ctx._inputs[0]).mT
        return -(inv @ g @ inv)


def inv(A, *, out=None):
    A = _operand(A)
    _checks.linalg_matrix("linalg.inv", A)
    return Inv.apply(A)


def _inverse_transpose_or_zero(a, scale):
    """``scale * A^-T``, and 0 where ``scale`` is 0 (a singular matrix with det exactly 0)."""
    singular = scale == 0
    eye = np.broadcast_to(_eye(a.shape[-1], a), a.shape)
    safe = np.where(singular[..., None, None], eye, a)
    return np.where(singular[..., None, None], 0, scale[..., None, None] * _t(np.linalg.inv(safe)))


class Det(ArrayFunction):
    _backward_name = "LinalgDetBackward0"
    _save_names = ("A", "result")

    @staticmethod
    def forward(ctx, a):
        det = np.asarray(np.linalg.det(a), a.dtype)
        ctx.save_for_backward(a, det)
        return det

    @staticmethod
    def backward(ctx, g):
        a, det = ctx.saved_tensors
        return _inverse_transpose_or_zero(a, g * det)


def det(A, *, out=None):
    A = _operand(A)
    _checks.linalg_matrix("linalg.det", A, kernel="lu_cpu")
    return Det.apply(A)


class Slogdet(ArrayFunction):
    _backward_name = "LinalgSlogdetBackward0"
    _save_names = ("A",)

    @staticmethod
    def forward(ctx, a):
        sign, logabsdet = np.linalg.slogdet(a)
        ctx.save_for_backward(a)
        return np.asarray(sign, a.dtype), np.asarray(logabsdet, a.dtype)

    @staticmethod
    def backward(ctx, g_sign, g_logabsdet):
        a, = ctx.saved_tensors
        if g_logabsdet is None:
            return np.zeros_like(a)
        return g_logabsdet[..., None, None] * _t(_inverse(a, "linalg.slogdet"))


def _slogdet(A, fn):
    A = _operand(A)
    _checks.linalg_matrix(fn, A)
    return Slogdet.apply(A)


def slogdet(A, *, out=None):
    return return_types.linalg_slogdet(*_slogdet(A, "linalg.slogdet"))


def torch_slogdet(input):
    """``torch.slogdet``: the same values, as ``torch.return_types.slogdet``."""
    return return_types.slogdet(*_slogdet(input, "linalg.slogdet"))


def logdet(input):
    """``log(det(A))``: NaN for a negative determinant (torch: ``where(sign == -1, nan, logabsdet)``)."""
    sign, logabsdet = _slogdet(input, "logdet")
    return where(sign < 0, _wrap(np.asarray(np.nan, logabsdet._data.dtype)), logabsdet)


# ---- solve ----------------------------------------------------------------------------
class Solve(ArrayFunction):
    """``X`` with ``A X = B`` (``left``) or ``X A = B``; a vector ``B`` is one column."""
    _backward_name = "LinalgSolveExBackward0"

    @staticmethod
    def forward(ctx, a, b, left, vector):
        bm = b[..., None] if vector else b
        try:
            x = np.linalg.solve(a, bm) if left else _t(np.linalg.solve(_t(a), _t(bm)))
        except np.linalg.LinAlgError:
            singular = _first_zero_pivot(a) > 0
            raise batch_error("torch.linalg.solve", singular, a.shape,
                              "The solver failed because the input matrix is singular.") from None
        ctx.save_for_backward(a, x)
        ctx.left, ctx.vector = left, vector
        return x[..., 0] if vector else column_major(x)

    @staticmethod
    def backward(ctx, g):
        a, x = ctx.saved_tensors
        g = g[..., None] if ctx.vector else g
        if ctx.left:
            gb = np.linalg.solve(_t(a), g)
            ga = -gb @ _t(x)
        else:
            gb = _t(np.linalg.solve(a, _t(g)))
            ga = -_t(x) @ gb
        return ga, (gb[..., 0] if ctx.vector else gb)

    @staticmethod
    def _graph_backward(ctx, g):  # under create_graph: the same formulas, with solves that record a graph
        a, b = ctx._inputs[0], ctx._inputs[1]
        x = Solve.apply(a, b, left=ctx.left, vector=ctx.vector)
        x, g = (x.unsqueeze(-1), g.unsqueeze(-1)) if ctx.vector else (x, g)
        if ctx.left:
            gb = Solve.apply(a.mT, g, left=True, vector=False)
            ga = -gb @ x.mT
        else:
            gb = Solve.apply(a, g.mT, left=True, vector=False).mT
            ga = -x.mT @ gb
        return ga, (gb.squeeze(-1) if ctx.vector else gb)


def _is_vector_rhs(A, B):
    """torch's rule: ``B`` is a (batch of) vector(s) when 1-d, or when its shape is A's minus the last dim."""
    return B._data.ndim == 1 or (B._data.ndim == A._data.ndim - 1 and B._data.shape == A._data.shape[:-1])


def solve(A, B, *, left=True, out=None):
    A, B = _operand(A), _operand(B)
    _checks.linalg_matrix("linalg.solve", A)
    if A._data.dtype != B._data.dtype:
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but found A of type "
                           f"{A.dtype._scalar_name} and B of type {B.dtype._scalar_name} instead")
    vector = _is_vector_rhs(A, B)
    n = A._data.shape[-1]
    bshape = (B._data.shape[-1], 1) if vector else B._data.shape[-2:]
    if (bshape[0] if left else bshape[-1]) != n:
        eq = "AX = B" if left else "XA = B"
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation {eq} ({n}x{n} and "
                           f"{bshape[0]}x{bshape[1]})")
    return Solve.apply(A, B, left=left, vector=vector)


# ---- pinv, lstsq, matrix_rank ----------------------------------------------------------------
def _tolerance(s_max, shape, dtype, atol, rtol):
    """torch's cut-off for small singular values: ``max(atol, rtol * s_max)``, with ``rtol``
    defaulting to ``eps * max(m, n)`` (or to 0 when only ``atol`` is given)."""
    if rtol is None:
        rtol = np.finfo(dtype).eps * max(shape[-2:]) if atol is None or atol <= 0 else 0.0
    return np.maximum(0.0 if atol is None else atol, rtol * s_max)


def _pinv(a, atol, rtol, hermitian):
    if hermitian:
        w, V = np.linalg.eigh(a)
        tol = _tolerance(np.max(np.abs(w), axis=-1, initial=0), a.shape, a.dtype, atol, rtol)
        keep = np.abs(w) > tol[..., None]
        return (V * np.where(keep, 1 / np.where(keep, w, 1), 0)[..., None, :]) @ _t(V)
    U, S, Vh = np.linalg.svd(a, full_matrices=False)
    tol = _tolerance(np.max(S, axis=-1, initial=0), a.shape, a.dtype, atol, rtol)
    keep = S > tol[..., None]
    return (_t(Vh) * np.where(keep, 1 / np.where(keep, S, 1), 0)[..., None, :]) @ _t(U)


def _pinv_backward(g, pinv, a):
    """torch's ``pinv_backward``, arranged to multiply the smallest matrices."""
    m, n = a.shape[-2:]
    pinv_t, g_t = _t(pinv), _t(g)
    if m <= n:
        K = g_t @ pinv
        K_pinv_t = K @ pinv_t
        return -_t(pinv @ K) + K_pinv_t - (a @ pinv) @ K_pinv_t + (pinv_t @ pinv) @ (g_t - K @ a)
    K = pinv @ g_t
    pinv_t_K = pinv_t @ K
    return -_t(K @ pinv) + (g_t - a @ K) @ pinv @ pinv_t + pinv_t_K - pinv_t_K @ pinv @ a


class Pinv(ArrayFunction):
    _backward_name = "LinalgPinvBackward0"
    _save_names = ("self", "result")

    @staticmethod
    def forward(ctx, a, atol, rtol, hermitian):
        p = _pinv(a, atol, rtol, hermitian)
        ctx.save_for_backward(a, p)
        return p

    @staticmethod
    def backward(ctx, g):
        a, p = ctx.saved_tensors
        return _pinv_backward(g, p, a)


def _check_pinv_input(A):
    if A._data.ndim < 2 or A._data.dtype not in (np.float32, np.float64):
        raise RuntimeError(f"linalg.pinv({A.dtype._scalar_name}{{{list(A._data.shape)}}}): expected a tensor with 2 or "
                           "more dimensions of float, double, cfloat or cdouble types")


def pinv(A, rcond=None, hermitian=False, *, atol=None, rtol=None, out=None):
    A = _operand(A)
    _check_pinv_input(A)
    return Pinv.apply(A, atol=atol, rtol=rtol if rcond is None else rcond, hermitian=hermitian)


def pinverse(input, rcond=1e-15):
    return pinv(input, rtol=rcond)


class Lstsq(ArrayFunction):
    """The least-squares solution ``X = pinv(A) B`` (the minimum-norm one when A is rank
    deficient) and, when asked, the squared residuals ``sum((A X - B)^2)`` per column.
    Backward through ``pinv`` (torch's ``linalg_lstsq_backward``); the residuals add
    ``2 r X^T`` to A's gradient and ``-2 r`` to B's, ``r = A X - B`` (X's own change
    contributes nothing, since ``A^T r = 0`` at the optimum). Under create_graph the
    pseudo-inverse is recomputed as a differentiable ``pinv`` (torch's backward recomputes
    it always)."""
    _backward_name = "LinalgLstsqBackward0"
    _save_names, _save_outputs = ("self", "b", None, "solution"), {"solution": 0}

    @staticmethod
    def forward(ctx, a, b, rcond, vector, residuals):
        p = _pinv(a, None, rcond, False)
        bm = b[..., None] if vector else b
        x = p @ bm
        solution = x[..., 0] if vector else column_major(x)
        ctx.save_for_backward(a, b, p, solution)
        ctx.rcond, ctx.vector, ctx.residuals = rcond, vector, residuals
        if not residuals:
            return solution, np.zeros((0,), a.dtype)
        r = a @ x - bm
        return solution, np.sum(r * r, axis=-2)

    def _graph_saved(ctx, values):
        return {2: Pinv.apply(ctx._inputs[0], atol=None, rtol=ctx.rcond, hermitian=False)}

    @staticmethod
    def backward(ctx, g, g_residuals):
        a, b, p, x = ctx.saved_tensors
        if ctx.vector:
            b, x = b[..., None], x[..., None]
        ga, gb = np.zeros_like(a), np.zeros_like(b)
        if g is not None:
            g = g[..., None] if ctx.vector else g
            ga = _pinv_backward(g @ _t(b), p, a)
            gb = _t(p) @ g
        if g_residuals is not None and ctx.residuals:
            gr = 2 * (a @ x - b) * g_residuals[..., None, :]
            ga, gb = ga + gr @ _t(x), gb - gr
        return ga, (gb[..., 0] if ctx.vector else gb)


_DRIVERS = ("gels", "gelsy", "gelsd", "gelss")


def lstsq(A, B, rcond=None, *, driver=None):
    """(solution, residuals, rank, singular_values), each filled as torch's CPU ``driver``
    fills it: ``rank`` except for gels, ``singular_values`` for gelsd/gelss, ``residuals``
    for drivers other than the default gelsy when A is tall and of full rank."""
    A, B = _operand(A), _operand(B)
    driver = "gelsy" if driver is None else driver
    if driver not in _DRIVERS:
        raise RuntimeError("torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)")
    _checks.linalg_matrix("torch.linalg.lstsq", A, square=False)
    vector = B._data.ndim == A._data.ndim - 1
    if B._data.shape[-1 if vector else -2] != A._data.shape[-2]:
        raise RuntimeError("torch.linalg.lstsq: input.size(-2) should match other.size(-2)")
    m, n = A._data.shape[-2:]
    S = np.linalg.svd(A._data, compute_uv=False)
    rank = np.sum(S > _tolerance(S[..., :1], A._data.shape, A._data.dtype, None, rcond), axis=-1).astype(np.int64)
    residuals = driver != "gelsy" and m > n and bool(np.all(rank == n))
    solution, squared = Lstsq.apply(A, B, rcond=rcond, vector=vector, residuals=residuals)
    return return_types.linalg_lstsq(solution, squared,
                                     _wrap(np.zeros((0,), np.int64)) if driver == "gels" else _wrap(rank),
                                     _wrap(S) if driver in ("gelsd", "gelss") else _wrap(np.zeros((0,), S.dtype)))


def matrix_rank(A, *, atol=None, rtol=None, hermitian=False, out=None):
    A = _operand(A)
    if A._data.ndim < 2:
        raise RuntimeError("torch.linalg.matrix_rank: The input tensor input must have at least 2 dimensions.")
    if A._data.dtype not in (np.float32, np.float64):
        raise RuntimeError("This function doesn't handle types other than float and double")
    a = A._data
    S = np.abs(np.linalg.eigvalsh(a)) if hermitian else np.linalg.svd(a, compute_uv=False)
    tol = _tolerance(np.max(S, axis=-1, initial=0), a.shape, a.dtype, atol, rtol)
    return _wrap(np.sum(S > tol[..., None], axis=-1).astype(np.int64))

