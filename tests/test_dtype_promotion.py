"""torch's type promotion, which NumPy's rules must not leak into.

Three layers: ``promote_types`` on dtype pairs, ``result_type`` on every mix of tensors
with dimensions, zero-dim tensors and Python scalars, and the dtypes the ops themselves
return for those mixes.
"""
import itertools
import operator

import numpy as np
import pytest
import torch

import minitorch_compat as mt
from helpers import assert_close, dtype_name

NAMES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64",
         "complex64", "complex128"]
REAL = NAMES[:-2]
SCALARS = [True, 3, -2, 2.5, 1.0, 1 + 2j]


def dt(T, name):
    return getattr(T, name)


def _complex32(a, b):
    """float16 meeting a complex type gives torch.complex32, which NumPy (and so we) lack."""
    return {a, b} & {"float16"} and {a, b} & {"complex64", "complex128"}


def sample(T, name, ndim):
    """A small tensor of dtype ``name``: ``ndim`` 0 (zero-dim) or 1, values safe for every op."""
    vals = np.array([1, 2] if ndim else 3).astype(np.dtype(name if name != "bool" else np.bool_))
    return T.from_numpy(vals)


@pytest.mark.parametrize("a", NAMES)
def test_promote_types_all_pairs(a):
    for b in NAMES:
        assert repr(mt.promote_types(dt(mt, a), dt(mt, b))) == str(torch.promote_types(dt(torch, a), dt(torch, b))), (a, b)


@pytest.mark.parametrize("a", NAMES)
def test_result_type_tensors_and_scalars(a):
    for nd_a in (0, 1):
        for b in NAMES:
            for nd_b in (0, 1):
                if _complex32(a, b):
                    continue
                o = mt.result_type(sample(mt, a, nd_a), sample(mt, b, nd_b))
                t = torch.result_type(sample(torch, a, nd_a), sample(torch, b, nd_b))
                assert repr(o) == str(t), (a, nd_a, b, nd_b)
        for s in SCALARS:
            if a == "float16" and isinstance(s, complex):
                continue
            assert repr(mt.result_type(sample(mt, a, nd_a), s)) == str(torch.result_type(sample(torch, a, nd_a), s)), (a, nd_a, s)


BINARY_OPS = {
    "add": operator.add, "sub": operator.sub, "mul": operator.mul, "truediv": operator.truediv,
    "eq": operator.eq, "lt": operator.lt, "floordiv": operator.floordiv, "pow": operator.pow,
}


def _call(T, op, a, b):
    if op == "where":
        return T.where(T.tensor(True), a, b)
    if op == "maximum":
        return T.maximum(a, b)
    return BINARY_OPS[op](a, b)


def _outcome(fn):
    try:
        return fn()
    except (RuntimeError, TypeError) as e:
        return type(e)


def _same_outcome(t, o, where):
    """The same exception type, or the same dtype and values (at the result dtype's tolerance)."""
    if isinstance(t, type):
        assert o is t or (isinstance(o, type) and issubclass(o, t)), (where, o, t)
    else:
        assert not isinstance(o, type), (where, o, t)
        assert_close(o, t, what=str(where))


PAIR_OPS = ["add", "sub", "mul", "truediv", "eq", "lt", "maximum", "where", "floordiv", "pow"]
PAIR_CASES = [(op, a, b) for op in PAIR_OPS for a in (REAL if op in ("lt", "maximum", "floordiv") else NAMES)
              for b in (REAL if op in ("lt", "maximum", "floordiv") else NAMES) if not _complex32(a, b)]


@pytest.mark.parametrize("op, a, b", PAIR_CASES, ids=["-".join(c) for c in PAIR_CASES])
def test_binary_op_result_dtypes(op, a, b):
    """One dtype pair, as (dim, dim), (dim, 0-d), (0-d, dim), (0-d, 0-d): same dtype and
    values (at the result dtype's tolerance), or the same error."""
    for nd_a, nd_b in ((1, 1), (1, 0), (0, 1), (0, 0)):
        t = _outcome(lambda: _call(torch, op, sample(torch, a, nd_a), sample(torch, b, nd_b)))
        o = _outcome(lambda: _call(mt, op, sample(mt, a, nd_a), sample(mt, b, nd_b)))
        _same_outcome(t, o, (op, a, nd_a, b, nd_b))


SCALAR_OPS = ["add", "sub", "mul", "truediv", "floordiv", "pow", "eq"]


@pytest.mark.parametrize("op", SCALAR_OPS)
@pytest.mark.parametrize("a", REAL)
@pytest.mark.parametrize("s", SCALARS[:-1], ids=[repr(s) for s in SCALARS[:-1]])
@pytest.mark.parametrize("reflected", [False, True], ids=["tensor-op-scalar", "scalar-op-tensor"])
def test_tensor_with_python_scalar_dtypes(op, a, s, reflected):
    fn = BINARY_OPS[op]
    for nd in (0, 1):
        t = _outcome(lambda: fn(s, sample(torch, a, nd)) if reflected else fn(sample(torch, a, nd), s))
        o = _outcome(lambda: fn(s, sample(mt, a, nd)) if reflected else fn(sample(mt, a, nd), s))
        _same_outcome(t, o, (op, a, nd, s, reflected))


