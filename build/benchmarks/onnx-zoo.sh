#!/usr/bin/env bash
# torchvision's zoo as ONNX files, NativeConv against ONNX Runtime on the same file, beside PyTorch eager. For each model
# (mobilenet_v2, mobilenet_v3_small/large, mnasnet0_5/1_0, efficientnet_b0, shufflenet_v2_x0_5/x1_0, regnet_x_400mf,
# regnet_y_400mf at 224x224, lraspp_mobilenet_v3_large at 320x320):
#   - exports it with build/peers/export_onnx_zoo.py (Debian's python3-torch 1.13: seeded random weights, a symbolic
#     batch, --opset), into a temporary directory removed at exit;
#   - runs the ONNX Runtime runner's onnx-paired mode (tests/NativeConv.Benchmarks.Ort, OnnxPaired.cs) at each batch:
#     NativeConv (OnnxModel, backend auto, NCHW) and one ORT InferenceSession (ALL optimizations, sequential) on the same
#     input buffer (the export's image repeated over the batch), --threads each, timed in --pairs alternating pairs of
#     blocks of >= --block-ms; then, in fresh processes, load + first call (NativeConv without and with a plan file a
#     previous process wrote; ORT: session + first Run), --fresh-runs of each, and peak RSS after --memory-calls calls;
#     a model NativeConv refuses at load is a row saying what it needs;
#   - times PyTorch eager on the same weights and input (build/benchmarks/pytorch_zoo.py: no_grad, set_num_threads);
# then prints the markdown table (build/benchmarks/onnx_zoo_table.py) and writes it to DIR/onnx-zoo.md, beside the raw
# DIR/onnx-paired.jsonl, DIR/pytorch.jsonl and DIR/peak.csv.
#
# % of FMA peak needs native/nc_peak, which build/native.sh builds into $NC_BUILD_DIR/native (default
# artifacts/build/native; this script never builds native code): it is run first, at --threads, in the same run. Without
# it the column is "-". The runner finds the native libraries as every NativeConv program does (NATIVECONV_NATIVE_DIR, or
# artifacts/native/<rid> after build/native.sh).
#
# Time: estimated from the work per model (an export of ~15 s, per batch 2 x pairs blocks of 30 ms settle + 4 calls,
# 3 x fresh-runs + 3 child processes of ~1-4 s each, PyTorch's samples), about 1-2 minutes per model that imports on a
# quiet 2-core machine, under 30 minutes for the zoo with the defaults. Not yet measured on a quiet machine.
#
# Usage: build/benchmarks/onnx-zoo.sh [--models "mobilenet_v2 ..."] [--batches 1,16] [--pairs 15] [--block-ms 2]
#            [--fresh-runs 3] [--memory-calls 20] [--samples 15] [--threads 2] [--opset 13] [--out DIR]
#   defaults as shown, every model, --out artifacts/benchmarks/onnx-zoo.
set -euo pipefail
source "$(dirname "$0")/../common.sh"

models=(mobilenet_v2 mobilenet_v3_small mobilenet_v3_large mnasnet0_5 mnasnet1_0 efficientnet_b0 shufflenet_v2_x0_5
        shufflenet_v2_x1_0 regnet_x_400mf regnet_y_400mf lraspp_mobilenet_v3_large)
batches=1,16
pairs=15
block_ms=2
fresh_runs=3
memory_calls=20
samples=15
threads=2
opset=13
out="$NC_ROOT/artifacts/benchmarks/onnx-zoo"
while [ $# -gt 0 ]; do
  case $1 in
    --models) read -r -a models <<< "$2" ;;
    --batches) batches=$2 ;;
    --pairs) pairs=$2 ;;
    --block-ms) block_ms=$2 ;;
    --fresh-runs) fresh_runs=$2 ;;
    --memory-calls) memory_calls=$2 ;;
    --samples) samples=$2 ;;
    --threads) threads=$2 ;;
    --opset) opset=$2 ;;
    --out) out=$2 ;;
    *) echo "unknown argument '$1' (see the usage at the top of $0)" >&2; exit 2 ;;
  esac
  shift 2
done

nc_apt_install python3-torch python3-torchvision python3-onnx python3-numpy
python=/usr/bin/python3 # Debian's, where python3-torch lives (not a pyenv python earlier on PATH)
here="$NC_ROOT/build/benchmarks"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
start=$(date +%s)

nc_log "building the ONNX Runtime runner (incremental: never a stale one)"
nc_onnx_proto
runner_dir="$NC_ROOT/artifacts/ort-runner"
dotnet build "$NC_ROOT/tests/NativeConv.Benchmarks.Ort" -c Release -nologo -v quiet -o "$runner_dir" >&2

rm -f "$out/peak.csv"
if [ -x "$NC_BUILD_DIR/native/nc_peak" ]; then
  nc_log "machine limits (nc_peak, up to $threads threads)"
  "$NC_BUILD_DIR/native/nc_peak" --threads "$threads" --csv > "$out/peak.csv"
else
  nc_log "no $NC_BUILD_DIR/native/nc_peak (build/native.sh builds it): the % of FMA peak column stays empty"
fi

: > "$out/onnx-paired.jsonl"
: > "$out/pytorch.jsonl"
for model in "${models[@]}"; do
  nc_log "$model: export (opset $opset)"
  "$python" "$NC_ROOT/build/peers/export_onnx_zoo.py" --model "$model" --opset "$opset" --out "$work/$model" --seed 1 >&2
  nc_log "$model: NativeConv and ONNX Runtime paired, batches $batches, then fresh processes"
  status=0
  dotnet "$runner_dir/NativeConv.Benchmarks.Ort.dll" onnx-paired --model "$work/$model/model.onnx" --name "$model" \
    --input "$work/$model/input.npy" --batches "$batches" --threads "$threads" --pairs "$pairs" --min-ms "$block_ms" \
    --fresh-runs "$fresh_runs" --memory-calls "$memory_calls" --json 2> "$work/$model.err" | tee -a "$out/onnx-paired.jsonl" || status=$?
  if [ "$status" = 3 ]; then # refused at load: the first line says what it needs
    "$python" -c 'import json, sys; print(json.dumps({"model": sys.argv[1], "refused": sys.argv[2]}))' "$model" "$(head -1 "$work/$model.err")" \
      | tee -a "$out/onnx-paired.jsonl"
  elif [ "$status" != 0 ]; then
    cat "$work/$model.err" >&2
    exit "$status"
  fi
  for batch in ${batches//,/ }; do
    nc_log "$model: PyTorch eager, batch $batch"
    "$python" "$here/pytorch_zoo.py" --model "$model" --export-dir "$work/$model" --batch "$batch" --seed 1 --threads "$threads" \
      --samples "$samples" --min-ms "$block_ms" | tee -a "$out/pytorch.jsonl"
  done
done

"$python" "$here/onnx_zoo_table.py" "$out" > "$out/onnx-zoo.md"
cat "$out/onnx-zoo.md"
nc_log "ONNX zoo done in $(( ($(date +%s) - start) / 60 )) min $(( ($(date +%s) - start) % 60 )) s: ${out#"$NC_ROOT"/}/onnx-zoo.md"
