#!/usr/bin/env bash
# The native floor: MobileNet v1 depthwise/pointwise layers called straight from C into oneDNN and
# XNNPACK (NHWC fp32, batch 1). Extra arguments go to nc_baseline (--threads N, --min-ms M, --csv).
set -euo pipefail
source "$(dirname "$0")/common.sh"
"$NC_ROOT/build/native.sh" >&2
threads=$(nproc)
nc_log "MobileNet v1 dw/pw layers, NHWC fp32, batch 1, threads=$threads" >&2
"$NC_BUILD_DIR/native/nc_baseline" --threads "$threads" --min-ms 100 "$@"