@pytest.mark.parametrize("expr, expected", [
    (lambda T: T.tensor([1, 2]) + T.tensor([1.0, 2.0]), "torch.float32"),          # int64 + float32
    (lambda T: T.tensor([1, 2], dtype=T.int32) + 5, "torch.int32"),                 # scalar keeps category
    (lambda T: T.tensor([1, 2], dtype=T.int32) + 2.5, "torch.float32"),             # ... unless higher
    (lambda T: T.tensor([1.0], dtype=T.float16) + 2.5, "torch.float16"),
    (lambda T: T.tensor([1.0], dtype=T.float16) + T.tensor(2.5, dtype=T.float64), "torch.float16"),  # 0-d
    (lambda T: T.tensor([1], dtype=T.int32) + T.tensor(2), "torch.int32"),
    (lambda T: T.tensor([1], dtype=T.int8) + T.tensor(2.0), "torch.float32"),
    (lambda T: T.tensor(1, dtype=T.int8) + T.tensor(2), "torch.int64"),             # both 0-d: plain promotion
    (lambda T: T.tensor([True]) + 1, "torch.int64"),                                 # bool + int
    (lambda T: T.tensor([True]) + T.tensor([1], dtype=T.uint8), "torch.uint8"),
    (lambda T: T.tensor([True]) + True, "torch.bool"),
    (lambda T: T.tensor([True]) * 1.5, "torch.float32"),
    (lambda T: T.tensor([3]) / T.tensor([2]), "torch.float32"),                      # true division
    (lambda T: T.tensor([3]) / 2, "torch.float32"),
    (lambda T: T.tensor([3]) // 2, "torch.int64"),
    (lambda T: T.tensor([3], dtype=T.uint8) + T.tensor([3], dtype=T.int8), "torch.int16"),
    (lambda T: T.tensor([1.0]) + T.tensor([1.0], dtype=T.float64), "torch.float64"),
    (lambda T: T.tensor([1.0]) + 1j, "torch.complex64"),
    (lambda T: T.tensor([1.0], dtype=T.float64) + 1j, "torch.complex128"),
    (lambda T: T.tensor([1]) ** 2, "torch.int64"),
    (lambda T: T.tensor([1]) ** 2.0, "torch.float32"),
    (lambda T: 2 ** T.tensor([1]), "torch.int64"),
    (lambda T: T.tensor([1, 2]).sum(), "torch.int64"),
    (lambda T: T.tensor([1, 2], dtype=T.int8).sum(), "torch.int64"),
    (lambda T: T.tensor([True, True]).sum(), "torch.int64"),
    (lambda T: T.tensor([1, 2]).float().mean(), "torch.float32"),
    (lambda T: T.tensor([1, 4]).sqrt(), "torch.float32"),
    (lambda T: T.tensor([1, 4]).exp(), "torch.float32"),
    (lambda T: T.tensor([1, 4], dtype=T.int32).abs(), "torch.int32"),
    (lambda T: T.tensor([-1, 4], dtype=T.int16).relu(), "torch.int16"),
    (lambda T: T.tensor([1, 4]).sigmoid(), "torch.float32"),
    (lambda T: T.cat([T.tensor([1]), T.tensor([1.0])]), "torch.float32"),
    (lambda T: T.stack([T.tensor([1], dtype=T.int8), T.tensor([1], dtype=T.uint8)]), "torch.int16"),
    (lambda T: T.where(T.tensor([True]), T.tensor([1]), 2.5), "torch.float32"),
    (lambda T: T.where(T.tensor([True]), 1, 2.5), "torch.float32"),
    (lambda T: T.clamp(T.tensor([1, 5]), 0, 3), "torch.int64"),
    (lambda T: T.clamp(T.tensor([1, 5]), 0.5, 3), "torch.float32"),
    (lambda T: T.tensor([1, 2]) @ T.tensor([3, 4]), "torch.int64"),
    (lambda T: T.tensor([1, 2]).max(), "torch.int64"),
    (lambda T: T.tensor([1, 2]).argmax(), "torch.int64"),
    (lambda T: T.tensor([1.5]).to(T.int32) * 2, "torch.int32"),
])
def test_spelled_out_promotions(expr, expected):
    o, t = expr(mt), expr(torch)
    assert str(t.dtype) == expected  # the case reads as documentation of torch
    assert dtype_name(o.dtype) == expected
    assert_close(o, t)


def test_default_dtype_float64_changes_inference_and_promotion():
    exprs = [lambda T: T.tensor([1.5]), lambda T: T.tensor([1]) / 2, lambda T: T.tensor([1]) + 2.5,
             lambda T: T.tensor([1]).sqrt(), lambda T: T.zeros(2), lambda T: T.arange(0.0, 1.0, 0.5),
             lambda T: T.tensor([1.0], dtype=T.float32) + 2.5, lambda T: T.tensor([1j])]
    results = {}
    for T in (torch, mt):
        prev = T.get_default_dtype()
        T.set_default_dtype(T.float64)
        try:
            results[T] = [e(T) for e in exprs]
            assert dtype_name(T.get_default_dtype()) == "torch.float64"
        finally:
            T.set_default_dtype(prev)
    for o, t in zip(results[mt], results[torch]):
        assert_close(o, t)
    assert mt.get_default_dtype() is mt.float32


def test_dtype_objects():
    for name in NAMES:
        o, t = dt(mt, name), dt(torch, name)
        assert repr(o) == str(t)
        assert (o.is_floating_point, o.is_complex, o.is_signed, o.itemsize) == \
            (t.is_floating_point, t.is_complex, t.is_signed, t.itemsize), name
    assert mt.float is mt.float32 and mt.double is mt.float64 and mt.long is mt.int64
    assert mt.int is mt.int32 and mt.short is mt.int16 and mt.half is mt.float16
    assert repr(mt.bool) == "torch.bool"
