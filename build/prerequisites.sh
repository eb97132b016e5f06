#!/usr/bin/env bash
# Installs what the native build needs from Debian's packages (idempotent: only what is missing).
set -euo pipefail
source "$(dirname "$0")/common.sh"
nc_apt_install cmake ninja-build g++ gcc ccache xz-utils binutils patch ca-certificates
