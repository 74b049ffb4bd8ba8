"""What a node saved for its backward, and the checks torch makes when it is read back.

torch wraps every tensor a node saves in a ``SavedVariable``
(``torch/csrc/autograd/saved_variable.cpp``). Reading it back (``unpack``) enforces three
rules, and this file enforces the same ones:

1. **Freed.** After a backward without ``retain_graph`` the saved values are gone; reading
   them raises "Trying to backward through the graph a second time...".
2. **Modified.** A saved tensor changed in place since it was saved gives a wrong gradient,
   so torch refuses: every tensor has a version counter (``t._version``, bumped by each
   in-place op and shared with its views), the node remembers the version at save time,
   and a mismatch raises "one of the variables needed for gradient computation has been
   modified by an inplace operation: [torch.FloatTensor [3]], which is output 0 of Exp,
   is at version 1; expected version 0 instead...".
3. **Hooks.** Inside ``torch.autograd.graph.saved_tensors_hooks(pack, unpack)`` each saved
   tensor is replaced by ``pack(tensor)`` and restored by ``unpack(packed)``.

How it is done here: a built-in node saves NumPy arrays, not tensors, so
``ArrayFunction.apply`` keeps the op's input tensors and their versions beside them (only for nodes that save
something), and the checks run in ``unpack``, which ``ctx.saved_tensors`` calls only when
something may be wrong (the node was released, hooks packed its values, or some tensor
was modified in place since it was recorded: ``Tensor._inplace_epoch``). A saved
*output* cannot be found from the node (a node does not keep its outputs alive), so an
in-place op on a tensor tells the node that produced it instead (``note_inplace``).

The same bookkeeping answers two more questions: ``grad_fn._saved_self`` and friends
(``saved_attribute``, with torch's names declared by each op as ``_save_names``; the
rest of what torch shows is in ``saved_attributes.py``), and,
for ``create_graph=True``, the saved values as tensors connected to the graph
(``graph_values``), so a backward formula run on them records its own graph.
"""
import re

import numpy as np

from .._tensor import Tensor, _wrap
from .grad_mode import no_grad

_MODIFIED = ("one of the variables needed for gradient computation has been modified by an inplace operation: "
             "[{type} {shape}]{which} is at version {now}; expected version {then} instead. Hint: enable anomaly "
             "detection to find the operation that failed to compute its gradient, with "
             "torch.autograd.set_detect_anomaly(True, check_nan=False).")

# ---- saved_tensors_hooks: a stack of (pack, unpack) pairs; the innermost one applies -------
hooks_stack = []
hooks_disabled = []  # messages of the active disable_saved_tensors_hooks blocks


def push_hooks(pack, unpack_hook):
    """Enter a ``saved_tensors_hooks`` block: from now on every node that saves also packs."""
    if hooks_disabled:
        raise RuntimeError(hooks_disabled[-1])
    hooks_stack.append((pack, unpack_hook))


def pop_hooks():
    hooks_stack.pop()


def record_tensors(ctx, outputs):
    """The same for a user-defined Function, whose ``save_for_backward`` got tensors. A
    saved output is kept as a tensor whose ``grad_fn`` is the node (what torch unpacks), and
    sharing the output's version counter."""
    saved, names = [], []
    for t in ctx._saved:
        name = None
        for i, o in enumerate(outputs):
            if isinstance(t, Tensor) and isinstance(o, Tensor) and o._data is t._data and o.grad_fn is ctx:
                t, name = _graph_output(ctx, o._data, i), f"result{i}"
                t._version_base = o if o._version_base is None else o._version_base
        saved.append(t)
        names.append(name)
    ctx._saved = ctx._inputs = tuple(saved)
    ctx._save_names = tuple(names)
    ctx._versions, ctx._epoch = [t._version if isinstance(t, Tensor) else 0 for t in saved], Tensor._inplace_epoch
    if hooks_stack:
        pack(ctx)


def unpack(ctx):
    """``ctx.saved_tensors`` when the quick check failed: apply rules 1-3 of the docstring."""
    if ctx._saved is None:
        from .function import _FREED
        raise RuntimeError(_FREED)
    packed = ctx.__dict__.get("_packed")
    if packed is not None:  # (torch checks no versions of values packed by hooks: unpack decides)
        values = [None] * len(packed)
        for k in getattr(type(ctx), "_pack_order", None) or range(len(packed)):
            hook, p = packed[k]
            values[k] = p if hook is None else hook(p)
        return tuple(values) if not ctx._on_arrays else tuple(
            v._data if isinstance(v, Tensor) and isinstance(s, np.ndarray) else v for v, s in zip(values, ctx._saved))
    check_versions(ctx)
    if ctx.__dict__.get("_inputs") is not None:
        ctx._epoch = Tensor._inplace_epoch  # checked: the quick path holds until the next in-place op
    return ctx._saved


def check_versions(ctx):
    """Rule 2: raise torch's error if a saved tensor was modified in place since it was saved."""
    inputs = getattr(ctx, "_inputs", None)
    if inputs is None:
        return
    for k, value in enumerate(ctx._saved):
        i = _input_index(ctx, value)
        if i is None or not _needed(ctx, k):
            continue
        t = inputs[i]
        if t._version != ctx._versions[i]:
            raise RuntimeError(_modified_message(t, ctx._versions[i], _producer(t)))
    for k, (t, then) in (getattr(ctx, "_modified_outputs", None) or {}).items():
        if t._version != then:
            raise RuntimeError(_modified_message(t, then, (ctx, k)))


def _needed(ctx, k):
    """Whether saved slot ``k`` is one torch saves for this call: an op declares in
    ``_save_for`` the input whose gradient needs each slot (Mul saves ``self`` only when
    ``other`` requires grad); ``None`` there, or no declaration, means always."""
    needs = getattr(type(ctx), "_save_for", None)
    if needs is None or needs[k] is None:
        return True
    j = needs[k]
    return j < len(ctx.needs_input_grad) and ctx.needs_input_grad[j]


