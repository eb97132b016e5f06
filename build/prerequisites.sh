#!/usr/bin/env bash
# Installs what the native build needs from Debian's packages (idempotent: only what is missing).
# usage: prerequisites.sh [--rid RID]   (linux-arm64 on x86-64: the cross toolchain, its libgomp and qemu-user)
set -euo pipefail
source "$(dirname "$0")/common.sh"
nc_apt_install cmake ninja-build g++ gcc ccache xz-utils binutils patch ca-certificates
if [ "${1:-}" = "--rid" ] && [ "$2" = "linux-arm64" ] && [ "$(uname -m)" != "aarch64" ]; then
  nc_apt_install gcc-aarch64-linux-gnu g++-aarch64-linux-gnu libgomp1-arm64-cross binutils-aarch64-linux-gnu qemu-user
fi
