"""The rest of the tensor API of issue 17 against real torch: unique, meshgrid, einsum, cdist,
tensordot, searchsorted/bucketize, histc/bincount, the cumulative ops, diff, kron, tril/triu,
roll, rot90, repeat_interleave, block_diag, cartesian_prod, the index_* ops, masked_scatter,
take, take_along_dim and where with numbers.

Each name: values and dtypes (``check_op``, gradients included where torch has them),
torch's errors (``raises_like``), and the graph torch records (``check_graph``).
"""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import minitorch_compat as mt
from helpers import (FLOAT_DTYPES, assert_close, array_and_dim, arrays, both, check_graph, check_op, float_arrays, graph_of,
                     raises_like, shapes)


def small_ints(shape=None, dtype=np.int64):
    """Integers in 0..3: repeats and runs are common."""
    return hnp.arrays(dtype, shapes(min_dims=1, max_dims=3) if shape is None else shape, elements=st.integers(0, 3))


# ---------------------------------------------------------------------------- unique
@given(a=small_ints(), flags=st.tuples(st.booleans(), st.booleans()), data=st.data())
def test_unique(a, flags, data):
    inverse, counts = flags
    check_op(lambda T, x: T.unique(x, return_inverse=inverse, return_counts=counts), a)
    check_op(lambda T, x: x.unique(sorted=False, return_inverse=inverse, return_counts=counts), a)
    dim = data.draw(st.integers(-a.ndim, a.ndim - 1))
    check_op(lambda T, x: T.unique(x, dim=dim, return_inverse=inverse, return_counts=counts), a)
    check_op(lambda T, x: T.unique_consecutive(x, return_inverse=inverse, return_counts=counts), a)
    check_op(lambda T, x: x.unique_consecutive(return_inverse=inverse, return_counts=counts, dim=dim), a)


@pytest.mark.parametrize("a", [np.array([3.0, 1.0, np.nan, 3.0, np.nan, np.nan, -0.0, 0.0]), np.array(2.5),
                               np.array([True, False, True]), np.zeros((2, 0))])
def test_unique_nan_scalars_bools_and_empty(a):
    check_op(lambda T, x: T.unique(x, return_inverse=True, return_counts=True), a, grad=False)
    check_op(lambda T, x: T.unique_consecutive(x, return_inverse=True, return_counts=True), a, grad=False)


def test_unique_records_a_node_without_derivative():
    a = np.array([[1.0, 2.0], [1.0, 2.0]])
    for fn in (lambda T, x: T.unique(x), lambda T, x: T.unique(x, dim=0), lambda T, x: T.unique_consecutive(x),
               lambda T, x: T.unique(x, return_counts=True)[0]):
        (ours, _), (theirs, _) = both(fn, a)
        assert graph_of(ours) == graph_of(theirs)
        raises_like(lambda T, x: fn(T, x.requires_grad_()).sum().backward(), a, match_message=True)
    raises_like(lambda T, x: T.unique(x, dim=0), np.array(1), match_message=True)
    raises_like(lambda T, x: T.unique(x, dim=0), np.zeros((2, 0)), match_message=True)


# ---------------------------------------------------------------------------- meshgrid, cartesian_prod
@pytest.mark.parametrize("indexing", ["ij", "xy"])
@given(sizes=st.lists(st.integers(0, 3), min_size=1, max_size=3))
def test_meshgrid_and_cartesian_prod(indexing, sizes):
    arrays_ = [np.arange(n, dtype=np.float64) * (k + 1) for k, n in enumerate(sizes)]
    check_op(lambda T, *xs: T.meshgrid(*xs, indexing=indexing), *arrays_)
    check_op(lambda T, *xs: T.meshgrid(list(xs), indexing=indexing), *arrays_)
    check_op(lambda T, *xs: T.cartesian_prod(*xs), *arrays_)


def test_meshgrid_graph_warning_and_errors():
    a, b = np.arange(3.0), np.arange(2.0)
    for indexing in ("ij", "xy"):
        check_graph(lambda T, x, y: T.meshgrid(x * 1, y, indexing=indexing)[0] * 1, a, b)
    check_graph(lambda T, x, y: T.cartesian_prod(x, y, x), a, b)
    with pytest.warns(UserWarning, match="it will be required to pass the indexing argument"):
        mt.meshgrid(mt.arange(2), mt.arange(3))
    raises_like(lambda T, x, y: T.meshgrid(x, y, indexing="foo"), a, b, match_message=True)
    raises_like(lambda T, x, y: T.meshgrid(x, y.float(), indexing="ij"), a, b, match_message=True)
    raises_like(lambda T, x: T.meshgrid(x, indexing="ij"), np.ones((2, 2)))
    check_op(lambda T, x: T.meshgrid(x, x, indexing="ij"), np.array(2.0))