def _producer(t):
    return None if t.grad_fn is None else (t.grad_fn, t._output_nr)


def _modified_message(t, then, producer):
    which = ""
    if producer is not None:
        which = f", which is output {producer[1]} of {re.sub(r'Backward[0-9]*$', '', producer[0].name().removeprefix('torch::autograd::'))},"
    shape = "[" + ", ".join(str(s) for s in t._data.shape) + "]"
    return _MODIFIED.format(type=t.type(), shape=shape, which=which, now=t._version, then=then)


def note_inplace(t):
    """An in-place op is about to change ``t`` (and so its base, when ``t`` is a view): a
    node that saved one of them as its *output* must later refuse to use it (rule 2)."""
    for s in (t, t._base):
        node = None if s is None else s.grad_fn
        if node is not None and _saves_output(node, s._output_nr):
            node.__dict__.setdefault("_modified_outputs", {}).setdefault(s._output_nr, (s, s._version))


def _saves_output(node, k):
    names = node._save_names or ()
    mapped = getattr(type(node), "_save_outputs", None) or {}
    return "result" in names or f"result{k}" in names or k in mapped.values()


def _output_index(node, name):
    """Which of the node's outputs the saved value called ``name`` is, or None: ``result``
    (output 0) and ``resultN``, or a name the op maps in ``_save_outputs`` where torch
    names a saved output after itself (``{"U": 0, "S": 1, "Vh": 2}`` for the SVD)."""
    if name is None:
        return None
    if name.startswith("result"):
        return int(name[6:] or 0)
    return (getattr(type(node), "_save_outputs", None) or {}).get(name)


def _input_index(ctx, value):
    """Which of the op's inputs the saved ``value`` is (an array, or a tensor for a user's
    Function), or None."""
    for i, a in enumerate(ctx._inputs):
        if isinstance(a, Tensor) and (a is value or a._data is value):
            return i
    return None


# ---- rule 3: saved_tensors_hooks -------------------------------------------------------------
def pack(ctx):
    """Replace each saved tensor by ``pack(tensor)``; ``unpack`` applies the paired hook.
    torch runs ``pack`` without recording (ops in it neither record nor save), in the order
    its formulas name the values (``_pack_order``: ``other`` before ``self`` for ``mul``)."""
    pack, unpack_hook = hooks_stack[-1]
    packed = [None] * len(ctx._saved)
    with no_grad():
        for k in getattr(type(ctx), "_pack_order", None) or range(len(packed)):
            t = _as_tensor(ctx, k)
            packed[k] = (None, ctx._saved[k]) if t is None else (unpack_hook, pack(t))
    ctx._packed, ctx._epoch = packed, None


def _as_tensor(ctx, k):
    """The tensor torch would hand to a pack hook for saved value ``k`` (None: not a
    tensor): an input as itself, the op's output as a tensor of this node."""
    value = ctx._saved[k]
    if isinstance(value, Tensor) or not isinstance(value, np.ndarray):
        return value if isinstance(value, Tensor) else None
    i = _input_index(ctx, value)
    if i is not None:
        return ctx._inputs[i]
    names = getattr(ctx, "_save_names", None) or ()
    out = _output_index(ctx, names[k] if k < len(names) else None)
    return _wrap(value) if out is None else _graph_output(ctx, value, out)


# ---- grad_fn._saved_<name> -----------------------------------------------------------------------
def saved_attribute(node, name):
    """``grad_fn._saved_self``: the saved value called ``name`` (torch's names, ``_save_names``);
    None where torch did not save it for this call (``_save_for``)."""
    k = node._save_names.index(name)
    if not _needed(node, k):
        return None
    values = graph_values(node, node.saved_tensors)  # (saved_tensors raises torch's error once freed)
    if k >= len(values):  # (a number torch keeps as an attribute, saved here as an option)
        raise AttributeError(f"'{node.name()}' object has no attribute '_saved_{name}'")
    return values[k]


# ---- create_graph: the saved values as tensors that belong to the graph ---------------------------
def graph_values(ctx, values=None):
    """The saved values as tensors connected to the graph: an input as the input tensor
    itself, a declared output (``result``) as a tensor whose ``grad_fn`` is this node, and
    what the op computes itself in ``_graph_saved(values)`` (a dict by slot: an intermediate
    recomputed from the inputs with differentiable ops, or a constant such as a weight
    given as an option); anything else that is not floating point (indices, masks) as it
    is. A float intermediate nobody explained would make higher-order gradients silently
    wrong, so it raises instead."""
    values = ctx.saved_tensors if values is None else values
    custom = ctx._graph_saved(values) if hasattr(type(ctx), "_graph_saved") else {}
    names = getattr(ctx, "_save_names", None) or ()
    out = []
    for k, v in enumerate(values):
        i = _input_index(ctx, v) if isinstance(v, np.ndarray) else None
        out_index = _output_index(ctx, names[k] if k < len(names) else None)
        if k in custom:
            v = custom[k]
        elif i is not None:
            v = ctx._inputs[i]
        elif out_index is not None:
            v = _graph_output(ctx, v, out_index)
        elif isinstance(v, np.ndarray) and v.dtype.kind in "fc":
            raise NotImplementedError(f"minitorch_compat: {ctx.name()} does not support create_graph=True "
                                      "(higher-order gradients through this op) yet")
        out.append(v)
    return tuple(out)


def _graph_output(ctx, array, index):
    t = _wrap(np.asarray(array))
    t._requires_grad, t.grad_fn, t._output_nr = True, ctx, index
    return t
