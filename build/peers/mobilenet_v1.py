"""MobileNet v1 (Howard et al. 2017, 1.0, 224) as a torch module, named the way torchvision names
its MobileNets, so NativeConv's v1 builder reads its state_dict like the v2/v3 ones.

Keys: features.0.0 (stem conv 3->32, k3 s2 p1, no bias), features.0.1 (BatchNorm);
features.{1..13}.0 (depthwise k3 p1, no bias), .1 (BatchNorm), .3 (pointwise, no bias), .4 (BatchNorm);
classifier.1 (Linear 1024->1000). Every activation is ReLU6; BatchNorm eps 1e-5.
Used by the tests (cross-check of the v1 builder) and the benchmarks (ONNX export): a peer, never a
runtime dependency of NativeConv.
"""
import torch
from torch import nn

# (input channels, output channels, depthwise stride) of the 13 separable blocks (Table 1).
BLOCKS = [(32, 64, 1), (64, 128, 2), (128, 128, 1), (128, 256, 2), (256, 256, 1), (256, 512, 2),
          (512, 512, 1), (512, 512, 1), (512, 512, 1), (512, 512, 1), (512, 512, 1),
          (512, 1024, 2), (1024, 1024, 1)]


class MobileNetV1(nn.Module):
    def __init__(self, num_classes: int = 1000):
        super().__init__()
        layers = [nn.Sequential(nn.Conv2d(3, 32, 3, 2, 1, bias=False), nn.BatchNorm2d(32), nn.ReLU6(inplace=True))]
        for cin, cout, stride in BLOCKS:
            layers.append(nn.Sequential(
                nn.Conv2d(cin, cin, 3, stride, 1, groups=cin, bias=False), nn.BatchNorm2d(cin), nn.ReLU6(inplace=True),
                nn.Conv2d(cin, cout, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU6(inplace=True)))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Dropout(0.2), nn.Linear(1024, num_classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.avgpool(self.features(x))
        return self.classifier(torch.flatten(x, 1))


class MobileNetV1Body(nn.Module):
    """The 13 separable blocks alone (no stem, pool or classifier): the benchmarks' 'v1 body'."""

    def __init__(self):
        super().__init__()
        self.features = MobileNetV1().features[1:]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.features(x)
