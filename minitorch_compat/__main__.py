"""Command line: ``python -m minitorch_compat run script.py [args...]`` and ``... coverage``.

``run`` runs an unmodified PyTorch script with ``torch`` and ``torchvision`` served by
minitorch_compat (see ``minitorch_compat/_run.py`` for how). Everything after the script
path is passed to the script as its ``sys.argv[1:]``. A script that reaches an API we
lack exits with status 1.

``coverage`` lists which public names of the installed torch/torchvision exist here
(``--write docs/coverage.md`` saves it as Markdown). It compares with real torch, so it
lives with the reference code: this hands over to ``reference/coverage.py``.

Usage errors print one line and exit with status 2.
"""
import os
import sys

USAGE = ("usage: python -m minitorch_compat run SCRIPT.py [ARGS...]\n"
         "       python -m minitorch_compat coverage [--write PATH] [--namespace NAME]")
_SHORT = "python -m minitorch_compat run SCRIPT.py [ARGS...] | coverage [--write PATH]"


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] in (["-h"], ["--help"]):
        print(USAGE + "\n\nrun: a PyTorch script with `import torch` / `import torchvision` served by minitorch_compat."
              "\ncoverage: which public names of the installed torch/torchvision exist here.")
        return 0
    if argv[:1] == ["coverage"]:
        from reference.coverage import main as coverage  # (it imports real torch: see there)
        return coverage(argv[1:])
    if not argv or argv[0] != "run":
        got = f"unknown command {argv[0]!r}" if argv else "missing command"
        print(f"minitorch_compat: {got}; the commands are 'run' and 'coverage' ({_SHORT})", file=sys.stderr)
        return 2
    if len(argv) < 2:
        print(f"minitorch_compat: missing the script to run ({_SHORT})", file=sys.stderr)
        return 2
    script = argv[1]
    if not os.path.isfile(script):
        print(f"minitorch_compat: no such script: {script} ({_SHORT})", file=sys.stderr)
        return 2
    from ._run import run_script
    return run_script(script, argv[2:])


if __name__ == "__main__":
    sys.exit(main())
