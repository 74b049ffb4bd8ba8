"""``torch.nn.utils.parametrizations``: ``weight_norm``, ``spectral_norm`` and ``orthogonal`` as
parametrizations (see ``parametrize.py``), the modern replacements of the hook versions.

What torch does
---------------
Each function builds a small module and registers it on ``module.<name>``:

* ``weight_norm``: ``_WeightNorm(dim)``; its ``right_inverse`` splits the weight into
  ``(g, v) = (norm_except_dim(w, 2, dim), w)``, stored as ``original0`` and ``original1``,
  and its forward is ``_weight_norm(v, g, dim)``. A load pre-hook still accepts the old
  ``weight_g``/``weight_v`` state-dict keys.
* ``spectral_norm``: ``_SpectralNorm`` keeps the power-method vectors as buffers ``_u``
  and ``_v`` (drawn from the global RNG, then refined by 15 iterations at registration);
  in training mode each access runs ``n_power_iterations`` more steps
  (``u = normalize(W v); v = normalize(W^T u)``, in place) and returns ``w / (u . W v)``.
  A 1-d weight is simply normalised.
* ``orthogonal``: ``_Orthogonal`` maps an unconstrained matrix ``X`` to an orthogonal one
  (see its docstring); registered with ``unsafe=True``.
"""
from enum import Enum, auto

from ..._ops.creation import eye, zeros, zeros_like
from ..._ops.pointwise import add
from ..._ops.sampling import randn
from ..._ops.shape import cat
from ..._ops.linalg_solve import solve as linalg_solve
from ..._ops.matrix_functions import geqrf, householder_product, matrix_exp
from ..._ops.weight_norm import _weight_norm, norm_except_dim
from ..._tensor import Tensor
from ..._type_info import finfo
from ...autograd.grad_mode import no_grad
from .. import functional as F
from ..modules.module import Module
from . import parametrize
from .spectral_norm import _default_dim, _random_unit_vector, _weight_to_matrix

__all__ = ["orthogonal", "spectral_norm", "weight_norm"]


class _WeightNorm(Module):
    def __init__(self, dim=0):
        super().__init__()
        self.dim = -1 if dim is None else dim

    def forward(self, weight_g, weight_v):
        return _weight_norm(weight_v, weight_g, self.dim)

    def right_inverse(self, weight):
        return norm_except_dim(weight, 2, self.dim), weight


def weight_norm(module, name="weight", dim=0):
    """``module.<name> = g * v / ||v||`` with ``g`` in ``parametrizations.<name>.original0`` and
    ``v`` in ``original1``; ``dim=None`` takes the norm of the whole tensor."""
    parametrize.register_parametrization(module, name, _WeightNorm(dim), unsafe=True)

    def _weight_norm_compat_hook(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                                 error_msgs):
        g_key, v_key = f"{prefix}{name}_g", f"{prefix}{name}_v"
        if g_key in state_dict and v_key in state_dict:
            state_dict[f"{prefix}parametrizations.{name}.original0"] = state_dict.pop(g_key)
            state_dict[f"{prefix}parametrizations.{name}.original1"] = state_dict.pop(v_key)

    module._register_load_state_dict_pre_hook(_weight_norm_compat_hook)
    return module