# ---------------------------------------------------------------------------- einsum
EINSUM = [
    ("ij,jk->ik", [(2, 3), (3, 4)]), ("bij,bjk->bik", [(2, 2, 3), (2, 3, 2)]), ("ii", [(3, 3)]),
    ("ii->i", [(3, 3)]), ("ij->ji", [(2, 3)]), ("i,j->ij", [(2,), (3,)]), ("ij->", [(2, 3)]),
    ("ij->j", [(2, 3)]), ("bn,anm,bm->ba", [(2, 3), (4, 3, 2), (2, 2)]), ("...ij,...jk->...ik", [(2, 1, 2, 3), (5, 3, 2)]),
    ("ij,jk", [(2, 3), (3, 2)]), ("ii,i->i", [(3, 3), (3,)]), ("ij,ij->ij", [(1, 3), (2, 3)]),
    (" i j , j k -> i k ", [(2, 3), (3, 2)]), ("i...j,j...->i...", [(2, 5, 3), (3, 1)]), ("iij->j", [(2, 2, 3)]),
    ("Ab,bA->", [(2, 3), (3, 2)]), ("bA,A", [(2, 3), (3,)]), ("i,i,i->", [(3,), (3,), (3,)]), ("...", [(2, 3)]),
    ("ijk->kji", [(2, 3, 4)]), ("ij,kl->", [(2, 2), (3, 1)]),
]


@pytest.mark.parametrize("equation, shapes_", EINSUM, ids=[e for e, _ in EINSUM])
@given(data=st.data())
def test_einsum_values_and_gradients(equation, shapes_, data):
    dt = data.draw(st.sampled_from(FLOAT_DTYPES))
    ops = [data.draw(arrays(dt, s, lo=-3, hi=3)) for s in shapes_]
    check_op(lambda T, *xs: T.einsum(equation, *xs), *ops)
    check_op(lambda T, *xs: T.einsum(equation, list(xs)), *ops)


@pytest.mark.parametrize("equation, shapes_", [
    ("ij,jk", [(2, 3), (4, 2)]), ("ij->k", [(2, 3)]), ("ij", [(2, 3, 4)]), ("ijk...", [(2, 3)]),
    ("ij,jk", [(2, 3)]), ("ij", [(2, 3), (3, 2)]), ("ij->ii", [(2, 3)]), ("i1", [(2, 3)]),
])
def test_einsum_errors(equation, shapes_):
    raises_like(lambda T, *xs: T.einsum(equation, *xs), *[np.ones(s) for s in shapes_], match_message=True)


def test_einsum_mixed_dtypes_raise_like_torch():
    raises_like(lambda T, x, y: T.einsum("ij,jk", x, y), np.ones((2, 3), np.float32), np.ones((3, 2)),
                match_message=True)
    check_op(lambda T, x, y: T.einsum("ij,jk", x, y), np.ones((2, 3), np.int64), np.ones((3, 2), np.int64))


# ---------------------------------------------------------------------------- cdist
@pytest.mark.parametrize("p", [0.0, 0.5, 1.0, 1.5, 2.0, 3.0, float("inf")])
@given(data=st.data())
def test_cdist(p, data):
    dt = data.draw(st.sampled_from(FLOAT_DTYPES))
    m = data.draw(st.integers(1, 3))
    batch = data.draw(st.sampled_from([(), (2,)]))
    x1 = data.draw(arrays(dt, batch + (data.draw(st.integers(1, 4)), m), lo=-3, hi=3))
    x2 = data.draw(arrays(dt, batch + (data.draw(st.integers(1, 4)), m), lo=-3, hi=3))
    check_op(lambda T, a, b: T.cdist(a, b, p=p), x1, x2)


@pytest.mark.parametrize("mode", ["use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist",
                                  "donot_use_mm_for_euclid_dist"])
@pytest.mark.parametrize("rows", [3, 30])
def test_cdist_euclidean_paths(mode, rows):
    rng = np.random.default_rng(0)
    x1, x2 = rng.normal(size=(rows, 3)), rng.normal(size=(4, 3))
    x2[0] = x1[0]  # a zero distance: its gradient is 0 by torch's rule
    check_op(lambda T, a, b: T.cdist(a, b, compute_mode=mode), x1, x2, rtol=1e-7, atol=1e-7)
    check_graph(lambda T, a, b: T.cdist(a, b, compute_mode=mode), x1, x2)


