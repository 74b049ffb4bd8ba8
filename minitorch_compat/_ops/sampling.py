"""Random tensors, drawn from the torch-exact generator in ``_generator.py``.

With the same seed and the same sequence of calls, these produce torch's numbers: the
Generator reproduces torch's Mersenne Twister stream and the way each distribution
consumes it. ``generator=None`` means the global ``default_generator`` (what
``torch.manual_seed`` seeds).

Call forms follow torch's Python signatures (``rand(2, 3)``, ``rand((2, 3))``,
``rand(size=(2, 3))``; ``randint(high, size)`` and ``randint(low, high, size)``; the four
overloads of ``normal``), and every factory goes through ``creation._new`` for
``dtype=``/``out=``/``device=``/``requires_grad=``. Complex dtypes draw their real and
imaginary parts as one float tensor twice as long, as torch's ``view_as_real`` does.
"""
import math

import numpy as np

from .. import _dtype
from .._tensor import Tensor, _wrap
from ..autograd.function import ArrayFunction
from .._checks import broadcast_error
from ._arg_checks import _C_TYPE, _bind, _check_dims, _is_int, _not_implemented, _shape
from .creation import _new, _write_out
from .inplace import check_inplace


def _gen(generator, fn="random"):
    from .._generator import Generator, default_generator
    if generator is None:
        return default_generator
    if not isinstance(generator, Generator):
        raise TypeError(f"{fn}() received an invalid combination of arguments - got "
                        f"(generator={type(generator).__name__}), but expected torch.Generator generator")
    return generator


def _floating(dtype, kernel):
    if not (dtype.is_floating_point or dtype.is_complex):
        raise _not_implemented(kernel, dtype)
    return dtype


def _as_real(draw, shape, dtype):
    """``draw(shape, np_dtype)`` for a floating dtype; a complex one draws ``shape + (2,)``
    of its real dtype and reads the pairs as (real, imaginary)."""
    if not dtype.is_complex:
        return draw(shape, dtype._np)
    return np.ascontiguousarray(draw(shape + (2,), dtype.to_real()._np)).view(dtype._np)[..., 0]


def _int_arg(v, fn, name, pos):
    if not _is_int(v):
        raise TypeError(f"{fn}(): argument '{name}' (position {pos}) must be int, not {type(v).__name__}")
    return int(v.item() if isinstance(v, Tensor) else v)


# ---- uniform and normal ---------------------------------------------------------------------
def rand(*size, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
         pin_memory=False, **size_kw):
    """Uniform numbers in [0, 1)."""
    shape = _shape("rand", size, size_kw)
    g = _gen(generator, "rand")
    return _new(lambda dt: _uniform_values(g, shape, dt), dtype, out=out, requires_grad=requires_grad,
                device=device, layout=layout, op="rand")


def _uniform_values(g, shape, dt):
    """``Tensor.uniform_(0, 1)`` on a new tensor of ``shape``."""
    _floating(dt, "check_uniform_bounds")
    _check_dims(shape, dt._np)
    return _as_real(lambda s, npd: g._uniform(s, npd, 0.0, 1.0, bfloat16=dt is _dtype.bfloat16), shape, dt)


def randn(*size, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False, **size_kw):
    """Standard normal numbers (complex: each part with variance 1/2)."""
    shape = _shape("randn", size, size_kw)
    g = _gen(generator, "randn")
    return _new(lambda dt: _normal_values(g, shape, dt, 0.0, 1.0), dtype, out=out, requires_grad=requires_grad,
                device=device, layout=layout, op="randn")


def _normal_values(g, shape, dt, mean, std):
    """``Tensor.normal_(mean, std)`` on a new tensor of ``shape``."""
    _floating(dt, "normal_kernel_cpu")
    _check_dims(shape, dt._np)
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    if dt.is_complex:
        std = std / math.sqrt(2)
    return _as_real(lambda s, npd: g._normal(s, npd, mean, std, bfloat16=dt is _dtype.bfloat16), shape, dt)


