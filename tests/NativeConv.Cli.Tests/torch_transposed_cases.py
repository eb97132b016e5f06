"""Writes transposed-convolution cases as NumPy .npy files, with PyTorch's float64 answer.

For each case: x.npy (input, in the case's layout), w.npy (PyTorch order (in, out/groups, kh, kw)), b.npy (optional)
and torch.npy (torch.nn.functional.conv_transpose2d plus the activation, evaluated in float64 on the float32 arrays and
rounded once to float32, in the case's layout), and a line in manifest.json with flags describing the same layer.
Symmetric padding is passed to PyTorch as `padding`; asymmetric padding is what PyTorch cannot take, so the full output
(padding 0, same output_padding) is cropped: `padding` crops exactly that, top/left and bottom/right.

usage: python3 torch_transposed_cases.py OUT_DIR      (Debian: apt-get install python3-torch python3-numpy)
"""
import sys

import torch
import torch.nn.functional as F

from torch_cases import activate, pair, save, write_manifest

# name, input shape (N,C,H,W), out channels, kernel (h,w), stride, padding (t,l,b,r), output padding, dilation, groups,
# bias, activation, layout (nhwc: saved as N,H,W,C)
CASES = [
    ("depthwise_4x4_s2_relu6_nchw", (2, 16, 9, 7), 16, (4, 4), 2, (1, 1, 1, 1), 0, 1, 16, True, "relu6", "nchw"),
    ("grouped_dilated_hardswish_nhwc", (1, 12, 6, 5), 8, (3, 3), 2, (1, 1, 1, 1), 1, 2, 4, True, "hardswish", "nhwc"),
    ("asymmetric_crop_nonsquare_nchw", (1, 6, 5, 8), 4, (3, 5), (2, 3), (1, 0, 2, 3), (1, 2), 1, 1, True, "none", "nchw"),
    ("output_padding_beyond_stride_clamp_nhwc", (2, 5, 4, 6), 3, (3, 3), 1, (0, 0, 0, 0), 2, 3, 1, True, "clamp:-0.5,0.5", "nhwc"),
    ("multiplier3_dilated_s3_relu_nchw", (1, 8, 7, 7), 24, (3, 3), 3, (2, 2, 2, 2), 2, 2, 8, False, "relu", "nchw"),
    ("unet_2x2_s2_nhwc", (1, 32, 14, 14), 16, (2, 2), 2, (0, 0, 0, 0), 0, 1, 1, True, "none", "nhwc"),
    ("stride_wider_than_kernel_hardsigmoid_nchw", (1, 4, 3, 5), 6, (3, 3), 4, (0, 1, 2, 0), 3, 1, 2, True, "hardsigmoid", "nchw"),
    ("upsample_4x4_s2_gelu_nhwc", (1, 16, 7, 6), 8, (4, 4), 2, (1, 1, 1, 1), 0, 1, 1, True, "gelu", "nhwc"),
    ("depthwise_3x3_s2_silu_nchw", (2, 12, 5, 5), 12, (3, 3), 2, (1, 1, 1, 1), 1, 1, 12, True, "silu", "nchw"),
    ("grouped_sigmoid_nhwc", (1, 8, 6, 4), 8, (3, 2), 1, (0, 0, 0, 0), 0, 1, 2, False, "sigmoid", "nhwc"),
    ("dilated_tanh_nchw", (1, 6, 5, 5), 6, (3, 3), 1, (1, 1, 1, 1), 0, 2, 1, True, "tanh", "nchw"),
]


def main(out_dir):
    torch.manual_seed(2026)
    manifest = []
    for name, shape, out_c, kernel, stride, padding, output_padding, dilation, groups, bias, activation, layout in CASES:
        in_c = shape[1]
        x = torch.randn(shape)
        w = torch.randn(in_c, out_c // groups, *kernel) / (in_c // groups * kernel[0] * kernel[1]) ** 0.5
        b = torch.randn(out_c) * 0.1 if bias else None
        top, left, bottom, right = padding
        symmetric = top == bottom and left == right
        # float64 on the float32 values: the exact sums of the arrays the test reads, rounded once when saved.
        y = F.conv_transpose2d(x.double(), w.double(), None if b is None else b.double(), stride=pair(stride),
                               padding=(top, left) if symmetric else 0, output_padding=pair(output_padding),
                               groups=groups, dilation=pair(dilation))
        if not symmetric:
            y = y[:, :, top:y.shape[2] - bottom, left:y.shape[3] - right]
        y = activate(activation, y)

        save(out_dir, name, layout, x=x, w=w, b=b, torch=y)
        flags = ["--stride", ",".join(map(str, pair(stride))), "--padding", ",".join(map(str, padding)),
                 "--output-padding", ",".join(map(str, pair(output_padding))), "--dilation", ",".join(map(str, pair(dilation))),
                 "--groups", str(groups), "--activation", activation, "--layout", layout]
        manifest.append({"name": name, "bias": b is not None, "flags": flags})
    write_manifest(out_dir, manifest)


if __name__ == "__main__":
    main(sys.argv[1])
