"""Xception (Chollet 2017, "Xception: Deep Learning with Depthwise Separable Convolutions", Fig. 5) as a torch module,
for samples/NativeConv.Samples/Xception.cs to be checked against (torchvision has none). A peer, never a runtime
dependency of NativeConv.

The network as the paper draws it (Keras's keras.applications.Xception): every separable convolution is a depthwise
3x3 (stride 1, padding 1) and a pointwise 1x1, neither with a bias, followed by a BatchNorm; a ReLU comes before a
separable convolution (not after it), except in the first block; a residual block ends in a 3x3 stride-2 max pool
(padding 1) added to a 1x1 stride-2 convolution + BatchNorm of the block's input, or in the middle flow adds its
input unchanged. The two stem convolutions are unpadded (valid), as in the paper. BatchNorm eps 1e-5 (PyTorch's).

Keys, e.g. entry_flow.conv1.weight, entry_flow.bn1.running_var, entry_flow.block2.shortcut.conv.weight,
entry_flow.block2.shortcut.bn.weight, middle_flow.0.units.2.separable.depthwise.weight,
middle_flow.0.units.2.separable.pointwise.weight, middle_flow.0.units.2.bn.bias, exit_flow.block.units.1.bn.weight,
exit_flow.separable1.depthwise.weight, exit_flow.bn1.weight, exit_flow.separable2..., exit_flow.bn2..., fc.weight, fc.bias.
"""
import torch
from torch import nn


class SeparableConv2d(nn.Module):
    """Depthwise 3x3 (padding 1) then pointwise 1x1, no biases: the BatchNorm after it supplies one."""

    def __init__(self, in_channels: int, out_channels: int):
        super().__init__()
        self.depthwise = nn.Conv2d(in_channels, in_channels, 3, padding=1, groups=in_channels, bias=False)
        self.pointwise = nn.Conv2d(in_channels, out_channels, 1, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pointwise(self.depthwise(x))


class SeparableUnit(nn.Module):
    """[ReLU] -> separable 3x3 -> BatchNorm. The ReLU is never in place: a block's input is also its residual."""

    def __init__(self, in_channels: int, out_channels: int, relu_first: bool):
        super().__init__()
        self.relu_first = relu_first
        self.separable = SeparableConv2d(in_channels, out_channels)
        self.bn = nn.BatchNorm2d(out_channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.relu_first:
            x = torch.relu(x)
        return self.bn(self.separable(x))


class Shortcut(nn.Module):
    """The residual of a block that changes width or resolution: 1x1 convolution (stride 2) + BatchNorm."""

    def __init__(self, in_channels: int, out_channels: int, stride: int):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False)
        self.bn = nn.BatchNorm2d(out_channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.bn(self.conv(x))


class XceptionBlock(nn.Module):
    """units separable units (the first widening to out_channels, or the last one when grow_first is False), then
    a 3x3 stride-2 max pool when stride is 2, plus the shortcut (or the input itself)."""

    def __init__(self, in_channels: int, out_channels: int, units: int, stride: int, relu_first: bool = True, grow_first: bool = True):
        super().__init__()
        widths = [in_channels] + [out_channels] * units if grow_first else [in_channels] * units + [out_channels]
        self.units = nn.Sequential(*[SeparableUnit(widths[k], widths[k + 1], relu_first or k > 0) for k in range(units)])
        self.pool = nn.MaxPool2d(3, stride, padding=1) if stride != 1 else nn.Identity()
        self.shortcut = Shortcut(in_channels, out_channels, stride) if stride != 1 or in_channels != out_channels else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        residual = x if self.shortcut is None else self.shortcut(x)
        return self.pool(self.units(x)) + residual


class EntryFlow(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 32, 3, stride=2, bias=False)
        self.bn1 = nn.BatchNorm2d(32)
        self.conv2 = nn.Conv2d(32, 64, 3, bias=False)
        self.bn2 = nn.BatchNorm2d(64)
        self.block1 = XceptionBlock(64, 128, 2, 2, relu_first=False)  # its input went through a ReLU already
        self.block2 = XceptionBlock(128, 256, 2, 2)
        self.block3 = XceptionBlock(256, 728, 2, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = torch.relu(self.bn1(self.conv1(x)))
        x = torch.relu(self.bn2(self.conv2(x)))
        return self.block3(self.block2(self.block1(x)))


class ExitFlow(nn.Module):
    def __init__(self):
        super().__init__()
        self.block = XceptionBlock(728, 1024, 2, 2, grow_first=False)
        self.separable1 = SeparableConv2d(1024, 1536)
        self.bn1 = nn.BatchNorm2d(1536)
        self.separable2 = SeparableConv2d(1536, 2048)
        self.bn2 = nn.BatchNorm2d(2048)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.block(x)
        x = torch.relu(self.bn1(self.separable1(x)))
        return torch.relu(self.bn2(self.separable2(x)))


class Xception(nn.Module):
    def __init__(self, num_classes: int = 1000):
        super().__init__()
        self.entry_flow = EntryFlow()
        self.middle_flow = nn.Sequential(*[XceptionBlock(728, 728, 3, 1) for _ in range(8)])
        self.exit_flow = ExitFlow()
        self.fc = nn.Linear(2048, num_classes)
        # Unit gain (Var w = 1/fan_in) keeps every stage's std near 1 with randomized BatchNorms: He's 2/fan_in grows
        # the middle flow's residual sums past 1e6, PyTorch's default shrinks each layer's output about 3x.
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_in", nonlinearity="linear")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.exit_flow(self.middle_flow(self.entry_flow(x)))
        return self.fc(torch.flatten(x.mean((2, 3)), 1))
