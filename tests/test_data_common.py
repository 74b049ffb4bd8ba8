"""Shared helpers for the torch.utils.data equivalence tests (no tests here).

Batches are compared with ``helpers.assert_same_structure`` (exact: container types,
keys, lengths, and each tensor's dtype, shape and values).
"""
import re

import numpy as np
import torch

import minitorch_compat as mt


def outcome(fn):
    """``("ok", value)`` or ``("raise", type name, message)`` for comparing errors."""
    try:
        return ("ok", fn())
    except Exception as e:  # noqa: BLE001 - we compare whatever is raised
        return ("raise", type(e).__name__, normalise(str(e)))


def normalise(msg):
    """Hide what legitimately differs between the libraries in reprs: addresses and the
    module paths of our classes."""
    msg = re.sub(r" at 0x[0-9a-f]+", " at 0x?", msg)
    return msg.replace("minitorch_compat", "torch")


def tensor_pair(array):
    """The same array as (ours, torch's) tensors."""
    return mt.tensor(array), torch.tensor(array)
