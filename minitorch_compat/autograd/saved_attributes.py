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

Where we differ: the nodes not listed here show only their saved tensors; a number
converted to the tensor's dtype before the op (``x * 3`` on a float tensor) shows as a
float 0-d tensor where torch's is int64; a negative dim shows wrapped (torch shows the
argument as given, ``-1`` printed as 2**64 - 1); a transpose shows its two dims in
increasing order; after backward, ``_saved_*_sym_strides`` are those of a contiguous
tensor (the input's own are gone with it).
"""
import numpy as np

SAVED = None  # the attribute is one of the op's saved values (``_save_names``)


def _input_sizes(node, i=0):
    """The size of the node's input ``i``, as torch keeps it (a tuple of ints)."""
    inputs = node.__dict__.get("_inputs")
    if inputs is not None and hasattr(inputs[i], "shape"):
        return tuple(inputs[i].shape)
    target, index = node._next[i]
    return tuple(target._out_shapes[index] if hasattr(target, "_out_shapes") else target.shape)


def _input_strides(i):
    """The input's strides in elements (once freed: those of a contiguous tensor of its size)."""
    def get(node):
        inputs = node.__dict__.get("_inputs")
        if inputs is None:
            sizes = _input_sizes(node, i)
            return tuple(int(np.prod(sizes[k + 1:])) for k in range(len(sizes)))
        data = inputs[i]._data
        return tuple(st // data.itemsize for st in data.strides)
    return get


def _dims(node):
    return tuple(int(a) for a in node.axes)


def _number_as_tensor(name):
    """torch wraps a Python number passed where a tensor goes (``x * 3``) in a 0-d tensor."""
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


_MUL = {"other": _number_as_tensor("other"), "self": SAVED}
_REDUCE_ALL = {"self_sym_sizes": lambda n: tuple(n.shape)}
_REDUCE_DIM = {"dim": _dims, "keepdim": lambda n: bool(n.keepdim), "self_sym_sizes": lambda n: tuple(n.shape)}

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


_MAX_DIM = {"dim": lambda n: n.dim, "indices": _max_indices, "keepdim": lambda n: bool(n.keepdim),
            "self_sym_sizes": lambda n: tuple(n.shape)}

TORCH_NAMES = {
    "AddBackward0": {"alpha": lambda n: n.alpha},
    "SubBackward0": {"alpha": lambda n: -n.alpha},
    "RsubBackward0": {"alpha": lambda n: n.alpha},
    "RsubBackward1": {"alpha": lambda n: n.alpha},
    "MulBackward0": _MUL,
    "DivBackward0": _MUL,
    "PowBackward0": {"exponent": lambda n: n.exponent, "self": SAVED},
    "MmBackward0": {"mat2": SAVED, "mat2_sym_sizes": lambda n: _input_sizes(n, 1), "mat2_sym_strides": _input_strides(1),
                    "self": SAVED, "self_sym_sizes": _input_sizes, "self_sym_strides": _input_strides(0)},
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
    "SoftmaxBackward0": {"dim": lambda n: n.dim, "result": SAVED},
    "LogSoftmaxBackward0": {"dim": lambda n: n.dim, "result": SAVED},
    "CatBackward0": {"dim": lambda n: n.dim},
    "StackBackward0": {"dim": lambda n: n.dim},
    "SumBackward0": _REDUCE_ALL,
    "SumBackward1": _REDUCE_DIM,
    "MeanBackward0": {**_REDUCE_ALL, "self_sym_numel": lambda n: int(np.prod(n.shape))},
    "MeanBackward1": {**_REDUCE_DIM, "self_sym_numel": lambda n: int(np.prod(n.shape))},
    "ViewBackward0": {"self_sym_sizes": _input_sizes},
    "ExpandBackward0": {"self_sym_sizes": _input_sizes},
    "TransposeBackward0": {"dim0": lambda n: _swapped(n.dims)[0], "dim1": lambda n: _swapped(n.dims)[1]},
    "PermuteBackward0": {"dims": lambda n: tuple(n.dims)},
    "ConvolutionBackward0": {
        "bias_sym_sizes_opt": lambda n: (n.geom[1][0],) if n._next[2:] and n._next[2] is not None else (0,),
        "dilation": _conv("dilation"), "groups": _conv("groups"), "input": _input(0),
        "output_padding": lambda n: (0,) * len(n.geom[2]), "padding": _conv("padding"),
        "stride": _conv("stride"), "transposed": lambda n: False, "weight": _input(1)},
}


def _swapped(dims):
    """The two dimensions a transpose exchanged, from its permutation."""
    moved = [i for i, d in enumerate(dims) if d != i]
    return (moved[0], moved[1]) if moved else (0, 0)


def names(node):
    """The ``_saved_`` names ``dir(node)`` shows (without the prefix): the table's, where the
    node is in it (a saved one only if this op did save it: a fused op may share the name)."""
    saved = tuple(n for n in node._save_names or () if n is not None)
    shown = TORCH_NAMES.get(node.name())
    if shown is not None and not saved and SAVED in shown.values():
        return ()  # (one of our fused nodes that shows torch's name: F.linear's MmBackward0)
    return saved if shown is None else tuple(n for n, get in shown.items() if get is not SAVED or n in saved)


def get(node, name):
    """``node._saved_<name>``, or torch's AttributeError naming the node."""
    if name not in names(node):
        raise AttributeError(f"'{node.name()}' object has no attribute '_saved_{name}'")
    getter = TORCH_NAMES.get(node.name(), {}).get(name)
    value = saved_variable.saved_attribute(node, name) if getter is None else getter(node)
    return _wrap(value) if isinstance(value, np.ndarray) else value  # (indices, masks: saved as arrays)


from .._tensor import Tensor, _wrap  # noqa: E402
from . import saved_variable  # noqa: E402
from .graph import expose_saved  # noqa: E402

expose_saved({name for shown in TORCH_NAMES.values() for name in shown})
