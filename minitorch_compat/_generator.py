"""torch's CPU random number generator, reproduced bit for bit with NumPy.

What torch does
---------------
Every CPU random op in torch (``rand``, ``randn``, ``randint``, ``randperm``,
``bernoulli_``, ``multinomial``, ...) pulls numbers from one engine: a textbook
MT19937 Mersenne Twister.  ``manual_seed(s)`` runs the classic ``init_genrand`` on
the low 32 bits of ``s`` (the full 64-bit value is only remembered for
``initial_seed()``).  The engine hands out two kinds of raw numbers:

* ``random()``   -- one 32-bit output ``u32``;
* ``random64()`` -- two outputs glued together, the *first* one as the high half.

Each op then turns raw numbers into values with a fixed recipe (a mask, a modulo,
Box-Muller, ...).  The engine and the recipes are deterministic, so a seed gives the
same numbers on every machine -- except for the machine-dependent paths listed below
(float32 ``randn``).

How this module does it
-----------------------
NumPy ships the same MT19937.  ``np.random.MT19937._legacy_seeding(seed32)`` performs
``init_genrand``, and a full-range ``integers(0, 2**32, dtype=uint32)`` on it returns the
next 32-bit outputs unchanged, so the raw stream is identical to torch's.  Every kernel
below draws all raw numbers it needs at once (huge tensors: in slices) and applies
torch's recipe with vectorised NumPy arithmetic, reproducing torch's floating-point
rounding exactly:

* torch's C++ is compiled with FMA contraction, so ``x * (to - from) + from`` is one
  fused multiply-add with a single rounding.  NumPy has no FMA, so ``_fma32`` and
  ``_fma64`` emulate a correctly rounded one (error-free transformations plus
  round-to-odd), which is what makes ``uniform_(a, b)`` and ``normal_(mean, std)``
  bit-exact.
* ``randn`` on float32/float16 tensors of 16+ elements uses an AVX2 Box-Muller built
  on Cephes-style polynomial ``log``/``sincos`` (not libm).  ``_log256``/``_sincos256``
  replay those polynomials step by step in float32, including which multiply/add
  pairs the compiler fused (found by experiment against torch 2.14.1).  Their inputs
  are float32 uniforms, only 2**24 possible values, so the fused steps use a cheaper
  emulation proved exact on every one of them (by a test that tries them all).

Where we differ on purpose (or cannot follow)
---------------------------------------------
* float32 ``randn`` for 16+ elements follows torch's AVX2/AVX512 x86 build.  On CPUs
  where torch runs its DEFAULT kernels (ARM/Apple silicon) torch calls libm
  ``logf``/``sinf``/``cosf`` instead and may differ from us in the last bit.
* float64 ``randn`` (16+ elements) needs libm ``log``/``sin``/``cos``; NumPy calls the
  same libm on most builds.  Where NumPy's own SIMD version of one of them disagrees
  with libm on this machine (checked once per function, lazily; on AVX-512 builds
  ``log`` and ``log1p`` do), that function falls back to the ``math`` module per element.
* ``multinomial`` without replacement ranks categories with torch's ``topk``; when
  keys tie (only zero-probability categories, after every positive one was drawn)
  torch's order comes from its sort internals, ours is by index.
* bfloat16 (``bfloat16=True`` in ``_uniform``/``_normal``; stored as float32, see
  ``_bfloat16.py``) follows torch's float16 path and rounds to bfloat16 where that path
  rounds to float16, as torch 2.14 does. Its other kernels are not provided.
* The state of a generator is a NumPy ``MT19937`` plus torch's two cached normals;
  ``get_state()`` serialises it in torch's exact 5056-byte layout, so states can be
  exchanged with real torch in both directions.
"""
import math
import os
import sys

import numpy as np

from ._bfloat16 import round_to_bfloat16
from ._dtype import scalar_name

__all__ = ["Generator", "default_generator"]

# torch.Generator() (not the default generator) starts from this seed.
_DEFAULT_SEED = 67280421310721

_N = 624  # MT19937 state words
_STATE_BYTES = 5056  # sizeof(CPUGeneratorImplState) in torch's C++

# randperm switches to a 64-bit "inside-out" shuffle at this size (uint32 max // 20).
_RANDPERM_SMALL_LIMIT = 4294967295 // 20

_MASK24 = np.uint32((1 << 24) - 1)
_MASK53 = np.uint64((1 << 53) - 1)
_DRAW_CHUNK = 1 << 20  # raw draws per slice when filling big tensors


# --------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------

def _numel(shape):
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape),)
    shape = tuple(int(s) for s in shape)
    n = 1
    for s in shape:
        n *= s
    return shape, n


def _cfmt(x):
    """A number the way C++'s ``operator<<`` prints it inside torch's error messages."""
    if isinstance(x, (int, np.integer)) and not isinstance(x, bool):
        return str(int(x))
    return "%g" % x


def _tp_name(obj):
    """CPython's ``tp_name`` of ``type(obj)``: torch quotes it in TypeErrors."""
    t = type(obj)
    heap = t.__flags__ & (1 << 9)  # Py_TPFLAGS_HEAPTYPE: classes written in Python
    if heap or t.__module__ == "builtins":
        return t.__name__
    return t.__module__ + "." + t.__name__


def _from_double(x, np_dtype):
    """Cast float64 values to ``np_dtype`` the way C++ ``static_cast`` does.

    The only subtlety is half precision: ``c10::Half`` is built from a ``float``, so a
    double goes double -> float -> half (two roundings), while NumPy would round once.
    """
    np_dtype = np.dtype(np_dtype)
    if np_dtype == np.float16:
        return np.asarray(x, np.float64).astype(np.float32).astype(np.float16)
    return np.asarray(x).astype(np_dtype)


def _from_int64(x, np_dtype):
    """``static_cast<T>(int64)``: integers wrap, Half again goes through float."""
    np_dtype = np.dtype(np_dtype)
    if np_dtype == np.float16:
        return x.astype(np.float32).astype(np.float16)
    if np_dtype == np.bool_:
        return x != 0
    return x.astype(np_dtype)