def rand_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None,
              generator=None):
    _like_input(input, "rand_like")
    g = _gen(generator, "rand_like")
    return _new(lambda dt: _uniform_values(g, input.shape, dt), dtype, default=input.dtype,
                requires_grad=requires_grad, device=device, layout=layout, op="rand_like", like=True)


def randn_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None,
               generator=None):
    _like_input(input, "randn_like")
    g = _gen(generator, "randn_like")
    return _new(lambda dt: _normal_values(g, input.shape, dt, 0.0, 1.0), dtype, default=input.dtype,
                requires_grad=requires_grad, device=device, layout=layout, op="randn_like", like=True)


def _like_input(input, fn):
    if not isinstance(input, Tensor):
        raise TypeError(f"{fn}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")


# ---- integers ------------------------------------------------------------------------------
def randint(*args, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
            pin_memory=False, **kwargs):
    """``randint(high, size)`` or ``randint(low, high, size)``: integers in [low, high)."""
    bound = _bind(("low", "high", "size"), args, kwargs) or _bind(("high", "size"), args, kwargs)
    if bound is None:
        raise TypeError(f"randint() received an invalid combination of arguments - got {_got(args, kwargs)}, "
                        "but expected one of: (int high, tuple of ints size, ...), (int low, int high, tuple of "
                        "ints size, ...)")
    low = _int_arg(bound.get("low", 0), "randint", "low", 1)
    high = _int_arg(bound["high"], "randint", "high", 1 + ("low" in bound))
    size = bound["size"]
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"randint(): argument 'size' must be tuple of ints, not {type(size).__name__}")
    shape = _shape("randint", (size,), {})
    g = _gen(generator, "randint")
    return _new(lambda dt: _randint_values(g, low, high, shape, dt), dtype, default=_dtype.int64, out=out,
                requires_grad=requires_grad, device=device, layout=layout, op="randint")


def _got(args, kwargs):
    """How torch's "invalid combination of arguments" error lists what it got."""
    names = [type(a).__name__ for a in args] + [f"{k}={type(v).__name__}" for k, v in kwargs.items()]
    return "(" + ", ".join(names) + ")"


def _randint_values(g, low, high, shape, dt):
    """``Tensor.random_(low, high)`` on a new tensor: torch's bounds checks, then the draw."""
    if dt.is_complex or dt in (_dtype.uint16, _dtype.uint32, _dtype.uint64):
        raise RuntimeError("check_random_bounds handles only integral, floating-point and boolean types")
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    if dt is not _dtype.bool_ and not dt.is_floating_point:
        lim = np.iinfo(dt._np)
        for what, v in (("from", low), ("to - 1", high - 1)):
            if not lim.min <= v <= lim.max:
                raise RuntimeError(f"{what} is out of bounds for {dt._cpp_name}")
    _check_dims(shape, dt._np)
    return g._randint(low, high, shape, dt._np)


def randint_like(input, *args, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None,
                 generator=None, **kwargs):
    """``randint_like(input, high)`` or ``randint_like(input, low, high)``."""
    _like_input(input, "randint_like")
    bound = _bind(("low", "high"), args, kwargs) or _bind(("high",), args, kwargs)
    if bound is None or not all(_is_int(v) for v in bound.values()):
        raise TypeError(f"randint_like() received an invalid combination of arguments - got "
                        f"{_got((input,) + args, kwargs)}")
    low, high = int(bound.get("low", 0)), int(bound["high"])
    g = _gen(generator, "randint_like")
    return _new(lambda dt: _randint_values(g, low, high, input.shape, dt), dtype, default=input.dtype,
                requires_grad=requires_grad, device=device, layout=layout, op="randint_like", like=True)


