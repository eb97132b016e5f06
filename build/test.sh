#!/usr/bin/env bash
# The test command: builds what is missing, then every test: native (CTest), .NET (dotnet test), the
# linux-arm64 build under emulation (qemu-user), the win-x64 build under Wine, the packages as a user takes them. The closing line is
# counted from the result files each run writes (CTest's JUnit XML, one TRX per test assembly, the
# emulated and package tests' own counts), never from console text, and it is printed whatever failed.
set -euo pipefail
source "$(dirname "$0")/common.sh"
"$NC_ROOT/build/native.sh"
# The linux-arm64 and win-x64 cross builds too, before the .NET tests: the regeneration check parses their headers.
"$NC_ROOT/build/native.sh" --rid linux-arm64
"$NC_ROOT/build/native.sh" --rid win-x64
# The PyTorch cross-checks (tests/NativeConv.Cli.Tests, the network tests) need Debian's python3-torch and
# python3-torchvision; libclang runs the binding generator's regeneration check.
nc_apt_install python3-torch python3-torchvision python3-numpy libclang1-14 libclang-common-14-dev
nc_onnx_proto
results="$NC_ROOT/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"
status=0
set +e # every part runs, and the summary is printed, whatever fails

nc_log "native tests (ctest)"
ctest --test-dir "$NC_BUILD_DIR" --output-on-failure --output-junit "$results/ctest.xml" || status=1

nc_log ".NET tests"
dotnet test "$NC_ROOT/NativeConv.sln" -c Release --results-directory "$results" --logger trx || status=1

# The paths an AVX2-only CPU takes (other sessions' machines were AVX2-only Zen 3): on an AVX-512 machine the
# library tests run again with oneDNN's dispatch capped at AVX2 and .NET's vectors at 256 bits (XNNPACK has
# no such cap and keeps its AVX-512 kernels). This found oneDNN's int8 saturation without VNNI.
if grep -qw avx512f /proc/cpuinfo; then
  nc_log ".NET library tests as an AVX2-only CPU runs them (DNNL_MAX_CPU_ISA=AVX2, DOTNET_EnableAVX512F=0)"
  DNNL_MAX_CPU_ISA=AVX2 DOTNET_EnableAVX512F=0 dotnet test "$NC_ROOT/tests/NativeConv.Tests" -c Release --no-build \
    --results-directory "$results/avx2" --logger "trx;LogFileName=avx2-dispatch.trx" || status=1
fi

nc_log "linux-arm64 under qemu-user: nc_smoke, layout facts, the float and int8 conformance cases on three emulated CPUs"
"$NC_ROOT/build/emulated-arm64-test.sh" 2>&1 | tee "$results/emulated-arm64.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

nc_log "win-x64 under Wine: nc_smoke, the DLLs' imports and stack moves, layout facts, the float and int8 conformance cases (also capped at AVX2)"
"$NC_ROOT/build/wine-test.sh" 2>&1 | tee "$results/wine.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

nc_log "package tests (local feed, as a user would)"
"$NC_ROOT/build/package-test.sh" 2>&1 | tee "$results/package-test.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

# count NAME FILE...: the sum of NAME="n" over the files' counting elements (TRX <Counters>, JUnit <testsuite>),
# whose attributes may span lines.
count() { local name=$1; shift; [ $# -gt 0 ] || { echo 0; return; }
  cat "$@" | tr '\n' ' ' | grep -oE "<(Counters|testsuite) [^>]*" | grep -oE "[[:space:]]$name=\"[0-9]+\"" | tr -dc '0-9\n' | awk '{s += $1} END {print s + 0}'; }
shopt -s nullglob
trx=("$results"/*.trx "$results"/avx2/*.trx)
junit=("$results"/ctest.xml)
ctest_total=$(count tests "${junit[@]}")
ctest_failed=$(( $(count failures "${junit[@]}") + $(count errors "${junit[@]}") ))
ctest_skipped=$(( $(count skipped "${junit[@]}") + $(count disabled "${junit[@]}") ))
read -r package_passed package_failed < <(sed -n 's/^package: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$results/package-test.log" | tail -1)
package_passed=${package_passed:-0}
package_failed=${package_failed:-1}
read -r arm64_passed arm64_failed < <(sed -n 's/^arm64: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$results/emulated-arm64.log" | tail -1)
arm64_passed=${arm64_passed:-0}
arm64_failed=${arm64_failed:-1}
read -r win_passed win_failed < <(sed -n 's/^win-x64: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$results/wine.log" | tail -1)
win_passed=${win_passed:-0}
win_failed=${win_failed:-1}
passed=$(( $(count passed "${trx[@]}") + ctest_total - ctest_failed - ctest_skipped + package_passed + arm64_passed + win_passed ))
failed=$(( $(count failed "${trx[@]}") + $(count error "${trx[@]}") + $(count timeout "${trx[@]}") + ctest_failed + package_failed + arm64_failed + win_failed ))
# Skipped tests: total - executed (the TRX logger lists a skipped test's outcome as NotExecuted, but leaves its notExecuted counter at 0).
skipped=$(( $(count total "${trx[@]}") - $(count executed "${trx[@]}") + ctest_skipped ))
[ "${#trx[@]}" -gt 0 ] || { echo "no TRX result files were written"; status=1; }
echo "results: ${#trx[@]} TRX files and ${#junit[@]} JUnit file in artifacts/test-results; arm64 (emulated): $arm64_passed passed, $arm64_failed failed; win-x64 (Wine): $win_passed passed, $win_failed failed; package: $package_passed passed, $package_failed failed"
echo "summary: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] || status=1
exit "$status"
