"""Matrix decompositions of ``torch.linalg``, with their gradients: ``cholesky``, ``qr``,
``eigh``/``eigvalsh`` and ``svd``/``svdvals``.

Forward: NumPy's LAPACK routines, the algorithms torch calls on the CPU (so even the signs
of eigenvectors and singular vectors usually agree; both are only defined up to sign).
Backward: torch's formulas (``FunctionsManual.cpp``) for real matrices, batched over the
leading dimensions. With ``sym(X) = (X + X^T) / 2`` and ``skew(X) = X - X^T``:

* cholesky, ``A = L L^T``: ``gA = sym(L^-T Phi(L^T gL) L^-1)``, ``Phi`` the lower triangle
  with its diagonal halved.
* eigh, ``A = V diag(w) V^T``: ``gA = V (diag(gw) + (skew(V^T gV) / 2) / E) V^T`` with
  ``E_ij = w_j - w_i`` (the diagonal of the quotient is replaced by ``gw``).
* svd, ``A = U diag(S) Vh``: ``gA = U [(skew(U^T gU) S + S skew(Vh gVh^T)) / E + diag(gS)] Vh``
  with ``E_ij = S_j^2 - S_i^2``; for a rectangular ``A``, plus the part of ``gU`` (or
  ``gVh``) outside the span of ``U`` (or ``V``): ``(I - U U^T) gU S^-1 Vh``.
* qr, ``A = QR`` with m >= n: ``gA = (gQ + Q copyu(M)) R^-T``, ``M = gR R^T - Q^T gQ`` and
  ``copyu`` the symmetric matrix built from the upper triangle of ``M``. For m < n,
  ``A = [X | Y]`` with ``X = Q R_1`` square: ``gY = Q gR_2``, and ``X`` takes the square
  formula with ``gQ + Y gR_2^T``.

Like torch, the formulas assume distinct eigenvalues (singular values): they divide by
their differences. Errors are torch's, including the ``LinAlgError`` that names the first
leading minor that is not positive-definite.

Higher-order gradients: each node saves its outputs (torch's ``_saved_L``, ``_saved_U``...),
and each formula is written with operations that also exist as differentiable ops (matrix
products, ``np.tril``, ``np.linalg.inv``/``solve``; diagonals set by adding ``diag * I``,
not in place), so under ``create_graph=True`` the same formula runs on Tensors and records
its graph (``autograd/numpy_dispatch.py``). ``eigvalsh`` and ``svdvals`` are the
eigenvalue / singular-value outputs of the full decomposition's node, as in torch: their
double backward goes through the vectors.
"""
import numpy as np

from .. import return_types, _checks
from ..autograd.function import ArrayFunction
from .pointwise import _operand


class LinAlgError(RuntimeError):
    """torch.linalg.LinAlgError: a matrix the algorithm cannot handle (singular, not positive-definite)."""
    __module__ = "minitorch_compat.linalg"


def batch_error(fn, bad, shape, message):
    """torch's LinAlgError for the first failing matrix of a batch (its flat index in ``bad``)."""
    where = f"(Batch element {int(np.flatnonzero(bad.reshape(-1))[0])}): " if len(shape) > 2 else ""
    return LinAlgError(f"{fn}: {where}{message}")


def _t(a):
    return np.swapaxes(a, -1, -2)


def _eye(n, like):
    """The ``n x n`` identity in ``like``'s dtype (``like`` an array, or a Tensor in a formula)."""
    return np.eye(n, dtype=np.result_type(like))


def column_major(a):
    """``a`` with each matrix stored column by column, as LAPACK returns them and torch
    keeps them (``torch.linalg.inv(A).stride()`` is ``(1, n)``): the layout decides which
    later reshapes are views, and what ``is_contiguous()`` says."""
    return _t(np.ascontiguousarray(_t(a)))


