#!/usr/bin/env bash
# The peers of NativeConv's whole-network benchmarks, each model timed in its own process:
#   - ONNX Runtime from C# (tests/NativeConv.Benchmarks.Ort: CPU execution provider, ORT_ENABLE_ALL,
#     IO binding) on the models export_onnx.py writes (opset 13, fixed batch; nhwc = NHWC graph input),
#   - PyTorch eager (pytorch_networks.py, Debian's python3-torch; nhwc = channels_last).
# For every model (v1, v1-body, v2, v3-small, v3-large), layout (nchw, nhwc) and batch size it appends
# one JSON line to DIR/onnxruntime.jsonl and one to DIR/pytorch.jsonl (both emptied first).
# TorchSharp is not a peer: NuGet serves 0.107, but its native library needs GLIBC 2.38 and Debian 12
# has 2.36.
# With --nativeconv CLI.dll, NativeConv itself (`net bench`: auto, oneDNN, XNNPACK, XNNPACK's subgraph runtime) is timed in the same
# loop, interleaved with ONNX Runtime model by model, --rounds times (the report takes each median):
# on a VM whose speed drifts for seconds at a time, only neighbouring measurements compare fairly. And at batch 1
# both in one process (the ORT runner's --paired): alternating blocks, the ratio pair by pair, to DIR/paired.jsonl; and
# auto against each backend alone in one process (`net plans`), to DIR/plans.jsonl.
# Usage: build/benchmarks/network-peers.sh [--threads N] [--batch-sizes "1 8"] [--min-ms M] [--out DIR] [--onnx-dir DIR]
#                                          [--nativeconv CLI.dll] [--rounds R]
#   defaults: --threads $(nproc), --batch-sizes "1 8", --min-ms 2000 (per repeat; 7 repeats per model),
#   --out artifacts/benchmarks/networks; the .onnx files go to a temporary directory removed at exit,
#   or to --onnx-dir, where they are kept (for a look at them, never for a commit).
set -euo pipefail
source "$(dirname "$0")/../common.sh"

threads=$(nproc)
batch_sizes="1 8"
min_ms=2000
out="$NC_ROOT/artifacts/benchmarks/networks"
onnx_dir=""
nativeconv_dll=""
rounds=1
paired_pairs=15     # --paired: pairs of blocks per network (and net plans: rounds)
paired_block_ms=150 # --paired: each block's minimum length
paired_pairs_b16=9        # --paired at batch 16 (when among the batch sizes): pairs of blocks
paired_block_ms_b16=400   # and each block's minimum length
while [ $# -gt 0 ]; do
  case $1 in
    --threads) threads=$2 ;;
    --batch-sizes) batch_sizes=$2 ;;
    --min-ms) min_ms=$2 ;;
    --out) out=$2 ;;
    --onnx-dir) onnx_dir=$2 ;;
    --nativeconv) nativeconv_dll=$2 ;;
    --rounds) rounds=$2 ;;
    *) echo "unknown argument '$1' (see the usage at the top of $0)" >&2; exit 2 ;;
  esac
  shift 2
done
models=(v1 v1-body v2 v3-small v3-large)
layouts=(nchw nhwc)

nc_apt_install python3-torch python3-torchvision python3-onnx python3-numpy
python=/usr/bin/python3 # Debian's, where python3-torch lives (not a pyenv python earlier on PATH)
here="$NC_ROOT/build/benchmarks"
if [ -z "$onnx_dir" ]; then
  onnx_dir=$(mktemp -d)
  trap 'rm -rf "$onnx_dir"' EXIT
fi
mkdir -p "$out" "$onnx_dir"
start=$(date +%s)

nc_log "exporting ${#models[@]} models x ${#layouts[@]} layouts x batch sizes ($batch_sizes) to ONNX in $onnx_dir"
for batch in $batch_sizes; do
  for model in "${models[@]}"; do
    for layout in "${layouts[@]}"; do
      "$python" "$here/export_onnx.py" --model "$model" --layout "$layout" --batch "$batch" \
        --out "$onnx_dir/$model-$layout-b$batch.onnx"
    done
  done
done

