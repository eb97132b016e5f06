"""The PyTorch peer: the MobileNet layers of `nativeconv shapes`, timed in PyTorch (Debian's
python3-torch, CPU) as a PyTorch user runs them: eager F.conv2d then an in-place ReLU6, under
inference_mode, in NCHW and in channels_last, with the same thread count as NativeConv.

usage: python3 pytorch_peer.py SHAPES_CSV --threads N [--min-ms M] > torch.csv
Prints CSV: model,layer,count,flops,layout,threads,torch_us (median per call, as nc_baseline)
"""
import argparse
import csv
import sys
import time

import torch
import torch.nn.functional as F


def median_us(call, min_ms):
    for _ in range(5):
        call()
    t0 = time.perf_counter()
    calls = 0
    while time.perf_counter() - t0 < 0.02 or calls < 3:
        call()
        calls += 1
    per_batch = int(0.002 / ((time.perf_counter() - t0) / calls)) + 1
    samples = []
    start = time.perf_counter()
    while len(samples) < 7 or (time.perf_counter() - start < min_ms / 1e3 and len(samples) < 4096):
        b0 = time.perf_counter()
        for _ in range(per_batch):
            call()
        samples.append((time.perf_counter() - b0) / per_batch * 1e6)
    samples.sort()
    return samples[len(samples) // 2]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("shapes")
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--min-ms", type=float, default=200)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["model", "layer", "count", "flops", "layout", "threads", "torch_us"])
    with open(args.shapes) as f:
        layers = list(csv.DictReader(f))
    with torch.inference_mode():
        for layout in ("nchw", "channels_last"):
            for l in layers:
                size, cin, cout, groups = int(l["size"]), int(l["in_channels"]), int(l["out_channels"]), int(l["groups"])
                k, stride, pad = int(l["kernel"]), int(l["stride"]), int(l["padding"])
                x = torch.rand(1, cin, size, size) - 0.5
                w = torch.rand(cout, cin // groups, k, k) - 0.5
                b = torch.rand(cout) - 0.5
                if layout == "channels_last":
                    x = x.contiguous(memory_format=torch.channels_last)
                    w = w.contiguous(memory_format=torch.channels_last)
                relu6 = l["activation"] == "relu6"

                def call():
                    y = F.conv2d(x, w, b, stride=stride, padding=pad, groups=groups)
                    return F.relu6(y, inplace=True) if relu6 else y

                us = median_us(call, args.min_ms)
                out_size = (size + 2 * pad - k) // stride + 1
                flops = 2 * cout * out_size * out_size * (cin // groups) * k * k
                out.writerow([l["model"], l["layer"], l["count"], flops, layout, args.threads, f"{us:.3f}"])
                sys.stdout.flush()


if __name__ == "__main__":
    main()
