#!/usr/bin/env bash
# The main job: builds what is missing, then runs `nativeconv compare`: every MobileNet v1 and v2
# depthwise/pointwise layer on oneDNN and XNNPACK (time, GFLOP/s, error vs the reference,
# implementation). Extra arguments go to `nativeconv compare` (see --help); the native C baseline
# for the same v1 layers is build/native-baseline.sh.
set -euo pipefail
source "$(dirname "$0")/common.sh"
"$NC_ROOT/build/native.sh" >&2
nc_log "building the nativeconv CLI" >&2
dotnet build "$NC_ROOT/src/NativeConv.Cli" -c Release -nologo -v quiet -o "$NC_ROOT/artifacts/cli" >&2
nc_log "nativeconv compare $*" >&2
dotnet "$NC_ROOT/artifacts/cli/NativeConv.Cli.dll" compare "$@"
