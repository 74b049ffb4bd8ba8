"""Run every benchmark, minitorch_compat against torch: ``make bench``, or

    python -m benchmarks.run [--quick] [--out DIR] [--threads both|default|1] [--only NAMES]

For each thread setting the benchmarks run in a fresh process (NumPy's BLAS reads its
thread count from the environment when it loads):

* ``default``: NumPy's BLAS with its default thread count, torch given the same number;
* ``1``: ``OPENBLAS_NUM_THREADS=1`` (and the OpenMP/MKL equivalents) and
  ``torch.set_num_threads(1)``. On a shared, busy machine these numbers are far more
  stable: multi-threaded GEMMs stall whenever another process holds a core.

Inside a process every benchmark alternates the engines run by run and reports medians
of wall time, or on one thread the least CPU time (``benchmarks/harness.py``). Peak memory is measured once (default threads), each engine
in its own process (``benchmarks/bench_memory.py``). Where real torch sees a GPU, the training epoch and the
CNN step are also timed with torch on CUDA, beside the CPU numbers; without one that
column is left out.

Writes ``DIR/bench.json`` (every number, plus the machine and versions) and
``DIR/bench.png`` (ours/torch ratios, targets marked) and prints one table per setting.
``--quick`` runs smaller sizes and fewer repeats; ``--tiny`` only checks that everything
runs (the smoke test uses it). DIR defaults to ``out/bench``.
"""
import argparse
import datetime
import importlib
import json
import os
import platform
import subprocess
import sys
import tempfile

from .harness import Row, print_table

# Every timing benchmark, by short name: the module in benchmarks/ with run(quick, tiny).
MODULES = {"training": "bench_training", "core": "bench_core", "data": "bench_dataloader", "cnn": "bench_cnn",
           "rnn": "bench_rnn", "random": "bench_random"}
SINGLE_THREAD_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# ---- the worker: one thread setting, in its own process ---------------------------------
def _worker(setting, names, quick, tiny, json_path):
    import torch

    from .harness import cuda_device, match_threads
    if setting == "1":
        torch.set_num_threads(1)
    threads = match_threads()  # torch gets as many threads as NumPy's BLAS has
    rows = []
    for name in names:
        module = importlib.import_module(f"benchmarks.{MODULES[name]}")
        rows += module.run(quick=quick, tiny=tiny)
    result = {"setting": setting, "threads": threads, "cuda": cuda_device() is not None,
              "rows": [dict(r._asdict(), ratio=r.ratio) for r in rows]}
    with open(json_path, "w") as f:
        json.dump(result, f)


def _run_setting(setting, names, quick, tiny):
    env = dict(os.environ, **(SINGLE_THREAD_ENV if setting == "1" else {}))
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "rows.json")
        cmd = [sys.executable, "-m", "benchmarks.run", "--worker", setting, "--json", path,
               "--only", ",".join(names)] + ["--quick"] * quick + ["--tiny"] * tiny
        subprocess.run(cmd, env=env, cwd=ROOT, check=True)
        with open(path) as f:
            return json.load(f)


# ---- the report -------------------------------------------------------------------------
def _as_rows(dicts):
    """JSON row dicts back to ``Row``s (``ratio`` is derived, so it is dropped)."""
    return [Row(**{k: v for k, v in d.items() if k != "ratio"}) for d in dicts]


