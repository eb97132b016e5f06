"""Exports the PyTorch model a sample in samples/NativeConv.Samples mirrors, with PyTorch's own answer, for the
samples' tests (tests/NativeConv.Samples.Tests).

What it is for: a cross-check peer made at test time with Debian's interpreter (/usr/bin/python3 with python3-torch,
python3-torchvision, python3-numpy); never a runtime dependency of NativeConv. No weights are downloaded: weights=None,
randomized as export_onnx_zoo.py does (every BatchNorm's statistics and affine parameters, Linear weights
~ N(0, 1/in_features), conv/linear biases ~ N(0, 0.1)), in eval mode (EfficientNet's stochastic depth is the identity).

    /usr/bin/python3 build/peers/export_samples.py --model NAME --out DIR [--seed S] [--batch N] [--size S]

NAME: xception (build/peers/xception.py), efficientnet_b0, mnasnet1_0, shufflenet_v2_x1_0 (torchvision),
separable_unet (build/peers/separable_unet.py). The default sizes keep NativeConv's reference backend quick while
leaving the deepest maps larger than a kernel's reach from the padding: 96x96 gives the classifiers 3x3 last maps,
64x64 the U-Net a 4x4 bottom.

Writes into DIR:
  weights.npz       np.savez(path, **{k: v.numpy() for k, v in model.state_dict().items()})
  input.npy         float32 (N, 3, S, S) ~ U(-1, 1), seeded;  input_nhwc.npy: the same values NHWC
  output_hi.npy, output_lo.npy
                    PyTorch's float64 output (the model .double() on the same input) as a float32 pair, hi = float32(x),
                    lo = float32(x - hi): x to about 2^-48 relative, readable by NativeConv's float32-only .npy reader
The run fails when the output's std leaves [1e-2, 1e2] (the randomized network would exercise little).
"""
import argparse
import copy
import importlib.util
import os
import sys

import numpy as np
import torch
import torchvision
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))

# Input height and width per model.
MODELS = {"xception": 96, "efficientnet_b0": 96, "mnasnet1_0": 96, "shufflenet_v2_x1_0": 96, "separable_unet": 64}


def peer(file: str, name: str):
    """A class from a module of build/peers, imported by path: build/peers is no package."""
    spec = importlib.util.spec_from_file_location(os.path.splitext(file)[0], os.path.join(HERE, file))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, name)


def build(name: str) -> nn.Module:
    if name == "xception":
        return peer("xception.py", "Xception")()
    if name == "separable_unet":
        return peer("separable_unet.py", "SeparableUNet")()
    return getattr(torchvision.models, name)(weights=None)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True, choices=sorted(MODELS))
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--size", type=int, default=0, help="input height and width (default: the model's)")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(args.seed)  # the models' own initialization draws from the global generator
    model = build(args.model).eval()
    generator = torch.Generator().manual_seed(args.seed)
    peer("export_mobilenet.py", "randomize")(model, generator, random_biases=True)
    size = args.size or MODELS[args.model]
    x = torch.rand((args.batch, 3, size, size), generator=generator) * 2 - 1
    with torch.no_grad():
        y = model(x)
        y64 = copy.deepcopy(model).double()(x.double())
    np.savez(os.path.join(args.out, "weights.npz"), **{k: v.numpy() for k, v in model.state_dict().items()})
    np.save(os.path.join(args.out, "input.npy"), x.numpy())
    np.save(os.path.join(args.out, "input_nhwc.npy"), np.ascontiguousarray(x.permute(0, 2, 3, 1).numpy()))
    hi = y64.float()
    lo = (y64 - hi.double()).float()
    np.save(os.path.join(args.out, "output_hi.npy"), hi.numpy())
    np.save(os.path.join(args.out, "output_lo.npy"), lo.numpy())
    difference = (y.double() - y64).abs().max().item()
    print(f"{args.model}: {tuple(x.shape)} -> {tuple(y.shape)}, {sum(p.numel() for p in model.parameters())} parameters, "
          f"output std {y.std().item():.4g}, float32 vs float64 {difference:.3g}; wrote {args.out}")
    if not 1e-2 <= y.std().item() <= 1e2:
        print(f"the output's std {y.std().item():.3g} is outside [1e-2, 1e2]: the randomized network exercises little", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
