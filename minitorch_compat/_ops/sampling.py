"""Random tensors, drawn from the torch-exact generator in ``_generator.py``.

With the same seed and the same sequence of calls, these produce torch's numbers: the
Generator reproduces torch's Mersenne Twister stream and the way each distribution
consumes it. ``generator=None`` means the global ``default_generator`` (what
``torch.manual_seed`` seeds).
"""
import numpy as np

from .. import _dtype
from .._dtype import get_default_dtype
from .._tensor import Tensor, _wrap, _size_args
from .creation import _finish
from .inplace import check_inplace


def _gen(generator):
    if generator is None:
        from .._generator import default_generator
        return default_generator
    return generator


def _float_dtype(dtype, what):
    dtype = dtype or get_default_dtype()
    if not (dtype.is_floating_point or dtype.is_complex):
        raise RuntimeError(f"\"{what}\" not implemented for '{dtype._name.capitalize()}'")
    return dtype


def rand(*size, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    dtype = _float_dtype(dtype, "check_uniform_bounds")
    return _finish(_gen(generator)._uniform(_size_args(size), dtype._np, 0.0, 1.0), requires_grad, device)


def randn(*size, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    dtype = _float_dtype(dtype, "normal_kernel_cpu")
    return _finish(_gen(generator)._normal(_size_args(size), dtype._np, 0.0, 1.0), requires_grad, device)


def randint(low=0, high=None, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    if size is None:  # randint(high, size)
        low, high, size = 0, low, high
    if high is None or size is None:
        raise TypeError("randint() missing required arguments: 'high' and 'size'")
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    dtype = dtype or _dtype.int64
    return _finish(_gen(generator)._randint(int(low), int(high), _size_args((size,)), dtype._np), requires_grad, device)


def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    if n < 0:
        raise RuntimeError(f"n must be non-negative, got{n}")
    perm = _gen(generator)._randperm(int(n))
    return _finish(perm.astype((dtype or _dtype.int64)._np, copy=False), requires_grad, device)


def rand_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None, generator=None):
    return rand(input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad, generator=generator)


def randn_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None, generator=None):
    return randn(input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad, generator=generator)


def randint_like(input, low=0, high=None, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None, generator=None):
    if high is None:
        low, high = 0, low
    return randint(low, high, input.shape, dtype=dtype or input.dtype, generator=generator)


def normal(mean=0.0, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """``normal(mean, std, size)`` with numbers, or elementwise with tensor mean/std."""
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        m = mean._data if isinstance(mean, Tensor) else mean
        s = std._data if isinstance(std, Tensor) else std
        shape = np.broadcast_shapes(np.shape(m), np.shape(s))
        like = mean if isinstance(mean, Tensor) else std
        z = _gen(generator)._normal(shape, like._data.dtype, 0.0, 1.0)
        return _wrap((z * s + m).astype(like._data.dtype, copy=False))
    if size is None:
        raise TypeError("normal() missing required argument 'size'")
    dtype = _float_dtype(dtype, "normal_kernel_cpu")
    return _finish(_gen(generator)._normal(_size_args((size,)), dtype._np, float(mean), float(std)), requires_grad, device)


def bernoulli(input, p=None, *, generator=None, out=None):
    """Draws 1 with probability ``input`` (elementwise) or ``p``."""
    probs = input._data if p is None else p
    return _wrap(_gen(generator)._bernoulli(probs, input._data.shape, input._data.dtype))


def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    probs = input._data
    if probs.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if not replacement and num_samples > probs.shape[-1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    if np.any(probs < 0) or not np.all(np.isfinite(probs)):
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    return _wrap(_gen(generator)._multinomial(probs, int(num_samples), bool(replacement)))


# ---- in-place fillers (what nn.init and users call) ------------------------------------------
def _fill(t, values):
    check_inplace(t)
    t._data[...] = values
    t._version += 1
    return t


def uniform_(t, a=0.0, b=1.0, generator=None):
    return _fill(t, _gen(generator)._uniform(t._data.shape, t._data.dtype, float(a), float(b)))


def normal_(t, mean=0.0, std=1.0, generator=None):
    return _fill(t, _gen(generator)._normal(t._data.shape, t._data.dtype, float(mean), float(std)))


def random_(t, *args, generator=None, **kwargs):
    """``random_()``: the dtype's full range; ``random_(to)``; ``random_(from, to)``."""
    lo, hi = kwargs.get("from", None), kwargs.get("to", None)
    if len(args) == 1:
        lo, hi = 0, args[0]
    elif len(args) == 2:
        lo, hi = args
    g = _gen(generator)
    if hi is None:
        return _fill(t, g._random_(t._data.shape, t._data.dtype))
    return _fill(t, g._randint(int(lo or 0), int(hi), t._data.shape, t._data.dtype))


def bernoulli_(t, p=0.5, generator=None):
    probs = p._data if isinstance(p, Tensor) else p
    return _fill(t, _gen(generator)._bernoulli(probs, t._data.shape, t._data.dtype))


def exponential_(t, lambd=1.0, generator=None):
    return _fill(t, _gen(generator)._exponential(t._data.shape, t._data.dtype, float(lambd)))