# ---- cholesky ---------------------------------------------------------------------------
class Cholesky(ArrayFunction):
    _backward_name = "LinalgCholeskyExBackward0"
    _save_names, _save_outputs = ("L",), {"L": 0}

    @staticmethod
    def forward(ctx, a, upper):
        try:
            L = np.linalg.cholesky(a)
        except np.linalg.LinAlgError:
            raise _not_positive_definite(a) from None
        out = column_major(_t(L) if upper else L)
        ctx.save_for_backward(out)
        ctx.upper = upper
        return out

    @staticmethod
    def backward(ctx, g):
        L, = ctx.saved_tensors
        if ctx.upper:
            L, g = _t(L), _t(g)
        L_inv = np.linalg.inv(L)
        phi = _t(L) @ g
        phi = np.tril(phi) - 0.5 * (phi * _eye(phi.shape[-1], phi))
        ga = _t(L_inv) @ phi @ L_inv
        return (ga + _t(ga)) * 0.5


def _not_positive_definite(a):
    """Which leading minor fails: the unblocked Cholesky recurrence, run until a pivot <= 0."""
    n = a.shape[-1]
    L = np.zeros(a.shape, a.dtype)
    order = np.zeros(a.shape[:-2], np.int64)
    for j in range(n):
        d = a[..., j, j] - np.sum(L[..., j, :j] ** 2, axis=-1)
        fails = (order == 0) & ~(d > 0)
        order[fails] = j + 1
        pivot = np.sqrt(np.where(d > 0, d, 1))
        L[..., j, j] = pivot
        dots = np.sum(L[..., j + 1:, :j] * L[..., j, None, :j], axis=-1)
        L[..., j + 1:, j] = (a[..., j + 1:, j] - dots) / pivot[..., None]
    first = order.reshape(-1)[np.flatnonzero(order.reshape(-1))[0]]
    return batch_error("linalg.cholesky", order > 0, a.shape,
                       "The factorization could not be completed because the input is not positive-definite "
                       f"(the leading minor of order {first} is not positive-definite).")


def cholesky(A, *, upper=False, out=None):
    A = _operand(A)
    _checks.linalg_matrix("linalg.cholesky", A, kernel="cholesky_cpu")
    return Cholesky.apply(A, upper=upper)


# ---- eigh -----------------------------------------------------------------------------
class Eigh(ArrayFunction):
    """(eigenvalues, eigenvectors) of a symmetric matrix, ascending; ``eigvalsh`` returns
    the eigenvalues only, from the same node."""
    _backward_name = "LinalgEighBackward0"
    _save_names = ("eigenvalues", "eigenvectors")
    _save_outputs = {"eigenvalues": 0, "eigenvectors": 1}

    @staticmethod
    def forward(ctx, a, uplo):
        w, V = np.linalg.eigh(a, UPLO=uplo)
        V = column_major(V)
        ctx.save_for_backward(w, V)
        return w, V

    @staticmethod
    def backward(ctx, gw, gV):
        w, V = ctx.saved_tensors
        if gV is None:
            return (V * gw[..., None, :]) @ _t(V)
        eye = _eye(w.shape[-1], w)
        VtgV = _t(V) @ gV
        inner = 0.5 * (VtgV - _t(VtgV)) / (w[..., None, :] - w[..., :, None] + eye)  # (its diagonal: 0 / 1)
        if gw is not None:
            inner = inner + gw[..., None, :] * eye
        return V @ inner @ _t(V)


def _eigh(A, UPLO):
    A = _operand(A)
    _checks.linalg_matrix("linalg.eigh", A, kernel="linalg_eigh_cpu", kernel_checks_ints=True)
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    return Eigh.apply(A, uplo=UPLO)


def eigh(A, UPLO="L", *, out=None):
    return return_types.linalg_eigh(*_eigh(A, UPLO))


def eigvalsh(A, UPLO="L", *, out=None):
    return _eigh(A, UPLO)[0]


