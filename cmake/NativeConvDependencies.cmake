# Builds oneDNN and XNNPACK (with cpuinfo and FXdiv, and pthreadpool's API over OpenMP) as
# ExternalProjects into a build cache outside the clone, one entry per library keyed by its pins, its
# options and the compiler, then stages the shared libraries and public headers into
# ${NC_NATIVE_DIR}/{lib,include}.
#
# A finished cache entry carries a marker file; any clone that computes the same key skips that
# library's build entirely. An interrupted build resumes in the same cache folder.

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
  -DDNNL_ENABLE_PRIMITIVE=CONVOLUTION|DECONVOLUTION|REORDER|ELTWISE|POOLING|RESAMPLING|CONCAT|SHUFFLE|BINARY
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

# What decides the bytes of each library, and so its cache key: its components' pins and patches, its
# options, (XNNPACK) our wrapper project, the compiler. Each library has its own key and cache entry, so a
# change to one never rebuilds the other. (Not this file's other logic: staging never changes a library.)
set(sub_build_args
  -DCMAKE_BUILD_TYPE=Release
  -DCMAKE_C_COMPILER=${CMAKE_C_COMPILER}
  -DCMAKE_CXX_COMPILER=${CMAKE_CXX_COMPILER})
set(common_key_text "${sub_build_args};${NC_RID};\
${CMAKE_C_COMPILER_ID};${CMAKE_C_COMPILER_VERSION};${CMAKE_CXX_COMPILER_ID};${CMAKE_CXX_COMPILER_VERSION};${CMAKE_GENERATOR}")
# Cross builds (build/native.sh --rid linux-arm64) hand their toolchain file to every sub-build, and
# its contents join the keys. Only then: a native build's keys, and so its cache entries, stay as they were.
if(CMAKE_CROSSCOMPILING)
  if(NOT CMAKE_TOOLCHAIN_FILE)
    message(FATAL_ERROR "nativeconv: cross-compiling for ${NC_RID} needs a toolchain file (cmake/toolchains/)")
  endif()
  get_filename_component(nc_toolchain "${CMAKE_TOOLCHAIN_FILE}" ABSOLUTE)
  file(SHA256 "${nc_toolchain}" toolchain_hash)
  string(APPEND common_key_text ";cross;${toolchain_hash}")
  # Files the toolchain file hands to CMake (win-x64: its make-rules override and its project include)
  # count as its contents. Only when it names some: the linux-arm64 keys stay as they were.
  foreach(f IN LISTS NC_TOOLCHAIN_FILES)
    file(SHA256 "${f}" hash)
    get_filename_component(name "${f}" NAME)
    string(APPEND common_key_text ";${name}:${hash}")
  endforeach()
  list(APPEND sub_build_args -DCMAKE_TOOLCHAIN_FILE=${nc_toolchain})
endif()

# The pins of some components (every field of NativeConvPins.cmake) and their patches' contents.
function(nc_pins_text out_var)
  set(text "")
  foreach(component IN LISTS ARGN)
    nc_patches_hash(${component} patches)
    foreach(field VERSION UPSTREAM_URL UPSTREAM_SHA256 DEBIAN_PACKAGE DEBIAN_VERSION ARCHIVE SHA256 PATCHES)
      string(APPEND text "${component}.${field}=${NC_${component}_${field}};")
    endforeach()
    string(APPEND text "${component}.patches=${patches};")
  endforeach()
  set(${out_var} "${text}" PARENT_SCOPE)
endfunction()

nc_pins_text(onednn_pins onednn)
nc_pins_text(xnnpack_pins xnnpack cpuinfo pthreadpool fxdiv)
# The wrapper project is every file in cmake/xnnpack/ (its CMakeLists.txt and the OpenMP pthreadpool).
file(GLOB wrapper_files "${NC_CMAKE_DIR}/xnnpack/*")
list(SORT wrapper_files)
set(wrapper_text "")
foreach(f IN LISTS wrapper_files)
  file(SHA256 "${f}" hash)
  get_filename_component(name "${f}" NAME)
  string(APPEND wrapper_text "${name}:${hash};")
endforeach()

# nc_library_cache(<name> <key text>): NC_<name>_DIR (the cache entry), NC_<name>_PREFIX (its install
# prefix) and NC_<name>_MARKER (present once the entry is complete).
macro(nc_library_cache name key_text)
  string(SHA256 key "${key_text}")
  string(SUBSTRING "${key}" 0 16 key)
  string(TOLOWER "${name}" lower)
  set(NC_${name}_DIR "${NC_CACHE_DIR}/builds/${NC_RID}-${lower}-${key}")
  set(NC_${name}_PREFIX "${NC_${name}_DIR}/install")
  set(NC_${name}_MARKER "${NC_${name}_PREFIX}/.nativeconv-complete")
