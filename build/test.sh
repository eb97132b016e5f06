#!/usr/bin/env bash
# The test command: builds what is missing, then runs every test (native CTest, then .NET).
set -euo pipefail
source "$(dirname "$0")/common.sh"
"$NC_ROOT/build/native.sh"
# The PyTorch cross-check of `nativeconv run` (tests/NativeConv.Cli.Tests) needs Debian's python3-torch.
nc_apt_install python3-torch python3-numpy
nc_log "native tests (ctest)"
ctest --test-dir "$NC_BUILD_DIR" --output-on-failure 2>&1 | tee "$NC_ROOT/artifacts/ctest.log"
# libclang: the regeneration check runs the binding generator.
nc_apt_install libclang1-14 libclang-common-14-dev
nc_log ".NET tests"
log="$NC_ROOT/artifacts/dotnet-test.log"
set +e
dotnet test "$NC_ROOT/NativeConv.sln" -c Release 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
nc_log "package tests (local feed, as a user would)"
"$NC_ROOT/build/package-test.sh" 2>&1 | tee "$NC_ROOT/artifacts/package-test.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
set -e
# One closing line over every test run: CTest's, each test assembly's and the package test's counts.
read -r ctest_total ctest_failed < <(sed -n 's/.* tests passed, \([0-9]*\) tests failed out of \([0-9]*\).*/\2 \1/p' "$NC_ROOT/artifacts/ctest.log" | tail -1) || true
read -r package_passed package_failed < <(sed -n 's/^package: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$NC_ROOT/artifacts/package-test.log" | tail -1) || true
package_passed=${package_passed:-0}
package_failed=${package_failed:-1}
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s += $2} END {print s + 0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s += $2} END {print s + 0}')
skipped=$(grep -oE 'Skipped: +[0-9]+' "$log" | awk '{s += $2} END {print s + 0}')
echo "summary: $(( passed + ctest_total - ctest_failed + package_passed )) passed, $(( failed + ctest_failed + package_failed )) failed, $skipped skipped"
exit "$status"