@pytest.mark.parametrize("args", [((3,), (2, 3), {}), ((2, 3), (2, 4), {}), ((2, 3), (2, 3), {"p": -1}),
                                  ((2, 3), (2, 3), {"compute_mode": "foo"})])
def test_cdist_errors(args):
    sa, sb, kw = args
    raises_like(lambda T, a, b: T.cdist(a, b, **kw), np.ones(sa), np.ones(sb), match_message=True)
    raises_like(lambda T, a, b: T.cdist(a, b), np.ones((2, 3), np.int64), np.ones((2, 3), np.int64),
                match_message=True)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("rows, p", [(3, 2.0), (30, 2.0), (30, 1.0)])
def test_cdist_16_bit_only_through_the_matrix_product(dtype, rows, p):
    """torch's direct cdist kernel has no 16-bit version; its matrix-product path does."""
    def run(T):
        a = T.ones(rows, 2, dtype=getattr(T, dtype))
        return T.cdist(a, T.zeros(4, 2, dtype=getattr(T, dtype)), p=p)
    if rows == 3 or p != 2:
        with pytest.raises(NotImplementedError) as theirs:
            run(torch)
        with pytest.raises(NotImplementedError) as ours:
            run(mt)
        assert str(ours.value) == str(theirs.value)
    else:
        assert_close(run(mt).float(), run(torch).float())


# ---------------------------------------------------------------------------- tensordot, kron
@pytest.mark.parametrize("dims", [0, 1, 2, ([1], [1]), ([0, 2], [2, 0]), [[2], [0]], "tensor"])
def test_tensordot(dims):
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(3, 4, 2)), rng.normal(size=(2, 4, 3))
    if dims in (1, 2, 0):
        b = rng.normal(size=(4, 2, 3)) if dims == 2 else rng.normal(size=(2, 3)) if dims == 1 else b
    fn = (lambda T, x, y: T.tensordot(x, y, dims=T.tensor([[0, 2], [2, 0]]))) if dims == "tensor" else \
        (lambda T, x, y: T.tensordot(x, y, dims=dims))
    check_op(fn, a, b)
    check_graph(fn, a, b)


def test_tensordot_full_contraction_and_errors():
    a = np.arange(6.0).reshape(2, 3)
    check_graph(lambda T, x, y: T.tensordot(x, y, dims=2), a, a * 2)
    raises_like(lambda T, x, y: T.tensordot(x, y, dims=-1), a, a, match_message=True)
    raises_like(lambda T, x, y: T.tensordot(x, y, dims=([0], [1])), a, a, match_message=True)
    raises_like(lambda T, x, y: T.tensordot(x, y, dims=([0, 1], [0])), a, a, match_message=True)
    raises_like(lambda T, x, y: T.tensordot(x, y.float(), dims=2), a, a, match_message=True)


@given(a=float_arrays(shapes(max_dims=3, max_side=3)), b=float_arrays(shapes(max_dims=3, max_side=3)))
def test_kron(a, b):
    check_op(lambda T, x, y: T.kron(x, y), a, b)
    check_op(lambda T, x, y: x.kron(y), a, b.astype(np.int64))


def test_kron_graph():
    check_graph(lambda T, x, y: T.kron(x, y), np.ones((2, 3)), np.arange(4.0))


# ---------------------------------------------------------------------------- searchsorted, bucketize
@given(seq=hnp.arrays(np.float64, st.integers(0, 6), elements=st.integers(-4, 4).map(float)),
       values=arrays(np.float64, shapes(max_dims=2), lo=-5, hi=5), right=st.booleans(), int32=st.booleans())
def test_searchsorted_and_bucketize(seq, values, right, int32):
    seq = np.sort(seq)
    check_op(lambda T, s, v: T.searchsorted(s, v, right=right, out_int32=int32), seq, values)
    check_op(lambda T, s, v: T.searchsorted(s, v, side="right" if right else "left"), seq, values)
    check_op(lambda T, v, s: T.bucketize(v, s, right=right, out_int32=int32), values, seq)
    check_op(lambda T, s: T.searchsorted(s, 1.5, right=right), seq)
    check_op(lambda T, s: T.bucketize(0.5, s), seq)


@given(rows=hnp.arrays(np.float64, (2, 3, 4), elements=st.integers(-4, 4).map(float)),
       values=hnp.arrays(np.float64, (2, 3, 2), elements=st.integers(-5, 5).map(float)), right=st.booleans())
