"""``torch.autograd.functional``: Jacobians, Hessians and their products with a vector.

torch's file (``torch/autograd/functional.py``) is plain Python over ``autograd.grad``;
so is this one, helper for helper. Every function follows the same steps:

1. Fresh inputs (``_grad_preprocess``): detached leaves that require grad, or, under
   ``create_graph`` and for an input that already requires grad, a view of it
   (``view_as``), so the result stays differentiable back to the user's tensor.
2. Run ``func`` on them with grad enabled.
3. Ask ``autograd.grad`` for the product wanted (``J`` is d outputs / d inputs, ``H``
   the Hessian of a scalar ``func``):

   - ``vjp``: ``v^T J`` is one backward pass from the outputs with ``grad_outputs=v``.
   - ``jacobian``: one ``vjp`` per output element with a one-hot ``v`` gives one row of
     ``J``; the rows are stacked and viewed as ``out.shape + in.shape``.
     ``vectorize=True`` hands all the one-hot rows to one ``grad(...,
     is_grads_batched=True)`` call instead.
   - ``jvp``: ``J v`` by the double-backward trick. ``g(u) = u^T J`` is linear in ``u``;
     computed with ``create_graph=True`` from a dummy ``u`` (zeros that require grad),
     it is a graph in ``u``, and one backward of ``g`` with ``grad_outputs=v`` gives
     ``d(u^T J v)/du = J v``. The value of ``u`` never matters, only that it is finite.
   - ``vhp``: ``v^T H``: the gradient with ``create_graph=True``, then a backward of it
     with ``grad_outputs=v``.
   - ``hvp``: ``H v``: the double-backward trick applied to the gradient (equal to
     ``vhp`` for a twice continuously differentiable ``func``, computed as torch does).
   - ``hessian``: the ``jacobian`` of a function that returns the gradient computed
     with ``create_graph=True``.
4. An input the result does not depend on comes back from ``grad`` as ``None``: it
   becomes zeros, or, with ``strict=True``, torch's RuntimeError.
5. Unless ``create_graph``, the results are detached; tuples are unpacked back to the
   shape the user gave (a Tensor for a Tensor, nested tuples for tuples).

Where we differ: minitorch_compat has no forward-mode AD. ``jacobian(...,
strategy="forward-mode", vectorize=True)`` (and ``hessian``'s
``outer_jacobian_strategy="forward-mode"``) return the same numbers computed in reverse
mode, differentiable when an input requires grad; which results then report
``requires_grad`` can differ from torch's forward mode, whose flags follow its batched
tangents.
"""
from contextlib import nullcontext

import numpy as np

__all__ = ["vjp", "jvp", "jacobian", "hessian", "hvp", "vhp"]


# ---------------------------------------------------------------------------- helpers

def _as_tuple(inp, arg_name, fn_name):
    """``(was it a tuple, the tuple of Tensors)``; anything else than Tensors raises."""
    is_inp_tuple = isinstance(inp, tuple)
    inp = inp if is_inp_tuple else (inp,)
    for i, el in enumerate(inp):
        if not isinstance(el, mt.Tensor):
            where = f"value at index {i}" if is_inp_tuple else f"given {arg_name}"
            raise TypeError(f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple of Tensors "
                            f"but the {where} has type {type(el)}.")
    return is_inp_tuple, inp


def _tuple_postprocess(res, to_unpack):
    """Undo ``_as_tuple``: ``to_unpack`` is one flag, or (outer, inner) for nested results."""
    if isinstance(to_unpack, tuple):
        if not to_unpack[1]:
            res = tuple(el[0] for el in res)
        to_unpack = to_unpack[0]
    return res if to_unpack else res[0]


def _grad_preprocess(inputs, create_graph, need_graph):
    """Step 1. Always new Tensor objects, so gradients w.r.t. *these* are told apart from
    gradients w.r.t. the same tensors captured by ``func`` from outside."""
    return tuple(inp.view_as(inp) if create_graph and inp.requires_grad
                 else inp.detach().requires_grad_(need_graph) for inp in inputs)


def _grad_postprocess(inputs, create_graph):
    """Step 5: detach (a tuple of, or a tuple of tuples of) results unless ``create_graph``."""
    if isinstance(inputs[0], mt.Tensor):
        return inputs if create_graph else tuple(inp.detach() for inp in inputs)
    return tuple(_grad_postprocess(inp, create_graph) for inp in inputs)


