"""``torch.nn.modules._functions``: autograd Functions that modules use internally.

``BackwardHookFunction`` is the identity node of Module backward hooks
(``torch.utils.hooks.BackwardHook``, ``utils/hooks.py`` here): it returns its tensor
arguments unchanged, so a module's inputs and outputs cross one node whose backward sees
their gradients. Tensors that do not require grad pass through as non-differentiable.

torch's backward is ``return args`` and the module's hook is registered on the node with
``Node.register_hook``: it gets the node's gradients out (``grad_inputs``) and in
(``grad_outputs``) and may replace the former. Here the node calls that hook itself, from
``ctx.hook``, which ``BackwardHook`` sets. Missing incoming gradients arrive as ``None``
(materializing is off) because the hook must see them as ``None``; the gradients going
out are zeros in their place, as torch's node returns.
"""
from ...autograd.function import Function
from ..._ops.creation import zeros


class BackwardHookFunction(Function):
    _returns_inputs = True  # its outputs are views of its inputs: modifying one in place is an error

    @staticmethod
    def forward(ctx, *args):
        ctx.mark_non_differentiable(*[arg for arg in args if not arg.requires_grad])
        ctx.set_materialize_grads(False)
        return args

    @staticmethod
    def backward(ctx, *args):
        grads = tuple(zeros(meta[0], dtype=meta[1]) if g is None else g for g, meta in zip(args, ctx._out_meta))
        replaced = ctx.hook(grads, args)
        return grads if replaced is None else replaced
