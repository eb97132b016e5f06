#!/usr/bin/env bash
# The documented benchmark job (72 minutes on 2 cores in the last run), then docs/benchmarks.md and
# docs/benchmarks.png from its results. One run measures, on the same machine and shapes:
#   - the machine's fp32 FMA peak, int8 multiply-add peak and memory bandwidth (native/nc_peak),
#   - every MobileNet v1/v2 dw/pw layer straight from C into oneDNN and XNNPACK (native/nc_baseline),
#     NHWC and NCHW, 1 and 2 threads, plus a no-work shape for the fixed per-call cost (and again
#     after the facade, to show the run-to-run variation),
#   - MobileNet v2 and the v1 body on oneDNN from C (native/nc_chain), in turns with the network runner,
#   - the same through the C# facade with BenchmarkDotNet (tests/NativeConv.Benchmarks, short job),
#   - the same in PyTorch (Debian's python3-torch: the peer, never a dependency),
#   - whole networks (MobileNet v1 body, v1, v2, v3-small, v3-large), batch 1 and 8, NCHW and NHWC:
#     NativeConv on each backend (`nativeconv net bench`), ONNX Runtime 1.31.1 from C# (IO binding, all
#     graph optimizations, its own process) and PyTorch eager (build/benchmarks/network-peers.sh).
# Usage: build/benchmarks.sh [--min-ms M]   (M: ms per layer for the C and PyTorch timings, default 200)
set -euo pipefail
source "$(dirname "$0")/common.sh"
min_ms=200
[ "${1:-}" = "--min-ms" ] && min_ms=$2
net_ms=300   # per whole-network measurement (NativeConv: batches for 300 ms; ORT: 7 repeats of 300 ms)
chain_rounds=5  # nc_chain against net bench --backend onednn, in turns
chain_ms=1000   # per network and round: this VM drifts 5% between neighbouring seconds
threads=(1 2) # as LayerBenchmarks' [Params(1, 2)]

"$NC_ROOT/build/native.sh" >&2
nc_apt_install python3-torch python3-torchvision python3-onnx python3-numpy python3-matplotlib
python=/usr/bin/python3 # Debian's, where python3-torch lives (not a pyenv python earlier on PATH)
run="$NC_ROOT/artifacts/benchmarks"
rm -rf "$run"
mkdir -p "$run"
start=$(date +%s)

nc_log "building the nativeconv CLI and the benchmarks"
nc_onnx_proto
dotnet build "$NC_ROOT/src/NativeConv.Cli" -c Release -nologo -v quiet -o "$NC_ROOT/artifacts/cli"
dotnet build "$NC_ROOT/tests/NativeConv.Benchmarks" -c Release -nologo -v quiet
nativeconv() { dotnet "$NC_ROOT/artifacts/cli/NativeConv.Cli.dll" "$@"; }
nativeconv shapes > "$run/shapes.csv"
nativeconv info > "$run/info.txt"
commit=$(git -C "$NC_ROOT" rev-parse --short=12 HEAD)
git -C "$NC_ROOT" diff --quiet HEAD -- . ':!docs' || commit="$commit + uncommitted changes"
{
  echo "commit:  $commit"
  echo "date:    $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "cpu:     $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $(nproc) logical CPUs, flags incl. $(grep -o -w -E 'avx2|fma|avx512f|avx512_bf16' /proc/cpuinfo | sort -u | tr '\n' ' ')"
  echo "memory:  $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
  echo "os:      $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
  echo "tools:   .NET SDK $(dotnet --version), $(gcc --version | head -1), BenchmarkDotNet 0.14.0 (in-process short job)"
  echo "peer:    PyTorch $("$python" -c 'import torch; print(torch.__version__)') (Debian python3-torch, CPU)"
} > "$run/machine.txt"
cat > "$run/commands.txt" <<EOC
build/benchmarks.sh --min-ms $min_ms      # everything below, then build/benchmarks/report.py
artifacts/build/native/nc_peak --threads 2 --csv
artifacts/build/native/nc_fusion --threads 1|2 --min-ms $min_ms --csv   # 1x1 + depthwise pairs: two primitives vs dnnl_post_ops_append_dw
artifacts/build/native/nc_chain --threads 2 --min-ms $chain_ms --csv   # $chain_rounds rounds, each followed by net bench --model v2|v1-body --backend onednn --layout nhwc --min-ms $chain_ms --json
artifacts/build/native/nc_int8_ceiling --threads 2 --min-ms $min_ms --csv   # oneDNN's int8 pointwise kernels: as a network runs them, and without requantization
artifacts/build/native/nc_baseline --shapes shapes.csv --layout nhwc|nchw --threads 1|2 --min-ms $min_ms --csv
dotnet run -c Release --project tests/NativeConv.Benchmarks -- --short artifacts/benchmarks --filter '*'
/usr/bin/python3 build/benchmarks/pytorch_peer.py shapes.csv --threads 1|2 --min-ms $min_ms
build/benchmarks/network-peers.sh --threads 2 --batch-sizes "1 4 8 16" --min-ms $net_ms --rounds 2 --nativeconv artifacts/cli/NativeConv.Cli.dll
  # per model, layout and batch: 2 rounds of (nativeconv net bench --backend auto, onednn, xnnpack, xnnpack --whole, the ORT runner), then PyTorch
