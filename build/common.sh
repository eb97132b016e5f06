# Shared by the build/ scripts: logging with timestamps, privilege escalation for apt.
NC_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NC_BUILD_DIR=${NC_BUILD_DIR:-$NC_ROOT/artifacts/build}

nc_log() { printf '==> [%s] %s\n' "$(date +%H:%M:%S)" "$*"; }

nc_as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else echo "need root for: $*" >&2; return 1; fi
}

# nc_apt_install PACKAGE...: installs those that are not installed yet (one apt-get update first).
nc_apt_install() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  nc_log "installing Debian packages: ${missing[*]}"
  nc_as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive nc_as_root apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# nc_closing_counts LOG LABEL EXIT WHAT: "PASSED FAILED" from the closing line "LABEL: N passed, N failed" of a
# program's LOG (the last such line). No such line, or a non-zero EXIT with none failed, counts one failure, and
# says so on stderr ("FAIL WHAT: ...").
nc_closing_counts() {
  local log=$1 label=$2 rc=$3 what=$4 p f
  read -r p f < <(sed -n "s/^$label: \([0-9]*\) passed, \([0-9]*\) failed\$/\1 \2/p" "$log" | tail -1) || true
  if [ -z "${p:-}" ]; then
    echo "FAIL $what printed no closing line (exit $rc)" >&2
    p=0 f=1
  elif [ "$rc" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then
    echo "FAIL $what exited $rc" >&2
    f=1
  fi
  echo "$p $f"
}
# NativeConv.Onnx (and the CLI, which runs ONNX models through it) generates its protobuf classes from the pinned
# onnx.proto (cmake/NativeConvPins.cmake, NC_onnx_proto_*): fetched and verified once into the source cache, before
# any .NET build.
nc_onnx_proto() { "$NC_ROOT/build/onnx-proto.sh" >&2; }
