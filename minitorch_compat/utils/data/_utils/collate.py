"""Collation: turn a list of samples into one batch (``default_collate``), or convert a
single sample when auto-batching is off (``default_convert``).

torch's rules, decided by the *first* sample of the batch, in this order:

============================  ===================================================
first sample                  batch becomes
============================  ===================================================
Tensor                        ``stack(batch, 0)``
NumPy array                   tensors stacked (string/object arrays refused)
NumPy scalar                  ``as_tensor(batch)``, its dtype kept
float / int (bool too)        float64 tensor / ``torch.tensor(batch)`` (int64, bool)
str / bytes                   the list, unchanged
Mapping                       same mapping type, each key collated
namedtuple                    same namedtuple type, each field collated
other Sequence                each position collated; a tuple becomes a list
anything else (None, ...)     TypeError
============================  ===================================================

The first five rows are entries of ``default_collate_fn_map`` (type -> function); the
containers are handled by ``collate`` itself, which recurses. ``collate(batch,
collate_fn_map=...)`` is the public extension point: an exact type match wins, then the
first key the element is an ``isinstance`` of, in insertion order.

Reading order: ``default_collate`` -> ``collate`` -> one ``collate_*_fn`` per leaf type.
Each of those is torch's one public call (``torch.stack``, ``torch.tensor``,
``torch.as_tensor``), with two shortcuts that give the same result: a batch of plain
Python ints becomes one int64 NumPy array without torch.tensor's general inference, and
a batch of NumPy arrays of one dtype and shape is stacked by a single ``np.stack``
(``_stack_same_arrays``) instead of being turned into tensors one by one.
"""
import collections.abc
import copy
import re

import numpy as np

import minitorch_compat as torch
from minitorch_compat._tensor import _wrap

__all__ = ["collate", "default_collate", "default_convert", "default_collate_fn_map"]

np_str_obj_array_pattern = re.compile(r"[SaUO]")

default_collate_err_msg_format = (
    "default_collate: batch must contain tensors, numpy arrays, numbers, "
    "dicts or lists; found {}")


def _rebuild_mapping(elem, items):
    """A mapping like ``elem`` holding ``items``: a copy updated in place when mutable
    (it may carry extra attributes), else the type called on a dict, else a dict."""
    try:
        if isinstance(elem, collections.abc.MutableMapping):
            clone = copy.copy(elem)
            clone.update(items)
            return clone
        return type(elem)(items)
    except TypeError:
        return dict(items)


def _rebuild_sequence(elem, items):
    """A sequence like ``elem`` holding ``items`` (same fallbacks as for mappings)."""
    try:
        if isinstance(elem, collections.abc.MutableSequence):
            clone = copy.copy(elem)
            for i, item in enumerate(items):
                clone[i] = item
            return clone
        return type(elem)(items)
    except TypeError:
        return list(items)


