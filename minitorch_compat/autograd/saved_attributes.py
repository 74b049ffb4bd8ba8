"""``grad_fn._saved_<name>``: what torch shows of a node's saved state, by node name.

torch generates one C++ class per node (``torch/csrc/autograd/generated/Functions.h``)
with a field for every value its backward formula needs, and a Python property
``_saved_<name>`` for each: the tensors (``_saved_self``, ``_saved_result``...) and the
rest of the call (``_saved_dim``, ``_saved_keepdim``, ``_saved_alpha``, the input's
sizes as ``_saved_self_sym_sizes``...). ``dir(grad_fn)`` lists exactly those.

Here a node saves only the arrays its formula needs, under torch's names
(``_save_names`` on the op: ``saved_variable.saved_attribute`` reads them back), and keeps
its options as plain attributes. ``TORCH_NAMES`` below says, for the common nodes, which
``_saved_`` names torch shows and how to compute each one that is not a saved array
(``SAVED``: read it from what the op saved). A node not in the table shows the names its
op saved.

torch keeps the arguments as the user gave them: ``x.sum(-1)`` keeps ``-1`` (and shows it
as ``2**64 - 1``, its int64 field read back unsigned), ``x.clamp(0, 1)`` the ints, ``x * 3``
the int (a 0-d int64 tensor). Our ops compute with the wrapped dim and the converted
number, so they also store the argument as given (``dim_given``, ``given``, ``number``: one
attribute store in the forward, nothing in the backward); ``mul`` and ``div`` simply pass an
int on to NumPy, which converts it exactly as ``float()`` would. Two of our nodes stand for a
chain of torch's nodes and compute what torch's *last* node saved: ``x[key]`` (``Index``:
Select/Slice/Unsqueeze steps, then one Index node; ``_index_step`` walks the key) and
``F.linear`` (``Linear``: ``addmm(bias, x, weight.t())``, or views around it; ``_linear``).

Where we differ: the nodes not listed here show only their saved tensors; after backward,
``_saved_*_sym_strides`` are those of a contiguous tensor (the input's own are gone with
it), and an index after a boolean mask of several dims shows sizes as if the mask had one
(its number of dims is gone with it); ``max``/``min`` over a dim of a 0-d tensor show no
``_saved_indices`` (reading it raises AttributeError).
"""
import math

import numpy as np

SAVED = None  # the attribute is one of the op's saved values (``_save_names``)


def _input_sizes(node, i=0):
    """The size of the node's input ``i``, as torch keeps it (a tuple of ints); None once
    the node freed its inputs, for an input that does not require grad (it has no edge)."""
    inputs = node.__dict__.get("_inputs")
    if inputs is not None and hasattr(inputs[i], "shape"):
        return tuple(inputs[i].shape)
    if node._next[i] is None:
        return None
    target, index = node._next[i]
    return tuple(target._out_shapes[index] if hasattr(target, "_out_shapes") else target.shape)


def _product_sizes(node):
    """The sizes of a product's operands (``mm``'s ``self`` and ``mat2``; ``F.linear``'s x and
    weight); one that has no edge and was freed follows from the other and the output's."""
    a, b, out = _input_sizes(node, 0), _input_sizes(node, 1), node._out_shapes[0]
    if _is_linear(node):
        return a or out[:-1] + b[1:], b or (out[-1], a[-1])
    return a or (out[0], b[0]), b or (a[1], out[1])


