"""Writes resize cases as NumPy .npy files, with PyTorch's own answer.

For each case: x.npy (input, in the case's layout) and torch.npy (torch.nn.functional.interpolate, in the case's
layout), and a line in manifest.json with flags describing the same resize. Bilinear is evaluated in float64 on the
float32 input and rounded once to float32; nearest and nearest-exact pick pixels with float32 coordinates whatever the
dtype, so they run on the float32 input itself. Scale factors are passed with recompute_scale_factor=True, the
semantics NativeConv implements (coordinates from the sizes).

usage: python3 torch_resize_cases.py OUT_DIR      (Debian: apt-get install python3-torch python3-numpy)
"""
import sys

import torch
import torch.nn.functional as F

from torch_cases import save, write_manifest

# name, input shape (N,C,H,W), mode, align_corners (bilinear), size (h,w) or None, scale (h,w) or None, layout
CASES = [
    ("bilinear_up_nchw", (2, 5, 7, 9), "bilinear", False, (19, 20), None, "nchw"),
    ("bilinear_align_corners_nhwc", (1, 6, 8, 5), "bilinear", True, (13, 17), None, "nhwc"),
    ("bilinear_down_nhwc", (1, 4, 23, 17), "bilinear", False, (9, 6), None, "nhwc"),
    ("bilinear_align_corners_to_one_row_nchw", (1, 3, 20, 11), "bilinear", True, (1, 7), None, "nchw"),
    ("bilinear_scale_nchw", (1, 3, 10, 7), "bilinear", False, None, (1.7, 2.3), "nchw"),
    ("bilinear_lraspp_19_to_320_nhwc", (1, 21, 19, 19), "bilinear", False, (320, 320), None, "nhwc"),
    ("nearest_up_nchw", (1, 4, 5, 7), "nearest", False, (13, 16), None, "nchw"),
    ("nearest_down_nhwc", (2, 3, 17, 23), "nearest", False, (6, 9), None, "nhwc"),
    ("nearest_scale_2x_nhwc", (1, 8, 6, 5), "nearest", False, None, (2.0, 2.0), "nhwc"),
    ("nearest_exact_nchw", (1, 3, 9, 11), "nearest-exact", False, (20, 7), None, "nchw"),
    # 2 -> 82: 41·fl32(2/82) rounds below 1, so PyTorch picks pixel 0 for output 41, not the exact 1.
    ("nearest_float32_coordinates_nhwc", (1, 2, 2, 3), "nearest", False, (82, 5), None, "nhwc"),
]


def main(out_dir):
    torch.manual_seed(2026)
    manifest = []
    for name, shape, mode, align_corners, size, scale, layout in CASES:
        x = torch.randn(shape)
        options = {"size": size} if size is not None else {"scale_factor": scale, "recompute_scale_factor": True}
        if mode == "bilinear":
            y = F.interpolate(x.double(), mode=mode, align_corners=align_corners, **options)
        else:
            y = F.interpolate(x, mode=mode, **options)
        save(out_dir, name, layout, x=x, torch=y)
        flags = ["--mode", mode, "--align-corners", "1" if align_corners else "0", "--layout", layout]
        flags += ["--size", ",".join(map(str, size))] if size is not None else ["--scale", ",".join(map(repr, scale))]
        manifest.append({"name": name, "bias": False, "flags": flags})
    write_manifest(out_dir, manifest)


if __name__ == "__main__":
    main(sys.argv[1])