def _versions():
    """Installed versions, read without importing torch in this (parent) process."""
    from importlib import metadata
    versions = {"python": platform.python_version()}
    for name in ("numpy", "torch", "minitorch_compat"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def _print_report(report):
    for result in report["settings"]:
        print(f"\n== {_label(result['setting'])}: NumPy BLAS and torch on {result['threads']} thread(s) ==")
        print_table(_as_rows(result["rows"]))
    if report["memory"]:
        print("\n== peak memory (each engine in its own process; resource.getrusage maxrss) ==")
        print_table(_as_rows(report["memory"]))
    if report["cuda"] is False:
        print("\nCUDA: torch.cuda.is_available() is False here, so the torch-on-CUDA timings were skipped.")
    targets = [(r, result["setting"]) for result in report["settings"] for r in _as_rows(result["rows"])
               if r.target is not None]
    if targets:
        print("\ntargets (ours/torch time):")
        for r, setting in targets:
            verdict = "met" if r.ratio <= r.target else "NOT met"
            print(f"  {r.name:<48} [{setting:>7}] {r.ratio:5.2f} <= {r.target:.2f}: {verdict}")


def plot(report, path):
    """Horizontal bars of ours/torch per benchmark and thread setting (log scale, ratio
    written at the bar's end); targets as red ticks, the NumPy floor (numpy/torch) as
    black dots, torch on CUDA (cuda/cpu) as green diamonds, parity as a dashed line;
    peak memory in grey below."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    # one entry per bar: (row dict, colour); rows of the same benchmark share a label
    series = [(result["rows"], color, f"{_label(result['setting'])} ({result['threads']})")
              for result, color in zip(report["settings"], ("tab:blue", "tab:orange"))]
    series.append((report["memory"], "tab:gray", "peak memory (RSS)"))
    names = []
    for rows, _, _ in series:
        names += [r["name"] for r in rows if r["name"] not in names]
    height = 0.8 / max(1, len(report["settings"]))
    fig, ax = plt.subplots(figsize=(11, 0.4 * len(names) + 2.2))
    legend = []
    for k, (rows, color, label) in enumerate(series):
        if not rows:
            continue
        legend.append(Patch(color=color, label=label))
        offset = 0 if color == "tab:gray" else (k - (len(report["settings"]) - 1) / 2) * height
        for r in rows:
            y = names.index(r["name"]) + offset
            ax.barh(y, r["ratio"], height=height, color=color)
            ax.text(r["ratio"] * 1.03, y, f"{r['ratio']:.2f}", va="center", fontsize=7)
            if r["target"] is not None:
                ax.plot([r["target"]] * 2, [y - height / 2, y + height / 2], color="red", lw=2.5)
            if r["numpy"] is not None and r["unit"] == "s":
                ax.plot(r["numpy"] / r["torch"], y, "ko", ms=4)
            if r["cuda"] is not None:
                ax.plot(r["cuda"] / r["torch"], y, "gD", ms=5)
    legend += [Line2D([], [], color="red", lw=2.5, label="target (at most)"),
               Line2D([], [], color="k", marker="o", ls="", ms=4, label="NumPy floor / torch")]
    if report["cuda"]:
        legend.append(Line2D([], [], color="g", marker="D", ls="", ms=5, label="torch CUDA / torch CPU"))
    ax.axvline(1.0, color="k", ls="--", lw=1)
    ax.set_xscale("log")
    ax.set_yticks(range(len(names)), names, fontsize=8)
    ax.set_ylim(len(names) - 0.5, -0.5)
    ax.set_xlabel("minitorch_compat / torch  (time; memory for the grey bars; lower is better)")
    ax.set_title(f"minitorch_compat vs torch {report['versions']['torch']}, {report['size']} run, "
                 f"{report['machine']['cpus']} CPU(s)")
    fig.legend(handles=legend, fontsize=8, loc="lower center", ncol=len(legend))
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _label(setting):
    return "default threads" if setting == "default" else "1 thread"


def main(argv=None):
    parser = argparse.ArgumentParser(description="Time minitorch_compat against torch (see benchmarks/run.py).")
    parser.add_argument("--quick", action="store_true", help="smaller sizes and fewer repeats")
    parser.add_argument("--tiny", action="store_true", help="tiny sizes: only checks that everything runs")
    parser.add_argument("--out", default=os.path.join(ROOT, "out", "bench"), help="where bench.json/bench.png go")
    parser.add_argument("--threads", choices=("both", "default", "1"), default="both")
    parser.add_argument("--only", default=",".join(list(MODULES) + ["memory"]),
                        help=f"comma-separated subset of: {', '.join(MODULES)}, memory")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--json", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    names = [n for n in args.only.split(",") if n]
    unknown = set(names) - set(MODULES) - {"memory"}
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    timing = [n for n in names if n in MODULES]
    if args.worker:
        _worker(args.worker, timing, args.quick, args.tiny, args.json)
        return None

    started = datetime.datetime.now().isoformat(timespec="seconds")
    load_before = os.getloadavg()
    settings = ["default", "1"] if args.threads == "both" else [args.threads]
    results = [_run_setting(s, timing, args.quick, args.tiny) for s in settings] if timing else []
    memory = []
    if "memory" in names:
        from . import bench_memory
        memory = [dict(r._asdict(), ratio=r.ratio) for r in bench_memory.run(quick=args.quick, tiny=args.tiny)]
    report = {
        "started": started,
        "size": "tiny" if args.tiny else "quick" if args.quick else "full",
        "machine": {"platform": platform.platform(), "processor": platform.processor(), "cpus": os.cpu_count(),
                    "load_average_before": load_before, "load_average_after": os.getloadavg()},
        "versions": _versions(),
        "cuda": any(r["cuda"] for r in results) if results else None,  # None: nothing timed
        "settings": results,
        "memory": memory,
    }
    os.makedirs(args.out, exist_ok=True)
    json_path, png_path = os.path.join(args.out, "bench.json"), os.path.join(args.out, "bench.png")
    with open(json_path, "w") as f:
        json.dump(report, f, indent=1)
    plot(report, png_path)
    _print_report(report)
    print(f"\nwrote {json_path} and {png_path}")
    return report


if __name__ == "__main__":
    main()
