"""The classic project template (seed 004): Conv-BN-ReLU blocks, Dropout, random_split,
DataLoader with 2 workers and worker_init_fn, SGD with momentum, a manual lr schedule,
torch.max predictions, save/load -- on synthetic data."""
import random
import sys
import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim
import torch.nn.functional as F
from torch.utils.data import random_split

device = torch.device("cuda:0" if torch.cuda.is_available() else "cpu")

def fix_seed(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.cuda.manual_seed_all(seed)
    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.benchmark = False

fix_seed(42)

def worker_init_fn(worker_id):
    np.random.seed(np.random.get_state()[1][0] + worker_id)

class Mydataset(torch.utils.data.Dataset):
    def __init__(self, X, y):
        self.X = X
        self.y = y
    def __len__(self):
        return len(self.X)
    def __getitem__(self, index):
        feature = self.X[index]
        label = self.y[index]
        return feature, label

X = np.random.rand(200, 3, 8, 8).astype(np.float32)
y = np.random.randint(0, 2, 200)
full = Mydataset(X, y)
train_dataset, test_dataset = random_split(full, [160, 40])
train_loader = torch.utils.data.DataLoader(train_dataset, batch_size=16, shuffle=True, num_workers=2,
                                           worker_init_fn=worker_init_fn)
test_loader = torch.utils.data.DataLoader(test_dataset, batch_size=16, shuffle=False, num_workers=2,
                                          worker_init_fn=worker_init_fn)

class Mymodel(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Sequential(nn.Conv2d(3, 16, 3, 2, 1), nn.BatchNorm2d(16), nn.ReLU())
        self.conv2 = nn.Sequential(nn.Conv2d(16, 64, 3, 2, 1), nn.BatchNorm2d(64), nn.ReLU())
        self.fc1 = nn.Linear(2 * 2 * 64, 100)
        self.dropout = nn.Dropout(0.5)
        self.fc2 = torch.nn.Linear(100, 2)
    def forward(self, x):
        x = self.conv1(x)
        x = self.conv2(x)
        x = x.view(x.size(0), -1)
        x = self.fc1(x)
        x = self.dropout(x)
        x = self.fc2(x)
        return x

model = Mymodel().to(device)
print(model)
criterion = nn.CrossEntropyLoss()
optimizer = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

def adjust_learning_rate(optimizer, epoch):
    lr = 0.01
    if epoch >= 1:
        lr /= 10
    for param_group in optimizer.param_groups:
        param_group['lr'] = lr

for epoch in range(3):
    adjust_learning_rate(optimizer, epoch)
    model.train()
    total, running_loss, running_corrects = 0, 0.0, 0
    for i, (imgs, labels) in enumerate(train_loader):
        imgs, labels = imgs.to(device), labels.to(device)
        outputs = model(imgs)
        optimizer.zero_grad()
        _, preds = torch.max(outputs, 1)
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer.step()
        total += labels.shape[0]
        running_loss += loss.item()
        running_corrects += torch.sum(preds == labels.data)
    print(f'train loss: {running_loss / total:.6f}, accuracy: {running_corrects / total}')
    model.eval()
    test_batch_loss = []
    with torch.no_grad():
        for data, label in test_loader:
            output = model(data)
            test_batch_loss.append(criterion(output, label).item())
    print("Train loss: {a:.3f}, Test loss: {b:.3f}".format(a=running_loss / total, b=np.mean(test_batch_loss)))

preds, labels = [], []
with torch.no_grad():
    for data, label in test_loader:
        preds.append(model(data)); labels.append(label)
preds = torch.cat(preds, axis=0).cpu().detach().numpy()
labels = torch.cat(labels, axis=0).numpy()
print(preds[:3].round(4), labels[:10], model.conv1[1].running_mean[:4], model.conv1[1].num_batches_tracked)
torch.save(model.state_dict(), sys.argv[1])
model = Mymodel()
print(model.load_state_dict(torch.load(sys.argv[1])))
