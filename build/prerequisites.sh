#!/usr/bin/env bash
# Installs what the native build needs from Debian's packages (idempotent: only what is missing).
# usage: prerequisites.sh [--rid RID]   (linux-arm64 on x86-64: the cross toolchain, its libgomp and qemu-user;
#                                        win-x64: Debian's MinGW-w64 toolchain, POSIX thread model, with its libgomp)
set -euo pipefail
source "$(dirname "$0")/common.sh"
nc_apt_install cmake ninja-build g++ gcc ccache xz-utils binutils patch ca-certificates
if [ "${1:-}" = "--rid" ] && [ "$2" = "linux-arm64" ] && [ "$(uname -m)" != "aarch64" ]; then
  nc_apt_install gcc-aarch64-linux-gnu g++-aarch64-linux-gnu libgomp1-arm64-cross binutils-aarch64-linux-gnu qemu-user
fi
if [ "${1:-}" = "--rid" ] && [ "$2" = "win-x64" ]; then
  # The POSIX thread model: GCC's OpenMP runtime (libgomp-1.dll) comes only with it. Wine, which runs the
  # win-x64 tests, is installed by build/wine-test.sh (the build does not need it).
  nc_apt_install gcc-mingw-w64-x86-64-posix g++-mingw-w64-x86-64-posix binutils-mingw-w64-x86-64
fi
