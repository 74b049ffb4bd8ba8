"""``torch.linalg`` against real torch: values, gradients (``check_op``), graphs
(``check_graph``) and errors, over hypothesis-drawn well-conditioned matrices.

Matrices are drawn as small random entries plus a dominant diagonal whose entries are far
apart, so they are invertible and their eigenvalues / singular values are distinct (the
gradients of eigh and svd divide by their differences, in torch as here). Singular vectors
and eigenvectors are defined only up to sign, so those tests compare sign-free quantities
(``U**2``, ``V**2``) and differentiate losses that do not depend on the signs.
"""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import minitorch_compat as mt
from helpers import FLOAT_DTYPES, both, check_graph, check_op, raises_like

TOL32 = {"rtol": 2e-4, "atol": 2e-4}  # float32: LAPACK's blocking differs between the two builds


@st.composite
def matrices(draw, rows=None, cols=None, batch=None, dtypes=FLOAT_DTYPES, spd=False):
    """A well-conditioned (batch of) matrix: entries in [-0.5, 0.5] plus 3, 6, 9... on the diagonal."""
    n = draw(st.integers(1, 4)) if rows is None else rows
    m = n if cols is None and rows is None else (draw(st.integers(1, 4)) if cols is None else cols)
    b = draw(st.sampled_from([(), (2,)])) if batch is None else batch
    dt = draw(st.sampled_from(dtypes))
    a = draw(hnp.arrays(np.float64, b + (n, m), elements=st.floats(-0.5, 0.5)))
    k = min(n, m)
    a[..., np.arange(k), np.arange(k)] += 3.0 * np.arange(1, k + 1) * draw(st.sampled_from([1, -1]))
    if spd:
        a = a @ np.swapaxes(a, -1, -2)
    return a.astype(dt)


def tol(a):
    return TOL32 if a.dtype == np.float32 else {}


# ---------------------------------------------------------------------------- inv, det, slogdet, solve
@given(a=matrices())
def test_inv_det_slogdet(a):
    check_op(lambda T, x: T.linalg.inv(x), a, **tol(a))
    check_op(lambda T, x: T.inverse(x), a, **tol(a))
    check_op(lambda T, x: T.linalg.det(x), a, **tol(a))
    check_op(lambda T, x: x.det(), a, **tol(a))
    check_op(lambda T, x: T.linalg.slogdet(x), a, **tol(a))
    check_op(lambda T, x: T.slogdet(x), a, **tol(a))
    check_op(lambda T, x: x.logdet(), a, **tol(a))


@given(a=matrices(), data=st.data())
def test_solve(a, data):
    n = a.shape[-1]
    k = data.draw(st.integers(1, 3))
    b = data.draw(hnp.arrays(a.dtype, a.shape[:-2] + (n, k), elements=st.floats(-2, 2, width=32)))
    check_op(lambda T, x, y: T.linalg.solve(x, y), a, b, **tol(a))
    check_op(lambda T, x, y: T.linalg.solve(x, y), a, b[..., 0], **tol(a))
    check_op(lambda T, x, y: T.linalg.solve(x, y, left=False), a, np.swapaxes(b, -1, -2).copy(), **tol(a))
    check_op(lambda T, x, y: T.linalg.solve(x, y), a, b[..., 0][(0,) * (b.ndim - 2)], **tol(a))  # broadcast vector


def test_det_gradient_of_exactly_singular_matrix_is_zero_like_torch():
    check_op(lambda T, x: T.linalg.det(x), np.array([[1.0, 2.0], [2.0, 4.0]]))
    check_op(lambda T, x: T.linalg.det(x), np.zeros((2, 3, 3)))


