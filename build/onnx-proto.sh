#!/usr/bin/env bash
# onnx.proto for NativeConv.Onnx's generated protobuf classes, from the pin in cmake/NativeConvPins.cmake
# (NC_onnx_proto_*): Debian's python3-onnx .deb, kept in the source cache beside the native archives, accepted only
# when its sha256 is the pin's, and the schema extracted from it (its own sha256 checked too).
#
# usage: build/onnx-proto.sh [DEST]          fetch the .deb when it is not cached (apt-get download), extract to DEST
#        build/onnx-proto.sh --cached DEST   extract only; fail saying what to run when the .deb is not cached
#                                            (what src/NativeConv.Onnx's build calls: a build never downloads)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
fetch=1
if [ "${1:-}" = "--cached" ]; then fetch=0; shift; fi
dest=${1:-}

pin() { sed -n "s/^set(NC_onnx_proto_$1 *\"\(.*\)\")$/\1/p" "$root/cmake/NativeConvPins.cmake"; }
package=$(pin DEBIAN_BINARY) version=$(pin DEBIAN_VERSION) archive=$(pin ARCHIVE) sha=$(pin SHA256)
member=$(pin MEMBER) member_sha=$(pin MEMBER_SHA256)
[ -n "$package" ] && [ -n "$sha" ] && [ -n "$member_sha" ] || { echo "nativeconv: no NC_onnx_proto_* pin in cmake/NativeConvPins.cmake" >&2; exit 2; }

cache=${NATIVECONV_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/nativeconv}/sources
deb="$cache/$archive"
verified() { [ -f "$deb" ] && [ "$(sha256sum "$deb" | cut -d' ' -f1)" = "$sha" ]; }

if ! verified; then
  if [ -f "$deb" ]; then
    echo "nativeconv: $deb: sha256 $(sha256sum "$deb" | cut -d' ' -f1), not the pinned $sha: moved aside to $deb.rejected" >&2
    mv -f "$deb" "$deb.rejected"
  fi
  if [ "$fetch" = 0 ]; then
    echo "nativeconv: onnx.proto comes from $archive (sha256 $sha), which is not in $cache: run build/onnx-proto.sh (it downloads $package=$version with apt-get download and verifies it)" >&2
    exit 3
  fi
  # The project's scripts (build/common.sh) install packages as root; this only downloads into the cache.
  source "$root/build/common.sh"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  nc_log "apt-get download $package=$version (onnx.proto for NativeConv.Onnx)" >&2
  if ! (cd "$work" && apt-get download "$package=$version" >&2 2>"$work/err"); then
    # An empty or stale package list: update it once, as nc_apt_install does, and try again.
    nc_as_root apt-get update -qq >&2
    (cd "$work" && apt-get download "$package=$version" >&2) || { echo "nativeconv: apt-get download $package=$version failed: $(cat "$work/err")" >&2; exit 4; }
  fi
  mkdir -p "$cache"
  mv -f "$work/$archive" "$deb" 2>/dev/null || { echo "nativeconv: apt-get download $package=$version did not deliver $archive" >&2; exit 4; }
  verified || { echo "nativeconv: downloaded $archive has sha256 $(sha256sum "$deb" | cut -d' ' -f1), not the pinned $sha" >&2; mv -f "$deb" "$deb.rejected"; exit 5; }
fi

[ -n "$dest" ] || exit 0
mkdir -p "$(dirname "$dest")"
dpkg-deb --fsys-tarfile "$deb" | tar -xO "$member" > "$dest.partial"
actual=$(sha256sum "$dest.partial" | cut -d' ' -f1)
if [ "$actual" != "$member_sha" ]; then
  rm -f "$dest.partial"
  echo "nativeconv: $member in $archive has sha256 $actual, not the pinned $member_sha" >&2
  exit 5
fi
mv -f "$dest.partial" "$dest"