def _validate_v(v, other, is_other_tuple):
    if len(other) != len(v):
        if is_other_tuple:
            raise RuntimeError(f"v is a tuple of invalid length: should be {len(other)} but got {len(v)}.")
        raise RuntimeError("The given v should contain a single Tensor.")
    for idx, (el_v, el_other) in enumerate(zip(v, other)):
        if el_v.size() != el_other.size():
            prepend = f"Entry {idx} in " if is_other_tuple else ""
            raise RuntimeError(f"{prepend}v has invalid size: should be {el_other.size()} but got {el_v.size()}.")


_REQUIRES_GRAD_ERRORS = {
    "hessian": "The hessian of the user-provided function with respect to input {i} is independent of the input. "
               "This is not allowed in strict mode. You should ensure that your function is thrice differentiable "
               "and that the hessian depends on the inputs.",
    "jacobian": "While computing the hessian, found that the jacobian of the user-provided function with respect to "
                "input {i} is independent of the input. This is not allowed in strict mode. You should ensure that "
                "your function is twice differentiable and that the jacobian depends on the inputs (this would be "
                "violated by a linear function for example).",
    "grad_inputs": "The gradient with respect to input {i} is independent of the inputs of the user-provided "
                   "function. This is not allowed in strict mode.",
    "outputs": "Output {i} of the user-provided function does not require gradients. The outputs must be computed "
               "in a differentiable manner from the input when running in strict mode.",
}


def _check_requires_grad(inputs, input_type, strict):
    """``strict``: every output (or intermediate gradient) must depend on the inputs."""
    if not strict:
        return
    for i, inp in enumerate(inputs):
        if inp is None:  # (only intermediate gradients can be None)
            raise RuntimeError(f"The output of the user-provided function is independent of input {i}. "
                               "This is not allowed in strict mode.")
        if not inp.requires_grad:
            raise RuntimeError(_REQUIRES_GRAD_ERRORS[input_type].format(i=i))


def _autograd_grad(outputs, inputs, grad_outputs=None, create_graph=False, retain_graph=None,
                   is_grads_batched=False):
    """``autograd.grad`` that skips outputs which do not require grad (``None`` included)
    and answers ``None`` for every input when none is left."""
    grad_outputs = (None,) * len(outputs) if grad_outputs is None else grad_outputs
    kept = [(out, g) for out, g in zip(outputs, grad_outputs) if out is not None and out.requires_grad]
    if not kept:
        return (None,) * len(inputs)
    new_outputs, new_grad_outputs = zip(*kept)
    return mt.autograd.grad(new_outputs, inputs, new_grad_outputs, allow_unused=True, create_graph=create_graph,
                          retain_graph=retain_graph, is_grads_batched=is_grads_batched)


_ZEROS_ERRORS = {
    "back": "The output of the user-provided function is independent of input {i}. "
            "This is not allowed in strict mode.",
    "back_trick": "The gradient with respect to the input is independent of entry {i} in the grad_outputs when "
                  "using the double backward trick to compute forward mode gradients. "
                  "This is not allowed in strict mode.",
    "double_back": "The jacobian of the user-provided function is independent of input {i}. "
                   "This is not allowed in strict mode.",
    "double_back_trick": "The hessian of the user-provided function is independent of entry {i} in the "
                         "grad_jacobian. This is not allowed in strict mode as it prevents from using the double "
                         "backward trick to replace forward mode AD.",
}


def _fill_in_zeros(grads, refs, strict, create_graph, stage):
    """Step 4: ``None`` becomes zeros shaped as ``refs[i]``, or torch's error in strict mode
    (also when ``create_graph`` asked for a result that cannot depend on the inputs)."""
    res = ()
    for i, grads_i in enumerate(grads):
        if grads_i is None:
            if strict:
                raise RuntimeError(_ZEROS_ERRORS[stage].format(i=i))
            grads_i = mt.zeros_like(refs[i])
        elif strict and create_graph and not grads_i.requires_grad:
            what = "hessian" if "double" in stage else "jacobian"
            raise RuntimeError(f"The {what} of the user-provided function is independent of input {i}. "
                               "This is not allowed in strict mode when create_graph=True.")
        res += (grads_i,)
    return res