def test_singular_matrices_raise_torchs_linalg_error():
    for fn, a in [(lambda T, x: T.linalg.inv(x), np.array([[1.0, 2.0], [2.0, 4.0]])),
                  (lambda T, x: T.linalg.inv(x), np.zeros((3, 3))),
                  (lambda T, x: T.linalg.inv(x), np.array([[0.0, 1.0], [0.0, 1.0]])),
                  (lambda T, x: T.linalg.inv(x), np.stack([np.eye(2), [[1.0, 2.0], [2.0, 4.0]]])),
                  (lambda T, x: T.linalg.solve(x, T.ones(2, dtype=T.float64)), np.array([[1.0, 2.0], [2.0, 4.0]])),
                  (lambda T, x: T.linalg.cholesky(x), np.array([[1.0, 2.0], [2.0, 1.0]])),
                  (lambda T, x: T.linalg.cholesky(x), np.diag([1.0, 1.0, -1.0])),
                  (lambda T, x: T.linalg.cholesky(x), np.stack([np.eye(2), [[1.0, 2.0], [2.0, 1.0]]]))]:
        ours, theirs = _errors(fn, a)
        assert isinstance(ours, mt.linalg.LinAlgError) and isinstance(theirs, torch.linalg.LinAlgError)
        assert isinstance(ours, RuntimeError) and str(ours) == str(theirs)


def _errors(fn, *arrays):
    out = []
    for T in (mt, torch):
        with pytest.raises(Exception) as e:
            fn(T, *[T.from_numpy(a.copy()) for a in arrays])
        out.append(e.value)
    return out


@pytest.mark.parametrize("fn", [
    lambda T, x: T.linalg.inv(x), lambda T, x: T.linalg.det(x), lambda T, x: T.linalg.slogdet(x),
    lambda T, x: T.linalg.cholesky(x), lambda T, x: T.linalg.eigh(x), lambda T, x: T.linalg.eigvalsh(x),
    lambda T, x: T.linalg.svd(x), lambda T, x: T.linalg.svdvals(x), lambda T, x: T.linalg.qr(x),
    lambda T, x: T.linalg.pinv(x), lambda T, x: T.linalg.matrix_rank(x), lambda T, x: T.linalg.matrix_norm(x),
    lambda T, x: T.inverse(x), lambda T, x: T.det(x), lambda T, x: T.logdet(x),
])
@pytest.mark.parametrize("a", [np.ones((2, 3)), np.ones(3), np.ones((3, 3), np.int64), np.eye(2, dtype=np.float16)])
def test_argument_errors(fn, a):
    try:
        expected = fn(torch, torch.from_numpy(a))
    except Exception:
        raises_like(fn, a, match_message=True)
        return
    ours = fn(mt, mt.from_numpy(a))  # (rectangular input for svd/qr/pinv...: fine in both)
    for o, t in zip(*(x if isinstance(x, tuple) else (x,) for x in (ours, expected))):
        np.testing.assert_allclose(o.numpy() ** 2, t.numpy() ** 2, rtol=1e-3, atol=1e-3)


@pytest.mark.parametrize("call", [
    lambda T, a, b: T.linalg.solve(a, b[:2, 0]), lambda T, a, b: T.linalg.solve(a[:2], b),
    lambda T, a, b: T.linalg.solve(a, b.float()), lambda T, a, b: T.linalg.solve(a, b.mT, left=True),
    lambda T, a, b: T.linalg.lstsq(a, b[:2]), lambda T, a, b: T.linalg.lstsq(a, b, driver="foo"),
    lambda T, a, b: T.linalg.qr(a, mode="foo"), lambda T, a, b: T.linalg.eigh(a, UPLO="X"),
])
def test_solver_errors(call):
    raises_like(call, np.eye(3) * 2, np.ones((3, 4)), match_message=True)


# ---------------------------------------------------------------------------- decompositions
@given(a=matrices(spd=True), upper=st.booleans())
def test_cholesky(a, upper):
    check_op(lambda T, x: T.linalg.cholesky(x, upper=upper), a, **tol(a))


@given(a=matrices(), uplo=st.sampled_from(["L", "U"]))
def test_eigh_and_eigvalsh(a, uplo):
    s = (a + np.swapaxes(a, -1, -2)) / 2  # symmetric, eigenvalues near the distinct diagonal
    check_op(lambda T, x: T.linalg.eigvalsh(x, UPLO=uplo), s, **tol(a))
    check_op(lambda T, x: (lambda r: (r.eigenvalues, r.eigenvectors ** 2))(T.linalg.eigh(x, UPLO=uplo)), s, **tol(a))
    # only one triangle is read: the other may hold anything
    check_op(lambda T, x: T.linalg.eigvalsh(x, UPLO=uplo), a, **tol(a))


