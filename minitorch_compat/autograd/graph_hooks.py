"""Hooks on the backward graph, in the order torch's engine calls them for one node:

1. tensor hooks, ``t.register_hook(fn)`` on a non-leaf ``t``: ``fn(grad)`` for the gradient
   of that output of the node, which it may replace; then ``retain_grad``'s, which keeps
   the (hooked) gradient as ``t.grad``;
2. node pre-hooks, ``grad_fn.register_prehook(fn)``: ``fn(grad_outputs)``, which may return
   new ``grad_outputs``;
3. the node's backward;
4. node hooks, ``grad_fn.register_hook(fn)``: ``fn(grad_inputs, grad_outputs)``, which may
   return new ``grad_inputs``.

For a leaf (torch's ``AccumulateGrad`` node) the same four steps are: ``t.register_hook``
hooks, the pre-hooks of ``AccumulateGrad``, the accumulation into ``.grad`` followed by
``t.register_post_accumulate_grad_hook``'s ``fn(t)``, and the hooks of ``AccumulateGrad``
(``fn((), (grad,))``). Each registration returns a ``torch.utils.hooks.RemovableHandle``.

A gradient may be ``None`` (torch's undefined tensor: an output nobody used, a hook that
returned ``(None,)``); hooks are called with it all the same. A hook returns None to keep
what it got, or a replacement, checked as torch checks it (``checked``: a tuple of the same
length, each a Tensor of the same dtype and size, never in place of a None).

Steps 1-2 live on ``node._hooks``, which the engine checks before running a node (a node
without hooks costs one attribute test); step 4 on ``node._post_hooks``, which sends the
node through ``function._backward_on_tensors``. Hooks see Tensors, as in torch; gradients
are arrays inside the engine, so they are wrapped for the hook and unwrapped after.
"""
import numpy as np

from .._tensor import Tensor, _wrap


def _wrapped(g):
    return None if g is None else g if isinstance(g, Tensor) else _wrap(g)


def _unwrapped(g, like):
    """A hook's result back to the engine's kind of gradient (an array, unless ``like`` is a Tensor)."""
    if g is None or isinstance(like, Tensor) or not isinstance(g, Tensor):
        return g
    return g._data


def add(hooks, hook):
    """Register ``hook`` in the dict ``hooks``; returns its handle."""
    from ..utils.hooks import RemovableHandle  # (utils imports the data loader, which needs the whole package)
    handle = RemovableHandle(hooks)
    hooks[handle.id] = hook
    return handle


# ---- registration ------------------------------------------------------------------------------
def node_hooks(node):
    if node._hooks is None:
        node._hooks = {}
    return node._hooks


def register_tensor_hook(t, hook):
    """``t.register_hook(hook)``: on ``t``'s node for a non-leaf, on ``t`` itself for a leaf."""
    if not t._requires_grad:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
    if t.grad_fn is None:
        return add(leaf_hooks_of(t).tensor, hook)
    return add(node_hooks(t.grad_fn).setdefault(t._output_nr, {}), hook)


def retain_grad_hook(t, keep):
    """``retain_grad``: after the other tensor hooks of ``t``'s output, whenever registered."""
    node_hooks(t.grad_fn)[("retain", t._output_nr)] = keep


def register_prehook(node, hook):
    return add(node_hooks(node).setdefault("pre", {}), hook)


def register_hook(node, hook):
    if node._post_hooks is None:
        node._post_hooks = {}
    return add(node._post_hooks, hook)


def register_post_accumulate_grad_hook(t, hook):
    if t.grad_fn is not None:
        raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
    if not t._requires_grad:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
    return add(leaf_hooks_of(t).post_accumulate, hook)


class LeafHooks:
    """A leaf's hooks (``leaf._hooks``): its ``register_hook`` hooks, the pre-hooks and hooks
    of its ``AccumulateGrad`` node, and its post-accumulate hooks. Once a leaf has any, the
    engine treats it as a node of the walk (see engine.py)."""

    def __init__(self):
        self.tensor, self.pre, self.post_accumulate, self.post = {}, {}, {}, {}


