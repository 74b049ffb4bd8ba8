"""The error function ``erf`` (and ``erfc = 1 - erf``), which exact GELU needs.

torch calls the C library's ``erf`` (or a vectorised SLEEF port of it). NumPy has no erf,
and ``math.erf`` works on one Python float at a time, so this file computes it for whole
arrays from two classic expansions, each used where it converges fast:

* ``|x| <= 2``: the series with all-positive terms (no cancellation)
  ``erf(x) = 2x/sqrt(pi) * exp(-x^2) * sum_n (2x^2)^n / (1*3*5*...*(2n+1))``,
  40 terms evaluated with Horner's rule.
* ``|x| > 2``: the continued fraction
  ``erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...)))))``,
  60 levels evaluated from the tail upwards.

Both reach about 1e-15 relative error in float64 (checked against ``math.erf`` /
``math.erfc`` over [-7, 7]); ``erfc = 1 - erf`` for ``|x| <= 2`` keeps ~1e-14 relative
error there (erfc(2) = 0.0047). float32 inputs are computed in float64 and rounded once.
The backward is ``d/dx erf(x) = 2/sqrt(pi) * exp(-x^2)``.

``erfinv`` (the inverse: ``erf(erfinv(y)) = y``) starts from M. Giles' single-precision
approximation ("Approximating the erfinv function", 2010: a polynomial in
``w = -log(1 - y^2)``) and refines it with four Newton steps on the float64 ``erf`` above
(quadratic convergence: float64 results are as accurate as ``erf`` itself). For
``|y| >= 0.5`` the steps solve ``log(erfc(x)) = log(1 - |y|)`` instead, where ``1 - |y|`` is
exact and the equation is nearly linear in ``x``, even far out in the tail where Giles'
polynomial is only a rough guess.
Its backward is ``sqrt(pi)/2 * exp(erfinv(y)^2)``.
"""
import math

import numpy as np

from .._tensor import Tensor
from .pointwise import _unary

_SPLIT = 2.0
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
# Horner coefficients of sum_n t^n / (2n+1)!!, highest power first.
_SERIES = np.cumprod([1.0] + [1.0 / (2 * n + 1) for n in range(1, 40)])[::-1].copy()
_CF_DEPTH = 60


def _erf_series(x):
    t = 2.0 * x * x
    s = np.full_like(x, _SERIES[0])
    for c in _SERIES[1:]:
        s = s * t + c
    return _TWO_OVER_SQRT_PI * x * np.exp(-x * x) * s


def _erfc_fraction(x):
    """erfc(x) for x > 2 (the fraction converges quickly there)."""
    f = x.copy()
    for k in range(_CF_DEPTH, 0, -1):
        f = x + (0.5 * k) / f
    with np.errstate(over="ignore"):
        return (0.5 * _TWO_OVER_SQRT_PI) * np.exp(-x * x) / f


def _erf_and_erfc(x):
    """(erf(x), erfc(x)) in float64 for a float64 array, each accurate where it is small."""
    a = np.abs(x)
    near = a <= _SPLIT
    far = ~near & ~np.isnan(a)
    erf = np.empty_like(x)
    erfc = np.empty_like(x)
    xs = x[near]
    e = _erf_series(xs)
    erf[near], erfc[near] = e, 1.0 - e
    af = a[far]
    tail = _erfc_fraction(af)                 # erfc(|x|)
    sign = np.sign(x[far])
    erf[far] = sign * (1.0 - tail)
    erfc[far] = np.where(sign > 0, tail, 2.0 - tail)
    nan = np.isnan(x)
    erf[nan] = erfc[nan] = np.nan
    return erf, erfc


def erf_float64(x):
    """erf of any array, computed and returned in float64 (what exact GELU needs); of a
    Tensor (in a backward that records a graph), the differentiable ``erf`` in float64."""
    if isinstance(x, Tensor):
        return erf(x.double())
    x = np.asarray(x, dtype=np.float64)
    return _erf_and_erfc(x.reshape(-1))[0].reshape(x.shape)


def _in_float64(which):
    def f(x):
        r = _erf_and_erfc(np.asarray(x, dtype=np.float64).reshape(-1))[which].reshape(np.shape(x))
        return r.astype(x.dtype, copy=False)
    return f


def _derf(g, x):
    return g * (_TWO_OVER_SQRT_PI * np.exp(-x * x)).astype(x.dtype, copy=False)


erf = _unary("ErfBackward0", _in_float64(0), _derf)
erfc = _unary("ErfcBackward0", _in_float64(1), lambda g, x: -_derf(g, x))


# Giles' coefficients, highest power first: central region (w < 5), then tails.
_GILES_CENTRAL = (2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087,
                  -0.00125372503, -0.00417768164, 0.246640727, 1.50140941)
_GILES_TAIL = (-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773,
               -0.0076224613, 0.00943887047, 1.00167406, 2.83297682)


def _erfinv64(y):
    """erfinv of a float64 array (NaN outside [-1, 1], +-inf at +-1)."""
    a = np.abs(y)
    w = -np.log((1.0 - a) * (1.0 + a))
    central = w < 5.0
    t = np.where(central, w - 2.5, np.sqrt(w) - 3.0)
    p = np.where(central, _GILES_CENTRAL[0], _GILES_TAIL[0])
    for c, d in zip(_GILES_CENTRAL[1:], _GILES_TAIL[1:]):
        p = p * t + np.where(central, c, d)
    x = np.where(a < 1, p * a, 0.0)  # a first guess for erfinv(|y|), ~1e-7 relative
    central = a < 0.5
    for _ in range(4):
        erf, erfc = (e.reshape(x.shape) for e in _erf_and_erfc(x.reshape(-1)))
        slope = _TWO_OVER_SQRT_PI * np.exp(-x * x)
        # Newton on erf(x) - |y| at the centre; in the tails on log(erfc(x)) - log(1 - |y|),
        # which is nearly linear in x there, whatever the first guess.
        x = np.where(central, x - (erf - a) / slope, x + (np.log(erfc) - np.log1p(-a)) * erfc / slope)
    x = np.where(a == 1, np.inf, np.where(a > 1, np.nan, x))
    return np.copysign(x, y)


def _derfinv(g, x):  # (erfinv is this op: recorded under create_graph)
    y = erfinv.Function.call(x)
    return g * (0.5 * math.sqrt(math.pi) * np.exp(y * y))


erfinv = _unary("ErfinvBackward0", lambda x: _erfinv64(x.astype(np.float64)).astype(x.dtype, copy=False), _derfinv)