def test_searchsorted_batched_rows_and_sorter(rows, values, right):
    check_op(lambda T, s, v: T.searchsorted(s, v, right=right), np.sort(rows, axis=-1), values)
    sorter = np.argsort(rows, axis=-1, kind="stable")
    check_op(lambda T, s, v, o: T.searchsorted(s, v, right=right, sorter=o), rows, values, sorter)


def test_searchsorted_errors():
    s, v = np.array([1.0, 2.0, 3.0]), np.array([2.0])
    raises_like(lambda T, a, b: T.searchsorted(a, b, right=True, side="left"), s, v, match_message=True)
    raises_like(lambda T, a, b: T.searchsorted(a, b, side="foo"), s, v, match_message=True)
    raises_like(lambda T, a, b: T.searchsorted(a, b), np.ones((2, 3)), v, match_message=True)
    raises_like(lambda T, a, b: T.searchsorted(a, b, sorter=T.tensor([1, 0])), s, v, match_message=True)
    raises_like(lambda T, a, b: T.bucketize(b, a), np.ones((2, 3)), v, match_message=True)


# ---------------------------------------------------------------------------- histc, bincount
@given(a=float_arrays(shapes(max_dims=2, max_side=6)), bins=st.integers(1, 6),
       bounds=st.sampled_from([(0, 0), (-2, 2), (0.5, 3.25), (-10, 1)]))
def test_histc(a, bins, bounds):
    check_op(lambda T, x: T.histc(x, bins=bins, min=bounds[0], max=bounds[1]), a, grad=False)
    check_op(lambda T, x: x.histc(bins), a)  # (torch's result does not require grad)


@pytest.mark.parametrize("call", [lambda T, x: T.histc(x, bins=0), lambda T, x: T.histc(x, bins=4, min=3, max=0),
                                  lambda T, x: T.histc(x.long(), bins=4), lambda T, x: T.histc(x, min=1, max=float("inf"))])
def test_histc_errors(call):
    raises_like(call, np.array([1.0, 2.0, 1.0]), match_message=True)
    raises_like(lambda T, x: T.histc(x * float("inf")), np.array([1.0, 2.0, 1.0]))


@given(a=hnp.arrays(np.int64, st.integers(0, 8), elements=st.integers(0, 5)), minlength=st.integers(0, 8),
       wdt=st.sampled_from([None, np.float32, np.float64, np.int64]))
def test_bincount(a, minlength, wdt):
    if wdt is None:
        check_op(lambda T, x: T.bincount(x, minlength=minlength), a)
    else:
        w = np.linspace(-1, 2, a.size).astype(wdt)
        check_op(lambda T, x, ws: T.bincount(x, ws, minlength), a, w, grad=False)
        check_op(lambda T, x, ws: x.bincount(weights=ws), a, w, grad=False)


def test_bincount_errors_and_no_derivative():
    for a in (np.array([1, -3]), np.array([[1, 3]]), np.array([1.0, 3.0])):
        raises_like(lambda T, x: T.bincount(x), a, match_message=True)
    raises_like(lambda T, x, w: T.bincount(x, w), np.array([1, 3]), np.array([1.0]), match_message=True)
    (ours, _), (theirs, _) = both(lambda T, x, w: T.bincount(x, w), np.array([1, 3]), np.array([1.0, 2.0]))
    assert graph_of(ours) == graph_of(theirs)
    raises_like(lambda T, x, w: T.bincount(x, w.requires_grad_()).sum().backward(), np.array([1, 3]),
                np.array([1.0, 2.0]), match_message=True)


# ---------------------------------------------------------------------------- cumulative
CUMULATIVE = {
    "cumsum": lambda T, x, d: T.cumsum(x, d), "cumprod": lambda T, x, d: T.cumprod(x, d),
    "cummax": lambda T, x, d: T.cummax(x, d), "cummin": lambda T, x, d: T.cummin(x, d),
    "logcumsumexp": lambda T, x, d: T.logcumsumexp(x, d),
    "method.cumprod": lambda T, x, d: x.cumprod(d), "method.cummax": lambda T, x, d: x.cummax(dim=d),
    "method.logcumsumexp": lambda T, x, d: x.logcumsumexp(d),
}


@pytest.mark.parametrize("name", CUMULATIVE)
@given(data=array_and_dim(lo=-3, hi=3))
def test_cumulative_values_and_gradients(name, data):
    a, dim = data
    check_op(lambda T, x: CUMULATIVE[name](T, x, dim), a)


