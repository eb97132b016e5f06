#!/usr/bin/env bash
# The test command: builds what is missing, then runs every test.
set -euo pipefail
source "$(dirname "$0")/common.sh"
"$NC_ROOT/build/native.sh"
nc_log "native tests (ctest)"
ctest --test-dir "$NC_BUILD_DIR" --output-on-failure
