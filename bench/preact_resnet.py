"""Width-scaled pre-activation ResNet18 (Nakkiran et al. 2019, arXiv 1912.02292) for the PyTorch
references of bench/: resnet_torch.py (one training step) and resnet_width_scale.py (the width sweep).

Layout as in kuangliu/pytorch-cifar's preact_resnet.py, which Nakkiran et al. scale by width k:
a 3x3 stem convolution (stride 1, no bias) to k channels; four stages of two pre-activation basic
blocks with widths k, 2k, 4k, 8k and strides 1, 2, 2, 2; each block is BN-ReLU-conv3x3-BN-ReLU-conv3x3
plus a shortcut that is the identity, or a 1x1 convolution (no bias, no BN) of the first BN-ReLU's
output where the stride or width changes; then global average pooling and a linear head (with bias).
No BN-ReLU after the last stage (kuangliu's layout). k = 64 is the standard ResNet18 (11.17 M
parameters on CIFAR-10). Global average pooling is adaptive, so any image size works.
"""

import torch
import torch.nn as nn
import torch.nn.functional as F


class PreActBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, stride=1, padding=1, bias=False)
        # Projection only where the identity does not fit (downsampling or a change of width).
        self.shortcut = (
            nn.Conv2d(cin, cout, 1, stride=stride, bias=False) if stride != 1 or cin != cout else None
        )

    def forward(self, x):
        a = F.relu(self.bn1(x))
        skip = self.shortcut(a) if self.shortcut is not None else x
        h = self.conv1(a)
        h = self.conv2(F.relu(self.bn2(h)))
        return h + skip


class PreActResNet18(nn.Module):
    def __init__(self, k=64, in_channels=3, classes=10):
        super().__init__()
        self.stem = nn.Conv2d(in_channels, k, 3, stride=1, padding=1, bias=False)
        blocks = []
        cin = k
        for width, stride in ((k, 1), (2 * k, 2), (4 * k, 2), (8 * k, 2)):
            blocks += [PreActBlock(cin, width, stride), PreActBlock(width, width, 1)]
            cin = width
        self.blocks = nn.Sequential(*blocks)
        self.head = nn.Linear(8 * k, classes)

    def forward(self, x):
        h = self.blocks(self.stem(x))
        return self.head(torch.flatten(F.adaptive_avg_pool2d(h, 1), 1))


def parameter_count(model):
    """Trainable parameters (BN's running mean and variance are buffers, not counted)."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
