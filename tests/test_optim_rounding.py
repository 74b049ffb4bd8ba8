"""The optimizers' rounding policy (``minitorch_compat/optim/_pointwise.py``), checked
against torch's kernels one operation at a time.

float32: every fused operation (``add_(alpha=)``, ``addcmul_``, ``lerp_``) and
``addcdiv_`` give torch's bits exactly, in torch's vectorised body and in its scalar tail
(lengths 1 to 70). float64: one rounding more than torch where it fuses, so at most half
an ulp of the product away (more ulps of the result when it cancels). Whole
trajectories: ``test_optim*.py`` (float32 SGD, ASGD, Rprop and Adamax bit for bit,
optimizers with a square root to ``optim_helpers.TOL``).
"""
import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

from helpers import arrays
from minitorch_compat.optim import _pointwise as P

SCALARS = st.sampled_from([1.0, -1.0, 0.1, -0.1, 1e-3, -0.3, 0.9, 0.999, 1 / 3, 0.5, 0.7])
OPS = {
    "add_": (lambda t, a, b, v: t.add_(a, alpha=v), lambda x, a, b, v: P.add_(x, a, v)),
    "addcmul_": (lambda t, a, b, v: t.addcmul_(a, b, value=v), lambda x, a, b, v: P.addcmul_(x, a, b, v)),
    "addcdiv_": (lambda t, a, b, v: t.addcdiv_(a, b, value=v), lambda x, a, b, v: P.addcdiv_(x, a, b, v)),
    "lerp_": (lambda t, a, b, v: t.lerp_(a, abs(v)), lambda x, a, b, v: P.lerp_(x, a, abs(v))),
    "add": (lambda t, a, b, v: t.copy_(t.add(a, alpha=v)), lambda x, a, b, v: x.__setitem__(..., P.added(x, a, v))),
}


@pytest.mark.parametrize("op", sorted(OPS))
@given(data=st.data())
def test_pointwise_ops_round_like_torch(op, data):
    dtype = data.draw(st.sampled_from([np.float32, np.float64]), label="dtype")
    n = data.draw(st.integers(1, 70), label="n")  # both torch's vector body and its scalar tail
    x, a = (data.draw(arrays(dtype, (n,), lo=-3, hi=3)) for _ in range(2))
    b = data.draw(arrays(dtype, (n,), lo=1, hi=4, subnormal=False))
    v = data.draw(SCALARS, label="scalar")
    torch_fn, our_fn = OPS[op]
    expected = torch.from_numpy(x.copy())
    torch_fn(expected, torch.from_numpy(a), torch.from_numpy(b), v)
    got = x.copy()
    our_fn(got, a, b, v)
    expected = expected.numpy()
    if dtype is np.float32:
        np.testing.assert_array_equal(got, expected)
    else:  # the product's rounding error: half an ulp of the operands' scale, at most
        scale = np.abs(x) + np.abs(a) * (1 + np.abs(b)) * max(1.0, abs(v))
        assert (np.abs(got - expected) <= np.finfo(dtype).eps * scale).all()