def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
             pin_memory=False):
    """A random permutation of ``0 .. n-1``."""
    n = _int_arg(n, "randperm", "n", 1)
    g = _gen(generator, "randperm")

    def values(dt):
        if dt is _dtype.bool_ or dt.is_complex:
            raise _not_implemented("randperm", dt)
        _check_dims((n,), dt._np)
        limit = {_dtype.float16: (2 ** 11 + 1, "2049"), _dtype.float32: (2 ** 24 + 1, "2^24+1"),
                 _dtype.float64: (2 ** 53 + 1, "2^53+1")}.get(dt)
        if limit and n > limit[0]:
            raise RuntimeError(f"n cannot be greater than {limit[1]} for {dt._scalar_name} type.")
        if not dt.is_floating_point and n - 1 > np.iinfo(dt._np).max:
            raise RuntimeError(f"value cannot be converted to type {_C_TYPE[dt._name]} without overflow")
        return g._randperm(n).astype(dt._np)
    return _new(values, dtype, default=_dtype.int64, out=out, requires_grad=requires_grad, device=device,
                layout=layout, op="randperm")


# ---- normal: four overloads ----------------------------------------------------------------
class _Normal(ArrayFunction):
    """The node of ``normal`` with tensor ``mean``/``std``: torch records it, and its
    gradient is zero for both (``derivatives.yaml``). NormalBackward1 is (Tensor mean,
    float std), 2 is (float mean, Tensor std), 3 is (Tensor mean, Tensor std)."""

    @staticmethod
    def forward(ctx, *params, sample, overload):
        ctx._backward_name = f"NormalBackward{overload}"
        ctx.shapes = [p.shape for p in params]
        return sample

    @staticmethod
    def backward(ctx, g):
        grads = tuple(np.zeros(s, g.dtype) for s in ctx.shapes)
        return grads if len(grads) > 1 else grads[0]


def normal(mean=0.0, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None,
           requires_grad=False, pin_memory=False):
    """``normal(mean, std)``, elementwise when ``mean``/``std`` are tensors, or
    ``normal(mean, std, size)`` with two numbers.

    torch (``DistributionTemplates.h``), tensor overloads: draw standard normals (``N(0,
    std)`` when ``std`` is a number) into the output, then ``out.mul_(std).add_(mean)``;
    the output has ``mean``'s dtype (``std``'s for ``normal(float, Tensor)``).
    """
    g = _gen(generator, "normal")
    m_t, s_t = isinstance(mean, Tensor), isinstance(std, Tensor)
    if not (m_t or s_t):
        if size is None or not isinstance(size, (tuple, list)):
            raise TypeError(f"normal() received an invalid combination of arguments - got "
                            f"{_got((mean, std) + (() if size is None else (size,)), {})}")
        shape = _shape("normal", (size,), {})
        return _new(lambda dt: _normal_values(g, shape, dt, float(mean), float(std)), dtype, out=out,
                    requires_grad=requires_grad, device=device, layout=layout, op="normal")
    if size is not None:
        raise TypeError(f"normal() received an invalid combination of arguments - got "
                        f"{_got((mean, std, size), {})}")
    if s_t and std._data.size and (std._data.dtype.kind == "c" or not std._data.min() >= 0):
        raise RuntimeError("normal expects all elements of std >= 0.0")
    if not s_t and std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    like = mean if m_t else std
    dt = out.dtype if out is not None else like.dtype
    _floating(dt, "normal_kernel_cpu")
    if m_t and not s_t:  # torch broadcasts mean against the output's *current* shape here
        shape = _broadcast(mean._data.shape, out._data.shape if out is not None else mean._data.shape)
        z = _as_real(lambda sh, npd: g._normal(sh, npd, 0.0, float(std)), shape, dt)
        values = (z + mean._data).astype(dt._np, copy=False)
    else:
        shape = _broadcast(mean._data.shape if m_t else (), std._data.shape if s_t else ())
        z = _as_real(lambda sh, npd: g._normal(sh, npd, 0.0, 1.0), shape, dt)
        values = ((z * (std._data if s_t else std)).astype(dt._np, copy=False)
                  + (mean._data if m_t else dt._np.type(mean))).astype(dt._np, copy=False)
    if out is not None:
        return _write_out(out, values, _resize_warning)
    params = [p for p in (mean, std) if isinstance(p, Tensor)]
    return _Normal.apply(*params, sample=values, overload=1 if not s_t else 2 if not m_t else 3)


def _broadcast(a, b):
    try:
        return np.broadcast_shapes(a, b)
    except ValueError:
        raise broadcast_error([a, b]) from None