def _float_bounds(low, high, np_dtype):
    """torch's ``update_from``/``update_to``: integer bounds a float type can represent."""
    digits = np.finfo(np_dtype).nmant + 1

    def as_float_int(v):
        f = int(_from_int64(np.array([v], np.int64), np_dtype).astype(np.float64)[0])
        # float -> int64 outside the int64 range is undefined in C++; x86 yields INT64_MIN
        return f if -(1 << 63) <= f < (1 << 63) else -(1 << 63)

    up = as_float_int(low + 1)
    if up < low:
        low = up + (1 << ((abs(low + 1).bit_length() - 1) - digits + 1))
    down = as_float_int(high - 1)
    if down >= high:
        high = down - (1 << ((abs(high - 1).bit_length() - 1) - digits + 1))
    return low, high


# --------------------------------------------------------------------------------------
# correctly rounded fused multiply-add, emulated
# --------------------------------------------------------------------------------------
#
# Both emulations rely on the same trick: compute the exact result as an unevaluated
# sum of doubles, then round it once.  To avoid double rounding, the tail is rounded
# "to odd" (if inexact, pick the neighbour whose last mantissa bit is 1): a value
# rounded to odd with >= 2 extra bits rounds to nearest exactly like the true value.

def _two_sum(a, b):
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _round_to_odd(s, err):
    """Nudge ``s`` (the rounded-to-nearest sum) to round-to-odd, given its exact error."""
    s = np.atleast_1d(s)
    bits = s.view(np.int64).copy()
    fix = (np.atleast_1d(err) != 0) & ((bits & 1) == 0)
    if fix.any():
        away = (np.atleast_1d(err) > 0) == (s > 0)  # true value further from zero
        bits[fix & away] += 1
        bits[fix & ~away] -= 1
    return bits.view(np.float64)


def _fma32(a, b, c):
    """float32 ``fma(a, b, c)``: a*b is exact in float64 (24+24 bits < 53).

    ``p + c`` rounded to double can only mislead the final float32 rounding when it
    lands exactly on a float32 halfway point (it can touch such a point but never
    cross it), so the exact error term is only computed for those rare elements.
    Two cases need no emulation: ``b == 1`` is one float32 addition, and ``c == 0``
    one exact product rounded once.
    """
    a, b, c = (np.asarray(v, np.float32) for v in (a, b, c))
    if b.ndim == 0 and b == 1:
        return a + c
    p = a.astype(np.float64) * b
    s = p + c
    if c.ndim == 0 and c == 0:
        return s.astype(np.float32)
    bits = s.view(np.int64)
    # low 29 of 52 mantissa bits == 100..0: halfway between two float32 values;
    # tiny results (float32 subnormals round at other bit positions) go the slow way.
    risky = ((bits & 0x1FFFFFFF) == 0x10000000) | (np.abs(s) < 2.0 ** -125)
    out = s.astype(np.float32)
    if risky.any():
        pr, cr = np.broadcast_arrays(p, c.astype(np.float64))
        pr, cr = pr[risky], cr[risky]
        sr, err = _two_sum(pr, cr)
        out = np.array(out)  # writable even when every input was a scalar
        out[risky] = _round_to_odd(sr, err).astype(np.float32)
    return out


def _uniform_fma32(r, f):
    """The fma for ``x * r + f`` over float32 uniforms ``x`` (multiples of 2**-24).

    Every product ``x * r`` is a multiple of 2**-24 * ulp(r), ``f`` of ulp(f); when the
    largest possible sum spans fewer than 53 bits of the finer of those steps, each
    sum is exact in double and ``_fma32_once`` needs no check.  ``uniform_(-b, b)``
    (every ``nn.Linear`` and ``kaiming_uniform_``) spans about 49 bits.
    """
    step = min(2.0 ** -24 * float(np.spacing(abs(r))), float(np.spacing(abs(f))))
    return _fma32_once if abs(float(r)) + abs(float(f)) < 2.0 ** 53 * step else _fma32


def _fma32_once(a, b, c):
    """``a*b + c`` in double, rounded once to float32: ``_fma32`` without its check.

    Right wherever the double sum never lands exactly halfway between two floats.
    The Box-Muller below only uses it on its own inputs -- one of the 2**24 float32
    uniforms -- for which ``tests/test_random.py`` checks every single one.
    """
    return (np.asarray(a, np.float64) * b + c).astype(np.float32)


_SPLIT = 134217729.0  # 2**27 + 1, Veltkamp splitting constant


def _two_prod(a, b):
    p = a * b
    t = _SPLIT * a
    ah = t - (t - a)
    al = a - ah
    t = _SPLIT * b
    bh = t - (t - b)
    bl = b - bh
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


def _fma64(a, b, c):
    """float64 ``fma(a, b, c)`` (Boldo-Melquiond: exact product, then odd-rounded tail).

    The error-free steps need the product's low part to be representable: near the
    underflow or overflow limits they are not, and those (rare) elements are computed
    exactly with ``fractions.Fraction`` instead.
    """
    if np.ndim(b) == 0 and b == 1:  # a single addition: no product to keep exact
        return np.asarray(a, np.float64) + c
    a, b, c = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(b, np.float64),
                                  np.asarray(c, np.float64))
    shape = a.shape
    a, b, c = a.reshape(-1), b.reshape(-1), c.reshape(-1)
    with np.errstate(all="ignore"):
        uh, ul = _two_prod(a, b)
        th, tl = _two_sum(c, ul)
        vh, vl = _two_sum(uh, th)
        s, err = _two_sum(tl, vl)
        out = vh + _round_to_odd(s, err).reshape(vh.shape)
        big = 2.0 ** 995
        risky = ((np.abs(uh) < 2.0 ** -900) | (np.abs(vh) < 2.0 ** -900)
                 | (np.abs(a) > big) | (np.abs(b) > big) | (np.abs(uh) > big)
                 | (np.abs(c) > big)) & np.isfinite(a) & np.isfinite(b) & np.isfinite(c)
    if risky.any():
        from fractions import Fraction
        for i in np.flatnonzero(risky).tolist():
            exact = Fraction(float(a[i])) * Fraction(float(b[i])) + Fraction(float(c[i]))
            try:
                out[i] = float(exact)
            except OverflowError:
                out[i] = np.inf if exact > 0 else -np.inf
    return out.reshape(shape)


# --------------------------------------------------------------------------------------
# libm agreement (float64 log/log1p/sin/cos)
# --------------------------------------------------------------------------------------