@given(a=hnp.arrays(np.float64, shapes(min_dims=1, max_dims=3), elements=st.sampled_from([0.0, 0.0, 1.0, -2.0, 0.5])),
       data=st.data())
def test_cumprod_gradient_through_zeros(a, data):
    dim = data.draw(st.integers(-a.ndim, a.ndim - 1))
    check_op(lambda T, x: T.cumprod(x, dim), a)


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8, np.bool_])
def test_cumulative_integer_inputs(dtype):
    a = np.array([[1, 0, 3], [2, 2, 1]]).astype(dtype)
    for name in ("cumsum", "cumprod", "cummax", "cummin"):
        check_op(lambda T, x: CUMULATIVE[name](T, x, 1), a)
    raises_like(lambda T, x: T.logcumsumexp(x, 0), a, match_message=True)
    check_op(lambda T, x: T.cumprod(x, 0, dtype=T.float64), a)


def test_cumulative_special_values_graph_and_inplace():
    a = np.array([1.0, 3.0, 3.0, 2.0, np.nan, 5.0, np.nan])
    for name in ("cummax", "cummin"):
        check_op(lambda T, x: CUMULATIVE[name](T, x, 0), a)
    check_op(lambda T, x: T.logcumsumexp(x, 0), np.array([1.0, -np.inf, 2.0, 700.0, -700.0]))
    for name in ("cumsum", "cumprod", "cummax", "cummin", "logcumsumexp"):
        check_op(lambda T, x: CUMULATIVE[name](T, x, 0), np.array(2.5))
        check_graph(lambda T, x: CUMULATIVE[name](T, x * 1, 1), np.arange(6.0).reshape(2, 3))
    check_op(lambda T, x: (x * 1).cumsum_(1), np.arange(6.0).reshape(2, 3))
    check_op(lambda T, x: (x * 1).cumprod_(0), np.arange(6.0).reshape(2, 3))


# ---------------------------------------------------------------------------- diff
@given(data=array_and_dim(max_dims=3), n=st.integers(0, 3), ends=st.sampled_from(["", "p", "a", "pa"]))
def test_diff(data, n, ends):
    a, dim = data
    edge = np.take(a, [0], axis=dim)
    kw = lambda xs: {"prepend": xs[0] if "p" in ends else None, "append": xs[-1] if "a" in ends else None}  # noqa
    check_op(lambda T, x, p, q: T.diff(x, n=n, dim=dim, **kw([p, q])), a, edge * 2, edge - 1)


def test_diff_dtypes_graph_and_errors():
    check_op(lambda T, x: T.diff(x), np.array([True, False, True, True]))
    check_op(lambda T, x: x.diff(), np.array([1, 4, 9], np.uint8))
    check_graph(lambda T, x: T.diff(x, n=2, dim=0, prepend=x[:1], append=x[:2]), np.arange(12.0).reshape(3, 4))
    raises_like(lambda T, x: T.diff(x), np.array(1.0), match_message=True)
    raises_like(lambda T, x: T.diff(x, n=-1), np.ones(3), match_message=True)
    raises_like(lambda T, x: T.diff(x, prepend=T.ones(3, dtype=T.float64)), np.ones((2, 3)), match_message=True)


# ---------------------------------------------------------------------------- tril, triu, roll, rot90
@given(a=float_arrays(shapes(min_dims=2, max_dims=4)), diagonal=st.integers(-3, 3))
def test_tril_triu(a, diagonal):
    check_op(lambda T, x: T.tril(x, diagonal), a)
    check_op(lambda T, x: x.triu(diagonal=diagonal), a)
    check_op(lambda T, x: (x * 1).tril_(diagonal), a)
    check_op(lambda T, x: T.triu(x > 0, diagonal), a)


def test_tril_triu_graph_and_errors():
    a = np.arange(12.0).reshape(3, 4)
    check_graph(lambda T, x: T.tril(x * 1, 1), a)
    check_graph(lambda T, x: (x * 1).triu_(-1), a)
    raises_like(lambda T, x: T.tril(x), np.ones(3), match_message=True)


@given(data=array_and_dim(), shift=st.integers(-5, 5), data2=st.data())
def test_roll(data, shift, data2):
    a, dim = data
    check_op(lambda T, x: T.roll(x, shift, dim), a)
    check_op(lambda T, x: x.roll(shift), a)
    if a.ndim >= 2:
        check_op(lambda T, x: T.roll(x, (shift, 1), (0, -1)), a)


