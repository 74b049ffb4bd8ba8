"""One training pipeline, written once against the torch API, run by either engine.

This is PyTorch's quickstart tutorial (data -> model -> loss -> optimizer -> train/test
loops -> checkpoint) with one change: every ``torch.``/``torchvision.`` name is read from
an :class:`Engine` instead of a global import. The text a learner reads is the same for
both runs; only the engine differs:

* :func:`torch_engine`: real ``torch`` and ``torchvision`` (CUDA when available);
* :func:`minitorch_engine`: ``minitorch_compat`` and ``minitorch_compat.vision``.

Datasets: ``"digits"`` (scikit-learn's bundled 8x8 digits, no download; torchvision has
no such dataset, so both engines read it through ``minitorch_compat.vision.datasets.Digits``,
whose samples are plain PIL images / NumPy arrays that either engine's ``ToTensor``
converts) and ``"fashion-mnist"`` (the IDX files under ``root/FashionMNIST/raw``, read by
torchvision's ``FashionMNIST`` on the torch side and by ours on the other).

Run the tutorial itself with either engine::

    python -m reference.pipeline --engine minitorch_compat      # or --engine torch
"""
import argparse
import gzip
import os
import shutil
from dataclasses import dataclass
from types import ModuleType, SimpleNamespace


@dataclass
class Engine:
    """What a pipeline needs from a deep-learning library: ``torch`` and ``torchvision``'s parts."""

    name: str
    torch: ModuleType       # torch, or minitorch_compat
    datasets: object        # torchvision.datasets, or minitorch_compat.vision.datasets
    transforms: ModuleType  # torchvision.transforms, or minitorch_compat.vision.transforms
    device: str = "cpu"


def torch_engine(device=None):
    """Real torch on ``device`` (default: ``"cuda"`` if available, else ``"cpu"``)."""
    import torch
    import torchvision
    from minitorch_compat.vision.datasets import Digits
    if device is None:
        device = "cuda" if torch.cuda.is_available() else "cpu"
    datasets = SimpleNamespace(FashionMNIST=torchvision.datasets.FashionMNIST, Digits=Digits)
    return Engine("torch", torch, datasets, torchvision.transforms, device)


def minitorch_engine():
    """minitorch_compat (CPU only)."""
    import minitorch_compat
    from minitorch_compat.vision import datasets, transforms
    return Engine("minitorch_compat", minitorch_compat, datasets, transforms, "cpu")


# ----------------------------------------------------------------------------- data

IMAGE_SIDE = {"digits": 8, "fashion-mnist": 28}

LR = {"digits": 1e-1, "fashion-mnist": 1e-3}
"""Default SGD learning rate per dataset. FashionMNIST gets the tutorial's ``1e-3`` (938
steps an epoch at batch 64). The 8x8 digits have 23 steps an epoch, and at ``1e-3`` five
epochs leave the test accuracy at chance (9.7%); at ``1e-1`` they reach about 80%."""


def extract_for_torchvision(root):
    """torchvision reads only the decompressed IDX files: decompress any ``.gz``-only ones.

    (torchvision's own ``download=True`` does this too; ours reads ``.gz`` directly.)
    """
    raw = os.path.join(root, "FashionMNIST", "raw")
    for prefix in ("train", "t10k"):
        for kind in ("images-idx3", "labels-idx1"):
            path = os.path.join(raw, f"{prefix}-{kind}-ubyte")
            if not os.path.exists(path) and os.path.exists(path + ".gz"):
                with gzip.open(path + ".gz", "rb") as src, open(path, "wb") as dst:
                    shutil.copyfileobj(src, dst)


def load_data(engine, dataset="digits", root=None):
    """``(training_data, test_data)`` as 1 x H x W float tensors in [0, 1] and int labels."""
    ToTensor = engine.transforms.ToTensor
    if dataset == "digits":
        return (engine.datasets.Digits(train=True, transform=ToTensor()),
                engine.datasets.Digits(train=False, transform=ToTensor()))
    if dataset == "fashion-mnist":
        if engine.name == "torch":
            extract_for_torchvision(root)
        return (engine.datasets.FashionMNIST(root=root, train=True, download=False, transform=ToTensor()),
                engine.datasets.FashionMNIST(root=root, train=False, download=False, transform=ToTensor()))
    raise ValueError(f"unknown dataset {dataset!r} (choose from {', '.join(IMAGE_SIDE)})")


# ----------------------------------------------------------------------------- model

def make_model(engine, side=28, hidden=512, classes=10):
    """The quickstart's ``NeuralNetwork``: Flatten, then Linear/ReLU/Linear/ReLU/Linear."""
    nn = engine.torch.nn

    class NeuralNetwork(nn.Module):
        def __init__(self):
            super().__init__()
            self.flatten = nn.Flatten()
            self.linear_relu_stack = nn.Sequential(
                nn.Linear(side * side, hidden),
                nn.ReLU(),
                nn.Linear(hidden, hidden),
                nn.ReLU(),
                nn.Linear(hidden, classes),
            )

        def forward(self, x):
            x = self.flatten(x)
            logits = self.linear_relu_stack(x)
            return logits

    return NeuralNetwork().to(engine.device)


