"""``torch.einsum``: a sum of products over labelled dimensions (``"ij,jk->ik"`` is matmul).

How we do it: the equation is checked and rewritten with explicit letters (each ``...`` becomes
letters of its own, right-aligned across operands, as broadcasting aligns dimensions), then
``np.einsum`` computes it in one node. The backward needs no case list, because the gradient
of an einsum is another einsum: for operand ``k`` with labels ``s_k``, ``d out / d op_k`` sums
the output gradient times every other operand over the labels ``s_k`` lacks::

    grad_k = einsum("<out>,<s_1>,...(all but k)->s_k", grad, op_1, ...)

Two details complete it: a label only ``op_k`` has (summed away in the forward) gets the
gradient broadcast along it, and a label repeated in ``s_k`` (``"ii->i"``, a diagonal) gets it
on that diagonal: times an identity matrix, one more einsum (so the backward runs on Tensors
too, for ``create_graph``). A dimension of size 1 that broadcast against a larger one
gets a gradient of the larger size, which the engine sums back, as for any broadcast.

Where we differ on purpose: torch computes einsum with permutes, views and ``bmm``, and
records those nodes; here it is one node, named ``EinsumBackward0`` (not a torch name).
Values agree to rounding (the summation order differs).
"""
import string

import numpy as np

from ..autograd.function import ArrayFunction
from .pointwise import _operand


class Einsum(ArrayFunction):
    _backward_name = "EinsumBackward0"

    @staticmethod
    def forward(ctx, *operands, inputs, output, sizes):
        ctx.save_for_backward(*operands)
        ctx.inputs, ctx.output, ctx.sizes = inputs, output, sizes
        out = np.asarray(np.einsum(",".join(inputs) + "->" + output, *operands, optimize=len(operands) > 1))
        # a view of an operand ("ij->ji") becomes a copy of the same layout, as torch's permuted view
        # looks; anything computed is row-major, as torch's result is
        if any(np.shares_memory(out, o) for o in operands):
            return out.copy(order="K")
        return out if out.flags.c_contiguous else out.copy()

    @staticmethod
    def backward(ctx, g):
        operands = ctx.saved_tensors
        return tuple(_operand_grad(ctx, g, operands, k) if ctx.needs_input_grad[k] else None
                     for k in range(len(operands)))


def _operand_grad(ctx, g, operands, k):
    labels = ctx.inputs[k]
    others = [j for j in range(len(operands)) if j != k]
    unique = "".join(dict.fromkeys(labels))
    available = set(ctx.output).union(*(ctx.inputs[j] for j in others))
    target = "".join(c for c in unique if c in available)
    equation = ",".join([ctx.output] + [ctx.inputs[j] for j in others]) + "->" + target
    r = np.einsum(equation, g, *[operands[j] for j in others], optimize=len(others) > 0)
    # labels only this operand has: the gradient is the same all along them
    r = np.broadcast_to(r.reshape([ctx.sizes[c] if c in available else 1 for c in unique]),
                        [ctx.sizes[c] for c in unique])
    if len(unique) == len(labels):
        return np.transpose(r, [unique.index(c) for c in labels]) if unique != labels else r
    # a repeated label: the gradient lives on that diagonal, r times an identity matrix per repeat
    # ("ii->i": grad = einsum("i,iI->iI", r, eye)); an einsum, so it also runs on Tensors
    spare = iter(c for c in string.ascii_letters if c not in ctx.sizes)
    renamed = "".join(c if c not in labels[:i] else next(spare) for i, c in enumerate(labels))
    pairs = [(labels[i], c) for i, c in enumerate(renamed) if c != labels[i]]
    eyes = [np.eye(ctx.sizes[a], dtype=np.result_type(r)) for a, _ in pairs]
    return np.einsum(",".join([unique] + [a + b for a, b in pairs]) + "->" + renamed, r, *eyes)


def einsum(equation, *operands):
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    operands = [_operand(t) for t in operands]
    inputs, output, sizes = _parse(equation.replace(" ", ""), [t._data.shape for t in operands])
    first = operands[0]
    for t in operands[1:]:
        if t._data.dtype != first._data.dtype:
            raise RuntimeError(f"expected scalar type {first.dtype._scalar_name} but found {t.dtype._scalar_name}")
    return Einsum.apply(*operands, inputs=inputs, output=output, sizes=sizes)


def _parse(equation, shapes):
    """The equation with explicit letters: (input labels, output labels, {label: size}),
    after torch's checks, with torch's messages."""
    lhs, arrow, rhs = equation.partition("->")
    terms = lhs.split(",")
    if len(terms) > len(shapes):
        raise RuntimeError("einsum(): fewer operands were provided than specified in the equation")
    if len(terms) < len(shapes):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    for i, ch in enumerate(equation):
        if not (ch in string.ascii_letters or ch in ",.->"):
            raise RuntimeError(f"einsum(): invalid subscript given at index {i} in the equation string, subscripts "
                               "must be in [a-zA-Z]")
    spare = [c for c in string.ascii_letters if c not in equation]
    ellipsis_ndim = max([len(s) - (len(t) - 3) for t, s in zip(terms, shapes) if "..." in t], default=0)
    ellipsis = "".join(spare[:ellipsis_ndim])
    inputs, sizes = [], {}
    for k, (term, shape) in enumerate(zip(terms, shapes)):
        named = len(term) - 3 if "..." in term else len(term)
        if "..." in term:
            if named > len(shape):
                raise RuntimeError(f"einsum(): the number of subscripts in the equation ({named}) is more than the "
                                   f"number of dimensions ({len(shape)}) for operand {k}")
            term = term.replace("...", ellipsis[ellipsis_ndim - (len(shape) - named):])
        elif named != len(shape):
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({named}) does not match the "
                               f"number of dimensions ({len(shape)}) for operand {k} and no ellipsis was given")
        for c, n in zip(term, shape):
            seen = sizes.get(c, 1)
            if n != seen and n != 1 and seen != 1:
                raise RuntimeError(f"einsum(): subscript {c} has size {n} for operand {k} which does not broadcast "
                                   f"with previously seen size {seen}")
            sizes[c] = max(seen, n) if 0 not in (n, seen) else 0
        inputs.append(term)
    if arrow:
        output = rhs.replace("...", ellipsis)
        for c in output:
            if output.count(c) > 1:
                raise RuntimeError(f"einsum(): output subscript {c} appears more than once in the output")
            if c not in sizes:
                raise RuntimeError(f"einsum(): output subscript {c} does not appear in the equation for any input "
                                   "operand")
    else:  # implicit output: the ellipsis, then every label used once, in alphabetical order
        counts = "".join(inputs)
        output = ellipsis + "".join(sorted((c for c in set(counts) if counts.count(c) == 1 and c not in ellipsis),
                                           key=lambda c: (c.islower(), c)))
    return inputs, output, sizes

