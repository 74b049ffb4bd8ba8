"""The reading guide cannot drift from the code it points to.

``docs/reading-guide.md`` and ``reference/numpy_quickstart.py`` name code by *anchors*,
``path/to/file.py::Qualified.name``: a file (from the repository root, or, for a path
whose first part is an installed package that is not in the repository, such as
``torch/``, from that package's install folder) and a function, class, method or
module-level name as ``__qualname__`` spells it. Three checks:

* every anchor resolves: the file exists and defines that name (found in the file's
  syntax tree, so the name must be *defined* there, not merely imported);
* every stop of the guide (a list item that starts with an anchor) carries a mark,
  *read* or *skim (...)*;
* the data half shows the functions one training step really runs: for each dataset
  kind, the ``minitorch_compat/utils/data`` functions that one steady-state ``next()``
  enters, in the order it first enters them, appear among the guide's anchors in that
  order. (To cover the model half the same way, add a case to ``PATHS``.)
"""
import ast
import importlib.util
import os
import re
import sys
from pathlib import Path

import numpy as np
import pytest

import minitorch_compat as torch
from minitorch_compat.utils.data import DataLoader, Dataset, TensorDataset

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "reading-guide.md"
ANNOTATED = [GUIDE, ROOT / "reference" / "numpy_quickstart.py"]

ANCHOR = re.compile(r"((?:[\w.-]+/)*[\w-]+\.py)::([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)")
STOP = re.compile(r"^\s*(?:[-*]|\d+\.)\s+`" + ANCHOR.pattern + "`")
MARK = re.compile(r"\*(?:read|skim \([^)]+\))\*")


def anchors(path):
    return [m.group(0) for m in ANCHOR.finditer(path.read_text())]


def source_file(path):
    """The file an anchor's path names: in the repository, else in an installed package."""
    local = ROOT / path
    if local.exists():
        return local
    spec = importlib.util.find_spec(path.split("/")[0])
    if spec is None or not spec.submodule_search_locations:
        return None
    candidate = Path(list(spec.submodule_search_locations)[0]).parent / path
    return candidate if candidate.exists() else None


def _defined_in(body, name):
    """The node in ``body`` (a list of statements) that defines ``name``, or None."""
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name:
            return node
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return node
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == name:
            return node
        if isinstance(node, (ast.If, ast.Try)):  # definitions under `if TYPE_CHECKING:`, `try: import ...`
            inner = [s for block in (node.body, node.orelse, getattr(node, "finalbody", [])) for s in block]
            inner += [s for h in getattr(node, "handlers", []) for s in h.body]
            found = _defined_in(inner, name)
            if found is not None:
                return found
    return None


def resolve(anchor):
    """None when ``anchor`` resolves, else why it does not."""
    path, qualname = anchor.split("::")
    file = source_file(path)
    if file is None:
        return f"no file {path}"
    node = ast.parse(file.read_text())
    for part in qualname.split("."):
        node = _defined_in(getattr(node, "body", []), part)
        if node is None:
            return f"{path} defines no {qualname} (missing: {part})"
    return None


ALL_ANCHORS = sorted({(p.relative_to(ROOT).as_posix(), a) for p in ANNOTATED for a in anchors(p)})


def test_guide_and_reference_have_anchors():
    for path in ANNOTATED:
        assert len(anchors(path)) >= 10, path


@pytest.mark.parametrize("where,anchor", ALL_ANCHORS, ids=[f"{w}:{a}" for w, a in ALL_ANCHORS])
def test_anchor_resolves(where, anchor):
    assert resolve(anchor) is None, (where, resolve(anchor))


def test_resolver_rejects_what_does_not_exist():
    assert resolve("minitorch_compat/utils/data/sampler.py::RandomSampler.__iter__") is None
    assert resolve("torch/utils/data/sampler.py::RandomSampler.__iter__") is None
    assert "missing: __next__" in resolve("minitorch_compat/utils/data/sampler.py::RandomSampler.__next__")
    assert "no file" in resolve("minitorch_compat/utils/data/no_such_file.py::RandomSampler")
    # imported into a module is not defined there
    assert resolve("minitorch_compat/utils/data/dataloader.py::BatchSampler") is not None


def stops(text):
    """The guide's stops: each list item that starts with an anchor, with its
    continuation lines joined."""
    items, current = [], None
    for line in text.splitlines():
        if STOP.match(line):
            current = [line]
            items.append(current)
        elif current is not None and line.startswith(" ") and not re.match(r"\s*(?:[-*]|\d+\.)\s", line):
            current.append(line)
        else:
            current = None
    return [" ".join(s.strip() for s in item) for item in items]


def test_every_stop_is_marked():
    found = stops(GUIDE.read_text())
    assert len(found) >= 10
    unmarked = [item for item in found if not MARK.search(item)]
    assert not unmarked


# ---- the data half is the path one step runs ----------------------------------------
class Digits(Dataset):
    """The textbook map-style dataset: ``(tensor, int)`` per ``__getitem__``."""

    def __init__(self, n=256):
        rng = np.random.default_rng(0)
        self.x = rng.random((n, 1, 8, 8), dtype=np.float32)
        self.y = rng.integers(0, 10, n)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return torch.from_numpy(self.x[i]), int(self.y[i])


def steady_state_data_step(dataset):
    """One ``next()`` of a shuffled batch-64 loader after the first (which seeds the epoch)."""
    it = iter(DataLoader(dataset, batch_size=64, shuffle=True))
    next(it)
    return lambda: next(it)


def tensor_dataset():
    d = Digits()
    return TensorDataset(torch.from_numpy(d.x), torch.from_numpy(d.y))


PATHS = {
    "map-style __getitem__ (path A)": (lambda: steady_state_data_step(Digits()), "minitorch_compat/utils/data/"),
    "TensorDataset (path B)": (lambda: steady_state_data_step(tensor_dataset()), "minitorch_compat/utils/data/"),
}


def functions_entered(step, prefix):
    """Anchors of the functions under ``prefix`` that ``step()`` enters, in first-entry order."""
    order = []

    def profiler(frame, event, arg):
        code = frame.f_code
        if event != "call" or "<" in code.co_qualname:  # not comprehensions, not C calls
            return
        path = os.path.relpath(code.co_filename, ROOT).replace(os.sep, "/")
        if path.startswith(prefix) and f"{path}::{code.co_qualname}" not in order:
            order.append(f"{path}::{code.co_qualname}")

    sys.setprofile(profiler)
    try:
        step()
    finally:
        sys.setprofile(None)
    return order


def is_subsequence(needles, haystack):
    rest = iter(haystack)
    return all(any(n == h for h in rest) for n in needles)


@pytest.mark.parametrize("name", list(PATHS))
def test_guide_follows_the_path_one_step_runs(name):
    make_step, prefix = PATHS[name]
    entered = functions_entered(make_step(), prefix)
    assert len(entered) >= 5, entered
    listed = [a for a in anchors(GUIDE) if a.startswith(prefix)]
    missing = [a for a in entered if a not in listed]
    assert not missing, f"the guide does not show {missing}"
    assert is_subsequence(entered, listed), f"the guide shows these out of order: {entered}"
