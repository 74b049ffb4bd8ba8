"""float16 and bfloat16 ops: computed in float32 and rounded once, as torch does.

torch's CPU kernels never do arithmetic in 16 bits. For a float16 or bfloat16 tensor
each kernel loads the values as float32 (``at::opmath_type<Half>`` is ``float``), runs
the whole op in float32 -- a sigmoid, a softmax, a sum, a matrix product with its
accumulation -- and rounds the result to the tensor's dtype once. The 16-bit dtype is a
storage format; precision is lost only where results are stored.

NumPy computes float16 one ufunc at a time, rounding after each: ``1 / (1 + exp(-x))``
would round three times where torch rounds once, and a float16 ``x * 0.1`` would round
0.1 itself to float16 first. So this module applies torch's rule to every built-in op at
once: when an op gets a 16-bit input, ``ArrayFunction.apply`` makes its node an instance of
the op's 16-bit twin (``node_class``), the same op whose ``forward`` does three steps
around the op's own

1. ``upcast``: each float16/bfloat16 input becomes a float32 array (for bfloat16 that is
   the same memory, seen as a plain array; see ``_bfloat16.py``);
2. the op's ``forward``, unchanged, in float32;
3. ``downcast``: each float32 output is rounded to the 16-bit dtype (and an output the op
   saved for its backward is replaced by the rounded one: torch saves the stored output).

and whose backward does the same around the op's ``backward``, rounding each gradient
to its input's dtype (torch's engine casts every gradient to its input's dtype). Where
torch's backward formula is several ops, torch rounds after each; a node's backward here
rounds once. The float32 path never looks at any of this: ``apply`` looks for 16-bit
inputs only once a 16-bit array has appeared in the process (``_dtype.low_precision_seen``),
and then only the node's class differs.

Two kinds of op skip the float32 detour. *Views* (``_is_view``: reshape, transpose,
indexing...) only rearrange values, and must keep sharing memory with their input, so
they run on the stored arrays; a bfloat16 view that NumPy returned as a plain float32
array is only relabelled (no rounding is needed: the values are bfloat16 already).
*Casts* (``_opmath = False``: ``ToCopy``) decide their output dtype themselves.

Where a torch kernel keeps an intermediate in a 16-bit buffer (batch norm's mean and
1/std, log_softmax's sum of exponentials), the forward rounds it too: ``stored``.
A Python number meeting a 16-bit tensor is rounded to its dtype (``wrapped_number``),
as torch wraps it in a tensor, except in mul and div, whose kernels read it in float32;
add's and sub's ``alpha`` is rounded too.

The rule applies when every floating-point tensor input has the same 16-bit dtype; ops
mixing dtypes have been promoted by then (``float16 + bfloat16`` is float32 in torch).
"""
import numpy as np

from ._bfloat16 import BFloat16Array
from ._dtype import as_dtype, bfloat16, float16

_F16 = np.dtype(np.float16)


def low_precision(arrays):
    """The 16-bit float dtype of these op inputs, or None."""
    low = None
    for a in arrays:
        t = type(a)
        if t is BFloat16Array:
            d = bfloat16
        elif t is np.ndarray and a.dtype is _F16:
            d = float16
        else:
            continue
        if low is not None and d is not low:
            return None
        low = d
    if low is not None and any(type(a) is np.ndarray and a.dtype.kind in "fc" and a.dtype is not _F16 for a in arrays):
        return None  # float32/64 inputs alongside: not a 16-bit op
    return low


def computes(cls):
    """Whether ``cls`` computes values (and so runs in float32), rather than viewing or casting."""
    return cls._opmath and not getattr(cls, "_is_view", False)


# ---- the node class of a 16-bit op ------------------------------------------------------------
_NODE_CLASSES = {}


