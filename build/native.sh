#!/usr/bin/env bash
# Builds the native layer: verified sources -> oneDNN + XNNPACK (cached outside the clone, keyed by
# the pins) -> staged into artifacts/native/<rid>/{lib,include} -> our C harness.
# Cold: ~40 min on 2 cores (oneDNN is most of it). Warm (cache hit): well under a minute.
set -euo pipefail
source "$(dirname "$0")/common.sh"

start=$(date +%s)
"$NC_ROOT/build/prerequisites.sh"
nc_log "configure (sources: cache -> Debian source packages -> upstream; all sha256-verified)"
cmake -S "$NC_ROOT" -B "$NC_BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
nc_log "build (each sub-build streams its [done/total] progress)"
cmake --build "$NC_BUILD_DIR"

# Per-component time of a cold build, read from ExternalProject's step stamps in the cache.
deps_dir=$(sed -n 's/^NC_CACHE_DIR:PATH=//p' "$NC_BUILD_DIR/CMakeCache.txt")
for ep in "$deps_dir"/builds/*/*-ep/src/*-stamp; do
  [ -f "$ep/$(basename "${ep%-stamp}")-install" ] || continue
  name=$(basename "${ep%-stamp}")
  t0=$(stat -c %Y "$ep/$name-mkdir" 2>/dev/null || echo 0)
  t1=$(stat -c %Y "$ep/$name-install")
  [ "$t0" -gt 0 ] && [ "$t1" -ge "$start" ] && nc_log "$name: built in $(( (t1 - t0) / 60 )) min $(( (t1 - t0) % 60 )) s"
done
nc_log "native build done in $(( $(date +%s) - start )) s; libraries in artifacts/native/"
ls -l "$NC_ROOT"/artifacts/native/*/lib/