@given(a=matrices(rows=None, cols=None), full=st.booleans(), data=st.data())
def test_svd_and_svdvals(a, full, data):
    m, n = data.draw(st.integers(1, 4)), data.draw(st.integers(1, 4))
    a = data.draw(matrices(rows=m, cols=n, dtypes=[a.dtype]))
    check_op(lambda T, x: T.linalg.svdvals(x), a, **tol(a))
    check_op(lambda T, x: (lambda r: (r.U ** 2, r.S, r.Vh ** 2))(T.linalg.svd(x, full_matrices=full)), a, **tol(a))
    check_op(lambda T, x: (lambda r: r.U @ (r.S[..., None] * r.Vh))(T.linalg.svd(x, full_matrices=False)), a, **tol(a))


@given(data=st.data(), mode=st.sampled_from(["reduced", "complete"]))
def test_qr(data, mode):
    m, n = data.draw(st.integers(1, 4)), data.draw(st.integers(1, 4))
    if mode == "complete":
        m = min(m, n)  # (torch cannot differentiate a complete QR of a tall matrix)
    a = data.draw(matrices(rows=m, cols=n))
    check_op(lambda T, x: tuple(T.linalg.qr(x, mode=mode)), a, **tol(a))


def test_qr_mode_r_and_complete_tall_backward_errors():
    a = np.arange(8.0).reshape(4, 2) + np.eye(4, 2) * 5
    check_op(lambda T, x: T.linalg.qr(x, mode="r"), a, grad=False)
    raises_like(lambda T, x: T.linalg.qr(x.requires_grad_(), mode="r").R.sum().backward(), a, match_message=True)
    raises_like(lambda T, x: T.linalg.qr(x.requires_grad_(), mode="complete").Q.sum().backward(), a,
                match_message=True)


# ---------------------------------------------------------------------------- pinv, lstsq, matrix_rank
@given(data=st.data(), hermitian=st.booleans())
def test_pinv(data, hermitian):
    m, n = data.draw(st.integers(1, 4)), data.draw(st.integers(1, 4))
    if hermitian:
        n = m
    a = data.draw(matrices(rows=m, cols=n))
    if hermitian:
        a = (a + np.swapaxes(a, -1, -2)) / 2
    check_op(lambda T, x: T.linalg.pinv(x, hermitian=hermitian), a, **tol(a))
    check_op(lambda T, x: x.pinverse(), a, **tol(a))


@given(data=st.data(), driver=st.sampled_from([None, "gelsy", "gelsd", "gelss", "gels"]))
def test_lstsq(data, driver):
    m, n, k = data.draw(st.integers(1, 4)), data.draw(st.integers(1, 4)), data.draw(st.integers(1, 2))
    if driver == "gels":
        m = max(m, n)  # (gels needs a full-rank A)
    a = data.draw(matrices(rows=m, cols=n, batch=()))
    b = data.draw(hnp.arrays(a.dtype, (m, k), elements=st.floats(-2, 2, width=32)))
    check_op(lambda T, x, y: tuple(T.linalg.lstsq(x, y, driver=driver)), a, b, **tol(a))
    check_op(lambda T, x, y: T.linalg.lstsq(x, y).solution, a, b[:, 0], **tol(a))


def test_lstsq_rank_deficient_minimum_norm():
    check_op(lambda T, x, y: tuple(T.linalg.lstsq(x, y)), np.ones((3, 2)), np.ones((3, 1)), grad=False)
    check_op(lambda T, x, y: T.linalg.lstsq(x, y, driver="gelsd").singular_values, np.ones((3, 2)), np.ones((3, 1)),
             grad=False, atol=1e-12)


