"""The main job: train the quickstart MLP with torch and with minitorch_compat, side by side.

Both engines run the *same* pipeline text (``reference/pipeline.py``) from the same seed:
``manual_seed(seed)`` before building each model gives identical initial weights, and
the DataLoaders then draw identical shuffle orders, because minitorch_compat reproduces
torch's CPU random streams. So step ``k`` of one run sees exactly the batch and the
weights that step ``k`` of the other sees, and their losses can be compared one by one.

Per epoch it prints each engine's training loss, test loss, accuracy and time, and the
largest per-step difference between the two loss sequences; at the end it writes a PNG
(both loss curves and the per-step difference) and prints its path.

The losses are float32 and the engines sum in different orders (NumPy's BLAS and
pairwise sums against torch's kernels), so they differ in the last bits, and SGD carries
those differences forward. The run passes when every per-step difference is at most
``TOLERANCE`` (a few thousand float32 ulps of a loss near 1; an engine that computes
anything differently, such as one shuffled batch or one wrong gradient, is off by 1e-2
or more), and exits with status 1 otherwise.

Usage::

    python -m reference.side_by_side                      # digits, the default
    python -m reference.side_by_side --dataset fashion-mnist --root data --epochs 1

Bad options and missing dataset files print one line and exit with status 2.
"""
import argparse
import os
import sys
import time

TOLERANCE = 1e-4


class _OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (and status 2), not usage + message."""

    def error(self, message):
        raise UsageError(message)


class UsageError(Exception):
    """Bad options or missing inputs: reported as one line, exit status 2."""


def parse_args(argv=None):
    p = _OneLineParser(prog="python -m reference.side_by_side",
                       description="Train the quickstart MLP with torch and minitorch_compat from the same seed.")
    p.add_argument("--dataset", choices=["digits", "fashion-mnist"], default="digits",
                   help="digits: scikit-learn's 8x8 digits (default); fashion-mnist: IDX files under --root")
    p.add_argument("--root", help="folder holding FashionMNIST/raw/ (required for fashion-mnist)")
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=0.1, help="SGD learning rate (default 0.1)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", default="auto", help="torch side: auto (cuda if available, else cpu), cpu or cuda[:N]")
    p.add_argument("--threads", type=int, default=1,
                   help="CPU threads for each engine's math libraries (default 1: see limit_threads)")
    p.add_argument("--out", help="PNG path (default out/side_by_side_<dataset>.png)")
    p.add_argument("--no-progress", action="store_true", help="no tqdm progress bars")
    args = p.parse_args(argv)
    if args.epochs < 1:
        raise UsageError(f"--epochs must be at least 1, got {args.epochs}")
    if args.batch_size < 1:
        raise UsageError(f"--batch-size must be at least 1, got {args.batch_size}")
    if args.threads < 1:
        raise UsageError(f"--threads must be at least 1, got {args.threads}")
    if not args.lr > 0:
        raise UsageError(f"--lr must be positive, got {args.lr}")
    if args.dataset == "fashion-mnist" and not args.root:
        raise UsageError("--dataset fashion-mnist needs --root DIR (the folder holding FashionMNIST/raw/)")
    if args.root and not os.path.isdir(args.root):
        raise UsageError(f"--root {args.root}: no such directory")
    if args.device != "auto" and args.device != "cpu" and not args.device.startswith("cuda"):
        raise UsageError(f"--device must be auto, cpu or cuda[:N], got {args.device!r}")
    args.out = args.out or os.path.join("out", f"side_by_side_{args.dataset}.png")
    return args


def limit_threads(n):
    """Give each engine's math libraries ``n`` threads (torch's intra-op pool, and the BLAS
    under NumPy and torch).

    The default is one: on a small machine shared with other work, multi-threaded BLAS
    on these small matrices spends its time waiting for cores (a 64x512 @ 512x512 product
    measured 0.6 ms with one thread and 35 ms with two on a busy 2-core box), which would
    make the timings measure the scheduler instead of the engines. The environment
    variables cover libraries not loaded yet; ``threadpoolctl`` (a scikit-learn
    dependency), when present, the ones already loaded.
    """
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(n)
    try:
        from threadpoolctl import threadpool_limits
        threadpool_limits(n)
    except ImportError:
        pass


def _engines(args):
    from reference import pipeline
    limit_threads(args.threads)
    try:
        import torch  # noqa: F401 - the reference engine is real torch
    except ImportError:
        raise UsageError("real torch is not installed (pip install -e '.[reference]')") from None
    torch.set_num_threads(args.threads)
    device = None if args.device == "auto" else args.device
    if device and device.startswith("cuda") and not torch.cuda.is_available():
        raise UsageError(f"--device {device}: CUDA is not available here (use --device cpu)")
    return pipeline.minitorch_engine(), pipeline.torch_engine(device)


def _max_weight_difference(a, b):
    sa, sb = a.model.state_dict(), b.model.state_dict()
    return max(abs(sa[k].detach().cpu().numpy() - sb[k].detach().cpu().numpy()).max() for k in sa)


def _run_epoch(s, progress, epoch):
    """Train one epoch and test; returns (step losses, accuracy, test loss, seconds)."""
    from tqdm import tqdm

    from reference import pipeline
    start = time.perf_counter()
    with tqdm(total=len(s.train_dataloader), desc=f"epoch {epoch} {s.engine.name}", unit="step",
              leave=False, disable=None if progress else True) as bar:
        losses = pipeline.train(s.engine, s.train_dataloader, s.model, s.loss_fn, s.optimizer, on_step=bar.update)
    accuracy, test_loss = pipeline.test(s.engine, s.test_dataloader, s.model, s.loss_fn)
    return losses, accuracy, test_loss, time.perf_counter() - start


def plot(path, ours, theirs, steps_per_epoch, title):
    """Both loss curves (top) and the per-step absolute difference (bottom, log scale)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    diff = np.abs(np.asarray(ours) - np.asarray(theirs))
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 6), sharex=True)
    top.plot(theirs, label="torch", linewidth=2)
    top.plot(ours, "--", label="minitorch_compat", linewidth=1.5)
    top.set_ylabel("training loss")
    top.set_title(title)
    top.legend()
    bottom.semilogy(np.maximum(diff, 1e-12), ".-", color="tab:red", markersize=3)
    bottom.axhline(TOLERANCE, color="grey", linestyle=":", label=f"tolerance {TOLERANCE:g}")
    bottom.set_ylabel("|loss difference|")
    bottom.set_xlabel("step")
    bottom.legend()
    for epoch_end in range(steps_per_epoch, len(diff), steps_per_epoch):
        for ax in (top, bottom):
            ax.axvline(epoch_end - 0.5, color="lightgrey", linewidth=0.8)
    fig.tight_layout()
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)