class _SpectralNorm(Module):
    def __init__(self, weight, n_power_iterations=1, dim=0, eps=1e-12):
        super().__init__()
        ndim = weight.ndim
        if dim >= ndim or dim < -ndim:
            raise IndexError(f"Dimension out of range (expected to be in range of [-{ndim}, {ndim - 1}] but got {dim})")
        if n_power_iterations <= 0:
            raise ValueError("Expected n_power_iterations to be positive, but "
                             f"got n_power_iterations={n_power_iterations}")
        self.dim = dim if dim >= 0 else dim + ndim
        self.eps = eps
        if ndim > 1:  # a vector is normalised exactly: nothing to estimate
            self.n_power_iterations = n_power_iterations
            weight_mat = self._reshape_weight_to_matrix(weight)
            h, w = weight_mat.size()
            self.register_buffer("_u", _random_unit_vector(h, weight, self.eps))
            self.register_buffer("_v", _random_unit_vector(w, weight, self.eps))
            self._power_method(weight_mat, 15)

    def _reshape_weight_to_matrix(self, weight):
        return _weight_to_matrix(weight, self.dim)

    def _power_method(self, weight_mat, n_power_iterations):
        """Refine ``_u``, ``_v`` toward the top singular vectors, writing into the buffers in place."""
        with no_grad():
            for _ in range(n_power_iterations):
                self._u = F.normalize(weight_mat.mv(self._v), dim=0, eps=self.eps, out=self._u)
                self._v = F.normalize(weight_mat.t().mv(self._u), dim=0, eps=self.eps, out=self._v)

    def forward(self, weight):
        if weight.ndim == 1:
            return F.normalize(weight, dim=0, eps=self.eps)
        weight_mat = self._reshape_weight_to_matrix(weight)
        if self.training:
            self._power_method(weight_mat, self.n_power_iterations)
        u, v = self._u.clone(), self._v.clone()  # constants for this forward's backward
        sigma = u.dot(weight_mat.mv(v))
        return weight / sigma

    def right_inverse(self, value):
        return value


def spectral_norm(module, name="weight", n_power_iterations=1, eps=1e-12, dim=None):
    """``module.<name> = w / sigma(w)``, ``sigma`` estimated by the power method (module docstring)."""
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    dim = _default_dim(module, dim)
    parametrize.register_parametrization(module, name, _SpectralNorm(weight, n_power_iterations, dim, eps))
    return module


# ---- orthogonal ------------------------------------------------------------------------------
def _is_orthogonal(Q):
    n, k = Q.size(-2), Q.size(-1)
    Id = eye(k, dtype=Q.dtype)
    eps = 10.0 * n * finfo(Q.dtype).eps
    return (Q.mT @ Q).allclose(Id, atol=eps)


def _make_orthogonal(A):
    """The ``Q`` of ``A = QR`` (``A`` tall), signs chosen so that ``diag(R) > 0``."""
    X, tau = geqrf(A)
    Q = householder_product(X, tau)
    return Q * X.diagonal(dim1=-2, dim2=-1).sgn().unsqueeze(-2)


class _OrthMaps(Enum):
    matrix_exp = auto()
    cayley = auto()
    householder = auto()