def _resize_warning(old_shape, new_shape):
    return (f"An output with one or more elements was resized since it had shape {list(old_shape)}, which does "
            f"not match the required output shape {list(new_shape)}. This behavior is deprecated, and in a future "
            "PyTorch release outputs will not be resized unless they have zero elements. You can explicitly reuse "
            "an out tensor t by resizing it, inplace, to zero elements with t.resize_(0).")


# ---- bernoulli and multinomial -------------------------------------------------------------
class _Bernoulli(ArrayFunction):
    """BernoulliBackward0: torch records the draw and gives ``input`` a zero gradient."""
    _backward_name = "BernoulliBackward0"

    @staticmethod
    def forward(ctx, p, *, sample):
        return sample

    @staticmethod
    def backward(ctx, g):
        return np.zeros_like(g)


def bernoulli(input, p=None, *, generator=None, out=None):
    """1 with probability ``input`` (elementwise), or with probability ``p`` everywhere."""
    if not isinstance(input, Tensor):
        raise TypeError(f"bernoulli(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    g = _gen(generator, "bernoulli")
    dt = input.dtype
    if dt.is_complex:
        raise _not_implemented("bernoulli_tensor_cpu_self_", dt)
    if p is None:
        if input._data.dtype.kind != "f":
            raise _not_implemented("bernoulli_tensor_cpu_p_", dt)
        probs = input._data
        if probs.size and not (probs.min() >= 0 and probs.max() <= 1):
            raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error "
                               "message be improved?  If so, please report an enhancement request to PyTorch.)")
    else:
        probs = float(p)
    target = out.dtype._np if out is not None else input._data.dtype
    sample = g._bernoulli(probs, input._data.shape, target)
    if out is not None:
        return _write_out(out, sample)
    return _Bernoulli.apply(input, sample=sample)


def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    """``num_samples`` indices per row of ``input``, drawn with the row's weights."""
    num_samples = _int_arg(num_samples, "multinomial", "num_samples", 2)
    if out is not None and out.dtype is not _dtype.int64:
        raise RuntimeError(f"multinomial expects Long tensor out, got: {out.dtype._scalar_name}")
    probs = input._data
    if probs.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if probs.dtype.kind != "f":
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: "
                           f"{input.dtype._scalar_name}")
    sample = _gen(generator, "multinomial")._multinomial(probs, num_samples, bool(replacement))
    return _write_out(out, sample) if out is not None else _wrap(sample)


# ---- in-place fillers (what nn.init and users call) ------------------------------------------
def _fill(t, values):
    check_inplace(t)
    t._data[...] = values
    t._version += 1
    return t


def uniform_(t, a=0.0, b=1.0, generator=None):
    return _fill(t, _gen(generator, "uniform_")._uniform(t._data.shape, t._data.dtype, float(a), float(b),
                                                         bfloat16=t.dtype is _dtype.bfloat16))


def normal_(t, mean=0.0, std=1.0, generator=None):
    return _fill(t, _gen(generator, "normal_")._normal(t._data.shape, t._data.dtype, float(mean), float(std),
                                                       bfloat16=t.dtype is _dtype.bfloat16))


def random_(t, *args, generator=None, **kwargs):
    """``random_()``: the dtype's full range; ``random_(to)``; ``random_(from, to)``."""
    lo, hi = kwargs.get("from", None), kwargs.get("to", None)
    if len(args) == 1:
        lo, hi = 0, args[0]
    elif len(args) == 2:
        lo, hi = args
    g = _gen(generator, "random_")
    if hi is None:
        return _fill(t, g._random_(t._data.shape, t._data.dtype))
    return _fill(t, g._randint(int(lo or 0), int(hi), t._data.shape, t._data.dtype))


def bernoulli_(t, p=0.5, generator=None):
    probs = p._data if isinstance(p, Tensor) else p
    return _fill(t, _gen(generator, "bernoulli_")._bernoulli(probs, t._data.shape, t._data.dtype))


def exponential_(t, lambd=1.0, generator=None):
    return _fill(t, _gen(generator, "exponential_")._exponential(t._data.shape, t._data.dtype, float(lambd)))
