"""Datasets and DataLoader: a custom Dataset, TensorDataset, shuffling from a seed, random_split."""
import torch
from torch.utils.data import DataLoader, Dataset, TensorDataset, random_split


class Squares(Dataset):
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, idx):
        return torch.tensor([float(idx)]), idx * idx


torch.manual_seed(7)
for X, y in DataLoader(Squares(10), batch_size=4, shuffle=True):
    print(X.shape, X.dtype, y)

features = torch.arange(24, dtype=torch.float32).reshape(12, 2)
labels = torch.arange(12) % 3
ds = TensorDataset(features, labels)
print(len(ds), ds[3])
loader = DataLoader(ds, batch_size=5, shuffle=True, drop_last=True)
print(len(loader))
for epoch in range(2):
    for X, y in loader:
        print(epoch, X.sum().item(), y.tolist())

train, val = random_split(ds, [9, 3], generator=torch.Generator().manual_seed(42))
print(len(train), len(val), [int(i) for i in val.indices])
batch = next(iter(DataLoader(val, batch_size=3)))
print(batch)