_numpy_is_libm = {}


def _numpy_matches_libm(np_fn, math_fn):
    """Whether NumPy's float64 ``np_fn`` gives libm's bits on this machine (checked once).

    torch calls the C library.  NumPy's SIMD builds bring their own log/log1p, which
    differ in the last bit for ~0.3% (log) to ~7% (log1p) of inputs on AVX-512
    machines; its sin/cos agree there.
    """
    if np_fn not in _numpy_is_libm:
        x = (np.arange(1, 4097, dtype=np.float64) * 0.6180339887498949) % 1.0
        arg = {np.log: 1.0 - x * 0.999, np.log1p: -x}.get(np_fn, 6.283185307179586 * x)
        _numpy_is_libm[np_fn] = np.array_equal(np_fn(arg), [math_fn(v) for v in arg.tolist()])
    return _numpy_is_libm[np_fn]


def _libm(np_fn, math_fn, x):
    """``math_fn`` over an array: as one NumPy call where that gives libm's bits."""
    if x.size > 32 and _numpy_matches_libm(np_fn, math_fn):
        return np_fn(x)
    return np.fromiter(map(math_fn, x.ravel().tolist()), np.float64, x.size).reshape(x.shape)


# --------------------------------------------------------------------------------------
# the AVX2 float32 Box-Muller (torch's normal_fill_16 for float on x86)
# --------------------------------------------------------------------------------------
#
# torch computes log and sin/cos with 8-lane AVX2 polynomial approximations (a port of
# Cephes' logf/sinf/cosf).  Below, each step is replayed in float32 in the same order.
# ``fma`` marks every place where torch's compiled code uses one fused instruction (a
# plain ``a * b + c`` would round twice and drift in the last bit); where the product
# is exact in float32 anyway (a power of two, or a few-bit constant times a small
# integer) the fused step is written as that plain expression: one rounding either way.
# ``fma`` defaults to ``_fma32_once``, which is exact on these inputs; the tests pass the
# checked ``_fma32`` over all 2**24 possible uniforms and compare.

_F = np.float32
_LOG_P = [_F(v) for v in (7.0376836292E-2, -1.1514610310E-1, 1.1676998740E-1,
                          -1.2420140846E-1, 1.4249322787E-1, -1.6668057665E-1,
                          2.0000714765E-1, -2.4999993993E-1, 3.3333331174E-1)]
_LOG_Q1 = _F(-2.12194440e-4)
_LOG_Q2 = _F(0.693359375)
_SQRTHF = _F(0.707106781186547524)
_DP = [_F(-0.78515625), _F(-2.4187564849853515625e-4), _F(-3.77489497744594108e-8)]
_SIN_P = [_F(-1.9515295891E-4), _F(8.3321608736E-3), _F(-1.6666654611E-1)]
_COS_P = [_F(2.443315711809948E-005), _F(-1.388731625493765E-003), _F(4.166664568298827E-002)]
_FOPI = _F(1.27323954473516)  # 4 / pi
_TWO_PI_F = _F(2.0 * math.pi)
_ONE = _F(1.0)
_HALF = _F(0.5)
_MIN_NORM = np.array(0x00800000, np.int32).view(np.float32)


def _log256(x, fma=_fma32_once):
    """Cephes-style float32 natural log, as torch's AVX2 code evaluates it (x > 0)."""
    x = np.maximum(x, _MIN_NORM)
    bits = x.view(np.int32)
    e = ((bits >> 23) - 0x7F).astype(np.float32) + _ONE
    # keep the mantissa, force the exponent so that x lies in [0.5, 1)
    x = ((bits & ~0x7F800000) | np.int32(0x3F000000)).view(np.float32)
    small = x < _SQRTHF
    e = e - small
    x = (x - _ONE) + x * small  # x + x - 1 or x - 1 (+0 where masked off), as torch orders it
    z = x * x
    x64 = x.astype(np.float64)
    y = _LOG_P[0]
    for p in _LOG_P[1:]:
        y = fma(y, x64, p)
    y = y * x
    y = fma(y, z, e * _LOG_Q1)
    y = y - z * _HALF  # fma(-z, 0.5, y)
    x = x + y
    return e * _LOG_Q2 + x  # fma(e, Q2, x): e is an integer below 2**5, Q2 has 9 bits


def _sincos256(x, fma=_fma32_once):
    """Cephes-style float32 (sin, cos), as torch's AVX2 ``sincos256_ps`` evaluates it."""
    sign_sin = x.view(np.int32) & np.int32(-0x80000000)
    x = np.abs(x)
    j = (x * _FOPI).astype(np.int32)  # truncation, like cvttps
    j = (j + 1) & ~1
    y = j.astype(np.float32)
    sign_sin = sign_sin ^ ((j & 4) << 29)
    sign_cos = (~(j - 2) & 4) << 29
    use_sin_poly = (j & 2) == 0
    # extended-precision range reduction x - y*pi/4 (y, an integer below 2**12 for
    # angles under 2*pi, times the first two constants of 8 and 11 bits is exact)
    x = y * _DP[0] + x
    x = y * _DP[1] + x
    x = fma(y, _DP[2], x)
    z = x * x
    c = fma(_COS_P[0], z, _COS_P[1])
    c = fma(c, z, _COS_P[2])
    c = c * z
    c = fma(c, z, -(z * _HALF))
    c = c + _ONE
    s = fma(_SIN_P[0], z, _SIN_P[1])
    s = fma(s, z, _SIN_P[2])
    s = s * z
    s = fma(s, x, x)
    sin_v = _select(use_sin_poly, s, c)
    cos_v = _select(use_sin_poly, c, s)
    sin_v = (sin_v.view(np.int32) ^ sign_sin).view(np.float32)
    cos_v = (cos_v.view(np.int32) ^ sign_cos).view(np.float32)
    return sin_v, cos_v


def _select(mask, a, b):
    """``np.where(mask, a, b)`` for float32 arrays, through the bits as torch's AVX code
    does (NumPy's ``where`` branches per element: ~5x slower on a random mask)."""
    m = -mask.astype(np.int32)  # all ones where mask
    a, b = a.view(np.int32), b.view(np.int32)
    return (((a ^ b) & m) ^ b).view(np.float32)