def test_roll_graph_and_errors():
    a = np.arange(12.0).reshape(3, 4)
    check_graph(lambda T, x: T.roll(x, 1), a)
    check_op(lambda T, x: T.roll(x, 1), np.array(2.0))
    for call in (lambda T, x: T.roll(x, (1, 2), 0), lambda T, x: T.roll(x, 1, 5), lambda T, x: T.roll(x, [], [])):
        raises_like(call, a, match_message=True)


@given(a=float_arrays(shapes(min_dims=2, max_dims=3)), k=st.integers(-5, 5), data=st.data())
def test_rot90(a, k, data):
    dims = data.draw(st.sampled_from([(0, 1), (1, 0), (-1, 0), (0, -1)]))
    check_op(lambda T, x: T.rot90(x, k, dims), a)
    check_op(lambda T, x: x.rot90(k), a)


def test_rot90_graph_and_errors():
    a = np.arange(12.0).reshape(3, 4)
    for k in (0, 1, 4):
        check_graph(lambda T, x: T.rot90(x, k), a)
    for call in (lambda T, x: T.rot90(x, 1, [0, 0]), lambda T, x: T.rot90(x, 1, [0]),
                 lambda T, x: T.rot90(x, 1, [0, 2]), lambda T, x: T.rot90(x[0], 1)):
        raises_like(call, a, match_message=True)


# ---------------------------------------------------------------------------- repeat_interleave
@given(data=array_and_dim(max_dims=3), repeats=st.integers(0, 3), data2=st.data())
def test_repeat_interleave(data, repeats, data2):
    a, dim = data
    check_op(lambda T, x: T.repeat_interleave(x, repeats), a)
    check_op(lambda T, x: x.repeat_interleave(repeats, dim=dim), a)
    per = data2.draw(hnp.arrays(np.int64, (a.shape[dim],), elements=st.integers(0, 3)))
    check_op(lambda T, x, r: T.repeat_interleave(x, r, dim=dim), a, per)
    check_op(lambda T, x: x.repeat_interleave(T.tensor([repeats]), dim=dim), a)
    check_op(lambda T, r: T.repeat_interleave(r), per)


def test_repeat_interleave_graph_and_errors():
    a = np.arange(12.0).reshape(3, 4)
    check_graph(lambda T, x: T.repeat_interleave(x, 2), a)
    check_graph(lambda T, x: T.repeat_interleave(x, 2, dim=1), a)
    check_graph(lambda T, x: x.repeat_interleave(T.tensor([1, 0, 2]), dim=0), a)
    check_op(lambda T, x: T.repeat_interleave(x, 2), np.array(3.0))
    for call in (lambda T, x: T.repeat_interleave(x, T.tensor([1, 2]), dim=0), lambda T, x: T.repeat_interleave(x, -1),
                 lambda T, x: T.repeat_interleave(T.tensor([1, -2])), lambda T, x: T.repeat_interleave(T.tensor([[1]])),
                 lambda T, x: T.repeat_interleave(x, T.tensor([1, 2, 1.]), dim=0)):
        raises_like(call, a, match_message=True)


# ---------------------------------------------------------------------------- block_diag
@given(parts=st.lists(st.tuples(st.sampled_from([(), (3,), (2, 2), (1, 3), (0, 2)]),
                                st.sampled_from([np.float64, np.float32, np.int64])), min_size=1, max_size=4))
def test_block_diag(parts):
    arrays_ = [np.asarray(np.arange(int(np.prod(s)), dtype=dt).reshape(s) + k, dt) for k, (s, dt) in enumerate(parts)]
    check_op(lambda T, *xs: T.block_diag(*xs), *arrays_)


def test_block_diag_graph_and_errors():
    check_graph(lambda T, x, v, s: T.block_diag(x, v, s), np.ones((2, 2)), np.arange(3.0), np.array(2.0))
    check_op(lambda T: T.block_diag(), grad=False)
    raises_like(lambda T, x: T.block_diag(x), np.ones((2, 2, 2)), match_message=True)