# ----------------------------------------------------------------------------- loops

def train(engine, dataloader, model, loss_fn, optimizer, log=None, on_step=None):
    """One epoch of SGD steps; returns the list of per-step losses.

    ``log(line)`` gets the tutorial's ``loss: ...  [current/size]`` line every 100
    batches; ``on_step()`` is called after each step (for progress bars).
    """
    size = len(dataloader.dataset)
    model.train()
    losses = []
    for batch, (X, y) in enumerate(dataloader):
        X, y = X.to(engine.device), y.to(engine.device)

        # Compute prediction error
        pred = model(X)
        loss = loss_fn(pred, y)

        # Backpropagation
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()

        losses.append(loss.item())
        if log is not None and batch % 100 == 0:
            current = (batch + 1) * len(X)
            log(f"loss: {losses[-1]:>7f}  [{current:>5d}/{size:>5d}]")
        if on_step is not None:
            on_step()
    return losses


def test(engine, dataloader, model, loss_fn):
    """``(accuracy, average loss)`` over the whole test set, without recording gradients."""
    torch = engine.torch
    size = len(dataloader.dataset)
    num_batches = len(dataloader)
    model.eval()
    test_loss, correct = 0, 0
    with torch.no_grad():
        for X, y in dataloader:
            X, y = X.to(engine.device), y.to(engine.device)
            pred = model(X)
            test_loss += loss_fn(pred, y).item()
            correct += (pred.argmax(1) == y).type(torch.float).sum().item()
    test_loss /= num_batches
    correct /= size
    return correct, test_loss


# ----------------------------------------------------------------------------- everything together

@dataclass
class Setup:
    """One engine's pipeline, ready to train: model, data loaders, loss and optimizer."""

    engine: Engine
    model: object
    train_dataloader: object
    test_dataloader: object
    loss_fn: object
    optimizer: object
    side: int


def setup(engine, dataset="digits", root=None, batch_size=64, lr=None, seed=0):
    """Seed, data, model, loss, optimizer: the part of the tutorial before the epochs.

    ``manual_seed(seed)`` comes first, so both engines draw the model's initial weights
    and then every epoch's shuffle order from identical random streams. ``lr=None``
    means the dataset's default (``LR``).
    """
    torch = engine.torch
    torch.manual_seed(seed)
    training_data, test_data = load_data(engine, dataset, root)
    train_dataloader = torch.utils.data.DataLoader(training_data, batch_size=batch_size, shuffle=True)
    test_dataloader = torch.utils.data.DataLoader(test_data, batch_size=batch_size)
    model = make_model(engine, side=IMAGE_SIDE[dataset])
    loss_fn = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=LR[dataset] if lr is None else lr)
    return Setup(engine, model, train_dataloader, test_dataloader, loss_fn, optimizer, IMAGE_SIDE[dataset])


def save_checkpoint(s, path):
    """``torch.save(model.state_dict(), path)`` and read it back into a fresh model, as the tutorial does."""
    torch = s.engine.torch
    torch.save(s.model.state_dict(), path)
    model = make_model(s.engine, side=s.side)
    model.load_state_dict(torch.load(path, weights_only=True))
    return model


def main(argv=None):
    """The quickstart tutorial, printed as the tutorial prints it, on one engine."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--engine", choices=["torch", "minitorch_compat"], default="minitorch_compat")
    parser.add_argument("--dataset", choices=list(IMAGE_SIDE), default="digits")
    parser.add_argument("--root", default="data")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--lr", type=float, default=None, help="SGD learning rate (default: LR[dataset])")
    parser.add_argument("--checkpoint", default="model.pth")
    args = parser.parse_args(argv)
    engine = torch_engine() if args.engine == "torch" else minitorch_engine()
    print(f"Using {engine.device} device")
    s = setup(engine, args.dataset, args.root, lr=args.lr)
    print(s.model)
    for t in range(args.epochs):
        print(f"Epoch {t+1}\n-------------------------------")
        train(engine, s.train_dataloader, s.model, s.loss_fn, s.optimizer, log=print)
        correct, test_loss = test(engine, s.test_dataloader, s.model, s.loss_fn)
        print(f"Test Error: \n Accuracy: {(100*correct):>0.1f}%, Avg loss: {test_loss:>8f} \n")
    print("Done!")
    save_checkpoint(s, args.checkpoint)
    print(f"Saved PyTorch Model State to {args.checkpoint}")


if __name__ == "__main__":
    main()
