#!/usr/bin/env bash
# The main job: builds what is missing, then
#   1. `nativeconv net bench` for MobileNet v1 body, v1, v2, v3-small and v3-large on oneDNN and XNNPACK,
#      NCHW and NHWC in/out, batch 1 (median µs per call, images/s),
#   2. `nativeconv compare --model v1`: every MobileNet v1 depthwise/pointwise layer on both backends
#      (time, GFLOP/s, error vs the reference, implementation).
# With arguments, runs that one CLI command instead, e.g. build/run.sh net bench --model v2 --json.
set -euo pipefail
source "$(dirname "$0")/common.sh"
"$NC_ROOT/build/native.sh" >&2
nc_onnx_proto
nc_log "building the nativeconv CLI" >&2
dotnet build "$NC_ROOT/src/NativeConv.Cli" -c Release -nologo -v quiet -o "$NC_ROOT/artifacts/cli" >&2
nativeconv() { dotnet "$NC_ROOT/artifacts/cli/NativeConv.Cli.dll" "$@"; }
if [ $# -gt 0 ]; then
  nc_log "nativeconv $*" >&2
  nativeconv "$@"
  exit
fi
nc_log "nativeconv net bench: whole networks, batch 1, both layouts, both native backends" >&2
for model in v1-body v1 v2 v3-small v3-large; do
  for backend in onednn xnnpack; do
    for layout in nchw nhwc; do
      nativeconv net bench --model "$model" --backend "$backend" --layout "$layout" --min-ms 500
    done
  done
done
nc_log "nativeconv compare --model v1: every v1 layer" >&2
nativeconv compare --model v1