nc_log "building the ONNX Runtime runner"
runner_dir="$NC_ROOT/artifacts/ort-runner"
dotnet build "$NC_ROOT/tests/NativeConv.Benchmarks.Ort" -c Release -nologo -v quiet -o "$runner_dir"

: > "$out/onnxruntime.jsonl"
: > "$out/pytorch.jsonl"
[ -z "$nativeconv_dll" ] || : > "$out/nativeconv.jsonl"
for batch in $batch_sizes; do
  for model in "${models[@]}"; do
    for layout in "${layouts[@]}"; do
      nc_log "$model $layout batch $batch, $threads thread(s): ${nativeconv_dll:+NativeConv and }ONNX Runtime ($rounds round(s)), then PyTorch"
      for _ in $(seq "$rounds"); do
        if [ -n "$nativeconv_dll" ]; then
          for backend in auto onednn xnnpack "xnnpack --whole"; do
            # shellcheck disable=SC2086 # "xnnpack --whole" is two words on purpose: XNNPACK's subgraph runtime
            dotnet "$nativeconv_dll" net bench --model "$model" --backend $backend --layout "$layout" --threads "$threads" \
              --batch "$batch" --min-ms "$min_ms" --json 2>/dev/null | tee -a "$out/nativeconv.jsonl"
          done
        fi
        dotnet "$runner_dir/NativeConv.Benchmarks.Ort.dll" --model "$onnx_dir/$model-$layout-b$batch.onnx" \
          --threads "$threads" --min-ms "$min_ms" --json | tee -a "$out/onnxruntime.jsonl"
      done
      torch_layout=$([ "$layout" = nhwc ] && echo channels_last || echo nchw)
      "$python" "$here/pytorch_networks.py" --model "$model" --layout "$torch_layout" --threads "$threads" \
        --batch "$batch" --min-ms "$min_ms" --json | tee -a "$out/pytorch.jsonl"
    done
  done
done
# NativeConv and ONNX Runtime in one process: alternating blocks, the ratio taken pair by pair (the ORT runner's
# --paired), so the machine's drift cancels within each pair. Usage: paired_runs BATCH PAIRS BLOCK_MS FILE.
paired_runs() {
  local batch=$1 pairs=$2 block_ms=$3 file=$4
  [ -n "$nativeconv_dll" ] && [[ " $batch_sizes " == *" $batch "* ]] || return 0
  : > "$file"
  for model in "${models[@]}"; do
    for layout in "${layouts[@]}"; do
      nc_log "$model $layout batch $batch: NativeConv and ONNX Runtime in one process, $pairs pairs of alternating blocks"
      dotnet "$runner_dir/NativeConv.Benchmarks.Ort.dll" --model "$onnx_dir/$model-$layout-b$batch.onnx" --threads "$threads" \
        --paired --pairs "$pairs" --min-ms "$block_ms" --json | tee -a "$file"
    done
  done
}
paired_runs 1 "$paired_pairs" "$paired_block_ms" "$out/paired.jsonl"
# The same at batch 16, where auto also chooses how the batch runs (all at once, image by image, or the images shared
# between threads): throughput measured side by side, fewer and longer blocks (a call takes tens of ms).
paired_runs 16 "$paired_pairs_b16" "$paired_block_ms_b16" "$out/paired-b16.jsonl"
# auto against each backend alone, batch 1, in one process (`net plans`): rotating blocks, the ratio round by round, so the
# 3% the plan is asked to keep is not lost in the drift between separate processes.
if [ -n "$nativeconv_dll" ] && [[ " $batch_sizes " == *" 1 "* ]]; then
  : > "$out/plans.jsonl"
  for model in "${models[@]}"; do
    for layout in "${layouts[@]}"; do
      nc_log "$model $layout batch 1: auto and each backend alone in one process, $paired_pairs rounds of rotating blocks"
      dotnet "$nativeconv_dll" net plans --model "$model" --layout "$layout" --threads "$threads" \
        --rounds "$paired_pairs" --block-ms "$paired_block_ms" --json 2>/dev/null | tee -a "$out/plans.jsonl"
    done
  done
fi
nc_log "network peers done in $(( $(date +%s) - start )) s: $out/onnxruntime.jsonl, $out/pytorch.jsonl"
