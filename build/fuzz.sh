#!/usr/bin/env bash
# The long fuzz: N (default 10,000) seeded random specs, shapes and buffers per native backend; valid
# ones must match the reference, invalid ones must throw ArgumentException (CI runs 1,000).
set -euo pipefail
source "$(dirname "$0")/common.sh"
"$NC_ROOT/build/native.sh" >&2
NATIVECONV_FUZZ_CASES=${1:-10000} dotnet test "$NC_ROOT/tests/NativeConv.Tests" -c Release \
  --filter "FullyQualifiedName~FuzzTests" --logger "console;verbosity=detailed" | grep -E "cases,|Passed!|Failed!"
