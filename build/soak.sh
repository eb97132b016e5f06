#!/usr/bin/env bash
# The long lifetime soak: 100,000 create/forward/dispose cycles per native backend, resident memory
# growth must stay under 20 MB (CI runs 10,000 as part of build/test.sh). Prints cycles, time, growth.
set -euo pipefail
source "$(dirname "$0")/common.sh"
"$NC_ROOT/build/native.sh" >&2
NATIVECONV_SOAK_CYCLES=${1:-100000} dotnet test "$NC_ROOT/tests/NativeConv.Tests" -c Release \
  --filter "FullyQualifiedName~LifetimeSoakTests" --logger "console;verbosity=detailed" | grep -E "cycles in|Passed!|Failed!"
