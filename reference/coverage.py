"""``python -m reference.coverage`` (or ``python -m minitorch_compat coverage``): which of
torch's public names exist in minitorch_compat.

For each namespace a learner reaches into (``torch``, ``torch.Tensor``, ``torch.nn``...,
and torchvision's ``datasets``/``transforms``/``models``/``utils``) this lists the public
names of the *installed* torch and torchvision, split into the ones minitorch_compat has
and the ones it lacks, with a percentage. ``--write docs/coverage.md`` saves the same
report as Markdown (the repository keeps that file current: ``tests/test_coverage.py``
fails when it is stale and says how to regenerate it).

It lives in ``reference/`` because it imports real torch and torchvision, which
minitorch_compat itself never does (torch is a test and reference dependency, not a
runtime one); ``python -m minitorch_compat coverage`` hands over to this module.

What counts as a public name of a torch module: every name of ``dir(module)`` that does
not start with ``_`` and that torch itself defines -- its functions, classes, dtypes and
plain constants (``torch.pi``) -- but not what it merely imports (``os``, ``typing``),
plus the public submodules in the package's directory (``torch.linalg``). For ``torch.Tensor``, every attribute without a leading underscore. A name
counts as present here when our matching module (``torch.nn`` -> ``minitorch_compat.nn``,
``torchvision.x`` -> ``minitorch_compat.vision.x``, the same mapping
``python -m minitorch_compat run`` uses) has an attribute of that name.
"""
import argparse
import importlib
import importlib.util
import inspect
import pkgutil
import sys
import textwrap

from minitorch_compat._run import _real_name

# (title, torch's module, attribute of that module or None for the module itself)
NAMESPACES = [
    ("torch", "torch", None),
    ("Tensor", "torch", "Tensor"),
    ("nn", "torch.nn", None),
    ("nn.functional", "torch.nn.functional", None),
    ("optim", "torch.optim", None),
    ("optim.lr_scheduler", "torch.optim.lr_scheduler", None),
    ("utils.data", "torch.utils.data", None),
    ("torchvision.datasets", "torchvision.datasets", None),
    ("torchvision.transforms", "torchvision.transforms", None),
    ("torchvision.models", "torchvision.models", None),
    ("torchvision.utils", "torchvision.utils", None),
]

_OWN_ROOTS = ("torch", "torchvision")


def _defined_by_torch(obj):
    """True for torch's own objects and plain constants; False for modules it imports."""
    if inspect.ismodule(obj):
        return obj.__name__.split(".")[0] in _OWN_ROOTS
    if inspect.isclass(obj) or callable(obj):
        origin = getattr(obj, "__module__", None) or ""
    else:
        origin = type(obj).__module__
    return origin.split(".")[0] in _OWN_ROOTS + ("builtins",)


def public_names(obj, is_class=False):
    """The public names of one torch namespace (a module, or a class such as Tensor).

    A package's submodules are taken from its directory, not from ``dir()``: torch loads
    some lazily, so ``dir(torch)`` depends on what the process happened to import."""
    names = [n for n in dir(obj) if not n.startswith("_")]
    if is_class:
        return sorted(names)
    names = {n for n in names if not inspect.ismodule(getattr(obj, n, None)) and _defined_by_torch(getattr(obj, n, None))}
    names.update(m.name for m in pkgutil.iter_modules(getattr(obj, "__path__", [])) if not m.name.startswith("_"))
    return sorted(names)


def _ours(torch_module, attr):
    """Our counterpart of a torch namespace, or None when we have no such module."""
    try:
        ours = importlib.import_module(_real_name(torch_module))
    except ModuleNotFoundError:
        return None
    return ours if attr is None else getattr(ours, attr, None)


def _has(ours, name):
    """An attribute of ours, or a submodule of ours not imported yet (``run`` imports those on
    first use, so they count, whatever this process happened to import before)."""
    if hasattr(ours, name):
        return True
    if not hasattr(ours, "__path__"):  # a class or a plain module: no submodules
        return False
    return importlib.util.find_spec(f"{ours.__name__}.{name}") is not None


