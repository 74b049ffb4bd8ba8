"""``python -m minitorch_compat coverage`` and the generated ``docs/coverage.md``.

The report is computed from the installed torch/torchvision, so these tests check it
against torch directly: every name it calls present exists on our side, every name it
calls missing does not, and every public name torch has is in one of the two lists.
``docs/coverage.md`` must be exactly what the command writes now.
"""
import importlib
import os
import subprocess
import sys

import pytest
import torch

import minitorch_compat as mt
from reference import coverage as _coverage

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOC = os.path.join(ROOT, "docs", "coverage.md")
REGENERATE = "python -m minitorch_compat coverage --write docs/coverage.md"


@pytest.fixture(scope="module")
def rows():
    return _coverage.measure()


def test_docs_coverage_md_is_current(rows):
    with open(DOC, encoding="utf-8") as f:
        written = f.read()
    fresh = _coverage.markdown_report(rows)
    if written != fresh:
        old = {line for line in written.splitlines() if line.startswith("| [")}
        new = {line for line in fresh.splitlines() if line.startswith("| [")}
        changed = "\n".join(sorted(new - old)) or "(only the name lists differ)"
        pytest.fail(f"docs/coverage.md is stale: names were added or removed since it was generated.\n"
                    f"Regenerate it from the repository root with:\n    {REGENERATE}\n"
                    f"Rows now:\n{changed}")


def test_every_public_name_is_sorted_into_have_or_missing(rows):
    by_title = {title: (have, missing) for title, have, missing in rows}
    have, missing = by_title["Tensor"]
    assert sorted(have + missing) == sorted(n for n in dir(torch.Tensor) if not n.startswith("_"))
    assert all(hasattr(mt.Tensor, n) for n in have) and not any(hasattr(mt.Tensor, n) for n in missing)
    have, missing = by_title["nn"]
    assert all(hasattr(mt.nn, n) or importlib.import_module(f"minitorch_compat.nn.{n}") for n in have)
    assert not any(hasattr(mt.nn, n) for n in missing)
    assert "Linear" in have and "functional" in have


def test_public_names_keep_torch_objects_and_drop_its_imports():
    names = _coverage.public_names(torch)
    assert {"tensor", "float32", "nn", "pi", "Tensor"} <= set(names)
    assert not {"os", "sys", "typing", "math"} & set(names)  # modules torch imports, not its API
    assert not any(n.startswith("_") for n in names)


def test_namespaces_we_lack_entirely_count_as_missing():
    # a torch module with no counterpart here (our _ours returns None) has no names present
    assert _coverage._ours("torch.no_such_module", None) is None


def test_command_prints_summary_and_names(capsys):
    from minitorch_compat.__main__ import main
    assert main(["coverage", "--namespace", "optim"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("minitorch_compat coverage of the public names of the installed torch ")
    row = next(line for line in lines if line.startswith("optim "))
    have, total = (int(x) for x in row.split()[1:3])
    assert total == len(_coverage.public_names(torch.optim))
    assert f"optim: have ({have})" in out and f"optim: missing ({total - have})" in out
    assert "SGD" in out and "nn.functional:" not in out


def test_write_saves_the_markdown_report(tmp_path, capsys, rows):
    from minitorch_compat.__main__ import main
    path = tmp_path / "coverage.md"
    assert main(["coverage", "--write", str(path)]) == 0
    assert path.read_text(encoding="utf-8") == _coverage.markdown_report(rows)
    assert f"wrote {path}" in capsys.readouterr().out


def test_importing_minitorch_compat_never_imports_torch():
    code = "import minitorch_compat, minitorch_compat.__main__, sys; print('torch' in sys.modules)"
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       env=dict(os.environ, PYTHONPATH=ROOT), cwd=ROOT, timeout=120)
    assert p.returncode == 0 and p.stdout == "False\n", p.stderr
