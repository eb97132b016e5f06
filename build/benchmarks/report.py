"""Turns one build/benchmarks.sh run into docs/benchmarks.md and docs/benchmarks.png.

usage: python3 report.py RUN_DIR DOCS_DIR
RUN_DIR holds: machine.txt, info.txt, peak.csv, shapes.csv, native-{nhwc,nchw}-t{1,2}[-repeat].csv,
native-tiny-t1.csv, torch-t{1,2}.csv, commands.txt, BenchmarkDotNet's results/*-report-full.json, and
networks/{nativeconv,onnxruntime,pytorch}.jsonl (whole networks).
Every number in the output comes from those files; nothing is typed in.
"""
import csv
import glob
import json
import os
import statistics
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

BACKENDS = ("onednn", "xnnpack")
LABEL = {"onednn": "oneDNN", "xnnpack": "XNNPACK"}


def read_csv(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def bdn_results(run_dir):
    """(benchmark type, params dict) -> (median us, allocated bytes per call)."""
    files = glob.glob(os.path.join(run_dir, "results", "*-report-full.json"))
    if not files:
        sys.exit(f"no BenchmarkDotNet results in {run_dir}/results")
    results = {}
    for path in files:
        with open(path) as f:
            for b in json.load(f)["Benchmarks"]:
                params = dict(p.split("=", 1) for p in b["Parameters"].split("&")) if b.get("Parameters") else {}
                key = (b["Type"], tuple(sorted(params.items())))
                results[key] = (b["Statistics"]["Median"] / 1e3, b["Memory"]["BytesAllocatedPerOperation"])
    return results


def read_jsonl(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


NETWORKS = ("v1-body", "v1", "v2", "v3-small", "v3-large")


def medians(rows, key):
    """One row per key: the one with the median time over the rounds (measured interleaved with the peers)."""
    groups = {}
    for r in rows:
        groups.setdefault(key(r), []).append(r)
    return {k: sorted(g, key=lambda r: r["median_us"])[len(g) // 2] for k, g in groups.items()}


def per_round(rows, key):
    """Each key's times in the order the rounds ran (its k-th row belongs to round k)."""
    rounds = {}
    for r in rows:
        rounds.setdefault(key(r), []).append(r["median_us"])
    return rounds


def paired(ours, theirs):
    """Round by round ours / theirs (measured minutes apart at most, so the machine's drift cancels), and their median."""
    ratios = [a / b for a, b in zip(ours, theirs)]
    if not ratios:
        return "-"
    middle = sorted(ratios)[len(ratios) // 2] if len(ratios) % 2 else sum(sorted(ratios)[len(ratios) // 2 - 1:len(ratios) // 2 + 1]) / 2
    return f"{' / '.join(f'{x:.2f}' for x in ratios)} (median {middle:.2f})"


def network_section(run_dir, fma2, w):
    """The whole-network table: NativeConv per backend against ONNX Runtime and PyTorch, one run."""
    nets = os.path.join(run_dir, "networks")
    ours = medians(read_jsonl(os.path.join(nets, "nativeconv.jsonl")), lambda r: (r["model"], r["layout"], r["backend"], r["batch"]))
    ort = medians(read_jsonl(os.path.join(nets, "onnxruntime.jsonl")), lambda r: (r["model"], r["layout"], r["batch"]))
    ours_rounds = per_round(read_jsonl(os.path.join(nets, "nativeconv.jsonl")), lambda r: (r["model"], r["layout"], r["backend"], r["batch"]))
    ort_rounds = per_round(read_jsonl(os.path.join(nets, "onnxruntime.jsonl")), lambda r: (r["model"], r["layout"], r["batch"]))
    torch = medians(read_jsonl(os.path.join(nets, "pytorch.jsonl")),
                    lambda r: (r["model"], "nhwc" if r["layout"] == "channels_last" else r["layout"], r["batch"]))
    ort_version = next(iter(ort.values()))["ort_version"]
    w("## Whole networks\n")
    rounds = max(len([r for r in read_jsonl(os.path.join(nets, "onnxruntime.jsonl")) if (r["model"], r["layout"], r["batch"]) == k]) for k in ort)
    w(f"MobileNets at 224x224 (the v1 body: its 13 separable blocks on 32x112x112), fp32, 2 threads, seeded random "
      f"weights, the input and output in the named layout. NativeConv: `nativeconv net bench` (the network keeps NHWC "
      f"inside; an NCHW caller's data is transposed once in and once out, except where the first convolution reads "
      f"NCHW itself: v3's 16-channel stem on oneDNN). ONNX Runtime {ort_version} (NuGet "
      f"Microsoft.ML.OnnxRuntime, C#, CPU provider, ORT_ENABLE_ALL, intra-op threads 2, IO binding; models exported "
      f"by python3-torch at benchmark time, nhwc = an NHWC graph input) and PyTorch eager (nhwc = channels_last), "
      f"each model in its own process. NativeConv's two backends and ONNX Runtime are measured next to each other, "
      f"model by model, {rounds} rounds; each cell is the median round (µs per call); below 1 in 'best / ORT' means NativeConv is faster. "
      f"% of peak = the convolutions' FLOPs / time / the 2-thread FMA peak measured above ({fma2:.0f} GFLOP/s). "
      f"TorchSharp 0.107 is served by NuGet but not a peer: its native library needs GLIBC 2.38, Debian 12 has 2.36.\n")
    for batch in sorted({k[3] for k in ours}):
        w(f"### Batch {batch}\n")
        w("| network | layout | NativeConv auto µs (plan) | oneDNN alone µs | XNNPACK alone µs | XNNPACK whole µs | ONNX Runtime µs | PyTorch µs | NativeConv / ORT | NativeConv / ORT by round | NativeConv / PyTorch | GFLOP/s | % of FMA peak | images/s |")
        w("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for model in NETWORKS:
            for layout in ("nchw", "nhwc"):
                auto, one, xnn, graph = (ours.get((model, layout, b, batch)) for b in ("auto", "onednn", "xnnpack", "xnnpack whole"))
                if auto is None or one is None or xnn is None:
                    continue
                o, p = ort.get((model, layout, batch)), torch.get((model, layout, batch))
                graph_us = f"{graph['median_us']:.0f}" if graph else "-"
                gflops = auto["flops"] / auto["median_us"] / 1e3
                by_round = paired(ours_rounds.get((model, layout, "auto", batch), []), ort_rounds.get((model, layout, batch), []))
                peers = (f"{o['median_us']:.0f} | {p['median_us']:.0f} | **{auto['median_us'] / o['median_us']:.2f}** | {by_round} | {auto['median_us'] / p['median_us']:.2f}"
                         if o and p else "- | - | - | - | -")
                w(f"| {model} | {layout.upper()} | {auto['median_us']:.0f} ({auto['plan']}) | {one['median_us']:.0f} | {xnn['median_us']:.0f} | {graph_us} | {peers} | "
                  f"{gflops:.0f} | {100 * gflops / fma2:.0f}% | {auto['images_per_s']:.0f} |")
        w("")
    w("NativeConv / ORT below 1 means NativeConv is faster (0.80 = 1.25x ahead): the ratio of the median rounds, and "
      "round by round (NativeConv and ONNX Runtime measured next to each other, so the machine's drift, up to 2x within "
      "minutes on this VM, cancels in each round's ratio). 'auto' is the measured plan "
      "(the candidate it chose in parentheses: a backend alone, with its fusions, or 'mixed (library operations, ...)'; "
      "at batch 4 and more, then how it runs "
      "the batch when not all at once: 'images across threads', each thread running its share of the "
      "images on its own single-threaded copy, kept when it beat all at once by 5%); the three columns after it run "
      "each backend alone, operation by operation with residual adds fused where the backend can, and the whole "
      "network as one XNNPACK subgraph runtime (`net bench --backend xnnpack --whole`).\n")
    first_call_section(read_jsonl(os.path.join(nets, "nativeconv.jsonl")), w)


KEPT_MARKER = "<!-- report.py keeps everything from here: measurements taken by hand, each with its command -->"


def first_call_section(rows, w):
    """auto's first call per shape and its measuring over the calls after it, against oneDNN alone's first call (native state only)."""
    def median(values):
        t = sorted(values)
        return (t[(len(t) - 1) // 2] + t[len(t) // 2]) / 2 if t else None  # the middle two's mean when even

    runs = {}
    for r in rows:
        if r.get("first_call_ms") is not None:
            runs.setdefault((r["model"], r["layout"], r["backend"], r["batch"]), []).append(r)
    batches = sorted({k[3] for k in runs if k[2] == "auto"})
    if not batches:
        return

    def cell(model, layout, backend, batch, field, fmt):
        values = [r[field] for r in runs.get((model, layout, backend, batch), []) if r.get(field) is not None]
        return fmt.format(median(values)) if values else "-"

    w("### The first calls: auto's planning\n")
    w("`net bench`'s first call for a shape, in ms (the median over the rounds; each round is a new process). auto measures its "
      "candidates in that call, within `NetworkOptions.PlanningBudget` (250 ms for one image, 50 ms more per further image), "
      "after making each backend's native state for the shape; oneDNN alone only makes its own. A plan kept in "
      "`NetworkOptions.PlanDirectory` (`--plan-dir`) or given in `NetworkOptions.Plan` skips the measuring.\n")
    w("| network | layout | " + " | ".join(f"batch {b}: auto | batch {b}: oneDNN alone" for b in batches) + " |")
    w("|---|---|" + "---|---|" * len(batches))
    for model in NETWORKS:
        for layout in ("nchw", "nhwc"):
            cells = [cell(model, layout, backend, b, "first_call_ms", "{:.0f}") for b in batches for backend in ("auto", "onednn")]
            if any(c != "-" for c in cells):
                w(f"| {model} | {layout.upper()} | " + " | ".join(cells) + " |")
    w("")


def paired_section(run_dir, w, batch=1):
    """NativeConv and ONNX Runtime in one process, alternating blocks (the ORT runner's --paired): the ratio the drift cannot move."""
    path = os.path.join(run_dir, "networks", "paired.jsonl" if batch == 1 else f"paired-b{batch}.jsonl")
    if not os.path.exists(path):
        return
    rows = read_jsonl(path)
    w(f"### Batch {batch}, NativeConv and ONNX Runtime in one process\n")
    if batch == 1:
        w("The same networks timed in one process (`tests/NativeConv.Benchmarks.Ort --paired`): NativeConv planned with "
          "`auto` as above, then NativeConv and ONNX Runtime (its default threading, spinning on) in alternating blocks of "
          "calls (each block after a 30 ms pause, so the other library's idle threads have stopped spinning, then 3 untimed "
          "calls, then calls for at least 150 ms; the order swaps every pair), the ratio taken pair by pair and its median "
          "reported. Blocks a fraction of a second apart drift less than the rounds above (separate processes, seconds "
          "apart), but still do: the pairs' range shows by how much.\n")
    else:
        w(f"The same at batch {batch} (blocks of at least 400 ms, 9 pairs), where `auto` also chose how to run the batch "
          "(after the candidate's name when not all at once). Images/s are the median blocks'.\n")
    images = "" if batch == 1 else " NativeConv images/s | ONNX Runtime images/s |"
    w(f"| network | layout | NativeConv plan | NativeConv µs | ONNX Runtime µs |{images} NativeConv / ORT (median pair) | pairs range | pairs |")
    w("|---|---|---|---|---|" + ("" if batch == 1 else "---|---|") + "---|---|---|")
    order = {m: i for i, m in enumerate(NETWORKS)}
    for r in sorted(rows, key=lambda r: (order.get(r["model"], 99), r["layout"])):
        rates = "" if batch == 1 else f" {batch * 1e6 / r['nativeconv_us']:.0f} | {batch * 1e6 / r['ort_us']:.0f} |"
        w(f"| {r['model']} | {r['layout'].upper()} | {r['plan']} | {r['nativeconv_us']:.0f} | {r['ort_us']:.0f} |{rates} "
          f"**{r['ratio_median']:.2f}** | {r['ratio_min']:.2f}–{r['ratio_max']:.2f} | {r['pairs']} |")
    w("")


def plans_section(run_dir, w):
    """auto against each backend alone in one process (`net plans`): is the measured plan as fast as the best single one?"""
    path = os.path.join(run_dir, "networks", "plans.jsonl")
    if not os.path.exists(path):
        return
    rows = read_jsonl(path)
    w("### Batch 1, `auto` against each backend alone in one process\n")
    w("`nativeconv net plans`: the network planned by `auto` (measured over its first calls, as above) and the network on each "
      "backend alone (oneDNN operation by operation with residual adds fused, XNNPACK operation by operation, XNNPACK's "
      "subgraph runtime) timed in one process in rotating blocks (each after a 30 ms pause, 3 untimed calls, then calls "
      "for at least 150 ms; each round starts with the next network). The ratio is auto over the single-backend plan with "
      "the lowest median, round by round, and its median is reported: above 1.03 means auto chose more than 3% worse "
      "than the best single-backend plan. auto's own plan is measured afresh in each process, so its choice can differ "
      "from the tables above.\n")
    names = []
    for r in rows:
        for s in r["single"]:
            if s["plan"] not in names:
                names.append(s["plan"])
    w("| network | layout | auto's plan | auto µs | " + " | ".join(f"{n} µs" for n in names) +
      " | auto / fastest alone (median round) | rounds range | rounds |")
    w("|---|---|---|---|" + "---|" * len(names) + "---|---|---|")
    order = {m: i for i, m in enumerate(NETWORKS)}
    for r in sorted(rows, key=lambda r: (order.get(r["model"], 99), r["layout"])):
        single = {s["plan"]: s["us"] for s in r["single"]}
        cells = " | ".join((f"**{single[n]:.0f}**" if n == r["best_single"] else f"{single[n]:.0f}") if n in single else "-" for n in names)
        w(f"| {r['model']} | {r['layout'].upper()} | {r['auto_plan']} | {r['auto_us']:.0f} | {cells} | "
          f"**{r['ratio_median']:.3f}** | {r['ratio_min']:.2f}–{r['ratio_max']:.2f} | {r['rounds']} |")
    worst = max(rows, key=lambda r: r["ratio_median"]) if rows else None
    if worst:
        within = sum(1 for r in rows if r["ratio_median"] <= 1.03)
        w(f"\n{within} of {len(rows)} within 3% of the fastest single-backend plan; the worst: {worst['model']} "
          f"{worst['layout'].upper()}, auto ({worst['auto_plan']}) / {worst['best_single']} = {worst['ratio_median']:.3f}.")
    w("")


def precision_section(run_dir, w, int8_peak):
    """Low precision: the v1 body in fp32, bf16 and int8 beside ONNX Runtime fp32 and int8, and every v1 layer."""
    nets = os.path.join(run_dir, "networks")
    path = os.path.join(nets, "precision-networks.jsonl")
    if not os.path.exists(path):
        return
    rows = [r for r in read_jsonl(path) if not r.get("unsupported")]
    cells = medians(rows, lambda r: (r.get("model", "v1-body"), r["precision"], r["backend"]))
    rounds = per_round(rows, lambda r: (r.get("model", "v1-body"), r["precision"], r["backend"]))
    unsupported = sorted({(r.get("model", "v1-body"), r["precision"], r["backend"]) for r in read_jsonl(path) if r.get("unsupported")})
    w("## Low precision\n")
    w("MobileNet v1's body (26 convolutions on 32x112x112) and the whole v2 (224x224), batch 1, 2 threads, NCHW in and out, "
      "measured side by side (median of the rounds). int8: post-training quantization (uint8 activations calibrated on four "
      "seeded inputs, int8 weights per output channel; NativeConv times uint8 in and out, ONNX Runtime float in and out "
      "around its QLinearConv/QLinearAdd/QLinearGlobalAveragePool model, built with onnx.helper). bf16: bfloat16 products, float32 tensors "
      "(oneDNN, AVX512_BF16). qd8: float32 in and out, pointwise convolutions quantizing their input per call (XNNPACK). "
      "The speed-ups are the ratio of the median rounds, and round by round (every precision and peer measured in each round, "
      "minutes apart at most, so the machine's drift cancels in each round's ratio).\n")
    w("| network | precision | backend | µs | images/s | vs NativeConv fp32 (oneDNN) | by round | vs ONNX Runtime, same precision | by round |")
    w("|---|---|---|---|---|---|---|---|---|")
    for (model, precision, backend), r in sorted(cells.items()):
        base = cells.get((model, "fp32", "onednn"))
        peer = cells.get((model, precision if precision not in ("bf16", "qd8") else "fp32", "onnxruntime"))
        speedup = f"{base['median_us'] / r['median_us']:.2f}x" if base else "-"
        versus = f"{peer['median_us'] / r['median_us']:.2f}x" if peer and backend != "onnxruntime" else "-"
        mine = rounds[(model, precision, backend)]
        speedup_rounds = paired(rounds.get((model, "fp32", "onednn"), []), mine) if base else "-"
        peer_key = (model, precision if precision not in ("bf16", "qd8") else "fp32", "onnxruntime")
        versus_rounds = paired(rounds.get(peer_key, []), mine) if peer and backend != "onnxruntime" else "-"
        w(f"| {model} | {precision} | {backend} | {r['median_us']:.0f} | {r['images_per_s']:.0f} | {speedup} | {speedup_rounds} | {versus} | {versus_rounds} |")
    for model, precision, backend in unsupported:
        w(f"| {model} | {precision} | {backend} | not supported on this CPU | | | | | |")
    w("")
    precision_paired_section(nets, w)
    layers = {}
    for precision in ("fp32", "bf16", "int8", "qd8"):
        p = os.path.join(nets, f"precision-layers-{precision}.json")
        if os.path.exists(p) and os.path.getsize(p) > 0:
            layers[precision] = {l["Layer"]: l for l in json.load(open(p))}
    if "fp32" in layers:
        peak_note = (f"; % of int8 peak = 2 × multiply-adds / time / the 2-thread int8 peak above ({int8_peak:.0f} GOP/s), "
                     "pointwise layers" if int8_peak else "")
        w("Every v1 layer (NHWC, best backend per precision, µs; int8 error = largest |dequantized - fp32|; qd8 = dynamic "
          f"int8 for fp32 callers, XNNPACK, pointwise layers only, error = largest |qd8 - fp32|{peak_note}):\n")
        w("| layer | fp32 µs | bf16 µs | int8 µs | int8 / fp32 | int8 % of int8 peak | int8 implementations | int8 error | qd8 µs | qd8 / fp32 | qd8 error |")
        w("|---|---|---|---|---|---|---|---|---|---|---|")
        for name, l in layers["fp32"].items():
            best = lambda precision: min((b["Microseconds"] for b in layers[precision][name]["Backends"]), default=None) if precision in layers and name in layers[precision] else None
            f32, bf, i8, qd = best("fp32"), best("bf16"), best("int8"), best("qd8")
            impl = ", ".join(b["Implementation"] for b in layers["int8"][name]["Backends"]) if "int8" in layers else "-"
            err = max((b["MaxAbsError"] or 0) for b in layers["int8"][name]["Backends"]) if "int8" in layers else 0
            share = f"{100 * (l['Mflop'] / i8 * 1e3) / int8_peak:.0f}%" if int8_peak and i8 and name.startswith("pw") else "-"
            qd_err = max((b["MaxAbsError"] or 0) for b in layers["qd8"][name]["Backends"]) if qd is not None else None
            w(f"| {l['Model']} {name} | {f32:.1f} | {'-' if bf is None else f'{bf:.1f}'} | {'-' if i8 is None else f'{i8:.1f}'} | "
              f"{'-' if i8 is None else f'{f32 / i8:.2f}x'} | {share} | {impl} | {err:.3g} | "
              f"{'-' if qd is None else f'{qd:.1f}'} | {'-' if qd is None else f'{f32 / qd:.2f}x'} | {'-' if qd_err is None else f'{qd_err:.3g}'} |")
        w("")
    ceiling_section(run_dir, w, int8_peak)


def precision_paired_section(nets, w):
    """int8 NativeConv and ONNX Runtime's QLinear model in one process (the ORT runner's --paired), float in and out both."""
    path = os.path.join(nets, "precision-paired.jsonl")
    if not os.path.exists(path):
        return
    w("int8 in one process (`tests/NativeConv.Benchmarks.Ort --paired` on the QLinear model): NativeConv's network quantized "
      "as above (oneDNN) and timed float in and float out like the model (the network's float `Forward`: the input quantized, "
      "the network run, the output dequantized, the work of the model's QuantizeLinear and DequantizeLinear), against ONNX "
      "Runtime in alternating blocks as in the float table of the same name; the ratio pair by pair, its median reported.\n")
    w("| network | NativeConv µs | ONNX Runtime µs | NativeConv / ORT (median pair) | ORT / NativeConv | pairs range | pairs |")
    w("|---|---|---|---|---|---|---|")
    for r in read_jsonl(path):
        w(f"| {r['model']} | {r['nativeconv_us']:.0f} | {r['ort_us']:.0f} | **{r['ratio_median']:.2f}** | "
          f"{1 / r['ratio_median']:.2f}x | {r['ratio_min']:.2f}–{r['ratio_max']:.2f} | {r['pairs']} |")
    w("")


def ceiling_section(run_dir, w, int8_peak):
    """oneDNN's int8 pointwise kernels from C: as a network runs them, and without requantization (the kernel's ceiling)."""
    path = os.path.join(run_dir, "int8-ceiling.csv")
    if not os.path.exists(path) or not int8_peak:
        return
    by_layer = {}
    for r in read_csv(path):
        by_layer.setdefault(r["layer"], {})[r["variant"]] = r
    w("oneDNN's int8 pointwise kernels called from C (`native/nc_int8_ceiling`, 2 threads, the variants of a layer interleaved, "
      "best of three medians): 'network' as a quantized network runs them (one scale per output channel, the input, weight "
      "and output scales folded into it; a float bias, which oneDNN adds after the scale; zero points of 0 and "
      "the clamp that saturation makes are left out; uint8 out), 'no bias' the same without the bias, 's32 out' the same dot products with no requantization at all "
      "(no scales, int32 out: the kernel's ceiling for the shape, whatever a caller does around it), 'with zero points' as a layer "
      "whose input is not a ReLU output runs; % of the 2-thread int8 peak above.\n")
    w("| layer | network µs | % of int8 peak | no bias µs | % of int8 peak | s32 out µs | % of int8 peak | with zero points µs | % of int8 peak | implementation |")
    w("|---|---|---|---|---|---|---|---|---|---|")
    for layer, variants in by_layer.items():
        cells = [f"{float(variants[v]['us']):.1f} | {100 * float(variants[v]['gops']) / int8_peak:.0f}%" if v in variants else "- | -"
                 for v in ("network", "no bias", "s32 out", "with zero points")]
        w(f"| v1 {layer} | " + " | ".join(cells) + f" | {variants['network']['impl']} |")
    w("")


def fusion_section(run_dir, w):
    """oneDNN's depthwise post-op: each 1x1 + 3x3 depthwise pair of v1 and v2 fused into one primitive, against the pair."""
    runs = sorted(f for f in os.listdir(run_dir) if f.startswith("fusion-t") and f.endswith(".csv"))
    if not runs:
        return
    w("## oneDNN depthwise post-op fusion (`native/nc_fusion`)\n")
    w("Each 1x1 convolution that a 3x3 depthwise convolution follows (v1: pw_i + dw_i+1; v2: expand + depthwise), fp32, "
      "batch 1, ReLU6 after both, called from C: the two primitives with NHWC between them (what the network runner runs) "
      "against one primitive with `dnnl_post_ops_append_dw` (ReLU6, dw, ReLU6), NHWC in, and once more with the input in "
      "oneDNN's own layout (format `any`). Best of three interleaved medians each, µs; below 1 the fused primitive is faster. "
      "`ref_fused_convolution` is oneDNN's fallback that runs the same two primitives one after the other.\n")
    for f in runs:
        t = int(f[len("fusion-t"):-len(".csv")])
        w(f"{t} thread{'s' if t > 1 else ''}:\n")
        w("| pair | channels | size, stride | unfused µs | fused µs (NHWC in) | fused / unfused | fused implementation | "
          "fused µs (own layout) | fused / unfused | own layout in -> out | largest difference / largest output |")
        w("|---|---|---|---|---|---|---|---|---|---|---|")
        for r in read_csv(os.path.join(run_dir, f)):
            w(f"| {r['pair']} | {r['c_in']}->{r['c_mid']} | {r['hw']}, s{r['stride']} | {float(r['unfused_us']):.1f} | "
              f"{float(r['fused_nhwc_us']):.1f} | {float(r['fused_nhwc_over_unfused']):.2f} | {r['impl_fused_nhwc'].split(':any:')[0]} | "
              f"{float(r['fused_own_us']):.1f} | {float(r['fused_own_over_unfused']):.2f} | {r['fused_own_src_dst']} | {float(r['max_rel_diff']):.1e} |")
        w("")


def chain_section(run_dir, w):
    """The network runner against the same oneDNN primitives called from C, round by round (native/nc_chain)."""
    c_path, runner_path = os.path.join(run_dir, "chain-c.csv"), os.path.join(run_dir, "chain-runner.jsonl")
    if not os.path.exists(c_path):
        return
    c_rows, runner_rows = read_csv(c_path), read_jsonl(runner_path)
    w("## The network runner against oneDNN from C (`native/nc_chain`)\n")
    w("MobileNet v2 and the v1 body on oneDNN alone, NHWC, batch 1, 2 threads, fp32: `nativeconv net bench --backend onednn` "
      "(the managed network runner: residual adds fused as sum post-ops, buffers reused) against the same primitives called "
      "from C one after the other (built as the runner builds them: weights in oneDNN's layout, ReLU6 and sum post-ops, "
      "jit_dw for depthwise; each layer its own buffer; the average pool a plain loop), and the sum of the same convolutions "
      "each timed alone from C, called back to back (so its input, weights and output stay in the caches). The two networks run in "
      "turns, process after process; each round's ratio compares neighbours, and the median round is reported. runner / C above 1: "
      "the runner adds time between the layers. C / convolutions alone above 1: what running the layers one after the other "
      "costs whoever calls them (each reads the tensor the one before wrote, and its weights have left the caches since the previous call).\n")
    w("| network | convolutions | convolutions each alone, sum µs | oneDNN from C µs | network runner µs | runner / C (median round) | rounds range | C / convolutions alone | rounds |")
    w("|---|---|---|---|---|---|---|---|---|")
    for model in ("v2", "v1-body"):
        rows = [r for r in c_rows if r["network"] == model]
        c = [float(r["median_us"]) for r in rows]
        alone = [float(r["convolutions_alone_us"]) for r in rows]
        ours = [r["median_us"] for r in runner_rows if r["model"] == model]
        if not c or len(c) != len(ours):
            continue
        ratios = sorted(o / x for o, x in zip(ours, c))
        in_sequence = statistics.median(x / a for x, a in zip(c, alone))
        w(f"| {model} | {rows[0]['convolutions']} | {statistics.median(alone):.0f} | {statistics.median(c):.0f} | {statistics.median(ours):.0f} | "
          f"**{statistics.median(ratios):.3f}** | {ratios[0]:.2f}–{ratios[-1]:.2f} | {in_sequence:.2f} | {len(ratios)} |")
    w("")


def threads_section(run_dir, w):
    """Both libraries in one process (build/benchmarks/thread-policies.sh): its report, as it wrote it."""
    path = os.path.join(run_dir, "thread-policies.txt")
    if not os.path.exists(path):
        return
    w("## Both libraries in one process (`build/benchmarks/thread-policies.sh`)\n")
    w("oneDNN and XNNPACK run their loops on one libgomp thread team (XNNPACK through pthreadpool's API implemented over "
      "OpenMP, `cmake/xnnpack/openmp-pthreadpool.c`). Below: each library alone under three OpenMP wait policies (set in "
      "the environment before libgomp loads), and a plan alternating the libraries convolution by convolution (oneDNN, "
      "XNNPACK, oneDNN, ...), per convolution against the same convolution on the same library in a plan running that "
      "library alone, the three plans unfused and profiled in one process in rotating rounds (`nativeconv net alternate`: "
      "each block after a 30 ms pause and 3 untimed calls; the ratio per convolution is the median of its rounds' ratios).\n")
    with open(path) as f:
        text = f.read().rstrip("\n").replace("):\n|", "):\n\n|").replace("net alternate):\n", "net alternate):\n\n")
    w(text + "\n")


def main(run_dir, docs_dir):
    shapes = read_csv(os.path.join(run_dir, "shapes.csv"))
    peak = {(r["metric"], int(r["threads"])): float(r["value"]) for r in read_csv(os.path.join(run_dir, "peak.csv"))}
    threads_list = sorted({t for _, t in peak})
    fma = {t: max(v for (m, tt), v in peak.items() if tt == t and m.startswith("fma_")) for t in threads_list}
    native, native_repeat = {}, {}
    for layout in ("nhwc", "nchw"):
        for t in threads_list:
            for r in read_csv(os.path.join(run_dir, f"native-{layout}-t{t}.csv")):
                for b in BACKENDS:
                    native[(r["layer"], layout, t, b)] = float(r[f"{b}_us"])
                native[(r["layer"], layout, t, "impl")] = r["onednn_impl"]
            for r in read_csv(os.path.join(run_dir, f"native-{layout}-t{t}-repeat.csv")):
                for b in BACKENDS:
                    native_repeat[(r["layer"], layout, t, b)] = float(r[f"{b}_us"])
    torch = {}
    for t in threads_list:
        for r in read_csv(os.path.join(run_dir, f"torch-t{t}.csv")):
            torch[(r["layer"], r["layout"], t)] = float(r["torch_us"])
    bdn = bdn_results(run_dir)

    def facade(name, layout, t, backend):
        key = ("LayerBenchmarks", tuple(sorted({"Layer": name, "Backend": backend, "Layout": layout.capitalize(), "Threads": str(t)}.items())))
        if key not in bdn:
            sys.exit(f"BenchmarkDotNet has no result for {key}")
        return bdn[key]

    layers = [(s["model"] + " " + s["layer"], s) for s in shapes]

    def flops(s):
        size, k, stride, pad = int(s["size"]), int(s["kernel"]), int(s["stride"]), int(s["padding"])
        out = (size + 2 * pad - k) // stride + 1
        return 2 * int(s["out_channels"]) * out * out * (int(s["in_channels"]) // int(s["groups"])) * k * k

    def bytes_moved(s):
        size, k, stride, pad = int(s["size"]), int(s["kernel"]), int(s["stride"]), int(s["padding"])
        out = (size + 2 * pad - k) // stride + 1
        cin, cout, g = int(s["in_channels"]), int(s["out_channels"]), int(s["groups"])
        return 4 * (cin * size * size + cout * out * out + cout * (cin // g) * k * k + cout)

    out = []
    w = out.append
    commands = open(os.path.join(run_dir, "commands.txt")).read().strip()
    machine = open(os.path.join(run_dir, "machine.txt")).read().strip()
    info = open(os.path.join(run_dir, "info.txt")).read().strip()
    # The report names paths relative to the repository, never the producing machine's absolute ones.
    root = os.path.dirname(os.path.abspath(docs_dir)) + os.sep
    commands, machine, info = (text.replace(root, "") for text in (commands, machine, info))
    w("# Benchmarks\n")
    w("Generated by `build/benchmarks.sh` from one run; every number below is read from that run's files by "
      "`build/benchmarks/report.py`. Times are medians per call (µs), batch 1, fp32, 224x224 MobileNet layers, "
      "each with its fused activation (ReLU6 except v2's linear projections).\n")
    w("## Machine and run\n")
    w("```\n" + machine + "\n```\n")
    w("`nativeconv info`:\n\n```\n" + info + "\n```\n")
    w("Reproduce:\n\n```\n" + commands + "\n```\n")

    w("## The machine's limits (`native/nc_peak`)\n")
    w("| threads | " + " | ".join(m for m in sorted({m for m, _ in peak})) + " |")
    w("|---|" + "---|" * len({m for m, _ in peak}))
    for t in threads_list:
        w(f"| {t} | " + " | ".join(f"{peak[(m, t)]:.1f}" for m in sorted({m for m, _ in peak})) + " |")
    w("\nfma_* in GFLOP/s (best of 10 runs of independent vector FMA chains); int8_* in GOP/s (2 per u8 × s8 product "
      "added: chains of VPDPBUSD on AVX512_VNNI, of VPMADDUBSW + VPMADDWD + VPADDD on AVX2); *_copy in GB/s counting bytes read plus "
      "written, *_read in GB/s. Pointwise efficiency below is % of the best FMA peak at that thread count; depthwise "
      "is % of the 8 MiB copy bandwidth (every depthwise tensor here is under 4 MiB, so it lives in the caches; "
      "the DRAM figure would flatter it).\n")

    network_section(run_dir, fma[max(threads_list)], w)
    paired_section(run_dir, w)
    paired_section(run_dir, w, batch=16)
    plans_section(run_dir, w)
    int8_peaks = [v for (m, t), v in peak.items() if t == max(threads_list) and m.startswith("int8_")]
    precision_section(run_dir, w, max(int8_peaks) if int8_peaks else None)
    fusion_section(run_dir, w)
    chain_section(run_dir, w)
    threads_section(run_dir, w)

    all_ratios = []
    for t in reversed(threads_list):
        for layout in ("nhwc", "nchw"):
            torch_layout = "channels_last" if layout == "nhwc" else "nchw"
            w(f"## {layout.upper()}, {t} thread{'s' if t > 1 else ''}: facade vs native C vs PyTorch ({torch_layout})\n")
            w("| layer | n | MFLOP | oneDNN C | oneDNN facade | ratio | XNNPACK C | XNNPACK facade | ratio | PyTorch | best/PyTorch | best GFLOP/s | efficiency | alloc B | oneDNN implementation |")
            w("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
            totals = {}
            for name, s in layers:
                row = {}
                cells = []
                alloc = 0
                for b in BACKENDS:
                    c = native[(s["layer"], layout, t, b)]
                    f, a = facade(name, layout, t, b)
                    alloc = max(alloc, a)
                    ratio = f / c
                    all_ratios.append((ratio, name, layout, t, b))
                    row[b] = f
                    cells += [f"{c:.1f}", f"{f:.1f}", f"{ratio:.3f}"]
                    totals.setdefault((s["model"], b, "c"), 0.0)
                    totals[(s["model"], b, "c")] += c * int(s["count"])
                    totals.setdefault((s["model"], b, "f"), 0.0)
                    totals[(s["model"], b, "f")] += f * int(s["count"])
                pt = torch[(s["layer"], torch_layout, t)]
                totals.setdefault((s["model"], "torch"), 0.0)
                totals[(s["model"], "torch")] += pt * int(s["count"])
                best = min(row.values())
                fl = flops(s)
                gf = fl / best / 1e3
                if int(s["groups"]) == 1:
                    eff = f"{100 * gf / fma[t]:.0f}% FMA"
                else:
                    gbs = bytes_moved(s) / best / 1e3
                    eff = f"{100 * gbs / peak[('cache8m_copy', t)]:.0f}% BW ({gbs:.0f} GB/s)"
                w(f"| {name} | {s['count']} | {fl / 1e6:.1f} | " + " | ".join(cells) +
                  f" | {pt:.1f} | {best / pt:.2f} | {gf:.1f} | {eff} | {alloc:.0f} | {native[(s['layer'], layout, t, 'impl')]} |")
            w("\nC = native/nc_baseline (straight from C, set up as the facade is); facade = BenchmarkDotNet median of "
              "`Conv2dLayer.Forward` on 64-byte aligned buffers; ratio = facade / C (goal ≤ 1.02); best/PyTorch = the "
              "faster NativeConv backend's time / PyTorch's (below 1: NativeConv is faster). alloc B = BenchmarkDotNet's "
              "in-process count, which includes other threads' background allocations; the AllocationTests prove 0 B on "
              "the calling thread.\n")
            for model in sorted({s["model"] for _, s in layers}):
                body_flops = sum(flops(s) * int(s["count"]) for _, s in layers if s["model"] == model)
                parts = []
                for b in BACKENDS:
                    c, f = totals[(model, b, "c")], totals[(model, b, "f")]
                    parts.append(f"{LABEL[b]} C {c:.0f} µs, facade {f:.0f} µs ({f / c:.3f}, {body_flops / f / 1e3:.0f} GFLOP/s)")
                best = min(totals[(model, b, "f")] for b in BACKENDS)
                pt = totals[(model, "torch")]
                w(f"- **{model} body** (dw+pw layers, weighted by occurrence, {body_flops / 1e6:.0f} MFLOP): " + "; ".join(parts) +
                  f"; PyTorch {pt:.0f} µs; NativeConv best / PyTorch = **{best / pt:.2f}**.")
            w("")

    ratios = [r[0] for r in all_ratios]
    over = sorted((r for r in all_ratios if r[0] > 1.02), reverse=True)
    repeat = [native_repeat[(s["layer"], layout, t, b)] / native[(s["layer"], layout, t, b)]
              for _, s in layers for layout in ("nhwc", "nchw") for t in threads_list for b in BACKENDS]

    def spread(values):
        return (f"median {statistics.median(values):.3f}, min {min(values):.3f}, max {max(values):.3f}; "
                f"{sum(v > 1.02 for v in values)} above 1.02, {sum(v < 1 / 1.02 for v in values)} below 1/1.02")

    w("## Facade overhead\n")
    w("| over all layer x layout x threads x backend cells | spread |")
    w("|---|---|")
    w(f"| facade / native C ({len(ratios)} cells) | {spread(ratios)} |")
    w(f"| native C run after the facade / native C run before it ({len(repeat)} cells) | {spread(repeat)} |")
    for t in threads_list:
        for layout in ("nhwc", "nchw"):
            for b in BACKENDS:
                fc = [r for r, _, lay, tt, bb in all_ratios if (lay, tt, bb) == (layout, t, b)]
                cc = [native_repeat[(s["layer"], layout, t, b)] / native[(s["layer"], layout, t, b)] for _, s in layers]
                w(f"| {layout.upper()} {t} thread{'s' if t > 1 else ''} {LABEL[b]}: facade / C; C / C | {spread(fc)}<br>{spread(cc)} |")
    w("\nC / C is the same C program on the same shapes, run again after the facade, minutes later: the machine's "
      "run-to-run variation alone (on this VM whole passes drift, so medians move too). Where C / C is as wide as "
      "facade / C, a per-layer ratio cannot resolve a 2% overhead; the fixed per-call cost below measures the "
      "facade's own work directly.\n")
    if over:
        w("Cells above 1.02 (worst first):\n")
        w("| ratio | layer | layout | threads | backend |")
        w("|---|---|---|---|---|")
        for ratio, name, layout, t, b in over[:25]:
            w(f"| {ratio:.3f} | {name} | {layout} | {t} | {LABEL[b]} |")
        w("")
    tiny = {r["layer"]: r for r in read_csv(os.path.join(run_dir, "native-tiny-t1.csv"))}
    (tiny_row,) = tiny.values()
    w("Fixed per-call cost, on a depthwise 1x1 convolution of 8 channels on a 1x1 input (no work), 1 thread:\n")
    w("| backend | native C µs | facade µs | facade - C (µs) | alloc B |")
    w("|---|---|---|---|---|")
    for b in BACKENDS + ("reference",):
        f, a = bdn[("OverheadBenchmarks", (("Backend", b),))]
        c = float(tiny_row[f"{b}_us"]) if b in BACKENDS else None
        w(f"| {LABEL.get(b, 'reference (C#)')} | {'' if c is None else f'{c:.3f}'} | {f:.3f} | {'' if c is None else f'{f - c:+.3f}'} | {a:.0f} |")
    added = max(bdn[("OverheadBenchmarks", (("Backend", b),))][0] - float(tiny_row[f"{b}_us"]) for b in BACKENDS)
    fastest = min(native[(s["layer"], layout, t, b)] for _, s in layers for layout in ("nhwc", "nchw") for t in threads_list for b in BACKENDS)
    w(f"\nThe facade's own per-call work (at most {added:+.3f} µs over C) is {100 * added / fastest:.2f}% of the fastest "
      f"MobileNet layer here ({fastest:.1f} µs in C).\n")

    # The plot: GFLOP/s per layer, NHWC, the most threads, against the FMA peak.
    t = max(threads_list)
    names = [name for name, _ in layers]
    fig, ax = plt.subplots(figsize=(15, 6))
    xs = range(len(layers))
    for b, marker in zip(BACKENDS, ("o", "s")):
        ax.plot(xs, [flops(s) / facade(n, "nhwc", t, b)[0] / 1e3 for n, s in layers], marker, label=f"NativeConv {LABEL[b]} (NHWC)")
    ax.plot(xs, [flops(s) / torch[(s["layer"], "channels_last", t)] / 1e3 for n, s in layers], "^", label="PyTorch 1.13 (channels_last)")
    ax.axhline(fma[t], color="red", linestyle="--", label=f"fp32 FMA peak, {t} threads ({fma[t]:.0f} GFLOP/s)")
    ax.set_yscale("log")
    ax.set_ylabel("GFLOP/s (log)")
    ax.set_xticks(list(xs))
    ax.set_xticklabels(names, rotation=90, fontsize=7)
    ax.set_title(f"MobileNet v1/v2 depthwise and pointwise layers, batch 1, fp32, {t} threads")
    ax.grid(True, which="both", axis="y", alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    os.makedirs(docs_dir, exist_ok=True)
    fig.savefig(os.path.join(docs_dir, "benchmarks.png"), dpi=110)
    w(f"![GFLOP/s per layer]({'benchmarks.png'})\n")
    w("Depthwise layers sit one to two orders of magnitude below the FMA line: they do 9 multiply-adds per value "
      "loaded, so memory, not arithmetic, bounds them.\n")
    w("## About the peer\n")
    w("Debian's python3-torch 1.13 is built without MKL (`BLAS_INFO=generic`) and with MKL-DNN 2.6.3. Where PyTorch "
      "takes its mkldnn path it is within a small factor of NativeConv; where it does not (several 7x7 and 14x14 "
      "pointwise layers, NCHW at the input resolution) it falls back to im2col with a generic BLAS and is one to two "
      "orders of magnitude slower, which dominates the whole-body ratios. A PyTorch built with MKL would narrow those "
      "rows; the per-layer table shows which rows are affected. PyTorch also runs ReLU6 as a separate in-place pass, "
      "where NativeConv fuses it.\n")

    # The measurements behind single choices in the code (which library runs an operation, why a kernel is preferred)
    # are taken by hand with the harnesses they name, below this marker; a regenerated report keeps them.
    path = os.path.join(docs_dir, "benchmarks.md")
    kept = ""
    if os.path.exists(path):
        text = open(path).read()
        at = text.find(KEPT_MARKER)
        if at >= 0:
            kept = text[at:]
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n" + ("\n" + kept if kept else ""))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
