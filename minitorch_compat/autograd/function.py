"""``torch.autograd.Function``: one differentiable operation, forward and backward together.

In torch, every operation that records history creates a *node* in the backward graph
(``t.grad_fn``). The node remembers what the backward formula needs (``ctx``) and the
edges to the nodes of its inputs (``next_functions``). Users write their own nodes by
subclassing ``Function`` with two static methods, ``forward(ctx, ...)`` and
``backward(ctx, *grad_outputs)``, and calling ``MyFn.apply(...)``.

How this file does it: the node *is* the ctx. ``apply`` creates one instance of the
Function subclass, runs ``forward`` with it as ``ctx`` and, when grad mode is on and an
input requires grad, wires the instance into the graph:

* ``ctx._next``: one edge per positional argument of ``apply``: ``(node, output_index)``
  for a computed tensor, ``(leaf_tensor, 0)`` for a leaf that requires grad, else ``None``.
* ``ctx.needs_input_grad``: one bool per positional argument, like torch's.

The convention every op here follows: **tensor inputs are positional, options are
keywords** (``Sum.apply(x, dim=1, keepdim=False)``), and ``backward`` returns one gradient
per positional input. A Python number in a tensor position (the ``2`` of ``x * 2``) is an
input that never requires grad, which is exactly what torch shows: ``(None, 0)``.

Built-in ops subclass ``ArrayFunction``: their ``forward`` and ``backward`` receive and
return NumPy arrays instead of Tensors, which skips wrapping every intermediate value in a
Tensor, where a pure-Python autograd loses most of its time. User-defined Functions see
Tensors, exactly as in torch (``_apply_on_tensors`` at the end of this file).

Higher-order gradients (``backward(create_graph=True)``) need a backward that records a
graph of its own. No formula is written twice for that: under ``create_graph`` the engine
hands a built-in ``backward`` Tensors instead of arrays -- the incoming gradients, and the
saved values as the tensors they came from (``saved_variable.graph_values``) -- and the
NumPy calls in the formula (``np.exp(x)``, ``np.where(...)``) run our differentiable ops
on them (``numpy_dispatch.py``). ``_backward_on_tensors`` below is that path, shared with
users' Functions, whose backward always sees Tensors.
"""
import functools

import numpy as np

from .grad_mode import _state, no_grad
from .graph import Node, expose_saved

_FREED = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved tensors after "
    "calling backward."
)


class FunctionCtx:
    """What ``forward`` can stash for ``backward`` (torch.autograd.function.FunctionCtx)."""

    _saved = ()
    _epoch = None  # Tensor._inplace_epoch when the saved values were last known good
    _non_differentiable = ()
    _dirty = ()
    materialize_grads = True

    def save_for_backward(self, *tensors):
        self._saved = tensors

    @property
    def saved_tensors(self):
        """The saved values; ``saved_variable.unpack`` checks them (freed? modified in place?
        packed by hooks?) whenever an in-place op has run anywhere since the last check."""
        return self._saved if self._epoch == Tensor._inplace_epoch else saved_variable.unpack(self)

    saved_variables = saved_tensors

    def mark_non_differentiable(self, *outputs):
        self._non_differentiable = tuple(id(o) for o in outputs)

    def mark_dirty(self, *tensors):
        """Inputs the forward modified in place and returns: they become this node's outputs."""
        self._dirty = tensors

    def set_materialize_grads(self, value):
        self.materialize_grads = bool(value)


