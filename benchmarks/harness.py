"""Timing helpers shared by the benchmark scripts.

Each measurement alternates the two engines (torch, ours, torch, ours...) inside one
process, so machine load drifts affect both alike, and reports medians. torch gets the
same number of threads as NumPy's BLAS has, so neither side wins by using more cores.
"""
import statistics
import time


def match_threads():
    import torch
    try:
        from threadpoolctl import threadpool_info
        n = max(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas")
    except Exception:  # threadpoolctl missing: leave torch's default
        return torch.get_num_threads()
    torch.set_num_threads(n)
    return n


def time_once(fn, number):
    t0 = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - t0) / number


def compare(fn_torch, fn_ours, number=1, repeats=5, warmup=1):
    """Median seconds per call for each engine, measured alternately."""
    for _ in range(warmup):
        fn_torch()
        fn_ours()
    a, b = [], []
    for _ in range(repeats):
        a.append(time_once(fn_torch, number))
        b.append(time_once(fn_ours, number))
    return statistics.median(a), statistics.median(b)


def fmt_time(s):
    return f"{s * 1e3:9.3f} ms" if s >= 1e-3 else f"{s * 1e6:9.1f} us"


def print_table(rows):
    """rows: (name, torch_seconds, ours_seconds[, target])."""
    print(f"{'benchmark':<44} {'torch':>12} {'minitorch':>12} {'ratio':>7} {'target':>7}")
    for row in rows:
        name, tt, to = row[:3]
        target = f"<={row[3]:.2f}" if len(row) > 3 and row[3] is not None else ""
        print(f"{name:<44} {fmt_time(tt):>12} {fmt_time(to):>12} {to / tt:7.2f} {target:>7}")
