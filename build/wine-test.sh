#!/usr/bin/env bash
# win-x64 under Wine, correctness only (nothing here is timed for comparison). Wine is not Windows: these
# tests show that the cross-built DLLs, the bindings and the loader work in a Windows x64 process as Wine
# implements one; no test here ran on Windows itself.
#   1. the cross build (build/native.sh --rid win-x64, MinGW-w64) and its CTest checks: nc_smoke and
#      nc_pthreadpool_check cross-compiled and run under Wine, the exports of the staged DLLs;
#   2. every staged DLL is PE32+ x86-64 and imports only Windows system DLLs and the staged ones
#      (build/check-win-dlls.sh), and none moves a 256/512-bit register to or from the stack with an aligned
#      move: Windows x64 aligns the stack to 16 bytes only, and GCC bug 54412 (MinGW GCC spilling AVX registers
#      with vmovaps/vmovdqa) crashes there; Debian's GCC spills with unaligned moves today, and this keeps a
#      compiler change from bringing the crash back;
#   3. the generated layout probes print the same facts when cross-compiled for Windows and run under Wine as
#      natively on linux-x64 (sizes, field offsets, enum values, constants of every generated struct and enum);
#   4. tests/NativeConv.Emulated published self-contained for win-x64 (the .NET runtime pack comes from NuGet),
#      the staged DLLs beside it, run under Wine: `info` (versions, CPU ISA seen by oneDNN, where each library
#      was loaded from, one OpenMP runtime module, implementations for a dw 3x3 and a pw 1x1), the float
#      conformance cases (NC_WINE_CASES per native backend, default all 520, both layouts) and the 520 int8
#      cases per native backend; then all of it again with oneDNN capped at AVX2 (DNNL_MAX_CPU_ISA=AVX2, and
#      .NET's vectors at 256 bits), the paths an AVX2-only CPU takes.
# Wine runs each program through build/wine-run.sh: its prefix under artifacts/ (artifacts/wine-prefix),
# WINEDEBUG=-all, Windows 10, '\r' stripped from the output.
# Writes artifacts/test-results/wine-*.log (+ ctest-win-x64.xml); the closing line is
# "win-x64: N passed, N failed", which build/test.sh adds to its summary.
set -euo pipefail
source "$(dirname "$0")/common.sh"
start=$(date +%s)
NC_BUILD_DIR="$NC_ROOT/artifacts/build-win-x64" "$NC_ROOT/build/native.sh" --rid win-x64
[ -d "$NC_ROOT/artifacts/native/linux-x64/include" ] || "$NC_ROOT/build/native.sh" # the layout comparison's x64 side
nc_apt_install wine64 wine
native="$NC_ROOT/artifacts/native/win-x64"
results=${NC_RESULTS_DIR:-$NC_ROOT/artifacts/test-results}
app="$NC_ROOT/artifacts/wine-win-x64"
wine_run="$NC_ROOT/build/wine-run.sh"
mkdir -p "$results"
passed=0 failed=0
check() { # check NAME COMMAND...
  if "${@:2}"; then passed=$((passed + 1)); echo "ok   $1"; else failed=$((failed + 1)); echo "FAIL $1"; fi
}

nc_log "Wine: $(wine --version), prefix ${WINEPREFIX:-$NC_ROOT/artifacts/wine-prefix}"
nc_log "ctest (cross build): nc_smoke and nc_pthreadpool_check under Wine, exports of the DLLs"
check "ctest of the win-x64 build (nc_smoke, nc_pthreadpool_check under Wine, exports)" \
  ctest --test-dir "$NC_ROOT/artifacts/build-win-x64" -E source_verification --output-on-failure \
        --output-junit "$results/ctest-win-x64.xml"

