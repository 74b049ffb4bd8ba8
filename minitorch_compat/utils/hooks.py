"""``torch.utils.hooks``: hook handles, and the machinery behind Module backward hooks.

What torch does
---------------
``module.register_full_backward_hook(hook)`` asks for ``hook(module, grad_input,
grad_output)`` once the gradients with respect to the module's inputs are known. A module
is any Python code, so there is no single graph node whose gradients these are. torch's
answer (``BackwardHook``, used by ``Module.__call__``) brackets the module with two
identity nodes:

1. Before ``forward``, the module's tensor arguments go through ``BackwardHookFunction``
   (``nn/modules/_functions.py``), an identity ``autograd.Function``: ``forward`` receives
   its outputs (views of the inputs), and its node, ``BackwardHookFunctionBackward``, is
   the last the gradient crosses on its way back to the inputs.
2. After ``forward``, the tensors of the result go through a second such node, the first
   the gradient crosses in backward.
3. In backward, the output node runs first: it records ``grad_output`` and runs the
   backward pre-hooks, which may replace it. The input node runs last: it calls the full
   backward hooks with ``grad_input`` (what reaches the inputs) and ``grad_output``; each
   may return a replacement ``grad_input``. When no input requires grad there is no input
   node, so the output node calls the hooks itself, with ``grad_input`` all ``None``.

Non-tensor arguments and outputs take no part: their entries are ``None``. A tensor input
that gets no gradient (it does not require grad, or ``forward`` did not use it) shows as
zeros in ``grad_input``: the identity node returns zeros for it. An output that got no
gradient shows as ``None`` in ``grad_output``.

How this file does it
---------------------
The same class, step for step. torch attaches step 3's work to the nodes with
``Node.register_hook``; here the identity Function's backward calls it directly
(``ctx.hook``), and ``graph_hooks.checked`` applies the engine's checks on what a hook returns
(torch does them in C++, ``python_hook.cpp``), with torch's messages.

The legacy ``register_backward_hook`` is older and simpler: its hook is put on the
``grad_fn`` of the module's (first) output, so it sees that one node's gradients, which
are the module's only when the module is a single op. ``register_non_full_backward_hooks``
does that; ``_register_node_hook`` wraps the node's backward, standing in for
``Node.register_hook``.
Where our node stands for several of torch's (``F.linear`` is torch's ``addmm`` of ``x``
and ``weight.t()``), the node shows the hook what torch's last node would see.
"""
import warnings

from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import _state

__all__ = ["RemovableHandle", "BackwardHook"]


class RemovableHandle:
    """Returned by ``register_*_hook``: ``handle.remove()`` unregisters the hook."""

    next_id = 0

    def __init__(self, *hooks_dicts):
        self.hooks_dicts = hooks_dicts
        self.id = RemovableHandle.next_id
        RemovableHandle.next_id += 1

    def remove(self):
        for d in self.hooks_dicts:
            d.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


