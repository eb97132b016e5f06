#!/usr/bin/env bash
# Builds the native layer: verified sources -> oneDNN + XNNPACK (cached outside the clone, keyed by
# the pins) -> staged into artifacts/native/<rid>/{lib,include} -> our C harness.
# Cold: ~30 min on 2 cores (oneDNN is most of it). Warm (cache hit): well under a minute.
#
# usage: native.sh [--rid RID] [CMAKE_ARGS...]
#   no --rid, or this machine's own RID: the native build (artifacts/build).
#   --rid linux-arm64 on x86-64: cross-built with Debian's aarch64 cross toolchain
#     (cmake/toolchains/linux-arm64.cmake) in artifacts/build-linux-arm64; its C smoke check runs
#     under qemu-user.
#   --rid win-x64: cross-built with Debian's MinGW-w64 toolchain (cmake/toolchains/win-x64.cmake) in
#     artifacts/build-win-x64: DLLs, with the MinGW runtime DLLs they import; its C checks run under Wine.
#   NC_BUILD_DIR overrides the build folder in every case.
set -euo pipefail
build_dir_given=${NC_BUILD_DIR:-}
source "$(dirname "$0")/common.sh"

rid=""
if [ "${1:-}" = "--rid" ]; then rid=$2; shift 2; fi
host_rid="$(case "$(uname -s)" in Darwin) echo osx;; MINGW*|MSYS*|CYGWIN*) echo win;; *) echo linux;; esac)-$(
  case "$(uname -m)" in x86_64|amd64) echo x64;; aarch64|arm64) echo arm64;; *) uname -m;; esac)"
cmake_args=()
if [ -n "$rid" ] && [ "$rid" != "$host_rid" ]; then
  toolchain="$NC_ROOT/cmake/toolchains/$rid.cmake"
  [ -f "$toolchain" ] || { echo "native.sh: no toolchain for $rid on $host_rid (cmake/toolchains/$rid.cmake)" >&2; exit 2; }
  NC_BUILD_DIR=${build_dir_given:-$NC_ROOT/artifacts/build-$rid}
  cmake_args+=(-DCMAKE_TOOLCHAIN_FILE="$toolchain")
fi

start=$(date +%s)
"$NC_ROOT/build/prerequisites.sh" ${rid:+--rid "$rid"}
nc_log "configure${rid:+ for $rid} (sources: cache -> Debian source packages -> upstream; all sha256-verified)"
cmake -S "$NC_ROOT" -B "$NC_BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release "${cmake_args[@]}" "$@"
nc_log "build (each sub-build streams its [done/total] progress)"
cmake --build "$NC_BUILD_DIR"

# Per-component time of a cold build, read from ExternalProject's step stamps in the cache.
deps_dir=$(sed -n 's/^NC_CACHE_DIR:PATH=//p' "$NC_BUILD_DIR/CMakeCache.txt")
for ep in "$deps_dir"/builds/*/ep/src/*-stamp; do
  [ -f "$ep/$(basename "${ep%-stamp}")-install" ] || continue
  name=$(basename "${ep%-stamp}")
  t0=$(stat -c %Y "$ep/$name-mkdir" 2>/dev/null || echo 0)
  t1=$(stat -c %Y "$ep/$name-install")
  [ "$t0" -gt 0 ] && [ "$t1" -ge "$start" ] && nc_log "$name: built in $(( (t1 - t0) / 60 )) min $(( (t1 - t0) % 60 )) s"
done
nc_log "native build done in $(( $(date +%s) - start )) s; libraries in artifacts/native/"
ls -l "$NC_ROOT"/artifacts/native/*/lib/
