"""The main job: train the quickstart MLP with torch and with minitorch_compat, side by side.

Both engines run the *same* pipeline text (``reference/pipeline.py``) from the same seed:
``manual_seed(seed)`` before building each model gives identical initial weights, and
the DataLoaders then draw identical shuffle orders, because minitorch_compat reproduces
torch's CPU random streams. So step ``k`` of one run sees exactly the batch and the
weights that step ``k`` of the other sees, and their losses can be compared one by one.

Per epoch it prints each engine's training loss, test loss, accuracy and time, and the
largest per-step difference between the two loss sequences. At the end each engine
saves a checkpoint (``torch.save(model.state_dict(), ...)``, torch's file format in both)
and loads the other's, and a PNG shows both loss curves and the per-step difference.

How close is close enough? Both engines compute in float32, but their matrix products and
sums add terms in different orders (NumPy's BLAS and pairwise sums against torch's
kernels), so results differ in the last bits: a loss near 2 typically differs by 0 to
5e-7 (0 to 2 ulps). Two things can make the per-step difference grow from there:

* a ReLU kink: once in a while a hidden pre-activation lands within rounding distance of
  zero, positive in one engine and negative in the other; that unit's gradient then
  differs by up to ~1e-3 for one step, and the losses after it by ~1e-5 to 1e-4;
* instability: at a learning rate near the edge of stability SGD amplifies any
  difference, and the two trajectories drift apart, as two torch runs on different
  hardware would.

So the per-step comparison is reported against ``TOLERANCE`` = 1e-4 (agree / drift
apart after step N), and the verdict comes from a check that no drift can blur: from
the *same* weights (torch's final ones, copied into ours), one forward and backward pass
on the same batch in each engine. The losses must agree within ``STEP_LOSS_TOLERANCE``
(1e-5) and every gradient within ``STEP_GRAD_TOLERANCE`` (1e-3) of the largest gradient
(room for one kink). Exit status 0 when that check and the checkpoint exchange pass,
1 otherwise. An engine
that computed something differently (a batch in another order, a wrong gradient) fails
both by orders of magnitude.

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
STEP_LOSS_TOLERANCE = 1e-5
STEP_GRAD_TOLERANCE = 1e-3


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


def checkpoint_check(ours, theirs, stem):
    """Each engine saves its model (``torch.save(model.state_dict(), path)``), then each
    engine's ``torch.load`` reads the *other* engine's file: True when every tensor
    comes back bit-identical. Returns ``(paths, ok)``."""
    import numpy as np
    from reference import pipeline
    paths = {s.engine.name: f"{stem}_{s.engine.name}.pth" for s in (ours, theirs)}
    for s in (ours, theirs):
        pipeline.save_checkpoint(s, paths[s.engine.name])
    ok = True
    for s, other in ((ours, theirs), (theirs, ours)):
        loaded = s.engine.torch.load(paths[other.engine.name], weights_only=True)
        saved = other.model.state_dict()
        ok &= list(loaded) == list(saved) and all(
            np.array_equal(loaded[k].cpu().numpy(), saved[k].detach().cpu().numpy()) for k in saved)
    return paths, ok


def one_step_check(ours, theirs):
    """From torch's current weights, copied into our model, one forward and backward pass
    on the first test batch in each engine: ``(loss difference, largest relative gradient
    difference)``."""
    import numpy as np
    mt = ours.engine.torch
    weights = {k: v.detach().cpu().numpy() for k, v in theirs.model.state_dict().items()}
    ours.model.load_state_dict({k: mt.from_numpy(v.copy()) for k, v in weights.items()})
    results = []
    for s in (ours, theirs):
        X, y = next(iter(s.test_dataloader))
        X, y = X.to(s.engine.device), y.to(s.engine.device)
        s.model.train()
        s.model.zero_grad()
        loss = s.loss_fn(s.model(X), y)
        loss.backward()
        grads = [p.grad.detach().cpu().numpy() for p in s.model.parameters()]
        results.append((loss.item(), grads))
    (l1, g1), (l2, g2) = results
    scale = max(float(np.abs(g).max()) for g in g2)
    return abs(l1 - l2), max(float(np.abs(a - b).max()) for a, b in zip(g1, g2)) / scale


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
    steps = np.arange(len(diff))
    exact = diff == 0  # identical losses have no place on a log scale: drawn along the bottom edge
    bottom.semilogy(steps[~exact], diff[~exact], ".", color="tab:red", markersize=4, label="|difference|")
    if exact.any():
        bottom.plot(steps[exact], np.full(exact.sum(), max(diff.min(initial=1e-7, where=~exact) / 10, 1e-12)), "|",
                    color="tab:green", label="identical")
    bottom.axhline(TOLERANCE, color="grey", linestyle=":", label=f"tolerance {TOLERANCE:g}")
    bottom.set_ylabel("|loss difference|")
    bottom.set_xlabel("step")
    bottom.legend(loc="center left")
    for epoch_end in range(steps_per_epoch, len(diff), steps_per_epoch):
        for ax in (top, bottom):
            ax.axvline(epoch_end - 0.5, color="lightgrey", linewidth=0.8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def run(args, out=print):
    """The whole job; returns True when the engines agree (see the module docstring)."""
    from reference import pipeline
    try:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    except OSError as e:
        raise UsageError(f"--out {args.out}: cannot create its folder ({e.strerror})") from None
    ours_engine, torch_engine = _engines(args)
    runs = []
    for engine in (ours_engine, torch_engine):  # ours first: it gives the clearer message on missing files
        try:
            runs.append(pipeline.setup(engine, args.dataset, args.root, args.batch_size, args.lr, args.seed))
        except (RuntimeError, OSError, ValueError) as e:  # missing, unreadable or corrupt files
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
    diffs = [abs(x - y) for x, y in zip(all_ours, all_theirs)]
    worst = max(diffs)
    if worst <= TOLERANCE:
        out(f"per-step losses agree: largest difference {worst:.2e} over {len(diffs)} steps "
            f"(tolerance {TOLERANCE:g}, float32)")
    else:
        first = next(i for i, d in enumerate(diffs) if d > TOLERANCE)
        out(f"per-step losses drift apart: within {TOLERANCE:g} for {first} steps, then up to {worst:.2e} "
            f"(a ReLU kink or an unstable learning rate amplified float32 rounding; see the one-step check)")
    paths, ok = checkpoint_check(ours, theirs, os.path.splitext(args.out)[0])
    exchange = "each engine loads the other's file bit for bit" if ok else "CROSS-LOADING FAILED"
    out(f"checkpoints: {paths['torch']}, {paths['minitorch_compat']} ({exchange})")
    loss_diff, grad_diff = one_step_check(ours, theirs)
    step_ok = loss_diff <= STEP_LOSS_TOLERANCE and grad_diff <= STEP_GRAD_TOLERANCE
    out(f"one step from the same weights: loss difference {loss_diff:.2e}, largest gradient difference "
        f"{grad_diff:.2e} of the largest gradient ({'ok' if step_ok else 'FAILED'})")
    plot(args.out, all_ours, all_theirs, len(ours.train_dataloader),
         f"quickstart MLP on {args.dataset}: torch vs minitorch_compat (seed {args.seed})")
    out(f"plot written to {args.out}")
    return step_ok and ok


def main(argv=None):
    try:
        args = parse_args(argv)
        agree = run(args)
    except UsageError as e:
        print(f"side_by_side: error: {e}", file=sys.stderr)
        return 2
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
