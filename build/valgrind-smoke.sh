#!/usr/bin/env bash
# The C smoke checks under valgrind memcheck: no invalid reads/writes and no definite leaks in our
# harness or the libraries on these shapes. Valgrind hides AVX-512 from the program, so oneDNN runs
# its AVX2 kernels here. Takes a few minutes.
set -euo pipefail
source "$(dirname "$0")/common.sh"
nc_apt_install valgrind
"$NC_ROOT/build/native.sh" >&2
valgrind --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite "$NC_BUILD_DIR/native/nc_smoke"
