# Builds oneDNN and XNNPACK (with cpuinfo, pthreadpool, FXdiv) as ExternalProjects into a build
# cache outside the clone, keyed by the pins, the options below and the compiler, then stages the
# shared libraries and public headers into ${NC_NATIVE_DIR}/{lib,include}.
#
# A finished cache entry carries a marker file; any clone that computes the same key skips the
# dependency builds entirely. An interrupted build resumes in the same cache folder.

include_guard(GLOBAL)
include(ExternalProject)

# Library names carry our prefix so that a system-installed libdnnl or libXNNPACK can never be
# picked up in place of ours (and ours never shadows theirs).
set(NC_ONEDNN_LIBRARY_NAME nativeconv_dnnl)
set(NC_XNNPACK_LIBRARY_NAME nativeconv_xnnpack)

# Inference only, only the primitives the facade uses (post-ops are attributes, not primitives),
# every CPU ISA kept: brdgmm_dw, the fast depthwise kernel, is compiled under the AVX-512 gate
# but also serves AVX2.
set(NC_ONEDNN_OPTIONS
  -DDNNL_LIBRARY_NAME=${NC_ONEDNN_LIBRARY_NAME}
  -DDNNL_CPU_RUNTIME=OMP
  -DDNNL_GPU_RUNTIME=NONE
  -DDNNL_ENABLE_WORKLOAD=INFERENCE
  -DDNNL_ENABLE_PRIMITIVE=CONVOLUTION|REORDER
  -DDNNL_ENABLE_PRIMITIVE_CPU_ISA=ALL
  -DONEDNN_BUILD_GRAPH=OFF
  -DDNNL_BUILD_TESTS=OFF
  -DDNNL_BUILD_EXAMPLES=OFF
  -DDNNL_BUILD_DOC=OFF
  -DDNNL_EXPERIMENTAL_LOGGING=OFF
  -DDNNL_ENABLE_JIT_PROFILING=OFF
  -DDNNL_ENABLE_ITT_TASKS=OFF)

# Production microkernels only; no tests, benchmarks or KleidiAI (Arm only).
set(NC_XNNPACK_OPTIONS
  -DNC_XNNPACK_LIBRARY_NAME=${NC_XNNPACK_LIBRARY_NAME}
  -DXNNPACK_LIBRARY_TYPE=shared
  -DXNNPACK_BUILD_ALL_MICROKERNELS=OFF
  -DXNNPACK_BUILD_TESTS=OFF
  -DXNNPACK_BUILD_BENCHMARKS=OFF
  -DXNNPACK_ENABLE_KLEIDIAI=OFF
  -DCMAKE_POSITION_INDEPENDENT_CODE=ON)

foreach(component IN LISTS NC_COMPONENTS)
  nc_acquire_source(${component} NC_${component}_SOURCE_DIR)
endforeach()

# What decides the bytes of the libraries, and so the cache key: the pins, the options, the
# XNNPACK wrapper, the compiler. (Not this file's other logic: staging never changes a library.)
set(sub_build_args
  -DCMAKE_BUILD_TYPE=Release
  -DCMAKE_C_COMPILER=${CMAKE_C_COMPILER}
  -DCMAKE_CXX_COMPILER=${CMAKE_CXX_COMPILER})
file(SHA256 "${NC_CMAKE_DIR}/NativeConvPins.cmake" pins_hash)
file(SHA256 "${NC_CMAKE_DIR}/xnnpack/CMakeLists.txt" wrapper_hash)
set(patches_hash "")
foreach(component IN LISTS NC_COMPONENTS)
  nc_patches_hash(${component} hash)
  string(APPEND patches_hash "${hash};")