class BackwardHook:
    """One module call's full backward hooks (see the module docstring, steps 1-3)."""

    def __init__(self, module, user_hooks, user_pre_hooks):
        self.user_hooks = user_hooks
        self.user_pre_hooks = user_pre_hooks
        self.module = module
        self.grad_outputs = None
        self.n_outputs = -1
        self.output_tensors_index = None
        self.n_inputs = -1
        self.input_tensors_index = None

    def _pack_with_none(self, indices, values, size):
        res = [None] * size
        for idx, val in zip(indices, values, strict=True):
            res[idx] = val
        return tuple(res)

    def _unpack_none(self, indices, values):
        return tuple(values[idx] for idx in indices)

    def _input_hook(self, grad_input, _):
        """Step 3, input node: the full hooks, with the gradients that reach the inputs."""
        if self.grad_outputs is None:  # the gradient reached the inputs without crossing the outputs
            return None
        res = self._pack_with_none(self.input_tensors_index, grad_input, self.n_inputs)
        for hook in self.user_hooks:
            out = hook(self.module, res, self.grad_outputs)
            if out is None:
                continue
            if len(out) != len(res):
                raise RuntimeError("Backward hook returned an invalid number of grad_input, "
                                   f"got {len(out)}, but expected {len(res)}")
            res = out
        self.grad_outputs = None
        return checked("hook", grad_input, self._unpack_none(self.input_tensors_index, res))

    def _output_hook(self, grad_input, grad_output):
        """Step 3, output node: record ``grad_output`` and run the pre-hooks on it."""
        self.grad_outputs = self._pack_with_none(self.output_tensors_index, grad_output, self.n_outputs)
        for user_pre_hook in self.user_pre_hooks:
            hook_grad_outputs = user_pre_hook(self.module, self.grad_outputs)
            if hook_grad_outputs is None:
                continue
            if len(hook_grad_outputs) != len(self.grad_outputs):
                raise RuntimeError("Backward pre hook returned an invalid number of grad_output, "
                                   f"got {len(hook_grad_outputs)}, but expected {len(self.grad_outputs)}")
            self.grad_outputs = hook_grad_outputs
        local_grad_outputs = self.grad_outputs  # (self.grad_outputs is cleared below)
        if self.input_tensors_index is None:  # no input node will run: call the full hooks now
            if self.user_hooks:
                warnings.warn("Full backward hook is firing when gradients are computed with respect to module "
                              "outputs since no inputs require gradients. See https://docs.pytorch.org/docs/main/"
                              "generated/torch.nn.Module.html#torch.nn.Module.register_full_backward_hook for more "
                              "details.", stacklevel=8)
                grad_inputs = self._pack_with_none([], [], self.n_inputs)
                for user_hook in self.user_hooks:
                    res = user_hook(self.module, grad_inputs, self.grad_outputs)
                    if res is not None and not (isinstance(res, tuple) and all(el is None for el in res)):
                        raise RuntimeError("Backward hook for Modules where no input requires "
                                           "gradient should always return None or None for all gradients.")
            self.grad_outputs = None
        return checked("hook", grad_input, self._unpack_none(self.output_tensors_index, local_grad_outputs))

    def _apply_on_tensors(self, hook, args):
        """Pass the tensors among ``args`` through one identity node whose backward calls
        ``hook``; returns the new args and the positions of the tensors (None: no node)."""
        tensors_idx = [i for i, arg in enumerate(args) if isinstance(arg, Tensor)]
        tensors = [args[i] for i in tensors_idx]
        if not (_state.enabled and any(t.requires_grad for t in tensors)):
            return args, None
        new_tensors = BackwardHookFunction.apply(*tensors)
        grad_fns = [t.grad_fn for t in new_tensors if t.grad_fn is not None]
        grad_fns[0].hook = hook
        arg_list = list(args)
        for idx, val in zip(tensors_idx, new_tensors, strict=True):
            arg_list[idx] = val
        return (tuple(arg_list) if type(args) is tuple else type(args)(*arg_list)), tensors_idx

    def setup_input_hook(self, args):
        res, self.input_tensors_index = self._apply_on_tensors(self._input_hook, args)
        self.n_inputs = len(args)
        return res

    def setup_output_hook(self, args):
        is_tuple = isinstance(args, tuple)
        args = args if is_tuple else (args,)
        res, self.output_tensors_index = self._apply_on_tensors(self._output_hook, args)
        self.n_outputs = len(args)
        return res if is_tuple else res[0]


def register_non_full_backward_hooks(module, hooks, args, result):
    """``register_backward_hook``'s hooks for one call: each goes on the ``grad_fn`` of the
    result's first tensor, with torch's warnings where that node is not the whole module."""
    var = result
    while not isinstance(var, Tensor):
        var = next(v for v in var.values() if isinstance(v, Tensor)) if isinstance(var, dict) else var[0]
    grad_fn = var.grad_fn
    if grad_fn is not None:
        for hook in hooks:
            _register_node_hook(grad_fn, hook, module)
        _maybe_warn_non_full_backward_hook(args, result, grad_fn)


