"""The PyTorch eager peer of build/benchmarks/onnx-zoo.sh: a zoo model as build/peers/export_onnx_zoo.py exported it
(torchvision's network with the same seeded randomization: the same weights), on the export's own input image
(DIR/input.npy) repeated over the batch, run as a PyTorch user runs it: .eval(), torch.no_grad(),
torch.set_num_threads(N), NCHW float32. Timing as pytorch_networks.py times: a warm-up, then --samples samples of calls
lasting at least --min-ms each (one call or more); the median µs per call. The first image's output is compared with
the export's float32 output (DIR/output.npy), to show the weights are the exported ones.

usage: /usr/bin/python3 build/benchmarks/pytorch_zoo.py --model NAME --export-dir DIR --batch N [--seed 1] [--threads 2]
           [--samples 15] [--min-ms 2]        (prints one JSON object)
"""
import argparse
import importlib.util
import json
import os
import statistics

import numpy as np
import torch

import pytorch_networks


def _exporter():
    # Loaded by path: build/peers is a folder of scripts, not an installed package.
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "peers", "export_onnx_zoo.py")
    spec = importlib.util.spec_from_file_location("export_onnx_zoo", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    exporter = _exporter()
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True, choices=sorted(exporter.MODELS))
    parser.add_argument("--export-dir", required=True)
    parser.add_argument("--batch", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--samples", type=int, default=15)
    parser.add_argument("--min-ms", type=float, default=2)
    args = parser.parse_args()
    if args.samples < 15:
        parser.error("--samples must be at least 15")

    torch.set_num_threads(args.threads)
    model, _ = exporter.seeded_model(args.model, args.seed)
    image = torch.from_numpy(np.load(os.path.join(args.export_dir, "input.npy")))
    x = image.repeat(args.batch, 1, 1, 1).contiguous()
    with torch.no_grad():
        first = model(x)[:1].numpy()
        samples = pytorch_networks.per_call_us(lambda: model(x), args.min_ms, repeats=args.samples)
    exported = np.load(os.path.join(args.export_dir, "output.npy"))
    median = statistics.median(samples)
    print(json.dumps({
        "model": args.model, "batch": args.batch, "threads": args.threads, "samples": len(samples),
        "median_us": round(median, 1), "min_us": round(samples[0], 1), "max_us": round(samples[-1], 1),
        "images_per_s": round(args.batch * 1e6 / median, 2), "torch_version": torch.__version__,
        "max_abs_difference_vs_export": float(np.abs(first - exported).max()),
    }))


if __name__ == "__main__":
    main()
