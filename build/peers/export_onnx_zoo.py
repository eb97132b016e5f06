"""Exports a torchvision model to ONNX with PyTorch's own answer, for NativeConv.Onnx's tests and benchmarks.

What it is for: the models a user would bring (torch.onnx.export of torchvision's networks), made at test time
with Debian's interpreter (/usr/bin/python3 with python3-torch 1.13, python3-torchvision 0.14, python3-numpy).
No weights are downloaded: weights=None, with every BatchNorm's statistics and affine parameters randomized
(seeded), Linear weights ~ N(0, 1/in_features) and conv/linear biases ~ N(0, 0.1), so folding and every bias
are exercised and the activations neither vanish nor explode.

    /usr/bin/python3 build/peers/export_onnx_zoo.py --model NAME --opset 13|17 --out DIR [--seed S] [--batch N]

NAME: mobilenet_v2, mobilenet_v3_small, mobilenet_v3_large, mnasnet0_5, mnasnet1_0, efficientnet_b0,
shufflenet_v2_x0_5, shufflenet_v2_x1_0, regnet_x_400mf, regnet_y_400mf (224x224), lraspp_mobilenet_v3_large
(320x320, its "out" head), and the torch modules of build/peers: xception (xception.py; 128x128, which keeps the
tests' double evaluation quick and leaves the exit flow a 4x4 map) and separable_unet (separable_unet.py; 128x128,
its output the class map at the input's size). The graph's input is "input" (N, 3, H, W) with a symbolic batch, its
output "output".

Writes into DIR:
  model.onnx        torch.onnx.export(eval model, opset, do_constant_folding=True, dynamic batch axis)
  input.npy         float32 (N, 3, H, W) ~ U(-1, 1), seeded;  input_nhwc.npy: the same values NHWC
  output_f64.npy    float64: the model .double() on the same input (the near-exact reference)
  output_hi.npy, output_lo.npy
                    float32 pair of that output, hi = float32(x), lo = float32(x - hi) (x to about 2^-48
                    relative, readable by NativeConv's float32-only .npy reader)
  output.npy        float32: the float32 model's own output
  model.json        model, opset, versions, seed, shapes, output std, the ONNX nodes' op types and counts
"""
import argparse
import collections
import copy
import importlib.util
import json
import os
import sys

import numpy as np
import torch
import torchvision
from torch import nn

MODELS = {
    "mobilenet_v2": 224, "mobilenet_v3_small": 224, "mobilenet_v3_large": 224, "mnasnet0_5": 224, "mnasnet1_0": 224,
    "efficientnet_b0": 224, "shufflenet_v2_x0_5": 224, "shufflenet_v2_x1_0": 224, "regnet_x_400mf": 224,
    "regnet_y_400mf": 224, "lraspp_mobilenet_v3_large": 320, "xception": 128, "separable_unet": 128,
}


class OutHead(nn.Module):
    """A segmentation model's "out" tensor (torchvision returns a dict)."""

    def __init__(self, net: nn.Module):
        super().__init__()
        self.net = net

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)["out"]


def peer(file: str, name: str):
    """A function or class from a module of build/peers, imported by path: build/peers is no package."""
    spec = importlib.util.spec_from_file_location(os.path.splitext(file)[0], os.path.join(os.path.dirname(os.path.abspath(__file__)), file))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, name)


def build(name: str) -> nn.Module:
    if name == "lraspp_mobilenet_v3_large":
        return OutHead(torchvision.models.segmentation.lraspp_mobilenet_v3_large(weights=None, weights_backbone=None))
    # torchvision's by name, build/peers' Xception and separable U-Net: as the samples' peer builds them
    return peer("export_samples.py", "build")(name)


def randomize(model: nn.Module, generator: torch.Generator) -> None:
    """export_mobilenet.py's randomization, every conv/linear bias included."""
    peer("export_mobilenet.py", "randomize")(model, generator, random_biases=True)


def seeded_model(name: str, seed: int):
    """The eval model with its seeded randomization, and the generator that then draws the input (so the PyTorch
    eager peer, build/benchmarks/pytorch_zoo.py, times the very model exported here)."""
    torch.manual_seed(seed)
    model = build(name).eval()
    generator = torch.Generator().manual_seed(seed)
    randomize(model, generator)
    return model, generator


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True, choices=sorted(MODELS))
    parser.add_argument("--opset", type=int, required=True, choices=(13, 17))
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch", type=int, default=1)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    model, generator = seeded_model(args.model, args.seed)
    size = MODELS[args.model]
    x = torch.rand((args.batch, 3, size, size), generator=generator) * 2 - 1
    with torch.no_grad():
        y = model(x)
        y64 = copy.deepcopy(model).double()(x.double())
        path = os.path.join(args.out, "model.onnx")
        torch.onnx.export(model, x, path, opset_version=args.opset, do_constant_folding=True,
                          input_names=["input"], output_names=["output"],
                          dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    np.save(os.path.join(args.out, "input.npy"), x.numpy())
    np.save(os.path.join(args.out, "input_nhwc.npy"), np.ascontiguousarray(x.permute(0, 2, 3, 1).numpy()))
    np.save(os.path.join(args.out, "output.npy"), y.numpy())
    np.save(os.path.join(args.out, "output_f64.npy"), y64.numpy())
    hi = y64.float()
    lo = (y64 - hi.double()).float()  # hi + lo is the float64 output to about 2^-48 relative
    hi, lo = hi.numpy(), lo.numpy()
    np.save(os.path.join(args.out, "output_hi.npy"), hi)
    np.save(os.path.join(args.out, "output_lo.npy"), lo)
    ops = collections.Counter()
    try:  # python3-onnx is optional here: the op census is documentation
        import onnx
        ops.update(n.op_type for n in onnx.load(path).graph.node)
    except ImportError:
        pass
    manifest = {
        "model": args.model, "opset": args.opset, "seed": args.seed, "batch": args.batch, "size": size,
        "torch": torch.__version__, "torchvision": torchvision.__version__,
        "input": list(x.shape), "output": list(y.shape), "output_std": y.std().item(),
        "float32_vs_float64_max_abs": (y.double() - y64).abs().max().item(), "ops": dict(sorted(ops.items())),
    }
    with open(os.path.join(args.out, "model.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print(f"{args.model} opset {args.opset}: {tuple(x.shape)} -> {tuple(y.shape)}, output std {y.std().item():.4g}; wrote {args.out}")
    if not 1e-2 <= y.std().item() <= 1e2:
        print(f"the output's std {y.std().item():.3g} is outside [1e-2, 1e2]: the randomized network exercises little", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
