#!/usr/bin/env bash
# Runs a Windows x64 program under Wine, as the win-x64 tests do (CTest's emulator for the win-x64 cross
# build, build/wine-test.sh, build/package-test.sh): usage: wine-run.sh PROGRAM.exe [ARGS...]
#   - its own Wine prefix, artifacts/wine-prefix (WINEPREFIX overrides), made on first use: Windows 10,
#     without installing Wine's Mono or Gecko (.NET apps here are self-contained; nothing needs a browser).
#     Only the prefix's making goes without mscoree: Wine loads every .NET assembly image (an image with a
#     CLR header, as System.Runtime.dll) through it, and without it .NET fails with 'Module not found';
#   - WINEDEBUG=-all: Wine's own diagnostics off, so the output is the program's;
#   - DOTNET_EnableWriteXorExecute=0: .NET's W^X (on by default) maps JIT'd code twice, writable and executable;
#     under Wine 8.0 freeing such code fails: NativeConv.Emulated (info, then conformance) died in the finalizer
#     of its dynamic methods ("Internal CLR error (0x80131506)" in DynamicResolver+DestroyScout.Finalize) in 8 runs
#     of 8, and a run with no native library loaded stopped too; with W^X off, 3 of 3 passed. A Wine matter:
#     Windows itself is not affected, and nothing here depends on it;
#   - the program's output with Windows line ends turned into Unix ones ('\r' removed); its exit code kept.
# Wine runs the program itself (no binfmt registration). Environment variables pass through to it.
set -euo pipefail
source "$(dirname "$0")/common.sh"
[ $# -ge 1 ] || { echo "usage: wine-run.sh PROGRAM [ARGS...]" >&2; exit 2; }
command -v wine >/dev/null || { echo "wine-run.sh: wine is not installed (build/wine-test.sh installs Debian's wine64 and wine)" >&2; exit 2; }
export WINEPREFIX=${WINEPREFIX:-$NC_ROOT/artifacts/wine-prefix}
export WINEDEBUG=-all
export DOTNET_EnableWriteXorExecute=0
mkdir -p "$(dirname "$WINEPREFIX")"
(
  flock 9
  if [ ! -f "$WINEPREFIX/.nativeconv-ready" ]; then
    WINEDLLOVERRIDES="mscoree,mshtml=" wineboot --init >/dev/null 2>&1 || true
    wine reg add 'HKCU\Software\Wine' /v Version /t REG_SZ /d win10 /f >/dev/null 2>&1
    wineserver -w
    touch "$WINEPREFIX/.nativeconv-ready"
  fi
) 9>"$WINEPREFIX.lock"
set +e
wine "$@" 2> >(tr -d '\r' >&2) | tr -d '\r'
rc=${PIPESTATUS[0]}
exit "$rc"
