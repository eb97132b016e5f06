"""The networks of the whole-network benchmarks, by name, as both peers build them (export_onnx.py for
ONNX Runtime, pytorch_networks.py for PyTorch eager): random weights from a fixed seed, eval mode.

  v1        MobileNet v1 1.0/224 (build/peers/mobilenet_v1.py), input (N, 3, 224, 224), logits (N, 1000)
  v1-body   its 13 separable blocks alone, input (N, 32, 112, 112), feature map (N, 1024, 7, 7)
  v2        torchvision mobilenet_v2, input (N, 3, 224, 224), logits (N, 1000)
  v3-small  torchvision mobilenet_v3_small, likewise
  v3-large  torchvision mobilenet_v3_large, likewise
"""
import importlib.util
from pathlib import Path

import torch
import torchvision

MODELS = ("v1", "v1-body", "v2", "v3-small", "v3-large")


def _mobilenet_v1():
    # Loaded by path: build/peers is a folder of scripts, not an installed package.
    path = Path(__file__).resolve().parent.parent / "peers" / "mobilenet_v1.py"
    spec = importlib.util.spec_from_file_location("mobilenet_v1", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build(name: str) -> torch.nn.Module:
    """The network in eval mode, weights drawn from seed 0 (timing does not depend on their values)."""
    torch.manual_seed(0)
    if name == "v1":
        net = _mobilenet_v1().MobileNetV1()
    elif name == "v1-body":
        net = _mobilenet_v1().MobileNetV1Body()
    elif name == "v2":
        net = torchvision.models.mobilenet_v2(weights=None)
    elif name == "v3-small":
        net = torchvision.models.mobilenet_v3_small(weights=None)
    elif name == "v3-large":
        net = torchvision.models.mobilenet_v3_large(weights=None)
    else:
        raise ValueError(f"unknown model '{name}' (known: {' '.join(MODELS)})")
    return net.eval()


def input_shape(name: str, batch: int) -> tuple:
    """NCHW input shape: the body starts after the stem, at 32 channels of 112x112."""
    return (batch, 32, 112, 112) if name == "v1-body" else (batch, 3, 224, 224)


def outputs_feature_map(name: str) -> bool:
    """True when the output is a feature map (so it has a layout), False for logits (N, 1000)."""
    return name == "v1-body"