nc_log "the staged DLLs: PE32+ x86-64, imports, no aligned 256/512-bit stack moves"
dlls=("$native"/lib/*.dll)
check "the staged DLLs are PE32+ x86-64 importing only Windows system DLLs and each other (${#dlls[@]} DLLs)" \
  "$NC_ROOT/build/check-win-dlls.sh" "$native/lib"
check "no staged DLL moves a ymm/zmm register to or from the stack with an aligned move (GCC bug 54412)" \
  "$NC_ROOT/build/check-win-dlls.sh" --aligned-spills "$native/lib"

# The bindings are one for every runtime: the generator reproduces them from the win-x64 headers parsed for
# x86_64-w64-mingw32 (the .NET regeneration test), and the C layout facts the x64 layout test checks them
# against are the same for Windows x64 (printf through MinGW's own stdio: msvcrt's knows no %zu).
probe_dir=$(mktemp -d)
trap 'rm -rf "$probe_dir"' EXIT
for probe in "$NC_ROOT"/bindings/*/Generated/*/layout_probe.c; do
  name=$(basename "$(dirname "$probe")")
  cc -std=gnu11 -I "$NC_ROOT/artifacts/native/linux-x64/include" -o "$probe_dir/$name-linux" "$probe"
  x86_64-w64-mingw32-gcc-posix -std=gnu11 -D__USE_MINGW_ANSI_STDIO=1 -I "$native/include" -o "$probe_dir/$name-win.exe" "$probe"
  "$probe_dir/$name-linux" > "$probe_dir/$name-linux.txt"
  "$wine_run" "$probe_dir/$name-win.exe" > "$probe_dir/$name-win.txt"
  check "$name layout facts under Wine equal linux-x64's ($(wc -l < "$probe_dir/$name-linux.txt") facts)" \
    cmp -s "$probe_dir/$name-linux.txt" "$probe_dir/$name-win.txt"
done

nc_log "publish tests/NativeConv.Emulated self-contained for win-x64"
rm -rf "$app"
dotnet publish "$NC_ROOT/tests/NativeConv.Emulated" -c Release -r win-x64 --self-contained -nologo -v quiet -o "$app"
cp "${dlls[@]}" "$app/"
check "the published app is a PE32+ x86-64 program" bash -c "objdump -f '$app/NativeConv.Emulated.exe' | grep -q 'file format pei-x86-64'"

# run LABEL [ENV...]: info, the float conformance cases and the int8 cases, in one process under Wine.
run() {
  local label=$1 log="$results/wine-$1.log" rc app_passed app_failed
  shift
  nc_log "wine NativeConv.Emulated.exe ($label${*:+: $*})"
  set +e
  (cd / && env "$@" "$wine_run" "$app/NativeConv.Emulated.exe" info --libraries-from "$app" \
     conformance --cases "${NC_WINE_CASES:-520}" int8) > "$log" 2>&1
  rc=$?
  set -e
  sed "s/^/  [$label] /" "$log" | tee -a "$results/wine-app.log"
  read -r app_passed app_failed < <(nc_closing_counts "$log" x64 "$rc" "$label: the app")
  passed=$((passed + app_passed)) failed=$((failed + app_failed))
}
t0=$(date +%s)
: > "$results/wine-app.log"
run native
check "info: both libraries loaded from the app's folder under their Windows names" bash -c "
  grep -q 'loaded nativeconv_dnnl from .*wine-win-x64.nativeconv_dnnl.dll' '$results/wine-native.log' &&
  grep -q 'loaded nativeconv_xnnpack from .*wine-win-x64.nativeconv_xnnpack.dll' '$results/wine-native.log' &&
  grep -q 'loaded gomp from .*wine-win-x64.libgomp-1.dll' '$results/wine-native.log'"
run avx2 DNNL_MAX_CPU_ISA=AVX2 DOTNET_EnableAVX512F=0
check "the capped run's oneDNN dispatches at most AVX2" bash -c "grep -Eq 'onednn .*available: .*CPU ISA avx2(_vnni(_2)?)?,' '$results/wine-avx2.log'"
nc_log "runs under Wine took $(( $(date +%s) - t0 )) s; whole script $(( $(date +%s) - start )) s"
echo "win-x64: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
