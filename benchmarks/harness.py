"""Timing helpers shared by the benchmark scripts.

Each measurement alternates the two engines (torch, ours, torch, ours...) inside one
process, so machine load drifts affect both alike, and reports medians of wall time --
or, on one thread, the least CPU time (see ``compare``). torch gets the same number of
threads as NumPy's BLAS has, so neither side wins by using more cores.

Every benchmark module has ``run(quick=False, tiny=False) -> list[Row]`` (``tiny``: the
smallest sizes, only to check that the code runs) and its own ``main`` for running it
alone; ``benchmarks/run.py`` runs them all.
"""
import statistics
import time
from typing import NamedTuple, Optional


class Row(NamedTuple):
    """One line of the report. Times in seconds (or bytes where ``unit == "bytes"``).

    ``numpy``: the hand-written NumPy floor for the same work, where there is one.
    ``cuda``: torch on a CUDA device, where one is available.
    """
    name: str
    torch: float
    ours: float
    target: Optional[float] = None   # the most ours/torch may be
    numpy: Optional[float] = None
    cuda: Optional[float] = None
    group: str = ""
    unit: str = "s"

    @property
    def ratio(self):
        return self.ours / self.torch if self.torch else float("nan")


def match_threads():
    import torch
    try:
        from threadpoolctl import threadpool_info
        n = max(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas")
    except Exception:  # threadpoolctl missing: leave torch's default
        return torch.get_num_threads()
    torch.set_num_threads(n)
    return n


def cuda_device():
    """``"cuda"`` when real torch sees a GPU, else None (the CUDA columns are then skipped)."""
    import torch
    return "cuda" if torch.cuda.is_available() else None


def time_once(fn, number, clock=time.perf_counter):
    t0 = clock()
    for _ in range(number):
        fn()
    return (clock() - t0) / number


def compare(fn_torch, fn_ours, *more, number=1, repeats=5, warmup=1, budget=None, cpu=None):
    """Seconds per call for each engine (``more``: further functions, such as the NumPy
    floor), measured alternately: torch, ours, ..., torch, ours, ...

    ``budget`` (seconds): choose ``number`` so that one repeat of the slowest engine takes
    about that long (for ops whose cost ranges from microseconds to seconds).
    ``cpu``: report the *least* CPU time of this process over the repeats instead of the
    median wall time. On a busy shared machine other processes inflate wall time, and
    never make a run cheaper than it is; but CPU time adds up all threads and misses
    other processes. So the default (``None``) is CPU time exactly when torch runs on one
    thread (then NumPy's BLAS does too, see ``match_threads``); pass ``cpu=False`` for work
    done in other processes (DataLoader workers).
    """
    if cpu is None:
        import torch
        cpu = torch.get_num_threads() == 1
    clock, pick = (time.process_time, min) if cpu else (time.perf_counter, statistics.median)
    fns = (fn_torch, fn_ours) + more
    for _ in range(warmup):
        for fn in fns:
            fn()
    if budget is not None:
        slowest = max(time_once(fn, 1) for fn in fns)
        number = max(1, min(10_000, int(budget / max(slowest, 1e-7))))
    times = [[] for _ in fns]
    for _ in range(repeats):
        for fn, t in zip(fns, times):
            t.append(time_once(fn, number, clock))
    return tuple(pick(t) for t in times)


def profile_step(step, top=15, runs=5):
    """Where our time goes: ``step`` once to warm up, then ``runs`` times under cProfile;
    prints the ``top`` functions by own time (each benchmark's ``--profile``)."""
    import cProfile
    import pstats
    step()
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(runs):
        step()
    prof.disable()
    pstats.Stats(prof).sort_stats("tottime").print_stats(top)


def median_time(fn, number=1, repeats=5, warmup=1):
    """Median seconds per call of one function (torch on CUDA, timed apart from the CPU engines)."""
    for _ in range(warmup):
        fn()
    return statistics.median(time_once(fn, number) for _ in range(repeats))


def fmt_time(s):
    return f"{s * 1e3:9.3f} ms" if s >= 1e-3 else f"{s * 1e6:9.1f} us"


def fmt_value(v, unit="s"):
    if v is None:
        return ""
    return f"{v / 2**20:9.1f} MB" if unit == "bytes" else fmt_time(v)


def print_table(rows):
    """rows: ``Row``s, or plain ``(name, torch_seconds, ours_seconds[, target])`` tuples."""
    rows = [r if isinstance(r, Row) else Row(*r) for r in rows]
    extra = any(r.numpy is not None for r in rows), any(r.cuda is not None for r in rows)
    head = f"{'benchmark':<48} {'torch':>12} {'minitorch':>12} {'ratio':>6} {'target':>7}"
    head += f" {'numpy floor':>12}" * extra[0] + f" {'torch cuda':>12}" * extra[1]
    print(head)
    for r in rows:
        target = f"<={r.target:.2f}" if r.target is not None else ""
        mark = "" if r.target is None else (" " if r.ratio <= r.target else "!")
        line = (f"{r.name:<48} {fmt_value(r.torch, r.unit):>12} {fmt_value(r.ours, r.unit):>12} "
                f"{r.ratio:6.2f} {target:>6}{mark}")
        if extra[0]:
            line += f" {fmt_value(r.numpy, r.unit):>12}"
        if extra[1]:
            line += f" {fmt_value(r.cuda, r.unit):>12}"
        print(line)


def run_and_print(run, quick=False):
    """A bench module's ``main``: match threads, run its benchmarks, print the table."""
    threads = match_threads()
    rows = run(quick)
    print(f"threads: {threads}")
    print_table(rows)
    return rows
