# CMAKE_PROJECT_INCLUDE of cmake/toolchains/win-x64.cmake: read right after every project() call of the
# win-x64 sub-builds, in that project's directory. Two upstream projects need a word on Windows:
#
# cpuinfo (inside XNNPACK's build): XNNPACK defines NOMINMAX for the whole build on Windows (for std::min/max
# in its C++), but cpuinfo's Windows code (src/x86/windows/init.c) uses the min/max macros of <windows.h>:
# with NOMINMAX it calls a function 'max' that does not exist, and the link fails ("undefined reference to
# `max'"). -UNOMINMAX, added to cpuinfo's directory only, comes after the -D on its command lines (options
# follow definitions), so cpuinfo sees the macros again.
#
# XNNPACK: its install rule names only LIBRARY and ARCHIVE destinations, so a DLL (a RUNTIME artifact on
# Windows) is built but not installed. The rule that installs it runs when XNNPACK's directory is done,
# once its target exists.
if(PROJECT_NAME STREQUAL "cpuinfo")
  add_compile_options(-UNOMINMAX)
elseif(PROJECT_NAME STREQUAL "XNNPACK")
  cmake_language(DEFER CALL install TARGETS XNNPACK RUNTIME DESTINATION bin)
endif()
