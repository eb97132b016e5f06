#!/usr/bin/env bash
# The test command: builds what is missing, then runs every test (native CTest, then .NET).
set -euo pipefail
source "$(dirname "$0")/common.sh"
"$NC_ROOT/build/native.sh"
nc_log "native tests (ctest)"
ctest --test-dir "$NC_BUILD_DIR" --output-on-failure
# libclang: the regeneration check runs the binding generator.
nc_apt_install libclang1-14 libclang-common-14-dev
nc_log ".NET tests"
dotnet test "$NC_ROOT/NativeConv.sln" -c Release
