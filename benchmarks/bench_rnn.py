"""LSTM text-classifier training step, ours vs torch in one process.

The model is the common "embed, LSTM, classify the last step" network: Embedding(1000, 64)
-> 2-layer LSTM(64, 128, batch_first) -> Linear(128, 2) on the last time step,
cross-entropy, Adam; a batch of 32 token sequences of length 35. Both engines start from
the same weights (torch's, copied through the state_dict).

Run: ``python -m benchmarks.bench_rnn`` (``--quick`` for a smoke run, ``--profile`` to
print where our training step spends its time).

Where our time goes (2-core Intel Xeon, one BLAS thread, ~80-115 ms per step against
torch's ~70-80 ms on a busy machine): the 70 cell steps are most of it, forward (~20 ms:
mostly the ``h W_hh^T`` products, 32 x 128 by 128 x 512) and backward (~22 ms: the two
products ``d W_hh`` and ``d^T h`` per step); the input projections of both layers (one
product over all 35 steps each) and the classifier take ~13 ms forward and backward;
adding each step's ``W_hh`` gradient into ``.grad`` ~4 ms; Adam and the graph bookkeeping
the rest. Two choices made the cell step fast: ``W_hh^T`` is copied contiguously once per
layer (NumPy multiplies by a transposed view markedly slower), and the input projection
is one 2-d product over all steps (a 3-d product loops over the steps).
"""
import sys

import numpy as np

from .harness import Row, compare, profile_step, run_and_print

VOCAB, EMBED, HIDDEN, LAYERS, CLASSES = 1000, 64, 128, 2, 2


def build(T, sd=None):
    nn = T.nn

    class Classifier(nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = nn.Embedding(VOCAB, EMBED)
            self.lstm = nn.LSTM(EMBED, HIDDEN, LAYERS, batch_first=True)
            self.fc = nn.Linear(HIDDEN, CLASSES)

        def forward(self, tokens):
            out, _ = self.lstm(self.embedding(tokens))
            return self.fc(out[:, -1])

    model = Classifier()
    if sd is not None:
        model.load_state_dict({k: T.from_numpy(v.detach().numpy().copy()) for k, v in sd.items()})
    return model


def train_step(T, sd, batch=32, steps=35):
    rng = np.random.default_rng(0)
    tokens = T.from_numpy(rng.integers(0, VOCAB, (batch, steps)))
    labels = T.from_numpy(rng.integers(0, CLASSES, batch))
    model = build(T, sd)
    opt = T.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = T.nn.CrossEntropyLoss()

    def step():
        opt.zero_grad()
        loss = loss_fn(model(tokens), labels)
        loss.backward()
        opt.step()
    return step


def run(quick=False, tiny=False):
    import torch
    import minitorch_compat
    torch.manual_seed(0)
    sd = build(torch).state_dict()
    n, reps = (1, 1) if tiny else (1, 3) if quick else (2, 7)
    batch, steps = (4, 5) if tiny else (32, 35)
    tt, to = compare(train_step(torch, sd, batch, steps), train_step(minitorch_compat, sd, batch, steps),
                     number=n, repeats=reps)
    return [Row(f"LSTM text classifier step (b{batch}, seq {steps})", tt, to, 2.0, group="rnn")]


def main(quick=False):
    return run_and_print(run, quick)


if __name__ == "__main__":
    if "--profile" in sys.argv:
        import torch
        torch.manual_seed(0)
        import minitorch_compat
        profile_step(train_step(minitorch_compat, build(torch).state_dict()), top=15)
    else:
        main(quick="--quick" in sys.argv)