# ---------------------------------------------------------------------------- index_* ops, masked_scatter, take
@given(data=array_and_dim(max_dims=3), data2=st.data(), alpha=st.sampled_from([1, 2.5]))
def test_index_add_copy_fill(data, data2, alpha):
    a, dim = data
    n = a.shape[dim]
    idx = data2.draw(hnp.arrays(np.int64, st.integers(0, 4), elements=st.integers(0, n - 1)))
    src_shape = list(a.shape)
    src_shape[dim] = idx.size
    src = data2.draw(arrays(a.dtype, tuple(src_shape)))
    check_op(lambda T, x, s: T.index_add(x, dim, T.from_numpy(idx), s, alpha=alpha), a, src)
    check_op(lambda T, x, s: (x * 1).index_add_(dim, T.from_numpy(idx), s), a, src)
    unique_idx = np.unique(idx)  # (a repeated index_copy target has no defined winner in torch)
    src_shape[dim] = unique_idx.size
    src = data2.draw(arrays(a.dtype, tuple(src_shape)))
    check_op(lambda T, x, s: T.index_copy(x, dim, T.from_numpy(unique_idx), s), a, src)
    check_op(lambda T, x, s: (x * 1).index_copy_(dim, T.from_numpy(unique_idx), s), a, src)
    check_op(lambda T, x: x.index_fill(dim, T.from_numpy(idx), -1.5), a)
    check_op(lambda T, x, v: (x * 1).index_fill_(dim, T.from_numpy(idx), v), a, np.array(2.5, a.dtype))


def test_index_ops_graphs_and_errors():
    x, s = np.arange(12.0).reshape(3, 4), np.arange(8.0).reshape(2, 4)
    idx = np.array([2, 0])
    check_graph(lambda T, a, b: a.index_add(0, T.from_numpy(idx), b * 2, alpha=2), x, s)
    check_graph(lambda T, a, b: a.index_copy(0, T.from_numpy(idx), b * 2), x, s)
    check_graph(lambda T, a: a.index_fill(1, T.from_numpy(idx), 2.0), x)
    check_graph(lambda T, a, v: a.index_fill(1, T.from_numpy(idx), v), x, np.array(3.0))
    check_graph(lambda T, a: (a * 1).index_add_(1, T.tensor([0, 0]), T.ones(3, 2, dtype=T.float64)), x)
    for call in [lambda T, a, b: T.index_copy(a, 0, T.tensor([2, 0], dtype=T.int32), b),
                 lambda T, a, b: a.index_copy(0, T.tensor([5, 0]), b),
                 lambda T, a, b: a.index_copy(0, T.tensor([2, 0]), b.float()),
                 lambda T, a, b: a.index_copy(0, T.tensor([2, 0]), b[:, :3]),
                 lambda T, a, b: a.index_copy(0, T.tensor([0, 1, 2]), b),
                 lambda T, a, b: a.index_fill(1, T.tensor([2, 0], dtype=T.int32), 2),
                 lambda T, a, b: a.index_fill(1, T.tensor([5]), 2),
                 lambda T, a, b: a.index_fill(1, T.tensor([0]), b[0]),
                 lambda T, a, b: a.index_add(0, T.tensor([2., 0.]), b),
                 lambda T, a, b: a.index_add(0, T.tensor([5, 0]), b),
                 lambda T, a, b: a.index_add(0, T.tensor([2, 0]), b.float())]:
        raises_like(call, x, s, match_message=True)
    check_op(lambda T, a: a.index_fill(1, T.tensor([-1]), 2.0), x)
    check_op(lambda T, a, b: T.index_add(a, 0, T.tensor([2, 0], dtype=T.int32), b), x, s)


@given(a=float_arrays(shapes(min_dims=1, max_dims=3)), data=st.data())
def test_masked_scatter_take_and_take_along_dim(a, data):
    mask = data.draw(hnp.arrays(np.bool_, a.shape))
    src = data.draw(arrays(a.dtype, (a.size + 2,)))
    check_op(lambda T, x, m, s: x.masked_scatter(m, s), a, mask, src)
    check_op(lambda T, x, m, s: (x * 1).masked_scatter_(m, s), a, mask, src)
    idx = data.draw(hnp.arrays(np.int64, shapes(max_dims=2), elements=st.integers(-a.size, a.size - 1)))
    check_op(lambda T, x, i: T.take(x, i), a, idx)
    dim = data.draw(st.integers(-a.ndim, a.ndim - 1))
    ishape = [data.draw(st.sampled_from([1, s])) for s in a.shape]
    ishape[dim] = data.draw(st.integers(0, 3))
    ind = data.draw(hnp.arrays(np.int64, tuple(ishape), elements=st.integers(0, a.shape[dim] - 1)))
    check_op(lambda T, x, i: T.take_along_dim(x, i, dim), a, ind)
    check_op(lambda T, x, i: x.take_along_dim(i), a, np.array([0, a.size - 1]))


