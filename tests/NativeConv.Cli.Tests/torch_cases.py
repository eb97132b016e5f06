"""Writes convolution cases for `nativeconv run` as NumPy .npy files, with PyTorch's own answer.

For each case: x.npy (input, in the case's layout), w.npy (PyTorch order), b.npy (optional) and
torch.npy (torch.nn.functional.conv2d plus the activation, in the case's layout), and a line in
manifest.json with the `nativeconv run` flags that describe the same convolution.

usage: python3 torch_cases.py OUT_DIR      (Debian: apt-get install python3-torch python3-numpy)
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

ACTIVATIONS = {
    "none": lambda y: y,
    "relu": F.relu,
    "relu6": F.relu6,
    "hardswish": F.hardswish,
    "hardsigmoid": F.hardsigmoid,
    "sigmoid": torch.sigmoid,
    "silu": F.silu,
    "gelu": F.gelu,  # the erf form, PyTorch's default
    "tanh": torch.tanh,
}

# name, input shape (N,C,H,W or C,H,W), out channels, kernel (h,w), stride, padding, dilation, groups,
# bias, activation, layout (nhwc = the tensor in torch.channels_last, saved as N,H,W,C)
CASES = [
    ("depthwise_s2_relu6_nchw", (2, 24, 17, 13), 24, (3, 3), 2, 1, 1, 24, True, "relu6", "nchw"),
    ("pointwise_channels_last", (1, 32, 9, 11), 48, (1, 1), 1, 0, 1, 1, False, "none", "nhwc"),
    ("grouped_dilated_same_hardswish", (1, 16, 12, 10), 8, (3, 3), 1, "same", 2, 4, True, "hardswish", "nchw"),
    ("multiplier2_5x5_unbatched_relu", (6, 15, 14), 12, (5, 5), (2, 1), (2, 1), 1, 6, True, "relu", "nchw"),
    ("full_3x3_valid_clamp_nhwc", (2, 8, 10, 9), 12, (3, 3), 1, "valid", 1, 1, True, "clamp:-0.5,0.5", "nhwc"),
    ("even_kernel_same_nchw", (1, 6, 11, 8), 5, (4, 2), 1, "same", 1, 1, True, "none", "nchw"),
    ("depthwise_mobilenet_block_nhwc", (1, 64, 28, 28), 64, (3, 3), 1, 1, 1, 64, True, "relu6", "nhwc"),
    ("squeeze_excite_gate_hardsigmoid", (2, 24, 1, 1), 96, (1, 1), 1, 0, 1, 1, True, "hardsigmoid", "nchw"),
    ("depthwise_sigmoid_nhwc", (1, 32, 14, 13), 32, (3, 3), 1, 1, 1, 32, True, "sigmoid", "nhwc"),
    ("pointwise_silu_nchw", (2, 24, 9, 9), 40, (1, 1), 1, 0, 1, 1, True, "silu", "nchw"),
    ("full_5x5_s2_gelu_nhwc", (1, 8, 12, 11), 16, (5, 5), 2, 2, 1, 1, True, "gelu", "nhwc"),
    ("grouped_same_tanh_nchw", (2, 16, 10, 10), 16, (3, 3), 1, "same", 1, 4, False, "tanh", "nchw"),
]


def pair(v):
    return v if isinstance(v, tuple) else (v, v)


def flag(v):
    return v if isinstance(v, str) else ",".join(str(x) for x in pair(v))


def activate(name, y):
    if name.startswith("clamp:"):
        lo, hi = (float(s) for s in name[len("clamp:"):].split(","))
        return torch.clamp(y, lo, hi)
    return ACTIVATIONS[name](y)


def save(out_dir, name, layout, **arrays):
    """Writes each array as float32 NAME.KEY.npy; for an nhwc case the input (x) and the output (torch) as N,H,W,C."""
    for array_name, t in arrays.items():
        if t is None:
            continue
        a = t.detach().numpy()
        if layout == "nhwc" and t.dim() >= 3 and array_name in ("x", "torch"):
            a = np.moveaxis(a, -3, -1)  # N,C,H,W -> N,H,W,C (the bytes torch's channels_last holds)
        np.save(os.path.join(out_dir, f"{name}.{array_name}.npy"), np.ascontiguousarray(a, dtype="<f4"))


def write_manifest(out_dir, cases):
    with open(os.path.join(out_dir, "manifest.json"), "w") as f:
        json.dump({"torch": torch.__version__, "numpy": np.__version__, "cases": cases}, f, indent=1)


def main(out_dir):
    torch.manual_seed(2026)
    manifest = []
    for name, shape, out_c, kernel, stride, padding, dilation, groups, bias, activation, layout in CASES:
        unbatched = len(shape) == 3
        in_c = shape[0] if unbatched else shape[1]
        x = torch.randn(shape)
        w = torch.randn(out_c, in_c // groups, *kernel) / (in_c // groups * kernel[0] * kernel[1]) ** 0.5
        b = torch.randn(out_c) * 0.1 if bias else None
        xb = x.unsqueeze(0) if unbatched else x
        if layout == "nhwc":
            xb = xb.contiguous(memory_format=torch.channels_last)
        y = F.conv2d(xb, w, b, stride=pair(stride), padding=padding if isinstance(padding, str) else pair(padding),
                     dilation=pair(dilation), groups=groups)
        y = activate(activation, y)
        if unbatched:
            y = y.squeeze(0)

        save(out_dir, name, layout, x=x, w=w, b=b, torch=y)
        flags = ["--stride", flag(stride), "--padding", flag(padding), "--dilation", flag(dilation),
                 "--groups", str(groups), "--activation", activation, "--layout", layout]
        manifest.append({"name": name, "bias": b is not None, "flags": flags})
    write_manifest(out_dir, manifest)


if __name__ == "__main__":
    main(sys.argv[1])
