"""Training-style data augmentation on an ImageFolder, batched by a DataLoader.

Usage: image_folder_augment.py ROOT GRID.png -- ROOT holds one folder of pictures per
class. Prints the dataset, each batch's labels and statistics for two shuffled epochs,
and saves the last batch as an image grid.
"""
import sys

import torch
from torch.utils.data import DataLoader
from torchvision import datasets, transforms, utils

root, grid_path = sys.argv[1], sys.argv[2]
torch.manual_seed(0)

train_transform = transforms.Compose([
    transforms.RandomResizedCrop(12, scale=(0.5, 1.0)),
    transforms.RandomHorizontalFlip(),
    transforms.RandomApply([transforms.ColorJitter(0.4, 0.4, 0.4, 0.1)], p=0.8),
    transforms.RandomGrayscale(p=0.2),
    transforms.RandomRotation(15),
    transforms.ToTensor(),
    transforms.Normalize((0.5, 0.5, 0.5), (0.25, 0.25, 0.25)),
    transforms.RandomErasing(p=0.5),
])
data = datasets.ImageFolder(root, transform=train_transform)
print(data)
print(data.classes, data.class_to_idx, len(data))

loader = DataLoader(data, batch_size=4, shuffle=True)
for epoch in range(2):
    for images, labels in loader:
        # float32 sums: 4 decimals
        print(epoch, tuple(images.shape), labels.tolist(), f"{images.mean().item():.4f}", f"{images.std().item():.4f}")
        print(images[0, :, 5, 3])

grid = utils.make_grid(images, nrow=2, normalize=True)
print(grid.shape, f"{grid.mean().item():.4f}")
utils.save_image(images, grid_path, nrow=2, normalize=True)

test_transform = transforms.Compose([transforms.Resize(10), transforms.CenterCrop(8), transforms.PILToTensor()])
image, label = datasets.ImageFolder(root, transform=test_transform)[3]
print(label, image.dtype, image.shape, image.sum().item())
