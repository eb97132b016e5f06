#!/usr/bin/env bash
# Fetches one Debian orig tarball with `apt-get source --download-only`, using a private apt
# configuration whose deb-src entries are derived from this machine's own Debian apt sources.
# The system's apt configuration is never modified, and no archive host is written anywhere:
# the URIs come from the machine.
#
# usage: fetch-debian-source.sh CACHE_DIR PACKAGE VERSION ARCHIVE DEST_DIR SUITE...
# exit 0 with DEST_DIR/ARCHIVE present, or non-zero with the reason on stderr.
# The caller verifies the sha256; this script only fetches.
set -euo pipefail

cache_dir=$1 package=$2 version=$3 archive=$4 dest=$5
shift 5
suites=("$@")

command -v apt-get >/dev/null || { echo "apt-get is not available on this machine" >&2; exit 3; }

apt_dir="$cache_dir/apt"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/sources.list.d" "$dest"
src_file="$apt_dir/sources.list.d/nativeconv-deb-src.sources"

# Derive deb-src stanzas from the machine's Debian archive entries (deb822 and one-line formats).
derive_sources() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    # One stanza per paragraph; keep those that point at a Debian archive (not security updates).
    awk -v suites="${suites[*]}" 'BEGIN { RS = ""; FS = "\n" }
      {
        uris = ""; comps = ""; signed = ""
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^URIs:/) uris = $i
          else if ($i ~ /^Components:/) comps = $i
          else if ($i ~ /^Signed-By:/) signed = $i
        }
        if (uris ~ /\/debian\/?( |$)/ && uris !~ /security/) {
          print "Types: deb-src"; print uris; print "Suites: " suites; print comps
          if (signed != "") print signed
          print ""
        }
      }' "$f"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    awk -v suites="${suites[*]}" '
      $1 == "deb" {
        opts = ""; i = 2
        if ($2 ~ /^\[/) { while ($i !~ /\]$/) { opts = opts $i " "; i++ } opts = opts $i " "; i++ }
        uri = $i; comps = ""
        for (j = i + 2; j <= NF; j++) comps = comps " " $j
        if (uri ~ /\/debian\/?$/ && uri !~ /security/) {
          n = split(suites, s, " ")
          for (k = 1; k <= n; k++) print "deb-src " opts uri " " s[k] comps
        }
      }' "$f"
  done
}

derived=$(derive_sources)
if [ -z "$derived" ]; then
  echo "no Debian archive entry found in /etc/apt/sources.list or /etc/apt/sources.list.d/*.sources" >&2
  exit 4
fi
# deb822 stanzas and one-line entries go to files with the matching extension.
if grep -q '^Types:' <<<"$derived"; then
  grep -v '^deb-src ' <<<"$derived" > "$src_file"
else
  rm -f "$src_file"
fi
grep '^deb-src ' <<<"$derived" > "$apt_dir/sources.list.d/nativeconv-deb-src.list" || rm -f "$apt_dir/sources.list.d/nativeconv-deb-src.list"

apt_opts=(-o "Dir::State::Lists=$apt_dir/lists"
          -o "Dir::Etc::SourceList=/dev/null"
          -o "Dir::Etc::SourceParts=$apt_dir/sources.list.d"
          -o "Dir::Cache=$apt_dir/cache"
          -o "Debug::NoLocking=true"
          -o "APT::Sandbox::User=$(id -un)")
mkdir -p "$apt_dir/cache/archives/partial"

# Refresh the source indexes when they are missing or older than a day.
stamp="$apt_dir/lists/.nativeconv-updated"
if [ ! -f "$stamp" ] || [ -n "$(find "$stamp" -mmin +1440 2>/dev/null)" ] \
   || [ "$(cat "$stamp" 2>/dev/null)" != "$(cat "$apt_dir"/sources.list.d/* | sha256sum)" ]; then
  echo "-- nativeconv: apt-get update (deb-src: ${suites[*]}) into $apt_dir" >&2
  apt-get "${apt_opts[@]}" update >&2 || { echo "apt-get update failed" >&2; exit 5; }
  cat "$apt_dir"/sources.list.d/* | sha256sum > "$stamp"
fi

work=$(mktemp -d "$dest/.apt-XXXXXX")
trap 'rm -rf "$work"' EXIT
# The .dsc and Debian diff of some versions are gone from the archive while the orig tarball is
# still there: apt then reports errors for the missing files, so judge by the tarball itself.
( cd "$work" && apt-get "${apt_opts[@]}" source --download-only "$package=$version" >&2 ) || true
if [ ! -f "$work/$archive" ]; then
  echo "apt-get source --download-only $package=$version did not deliver $archive" >&2
  exit 6
fi
mv -f "$work/$archive" "$dest/$archive"
