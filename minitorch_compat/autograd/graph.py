"""``torch.autograd.graph``: what a node of the backward graph shows to its user.

In torch, ``Node`` is the base of every ``grad_fn``: it has a ``name()``, and
``next_functions``, one ``(node, output_index)`` pair per input of the forward op, with
``(None, 0)`` for an input that does not require grad and an ``AccumulateGrad`` node for a
leaf. Tutorials print these to show the graph, so they look exactly as torch's here.

Here every node is a ``Function`` instance (``autograd/function.py``); this base class
holds only what the *user* sees of it, off the path the engine takes. Internally a node
keeps its edges in ``_next``, with the leaf tensor itself where torch has an
``AccumulateGrad`` node (``accumulate_grad.py``); ``next_functions`` translates.

A few of our ops are one node where torch records several (``F.linear`` on a matrix is
torch's ``addmm(bias, input, weight.t())``; ``cross_entropy`` is ``nll_loss(log_softmax)``).
Those override ``next_functions`` with ``shown_node``s, display-only nodes that print as
torch's inner nodes, so the printed graph is torch's.
"""
import contextlib


class Node:
    """The user-visible side of a backward-graph node (torch.autograd.graph.Node)."""

    _hooks = None  # {output_index: {id: hook}} from Tensor.register_hook / retain_grad
    _backward_name = None  # torch's name of the node (``name()``); None: the class's name + "Backward"
    _save_names = None  # torch's names of the values the op saved (saved_variable.py)

    def name(self):
        """The node's name as torch prints it, e.g. ``MulBackward0``."""
        name = self._backward_name
        return name if name is not None else type(self).__name__ + "Backward"

    @property
    def next_functions(self):
        return shown_edges(self._next)

    @property
    def metadata(self):
        if "_metadata" not in self.__dict__:
            self._metadata = {}
        return self._metadata

    def __dir__(self):  # (every node has every ``_saved_`` property: list this node's own)
        return [*(n for n in super().__dir__() if not n.startswith("_saved")),
                *("_saved_" + n for n in saved_attributes.names(self) if n is not None)]

    def register_hook(self, fn):
        """``fn(grad_inputs, grad_outputs)`` after the node ran; may return new grad_inputs."""
        return graph_hooks.register_hook(self, fn)

    def register_prehook(self, fn):
        """``fn(grad_outputs)`` before the node runs; may return new grad_outputs."""
        return graph_hooks.register_prehook(self, fn)

    def __repr__(self):  # torch prints its C++ nodes without their namespace: <CopySlices object at ...>
        return f"<{self.name().removeprefix('torch::autograd::')} object at {hex(id(self))}>"


def shown_edges(edges):
    """Internal edges as ``next_functions`` shows them (a leaf becomes its AccumulateGrad)."""
    return tuple(_shown_edge(e) for e in edges)


def _shown_edge(edge):
    if edge is None:
        return (None, 0)
    target, index = edge
    if isinstance(target, Node):
        return edge
    return (accumulate_grad.AccumulateGrad.of(target), 0)


class _ShownNode(Node):
    """A node that exists only in the printed graph (see the module docstring)."""

    def __init__(self, name, edges):
        self._backward_name, self._next = name, tuple(edges)


def shown_node(name, *edges):
    """``(node, 0)`` for a display-only node called ``name`` whose inputs are ``edges``
    (internal edges: ``(node, i)``, ``(leaf, 0)`` or ``None``)."""
    return (_ShownNode(name, edges), 0)


def shown_chain(names, edge):
    """``next_functions`` of a node that torch records as a chain of nodes ``names``
    (first applied first) between it and its one input ``edge``."""
    for name in names:
        edge = (_ShownNode(name, (edge,)), 0)
    return (_shown_edge(edge),)


class saved_tensors_hooks:
    """Inside the block, each tensor an op saves for backward is stored as ``pack_hook(t)``
    and given back to the backward as ``unpack_hook(packed)`` (saved_variable.py, rule 3)."""

    def __init__(self, pack_hook, unpack_hook):
        self.pack_hook, self.unpack_hook = pack_hook, unpack_hook

    def __enter__(self):
        saved_variable.push_hooks(self.pack_hook, self.unpack_hook)

    def __exit__(self, *exc):
        saved_variable.pop_hooks()


class save_on_cpu(saved_tensors_hooks):
    """torch moves saved tensors to (pinned) CPU memory and back to their device on unpack.
    Everything is on the CPU here, so a saved tensor is packed as a copy, as torch packs it."""

    def __init__(self, pin_memory=False, device_type="cuda"):
        super().__init__(lambda t: (t.device, t.detach().clone()), lambda packed: packed[1].to(packed[0]))


@contextlib.contextmanager
def disable_saved_tensors_hooks(error_message):
    """Entering ``saved_tensors_hooks`` inside the block raises ``RuntimeError(error_message)``;
    so does entering this block while such hooks are active."""
    if saved_variable.hooks_stack:
        raise RuntimeError(error_message)
    saved_variable.hooks_disabled.append(error_message)
    try:
        yield
    finally:
        saved_variable.hooks_disabled.pop()


def expose_saved(names):
    """Give every node a ``_saved_<name>`` property for each of ``names``; on a node that
    does not show that name it raises torch's AttributeError (``saved_attributes.py``).

    Properties rather than a ``Node.__getattr__``: CPython stops specialising attribute
    reads on instances of a class with ``__getattr__``, and the engine reads node
    attributes all the time (it made the small-op graph benchmark 6% slower)."""
    for name in names:
        if name is not None and not hasattr(Node, "_saved_" + name):
            setattr(Node, "_saved_" + name, property(lambda node, name=name: saved_attributes.get(node, name)))


from . import accumulate_grad, graph_hooks, saved_attributes, saved_variable  # noqa: E402  (accumulate_grad subclasses Node)
