# cmake -DPREFIXES=<install prefix>|... -DDEST=<native dir> -DLIBRARIES=a|b -DOMP_HEADER=<omp.h>
#       -DRUNTIME_LIBRARIES=<file name>=<path>|... -DOMP_SONAME=libgomp.so.1 -DLICENSES=name=path|...
#       -DPINS=<NativeConvPins.cmake> -P StageNative.cmake
# Copies into DEST: lib/lib<name>.so* (symlinks kept), or on Windows lib/<name>.dll and its import library
# lib/<name>.dll.a (for our C harness; packages carry only the DLL), the runtime libraries under their file names
# (the OpenMP runtime OMP_SONAME, and on Windows the MinGW DLLs it imports), include/ (public headers and omp.h),
# licenses/<name>.txt, and THIRD-PARTY-NOTICES.txt listing every component with its version.
string(REPLACE "|" ";" LIBRARIES "${LIBRARIES}")
string(REPLACE "|" ";" PREFIXES "${PREFIXES}")
string(REPLACE "|" ";" LICENSES "${LICENSES}")
string(REPLACE "|" ";" RUNTIME_LIBRARIES "${RUNTIME_LIBRARIES}")
file(REMOVE_RECURSE "${DEST}/lib" "${DEST}/include" "${DEST}/licenses")
foreach(name IN LISTS LIBRARIES)
  set(libs "")
  foreach(PREFIX IN LISTS PREFIXES)
    file(GLOB found "${PREFIX}/lib/lib${name}.so*" "${PREFIX}/lib/lib${name}.*.dylib" "${PREFIX}/lib/lib${name}.dylib"
                    "${PREFIX}/bin/${name}.dll" "${PREFIX}/lib/${name}.dll.a" "${PREFIX}/lib/${name}.lib")
    list(APPEND libs ${found})
  endforeach()
  if(NOT libs)
    message(FATAL_ERROR "nativeconv: no library ${name} under ${PREFIXES}")
  endif()
  file(COPY ${libs} DESTINATION "${DEST}/lib" FOLLOW_SYMLINK_CHAIN)
endforeach()
foreach(entry IN LISTS RUNTIME_LIBRARIES)
  string(REGEX MATCH "^([^=]+)=(.*)$" _ "${entry}")
  file(COPY_FILE "${CMAKE_MATCH_2}" "${DEST}/lib/${CMAKE_MATCH_1}")
endforeach()
foreach(PREFIX IN LISTS PREFIXES)
  file(COPY "${PREFIX}/include/" DESTINATION "${DEST}/include"
       FILES_MATCHING PATTERN "dnnl*.h" PATTERN "dnnl*.hpp" PATTERN "xnnpack.h" PATTERN "pthreadpool.h")
endforeach()
file(COPY "${OMP_HEADER}" DESTINATION "${DEST}/include")

include("${PINS}")
file(MAKE_DIRECTORY "${DEST}/licenses")
set(notices "NativeConv native libraries: third-party components\n\n")
foreach(entry IN LISTS LICENSES)
  string(REGEX MATCH "^([^=]+)=(.*)$" _ "${entry}")
  set(name "${CMAKE_MATCH_1}")
  set(path "${CMAKE_MATCH_2}")
  if(NOT EXISTS "${path}")
    message(FATAL_ERROR "nativeconv: license text of ${name} not found at ${path}")
  endif()
  file(COPY_FILE "${path}" "${DEST}/licenses/${name}.txt")
  set(have_${name} ON)
endforeach()
string(APPEND notices
  "oneDNN ${NC_onednn_VERSION} (with NativeConv patches, see cmake/patches/): Apache License 2.0, licenses/onednn.txt;\n"
  "  its bundled third-party programs: licenses/onednn-third-party-programs.txt\n"
  "XNNPACK ${NC_xnnpack_VERSION}: BSD 3-Clause, licenses/xnnpack.txt\n"
  "cpuinfo ${NC_cpuinfo_VERSION}: BSD 2-Clause, licenses/cpuinfo.txt\n"
  "pthreadpool ${NC_pthreadpool_VERSION} (its API and FPU helpers, implemented over OpenMP by NativeConv): BSD 2-Clause, licenses/pthreadpool.txt\n"
  "FXdiv ${NC_fxdiv_VERSION}: MIT, licenses/fxdiv.txt\n"
  "GNU libgomp (${OMP_SONAME}, the OpenMP runtime oneDNN and XNNPACK (through pthreadpool's API) use): GPL 3 with the GCC Runtime Library Exception, licenses/libgomp.txt\n")
if(have_libgcc)
  string(APPEND notices "GNU libgcc (libgcc_s_seh-1.dll, which libgomp-1.dll imports): GPL 3 with the GCC Runtime Library Exception, licenses/libgcc.txt\n")
endif()
if(have_winpthread)
  string(APPEND notices "MinGW-w64 winpthreads (libwinpthread-1.dll, POSIX threads for libgomp and libstdc++ on Windows): "
    "expat (MIT), parts BSD 3-Clause (its sections of the mingw-w64 copyright file), licenses/winpthread.txt\n")
endif()
file(WRITE "${DEST}/THIRD-PARTY-NOTICES.txt" "${notices}")
