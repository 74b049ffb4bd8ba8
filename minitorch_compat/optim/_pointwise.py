"""In-place updates rounded exactly as torch's CPU kernels round them.

Optimizers are chains of ``mul_``, ``addcmul_``, ``addcdiv_``, ``add_(alpha=)`` and
``lerp_``. torch's x86 build compiles these kernels with fused multiply-add contraction,
so several of them round *once* where plain NumPy rounds twice. Measured against torch
2.x on CPU (float32 and float64 alike), with ``v`` the Python-float scalar rounded to the
tensor's dtype first::

    addcmul_(t1, t2, value=v)   ->  fma(v * t1, t2, self)
    addcdiv_(t1, t2, value=v)   ->  self + (v * t1) / t2          (no fma: a division)
    add_(other, alpha=v)        ->  fma(v, other, self)
    lerp_(end, w), w < 0.5      ->  fma(w, end - self, self)
    lerp_(end, w), w >= 0.5     ->  fma(-(end - self), 1 - w, end)
    mul_(v)                     ->  self * v

NumPy has no fma, so ``_generator._fma32`` / ``_fma64`` emulate a correctly rounded one.
Using them, every step matches torch's arithmetic operation for operation. One op we
cannot follow: torch's ``sqrt`` goes through Intel MKL's vector math library, which is not
correctly rounded (about 1 in 6 float32 results and 1 in 80 float64 results are 1 ulp
away from NumPy's exact ``np.sqrt``). So RMSprop/Adagrad/Adadelta trajectories are often
bit-identical to torch's, and otherwise agree to a few ulps (~1e-16 relative in
float64, ~1e-7 in float32).
"""
import numpy as np

from .._generator import _fma32, _fma64


def fma(a, b, c):
    """``a * b + c`` with one rounding, in ``c``'s dtype."""
    fn = _fma32 if c.dtype == np.float32 else _fma64
    return np.asarray(fn(a, b, c), dtype=c.dtype)


def addcmul_(self, t1, t2, value=1.0):
    v = self.dtype.type(value)
    self[...] = fma(t1 if value == 1 else v * t1, t2, self)
    return self


def addcdiv_(self, t1, t2, value=1.0):
    v = self.dtype.type(value)
    self += (t1 if value == 1 else v * t1) / t2
    return self


def add_(self, other, alpha=1.0):
    if alpha == 1:
        self += other
    else:
        self[...] = fma(self.dtype.type(alpha), other, self)
    return self


def added(a, other, alpha):
    """``a.add(other, alpha=alpha)`` as a new array (weight decay: ``g + wd * p``)."""
    return fma(a.dtype.type(alpha), other, a)


def lerp_(self, end, weight):
    w = self.dtype.type(weight)
    diff = end - self
    if w < 0.5:
        self[...] = fma(w, diff, self)
    else:
        self[...] = fma(-diff, self.dtype.type(1) - w, end)
    return self
