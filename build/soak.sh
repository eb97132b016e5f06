#!/usr/bin/env bash
# The long soaks, per native backend: 100,000 create/forward/dispose cycles of a layer, resident memory growth under
# 20 MB; and 100,000 Forward calls on one MobileNet v2 network (auto too), the least-squares slope of resident memory
# within the allocators' noise measured in the same run (CI runs 10,000 cycles and 20,000 calls as part of
# build/test.sh). Usage: build/soak.sh [CYCLES [CALLS]]. Prints cycles or calls, time, growth or slope and limit.
set -euo pipefail
source "$(dirname "$0")/common.sh"
"$NC_ROOT/build/native.sh" >&2
NATIVECONV_SOAK_CYCLES=${1:-100000} NATIVECONV_NETWORK_SOAK_CALLS=${2:-100000} dotnet test "$NC_ROOT/tests/NativeConv.Tests" -c Release \
  --filter "FullyQualifiedName~LifetimeSoakTests|FullyQualifiedName~NetworkSoakTests" --logger "console;verbosity=detailed" \
  | grep -E "cycles in|calls in|Passed!|Failed!"
