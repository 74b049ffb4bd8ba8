"""Hooks on the backward graph, in the order torch's engine calls them for one node:

1. tensor hooks, ``t.register_hook(fn)`` on a non-leaf ``t``: ``fn(grad)`` for the gradient
   of that output of the node, which it may replace; then ``retain_grad``'s, which keeps
   the (hooked) gradient as ``t.grad``;
2. node pre-hooks, ``grad_fn.register_prehook(fn)``: ``fn(grad_outputs)``, which may return
   new ``grad_outputs``;
3. the node's backward;
4. node hooks, ``grad_fn.register_hook(fn)``: ``fn(grad_inputs, grad_outputs)``, which may
   return new ``grad_inputs``.

For a leaf, ``t.register_hook(fn)`` runs on the gradient before it is accumulated into
``.grad``, and ``t.register_post_accumulate_grad_hook(fn)`` runs ``fn(t)`` after. Each
registration returns a handle whose ``remove()`` unregisters it.

Steps 1-2 live on ``node._hooks``, which the engine checks before running a node (a node
without hooks costs one attribute test); step 4 on ``node._post_hooks``, which sends the
node through ``function._backward_on_tensors``. Hooks see Tensors, as in torch; gradients
are arrays inside the engine, so they are wrapped for the hook and unwrapped after.
"""
import numpy as np

from .._tensor import Tensor, _wrap


class RemovableHandle:
    """``handle.remove()`` takes the hook out of the list it was added to."""

    def __init__(self, hooks, hook):
        self._hooks, self._hook = hooks, hook

    def remove(self):
        if any(h is self._hook for h in self._hooks):
            self._hooks.remove(self._hook)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def _wrapped(g):
    return None if g is None else g if isinstance(g, Tensor) else _wrap(g)


def _unwrapped(g, like):
    """A hook's result back to the engine's kind of gradient (an array, unless ``like`` is a Tensor)."""
    if g is None or isinstance(like, Tensor) or not isinstance(g, Tensor):
        return g
    return g._data


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
        if not t._hooks:
            t._hooks = _LeafHooks(t._hooks or [])
        hooks = t._hooks
    else:
        hooks = node_hooks(t.grad_fn).setdefault(t._output_nr, [])
    hooks.append(hook)
    return RemovableHandle(hooks, hook)


def retain_grad_hook(t, keep):
    """``retain_grad``: after the other tensor hooks of ``t``'s output, whenever registered."""
    node_hooks(t.grad_fn)[("retain", t._output_nr)] = keep


def register_prehook(node, hook):
    hooks = node_hooks(node).setdefault("pre", [])
    hooks.append(hook)
    return RemovableHandle(hooks, hook)


def register_hook(node, hook):
    if node._post_hooks is None:
        node._post_hooks = []
    node._post_hooks.append(hook)
    return RemovableHandle(node._post_hooks, hook)


def register_post_accumulate_grad_hook(t, hook):
    if t.grad_fn is not None:
        raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
    if not t._requires_grad:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
    hooks = t.__dict__.setdefault("_post_accumulate_hooks", [])
    hooks.append(hook)
    if not t._hooks:  # the engine looks at ``_hooks`` to take the slow path for this leaf
        t._hooks = _LeafHooks(t._hooks or [])
    return RemovableHandle(hooks, hook)


class _LeafHooks(list):
    """A leaf's ``register_hook`` hooks; never empty-looking, so the leaf's post-accumulate
    hooks are found too."""

    def __bool__(self):
        return True


# ---- running them ------------------------------------------------------------------------------------
def before_node(node, grads):
    """Steps 1-2 for the gradients ``grads`` (one per output) arriving at ``node``."""
    hooks = node._hooks
    for i in range(len(grads)):
        if grads[i] is not None:
            for hook in hooks.get(i, ()):
                grads[i] = _call(hook, grads[i])
            keep = hooks.get(("retain", i))
            if keep is not None:
                keep(_wrapped(grads[i]))
    pre = hooks.get("pre")
    if pre:
        for hook in list(pre):
            res = hook(tuple(_wrapped(g) for g in grads))
            if res is not None:
                grads = [_unwrapped(r, g) for r, g in zip(res, grads)]
    return grads


def _call(hook, grad):
    res = hook(_wrapped(grad))
    return grad if res is None else _unwrapped(res, grad)


def run_post_hooks(node, grad_outputs, grad_inputs):
    """Step 4: ``hook(grad_inputs, grad_outputs)`` for each node hook; returns the grad_inputs."""
    if not node._post_hooks:
        return grad_inputs
    res_tuple = grad_inputs if type(grad_inputs) is tuple else (grad_inputs,)
    for hook in list(node._post_hooks):
        res = hook(tuple(_wrapped(g) for g in res_tuple), tuple(_wrapped(g) for g in grad_outputs))
        if res is not None:
            res = res if isinstance(res, tuple) else (res,)
            res_tuple = tuple(_unwrapped(r, g) for r, g in zip(res, res_tuple))
    return res_tuple


def leaf_hooks(leaf, grad):
    """A leaf's ``register_hook`` hooks, in order, before its gradient is accumulated."""
    for hook in list(leaf._hooks):
        grad = _call(hook, grad)
    return grad


def after_accumulate(leaf):
    for hook in list(leaf.__dict__.get("_post_accumulate_hooks", ())):
        hook(leaf)