class Function(FunctionCtx, Node):
    """Base class of every differentiable operation (and of users' custom ones)."""

    _on_arrays = False    # True for ArrayFunction: forward/backward work on NumPy arrays
    _opmath = True        # float16/bfloat16 inputs run in float32 (False: a cast; see _opmath.py)
    _low = None           # float16/bfloat16 on the nodes of such ops (_opmath.node_class)
    _post_hooks = None    # Node.register_hook hooks (autograd/graph_hooks.py)
    _inputs = None        # the op's inputs, kept for what it saved (saved_variable.py)
    _next = ()
    _out_shapes = ()      # the shape of each output: the engine sums gradients back to it

    def __init__(self, *args, **kwargs):
        pass  # torch forbids instantiating Functions for use; apply() builds the node itself.

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for your custom autograd.Function to use it with backward mode AD.")

    vjp = backward

    @staticmethod
    def jvp(ctx, *grad_inputs):
        raise NotImplementedError("You must implement the jvp function for custom autograd.Function to use it with forward mode AD.")

    @staticmethod
    def vmap(info, in_dims, *args):
        raise NotImplementedError("To use autograd.Function with vmap, you must either override the vmap staticmethod or set generate_vmap_rule=True.")

    setup_context = None  # torch 2.x style: forward(*args) without ctx, then setup_context(ctx, inputs, output)

    @classmethod
    def apply(cls, *inputs, **options):
        """A user's Function: forward and backward on Tensors (built-in ops: ``ArrayFunction``)."""
        return _apply_on_tensors(object.__new__(cls), inputs, options)

    def _run_backward(self, grads, create_graph=False):
        """Called by the engine with one gradient per output (arrays; Tensors under ``create_graph``)."""
        res = type(self).backward(self, *grads) if self._on_arrays and not (create_graph or self._post_hooks) else _backward_on_tensors(self, grads, create_graph)
        return res if type(res) is tuple else (res,)

    def __repr__(self):
        if self._on_arrays:  # a built-in node: torch's C++ nodes print bare
            return Node.__repr__(self)
        # a user's Function: torch prints its generated class, torch.autograd.function.<Name>Backward
        return f"<{Function.__module__}.{self.name()} object at {hex(id(self))}>"

    def _release(self):
        """After a backward without ``retain_graph``: drop what was saved (torch frees it)."""
        if self._saved:
            self._saved = self._inputs = self._epoch = None



class ArrayFunction(Function):
    """A built-in op: ``forward`` gets NumPy arrays (and options), ``backward`` gets and
    returns arrays. ``_backward_name`` is the node name torch shows (``MulBackward0``);
    an op whose name depends on the call sets ``ctx._backward_name`` in ``forward``.

    ``_save_names``: torch's names of what ``forward`` saves, in order (``("self",
    "other")``; ``"result"`` for the op's output), shown as ``grad_fn._saved_self``
    (``saved_attributes.py`` adds what torch shows besides tensors).
    ``_save_outputs``: where torch names a saved output after itself rather than
    ``result`` (``{"U": 0, "S": 1, "Vh": 2}``), which output each name is.
    ``_save_for``: for each saved value, the input whose gradient needs it, where torch
    saves it only then (``Mul``: ``(1, 0)``); its version is checked only then, too."""
    _on_arrays = True
    _save_for = None
    _save_outputs = None

    def __init_subclass__(cls, **kwargs):
        """torch's node classes are named after the node (``type(grad_fn).__name__`` is
        ``'MulBackward0'``, and so is an AttributeError's message), and show their saved
        values as ``grad_fn._saved_<name>`` (``saved_attributes.py``)."""
        super().__init_subclass__(**kwargs)
        if isinstance(cls.__dict__.get("_backward_name"), str):
            cls.__name__ = cls._backward_name
        names = cls.__dict__.get("_save_names")
        expose_saved(names if isinstance(names, tuple) else cls.__dict__.get("_save_names_all", ()))

    @classmethod
    def apply(cls, *inputs, **options):
        """Run ``forward`` on the inputs' arrays; if any input requires grad, the new node
        keeps an edge to each one (``_next``), and, if it saved values, the inputs and their
        versions beside them (``saved_variable.py``)."""
        ctx = object.__new__(_opmath.node_class(cls, inputs) if _dtype.low_precision_seen else cls)  # (16-bit: _opmath.py)
        arrays, ctx._next = [], []  # (one loop, not three comprehensions: in Python 3.11 each is a function call)
        for a in inputs:
            ctx._next.append(_edge(a) if isinstance(a, Tensor) and a._requires_grad else None)
            arrays.append(a._data if isinstance(a, Tensor) else a)
        quiet = _numpy_errors.state.set(_numpy_errors.IGNORE)  # torch computes inf and nan silently; NumPy must too
        try:
            out = type(ctx).forward(ctx, *arrays, **options)
        except ValueError as e:  # NumPy's broadcasting error, reworded as torch's RuntimeError
            raise _checks.broadcast_error_or(e, [a.shape for a in inputs if isinstance(a, Tensor)]) from None
        finally:
            _numpy_errors.state.reset(quiet)
        if not (_state.enabled and any(ctx._next)):
            return _wrap_outputs(out, None)
        if ctx._saved:  # (each input's version read without the property: this runs for every op that saves)
            ctx._inputs, ctx._epoch, ctx._versions = inputs, Tensor._inplace_epoch, [(a if a._version_base is None else a._version_base)._version_count if isinstance(a, Tensor) else 0 for a in inputs]
            if saved_variable.hooks_stack:  # (inside a saved_tensors_hooks block)
                saved_variable.pack(ctx)
        return _wrap_outputs(out, ctx)

    @property
    def needs_input_grad(self):  # (computed when a backward formula asks, not for every op)
        return tuple([e is not None for e in self._next])

    @classmethod
    def call(cls, *inputs, **options):
        """The op as a building block of another op's backward formula: on arrays, just its
        forward; on Tensors (a backward recording a graph), the op itself, recorded."""
        for a in inputs:  # (a loop, not any() over a generator: this runs in first-order backwards)
            if isinstance(a, Tensor):
                return cls.apply(*inputs, **options)
        return cls.forward(object.__new__(cls), *inputs, **options)


