# Cross-compiling for linux-arm64 on an x86-64 Debian host with Debian's cross toolchain
# (g++-aarch64-linux-gnu; its target libraries, libgomp1-arm64-cross included, live in
# /usr/aarch64-linux-gnu). build/native.sh --rid linux-arm64 passes this file; its contents are
# part of the arm64 build cache key.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(NC_CROSS_TRIPLE aarch64-linux-gnu)
set(NC_CROSS_SYSROOT /usr/aarch64-linux-gnu)
set(CMAKE_C_COMPILER ${NC_CROSS_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${NC_CROSS_TRIPLE}-g++)

# Headers and libraries from the target tree only; programs (cmake's own helpers) from the host.
set(CMAKE_FIND_ROOT_PATH ${NC_CROSS_SYSROOT})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Target programs (our C smoke check) run under Debian's qemu-user; -L gives it the target's
# dynamic loader and libraries, so no binfmt registration is needed.
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64 -L ${NC_CROSS_SYSROOT})