@pytest.mark.parametrize("kw", [{}, {"atol": 1e-2}, {"rtol": 1e-2}, {"hermitian": True}, {"atol": 0.5, "rtol": 0.1}])
def test_matrix_rank(kw):
    a = np.stack([np.diag([1.0, 1e-3, 0.0]), np.eye(3), np.ones((3, 3)), np.diag([2.0, 1e-17, 1e-12])])
    check_op(lambda T, x: T.linalg.matrix_rank(x, **kw), a)
    check_op(lambda T, x: T.linalg.matrix_rank(x, **kw), a.astype(np.float32))


# ---------------------------------------------------------------------------- norms
@pytest.mark.parametrize("ord", ["fro", "nuc", 1, -1, 2, -2, float("inf"), -float("inf")])
@given(a=matrices(batch=(2,)), keepdim=st.booleans(), dim=st.sampled_from([(-2, -1), (-1, -2), (0, 2), (2, 0)]))
def test_matrix_norm(ord, a, keepdim, dim):
    if 0 in dim and ord in ("nuc", 2, -2):  # the matrices across the batch may be singular: no unique gradient
        dim = (-2, -1) if dim[0] == 0 else (-1, -2)
    check_op(lambda T, x: T.linalg.matrix_norm(x, ord, dim, keepdim), a, **tol(a))
    check_op(lambda T, x: T.linalg.norm(x, ord, dim, keepdim), a, **tol(a))


@given(a=matrices(), ord=st.sampled_from([None, 1, 2, 3, 0.5, float("inf"), -float("inf")]),
       dim=st.sampled_from([None, -1, 0, (0,)]), keepdim=st.booleans())
def test_norm_vector_cases(a, ord, dim, keepdim):
    if dim is not None:
        check_op(lambda T, x: T.linalg.norm(x, ord, dim, keepdim), a, **tol(a))
    check_op(lambda T, x: T.linalg.norm(x, None, dim, keepdim), a, **tol(a))
    check_op(lambda T, x: T.linalg.norm(x[(0,) * (x.ndim - 1)], ord), a, **tol(a))
    check_op(lambda T, x: T.linalg.vector_norm(x, 2 if ord is None else ord, dim, keepdim), a, **tol(a))


@pytest.mark.parametrize("call", [
    lambda T, x: T.linalg.norm(T.ones(2, 2, 2), 2), lambda T, x: T.linalg.norm(x[0], "fro"),
    lambda T, x: T.linalg.norm(x, 3), lambda T, x: T.linalg.matrix_norm(x, 3),
    lambda T, x: T.linalg.norm(x, dim=(0, 1, 1)), lambda T, x: T.linalg.norm(x.long()),
    lambda T, x: T.linalg.vector_norm(x, "fro"), lambda T, x: T.linalg.matrix_norm(x, "foo"),
])
def test_norm_errors(call):
    raises_like(call, np.ones((3, 3)), match_message=True)


def test_graphs():
    a = np.array([[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]])
    for fn in [lambda T, x: T.linalg.inv(x), lambda T, x: T.det(x), lambda T, x: T.linalg.slogdet(x).logabsdet,
               lambda T, x: T.logdet(x), lambda T, x: T.linalg.solve(x, x[0]), lambda T, x: T.linalg.cholesky(x),
               lambda T, x: T.linalg.eigvalsh(x), lambda T, x: T.linalg.eigh(x)[0], lambda T, x: T.linalg.svdvals(x),
               lambda T, x: T.linalg.svd(x).S, lambda T, x: T.linalg.qr(x).R, lambda T, x: T.linalg.pinv(x),
               lambda T, x: T.linalg.lstsq(x, x).solution, lambda T, x: T.linalg.norm(x, 2),
               lambda T, x: T.linalg.norm(x, "nuc"), lambda T, x: T.linalg.matrix_norm(x, 1),
               lambda T, x: T.linalg.norm(x), lambda T, x: T.linalg.cross(x, x * 2)]:
        check_graph(fn, a)


