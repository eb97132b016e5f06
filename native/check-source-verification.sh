#!/usr/bin/env bash
# Proves the source acquisition rejects a corrupted archive and never builds from it:
#  1. a corrupted archive in an otherwise empty cache, every other place switched off:
#     acquisition fails, names the component, the version, the mismatch and every place tried;
#     the bad file is moved aside, not deleted (so it can be inspected).
#  2. the same cache with the Debian source package path on: the bad archive is rejected again and
#     the verified archive from apt takes its place.
# usage: check-source-verification.sh REPO_ROOT
set -uo pipefail
root=$1
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT
archive=$(sed -n 's/^set(NC_fxdiv_ARCHIVE *"\(.*\)")$/\1/p' "$root/cmake/NativeConvPins.cmake")
[ -n "$archive" ] || { echo "FAIL: no fxdiv archive pin found"; exit 1; }
mkdir -p "$cache/sources"
echo "not the FXdiv source" > "$cache/sources/$archive"

fail() { echo "FAIL: $*"; exit 1; }

out=$(cmake -DNC_CACHE_DIR="$cache" -DCOMPONENTS=fxdiv -DNC_USE_APT_SOURCES=OFF -DNC_USE_UPSTREAM_URLS=OFF \
        -P "$root/cmake/AcquireSources.cmake" 2>&1) && fail "a corrupted archive was accepted"
echo "$out" | sed 's/^/  | /'
for expected in "sha256 mismatch" "fxdiv b408327" "source cache" "Debian source package: skipped" "upstream" "What you can do"; do
  grep -qF "$expected" <<<"$out" || fail "the error does not mention '$expected'"
done
[ -f "$cache/sources/$archive.rejected" ] || fail "the corrupted archive was not moved aside"
[ -d "$cache/src" ] && [ -n "$(ls -A "$cache/src")" ] && fail "something was unpacked from a rejected archive"
echo "ok: corrupted archive rejected with a clear message"

echo "not the FXdiv source either" > "$cache/sources/$archive"
out=$(cmake -DNC_CACHE_DIR="$cache" -DCOMPONENTS=fxdiv -DNC_USE_UPSTREAM_URLS=OFF \
        -P "$root/cmake/AcquireSources.cmake" 2>&1) || { echo "$out"; fail "recovery through apt failed"; }
grep -qF "sha256 mismatch" <<<"$out" || fail "the second corrupted archive was not reported"
grep -qF "verified $archive" <<<"$out" || fail "the apt archive was not verified"
[ -f "$cache/sources/$archive" ] || fail "no verified archive in the cache"
echo "ok: verified archive fetched through apt replaced the rejected one"
echo "2 passed, 0 failed"
