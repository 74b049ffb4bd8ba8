"""The rounding policy of every optimizer: in-place updates rounded as torch's CPU kernels round.

What torch does
---------------
An optimizer's step is a chain of tensor methods (``mul_``, ``add_(alpha=)``,
``addcmul_``, ``addcdiv_``, ``lerp_``, ``sqrt``...) with Python-float hyper-parameters.
Plain Python arithmetic on the hyper-parameters (``lr / bias_correction1``) happens in
double; each kernel then rounds its scalar to the tensor's dtype and computes in that
dtype. torch's kernels call a fused multiply-add explicitly (``vec::fmadd``), so several
of them round *once* where NumPy's two operations round twice. Measured against torch
2.14 on CPU (float32 and float64 alike; ``v`` is the scalar rounded to the dtype)::

    add_(other, alpha=v)        ->  fma(v, other, self)
    addcmul_(t1, t2, value=v)   ->  fma(v * t1, t2, self)
    addcdiv_(t1, t2, value=v)   ->  self + (v * t1) / t2          (no fma: a division)
    lerp_(end, w), w < 0.5      ->  fma(w, end - self, self)
    lerp_(end, w), w >= 0.5     ->  fma(-(end - self), 1 - w, end)
    mul_(v), div(v), add_(v)    ->  one rounding each, as in NumPy

Complex tensors: torch's complex kernels do not fuse, plain NumPy arithmetic matches.

How we do it
------------
Every optimizer (``sgd.py``, ``adam.py``, ...) writes torch's chain with the functions
below, in torch's order, on the NumPy arrays in place. ``fma`` (``_ops/fused.py``, shared
with the tensor ops) is the one place that decides how a fused operation rounds:

* float32: exactly as torch. The product of two float32 values is exact in float64
  (24 + 24 bits < 53), so ``float32(float64(a) * b + c)`` rounds once to float64, then
  to float32. That differs from a true fma only if the float64 sum lands exactly halfway
  between two float32 values although the exact sum does not (about 2**-29 of inexact
  sums; never seen in 1.2e8 random SGD updates). Plain NumPy, which rounds ``a * b``
  first, differs from torch in ~11% of those updates. The price is speed: SGD's update
  of the quickstart MLP's 670k parameters takes ~2.2 ms instead of ~0.5 ms (CPU time,
  one thread), the casts to and from float64 being most of it.
* float64: NumPy's ``a * b + c``, two roundings. An exact float64 fma needs error-free
  transformations (``_generator._fma64``): measured on SGD's update of the quickstart
  MLP's 670k parameters, 80 ms per step instead of 1 ms, too slow for a training loop.
  So a float64 fused operation may differ from torch's by half an ulp of its product
  (~1e-16 of the operands); the equivalence tests compare float64 at 1e-12.

What we cannot follow: torch's ``sqrt`` goes through Intel MKL's vector math library,
which is not correctly rounded (about 0.7% of float32 and float64 results are 1 ulp
away from NumPy's exact ``np.sqrt``, measured on random inputs). So in float32 the
optimizers without a square root (SGD, ASGD, Rprop, Adamax) match torch bit for bit and
the others to a few ulps (``tests/test_optim_rounding.py`` checks each operation,
``tests/test_optim*.py`` whole trajectories).

float16 and bfloat16 parameters: torch's kernel is the float32 one, its result rounded
once to the 16-bit dtype (``_opmath.py``), and it reads its Python number in float32 --
except ``add`` (a scalar, or ``alpha``), which rounds the number to the tensor's dtype
first. Measured against torch: ``scalar`` and ``in_dtype`` below give the number as each
kind of kernel reads it; ``add_``, ``addcmul_``, ``addcdiv_`` and ``lerp_`` run their
float32 formula on float32 copies and round the result once (``_in_float32``); with
that every optimizer's 16-bit trajectory has torch's bits (``tests/test_optim_16bit.py``).
"""
import numpy as np

from .._bfloat16 import BFloat16Array, round_to_bfloat16
from .._ops.fused import fma


def scalar(array, v):
    """``v`` as torch's ``mul``, ``div``, ``addcmul``, ``addcdiv`` and ``lerp`` kernels read
    it: in the tensor's dtype, or float32 for float16 (bfloat16 arrays are float32 here)."""
    return np.float32(v) if array.dtype == np.float16 else array.dtype.type(v)


def in_dtype(array, v):
    """``v`` as torch's ``add`` reads it (a scalar, or ``alpha``): rounded to the tensor's dtype."""
    return round_to_bfloat16(v)[()] if type(array) is BFloat16Array else array.dtype.type(v)


def times(array, v):
    """``array * v``, a new array in ``array``'s dtype (torch's ``mul``: see ``scalar``)."""
    return np.multiply(array, scalar(array, v), out=np.empty_like(array))


def divided(array, v):
    """``array / v``, a new array in ``array``'s dtype (torch's ``div``: see ``scalar``)."""
    return np.divide(array, scalar(array, v), out=np.empty_like(array))


def _in_float32(kernel, self, *args):
    """A float16/bfloat16 ``self``: the float32 kernel on float32 copies, rounded once."""
    result = kernel(np.array(self, np.float32), *[np.array(a, np.float32) if isinstance(a, np.ndarray) else a
                                                   for a in args])
    np.copyto(self, result, casting="same_kind")
    return self


def add_(self, other, alpha=1.0):
    """``self.add_(other, alpha=alpha)``: ``self + alpha * other``, fused as in torch."""
    if self.dtype == np.float16 or type(self) is BFloat16Array:
        return _in_float32(add_, self, other, float(in_dtype(self, alpha)))
    if alpha != 1 and self.dtype.kind == "f":
        return fma(self.dtype.type(alpha), other, self, out=self)
    self += other if alpha == 1 else other * self.real.dtype.type(alpha)  # complex kernels do not fuse
    return self


def added(self, other, alpha):
    """``self.add(other, alpha=alpha)``, a new array (weight decay: ``g + wd * p``)."""
    return add_(self.copy(), other, alpha)


def addcmul_(self, t1, t2, value=1.0):
    """``self += value * t1 * t2`` (torch: ``fma(value * t1, t2, self)``)."""
    if self.dtype == np.float16 or type(self) is BFloat16Array:
        return _in_float32(addcmul_, self, t1, t2, value)
    return fma(t1 if value == 1 else self.dtype.type(value) * t1, t2, self, out=self)


def addcdiv_(self, t1, t2, value=1.0):
    """``self += value * t1 / t2``."""
    if self.dtype == np.float16 or type(self) is BFloat16Array:
        return _in_float32(addcdiv_, self, t1, t2, value)
    self += (t1 if value == 1 else self.dtype.type(value) * t1) / t2
    return self


def lerp_(self, end, weight):
    """``self += weight * (end - self)``, with torch's two formulas (exact at both ends)."""
    if self.dtype == np.float16 or type(self) is BFloat16Array:
        return _in_float32(lerp_, self, end, weight)
    w = self.dtype.type(weight)
    diff = end - self
    if w < 0.5:
        return fma(w, diff, self, out=self)
    return fma(-diff, self.dtype.type(1) - w, end, out=self)
