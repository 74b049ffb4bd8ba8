"""torch's fused multiply-add, rounded as its CPU kernels round it.

torch's vectorised kernels for ``add(..., alpha=)``, ``addcmul`` and ``lerp`` (and the
optimizers written with them) call ``vec::fmadd``: ``a * b + c`` rounded *once*, where
NumPy's ``a * b + c`` rounds twice -- a different last bit in 10-25% of float32 results.
NumPy has no fma. But the product of two float32 numbers is exact in float64 (24 + 24
bits < 53), so ``float32(float64(a) * b + c)`` rounds the exact sum once to float64 and
then to float32: torch's result, unless the float64 sum lands exactly halfway between two
float32 numbers although the exact sum does not (about 2**-29 of inexact sums).

float64 has no wider type to borrow: it rounds twice here (half an ulp of the product
at most; an exact emulation, ``_generator._fma64``, is ~80x slower). ``optim/_pointwise.py``
has the measurements.
"""
import numpy as np


def fma(a, b, c, out=None):
    """``a * b + c`` in ``c``'s dtype: rounded once in float32, twice in float64."""
    if c.dtype == np.float32 and out is not None:
        return np.add(np.multiply(a, b, dtype=np.float64), c, out=out, casting="same_kind")
    if c.dtype == np.float32:
        return np.add(np.multiply(a, b, dtype=np.float64), c).astype(np.float32)
    return np.add(a * b, c, out=out)