def default_convert(data):
    """Convert NumPy arrays and scalars inside ``data`` to tensors; leave the rest.

    Containers are rebuilt like ``default_collate`` rebuilds them (a plain tuple becomes
    a list, a namedtuple keeps its type); Python numbers and strings stay as they are.
    Used per sample when the DataLoader runs with ``batch_size=None``.
    """
    data_type = type(data)
    if isinstance(data, torch.Tensor):
        return data
    if data_type.__module__ == "numpy" and data_type.__name__ not in ("str_", "string_"):
        if data_type.__name__ == "ndarray" and np_str_obj_array_pattern.search(data.dtype.str):
            return data
        return torch.as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        return _rebuild_mapping(data, {key: default_convert(data[key]) for key in data})
    if isinstance(data, tuple) and hasattr(data, "_fields"):  # namedtuple
        return data_type(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        return _rebuild_sequence(data, [default_convert(d) for d in data])
    return data


def collate(batch, *, collate_fn_map=None):
    """Collate ``batch`` (a list of samples) by the type of ``batch[0]``.

    Args:
        batch: the samples of one batch.
        collate_fn_map: ``{type or tuple of types: fn(batch, *, collate_fn_map)}`` for
            leaf types; containers (Mapping, namedtuple, Sequence) are recursed here.
    """
    elem = batch[0]
    elem_type = type(elem)
    if collate_fn_map is not None:
        if elem_type in collate_fn_map:
            return collate_fn_map[elem_type](batch, collate_fn_map=collate_fn_map)
        for collate_type in collate_fn_map:
            if isinstance(elem, collate_type):
                return collate_fn_map[collate_type](batch, collate_fn_map=collate_fn_map)

    if isinstance(elem, collections.abc.Mapping):
        return _rebuild_mapping(
            elem, {key: collate([d[key] for d in batch], collate_fn_map=collate_fn_map) for key in elem})
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return elem_type(*(collate(samples, collate_fn_map=collate_fn_map) for samples in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        if any(len(sample) != len(elem) for sample in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        columns = [collate(samples, collate_fn_map=collate_fn_map) for samples in zip(*batch)]
        if isinstance(elem, tuple):
            return columns  # torch returns tuples of samples as a list of batches
        return _rebuild_sequence(elem, columns)
    raise TypeError(default_collate_err_msg_format.format(elem_type))


def collate_tensor_fn(batch, *, collate_fn_map=None):
    """Stack tensors along a new dimension 0. (torch's version also refuses nested and
    sparse tensors and, inside a worker, stacks into shared memory: we have neither.)"""
    return torch.stack(batch, 0)


def collate_numpy_array_fn(batch, *, collate_fn_map=None):
    """Arrays become tensors, then are collated as tensors (string/object arrays are
    refused with torch's TypeError)."""
    elem = batch[0]
    if np_str_obj_array_pattern.search(elem.dtype.str) is not None:
        raise TypeError(default_collate_err_msg_format.format(elem.dtype))
    stacked = _stack_same_arrays(batch, collate_fn_map)
    if stacked is not None:
        return stacked
    return collate([torch.as_tensor(b) for b in batch], collate_fn_map=collate_fn_map)


def _stack_same_arrays(batch, collate_fn_map):
    """Speed: the batch as one ``np.stack``, or None unless that is exactly what torch's
    route gives: plain arrays of one native dtype and one shape, whose tensors would be
    collated by ``collate_tensor_fn`` (not by a function a user put in the map)."""
    elem = batch[0]
    if collate_fn_map is None or collate_fn_map.get(torch.Tensor) is not collate_tensor_fn:
        return None
    if not elem.dtype.isnative or not all(
            type(a) in (np.ndarray, np.memmap) and a.dtype == elem.dtype and a.shape == elem.shape
            for a in batch):
        return None
    torch.as_tensor(elem)  # refuses dtypes torch has no tensor type for, with its message
    return _wrap(np.stack(batch))


def collate_numpy_scalar_fn(batch, *, collate_fn_map=None):
    """NumPy scalars keep their dtype: ``as_tensor(batch)``."""
    return torch.as_tensor(batch)


def collate_float_fn(batch, *, collate_fn_map=None):
    """Python floats become a float64 tensor (not the default float32)."""
    return torch.tensor(batch, dtype=torch.float64)


def collate_int_fn(batch, *, collate_fn_map=None):
    """Python ints become int64, bools become bool: ``torch.tensor(batch)``. Plain ints
    (the usual labels) skip its general inference: their NumPy array is that int64."""
    if all(type(b) is int for b in batch):
        array = np.array(batch)
        if array.dtype == np.int64:
            return _wrap(array)
    return torch.tensor(batch)


def collate_str_fn(batch, *, collate_fn_map=None):
    """Strings and bytes are not tensors: the list is returned as it is."""
    return batch


default_collate_fn_map = {
    torch.Tensor: collate_tensor_fn,
    np.ndarray: collate_numpy_array_fn,  # np.memmap too, as a subclass
    (np.bool_, np.number, np.object_): collate_numpy_scalar_fn,  # not string scalars
    float: collate_float_fn,
    int: collate_int_fn,
    str: collate_str_fn,
    bytes: collate_str_fn,
}
_PRISTINE_DEFAULT_MAP = dict(default_collate_fn_map)


def _default_map_untouched():
    """True while nobody has edited ``default_collate_fn_map`` in place (torch's
    documented way to extend default_collate); shortcuts that bypass it check this."""
    return default_collate_fn_map == _PRISTINE_DEFAULT_MAP


def default_collate(batch):
    """Collate a list of samples into a batch by torch's default rules (the table in the
    module docstring): ``collate`` with ``default_collate_fn_map``.

    Example: ``default_collate([(0, 1.5), (2, 3.5)])`` is
    ``[tensor([0, 2]), tensor([1.5000, 3.5000], dtype=torch.float64)]``.
    """
    return collate(batch, collate_fn_map=default_collate_fn_map)