def run(args, out=print):
    """The whole job; returns the per-step losses ``(ours, torch's)``."""
    from reference import pipeline
    ours_engine, torch_engine = _engines(args)
    runs = []
    for engine in (ours_engine, torch_engine):  # ours first: it gives the clearer message on missing files
        try:
            runs.append(pipeline.setup(engine, args.dataset, args.root, args.batch_size, args.lr, args.seed))
        except (RuntimeError, FileNotFoundError) as e:
            raise UsageError(f"{args.dataset}: {e}") from None
    ours, theirs = runs
    n_train, n_test = len(ours.train_dataloader.dataset), len(ours.test_dataloader.dataset)
    out(f"quickstart MLP on {args.dataset} ({n_train} training / {n_test} test images), batch size "
        f"{args.batch_size}, SGD lr {args.lr}, seed {args.seed}; torch on {torch_engine.device}, "
        f"minitorch_compat on cpu; {args.threads} CPU thread(s) each")
    out(f"initial weights: largest difference {_max_weight_difference(ours, theirs):.1e} (same seed, same streams)")
    all_ours, all_theirs = [], []
    for epoch in range(1, args.epochs + 1):
        out(f"epoch {epoch}/{args.epochs}")
        results = {}
        for s in (theirs, ours):
            results[s.engine.name] = _run_epoch(s, not args.no_progress, epoch)
            losses, accuracy, test_loss, seconds = results[s.engine.name]
            out(f"  {s.engine.name:<17} train loss {sum(losses) / len(losses):.6f}  test loss {test_loss:.6f}  "
                f"accuracy {100 * accuracy:5.1f}%  time {seconds:6.2f} s")
        a, b = results["minitorch_compat"][0], results["torch"][0]
        worst = max(abs(x - y) for x, y in zip(a, b))
        out(f"  largest per-step loss difference: {worst:.2e} over {len(a)} steps")
        all_ours += a
        all_theirs += b
    worst = max(abs(x - y) for x, y in zip(all_ours, all_theirs))
    verdict = "agree" if worst <= TOLERANCE else "DISAGREE"
    out(f"the engines {verdict}: largest per-step loss difference {worst:.2e} over {len(all_ours)} steps "
        f"(tolerance {TOLERANCE:g}, float32)")
    plot(args.out, all_ours, all_theirs, len(ours.train_dataloader),
         f"quickstart MLP on {args.dataset}: torch vs minitorch_compat (seed {args.seed})")
    out(f"plot written to {args.out}")
    return all_ours, all_theirs


def main(argv=None):
    try:
        args = parse_args(argv)
        ours, theirs = run(args)
    except UsageError as e:
        print(f"side_by_side: error: {e}", file=sys.stderr)
        return 2
    return 0 if max(abs(x - y) for x, y in zip(ours, theirs)) <= TOLERANCE else 1


if __name__ == "__main__":
    sys.exit(main())