endmacro()
nc_library_cache(ONEDNN "onednn;${onednn_pins};${NC_ONEDNN_OPTIONS};${common_key_text}")
nc_library_cache(XNNPACK "xnnpack;${xnnpack_pins};${wrapper_text};${NC_XNNPACK_OPTIONS};${common_key_text}")

find_program(NC_CCACHE ccache)
if(NC_CCACHE)
  # ccache never changes what is compiled, so it is not part of the keys. base_dir makes its hits
  # independent of where a cache entry's build folder is.
  list(APPEND sub_build_args
    "-DCMAKE_C_COMPILER_LAUNCHER=env|CCACHE_BASEDIR=${NC_CACHE_DIR}|${NC_CCACHE}"
    "-DCMAKE_CXX_COMPILER_LAUNCHER=env|CCACHE_BASEDIR=${NC_CACHE_DIR}|${NC_CCACHE}")
endif()

# XNNPACK first: it is the short one, so its failures show early. USES_TERMINAL streams each
# sub-build's [n/N] progress and keeps the two from competing for the 2 cores.
set(nc_done_targets "")
if(EXISTS "${NC_XNNPACK_MARKER}")
  message(STATUS "nativeconv: reusing XNNPACK build ${NC_XNNPACK_DIR}")
else()
  message(STATUS "nativeconv: XNNPACK will be built in ${NC_XNNPACK_DIR} (cold: ~4 min on 2 cores)")
  ExternalProject_Add(nc_xnnpack
    SOURCE_DIR "${NC_CMAKE_DIR}/xnnpack"
    BINARY_DIR "${NC_XNNPACK_DIR}/build"
    PREFIX "${NC_XNNPACK_DIR}/ep"
    LIST_SEPARATOR |
    CMAKE_ARGS ${sub_build_args} ${NC_XNNPACK_OPTIONS}
      -DCMAKE_INSTALL_PREFIX=${NC_XNNPACK_PREFIX} -DCMAKE_INSTALL_LIBDIR=lib
      -DNC_XNNPACK_SOURCE_DIR=${NC_xnnpack_SOURCE_DIR}
      -DCPUINFO_SOURCE_DIR=${NC_cpuinfo_SOURCE_DIR}
      -DPTHREADPOOL_SOURCE_DIR=${NC_pthreadpool_SOURCE_DIR}
      -DFXDIV_SOURCE_DIR=${NC_fxdiv_SOURCE_DIR}
    USES_TERMINAL_CONFIGURE ON USES_TERMINAL_BUILD ON USES_TERMINAL_INSTALL ON)
  add_custom_target(nc_xnnpack_complete
    COMMAND ${CMAKE_COMMAND} -E touch "${NC_XNNPACK_MARKER}"
    DEPENDS nc_xnnpack
    COMMENT "nativeconv: XNNPACK complete in ${NC_XNNPACK_DIR}")
  list(APPEND nc_done_targets nc_xnnpack_complete)
endif()
if(EXISTS "${NC_ONEDNN_MARKER}")
  message(STATUS "nativeconv: reusing oneDNN build ${NC_ONEDNN_DIR}")
else()
  message(STATUS "nativeconv: oneDNN will be built in ${NC_ONEDNN_DIR} (cold: ~25-40 min on 2 cores)")
  set(nc_onednn_after "")
  if(TARGET nc_xnnpack)
    set(nc_onednn_after DEPENDS nc_xnnpack)
  endif()
  ExternalProject_Add(nc_onednn
    ${nc_onednn_after}
    SOURCE_DIR "${NC_onednn_SOURCE_DIR}"
    BINARY_DIR "${NC_ONEDNN_DIR}/build"
    PREFIX "${NC_ONEDNN_DIR}/ep"
    LIST_SEPARATOR |
    CMAKE_ARGS ${sub_build_args} ${NC_ONEDNN_OPTIONS}
      -DCMAKE_INSTALL_PREFIX=${NC_ONEDNN_PREFIX} -DCMAKE_INSTALL_LIBDIR=lib
    USES_TERMINAL_CONFIGURE ON USES_TERMINAL_BUILD ON USES_TERMINAL_INSTALL ON)
  add_custom_target(nc_onednn_complete
    COMMAND ${CMAKE_COMMAND} -E touch "${NC_ONEDNN_MARKER}"
    DEPENDS nc_onednn
    COMMENT "nativeconv: oneDNN complete in ${NC_ONEDNN_DIR}")
  list(APPEND nc_done_targets nc_onednn_complete)