class ViewFunction(ArrayFunction):
    """A built-in op whose output is a view of its first input (``view``, ``transpose``,
    ``x[0]``...): the output shares its base's data and version counter, and remembers the
    base as ``_base``, as torch's views do."""

    @classmethod
    def apply(cls, *inputs, **options):
        return _link_view(inputs[0], ArrayFunction.apply.__func__(cls, *inputs, **options))


class MultiViewFunction(ViewFunction):
    """A built-in op whose outputs are all views of its first input (``split``, ``unbind``)."""

    @classmethod
    def apply(cls, *inputs, **options):
        return tuple(_link_view(inputs[0], v) for v in ArrayFunction.apply.__func__(cls, *inputs, **options))


def _link_view(base, view):
    if np.may_share_memory(view._data, base._data):  # (a reshape may have to copy; advanced indexing does)
        view._base, view._version_base = (base if base._base is None else base._base), (base if base._version_base is None else base._version_base)
    return view


def _edge(t):
    """Where a gradient for tensor ``t`` goes: the node that made it, or the leaf itself."""
    return (t.grad_fn, t._output_nr) if t.grad_fn is not None else (t, 0)


def _wrap_outputs(out, ctx):
    """Tensors around a built-in forward's array(s); differentiable ones point at ``ctx``."""
    if type(out) is tuple:
        return _wrap_several(out, ctx)
    t = object.__new__(Tensor)
    t._data = out if type(out) is np.ndarray else np.asanyarray(out)  # (NumPy reductions give scalars)
    if ctx is not None and t._data.dtype.kind in "fc":
        ctx._out_shapes, t._requires_grad, t.grad_fn = (t._data.shape,), True, ctx
    return t


def _wrap_several(out, ctx):
    outs = tuple(_wrap_outputs(o, None) for o in out)
    if ctx is not None:
        ctx._out_shapes = tuple(o._data.shape for o in outs)
        for i, t in enumerate(outs):
            if t._data.dtype.kind in "fc":  # integer outputs (indices) are never differentiable
                t._requires_grad, t.grad_fn, t._output_nr = True, ctx, i
    return outs


# ---- user-defined Functions: forward and backward on Tensors, as in torch ----------------
def _apply_on_tensors(ctx, inputs, options):
    cls = type(ctx)
    with no_grad():
        if cls.setup_context is not None:
            out = cls.forward(*inputs, **options)
            cls.setup_context(ctx, inputs, out)
        else:
            out = cls.forward(ctx, *inputs, **options)
    dirty = [t for t in ctx._dirty if isinstance(t, Tensor)]
    if isinstance(out, Tensor) and any(out is a for a in inputs) and not any(out is d for d in dirty):
        out = out.view_as(out)  # returning an input: torch gives back a new tensor object
    outs = out if type(out) is tuple else (out,)
    ctx._out_meta = tuple((o.shape, o.dtype) if isinstance(o, Tensor) else None for o in outs)
    recording = _state.enabled and any(isinstance(a, Tensor) and a._requires_grad for a in inputs)
    for t in dirty:  # torch bumps a dirty input's version once more, and checks it like an in-place op
        if recording and t._requires_grad and t.grad_fn is None:
            raise RuntimeError("a leaf Variable that requires grad has been used in an in-place operation.")
        if recording:
            from .._ops.inplace import check_inplace
            check_inplace(t)
        t._version += 1
    if not recording:
        return out
    ctx._next = tuple(_edge(a) if isinstance(a, Tensor) and a._requires_grad else None for a in inputs)
    ctx.needs_input_grad = tuple(e is not None for e in ctx._next)
    ctx._out_shapes = tuple(m[0] if m else () for m in ctx._out_meta)
    wrapped = []
    for i, o in enumerate(outs):
        if isinstance(o, Tensor):
            t = o if any(o is d for d in dirty) else o.detach()
            if id(o) not in ctx._non_differentiable and t._data.dtype.kind in "fc":
                t._requires_grad, t.grad_fn, t._output_nr = True, ctx, i
            o = t
        wrapped.append(o)
    if ctx._saved:
        saved_variable.record_tensors(ctx, wrapped)
    return tuple(wrapped) if type(out) is tuple else wrapped[0]