def _single_scalar_output(outputs, is_outputs_tuple, fn_name):
    """``hvp``, ``vhp`` and ``hessian`` need ``func`` to return one one-element Tensor."""
    if is_outputs_tuple or not isinstance(outputs[0], mt.Tensor):
        raise RuntimeError(f"The function given to {fn_name} should return a single Tensor")
    if outputs[0].nelement() != 1:
        raise RuntimeError(f"The Tensor returned by the function given to {fn_name} should contain a single element")


def _prepare(func, inputs, v, create_graph, strict, fn_name):
    """Steps 1 and 2 for the four products, with torch's checks of ``v``: against the
    inputs before ``func`` runs (jvp, hvp, vhp), against the outputs after it (vjp).
    Returns ``(is_inputs_tuple, inputs, is_outputs_tuple, outputs, v)``."""
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", fn_name)
    inputs = _grad_preprocess(inputs, create_graph=create_graph, need_graph=True)
    if fn_name != "vjp":
        v = _checked_v(v, inputs, is_inputs_tuple, create_graph, fn_name, "the input to the user-provided function is")
    is_outputs_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", fn_name)
    _check_requires_grad(outputs, "outputs", strict=strict)
    if fn_name == "vjp":
        v = _checked_v(v, outputs, is_outputs_tuple, create_graph, fn_name, "the user-provided function returns")
    return is_inputs_tuple, inputs, is_outputs_tuple, outputs, v


def _checked_v(v, other, is_other_tuple, create_graph, fn_name, what):
    """``v`` as a tuple shaped as ``other``; it may be omitted (``None``, meaning 1) only
    next to a single one-element Tensor."""
    if v is None:
        if len(other) != 1 or other[0].nelement() != 1:
            raise RuntimeError(f"The vector v can only be None if {what} a single Tensor with a single element.")
        return None
    v = _grad_preprocess(_as_tuple(v, "v", fn_name)[1], create_graph=create_graph, need_graph=False)
    _validate_v(v, other, is_other_tuple)
    return v


def _last_backward(grad_of, wrt, v, refs, strict, create_graph, stage):
    """Step 3's last backward (of ``grad_of`` w.r.t. ``wrt``, ``grad_outputs=v``) and step
    4. It records a graph only under ``create_graph``, else runs in the caller's grad mode."""
    with mt.enable_grad() if create_graph else nullcontext():
        grad_res = _autograd_grad(grad_of, wrt, v, create_graph=create_graph)
        return _fill_in_zeros(grad_res, refs, strict, create_graph, stage)


def _results(outputs, is_outputs_tuple, res, is_res_tuple, create_graph):
    """Step 5: ``(func's output, the product)``, detached unless ``create_graph``."""
    return (_tuple_postprocess(_grad_postprocess(outputs, create_graph), is_outputs_tuple),
            _tuple_postprocess(_grad_postprocess(res, create_graph), is_res_tuple))


# ---------------------------------------------------------------------------- products

