"""The quickstart's data half on FashionMNIST files under ``sys.argv[1]`` (tiny ones in tests)."""
import sys

import torch
from torch.utils.data import DataLoader
from torchvision import datasets
from torchvision.transforms import Compose, Lambda, Normalize, ToTensor

root = sys.argv[1]
training_data = datasets.FashionMNIST(root=root, train=True, download=False, transform=ToTensor())
test_data = datasets.FashionMNIST(
    root=root,
    train=False,
    download=False,
    transform=Compose([ToTensor(), Normalize((0.5,), (0.5,))]),
    target_transform=Lambda(lambda y: torch.zeros(10, dtype=torch.float).scatter_(0, torch.tensor(y), value=1)),
)
print(training_data)
print(test_data)
print(training_data.classes[training_data.targets[0]], training_data.data.shape, training_data.targets.dtype)

torch.manual_seed(0)
train_dataloader = DataLoader(training_data, batch_size=4, shuffle=True)
for X, y in train_dataloader:
    print(f"Shape of X [N, C, H, W]: {X.shape}")
    print(f"Shape of y: {y.shape} {y.dtype}")
    print(y, f"{X.mean().item():.4f}", X[0, 0, 10, 5:12])  # float32 sums: 4 decimals
for X, y in DataLoader(test_data, batch_size=64):
    print(X.shape, X.min().item(), X.max().item(), y)
img, label = training_data[1]
print(img.squeeze().shape, label, training_data.classes[label])
