"""The markdown table of build/benchmarks/onnx-zoo.sh from its run directory: onnx-paired.jsonl (the ORT runner's
onnx-paired mode: NativeConv and ONNX Runtime on the same .onnx file, or a refusal), pytorch.jsonl (pytorch_zoo.py)
and peak.csv (native/nc_peak --csv; when absent the % of FMA peak column is "-").

% of FMA peak = NativeConv's multiply-accumulates per call (its convolutions and linear layers) / its median time per
call / the FMA rate nc_peak measured at the run's thread count (the best of its fma_* rows, GFLOP/s / 2).

usage: /usr/bin/python3 build/benchmarks/onnx_zoo_table.py RUN_DIR   (prints the table)
"""
import csv
import json
import os
import sys


def read_jsonl(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def fma_per_s(run_dir, threads):
    """FMAs per second at `threads`, or None without peak.csv."""
    path = os.path.join(run_dir, "peak.csv")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        rates = [float(r["value"]) for r in csv.DictReader(f) if r["metric"].startswith("fma_") and int(r["threads"]) == threads]
    return max(rates) * 1e9 / 2 if rates else None


def main():
    run_dir = sys.argv[1]
    paired = read_jsonl(os.path.join(run_dir, "onnx-paired.jsonl"))
    torch = {(r["model"], r["batch"]): r for r in read_jsonl(os.path.join(run_dir, "pytorch.jsonl"))}
    measured = [r for r in paired if "refused" not in r]
    threads = measured[0]["threads"] if measured else 2
    fma = fma_per_s(run_dir, threads)
    if measured:
        r = measured[0]
        print(f"NativeConv (backend {r['backend']}) and ONNX Runtime {r['ort_version']} on the same .onnx file, {threads} threads, NCHW; "
              f"{r['pairs']} alternating pairs of blocks of >= {r['block_ms']} ms in one process (medians; the ratio pair by pair); "
              "load + first call and peak RSS in fresh processes (medians of the runs; peak RSS = VmHWM after "
              f"{r['nativeconv_memory']['calls']} calls, the runtime's own {r['nativeconv_memory']['rss_before_load_kb'] / 1024:.0f} MiB included); "
              f"PyTorch eager {next(iter(torch.values()))['torch_version'] if torch else '-'} (no_grad, same weights and input). "
              + (f"FMA peak {fma * 2 / 1e9:.1f} GFLOP/s at {threads} threads (native/nc_peak)." if fma else "No peak.csv: % of FMA peak not computed.") + "\n")
    print("| model | batch | NativeConv µs | NativeConv images/s | ORT µs | ORT images/s | PyTorch eager µs | ORT / NativeConv (pairs min–max) "
          "| % of FMA peak | load + first call ms: NativeConv cold / with plan / ORT | peak RSS MiB: NativeConv / ORT |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in paired:
        if "refused" in r:
            print(f"| {r['model']} | - | refused at load: {r['refused']} | | | | | | | | |")
            continue
        t = torch.get((r["model"], r["batch"]))
        eager = f"{t['median_us']:.0f}" if t else "-"
        peak = f"{100 * r['multiply_accumulates'] / (r['nativeconv_us'] * 1e-6) / fma:.1f}%" if fma else "-"
        plan = f"{r['nativeconv_with_plan_ms']:.0f}" if r["nativeconv_with_plan_ms"] is not None else "-"
        print(f"| {r['model']} | {r['batch']} | {r['nativeconv_us']:.0f} | {r['nativeconv_images_per_s']:.1f} | {r['ort_us']:.0f} | {r['ort_images_per_s']:.1f} "
              f"| {eager} | {r['ratio_ort_over_nativeconv']:.3f} ({r['ratio_min']:.3f}–{r['ratio_max']:.3f}) | {peak} "
              f"| {r['nativeconv_cold_ms']:.0f} / {plan} / {r['ort_cold_ms']:.0f} "
              f"| {r['nativeconv_memory']['peak_rss_kb'] / 1024:.0f} / {r['ort_memory']['peak_rss_kb'] / 1024:.0f} |")


if __name__ == "__main__":
    main()
