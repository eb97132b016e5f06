# Source acquisition: every archive comes, in this order, from
#   1. the local source cache   ${NC_CACHE_DIR}/sources/<ARCHIVE>
#   2. Debian source packages   apt-get source --download-only <pkg>=<version> (private apt config,
#                               derived from this machine's Debian apt sources)
#   3. the upstream URL         only when its sha256 is pinned (an unverifiable archive is refused)
# and is accepted only when its sha256 equals the pin. A cached archive with the wrong hash is
# moved aside as <ARCHIVE>.rejected and the next place is tried; nothing else ever stands in
# for the pinned archive. If every place fails, the error names the component, the version,
# each place tried with its result, and what the user can do.

include_guard(GLOBAL)

option(NC_USE_APT_SOURCES "Fetch missing archives as Debian source packages through apt" ON)
option(NC_USE_UPSTREAM_URLS "Fetch missing archives from upstream URLs (needs internet and a pinned upstream sha256)" ON)

# Verifies ${path} against the pin; on mismatch moves it aside and reports why in ${result_var}.
function(_nc_verify_archive component path result_var)
  file(SHA256 "${path}" actual)
  if(actual STREQUAL "${NC_${component}_SHA256}")
    set(${result_var} "OK" PARENT_SCOPE)
  else()
    file(RENAME "${path}" "${path}.rejected")
    set(${result_var} "sha256 mismatch: expected ${NC_${component}_SHA256}, got ${actual} (moved aside to ${path}.rejected)" PARENT_SCOPE)
  endif()
endfunction()

# Makes ${NC_CACHE_DIR}/sources/<ARCHIVE> present and verified; sets ${out_var} to its path.
function(nc_acquire_archive component out_var)
  set(archive "${NC_${component}_ARCHIVE}")
  set(cache "${NC_CACHE_DIR}/sources")
  set(path "${cache}/${archive}")
  set(what "${component} ${NC_${component}_VERSION} (${archive}, sha256 ${NC_${component}_SHA256})")
  file(MAKE_DIRECTORY "${cache}")
  set(tried "")

  # 1. Local source cache.
  if(EXISTS "${path}")
    _nc_verify_archive(${component} "${path}" result)
    if(result STREQUAL "OK")
      set(${out_var} "${path}" PARENT_SCOPE)
      return()
    endif()
    message(WARNING "nativeconv: cached archive of ${what} rejected: ${result}")
    string(APPEND tried "\n  1. source cache ${path}: ${result}")
  else()
    string(APPEND tried "\n  1. source cache ${path}: not present")
  endif()

  # 2. Debian source package through apt.
  if(NC_USE_APT_SOURCES)
    message(STATUS "nativeconv: ${component}: apt-get source --download-only ${NC_${component}_DEBIAN_PACKAGE}=${NC_${component}_DEBIAN_VERSION}")
    execute_process(
      COMMAND bash "${NC_CMAKE_DIR}/fetch-debian-source.sh" "${NC_CACHE_DIR}"
              "${NC_${component}_DEBIAN_PACKAGE}" "${NC_${component}_DEBIAN_VERSION}" "${archive}" "${cache}"
              ${NC_DEBIAN_SUITES}
      RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_QUIET)
    if(rc EQUAL 0 AND EXISTS "${path}")
      _nc_verify_archive(${component} "${path}" result)
      if(result STREQUAL "OK")
        message(STATUS "nativeconv: ${component}: verified ${archive}")
        set(${out_var} "${path}" PARENT_SCOPE)
        return()
      endif()
      string(APPEND tried "\n  2. Debian source package ${NC_${component}_DEBIAN_PACKAGE}=${NC_${component}_DEBIAN_VERSION}: ${result}")
    else()
      string(REGEX REPLACE "\n$" "" err "${err}")
      string(REGEX MATCHALL "[^\n]+$" last_line "${err}")
      string(APPEND tried "\n  2. Debian source package ${NC_${component}_DEBIAN_PACKAGE}=${NC_${component}_DEBIAN_VERSION}: failed (exit ${rc}): ${last_line}")
    endif()
  else()
    string(APPEND tried "\n  2. Debian source package: skipped (NC_USE_APT_SOURCES=OFF)")
  endif()

  # 3. Upstream URL, verified against its own pinned sha256.
  if(NOT NC_USE_UPSTREAM_URLS)
    string(APPEND tried "\n  3. upstream ${NC_${component}_UPSTREAM_URL}: skipped (NC_USE_UPSTREAM_URLS=OFF)")
  elseif(NC_${component}_UPSTREAM_SHA256 STREQUAL "")
    string(APPEND tried "\n  3. upstream ${NC_${component}_UPSTREAM_URL}: refused, no upstream sha256 is pinned (it cannot be verified)")
  else()
    set(upstream "${cache}/upstream-${component}-${NC_${component}_VERSION}.tar.gz")
    file(DOWNLOAD "${NC_${component}_UPSTREAM_URL}" "${upstream}"
         EXPECTED_HASH SHA256=${NC_${component}_UPSTREAM_SHA256} STATUS status)
    list(GET status 0 code)
    if(code EQUAL 0)
      set(${out_var} "${upstream}" PARENT_SCOPE)
      return()
    endif()
    file(REMOVE "${upstream}")
    string(APPEND tried "\n  3. upstream ${NC_${component}_UPSTREAM_URL}: ${status}")
  endif()

  message(FATAL_ERROR "nativeconv: cannot obtain a verified source archive of ${what}.\n"
    "Places tried:${tried}\n"
    "What you can do: put the exact archive at ${path} (its sha256 must be ${NC_${component}_SHA256}); "
    "or make Debian source packages reachable through apt; or, with internet, pin "
    "NC_${component}_UPSTREAM_SHA256 in cmake/NativeConvPins.cmake after verifying the upstream archive.")