# ---------------------------------------------------------------------------- cross
@given(data=st.data())
def test_cross(data):
    dt = data.draw(st.sampled_from(FLOAT_DTYPES))
    shape_a = data.draw(st.sampled_from([(3,), (2, 3), (1, 3), (4, 3, 2)]))
    shape_b = data.draw(st.sampled_from([s for s in [(3,), (2, 3), (1, 3), (4, 3, 2), (1, 3, 1)]
                                         if len(s) == len(shape_a) and _broadcasts(s, shape_a)]))
    dim = shape_a.index(3) - len(shape_a) if 3 in shape_a else -1
    a = data.draw(hnp.arrays(dt, shape_a, elements=st.floats(-2, 2, width=32)))
    b = data.draw(hnp.arrays(dt, shape_b, elements=st.floats(-2, 2, width=32)))
    check_op(lambda T, x, y: T.linalg.cross(x, y, dim=dim), a, b)
    check_op(lambda T, x, y: T.cross(x, y, dim=dim), a, b)
    check_op(lambda T, x, y: x.cross(y, dim), a, b)


def _broadcasts(s, t):
    return all(x == y or 1 in (x, y) for x, y in zip(s, t))


def test_cross_default_dim_warns_and_errors():
    a = np.arange(9.0).reshape(3, 3)
    for T in (mt, torch):
        with pytest.warns(UserWarning, match="Using torch.cross without specifying the dim arg is deprecated"):
            T.cross(T.from_numpy(a), T.from_numpy(a * 2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_op(lambda T, x, y: T.cross(x, y), a, a[::-1].copy())
    for call in [lambda T, x: T.linalg.cross(x[:, :2], x[:, :2]), lambda T, x: T.linalg.cross(x, x[0]),
                 lambda T, x: T.linalg.cross(T.ones(4, 3), T.ones(2, 3)), lambda T, x: T.linalg.cross(x, x.float())]:
        raises_like(call, a, match_message=True)
    check_op(lambda T, x: T.linalg.cross(x, x.flip(0)), a.astype(np.int64))


def test_namespace_mirrors_torch_linalg():
    names = ["LinAlgError", "cholesky", "cross", "det", "eigh", "eigvalsh", "inv", "lstsq", "matmul", "matrix_norm",
             "matrix_rank", "norm", "pinv", "qr", "slogdet", "solve", "svd", "svdvals", "vector_norm"]
    for name in names:
        assert hasattr(torch.linalg, name) and hasattr(mt.linalg, name), name
    assert issubclass(mt.linalg.LinAlgError, RuntimeError)
    (ours, _), (theirs, _) = both(lambda T, x: T.linalg.matmul(x, x), np.eye(2))
    assert ours.tolist() == theirs.tolist()


def test_results_are_stored_column_major_like_torch():
    """LAPACK's layout, which torch keeps: it decides ``is_contiguous()``, ``stride()`` and
    whether a later reshape is a view."""
    a = np.array([[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]])
    b = np.arange(6.0).reshape(3, 2)
    for fn in [lambda T, x: T.linalg.inv(x), lambda T, x: T.linalg.inv(x.expand(2, 3, 3)),
               lambda T, x: T.linalg.solve(x, T.from_numpy(b)), lambda T, x: T.linalg.solve(x, x[0]),
               lambda T, x: T.linalg.cholesky(x), lambda T, x: T.linalg.cholesky(x, upper=True),
               lambda T, x: T.linalg.eigh(x).eigenvectors, lambda T, x: T.linalg.eigh(x).eigenvalues,
               lambda T, x: T.linalg.svd(x).U, lambda T, x: T.linalg.svd(x).Vh, lambda T, x: T.linalg.qr(x).Q,
               lambda T, x: T.linalg.qr(x).R, lambda T, x: T.linalg.pinv(x), lambda T, x: T.linalg.cross(x, x),
               lambda T, x: T.linalg.lstsq(x, T.from_numpy(b)).solution]:
        (ours, _), (theirs, _) = both(fn, a, grad=False)
        assert (ours.is_contiguous(), ours.stride()) == (theirs.is_contiguous(), theirs.stride())
    check_graph(lambda T, x: T.linalg.inv(x).t().reshape(3, 1, 3), a)
