#!/usr/bin/env bash
# The long fuzz (CI runs 1,000 of each): N (default 10,000) seeded random specs, shapes and buffers per native backend (valid
# ones must match the reference, invalid ones must throw ArgumentException); N mutated MobileNet state_dict .npz files
# (StateDictFuzzTests) and N mutated plan files (PlanFileFuzzTests), which must load and run or be refused with a
# documented exception, each within 5 s.
set -euo pipefail
source "$(dirname "$0")/common.sh"
"$NC_ROOT/build/native.sh" >&2
NATIVECONV_FUZZ_CASES=${1:-10000} dotnet test "$NC_ROOT/tests/NativeConv.Tests" -c Release \
  --filter "FullyQualifiedName~FuzzTests" --logger "console;verbosity=detailed" | grep -E "cases,|Passed!|Failed!"