def measure():
    """[(title, have, missing)] for every namespace, from the installed torch/torchvision."""
    rows = []
    for _, module, _ in NAMESPACES:  # first import them all: imports add attributes to other modules
        importlib.import_module(module)
    for title, module, attr in NAMESPACES:
        theirs = importlib.import_module(module)
        if attr is not None:
            theirs = getattr(theirs, attr)
        names = public_names(theirs, is_class=attr is not None)
        ours = _ours(module, attr)
        have = [n for n in names if ours is not None and _has(ours, n)]
        missing = [n for n in names if n not in set(have)]
        rows.append((title, have, missing))
    return rows


def _percent(have, missing):
    total = len(have) + len(missing)
    return 100.0 * len(have) / total if total else 100.0


def _versions():
    import torch
    import torchvision
    return f"torch {torch.__version__.split('+')[0]}, torchvision {torchvision.__version__.split('+')[0]}"


def summary_table(rows):
    lines = [f"{'namespace':<24} {'have':>5} {'total':>6} {'%':>6}"]
    for title, have, missing in rows:
        lines.append(f"{title:<24} {len(have):>5} {len(have) + len(missing):>6} {_percent(have, missing):>5.1f}%")
    have_all = sum(len(h) for _, h, _ in rows)
    total_all = sum(len(h) + len(m) for _, h, m in rows)
    lines.append(f"{'all':<24} {have_all:>5} {total_all:>6} {100.0 * have_all / total_all:>5.1f}%")
    return "\n".join(lines)


def text_report(rows):
    """What the command prints: the summary, then each namespace's names."""
    out = [f"minitorch_compat coverage of the public names of the installed {_versions()}", "",
           summary_table(rows)]
    for title, have, missing in rows:
        for label, names in (("have", have), ("missing", missing)):
            out += ["", f"{title}: {label} ({len(names)})"]
            out.append(textwrap.fill(" ".join(names), 100, initial_indent="  ", subsequent_indent="  ") or "  -")
    return "\n".join(out) + "\n"


def markdown_report(rows):
    """The same report as Markdown (docs/coverage.md)."""
    regenerate = "python -m minitorch_compat coverage --write docs/coverage.md"
    out = ["# What minitorch_compat implements", "",
           f"The public names of the installed {_versions()}, namespace by namespace, and which",
           "of them minitorch_compat has. Generated by `python -m minitorch_compat coverage`; do not",
           f"edit by hand: regenerate with `{regenerate}`.",
           "A name counts as present when our module has an attribute of that name (see",
           "`reference/coverage.py` for what counts as a public name).", "",
           "| namespace | have | total | % |", "|---|---:|---:|---:|"]
    for title, have, missing in rows:
        out.append(f"| [{title}](#{title.lower().replace('.', '')}) | {len(have)} | {len(have) + len(missing)} "
                   f"| {_percent(have, missing):.1f} |")
    for title, have, missing in rows:
        out += ["", f"## {title}", "",
                f"**Missing ({len(missing)}):** " + (", ".join(f"`{n}`" for n in missing) or "none"), "",
                f"**Have ({len(have)}):** " + (", ".join(f"`{n}`" for n in have) or "none")]
    return "\n".join(out) + "\n"


def main(argv):
    parser = argparse.ArgumentParser(prog="python -m minitorch_compat coverage",
                                     description="Which public names of the installed torch/torchvision exist here.")
    parser.add_argument("--write", metavar="PATH", help="write the report as Markdown to PATH (docs/coverage.md)")
    parser.add_argument("--namespace", action="append", choices=[t for t, _, _ in NAMESPACES],
                        help="only this namespace (repeatable)")
    args = parser.parse_args(argv)
    try:
        rows = measure()
    except ModuleNotFoundError as e:
        print(f"minitorch_compat coverage: needs the reference packages installed ({e})", file=sys.stderr)
        return 2
    if args.write:
        with open(args.write, "w", encoding="utf-8") as f:
            f.write(markdown_report(rows))
        print(summary_table(rows))
        print(f"wrote {args.write}")
        return 0
    if args.namespace:
        rows = [r for r in rows if r[0] in args.namespace]
    sys.stdout.write(text_report(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