def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), v^T J)``: one backward pass from the outputs with ``grad_outputs=v``.

    ``v`` has the outputs' shapes; it may be omitted when ``func`` returns a one-element
    Tensor (then it is 1). The result has the inputs' shapes.
    """
    with mt.enable_grad():
        is_inputs_tuple, inputs, is_outputs_tuple, outputs, v = _prepare(func, inputs, v, create_graph, strict, "vjp")
    vjp = _last_backward(outputs, inputs, v, inputs, strict, create_graph, "back")
    return _results(outputs, is_outputs_tuple, vjp, is_inputs_tuple, create_graph)


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), J v)`` by the double-backward trick (see the module docstring).

    ``v`` has the inputs' shapes; it may be omitted when the input is one one-element
    Tensor. The result has the outputs' shapes.
    """
    with mt.enable_grad():
        is_inputs_tuple, inputs, is_outputs_tuple, outputs, v = _prepare(func, inputs, v, create_graph, strict, "jvp")
        # backward is linear in grad_outputs: their value never reaches the result (only finite)
        grad_outputs = tuple(mt.zeros_like(out, requires_grad=True) for out in outputs)
        grad_inputs = _autograd_grad(outputs, inputs, grad_outputs, create_graph=True)  # u^T J, a graph in u
        _check_requires_grad(grad_inputs, "grad_inputs", strict=strict)
    jvp = _last_backward(grad_inputs, grad_outputs, v, outputs, strict, create_graph, "back_trick")  # d(u^T J v)/du
    return _results(outputs, is_outputs_tuple, jvp, is_outputs_tuple, create_graph)


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), v^T H)`` for a ``func`` returning one one-element Tensor: the
    gradient with ``create_graph=True``, then one backward of it with ``grad_outputs=v``."""
    with mt.enable_grad():
        is_inputs_tuple, inputs, is_outputs_tuple, outputs, v = _prepare(func, inputs, v, create_graph, strict, "vhp")
        _single_scalar_output(outputs, is_outputs_tuple, "vhp")
        jac = _autograd_grad(outputs, inputs, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict=strict)
    vhp = _last_backward(jac, inputs, v, inputs, strict, create_graph, "double_back")
    return _results(outputs, is_outputs_tuple, vhp, is_inputs_tuple, create_graph)


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), H v)``: the double-backward trick on the gradient ``jac``:
    ``u^T (d jac / d inputs)`` is built as a graph in a dummy ``u``, then differentiated
    w.r.t. ``u`` with ``grad_outputs=v``."""
    with mt.enable_grad():
        is_inputs_tuple, inputs, is_outputs_tuple, outputs, v = _prepare(func, inputs, v, create_graph, strict, "hvp")
        _single_scalar_output(outputs, is_outputs_tuple, "hvp")
        jac = _autograd_grad(outputs, inputs, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict=strict)
        grad_jac = tuple(mt.zeros_like(inp, requires_grad=True) for inp in inputs)
        double_back = _autograd_grad(jac, inputs, grad_jac, create_graph=True)
        _check_requires_grad(jac, "hessian", strict=strict)  # (torch checks jac here, not double_back)
    hvp = _last_backward(double_back, grad_jac, v, inputs, strict, create_graph, "double_back_trick")
    return _results(outputs, is_outputs_tuple, hvp, is_inputs_tuple, create_graph)


# ---------------------------------------------------------------------------- whole matrices

def _construct_standard_basis_for(tensors, tensor_numels):
    """The rows of the identity of size ``sum(tensor_numels)``, split by columns into one
    chunk per tensor (in its dtype): row k, spread over the chunks, is the one-hot
    ``grad_outputs`` that selects the k-th element of all the outputs flattened together."""
    eye = np.eye(sum(tensor_numels))
    bounds = np.cumsum((0,) + tuple(tensor_numels))
    return tuple(mt.tensor(eye[:, a:b], dtype=t.dtype) for t, a, b in zip(tensors, bounds[:-1], bounds[1:]))


def _jacobian_vectorized(outputs, inputs, create_graph):
    """All the rows of J from one batched ``grad`` call; returns ``[output][input]``."""
    output_numels = tuple(output.nelement() for output in outputs)
    grad_outputs = _construct_standard_basis_for(outputs, output_numels)
    flat_outputs = tuple(output.reshape(-1) for output in outputs)
    vj = _autograd_grad(flat_outputs, inputs, grad_outputs, create_graph=create_graph, is_grads_batched=True)
    vj = [mt.zeros_like(inp).expand((sum(output_numels),) + tuple(inp.shape)) if el is None else el
          for el, inp in zip(vj, inputs)]
    return tuple(zip(*[[jac.view(tuple(output.shape) + tuple(inp.shape))
                        for jac, output in zip(jac_inp.split(output_numels, dim=0), outputs)]
                       for jac_inp, inp in zip(vj, inputs)]))