endforeach()
set(key_text
  "${pins_hash};${patches_hash};${wrapper_hash};${NC_ONEDNN_OPTIONS};${NC_XNNPACK_OPTIONS};${sub_build_args};${NC_RID};\
${CMAKE_C_COMPILER_ID};${CMAKE_C_COMPILER_VERSION};${CMAKE_CXX_COMPILER_ID};${CMAKE_CXX_COMPILER_VERSION};${CMAKE_GENERATOR}")
# Cross builds (build/native.sh --rid linux-arm64) hand their toolchain file to every sub-build, and
# its contents join the key. Only then: a native build's key, and so its cache entry, stays as it was.
if(CMAKE_CROSSCOMPILING)
  if(NOT CMAKE_TOOLCHAIN_FILE)
    message(FATAL_ERROR "nativeconv: cross-compiling for ${NC_RID} needs a toolchain file (cmake/toolchains/)")
  endif()
  get_filename_component(nc_toolchain "${CMAKE_TOOLCHAIN_FILE}" ABSOLUTE)
  file(SHA256 "${nc_toolchain}" toolchain_hash)
  string(APPEND key_text ";cross;${toolchain_hash}")
  list(APPEND sub_build_args -DCMAKE_TOOLCHAIN_FILE=${nc_toolchain})
endif()
string(SHA256 NC_BUILD_KEY "${key_text}")
string(SUBSTRING "${NC_BUILD_KEY}" 0 16 NC_BUILD_KEY)
set(NC_DEPS_DIR "${NC_CACHE_DIR}/builds/${NC_RID}-${NC_BUILD_KEY}")
set(NC_DEPS_PREFIX "${NC_DEPS_DIR}/install")
set(NC_DEPS_MARKER "${NC_DEPS_PREFIX}/.nativeconv-complete")
list(APPEND sub_build_args -DCMAKE_INSTALL_PREFIX=${NC_DEPS_PREFIX} -DCMAKE_INSTALL_LIBDIR=lib)

find_program(NC_CCACHE ccache)
if(NC_CCACHE)
  # ccache never changes what is compiled, so it is not part of the key. base_dir makes its hits
  # independent of where a cache entry's build folder is.
  list(APPEND sub_build_args
    "-DCMAKE_C_COMPILER_LAUNCHER=env|CCACHE_BASEDIR=${NC_CACHE_DIR}|${NC_CCACHE}"
    "-DCMAKE_CXX_COMPILER_LAUNCHER=env|CCACHE_BASEDIR=${NC_CACHE_DIR}|${NC_CCACHE}")
endif()

if(EXISTS "${NC_DEPS_MARKER}")
  message(STATUS "nativeconv: reusing native dependency build ${NC_DEPS_DIR}")
  add_custom_target(nc_dependencies)
else()
  message(STATUS "nativeconv: native dependencies will be built in ${NC_DEPS_DIR} (cold: ~40 min on 2 cores)")
  # XNNPACK first: it is the short one, so its failures show early. USES_TERMINAL streams each
  # sub-build's [n/N] progress and keeps the two from competing for the 2 cores.
  ExternalProject_Add(nc_xnnpack
    SOURCE_DIR "${NC_CMAKE_DIR}/xnnpack"
    BINARY_DIR "${NC_DEPS_DIR}/xnnpack-build"
    PREFIX "${NC_DEPS_DIR}/xnnpack-ep"
    LIST_SEPARATOR |
    CMAKE_ARGS ${sub_build_args} ${NC_XNNPACK_OPTIONS}
      -DNC_XNNPACK_SOURCE_DIR=${NC_xnnpack_SOURCE_DIR}
      -DCPUINFO_SOURCE_DIR=${NC_cpuinfo_SOURCE_DIR}
      -DPTHREADPOOL_SOURCE_DIR=${NC_pthreadpool_SOURCE_DIR}
      -DFXDIV_SOURCE_DIR=${NC_fxdiv_SOURCE_DIR}
    USES_TERMINAL_CONFIGURE ON USES_TERMINAL_BUILD ON USES_TERMINAL_INSTALL ON)
  ExternalProject_Add(nc_onednn
    DEPENDS nc_xnnpack
    SOURCE_DIR "${NC_onednn_SOURCE_DIR}"
    BINARY_DIR "${NC_DEPS_DIR}/onednn-build"
    PREFIX "${NC_DEPS_DIR}/onednn-ep"
    LIST_SEPARATOR |
    CMAKE_ARGS ${sub_build_args} ${NC_ONEDNN_OPTIONS}
    USES_TERMINAL_CONFIGURE ON USES_TERMINAL_BUILD ON USES_TERMINAL_INSTALL ON)
  add_custom_target(nc_dependencies
    COMMAND ${CMAKE_COMMAND} -E touch "${NC_DEPS_MARKER}"
    DEPENDS nc_xnnpack nc_onednn
    COMMENT "nativeconv: native dependencies complete in ${NC_DEPS_DIR}")