def leaf_hooks_of(leaf):
    if leaf._hooks is None:
        leaf._hooks = LeafHooks()
    return leaf._hooks


# ---- running them ------------------------------------------------------------------------------------
def before_node(node, grads):
    """Steps 1-2 for the gradients ``grads`` (one per output) arriving at ``node``."""
    hooks = node._hooks
    for i in range(len(grads)):
        for hook in list(hooks.get(i, {}).values()):
            grads[i] = _call(hook, grads[i])
        keep = hooks.get(("retain", i))
        if keep is not None and grads[i] is not None:
            keep(_wrapped(grads[i]))
    return _call_pre_hooks(hooks.get("pre"), grads)


def _call_pre_hooks(hooks, grads):
    for hook in list(hooks.values()) if hooks else ():
        res = hook(tuple(_wrapped(g) for g in grads))
        if res is not None:
            grads = [_unwrapped(r, g) for r, g in zip(checked(_name(hook), grads, res), grads)]
    return grads


def _call(hook, grad):
    """A tensor hook on ``grad``: its result, checked as torch does, or ``grad`` for None."""
    res = hook(_wrapped(grad))
    if res is None:
        return grad
    _check_one(_name(hook), grad, res)
    return _unwrapped(res, grad)


def run_post_hooks(node, grad_outputs, grad_inputs):
    """Step 4: ``hook(grad_inputs, grad_outputs)`` for each node hook; returns the grad_inputs."""
    if not node._post_hooks:
        return grad_inputs
    res_tuple = grad_inputs if type(grad_inputs) is tuple else (grad_inputs,)
    for hook in list(node._post_hooks.values()):
        res = hook(tuple(_wrapped(g) for g in res_tuple), tuple(_wrapped(g) for g in grad_outputs))
        if res is not None:
            res_tuple = tuple(_unwrapped(r, g) for r, g in zip(checked(_name(hook), res_tuple, res), res_tuple))
    return res_tuple


def leaf_hooks(leaf, grad):
    """A leaf's ``register_hook`` hooks, in order, before its gradient is accumulated."""
    for hook in list(leaf._hooks.tensor.values()):
        grad = _call(hook, grad)
    return grad


def accumulate_grad_pre_hooks(leaf, grad):
    """Its tensor hooks, then the pre-hooks of its ``AccumulateGrad`` node."""
    return _call_pre_hooks(leaf._hooks.pre, [leaf_hooks(leaf, grad)])[0]


def after_accumulate(leaf, grad):
    """Post-accumulate hooks (``fn(leaf)``, which must return None), then ``AccumulateGrad``'s hooks."""
    for hook in list(leaf._hooks.post_accumulate.values()):
        if hook(leaf) is not None:
            raise RuntimeError("Tensor post accumulate grad hooks should return None.")
    for hook in list(leaf._hooks.post.values()):
        res = hook((), (_wrapped(grad),))
        if res is not None:
            checked(_name(hook), (), res)


# ---- what a hook may return (torch's python_hook.cpp) -----------------------------------------------
def _name(hook):
    return getattr(hook, "__name__", "<unknown>")


def checked(name, original, result):
    """The tuple ``result`` a hook returned in place of ``original``, checked as torch does."""
    if not isinstance(result, tuple):
        raise TypeError(f"expected tuple, but hook returned '{type(result).__name__}'")
    if len(result) != len(original):
        raise RuntimeError(f"hook '{name}' has returned an incorrect number of values "
                           f"(got {len(result)}, but expected {len(original)})")
    for was, new in zip(original, result):
        _check_one(name, was, new)
    return result


def _check_one(name, was, new):
    if new is None:
        return
    if was is None:
        raise RuntimeError("can't replace a None gradient with a non-None value")
    if not isinstance(new, Tensor):
        raise TypeError(f"expected Variable, but hook returned '{type(new).__name__}'")
    was = _wrapped(was)
    if new.dtype is not was.dtype:
        raise RuntimeError(f"hook '{name}' has changed the type of value (was {was.type()} got {new.type()})")
    if new.shape != was.shape:
        raise RuntimeError(f"hook '{name}' has changed the size of value")

