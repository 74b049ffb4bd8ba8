"""``torch.linalg``: linear algebra on (batches of) matrices.

The operations live in ``_ops/`` with their gradients: decompositions (``cholesky``, ``qr``,
``eigh``, ``svd``) in ``_ops/linalg_decomp.py``; ``matrix_exp`` and ``householder_product`` in
``_ops/matrix_functions.py``; inverses, determinants and solvers in
``_ops/linalg_solve.py``; ``vector_norm`` in ``_ops/reduction.py`` and ``cross`` in
``_ops/linalg.py``. This module is the namespace, plus the two norms torch composes from
those: ``matrix_norm`` and the dispatching ``norm``.
"""
import math

from .._tensor import _wrap_dim
from .. import _checks
from .._ops.pointwise import _operand
from .._ops.reduction import vector_norm, amax, amin, sum as _sum
from .._ops.shape import permute, unsqueeze
from .._ops.linalg import matmul, cross
from .._ops.linalg_decomp import LinAlgError, cholesky, eigh, eigvalsh, qr, svd, svdvals
from .._ops.matrix_functions import householder_product, matrix_exp
from .._ops.linalg_solve import det, inv, lstsq, matrix_rank, pinv, slogdet, solve

__all__ = ["LinAlgError", "cholesky", "cross", "det", "eigh", "eigvalsh", "householder_product", "inv", "lstsq",
           "matmul", "matrix_exp", "matrix_norm", "matrix_rank", "norm", "pinv", "qr", "slogdet", "solve", "svd", "svdvals", "vector_norm"]


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None):
    """The ``ord`` norm of the matrices in dimensions ``dim`` of ``A``, as torch composes it:

    * ``'fro'``: the 2-norm of all their entries (``vector_norm``);
    * ``1`` / ``-1``: the largest / smallest column sum of ``|A|`` (``inf`` / ``-inf``: row sum);
    * ``2`` / ``-2`` / ``'nuc'``: the largest / smallest / sum of the singular values, the
      matrix dimensions first moved last (``permute``), as ``svdvals`` wants them.
    """
    A = _operand(A)
    _checks.linalg_matrix("linalg.matrix_norm", A, square=False, half_ok=True)
    if dtype is not None:
        A = A.to(dtype)
    if len(dim) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(map(str, dim))}")
    d0, d1 = (_wrap_dim(d, A.ndim) for d in dim)
    if ord == "fro":
        return vector_norm(A, 2, (d0, d1), keepdim)
    if ord == "nuc" or ord in (2, -2):
        moved = [d for d in range(A.ndim) if d not in (d0, d1)] + [d0, d1]
        s = svdvals(permute(A, moved))
        result = _sum(s, -1) if ord == "nuc" else (amax if ord > 0 else amin)(s, -1)
        if keepdim:
            back = sorted(range(A.ndim), key=moved.__getitem__)
            result = permute(unsqueeze(unsqueeze(result, -1), -1), back)
        return result
    if ord in (1, -1, math.inf, -math.inf):
        if abs(ord) == math.inf:
            d0, d1 = d1, d0
        if not keepdim and d0 < d1:
            d1 -= 1
        return (amax if ord > 0 else amin)(vector_norm(A, 1, d0, keepdim), d1, keepdim)
    raise RuntimeError(f"linalg.matrix_norm: Order {ord if isinstance(ord, str) else f'{ord:g}'} not supported.")


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None, out=None):
    """A vector norm or a matrix norm, as ``ord`` and ``dim`` say: a matrix norm when ``ord``
    is a string, or is given with two ``dim`` (or none, for a 2-d ``A``); otherwise the
    vector ``ord``-norm (default 2) over ``dim`` (default all)."""
    A = _operand(A)
    if dim is not None:
        dim = (dim,) if isinstance(dim, int) else tuple(dim)
        if len(dim) not in (1, 2):
            raise RuntimeError(f"linalg.norm: If dim is specified, it must be of length 1 or 2. Got {list(dim)}")
    elif ord is not None and A.ndim not in (1, 2):
        raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got {A.ndim}D.")
    if isinstance(ord, str) or ord is not None and (dim is None and A.ndim == 2 or dim is not None and len(dim) == 2):
        return matrix_norm(A, ord, (0, 1) if dim is None else dim, keepdim, dtype=dtype)
    return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype)