class _Orthogonal(Module):
    """Maps any matrix ``X`` (``..., n, k``, transposed first when wide) to one with orthonormal
    columns:

    * ``matrix_exp`` / ``cayley``: ``A = L - L^T`` with ``L`` the lower triangle of ``X``
      (padded with zero columns to ``n x n``) is skew-symmetric, so ``exp(A)`` and the
      Cayley transform ``(I - A/2)^{-1}(I + A/2)`` are orthogonal; keep ``k`` columns.
    * ``householder``: the strict lower triangle of ``X`` holds Householder vectors,
      ``tau = 2 / (1 + |v|^2)`` makes each reflector orthogonal, and the product's columns
      are flipped by the signs on ``X``'s diagonal (which is never trained).

    With ``use_trivialization`` (the default) the result is multiplied on the left by the
    buffer ``base``, an orthogonal matrix set by ``right_inverse``; ``right_inverse(Q)``
    then stores ``Q`` (completed to square with random columns, orthogonalised by QR) as
    ``base`` and returns ``-I``, the ``X`` that the maps send to the identity.
    """

    def __init__(self, weight, orthogonal_map, *, use_trivialization=True):
        super().__init__()
        if weight.is_complex() and orthogonal_map == _OrthMaps.householder:
            raise ValueError("The householder parametrization does not support complex tensors.")
        self.shape = weight.shape
        self.orthogonal_map = orthogonal_map
        if use_trivialization:
            self.register_buffer("base", None)

    def forward(self, X):
        n, k = X.size(-2), X.size(-1)
        transposed = n < k
        if transposed:
            X = X.mT
            n, k = k, n
        if self.orthogonal_map in (_OrthMaps.matrix_exp, _OrthMaps.cayley):
            X = X.tril()
            if n != k:
                X = cat([X, zeros(n, n - k, dtype=X.dtype).expand(*X.shape[:-2], -1, -1)], dim=-1)
            A = X - X.mT
            if self.orthogonal_map == _OrthMaps.matrix_exp:
                Q = matrix_exp(A)
            else:
                Id = eye(n, dtype=A.dtype)
                Q = linalg_solve(add(Id, A, alpha=-0.5), add(Id, A, alpha=0.5))
            if n != k:
                Q = Q[..., :k]
        else:
            A = X.tril(diagonal=-1)
            tau = 2.0 / (1.0 + (A * A).sum(dim=-2))
            Q = householder_product(A, tau)
            Q = Q * X.diagonal(dim1=-2, dim2=-1).int().unsqueeze(-2)
        if hasattr(self, "base"):
            Q = self.base @ Q
        if transposed:
            Q = Q.mT
        return Q

    def right_inverse(self, Q):
        with no_grad():
            if Q.shape != self.shape:
                raise ValueError(f"Expected a matrix or batch of matrices of shape {self.shape}. "
                                 f"Got a tensor of shape {Q.shape}.")
            Q_init = Q
            n, k = Q.size(-2), Q.size(-1)
            transpose = n < k
            if transpose:
                Q = Q.mT
                n, k = k, n
            if not hasattr(self, "base"):
                if self.orthogonal_map in (_OrthMaps.cayley, _OrthMaps.matrix_exp):
                    raise NotImplementedError("It is not possible to assign to the matrix exponential "
                                              "or the Cayley parametrizations when use_trivialization=False.")
                # Householder: the reflectors of Q's QR, with diag(R) > 0 encoded as the signs
                A, tau = geqrf(Q)
                A.diagonal(dim1=-2, dim2=-1).sign_()
                A.diagonal(dim1=-2, dim2=-1)[tau == 0.0] *= -1  # LAPACK skipped that reflection
                return A.mT if transpose else A
            if n == k:
                Q = Q.clone() if _is_orthogonal(Q) else _make_orthogonal(Q)
            else:  # complete Q to a square orthogonal matrix with random columns
                N = randn(*(Q.size()[:-2] + (n, n - k)), dtype=Q.dtype)
                Q = _make_orthogonal(cat([Q, N], dim=-1))
            self.base = Q
            neg_Id = zeros_like(Q_init)
            neg_Id.diagonal(dim1=-2, dim2=-1).fill_(-1.0)
            return neg_Id


def orthogonal(module, name="weight", orthogonal_map=None, *, use_trivialization=True):
    """Make ``module.<name>`` orthogonal (orthonormal columns if tall, rows if wide).

    ``orthogonal_map`` defaults to ``"matrix_exp"`` for square matrices and
    ``"householder"`` otherwise. Registered with ``unsafe=True``; see ``_Orthogonal``.
    """
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if weight.ndim < 2:
        raise ValueError(f"Expected a matrix or batch of matrices. Got a tensor of {weight.ndim} dimensions.")
    if orthogonal_map is None:
        orthogonal_map = "matrix_exp" if weight.size(-2) == weight.size(-1) or weight.is_complex() else "householder"
    orth_enum = getattr(_OrthMaps, orthogonal_map, None)
    if orth_enum is None:
        raise ValueError('orthogonal_map has to be one of "matrix_exp", "cayley", "householder". '
                         f"Got: {orthogonal_map}")
    orth = _Orthogonal(weight, orth_enum, use_trivialization=use_trivialization)
    parametrize.register_parametrization(module, name, orth, unsafe=True)
    return module
