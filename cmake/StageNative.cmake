# cmake -DPREFIX=<install prefix> -DDEST=<native dir> -DLIBRARIES=a|b -DOMP_HEADER=<omp.h> -P StageNative.cmake
# Copies lib<name>.so* (symlinks kept), the public headers and omp.h into DEST/{lib,include}.
string(REPLACE "|" ";" LIBRARIES "${LIBRARIES}")
file(REMOVE_RECURSE "${DEST}/lib" "${DEST}/include")
foreach(name IN LISTS LIBRARIES)
  file(GLOB libs "${PREFIX}/lib/lib${name}.so*" "${PREFIX}/lib/lib${name}.*.dylib" "${PREFIX}/lib/lib${name}.dylib"
                 "${PREFIX}/bin/${name}.dll" "${PREFIX}/lib/${name}.lib")
  if(NOT libs)
    message(FATAL_ERROR "nativeconv: no library ${name} under ${PREFIX}")
  endif()
  file(COPY ${libs} DESTINATION "${DEST}/lib" FOLLOW_SYMLINK_CHAIN)
endforeach()
file(COPY "${PREFIX}/include/" DESTINATION "${DEST}/include"
     FILES_MATCHING PATTERN "dnnl*.h" PATTERN "dnnl*.hpp" PATTERN "xnnpack.h" PATTERN "pthreadpool.h")
file(COPY "${OMP_HEADER}" DESTINATION "${DEST}/include")
