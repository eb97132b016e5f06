"""The PyTorch eager peer of the whole-network benchmarks: one network of networks.py (Debian's
python3-torch, CPU) as a PyTorch user runs it: .eval(), inference_mode, NCHW or channels_last;
BatchNorm and ReLU6 stay separate ops (eager does not fold them; the ONNX export does).
Same timing rule and JSON fields as the ONNX Runtime peer (tests/NativeConv.Benchmarks.Ort).

usage: /usr/bin/python3 pytorch_networks.py --model v1|v1-body|v2|v3-small|v3-large
           --layout nchw|channels_last --threads N --batch N [--min-ms M] [--json]
"""
import argparse
import json
import statistics
import time

import torch

import networks

REPEATS = 7
WARM_UP_S, WARM_UP_CALLS = 0.02, 10


def per_call_us(call, min_ms, repeats=REPEATS):
    """Warm-up, then `repeats` batches of calls of at least min_ms each: sorted µs per call of each batch."""
    start, calls = time.perf_counter(), 0
    while calls < WARM_UP_CALLS or time.perf_counter() - start < WARM_UP_S:
        call()
        calls += 1
    samples = []
    for _ in range(repeats):
        start, calls = time.perf_counter(), 0
        while True:
            call()
            calls += 1
            elapsed = time.perf_counter() - start
            if elapsed >= min_ms / 1e3:
                break
        samples.append(elapsed / calls * 1e6)
    return sorted(samples)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True, choices=networks.MODELS)
    parser.add_argument("--layout", required=True, choices=("nchw", "channels_last"))
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--batch", type=int, required=True)
    parser.add_argument("--min-ms", type=float, default=2000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    net = networks.build(args.model)
    torch.manual_seed(0)
    x = torch.rand(networks.input_shape(args.model, args.batch)) - 0.5
    if args.layout == "channels_last":
        net = net.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
    with torch.inference_mode():
        samples = per_call_us(lambda: net(x), args.min_ms)

    median = statistics.median(samples)
    result = {"model": args.model, "layout": args.layout, "batch": args.batch, "threads": args.threads,
              "median_us": round(median, 1), "min_us": round(samples[0], 1), "max_us": round(samples[-1], 1),
              "images_per_s": round(args.batch * 1e6 / median, 2), "torch_version": torch.__version__}
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{args.model} {args.layout} batch {args.batch}, {args.threads} thread(s): median {median:.1f} µs "
              f"(min {samples[0]:.1f}, max {samples[-1]:.1f}), {result['images_per_s']:.1f} images/s, "
              f"PyTorch {torch.__version__}")


if __name__ == "__main__":
    main()
