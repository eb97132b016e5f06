# Cross-compiling for win-x64 on an x86-64 Debian host with Debian's MinGW-w64 toolchain, POSIX thread
# model (g++-mingw-w64-x86-64-posix: GCC's libgomp needs it; its runtime DLLs live in
# /usr/lib/gcc/x86_64-w64-mingw32/<version>-posix and /usr/x86_64-w64-mingw32/lib). build/native.sh
# --rid win-x64 passes this file; its contents, and those of the files in NC_TOOLCHAIN_FILES, are part of
# the win-x64 build cache keys.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR AMD64)

set(NC_CROSS_TRIPLE x86_64-w64-mingw32)
set(NC_CROSS_SYSROOT /usr/x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${NC_CROSS_TRIPLE}-gcc-posix)
set(CMAKE_CXX_COMPILER ${NC_CROSS_TRIPLE}-g++-posix)
set(CMAKE_RC_COMPILER ${NC_CROSS_TRIPLE}-windres)
set(CMAKE_ASM_COMPILER ${NC_CROSS_TRIPLE}-gcc-posix)

# Headers and libraries from the target tree only; programs (cmake's own helpers) from the host.
set(CMAKE_FIND_ROOT_PATH ${NC_CROSS_SYSROOT})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# GCC's C and C++ runtimes linked in, so our DLLs import only Windows' own DLLs plus the OpenMP runtime
# (libgomp-1.dll) and the POSIX threads it and libstdc++ run on (libwinpthread-1.dll), staged beside them.
# No link timestamp in the PE headers: a rebuild gives the same bytes.
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-static-libgcc -static-libstdc++ -Wl,--no-insert-timestamp")
set(CMAKE_MODULE_LINKER_FLAGS_INIT "-static-libgcc -static-libstdc++ -Wl,--no-insert-timestamp")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static-libgcc -static-libstdc++ -Wl,--no-insert-timestamp")
# oneDNN writes the year of the build into its version resource (string(TIMESTAMP) in cmake/version.cmake):
# a fixed moment instead (2025-01-01, the year oneDNN 3.7 was released), for the same reason.
set(ENV{SOURCE_DATE_EPOCH} 1735689600)

# DLLs named as .NET imports them: nativeconv_dnnl.dll, not CMake's MinGW default libnativeconv_dnnl.dll.
# The prefix is platform information, which CMake sets after reading a toolchain file; this file is read
# after it (see the file).
set(CMAKE_USER_MAKE_RULES_OVERRIDE ${CMAKE_CURRENT_LIST_DIR}/win-x64-rules.cmake)
# What cpuinfo and XNNPACK need on Windows, said after their project() calls (see the file): cpuinfo compiles
# without XNNPACK's global NOMINMAX, XNNPACK's DLL is installed.
set(CMAKE_PROJECT_INCLUDE ${CMAKE_CURRENT_LIST_DIR}/win-x64-projects.cmake)
set(NC_TOOLCHAIN_FILES ${CMAKE_CURRENT_LIST_DIR}/win-x64-rules.cmake ${CMAKE_CURRENT_LIST_DIR}/win-x64-projects.cmake)

# Target programs (our C checks) run under Wine, through the script that keeps its prefix under artifacts/.
set(CMAKE_CROSSCOMPILING_EMULATOR ${CMAKE_CURRENT_LIST_DIR}/../../build/wine-run.sh)
