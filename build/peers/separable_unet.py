"""A U-Net-style segmentation network built from depthwise-separable convolutions, as a torch module, for
samples/NativeConv.Samples/SeparableUNet.cs to be checked against. A peer, never a runtime dependency of NativeConv.

Encoder: a 3x3 stride-2 stem, then three separable downsamplings (depthwise 3x3 stride 2 + BN + ReLU, pointwise +
BN + ReLU), each output kept as a skip. Decoder, from the deepest map up: each stage doubles the resolution with a
depthwise transposed convolution (kernel 4, stride 2, padding 1, groups = channels, with a bias: U-Net's up-conv,
no BatchNorm), concatenates the encoder's skip of that resolution, merges the two with a pointwise convolution + BN + ReLU and refines with a
separable convolution (depthwise 3x3 + BN + ReLU, pointwise + BN + ReLU). A 1x1 head (with bias) gives the classes at
half the input's resolution, upsampled bilinearly (align_corners=False) to the input's size. BatchNorm eps 1e-5.

Keys, e.g. encoder.stem.conv.weight, encoder.stem.bn.running_mean, encoder.down2.depthwise.weight,
encoder.down2.depthwise_bn.weight, encoder.down2.pointwise.weight, encoder.down2.pointwise_bn.weight,
decoder.up3.upsample.weight (in, 1, 4, 4), decoder.up3.upsample.bias, decoder.up3.merge.weight,
decoder.up3.merge_bn.weight, decoder.up3.refine.depthwise.weight, ..., head.weight, head.bias.
"""
import torch
from torch import nn
from torch.nn import functional as F

# Channels of the stem's output and of each downsampling's (the skips), deepest last.
WIDTHS = (16, 24, 40, 80)


class StemConv(nn.Module):
    def __init__(self, in_channels: int, out_channels: int):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, 3, stride=2, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(out_channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.relu(self.bn(self.conv(x)))


class Separable(nn.Module):
    """Depthwise 3x3 (stride 1 or 2) + BN + ReLU, pointwise + BN + ReLU."""

    def __init__(self, in_channels: int, out_channels: int, stride: int):
        super().__init__()
        self.depthwise = nn.Conv2d(in_channels, in_channels, 3, stride=stride, padding=1, groups=in_channels, bias=False)
        self.depthwise_bn = nn.BatchNorm2d(in_channels)
        self.pointwise = nn.Conv2d(in_channels, out_channels, 1, bias=False)
        self.pointwise_bn = nn.BatchNorm2d(out_channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.relu(self.depthwise_bn(self.depthwise(x)))
        return F.relu(self.pointwise_bn(self.pointwise(x)))


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = StemConv(3, WIDTHS[0])
        self.down1 = Separable(WIDTHS[0], WIDTHS[1], 2)
        self.down2 = Separable(WIDTHS[1], WIDTHS[2], 2)
        self.down3 = Separable(WIDTHS[2], WIDTHS[3], 2)

    def forward(self, x: torch.Tensor):
        """The maps at 1/2, 1/4, 1/8 and 1/16 of the input's resolution."""
        s1 = self.stem(x)
        s2 = self.down1(s1)
        s3 = self.down2(s2)
        return s1, s2, s3, self.down3(s3)


class UpStage(nn.Module):
    """Depthwise transposed convolution x2, concatenated with the skip, pointwise merge, separable refinement."""

    def __init__(self, in_channels: int, skip_channels: int, out_channels: int):
        super().__init__()
        self.upsample = nn.ConvTranspose2d(in_channels, in_channels, 4, stride=2, padding=1, groups=in_channels)
        self.merge = nn.Conv2d(in_channels + skip_channels, out_channels, 1, bias=False)
        self.merge_bn = nn.BatchNorm2d(out_channels)
        self.refine = Separable(out_channels, out_channels, 1)

    def forward(self, x: torch.Tensor, skip: torch.Tensor) -> torch.Tensor:
        x = F.relu(self.merge_bn(self.merge(torch.cat([self.upsample(x), skip], 1))))
        return self.refine(x)


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.up3 = UpStage(WIDTHS[3], WIDTHS[2], WIDTHS[2])
        self.up2 = UpStage(WIDTHS[2], WIDTHS[1], WIDTHS[1])
        self.up1 = UpStage(WIDTHS[1], WIDTHS[0], WIDTHS[0])

    def forward(self, s1, s2, s3, s4) -> torch.Tensor:
        return self.up1(self.up2(self.up3(s4, s3), s2), s1)


class SeparableUNet(nn.Module):
    def __init__(self, num_classes: int = 5):
        super().__init__()
        self.encoder = Encoder()
        self.decoder = Decoder()
        self.head = nn.Conv2d(WIDTHS[0], num_classes, 1)
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
                # He initialization for the ReLU network (PyTorch's default would shrink every layer's output).
                nn.init.kaiming_normal_(m.weight, mode="fan_in", nonlinearity="relu")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.head(self.decoder(*self.encoder(x)))
        return F.interpolate(y, size=x.shape[-2:], mode="bilinear", align_corners=False)