endif()

# Stage exactly what the managed side and packages need: the shared libraries (with their
# soname links), the public headers, and the omp.h of the OpenMP runtime oneDNN was built with
# (the bindings generate thread control from it).
execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=include/omp.h
                OUTPUT_VARIABLE NC_OMP_HEADER OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT EXISTS "${NC_OMP_HEADER}")
  message(FATAL_ERROR "nativeconv: ${CMAKE_C_COMPILER} has no omp.h (asked -print-file-name=include/omp.h)")
endif()
# The OpenMP runtime itself is staged too, under its soname: packages carry it for systems without
# libgomp1. The compiler names the copy it links against: the host's for a native build, the target's
# (Debian's libgomp1-<arch>-cross) for a cross build.
set(NC_OMP_SONAME libgomp.so.1)
execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=${NC_OMP_SONAME}
                OUTPUT_VARIABLE NC_OMP_LIBRARY OUTPUT_STRIP_TRAILING_WHITESPACE)
get_filename_component(NC_OMP_LIBRARY "${NC_OMP_LIBRARY}" REALPATH)
if(NOT EXISTS "${NC_OMP_LIBRARY}")
  message(FATAL_ERROR "nativeconv: ${CMAKE_C_COMPILER} has no ${NC_OMP_SONAME} (asked -print-file-name=${NC_OMP_SONAME})")
endif()
# Its license text is the copyright file of the Debian package that holds it: libgomp1 for a native
# build, libgomp1-arm64-cross (say) for a cross build.
execute_process(COMMAND dpkg-query -S "${NC_OMP_LIBRARY}" OUTPUT_VARIABLE nc_omp_package
                RESULT_VARIABLE rc ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "nativeconv: ${NC_OMP_LIBRARY} belongs to no Debian package (dpkg-query -S), so its license text is unknown")
endif()
string(REGEX REPLACE "[:,].*$" "" nc_omp_package "${nc_omp_package}")
set(NC_OMP_LICENSE "/usr/share/doc/${nc_omp_package}/copyright")
# License texts of everything the libraries contain, named by component (see StageNative.cmake).
set(NC_LICENSES
  "onednn=${NC_onednn_SOURCE_DIR}/LICENSE"
  "onednn-third-party-programs=${NC_onednn_SOURCE_DIR}/THIRD-PARTY-PROGRAMS"
  "xnnpack=${NC_xnnpack_SOURCE_DIR}/LICENSE"
  "cpuinfo=${NC_cpuinfo_SOURCE_DIR}/LICENSE"
  "pthreadpool=${NC_pthreadpool_SOURCE_DIR}/LICENSE"
  "fxdiv=${NC_fxdiv_SOURCE_DIR}/LICENSE"
  "libgomp=${NC_OMP_LICENSE}")
string(REPLACE ";" "|" NC_LICENSES "${NC_LICENSES}")
add_custom_target(nc_stage_native ALL
  COMMAND ${CMAKE_COMMAND} -DPREFIX=${NC_DEPS_PREFIX} -DDEST=${NC_NATIVE_DIR} -DOMP_HEADER=${NC_OMP_HEADER}
          -DOMP_LIBRARY=${NC_OMP_LIBRARY} -DOMP_SONAME=${NC_OMP_SONAME} -DLICENSES=${NC_LICENSES} -DPINS=${NC_CMAKE_DIR}/NativeConvPins.cmake
          -DLIBRARIES=${NC_ONEDNN_LIBRARY_NAME}|${NC_XNNPACK_LIBRARY_NAME}
          -P "${NC_CMAKE_DIR}/StageNative.cmake"
  DEPENDS nc_dependencies
  COMMENT "nativeconv: staging libraries and headers into ${NC_NATIVE_DIR}"
  VERBATIM)
