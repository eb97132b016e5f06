# cmake -DPREFIXES=<install prefix>|... -DDEST=<native dir> -DLIBRARIES=a|b -DOMP_HEADER=<omp.h> -DOMP_LIBRARY=<libgomp>
#       -DOMP_SONAME=libgomp.so.1 -DLICENSES=name=path|... -DPINS=<NativeConvPins.cmake> -P StageNative.cmake
# Copies into DEST: lib/lib<name>.so* (symlinks kept) and the OpenMP runtime as OMP_SONAME, include/ (public headers and
# omp.h), licenses/<name>.txt, and THIRD-PARTY-NOTICES.txt listing every component with its version.
string(REPLACE "|" ";" LIBRARIES "${LIBRARIES}")
string(REPLACE "|" ";" PREFIXES "${PREFIXES}")
string(REPLACE "|" ";" LICENSES "${LICENSES}")
file(REMOVE_RECURSE "${DEST}/lib" "${DEST}/include" "${DEST}/licenses")
foreach(name IN LISTS LIBRARIES)
  set(libs "")
  foreach(PREFIX IN LISTS PREFIXES)
    file(GLOB found "${PREFIX}/lib/lib${name}.so*" "${PREFIX}/lib/lib${name}.*.dylib" "${PREFIX}/lib/lib${name}.dylib"
                    "${PREFIX}/bin/${name}.dll" "${PREFIX}/lib/${name}.lib")
    list(APPEND libs ${found})
  endforeach()
  if(NOT libs)
    message(FATAL_ERROR "nativeconv: no library ${name} under ${PREFIXES}")
  endif()
  file(COPY ${libs} DESTINATION "${DEST}/lib" FOLLOW_SYMLINK_CHAIN)
endforeach()
file(COPY_FILE "${OMP_LIBRARY}" "${DEST}/lib/${OMP_SONAME}")
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
endforeach()
string(APPEND notices
  "oneDNN ${NC_onednn_VERSION} (with NativeConv patches, see cmake/patches/): Apache License 2.0, licenses/onednn.txt;\n"
  "  its bundled third-party programs: licenses/onednn-third-party-programs.txt\n"
  "XNNPACK ${NC_xnnpack_VERSION}: BSD 3-Clause, licenses/xnnpack.txt\n"
  "cpuinfo ${NC_cpuinfo_VERSION}: BSD 2-Clause, licenses/cpuinfo.txt\n"
  "pthreadpool ${NC_pthreadpool_VERSION} (its API and FPU helpers, implemented over OpenMP by NativeConv): BSD 2-Clause, licenses/pthreadpool.txt\n"
  "FXdiv ${NC_fxdiv_VERSION}: MIT, licenses/fxdiv.txt\n"
  "GNU libgomp (${OMP_SONAME}, the OpenMP runtime oneDNN and XNNPACK (through pthreadpool's API) use): GPL 3 with the GCC Runtime Library Exception, licenses/libgomp.txt\n")
file(WRITE "${DEST}/THIRD-PARTY-NOTICES.txt" "${notices}")
