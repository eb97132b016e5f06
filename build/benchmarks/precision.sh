#!/usr/bin/env bash
# Low precision against float32 and ONNX Runtime, one run: MobileNet v1's body (26 convolutions on
# 32x112x112) and the whole v2, batch 1, 2 threads, NCHW in and out, as NativeConv fp32, bf16 (oneDNN), int8
# (oneDNN, XNNPACK; post-training quantized, uint8 activations) and ONNX Runtime fp32 and int8
# (QLinearConv, QLinearAdd, QLinearGlobalAveragePool, built with onnx.helper: build/benchmarks/export_qlinear_onnx.py)
# and qd8 (XNNPACK, its
# pointwise convolutions quantizing their input per call), side by side for --rounds rounds; then int8 NativeConv
# and ONNX Runtime in one process (alternating blocks); then every v1 layer with
# `nativeconv compare --precision fp32|bf16|int8|qd8`.
# Usage: build/benchmarks/precision.sh [--rounds R] [--min-ms M] [--out DIR]  (writes DIR/precision-*.jsonl)
set -euo pipefail
source "$(dirname "$0")/../common.sh"
rounds=3
min_ms=300
paired_pairs=15     # --paired: pairs of blocks per network
paired_block_ms=150 # --paired: each block's minimum length
out="$NC_ROOT/artifacts/benchmarks/networks"
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=$2 ;;
    --min-ms) min_ms=$2 ;;
    --out) out=$2 ;;
    *) echo "unknown argument '$1'" >&2; exit 2 ;;
  esac
  shift 2
done
nc_apt_install python3-torch python3-torchvision python3-onnx python3-numpy
python=/usr/bin/python3
mkdir -p "$out"
cli="$NC_ROOT/artifacts/cli/NativeConv.Cli.dll"
runner="$NC_ROOT/artifacts/ort-runner/NativeConv.Benchmarks.Ort.dll"
# Built every time (incremental: seconds when current), so a stale runner or CLI is never timed.
nc_onnx_proto
dotnet build "$NC_ROOT/src/NativeConv.Cli" -c Release -nologo -v quiet -o "$NC_ROOT/artifacts/cli" >&2
dotnet build "$NC_ROOT/tests/NativeConv.Benchmarks.Ort" -c Release -nologo -v quiet -o "$NC_ROOT/artifacts/ort-runner" >&2
onnx=$(mktemp -d)
trap 'rm -rf "$onnx"' EXIT
"$python" "$NC_ROOT/build/benchmarks/export_onnx.py" --model v1-body --layout nchw --batch 1 --out "$onnx/v1-body-fp32.onnx"
"$python" "$NC_ROOT/build/benchmarks/export_qlinear_onnx.py" --model v1-body --batch 1 --out "$onnx/v1-body-int8.onnx"
"$python" "$NC_ROOT/build/benchmarks/export_onnx.py" --model v2 --layout nchw --batch 1 --out "$onnx/v2-fp32.onnx"
"$python" "$NC_ROOT/build/benchmarks/export_qlinear_onnx.py" --model v2 --batch 1 --out "$onnx/v2-int8.onnx"

: > "$out/precision-networks.jsonl"
for _ in $(seq "$rounds"); do
  for model in v1-body v2; do
    for run in "fp32 onednn" "fp32 xnnpack" "bf16 onednn" "int8 onednn" "int8 xnnpack" "qd8 xnnpack"; do
      set -- $run
      dotnet "$cli" net bench --model "$model" --layout nchw --threads 2 --precision "$1" --backend "$2" --min-ms "$min_ms" --json 2>/dev/null \
        >> "$out/precision-networks.jsonl" || echo "{\"model\":\"$model\",\"precision\":\"$1\",\"backend\":\"$2\",\"unsupported\":true}" >> "$out/precision-networks.jsonl"
    done
  done
  # ONNX Runtime: fp32 (torch exports) and int8 (QLinearConv/QLinearAdd/QLinearGlobalAveragePool, built with onnx.helper).
  for peer in "v1-body fp32" "v1-body int8" "v2 fp32" "v2 int8"; do
    set -- $peer
    dotnet "$runner" --model "$onnx/$1-$2.onnx" --threads 2 --min-ms "$min_ms" --json \
      | sed -E "s/\"model\":\"[^\"]*\"/\"model\":\"$1\"/; s/^\{/{\"precision\":\"$2\",\"backend\":\"onnxruntime\",/" >> "$out/precision-networks.jsonl"
  done
done
# int8 NativeConv and ONNX Runtime in one process (the ORT runner's --paired): alternating blocks, the ratio pair by
# pair, NativeConv float in and float out like the QLinear model (quantize, run, dequantize), to DIR/precision-paired.jsonl.
: > "$out/precision-paired.jsonl"
for model in v1-body v2; do
  nc_log "$model int8: NativeConv and ONNX Runtime in one process, $paired_pairs pairs of alternating blocks"
  dotnet "$runner" --model "$onnx/$model-int8.onnx" --threads 2 --paired --pairs "$paired_pairs" --min-ms "$paired_block_ms" --json \
    | tee -a "$out/precision-paired.jsonl"
done
for precision in fp32 bf16 int8 qd8; do
  nc_log "every v1 layer, $precision"
  dotnet "$cli" compare --model v1 --layout nhwc --threads 2 --precision "$precision" --min-ms "$min_ms" --json --backends onednn,xnnpack \
    2>/dev/null > "$out/precision-layers-$precision.json"
done
nc_log "precision benchmarks: $out/precision-*.json*"
