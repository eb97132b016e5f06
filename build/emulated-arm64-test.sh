#!/usr/bin/env bash
# linux-arm64 under emulation, correctness only (nothing here is timed for comparison):
#   1. the cross build (build/native.sh --rid linux-arm64) and its CTest checks: nc_smoke cross-compiled
#      and run under qemu-user, the exports of the staged arm64 libraries;
#   2. every staged arm64 library (and the published app) is an AArch64 ELF file; the generated layout
#      probes print the same facts on AArch64 (cross-compiled, under qemu) as on x64;
#   3. `nativeconv info` (src/NativeConv.Cli published self-contained for linux-arm64) under qemu;
#   4. tests/NativeConv.Emulated published self-contained for linux-arm64 (the .NET runtime pack comes
#      from NuGet), the staged libraries beside it, run under qemu-aarch64 on three emulated CPUs (below):
#      `info` (versions, CPU ISA seen by oneDNN, where each library was loaded from, implementations for a
#      dw 3x3 and a pw 1x1), then the seeded conformance cases (NC_EMULATED_CASES per native backend,
#      default all 520, both layouts).
# No binfmt registration is needed: qemu-aarch64 starts the program itself, with -L for the target's
# loader and libc (Debian's cross packages in /usr/aarch64-linux-gnu).
# Writes artifacts/test-results/emulated-arm64-*.log (+ ctest-linux-arm64.xml); the closing line is
# "arm64: N passed, N failed", which build/test.sh adds to its summary. The xbyak_aarch64 line "Can't
# open MIDR_EL1 sysfs entry" is emulation's (the host's sysfs has no AArch64 ID registers): filtered out.
set -euo pipefail
source "$(dirname "$0")/common.sh"
start=$(date +%s)
NC_BUILD_DIR="$NC_ROOT/artifacts/build-linux-arm64" "$NC_ROOT/build/native.sh" --rid linux-arm64
[ -d "$NC_ROOT/artifacts/native/linux-x64/include" ] || "$NC_ROOT/build/native.sh" # the layout comparison's x64 side
nc_apt_install qemu-user
sysroot=/usr/aarch64-linux-gnu
native="$NC_ROOT/artifacts/native/linux-arm64"
results=${NC_RESULTS_DIR:-$NC_ROOT/artifacts/test-results}
app="$NC_ROOT/artifacts/emulated-arm64"
mkdir -p "$results"
passed=0 failed=0
check() { # check NAME COMMAND...
  if "${@:2}"; then passed=$((passed + 1)); echo "ok   $1"; else failed=$((failed + 1)); echo "FAIL $1"; fi
}
is_aarch64() { readelf -h "$1" 2>/dev/null | grep -q 'Machine:[[:space:]]*AArch64'; }

nc_log "ctest (cross build): nc_smoke under qemu-aarch64, exports of the arm64 libraries"
check "ctest of the cross build (nc_smoke under qemu, exports)" \
  ctest --test-dir "$NC_ROOT/artifacts/build-linux-arm64" -E source_verification --output-on-failure \
        --output-junit "$results/ctest-linux-arm64.xml"

# The bindings are one for both runtimes: the generator reproduces them from the arm64 headers (the
# .NET regeneration test), and the C layout facts the x64 layout test checks them against (sizes, field
# offsets, enum values, constants of every generated struct and enum) are the same for AArch64.
probe_dir=$(mktemp -d)
trap 'rm -rf "$probe_dir"' EXIT
for probe in "$NC_ROOT"/bindings/*/Generated/*/layout_probe.c; do
  name=$(basename "$(dirname "$probe")")
  cc -std=gnu11 -I "$NC_ROOT/artifacts/native/linux-x64/include" -o "$probe_dir/$name-x64" "$probe"
  aarch64-linux-gnu-gcc -std=gnu11 -I "$native/include" -o "$probe_dir/$name-arm64" "$probe"
  "$probe_dir/$name-x64" > "$probe_dir/$name-x64.txt"
  qemu-aarch64 -L "$sysroot" "$probe_dir/$name-arm64" > "$probe_dir/$name-arm64.txt"
  check "$name layout facts on AArch64 equal x64's ($(wc -l < "$probe_dir/$name-x64.txt") facts)" \
    cmp -s "$probe_dir/$name-x64.txt" "$probe_dir/$name-arm64.txt"
done

