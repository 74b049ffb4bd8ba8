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


def column_major(a):
    """``a`` with each matrix stored column by column, as LAPACK returns them and torch
    keeps them (``torch.linalg.inv(A).stride()`` is ``(1, n)``): the layout decides which
    later reshapes are views, and what ``is_contiguous()`` says."""
    return _t(np.ascontiguousarray(_t(a)))


# ---- cholesky ---------------------------------------------------------------------------
class Cholesky(ArrayFunction):
    _backward_name = "LinalgCholeskyExBackward0"

    @staticmethod
    def forward(ctx, a, upper):
        try:
            L = np.linalg.cholesky(a)
        except np.linalg.LinAlgError:
            raise _not_positive_definite(a) from None
        ctx.save_for_backward(L)
        ctx.upper = upper
        return column_major(_t(L) if upper else L)

    @staticmethod
    def backward(ctx, g):
        L, = ctx.saved_tensors
        if ctx.upper:
            g = _t(g)
        L_inv = np.linalg.inv(L)
        phi = np.tril(_t(L) @ g)
        idx = np.arange(L.shape[-1])
        phi[..., idx, idx] *= 0.5
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

    @staticmethod
    def forward(ctx, a, uplo, vectors):
        w, V = np.linalg.eigh(a, UPLO=uplo)
        ctx.save_for_backward(w, V)
        return (w, column_major(V)) if vectors else w

    @staticmethod
    def backward(ctx, gw, gV=None):
        w, V = ctx.saved_tensors
        if gV is None:
            return (V * gw[..., None, :]) @ _t(V)
        VtgV = _t(V) @ gV
        VtgV = 0.5 * (VtgV - _t(VtgV))
        E = w[..., None, :] - w[..., :, None]
        idx = np.arange(w.shape[-1])
        E[..., idx, idx] = 1
        inner = VtgV / E
        inner[..., idx, idx] = 0 if gw is None else gw
        return V @ inner @ _t(V)


def _eigh(A, UPLO, vectors):
    A = _operand(A)
    _checks.linalg_matrix("linalg.eigh", A, kernel="linalg_eigh_cpu", kernel_checks_ints=True)
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    return Eigh.apply(A, uplo=UPLO, vectors=vectors)


def eigh(A, UPLO="L", *, out=None):
    return return_types.linalg_eigh(*_eigh(A, UPLO, True))


def eigvalsh(A, UPLO="L", *, out=None):
    return _eigh(A, UPLO, False)


# ---- svd ------------------------------------------------------------------------------------
class Svd(ArrayFunction):
    """(U, S, Vh) with ``A = U diag(S) Vh``; ``svdvals`` returns S only, from the same node."""
    _backward_name = "LinalgSvdBackward0"

    @staticmethod
    def forward(ctx, a, full_matrices, vectors):
        U, S, Vh = np.linalg.svd(a, full_matrices=full_matrices and vectors)
        ctx.save_for_backward(U, S, Vh)
        return (column_major(U), S, column_major(Vh)) if vectors else S

    @staticmethod
    def backward(ctx, *grads):
        U, S, Vh = ctx.saved_tensors
        gU, gS, gVh = grads if len(grads) == 3 else (None, grads[0], None)
        k = S.shape[-1]
        U, Vh = U[..., :k], Vh[..., :k, :]  # (full_matrices: the extra columns get no gradient)
        gU = None if gU is None else gU[..., :k]
        gVh = None if gVh is None else gVh[..., :k, :]
        m, n = U.shape[-2], Vh.shape[-1]
        if gU is None and gVh is None:
            return (U * gS[..., None, :]) @ Vh if gS is not None else np.zeros(U.shape[:-1] + (n,), U.dtype)
        S2 = S * S
        E = S2[..., None, :] - S2[..., :, None]
        idx = np.arange(k)
        E[..., idx, idx] = 1
        inner = 0
        if gU is not None:
            UtgU = _t(U) @ gU
            inner = (UtgU - _t(UtgU)) * S[..., None, :]
        if gVh is not None:
            VhgV = Vh @ _t(gVh)
            inner = inner + S[..., :, None] * (VhgV - _t(VhgV))
        inner = inner / E
        if gS is not None:
            inner[..., idx, idx] += gS
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
    return return_types.linalg_svd(*Svd.apply(A, full_matrices=full_matrices, vectors=True))


def svdvals(A, *, driver=None, out=None):
    A = _operand(A)
    _checks.linalg_matrix("linalg.svd", A, square=False, kernel="linalg_svd_cpu")
    return Svd.apply(A, full_matrices=False, vectors=False)


# ---- qr -------------------------------------------------------------------------------------
class Qr(ArrayFunction):
    _backward_name = "LinalgQrBackward0"

    @staticmethod
    def forward(ctx, a, mode):
        Q, R = np.linalg.qr(a, mode="complete" if mode == "complete" else "reduced")
        ctx.save_for_backward(Q, R)
        ctx.mode = mode
        return (np.zeros((0,), a.dtype) if mode == "r" else column_major(Q)), column_major(R)

    @staticmethod
    def backward(ctx, gQ, gR):
        Q, R = ctx.saved_tensors
        m, n = Q.shape[-2], R.shape[-1]
        if ctx.mode == "r":
            raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed when mode='r'. Please "
                               "use linalg.qr(A, mode='reduced') if you are going to differentiate through linalg.qr.")
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
    idx = np.arange(M.shape[-1])
    sym = M + _t(M)
    sym[..., idx, idx] *= 0.5
    b = Q @ sym + gQ
    return _t(np.linalg.solve(R, _t(b)))  # b R^-T


def qr(A, mode="reduced", *, out=None):
    A = _operand(A)
    _checks.linalg_matrix("linalg.qr", A, square=False, kernel="geqrf_cpu")
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), 'r', or "
                           "'complete'")
    return return_types.linalg_qr(*Qr.apply(A, mode=mode))