build/benchmarks/precision.sh --rounds 5 --min-ms $net_ms   # net bench --precision fp32|bf16|int8|qd8 beside ORT fp32 and QLinearConv int8; compare --precision
build/benchmarks/thread-policies.sh --rounds 3   # both libraries in one process: wait policies, and a plan alternating them per convolution
EOC

# Every layer from C, for each layout and thread count: native-<layout>-t<threads><suffix>.csv
c_harness_pass() {
  local suffix=$1 t layout
  for t in "${threads[@]}"; do
    for layout in nhwc nchw; do
      nc_log "native C harness${suffix:+ ($suffix)}: $layout, $t thread(s)"
      "$NC_BUILD_DIR/native/nc_baseline" --shapes "$run/shapes.csv" --layout "$layout" --threads "$t" --min-ms "$min_ms" --csv \
        > "$run/native-$layout-t$t$suffix.csv"
    done
  done
}

nc_log "machine limits (nc_peak)"
"$NC_BUILD_DIR/native/nc_peak" --threads 2 --csv | tee "$run/peak.csv"
c_harness_pass ""
for t in "${threads[@]}"; do
  nc_log "oneDNN depthwise post-op fusion (nc_fusion): $t thread(s)"
  "$NC_BUILD_DIR/native/nc_fusion" --threads "$t" --min-ms "$min_ms" --csv > "$run/fusion-t$t.csv"
done
# The network runner against the same oneDNN primitives called from C (native/nc_chain), process after process:
# what the managed runner adds between the layers. Rounds alternate the two, so the machine's drift cancels per round.
nc_log "the network runner against oneDNN from C (nc_chain): v2 and the v1 body, NHWC, 2 threads, $chain_rounds rounds"
echo "round,network,convolutions,threads,median_us,convolutions_alone_us" > "$run/chain-c.csv"
: > "$run/chain-runner.jsonl"
for round in $(seq "$chain_rounds"); do
  "$NC_BUILD_DIR/native/nc_chain" --threads 2 --min-ms "$chain_ms" --csv | tail -n +2 | sed "s/^/$round,/" >> "$run/chain-c.csv"
  for model in v2 v1-body; do
    nativeconv net bench --model "$model" --backend onednn --layout nhwc --threads 2 --min-ms "$chain_ms" --json 2>/dev/null \
      >> "$run/chain-runner.jsonl"
  done
done
nc_log "oneDNN int8 pointwise kernels (nc_int8_ceiling): as a quantized network runs them, and without requantization"
"$NC_BUILD_DIR/native/nc_int8_ceiling" --threads 2 --min-ms "$min_ms" --csv > "$run/int8-ceiling.csv"
printf '%s\n%s\n' "$(head -1 "$run/shapes.csv")" "tiny,dw8 1x1,1,1,8,8,8,1,1,0,none" > "$run/tiny.csv"
"$NC_BUILD_DIR/native/nc_baseline" --shapes "$run/tiny.csv" --threads 1 --min-ms "$min_ms" --csv > "$run/native-tiny-t1.csv"
for t in "${threads[@]}"; do
  nc_log "PyTorch peer: $t thread(s)"
  "$python" "$NC_ROOT/build/benchmarks/pytorch_peer.py" "$run/shapes.csv" --threads "$t" --min-ms "$min_ms" > "$run/torch-t$t.csv"
done
nc_log "BenchmarkDotNet short job (facade: every layer x backend x layout x threads, and the per-call overhead)"
dotnet run -c Release --no-build --project "$NC_ROOT/tests/NativeConv.Benchmarks" -- --short "$run" --filter '*'
nc_log "whole networks: NativeConv (net bench: auto plan, each backend alone, XNNPACK whole) interleaved with ONNX Runtime, then PyTorch; batch 1, 4, 8, 16; then batch 1 paired in one process"
"$NC_ROOT/build/benchmarks/network-peers.sh" --threads 2 --batch-sizes "1 4 8 16" --min-ms "$net_ms" --rounds 2 \
  --nativeconv "$NC_ROOT/artifacts/cli/NativeConv.Cli.dll" --out "$run/networks"
nc_log "low precision: v1 body fp32/bf16/int8 against ONNX Runtime fp32/int8, and every v1 layer"
"$NC_ROOT/build/benchmarks/precision.sh" --rounds 5 --min-ms "$net_ms" --out "$run/networks"
nc_log "both libraries in one process: OpenMP wait policies, and the libraries alternating convolution by convolution"
"$NC_ROOT/build/benchmarks/thread-policies.sh" --rounds 3 --out "$run"
# The C harness once more, after the facade: C against itself shows how far this machine's run-to-run
# variation alone moves a ratio, the yardstick for the facade / C ratios.
c_harness_pass -repeat
nc_log "report"
"$python" "$NC_ROOT/build/benchmarks/report.py" "$run" "$NC_ROOT/docs"
nc_log "benchmarks done in $(( ($(date +%s) - start) / 60 )) min $(( ($(date +%s) - start) % 60 )) s: docs/benchmarks.md, docs/benchmarks.png"