endfunction()

# The hash of a component's patches (empty when it has none): part of its tree name and the build key.
function(nc_patches_hash component out_var)
  set(text "")
  foreach(patch IN LISTS NC_${component}_PATCHES)
    file(SHA256 "${NC_CMAKE_DIR}/patches/${patch}" hash)
    string(APPEND text "${patch}:${hash};")
  endforeach()
  if(text STREQUAL "")
    set(${out_var} "" PARENT_SCOPE)
  else()
    string(SHA256 hash "${text}")
    string(SUBSTRING "${hash}" 0 8 hash)
    set(${out_var} "${hash}" PARENT_SCOPE)
  endif()
endfunction()

# Acquires and unpacks ${component} into ${NC_CACHE_DIR}/src/<component>-<sha12>[-p<patches>] and
# applies its patches; sets ${out_var} to the tree's root (the single top-level folder, when the
# archive has one).
function(nc_acquire_source component out_var)
  string(SUBSTRING "${NC_${component}_SHA256}" 0 12 short)
  nc_patches_hash(${component} patches)
  set(tree "${NC_CACHE_DIR}/src/${component}-${short}")
  if(patches)
    string(APPEND tree "-p${patches}")
  endif()
  if(NOT EXISTS "${tree}/.nativeconv-unpacked")
    nc_acquire_archive(${component} archive)
    message(STATUS "nativeconv: ${component}: unpacking ${archive}")
    file(REMOVE_RECURSE "${tree}.partial" "${tree}")
    file(ARCHIVE_EXTRACT INPUT "${archive}" DESTINATION "${tree}.partial")
    file(GLOB entries LIST_DIRECTORIES true "${tree}.partial/*" "${tree}.partial/.*")
    list(LENGTH entries count)
    set(relative "")
    if(count EQUAL 1 AND IS_DIRECTORY "${entries}")
      get_filename_component(relative "${entries}" NAME)
    endif()
    foreach(patch IN LISTS NC_${component}_PATCHES)
      message(STATUS "nativeconv: ${component}: applying ${patch}")
      execute_process(COMMAND patch -p1 --forward --batch -i "${NC_CMAKE_DIR}/patches/${patch}"
                      WORKING_DIRECTORY "${tree}.partial/${relative}" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
      if(NOT rc EQUAL 0)
        message(FATAL_ERROR "nativeconv: ${component}: patch ${patch} does not apply to ${archive}:\n${out}")
      endif()
    endforeach()
    file(RENAME "${tree}.partial" "${tree}")
    set(root "${tree}")
    if(relative)
      set(root "${tree}/${relative}")
    endif()
    file(WRITE "${tree}/.nativeconv-unpacked" "${root}")
  endif()
  file(READ "${tree}/.nativeconv-unpacked" root)
  set(${out_var} "${root}" PARENT_SCOPE)
endfunction()