# ---- svd ------------------------------------------------------------------------------------
class Svd(ArrayFunction):
    """(U, S, Vh) with ``A = U diag(S) Vh``; ``svdvals`` returns S only, from the same node."""
    _backward_name = "LinalgSvdBackward0"
    _save_names, _save_outputs = ("U", "S", "Vh"), {"U": 0, "S": 1, "Vh": 2}

    @staticmethod
    def forward(ctx, a, full_matrices):
        U, S, Vh = np.linalg.svd(a, full_matrices=full_matrices)
        U, Vh = column_major(U), column_major(Vh)
        ctx.save_for_backward(U, S, Vh)
        return U, S, Vh

    @staticmethod
    def backward(ctx, gU, gS, gVh):
        U, S, Vh = ctx.saved_tensors
        k = S.shape[-1]
        if U.shape[-1] > k or Vh.shape[-2] > k:  # (full_matrices: the extra columns get no gradient)
            U, Vh = U[..., :k], Vh[..., :k, :]
            gU = None if gU is None else gU[..., :k]
            gVh = None if gVh is None else gVh[..., :k, :]
        m, n = U.shape[-2], Vh.shape[-1]
        if gU is None and gVh is None:
            return (U * gS[..., None, :]) @ Vh
        eye = _eye(k, S)
        S2 = S * S
        E = S2[..., None, :] - S2[..., :, None] + eye
        inner = 0
        if gU is not None:
            UtgU = _t(U) @ gU
            inner = (UtgU - _t(UtgU)) * S[..., None, :]
        if gVh is not None:
            VhgV = Vh @ _t(gVh)
            inner = inner + S[..., :, None] * (VhgV - _t(VhgV))
        inner = inner / E  # (its diagonal: 0 / 1)
        if gS is not None:
            inner = inner + gS[..., None, :] * eye
        if m > n and gU is not None:
            gUSinv = gU / S[..., None, :]
            return (U @ inner + gUSinv - U @ (_t(U) @ gUSinv)) @ Vh
        if m < n and gVh is not None:
            SinvgVh = gVh / S[..., :, None]
            return U @ (inner @ Vh + SinvgVh - (SinvgVh @ _t(Vh)) @ Vh)
        return U @ inner @ Vh


def svd(A, full_matrices=True, *, driver=None, out=None):
    A = _operand(A)
    _checks.linalg_matrix("linalg.svd", A, square=False, kernel="linalg_svd_cpu")
    return return_types.linalg_svd(*Svd.apply(A, full_matrices=full_matrices))


def svdvals(A, *, driver=None, out=None):
    A = _operand(A)
    _checks.linalg_matrix("linalg.svd", A, square=False, kernel="linalg_svd_cpu")
    return Svd.apply(A, full_matrices=False)[1]


# ---- qr -------------------------------------------------------------------------------------
class Qr(ArrayFunction):
    _backward_name = "LinalgQrBackward0"
    _save_names, _save_outputs = ("Q", "R"), {"Q": 0, "R": 1}

    @staticmethod
    def forward(ctx, a, mode):
        Q, R = np.linalg.qr(a, mode="complete" if mode == "complete" else "reduced")
        Q, R = (np.zeros((0,), a.dtype) if mode == "r" else column_major(Q)), column_major(R)
        ctx.save_for_backward(Q, R)
        ctx.mode = mode
        return Q, R

    @staticmethod
    def backward(ctx, gQ, gR):
        Q, R = ctx.saved_tensors
        if ctx.mode == "r":
            raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed when mode='r'. Please "
                               "use linalg.qr(A, mode='reduced') if you are going to differentiate through linalg.qr.")
        m, n = Q.shape[-2], R.shape[-1]
        if ctx.mode == "complete" and m > n:
            raise RuntimeError("The QR decomposition is not differentiable when mode='complete' and nrows > ncols.")
        gQ = np.zeros_like(Q) if gQ is None else gQ
        gR = np.zeros_like(R) if gR is None else gR
        if m >= n:
            return _qr_grad(Q, R, gQ, gR)
        Y = Q @ R[..., :, m:]  # A = [X | Y], X = Q R_1
        gY = Q @ gR[..., :, m:]
        gX = _qr_grad(Q, R[..., :, :m], gQ + Y @ _t(gR[..., :, m:]), gR[..., :, :m])
        return np.concatenate([gX, gY], axis=-1)


def _qr_grad(Q, R, gQ, gR):
    """torch's gradient of ``A = QR`` for a tall or square ``A``."""
    M = np.triu(gR @ _t(R) - _t(Q) @ gQ)
    b = Q @ (M + _t(np.triu(M, 1))) + gQ  # (copyu(M): M's upper triangle mirrored below the diagonal)
    return _t(np.linalg.solve(R, _t(b)))  # b R^-T


def qr(A, mode="reduced", *, out=None):
    A = _operand(A)
    _checks.linalg_matrix("linalg.qr", A, square=False, kernel="geqrf_cpu")
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), 'r', or "
                           "'complete'")
    return return_types.linalg_qr(*Qr.apply(A, mode=mode))