# Work on slices of this many elements: the temporaries (a few hundred KiB) stay in
# the CPU's cache.  Whole-array evaluation of a 1e6-element tensor was 2x slower, and
# slices of 8192 elements 1.6x slower (they pay NumPy's per-call overhead ~100 times
# per slice).
_CHUNK = 1 << 16


def _in_chunks(fn, d, *args):
    """Overwrite ``d`` with ``fn(d, *args)`` (row-wise ``fn``), ~_CHUNK elements at a time."""
    rows = max(1, _CHUNK // (d.shape[1] if d.ndim > 1 else 1))
    for i in range(0, d.shape[0], rows):
        d[i:i + rows] = fn(d[i:i + rows], *args)
    return d


def _box_muller16_f32(d, mean, std):
    """Blocks of 16 uniforms (rows of ``d``) -> 16 normals: 8 cos values, then 8 sin.

    ``d`` is overwritten with the normals."""
    return _in_chunks(_box_muller16_f32_block, d, mean, std)


def _box_muller16_f32_block(d, mean, std):
    with np.errstate(all="ignore"):
        radius = np.sqrt(_F(-2.0) * _log256(_ONE - d[:, :8]))
        s, c = _sincos256(_TWO_PI_F * d[:, 8:])
        d[:, :8] = _fma32(radius * c, std, mean)
        d[:, 8:] = _fma32(radius * s, std, mean)
    return d


def _box_muller16_f64(d, mean, std):
    """The same transform in double precision with libm (torch's scalar float64 path)."""
    return _in_chunks(_box_muller16_f64_block, d, mean, std)


def _box_muller16_f64_block(d, mean, std):
    with np.errstate(all="ignore"):
        radius = np.sqrt(-2.0 * _libm(np.log, math.log, 1.0 - d[:, :8]))
        theta = (2.0 * math.pi) * d[:, 8:]
        d[:, :8] = _fma64(radius * _libm(np.cos, math.cos, theta), std, mean)
        d[:, 8:] = _fma64(radius * _libm(np.sin, math.sin, theta), std, mean)
    return d


# --------------------------------------------------------------------------------------
# Fisher-Yates without a Python loop
# --------------------------------------------------------------------------------------

def _fisher_yates(j):
    """Result of ``a = arange(n); for i: swap(a[i], a[j[i]])`` with every ``j[i] >= i``.

    The swaps are sequential, but their outcome can be computed in bulk.  Let V(k) be
    the value sitting at position k just before step k.  Positions >= k are only ever
    written as swap *targets*, so V(k) is k itself unless an earlier step k' targeted k,
    in which case V(k) = V(k') for the latest such k' -- a chain of "predecessors"
    that pointer jumping resolves in O(log n) vectorised rounds.  After step i,
    position i holds what position j[i] held at that time: V(q) for the latest step
    q < i that also targeted j[i], or j[i] itself if there was none.
    """
    n = j.shape[0]
    steps = np.arange(n, dtype=np.int64)
    # Group the steps by target, in step order, with one plain (SIMD) sort of packed
    # keys (target, step): much faster than a stable argsort.  n < 2**31 here.
    packed = np.sort((j << 32) | steps)
    js = packed >> 32
    order = packed & 0xFFFFFFFF
    same = js[1:] == js[:-1]
    prev = np.full(n, -1, np.int64)  # previous step with the same target
    prev[order[1:]] = np.where(same, order[:-1], -1)
    last = np.full(n, -1, np.int64)  # last step targeting each position
    ends = np.append(~same, True)
    last[js[ends]] = order[ends]
    pred = np.where(j == steps, prev, last)
    root = np.where(pred >= 0, pred, steps)
    while True:
        nxt = root[root]
        if np.array_equal(nxt, root):
            break
        root = nxt
    return np.where(prev >= 0, root[np.maximum(prev, 0)], j)


# --------------------------------------------------------------------------------------
# the generator
# --------------------------------------------------------------------------------------

class Generator:
    """A CPU random number generator with ``torch.Generator``'s API and stream.

    ``Generator()`` starts from torch's fixed seed 67280421310721 (so two fresh
    generators agree, in torch and here).  Sampling happens in the ``_``-prefixed
    kernels, which return NumPy arrays; the tensor layer wraps them.
    """

    def __init__(self, device="cpu"):
        dev = device if device is not None else "cpu"
        kind = getattr(dev, "type", dev)
        if not isinstance(kind, str) or kind.split(":")[0] != "cpu":
            raise RuntimeError(
                "minitorch_compat only has a CPU generator; got device %r" % (device,))
        self._bg = np.random.MT19937(0)
        self._ints = np.random.Generator(self._bg)  # the same engine, for _u32
        self._seed_engine(_DEFAULT_SEED)

    # -- device ----------------------------------------------------------------------

    @property
    def device(self):
        """torch returns ``torch.device('cpu')``; we return ours if the package has one."""
        pkg = sys.modules.get(__name__.rpartition(".")[0])
        dev = getattr(pkg, "device", None)
        if isinstance(dev, type):
            try:
                return dev("cpu")
            except Exception:  # an unfinished device class must not break generators
                pass
        return "cpu"

    def __repr__(self):
        return "<minitorch_compat.Generator object at %#x>" % id(self)

    # -- seeding ---------------------------------------------------------------------

    def _seed_engine(self, seed):
        self._initial_seed = seed
        bg = self._bg
        if hasattr(bg, "_legacy_seeding"):
            bg._legacy_seeding(seed & 0xFFFFFFFF)
        else:  # init_genrand by hand, should NumPy ever drop its private helper
            key = np.empty(_N, np.uint32)
            v = seed & 0xFFFFFFFF
            key[0] = v
            for i in range(1, _N):
                v = (1812433253 * (v ^ (v >> 30)) + i) & 0xFFFFFFFF
                key[i] = v
            bg.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": _N}}
        # Box-Muller makes values in pairs; torch keeps the spare one per precision.
        self._next_double_normal = None
        self._next_float_normal = None
        # torch distinguishes "just seeded" from "used up a block" in its saved state.
        self._fresh = True

    def manual_seed(self, seed):
        """Seed with ``seed`` (an ``int`` in [-2**63, 2**64)); returns ``self``.

        Negative seeds are taken mod 2**64.  Only a real ``int`` is accepted here,
        exactly like torch (``torch.manual_seed`` converts with ``int()`` first).
        """
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            raise RuntimeError("manual_seed expected a long, but got " + _tp_name(seed))
        if isinstance(seed, np.integer):  # torch's argument unpacking rejects these
            raise TypeError("an integer is required")
        if not -(1 << 63) <= seed < (1 << 64):
            raise ValueError("Overflow when unpacking long long")
        self._seed_engine(seed & 0xFFFFFFFFFFFFFFFF)
        return self

    def initial_seed(self):
        """The seed last given to ``manual_seed`` / chosen by ``seed()`` (as unsigned)."""
        return self._initial_seed

    def seed(self):
        """Reseed from the OS entropy pool (a full 64-bit value, as torch); return it."""
        s = int.from_bytes(os.urandom(8), "little")
        self._seed_engine(s)
        return s

    # -- state -----------------------------------------------------------------------

    def _state_bytes(self):
        st = self._bg.state["state"]
        pos = int(st["pos"])
        buf = np.zeros(_STATE_BYTES, np.uint8)
        buf[0:8].view(np.uint64)[0] = self._initial_seed
        if self._fresh:
            left, nxt = 1, 0
        elif pos >= _N:
            left, nxt = 1, _N
        else:
            left, nxt = _N + 1 - pos, pos
        buf[8:12].view(np.int32)[0] = left
        buf[12:16].view(np.int32)[0] = 1  # seeded
        buf[16:24].view(np.uint64)[0] = nxt
        buf[24:24 + 8 * _N].view(np.uint64)[:] = np.asarray(st["key"], np.uint64)
        if self._next_double_normal is not None:
            buf[5024:5032].view(np.float64)[0] = self._next_double_normal
            buf[5040:5044].view(np.int32)[0] = 1
        if self._next_float_normal is not None:
            buf[5048:5052].view(np.float32)[0] = self._next_float_normal
            buf[5052] = 1
        return buf

    def get_state(self):
        """The generator state as a uint8 tensor, byte-identical to torch's layout.

        torch copies a C struct: seed (u64), ``left`` and ``seeded`` (i32), ``next``
        (u64), the 624 twister words widened to u64, the cached double normal with its
        valid flag, then the cached float normal with its flag -- 5056 bytes in all.
        A state saved here loads in torch and vice versa.
        """
        from ._tensor import _wrap  # lazy: the tensor layer imports this module
        return _wrap(self._state_bytes())

    def set_state(self, new_state):
        """Restore a state from ``get_state()`` (ours or torch's), a tensor or ndarray."""
        data = getattr(new_state, "_data", new_state)
        if not isinstance(data, np.ndarray):
            raise TypeError("expected a torch.ByteTensor, but got " + _tp_name(new_state))
        if data.dtype != np.uint8:
            raise TypeError("RNG state must be a torch.ByteTensor")
        buf = np.ascontiguousarray(data).reshape(-1)
        if buf.size != _STATE_BYTES:
            raise RuntimeError(
                "Expected a CPUGeneratorImplState of size %d but found the input RNG "
                "state size to be %d" % (_STATE_BYTES, buf.size))
        seed = int(buf[0:8].view(np.uint64)[0])
        left = int(buf[8:12].view(np.int32)[0])
        seeded = int(buf[12:16].view(np.int32)[0])
        nxt = int(buf[16:24].view(np.uint64)[0]) & 0xFFFFFFFF  # torch narrows to u32
        if not (seeded != 0 and 0 < left <= _N and nxt <= _N):
            raise RuntimeError("Invalid mt19937 state")
        fresh = left == 1 and nxt == 0
        if left == 1:
            pos = _N  # the next draw regenerates the block
        elif nxt == _N + 1 - left:
            pos = nxt
        else:
            # torch's engine tracks "left" and "next" separately; NumPy's has one index.
            raise RuntimeError("unsupported mt19937 state: left=%d and next=%d disagree"
                               % (left, nxt))
        key = buf[24:24 + 8 * _N].view(np.uint64).astype(np.uint32)  # low words, as torch
        self._bg.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": pos}}
        self._initial_seed = seed
        self._fresh = fresh
        self._next_double_normal = (float(buf[5024:5032].view(np.float64)[0])
                                    if buf[5040:5044].view(np.int32)[0] else None)
        self._next_float_normal = (np.float32(buf[5048:5052].view(np.float32)[0])
                                   if buf[5052] else None)
        return self

    def clone_state(self):
        """A new generator in the same state (``torch.Generator.clone_state``)."""
        g = Generator()
        g.set_state(self._state_bytes())
        return g

    def get_offset(self):
        raise RuntimeError("CPU Generator does not use offset")

    def set_offset(self, offset):
        raise RuntimeError("CPU Generator does not use offset")

    def __reduce__(self):
        # torch pickles (device,) and (initial_seed, offset, state); we keep the state
        # as a plain ndarray so unpickling needs no tensor class.
        return (Generator, ("cpu",), (self._initial_seed, None, self._state_bytes()))

    def __setstate__(self, state):
        seed, _offset, data = state
        self.manual_seed(int(seed))
        self.set_state(data)

    def __deepcopy__(self, memo):
        return self.clone_state()

    # -- raw draws -------------------------------------------------------------------

    def _u32(self, n):
        """The next ``n`` outputs of ``random()`` (uint32 array).

        NumPy's full-range ``integers(0, 2**32, dtype=uint32)`` hands out the bit
        generator's outputs unchanged, twice as fast as ``random_raw`` (which widens
        each one to 64 bits).
        """
        if n <= 0:
            return np.empty(0, np.uint32)
        self._fresh = False
        return self._ints.integers(0, 1 << 32, size=n, dtype=np.uint32)

    def _u64(self, n):
        """The next ``n`` outputs of ``random64()``: first 32-bit draw is the high half."""
        r = self._u32(2 * n).reshape(n, 2)
        return (r[:, 0].astype(np.uint64) << np.uint64(32)) | r[:, 1]

    def _unit_float(self, n):
        """``n`` float32 uniforms in [0, 1): 24 low bits of ``random()`` times 2**-24."""
        return self._unit(n, self._u32, np.float32, _MASK24, 2.0 ** -24)

    def _unit_double(self, n):
        """``n`` float64 uniforms in [0, 1): 53 low bits of ``random64()`` times 2**-53."""
        return self._unit(n, self._u64, np.float64, _MASK53, 2.0 ** -53)

    def _unit(self, n, draw, np_dtype, mask, scale):
        """``(draw() & mask) * scale`` (exact), drawn in slices: a huge tensor needs no
        buffer of raw integers as large as itself."""
        out = np.empty(n, np_dtype)
        for i in range(0, n, _DRAW_CHUNK):
            out[i:i + _DRAW_CHUNK] = draw(min(n - i, _DRAW_CHUNK)) & mask
        out *= np_dtype(scale)
        return out

    # -- uniform ---------------------------------------------------------------------

    def _uniform(self, shape, np_dtype, low=0.0, high=1.0, bfloat16=False):
        """``torch.rand`` / ``Tensor.uniform_(low, high)`` in element order.

        torch: float64 uses ``random64()`` (53 bits); float32, float16 and bfloat16
        compute in float32 from ``random()`` (24 bits), then round to the tensor's type.
        The value is ``fma(x, to - from, from)``; if rounding lands exactly on ``to`` it is
        replaced by ``from`` so the range stays half-open.
        """
        if bfloat16:
            v = self._uniform(shape, np.float32, low, high)
            v, to_v, from_v = (round_to_bfloat16(a) for a in (v, high, low))
            return round_to_bfloat16(np.where(v == to_v, from_v, v))
        shape, n = _numel(shape)
        np_dtype = np.dtype(np_dtype)
        low, high = float(low), float(high)
        if low > high:
            raise RuntimeError("uniform_ expects to return a [from, to) range, but found "
                               "from=%s > to=%s" % (_cfmt(low), _cfmt(high)))
        limit = float(np.finfo(np_dtype).max) if np_dtype.kind == "f" else math.inf
        if high - low > limit:
            raise RuntimeError(
                "uniform_ expects to-from <= std::numeric_limits<%s>::max(), but found "
                "to=%s and from=%s which result in to-from to exceed the limit"
                % ({"float16": "Half", "float32": "Float", "float64": "Double"}
                   .get(np_dtype.name, np_dtype.name), _cfmt(high), _cfmt(low)))
        if np_dtype == np.float64:
            x = self._unit_double(n)
            if not (low == 0.0 and high == 1.0):
                x = _in_chunks(_fma64, x, high - low, low)
            v = x
            to_v, from_v = high, low
        elif np_dtype in (np.float32, np.float16):
            x = self._unit_float(n)
            f, t = np.float32(low), np.float32(high)
            v = x if (f == 0 and t == 1) else _in_chunks(_uniform_fma32(t - f, f), x, t - f, f)
            v = v.astype(np_dtype, copy=False)
            to_v, from_v = _from_double(high, np_dtype), _from_double(low, np_dtype)
        else:
            raise NotImplementedError(
                '"check_uniform_bounds" not implemented for \'%s\'' % scalar_name(np_dtype))
        v[v == to_v] = from_v
        return v.reshape(shape)

    # -- integers --------------------------------------------------------------------

    def _randint(self, low, high, shape, np_dtype=np.int64):
        """``torch.randint(low, high)`` / ``random_(from, to)``: ``(raw % range) + low``.

        ``raw`` is one ``random()`` per element, or one ``random64()`` once the range
        reaches 2**28 (torch accepts the modulo skew of 32-bit draws only below that;
        this holds for every dtype in torch's open-source build).  The sum is formed in
        64-bit unsigned arithmetic, read as int64 and cast to the tensor's type.

        Floating dtypes first shrink the bounds to values the type can hold: if
        ``to - 1`` rounds up to ``to`` or beyond in that type, ``to`` becomes the rounded
        value minus one unit in the last place (likewise ``from``, upwards).  So
        ``randint(0, 2**25, dtype=float32)`` really samples ``[0, 2**25 - 2)``.
        """
        shape, n = _numel(shape)
        np_dtype = np.dtype(np_dtype)
        low, high = int(low), int(high)
        if low >= high:
            raise RuntimeError("random_ expects 'from' to be less than 'to', but got "
                               "from=%d >= to=%d" % (low, high))
        if np_dtype.kind == "f":
            low, high = _float_bounds(low, high, np_dtype)
        rng = high - low
        raw = self._u64(n) if rng >= (1 << 28) else self._u32(n)
        # (raw % rng) + low in uint64 arithmetic, read as int64: int64 arithmetic wraps the same
        v = (raw % raw.dtype.type(rng)).astype(np.int64) + np.int64(low)
        return _from_int64(v, np_dtype).reshape(shape)

    _RANDOM_MODULUS = {  # Tensor.random_() with no bounds: [0, 2**digits] style ranges
        "bool": None, "uint8": 1 << 8, "int8": 1 << 7, "int16": 1 << 15,
        "int32": 1 << 31, "int64": 1 << 63, "float16": (1 << 11) + 1,
        "float32": (1 << 24) + 1, "float64": (1 << 53) + 1,
    }

    def _random_(self, shape, np_dtype):
        """``Tensor.random_()``: integers from [0, max] (floats: [0, 2**mantissa]).

        torch draws ``random64()`` for int64 and float64, ``random()`` otherwise, and
        reduces modulo max+1: bool takes the lowest bit; uint8 % 256; int8 % 128;
        int16 % 2**15; int32 % 2**31; int64 % 2**63; float16 % (2**11+1);
        float32 % (2**24+1); float64 % (2**53+1).  Unsigned 16/32/64-bit types are
        not implemented in torch either.
        """
        shape, n = _numel(shape)
        np_dtype = np.dtype(np_dtype)
        name = np_dtype.name
        if name not in self._RANDOM_MODULUS:
            raise NotImplementedError('"random_kernel_cpu" not implemented for \'%s\''
                                      % scalar_name(np_dtype))
        if name == "bool":
            return (self._u32(n) & np.uint32(1)).astype(np.bool_).reshape(shape)
        raw = self._u64(n) if name in ("int64", "float64") else self._u32(n)
        v = (raw % raw.dtype.type(self._RANDOM_MODULUS[name])).astype(np.int64)
        return _from_int64(v, np_dtype).reshape(shape)

    def _random_full_64(self, shape, np_dtype=np.int64):
        """``random_(-2**63, None)``: every int64 value, the raw ``random64()`` bits."""
        shape, n = _numel(shape)
        np_dtype = np.dtype(np_dtype)
        if np_dtype not in (np.int64, np.float64, np.float32):
            raise RuntimeError("random_full_64_bits_range_kernel_cpu handles only int64, "
                               "double, float and bfloat16")
        return _from_int64(self._u64(n).view(np.int64), np_dtype).reshape(shape)

    def _random_int64_scalar(self):
        """``torch.empty((), dtype=torch.int64).random_().item()`` (DataLoader seeds)."""
        return int(self._u64(1)[0]) & ((1 << 63) - 1)

    # -- permutations ----------------------------------------------------------------

    def _randperm(self, n):
        """``torch.randperm(n)`` as an int64 array.

        torch (n < 214748364): start from ``arange(n)``; for i in 0..n-2 swap a[i] with
        a[i + random() % (n - i)] -- a forward Fisher-Yates with one 32-bit draw per
        step.  Larger n: an "inside-out" shuffle with ``random64() % (i + 1)``.
        We draw all numbers at once, take the modulos vectorised and resolve the
        sequential swaps in bulk (see ``_fisher_yates``).
        """
        n = int(n)
        if n < 0:
            raise RuntimeError("Trying to create tensor with negative dimension %d: [%d]"
                               % (n, n))
        if n < 2:
            if n == 1:  # torch draws nothing for n == 1
                return np.zeros(1, np.int64)
            return np.empty(0, np.int64)
        if n < _RANDPERM_SMALL_LIMIT:
            m = np.arange(n, 1, -1, dtype=np.uint32)  # n - i for i = 0 .. n-2
            z = (self._u32(n - 1) % m).astype(np.int64)
            j = np.empty(n, np.int64)
            j[:-1] = z + np.arange(n - 1, dtype=np.int64)
            j[-1] = n - 1
            return _fisher_yates(j)
        # Inside-out variant for huge n (torch needs GBs here too); sequential.
        z = self._u64(n) % np.arange(1, n + 1, dtype=np.uint64)
        a = np.empty(n, np.int64)
        zl = z.tolist()
        for i in range(n):
            k = zl[i]
            a[i] = a[k]
            a[k] = i
        return a

    # -- normal ----------------------------------------------------------------------

    def _normal_scalar(self, n, mean, std):
        """torch's one-at-a-time ``normal_distribution<double>``, vectorised.

        Each fresh pair uses two ``random64()`` uniforms u1, u2:
        ``r = sqrt(-2 * log1p(-u2))``, ``theta = 2*pi*u1``; ``r*cos(theta)`` is returned
        and ``r*sin(theta)`` is cached in the generator for the *next* request, even in
        a later call (it is part of the saved state; reseeding clears it).  The result
        is ``fma(value, std, mean)`` in double.
        """
        vals = np.empty(n, np.float64)
        start = 0
        if n and self._next_double_normal is not None:
            vals[0] = self._next_double_normal
            self._next_double_normal = None
            start = 1
        pairs = (n - start + 1) // 2
        if pairs:
            u = self._unit_double(2 * pairs).reshape(pairs, 2)
            r = np.sqrt(-2.0 * _libm(np.log1p, math.log1p, -u[:, 1]))
            theta = (2.0 * math.pi) * u[:, 0]
            both = np.empty((pairs, 2))
            both[:, 0] = r * _libm(np.cos, math.cos, theta)
            both[:, 1] = r * _libm(np.sin, math.sin, theta)
            flat = both.reshape(-1)
            vals[start:] = flat[:n - start]
            if (n - start) % 2:
                self._next_double_normal = float(flat[-1])
        return _fma64(vals, std, mean)

    def _normal(self, shape, np_dtype, mean=0.0, std=1.0, contiguous=True, bfloat16=False):
        """``torch.randn`` / ``Tensor.normal_(mean, std)`` in element order.

        torch picks one of two algorithms:

        * fewer than 16 elements (or a non-contiguous tensor): the scalar Box-Muller of
          ``_normal_scalar``, computed in double and cast.
        * 16 or more: fill the tensor with uniforms (float32 for float16/float32,
          float64 for float64), then transform each block of 16 in place: the first 8
          uniforms give ``u1 = 1 - u`` (radius) and the last 8 the angle; outputs are
          the 8 cosines followed by the 8 sines.  If the size is not a multiple of 16,
          16 *fresh* uniforms are drawn and the last 16 outputs are recomputed from
          them (overwriting part of the previous block).  float32 uses the AVX2
          polynomial log/sincos; float64 uses libm.  float16 computes in float32 block
          by block, drawing only whole blocks (so it skips the unused tail draws).

        ``contiguous=False`` forces the scalar path, as torch does for strided outputs
        (the caller must then lay the values out in torch's iteration order).
        ``bfloat16``: float16's algorithm, rounded to bfloat16 (``np_dtype`` is float32).
        """
        shape, n = _numel(shape)
        np_dtype = np.dtype(np_dtype)
        mean, std = float(mean), float(std)
        if not std >= 0.0:
            raise RuntimeError("normal expects std >= 0.0, but found std %s" % _cfmt(std))
        if np_dtype not in (np.float16, np.float32, np.float64):
            raise NotImplementedError(
                '"normal_kernel_cpu" not implemented for \'%s\'' % scalar_name(np_dtype))
        if n < 16 or not contiguous:
            out = _from_double(self._normal_scalar(n, mean, std), np_dtype)
            return (round_to_bfloat16(out) if bfloat16 else out).reshape(shape)
        full = n // 16 * 16
        tail = n % 16
        if np_dtype == np.float64:
            out = self._unit_double(n)
            _box_muller16_f64(out[:full].reshape(-1, 16), mean, std)
            if tail:
                last = self._unit_double(16).reshape(1, 16)
                out[n - 16:] = _box_muller16_f64(last, mean, std).reshape(-1)
            return out.reshape(shape)
        m32, s32 = np.float32(mean), np.float32(std)
        if np_dtype == np.float32 and not bfloat16:
            out = self._unit_float(n)
        else:  # float16, bfloat16: torch only draws the uniforms of whole blocks, then the tail
            out = np.empty(n, np.float32)
            out[:full] = self._unit_float(full)
        _box_muller16_f32(out[:full].reshape(-1, 16), m32, s32)
        if tail:
            last = self._unit_float(16).reshape(1, 16)
            out[n - 16:] = _box_muller16_f32(last, m32, s32).reshape(-1)
        return (round_to_bfloat16(out) if bfloat16 else out.astype(np_dtype, copy=False)).reshape(shape)

    # -- bernoulli / exponential -----------------------------------------------------

    def _bernoulli(self, p, shape, np_dtype=np.float32):
        """``Tensor.bernoulli_(p)`` / ``torch.bernoulli(probs)``: ``u < p`` per element.

        Scalar ``p`` (dropout's path): ``u`` is a float64 uniform from ``random64()``.
        A float64 probability array does the same; a float32/float16 probability array
        compares a float32 uniform from ``random()`` instead.  Arrays broadcast to
        ``shape``.  (torch 2.14 takes this portable path on Intel CPUs with MKL too:
        measured bit for bit against torch there.)
        """
        shape, n = _numel(shape)
        np_dtype = np.dtype(np_dtype)
        if isinstance(p, np.ndarray):
            probs = np.broadcast_to(p, shape).reshape(-1)
            if probs.dtype == np.float64:
                u = self._unit_double(n)
            elif probs.dtype in (np.float32, np.float16):
                u = self._unit_float(n)
                probs = probs.astype(np.float32)
            else:
                raise NotImplementedError(
                    '"bernoulli_tensor_cpu_p_" not implemented for \'%s\'' % scalar_name(probs.dtype))
            hit = u < probs
        else:
            p = float(p)
            if not 0.0 <= p <= 1.0:
                raise RuntimeError("bernoulli_ expects p to be in [0, 1], but got p=%s"
                                   % _cfmt(p))
            hit = self._unit_double(n) < p
        return hit.astype(np_dtype).reshape(shape)

    def _exponential(self, shape, np_dtype=np.float32, lambd=1.0):
        """``Tensor.exponential_(lambd)``: ``-1/lambd * log1p(-u)`` in double, then cast."""
        shape, n = _numel(shape)
        np_dtype = np.dtype(np_dtype)
        lambd = float(lambd)
        if np_dtype.kind != "f":
            raise RuntimeError(
                "Exponential distribution is a continuous probability distribution. dtype "
                "must be a floating point but you specified %s" % scalar_name(np_dtype))
        if not lambd > 0.0:
            raise RuntimeError("exponential_ expects lambda > 0.0, but found lambda=%s"
                               % _cfmt(lambd))
        u = self._unit_double(n)
        with np.errstate(divide="ignore"):
            v = (-1.0 / lambd) * _libm(np.log1p, math.log1p, -u)
        return _from_double(v, np_dtype).reshape(shape)

    # -- multinomial -----------------------------------------------------------------

    def _multinomial(self, probs, num_samples, replacement=False):
        """``torch.multinomial(probs, num_samples, replacement)`` -> int64 indices.

        torch, without replacement (or for a single sample): draw ``q ~ Exp(1)`` with
        ``exponential_`` in the probabilities' dtype and take the top-k (argmax for one
        sample) of ``probs / q`` per row, largest first.
        With replacement: per row, a running float sum in the probabilities' dtype,
        divided by the total, last bucket forced to 1; then for each sample one float64
        uniform ``u`` and the first bucket whose cumulative value is >= ``u``.
        """
        probs = np.asarray(probs)
        if probs.ndim not in (1, 2):
            raise RuntimeError("prob_dist must be 1 or 2 dim")
        if probs.dtype.kind != "f":
            raise RuntimeError("multinomial only supports floating-point dtypes for input, "
                               "got: %s" % scalar_name(probs.dtype))
        k = int(num_samples)
        if k <= 0:
            raise RuntimeError("cannot sample n_sample <= 0 samples")
        ncat = probs.shape[-1]
        if not replacement and k > ncat:
            raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples "
                               "without replacement")
        rows = probs.reshape(-1, ncat)
        out_shape = (k,) if probs.ndim == 1 else (rows.shape[0], k)
        if rows.size == 0:
            return np.empty(out_shape, np.int64)
        if not replacement or k == 1:
            with np.errstate(invalid="ignore"):
                bad = not (rows.max() < np.inf and rows.min() >= 0)
            if bad:
                raise RuntimeError("probability tensor contains either `inf`, `nan` or "
                                   "element < 0")
            if (rows.sum(axis=1) == 0).any():
                raise RuntimeError("invalid multinomial distribution (sum of probabilities "
                                   "<= 0)")
            q = self._exponential(rows.shape, rows.dtype, 1.0)
            with np.errstate(divide="ignore"):
                keys = rows / q
            if k == 1:
                idx = np.argmax(keys, axis=1)[:, None]
            else:
                # torch's topk gives no promise for ties (only zero-probability entries
                # tie in practice); a stable sort keeps them in index order.
                idx = np.argsort(-keys, axis=1, kind="stable")[:, :k]
            return idx.astype(np.int64).reshape(out_shape)
        if (rows < 0).any():
            raise RuntimeError("invalid multinomial distribution (encountering probability "
                               "entry < 0)")
        if not np.isfinite(rows).all():
            raise RuntimeError("invalid multinomial distribution (encountering probability "
                               "entry = infinity or NaN)")
        acc = np.float32 if rows.dtype == np.float16 else rows.dtype
        cum = np.cumsum(rows.astype(acc), axis=1, dtype=acc)  # sequential, like torch
        total = cum[:, -1:].copy()
        if not (total > 0).all():
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
        cum = (cum / total).astype(np.float64)
        cum[:, -1] = 1.0
        u = self._unit_double(rows.shape[0] * k).reshape(rows.shape[0], k)
        idx = np.empty((rows.shape[0], k), np.int64)
        for r in range(rows.shape[0]):
            idx[r] = np.searchsorted(cum[r], u[r], side="left")
        return idx.reshape(out_shape)


def _nondeterministic_seed():
    return int.from_bytes(os.urandom(8), "little")


# torch 2.14 seeds its default CPU generator from the OS entropy pool at startup (a
# fresh process prints a different torch.initial_seed() every time); only explicitly
# constructed Generator() objects start from the fixed 67280421310721.
default_generator = Generator()
default_generator._seed_engine(_nondeterministic_seed())