def node_class(cls, inputs):
    """The class of the node of op ``cls`` applied to ``inputs``: ``cls``, or for 16-bit
    inputs its 16-bit twin (made once per op), whose ``forward`` and ``_run_backward`` are
    wrapped in the steps of the module docstring; everything else is ``cls``'s own."""
    arrays = [getattr(a, "_data", None) for a in inputs]  # (tensors' arrays; None for numbers)
    if not any([type(d) is BFloat16Array or type(d) is np.ndarray and d.dtype is _F16 for d in arrays]):
        return cls
    sub = _NODE_CLASSES.get(cls)
    if sub is None:
        def forward(ctx, *arrays, **options):
            low = low_precision(arrays)
            if low is None or not cls._opmath:
                return cls.forward(ctx, *arrays, **options)
            ctx._low = low
            if computes(cls):
                arrays = upcast(arrays)
            if "alpha" in options:  # add/sub's alpha: rounded to the 16-bit dtype, as torch's kernel reads it
                options = dict(options, alpha=wrapped_number(options["alpha"], low))
            return finish(cls, ctx, cls.forward(ctx, *arrays, **options))

        sub = _NODE_CLASSES[cls] = type(cls.__name__, (cls,), {
            "__module__": cls.__module__, "__qualname__": cls.__qualname__,
            "forward": staticmethod(forward), "_run_backward": _run_backward})
    return sub


def _run_backward(node, grads, create_graph=False):
    """A 16-bit node's backward: in float32 for ops that compute, each gradient rounded to
    its input's dtype (``node._low``). (Under ``create_graph`` the formula runs on the
    tensors, each op of it rounding as that op does.)"""
    if node._low is None or create_graph:  # mixed dtypes: the op ran as usual
        return super(type(node), node)._run_backward(grads, create_graph)
    if computes(type(node)):
        grads = [None if g is None else _to_float32(g) for g in grads]
    res = type(node).backward(node, *grads)
    res = res if type(res) is tuple else (res,)
    fix = downcast if computes(type(node)) else relabel
    return tuple(None if g is None else fix(g, node._low) for g in res)


def upcast(arrays):
    """Step 1: 16-bit float arrays as float32, everything else as it is."""
    return [_to_float32(a) for a in arrays]


def _to_float32(a):
    if type(a) is BFloat16Array:
        return a.view(np.ndarray)
    if type(a) is np.ndarray and a.dtype is _F16:
        return a.astype(np.float32)
    return a


def finish(cls, ctx, out):
    """Step 3: the outputs in the 16-bit dtype (rounded, or only relabelled for a view).
    An output the forward saved for backward is swapped for its rounded value, since torch
    saves the stored (rounded) output tensor."""
    if not computes(cls):
        return relabel(out, ctx._low)
    rounded = downcast(out, ctx._low)
    saved = ctx._saved
    if saved:
        raw = out if type(out) is tuple else (out,)
        new = rounded if type(rounded) is tuple else (rounded,)
        swap = {id(r): _to_float32(n) for r, n in zip(raw, new)}
        ctx._saved = tuple(swap.get(id(s), s) for s in saved)
    return rounded


def downcast(out, low):
    """Every float32 array among ``out`` (one array or a tuple) rounded to ``low``."""
    if type(out) is tuple:
        return tuple(downcast(o, low) for o in out)
    if isinstance(out, (np.ndarray, np.generic)) and out.dtype == np.float32:
        return as_dtype(np.asarray(out), low)
    return out


def relabel(out, low):
    """For a view's outputs: a bfloat16 view NumPy returned as a plain float32 array is
    marked again (same memory, no rounding: its values are bfloat16 already)."""
    if low is not bfloat16:
        return out
    if type(out) is tuple:
        return tuple(relabel(o, low) for o in out)
    if type(out) is np.ndarray and out.dtype == np.float32:
        return out.view(BFloat16Array)
    return out


# ---- what torch keeps in 16 bits ----------------------------------------------------------------
def stored(ctx, x):
    """``x`` as a torch kernel keeps it in a buffer of the input's 16-bit dtype: rounded to
    it (as float32 values). The identity in float32/float64 ops. Forwards call this where
    torch's kernel stores an intermediate (batch norm's mean and 1/std, for example)."""
    return x if ctx._low is None else _to_float32(as_dtype(np.asarray(x), ctx._low))


def wrapped_number(x, dt):
    """A Python number meeting a ``dt`` (16-bit) tensor: torch wraps it in a tensor of
    ``dt``, so the kernel sees it rounded."""
    with np.errstate(over="ignore"):  # 1e39 is inf in a 16-bit tensor, silently as in torch
        return float(as_dtype(np.asarray(float(x), dtype=np.float32), dt)[()])
