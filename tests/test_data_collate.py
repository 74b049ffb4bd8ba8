"""default_collate / default_convert / collate must equal torch's, rule by rule.

Each test builds one batch of plain Python/NumPy samples, turns tensor leaves into
torch's and our tensors from the same array, collates with both libraries and compares
types, dtypes, shapes and values (or the raised error's type and message).
"""
import collections

import numpy as np
import pytest
import torch
import torch.utils.data as tud
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import minitorch_compat as mt
from helpers import assert_same_structure
import minitorch_compat.utils.data as mud
from test_data_common import normalise, outcome

SETTINGS = settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow])

Point = collections.namedtuple("Point", ["x", "y"])

NP_DTYPES = [np.float32, np.float64, np.float16, np.int64, np.int32, np.int16, np.int8, np.uint8, np.bool_]


class Tensorish:
    """A leaf that becomes a tensor of the library under test."""

    def __init__(self, array):
        self.array = array


def realise(sample, lib):
    """Replace Tensorish leaves with ``lib`` tensors; copy arrays (collate must not care)."""
    if isinstance(sample, Tensorish):
        return lib.tensor(sample.array)
    if isinstance(sample, np.ndarray):
        return sample.copy()
    if isinstance(sample, Point):
        return Point(*(realise(v, lib) for v in sample))
    if isinstance(sample, dict):
        return {k: realise(v, lib) for k, v in sample.items()}
    if isinstance(sample, tuple):
        return tuple(realise(v, lib) for v in sample)
    if isinstance(sample, list):
        return [realise(v, lib) for v in sample]
    return sample


def collate_both(batch, fn="default_collate"):
    ours = outcome(lambda: getattr(mud, fn)(realise(batch, mt)))
    theirs = outcome(lambda: getattr(tud, fn)(realise(batch, torch)))
    return ours, theirs


def assert_collates_alike(batch, fn="default_collate"):
    ours, theirs = collate_both(batch, fn)
    assert ours[0] == theirs[0], (ours, theirs)
    if theirs[0] == "ok":
        assert_same_structure(ours[1], theirs[1])
    else:
        assert ours == theirs


# A schema describes one sample's structure; ``values`` draws a sample that fits it.
leaf_schemas = st.one_of(
    st.sampled_from(["int", "float", "bool", "str", "bytes"]),
    st.tuples(st.just("np_scalar"), st.sampled_from(NP_DTYPES)),
    st.tuples(st.sampled_from(["np_array", "tensor"]), st.sampled_from(NP_DTYPES),
              st.lists(st.integers(0, 3), max_size=3).map(tuple)),
)
schemas = st.recursive(
    leaf_schemas,
    lambda inner: st.one_of(
        st.tuples(st.just("dict"), st.dictionaries(st.sampled_from("abcd"), inner, min_size=1, max_size=3)),
        st.tuples(st.sampled_from(["list", "tuple"]), st.lists(inner, min_size=1, max_size=3)),
        st.tuples(st.just("point"), inner, inner),
    ),
    max_leaves=5,
)


def values(schema):
    if schema == "int":
        return st.integers(-2**40, 2**40)
    if schema == "float":
        return st.floats(allow_nan=False, width=64)
    if schema == "bool":
        return st.booleans()
    if schema == "str":
        return st.text(max_size=3)
    if schema == "bytes":
        return st.binary(max_size=3)
    kind = schema[0]
    if kind == "np_scalar":
        return st.integers(0, 100).map(lambda v: np.dtype(schema[1]).type(v % 2 if schema[1] is np.bool_ else v))
    if kind in ("np_array", "tensor"):
        dtype, shape = schema[1], schema[2]
        arrays = st.integers(0, 2**31).map(
            lambda s: (np.random.default_rng(s).standard_normal(shape) * 50).astype(dtype))
        return arrays if kind == "np_array" else arrays.map(Tensorish)
    if kind == "dict":
        return st.fixed_dictionaries({k: values(v) for k, v in schema[1].items()})
    if kind == "list":
        return st.tuples(*[values(s) for s in schema[1]]).map(list)
    if kind == "tuple":
        return st.tuples(*[values(s) for s in schema[1]])
    return st.tuples(values(schema[1]), values(schema[2])).map(lambda p: Point(*p))


batches = schemas.flatmap(lambda s: st.lists(values(s), min_size=1, max_size=5))


@SETTINGS
@given(batches)
def test_default_collate_matches_torch(batch):
    assert_collates_alike(batch)


