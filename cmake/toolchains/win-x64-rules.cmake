# CMAKE_USER_MAKE_RULES_OVERRIDE of cmake/toolchains/win-x64.cmake: read after CMake's Windows-GNU platform
# information, which prefixes DLLs and their import libraries with "lib" (MinGW's convention). Ours carry no
# prefix (nativeconv_dnnl.dll, nativeconv_xnnpack.dll: the names the interop assemblies load); the MinGW
# runtime DLLs staged beside them keep theirs (libgomp-1.dll).
set(CMAKE_SHARED_LIBRARY_PREFIX "")
set(CMAKE_IMPORT_LIBRARY_PREFIX "")
