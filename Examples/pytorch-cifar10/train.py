#!/usr/bin/env python3
"""A PyTorch CIFAR-10 trainer for `hyperpower run` under a GPU power and memory budget.

    hyperpower run Examples/pytorch-cifar10/study.yaml --gpus 0 --gpu-power --timeout 1800 -- \
        python3 Examples/pytorch-cifar10/train.py --lr {lr} --width {width} --depth {depth} \
        --batch-size {batch_size} --epochs 10

Needs torch and torchvision (CIFAR-10 is downloaded to --data on first use). `hyperpower run
--gpu-power` measures the slot's GPU with nvidia-smi while this runs (gpu_peak_watts,
gpu_energy_j, gpu_peak_memory_mib); this script reports its validation error, and its own
peak allocated GPU memory as torch_peak_memory_mib. `--synthetic` trains on random tensors of
CIFAR-10's shape instead (a smoke test without the download). Not run in CI.
"""
import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

parser = argparse.ArgumentParser()
parser.add_argument('--lr', type=float, required=True)
parser.add_argument('--width', type=int, required=True, help='channels of the first stage')
parser.add_argument('--depth', type=int, required=True, help='convolution blocks per stage')
parser.add_argument('--batch-size', type=int, default=128)
parser.add_argument('--epochs', type=int, default=10)
parser.add_argument('--data', default='./data')
parser.add_argument('--synthetic', action='store_true')
args = parser.parse_args()
device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
torch.manual_seed(0)


def loaders():
    if args.synthetic:
        x, y = torch.randn(512, 3, 32, 32), torch.randint(0, 10, (512,))
        data = torch.utils.data.TensorDataset(x, y)
        return (torch.utils.data.DataLoader(data, batch_size=args.batch_size, shuffle=True),
                torch.utils.data.DataLoader(data, batch_size=256))
    import torchvision
    import torchvision.transforms as T
    normalize = T.Normalize((0.4914, 0.4822, 0.4465), (0.2470, 0.2435, 0.2616))
    train = torchvision.datasets.CIFAR10(args.data, train=True, download=True, transform=T.Compose(
        [T.RandomCrop(32, padding=4), T.RandomHorizontalFlip(), T.ToTensor(), normalize]))
    # The last 5,000 training images validate; the test set stays untouched.
    train, valid = torch.utils.data.random_split(train, [45000, 5000], generator=torch.Generator().manual_seed(0))
    return (torch.utils.data.DataLoader(train, batch_size=args.batch_size, shuffle=True, num_workers=4),
            torch.utils.data.DataLoader(valid, batch_size=512, num_workers=4))


class Net(nn.Module):
    def __init__(self, width, depth):
        super().__init__()
        layers, channels = [], 3
        for stage in range(3):
            out = width * 2 ** stage
            for _ in range(depth):
                layers += [nn.Conv2d(channels, out, 3, padding=1, bias=False), nn.BatchNorm2d(out), nn.ReLU(inplace=True)]
                channels = out
            layers.append(nn.MaxPool2d(2))
        self.features = nn.Sequential(*layers)
        self.head = nn.Linear(channels, 10)

    def forward(self, x):
        return self.head(F.adaptive_avg_pool2d(self.features(x), 1).flatten(1))


train_loader, valid_loader = loaders()
model = Net(args.width, args.depth).to(device)
optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9, weight_decay=5e-4, nesterov=True)
schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, args.lr, epochs=args.epochs, steps_per_epoch=len(train_loader))
start = time.time()
for epoch in range(args.epochs):
    model.train()
    for x, y in train_loader:
        x, y = x.to(device, non_blocking=True), y.to(device, non_blocking=True)
        optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        if not torch.isfinite(loss):
            raise SystemExit('diverged at epoch %d' % epoch)
        loss.backward()
        optimizer.step()
        schedule.step()

model.eval()
wrong = total = 0
with torch.no_grad():
    for x, y in valid_loader:
        wrong += (model(x.to(device)).argmax(1).cpu() != y).sum().item()
        total += len(y)
result = {'validation_error': wrong / total, 'train_seconds': time.time() - start,
          'parameters_m': sum(p.numel() for p in model.parameters()) / 1e6}
if device.type == 'cuda':
    result['torch_peak_memory_mib'] = torch.cuda.max_memory_allocated() / 2 ** 20
print(json.dumps(result))