endif()
add_custom_target(nc_dependencies)
if(nc_done_targets)
  add_dependencies(nc_dependencies ${nc_done_targets})
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
# (Debian's libgomp1-<arch>-cross) for a cross build. On Windows (MinGW-w64) the runtime is libgomp-1.dll,
# which imports two more DLLs of GCC's MinGW runtime, staged with it: libgcc_s_seh-1.dll (GCC's support
# library, which our DLLs link statically) and libwinpthread-1.dll (POSIX threads, which our DLLs import too).
if(CMAKE_SYSTEM_NAME STREQUAL "Windows")
  set(NC_OMP_SONAME libgomp-1.dll)
  set(nc_runtime_files "libgomp=libgomp-1.dll" "libgcc=libgcc_s_seh-1.dll" "winpthread=libwinpthread-1.dll")
else()
  set(NC_OMP_SONAME libgomp.so.1)
  set(nc_runtime_files "libgomp=libgomp.so.1")
endif()
# Each license text is the copyright file of the Debian package that holds the file: libgomp1 for a native
# build, libgomp1-arm64-cross (say) for a cross build, gcc-mingw-w64-x86-64-posix-runtime and
# mingw-w64-x86-64-dev for win-x64.
set(NC_RUNTIME_LIBRARIES "")
set(nc_runtime_licenses "")
foreach(entry IN LISTS nc_runtime_files)
  string(REGEX MATCH "^([^=]+)=(.*)$" _ "${entry}")
  set(license_name "${CMAKE_MATCH_1}")
  set(file_name "${CMAKE_MATCH_2}")
  execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=${file_name}
                  OUTPUT_VARIABLE path OUTPUT_STRIP_TRAILING_WHITESPACE)
  get_filename_component(path "${path}" REALPATH)
  if(NOT EXISTS "${path}")
    message(FATAL_ERROR "nativeconv: ${CMAKE_C_COMPILER} has no ${file_name} (asked -print-file-name=${file_name})")
  endif()
  execute_process(COMMAND dpkg-query -S "${path}" OUTPUT_VARIABLE package
                  RESULT_VARIABLE rc ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "nativeconv: ${path} belongs to no Debian package (dpkg-query -S), so its license text is unknown")
  endif()
  string(REGEX REPLACE "[:,].*$" "" package "${package}")
  list(APPEND NC_RUNTIME_LIBRARIES "${file_name}=${path}")
  list(APPEND nc_runtime_licenses "${license_name}=/usr/share/doc/${package}/copyright")
endforeach()
# License texts of everything the libraries contain, named by component (see StageNative.cmake).
set(NC_LICENSES
  "onednn=${NC_onednn_SOURCE_DIR}/LICENSE"
  "onednn-third-party-programs=${NC_onednn_SOURCE_DIR}/THIRD-PARTY-PROGRAMS"
  "xnnpack=${NC_xnnpack_SOURCE_DIR}/LICENSE"
  "cpuinfo=${NC_cpuinfo_SOURCE_DIR}/LICENSE"
  "pthreadpool=${NC_pthreadpool_SOURCE_DIR}/LICENSE"
  "fxdiv=${NC_fxdiv_SOURCE_DIR}/LICENSE"
  ${nc_runtime_licenses})
string(REPLACE ";" "|" NC_LICENSES "${NC_LICENSES}")
string(REPLACE ";" "|" NC_RUNTIME_LIBRARIES "${NC_RUNTIME_LIBRARIES}")
add_custom_target(nc_stage_native ALL
  COMMAND ${CMAKE_COMMAND} -DPREFIXES=${NC_ONEDNN_PREFIX}|${NC_XNNPACK_PREFIX} -DDEST=${NC_NATIVE_DIR} -DOMP_HEADER=${NC_OMP_HEADER}
          -DRUNTIME_LIBRARIES=${NC_RUNTIME_LIBRARIES} -DOMP_SONAME=${NC_OMP_SONAME} -DLICENSES=${NC_LICENSES} -DPINS=${NC_CMAKE_DIR}/NativeConvPins.cmake
          -DLIBRARIES=${NC_ONEDNN_LIBRARY_NAME}|${NC_XNNPACK_LIBRARY_NAME}
          -P "${NC_CMAKE_DIR}/StageNative.cmake"
  DEPENDS nc_dependencies
  COMMENT "nativeconv: staging libraries and headers into ${NC_NATIVE_DIR}"
  VERBATIM)