def _backward_on_tensors(ctx, grads, create_graph=False):
    """A backward that sees Tensors: a user's Function always; a built-in op's formula under
    ``create_graph`` (its saved arrays replaced by graph tensors, NumPy calls dispatched to
    our ops); and any node with ``Node.register_hook`` hooks."""
    if ctx._on_arrays and not create_graph:
        return graph_hooks.run_post_hooks(ctx, grads, type(ctx).backward(ctx, *grads))
    wrapped = []
    for g, meta in zip(grads, getattr(ctx, "_out_meta", None) or [None] * len(grads)):
        if g is None and ctx.materialize_grads and meta is not None:
            wrapped.append(zeros(meta[0], dtype=meta[1]))
        else:
            wrapped.append(g if g is None or isinstance(g, Tensor) else _wrap(g))
    with enable_grad() if create_graph else no_grad():
        if ctx._on_arrays:
            from . import numpy_dispatch  # (it imports the ops, which import this module)
            res = numpy_dispatch.run_formula(ctx, wrapped)
        else:
            res = type(ctx).backward(ctx, *wrapped)
    if type(res) is not tuple:
        res = (res,)
    n_in = len(ctx._next)
    if not ctx._on_arrays and len(res) != n_in and not (len(res) > n_in and all(r is None for r in res[n_in:])):
        raise RuntimeError(f"function {ctx.name()} returned an incorrect number of gradients (expected {n_in}, got {len(res)})")
    res = res[:n_in]  # (a built-in formula may return a gradient for an option too: unused)
    if not create_graph:
        res = tuple(r._data if isinstance(r, Tensor) else r for r in res)
    return graph_hooks.run_post_hooks(ctx, grads, res)


def once_differentiable(fn):
    """torch's decorator for a ``backward`` that cannot itself be differentiated: it runs
    without recording, and under ``create_graph`` its results lead to a node that raises
    when a higher-order backward reaches it."""
    @functools.wraps(fn)
    def wrapper(ctx, *args, **kwargs):
        with no_grad():
            outputs = fn(ctx, *args, **kwargs)
        if not _state.enabled or not any(isinstance(a, Tensor) and a._requires_grad for a in args):
            return outputs
        outs = outputs if isinstance(outputs, tuple) else (outputs,)
        fakes = [None if o is None else o.detach().requires_grad_() for o in outs]
        return DelayedError.apply(*fakes, message="trying to differentiate twice a function that was marked with "
                                                  "@once_differentiable")
    return wrapper


class DelayedError(ArrayFunction):
    """The identity, whose backward raises ``message`` (torch's ``DelayedError`` node; named
    ``name`` instead, for torch's ``NotImplemented`` node)."""
    _backward_name = "torch::autograd::Error"

    @staticmethod
    def forward(ctx, *xs, message, name=None):
        ctx.message = message
        if name is not None:  # (torch's NotImplemented node, for a kernel without a double backward)
            ctx._backward_name = name
        return xs if len(xs) > 1 else xs[0]

    @staticmethod
    def backward(ctx, *grads):
        raise RuntimeError(ctx.message)


# Tensor's module imports this one (its methods call ops built on Function): import last.
from .._tensor import Tensor, _wrap  # noqa: E402
from .. import _checks, _dtype, _numpy_errors, _opmath  # noqa: E402
from .._ops.creation import zeros  # noqa: E402
from . import saved_variable, graph_hooks  # noqa: E402
from .grad_mode import enable_grad  # noqa: E402