def test_masked_scatter_take_graphs_and_errors():
    x = np.arange(12.0).reshape(3, 4) - 5
    check_graph(lambda T, a, s: a.masked_scatter(a > 0, s * 2), x, np.ones(12))
    check_graph(lambda T, a: T.take(a, T.tensor([[0, 5], [-1, 2]])), x)
    check_graph(lambda T, a: T.take_along_dim(a, T.tensor([[0], [1], [2]]), 1), x)
    check_graph(lambda T, a: T.take_along_dim(a, T.tensor([0, 5])), x)
    check_graph(lambda T, a: a.index_select(0, T.tensor([0, 2, 0])), x)
    check_op(lambda T, a, s: a.masked_scatter(a[0] > 0, s), x, np.ones(20))
    for call in [lambda T, a: a.masked_scatter(a > 0, a[:1]), lambda T, a: a.masked_scatter((a > 0).int(), a),
                 lambda T, a: a.masked_scatter(a > 0, a.float()), lambda T, a: T.take(a, T.tensor([12])),
                 lambda T, a: T.take(a, T.tensor([-13])), lambda T, a: T.take(a, T.tensor([1.])),
                 lambda T, a: T.take_along_dim(a, T.tensor([[0], [1]]), 1),
                 lambda T, a: T.take_along_dim(a, T.tensor([0, 1]), 1),
                 lambda T, a: T.take_along_dim(a, T.tensor([[0.]]), 1),
                 lambda T, a: a.index_select(0, T.tensor([[0]])), lambda T, a: a.index_select(0, T.tensor([0.])),
                 lambda T, a: a.index_select(0, T.tensor([5]))]:
        raises_like(call, x, match_message=True)


def test_index_select_graph_and_scalar():
    check_op(lambda T, a: a.index_select(0, T.tensor([0, 2, 0])), np.arange(12.0).reshape(3, 4))
    check_op(lambda T, a: a.index_select(1, T.tensor(1, dtype=T.int32)), np.arange(12.0).reshape(3, 4))
    check_op(lambda T, a: a.index_select(0, T.tensor([0])), np.array(3.0))


def test_reshape_of_a_noncontiguous_view_is_a_reshape_alias():
    a = np.arange(12.0).reshape(3, 4)
    check_graph(lambda T, x: x.t().reshape(2, 2, 3), a)
    check_graph(lambda T, x: x[:, :2].reshape(3, 2), a)
    check_graph(lambda T, x: x.t().reshape(12), a)


# ---------------------------------------------------------------------------- where with numbers
@pytest.mark.parametrize("call", [
    lambda T, c, x: T.where(c, 1, 0.5), lambda T, c, x: T.where(c, x.long(), 0.5), lambda T, c, x: T.where(c, 2, x),
    lambda T, c, x: T.where(c, True, 0), lambda T, c, x: T.where(c, x, 1), lambda T, c, x: T.where(c, x.float(), 2.5),
    lambda T, c, x: T.where(c, x.int(), 7), lambda T, c, x: T.where(c, 1.5, x.int()), lambda T, c, x: x.where(c, 0.0),
])
def test_where_with_numbers(call):
    check_op(call, np.array([True, False, True]), np.array([1.0, 2.0, 3.0]))


def test_where_errors_like_torch():
    raises_like(lambda T, c: T.where(c, 1.0, 0.0), np.array([1, 0]), match_message=True)


def test_no_warnings_from_numpy():
    """The suite turns NumPy warnings into errors; these ops hit 0/0 and log(0) internally."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x = mt.tensor([0.0, 1.0, 0.0], requires_grad=True)
        mt.cdist(x[None, :, None], x[None, :, None]).sum().backward()
        mt.cumprod(x, 0).sum().backward()
        mt.logcumsumexp(x, 0).sum().backward()


def test_layouts_like_torch():
    """The strides torch gives these results: they decide ``is_contiguous()`` and whether a
    later ``view`` works."""
    a = np.arange(24.0).reshape(2, 3, 4)
    for fn in [lambda T, x: T.rot90(x), lambda T, x: T.rot90(x, 2), lambda T, x: T.rot90(x, -1, (2, 0)),
               lambda T, x: T.einsum("bij->jbi", x), lambda T, x: T.einsum("bij,bkj->bik", x, x),
               lambda T, x: T.tril(x), lambda T, x: T.roll(x, 1, 0), lambda T, x: T.cumprod(x, 1),
               lambda T, x: T.repeat_interleave(x, 2, dim=1), lambda T, x: T.take_along_dim(x, T.tensor([[[0]]]), 1)]:
        (ours, _), (theirs, _) = both(fn, a, grad=False)
        assert (ours.is_contiguous(), ours.stride()) == (theirs.is_contiguous(), theirs.stride())