@SETTINGS
@given(batches)
def test_default_convert_matches_torch(batch):
    assert_collates_alike(batch[0], fn="default_convert")


@pytest.mark.parametrize("batch", [
    [1, 2.5],                       # int first: torch.tensor infers float32
    [2.5, 1],                       # float first: float64
    [True, False],                  # bool
    [True, 2],                      # bool first, int later
    [1, True],                      # int first, bool later: int64
    [-2**63, 2**63 - 1],            # plain ints at int64's limits
    [1, np.int64(2)],               # a NumPy int among Python ints
    [np.float32(1), np.float32(2)],
    [np.int16(1), np.int16(-3)],
    [np.float64(1.5), np.float64(2)],
    [np.array(1.5), np.array(2.0)],  # 0-d arrays stack to shape (2,)
    [np.arange(3, dtype=np.int16), np.arange(3, dtype=np.int16)],
    [np.arange(3, dtype=np.int32), np.arange(3, dtype=np.int64)],  # mixed dtypes promote
    [np.array(["a"]), np.array(["b"])],
    [np.array([object()]), np.array([object()])],
    [np.zeros(2), np.zeros(3)],
    [None, None],
    [object(), object()],
    [[1, 2], [3]],
    [(1, "a"), (2, "b")],
    [{"a": 1, "b": 2}, {"a": 3}],
    [{"a": 1}, {"a": 2, "b": 3}],
    [collections.OrderedDict(a=1.5), collections.OrderedDict(a=2.5)],
    [collections.defaultdict(int, a=1), collections.defaultdict(int, a=2)],
    ["ab", "cd"],
    [b"x", b"y"],
    [range(3), range(3)],
], ids=lambda v: normalise(repr(v)))
def test_default_collate_rules(batch):
    assert_collates_alike(batch)


@pytest.mark.parametrize("sample", [
    np.array([1, 2], dtype=np.int16), np.float32(3), np.array(["s"]), 5, 2.5, "txt",
    (np.array([1.0]), 3), [np.array([1.0])], Point(np.array(1), 2), {"k": np.array([True])},
    range(3), np.str_("s"),
], ids=lambda v: normalise(repr(v)))
def test_default_convert_rules(sample):
    assert_collates_alike(sample, fn="default_convert")


def test_tensor_batches_stack_and_report_shape_mismatch():
    assert_collates_alike([Tensorish(np.zeros(2, np.float32)), Tensorish(np.zeros(3, np.float32))])
    assert_collates_alike([Tensorish(np.ones((2, 2))), Tensorish(np.zeros((2, 2)))])
    assert_collates_alike([Tensorish(np.ones(2, np.float32)), Tensorish(np.ones(2, np.float64))])  # promotes


def test_tensor_batch_with_autograd_goes_through_stack():
    a = mt.ones(2, requires_grad=True)
    out = mud.default_collate([a, a * 2])
    assert out.requires_grad and out.grad_fn is not None
    out.sum().backward()
    assert a.grad.tolist() == [3.0, 3.0]


def test_collate_fn_map_extension_point():
    """``collate(batch, collate_fn_map=...)``: exact type first, then isinstance in order."""
    class Box:
        def __init__(self, v):
            self.v = v

    def collate_box(batch, *, collate_fn_map):
        return ("boxes", [b.v for b in batch])

    def run(lib):
        collate = lib.utils.data._utils.collate
        mapping = dict(collate.default_collate_fn_map)
        mapping[Box] = collate_box
        return collate.collate([{"b": Box(1), "n": 1}, {"b": Box(2), "n": 2}], collate_fn_map=mapping)

    assert_same_structure(run(mt), run(torch))


def test_editing_default_map_in_place_is_honoured():
    """torch documents extending default_collate by editing default_collate_fn_map; the
    TensorDataset fast path must then step aside."""
    def tensor_as_list(batch, *, collate_fn_map):
        return [t.tolist() for t in batch]

    def run(lib):
        fn_map = lib.utils.data._utils.collate.default_collate_fn_map
        original = fn_map[lib.Tensor]
        fn_map[lib.Tensor] = tensor_as_list
        try:
            direct = lib.utils.data.default_collate([lib.tensor([1]), lib.tensor([2])])
            ds = lib.utils.data.TensorDataset(lib.arange(4))
            return direct, list(lib.utils.data.DataLoader(ds, batch_size=3))
        finally:
            fn_map[lib.Tensor] = original

    ours, theirs = run(mt), run(torch)
    assert ours == theirs == ([[1], [2]], [[[0, 1, 2]], [[3]]])
