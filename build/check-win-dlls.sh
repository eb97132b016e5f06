#!/usr/bin/env bash
# Checks the DLLs of a win-x64 native folder (artifacts/native/win-x64/lib, or a package's
# runtimes/win-x64/native), with binutils' objdump only:
#   check-win-dlls.sh DIR
#     every DLL is PE32+ for x86-64 (objdump -f: pei-x86-64; objdump -p: Magic 020b) and imports only Windows
#     system DLLs (below) and DLLs of the same folder (objdump -p: 'DLL Name:'); one line per DLL saying what
#     it imports.
#   check-win-dlls.sh --aligned-spills DIR
#     no DLL moves a 256- or 512-bit register (ymm, zmm) to or from a stack slot ((%rsp), (%rbp)) with an
#     aligned move (vmovaps, vmovapd, vmovdqa, vmovdqa32, vmovdqa64). Windows x64 aligns the stack to 16
#     bytes only, and GCC for MinGW cannot realign it (GCC bug 54412): such a move faults whenever the slot is
#     not 32/64-byte aligned, which is at random. Debian's MinGW GCC spills with unaligned moves; this check
#     keeps a compiler change from bringing the crash back. Prints each offending instruction with its function.
set -euo pipefail
mode=imports
if [ "${1:-}" = "--aligned-spills" ]; then mode=spills; shift; fi
dir=${1:?usage: check-win-dlls.sh [--aligned-spills] DIR}
shopt -s nullglob
dlls=("$dir"/*.dll)
[ ${#dlls[@]} -gt 0 ] || { echo "FAIL: no DLL in $dir"; exit 1; }
failed=0

if [ "$mode" = spills ]; then
  for dll in "${dlls[@]}"; do
    found=$(objdump -d --no-show-raw-insn "$dll" | awk '
      /^[0-9a-f]+ <.*>:$/ { fn = $2 }
      /vmov(aps|apd|dqa|dqa32|dqa64)[[:space:]]/ && /%[yz]mm[0-9]+/ && /\((%rsp|%rbp)[,)]/ { print "  " fn " " $0; n++ }
      END { exit n > 0 }') || { echo "FAIL: $(basename "$dll") moves ymm/zmm registers to or from the stack with aligned moves:"; echo "$found" | head -20; failed=1; continue; }
    printf '%-24s no aligned ymm/zmm stack moves\n' "$(basename "$dll")"
  done
  exit $failed
fi

# Windows' own DLLs a MinGW-w64 build may import (the C runtime msvcrt, the Win32 API), compared without case.
system_dlls="kernel32.dll msvcrt.dll ntdll.dll advapi32.dll user32.dll bcrypt.dll ws2_32.dll shell32.dll ole32.dll oleaut32.dll psapi.dll dbghelp.dll version.dll shlwapi.dll"
staged=" $(for d in "${dlls[@]}"; do basename "$d"; done | tr 'A-Z' 'a-z' | tr '\n' ' ')"
for dll in "${dlls[@]}"; do
  name=$(basename "$dll")
  file_header=$(objdump -f "$dll" 2>&1) || true
  private_headers=$(objdump -p "$dll" 2>&1) || true
  if ! grep -q 'file format pei-x86-64' <<<"$file_header" || ! grep -q 'architecture: i386:x86-64' <<<"$file_header" \
     || ! grep -Eq '^Magic[[:space:]]+020b[[:space:]]+\(PE32\+\)' <<<"$private_headers"; then
    echo "FAIL: $name is not a PE32+ x86-64 image: $(grep -E 'format|architecture' <<<"$file_header" | tr '\n' ' ')"
    failed=1
    continue
  fi
  imports=$(awk '/DLL Name:/ { print $3 }' <<<"$private_headers")
  bad=""
  for i in $imports; do
    lower=$(tr 'A-Z' 'a-z' <<<"$i")
    case " $system_dlls $staged " in *" $lower "*) ;; *) bad+=" $i" ;; esac
  done
  if [ -n "$bad" ]; then
    echo "FAIL: $name imports DLLs that are neither Windows' nor staged beside it:$bad"
    failed=1
  fi
  printf '%-24s PE32+ x86-64, imports: %s\n' "$name" "$(echo $imports)"
done
exit $failed