def _register_node_hook(node, hook, module):
    """Stand-in for torch's ``node.register_hook(_WrappedHook(hook, module))``: after the
    node's backward, ``hook(module, grad_input, grad_output)`` sees its gradients (as
    tensors, each summed to its input's shape) and may replace ``grad_input``. A node that
    stands for several of torch's shows the gradients of torch's last one (``_hook_view``)."""
    if "_module_hooks" not in node.__dict__:
        node._module_hooks, run_backward = [], node._run_backward

        def run_with_hooks(grads, create_graph=False):  # (the engine's call: see Function._run_backward)
            grad_input = tuple(None if g is None or edge is None else _sum_to_edge(g, edge)
                               for g, edge in zip(run_backward(grads, create_graph), node._next))
            shown, back = getattr(node, "_hook_view", _as_is)(grads, grad_input, run_backward)
            shown, grad_output, replaced = _tensors(shown), _tensors(grads), False
            for hook, module in node._module_hooks:
                res = hook(module, shown, grad_output)
                if res is not None:
                    shown, replaced = checked(getattr(hook, "__name__", "hook"), shown, res), True
            return back(tuple(None if r is None else r._data for r in shown)) if replaced else grad_input
        node._run_backward = run_with_hooks
    node._module_hooks.append((hook, module))


def _as_is(grads, grad_input, run_backward):
    return grad_input, lambda replaced: replaced


def _tensors(arrays):
    return tuple(None if a is None else _wrap(a) for a in arrays)


def _sum_to_edge(grad, edge):
    target, index = edge
    shape = target._data.shape if isinstance(target, Tensor) else target._out_shapes[index]
    return grad if grad.shape == shape else sum_to(grad, shape)


def _maybe_warn_non_full_backward_hook(inputs, result, grad_fn):
    """torch's FutureWarning when the legacy hook will miss some of the module's gradients:
    the result or the inputs are not tensors, or ``grad_fn`` is not the whole module."""
    dropped = " is deprecated and will be removed in future versions. This hook will be missing some "
    use_full = " Please use register_full_backward_hook to get the documented behavior."
    for value, does, grads in ((result, "return", "grad_output"), (inputs, "take as input", "grad_input")):
        if not (isinstance(value, Tensor) or isinstance(value, tuple) and all(isinstance(v, Tensor) for v in value)):
            return _warn(f"Using non-full backward hooks on a Module that does not {does} a single Tensor or a "
                         f"tuple of Tensors{dropped}of the {grads}.{use_full}")
    result, inputs = [(v,) if isinstance(v, Tensor) else v for v in (result, inputs)]
    out_grad_fn = {r.grad_fn for r in result if r.grad_fn is not None}
    if len(out_grad_fn) == 0 or (len(out_grad_fn) == 1 and grad_fn not in out_grad_fn):
        _warn(f"Using a non-full backward hook when outputs are nested in python data structure{dropped}grad_output.")
    elif len(out_grad_fn) > 1:
        _warn(f"Using a non-full backward hook when outputs are generated by different autograd Nodes{dropped}"
              f"grad_output.{use_full}")
    elif {i.grad_fn for i in inputs if i.grad_fn is not None} != {n[0] for n in grad_fn.next_functions}:
        _warn(f"Using a non-full backward hook when the forward contains multiple autograd Nodes{dropped}"
              f"grad_input.{use_full}")


def _warn(message):
    warnings.warn(message, FutureWarning, stacklevel=5)  # (points at the module call, as torch's)


from ..autograd.engine import sum_to  # noqa: E402
from ..autograd.graph_hooks import checked  # noqa: E402
from ..nn.modules._functions import BackwardHookFunction  # noqa: E402  (nn imports this file)