def _input_strides(i):
    """The input's strides in elements (once freed: those of a contiguous tensor of its size);
    torch keeps them only for an input that requires grad (its gradient's layout), else ``()``."""
    def get(node):
        if not node.needs_input_grad[i]:
            return ()
        inputs = node.__dict__.get("_inputs")
        if inputs is None:
            sizes = _product_sizes(node)[i]
            return tuple(int(np.prod(sizes[k + 1:])) for k in range(len(sizes)))
        data = inputs[i]._data
        return tuple(st // data.itemsize for st in data.strides)
    return get


def _as_given(dim):
    """A dim (or index) as the user gave it, as torch shows it: torch keeps the argument
    itself (``-1`` stays ``-1``) in an int64 field and reads it back as unsigned, so a
    negative one shows as ``2**64 + dim`` (``x.sum(-1)``: ``(18446744073709551615,)``)."""
    return tuple(int(d) % 2**64 for d in dim) if isinstance(dim, (tuple, list)) else int(dim) % 2**64


def _given(field="dim"):
    """The node's ``field`` as the user gave it (kept by the op as ``<field>_given``; an
    op called internally without one shows the dim it used)."""
    return lambda node: _as_given(_or(node.__dict__.get(field + "_given"), getattr(node, field, None)))


def _or(value, default):
    return default if value is None else value


def _number_as_tensor(name):
    """torch wraps a Python number passed where a tensor goes (``x * 3``) in a 0-d tensor of
    the number's own dtype (int64 for ``3``; ``mul`` and ``div`` pass an int as given)."""
    def get(node):
        value = saved_variable.saved_attribute(node, name)
        return value if value is None or isinstance(value, Tensor) else _wrap(np.asarray(value))
    return get


def _input(i):
    """An input tensor itself (torch saves the input; we saved arrays derived from it)."""
    def get(node):
        node.saved_tensors  # (raises torch's error once the node freed what it saved)
        return node._inputs[i]
    return get


def _conv(field):
    index = {"stride": 2, "padding": 3, "dilation": 4, "groups": 5}[field]
    return lambda node: node.geom[index] if field == "groups" else tuple(node.geom[index])


def _is_index(node):
    return "basic" in node.__dict__  # (an ``x[key]`` node: _ops/shape.py's Index)


def _index_step(node):
    """What torch's last node of ``x[key]`` saved. ``Index`` is one node where torch records
    a chain (``shape._torch_index_steps``): a Select per int, a Slice per partial slice, an
    Unsqueeze per None, in the order of the key, then one Index node for the index arrays
    over what is left. So walk the key as torch applies it, keeping the shape each step sees;
    ``select``/``narrow`` gave their dim themselves (``dim_given``)."""
    key = node.key if type(node.key) is tuple else (node.key,)  # (index arrays there only as markers)
    arrays = key if node.basic else node._saved[0] if node._saved else (None,) * len(key)  # (None: freed)
    key = [a if isinstance(a, np.ndarray) else k for k, a in zip(key, arrays)]
    shape, dim, last, indices = list(node.shape), 0, None, []
    used = sum(_dims_indexed(k) for k in key if k is not None and k is not Ellipsis)
    for k in key:
        sizes = tuple(shape)
        if k is Ellipsis:
            indices += [None] * (len(node.shape) - used)
            dim += len(node.shape) - used
        elif k is None:
            shape.insert(dim, 1)
            indices.append(None)
            last, dim = {"dim": dim}, dim + 1
        elif isinstance(k, slice):
            if type(node.key) is not tuple or k.indices(shape[dim]) != (0, shape[dim], 1):
                last = {"dim": dim, "start": _as_given(_or(k.start, 0)), "end": _or(k.stop, 2**63 - 1) % 2**64,
                        "step": _or(k.step, 1), "self_sym_sizes": sizes}
                shape[dim] = len(range(*k.indices(shape[dim])))
            indices.append(None)
            dim += 1
        elif k is not None and not isinstance(k, (int, np.integer)):  # an index array, kept by torch as a tensor
            indices += [k] + [None] * (_dims_indexed(k) - 1)
            dim += _dims_indexed(k)
        else:
            last = {"dim": dim, "index": _as_given(k), "self_sym_sizes": sizes}
            shape.pop(dim)
    if not node.basic:
        while indices[-1] is None:
            indices.pop()
        return {"indices": lambda: tuple(_wrap(a) if a is not None else None for a in _unpacked(node, indices)),
                "self_sym_sizes": tuple(shape)}
    if node.dim_given is not None:
        last["dim"] = _as_given(node.dim_given)
    return last


def _unpacked(node, indices):
    """The index arrays as the node gives them back (raising torch's error once freed)."""
    key = iter(a for a in node.saved_tensors[0] if isinstance(a, np.ndarray))
    return [None if a is None else next(key) for a in indices]


def _dims_indexed(k):
    """How many dims one entry of a key consumes: a mask as many as it has, else one."""
    return k.ndim if isinstance(k, np.ndarray) and k.dtype == np.bool_ else 1


def _step(field):
    return lambda node: _index_step(node)[field]() if field == "indices" else _index_step(node)[field]


_MUL = {"other": _number_as_tensor("other"), "self": SAVED}
_REDUCE_ALL = {"self_sym_sizes": lambda n: tuple(n.shape)}
_REDUCE_DIM = {"dim": lambda n: _as_given(n.dim if isinstance(n.dim, (tuple, list)) else (n.dim,)), "keepdim": lambda n: bool(n.keepdim), "self_sym_sizes": lambda n: tuple(n.shape)}

def _pool(node):
    """What torch shows of a pooling call: the pairs, ``stride`` as given (``()`` for None)."""
    (stride, ceil_mode), geom = node.call or (None, False), node.geom
    return {"kernel_size": tuple(geom[1]), "stride": () if stride in (None, [], ()) else tuple(geom[2]),
            "padding": tuple(geom[3]), "dilation": tuple(geom[4]), "ceil_mode": bool(ceil_mode)}


def _pool_field(field):
    return lambda node: _pool(node)[field]


def _max_indices(node):
    """The indices output as torch keeps it (ours kept the reduced dim; torch's does not, unless keepdim)."""
    idx = saved_variable.saved_attribute(node, "indices")
    return idx if node.keepdim else np.squeeze(idx, node.dim)


_MAX_DIM = {"dim": _given(), "indices": _max_indices, "keepdim": lambda n: bool(n.keepdim),
            "self_sym_sizes": lambda n: tuple(n.shape)}

TORCH_NAMES = {
    "AddBackward0": {"alpha": lambda n: n.alpha},
    "SubBackward0": {"alpha": lambda n: -n.alpha},
    "RsubBackward0": {"alpha": lambda n: n.alpha},
    "RsubBackward1": {"alpha": lambda n: n.alpha},
    "MulBackward0": _MUL,
    "DivBackward0": _MUL,
    "PowBackward0": {"exponent": lambda n: n.exponent, "self": SAVED},
    "MmBackward0": {"mat2": SAVED, "mat2_sym_sizes": lambda n: _product_sizes(n)[1], "mat2_sym_strides": _input_strides(1),
                    "self": SAVED, "self_sym_sizes": lambda n: _product_sizes(n)[0], "self_sym_strides": _input_strides(0)},
    "AddmmBackward0": dict.fromkeys(("alpha", "beta", "mat1", "mat1_sym_sizes", "mat1_sym_strides", "mat2",
                                     "mat2_sym_sizes", "mat2_sym_strides")),  # (only F.linear's: _linear below)
    "SqueezeBackward4": {"dim": lambda n: 0, "self_sym_sizes": lambda n: (1,) + tuple(n._out_shapes[0])},
    "UnsafeViewBackward0": {"self_sym_sizes": _input_sizes},
    "EluBackward0": {"alpha": lambda n: n.alpha, "input_scale": lambda n: 1, "scale": lambda n: 1, "self": SAVED},
    "MaxBackward0": _MAX_DIM,
    "MinBackward0": _MAX_DIM,
    "MaxPool2DWithIndicesBackward0": {
        "ceil_mode": _pool_field("ceil_mode"), "dilation": _pool_field("dilation"), "kernel_size": _pool_field("kernel_size"),
        "padding": _pool_field("padding"), "result1": lambda n: n._flat_indices_shown(), "self": SAVED,
        "stride": _pool_field("stride")},
    "AvgPool2DBackward0": {
        "ceil_mode": _pool_field("ceil_mode"), "count_include_pad": lambda n: bool(n.count_include_pad),
        "divisor_override": lambda n: n.divisor_override, "kernel_size": _pool_field("kernel_size"),
        "padding": _pool_field("padding"), "self": SAVED, "stride": _pool_field("stride")},
    "ThresholdBackwardBackward0": {"self": SAVED, "threshold": lambda n: n.options.get("threshold", 0)},
    "HardtanhBackwardBackward0": {"max_val": lambda n: n.options["max_val"], "min_val": lambda n: n.options["min_val"],
                                  "self": SAVED},
    "LeakyReluBackwardBackward0": {"negative_slope": lambda n: n.options["negative_slope"], "self": SAVED},
    "LeakyReluBackward0": {"negative_slope": lambda n: n.slope, "self": SAVED},
    "GeluBackward0": {"approximate": lambda n: n.approximate, "self": SAVED},
    "SoftmaxBackward0": {"dim": _given(), "result": SAVED},
    "LogSoftmaxBackward0": {"dim": _given(), "result": SAVED},
    "CatBackward0": {"dim": _given()},
    "StackBackward0": {"dim": _given()},
    "SumBackward0": _REDUCE_ALL,
    "SumBackward1": _REDUCE_DIM,
    "MeanBackward0": {**_REDUCE_ALL, "self_sym_numel": lambda n: int(np.prod(n.shape))},
    "MeanBackward1": {**_REDUCE_DIM, "self_sym_numel": lambda n: int(np.prod(n.shape))},
    "ViewBackward0": {"self_sym_sizes": _input_sizes},
    "ExpandBackward0": {"self_sym_sizes": _input_sizes},
    "TransposeBackward0": {"dim0": lambda n: _as_given(_or(n.dims_given, _swapped(n.dims))[0]),
                           "dim1": lambda n: _as_given(_or(n.dims_given, _swapped(n.dims))[1])},
    "UnsqueezeBackward0": {"dim": lambda n: _index_step(n)["dim"] if _is_index(n) else _given()(n)},
    "SqueezeBackward0": {"self_sym_sizes": _input_sizes},
    "SqueezeBackward1": {"dim": _given(), "self_sym_sizes": _input_sizes},
    "SqueezeBackward2": {"dim": _given(), "self_sym_sizes": _input_sizes},
    "SelectBackward0": {"dim": _step("dim"), "index": _step("index"), "self_sym_sizes": _step("self_sym_sizes")},
    "SliceBackward0": {"dim": _step("dim"), "end": _step("end"), "self_sym_sizes": _step("self_sym_sizes"),
                       "start": _step("start"), "step": _step("step")},
    "IndexBackward0": {"indices": _step("indices"), "self_sym_sizes": _step("self_sym_sizes")},
    "ClampBackward1": {"max": lambda n: n.given[1], "min": lambda n: n.given[0], "self": SAVED},
    "ClampMinBackward0": {"min": lambda n: n.given[0], "self": SAVED},
    "ClampMaxBackward0": {"max": lambda n: n.given[1], "self": SAVED},
    "PowBackward2": {"exponent": SAVED, "result": SAVED, "self": lambda n: n.number},
    "PermuteBackward0": {"dims": lambda n: tuple(n.dims)},
    "ConvolutionBackward0": {
        "bias_sym_sizes_opt": lambda n: (n.geom[1][0],) if n._next[2:] and n._next[2] is not None else (0,),
        "dilation": _conv("dilation"), "groups": _conv("groups"), "input": _input(0),
        "output_padding": lambda n: (0,) * len(n.geom[2]), "padding": _conv("padding"),
        "stride": _conv("stride"), "transposed": lambda n: False, "weight": _input(1)},
}


def _is_linear(node):
    return "folded" in node.__dict__  # (F.linear's one node: _ops/linalg.py's Linear)


def _linear(node, name):
    """What torch's last node of ``F.linear`` saved. ``Linear`` is one node for torch's
    ``addmm(bias, x, weight.t())`` (``mm`` without a bias; views around it for other ranks:
    their ``self_sym_sizes`` is the product's, rows by outputs), so ``mat2`` is the weight's
    transpose, a tensor of its own, its sizes and strides the weight's reversed."""
    if name in ("self", "mat1", "mat2"):
        k = int(name == "mat2")
        if not saved_variable._needed(node, k):
            return None
        node.saved_tensors  # (raises torch's error once freed)
        return node._inputs[0] if k == 0 else node._inputs[1].t()
    if name in ("alpha", "beta"):
        return 1
    if name.startswith("mat2"):
        return (_product_sizes(node)[1] if name.endswith("sizes") else _input_strides(1)(node))[::-1]
    if node.name() in ("MmBackward0", "AddmmBackward0"):  # self_/mat1_sym_sizes/strides: x's
        return _product_sizes(node)[0] if name.endswith("sizes") else _input_strides(0)(node)
    return 0 if name == "dim" else (math.prod(node._out_shapes[0][:-1]), node._out_shapes[0][-1])


def _swapped(dims):
    """The two dimensions a transpose exchanged, from its permutation."""
    moved = [i for i, d in enumerate(dims) if d != i]
    return (moved[0], moved[1]) if moved else (0, 0)


def names(node):
    """The ``_saved_`` names ``dir(node)`` shows (without the prefix): the table's, where the
    node is in it (a saved one only if this op did save it: a fused op may share the name)."""
    saved = tuple(n for n in node._save_names or () if n is not None)
    shown = TORCH_NAMES.get(node.name())
    if _is_linear(node):
        return tuple(shown or ())
    if shown is not None and not saved and SAVED in shown.values():
        return ()  # (one of our fused nodes that shows torch's name: F.linear's MmBackward0)
    return saved if shown is None else tuple(n for n, get in shown.items() if get is not SAVED or n in saved)


def get(node, name):
    """``node._saved_<name>``, or torch's AttributeError naming the node."""
    if name not in names(node):
        raise AttributeError(f"'{node.name()}' object has no attribute '_saved_{name}'")
    getter = (lambda n: _linear(n, name)) if _is_linear(node) else TORCH_NAMES.get(node.name(), {}).get(name)
    value = saved_variable.saved_attribute(node, name) if getter is None else getter(node)
    return _wrap(value) if isinstance(value, np.ndarray) else value  # (indices, masks: saved as arrays)


from .._tensor import Tensor, _wrap  # noqa: E402
from . import saved_variable  # noqa: E402
from .graph import expose_saved  # noqa: E402

expose_saved({name for shown in TORCH_NAMES.values() for name in shown})