# publish PROJECT DIR: self-contained for linux-arm64 into DIR, the staged libraries beside it, each under
# its soname (what the loader and NativeLibrarySearch look for).
publish() {
  rm -rf "$2"
  dotnet publish "$1" -c Release -r linux-arm64 --self-contained -nologo -v quiet -o "$2"
  local f soname
  for f in "$native"/lib/*; do
    [ -f "$f" ] || continue
    soname=$(objdump -p "$f" 2>/dev/null | awk '/SONAME/ { print $2 }')
    if [ -n "$soname" ] && [ ! -e "$2/$soname" ]; then cp -L "$f" "$2/$soname"; fi
  done
}
nc_onnx_proto
nc_log "publish tests/NativeConv.Emulated and the nativeconv CLI self-contained for linux-arm64"
publish "$NC_ROOT/tests/NativeConv.Emulated" "$app"
publish "$NC_ROOT/src/NativeConv.Cli" "$app-cli"
for f in "$native"/lib/* "$app/NativeConv.Emulated" "$app/libcoreclr.so"; do
  [ -L "$f" ] && continue
  check "$(basename "$f") is AArch64" is_aarch64 "$f"
done

# Three emulated CPUs, one per path oneDNN has on AArch64 without the Arm Compute Library: SVE 512-bit
# (its brgemm/brdgmm JIT kernels), SVE 256-bit (as Graviton3; jit_dw and brgemm 1x1), and Neoverse N1
# (no SVE, as Graviton2 or Ampere Altra: only its reference gemm convolution). XNNPACK runs its NEON
# kernels on all three. Each run: `info`, then the conformance cases on both native backends, then the 520
# int8 cases against the exact integer reference.
cpus=("sve512=max,sve-default-vector-length=64" "sve256=max,sve-default-vector-length=32" "neon=neoverse-n1")
# .NET's W^X (on by default) writes JIT'd code through a second, writable mapping of the same memory.
# qemu-user notices code changes only through writes to the executable mapping, so a method re-JIT'd
# (tiered compilation) can run stale translated code: without this, repeated XNNPACK pointwise layers
# crashed under emulation (a NullReferenceException inside Dictionary.Clear, 0 of 6 stress runs passed;
# 6 of 6 with it, and with DOTNET_TieredCompilation=0 too). Natively on x64 the same stress passes.
export DOTNET_EnableWriteXorExecute=0
nc_log "nativeconv info under qemu-aarch64"
(cd / && qemu-aarch64 -L "$sysroot" "$app-cli/NativeConv.Cli" info) 2>&1 | grep -v "Can't open MIDR_EL1" | tee "$results/emulated-arm64-info.log"
check "nativeconv info: both native backends, loaded from the app's folder" bash -c "
  grep -q 'onednn .*available: oneDNN' '$results/emulated-arm64-info.log' &&
  grep -q 'xnnpack .*available: XNNPACK' '$results/emulated-arm64-info.log' &&
  grep -q 'loaded nativeconv_dnnl from $app-cli/libnativeconv_dnnl.so.3' '$results/emulated-arm64-info.log' &&
  grep -q 'loaded nativeconv_xnnpack from $app-cli/libnativeconv_xnnpack.so.0' '$results/emulated-arm64-info.log'"

nc_log "run under $(qemu-aarch64 --version | head -1), CPUs: ${cpus[*]}"
t0=$(date +%s)
: > "$results/emulated-arm64-app.log"
for entry in "${cpus[@]}"; do
  label=${entry%%=*} cpu=${entry#*=}
  nc_log "qemu-aarch64 -cpu $cpu ($label)"
  set +e
  (cd / && qemu-aarch64 -cpu "$cpu" -L "$sysroot" "$app/NativeConv.Emulated" info --libraries-from "$app" \
     conformance --cases "${NC_EMULATED_CASES:-520}" int8) > "$results/emulated-arm64-$label.log" 2>&1
  rc=$?
  set -e
  sed "s/^/  [$label] /" "$results/emulated-arm64-$label.log" | grep -v "Can't open MIDR_EL1" | tee -a "$results/emulated-arm64-app.log"
  read -r app_passed app_failed < <(nc_closing_counts "$results/emulated-arm64-$label.log" arm64 "$rc" "$label: the emulated app")
  passed=$((passed + app_passed)) failed=$((failed + app_failed))
done
nc_log "emulated run took $(( $(date +%s) - t0 )) s; whole script $(( $(date +%s) - start )) s"
echo "arm64: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