def _jacobian_rows(outputs, inputs, create_graph, strict):
    """One ``grad`` call per output element (a row of J); returns ``[output][input]``."""
    jacobian = ()
    for i, out in enumerate(outputs):
        jac_i = tuple([] for _ in inputs)
        for j in range(out.nelement()):
            vj = _autograd_grad((out.reshape(-1)[j],), inputs, retain_graph=True, create_graph=create_graph)
            for el_idx, (jac_i_el, vj_el, inp_el) in enumerate(zip(jac_i, vj, inputs)):
                if vj_el is None:
                    if strict:
                        raise RuntimeError(f"Output {i} of the user-provided function is independent of input "
                                           f"{el_idx}. This is not allowed in strict mode.")
                    vj_el = mt.zeros_like(inp_el)
                elif strict and create_graph and not vj_el.requires_grad:
                    # (torch's message names the output's index here)
                    raise RuntimeError(f"The jacobian of the user-provided function is independent of input {i}. "
                                       "This is not allowed in strict mode when create_graph=True.")
                jac_i_el.append(vj_el)
        jacobian += (tuple(mt.stack(jac_i_el, dim=0).view(tuple(out.size()) + tuple(inp.size()))
                           for jac_i_el, inp in zip(jac_i, inputs)),)
    return jacobian


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"):
    """J = d func(inputs) / d inputs, entry ``[i][j]`` of shape ``outputs[i].shape +
    inputs[j].shape`` (unpacked where the user gave a Tensor rather than a tuple).

    Row by row (one backward pass per output element), or, with ``vectorize=True``, all
    rows in one batched ``grad`` call.
    """
    if strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your '
                             'function has more outputs than inputs, "forward-mode" tends to be more performant. '
                             'Otherwise, prefer to use "reverse-mode".')
    if strategy == "forward-mode":
        if create_graph:
            raise NotImplementedError("torch.autograd.functional.jacobian: `create_graph=True` and "
                                      '`strategy="forward-mode"` are not supported together (yet). Please either '
                                      'set `create_graph=False` or `strategy="reverse-mode"`.')
        return _jacfwd(func, inputs, strict, vectorize)
    jac, is_outputs_tuple, is_inputs_tuple = _jacrev(func, inputs, create_graph, strict, vectorize)
    return _tuple_postprocess(jac, (is_outputs_tuple, is_inputs_tuple))


def _jacrev(func, inputs, create_graph, strict, vectorize):
    """Reverse mode: ``(J as [output][input] tuples, is_outputs_tuple, is_inputs_tuple)``."""
    with mt.enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
        inputs = _grad_preprocess(inputs, create_graph=create_graph, need_graph=True)
        is_outputs_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", "jacobian")
        _check_requires_grad(outputs, "outputs", strict=strict)
        if vectorize and strict:
            raise RuntimeError("torch.autograd.functional.jacobian: `strict=True` and `vectorized=True` are not "
                               "supported together. Please either set `strict=False` or `vectorize=False`.")
        jac = (_jacobian_vectorized(outputs, inputs, create_graph) if vectorize
               else _jacobian_rows(outputs, inputs, create_graph, strict))
        return _grad_postprocess(jac, create_graph), is_outputs_tuple, is_inputs_tuple


def _jacfwd(func, inputs, strict, vectorize):
    """``strategy="forward-mode"``: torch's checks, then (no forward AD here) the same
    Jacobian in reverse mode, differentiable when an input requires grad. torch's forward
    mode nests its result in lists, not tuples: so does this."""
    if strict:
        raise RuntimeError('torch.autograd.functional.jacobian: `strict=True` and `strategy="forward-mode"` are '
                           'not supported together (yet). Please either set `strict=False` or '
                           '`strategy="reverse-mode"`.')
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
    if not vectorize:
        raise NotImplementedError("Computing Jacobian using forward-AD or forward-over-reverse Hessian is"
                                  "only implemented for `vectorize=True`.")  # (sic: torch's missing space)
    tracked = any(inp.requires_grad for inp in inputs)
    jac, is_outputs_tuple, _ = _jacrev(func, inputs, tracked, strict=False, vectorize=True)
    return _tuple_postprocess([list(row) for row in jac], (is_outputs_tuple, is_inputs_tuple))


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False, outer_jacobian_strategy="reverse-mode"):
    """H = the ``jacobian`` of the gradient: ``jac_func`` returns d func / d inputs computed
    with ``create_graph=True``, and the outer ``jacobian`` differentiates that. Entry
    ``[i][j]`` has shape ``inputs[i].shape + inputs[j].shape``."""
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")
    if outer_jacobian_strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode".')

    def ensure_single_output_function(*inp):
        out = func(*inp)
        is_out_tuple, t_out = _as_tuple(out, "outputs of the user-provided function", "hessian")
        _check_requires_grad(t_out, "outputs", strict=strict)
        _single_scalar_output(t_out, is_out_tuple, "hessian")
        return out.squeeze()

    def jac_func(*inp):
        if outer_jacobian_strategy == "forward-mode":
            inp = tuple(t.requires_grad_(True) for t in inp)
        jac = jacobian(ensure_single_output_function, inp, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict=strict)
        return jac

    res = jacobian(jac_func, inputs, create_graph=create_graph, strict=strict, vectorize=vectorize,
                   strategy=outer_jacobian_strategy)
    return _tuple_postprocess(res, (is_inputs_tuple, is_inputs_tuple))


import minitorch_compat as mt  # noqa: E402  (half-imported here: its names are looked up at call time)
