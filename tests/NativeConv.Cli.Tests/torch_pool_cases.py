"""Writes max- and average-pool cases as NumPy .npy files, with PyTorch's own answer, and PyTorch's output sizes.

For each case: x.npy (input, in the case's layout) and torch.npy (torch.nn.functional.max_pool2d or avg_pool2d,
evaluated in float64 on the float32 input and rounded once to float32, in the case's layout), and a line in
manifest.json with flags describing the same pool. shapes.json lists, for many pools and input sizes, the output size
PyTorch gives or that it refuses them.

usage: python3 torch_pool_cases.py OUT_DIR      (Debian: apt-get install python3-torch python3-numpy)
"""
import json
import os
import random
import sys

import torch
import torch.nn.functional as F

from torch_cases import pair, save, write_manifest

# name, kind, input shape (N,C,H,W), kernel, stride, padding, dilation, ceil_mode, count_include_pad, NaN inputs, layout
CASES = [
    ("shufflenet_stem_max_nan_nchw", "max", (2, 24, 17, 15), 3, 2, 1, 1, False, True, True, "nchw"),
    ("googlenet_max_ceil_nhwc", "max", (1, 20, 14, 13), 3, 2, 0, 1, True, True, False, "nhwc"),
    ("dilated_ceil_max_nhwc", "max", (2, 9, 11, 10), (2, 3), (1, 2), 1, (2, 1), True, True, True, "nhwc"),
    ("padding_only_window_max_nchw", "max", (1, 4, 1, 1), 2, 1, 1, 2, False, True, False, "nchw"),
    ("inception_avg_counting_padding_nchw", "avg", (1, 32, 9, 9), 3, 1, 1, 1, False, True, False, "nchw"),
    ("ceil_avg_counting_padding_nhwc", "avg", (2, 17, 10, 7), 3, 2, 1, 1, True, True, False, "nhwc"),
    ("ceil_avg_not_counting_padding_nchw", "avg", (1, 11, 8, 9), (2, 3), (2, 1), 1, 1, True, False, False, "nchw"),
    ("avg_5x5_s3_ceil_nhwc", "avg", (1, 40, 12, 14), 5, 3, 2, 1, True, True, True, "nhwc"),
    # Ceil mode keeps a window wider than the padded input when it starts inside it: 5 columns over 4.
    ("oversized_ceil_window_avg_nchw", "avg", (1, 6, 5, 4), (3, 5), (2, 3), (1, 0), 1, True, True, False, "nchw"),
    ("oversized_dilated_ceil_max_nhwc", "max", (1, 5, 6, 6), (2, 4), 3, (1, 0), (1, 2), True, True, False, "nhwc"),
]


def pool(kind, x, kernel, stride, padding, dilation, ceil_mode, count_include_pad):
    if kind == "max":
        return F.max_pool2d(x, kernel, stride, padding, dilation, ceil_mode)
    return F.avg_pool2d(x, kernel, stride, padding, ceil_mode, count_include_pad)


def shape_table(count):
    """Random pools on small inputs: PyTorch's output size, or null where it refuses the pool."""
    rng = random.Random(2026)
    rows = []
    for _ in range(count):
        kind = rng.choice(["max", "avg"])
        kernel = (rng.randint(1, 5), rng.randint(1, 5))
        stride = (rng.randint(1, 3), rng.randint(1, 3))
        # Now and then more than half the kernel, which PyTorch refuses.
        padding = tuple(rng.randint(0, k // 2 + (rng.random() < 0.15)) for k in kernel)
        dilation = (rng.randint(1, 3), rng.randint(1, 3)) if kind == "max" else (1, 1)
        ceil_mode = rng.random() < 0.5
        size = (rng.randint(1, 12), rng.randint(1, 12))
        try:
            y = pool(kind, torch.zeros(1, 1, *size), kernel, stride, padding, dilation, ceil_mode, True)
            output = list(y.shape[2:])
        except RuntimeError:
            output = None
        rows.append({"kind": kind, "kernel": kernel, "stride": stride, "padding": padding, "dilation": dilation,
                     "ceil": ceil_mode, "size": size, "output": output})
    return rows


def main(out_dir):
    torch.manual_seed(2026)
    manifest = []
    for name, kind, shape, kernel, stride, padding, dilation, ceil_mode, count_include_pad, nan, layout in CASES:
        x = torch.randn(shape)
        if nan:
            x.view(-1)[torch.randperm(x.numel())[: x.numel() // 9]] = float("nan")
        xb = x.contiguous(memory_format=torch.channels_last) if layout == "nhwc" else x
        # float64 on the float32 values: the max exactly, the average's exact quotient rounded once when saved.
        y = pool(kind, xb.double(), pair(kernel), pair(stride), pair(padding), pair(dilation), ceil_mode, count_include_pad)
        save(out_dir, name, layout, x=x, torch=y)
        p = pair(padding)
        flags = ["--kind", kind, "--kernel", ",".join(map(str, pair(kernel))), "--stride", ",".join(map(str, pair(stride))),
                 "--padding", ",".join(map(str, (p[0], p[1], p[0], p[1]))), "--dilation", ",".join(map(str, pair(dilation))),
                 "--ceil", str(int(ceil_mode)), "--count-include-pad", str(int(count_include_pad)), "--layout", layout]
        manifest.append({"name": name, "bias": False, "flags": flags})
    write_manifest(out_dir, manifest)
    with open(os.path.join(out_dir, "shapes.json"), "w") as f:
        json.dump(shape_table(400), f)


if __name__ == "__main__":
    main(sys.argv[1])
